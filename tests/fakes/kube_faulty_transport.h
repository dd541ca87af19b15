#pragma once
// Wraps a real HttpTransport and injects the failures API servers and networks
// produce: an HTTP status instead of the real answer (429 with Retry-After,
// 5xx), a connection failure before the request, or a watch stream cut after
// some bytes. Rules apply in order to matching requests, each `times` times.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/kube/http_transport.h"

namespace kdrill::testing {

class KubeFaultyTransport final : public kube::HttpTransport {
 public:
  struct Rule {
    enum class Kind { kStatus, kReset, kCutStream } kind = Kind::kStatus;
    std::string method;          // "" = any
    std::string target_contains; // "" = any
    int times = 1;
    int status = 503;            // kStatus
    std::string retry_after;     // kStatus: Retry-After header value, "" = none
    size_t cut_after_bytes = 0;  // kCutStream: pass this many body bytes, then fail
  };

  explicit KubeFaultyTransport(std::unique_ptr<kube::HttpTransport> inner)
      : inner_(std::move(inner)) {}

  void Add(Rule rule);
  int Injected() const;

  Result<kube::HttpResponse> Send(const kube::HttpRequest& request,
                                  std::stop_token stop = {}) override;
  Result<kube::HttpResponse> Stream(const kube::HttpRequest& request,
                                    const kube::BodyChunkHandler& on_chunk,
                                    std::stop_token stop) override;
  std::string BaseUrl() const override { return inner_->BaseUrl(); }

 private:
  std::optional<Rule> Take(const kube::HttpRequest& request);
  static kube::HttpResponse StatusResponse(const Rule& rule);

  std::unique_ptr<kube::HttpTransport> inner_;
  mutable std::mutex mu_;
  std::vector<Rule> rules_;
  int injected_ = 0;
};

}  // namespace kdrill::testing
