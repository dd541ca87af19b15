#pragma once
// One report case while a phase runs: its log lines, its outcome and its
// time on the run's Clock (from construction to Finish).

#include <string>

#include "harness/core/clock.h"
#include "reports/run_report.h"

namespace kdrill::run_internal {

class CaseScope {
 public:
  CaseScope(Clock& clock, std::string kind, std::string name) : clock_(clock), begin_(clock.Now()) {
    c_.kind = std::move(kind);
    c_.name = std::move(name);
  }
  reports::CaseResult& Case() { return c_; }
  reports::CaseResult Finish() {
    c_.seconds = std::chrono::duration<double>(clock_.Now() - begin_).count();
    return c_;
  }

 private:
  Clock& clock_;
  MonoTime begin_;
  reports::CaseResult c_;
};

}  // namespace kdrill::run_internal
