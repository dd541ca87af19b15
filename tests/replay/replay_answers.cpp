#include "tests/replay/replay_answers.h"

#include "harness/exec/exec_batch.h"
#include "harness/runner/recording.h"

namespace kdrill::replay {

AnswerBook::AnswerBook(const Json& log) {
  if (!log.is_array()) return;
  for (const auto& x : log) {
    if (!x.is_object() || !x.contains("request") || !x.contains("answer")) continue;
    std::string key = x["request"].dump();
    if (!answers_.count(key)) order_.push_back(key);
    answers_[key].push_back(x["answer"]);
  }
}

Json AnswerBook::Next(const Json& request) {
  std::lock_guard lock(mu_);
  auto it = answers_.find(request.dump());
  if (it == answers_.end() || it->second.empty()) return nullptr;
  Json a = it->second.front();
  if (it->second.size() > 1) it->second.pop_front();
  return a;
}

void AnswerBook::Override(const Json& request, std::vector<Json> answers) {
  std::lock_guard lock(mu_);
  std::string key = request.dump();
  if (!answers_.count(key)) order_.push_back(key);
  answers_[key] = std::deque<Json>(answers.begin(), answers.end());
}

std::vector<Json> AnswerBook::Requests(const std::string& needle) {
  std::lock_guard lock(mu_);
  std::vector<Json> out;
  for (const auto& key : order_) {
    if (key.find(needle) != std::string::npos) out.push_back(Json::parse(key));
  }
  return out;
}

std::vector<Json> AnswerBook::Answers(const Json& request) {
  std::lock_guard lock(mu_);
  auto it = answers_.find(request.dump());
  return it == answers_.end() ? std::vector<Json>() : std::vector<Json>(it->second.begin(), it->second.end());
}

Result<ExecResult> ReplayExecutor::Exec(const ExecRequest& req) {
  Json a = book_.Next(ExecKey(req));
  auto parts = a.is_null() ? ParseBatchArgv(req.argv) : std::nullopt;
  if (parts) {
    // A batch, recorded part by part (RecordingExecutor): each part gets the
    // answer recorded for it alone, framed as the batch script frames it. A
    // part without one (an error) is left out, as if the exec had ended
    // before it; when no part has one, the first error is the exec's.
    ExecResult whole{0, "", ""};
    std::optional<Error> first_error;
    bool answered = false;
    for (const auto& p : *parts) {
      ExecRequest one = req;
      one.argv = p.argv;
      auto r = Exec(one);
      if (!r) {
        if (!first_error) first_error = r.error();
        continue;
      }
      answered = true;
      whole.stdout_data += FramePart(p.name, r->stdout_data, r->exit_code);
      whole.stderr_data += FramePart(p.name, r->stderr_data, r->exit_code);
    }
    if (!answered && first_error) return std::unexpected(*first_error);
    return whole;
  }
  if (a.is_null()) {
    return MakeError(ErrorCode::kUnavailable,
                     "exec in " + req.pod + " not in the recording: " + (req.argv.empty() ? "" : req.argv.front()));
  }
  return ExecAnswerFromJson(a);
}

namespace {
Result<kube::Json> ObjectAnswer(const Json& a, const std::string& what) {
  if (a.is_null()) return MakeError(ErrorCode::kUnavailable, what + " not in the recording");
  if (a.contains("error")) return std::unexpected(ErrorFromJson(a["error"]));
  return a.value("object", Json());
}
}  // namespace

Result<kube::Json> ReplayKubeApi::Get(const kube::ResourceRef& ref) {
  return ObjectAnswer(book_.Next({{"call", "get"}, {"ref", RefToRecordJson(ref)}}), "get " + ref.Describe());
}

Result<kube::Json> ReplayKubeApi::List(const kube::ResourceRef& ref, const kube::ListOptions& opts) {
  return ObjectAnswer(book_.Next({{"call", "list"},
                                  {"ref", RefToRecordJson(ref)},
                                  {"labelSelector", opts.label_selector},
                                  {"fieldSelector", opts.field_selector}}),
                      "list " + ref.Describe());
}

Result<kube::RawResponse> ReplayKubeApi::GetRaw(const std::string& path) {
  Json a = book_.Next({{"call", "raw"}, {"path", path}});
  if (a.is_null()) return MakeError(ErrorCode::kUnavailable, "GET " + path + " not in the recording");
  if (a.contains("error")) return std::unexpected(ErrorFromJson(a["error"]));
  const Json& raw = a.value("raw", Json::object());
  kube::RawResponse r;
  r.status = raw.value("status", 0);
  r.content_type = raw.value("contentType", "");
  r.body = raw.value("body", "");
  return r;
}

}  // namespace kdrill::replay
