#pragma once
// kubectl-style field paths for the resource probe: ".status.readyReplicas",
// "{.status.readyReplicas}" (the jsonpath braces are optional), array
// indexes (".spec.containers[0].image"), keys holding dots either escaped
// (".metadata.labels.app\.kubernetes\.io/name") or bracketed
// (".metadata.annotations['kdrill.io/x']"). No filters, wildcards or
// ranges: one path names at most one value.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"

namespace kdrill::assertions {

struct JsonPath {
  // A key of an object, or an index into an array.
  std::vector<std::variant<std::string, size_t>> steps;
  std::string text;  // as written, for messages

  // The value at the path, or nullptr when some step does not exist.
  const nlohmann::json* Find(const nlohmann::json& doc) const;
};

// kInvalidArgument with a message saying what is wrong and where in the
// path ("at character 14: ..."); no location (the caller adds file:line:col).
Result<JsonPath> ParseJsonPath(const std::string& text);

}  // namespace kdrill::assertions
