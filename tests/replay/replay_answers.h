#pragma once
// A PodExecutor and a KubeApi that answer from a run's recording: each
// request gets the answers recorded for the same request, in the order they
// were given (the last one repeats once they run out). A request the run
// never made is answered with kUnavailable "not in the recording", so an
// assertion that asks something new shows up as an error verdict.
// Thread-safe: a witness thread may exec while the test appends events.

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "harness/exec/pod_executor.h"
#include "harness/kube/kube_api.h"
#include "tests/replay/recorded_run.h"

namespace kdrill::replay {

// Answers kept per request (the request's JSON text is the key).
class AnswerBook {
 public:
  explicit AnswerBook(const Json& log);
  // The next answer to `request`, or null when it was never recorded.
  Json Next(const Json& request);
  // Replaces the recorded answers to `request`, given in order (planted
  // violations); the last one repeats.
  void Override(const Json& request, std::vector<Json> answers);
  // The answers still recorded for `request`, in order.
  std::vector<Json> Answers(const Json& request);
  // Every recorded request whose JSON text contains `needle`, in first-seen order.
  std::vector<Json> Requests(const std::string& needle);

 private:
  std::mutex mu_;
  std::map<std::string, std::deque<Json>> answers_;
  std::vector<std::string> order_;  // request keys, first-seen order
};

class ReplayExecutor final : public PodExecutor {
 public:
  explicit ReplayExecutor(const Json& exec_log) : book_(exec_log) {}
  Result<ExecResult> Exec(const ExecRequest& req) override;
  AnswerBook& Book() { return book_; }

 private:
  AnswerBook book_;
};

class ReplayKubeApi final : public kube::KubeApi {
 public:
  explicit ReplayKubeApi(const Json& api_log) : book_(api_log) {}

  Result<kube::Json> Get(const kube::ResourceRef& ref) override;
  Result<kube::Json> List(const kube::ResourceRef& ref, const kube::ListOptions& opts) override;
  Result<kube::RawResponse> GetRaw(const std::string& path) override;
  // Writes are not replayed: they succeed and change nothing.
  Result<kube::Json> Create(const kube::ResourceRef&, const kube::Json& body) override { return body; }
  Result<kube::Json> Patch(const kube::ResourceRef&, kube::PatchType, const std::string&,
                           const kube::PatchOptions& = {}) override {
    return kube::Json::object();
  }
  Result<kube::Json> Replace(const kube::ResourceRef&, const kube::Json& body) override { return body; }
  Status Delete(const kube::ResourceRef&, const kube::DeleteOptions& = {}) override { return Ok(); }
  Status Evict(const std::string&, const std::string&, const kube::DeleteOptions& = {}) override { return Ok(); }
  Status Watch(const kube::ResourceRef&, const kube::WatchOptions&, const kube::WatchHandler&,
               std::stop_token) override {
    return MakeError(ErrorCode::kUnavailable, "no watch in a replay: assertions read the Timeline");
  }
  std::string DefaultNamespace() const override { return "default"; }
  std::string ServerUrl() const override { return "replay://recording"; }
  AnswerBook& Book() { return book_; }

 private:
  AnswerBook book_;
};

}  // namespace kdrill::replay
