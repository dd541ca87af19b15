#pragma once
// KubeApi: the seam between kdrill and a Kubernetes API server.
//
// RealKubeApi (harness/kube/real_kube_api.h) talks HTTPS through an
// HttpTransport; tests/fakes/fake_kube_api.h keeps objects in memory.
// Objects travel as nlohmann::json exactly as the API serves them.

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/core/status.h"

namespace kdrill::kube {

using Json = nlohmann::json;

// Addresses a resource or a collection. api_version is "v1" for the core group
// ("/api/v1/...") and "group/version" otherwise ("/apis/apps/v1/...").
// resource is the plural lower-case name ("pods", "statefulsets",
// "persistentvolumeclaims"). Empty ns means cluster-scoped (or all namespaces
// for a list). Empty name addresses the collection.
struct ResourceRef {
  std::string api_version;
  std::string resource;
  std::string ns;
  std::string name;
  std::string subresource;  // "status", "scale", "eviction", ... or empty

  // Human form for messages: "pods web-0 in namespace demo".
  std::string Describe() const;
};

// Convenience constructors for the kinds kdrill uses most.
ResourceRef Pods(std::string ns, std::string name = {});
ResourceRef Pvcs(std::string ns, std::string name = {});
ResourceRef Pvs(std::string name = {});
ResourceRef StatefulSets(std::string ns, std::string name = {});
ResourceRef Nodes(std::string name = {});
ResourceRef Events(std::string ns);
ResourceRef Namespaces(std::string name = {});
ResourceRef StorageClasses(std::string name = {});   // storage.k8s.io/v1, cluster-scoped
ResourceRef CsiDrivers(std::string name = {});       // storage.k8s.io/v1, cluster-scoped
ResourceRef ResourceQuotas(std::string ns, std::string name = {});

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // "" = most recent (quorum read)
  int limit = 0;                 // 0 = no paging
  std::string continue_token;    // the previous page's metadata.continue (sent as "continue")
  // Not sent: marks a list made again to recover a watch (a Reflector's list
  // after 410 Gone; an await's list after its watch ended with 410 or was
  // cut), so that CountingKubeApi counts it as a relist (call_ledger.h).
  bool relist = false;
};

enum class PatchType {
  kStrategicMerge,  // application/strategic-merge-patch+json
  kMerge,           // application/merge-patch+json
  kJsonPatch,       // application/json-patch+json
  kApply,           // application/apply-patch+yaml, fieldManager=kdrill
};

struct PatchOptions {
  std::string field_manager = "kdrill";
  bool force = false;  // server-side apply: take ownership of conflicting fields
};

struct DeleteOptions {
  std::optional<int64_t> grace_period_seconds;  // 0 = force
  std::string propagation_policy;               // "", "Orphan", "Background", "Foreground"
  std::string precondition_uid;                 // delete only this incarnation
};

struct WatchOptions {
  std::string label_selector;
  std::string field_selector;
  std::string resource_version;  // resume point; "" = from now
  bool allow_bookmarks = true;
  int timeout_seconds = 300;     // server-side timeout of one watch request
};

// One decoded watch event. type is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.
struct WatchEvent {
  std::string type;
  Json object;
};

// Returning false from the handler ends the watch cleanly.
using WatchHandler = std::function<bool(const WatchEvent&)>;

// The answer to GetRaw: whatever status the server gave, with its body.
struct RawResponse {
  int status = 0;
  std::string content_type;  // "" when the server sent none
  std::string body;

  // The first `n` bytes of the body with control characters shown as spaces
  // and "..." when cut: for messages.
  std::string BodySnippet(size_t n = 200) const;
};

class KubeApi {
 public:
  virtual ~KubeApi() = default;

  virtual Result<Json> Get(const ResourceRef& ref) = 0;
  // Returns the List object ({"items": [...], "metadata": {"resourceVersion"}}).
  virtual Result<Json> List(const ResourceRef& ref, const ListOptions& opts) = 0;
  virtual Result<Json> Create(const ResourceRef& ref, const Json& body) = 0;
  // body is JSON text, or YAML/JSON text for kApply.
  virtual Result<Json> Patch(const ResourceRef& ref, PatchType type, const std::string& body,
                             const PatchOptions& opts = {}) = 0;
  virtual Result<Json> Replace(const ResourceRef& ref, const Json& body) = 0;
  // NotFound is returned as an error; callers that do not care check for it.
  virtual Status Delete(const ResourceRef& ref, const DeleteOptions& opts = {}) = 0;
  // POST policy/v1 Eviction. kTooManyRequests = blocked by a PodDisruptionBudget.
  virtual Status Evict(const std::string& ns, const std::string& pod,
                       const DeleteOptions& opts = {}) = 0;

  // One watch request: streams events to handler until the server ends the
  // request, the handler returns false, stop is requested, or an error occurs.
  // An in-stream ERROR event with code 410 is returned as kGone. Callers that
  // need an endless, resuming watch use Reflector (harness/kube/reflector.h).
  virtual Status Watch(const ResourceRef& ref, const WatchOptions& opts,
                       const WatchHandler& handler, std::stop_token stop) = 0;

  // GET of any API path, for what is not a Kubernetes object: the proxy
  // subresources (/api/v1/namespaces/NS/pods/NAME:PORT/proxy/PATH,
  // .../services/NAME:PORT/proxy/PATH), /healthz, /version. `path` starts with
  // '/' and is already percent-encoded (a query may follow). Same
  // credentials and retries as Get (401 re-auth once, 429, 5xx and network
  // errors retried a bounded number of times); but a non-2xx answer that is
  // still there after the retries is returned as a RawResponse, not an error:
  // through a proxy it is the application's answer, for the caller to judge.
  // Errors: the request could not be made or answered (kUnavailable,
  // kTimeout, kCancelled, credentials), or a path not starting with '/'.
  virtual Result<RawResponse> GetRaw(const std::string& path) = 0;

  // The namespace from the kubeconfig context (or in-cluster), for -n defaults.
  virtual std::string DefaultNamespace() const = 0;
  // "https://127.0.0.1:6443" — for messages; never includes credentials.
  virtual std::string ServerUrl() const = 0;
};

}  // namespace kdrill::kube
