// spec.steps: each item is a fault step (name, fault, target, params) or a
// wait step (name, wait, timeout, params), never both.
#include <map>

#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_values.h"

namespace kdrill::drill {

namespace {

const std::vector<std::string> kFaultKeys = {"name", "fault", "target", "params", "explain"};
const std::vector<std::string> kWaitKeys = {"name", "wait", "timeout", "params", "explain"};
const std::vector<std::string> kAnyStepKeys = {"name", "fault", "wait", "target", "timeout",
                                               "params", "explain"};

std::string FaultStepHint(const std::string& key) {
  return key == "timeout" ? "\"timeout\" belongs to wait steps" : "";
}

std::string WaitStepHint(const std::string& key) {
  return key == "target" ? "\"target\" belongs to fault steps" : "";
}

// The catalog validates a step only when the parser found nothing wrong with
// it (`errors_before` = diagnostics count when the step began), so one
// mistake does not cascade into a second, confusing message.
void ParseFaultStep(const MapReader& map, const Field& fault, size_t number, size_t errors_before,
                    Step& step, ParseState& state) {
  step.kind = Step::Kind::kFault;
  auto name = ReadString(fault, state.diag);
  if (!name) {
    return;
  }
  step.fault = *name;
  if (step.name.empty()) {
    step.name = step.fault + " #" + std::to_string(number);
  }
  if (const Field* target = map.Find("target")) {
    step.target = ParseVictim(*target, state);
  } else {
    step.target.location = step.location;
  }
  step.params = ReadParams(map.Find("params"), map.path() + ".params", step.location, state);
  if (CheckKnownName(fault, step.fault, state.catalog.FaultNames(), "fault", "faults",
                     state.diag) &&
      state.diag.size() == errors_before) {
    RunValidator([&] { return state.catalog.ValidateFault(step); }, fault.value_location,
                 state.diag);
  }
}

void ParseWaitStep(const MapReader& map, const Field& wait, size_t number, size_t errors_before,
                   Step& step, ParseState& state) {
  step.kind = Step::Kind::kWait;
  step.wait.location = step.location;
  auto condition = ReadString(wait, state.diag);
  if (!condition) {
    return;
  }
  step.wait.condition = *condition;
  if (step.name.empty()) {
    step.name = "wait " + step.wait.condition + " #" + std::to_string(number);
  }
  if (const Field* timeout = map.Find("timeout")) {
    if (auto d = ReadDuration(*timeout, /*positive=*/true, state.diag)) {
      step.wait.timeout = *d;
    }
  }
  step.wait.params = ReadParams(map.Find("params"), map.path() + ".params", step.location, state);
  if (CheckKnownName(wait, step.wait.condition, state.catalog.WaitConditions(), "wait condition",
                     "wait conditions", state.diag) &&
      state.diag.size() == errors_before) {
    RunValidator([&] { return state.catalog.ValidateWait(step.wait); }, wait.value_location,
                 state.diag);
  }
}

// Returns false when the step is unusable (not a map, or not one kind).
bool ParseStep(const Field& item, size_t number, Step& step, ParseState& state) {
  step.location = item.value_location;
  size_t errors_before = state.diag.size();
  MapReader map(item.value, item.path, item.value_location, state.source, state.diag);
  if (!map.valid()) {
    return false;
  }
  const Field* fault = map.Find("fault");
  const Field* wait = map.Find("wait");
  if (fault != nullptr && wait != nullptr) {
    bool fault_first = fault->key_location.line < wait->key_location.line ||
                       (fault->key_location.line == wait->key_location.line &&
                        fault->key_location.column < wait->key_location.column);
    const Field* later = fault_first ? wait : fault;
    const Field* first = later == fault ? wait : fault;
    state.diag.Add(later->key_location,
                   item.path + ": a step is either a fault step (name, fault, target, params) or "
                               "a wait step (name, wait, timeout, params); this one has both \"" +
                       first->key + "\" (at " + first->key_location.ToString() + ") and \"" +
                       later->key + "\"");
    return false;
  }
  if (fault == nullptr && wait == nullptr) {
    map.CheckKeys(kAnyStepKeys);
    state.diag.Add(item.value_location,
                   item.path + ": a step needs \"fault:\" (a fault step: name, fault, target, "
                               "params) or \"wait:\" (a wait step: name, wait, timeout, params)");
    return false;
  }
  if (fault != nullptr) {
    map.CheckKeys(kFaultKeys, FaultStepHint);
  } else {
    map.CheckKeys(kWaitKeys, WaitStepHint);
  }
  if (const Field* name = map.Find("name")) {
    if (auto n = ReadString(*name, state.diag)) {
      step.name = *n;
    }
  }
  if (const Field* explain = map.Find("explain")) {
    step.explain = ReadExplain(*explain, state).value_or("");
  }
  if (fault != nullptr) {
    ParseFaultStep(map, *fault, number, errors_before, step, state);
  } else {
    ParseWaitStep(map, *wait, number, errors_before, step, state);
  }
  return true;
}

}  // namespace

std::vector<Step> ParseSteps(const Field& field, ParseState& state) {
  std::vector<Step> steps;
  auto items = ReadList(field, /*non_empty=*/true, state.source, state.diag);
  if (!items) {
    return steps;
  }
  std::map<std::string, SourceLocation> names;
  for (size_t i = 0; i < items->size(); ++i) {
    const Field& item = (*items)[i];
    Step step;
    if (!ParseStep(item, i + 1, step, state)) {
      continue;
    }
    if (!step.name.empty()) {
      auto [it, inserted] = names.emplace(step.name, step.location);
      if (!inserted) {
        state.diag.Add(step.location, item.path + ": duplicate step name \"" + step.name +
                                          "\" (first at " + it->second.ToString() +
                                          "); step names must be unique");
      }
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

}  // namespace kdrill::drill
