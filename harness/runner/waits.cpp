#include "harness/runner/waits.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include "harness/cluster/ownership.h"
#include "harness/cluster/workload.h"

namespace kdrill {

namespace {

const nlohmann::json* Find(const ObjectStore& store, const std::string& kind, const std::string& key) {
  auto k = store.find(kind);
  if (k == store.end()) return nullptr;
  auto o = k->second.find(key);
  return o == k->second.end() ? nullptr : &o->second;
}

}  // namespace

std::vector<std::string> WaitConditionNames() {
  return {"statefulset-settled", "pod-ready", "pvc-bound", "duration"};
}

Status ValidateWaitSpec(const drill::WaitSpec& spec) {
  const auto& p = spec.params;
  if (spec.condition == "statefulset-settled" || spec.condition == "duration") {
    return p.CheckKnownKeys({}, spec.condition + " params");
  }
  if (spec.condition == "pod-ready" || spec.condition == "pvc-bound") {
    std::vector<std::string> keys = {"ordinal"};
    if (spec.condition == "pvc-bound") keys.push_back("template");
    if (auto s = p.CheckKnownKeys(keys, spec.condition + " params"); !s) return s;
    if (!p.Has("ordinal")) {
      return std::unexpected(p.ErrorAt("", spec.condition + " needs params.ordinal (the pod's ordinal)"));
    }
    auto o = p.GetInt("ordinal", 0);
    if (!o) return std::unexpected(o.error());
    if (*o < 0) return std::unexpected(p.ErrorAt("ordinal", "must be >= 0"));
    if (auto t = p.GetString("template", ""); !t) return std::unexpected(t.error());
    return Ok();
  }
  return MakeError(ErrorCode::kInvalidArgument, spec.location.ToString() + ": unknown wait condition " + spec.condition);
}

// "" when every expected pod is present, live, Ready and not a deleted one;
// otherwise what is missing.
std::string PodsNotReady(const ObjectStore& s, const std::string& ns, const nlohmann::json& sts_obj,
                         const GoneUids& gone) {
  auto spec = cluster::ReadStatefulSet(sts_obj);
  std::string missing;
  for (int i = spec.ordinal_start; i < spec.ordinal_start + spec.replicas; ++i) {
    std::string pod = cluster::PodName(spec.name, i);
    const auto* p = Find(s, "Pod", ns + "/" + pod);
    std::string why;
    if (!p || gone.count(json::Str(*p, "/metadata/uid"))) {
      why = "absent";
    } else if (cluster::RelationTo(*p, spec) != cluster::PodRelation::kOwned) {
      why = "not the StatefulSet's own pod (" + cluster::DescribeController(*p) + ")";
    } else if (cluster::PodTerminating(*p)) {
      why = "terminating";
    } else if (!cluster::PodReady(*p)) {
      why = "not Ready";
    }
    if (!why.empty()) missing += (missing.empty() ? "" : ", ") + pod + " " + why;
  }
  return missing;
}

// A Deployment's own pods (cluster::RelationTo) that are terminating or not Ready,
// ignoring the ones a fault deleted.
std::string SelectedPodsNotReady(const ObjectStore& s, const std::string& ns, const nlohmann::json& target,
                                 const GoneUids& gone) {
  auto spec = cluster::ReadTarget(cluster::kDeployment, target);
  std::string missing;
  int live_ready = 0;
  auto pods = s.find("Pod");
  if (pods == s.end()) return "no pods seen";
  for (const auto& [key, p] : pods->second) {
    if (key.rfind(ns + "/", 0) != 0 || cluster::RelationTo(p, spec) != cluster::PodRelation::kOwned) continue;
    if (gone.count(json::Str(p, "/metadata/uid"))) continue;
    std::string why = cluster::PodTerminating(p) ? "terminating" : !cluster::PodReady(p) ? "not Ready" : "";
    if (why.empty()) ++live_ready;
    if (!why.empty()) missing += (missing.empty() ? "" : ", ") + json::Str(p, "/metadata/name") + " " + why;
  }
  // The status may still count a pod a fault just deleted: the replacement must be there and Ready.
  if (missing.empty() && live_ready < spec.replicas) {
    missing = fmt::format("{} of {} pods live and Ready", live_ready, spec.replicas);
  }
  return missing;
}

WaitPredicate SettledPredicate(const std::string& ns, const std::string& sts, const GoneUids& gone,
                               const std::string& kind) {
  std::string key = ns + "/" + sts;
  WaitPredicate w;
  w.description = kind + " " + key + " settled";
  auto not_ready = [ns, gone, kind](const ObjectStore& s, const nlohmann::json& obj) {
    return kind == cluster::kDeployment ? SelectedPodsNotReady(s, ns, obj, gone) : PodsNotReady(s, ns, obj, gone);
  };
  w.done = [key, kind, not_ready](const ObjectStore& s) {
    const auto* obj = Find(s, kind, key);
    return obj && cluster::TargetSettled(kind, *obj) && not_ready(s, *obj).empty();
  };
  w.status = [key, kind, not_ready](const ObjectStore& s) {
    const auto* obj = Find(s, kind, key);
    if (!obj) return kind + " not found";
    std::string why;
    if (!cluster::TargetSettled(kind, *obj, &why)) return why;
    return not_ready(s, *obj);
  };
  return w;
}

Result<WaitPredicate> MakeWaitPredicate(const drill::WaitSpec& spec, const cluster::StatefulSetSpec& sts,
                                        const GoneUids& gone) {
  if (spec.condition == "statefulset-settled") {
    return SettledPredicate(sts.ns, sts.name, gone, sts.kind);
  }
  if (spec.condition == "duration") {
    WaitPredicate w;
    w.description = fmt::format("{} s pause", spec.timeout.count() / 1000.0);
    w.done = [](const ObjectStore&) { return false; };
    w.status = [](const ObjectStore&) { return std::string("waiting"); };
    w.succeed_on_timeout = true;
    return w;
  }
  int ordinal = static_cast<int>(spec.params.GetInt("ordinal", 0).value_or(0));
  if (spec.condition == "pod-ready") {
    std::string pod = cluster::PodName(sts.name, ordinal);
    std::string key = sts.ns + "/" + pod;
    WaitPredicate w;
    w.description = pod + " Ready";
    // Only the target's own pod at that name counts: another controller's
    // pod there (same labels) never holds the ordinal, Ready or not; an
    // adoptable one counts once the controller has adopted it.
    w.done = [key, gone, sts](const ObjectStore& s) {
      const auto* p = Find(s, "Pod", key);
      return p && !gone.count(json::Str(*p, "/metadata/uid")) &&
             cluster::RelationTo(*p, sts) == cluster::PodRelation::kOwned && !cluster::PodTerminating(*p) &&
             cluster::PodReady(*p);
    };
    w.status = [key, pod, sts](const ObjectStore& s) {
      const auto* p = Find(s, "Pod", key);
      if (!p) return pod + " does not exist";
      if (cluster::RelationTo(*p, sts) != cluster::PodRelation::kOwned) {
        return pod + " is not the StatefulSet's own pod (" + cluster::DescribeController(*p) + ")";
      }
      if (cluster::PodTerminating(*p)) return pod + " is terminating";
      return pod + " " + SummarizeObject("Pod", *p);
    };
    return w;
  }
  if (spec.condition == "pvc-bound") {
    std::string tmpl = spec.params.GetString("template", "").value_or("");
    if (tmpl.empty()) {
      if (sts.claim_templates.empty()) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         spec.location.ToString() + ": pvc-bound: StatefulSet " + sts.name + " has no volumeClaimTemplates");
      }
      tmpl = sts.claim_templates.front();
    }
    std::string claim = cluster::ClaimName(tmpl, sts.name, ordinal);
    std::string key = sts.ns + "/" + claim;
    WaitPredicate w;
    w.description = "claim " + claim + " Bound";
    w.done = [key](const ObjectStore& s) {
      const auto* c = Find(s, "PersistentVolumeClaim", key);
      return c && json::Str(*c, "/status/phase") == "Bound";
    };
    w.status = [key, claim](const ObjectStore& s) {
      const auto* c = Find(s, "PersistentVolumeClaim", key);
      return c ? claim + " " + SummarizeObject("PersistentVolumeClaim", *c) : claim + " does not exist";
    };
    return w;
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown wait condition " + spec.condition);
}

}  // namespace kdrill
