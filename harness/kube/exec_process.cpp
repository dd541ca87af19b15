#include "harness/kube/exec_process.h"

#include <thread>

#include <boost/asio.hpp>
#include <boost/process.hpp>

namespace kdrill::kube {

namespace bp = boost::process;

Result<ProcessOutput> RunProcess(const std::string& program, const std::vector<std::string>& args,
                                 const std::vector<std::pair<std::string, std::string>>& env_add,
                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  try {
    boost::asio::io_context io;
    bp::async_pipe out_pipe(io);
    bp::async_pipe err_pipe(io);
    bp::environment env = boost::this_process::environment();
    for (const auto& [name, value] : env_add) {
      env[name] = value;
    }
    std::error_code start_error;
    // No io_context is handed to the child: we reap it ourselves below, so no
    // SIGCHLD handler is installed process-wide.
    bp::child child(bp::exe = program, bp::args = args, env, bp::std_in < bp::null,
                    bp::std_out > out_pipe, bp::std_err > err_pipe, start_error);
    if (start_error) {
      return MakeError(ErrorCode::kNotFound,
                       "cannot start " + program + ": " + start_error.message());
    }
    ProcessOutput result;
    bool out_done = false;
    bool err_done = false;
    boost::asio::async_read(out_pipe, boost::asio::dynamic_buffer(result.out),
                            [&](const boost::system::error_code&, size_t) { out_done = true; });
    boost::asio::async_read(err_pipe, boost::asio::dynamic_buffer(result.err),
                            [&](const boost::system::error_code&, size_t) { err_done = true; });
    io.run_until(deadline);
    bool finished = out_done && err_done;
    std::error_code ec;
    // The pipes are closed; give the process until the deadline to exit.
    while (finished && child.running(ec) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!finished || child.running(ec)) {
      child.terminate(ec);
      child.wait(ec);
      return MakeError(ErrorCode::kTimeout,
                       program + " did not finish within " + std::to_string(timeout.count()) +
                           " ms and was killed");
    }
    child.wait(ec);
    result.exit_code = child.exit_code();
    return result;
  } catch (const std::exception& e) {
    return MakeError(ErrorCode::kIo, "cannot run " + program + ": " + e.what());
  }
}

}  // namespace kdrill::kube
