#pragma once
// A PodExecutor for unit tests: each pod's volume is an in-memory directory
// keyed by an id the test controls (e.g. the claim UID the pod mounts), so a
// recreated claim really comes back empty. Understands the commands kdrill's
// assertions run: sh -c 'cat > "$1" ...' sh PATH (stdin -> file), cat PATH,
// rm -f PATH, hostname (prints the pod's name), and batches of these
// (harness/exec/exec_batch.h), one call each. Anything else exits 127.

#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "harness/exec/pod_executor.h"

namespace kdrill::testing {

class FakePodExecutor : public PodExecutor {
 public:
  // Which volume a pod's files land in; empty string = pod not found.
  std::function<std::string(const std::string& ns, const std::string& pod)> volume_of;

  Result<ExecResult> Exec(const ExecRequest& req) override;

  std::map<std::string, std::map<std::string, std::string>> volumes;  // volume id -> path -> content
  std::vector<ExecRequest> calls;

 private:
  Result<ExecResult> RunOne(const ExecRequest& req);  // REQUIRES: mu_ held
  std::mutex mu_;
};

}  // namespace kdrill::testing
