#include "harness/drill/label_selector.h"

#include <cctype>
#include <vector>

namespace kdrill::drill {
namespace {

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// A label name or value: at most 63 of [A-Za-z0-9._-], alphanumeric at both ends.
bool IsLabelName(std::string_view s) {
  if (s.empty() || s.size() > 63 || !IsAlnum(s.front()) || !IsAlnum(s.back())) {
    return false;
  }
  for (char c : s) {
    if (!IsAlnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

// RFC 1123 subdomain: lowercase alphanumeric labels joined by '.'.
bool IsDnsSubdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (part.empty() || part.size() > 63 || part.front() == '-' || part.back() == '-') return false;
    for (char c : part) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
        return false;
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

std::optional<std::string> KeyProblem(std::string_view key) {
  std::size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    if (!IsDnsSubdomain(key.substr(0, slash))) {
      return "\"" + std::string(key) + "\": the key's prefix must be a DNS subdomain (like example.com)";
    }
    name = key.substr(slash + 1);
  }
  if (!IsLabelName(name)) {
    return "\"" + std::string(key) + "\" is not a label key (at most 63 of A-Z a-z 0-9 . _ -, "
           "starting and ending with a letter or digit, with an optional DNS prefix and '/')";
  }
  return std::nullopt;
}

std::optional<std::string> ValueProblem(std::string_view value, std::string_view requirement) {
  if (!value.empty() && !IsLabelName(value)) {
    return "\"" + std::string(requirement) + "\": \"" + std::string(value) +
           "\" is not a label value (empty, or at most 63 of A-Z a-z 0-9 . _ -, starting and "
           "ending with a letter or digit)";
  }
  return std::nullopt;
}

// Splits at commas outside parentheses; nullopt when parentheses do not pair.
std::optional<std::vector<std::string_view>> Requirements(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '(') {
      if (++depth > 1) return std::nullopt;
    } else if (s[i] == ')') {
      if (--depth < 0) return std::nullopt;
    } else if (s[i] == ',' && depth == 0) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  if (depth != 0) return std::nullopt;
  out.push_back(s.substr(start));
  return out;
}

std::optional<std::string> SetProblem(std::string_view requirement, std::string_view key,
                                      std::string_view rest) {
  rest = Trim(rest);
  if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') {
    return "\"" + std::string(requirement) + "\": expected a list of values in parentheses, like (a,b)";
  }
  if (auto p = KeyProblem(key)) return p;
  std::string_view values = rest.substr(1, rest.size() - 2);
  std::size_t start = 0;
  while (true) {
    std::size_t comma = values.find(',', start);
    std::string_view v = Trim(values.substr(start, comma == std::string_view::npos ? values.npos : comma - start));
    if (auto p = ValueProblem(v, requirement)) return p;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

std::optional<std::string> RequirementProblem(std::string_view raw) {
  std::string_view r = Trim(raw);
  if (r.empty()) {
    return std::string("an empty requirement (two commas in a row, or one at an end)");
  }
  if (r.front() == '!') {
    return KeyProblem(Trim(r.substr(1)));
  }
  for (std::string_view op : {" notin ", " in "}) {
    if (std::size_t at = r.find(op); at != std::string_view::npos) {
      return SetProblem(r, Trim(r.substr(0, at)), r.substr(at + op.size()));
    }
  }
  std::size_t at = r.find_first_of("=!");
  if (at == std::string_view::npos) {
    return KeyProblem(r);  // key exists
  }
  std::string_view key = Trim(r.substr(0, at));
  std::size_t op_len = (r.compare(at, 2, "==") == 0 || r.compare(at, 2, "!=") == 0) ? 2 : 1;
  if (r[at] == '!' && op_len == 1) {
    return "\"" + std::string(r) + "\": '!' goes before a key (!key) or before '=' (key!=value)";
  }
  std::string_view value = Trim(r.substr(at + op_len));
  if (value.find_first_of("=!") != std::string_view::npos) {
    return "\"" + std::string(r) + "\": one operator per requirement (=, ==, !=, in, notin)";
  }
  if (key.empty()) {
    return "\"" + std::string(r) + "\": the requirement has no key before its operator";
  }
  if (auto p = KeyProblem(key)) return p;
  return ValueProblem(value, r);
}

}  // namespace

std::optional<std::string> LabelSelectorProblem(std::string_view selector) {
  if (Trim(selector).empty()) {
    return std::string("an empty selector would match every pod; name at least one label, like app=web");
  }
  auto requirements = Requirements(selector);
  if (!requirements) {
    return std::string("parentheses do not pair; write a set as key in (a,b)");
  }
  for (std::string_view r : *requirements) {
    if (auto p = RequirementProblem(r)) return p;
  }
  return std::nullopt;
}

}  // namespace kdrill::drill
