#pragma once
// Which program an exec credential plugin (users[].user.exec) runs, as
// client-go finds it: a command with a '/' resolves against the directory of
// the kubeconfig that defined it, a bare name is searched in PATH.

#include <string>

#include "harness/core/status.h"
#include "harness/kube/rest_config.h"

namespace kdrill::kube {

// The absolute path of an executable regular file. kInvalidArgument when
// there is none: the message starts with `plugin` (which names the
// kubeconfig), says where it looked and ends with the installHint or the
// field to fix.
Result<std::string> FindExecProgram(const ExecConfig& config, const std::string& plugin);

}  // namespace kdrill::kube
