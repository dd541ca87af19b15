#include "harness/faults/node_schedule_fault.h"

namespace kdrill::faults {

Status NodeScheduleFault::Validate(const drill::Step& step) const {
  if (auto s = CheckNodeTarget(step, Name()); !s) return s;
  return step.params.CheckKnownKeys({}, Name() + " params");
}

Result<FaultPlan> NodeScheduleFault::Plan(FaultContext& ctx, const drill::Step& step) {
  auto nodes = ResolveNodeVictims(ctx, step.target, Name());
  if (!nodes) return std::unexpected(nodes.error());
  FaultPlan plan;
  for (const auto& n : *nodes) {
    plan.victims.push_back(n.name);
    plan.actions.push_back(PlanAction(n, NodeUnschedulable(n.object) == unschedulable_));
  }
  return plan;
}

Result<FaultResult> NodeScheduleFault::Inject(FaultContext& ctx, const drill::Step& step) {
  auto nodes = ResolveNodeVictims(ctx, step.target, Name());
  if (!nodes) return std::unexpected(nodes.error());
  ctx.log("victims: nodes " + DescribeNodes(*nodes));
  auto change = SetUnschedulable(ctx, step.name, *nodes, unschedulable_);
  if (!change) return std::unexpected(change.error());
  FaultResult result;
  for (const auto& n : *nodes) result.victims.push_back(n.name);
  Report(*change, result);
  return result;
}

}  // namespace kdrill::faults
