#include "harness/cli/terminal_state.h"

#include <mutex>

namespace kdrill::cli {

namespace {

std::mutex g_mu;
bool g_saved = false;
int g_fd = -1;
termios g_termios{};

}  // namespace

void RememberTerminal(int fd, const termios& saved) {
  std::lock_guard lock(g_mu);
  g_saved = true;
  g_fd = fd;
  g_termios = saved;
}

void ForgetTerminal() {
  std::lock_guard lock(g_mu);
  g_saved = false;
}

void RestoreTerminalNow() {
  std::lock_guard lock(g_mu);
  if (g_saved) ::tcsetattr(g_fd, TCSANOW, &g_termios);
  g_saved = false;
}

}  // namespace kdrill::cli
