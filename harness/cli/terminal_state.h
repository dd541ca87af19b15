#pragma once
// The terminal settings kdrill changed and must put back even when it exits
// at once (a second Ctrl-C while the --step prompt waits for a key).

#include <termios.h>

namespace kdrill::cli {

// The settings of terminal `fd` before kdrill changed them.
void RememberTerminal(int fd, const termios& saved);
// They are back (the change ended normally).
void ForgetTerminal();
// Puts back what RememberTerminal kept, if anything (before _exit).
void RestoreTerminalNow();

}  // namespace kdrill::cli
