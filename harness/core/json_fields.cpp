#include "harness/core/json_fields.h"

#include <charconv>

namespace kdrill::json {

namespace {

// One pointer token with ~1 and ~0 unescaped (in that order, RFC 6901).
std::string Unescape(std::string token) {
  for (size_t at = token.find("~1"); at != std::string::npos; at = token.find("~1", at + 1)) token.replace(at, 2, "/");
  for (size_t at = token.find("~0"); at != std::string::npos; at = token.find("~0", at + 1)) token.replace(at, 2, "~");
  return token;
}

}  // namespace

const Json& At(const Json& j, const char* ptr) {
  static const Json kNull;
  // Walk the pointer by hand so that a wrong type on the way reads as absent
  // instead of throwing.
  const Json* cur = &j;
  std::string path(ptr);
  if (path.empty()) return j;
  if (path[0] != '/') return kNull;
  size_t pos = 1;
  while (true) {
    size_t next = path.find('/', pos);
    std::string token = Unescape(path.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
    if (cur->is_object()) {
      auto it = cur->find(token);
      if (it == cur->end()) return kNull;
      cur = &*it;
    } else if (cur->is_array()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (token.empty() || ec != std::errc() || end != token.data() + token.size() || index >= cur->size()) {
        return kNull;
      }
      cur = &(*cur)[index];
    } else {
      return kNull;
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return *cur;
}

std::string Str(const Json& j, const char* ptr, const std::string& fallback) {
  const Json& v = At(j, ptr);
  return v.is_string() ? v.get<std::string>() : fallback;
}

bool Bool(const Json& j, const char* ptr, bool fallback) {
  const Json& v = At(j, ptr);
  return v.is_boolean() ? v.get<bool>() : fallback;
}

int64_t Int(const Json& j, const char* ptr, int64_t fallback) {
  const Json& v = At(j, ptr);
  return v.is_number_integer() ? v.get<int64_t>() : fallback;
}

double Num(const Json& j, const char* ptr, double fallback) {
  const Json& v = At(j, ptr);
  return v.is_number() ? v.get<double>() : fallback;
}

std::vector<std::string> Strings(const Json& j, const char* ptr) {
  std::vector<std::string> out;
  const Json& v = At(j, ptr);
  if (!v.is_array()) return out;
  for (const auto& e : v) {
    if (!e.is_string()) return {};
    out.push_back(e.get<std::string>());
  }
  return out;
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
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace kdrill::json
