// RunProcess (exec_process.h) on POSIX calls: posix_spawn into a new process
// group with stdin on /dev/null and stdout and stderr on close-on-exec pipes,
// then poll() on the pipes until both are closed and the child has exited,
// all before one steady-clock deadline. This file alone reads the real clock
// (docs/ARCHITECTURE.md, Time): a child process runs on real time.
#include "harness/kube/exec_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

extern char** environ;

namespace kdrill::kube {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How often the exit of a child whose pipes are closed is checked.
constexpr std::chrono::milliseconds kExitPoll{5};

class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_, O_CLOEXEC) != 0) {
      fds_[0] = fds_[1] = -1;
    }
  }
  ~Pipe() {
    CloseRead();
    CloseWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  void CloseRead() { Close(fds_[0]); }
  void CloseWrite() { Close(fds_[1]); }

 private:
  static void Close(int& fd) {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
  int fds_[2] = {-1, -1};
};

// Our environment with `add` set on top (an added name replaces ours).
std::vector<std::string> ChildEnvironment(
    const std::vector<std::pair<std::string, std::string>>& add) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = std::any_of(add.begin(), add.end(),
                                [&](const auto& var) { return var.first == name; });
    if (!replaced) {
      out.emplace_back(entry);
    }
  }
  for (const auto& [name, value] : add) {
    out.push_back(name + "=" + value);
  }
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) {
    out.push_back(s.data());
  }
  out.push_back(nullptr);
  return out;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

std::string SizeText(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) {
    return std::to_string(bytes >> 20) + " MiB";
  }
  return std::to_string(bytes) + " bytes";
}

// Starts `program` in a process group of its own (its id is the child's pid).
Result<pid_t> Spawn(const std::string& program, const std::vector<std::string>& args,
                    const std::vector<std::pair<std::string, std::string>>& env_add, Pipe& out,
                    Pipe& err) {
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv = Pointers(argv_strings);
  std::vector<std::string> env_strings = ChildEnvironment(env_add);
  std::vector<char*> envp = Pointers(env_strings);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.write_end(), 1);
  posix_spawn_file_actions_adddup2(&actions, err.write_end(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) {
    sigaddset(&defaults, sig);
  }
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return MakeError(ErrorCode::kNotFound, "cannot start " + program + ": " + std::strerror(rc));
  }
  return pid;
}

// Reads what `fd` has now, at most 64 KiB so that a plugin writing without
// pause cannot keep the caller from its deadline, into `into` (keeping at
// most `keep` bytes; the rest is counted in `total` and dropped). Returns
// false once the pipe is closed.
bool Drain(int fd, std::string& into, size_t keep, size_t& total) {
  char buf[16384];
  for (int reads = 0; reads < 4; ++reads) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      total += static_cast<size_t>(n);
      if (into.size() < keep) {
        into.append(buf, std::min(static_cast<size_t>(n), keep - into.size()));
      }
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
  return true;
}

// Kills the child's process group and reaps the child.
void KillGroup(pid_t pid, bool reaped) {
  ::kill(-pid, SIGKILL);
  if (!reaped) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace

Result<ProcessOutput> RunProcess(const std::string& program, const std::vector<std::string>& args,
                                 const std::vector<std::pair<std::string, std::string>>& env_add,
                                 const ProcessLimits& limits) {
  const auto deadline = SteadyClock::now() + limits.timeout;
  Pipe out_pipe;
  Pipe err_pipe;
  if (!out_pipe.ok() || !err_pipe.ok()) {
    return MakeError(ErrorCode::kIo,
                     "cannot run " + program + ": pipe: " + std::strerror(errno));
  }
  Result<pid_t> spawned = Spawn(program, args, env_add, out_pipe, err_pipe);
  if (!spawned) {
    return std::unexpected(spawned.error());
  }
  const pid_t pid = *spawned;
  out_pipe.CloseWrite();
  err_pipe.CloseWrite();
  ::fcntl(out_pipe.read_end(), F_SETFL, O_NONBLOCK);
  ::fcntl(err_pipe.read_end(), F_SETFL, O_NONBLOCK);

  ProcessOutput result;
  size_t out_total = 0;
  size_t err_total = 0;
  bool out_open = true;
  bool err_open = true;
  bool exited = false;
  int status = 0;
  for (;;) {
    if (!exited) {
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno == ECHILD)) {
        exited = true;
        if (r < 0) {
          status = -1;  // reaped elsewhere: the exit code is lost
        }
      }
    }
    if (exited && !out_open && !err_open) {
      break;
    }
    const auto now = SteadyClock::now();
    if (now >= deadline) {
      KillGroup(pid, exited);
      return MakeError(ErrorCode::kTimeout,
                       program + " did not finish within " + std::to_string(limits.timeout.count()) +
                           " ms" + (exited ? " (a child it left behind kept its output open)" : "") +
                           " and was killed");
    }
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (!out_open && !err_open) {
      wait = std::min(wait, kExitPoll);  // only the exit is left to wait for
    }
    pollfd fds[2];
    nfds_t n = 0;
    if (out_open) {
      fds[n++] = pollfd{out_pipe.read_end(), POLLIN, 0};
    }
    if (err_open) {
      fds[n++] = pollfd{err_pipe.read_end(), POLLIN, 0};
    }
    if (::poll(fds, n, static_cast<int>(wait.count())) < 0 && errno != EINTR) {
      KillGroup(pid, exited);
      return MakeError(ErrorCode::kIo,
                       "cannot run " + program + ": poll: " + std::strerror(errno));
    }
    if (out_open) {
      out_open = Drain(out_pipe.read_end(), result.out, limits.max_stdout + 1, out_total);
    }
    if (err_open) {
      err_open = Drain(err_pipe.read_end(), result.err, limits.max_stderr, err_total);
    }
    if (out_total > limits.max_stdout) {
      KillGroup(pid, exited);
      return MakeError(ErrorCode::kIo, program + " wrote more than " +
                                           SizeText(limits.max_stdout) +
                                           " on stdout and was killed");
    }
  }
  result.exit_code = status < 0 ? -1 : ExitCodeOf(status);
  return result;
}

}  // namespace kdrill::kube
