#pragma once
// NodeScheduleFault: the base of node-cordon and node-uncordon, the faults
// that set spec.unschedulable on chosen nodes. They differ only in the state
// they set and in their words.
//
// Contract:
//   - Validate(step): CheckNodeTarget's error, else an error for any params
//     (neither fault takes one: "<Name()> params").
//   - Plan: one victim per chosen node, its line from PlanAction.
//   - Inject: logs "victims: nodes ...", sets the state through
//     SetUnschedulable (undo journaled first; a node already in the state is
//     left alone), then the victims (every chosen node) and Report's
//     properties and details.

#include <string>

#include "harness/faults/fault.h"
#include "harness/faults/node_schedule.h"
#include "harness/faults/node_victims.h"

namespace kdrill::faults {

class NodeScheduleFault : public Fault {
 public:
  // unschedulable: the state this fault sets (true for node-cordon).
  explicit NodeScheduleFault(bool unschedulable) : unschedulable_(unschedulable) {}

  Status Validate(const drill::Step& step) const final;
  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) final;
  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) final;

 protected:
  // The plan's line for node n; `already`: n is in the state this fault sets.
  virtual std::string PlanAction(const NodeVictim& n, bool already) const = 0;
  // Adds what SetUnschedulable did to the result's properties and details.
  virtual void Report(const ScheduleChange& change, FaultResult& result) const = 0;

 private:
  bool unschedulable_;
};

}  // namespace kdrill::faults
