#include "assertions/json_path.h"

#include <fmt/format.h>

#include <algorithm>

namespace kdrill::assertions {

namespace {

Error At(size_t pos, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, fmt::format("at character {}: {}", pos + 1, what));
}

}  // namespace

Result<JsonPath> ParseJsonPath(const std::string& text) {
  JsonPath out;
  out.text = text;
  std::string s = text;
  long offset = 0;  // text position = position in s + offset, for messages
  if (!s.empty() && s.front() == '{') {
    if (s.back() != '}') {
      return std::unexpected(At(text.size() - 1, "a path that starts with '{' must end with '}'"));
    }
    s = s.substr(1, s.size() - 2);
    offset = 1;
  }
  if (s.empty() || s == ".") {
    return std::unexpected(Error(ErrorCode::kInvalidArgument,
                                 "the path is empty; write a field path such as .status.readyReplicas"));
  }
  size_t i = 0;
  if (s[0] != '.' && s[0] != '[') {
    s = "." + s;  // "status.readyReplicas" reads as ".status.readyReplicas"
    offset -= 1;
  }
  auto pos = [&](size_t p) { return static_cast<size_t>(std::max(0L, static_cast<long>(p) + offset)); };
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
      std::string key;
      while (i < s.size() && s[i] != '.' && s[i] != '[') {
        if (s[i] == '\\' && i + 1 < s.size()) {
          key += s[i + 1];
          i += 2;
          continue;
        }
        if (s[i] == '*' || s[i] == '?' || s[i] == '@' || s[i] == ']' || s[i] == '{' || s[i] == '}') {
          return std::unexpected(At(pos(i), fmt::format("'{}' is not supported: a path names one field (no "
                                                        "wildcards, filters or ranges)",
                                                        s[i])));
        }
        key += s[i++];
      }
      if (key.empty()) {
        return std::unexpected(At(pos(i), "empty field name (two dots in a row, or a dot before '[' or at the end)"));
      }
      out.steps.emplace_back(key);
    } else if (s[i] == '[') {
      size_t close = s.find(']', i);
      if (close == std::string::npos) {
        return std::unexpected(At(pos(i), "'[' without a closing ']'"));
      }
      std::string inner = s.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') && inner.back() == inner.front()) {
        std::string key = inner.substr(1, inner.size() - 2);
        if (key.empty()) {
          return std::unexpected(At(pos(i), "empty key in brackets"));
        }
        out.steps.emplace_back(key);
      } else if (!inner.empty() && inner.size() <= 9 && inner.find_first_not_of("0123456789") == std::string::npos) {
        out.steps.emplace_back(static_cast<size_t>(std::stoul(inner)));
      } else {
        return std::unexpected(At(pos(i), fmt::format("[{}] is not supported: use an array index such as [0] or a "
                                                      "quoted key such as ['kdrill.io/x']",
                                                      inner)));
      }
      i = close + 1;
    } else {
      return std::unexpected(At(pos(i), fmt::format("expected '.' or '[' before \"{}\"", s.substr(i))));
    }
  }
  return out;
}

const nlohmann::json* JsonPath::Find(const nlohmann::json& doc) const {
  const nlohmann::json* cur = &doc;
  for (const auto& step : steps) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(*key);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else {
      size_t index = std::get<size_t>(step);
      if (!cur->is_array() || index >= cur->size()) return nullptr;
      cur = &(*cur)[index];
    }
  }
  return cur;
}

}  // namespace kdrill::assertions
