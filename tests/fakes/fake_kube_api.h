#pragma once
// An in-memory KubeApi for unit tests: objects keyed by (apiVersion,
// resource, namespace, name), resourceVersions from one counter, watches fed
// from the same change log, equality label selectors. Hooks let a test play
// a controller (e.g. recreate a deleted StatefulSet pod).

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "harness/kube/kube_api.h"

namespace kdrill::testing {

using kube::Json;
using kube::ResourceRef;

class FakeKubeApi : public kube::KubeApi {
 public:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;

  // Adds (or replaces) an object; fills uid, resourceVersion, creationTimestamp
  // when absent. Returns the stored object.
  Json Put(const ResourceRef& collection, Json obj);
  // Direct read for assertions in tests (NotFound -> null).
  Json Peek(const ResourceRef& ref) const;
  size_t Count(const ResourceRef& collection) const;

  // Called after a delete/evict of an object of this resource, outside the lock.
  std::function<void(const ResourceRef& ref, const Json& deleted)> on_delete;
  // Called after a patch/replace/create, outside the lock.
  std::function<void(const ResourceRef& ref, const Json& object)> on_write;
  // Answers GetRaw (e.g. a test's pod proxy); unset: 404 with a Status body.
  std::function<Result<kube::RawResponse>(const std::string& path)> on_get_raw;
  // Errors to return from the next calls, consumed in order, per verb
  // ("get", "list", "create", "patch", "replace", "delete", "evict", "watch",
  // "getraw").
  std::map<std::string, std::vector<Error>> inject_errors;
  std::vector<std::string> calls;  // "delete pods/demo/web-1", ...
  std::vector<kube::DeleteOptions> delete_options;  // of every Delete call, in order

  Result<Json> Get(const ResourceRef& ref) override;
  Result<Json> List(const ResourceRef& ref, const kube::ListOptions& opts) override;
  Result<Json> Create(const ResourceRef& ref, const Json& body) override;
  Result<Json> Patch(const ResourceRef& ref, kube::PatchType type, const std::string& body,
                     const kube::PatchOptions& opts) override;
  Result<Json> Replace(const ResourceRef& ref, const Json& body) override;
  Status Delete(const ResourceRef& ref, const kube::DeleteOptions& opts) override;
  Status Evict(const std::string& ns, const std::string& pod,
               const kube::DeleteOptions& opts) override;
  Status Watch(const ResourceRef& ref, const kube::WatchOptions& opts,
               const kube::WatchHandler& handler, std::stop_token stop) override;
  Result<kube::RawResponse> GetRaw(const std::string& path) override;
  std::string DefaultNamespace() const override { return "default"; }
  std::string ServerUrl() const override { return "https://fake.invalid"; }

  // Ends every open watch (they return Ok), as a server timeout would.
  void CloseWatches();

 private:
  struct Change {
    uint64_t rv;
    std::string type;
    ResourceRef ref;
    Json object;
  };
  std::optional<Error> TakeError(const std::string& verb);
  Json StoreLocked(const ResourceRef& collection, Json obj, const char* type);
  void Record(const std::string& call);

  mutable std::mutex mu_;
  std::condition_variable_any cv_;
  std::map<Key, Json> objects_;
  std::vector<Change> log_;
  uint64_t rv_ = 100;
  uint64_t uid_ = 0;
  uint64_t watch_epoch_ = 0;
};

// "a=b,c=d" against metadata.labels (equality only; "!k" and "k" supported).
bool MatchesLabelSelector(const Json& obj, const std::string& selector);

}  // namespace kdrill::testing
