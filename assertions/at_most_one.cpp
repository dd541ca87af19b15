// at-most-one-per-ordinal: at no instant of the drill (from the moment the
// watches began) do two live pods hold one ordinal.
//
// From the API: a pod holds an ordinal when it is the StatefulSet's own or an
// unowned pod matching its selector (cluster/ownership.h; another
// controller's pod never does, whatever its labels), named <sts>-<n> or
// labelled apps.kubernetes.io/pod-index=n (PodReplay). A terminating pod is
// still live: it may still serve, which is why the controller waits for it
// to be gone before it creates the replacement.
//
// From the volume (params.volume, on by default): the API cannot show a
// container that still runs after its pod object is gone (a forced delete).
// HeartbeatWitness makes every incarnation of a baseline ordinal write
// heartbeats onto its claim; two incarnations whose heartbeats interleave ran
// at once. Where there is no claim, or the image cannot run the writer (no
// sh), and volume was not asked for explicitly, the verdict says it saw the
// API only; any other failure to start the writers is an error.

#include <fmt/format.h>

#include <optional>

#include "assertions/assertion.h"
#include "assertions/pod_replay.h"
#include "assertions/volume_heartbeat.h"

namespace kdrill::assertions {

namespace {

class AtMostOnePerOrdinal final : public Assertion {
 public:
  std::string Name() const override { return "at-most-one-per-ordinal"; }
  std::string Summary() const override { return "at no instant do two live pods hold one ordinal"; }
  Status Validate(const drill::AssertionSpec& spec) const override {
    const auto& p = spec.params;
    if (auto s = p.CheckKnownKeys({"volume", "claim", "container"}, "at-most-one-per-ordinal params"); !s) return s;
    if (auto b = p.GetBool("volume", true); !b) return std::unexpected(b.error());
    for (const char* k : {"claim", "container"}) {
      if (auto v = p.GetString(k, ""); !v) return std::unexpected(v.error());
    }
    return Ok();
  }

  Status Prepare(AssertionContext& ctx) override {
    const auto& p = ctx.spec.params;
    if (!p.GetBool("volume", true).value_or(true)) {
      volume_note_ = "the volume-level check is off (params.volume: false)";
      return Ok();
    }
    const bool asked = p.Has("volume");
    volume_asked_ = asked;
    witness_.emplace(p.GetString("claim", "").value_or(""), p.GetString("container", "").value_or(""));
    auto st = witness_->Start(ctx);
    if (st) return Ok();
    witness_.reset();
    // No volume to witness, or an image that cannot run the writer: said in
    // the verdict. Any other failure to start is an error, never a silent
    // fallback to the API (a stalled exec, a volume that refuses writes).
    if (st.error().code == ErrorCode::kNotFound && !asked) {
      volume_note_ = st.error().message + ": checked from the API only";
      ctx.log(volume_note_);
      return Ok();
    }
    return st;
  }

  void StopObserving() override {
    if (witness_) witness_->Stop();
  }

