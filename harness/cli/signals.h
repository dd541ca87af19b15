#pragma once
// Ctrl-C and SIGTERM, the way an SRE expects them during a drill:
//   first signal  -> stop injecting; the run cleans up and exits 130
//   second signal -> exit at once, printing what is left to undo and the
//                    `kdrill recover` command
// Install() blocks the signals in the calling thread (do it before starting
// any thread, so every thread inherits the mask) and handles them on a
// dedicated thread with sigwait.

#include <stop_token>
#include <string>

namespace kdrill::cli {

class SignalGuard {
 public:
  SignalGuard();
  ~SignalGuard();
  std::stop_token Token() const;
  // Stops the run as a first signal does (q at the --step prompt): a signal
  // after it exits at once.
  void RequestStop();
  // The journal of the run in progress, named on a second signal.
  void SetJournal(const std::string& path);
};

}  // namespace kdrill::cli
