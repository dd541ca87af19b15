#include "reports/console_reporter.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "reports/xml_text.h"

namespace kdrill::reports {

namespace {

constexpr const char* kReset = "\x1b[0m";
constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kYellow = "\x1b[33m";

class Painter {
 public:
  explicit Painter(bool color) : color_(color) {}
  std::string operator()(const char* code, const std::string& text) const {
    return color_ ? std::string(code) + text + kReset : text;
  }

 private:
  bool color_;
};

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

std::string PadLeft(const std::string& s, size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}

// Text from the cluster, safe to print: no escape sequences that would
// recolour or move the cursor, control characters shown as \xNN.
std::string Safe(const std::string& text) {
  std::string safe = XmlSafeText(text);
  std::string out;
  for (size_t i = 0; i < safe.size(); ++i) {
    if (safe[i] != '\r') {
      out += safe[i];
    } else if (i + 1 >= safe.size() || safe[i + 1] != '\n') {
      out += "\\r";  // a lone CR would overwrite the line; CRLF becomes LF
    }
  }
  return out;
}

std::string Seconds(double s) {
  char out[32];
  std::snprintf(out, sizeof out, "%.2fs", std::isfinite(s) && s > 0 ? s : 0.0);
  return out;
}

const char* OutcomeColor(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return kGreen;
    case Outcome::kFailed: return kRed;
    case Outcome::kError: return kRed;
    case Outcome::kSkipped: return kYellow;
  }
  return kReset;
}

// "PASS  " / "✓ PASS" — a fixed-width verdict.
std::string Verdict(Outcome o, const ConsoleStyle& style) {
  const char* word = "PASS";
  const char* mark = "\xE2\x9C\x93";  // ✓
  switch (o) {
    case Outcome::kPassed: break;
    case Outcome::kFailed: word = "FAIL"; mark = "\xE2\x9C\x97"; break;  // ✗
    case Outcome::kError: word = "ERROR"; mark = "!"; break;
    case Outcome::kSkipped: word = "SKIP"; mark = "-"; break;
  }
  std::string text = Pad(word, 5);
  return style.unicode ? std::string(mark) + " " + text : text;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
  }
  return lines;
}

