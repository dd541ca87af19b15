#pragma once
// Reflector: the endless list+watch loop behind every Recorder watch (client-go's
// Reflector + the Replace step of DeltaFIFO).
//
// What a sink sees, in order:
//   1. the initial List as one kAdded delta per object (origin kInitialList),
//      then OnSynced{relist=false};
//   2. live changes from the watch as kAdded/kModified/kDeleted (origin kWatch);
//      BOOKMARKs are not delivered, they only advance the resume point;
//   3. after a 410 Gone (resourceVersion too old, usually an in-stream ERROR
//      event) a fresh List, diffed against what the sink already saw: kDeleted
//      for objects that vanished during the gap (with their last known state),
//      kAdded for new ones, kModified for ones whose resourceVersion changed
//      (origin kRelist), then OnSynced{relist=true}. Unchanged objects are not
//      re-delivered.
// A watch that ends normally (server timeout) is re-opened from the last seen
// resourceVersion; a watch or list that fails (network, 5xx, 429) is reported
// through OnError and retried after an exponential backoff through the Clock.
// Objects are keyed by namespace/name.
//
// Threading: Run() blocks on the caller's thread until stop is requested; the
// sink is called on that thread. Items()/LastResourceVersion() are safe from
// any thread.

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include "harness/core/clock.h"
#include "harness/kube/kube_api.h"

namespace kdrill::kube {

enum class DeltaType { kAdded, kModified, kDeleted };
enum class DeltaOrigin { kInitialList, kWatch, kRelist };

const char* DeltaTypeName(DeltaType type);  // "ADDED", "MODIFIED", "DELETED"

struct Delta {
  DeltaType type = DeltaType::kAdded;
  DeltaOrigin origin = DeltaOrigin::kWatch;
  Json object;  // kDeleted: the server's final state (watch) or the last known state (relist)
};

struct SyncInfo {
  bool relist = false;            // false for the first list
  std::string resource_version;   // of the List
  size_t objects = 0;             // objects in the List
};

class ReflectorSink {
 public:
  virtual ~ReflectorSink() = default;
  virtual void OnDelta(const Delta& delta) = 0;
  // The deltas of a (re)list have been delivered: the sink's view equals the List.
  virtual void OnSynced(const SyncInfo& /*info*/) {}
  // A list or watch failed and will be retried after retry_in. 410 Gone is not
  // an error here: it shows up as OnSynced{relist=true}.
  virtual void OnError(const Error& /*error*/, std::chrono::milliseconds /*retry_in*/) {}
};

// A sink made of functions; unset ones are ignored.
class CallbackSink : public ReflectorSink {
 public:
  std::function<void(const Delta&)> on_delta;
  std::function<void(const SyncInfo&)> on_synced;
  std::function<void(const Error&, std::chrono::milliseconds)> on_error;

  void OnDelta(const Delta& d) override {
    if (on_delta) {
      on_delta(d);
    }
  }
  void OnSynced(const SyncInfo& s) override {
    if (on_synced) {
      on_synced(s);
    }
  }
  void OnError(const Error& e, std::chrono::milliseconds r) override {
    if (on_error) {
      on_error(e, r);
    }
  }
};

struct ReflectorOptions {
  ResourceRef collection;  // name must be empty; ns empty = all namespaces
  std::string label_selector;
  std::string field_selector;
  // Applied to every object (list item, watch event) before the store keeps
  // it and the sink sees it, as client-go's TransformFunc: drop what no
  // reader needs. Must be deterministic and keep metadata name, namespace,
  // uid and resourceVersion. Unset: objects as delivered.
  std::function<void(Json&)> transform;
  // Lists in pages of this many objects (limit + continue, as client-go's
  // pager does with 500), so that a namespace of a thousand pods is never
  // parsed in one piece: each page is transformed and dropped before the
  // next. 0: one request.
  int page_size = 500;
  int watch_timeout_seconds = 300;
  std::chrono::milliseconds backoff_initial{800};
  std::chrono::milliseconds backoff_max{30000};
};

class Reflector {
 public:
  // REQUIRES: api, clock and sink outlive the reflector.
  Reflector(KubeApi& api, Clock& clock, ReflectorOptions options, ReflectorSink& sink);

  // Lists and watches until stop is requested; never returns early otherwise.
  // REQUIRES: not called concurrently with itself.
  void Run(std::stop_token stop);

  // Thread-safe views of the reflector's store.
  std::vector<Json> Items() const;
  std::string LastResourceVersion() const;
  bool HasSynced() const;
  int Lists() const;  // completed lists, initial included

 private:
  // The whole collection, page by page, each item given its kind and
  // apiVersion and transformed; an expired continue token (410) lists again
  // in one request, as client-go does.
  Result<Json> ListAll(ListOptions lo);
  void ApplyList(Json list);
  bool OnWatchEvent(const WatchEvent& event);

  KubeApi& api_;
  Clock& clock_;
  ReflectorOptions options_;
  ReflectorSink& sink_;

  mutable std::mutex mu_;
  std::map<std::string, Json> store_;  // namespace/name -> object
  std::string last_rv_;
  int lists_ = 0;
};

}  // namespace kdrill::kube
