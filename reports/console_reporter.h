#pragma once
// The summary printed at the end of `kdrill run`, meant to be read on a
// projector: one verdict line per case, the message of every case, indented
// details for failures and errors, a totals line per drill, and optionally
// the timeline.
//
//   Drill pod-kill  (scenarios/pod-kill.yaml)
//     target kdrill-demo/web  seed 42  cluster https://127.0.0.1:6443 (lab)
//     PASS   fault      pod-kill #1: kill web-1            0.41s  killed web-1
//     FAIL   assertion  same-pvc                           0.02s
//            web-1 mounts a different PVC
//              ordinal 1: uid abc -> def
//   FAILED  pod-kill: 1 passed, 1 failed in 14.20s

#include <ostream>
#include <span>
#include <string>

#include "reports/run_report.h"

namespace kdrill::reports {

struct ConsoleStyle {
  bool color = false;        // ANSI colours
  bool unicode = false;      // ✓ ✗ marks instead of ASCII only
  bool timeline = false;     // print the timeline after the cases
  bool properties = false;   // print every case's properties (failures always get them)
  size_t max_detail_lines = 40;  // per case; the rest is in the JUnit/JSON report
};

// Colour and Unicode when `fd` is a terminal, NO_COLOR is unset and TERM is
// not "dumb" (Unicode also needs a UTF-8 locale in LC_ALL/LC_CTYPE/LANG).
// Plain ASCII otherwise (pipes, CI logs).
ConsoleStyle DetectConsoleStyle(int fd);

std::string RenderConsole(const RunReport& report, const ConsoleStyle& style);
// Each drill, then (for more than one) a line with the totals over all drills.
std::string RenderConsole(std::span<const RunReport> reports, const ConsoleStyle& style);

inline void PrintConsoleSummary(std::ostream& out, std::span<const RunReport> reports,
                                const ConsoleStyle& style) {
  out << RenderConsole(reports, style);
}

}  // namespace kdrill::reports
