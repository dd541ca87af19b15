#include "harness/faults/evictor.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include <algorithm>

namespace kdrill::faults {

namespace {

// Sleeps d on ctx.clock in short slices so an interrupt is seen quickly.
Status PauseFor(FaultContext& ctx, std::chrono::milliseconds d) {
  const auto slice = std::chrono::milliseconds(250);
  while (d.count() > 0) {
    if (ctx.stop.stop_requested()) {
      return MakeError(ErrorCode::kCancelled, "interrupted while waiting to retry an eviction");
    }
    auto step = std::min(d, slice);
    ctx.clock.SleepFor(step);
    d -= step;
  }
  return Ok();
}

enum class Attempt { kEvicted, kGone, kBlocked };

Result<Attempt> EvictOnce(FaultContext& ctx, const DrainPod& pod, const EvictionOptions& opts, std::string* why) {
  kube::DeleteOptions del;
  del.grace_period_seconds = opts.grace_period;
  del.precondition_uid = pod.uid;
  auto st = ctx.api.Evict(pod.ns, pod.name, del);
  if (st) return Attempt::kEvicted;
  switch (st.error().code) {
    case ErrorCode::kNotFound:
      return Attempt::kGone;
    case ErrorCode::kTooManyRequests:
      *why = st.error().message;
      return Attempt::kBlocked;
    case ErrorCode::kConflict: {
      // The UID precondition failed (a new incarnation), or a budget changed
      // under the API server: look at what is there now.
      auto cur = ctx.api.Get(kube::Pods(pod.ns, pod.name));
      if (!cur && cur.error().code == ErrorCode::kNotFound) return Attempt::kGone;
      if (cur && json::Str(*cur, "/metadata/uid") != pod.uid) return Attempt::kGone;
      *why = st.error().message;
      return Attempt::kBlocked;
    }
    default:
      return std::unexpected(Error(st.error().code, fmt::format("evicting pod {}/{}: {}", pod.ns, pod.name,
                                                                st.error().message)));
  }
}

}  // namespace

Result<EvictionOutcome> EvictPods(FaultContext& ctx, const std::vector<DrainPod>& pods, const EvictionOptions& opts) {
  EvictionOutcome out;
  std::vector<DrainPod> pending = pods;
  int round = 0;
  while (!pending.empty()) {
    ++round;
    if (ctx.stop.stop_requested()) {
      return MakeError(ErrorCode::kCancelled, "interrupted while evicting pods");
    }
    std::vector<DrainPod> blocked;
    std::vector<std::string> reasons;
    for (const auto& pod : pending) {
      std::string why;
      auto a = EvictOnce(ctx, pod, opts, &why);
      if (!a) return std::unexpected(a.error());
      switch (*a) {
        case Attempt::kEvicted:
          ctx.log(fmt::format("evicted pod {}/{} (uid {})", pod.ns, pod.name, pod.uid));
          out.evicted.push_back(pod);
          break;
        case Attempt::kGone:
          ctx.log(fmt::format("pod {}/{} (uid {}) is already gone", pod.ns, pod.name, pod.uid));
          out.already_gone.push_back(pod);
          break;
        case Attempt::kBlocked:
          blocked.push_back(pod);
          reasons.push_back(fmt::format("{}/{}: {}", pod.ns, pod.name, why));
          break;
      }
    }
    pending = std::move(blocked);
    if (pending.empty()) break;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(opts.deadline - ctx.clock.Now());
    if (left <= opts.retry_interval) {
      return MakeError(ErrorCode::kTimeout,
                       fmt::format("the eviction of {} pod(s) was still refused when the drain's timeout ran out "
                                   "({}); a PodDisruptionBudget blocks it: check `kubectl get pdb -A`, or give the "
                                   "drain a longer params.timeout",
                                   pending.size(), fmt::join(reasons, "; ")));
    }
    ctx.log(fmt::format("eviction blocked (round {}), retrying in {}ms: {}", round, opts.retry_interval.count(),
                        fmt::join(reasons, "; ")));
    if (auto s = PauseFor(ctx, opts.retry_interval); !s) return std::unexpected(s.error());
  }
  return out;
}

}  // namespace kdrill::faults
