#pragma once
// ParamsFault: the base of a fault whose step params are read into one struct
// by one function, so that the fault reads and checks them in one place.
//
// Contract:
//   - Validate(step): CheckTarget(step)'s error if it has one, else
//     kReadParams(step)'s error if it has one, else Ok. The params read are
//     discarded. A fault with a further check overrides Validate and calls
//     ParamsFault::Validate first.
//   - Plan(ctx, step) and Inject(ctx, step): kReadParams(step)'s error if it
//     has one (the target is not checked again), else PlanWith or InjectWith
//     with the params read.

#include "harness/core/status.h"
#include "harness/drill/model.h"
#include "harness/faults/fault.h"

namespace kdrill::faults {

template <typename Params, Result<Params> (*kReadParams)(const drill::Step&)>
class ParamsFault : public Fault {
 public:
  Status Validate(const drill::Step& step) const override {
    if (auto st = CheckTarget(step); !st) return st;
    auto params = kReadParams(step);
    if (!params) return std::unexpected(params.error());
    return Ok();
  }

  Result<FaultPlan> Plan(FaultContext& ctx, const drill::Step& step) final {
    auto params = kReadParams(step);
    if (!params) return std::unexpected(params.error());
    return PlanWith(ctx, step, *params);
  }

  Result<FaultResult> Inject(FaultContext& ctx, const drill::Step& step) final {
    auto params = kReadParams(step);
    if (!params) return std::unexpected(params.error());
    return InjectWith(ctx, step, *params);
  }

 protected:
  // Whether the step's target suits this fault: Ok, or the error naming the
  // step's location and what to change.
  virtual Status CheckTarget(const drill::Step& step) const = 0;
  virtual Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const Params& params) = 0;
  virtual Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const Params& params) = 0;
};

}  // namespace kdrill::faults
