// recovered-within: how long each disruption lasted, measured from watch
// events on the Timeline.
//   per ordinal: from the injection of the fault that preceded the
//     disruption (the ordinal's pod stopped being Running+Ready, began
//     terminating or vanished) to the moment a pod of that ordinal, owned by
//     the StatefulSet, is Running and Ready again;
//   total: from the first fault to the StatefulSet being settled
//     (cluster::Settled: observedGeneration current, ready and updated
//     replicas equal to replicas, currentRevision == updateRevision) with
//     every ordinal healthy, after the last disruption began.
// params.ordinal and params.total are the objectives (at least one). The
// times go into the verdict's properties (JUnit) whatever the outcome. A
// drill that disrupted nothing is "not applicable": there was nothing to
// recover from. On failure the causes come from the diagnosis engine.

#include <fmt/format.h>

#include <optional>
#include <set>

#include "assertions/assertion.h"
#include "assertions/pod_replay.h"
#include "harness/diagnose/diagnose.h"

namespace kdrill::assertions {

namespace {

struct Episode {
  int ordinal = 0;
  std::string fault_step;
  double fault_at = 0;
  double disrupted_at = 0;
  std::optional<double> recovered_at;
  double Seconds() const { return *recovered_at - fault_at; }
};

class RecoveredWithin final : public Assertion {
 public:
  std::string Name() const override { return "recovered-within"; }
  std::string Summary() const override {
    return "each disrupted ordinal is Ready again, and the StatefulSet settled, within the recovery objectives";
  }
  Status Validate(const drill::AssertionSpec& spec) const override {
    const auto& p = spec.params;
    if (auto s = p.CheckKnownKeys({"ordinal", "total"}, "recovered-within params"); !s) return s;
    if (!p.Has("ordinal") && !p.Has("total")) {
      return std::unexpected(p.ErrorAt("", "recovered-within needs at least one objective: params.ordinal (each "
                                           "pod Ready again within) or params.total (StatefulSet settled within), "
                                           "e.g. {ordinal: 60s, total: 2m}"));
    }
    for (const char* k : {"ordinal", "total"}) {
      auto d = p.GetDuration(k, std::chrono::milliseconds(1));
      if (!d) return std::unexpected(d.error());
      if (d->count() <= 0) return std::unexpected(p.ErrorAt(k, "must be greater than zero"));
    }
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    using std::chrono::duration;
    const auto& p = ctx.spec.params;
    std::optional<double> ordinal_limit, total_limit;
    if (p.Has("ordinal")) ordinal_limit = duration<double>(*p.GetDuration("ordinal", {})).count();
    if (p.Has("total")) total_limit = duration<double>(*p.GetDuration("total", {})).count();

    const auto& spec = ctx.baseline.spec;
    std::set<int> expected;  // ordinals that should be back at the end
    for (const auto& [ord, o] : ctx.final_state->ordinals) {
      if (ctx.baseline.ordinals.count(ord)) expected.insert(ord);
    }
    PodReplay replay(ctx.timeline, spec);
    auto healthy = [&](int ord) {
      for (const auto& pod : replay.AtOrdinal(ord)) {
        if (Healthy(pod)) return true;
      }
      return false;
    };
    std::map<int, bool> was_healthy;
    for (int ord : expected) was_healthy[ord] = false;
    std::vector<Episode> episodes;
    std::map<int, size_t> open;  // ordinal -> index into episodes
    std::optional<double> first_fault;
    double last_fault = 0;
    std::string last_step;
    // Settled: no ordinal down and the StatefulSet settled. settled_at is
    // when it last became so after the first fault; a later fault that
    // disrupts nothing (a closing node-uncordon) leaves it where it was.
    bool settled = false;
    double settled_at = 0;

    for (const auto& ev : ctx.timeline.Events()) {
      const double t = ctx.timeline.SecondsSinceStart(ev.at);
      if (ev.kind == "fault" && ev.type == "inject") {
        if (!first_fault) first_fault = t;
        last_fault = t;
        last_step = ev.name;
        continue;
      }
      replay.Apply(ev);
      for (int ord : expected) {
        bool now = healthy(ord);
        if (first_fault && was_healthy[ord] && !now && !open.count(ord)) {
          open[ord] = episodes.size();
          episodes.push_back({ord, last_step, last_fault, t, std::nullopt});
        } else if (!was_healthy[ord] && now && open.count(ord)) {
          episodes[open[ord]].recovered_at = t;
          open.erase(ord);
        }
        was_healthy[ord] = now;
      }
      if (first_fault) {
        const bool now = open.empty() && !replay.StatefulSet().is_null() && cluster::Settled(replay.StatefulSet());
        if (now && !settled) settled_at = t;
        settled = now;
      }
    }

    Verdict v;
    if (episodes.empty()) {
      v.kind = VerdictKind::kNotApplicable;
      v.message = first_fault ? "no ordinal stopped being Running and Ready after the faults: nothing to recover from"
                              : "the drill injected no fault";
      return v;
    }
    std::vector<std::string> problems;
    std::map<int, double> worst;
    auto store = ctx.timeline.Store();
    for (const auto& e : episodes) {
      std::string pod = cluster::PodName(spec.name, e.ordinal);
      if (!e.recovered_at) {
        problems.push_back(fmt::format("{} was not Running and Ready again by the end of the drill (fault \"{}\" at "
                                       "{:.1f}s, unavailable since {:.1f}s)",
                                       pod, e.fault_step, e.fault_at, e.disrupted_at));
        v.details.push_back(fmt::format("{}: NOT recovered (fault at {:.1f}s, unavailable since {:.1f}s)", pod,
                                        e.fault_at, e.disrupted_at));
        auto key = spec.ns + "/" + pod;
        auto pods = store.find("Pod");
        if (pods != store.end() && pods->second.count(key)) {
          for (const auto& line : diagnose::DiagnosePod(store, pods->second.at(key))) {
            v.details.push_back("  diagnosis: " + line);
          }
        } else {
          v.details.push_back("  diagnosis: " + pod + " does not exist");
        }
        v.properties[fmt::format("recovery.{}.seconds", pod)] = "none";
        continue;
      }
      double s = e.Seconds();
      worst[e.ordinal] = std::max(worst[e.ordinal], s);
      v.details.push_back(fmt::format("{}: Ready again {:.1f}s after fault \"{}\" (unavailable {:.1f}s..{:.1f}s)", pod,
                                      s, e.fault_step, e.disrupted_at, *e.recovered_at));
      if (ordinal_limit && s > *ordinal_limit) {
        problems.push_back(fmt::format("{} took {:.1f}s to be Ready again, over the objective of {:.0f}s", pod, s,
                                       *ordinal_limit));
      }
    }
    for (const auto& [ord, s] : worst) {
      v.properties[fmt::format("recovery.{}.seconds", cluster::PodName(spec.name, ord))] = fmt::format("{:.1f}", s);
    }
    const double total = settled_at - first_fault.value_or(0);
    if (settled) {
      v.properties["recovery.total.seconds"] = fmt::format("{:.1f}", total);
      v.details.push_back(fmt::format("total: StatefulSet settled {:.1f}s after the first fault", total));
      if (total_limit && total > *total_limit) {
        problems.push_back(fmt::format("the StatefulSet settled {:.1f}s after the first fault, over the objective of "
                                       "{:.0f}s",
                                       total, *total_limit));
      }
    } else {
      v.properties["recovery.total.seconds"] = "none";
      std::string why;
      if (!replay.StatefulSet().is_null()) cluster::Settled(replay.StatefulSet(), &why);
      v.details.push_back("total: the StatefulSet never settled after the last disruption" +
                          (why.empty() ? std::string() : " (" + why + ")"));
      if (total_limit) problems.push_back("the StatefulSet did not settle after the faults");
      for (const auto& line : diagnose::DiagnoseStatefulSet(store, spec.ns, spec.name)) {
        v.details.push_back("  diagnosis: " + line);
      }
    }
    if (problems.empty()) {
      v.kind = VerdictKind::kPass;
      std::string worst_line;
      double w = 0;
      for (const auto& [ord, s] : worst) w = std::max(w, s);
      v.message = fmt::format("{} disruption(s) recovered; slowest ordinal {:.1f}s{}{}", episodes.size(), w,
                              ordinal_limit ? fmt::format(" (objective {:.0f}s)", *ordinal_limit) : "",
                              settled ? fmt::format(", settled after {:.1f}s{}", total,
                                                       total_limit ? fmt::format(" (objective {:.0f}s)", *total_limit)
                                                                   : "")
                                         : "");
    } else {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("recovery objectives missed: {}", fmt::join(problems, "; "));
    }
    return v;
  }
};

}  // namespace

std::unique_ptr<Assertion> MakeRecoveredWithin() { return std::make_unique<RecoveredWithin>(); }

}  // namespace kdrill::assertions
