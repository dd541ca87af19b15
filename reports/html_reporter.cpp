#include "reports/html_reporter.h"

#include <cmath>

#include <fmt/format.h>

#include "reports/api_stats.h"
#include "reports/atomic_file.h"
#include "reports/html_style.h"
#include "reports/lanes_svg.h"
#include "reports/run_picture.h"
#include "reports/xml_text.h"

namespace kdrill::reports {

namespace {

std::string Secs(double s) {
  if (!std::isfinite(s)) return "-";
  return s < 10 ? fmt::format("{:.2f} s", s) : fmt::format("{:.1f} s", s);
}

const char* OutcomeLabel(Outcome o) {
  switch (o) {
    case Outcome::kPassed: return "PASS";
    case Outcome::kFailed: return "FAIL";
    case Outcome::kError: return "ERROR";
    case Outcome::kSkipped: return "SKIP";
  }
  return "?";
}

std::string Slug(const std::string& verdict) {
  std::string out;
  for (char ch : verdict) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

void VerdictTable(std::string& out, const RunReport& r) {
  out += "<table class=\"verdicts\">\n<thead><tr><th>verdict</th><th>kind</th><th>name</th><th>time</th>"
         "<th>what was seen</th></tr></thead>\n<tbody>\n";
  for (const auto& c : r.cases) {
    const char* outcome = OutcomeName(c.outcome);
    out += fmt::format(
        "<tr class=\"case outcome-{}\" data-outcome=\"{}\" data-kind=\"{}\"><td class=\"verdict\">{}</td>"
        "<td>{}</td><td class=\"name\">{}</td><td class=\"num\">{}</td><td class=\"message\">{}</td></tr>\n",
        outcome, outcome, XmlEscape(c.kind), OutcomeLabel(c.outcome), XmlEscape(c.kind), XmlEscape(c.name),
        Secs(c.seconds), XmlEscape(c.message));
  }
  if (r.cases.empty()) out += "<tr><td colspan=\"5\">no cases ran</td></tr>\n";
  out += "</tbody>\n</table>\n";
}

void Picture(std::string& out, const RunReport& r, const RunPicture& picture) {
  out += "<h3>The StatefulSet, ordinal by ordinal</h3>\n";
  std::string svg = RenderLanesSvg(picture);
  if (svg.empty()) {
    std::string why = picture.missing.empty() ? "no pod of the target was seen during the run" : picture.missing;
    if (r.schema_version < kReportSchemaVersion) {
      why += fmt::format(" (an older kdrill wrote this report: schema version {}, this one reads up to {})",
                         r.schema_version, kReportSchemaVersion);
    }
    out += "<p class=\"missing\">No picture: " + XmlEscape(why) + ".</p>\n";
    return;
  }
  out += "<figure class=\"lanes\">\n" + svg + "\n<figcaption>" + kLegendHtml + "</figcaption>\n</figure>\n";
  if (picture.foreign_pods > 0) {
    out += fmt::format("<p class=\"note\">{} pod(s) named like the target's but controlled by something else are "
                       "not drawn.</p>\n",
                       picture.foreign_pods);
  }
}

void Recovery(std::string& out, const RunPicture& picture) {
  bool any = false;
  for (const auto& lane : picture.lanes) any = any || lane.went_down;
  if (!any) return;
  out += "<h3>Recovery per ordinal</h3>\n<table class=\"recovery\">\n<thead><tr><th>ordinal</th><th>pods seen</th>"
         "<th>from the fault to Ready again</th></tr></thead>\n<tbody>\n";
  for (const auto& lane : picture.lanes) {
    if (!lane.went_down) continue;
    std::string figure = !lane.recovered             ? "not Ready again when the recording ended"
                         : lane.recovery_seconds     ? Secs(*lane.recovery_seconds)
                                                     : "-";
    out += fmt::format("<tr data-ordinal=\"{}\"><td>{}-{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                       lane.ordinal, XmlEscape(picture.target), lane.ordinal, lane.incarnations.size(),
                       XmlEscape(figure));
  }
  out += "</tbody>\n</table>\n";
}

void Failures(std::string& out, const RunReport& r) {
  bool any = false;
  for (const auto& c : r.cases) {
    if (c.outcome != Outcome::kFailed && c.outcome != Outcome::kError) continue;
    if (!any) out += "<h3>What went wrong</h3>\n";
    any = true;
    out += fmt::format("<article class=\"failure outcome-{}\">\n<h4>{} {}: {}</h4>\n", OutcomeName(c.outcome),
                       OutcomeLabel(c.outcome), XmlEscape(c.kind), XmlEscape(c.name));
    out += "<p class=\"message\">" + XmlEscape(c.message) + "</p>\n";
    if (!c.details.empty()) out += "<pre class=\"details\">" + XmlEscape(c.details) + "</pre>\n";
    if (!c.explain.empty()) out += "<p class=\"explain\"><b>What it checks:</b> " + XmlEscape(c.explain) + "</p>\n";
    out += "</article>\n";
  }
}

void Properties(std::string& out, const RunReport& r) {
  out += "<h3>The run</h3>\n<table class=\"properties\">\n<tbody>\n";
  auto row = [&out](const std::string& k, const std::string& v) {
    if (v.empty()) return;
    out += "<tr><th>" + XmlEscape(k) + "</th><td>" + XmlEscape(v) + "</td></tr>\n";
  };
  row("drill file", r.drill_file);
  row("target", r.ns + "/" + r.statefulset);
  row("cluster", r.cluster);
  row("context", r.context);
  row("seed", std::to_string(r.seed));
  row("started", r.started_at);
  row("duration", Secs(r.seconds));
  for (const auto& [k, v] : r.properties) {
    if (k != "seed") row(k, v);
  }
  row("report schema version", std::to_string(r.schema_version));
  out += "</tbody>\n</table>\n";
}

void ApiTraffic(std::string& out, const RunReport& r) {
  auto rows = ReadApiStats(r.api_stats);
  if (rows.empty()) return;
  out += "<h3>kdrill's own API traffic</h3>\n<table class=\"api-stats\">\n<thead><tr><th>phase</th><th>requests</th>"
         "<th>failed</th><th>relists</th><th>watches</th><th>watch events</th><th>execs</th><th>KiB received</th>"
         "<th>KiB sent</th><th>time in API</th><th>verbs</th><th>answers</th></tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += fmt::format(
        "<tr class=\"phase-{0}\"><td>{0}</td><td class=\"num\">{1}</td><td class=\"num\">{2}</td>"
        "<td class=\"num\">{3}</td><td class=\"num\">{4}</td><td class=\"num\">{5}</td><td class=\"num\">{6}</td>"
        "<td class=\"num\">{7}</td><td class=\"num\">{8}</td><td class=\"num\">{9}</td><td>{10}</td>"
        "<td>{11}</td></tr>\n",
        XmlEscape(row.phase), row.requests, row.failed, row.relists, row.watches, row.watch_events, row.execs,
        Kib(row.bytes_received), Kib(row.bytes_sent), Secs(row.seconds), XmlEscape(TopVerbs(row)),
        XmlEscape(CountList(row.by_status)));
  }
  out += "</tbody>\n</table>\n<p class=\"note\">Each exec runs kubectl, which makes its own requests (not counted "
         "above). Bytes are HTTP body bytes after decompression; a relist is a list made again to recover a watch "
         "(also counted as a request); answers counts requests by HTTP status (none: no answer came).</p>\n";
}

void TimelineTable(std::string& out, const RunReport& r) {
  if (r.timeline.empty()) return;
  out += fmt::format("<details class=\"timeline\">\n<summary>All {} timeline lines</summary>\n<table>\n<tbody>\n",
                     r.timeline.size());
  for (const auto& e : r.timeline) {
    out += fmt::format(
        "<tr class=\"kind-{}\"><td class=\"num\">{:.2f}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
        XmlEscape(e.kind), e.t_seconds, XmlEscape(e.kind), XmlEscape(e.name), XmlEscape(e.event),
        XmlEscape(e.summary));
  }
  out += "</tbody>\n</table>\n</details>\n";
}

void Drill(std::string& out, const RunReport& r, size_t index) {
  std::string verdict = r.verdict();
  int total = static_cast<int>(r.cases.size());
  out += fmt::format("<section class=\"drill verdict-{}\" id=\"drill-{}\" data-verdict=\"{}\">\n", Slug(verdict),
                     index, verdict);
  out += fmt::format("<h2><span class=\"badge verdict-{}\">{}</span> {}</h2>\n", Slug(verdict), verdict,
                     XmlEscape(r.drill_name));
  out += fmt::format(
      "<p class=\"summary\">StatefulSet <b>{}/{}</b>: {} checks, {} passed, {} failed, {} errors, {} skipped in "
      "{}</p>\n",
      XmlEscape(r.ns), XmlEscape(r.statefulset), total, total - r.failures() - r.errors() - r.skipped(),
      r.failures(), r.errors(), r.skipped(), Secs(r.seconds));
  VerdictTable(out, r);
  RunPicture picture = BuildRunPicture(r);
  Picture(out, r, picture);
  Recovery(out, picture);
  Failures(out, r);
  Properties(out, r);
  ApiTraffic(out, r);
  TimelineTable(out, r);
  out += "</section>\n";
}

}  // namespace

