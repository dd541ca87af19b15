#include "harness/diagnose/fields.h"

namespace kdrill::diagnose {

const Json& At(const Json& j, const char* ptr) {
  static const Json kNull;
  if (!j.is_object()) {
    return kNull;
  }
  // Walk the pointer by hand so that a non-object in the middle reads as
  // absent instead of throwing.
  const Json* cur = &j;
  std::string path(ptr);
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    std::string token = path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!cur->is_object()) {
      return kNull;
    }
    auto it = cur->find(token);
    if (it == cur->end()) {
      return kNull;
    }
    cur = &*it;
    if (next == std::string::npos) {
      break;
    }
    pos = next + 1;
  }
  return *cur;
}

std::string Str(const Json& j, const char* ptr) {
  const Json& v = At(j, ptr);
  return v.is_string() ? v.get<std::string>() : std::string();
}

int64_t Int(const Json& j, const char* ptr, int64_t fallback) {
  const Json& v = At(j, ptr);
  return v.is_number_integer() ? v.get<int64_t>() : fallback;
}

const Json& Arr(const Json& j, const char* ptr) {
  static const Json kEmpty = Json::array();
  const Json& v = At(j, ptr);
  return v.is_array() ? v : kEmpty;
}

const Json& Obj(const Json& j, const char* ptr) {
  static const Json kEmpty = Json::object();
  const Json& v = At(j, ptr);
  return v.is_object() ? v : kEmpty;
}

std::string Field(const Json& j, const char* key) {
  if (!j.is_object()) {
    return {};
  }
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool Knows(const ObjectStore& store, const std::string& kind) { return store.count(kind) > 0; }

const Json* Find(const ObjectStore& store, const std::string& kind, const std::string& ns, const std::string& name) {
  auto k = store.find(kind);
  if (k == store.end()) {
    return nullptr;
  }
  auto o = k->second.find(ns + "/" + name);
  return o == k->second.end() ? nullptr : &o->second;
}

std::vector<const Json*> All(const ObjectStore& store, const std::string& kind, const std::string& ns) {
  std::vector<const Json*> out;
  auto k = store.find(kind);
  if (k == store.end()) {
    return out;
  }
  for (const auto& [key, obj] : k->second) {
    if (ns.empty() || Str(obj, "/metadata/namespace") == ns) {
      out.push_back(&obj);
    }
  }
  return out;
}

bool IsReady(const Json& pod) {
  for (const auto& c : Arr(pod, "/status/conditions")) {
    if (Field(c, "type") == "Ready") {
      return Field(c, "status") == "True";
    }
  }
  return false;
}

bool IsTerminating(const Json& obj) { return !At(obj, "/metadata/deletionTimestamp").is_null(); }

std::vector<std::string> ClaimsOf(const Json& pod) {
  std::vector<std::string> out;
  for (const auto& v : Arr(pod, "/spec/volumes")) {
    std::string claim = Str(v, "/persistentVolumeClaim/claimName");
    if (!claim.empty()) {
      out.push_back(claim);
    }
  }
  return out;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out += i + 1 == items.size() ? " and " : ", ";
    }
    out += items[i];
  }
  return out;
}

}  // namespace kdrill::diagnose
