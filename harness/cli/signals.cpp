#include "harness/cli/signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "harness/cli/exit_codes.h"
#include "harness/cli/terminal_state.h"
#include "harness/undo/journal.h"

namespace kdrill::cli {

namespace {

std::stop_source g_stop;
std::atomic<int> g_count{0};  // signals so far, and RequestStop
std::chrono::steady_clock::time_point g_first;  // of the first (signal thread only)
std::mutex g_mu;
std::string g_journal;
std::jthread g_thread;

sigset_t Mask() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

void PrintLeftAndExit() {
  std::string path;
  {
    std::lock_guard lock(g_mu);
    path = g_journal;
  }
  RestoreTerminalNow();  // the --step prompt may hold the terminal in key mode
  std::fprintf(stderr, "\nkdrill: second interrupt: exiting now, without finishing cleanup.\n");
  if (!path.empty()) {
    if (auto j = Journal::Open(path); j) {
      auto pending = j->Pending();
      if (pending.empty()) {
        std::fprintf(stderr, "kdrill: nothing was left to undo.\n");
      } else {
        std::fprintf(stderr, "kdrill: still to undo:\n");
        for (const auto& r : pending) std::fprintf(stderr, "  - %s\n", r.description.c_str());
        std::fprintf(stderr, "kdrill: restore the cluster with:\n  kdrill recover --journal %s\n", path.c_str());
      }
    }
  }
  std::fflush(stderr);
  ::_exit(kExitInterrupted);
}

}  // namespace

SignalGuard::SignalGuard() {
  sigset_t set = Mask();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  g_thread = std::jthread([](std::stop_token) {
    sigset_t s = Mask();
    while (true) {
      int sig = 0;
      if (sigwait(&s, &sig) != 0) continue;
      if (sig == SIGUSR1) return;
      // One Ctrl-C can arrive twice: from the terminal and again from a
      // wrapper in the same process group that forwards it (timeout, some
      // CI runners). A second signal within half a second is that same
      // interrupt, not a person asking to abandon cleanup.
      const auto now = std::chrono::steady_clock::now();
      if (g_count > 0 && now - g_first < std::chrono::milliseconds(500)) continue;
      if (g_count == 0) g_first = now;
      if (++g_count == 1) {
        std::fprintf(stderr, "\nkdrill: %s: stopping fault injection and cleaning up (interrupt again to exit at once)\n",
                     sig == SIGINT ? "interrupted" : "terminated");
        std::fflush(stderr);
        g_stop.request_stop();
      } else {
        PrintLeftAndExit();
      }
    }
  });
  g_thread.detach();
}

SignalGuard::~SignalGuard() = default;

std::stop_token SignalGuard::Token() const { return g_stop.get_token(); }

void SignalGuard::RequestStop() {
  ++g_count;  // q at the prompt: a Ctrl-C after it is a second interrupt, whenever it comes
  g_stop.request_stop();
}

void SignalGuard::SetJournal(const std::string& path) {
  std::lock_guard lock(g_mu);
  g_journal = path;
}

}  // namespace kdrill::cli
