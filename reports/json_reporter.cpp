#include "reports/json_reporter.h"

#include <cmath>

#include "reports/atomic_file.h"
#include "reports/run_picture.h"

namespace kdrill::reports {

using OJson = nlohmann::ordered_json;
using Json = nlohmann::json;

namespace {

double Finite(double s) { return std::isfinite(s) ? s : 0; }

OJson StringMap(const std::map<std::string, std::string>& map) {
  OJson out = OJson::object();
  for (const auto& [k, v] : map) {
    out[k] = v;
  }
  return out;
}

OJson CaseToJson(const CaseResult& c) {
  OJson out = OJson::object();
  out["kind"] = c.kind;
  out["name"] = c.name;
  out["outcome"] = OutcomeName(c.outcome);
  out["seconds"] = Finite(c.seconds);
  out["message"] = c.message;
  out["details"] = c.details;
  out["properties"] = StringMap(c.properties);
  out["log"] = c.log;
  if (!c.explain.empty()) out["explain"] = c.explain;
  return out;
}

OJson EntryToJson(const TimelineEntry& e) {
  OJson out = OJson::object();
  out["t"] = Finite(e.t_seconds);
  out["wall"] = e.wall;
  out["kind"] = e.kind;
  out["name"] = e.name;
  out["event"] = e.event;
  out["summary"] = e.summary;
  return out;
}

// Reading back: each helper throws FieldError naming the path.
struct FieldError {
  std::string path;
  std::string expected;
};

const Json& Member(const Json& j, const char* key, const std::string& path) {
  if (!j.is_object() || !j.contains(key)) {
    throw FieldError{path + "." + key, "present"};
  }
  return j.at(key);
}

std::string Str(const Json& j, const char* key, const std::string& path) {
  const Json& v = Member(j, key, path);
  if (!v.is_string()) {
    throw FieldError{path + "." + key, "a string"};
  }
  return v.get<std::string>();
}

double Num(const Json& j, const char* key, const std::string& path) {
  const Json& v = Member(j, key, path);
  if (!v.is_number()) {
    throw FieldError{path + "." + key, "a number"};
  }
  return v.get<double>();
}

std::map<std::string, std::string> StrMap(const Json& j, const char* key, const std::string& path) {
  const Json& v = Member(j, key, path);
  if (!v.is_object()) {
    throw FieldError{path + "." + key, "an object"};
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, value] : v.items()) {
    if (!value.is_string()) {
      throw FieldError{path + "." + key + "." + k, "a string"};
    }
    out[k] = value.get<std::string>();
  }
  return out;
}

const Json& Array(const Json& j, const char* key, const std::string& path) {
  const Json& v = Member(j, key, path);
  if (!v.is_array()) {
    throw FieldError{path + "." + key, "an array"};
  }
  return v;
}

Outcome OutcomeFrom(const std::string& name, const std::string& path) {
  for (Outcome o : {Outcome::kPassed, Outcome::kFailed, Outcome::kError, Outcome::kSkipped}) {
    if (name == OutcomeName(o)) {
      return o;
    }
  }
  throw FieldError{path, "one of passed, failed, error, skipped"};
}

CaseResult CaseFrom(const Json& j, const std::string& path) {
  CaseResult c;
  c.kind = Str(j, "kind", path);
  c.name = Str(j, "name", path);
  c.outcome = OutcomeFrom(Str(j, "outcome", path), path + ".outcome");
  c.seconds = Num(j, "seconds", path);
  c.message = Str(j, "message", path);
  c.details = Str(j, "details", path);
  c.properties = StrMap(j, "properties", path);
  if (j.contains("explain")) c.explain = Str(j, "explain", path);
  const Json& log = Array(j, "log", path);
  for (size_t i = 0; i < log.size(); ++i) {
    if (!log[i].is_string()) {
      throw FieldError{path + ".log[" + std::to_string(i) + "]", "a string"};
    }
    c.log.push_back(log[i].get<std::string>());
  }
  return c;
}

TimelineEntry EntryFrom(const Json& j, const std::string& path) {
  TimelineEntry e;
  e.t_seconds = Num(j, "t", path);
  e.wall = Str(j, "wall", path);
  e.kind = Str(j, "kind", path);
  e.name = Str(j, "name", path);
  e.event = Str(j, "event", path);
  e.summary = Str(j, "summary", path);
  return e;
}

RunReport ReportFrom(const Json& j) {
  const std::string root = "$";
  RunReport r;
  if (Str(j, "kind", root) != "RunReport") {
    throw FieldError{"$.kind", "\"RunReport\""};
  }
  r.schema_version = 1;  // before the key existed
  if (j.contains("schemaVersion")) {
    const Json& v = j.at("schemaVersion");
    if (!v.is_number_integer() || v.get<int64_t>() < 1) throw FieldError{"$.schemaVersion", "a positive integer"};
    if (v.get<int64_t>() > kReportSchemaVersion) {
      throw FieldError{"$.schemaVersion", "at most " + std::to_string(kReportSchemaVersion) +
                                              " (a newer kdrill wrote this report; render it with that version)"};
    }
    r.schema_version = static_cast<int>(v.get<int64_t>());
  }
  const Json& drill = Member(j, "drill", root);
  r.drill_name = Str(drill, "name", "$.drill");
  r.drill_file = Str(drill, "file", "$.drill");
  r.ns = Str(j, "namespace", root);
  r.statefulset = Str(j, "statefulSet", root);
  r.cluster = Str(j, "cluster", root);
  r.context = Str(j, "context", root);
  const Json& seed = Member(j, "seed", root);
  if (!seed.is_number_unsigned() && !(seed.is_number_integer() && seed.get<int64_t>() >= 0)) {
    throw FieldError{"$.seed", "an unsigned integer"};
  }
  r.seed = seed.get<uint64_t>();
  r.started_at = Str(j, "startedAt", root);
  r.seconds = Num(j, "seconds", root);
  r.properties = StrMap(j, "properties", root);
  const Json& cases = Array(j, "cases", root);
  for (size_t i = 0; i < cases.size(); ++i) {
    r.cases.push_back(CaseFrom(cases[i], "$.cases[" + std::to_string(i) + "]"));
  }
  const Json& timeline = Array(j, "timeline", root);
  for (size_t i = 0; i < timeline.size(); ++i) {
    r.timeline.push_back(EntryFrom(timeline[i], "$.timeline[" + std::to_string(i) + "]"));
  }
  if (j.contains("recording")) r.recording = j.at("recording");
  if (j.contains("apiStats")) r.api_stats = j.at("apiStats");
  return r;
}

std::string Dump(const OJson& j) {
  // Replace invalid UTF-8 instead of throwing: messages may carry pod output.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

OJson RunReportToJson(const RunReport& r) {
  OJson out = OJson::object();
  out["apiVersion"] = kReportApiVersion;
  out["kind"] = "RunReport";
  out["schemaVersion"] = kReportSchemaVersion;
  out["drill"] = OJson{{"name", r.drill_name}, {"file", r.drill_file}};
  out["namespace"] = r.ns;
  out["statefulSet"] = r.statefulset;
  out["cluster"] = r.cluster;
  out["context"] = r.context;
  out["seed"] = r.seed;
  out["startedAt"] = r.started_at;
  out["seconds"] = Finite(r.seconds);
  OJson summary = OJson::object();
  int tests = static_cast<int>(r.cases.size());
  summary["tests"] = tests;
  summary["passed"] = tests - r.failures() - r.errors() - r.skipped();
  summary["failures"] = r.failures();
  summary["errors"] = r.errors();
  summary["skipped"] = r.skipped();
  summary["ok"] = r.ok();
  out["summary"] = summary;
  out["properties"] = StringMap(r.properties);
  OJson cases = OJson::array();
  for (const auto& c : r.cases) {
    cases.push_back(CaseToJson(c));
  }
  out["cases"] = std::move(cases);
  OJson timeline = OJson::array();
  for (const auto& e : r.timeline) {
    timeline.push_back(EntryToJson(e));
  }
  out["timeline"] = std::move(timeline);
  if (!r.api_stats.is_null()) out["apiStats"] = r.api_stats;
  if (!r.recording.is_null()) {
    // Derived from the recording (reports/run_picture.h), for tools that want
    // the figure without replaying the events.
    OJson recovery = OJson::array();
    for (const auto& lane : BuildRunPicture(r).lanes) {
      if (!lane.went_down) continue;
      OJson o = OJson::object();
      o["ordinal"] = lane.ordinal;
      o["fault"] = lane.recovery_fault;
      o["recovered"] = lane.recovered;
      o["seconds"] = lane.recovery_seconds ? OJson(Finite(*lane.recovery_seconds)) : OJson(nullptr);
      recovery.push_back(o);
    }
    out["recovery"] = recovery;
    out["recording"] = r.recording;
  }
  return out;
}

Result<RunReport> RunReportFromJson(const Json& json) {
  try {
    return ReportFrom(json);
  } catch (const FieldError& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "run report JSON: " + e.path + ": expected " + e.expected);
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, std::string("run report JSON: ") + e.what());
  }
}

