#pragma once
// The write workload's writer during a drill (spec.workload), whichever way
// it reaches the database: PodWriter (writer.h) runs a networked client in a
// pod of its own; ExecWriter (exec_writer.h) writes from kdrill through one
// exec per record in the target's own pod (sh-append: the pod's own files).
//
// Both keep the same contract, so the runner and the verdicts do not care:
//   Start   journals what it will leave behind, then writes until the first
//           write is acknowledged (a writer that never wrote would make every
//           verdict vacuous); an error names what it saw.
//   Finish  goes on writing until a write that *started* after this call is
//           acknowledged (for at most the start timeout: the database is back
//           for its clients, not only Ready), stops, reads every record back
//           and runs the set check (set_check.h). Only an error when the
//           attempts themselves cannot be read; a final read that failed is
//           in WorkloadRun::read_error. What it left goes with the journal's
//           replay at cleanup.
// Nothing here judges: the verdicts are the assertions acknowledged-writes
// and max-unavailability, which read the WorkloadRun.

#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/workload/set_check.h"
#include "harness/workload/write_log.h"

namespace kdrill::workload {

// What the workload did: its attempts, the final read and their set check.
// When the final read could not be made (or trusted), read_error says why
// and check holds only the attempts' counts: a verdict must then be an error.
struct WorkloadRun {
  std::string client;
  std::string host;  // where the writes went (a pod DNS name, or a pod's name)
  std::string pod;   // the pod the client ran in (the writer pod, or the target's pod)
  WriteLog log;
  std::vector<std::int64_t> read;
  std::string read_error;  // "" when the final read worked
  SetCheckResult check;
  bool checked() const { return read_error.empty(); }
};

class WorkloadWriter {
 public:
  virtual ~WorkloadWriter() = default;
  virtual Status Start(std::stop_token stop) = 0;
  virtual Result<WorkloadRun> Finish(std::stop_token stop) = 0;
  // One line for people: "writer pod kdrill-writer-ab12 writes to web-0.web".
  virtual std::string Describe() const = 0;
  // The pod the client runs in (a timeline mark names it).
  virtual std::string Pod() const = 0;
};

}  // namespace kdrill::workload
