#include "harness/drill/yaml_values.h"

#include "harness/drill/duration.h"
#include "harness/drill/yaml_json.h"

namespace kdrill::drill {

namespace {

void Expected(const Field& field, const std::string& what, Diagnostics& diag,
              const std::string& advice = "") {
  std::string message = field.path + ": expected " + what + ", got " + DescribeNode(field.value);
  if (!advice.empty()) {
    message += " (" + advice + ")";
  }
  diag.Add(field.value_location, message);
}

// The JSON value of a scalar field, or nullopt for maps, lists and bad tags.
std::optional<nlohmann::json> ScalarValue(const Field& field) {
  if (!field.value.IsDefined() || field.value.IsMap() || field.value.IsSequence()) {
    return std::nullopt;
  }
  std::string error;
  return ScalarToJson(field.value, &error);
}

std::string QuotedAdvice(const Field& field) {
  if (field.value.IsScalar() && IsQuotedOrString(field.value)) {
    return "write it without quotes";
  }
  return "";
}

}  // namespace

std::optional<std::string> ReadString(const Field& field, Diagnostics& diag, bool non_empty) {
  if (!field.value.IsDefined() || !field.value.IsScalar()) {
    Expected(field, non_empty ? "a non-empty string" : "a string", diag);
    return std::nullopt;
  }
  const std::string& text = field.value.Scalar();
  if (non_empty && text.empty()) {
    diag.Add(field.value_location, field.path + ": expected a non-empty string, got \"\"");
    return std::nullopt;
  }
  return text;
}

std::optional<uint64_t> ReadUint64(const Field& field, Diagnostics& diag) {
  auto value = ScalarValue(field);
  if (!value || !value->is_number_integer() || IsQuotedOrString(field.value)) {
    Expected(field, "an unsigned integer", diag, QuotedAdvice(field));
    return std::nullopt;
  }
  if (value->is_number_unsigned()) {
    return value->get<uint64_t>();
  }
  int64_t i = value->get<int64_t>();
  if (i < 0) {
    Expected(field, "an unsigned integer (>= 0)", diag);
    return std::nullopt;
  }
  return static_cast<uint64_t>(i);
}

std::optional<int64_t> ReadInt(const Field& field, int64_t min, Diagnostics& diag) {
  std::string what = "an integer >= " + std::to_string(min);
  auto value = ScalarValue(field);
  if (!value || !value->is_number_integer() || value->is_number_unsigned() ||
      IsQuotedOrString(field.value)) {
    Expected(field, what, diag, QuotedAdvice(field));
    return std::nullopt;
  }
  int64_t i = value->get<int64_t>();
  if (i < min) {
    Expected(field, what, diag);
    return std::nullopt;
  }
  return i;
}

std::optional<bool> ReadBool(const Field& field, Diagnostics& diag) {
  auto value = ScalarValue(field);
  if (!value || !value->is_boolean() || IsQuotedOrString(field.value)) {
    Expected(field, "a boolean (true or false)", diag, QuotedAdvice(field));
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<std::chrono::milliseconds> ReadDuration(const Field& field, bool positive,
                                                      Diagnostics& diag) {
  std::optional<std::chrono::milliseconds> d;
  if (field.value.IsDefined() && field.value.IsScalar()) {
    d = ParseDuration(field.value.Scalar());
  }
  if (!d) {
    Expected(field, std::string(kDurationForms), diag);
    return std::nullopt;
  }
  if (positive && d->count() <= 0) {
    Expected(field, "a duration greater than zero", diag);
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<Field>> ReadList(const Field& field, bool non_empty,
                                           const YamlSource& source, Diagnostics& diag) {
  if (!field.value.IsDefined() || !field.value.IsSequence()) {
    Expected(field, non_empty ? "a non-empty list" : "a list", diag);
    return std::nullopt;
  }
  if (non_empty && field.value.size() == 0) {
    diag.Add(field.value_location, field.path + ": expected a non-empty list, got []");
    return std::nullopt;
  }
  std::vector<Field> items;
  size_t index = 0;
  for (const auto& item : field.value) {
    Field f;
    f.key = std::to_string(index);
    f.value = static_cast<const YAML::Node&>(item);
    f.key_location = source.Of(item, field.value_location);
    f.value_location = f.key_location;
    f.path = field.path + "[" + std::to_string(index) + "]";
    items.push_back(std::move(f));
    ++index;
  }
  return items;
}

}  // namespace kdrill::drill
