#pragma once
// INTERNAL to harness/drill: the parsers of a drill's sections, each in its
// own file, sharing one ParseState. Every problem goes to state.diag; the
// returned values hold whatever could be read.

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/drill/catalog.h"
#include "harness/drill/diagnostics.h"
#include "harness/drill/map_reader.h"
#include "harness/drill/model.h"
#include "harness/drill/parser.h"
#include "harness/drill/yaml_source.h"

namespace kdrill::drill {

struct ParseState {
  std::string_view text;  // the drill file's content (to place inline manifests)
  YamlSource source;      // the drill file
  const Catalog& catalog;
  const ParseContext& ctx;
  Diagnostics& diag;
};

// spec.setup (setup_parser.cpp)
std::vector<SetupItem> ParseSetup(const Field& field, ParseState& state);
// spec.steps (step_parser.cpp)
std::vector<Step> ParseSteps(const Field& field, ParseState& state);
// a fault step's target (victim_parser.cpp)
VictimSelector ParseVictim(const Field& field, ParseState& state);
// spec.assertions (assertion_parser.cpp)
std::vector<AssertionSpec> ParseAssertions(const Field& field, ParseState& state);
// spec.workload (workload_parser.cpp); nullopt after reporting a value that
// is not a map, else the section with whatever of it could be read.
// target_kind: "StatefulSet" or "Deployment" (a Deployment's pods have no
// stable names: only a networked client with service may write to them).
std::optional<WorkloadSpec> ParseWorkload(const Field& field, ParseState& state, const std::string& target_kind);
// Reports each assertion that judges the writes of spec.workload
// (acknowledged-writes, max-unavailability), at its location. Call it only
// for a drill without a spec.workload key (workload_parser.cpp).
void CheckWorkloadAssertions(const std::vector<AssertionSpec>& assertions, ParseState& state);
// a params block named `path` ("spec.steps[2].params"); absent (nullptr) or
// null is an empty map at `fallback` (params_reader.cpp)
Params ReadParams(const Field* field, const std::string& path, const SourceLocation& fallback,
                  ParseState& state);

// An `explain:` narration: a non-empty string (plain or block scalar) of at
// most 2,000 characters, without control characters other than newlines;
// nullopt after reporting anything else (explain.cpp).
std::optional<std::string> ReadExplain(const Field& field, ParseState& state);

// Reports `field` when its value is not one of `known` ("unknown fault ...;
// known faults: ...", with a "did you mean"). `noun` is "fault",
// "wait condition" or "assertion type". Returns whether it is known.
// (catalog_checks.cpp)
bool CheckKnownName(const Field& field, const std::string& value,
                    const std::vector<std::string>& known, const std::string& noun,
                    const std::string& plural, Diagnostics& diag);

// Runs a Catalog validator, turning its error (or an exception it throws)
// into diagnostics located at `where` when it carries no location itself.
// (catalog_checks.cpp)
void RunValidator(const std::function<Status()>& validate, const SourceLocation& where,
                  Diagnostics& diag);

}  // namespace kdrill::drill
