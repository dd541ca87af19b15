#include "harness/watch/await_object.h"
#include "harness/core/json_fields.h"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace kdrill {

Status BoundedWatch(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& coll, kube::WatchOptions wo,
                    const kube::WatchHandler& handler, MonoTime until, std::stop_token outer) {
  std::stop_source local;
  std::stop_callback forward(outer, [&local] { local.request_stop(); });
  // The timer ends the watch when clock says `until` has come; it stops
  // waiting as soon as the watch returns (the jthread requests its stop).
  std::jthread timer([&local, &clock, until](std::stop_token st) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    while (!st.stop_requested()) {
      auto now = clock.Now();
      if (now >= until) {
        break;
      }
      auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now);
      clock.WaitFor(cv, lock, st, left);
    }
    local.request_stop();
  });
  auto left = std::chrono::duration_cast<std::chrono::seconds>(until - clock.Now()).count();
  wo.timeout_seconds = static_cast<int>(std::max<long>(1, left + 1));
  return api.Watch(coll, wo, handler, local.get_token());
}

namespace {

// The shared loop: list (or get), check, watch until the next progress tick
// or the deadline, repeat.
template <class Reader, class Apply, class Check, class Report>
Status Loop(Clock& clock, const AwaitOptions& opts, std::stop_token stop, Reader read, Apply apply, Check check,
            Report report, kube::KubeApi& api, const kube::ResourceRef& coll, kube::WatchOptions wo) {
  auto begin = clock.Now();
  auto deadline = begin + opts.timeout;
  auto next_progress = begin + opts.progress_every;
  // The last watch ended with 410 Gone or was cut, so the next read is a
  // relist (kube::ListOptions::relist), until one succeeds.
  bool relist = false;
  while (true) {
    std::string rv;
    if (auto s = read(&rv, relist); !s) {
      if (s.error().code != ErrorCode::kUnavailable) {
        return s;
      }
      clock.SleepFor(std::chrono::milliseconds(500));
      rv.clear();
    } else {
      relist = false;
    }
    if (check()) {
      return Ok();
    }
    if (stop.stop_requested()) {
      return MakeError(ErrorCode::kCancelled, "interrupted");
    }
    auto now = clock.Now();
    if (now >= deadline) {
      return MakeError(ErrorCode::kTimeout, "not reached within " + std::to_string(opts.timeout.count() / 1000) + "s");
    }
    if (now >= next_progress) {
      report(std::chrono::duration_cast<std::chrono::seconds>(now - begin));
      next_progress = now + opts.progress_every;
    }
    if (rv.empty()) {
      continue;
    }
    wo.resource_version = rv;
    bool reached = false;
    auto st = BoundedWatch(api, clock, coll, wo,
                           [&](const kube::WatchEvent& ev) {
                             if (ev.type == "BOOKMARK" || ev.type == "ERROR") {
                               return true;
                             }
                             apply(ev);
                             reached = check();
                             return !reached;
                           },
                           std::min(deadline, next_progress), stop);
    if (reached) {
      return Ok();
    }
    if (!st && st.error().code != ErrorCode::kGone && st.error().code != ErrorCode::kUnavailable &&
        st.error().code != ErrorCode::kTimeout && st.error().code != ErrorCode::kCancelled) {
      return st;
    }
    if (!st && (st.error().code == ErrorCode::kGone || st.error().code == ErrorCode::kUnavailable)) {
      relist = true;
    }
    if (!st && st.error().code == ErrorCode::kUnavailable) {
      clock.SleepFor(std::chrono::milliseconds(500));
    }
  }
}

}  // namespace

Status AwaitObject(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& ref, const ObjectDone& done,
                   const AwaitOptions& opts, std::stop_token stop, const ObjectProgress& progress, kube::Json* last) {
  kube::Json current;  // null = absent
  kube::ResourceRef coll = ref;
  coll.name.clear();
  kube::WatchOptions wo;
  wo.field_selector = "metadata.name=" + ref.name;
  auto read = [&](std::string* rv, bool relist) -> Status {
    auto got = api.Get(ref);
    if (!got) {
      if (got.error().code != ErrorCode::kNotFound) {
        return std::unexpected(got.error());
      }
      current = nullptr;
      // Watch the collection from now to see the object appear.
      kube::ListOptions lo;
      lo.field_selector = wo.field_selector;
      lo.relist = relist;
      auto list = api.List(coll, lo);
      if (!list) {
        return std::unexpected(list.error());
      }
      *rv = json::Str(*list, "/metadata/resourceVersion");
      return Ok();
    }
    current = *got;
    *rv = json::Str(current, "/metadata/resourceVersion");
    return Ok();
  };
  auto apply = [&](const kube::WatchEvent& ev) {
    current = ev.type == "DELETED" ? kube::Json() : ev.object;
  };
  auto ptr = [&]() -> const kube::Json* { return current.is_null() ? nullptr : &current; };
  auto check = [&] { return done(ptr()); };
  auto report = [&](std::chrono::seconds e) {
    if (progress) {
      progress(e, ptr());
    }
  };
  auto st = Loop(clock, opts, stop, read, apply, check, report, api, coll, wo);
  if (last) {
    *last = current;
  }
  if (!st && (st.error().code == ErrorCode::kTimeout || st.error().code == ErrorCode::kCancelled)) {
    return MakeError(st.error().code, ref.Describe() + ": " + st.error().message);
  }
  return st;
}

Status AwaitItems(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& collection,
                  const kube::ListOptions& list, const std::function<bool(const Items&)>& done,
                  const AwaitOptions& opts, std::stop_token stop,
                  const std::function<void(std::chrono::seconds, const Items&)>& progress, Items* last) {
  Items items;
  kube::WatchOptions wo;
  wo.label_selector = list.label_selector;
  wo.field_selector = list.field_selector;
  auto read = [&](std::string* rv, bool relist) -> Status {
    kube::ListOptions lo = list;
    lo.relist = relist;
    auto got = api.List(collection, lo);
    if (!got) {
      return std::unexpected(got.error());
    }
    items.clear();
    for (const auto& it : (*got)["items"]) {
      items[json::Str(it, "/metadata/name")] = it;
    }
    *rv = json::Str(*got, "/metadata/resourceVersion");
    return Ok();
  };
  auto apply = [&](const kube::WatchEvent& ev) {
    std::string name = json::Str(ev.object, "/metadata/name");
    if (ev.type == "DELETED") {
      items.erase(name);
    } else {
      items[name] = ev.object;
    }
  };
  auto check = [&] { return done(items); };
  auto report = [&](std::chrono::seconds e) {
    if (progress) {
      progress(e, items);
    }
  };
  auto st = Loop(clock, opts, stop, read, apply, check, report, api, collection, wo);
  if (last) {
    *last = items;
  }
  if (!st && (st.error().code == ErrorCode::kTimeout || st.error().code == ErrorCode::kCancelled)) {
    return MakeError(st.error().code, collection.Describe() + ": " + st.error().message);
  }
  return st;
}

}  // namespace kdrill
