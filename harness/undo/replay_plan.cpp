#include "harness/undo/replay_plan.h"

#include <set>
#include <string>

#include "harness/core/json_fields.h"

namespace kdrill {
namespace {

// Pointers of every leaf a merge patch sets; an array, a scalar, null (remove)
// and an empty object are leaves.
void LeafPaths(const Json& j, const std::string& at, std::set<std::string>& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) LeafPaths(v, at + "/" + k, out);
    return;
  }
  out.insert(at);
}

bool IsMergePatch(const Json& action) {
  return json::Str(action, "/kind") == "patch" && json::Str(action, "/patchType", "merge") == "merge" &&
         json::Obj(action, "/patch").is_object();
}

bool SameRef(const Json& a, const Json& b) {
  for (const char* f : {"/ref/apiVersion", "/ref/resource", "/ref/namespace", "/ref/name", "/ref/subresource"}) {
    if (json::Str(a, f) != json::Str(b, f)) return false;
  }
  return !json::Str(a, "/ref/name").empty();
}

// True when applying `later` (older record, replayed next) leaves no field of
// `first` as `first` set it.
bool Covers(const Json& later, const Json& first) {
  if (!IsMergePatch(first) || !IsMergePatch(later) || !SameRef(first, later)) return false;
  std::set<std::string> a, b;
  LeafPaths(json::Obj(first, "/patch"), "", a);
  LeafPaths(json::Obj(later, "/patch"), "", b);
  for (const auto& p : a) {
    if (!b.contains(p)) return false;
  }
  return true;
}

}  // namespace

std::vector<PlannedUndo> PlanReplay(const std::vector<UndoRecord>& pending) {
  std::vector<PlannedUndo> plan;
  plan.reserve(pending.size());
  for (const auto& rec : pending) plan.push_back({PlannedUndo::Kind::kRun, rec, 0, {}});

  for (size_t i = 0; i < plan.size(); ++i) {
    const Json& action = plan[i].record.action;
    if (i + 1 < plan.size() && Covers(plan[i + 1].record.action, action)) {
      plan[i].kind = PlannedUndo::Kind::kSuperseded;
      plan[i].superseded_by = plan[i + 1].record.id;
      plan[i].superseded_by_description = plan[i + 1].record.description;
    }
  }
  return plan;
}

}  // namespace kdrill
