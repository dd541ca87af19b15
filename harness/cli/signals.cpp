#include "harness/cli/signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

#include "harness/cli/exit_codes.h"
#include "harness/undo/journal.h"

namespace kdrill::cli {

namespace {

std::stop_source g_stop;
std::atomic<int> g_count{0};  // signals so far, and RequestStop
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
  ++g_count;
  g_stop.request_stop();
}

void SignalGuard::SetJournal(const std::string& path) {
  std::lock_guard lock(g_mu);
  g_journal = path;
}

}  // namespace kdrill::cli
