#include "tests/replay/recorded_run.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "harness/cluster/snapshot_json.h"
#include "harness/core/json_reader.h"

namespace kdrill::replay {

bool RecordedEvent::IsObject() const {
  return kind != "fault" && kind != "wait" && kind != "note" && kind != "undo";
}

Result<RecordedRun> RecordingFromJson(const Json& in, const std::string& source) {
  const Json* j = &in;
  const Json* report = nullptr;
  if (in.is_object() && in.value("kind", "") == "RunReportList" && in.contains("items") && in["items"].is_array()) {
    for (const auto& item : in["items"]) {
      if (item.is_object() && item.contains("recording") && !item["recording"].is_null()) {
        report = &item;
        break;
      }
    }
  } else if (in.is_object() && in.value("kind", "") == "RunReport" && in.contains("recording")) {
    report = &in;
  }
  if (report != nullptr) j = &(*report)["recording"];
  if (j == &in && !in.contains("events")) {
    return MakeError(ErrorCode::kInvalidArgument, source + ": no recording in it (was it written by `kdrill run --json`?)");
  }
  std::string error;
  JsonReader r(*j, source + ": recording", &error);
  RecordedRun run;
  run.source = source;
  if (r.Int("version") != 1) r.Fail("version", "1");
  JsonReader target(r.Raw("target"), r.Path("target"), &error);
  run.target_kind = target.Str("kind");
  run.ns = target.Str("namespace");
  run.name = target.Str("name");
  run.run_id = r.Str("runId");
  if (const Json* as = r.Array("assertions")) {
    for (size_t i = 0; i < as->size(); ++i) {
      JsonReader a((*as)[i], fmt::format("{}.assertions[{}]", source, i), &error);
      drill::AssertionSpec spec;
      spec.type = a.Str("type");
      spec.name = a.Str("name");
      Json params = a.Raw("params");
      spec.params = drill::Params(params.is_object() ? params : Json::object(), {}, {});
      run.assertions.push_back(std::move(spec));
    }
  }
  if (const Json* evs = r.Array("events")) {
    for (size_t i = 0; i < evs->size(); ++i) {
      JsonReader e((*evs)[i], fmt::format("{}.events[{}]", source, i), &error);
      RecordedEvent ev;
      ev.t = e.Num("t");
      ev.wall_ms = e.Int("wallMs");
      ev.kind = e.Str("kind");
      ev.type = e.Str("type");
      ev.ns = e.Str("namespace");
      ev.name = e.Str("name");
      ev.uid = e.Str("uid");
      ev.summary = e.Str("summary");
      ev.object = e.Raw("object");
      run.events.push_back(std::move(ev));
    }
  }
  if (const Json* x = r.Array("exec")) run.exec = *x;
  if (const Json* x = r.Array("api")) run.api = *x;
  if (report != nullptr && report->contains("cases") && (*report)["cases"].is_array()) {
    for (const auto& c : (*report)["cases"]) {
      if (c.is_object() && c.value("kind", "") == "assertion") run.outcomes[c.value("name", "")] = c.value("outcome", "");
    }
  }
  if (!error.empty()) return MakeError(ErrorCode::kInvalidArgument, error);
  auto base = cluster::SnapshotFromJson(r.Raw("baseline"));
  if (!base) return MakeError(ErrorCode::kInvalidArgument, source + ": baseline: " + base.error().message);
  run.baseline = std::move(*base);
  auto fin = cluster::SnapshotFromJson(r.Raw("final"));
  if (!fin) return MakeError(ErrorCode::kInvalidArgument, source + ": final: " + fin.error().message);
  run.final_state = std::move(*fin);
  return run;
}

Result<RecordedRun> LoadRecording(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kNotFound, path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  if (j.is_discarded()) return MakeError(ErrorCode::kInvalidArgument, path + ": not JSON");
  return RecordingFromJson(j, path);
}

}  // namespace kdrill::replay
