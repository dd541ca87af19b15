// pod-kill: delete the chosen pods of the target StatefulSet, gracefully (the
// pod's own grace period or gracePeriodSeconds) or forced (grace 0). The
// StatefulSet controller recreates them; nothing needs restoring, and the
// journal says so. Repeated kills: times N, interval D between rounds.

#include <fmt/format.h>

#include "harness/faults/fault.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"

namespace kdrill::faults {

namespace {

struct PodKillParams {
  std::optional<int64_t> grace;
  int64_t times = 1;
  std::chrono::milliseconds interval{0};
};

Result<PodKillParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"gracePeriodSeconds", "force", "times", "interval"}, "pod-kill params"); !s) {
    return std::unexpected(s.error());
  }
  PodKillParams out;
  auto force = p.GetBool("force", false);
  if (!force) return std::unexpected(force.error());
  if (p.Has("gracePeriodSeconds")) {
    auto g = p.GetInt("gracePeriodSeconds", 0);
    if (!g) return std::unexpected(g.error());
    if (*g < 0) return std::unexpected(p.ErrorAt("gracePeriodSeconds", "must be >= 0"));
    if (*force && *g != 0) {
      return std::unexpected(p.ErrorAt("gracePeriodSeconds", "force: true means gracePeriodSeconds 0; give one or the other"));
    }
    out.grace = *g;
  }
  if (*force) out.grace = 0;
  auto times = p.GetInt("times", 1);
  if (!times) return std::unexpected(times.error());
  if (*times < 1) return std::unexpected(p.ErrorAt("times", "must be >= 1"));
  out.times = *times;
  auto interval = p.GetDuration("interval", std::chrono::milliseconds(0));
  if (!interval) return std::unexpected(interval.error());
  out.interval = *interval;
  return out;
}

std::string GraceText(const std::optional<int64_t>& g) {
  if (!g) return "the pod's own grace period";
  if (*g == 0) return "forced, grace 0s";
  return fmt::format("grace {}s", *g);
}

class PodKill final : public ParamsFault<PodKillParams, ReadParams> {
 public:
  std::string Name() const override { return "pod-kill"; }
  std::string Summary() const override {
    return "delete chosen pods (graceful or forced); the StatefulSet must bring them back";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return RequirePodTarget(step, "pod-kill");
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const PodKillParams& params) override {
    auto victims = ResolvePodVictims(ctx, step.target);
    if (!victims) return std::unexpected(victims.error());
    FaultPlan plan;
    for (const auto& v : *victims) {
      plan.victims.push_back(v.name);
      plan.actions.push_back(fmt::format("delete pod {}/{} (uid {}, on node {}, {})", ctx.ns, v.name, v.uid, v.node,
                                         GraceText(params.grace)));
    }
    if (params.times > 1) {
      plan.actions.push_back(fmt::format("repeat {} times, {} ms apart, each round against the pods then live",
                                         params.times, params.interval.count()));
    }
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const PodKillParams& params) override {
    FaultResult result;
    for (int64_t round = 1; round <= params.times; ++round) {
      if (ctx.stop.stop_requested()) {
        return MakeError(ErrorCode::kCancelled, "interrupted before kill round " + std::to_string(round));
      }
      auto victims = ResolvePodVictims(ctx, step.target);
      if (!victims) return std::unexpected(victims.error());
      ctx.log(fmt::format("victims{}: {} ({})", params.times > 1 ? fmt::format(" (round {})", round) : "",
                          VictimNames(*victims), GraceText(params.grace)));
      auto undo = ctx.journal->RecordUndo(step.name, "pods deleted: " + VictimNames(*victims),
                                          {{"kind", "none"}, {"note", "the StatefulSet controller recreates deleted pods"}});
      if (!undo) return std::unexpected(undo.error());
      for (const auto& v : *victims) {
        kube::DeleteOptions opts;
        opts.grace_period_seconds = params.grace;
        opts.precondition_uid = v.uid;  // kill exactly the incarnation we printed
        auto st = ctx.api.Delete(kube::Pods(ctx.ns, v.name), opts);
        if (!st) {
          return std::unexpected(Error(st.error().code, "deleting pod " + v.name + ": " + st.error().message));
        }
        ctx.log(fmt::format("deleted pod {} (uid {}, node {})", v.name, v.uid, v.node));
        result.victims.push_back(v.name);
        result.deleted_pod_uids.push_back(v.uid);
        result.details.push_back(fmt::format("round {}: deleted {} uid={} node={}", round, v.name, v.uid, v.node));
      }
      if (auto s = ctx.journal->MarkDone(*undo, "nothing to restore"); !s) return std::unexpected(s.error());
      if (round < params.times && params.interval.count() > 0) {
        ctx.clock.SleepFor(params.interval);
      }
    }
    result.properties["victims"] = fmt::format("{}", fmt::join(result.victims, ","));
    result.properties["grace"] = GraceText(params.grace);
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakePodKill() { return std::make_unique<PodKill>(); }

}  // namespace kdrill::faults
