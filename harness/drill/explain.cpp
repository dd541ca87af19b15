// `explain:` on steps and assertions: the narration an instructor shows a
// class (kdrill plan, kdrill run --step, the JSON report).
#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_json.h"

namespace kdrill::drill {

namespace {

constexpr size_t kMaxExplain = 2000;

}  // namespace

std::optional<std::string> ReadExplain(const Field& field, ParseState& state) {
  const YAML::Node& v = field.value;
  std::string error;
  std::optional<nlohmann::json> scalar;
  if (v.IsDefined() && v.IsScalar()) {
    scalar = ScalarToJson(v, &error);
  }
  if (!scalar || !scalar->is_string()) {
    state.diag.Add(field.value_location,
                   field.path + ": expected text (a sentence, or a block after \"explain: |\"), got " +
                       DescribeNode(v) + (scalar && !scalar->is_null() ? "; quote it to make it text" : ""));
    return std::nullopt;
  }
  std::string text = scalar->get<std::string>();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty()) {
    state.diag.Add(field.value_location, field.path + ": is empty; write what the class should watch for, or "
                                                      "remove it");
    return std::nullopt;
  }
  if (text.size() > kMaxExplain) {
    state.diag.Add(field.value_location, field.path + ": is " + std::to_string(text.size()) +
                                             " characters; keep it under " + std::to_string(kMaxExplain) +
                                             " (a few sentences a class can read before the step)");
    return std::nullopt;
  }
  for (char c : text) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f) {
      state.diag.Add(field.value_location, field.path + ": holds a control character; use plain text and "
                                                        "newlines only");
      return std::nullopt;
    }
  }
  return text;
}

}  // namespace kdrill::drill
