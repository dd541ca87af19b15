#include "harness/runner/recorder.h"

#include <atomic>

#include "harness/cluster/workload.h"
#include "harness/watch/watch_trim.h"

namespace kdrill {

struct Recorder::Watch {
  std::string kind;
  kube::CallbackSink sink;
  std::unique_ptr<kube::Reflector> reflector;
  std::jthread thread;
  std::atomic<bool> synced{false};
};

Recorder::Recorder(kube::KubeApi& api, Clock& clock, Timeline& timeline, std::string ns, std::string sts,
                   std::string target_kind)
    : api_(api), clock_(clock), timeline_(timeline), ns_(std::move(ns)), sts_(std::move(sts)), kind_(std::move(target_kind)) {}

Recorder::~Recorder() { Stop(); }

Status Recorder::Start(std::chrono::milliseconds sync_timeout, std::stop_token stop) {
  struct Spec {
    std::string kind;
    kube::ResourceRef ref;
    std::string field_selector;
  };
  const std::vector<Spec> specs = {
      {kind_, cluster::TargetRef(kind_, ns_), "metadata.name=" + sts_},
      {"Pod", kube::Pods(ns_), ""},
      {"PersistentVolumeClaim", kube::Pvcs(ns_), ""},
      {"PersistentVolume", kube::Pvs(), ""},
      {"Node", kube::Nodes(), ""},
      {"Event", kube::Events(ns_), ""},
  };
  for (const auto& spec : specs) {
    auto w = std::make_unique<Watch>();
    w->kind = spec.kind;
    Watch* raw = w.get();
    w->sink.on_delta = [this, raw](const kube::Delta& d) {
      std::string type = d.origin == kube::DeltaOrigin::kInitialList ? "SYNC" : kube::DeltaTypeName(d.type);
      timeline_.RecordObject(raw->kind, type, d.object);
    };
    w->sink.on_synced = [this, raw](const kube::SyncInfo& info) {
      raw->synced = true;
      if (info.relist) {
        timeline_.Mark("note", "relist", raw->kind, "watch of " + raw->kind + " relisted after 410 Gone");
      } else {
        timeline_.Mark("note", "synced", raw->kind, "watching " + raw->kind);
      }
    };
    w->sink.on_error = [this, raw](const Error& e, std::chrono::milliseconds retry) {
      timeline_.Mark("note", "watch-error", raw->kind,
                     "watch of " + raw->kind + " failed (" + e.ToString() + "), retrying in " +
                         std::to_string(retry.count()) + " ms");
    };
    kube::ReflectorOptions opts;
    opts.collection = spec.ref;
    opts.field_selector = spec.field_selector;
    opts.transform = [kind = spec.kind, target = WatchedTarget{kind_, sts_}](kube::Json& obj) {
      TrimWatchedObject(kind, obj, target);
    };
    w->reflector = std::make_unique<kube::Reflector>(api_, clock_, opts, w->sink);
    w->thread = std::jthread([raw](std::stop_token st) { raw->reflector->Run(st); });
    watches_.push_back(std::move(w));
  }
  auto all_synced = [this](const ObjectStore&) {
    for (const auto& w : watches_) {
      if (!w->synced) return false;
    }
    return true;
  };
  auto st = timeline_.WaitUntil(all_synced, sync_timeout, stop);
  if (!st) {
    std::string missing;
    for (const auto& w : watches_) {
      if (!w->synced) missing += (missing.empty() ? "" : ", ") + w->kind;
    }
    return MakeError(st.error().code, "watches not synced (" + missing + "): " + st.error().message);
  }
  return Ok();
}

void Recorder::Stop() {
  for (auto& w : watches_) {
    w->thread.request_stop();
  }
  for (auto& w : watches_) {
    if (w->thread.joinable()) w->thread.join();
  }
  watches_.clear();
}

}  // namespace kdrill
