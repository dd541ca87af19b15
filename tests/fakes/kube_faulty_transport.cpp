#include "tests/fakes/kube_faulty_transport.h"

#include <algorithm>

namespace kdrill::testing {

void KubeFaultyTransport::Add(Rule rule) {
  std::lock_guard lock(mu_);
  rules_.push_back(std::move(rule));
}

int KubeFaultyTransport::Injected() const {
  std::lock_guard lock(mu_);
  return injected_;
}

std::optional<KubeFaultyTransport::Rule> KubeFaultyTransport::Take(
    const kube::HttpRequest& request) {
  std::lock_guard lock(mu_);
  for (Rule& rule : rules_) {
    if (rule.times <= 0) {
      continue;
    }
    if (!rule.method.empty() && rule.method != request.method) {
      continue;
    }
    if (!rule.target_contains.empty() &&
        request.target.find(rule.target_contains) == std::string::npos) {
      continue;
    }
    --rule.times;
    ++injected_;
    return rule;
  }
  return std::nullopt;
}

kube::HttpResponse KubeFaultyTransport::StatusResponse(const Rule& rule) {
  kube::HttpResponse response;
  response.status = rule.status;
  if (!rule.retry_after.empty()) {
    response.headers.emplace_back("retry-after", rule.retry_after);
  }
  response.body = R"({"kind":"Status","apiVersion":"v1","status":"Failure","code":)" +
                  std::to_string(rule.status) + R"(,"message":"injected by KubeFaultyTransport"})";
  return response;
}

Result<kube::HttpResponse> KubeFaultyTransport::Send(const kube::HttpRequest& request,
                                                     std::stop_token stop) {
  if (std::optional<Rule> rule = Take(request)) {
    if (rule->kind == Rule::Kind::kStatus) {
      return StatusResponse(*rule);
    }
    if (rule->kind == Rule::Kind::kReset) {
      return MakeError(ErrorCode::kUnavailable, "injected: connection reset by peer");
    }
  }
  return inner_->Send(request, stop);
}

Result<kube::HttpResponse> KubeFaultyTransport::Stream(const kube::HttpRequest& request,
                                                       const kube::BodyChunkHandler& on_chunk,
                                                       std::stop_token stop) {
  std::optional<Rule> rule = Take(request);
  if (rule && rule->kind == Rule::Kind::kStatus) {
    return StatusResponse(*rule);
  }
  if (rule && rule->kind == Rule::Kind::kReset) {
    return MakeError(ErrorCode::kUnavailable, "injected: connection reset by peer");
  }
  if (!rule) {
    return inner_->Stream(request, on_chunk, stop);
  }
  size_t budget = rule->cut_after_bytes;
  bool cut = false;
  Result<kube::HttpResponse> result = inner_->Stream(
      request,
      [&](std::string_view chunk) {
        size_t n = std::min(budget, chunk.size());
        budget -= n;
        if (n > 0 && !on_chunk(chunk.substr(0, n))) {
          return false;
        }
        if (n < chunk.size() || budget == 0) {
          cut = true;
          return false;
        }
        return true;
      },
      stop);
  if (cut) {
    return MakeError(ErrorCode::kUnavailable, "injected: stream cut after " +
                                                  std::to_string(rule->cut_after_bytes) + " bytes");
  }
  return result;
}

}  // namespace kdrill::testing
