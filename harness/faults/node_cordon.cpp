// node-cordon: mark the nodes hosting the chosen pods (or the nodes named in
// target.nodes) unschedulable, as `kubectl cordon` does. Running pods stay;
// new pods go elsewhere. The undo, journaled before each change, uncordons
// only the nodes kdrill cordoned: a node that was already unschedulable is
// left alone, reported, and left cordoned after the drill.

#include <fmt/format.h>

#include "harness/faults/node_schedule_fault.h"

namespace kdrill::faults {

namespace {

class NodeCordon final : public NodeScheduleFault {
 public:
  NodeCordon() : NodeScheduleFault(/*unschedulable=*/true) {}
  std::string Name() const override { return "node-cordon"; }
  std::string Summary() const override {
    return "mark the nodes of chosen pods (or named nodes) unschedulable; undone by uncordoning what kdrill cordoned";
  }

 protected:
  std::string PlanAction(const NodeVictim& n, bool already) const override {
    if (already) {
      return fmt::format("leave node {} alone: it is already unschedulable (and stays so after the drill)", n.name);
    }
    return fmt::format("cordon node {}{} (spec.unschedulable=true; undo: uncordon it)", n.name,
                       n.hosts.empty() ? "" : fmt::format(", hosts {}", fmt::join(n.hosts, ", ")));
  }

  void Report(const ScheduleChange& change, FaultResult& result) const override {
    result.properties["cordoned"] = fmt::format("{}", fmt::join(change.changed, ","));
    result.properties["alreadyUnschedulable"] = fmt::format("{}", fmt::join(change.left_alone, ","));
    for (const auto& n : change.changed) result.details.push_back("cordoned node " + n + " (uncordoned at cleanup)");
    for (const auto& n : change.left_alone) {
      result.details.push_back("node " + n + " was already unschedulable: left alone, stays cordoned");
    }
  }
};

}  // namespace

std::unique_ptr<Fault> MakeNodeCordon() { return std::make_unique<NodeCordon>(); }

}  // namespace kdrill::faults
