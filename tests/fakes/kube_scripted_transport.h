#pragma once
// An HttpTransport that answers from a script and records every request, for
// RealKubeApi tests without a network. Replies are consumed in order.

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/kube/http_transport.h"

namespace kdrill::testing {

class KubeScriptedTransport final : public kube::HttpTransport {
 public:
  struct Reply {
    int status = 200;
    kube::HttpHeaders headers;  // names lower-case
    std::string body;           // Send(): the body; Stream(): delivered when chunks is empty
    std::vector<std::string> chunks;  // Stream(): delivered one by one for a 2xx
    std::optional<Error> error;  // returned instead of a response (Stream: after the chunks)
  };

  static Reply Fail(ErrorCode code, const std::string& message) {
    Reply r;
    r.error = Error(code, message);
    return r;
  }

  void Push(Reply reply);
  std::vector<kube::HttpRequest> Requests() const;
  kube::HttpRequest LastRequest() const;
  size_t Remaining() const;

  Result<kube::HttpResponse> Send(const kube::HttpRequest& request,
                                  std::stop_token stop = {}) override;
  Result<kube::HttpResponse> Stream(const kube::HttpRequest& request,
                                    const kube::BodyChunkHandler& on_chunk,
                                    std::stop_token stop) override;
  std::string BaseUrl() const override { return "https://scripted.invalid:6443"; }

 private:
  Result<Reply> Next(const kube::HttpRequest& request);

  mutable std::mutex mu_;
  std::deque<Reply> replies_;
  std::vector<kube::HttpRequest> requests_;
};

// Header value of a recorded request, "" if absent.
std::string RequestHeader(const kube::HttpRequest& request, const std::string& name);

}  // namespace kdrill::testing
