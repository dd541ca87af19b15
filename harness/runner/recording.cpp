#include "harness/runner/recording.h"

#include "harness/watch/watch_trim.h"
#include "harness/core/json_fields.h"

#include "harness/exec/exec_batch.h"
#include "harness/cluster/snapshot_json.h"

namespace kdrill {

using Json = nlohmann::json;

Json ExecKey(const ExecRequest& req) {
  Json k = {{"namespace", req.ns}, {"pod", req.pod}, {"container", req.container}, {"argv", req.argv}};
  if (req.stdin_data) k["stdin"] = *req.stdin_data;
  if (req.stdin_path) k["stdinFile"] = true;
  if (req.stdout_path) k["stdoutFile"] = true;
  return k;
}

Json ErrorToJson(const Error& e) {
  Json j = {{"code", ErrorCodeName(e.code)}, {"message", e.message}};
  if (e.http_status != 0) j["httpStatus"] = e.http_status;
  if (!e.reason.empty()) j["reason"] = e.reason;
  return j;
}

Error ErrorFromJson(const Json& j) {
  Error e(ErrorCode::kInternal, "recorded error");
  if (!j.is_object()) return e;
  if (auto it = j.find("code"); it != j.end() && it->is_string()) e.code = ErrorCodeFromName(it->get<std::string>());
  if (auto it = j.find("message"); it != j.end() && it->is_string()) e.message = it->get<std::string>();
  if (auto it = j.find("httpStatus"); it != j.end() && it->is_number_integer()) e.http_status = it->get<int>();
  if (auto it = j.find("reason"); it != j.end() && it->is_string()) e.reason = it->get<std::string>();
  return e;
}

Json ExecAnswerToJson(const Result<ExecResult>& r) {
  if (!r) return {{"error", ErrorToJson(r.error())}};
  return {{"exitCode", r->exit_code}, {"stdout", r->stdout_data}, {"stderr", r->stderr_data}};
}

Result<ExecResult> ExecAnswerFromJson(const Json& j) {
  if (!j.is_object()) return MakeError(ErrorCode::kInternal, "recorded exec answer is not an object");
  if (j.contains("error")) return std::unexpected(ErrorFromJson(j.at("error")));
  ExecResult r;
  if (auto it = j.find("exitCode"); it != j.end() && it->is_number_integer()) r.exit_code = it->get<int>();
  if (auto it = j.find("stdout"); it != j.end() && it->is_string()) r.stdout_data = it->get<std::string>();
  if (auto it = j.find("stderr"); it != j.end() && it->is_string()) r.stderr_data = it->get<std::string>();
  return r;
}

Json RefToRecordJson(const kube::ResourceRef& ref) {
  return {{"apiVersion", ref.api_version},
          {"resource", ref.resource},
          {"namespace", ref.ns},
          {"name", ref.name},
          {"subresource", ref.subresource}};
}

Result<ExecResult> RecordingExecutor::Exec(const ExecRequest& req) {
  auto r = inner_.Exec(req);
  std::lock_guard lock(mu_);
  auto parts = ParseBatchArgv(req.argv);
  if (!parts || BatchCouldNotRun(r)) {  // a batch that never ran is kept whole
    log_.push_back({{"request", ExecKey(req)}, {"answer", ExecAnswerToJson(r)}});
    return r;
  }
  for (const auto& part : *parts) {
    ExecRequest one = req;
    one.argv = part.argv;
    log_.push_back(
        {{"request", ExecKey(one)}, {"answer", ExecAnswerToJson(PartFromBatch(r, part, req.pod))}});
  }
  return r;
}

Json RecordingExecutor::Log() const {
  std::lock_guard lock(mu_);
  return log_;
}

void RecordingKubeApi::Keep(Json request, Json answer) {
  std::lock_guard lock(mu_);
  log_.push_back({{"request", std::move(request)}, {"answer", std::move(answer)}});
}

Result<kube::Json> RecordingKubeApi::Get(const kube::ResourceRef& ref) {
  auto r = inner_.Get(ref);
  Keep({{"call", "get"}, {"ref", RefToRecordJson(ref)}},
       r ? Json{{"object", TrimForRecording("", *r)}} : Json{{"error", ErrorToJson(r.error())}});
  return r;
}

Result<kube::Json> RecordingKubeApi::List(const kube::ResourceRef& ref, const kube::ListOptions& opts) {
  auto r = inner_.List(ref, opts);
  Json answer;
  if (r) {
    Json list = *r;
    if (list.contains("items") && list["items"].is_array()) {
      for (auto& item : list["items"]) item = TrimForRecording("", item);
    }
    answer = {{"object", std::move(list)}};
  } else {
    answer = {{"error", ErrorToJson(r.error())}};
  }
  Keep({{"call", "list"},
        {"ref", RefToRecordJson(ref)},
        {"labelSelector", opts.label_selector},
        {"fieldSelector", opts.field_selector}},
       std::move(answer));
  return r;
}

Result<kube::RawResponse> RecordingKubeApi::GetRaw(const std::string& path) {
  auto r = inner_.GetRaw(path);
  Keep({{"call", "raw"}, {"path", path}},
       r ? Json{{"raw", {{"status", r->status}, {"contentType", r->content_type}, {"body", r->body}}}}
         : Json{{"error", ErrorToJson(r.error())}});
  return r;
}

Json RecordingKubeApi::Log() const {
  std::lock_guard lock(mu_);
  return log_;
}

Json TrimForRecording(const std::string& kind, const Json& obj) {
  Json out = obj;
  TrimUnread(kind, out);
  return out;
}

Json MakeRecording(const RecordingParts& p) {
  if (p.baseline == nullptr || p.timeline == nullptr) return nullptr;
  Json assertions = Json::array();
  if (p.assertions != nullptr) {
    for (const auto& a : *p.assertions) {
      assertions.push_back({{"type", a.type}, {"name", a.name}, {"params", a.params.values()}});
    }
  }
  Json events = Json::array();
  const WatchedTarget target{p.target_kind, p.name};
  for (const auto& ev : p.timeline->Events()) {
    // Another controller's pods (kept as skeletons on arrival) hold none of
    // the target's ordinals: the picture never draws them and the report's
    // timeline lists them, so the recording leaves them out.
    if (ev.kind == "Pod" && AnotherControllersPod(ev.object, target)) continue;
    Json e = {{"t", p.timeline->SecondsSinceStart(ev.at)},
              {"wallMs", std::chrono::duration_cast<std::chrono::milliseconds>(ev.wall.time_since_epoch()).count()},
              {"kind", ev.kind},
              {"type", ev.type},
              {"namespace", ev.ns},
              {"name", ev.name},
              {"uid", ev.uid},
              {"summary", ev.summary}};
    if (!ev.object.is_null()) e["object"] = TrimForRecording(ev.kind, ev.object);
    events.push_back(std::move(e));
  }
  return {{"version", 1},
          {"target", {{"kind", p.target_kind}, {"namespace", p.ns}, {"name", p.name}}},
          {"runId", p.run_id},
          {"assertions", std::move(assertions)},
          {"baseline", cluster::SnapshotToJson(*p.baseline)},
          {"final", p.final_state != nullptr ? cluster::SnapshotToJson(*p.final_state) : Json()},
          {"events", std::move(events)},
          {"exec", p.exec != nullptr ? p.exec->Log() : Json::array()},
          {"api", p.api != nullptr ? p.api->Log() : Json::array()}};
}

}  // namespace kdrill
