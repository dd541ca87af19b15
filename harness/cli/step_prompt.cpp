#include "harness/cli/step_prompt.h"

#include <poll.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

#include <fmt/format.h>

#include "harness/cli/terminal_state.h"
#include "harness/runner/narration.h"

namespace kdrill::cli {

namespace {

// Non-canonical, no echo, while it lives; the terminal as it was afterwards.
// Does nothing when fd is not a terminal (a pipe in tests).
class KeyMode {
 public:
  explicit KeyMode(int fd) : fd_(fd) {
    if (::isatty(fd_) == 0 || ::tcgetattr(fd_, &saved_) != 0) return;
    termios keys = saved_;
    keys.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    keys.c_cc[VMIN] = 1;
    keys.c_cc[VTIME] = 0;
    ::tcflush(fd_, TCIFLUSH);  // keys typed while the last step ran answer nothing
    RememberTerminal(fd_, saved_);  // a second Ctrl-C exits at once: it puts these back first
    active_ = ::tcsetattr(fd_, TCSANOW, &keys) == 0;
    if (!active_) ForgetTerminal();
  }
  ~KeyMode() {
    if (!active_) return;
    ::tcsetattr(fd_, TCSANOW, &saved_);
    ForgetTerminal();
  }
  KeyMode(const KeyMode&) = delete;
  KeyMode& operator=(const KeyMode&) = delete;

 private:
  int fd_;
  termios saved_{};
  bool active_ = false;
};

enum class Key { kRun, kSkip, kQuit, kStopped, kClosed, kOther };

// One key, or kStopped once the run is stopping (Ctrl-C), polled every 100 ms.
Key ReadKey(int fd, const std::stop_token& stop) {
  while (true) {
    if (stop.stop_requested()) return Key::kStopped;
    pollfd p{fd, POLLIN, 0};
    int n = ::poll(&p, 1, 100);
    if (n < 0 && errno != EINTR) return Key::kClosed;
    if (n <= 0) continue;
    char c = 0;
    ssize_t r = ::read(fd, &c, 1);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (r <= 0) return Key::kClosed;
    switch (c) {
      case '\n':
      case '\r': return Key::kRun;
      case 's':
      case 'S': return Key::kSkip;
      case 'q':
      case 'Q': return Key::kQuit;
      default: return Key::kOther;
    }
  }
}

constexpr const char* kKeys = "  [Enter] run it   [s] skip it   [q] stop and clean up";

}  // namespace

Status CheckStepTerminal(int fd) {
  if (::isatty(fd) != 0) return Ok();
  return MakeError(ErrorCode::kInvalidArgument,
                   "--step waits for a key before each step, so stdin must be a terminal; in CI and scripts run "
                   "without --step (kdrill plan prints each step and its explain: without running anything)");
}

StepPrompt::StepPrompt(int in_fd, std::function<void(const std::string&)> print, std::stop_token stop,
                       std::function<void()> on_quit)
    : fd_(in_fd), print_(std::move(print)), stop_(std::move(stop)), on_quit_(std::move(on_quit)) {}

StepAnswer StepPrompt::Ask(const StepPreview& step) {
  print_("");
  print_(fmt::format("== step {}/{}: {} ==", step.index, step.total, step.name));
  print_("  " + step.what);
  for (const auto& line : step.plan) print_("  " + line);
  for (const auto& line : NarrationLines(step.explain, "  ", "explain: ")) print_(line);
  print_(kKeys);
  KeyMode keys(fd_);
  while (true) {
    switch (ReadKey(fd_, stop_)) {
      case Key::kRun:
        return StepAnswer::kRun;
      case Key::kSkip:
        print_("  skipped: nothing was done");
        return StepAnswer::kSkip;
      case Key::kQuit:
        print_("  stopping: the steps left are not run; cleaning up");
        on_quit_();
        return StepAnswer::kQuit;
      case Key::kClosed:
        print_("  stdin closed: stopping; the steps left are not run; cleaning up");
        on_quit_();
        return StepAnswer::kQuit;
      case Key::kStopped:
        return StepAnswer::kQuit;
      case Key::kOther:
        print_(kKeys);
        break;
    }
  }
}

void StepPrompt::Told(const StepPreview& step, const reports::CaseResult& result) {
  if (result.outcome == reports::Outcome::kSkipped) return;  // Ask said so
  print_(fmt::format("  -> step {}/{} {}: {} ({:.1f}s)", step.index, step.total,
                     reports::OutcomeName(result.outcome), result.message, result.seconds));
}

}  // namespace kdrill::cli
