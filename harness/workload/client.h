#pragma once
// A database client the write workload drives through exec, one
// implementation file per database (postgres_client.cpp, sh_append_client.cpp;
// MariaDB and Redis plug in the same way). A client is only shell text: the
// writer runs in a container that has the database's own client program.
//
// Contract of the scripts (POSIX sh, run with sh -c):
//   PrepareScript  creates what the writes go into; idempotent; exit 0 on success.
//   WriteScript    writes the record whose id is in $KDRILL_ID and prints
//                  exactly one protocol line (write_log.h): "ack ID",
//                  "fail ID REASON" only when the request cannot have reached
//                  the server, else "unknown ID REASON". Never exits the shell.
//   ReadScript     prints every id present, one per line, repeats included;
//                  exit 0 only when the read itself worked.
//   CleanupScript  removes what PrepareScript and the writes made; idempotent;
//                  "" when the records stay (a networked client's records live
//                  in the database the drill itself set up).
// $KDRILL_HOST is the server to talk to (a pod DNS name).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/status.h"

namespace kdrill::workload {

class WorkloadClient {
 public:
  virtual ~WorkloadClient() = default;
  virtual std::string Name() const = 0;
  virtual std::string PrepareScript() const = 0;
  virtual std::string WriteScript() const = 0;
  virtual std::string ReadScript() const = 0;
  virtual std::string CleanupScript() const = 0;
  // True when the client reaches $KDRILL_HOST over the network, so it can
  // run in a pod of its own (spec.workload's writer pod); false when it must
  // run inside the target's pod (sh-append writes the pod's own files).
  virtual bool Networked() const = 0;
};

// The client of that name ("postgres", "sh-append"), or kInvalidArgument
// naming the ones there are.
Result<std::unique_ptr<WorkloadClient>> MakeWorkloadClient(const std::string& name);

std::vector<std::string> WorkloadClientNames();
// The ones that are not Networked(): they run in the target's pod.
std::vector<std::string> InPodClientNames();

// The writer: prepares (retried once a second, up to 30 times; then exits 3),
// then writes records 1, 2, 3, ... one every interval_ms until the file
// stop_file exists, each line on stdout; then creates stop_file + ".ended".
std::string WriterLoopScript(const WorkloadClient& client, int interval_ms, const std::string& stop_file);

// The ids of a ReadScript's output; a line that is not a positive integer
// is an error naming it (the read cannot be trusted).
Result<std::vector<std::int64_t>> ParseReadIds(const std::string& output);

}  // namespace kdrill::workload
