#include "tests/fakes/kube_scripted_transport.h"

#include <strings.h>

namespace kdrill::testing {

void KubeScriptedTransport::Push(Reply reply) {
  std::lock_guard lock(mu_);
  replies_.push_back(std::move(reply));
}

std::vector<kube::HttpRequest> KubeScriptedTransport::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

kube::HttpRequest KubeScriptedTransport::LastRequest() const {
  std::lock_guard lock(mu_);
  return requests_.empty() ? kube::HttpRequest{} : requests_.back();
}

size_t KubeScriptedTransport::Remaining() const {
  std::lock_guard lock(mu_);
  return replies_.size();
}

Result<KubeScriptedTransport::Reply> KubeScriptedTransport::Next(const kube::HttpRequest& request) {
  std::lock_guard lock(mu_);
  requests_.push_back(request);
  if (replies_.empty()) {
    return MakeError(ErrorCode::kInternal,
                     "KubeScriptedTransport: no reply scripted for " + request.method + " " +
                         request.target);
  }
  Reply reply = std::move(replies_.front());
  replies_.pop_front();
  return reply;
}

Result<kube::HttpResponse> KubeScriptedTransport::Send(const kube::HttpRequest& request,
                                                       std::stop_token) {
  Result<Reply> reply = Next(request);
  if (!reply) {
    return std::unexpected(reply.error());
  }
  if (reply->error) {
    return std::unexpected(*reply->error);
  }
  return kube::HttpResponse{reply->status, reply->headers, reply->body};
}

Result<kube::HttpResponse> KubeScriptedTransport::Stream(const kube::HttpRequest& request,
                                                         const kube::BodyChunkHandler& on_chunk,
                                                         std::stop_token stop) {
  Result<Reply> reply = Next(request);
  if (!reply) {
    return std::unexpected(reply.error());
  }
  kube::HttpResponse response{reply->status, reply->headers, {}};
  if (reply->status < 200 || reply->status >= 300) {
    if (reply->error) {
      return std::unexpected(*reply->error);
    }
    response.body = reply->body;
    return response;
  }
  std::vector<std::string> chunks = reply->chunks;
  if (chunks.empty() && !reply->body.empty()) {
    chunks.push_back(reply->body);
  }
  for (const std::string& chunk : chunks) {
    if (stop.stop_requested()) {
      return MakeError(ErrorCode::kCancelled, "cancelled");
    }
    if (!on_chunk(chunk)) {
      return response;
    }
  }
  if (reply->error) {
    return std::unexpected(*reply->error);
  }
  return response;
}

std::string RequestHeader(const kube::HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (strcasecmp(key.c_str(), name.c_str()) == 0) {
      return value;
    }
  }
  return {};
}

}  // namespace kdrill::testing
