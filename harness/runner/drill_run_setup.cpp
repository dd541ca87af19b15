#include "harness/runner/drill_run.h"
#include "harness/core/json_fields.h"

#include "harness/cluster/statefulset.h"
#include "harness/cluster/workload.h"
#include "harness/kube/resource_mapper.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::run_internal {

bool DrillRun::FailSetup(CaseScope& scope, std::string message, const Error& cause) {
  auto& c = scope.Case();
  c.outcome = Outcome::kError;
  c.message = std::move(message);
  Abort(cause);
  outcome_.report.cases.push_back(scope.Finish());
  return false;
}

bool DrillRun::FailSetup(CaseScope& scope, std::string message, ErrorCode code) {
  Error cause(code, message);
  return FailSetup(scope, std::move(message), cause);
}

bool DrillRun::ApplySetup() {
  if (drill_.setup.empty()) return true;
  CaseScope scope(clock_, "setup", "setup manifests");
  auto& c = scope.Case();
  for (const auto& item : drill_.setup) {
    for (const auto& obj : item.objects) {
      auto ref = RefForObject(obj, drill_.ns);
      if (!ref) {
        return FailSetup(scope, item.location.ToString() + ": " + ref.error().message, ref.error());
      }
      std::string kind = json::Str(obj, "/kind");
      std::string what = kind + " " + (ref->ns.empty() ? "" : ref->ns + "/") + ref->name;
      auto existing = api_.Get(*ref);
      if (existing) {
        if (kind == "Namespace") {
          Say("setup: namespace " + ref->name + " already exists; it is left as it is", &c);
          continue;
        }
        return FailSetup(scope, fmt::format("{}: setup object {} already exists; kdrill only creates what it can remove. Delete it, "
                                "or run `kdrill recover` if an earlier run was interrupted",
                                item.location.ToString(), what),
                         ErrorCode::kFailedPrecondition);
      }
      if (existing.error().code != ErrorCode::kNotFound) {
        return FailSetup(scope, "reading " + what + ": " + existing.error().ToString(), existing.error());
      }
      // A StatefulSet leaves claims behind when it goes: journal their removal
      // before the StatefulSet's own, so replay (newest first) deletes the
      // StatefulSet, then its claims.
      if (kind == "StatefulSet") {
        std::vector<std::string> templates;
        for (const auto& t : json::Arr(obj, "/spec/volumeClaimTemplates")) {
          templates.push_back(json::Str(t, "/metadata/name"));
        }
        if (!templates.empty()) {
          auto u = journal_->RecordUndo("setup", "delete the claims of " + what,
                                        {{"kind", "delete-claims"},
                                         {"namespace", ref->ns},
                                         {"statefulset", ref->name},
                                         {"templates", templates}});
          if (!u) {
            return FailSetup(scope, u.error().ToString(), u.error());
          }
        }
      }
      auto undo = journal_->RecordUndo("setup", "delete " + what,
                                       {{"kind", "delete-object"},
                                        {"ref", RefToJson(*ref)},
                                        {"wait", true},
                                        {"timeoutSeconds", 180}});
      if (!undo) {
        return FailSetup(scope, undo.error().ToString(), undo.error());
      }
      kube::ResourceRef coll = *ref;
      coll.name.clear();
      auto created = api_.Create(coll, obj);
      if (!created) {
        return FailSetup(scope, fmt::format("{}: creating {}: {}", item.location.ToString(), what, created.error().ToString()), created.error());
      }
      Say("setup: created " + what, &c);
    }
  }
  c.message = "setup manifests applied";
  outcome_.report.cases.push_back(scope.Finish());
  return true;
}

bool DrillRun::StartWatchesAndSettle() {
  CaseScope scope(clock_, "wait", "target settled before the baseline");
  auto& c = scope.Case();
  auto sts = api_.Get(cluster::TargetRef(drill_.target_kind, drill_.ns, drill_.statefulset));
  if (!sts) {
    if (sts.error().code == ErrorCode::kNotFound) {
      return FailSetup(scope,
                       fmt::format("{}: {} {}/{} not found: the drill's target must exist (or be created by "
                                   "spec.setup)",
                                   drill_.location.ToString(), drill_.target_kind, drill_.ns, drill_.statefulset),
                       ErrorCode::kInvalidArgument);
    }
    return FailSetup(scope, "reading the target StatefulSet: " + sts.error().ToString(), sts.error());
  }
  recorder_ = std::make_unique<Recorder>(api_, clock_, timeline_, drill_.ns, drill_.statefulset, drill_.target_kind);
  if (auto st = recorder_->Start(std::chrono::seconds(60), opts_.stop); !st) {
    return FailSetup(scope, "starting the watches: " + st.error().ToString(), st.error());
  }
  auto st = WaitFor(SettledPredicate(drill_.ns, drill_.statefulset, {}, drill_.target_kind), drill_.settle_timeout, c,
                    true);
  if (!st) {
    c.outcome = st.error().code == ErrorCode::kCancelled ? Outcome::kSkipped : Outcome::kError;
    c.message = fmt::format("{} {}/{} did not settle before the drill: {}", drill_.target_kind, drill_.ns,
                            drill_.statefulset,
                            st.error().message);
    Abort(st.error().code == ErrorCode::kCancelled ? st.error() : Error(ErrorCode::kFailedPrecondition, c.message));
    if (st.error().code != ErrorCode::kCancelled) outcome_.end = RunEnd::kBroken;
    outcome_.report.cases.push_back(scope.Finish());
    return false;
  }
  c.message = drill_.target_kind + " settled";
  outcome_.report.cases.push_back(scope.Finish());
  return true;
}

}  // namespace kdrill::run_internal
