#include "reports/junit_reporter.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include <pugixml.hpp>

#include "reports/atomic_file.h"
#include "reports/junit_timestamp.h"
#include "reports/xml_text.h"

namespace kdrill::reports {

namespace {

// Seconds as the schema's SUREFIRE_TIME allows: digits, a dot, digits.
std::string Seconds(double s) {
  if (!std::isfinite(s) || s < 0) {
    s = 0;
  }
  char out[64];
  std::snprintf(out, sizeof out, "%.3f", s);
  return out;
}

void SetAttr(pugi::xml_node node, const char* name, const std::string& value) {
  node.append_attribute(name).set_value(XmlSafeText(value).c_str());
}

void AddText(pugi::xml_node node, const std::string& text) {
  node.append_child(pugi::node_pcdata).set_value(XmlSafeText(text).c_str());
}

void AddProperty(pugi::xml_node properties, const std::string& name, const std::string& value) {
  pugi::xml_node p = properties.append_child("property");
  SetAttr(p, "name", name);
  SetAttr(p, "value", value);
}

void AddSuiteProperties(pugi::xml_node suite, const RunReport& r) {
  pugi::xml_node properties = suite.append_child("properties");
  std::set<std::string> written;
  auto add = [&](const std::string& name, const std::string& value) {
    if (written.insert(name).second) {
      AddProperty(properties, name, value);
    }
  };
  auto add_known = [&](const std::string& name, const std::string& value) {
    if (!value.empty()) {
      add(name, value);
    }
  };
  add("seed", std::to_string(r.seed));
  add_known("namespace", r.ns);
  add_known("statefulset", r.statefulset);
  add_known("cluster", r.cluster);
  add_known("context", r.context);
  add_known("drill.file", r.drill_file);
  add_known("started_at", r.started_at);
  for (const auto& [name, value] : r.properties) {
    add(name, value);
  }
  // The schema gives a testcase no <properties>: an assertion's figures
  // (recovery times, counts) are also suite properties "<case>.<key>".
  for (const auto& c : r.cases) {
    if (c.kind != "assertion") continue;
    for (const auto& [key, value] : c.properties) add(c.name + "." + key, value);
  }
}

// One line: a newline would end a [[PROPERTY|...]] line or a message early.
std::string OneLine(const std::string& text) {
  std::string out = text;
  for (char& ch : out) {
    if (ch == '\n' || ch == '\r') ch = ' ';
  }
  return out;
}

// The case's figures as [[PROPERTY|name=value]] lines (the schema gives a
// testcase no <properties>; the Jenkins JUnit plugin and GitLab read these
// from system-out), the report it links to as [[ATTACHMENT|path]] (GitLab's
// and Jenkins' attachment convention), then its log.
std::string CaseSystemOut(const CaseResult& c, const std::string& attachment) {
  std::string out;
  for (const auto& [key, value] : c.properties) {
    out += "[[PROPERTY|" + OneLine(key) + "=" + OneLine(value) + "]]\n";
  }
  if (!attachment.empty()) {
    out += "[[ATTACHMENT|" + OneLine(attachment) + "]]\n";
  }
  if (!out.empty() && !c.log.empty()) {
    out += "\n";
  }
  for (const auto& line : c.log) {
    out += line + "\n";
  }
  return out;
}

void AddCase(pugi::xml_node suite, const RunReport& r, const CaseResult& c) {
  pugi::xml_node tc = suite.append_child("testcase");
  SetAttr(tc, "name", c.name);
  SetAttr(tc, "classname", "kdrill." + r.drill_name + "." + c.kind);
  SetAttr(tc, "time", Seconds(c.seconds));
  const char* element = nullptr;
  switch (c.outcome) {
    case Outcome::kPassed: break;
    case Outcome::kFailed: element = "failure"; break;
    case Outcome::kError: element = "error"; break;
    case Outcome::kSkipped: element = "skipped"; break;
  }
  if (element != nullptr) {
    pugi::xml_node verdict = tc.append_child(element);
    // The message is the one-line verdict CI lists; a longer message goes
    // whole into the body.
    const size_t nl = c.message.find('\n');
    if (!c.message.empty()) {
      SetAttr(verdict, "message", nl == std::string::npos ? c.message : c.message.substr(0, nl) + " ...");
    }
    if (c.outcome != Outcome::kSkipped) {
      SetAttr(verdict, "type", c.kind.empty() ? std::string(OutcomeName(c.outcome)) : c.kind);
    }
    // A failure or error always has a body (CI shows it); a skip only its details.
    std::string body = c.details;
    if (nl != std::string::npos) {
      body = c.message + (body.empty() ? "" : "\n\n" + body);
    } else if (body.empty() && c.outcome != Outcome::kSkipped) {
      body = c.message;
    }
    if (!body.empty()) {
      AddText(verdict, body);
    }
  }
  std::string system_out = CaseSystemOut(c, r.attachment);
  if (!system_out.empty()) {
    AddText(tc.append_child("system-out"), system_out);
  }
}

std::string Timeline(const RunReport& r) {
  std::string out;
  for (const auto& e : r.timeline) {
    char t[32];
    std::snprintf(t, sizeof t, "+%.3fs", std::isfinite(e.t_seconds) ? e.t_seconds : 0.0);
    out += std::string(t) + " " + e.wall + " " + e.kind + "/" + e.name + " " + e.event;
    if (!e.summary.empty()) {
      out += " " + e.summary;
    }
    out += "\n";
  }
  return out;
}

void AddSuite(pugi::xml_node root, const RunReport& r) {
  pugi::xml_node suite = root.append_child("testsuite");
  SetAttr(suite, "name", r.drill_name);
  SetAttr(suite, "tests", std::to_string(r.cases.size()));
  SetAttr(suite, "failures", std::to_string(r.failures()));
  SetAttr(suite, "errors", std::to_string(r.errors()));
  SetAttr(suite, "skipped", std::to_string(r.skipped()));
  SetAttr(suite, "time", Seconds(r.seconds));
  if (auto timestamp = JunitTimestamp(r.started_at)) {
    SetAttr(suite, "timestamp", *timestamp);
  }
  SetAttr(suite, "package", "kdrill");
  if (!r.drill_file.empty()) {
    SetAttr(suite, "file", r.drill_file);
  }
  AddSuiteProperties(suite, r);
  for (const auto& c : r.cases) {
    AddCase(suite, r, c);
  }
  std::string timeline = Timeline(r);
  if (!r.attachment.empty()) timeline = "[[ATTACHMENT|" + OneLine(r.attachment) + "]]\n" + timeline;
  if (!timeline.empty()) {
    AddText(suite.append_child("system-out"), timeline);
  }
}

}  // namespace

std::string RenderJunit(std::span<const RunReport> reports) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  decl.append_attribute("encoding").set_value("UTF-8");
  pugi::xml_node root = doc.append_child("testsuites");
  size_t tests = 0;
  int failures = 0;
  int errors = 0;
  double seconds = 0;
  for (const auto& r : reports) {
    tests += r.cases.size();
    failures += r.failures();
    errors += r.errors();
    seconds += std::isfinite(r.seconds) && r.seconds > 0 ? r.seconds : 0;
  }
  SetAttr(root, "name", "kdrill");
  SetAttr(root, "tests", std::to_string(tests));
  SetAttr(root, "failures", std::to_string(failures));
  SetAttr(root, "errors", std::to_string(errors));
  SetAttr(root, "time", Seconds(seconds));
  for (const auto& r : reports) {
    AddSuite(root, r);
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  std::string xml = out.str();
  if (!xml.ends_with('\n')) {
    xml += '\n';
  }
  return xml;
}

std::string RenderJunit(const RunReport& report) {
  return RenderJunit(std::span<const RunReport>(&report, 1));
}

Status WriteJunitFile(std::span<const RunReport> reports, const std::string& path) {
  return WriteFileAtomically(path, RenderJunit(reports));
}

Status WriteJunitFile(const RunReport& report, const std::string& path) {
  return WriteJunitFile(std::span<const RunReport>(&report, 1), path);
}

}  // namespace kdrill::reports
