// same-pvc: after recovery, each ordinal's pod mounts the claim
// <template>-<sts>-<ordinal> with the SAME claim UID and the SAME bound PV as
// in the baseline; and (marker: true, the default) a marker file written
// through exec before the first fault reads back unchanged afterwards (one
// exec per pod writes it; one reads and removes it).

#include <fmt/format.h>


#include "assertions/assertion.h"
#include "harness/exec/exec_batch.h"
#include "harness/core/json_fields.h"
#include "harness/cluster/mount_paths.h"
#include "harness/core/text.h"

namespace kdrill::assertions {

namespace {

class SamePvc final : public Assertion {
 public:
  std::string Name() const override { return "same-pvc"; }
  std::string Summary() const override {
    return "each ordinal gets back the same claim (name, UID, PV) and the marker written before the fault";
  }

  Status Validate(const drill::AssertionSpec& spec) const override {
    const auto& p = spec.params;
    if (auto s = p.CheckKnownKeys({"marker", "volume", "container"}, "same-pvc params"); !s) return s;
    if (auto m = p.GetBool("marker", true); !m) return std::unexpected(m.error());
    if (auto v = p.GetString("volume", ""); !v) return std::unexpected(v.error());
    if (auto c = p.GetString("container", ""); !c) return std::unexpected(c.error());
    return Ok();
  }

  Status Prepare(AssertionContext& ctx) override {
    const auto& p = ctx.spec.params;
    use_marker_ = p.GetBool("marker", true).value_or(true);
    volume_ = p.GetString("volume", "").value_or("");
    container_ = p.GetString("container", "").value_or("");
    std::string first_claim_volume;  // a Deployment's "templates" are the pod volumes naming claims
    for (const auto& [ord, o] : ctx.baseline.ordinals) {
      if (!o.claims.empty() && first_claim_volume.empty()) first_claim_volume = o.claims.front().template_name;
    }
    if (first_claim_volume.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       p.location().ToString() + ": same-pvc: " + ctx.baseline.spec.kind + " " +
                           ctx.baseline.spec.name + " mounts no claim (no volumeClaimTemplates), so there is no "
                           "claim to keep");
    }
    if (volume_.empty()) volume_ = first_claim_volume;
    if (!use_marker_) return Ok();
    for (const auto& [ord, o] : ctx.baseline.ordinals) {
      if (!o.pod_exists) continue;
      auto mount = cluster::FindMount(o.object, volume_, container_);
      if (!mount) return std::unexpected(mount.error());
      std::string path = mount->path + "/.kdrill-marker-" + ctx.run_id;
      // Undo first: a crash after the write must still remove the file.
      auto undo = ctx.journal->RecordUndo(
          "same-pvc", "remove marker " + path + " in " + o.pod,
          {{"kind", "exec"}, {"namespace", ctx.baseline.spec.ns}, {"pod", o.pod}, {"container", mount->container},
           {"argv", {"rm", "-f", path}},
           // The file lives on the claim: a pod that is being replaced is waited for.
           {"claim", ClaimOf(o, volume_)}});
      if (!undo) return std::unexpected(undo.error());
      undo_ids_.push_back(*undo);
      // The marker names the run and the claim it was written to (by UID), so
      // reading back another ordinal's or an older run's marker is a mismatch;
      // it is deterministic so a recorded run can be judged again.
      std::string token = MarkerToken(ctx.run_id, o, volume_);
      ExecRequest req{ctx.baseline.spec.ns, o.pod, mount->container, {"sh", "-c", "cat > \"$1\" && sync", "sh", path}, token};
      auto r = ctx.exec.Exec(req);
      if (ExecCannotRun(r)) {  // nothing written, and no rm to remove it with
        (void)ctx.journal->MarkDone(*undo, "nothing was written");
        undo_ids_.pop_back();
      }
      if (!r) return std::unexpected(r.error());
      if (r->exit_code != 0) {
        return MakeError(ErrorCode::kFailedPrecondition, fmt::format("writing marker {} in {} exited {}: {}", path,
                                                                     o.pod, r->exit_code, r->stderr_data));
      }
      marker_paths_[ord] = {mount->container, path};
      tokens_[ord] = token;
      ctx.log(fmt::format("marker written to {}:{}", o.pod, path));
    }
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    const auto& fin = *ctx.final_state;
    Verdict v;
    std::vector<std::string> problems;
    // One identity, one claim: a claim mounted by several ordinals is no
    // ordinal's own (a Deployment whose replicas share one PVC).
    std::map<std::string, std::vector<std::string>> holders;
    for (const auto& [ord, base] : ctx.baseline.ordinals) {
      for (const auto& c : base.claims) holders[c.claim].push_back(base.pod);
    }
    for (const auto& [claim, pods] : holders) {
      if (pods.size() > 1) {
        problems.push_back(fmt::format("claim {} is shared by {} pods ({}): no ordinal has a claim of its own", claim,
                                       pods.size(), fmt::join(pods, ", ")));
      }
    }
    for (const auto& [ord, base] : ctx.baseline.ordinals) {
      auto it = fin.ordinals.find(ord);
      if (it == fin.ordinals.end()) {
        problems.push_back(fmt::format("ordinal {} is gone (replicas now {})", ord, fin.spec.replicas));
        continue;
      }
      const auto& now = it->second;
      for (size_t i = 0; i < base.claims.size(); ++i) {
        const auto& b = base.claims[i];
        const cluster::ClaimState* n = i < now.claims.size() ? &now.claims[i] : nullptr;
        std::string row;
        if (!n || !n->exists) {
          problems.push_back(fmt::format("claim {} is gone (baseline uid {})", b.claim, b.uid));
          row = b.claim + ": missing";
        } else if (n->uid != b.uid) {
          problems.push_back(fmt::format("claim {} was recreated: uid {} -> {}, pv {} -> {}", b.claim, b.uid, n->uid,
                                         b.volume, n->volume.empty() ? "(none)" : n->volume));
          row = fmt::format("{}: uid {} -> {} (new claim), pv {} -> {}", b.claim, b.uid, n->uid, b.volume, n->volume);
        } else if (n->volume != b.volume) {
          problems.push_back(fmt::format("claim {} (uid {}) is bound to pv {} instead of {}", b.claim, b.uid,
                                         n->volume, b.volume));
          row = fmt::format("{}: uid {} same, pv {} -> {}", b.claim, b.uid, b.volume, n->volume);
        } else {
          row = fmt::format("{}: uid {} pv {} unchanged", b.claim, b.uid, b.volume);
        }
        if (now.pod_exists && !MountsClaim(now.object, b.claim)) {
          problems.push_back(fmt::format("pod {} does not mount claim {}", now.pod, b.claim));
        }
        v.details.push_back(fmt::format("{}: {}", now.pod, row));
      }
      if (auto m = marker_paths_.find(ord); m != marker_paths_.end()) {
        if (!now.pod_exists) {
          problems.push_back(fmt::format("{}: cannot read the marker, the pod is missing", now.pod));
          continue;
        }
        // One exec reads the marker, then removes it (the journal's undo
        // covers a crash before this). The removal runs whatever the read
        // answered, and its own answer never changes what was read.
        const std::string& path = m->second.second;
        ExecBatch batch(ctx.exec, {fin.spec.ns, now.pod, m->second.first, {}, std::nullopt},
                        {{"read", {"cat", path}}, {"remove", {"rm", "-f", path}, /*rerun_if_unanswered=*/true}});
        auto r = batch.Part("read");
        (void)batch.Part("remove");
        if (!r) {
          problems.push_back(fmt::format("{}: reading marker failed: {}", now.pod, r.error().message));
        } else if (r->exit_code != 0) {
          problems.push_back(fmt::format("{}: marker {} is missing (cat exited {}: {})", now.pod, m->second.second,
                                         r->exit_code, TrimEnd(r->stderr_data)));
        } else if (r->stdout_data != tokens_[ord]) {
          problems.push_back(fmt::format("{}: marker {} holds different content: expected \"{}\", read \"{}\"", now.pod,
                                         m->second.second, tokens_[ord], TrimEnd(r->stdout_data.substr(0, 200))));
        } else {
          v.details.push_back(fmt::format("{}: marker {} reads back unchanged", now.pod, m->second.second));
        }
      }
    }
    for (int id : undo_ids_) (void)ctx.journal->MarkDone(id, "marker removed after check");
    if (problems.empty()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("every ordinal kept its claim (same UID and PV){}",
                              marker_paths_.empty() ? "" : " and its marker");
    } else {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("expected the same claims as before the fault; {}", fmt::join(problems, "; "));
    }
    return v;
  }

