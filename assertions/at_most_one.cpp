// at-most-one-per-ordinal: at no instant of the drill (from the moment the
// watches began) do two live pods hold one ordinal. A pod holds an ordinal
// when it matches the StatefulSet's selector and is named <sts>-<n> or
// labelled apps.kubernetes.io/pod-index=n (PodReplay). A terminating pod is
// still live: it may still serve, which is why the controller waits for it
// to be gone before it creates the replacement.

#include <fmt/format.h>

#include "assertions/assertion.h"
#include "assertions/pod_replay.h"

namespace kdrill::assertions {

namespace {

class AtMostOnePerOrdinal final : public Assertion {
 public:
  std::string Name() const override { return "at-most-one-per-ordinal"; }
  std::string Summary() const override { return "at no instant do two live pods hold one ordinal"; }
  Status Validate(const drill::AssertionSpec& spec) const override {
    return spec.params.CheckKnownKeys({}, "at-most-one-per-ordinal params");
  }

  Verdict Check(AssertionContext& ctx) override {
    const auto& spec = ctx.baseline.spec;
    PodReplay replay(ctx.timeline, spec.name, spec.selector);
    std::vector<std::string> overlaps;
    std::map<std::string, bool> reported;  // "uidA|uidB" pairs already reported
    size_t pods_seen = 0;
    for (const auto& ev : ctx.timeline.Events()) {
      for (const auto& c : replay.Apply(ev)) {
        if (c.kind != PodChange::Kind::kCreated) continue;
        ++pods_seen;
        for (const auto& other : replay.AtOrdinal(c.pod.ordinal)) {
          if (other.uid == c.pod.uid) continue;
          std::string key = std::min(other.uid, c.pod.uid) + "|" + std::max(other.uid, c.pod.uid);
          if (reported[key]) continue;
          reported[key] = true;
          auto describe = [](const PodView& p) {
            return fmt::format("{} (uid {}{}{})", p.name, p.uid, p.terminating ? ", terminating" : "",
                               p.owned ? "" : ", not owned by the StatefulSet");
          };
          overlaps.push_back(fmt::format("at {:.1f}s {} and {} both held ordinal {}", c.t, describe(other),
                                         describe(c.pod), c.pod.ordinal));
        }
      }
    }
    Verdict v;
    v.properties["pods.seen"] = std::to_string(pods_seen);
    if (overlaps.empty()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("{} pod instance(s) seen, never two live pods with one ordinal", pods_seen);
      return v;
    }
    v.kind = VerdictKind::kFail;
    v.message = fmt::format("expected at most one live pod per ordinal; {}", fmt::join(overlaps, "; "));
    v.details = overlaps;
    return v;
  }
};

}  // namespace

std::unique_ptr<Assertion> MakeAtMostOnePerOrdinal() { return std::make_unique<AtMostOnePerOrdinal>(); }

}  // namespace kdrill::assertions
