#pragma once
// The live view of `kdrill run` on a terminal: the run's progress lines
// scroll as before, and below them a compact table of the target, one row
// per ordinal, redrawn in place from the watches (harness/runner/live_frame.h).
//
// Drawn with two standard escape sequences (cursor up, erase to the end of
// the screen) instead of ncurses: the table lives at the bottom of the normal
// screen, so the scrollback, the --step prompt and the verdict table after
// the run stay as they are, and no terminal mode is changed that Ctrl-C
// would have to restore.

#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/runner/live_frame.h"

namespace kdrill::cli {

// The table's lines for a terminal `width` columns wide; none is longer than
// width - 1 (a line that fills the last column would wrap).
std::vector<std::string> RenderLiveFrame(const LiveFrame& frame, size_t width);

// The columns of the terminal on fd (80 when it cannot tell).
size_t TerminalWidth(int fd);

// Thread-safe: the run's lines and the live thread's frames arrive from
// different threads.
class LiveConsole {
 public:
  // REQUIRES: out outlives the console.
  LiveConsole(std::ostream& out, std::function<size_t()> width);
  // A line above the table (the table is erased, the line printed, the table
  // drawn again).
  void Print(const std::string& line);
  // Redraws the table from this frame, at the terminal's current width.
  void Frame(const LiveFrame& frame);
  // Erases the table and forgets it (at the end of a drill: the verdicts come
  // next); a later Frame draws a new one.
  void Clear();

 private:
  void EraseLocked();
  void DrawLocked();

  std::mutex mu_;
  std::ostream& out_;
  std::function<size_t()> width_;
  std::vector<std::string> drawn_;  // the table lines on the screen now
  std::optional<LiveFrame> last_;
};

}  // namespace kdrill::cli
