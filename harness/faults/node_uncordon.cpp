// node-uncordon: mark the nodes hosting the chosen pods (or the nodes named in
// target.nodes) schedulable again, as `kubectl uncordon` does. The undo,
// journaled before each change, re-cordons only the nodes kdrill uncordoned;
// a node that was already schedulable is left alone and reported.

#include <fmt/format.h>

#include "harness/faults/node_schedule_fault.h"

namespace kdrill::faults {

namespace {

class NodeUncordon final : public NodeScheduleFault {
 public:
  NodeUncordon() : NodeScheduleFault(/*unschedulable=*/false) {}
  std::string Name() const override { return "node-uncordon"; }
  std::string Summary() const override {
    return "mark the nodes of chosen pods (or named nodes) schedulable; undone by re-cordoning what kdrill uncordoned";
  }

 protected:
  std::string PlanAction(const NodeVictim& n, bool already) const override {
    if (already) return fmt::format("leave node {} alone: it is already schedulable", n.name);
    return fmt::format("uncordon node {} (remove spec.unschedulable; undo: cordon it again)", n.name);
  }

  void Report(const ScheduleChange& change, FaultResult& result) const override {
    result.properties["uncordoned"] = fmt::format("{}", fmt::join(change.changed, ","));
    result.properties["alreadySchedulable"] = fmt::format("{}", fmt::join(change.left_alone, ","));
    for (const auto& n : change.changed) {
      result.details.push_back("uncordoned node " + n + " (cordoned again at cleanup)");
    }
    for (const auto& n : change.left_alone) {
      result.details.push_back("node " + n + " was already schedulable: left alone");
    }
  }
};

}  // namespace

std::unique_ptr<Fault> MakeNodeUncordon() { return std::make_unique<NodeUncordon>(); }

}  // namespace kdrill::faults
