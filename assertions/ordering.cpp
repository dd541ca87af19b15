// ordered-recovery, ordered-scale, ordered-update: the OrderedReady promises,
// read from the Timeline (never from polling).
//   recovery: a pod with ordinal i that is re-created after the first fault is
//             created only while every lower ordinal is Running and Ready;
//   scale:    scale-up creates in the same order; scale-down deletes from the
//             highest ordinal down, one pod at a time (the next deletion
//             begins only after the previous pod is gone);
//   update:   a rolling update replaces from the highest ordinal down, one at
//             a time: an old-revision pod is deleted only while every higher
//             ordinal runs the update revision and is Ready.
// Watch streams are ordered only within themselves, so a deletion is judged
// from what the pods were (their controller-revision-hash against that of
// the pod that replaced them) and from the StatefulSet as seen on both sides
// of the moment, never from which stream spoke first (Hindsight below).
// Pods kdrill itself deleted (fault victims) are not the controller's moves
// and are not judged. Under podManagementPolicy Parallel nothing is promised:
// the verdict is "not applicable" unless params.required is true, and then a
// failure.

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

#include "assertions/assertion.h"
#include "harness/core/json_fields.h"
#include "assertions/pod_replay.h"

namespace kdrill::assertions {

namespace {

enum class Promise { kRecovery, kScale, kUpdate };

constexpr size_t kMaxSequenceLines = 60;

std::string StateOf(const std::vector<PodView>& pods) {
  if (pods.empty()) return "missing";
  std::vector<std::string> parts;
  for (const auto& p : pods) {
    std::string s = p.terminating ? "terminating" : !p.running ? "not Running" : !p.ready ? "not Ready" : "Ready";
    if (!p.owned) s += " (a pod the StatefulSet does not own: " + p.name + ")";
    parts.push_back(s);
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}


class Ordering final : public Assertion {
 public:
  explicit Ordering(Promise p) : promise_(p) {}

  std::string Name() const override {
    switch (promise_) {
      case Promise::kRecovery: return "ordered-recovery";
      case Promise::kScale: return "ordered-scale";
      case Promise::kUpdate: return "ordered-update";
    }
    return "";
  }
  std::string Summary() const override {
    switch (promise_) {
      case Promise::kRecovery:
        return "pods re-created after a fault come up in ordinal order, each only after all lower ordinals are Ready";
      case Promise::kScale:
        return "scale-up creates in ordinal order; scale-down deletes from the highest ordinal, one pod at a time";
      case Promise::kUpdate:
        return "a rolling update replaces pods from the highest ordinal down, one at a time, each after the one "
               "above is Ready";
    }
    return "";
  }
  Status Validate(const drill::AssertionSpec& spec) const override {
    if (auto s = spec.params.CheckKnownKeys({"required"}, Name() + " params"); !s) return s;
    if (auto r = spec.params.GetBool("required", false); !r) return std::unexpected(r.error());
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    const bool required = ctx.spec.params.GetBool("required", false).value_or(false);
    const auto& spec = ctx.baseline.spec;
    const bool parallel = spec.pod_management == "Parallel";
    Verdict v;
    if (parallel && !required) {
      v.kind = VerdictKind::kNotApplicable;
      v.message = fmt::format("StatefulSet {} uses podManagementPolicy Parallel, which promises no order "
                              "(set params.required: true to make that a failure)",
                              spec.name);
      return v;
    }
    if (promise_ == Promise::kUpdate && spec.update_strategy == "OnDelete" && !required) {
      v.kind = VerdictKind::kNotApplicable;
      v.message = "updateStrategy OnDelete: the controller replaces no pod by itself";
      return v;
    }

    std::set<std::string> fault_deleted;
    auto windows = FaultWindows(ctx.timeline);
    for (const auto& w : windows) fault_deleted.insert(w.deleted_pod_uids.begin(), w.deleted_pod_uids.end());
    const double first_fault = windows.empty() ? 0 : windows.front().injected_at;
    const int baseline_end = spec.ordinal_start + spec.replicas;  // one past the baseline's ordinals
    const auto events = ctx.timeline.Events();
    const Hindsight hindsight = Hindsight::Of(ctx.timeline, events, spec, ctx.final_state);

    PodReplay replay(ctx.timeline, spec);
    std::vector<std::string> sequence;
    std::vector<std::string> violations;
    int judged = 0;
    size_t fault_index = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      const auto& ev = events[i];
      const double t = ctx.timeline.SecondsSinceStart(ev.at);
      if (ev.kind == "fault" && ev.type == "inject") {
        sequence.push_back(fmt::format("{:7.1f}s fault {} ({})", t, ev.name, ev.summary));
        ++fault_index;
        continue;
      }
      // Judge each change against the state just BEFORE it.
      auto changes = replay.Apply(ev);
      for (const auto& c : changes) {
        if (c.initial || c.t < first_fault || fault_index == 0) continue;
        if (sequence.size() < kMaxSequenceLines) sequence.push_back(DescribeChange(c));
        if (!c.pod.owned) continue;
        if (c.kind == PodChange::Kind::kCreated) {
          bool beyond_baseline = c.pod.ordinal >= baseline_end;
          bool mine = promise_ == Promise::kRecovery ? !beyond_baseline
                      : promise_ == Promise::kScale  ? beyond_baseline
                                                     : false;
          if (!mine) continue;
          ++judged;
          JudgeCreation(replay, c, spec.ordinal_start, violations);
        } else if (c.kind == PodChange::Kind::kTerminating ||
                   (c.kind == PodChange::Kind::kDeleted && !c.pod.terminating)) {
          if (fault_deleted.count(c.pod.uid)) continue;
          JudgeDeletion(replay, c, hindsight.ReplicasAround(i), hindsight.ReplacedWith(i, c.pod), spec, violations,
                        judged);
        }
      }
    }

    v.details.push_back(fmt::format("podManagementPolicy {}; sequence after the first fault:", spec.pod_management));
    for (auto& s : sequence) v.details.push_back("  " + s);
    if (sequence.size() >= kMaxSequenceLines) v.details.push_back("  ... (sequence truncated)");
    v.properties["ordering.judged"] = std::to_string(judged);

    if (parallel) {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("the drill requires order, but StatefulSet {} uses podManagementPolicy Parallel, which "
                              "promises none{}",
                              spec.name,
                              violations.empty() ? std::string()
                                                 : fmt::format("; out of order: {}", fmt::join(violations, "; ")));
      return v;
    }
    if (!violations.empty()) {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("expected {}; saw: {}", Summary(), fmt::join(violations, "; "));
      return v;
    }
    if (judged == 0) {
      v.kind = required ? VerdictKind::kFail : VerdictKind::kNotApplicable;
      v.message = fmt::format("the drill made the controller {} no pod after the first fault: nothing to judge",
                              promise_ == Promise::kRecovery ? "re-create"
                              : promise_ == Promise::kScale  ? "add or remove"
                                                             : "replace for an update");
      return v;
    }
    v.kind = VerdictKind::kPass;
    v.message = fmt::format("{} controller move(s), all in order: {}", judged, Summary());
    return v;
  }

 private:
  // What the whole timeline says about a moment, so that no verdict depends
  // on which watch stream delivered first. The pod watch may deliver a
  // deletion before the StatefulSet watch delivers the spec change that
  // caused it (a smaller replica count, a new updateRevision): judge a
  // deletion by what the pods themselves were, and by the StatefulSet as
  // seen on both sides of the moment.
  class Hindsight {
   public:
    static Hindsight Of(const Timeline& timeline, const TimelineEvents& events,
                        const cluster::StatefulSetSpec& spec, const cluster::Snapshot* final_state) {
      Hindsight h;
      PodReplay replay(timeline, spec);
      int replicas = spec.replicas;
      for (size_t i = 0; i < events.size(); ++i) {
        const auto& ev = events[i];
        if (ev.kind == spec.kind && ev.name == spec.name && ev.type != "DELETED") {
          replicas = json::Int(ev.object, "/spec/replicas", replicas);
          h.sts_replicas_.push_back({i, replicas});
          if (auto rev = json::Str(ev.object, "/status/updateRevision"); !rev.empty()) h.last_update_revision_ = rev;
        }
        for (const auto& c : replay.Apply(ev)) {
          if (c.kind == PodChange::Kind::kCreated && c.pod.owned && !c.initial) {
            h.creations_.push_back({i, c.pod.ordinal, c.pod.revision});
          }
        }
      }
      if (h.last_update_revision_.empty() && final_state != nullptr) {
        h.last_update_revision_ = json::Str(final_state->statefulset, "/status/updateRevision");
      }
      h.final_replicas_ = final_state != nullptr ? final_state->spec.replicas : replicas;
      return h;
    }

    // The replica count that condemns pods at event i: the smaller of the
    // count last seen before it and the next one seen after it (the spec
    // change that caused a deletion may arrive on its stream later), or the
    // final count when none follows.
    int ReplicasAround(size_t i) const {
      std::optional<int> before, after;
      for (const auto& [at, r] : sts_replicas_) {
        if (at <= i) before = r;
        if (at > i && !after) after = r;
      }
      int r = after.value_or(final_replicas_);
      return before ? std::min(*before, r) : r;
    }

    // The revision the pod deleted at event i was replaced with: that of the
    // next pod the controller created at its ordinal, or, when none came,
    // the last updateRevision the StatefulSet reported. Empty when unknown.
    std::string ReplacedWith(size_t i, const PodView& pod) const {
      for (const auto& c : creations_) {
        if (c.event > i && c.ordinal == pod.ordinal) return c.revision;
      }
      return last_update_revision_;
    }

   private:
    struct Creation {
      size_t event;
      int ordinal;
      std::string revision;
    };
    int final_replicas_ = 0;
    std::vector<std::pair<size_t, int>> sts_replicas_;
    std::vector<Creation> creations_;
    std::string last_update_revision_;
  };

  // A created pod: every lower ordinal must be Running and Ready right now.
  static void JudgeCreation(const PodReplay& replay, const PodChange& c, int start, std::vector<std::string>& out) {
    for (int j = start; j < c.pod.ordinal; ++j) {
      auto pods = replay.AtOrdinal(j);
      bool ok = false;
      for (const auto& p : pods) ok = ok || Healthy(p);
      if (!ok) {
        out.push_back(fmt::format("at {:.1f}s {} was created while ordinal {} was {}", c.t, c.pod.name, j,
                                  StateOf(pods)));
        return;
      }
    }
  }

  // A pod someone other than kdrill began deleting. It was condemned by a
  // scale-down when its ordinal is beyond `replicas`; it was replaced for an
  // update when the pod that took its place runs another revision
  // (`replaced_with`). Any other deletion is no controller move of these.
  void JudgeDeletion(const PodReplay& replay, const PodChange& c, int replicas, const std::string& replaced_with,
                     const cluster::StatefulSetSpec& base, std::vector<std::string>& out, int& judged) const {
    const int start = base.ordinal_start;
    const bool condemned = c.pod.ordinal >= start + replicas;
    const bool updated_away = !replaced_with.empty() && !c.pod.revision.empty() && c.pod.revision != replaced_with;
    std::vector<std::string> problems;
    if (promise_ == Promise::kScale && condemned) {
      for (const auto& [uid, p] : replay.Live()) {
        if (uid == c.pod.uid || !p.owned) continue;
        if (p.ordinal > c.pod.ordinal) problems.push_back(fmt::format("higher ordinal {} still existed", p.name));
        else if (p.terminating) problems.push_back(fmt::format("{} was still terminating", p.name));
      }
    } else if (promise_ == Promise::kUpdate && !condemned && updated_away) {
      // Every higher ordinal must already run the revision this pod is
      // replaced with, and be Ready. (The controller never deletes below the
      // partition for an update, and every ordinal above one it deletes is
      // at or above the partition, so no partition test is needed here.)
      for (int k = c.pod.ordinal + 1; k < start + replicas; ++k) {
        auto pods = replay.AtOrdinal(k);
        bool ok = false;
        for (const auto& p : pods) ok = ok || (Healthy(p) && p.revision == replaced_with);
        if (!ok) {
          std::string rev = pods.empty() ? "" : " at revision " + pods.front().revision;
          problems.push_back(fmt::format("higher ordinal {} was {}{} (update revision {})",
                                         cluster::PodName(base.name, k), StateOf(pods), rev, replaced_with));
        }
      }
      for (const auto& [uid, p] : replay.Live()) {
        if (uid != c.pod.uid && p.owned && p.terminating && p.ordinal < c.pod.ordinal) {
          problems.push_back(fmt::format("{} was still terminating", p.name));
        }
      }
    } else {
      return;
    }
    ++judged;
    if (!problems.empty()) {
      out.push_back(fmt::format("at {:.1f}s {} began terminating while {}", c.t, c.pod.name,
                                fmt::join(problems, ", ")));
    }
  }

  Promise promise_;
};

}  // namespace

std::unique_ptr<Assertion> MakeOrderedRecovery() { return std::make_unique<Ordering>(Promise::kRecovery); }
std::unique_ptr<Assertion> MakeOrderedScale() { return std::make_unique<Ordering>(Promise::kScale); }
std::unique_ptr<Assertion> MakeOrderedUpdate() { return std::make_unique<Ordering>(Promise::kUpdate); }

}  // namespace kdrill::assertions
