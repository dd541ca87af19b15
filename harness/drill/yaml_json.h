#pragma once
// INTERNAL to harness/drill: YAML nodes to JSON values, keeping what the
// author meant. Scalars resolve by the YAML 1.2 core schema, and quoting
// wins: a plain `42` is an integer, `"42"` and '42' are strings; plain
// true/false are booleans; plain null/~/empty is null; explicit tags
// (!!str, !!int, !!float, !!bool, !!null) are honoured.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "harness/drill/diagnostics.h"
#include "harness/drill/yaml_source.h"

namespace kdrill::drill {

// True when the scalar was written quoted, as a block scalar, or tagged !!str.
bool IsQuotedOrString(const YAML::Node& scalar);

// One scalar (or null node) to JSON. On an impossible combination (e.g.
// `!!int abc`, an unknown tag) returns nullopt and sets *error.
std::optional<nlohmann::json> ScalarToJson(const YAML::Node& node, std::string* error);

// For "got ..." in messages: `a map`, `a list`, `nothing (null)`,
// `the string "abc"`, `the integer 5`, `the boolean true`, `the number 1.5`.
std::string DescribeNode(const YAML::Node& node);

// A whole tree. Keys must be scalars; duplicate keys, non-scalar keys and
// bad tags are reported to `diag` at their location (the value is skipped).
nlohmann::json NodeToJson(const YAML::Node& node, const YamlSource& source,
                          const SourceLocation& fallback, Diagnostics& diag);

}  // namespace kdrill::drill