std::string RenderHtml(std::span<const RunReport> reports) {
  int failed = 0, stopped = 0;
  for (const auto& r : reports) {
    if (r.stopped()) {
      ++stopped;
    } else if (!r.ok()) {
      ++failed;
    }
  }
  std::string overall = failed > 0 ? "FAILED" : stopped > 0 ? "INTERRUPTED" : "PASSED";
  std::string title = reports.size() == 1 ? reports[0].drill_name : fmt::format("{} drills", reports.size());
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>kdrill " + overall + ": " + XmlEscape(title) + "</title>\n";
  out += "<style>\n";
  out += kReportCss;
  out += "</style>\n</head>\n<body>\n";
  out += fmt::format("<header>\n<h1>kdrill report <span class=\"badge verdict-{}\">{}</span></h1>\n", Slug(overall),
                     overall);
  out += "<ul class=\"drills\">\n";
  for (size_t i = 0; i < reports.size(); ++i) {
    const auto& r = reports[i];
    out += fmt::format("<li><a href=\"#drill-{}\">{}</a> <span class=\"badge verdict-{}\">{}</span> {}</li>\n", i,
                       XmlEscape(r.drill_name), Slug(r.verdict()), r.verdict(), XmlEscape(r.started_at));
  }
  out += "</ul>\n</header>\n<main>\n";
  for (size_t i = 0; i < reports.size(); ++i) Drill(out, reports[i], i);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

Status WriteHtmlFile(std::span<const RunReport> reports, const std::string& path) {
  return WriteFileAtomically(path, RenderHtml(reports));
}

}  // namespace kdrill::reports