 private:
  // The claim ordinal o mounts as pod volume `volume` (for a StatefulSet,
  // <volume>-<sts>-<ordinal>).
  static std::string ClaimOf(const cluster::OrdinalState& o, const std::string& volume) {
    for (const auto& c : o.claims) {
      if (c.template_name == volume) return c.claim;
    }
    return o.claims.empty() ? std::string() : o.claims.front().claim;
  }
  static std::string MarkerToken(const std::string& run_id, const cluster::OrdinalState& o, const std::string& volume) {
    std::string claim = ClaimOf(o, volume);
    std::string uid;
    for (const auto& c : o.claims) {
      if (c.claim == claim) uid = c.uid;
    }
    return fmt::format("kdrill-marker {} {} {}", run_id, claim, uid);
  }
  static bool MountsClaim(const kube::Json& pod, const std::string& claim) {
    for (const auto& vol : json::Arr(pod, "/spec/volumes")) {
      if (json::Str(vol, "/persistentVolumeClaim/claimName") == claim) return true;
    }
    return false;
  }

  bool use_marker_ = true;
  std::string volume_;
  std::string container_;
  std::map<int, std::string> tokens_;  // ordinal -> what its marker holds
  std::map<int, std::pair<std::string, std::string>> marker_paths_;  // ordinal -> container, path
  std::vector<int> undo_ids_;
};

}  // namespace

std::unique_ptr<Assertion> MakeSamePvc() { return std::make_unique<SamePvc>(); }

}  // namespace kdrill::assertions