std::string RenderJson(const RunReport& report) { return Dump(RunReportToJson(report)); }

std::string RenderJson(std::span<const RunReport> reports) {
  OJson out = OJson::object();
  out["apiVersion"] = kReportApiVersion;
  out["kind"] = "RunReportList";
  out["schemaVersion"] = kReportSchemaVersion;
  OJson items = OJson::array();
  for (const auto& r : reports) {
    items.push_back(RunReportToJson(r));
  }
  out["items"] = std::move(items);
  return Dump(out);
}

Result<RunReport> ParseJsonReport(const std::string& text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return MakeError(ErrorCode::kInvalidArgument, "run report JSON: not valid JSON");
  }
  return RunReportFromJson(json);
}

Result<std::vector<RunReport>> ParseJsonReports(const std::string& text) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return MakeError(ErrorCode::kInvalidArgument, "run report JSON: not valid JSON");
  }
  std::vector<RunReport> out;
  if (json.is_object() && json.contains("kind") && json.at("kind") == "RunReportList") {
    if (!json.contains("items") || !json.at("items").is_array()) {
      return MakeError(ErrorCode::kInvalidArgument, "run report JSON: $.items: expected an array");
    }
    const Json& items = json.at("items");
    for (size_t i = 0; i < items.size(); ++i) {
      auto r = RunReportFromJson(items[i]);
      if (!r) {
        std::string msg = r.error().message;
        const std::string prefix = "run report JSON: $";
        if (msg.starts_with(prefix)) msg = prefix + ".items[" + std::to_string(i) + "]" + msg.substr(prefix.size());
        return MakeError(ErrorCode::kInvalidArgument, msg);
      }
      out.push_back(std::move(*r));
    }
    if (out.empty()) return MakeError(ErrorCode::kInvalidArgument, "run report JSON: $.items: holds no report");
    return out;
  }
  auto r = RunReportFromJson(json);
  if (!r) return std::unexpected(r.error());
  out.push_back(std::move(*r));
  return out;
}

Status WriteJsonFile(const RunReport& report, const std::string& path) {
  return WriteFileAtomically(path, RenderJson(report));
}

Status WriteJsonFile(std::span<const RunReport> reports, const std::string& path) {
  return WriteFileAtomically(path, RenderJson(reports));
}

}  // namespace kdrill::reports
