#include "harness/exec/counting_executor.h"

namespace kdrill {

Result<ExecResult> CountingExecutor::Exec(const ExecRequest& req) {
  const MonoTime start = clock_.Now();
  auto answer = inner_.Exec(req);
  const auto took = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.Now() - start);
  ledger_.AddExec(answer.has_value(), took);
  return answer;
}

}  // namespace kdrill
