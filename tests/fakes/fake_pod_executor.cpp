#include "tests/fakes/fake_pod_executor.h"

#include "tests/fakes/fake_exec_batch.h"

namespace kdrill::testing {

Result<ExecResult> FakePodExecutor::Exec(const ExecRequest& req) {
  std::lock_guard lock(mu_);
  calls.push_back(req);
  if (auto batch = AnswerBatch(req, [this](const ExecRequest& part) { return RunOne(part); })) return *batch;
  return RunOne(req);
}

Result<ExecResult> FakePodExecutor::RunOne(const ExecRequest& req) {
  std::string vol = volume_of ? volume_of(req.ns, req.pod) : "";
  if (vol.empty()) {
    return MakeError(ErrorCode::kNotFound, "pods \"" + req.pod + "\" not found");
  }
  auto& files = volumes[vol];
  const auto& a = req.argv;
  ExecResult r;
  r.exit_code = 0;
  if (a.size() == 5 && a[0] == "sh" && a[1] == "-c" && a[2].rfind("cat > \"$1\"", 0) == 0) {
    files[a[4]] = req.stdin_data.value_or("");
  } else if (a.size() == 2 && a[0] == "cat") {
    auto it = files.find(a[1]);
    if (it == files.end()) {
      r.exit_code = 1;
      r.stderr_data = "cat: can't open '" + a[1] + "': No such file or directory\n";
    } else {
      r.stdout_data = it->second;
    }
  } else if (a.size() == 1 && a[0] == "hostname") {
    r.stdout_data = req.pod + "\n";  // a StatefulSet pod's hostname is its name
  } else if (a.size() == 3 && a[0] == "rm" && a[1] == "-f") {
    files.erase(a[2]);
  } else {
    r.exit_code = 127;
    r.stderr_data = "fake: unsupported command";
  }
  return r;
}

}  // namespace kdrill::testing
