#include "harness/diagnose/fields.h"

namespace kdrill::diagnose {

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
