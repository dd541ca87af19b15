#include "harness/drill/yaml_json.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <regex>

namespace kdrill::drill {

using Json = nlohmann::json;

namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

bool IsCoreNull(const std::string& s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> CoreBool(const std::string& s) {
  if (s == "true" || s == "True" || s == "TRUE") {
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    return false;
  }
  return std::nullopt;
}

// Integer per the core schema; sets *out_of_range when the digits match but
// the value fits neither int64 nor uint64.
std::optional<Json> CoreInt(const std::string& s, bool* out_of_range) {
  static const std::regex kDecimal("[-+]?[0-9]+");
  static const std::regex kOctal("0o[0-7]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  int base = 10;
  std::string digits = s;
  bool negative = false;
  if (std::regex_match(s, kDecimal)) {
    if (digits[0] == '+' || digits[0] == '-') {
      negative = digits[0] == '-';
      digits = digits.substr(1);
    }
  } else if (std::regex_match(s, kOctal)) {
    base = 8;
    digits = s.substr(2);
  } else if (std::regex_match(s, kHex)) {
    base = 16;
    digits = s.substr(2);
  } else {
    return std::nullopt;
  }
  uint64_t magnitude = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    *out_of_range = true;
    return std::nullopt;
  }
  if (!negative) {
    if (magnitude <= static_cast<uint64_t>(INT64_MAX)) {
      return Json(static_cast<int64_t>(magnitude));
    }
    return Json(magnitude);
  }
  if (magnitude <= static_cast<uint64_t>(INT64_MAX)) {
    return Json(-static_cast<int64_t>(magnitude));
  }
  if (magnitude == static_cast<uint64_t>(INT64_MAX) + 1) {
    return Json(INT64_MIN);
  }
  *out_of_range = true;
  return std::nullopt;
}

// Float per the core schema. Infinity and NaN have no JSON form: *special.
std::optional<double> CoreFloat(const std::string& s, bool* special) {
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex kInf("[-+]?\\.(inf|Inf|INF)");
  static const std::regex kNan("\\.(nan|NaN|NAN)");
  if (std::regex_match(s, kInf) || std::regex_match(s, kNan)) {
    *special = true;
    return std::nullopt;
  }
  if (!std::regex_match(s, kFloat)) {
    return std::nullopt;
  }
  std::string text = s[0] == '+' ? s.substr(1) : s;
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    *special = true;
    return std::nullopt;
  }
  return value;
}

std::optional<Json> ResolvePlain(const std::string& s, std::string* error) {
  if (IsCoreNull(s)) {
    return Json(nullptr);
  }
  if (auto b = CoreBool(s)) {
    return Json(*b);
  }
  bool out_of_range = false;
  if (auto i = CoreInt(s, &out_of_range)) {
    return i;
  }
  if (out_of_range) {
    *error = "integer " + s + " is out of range (64 bits)";
    return std::nullopt;
  }
  bool special = false;
  if (auto d = CoreFloat(s, &special)) {
    return Json(*d);
  }
  if (special) {
    *error = "number " + s + " has no JSON form (quote it to keep it as a string)";
    return std::nullopt;
  }
  return Json(s);
}

std::optional<Json> ResolveTagged(const std::string& tag, const std::string& s,
                                  std::string* error) {
  std::string kind = tag.substr(kTagPrefix.size());
  if (kind == "str") {
    return Json(s);
  }
  auto resolved = ResolvePlain(s, error);
  if (!resolved) {
    return std::nullopt;
  }
  bool fits = (kind == "int" && resolved->is_number_integer()) ||
              (kind == "float" && resolved->is_number()) ||
              (kind == "bool" && resolved->is_boolean()) ||
              (kind == "null" && resolved->is_null());
  if (!fits) {
    *error = "\"" + s + "\" is not a valid !!" + kind;
    return std::nullopt;
  }
  if (kind == "float") {
    return Json(resolved->get<double>());
  }
  return resolved;
}

}  // namespace

bool IsQuotedOrString(const YAML::Node& scalar) {
  const std::string& tag = scalar.Tag();
  return tag == "!" || tag == std::string(kTagPrefix) + "str";
}

std::optional<Json> ScalarToJson(const YAML::Node& node, std::string* error) {
  if (node.IsNull()) {
    return Json(nullptr);
  }
  if (!node.IsScalar()) {
    *error = "expected a scalar";
    return std::nullopt;
  }
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == "!") {
    return Json(text);
  }
  if (tag == "?" || tag.empty()) {
    return ResolvePlain(text, error);
  }
  if (tag.starts_with(kTagPrefix)) {
    return ResolveTagged(tag, text, error);
  }
  *error = "unsupported YAML tag \"" + tag + "\" (kdrill reads plain YAML: maps, lists, "
           "strings, numbers, booleans, null)";
  return std::nullopt;
}

std::string DescribeNode(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) {
    return "nothing (null)";
  }
  if (node.IsMap()) {
    return "a map";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  std::string error;
  auto value = ScalarToJson(node, &error);
  std::string text = node.Scalar();
  if (text.size() > 60) {
    text = text.substr(0, 57) + "...";
  }
  if (!value) {
    return "the value " + text + " (" + error + ")";
  }
  if (value->is_string()) {
    return "the string " + Json(text).dump();
  }
  if (value->is_boolean()) {
    return "the boolean " + text;
  }
  if (value->is_number_integer()) {
    return "the integer " + text;
  }
  if (value->is_number()) {
    return "the number " + text;
  }
  return "nothing (null)";
}

Json NodeToJson(const YAML::Node& node, const YamlSource& source, const SourceLocation& fallback,
                Diagnostics& diag) {
  SourceLocation here = source.Of(node, fallback);
  if (!node.IsDefined() || node.IsNull()) {
    return Json(nullptr);
  }
  if (node.IsSequence()) {
    Json out = Json::array();
    for (const auto& item : node) {
      out.push_back(NodeToJson(item, source, here, diag));
    }
    return out;
  }
  if (node.IsMap()) {
    Json out = Json::object();
    std::map<std::string, SourceLocation> seen;
    for (const auto& kv : node) {
      SourceLocation key_at = source.Of(kv.first, here);
      if (!kv.first.IsScalar()) {
        diag.Add(key_at, "map keys must be strings, got " + DescribeNode(kv.first));
        continue;
      }
      const std::string& key = kv.first.Scalar();
      auto [it, inserted] = seen.emplace(key, key_at);
      if (!inserted) {
        diag.Add(key_at, "duplicate key \"" + key + "\" (first at " + it->second.ToString() + ")");
        continue;
      }
      out[key] = NodeToJson(kv.second, source, key_at, diag);
    }
    return out;
  }
  std::string error;
  auto value = ScalarToJson(node, &error);
  if (!value) {
    diag.Add(here, error);
    return Json(nullptr);
  }
  return *value;
}

}  // namespace kdrill::drill
