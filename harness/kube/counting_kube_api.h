#pragma once
// CountingKubeApi: a KubeApi decorator that counts every call into a
// CallLedger (harness/kube/call_ledger.h, which states what one request is)
// and passes everything through unchanged: the same arguments in, the same
// answers out, the same watch events to the handler.
//
// Each request is timed with the injected Clock and recorded when it returns,
// ok when its Result/Status holds a value, with its answer's status ("2xx",
// the HTTP code of an API error, "none"), the body bytes the call moved on
// this thread (ThreadWireBytes before and after it, wire_bytes.h), and as a
// relist when its ListOptions say so. Watch records one watch when it is
// called, one watch event for each event the handler gets (not timed), and
// the stream's bytes as events arrive and when it returns.
// DefaultNamespace and ServerUrl are not requests: not counted.
//
// REQUIRES of `inner`: it moves the bytes of a call on the calling thread and
// calls a watch handler there (RealKubeApi does); otherwise bytes read as 0.

#include <string>
#include <string_view>

#include "harness/core/clock.h"
#include "harness/kube/call_ledger.h"
#include "harness/kube/kube_api.h"

namespace kdrill::kube {

// The resource a GetRaw of `path` is counted under: its first two segments,
// without query or names ("/version", "/healthz", "/api/v1", "/apis/apps";
// "/api/v1/namespaces/x/pods/y/log" -> "/api/v1"). "/" for an empty path.
std::string RawPathResource(std::string_view path);

class CountingKubeApi final : public KubeApi {
 public:
  // REQUIRES: inner, ledger and clock outlive this.
  CountingKubeApi(KubeApi& inner, CallLedger& ledger, Clock& clock)
      : inner_(inner), ledger_(ledger), clock_(clock) {}

  Result<Json> Get(const ResourceRef& ref) override;
  Result<Json> List(const ResourceRef& ref, const ListOptions& opts) override;
  Result<Json> Create(const ResourceRef& ref, const Json& body) override;
  Result<Json> Patch(const ResourceRef& ref, PatchType type, const std::string& body,
                     const PatchOptions& opts = {}) override;
  Result<Json> Replace(const ResourceRef& ref, const Json& body) override;
  Status Delete(const ResourceRef& ref, const DeleteOptions& opts = {}) override;
  Status Evict(const std::string& ns, const std::string& pod, const DeleteOptions& opts = {}) override;
  Status Watch(const ResourceRef& ref, const WatchOptions& opts, const WatchHandler& handler,
               std::stop_token stop) override;
  Result<RawResponse> GetRaw(const std::string& path) override;
  std::string DefaultNamespace() const override { return inner_.DefaultNamespace(); }
  std::string ServerUrl() const override { return inner_.ServerUrl(); }

 private:
  // Runs call() timed and records it as one request.
  template <class F>
  auto Timed(const char* verb, std::string resource, F&& call, bool relist = false) -> decltype(call());

  KubeApi& inner_;
  CallLedger& ledger_;
  Clock& clock_;
};

}  // namespace kdrill::kube
