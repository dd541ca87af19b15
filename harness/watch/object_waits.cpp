#include "harness/watch/object_waits.h"
#include "harness/core/json_fields.h"

#include "harness/watch/await_object.h"

namespace kdrill {

Status WaitForDeletion(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& ref, const std::string& uid,
                       std::chrono::milliseconds timeout, std::stop_token stop) {
  auto deadline = clock.Now() + timeout;
  while (true) {
    auto cur = api.Get(ref);
    if (!cur) {
      if (cur.error().code == ErrorCode::kNotFound) return Ok();
      return std::unexpected(cur.error());
    }
    if (!uid.empty() && json::Str(*cur, "/metadata/uid") != uid) return Ok();
    auto left = std::chrono::duration_cast<std::chrono::seconds>(deadline - clock.Now());
    if (left.count() <= 0) {
      return MakeError(ErrorCode::kTimeout, ref.Describe() + " still exists after " +
                                                std::to_string(timeout.count() / 1000) + "s");
    }
    if (stop.stop_requested()) {
      return MakeError(ErrorCode::kCancelled, "interrupted while waiting for " + ref.Describe() + " to go away");
    }
    kube::ResourceRef coll = ref;
    coll.name.clear();
    kube::WatchOptions wo;
    wo.field_selector = "metadata.name=" + ref.name;
    wo.resource_version = json::Str(*cur, "/metadata/resourceVersion");
    wo.timeout_seconds = static_cast<int>(std::max<long>(1, left.count()));
    bool gone = false;
    auto st = BoundedWatch(
        api, clock, coll, wo,
        [&](const kube::WatchEvent& ev) {
          if (ev.type == "DELETED") {
            gone = uid.empty() || json::Str(ev.object, "/metadata/uid") == uid;
          }
          return !gone;
        },
        deadline, stop);
    if (gone) return Ok();
    if (!st && st.error().code != ErrorCode::kGone && st.error().code != ErrorCode::kUnavailable) {
      return st;
    }
    // The watch ended (server timeout, 410, reset): look again, after a pause
    // when it failed so an unreachable server is not hammered.
    if (!st) {
      clock.SleepFor(std::chrono::milliseconds(500));
    }
  }
}

}  // namespace kdrill
