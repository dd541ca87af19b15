#include "harness/cli/live_console.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace kdrill::cli {

namespace {

std::string Age(double seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 100) return fmt::format("{:.0f}s", seconds);
  if (seconds < 6000) return fmt::format("{:.0f}m", seconds / 60);
  return fmt::format("{:.0f}h", seconds / 3600);
}

std::string Cut(std::string line, size_t width) {
  size_t max = width > 1 ? width - 1 : 1;
  if (line.size() > max) line.resize(max);
  return line;
}

std::string Ordinal(int n) {
  int mod100 = n % 100;
  const char* suffix = (mod100 >= 11 && mod100 <= 13) ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
  return std::to_string(n) + suffix;
}

}  // namespace

std::vector<std::string> RenderLiveFrame(const LiveFrame& f, size_t width) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("-- live: {} | {} ({:.0f}s) | run {:.0f}s --", f.target,
                              f.activity.empty() ? "starting" : f.activity, f.activity_seconds, f.run_seconds));
  lines.push_back(fmt::format("{:>3}  {:<12} {:<11} {:<5} {:<15} {:>3}  {:<14} {:<6} {:<13} {:>4}", "ORD", "POD",
                              "PHASE", "READY", "NODE", "RST", "CLAIM", "STATUS", "PV", "AGE"));
  for (const auto& r : f.rows) {
    std::string pv = r.pv.size() > 13 ? r.pv.substr(0, 12) + "~" : r.pv;
    std::string mark;
    if (r.replaced) mark = "  <- new (" + Ordinal(r.incarnations) + ")";
    lines.push_back(fmt::format("{:>3}  {:<12} {:<11} {:<5} {:<15} {:>3}  {:<14} {:<6} {:<13} {:>4}{}", r.ordinal,
                                r.pod.empty() ? "(none)" : r.pod, r.phase, r.pod.empty() ? "-" : r.ready ? "yes" : "no",
                                r.node.empty() ? "-" : r.node, r.restarts, r.claim.empty() ? "-" : r.claim,
                                r.claim_phase.empty() ? "-" : r.claim_phase, pv.empty() ? "-" : pv,
                                r.pod.empty() ? "-" : Age(r.age_seconds), mark));
  }
  if (f.rows.empty()) lines.push_back("     (no pod of the target)");
  for (const auto& e : f.events) lines.push_back("  " + e);
  for (auto& l : lines) l = Cut(std::move(l), width);
  return lines;
}

size_t TerminalWidth(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

LiveConsole::LiveConsole(std::ostream& out, std::function<size_t()> width) : out_(out), width_(std::move(width)) {}

void LiveConsole::EraseLocked() {
  if (drawn_.empty()) return;
  // Rows the table takes now: a line longer than a narrowed terminal was
  // wrapped by it onto more rows.
  size_t width = std::max<size_t>(width_(), 1);
  size_t rows = 0;
  for (const auto& l : drawn_) rows += std::max<size_t>(1, (l.size() + width - 1) / width);
  out_ << "\r\x1b[" << rows << "A\x1b[J";
  drawn_.clear();
}

void LiveConsole::DrawLocked() {
  if (!last_) return;
  drawn_ = RenderLiveFrame(*last_, width_());
  for (const auto& l : drawn_) out_ << l << "\n";
  out_.flush();
}

void LiveConsole::Print(const std::string& line) {
  std::lock_guard lock(mu_);
  EraseLocked();
  out_ << line << "\n";
  DrawLocked();
  out_.flush();
}

void LiveConsole::Frame(const LiveFrame& frame) {
  std::lock_guard lock(mu_);
  EraseLocked();
  last_ = frame;
  DrawLocked();
}

void LiveConsole::Clear() {
  std::lock_guard lock(mu_);
  EraseLocked();
  last_.reset();
  out_.flush();
}

}  // namespace kdrill::cli
