// A fault step's `target:` — which pods (or nodes) it acts on. Exactly one of
// ordinals, selector, random, all, nodes.
#include <set>

#include "harness/drill/label_selector.h"
#include "harness/drill/parse_sections.h"
#include "harness/drill/yaml_values.h"

namespace kdrill::drill {

namespace {

const std::vector<std::string>& VictimKinds() {
  static const std::vector<std::string> kinds = {"ordinals", "selector", "random", "all", "nodes"};
  return kinds;
}

void ReadOrdinals(const Field& field, VictimSelector& out, ParseState& state) {
  auto items = ReadList(field, /*non_empty=*/true, state.source, state.diag);
  if (!items) {
    return;
  }
  std::set<int64_t> seen;
  for (const auto& item : *items) {
    auto ordinal = ReadInt(item, 0, state.diag);
    if (!ordinal) {
      continue;
    }
    if (*ordinal > INT32_MAX) {
      state.diag.Add(item.value_location, item.path + ": ordinal " + std::to_string(*ordinal) +
                                              " is too large");
      continue;
    }
    if (!seen.insert(*ordinal).second) {
      state.diag.Add(item.value_location,
                     item.path + ": ordinal " + std::to_string(*ordinal) + " is listed twice");
      continue;
    }
    out.ordinals.push_back(static_cast<int>(*ordinal));
  }
}

void ReadNodes(const Field& field, VictimSelector& out, ParseState& state) {
  auto items = ReadList(field, /*non_empty=*/true, state.source, state.diag);
  if (!items) {
    return;
  }
  for (const auto& item : *items) {
    if (auto node = ReadString(item, state.diag)) {
      out.nodes.push_back(*node);
    }
  }
}

void ReadKind(const Field& field, VictimSelector& out, ParseState& state) {
  if (field.key == "ordinals") {
    out.kind = VictimSelector::Kind::kOrdinals;
    ReadOrdinals(field, out, state);
  } else if (field.key == "selector") {
    out.kind = VictimSelector::Kind::kLabelSelector;
    if (auto selector = ReadString(field, state.diag)) {
      if (auto problem = LabelSelectorProblem(*selector)) {
        state.diag.Add(field.value_location, field.path + ": not a label selector: " + *problem);
      }
      out.label_selector = *selector;
    }
  } else if (field.key == "random") {
    out.kind = VictimSelector::Kind::kRandom;
    if (auto count = ReadInt(field, 1, state.diag)) {
      if (*count > INT32_MAX) {
        state.diag.Add(field.value_location, field.path + ": " + std::to_string(*count) +
                                                 " is too many");
      } else {
        out.count = static_cast<int>(*count);
      }
    }
  } else if (field.key == "all") {
    out.kind = VictimSelector::Kind::kAll;
    auto all = ReadBool(field, state.diag);
    if (all && !*all) {
      state.diag.Add(field.value_location,
                     field.path + ": only \"all: true\" is meaningful; choose another victim kind "
                                  "(ordinals, selector, random, nodes) instead of false");
    }
  } else if (field.key == "nodes") {
    out.kind = VictimSelector::Kind::kNodes;
    ReadNodes(field, out, state);
  }
}

}  // namespace

VictimSelector ParseVictim(const Field& field, ParseState& state) {
  VictimSelector out;
  out.location = field.value_location;
  MapReader map(field.value, field.path, field.value_location, state.source, state.diag);
  if (!map.valid()) {
    return out;
  }
  map.CheckKeys(VictimKinds());
  const Field* chosen = nullptr;
  for (const auto& f : map.fields()) {
    bool is_kind = false;
    for (const auto& k : VictimKinds()) {
      is_kind = is_kind || f.key == k;
    }
    if (!is_kind) {
      continue;
    }
    if (chosen != nullptr) {
      state.diag.Add(f.key_location,
                     field.path + ": choose exactly one victim kind; found both \"" + chosen->key +
                         "\" (at " + chosen->key_location.ToString() + ") and \"" + f.key + "\"");
      continue;
    }
    chosen = &f;
  }
  if (chosen == nullptr) {
    if (map.fields().empty()) {
      state.diag.Add(field.value_location,
                     field.path + ": expected exactly one of \"ordinals\", \"selector\", "
                                  "\"random\", \"all\", \"nodes\", got an empty map");
    }
    return out;
  }
  out.location = chosen->key_location;
  ReadKind(*chosen, out, state);
  return out;
}

}  // namespace kdrill::drill
