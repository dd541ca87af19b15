#include "harness/exec/kubectl_pod_executor.h"

#include "harness/core/redact.h"

#include <boost/asio.hpp>
#include <boost/process.hpp>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>

namespace kdrill {

namespace bp = boost::process;

std::vector<std::string> KubectlPodExecutor::BuildArgs(const ExecRequest& req) const {
  std::vector<std::string> args;
  if (!opts_.kubeconfig.empty()) {
    args.push_back("--kubeconfig=" + opts_.kubeconfig);
  }
  if (!opts_.context.empty()) {
    args.push_back("--context=" + opts_.context);
  }
  args.insert(args.end(), {"exec", "--namespace=" + req.ns, req.pod});
  if (!req.container.empty()) {
    args.push_back("--container=" + req.container);
  }
  if (req.stdin_data || req.stdin_path) {
    args.push_back("--stdin");
  }
  args.push_back("--");
  args.insert(args.end(), req.argv.begin(), req.argv.end());
  return args;
}

namespace {

// kubectl prints this when the remote command ran and failed.
constexpr std::string_view kTerminated = "command terminated with exit code ";

// kubectl's own log lines ("E1208 01:50:03.784939   31870 websocket.go:296] Unknown stream id 1, ...")
// say how the client fared, not why the exec failed: an error keeps the
// lines that are not of that shape (the "error: ..." kubectl ends with),
// or all of them when every line is one.
std::string DropKlogLines(const std::string& text) {
  static const std::regex klog(R"(^[IWEF][0-9]{4} [0-9:.]+ +[0-9]+ [^ \]]+\] )");
  std::string kept;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (std::regex_search(line, klog)) continue;
    kept += line + "\n";
  }
  return kept.find_first_not_of(" \n\r") == std::string::npos ? text : kept;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

}  // namespace

Result<ExecResult> KubectlPodExecutor::Exec(const ExecRequest& req) {
  if (req.argv.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "exec: empty command");
  }
  boost::filesystem::path exe = opts_.kubectl;
  if (exe.is_relative() && exe.filename() == exe) {
    exe = bp::search_path(opts_.kubectl);
    if (exe.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       "kubectl not found in PATH (needed to exec into pods); install it or pass --kubectl PATH");
    }
  }
  std::string where = "pod " + req.ns + "/" + req.pod + (req.container.empty() ? "" : " container " + req.container);
  try {
    boost::asio::io_context io;
    std::future<std::string> out;
    std::future<std::string> err;
    std::string input = req.stdin_data.value_or("");
    // No TTY is requested (no -t), so kubectl passes the streams through as
    // bytes; files are opened by the child as they are (binary on POSIX).
    std::optional<bp::child> started;
    if (req.stdin_path && !boost::filesystem::exists(*req.stdin_path)) {
      return MakeError(ErrorCode::kIo, "exec in " + where + ": stdin file " + *req.stdin_path + " does not exist");
    }
    if (req.stdout_path) {
      // Boost.Process opens the file without O_TRUNC: start from empty.
      std::ofstream truncate(*req.stdout_path, std::ios::binary | std::ios::trunc);
      if (!truncate) {
        return MakeError(ErrorCode::kIo, "exec in " + where + ": cannot write stdout file " + *req.stdout_path);
      }
    }
    if (req.stdin_path && req.stdout_path) {
      started.emplace(exe, BuildArgs(req), bp::std_in < boost::filesystem::path(*req.stdin_path),
                      bp::std_out > boost::filesystem::path(*req.stdout_path), bp::std_err > err, io);
    } else if (req.stdin_path) {
      started.emplace(exe, BuildArgs(req), bp::std_in < boost::filesystem::path(*req.stdin_path), bp::std_out > out,
                      bp::std_err > err, io);
    } else if (req.stdout_path) {
      started.emplace(exe, BuildArgs(req), bp::std_in < boost::asio::buffer(input),
                      bp::std_out > boost::filesystem::path(*req.stdout_path), bp::std_err > err, io);
    } else {
      started.emplace(exe, BuildArgs(req), bp::std_in < boost::asio::buffer(input), bp::std_out > out,
                      bp::std_err > err, io);
    }
    bp::child& child = *started;
    io.run_for(req.timeout);
    if (!io.stopped()) {
      child.terminate();
      io.run_for(std::chrono::seconds(2));
      return MakeError(ErrorCode::kTimeout, "exec in " + where + " did not finish within " +
                                                std::to_string(req.timeout.count()) + " ms");
    }
    child.wait();
    ExecResult r;
    r.exit_code = child.exit_code();
    r.stdout_data = req.stdout_path ? std::string() : out.get();
    // kubectl's stderr carries what an exec plugin it ran printed, and kdrill
    // relays it into messages and reports.
    r.stderr_data = RedactCredentialShapes(err.get());
    if (r.exit_code != 0) {
      auto pos = r.stderr_data.rfind(kTerminated);
      if (pos == std::string::npos) {
        std::string msg = Trim(DropKlogLines(r.stderr_data));
        ErrorCode code = ErrorCode::kUnavailable;
        if (msg.find("getting credentials") != std::string::npos ||
            msg.find("exec plugin") != std::string::npos) {
          code = ErrorCode::kUnauthorized;  // never "not found": nothing was looked up
        } else if (msg.find("NotFound") != std::string::npos || msg.find("not found") != std::string::npos) {
          code = ErrorCode::kNotFound;
        }
        return MakeError(code, "kubectl exec in " + where + " failed: " + msg);
      }
      r.stderr_data.erase(pos);
    }
    return r;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kIo, "could not run kubectl for exec in " + where + ": " + e.what());
  }
}

}  // namespace kdrill
