#pragma once
// Runs `kubectl exec` with an argv vector through Boost.Process.

#include <string>

#include "harness/exec/pod_executor.h"

namespace kdrill {

struct KubectlOptions {
  std::string kubectl = "kubectl";  // resolved through PATH when not absolute
  std::string kubeconfig;           // passed as --kubeconfig when set
  std::string context;              // passed as --context when set
};

class KubectlPodExecutor final : public PodExecutor {
 public:
  explicit KubectlPodExecutor(KubectlOptions opts) : opts_(std::move(opts)) {}

  // kubectl's own failures (pod not found, container not running, cannot
  // connect) come back as errors; "command terminated with exit code N" is a
  // successful ExecResult with exit_code N.
  Result<ExecResult> Exec(const ExecRequest& req) override;

  // The argv kubectl is started with (without the program), for tests and logs.
  std::vector<std::string> BuildArgs(const ExecRequest& req) const;

 private:
  KubectlOptions opts_;
};

}  // namespace kdrill
