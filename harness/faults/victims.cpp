#include "harness/faults/victims.h"
#include "harness/core/json_fields.h"

#include <algorithm>
#include <optional>

#include "harness/cluster/ownership.h"

namespace kdrill::faults {

namespace {
std::string Loc(const drill::VictimSelector& t) {
  std::string l = t.location.ToString();
  return l.empty() ? "" : l + ": ";
}
}  // namespace

std::string VictimNames(const std::vector<PodVictim>& victims) {
  std::string s;
  for (const auto& v : victims) {
    if (!s.empty()) s += ", ";
    s += v.name;
  }
  return s;
}

FaultPlan StatefulSetPlan(const FaultContext& ctx) {
  FaultPlan plan;
  plan.victims.push_back("statefulset/" + ctx.sts.name);
  return plan;
}

Status RefuseTarget(const drill::Step& step, const std::string& what) {
  if (step.target.kind == drill::VictimSelector::Kind::kNone) return Ok();
  return MakeError(ErrorCode::kInvalidArgument, step.target.location.ToString() + ": " + what + "; remove target");
}

Status RequirePodTarget(const drill::Step& step, const std::string& fault) {
  if (step.target.kind != drill::VictimSelector::Kind::kNone && step.target.kind != drill::VictimSelector::Kind::kNodes) {
    return Ok();
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   step.location.ToString() + ": " + fault +
                       " needs target.ordinals, target.selector, target.random or target.all");
}

Result<std::vector<PodVictim>> ResolvePodVictims(FaultContext& ctx, const drill::VictimSelector& target) {
  using Kind = drill::VictimSelector::Kind;
  kube::ListOptions lo;
  lo.label_selector = ctx.sts.selector;
  if (target.kind == Kind::kLabelSelector) {
    lo.label_selector += (lo.label_selector.empty() ? "" : ",") + target.label_selector;
  }
  auto pods = ctx.api.List(kube::Pods(ctx.ns), lo);
  if (!pods) {
    return std::unexpected(pods.error());
  }
  std::vector<PodVictim> live;
  const bool deployment = ctx.sts.kind == "Deployment";
  for (const auto& p : (*pods)["items"]) {
    std::string name = json::Str(p["metadata"], "/name");
    if (cluster::PodTerminating(p)) continue;
    // Only the target's own pods are victims: never another controller's pod
    // whose labels happen to match, nor an unowned copy.
    if (cluster::RelationTo(p, ctx.sts) != cluster::PodRelation::kOwned) continue;
    std::optional<int> ord = deployment ? std::optional<int>(0) : cluster::OrdinalOf(name, ctx.sts.name);
    if (!ord) continue;
    live.push_back({name, *ord, json::Str(p["metadata"], "/uid"), json::Str(p, "/spec/nodeName"), p});
  }
  if (deployment) {  // driven as a StatefulSet: ordinal = position in name order
    std::sort(live.begin(), live.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    for (size_t i = 0; i < live.size(); ++i) live[i].ordinal = static_cast<int>(i);
  }
  std::sort(live.begin(), live.end(), [](const auto& a, const auto& b) { return a.ordinal < b.ordinal; });
  const std::string where = ctx.sts.kind + " " + ctx.ns + "/" + ctx.sts.name;
  std::vector<PodVictim> out;
  switch (target.kind) {
    case Kind::kOrdinals:
      for (int o : target.ordinals) {
        auto it = std::find_if(live.begin(), live.end(), [&](const auto& v) { return v.ordinal == o; });
        if (it == live.end()) {
          return MakeError(ErrorCode::kFailedPrecondition,
                           Loc(target) + "ordinal " + std::to_string(o) + " of " + where +
                               " has no live pod (pods now: " + VictimNames(live) + ")");
        }
        out.push_back(*it);
      }
      break;
    case Kind::kLabelSelector:
    case Kind::kAll:
      out = live;
      break;
    case Kind::kRandom: {
      if (target.count > static_cast<int>(live.size())) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         Loc(target) + "random: " + std::to_string(target.count) + " victims asked, but " + where +
                             " has only " + std::to_string(live.size()) + " live pods");
      }
      std::vector<PodVictim> pool = live;
      for (int i = 0; i < target.count; ++i) {
        std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
        size_t k = pick(ctx.rng);
        out.push_back(pool[k]);
        pool.erase(pool.begin() + static_cast<long>(k));
      }
      std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.ordinal < b.ordinal; });
      break;
    }
    case Kind::kNodes:
    case Kind::kNone:
      return MakeError(ErrorCode::kInvalidArgument, Loc(target) + "this fault needs pod victims: " +
                                                        "target.ordinals, target.selector, target.random or target.all");
  }
  if (out.empty()) {
    std::string what = target.kind == Kind::kLabelSelector ? "selector \"" + target.label_selector + "\"" : "target";
    return MakeError(ErrorCode::kFailedPrecondition,
                     Loc(target) + what + " matches no live pod of " + where + "; nothing to act on is an error, not a pass");
  }
  return out;
}

}  // namespace kdrill::faults
