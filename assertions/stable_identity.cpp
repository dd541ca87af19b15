// stable-identity: after the faults, the StatefulSet's pods are exactly
// <sts>-<start>..<sts>-<start+replicas-1> (respecting .spec.ordinals.start),
// each present, not terminating, Running and Ready, with spec.hostname equal
// to its name; no other pod owned by the StatefulSet exists.

#include <fmt/format.h>

#include "assertions/assertion.h"

namespace kdrill::assertions {

namespace {

class StableIdentity final : public Assertion {
 public:
  std::string Name() const override { return "stable-identity"; }
  std::string Summary() const override {
    return "pods are exactly <sts>-0..N-1, each back and Ready under its own name and hostname";
  }
  Status Validate(const drill::AssertionSpec& spec) const override {
    return spec.params.CheckKnownKeys({}, "stable-identity params");
  }

  Verdict Check(AssertionContext& ctx) override {
    const auto& fin = *ctx.final_state;
    Verdict v;
    std::vector<std::string> problems;
    int start = fin.spec.ordinal_start;
    for (const auto& [ord, o] : fin.ordinals) {
      const auto base = ctx.baseline.ordinals.find(ord);
      std::string row = fmt::format("{}: ", o.pod);
      if (!o.pod_exists) {
        problems.push_back(o.pod + " is missing");
        row += "missing";
      } else if (o.terminating) {
        problems.push_back(o.pod + " is terminating");
        row += "terminating";
      } else if (!o.ready) {
        problems.push_back(fmt::format("{} is not Ready (phase {})", o.pod, o.phase));
        row += "not ready, phase " + o.phase;
      } else if (!o.hostname.empty() && o.hostname != o.pod) {
        problems.push_back(fmt::format("{} has hostname {}", o.pod, o.hostname));
        row += "hostname " + o.hostname;
      } else {
        row += "Ready";
      }
      if (o.pod_exists && base != ctx.baseline.ordinals.end() && base->second.pod_exists) {
        row += base->second.uid == o.uid ? " (same pod)" : fmt::format(" (recreated: uid {} -> {})", base->second.uid, o.uid);
      }
      v.details.push_back(row);
    }
    for (const auto& extra : fin.extra_pods) {
      problems.push_back(extra + " exists but is not one of the expected names");
    }
    int end = start + fin.spec.replicas - 1;
    std::string expected = fin.spec.replicas > 0 ? fmt::format("{0}-{1}..{0}-{2}", fin.spec.name, start, end)
                                                 : std::string("no pods");
    if (problems.empty()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("pods are exactly {}, all Ready under their own names", expected);
    } else {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("expected pods {} all Ready; saw: {}", expected, fmt::join(problems, "; "));
    }
    return v;
  }
};

}  // namespace

std::unique_ptr<Assertion> MakeStableIdentity() { return std::make_unique<StableIdentity>(); }

}  // namespace kdrill::assertions
