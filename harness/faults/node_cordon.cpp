// node-cordon: mark the nodes hosting the chosen pods (or the nodes named in
// target.nodes) unschedulable, as `kubectl cordon` does. Running pods stay;
// new pods go elsewhere. The undo, journaled before each change, uncordons
// only the nodes kdrill cordoned: a node that was already unschedulable is
// left alone, reported, and left cordoned after the drill.

#include <fmt/format.h>

#include "harness/faults/fault.h"
#include "harness/faults/node_schedule.h"
#include "harness/faults/node_victims.h"

namespace kdrill::faults {

namespace {

class NodeCordon final : public Fault {
 public:
  std::string Name() const override { return "node-cordon"; }
  std::string Summary() const override {
    return "mark the nodes of chosen pods (or named nodes) unschedulable; undone by uncordoning what kdrill cordoned";
  }

  Status Validate(const drill::Step& step) const override {
    if (auto s = CheckNodeTarget(step, Name()); !s) return s;
    return step.params.CheckKnownKeys({}, "node-cordon params");
  }

  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) override {
    auto nodes = ResolveNodeVictims(ctx, step.target, Name());
    if (!nodes) return std::unexpected(nodes.error());
    FaultPlan plan;
    for (const auto& n : *nodes) {
      plan.victims.push_back(n.name);
      if (NodeUnschedulable(n.object)) {
        plan.actions.push_back(fmt::format("leave node {} alone: it is already unschedulable (and stays so after "
                                           "the drill)",
                                           n.name));
      } else {
        plan.actions.push_back(fmt::format("cordon node {}{} (spec.unschedulable=true; undo: uncordon it)", n.name,
                                           n.hosts.empty() ? "" : fmt::format(", hosts {}", fmt::join(n.hosts, ", "))));
      }
    }
    return plan;
  }

  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) override {
    auto nodes = ResolveNodeVictims(ctx, step.target, Name());
    if (!nodes) return std::unexpected(nodes.error());
    ctx.log("victims: nodes " + DescribeNodes(*nodes));
    auto change = SetUnschedulable(ctx, step.name, *nodes, true);
    if (!change) return std::unexpected(change.error());
    FaultResult result;
    for (const auto& n : *nodes) result.victims.push_back(n.name);
    result.properties["cordoned"] = fmt::format("{}", fmt::join(change->changed, ","));
    result.properties["alreadyUnschedulable"] = fmt::format("{}", fmt::join(change->left_alone, ","));
    for (const auto& n : change->changed) result.details.push_back("cordoned node " + n + " (uncordoned at cleanup)");
    for (const auto& n : change->left_alone) {
      result.details.push_back("node " + n + " was already unschedulable: left alone, stays cordoned");
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeNodeCordon() { return std::make_unique<NodeCordon>(); }

}  // namespace kdrill::faults
