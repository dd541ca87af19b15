// node-uncordon: mark the nodes hosting the chosen pods (or the nodes named in
// target.nodes) schedulable again, as `kubectl uncordon` does. The undo,
// journaled before each change, re-cordons only the nodes kdrill uncordoned;
// a node that was already schedulable is left alone and reported.

#include <fmt/format.h>

#include "harness/faults/fault.h"
#include "harness/faults/node_schedule.h"
#include "harness/faults/node_victims.h"

namespace kdrill::faults {

namespace {

class NodeUncordon final : public Fault {
 public:
  std::string Name() const override { return "node-uncordon"; }
  std::string Summary() const override {
    return "mark the nodes of chosen pods (or named nodes) schedulable; undone by re-cordoning what kdrill uncordoned";
  }

  Status Validate(const drill::Step& step) const override {
    if (auto s = CheckNodeTarget(step, Name()); !s) return s;
    return step.params.CheckKnownKeys({}, "node-uncordon params");
  }

  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) override {
    auto nodes = ResolveNodeVictims(ctx, step.target, Name());
    if (!nodes) return std::unexpected(nodes.error());
    FaultPlan plan;
    for (const auto& n : *nodes) {
      plan.victims.push_back(n.name);
      if (!NodeUnschedulable(n.object)) {
        plan.actions.push_back(fmt::format("leave node {} alone: it is already schedulable", n.name));
      } else {
        plan.actions.push_back(
            fmt::format("uncordon node {} (remove spec.unschedulable; undo: cordon it again)", n.name));
      }
    }
    return plan;
  }

  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) override {
    auto nodes = ResolveNodeVictims(ctx, step.target, Name());
    if (!nodes) return std::unexpected(nodes.error());
    ctx.log("victims: nodes " + DescribeNodes(*nodes));
    auto change = SetUnschedulable(ctx, step.name, *nodes, false);
    if (!change) return std::unexpected(change.error());
    FaultResult result;
    for (const auto& n : *nodes) result.victims.push_back(n.name);
    result.properties["uncordoned"] = fmt::format("{}", fmt::join(change->changed, ","));
    result.properties["alreadySchedulable"] = fmt::format("{}", fmt::join(change->left_alone, ","));
    for (const auto& n : change->changed) {
      result.details.push_back("uncordoned node " + n + " (cordoned again at cleanup)");
    }
    for (const auto& n : change->left_alone) {
      result.details.push_back("node " + n + " was already schedulable: left alone");
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeNodeUncordon() { return std::make_unique<NodeUncordon>(); }

}  // namespace kdrill::faults
