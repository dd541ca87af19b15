#pragma once
// Fakes answer a batch (harness/exec/exec_batch.h) as its script would: every
// part in order, each answered as if it ran alone, framed with its name and
// exit status on stdout and stderr. A fake that plays an image without sh
// refuses the batch itself instead (see ExecCannotRun).

#include <functional>
#include <optional>

#include "harness/exec/exec_batch.h"
#include "harness/exec/pod_executor.h"

namespace kdrill::testing {

// nullopt when req is not a batch. A part that `one` answers with an error
// the runtime gives for a missing program becomes exit 127 (a shell's answer);
// any other error fails the whole exec, as kubectl would.
inline std::optional<Result<ExecResult>> AnswerBatch(const ExecRequest& req,
                                                     const std::function<Result<ExecResult>(const ExecRequest&)>& one) {
  auto parts = ParseBatchArgv(req.argv);
  if (!parts) return std::nullopt;
  ExecResult whole{0, "", ""};
  for (const auto& p : *parts) {
    ExecRequest part = req;
    part.argv = p.argv;
    auto r = one(part);
    if (!r && ExecCannotRun(r)) r = ExecResult{127, "", "sh: " + p.argv.front() + ": not found\n"};
    if (!r) return Result<ExecResult>(std::unexpected(r.error()));
    whole.stdout_data += FramePart(p.name, r->stdout_data, r->exit_code);
    whole.stderr_data += FramePart(p.name, r->stderr_data, r->exit_code);
  }
  return Result<ExecResult>(std::move(whole));
}

// The error kubectl reports when the container has no sh to run a batch.
inline Result<ExecResult> NoShell(const ExecRequest& req) {
  return std::unexpected(Error(ErrorCode::kNotFound, "kubectl exec in " + req.ns + "/" + req.pod +
                                                         " failed: OCI runtime exec failed: exec failed: unable to "
                                                         "start container process: exec: \"sh\": executable file not "
                                                         "found in $PATH: unknown"));
}

}  // namespace kdrill::testing
