#pragma once
// Label selectors as kubectl's -l takes them, checked before any request:
// requirements separated by commas, each one of
//   key | !key | key=value | key==value | key!=value | key in (v1,v2) | key notin (v1,v2)
// where a key is [prefix/]name (prefix a DNS subdomain of at most 253
// characters, name at most 63 of [A-Za-z0-9._-] starting and ending
// alphanumeric) and a value is empty or like a name.

#include <optional>
#include <string>
#include <string_view>

namespace kdrill::drill {

// What is wrong with `selector` (naming the requirement), or nullopt when
// the API server would accept it. An empty selector is a problem: it would
// match every pod.
std::optional<std::string> LabelSelectorProblem(std::string_view selector);

}  // namespace kdrill::drill