std::string Plural(int n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string Counts(int passed, int failed, int errors, int skipped) {
  std::string out = std::to_string(passed) + " passed";
  if (failed > 0) {
    out += ", " + std::to_string(failed) + " failed";
  }
  if (errors > 0) {
    out += ", " + Plural(errors, "error", "errors");
  }
  if (skipped > 0) {
    out += ", " + std::to_string(skipped) + " skipped";
  }
  return out;
}

void RenderHeader(std::string& out, const RunReport& r, const Painter& paint) {
  out += paint(kBold, "Drill " + r.drill_name);
  if (!r.drill_file.empty()) {
    out += "  (" + r.drill_file + ")";
  }
  out += "\n";
  std::string target = "  target " + r.ns + "/" + r.statefulset + "  seed " + std::to_string(r.seed);
  if (!r.cluster.empty()) {
    target += "  cluster " + r.cluster;
    if (!r.context.empty()) {
      target += " (" + r.context + ")";
    }
  }
  out += paint(kDim, target) + "\n";
}

void RenderCase(std::string& out, const CaseResult& c, size_t kind_width, size_t name_width,
                const ConsoleStyle& style, const Painter& paint) {
  std::string verdict = Verdict(c.outcome, style);
  out += "  " + paint(OutcomeColor(c.outcome), verdict) + "  " + Pad(c.kind, kind_width) + "  " +
         Pad(Safe(c.name), name_width) + "  " + paint(kDim, PadLeft(Seconds(c.seconds), 7));
  bool passed = c.outcome == Outcome::kPassed;
  if (passed && !c.message.empty()) {
    out += "  " + Safe(c.message);
  }
  out += "\n";
  // Under the kind column: 2 + the verdict's display width (mark + space + 5) + 2.
  std::string indent(2 + (style.unicode ? 2 : 0) + 5 + 2, ' ');
  if (!passed && !c.message.empty()) {
    out += indent + Safe(c.message) + "\n";
  }
  if (!passed || style.properties) {
    if (!c.properties.empty()) {
      std::string props;
      for (const auto& [k, v] : c.properties) {
        props += (props.empty() ? "" : "  ") + Safe(k) + "=" + Safe(v);
      }
      out += indent + paint(kDim, props) + "\n";
    }
  }
  if (c.outcome == Outcome::kFailed || c.outcome == Outcome::kError) {
    std::vector<std::string> lines = SplitLines(Safe(c.details));
    size_t shown = std::min(lines.size(), style.max_detail_lines);
    for (size_t i = 0; i < shown; ++i) {
      out += indent + "  " + lines[i] + "\n";
    }
    if (shown < lines.size()) {
      out += indent + "  " +
             paint(kDim, "... " + std::to_string(lines.size() - shown) +
                             " more lines in the JUnit/JSON report") +
             "\n";
    }
  }
}

void RenderTimeline(std::string& out, const RunReport& r, const Painter& paint) {
  if (r.timeline.empty()) {
    return;
  }
  size_t what_width = 0;
  size_t event_width = 0;
  for (const auto& e : r.timeline) {
    what_width = std::max(what_width, e.kind.size() + 1 + e.name.size());
    event_width = std::max(event_width, e.event.size());
  }
  what_width = std::min<size_t>(what_width, 40);
  out += paint(kBold, "  Timeline") + "\n";
  for (const auto& e : r.timeline) {
    char t[32];
    std::snprintf(t, sizeof t, "%+9.3fs", std::isfinite(e.t_seconds) ? e.t_seconds : 0.0);
    out += "  " + paint(kDim, t) + "  " + Pad(Safe(e.kind + "/" + e.name), what_width) + "  " +
           Pad(e.event, event_width) + "  " + Safe(e.summary) + "\n";
  }
}

void RenderOne(std::string& out, const RunReport& r, const ConsoleStyle& style) {
  Painter paint(style.color);
  RenderHeader(out, r, paint);
  size_t kind_width = 0;
  size_t name_width = 0;
  for (const auto& c : r.cases) {
    kind_width = std::max(kind_width, c.kind.size());
    name_width = std::max(name_width, c.name.size());
  }
  name_width = std::min<size_t>(name_width, 48);
  for (const auto& c : r.cases) {
    RenderCase(out, c, kind_width, name_width, style, paint);
  }
  if (r.cases.empty()) {
    out += "  (no cases ran)\n";
  }
  if (style.timeline) {
    RenderTimeline(out, r, paint);
  }
  int total = static_cast<int>(r.cases.size());
  int passed = total - r.failures() - r.errors() - r.skipped();
  // A stopped run checked nothing after the stop: never "PASSED".
  const bool stopped = r.stopped();
  std::string verdict = r.verdict();
  out += paint(r.ok() && !stopped ? kGreen : kRed, paint(kBold, verdict)) + "  " + r.drill_name + ": " +
         Counts(passed, r.failures(), r.errors(), r.skipped()) + " in " + Seconds(r.seconds) +
         "\n";
}

}  // namespace

ConsoleStyle DetectConsoleStyle(int fd) {
  ConsoleStyle style;
  if (::isatty(fd) == 0) {
    return style;
  }
  const char* term = std::getenv("TERM");
  bool dumb = term != nullptr && std::string(term) == "dumb";
  style.color = std::getenv("NO_COLOR") == nullptr && !dumb;
  for (const char* var : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(var);
    if (value != nullptr && *value != '\0') {
      std::string v(value);
      std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
      style.unicode = !dumb && (v.find("utf-8") != std::string::npos ||
                                v.find("utf8") != std::string::npos);
      break;
    }
  }
  return style;
}

std::string RenderConsole(const RunReport& report, const ConsoleStyle& style) {
  return RenderConsole(std::span<const RunReport>(&report, 1), style);
}

std::string RenderConsole(std::span<const RunReport> reports, const ConsoleStyle& style) {
  std::string out;
  int drills_ok = 0;
  int stopped = 0;
  for (size_t i = 0; i < reports.size(); ++i) {
    if (i > 0) {
      out += "\n";
    }
    RenderOne(out, reports[i], style);
    if (reports[i].stopped()) {
      ++stopped;
    } else if (reports[i].ok()) {
      ++drills_ok;
    }
  }
  if (reports.size() > 1) {
    Painter paint(style.color);
    int failed = static_cast<int>(reports.size()) - drills_ok - stopped;
    std::string verdict = failed > 0 ? "FAILED" : stopped > 0 ? "INTERRUPTED" : "PASSED";
    out += "\n" + paint(failed + stopped == 0 ? kGreen : kRed, paint(kBold, verdict)) + "  " +
           Plural(static_cast<int>(reports.size()), "drill", "drills") + ": " +
           std::to_string(drills_ok) + " passed" +
           (failed > 0 ? ", " + std::to_string(failed) + " failed" : "") +
           (stopped > 0 ? ", " + std::to_string(stopped) + " interrupted" : "") + "\n";
  }
  return out;
}

}  // namespace kdrill::reports
