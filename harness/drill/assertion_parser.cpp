// spec.assertions: each item is {type, name?, params?}.
#include <map>

#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_values.h"

namespace kdrill::drill {

namespace {

const std::vector<std::string> kAssertionKeys = {"type", "name", "params", "explain"};

bool ParseAssertion(const Field& item, AssertionSpec& spec, ParseState& state) {
  spec.location = item.value_location;
  size_t errors_before = state.diag.size();
  MapReader map(item.value, item.path, item.value_location, state.source, state.diag);
  if (!map.valid()) {
    return false;
  }
  map.CheckKeys(kAssertionKeys);
  const Field* type = map.Require("type");
  if (const Field* name = map.Find("name")) {
    if (auto n = ReadString(*name, state.diag)) {
      spec.name = *n;
    }
  }
  if (const Field* explain = map.Find("explain")) {
    spec.explain = ReadExplain(*explain, state).value_or("");
  }
  spec.params = ReadParams(map.Find("params"), map.path() + ".params", spec.location, state);
  if (type == nullptr) {
    return false;
  }
  auto t = ReadString(*type, state.diag);
  if (!t) {
    return false;
  }
  spec.type = *t;
  if (spec.name.empty()) {
    spec.name = spec.type;
  }
  if (CheckKnownName(*type, spec.type, state.catalog.AssertionNames(), "assertion type",
                     "assertions", state.diag) &&
      state.diag.size() == errors_before) {  // no cascade after a parse error
    RunValidator([&] { return state.catalog.ValidateAssertion(spec); }, type->value_location,
                 state.diag);
  }
  return true;
}

}  // namespace

std::vector<AssertionSpec> ParseAssertions(const Field& field, ParseState& state) {
  std::vector<AssertionSpec> out;
  auto items = ReadList(field, /*non_empty=*/false, state.source, state.diag);
  if (!items) {
    return out;
  }
  std::map<std::string, SourceLocation> names;
  for (const auto& item : *items) {
    AssertionSpec spec;
    if (!ParseAssertion(item, spec, state)) {
      continue;
    }
    auto [it, inserted] = names.emplace(spec.name, spec.location);
    if (!inserted) {
      state.diag.Add(spec.location, item.path + ": duplicate assertion name \"" + spec.name +
                                        "\" (first at " + it->second.ToString() +
                                        "); give each one a distinct \"name:\"");
    }
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace kdrill::drill
