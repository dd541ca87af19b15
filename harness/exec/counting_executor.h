#pragma once
// CountingExecutor: a PodExecutor decorator that counts every Exec into a
// CallLedger (harness/kube/call_ledger.h) and passes request and answer
// through unchanged. Each Exec is timed with the injected Clock and recorded
// when it returns: failed when it could not run (an Error); a command that
// ran and exited non-zero is the command's answer, not a failed exec.

#include "harness/core/clock.h"
#include "harness/exec/pod_executor.h"
#include "harness/kube/call_ledger.h"

namespace kdrill {

class CountingExecutor final : public PodExecutor {
 public:
  // REQUIRES: inner, ledger and clock outlive this.
  CountingExecutor(PodExecutor& inner, kube::CallLedger& ledger, Clock& clock)
      : inner_(inner), ledger_(ledger), clock_(clock) {}

  Result<ExecResult> Exec(const ExecRequest& req) override;

 private:
  PodExecutor& inner_;
  kube::CallLedger& ledger_;
  Clock& clock_;
};

}  // namespace kdrill