  Verdict Check(AssertionContext& ctx) override {
    const auto& spec = ctx.baseline.spec;
    PodReplay replay(ctx.timeline, spec);
    std::vector<std::string> overlaps;
    std::map<std::string, bool> reported;  // "uidA|uidB" pairs already reported
    std::map<std::string, std::string> names;  // uid -> pod name, for the volume's report
    size_t pods_seen = 0;
    for (const auto& ev : ctx.timeline.Events()) {
      if (ev.kind == "Pod" && !ev.uid.empty()) names[ev.uid] = ev.name;
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
    std::string volume_summary = CheckVolumes(ctx, names, overlaps, v);
    if (volume_unread_ && volume_asked_ && overlaps.empty()) {
      // Asked for (volume: true) and not done: the check could not run, so
      // the verdict cannot be a pass.
      v.kind = VerdictKind::kError;
      v.message = "the volume-level check was asked for (params.volume: true) but could not run: " + volume_summary;
      return v;
    }
    if (overlaps.empty() && pods_seen == 0) {  // nothing was judged: never a pass
      bool had_pods = false;
      for (const auto& [ord, o] : ctx.baseline.ordinals) had_pods = had_pods || o.pod_exists;
      if (spec.kind != "StatefulSet") {
        v.kind = VerdictKind::kNotApplicable;
        v.message = fmt::format("a {}'s pods carry no ordinal (neither <name>-<n> nor the pod-index label): no pod "
                                "held an ordinal, nothing was judged; {}",
                                spec.kind, volume_summary);
      } else if (had_pods) {
        v.kind = VerdictKind::kError;
        v.message = fmt::format("the pod watch delivered none of {} {}'s pods, though it had pods at the baseline: "
                                "nothing was judged; {}",
                                spec.kind, spec.name, volume_summary);
      } else {
        v.kind = VerdictKind::kNotApplicable;
        v.message = fmt::format("{} {} had no pod during the drill: nothing to judge", spec.kind, spec.name);
      }
      return v;
    }
    if (overlaps.empty()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("{} pod instance(s) seen, never two live pods with one ordinal; {}", pods_seen,
                              volume_summary);
      return v;
    }
    v.kind = VerdictKind::kFail;
    v.message = fmt::format("expected at most one live pod per ordinal; {}", fmt::join(overlaps, "; "));
    v.details.insert(v.details.begin(), overlaps.begin(), overlaps.end());
    return v;
  }

 private:
  // Reads the heartbeats back; adds each overlap to `overlaps` and a timeline
  // mark; returns the summary for a passing message.
  std::string CheckVolumes(AssertionContext& ctx, const std::map<std::string, std::string>& names,
                           std::vector<std::string>& overlaps, Verdict& v) {
    if (!witness_) {
      v.details.push_back(volume_note_);
      return volume_note_;
    }
    auto name_of = [&](const std::string& uid) {
      auto it = names.find(uid);
      return it == names.end() ? std::string("a pod") : it->second;
    };
    size_t incarnations = 0, read = 0, lines = 0, unread = 0;
    std::string first_unread;
    for (const auto& h : witness_->Collect(ctx)) {
      if (!h.read) {
        std::string line = fmt::format("volume of {} ({}): {}", h.pod, h.claim, h.note);
        if (first_unread.empty()) first_unread = line;
        ++unread;
        v.details.push_back(std::move(line));
        continue;
      }
      ++read;
      lines += h.lines;
      incarnations += h.incarnations.size();
      v.details.push_back(fmt::format("volume of {} ({}): {} heartbeat(s) from {} incarnation(s): {}", h.pod, h.claim,
                                      h.lines, h.incarnations.size(), fmt::join(h.incarnations, ", ")));
      for (const auto& o : h.overlaps) {
        std::string line = fmt::format(
            "on claim {} two incarnations of ordinal {} wrote at once for {} ms: {} (uid {}, node {}) went on "
            "writing ({} heartbeat(s)) after {} (uid {}, node {}) had started",
            h.claim, h.ordinal, o.Millis(), name_of(o.older_uid), o.older_uid, o.older_node, o.lines_after,
            name_of(o.newer_uid), o.newer_uid, o.newer_node);
        overlaps.push_back(line);
        Verdict::Mark m;
        m.at = WallTime(std::chrono::milliseconds(o.from_ms));
        m.type = "overlap";
        m.name = h.pod;
        m.summary = line;
        m.details = {{"ordinal", h.ordinal},          {"claim", h.claim},
                     {"olderUid", o.older_uid},       {"newerUid", o.newer_uid},
                     {"olderNode", o.older_node},     {"newerNode", o.newer_node},
                     {"fromEpochMs", o.from_ms},      {"toEpochMs", o.to_ms},
                     {"overlapMs", o.Millis()}};
        v.marks.push_back(std::move(m));
      }
    }
    v.properties["volume.incarnations"] = std::to_string(incarnations);
    v.properties["volume.heartbeats"] = std::to_string(lines);
    if (read == 0) {
      // Writers ran but nothing came back: the volume half did not judge
      // anything, and the message says so rather than "0 volumes, never two".
      volume_unread_ = true;
      return fmt::format("no heartbeat could be read back ({}{}): the volume was not checked: checked from the API "
                         "only",
                         first_unread.empty() ? "no volume to read" : first_unread,
                         unread > 1 ? fmt::format(", and {} more", unread - 1) : "");
    }
    std::string out =
        fmt::format("on {} volume(s), {} incarnation(s) wrote heartbeats, never two at once", read, incarnations);
    if (unread > 0) out += fmt::format(" ({} of {} volume(s) could not be read: see the details)", unread, read + unread);
    return out;
  }

  std::optional<HeartbeatWitness> witness_;
  bool volume_asked_ = false;   // params.volume given explicitly (true)
  bool volume_unread_ = false;  // writers ran, yet no heartbeat file was read back
  std::string volume_note_ = "the volume-level check did not run: checked from the API only";
};

}  // namespace

std::unique_ptr<Assertion> MakeAtMostOnePerOrdinal() { return std::make_unique<AtMostOnePerOrdinal>(); }

}  // namespace kdrill::assertions
