#include "reports/run_report.h"

namespace kdrill::reports {

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return "passed";
    case Outcome::kFailed: return "failed";
    case Outcome::kError: return "error";
    case Outcome::kSkipped: return "skipped";
  }
  return "unknown";
}

namespace {
int Count(const std::vector<CaseResult>& cases, Outcome o) {
  int n = 0;
  for (const auto& c : cases) {
    if (c.outcome == o) {
      ++n;
    }
  }
  return n;
}
}  // namespace

int RunReport::failures() const { return Count(cases, Outcome::kFailed); }
int RunReport::errors() const { return Count(cases, Outcome::kError); }
int RunReport::skipped() const { return Count(cases, Outcome::kSkipped); }

bool RunReport::stopped() const {
  auto it = properties.find("end");
  return it != properties.end() && it->second == "interrupted";
}

const char* RunReport::verdict() const { return stopped() ? "INTERRUPTED" : ok() ? "PASSED" : "FAILED"; }

}  // namespace kdrill::reports
