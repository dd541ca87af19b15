// pvc-retention: the StatefulSet's claims are kept or deleted as its
// .spec.persistentVolumeClaimRetentionPolicy says (whenScaled / whenDeleted,
// each Retain or Delete; Retain when absent).
//
//   scale-down  every ordinal of the baseline that is beyond the final
//               replicas was scaled away: with whenScaled Retain its claims
//               must still exist with the same UIDs; with Delete they must be
//               gone by the time of the check, or within params.timeout
//               (default 60s), waited for on the Timeline's store. An ordinal
//               scaled away and back during the drill must have kept its
//               claims under Retain.
//   deletion    when the StatefulSet was deleted during the drill (the
//               statefulset-delete fault), whenDeleted is checked the same
//               way for every claim of the baseline; a deletion with
//               propagationPolicy Orphan leaves the claims to the garbage
//               collector's orphaning, so whenDeleted is not exercised.
// A claim still there when it should be gone fails, naming what holds it.
// A drill that neither scaled down nor deleted the StatefulSet gets
// NotApplicable, or a failure with params.required: true.
//
// Everything is read from the baseline, the final snapshot and the Timeline
// (events and store); nothing is written.

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "assertions/assertion.h"
#include "harness/core/json_fields.h"

namespace kdrill::assertions {

namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(60);

using json::Str;

struct Policy {
  std::string when_scaled = "Retain";
  std::string when_deleted = "Retain";
};

Policy ReadPolicy(const kube::Json& sts) {
  Policy p;
  if (auto s = Str(sts, "/spec/persistentVolumeClaimRetentionPolicy/whenScaled"); !s.empty()) p.when_scaled = s;
  if (auto s = Str(sts, "/spec/persistentVolumeClaimRetentionPolicy/whenDeleted"); !s.empty()) p.when_deleted = s;
  return p;
}

// What the drill did to the StatefulSet, read from the snapshots and the
// Timeline after the baseline.
struct Exercise {
  int baseline_replicas = 0;
  int final_replicas = 0;
  int min_replicas = 0;
  std::vector<int> removed;    // baseline ordinals beyond the final replicas
  std::vector<int> came_back;  // scaled away and back during the drill
  bool deleted = false;
  std::string deleted_uid;
  bool orphaned = false;  // deleted with propagationPolicy Orphan
};

Exercise ReadExercise(const cluster::Snapshot& base, const cluster::Snapshot& fin,
                      const TimelineEvents& events) {
  Exercise ex;
  ex.baseline_replicas = base.spec.replicas;
  ex.final_replicas = fin.spec.replicas;
  ex.min_replicas = std::min(base.spec.replicas, fin.spec.replicas);
  size_t from = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind == "note" && events[i].type == "baseline") from = i + 1;
  }
  std::set<std::string> orphaning_uids;
  for (size_t i = from; i < events.size(); ++i) {
    const auto& ev = events[i];
    if (ev.kind != "StatefulSet" || ev.name != base.spec.name || ev.ns != base.spec.ns) continue;
    const auto& o = ev.object;
    if (o.contains("/spec/replicas"_json_pointer) && o.at("/spec/replicas"_json_pointer).is_number_integer()) {
      ex.min_replicas = std::min(ex.min_replicas, o.at("/spec/replicas"_json_pointer).get<int>());
    }
    // The garbage collector holds an object deleted with propagationPolicy
    // Orphan with the "orphan" finalizer until it has orphaned the dependents.
    if (o.contains("/metadata/deletionTimestamp"_json_pointer)) {
      for (const auto& f : json::Arr(o, "/metadata/finalizers")) {
        if (f.is_string() && f.get<std::string>() == "orphan") orphaning_uids.insert(ev.uid);
      }
    }
    if (ev.type == "DELETED") {
      ex.deleted = true;
      ex.deleted_uid = ev.uid;
      ex.orphaned = orphaning_uids.count(ev.uid) > 0;
    }
  }
  for (const auto& [ord, _] : base.ordinals) {
    if (!fin.ordinals.count(ord)) {
      ex.removed.push_back(ord);
    } else if (ord >= base.spec.ordinal_start + ex.min_replicas) {
      ex.came_back.push_back(ord);
    }
  }
  return ex;
}

// One claim of the baseline and what must have happened to it.
struct Expectation {
  std::string claim;
  std::string uid;
  bool deleted = false;  // expected gone; else retained with the same UID
  std::string why;       // "web-2 was scaled away (replicas 3 -> 2) and whenScaled is Delete"
};

const kube::Json* StoredClaim(const ObjectStore& store, const std::string& ns, const std::string& claim) {
  auto kind = store.find("PersistentVolumeClaim");
  if (kind == store.end()) return nullptr;
  auto it = kind->second.find(ns + "/" + claim);
  return it == kind->second.end() ? nullptr : &it->second;
}

// Gone: no claim of that name, or one with another UID (a new claim).
bool ClaimGone(const ObjectStore& store, const std::string& ns, const Expectation& e) {
  const kube::Json* c = StoredClaim(store, ns, e.claim);
  return c == nullptr || Str(*c, "/metadata/uid") != e.uid;
}

// Why a claim that should be gone is still there.
std::string Holders(const ObjectStore& store, const std::string& ns, const std::string& sts,
                    const kube::Json& claim) {
  std::vector<std::string> parts;
  const std::string name = Str(claim, "/metadata/name");
  if (auto ts = Str(claim, "/metadata/deletionTimestamp"); !ts.empty()) {
    std::vector<std::string> fins;
    for (const auto& f : json::Arr(claim, "/metadata/finalizers")) {
      if (f.is_string()) fins.push_back(f.get<std::string>());
    }
    parts.push_back(fmt::format("it is Terminating since {}{}", ts,
                                fins.empty() ? std::string()
                                             : fmt::format(", held by finalizers [{}]", fmt::join(fins, ", "))));
  } else {
    std::vector<std::string> owners;
    for (const auto& o : json::Arr(claim, "/metadata/ownerReferences")) {
      owners.push_back(fmt::format("{} {}", json::Str(o, "/kind", "?"), json::Str(o, "/name", "?")));
    }
    parts.push_back(owners.empty()
                        ? std::string("it is not being deleted and has no ownerReferences (nothing marked it for "
                                      "deletion)")
                        : fmt::format("it is not being deleted (ownerReferences: {})", fmt::join(owners, ", ")));
  }
  auto pods = store.find("Pod");
  if (pods != store.end()) {
    for (const auto& [key, pod] : pods->second) {
      if (Str(pod, "/metadata/namespace") != ns) continue;
      bool mounts = false;
      for (const auto& vol : json::Arr(pod, "/spec/volumes")) {
        if (json::Str(vol, "/persistentVolumeClaim/claimName") == name) mounts = true;
      }
      if (!mounts) continue;
      std::string pod_name = Str(pod, "/metadata/name");
      bool own = cluster::OwnedBy(pod, "StatefulSet", sts);
      parts.push_back(fmt::format("mounted by pod {}/{} ({}{})", ns, pod_name,
                                  own ? "the StatefulSet's own pod" : "not a pod of StatefulSet " + sts,
                                  cluster::PodTerminating(pod) ? ", terminating" : ""));
    }
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

class PvcRetention final : public Assertion {
 public:
  std::string Name() const override { return "pvc-retention"; }
  std::string Summary() const override {
    return "claims are retained or deleted on scale-down and StatefulSet deletion as "
           "persistentVolumeClaimRetentionPolicy says";
  }

  Status Validate(const drill::AssertionSpec& spec) const override {
    const auto& p = spec.params;
    if (auto s = p.CheckKnownKeys({"timeout", "required"}, "pvc-retention params"); !s) return s;
    if (auto t = p.GetDuration("timeout", kDefaultTimeout); !t) return std::unexpected(t.error());
    if (auto r = p.GetBool("required", false); !r) return std::unexpected(r.error());
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    Verdict v;
    if (auto s = Validate(ctx.spec); !s) {
      v.kind = VerdictKind::kError;
      v.message = s.error().message;
      return v;
    }
    const auto timeout = *ctx.spec.params.GetDuration("timeout", kDefaultTimeout);
    const bool required = *ctx.spec.params.GetBool("required", false);
    const auto& base = ctx.baseline;
    const auto& fin = *ctx.final_state;
    const std::string& ns = base.spec.ns;
    const std::string& sts = base.spec.name;
    const Policy policy = ReadPolicy(fin.statefulset.is_null() ? base.statefulset : fin.statefulset);
    const Exercise ex = ReadExercise(base, fin, ctx.timeline.Events());
    v.properties["whenScaled"] = policy.when_scaled;
    v.properties["whenDeleted"] = policy.when_deleted;
    v.details.push_back(fmt::format("policy of StatefulSet {}: whenScaled {}, whenDeleted {}", sts, policy.when_scaled,
                                    policy.when_deleted));
    const std::string replicas = ex.min_replicas < std::min(ex.baseline_replicas, ex.final_replicas)
                                     ? fmt::format("{} -> {} -> {}", ex.baseline_replicas, ex.min_replicas,
                                                   ex.final_replicas)
                                     : fmt::format("{} -> {}", ex.baseline_replicas, ex.final_replicas);
    v.properties["replicas"] = replicas;
    const bool scaled = !ex.removed.empty() || !ex.came_back.empty();
    const bool deletion = ex.deleted && !ex.orphaned;

    // What each exercised claim must have become.
    std::map<std::string, Expectation> expect;  // by claim name
    auto add = [&](const cluster::ClaimState& c, bool deleted, const std::string& why) {
      auto [it, inserted] = expect.emplace(c.claim, Expectation{c.claim, c.uid, deleted, why});
      if (!inserted && deleted && !it->second.deleted) it->second = Expectation{c.claim, c.uid, deleted, why};
    };
    for (int ord : ex.removed) {
      for (const auto& c : base.ordinals.at(ord).claims) {
        if (!c.exists) continue;
        add(c, policy.when_scaled == "Delete",
            fmt::format("{} was scaled away (replicas {}) and whenScaled is {}", cluster::PodName(sts, ord), replicas,
                        policy.when_scaled));
      }
    }
    for (int ord : ex.came_back) {
      for (const auto& c : base.ordinals.at(ord).claims) {
        if (!c.exists) continue;
        if (policy.when_scaled == "Delete") {
          v.details.push_back(fmt::format("{}: scaled away and back (replicas {}); whenScaled Delete may have replaced "
                                          "claim {} (not checked)",
                                          cluster::PodName(sts, ord), replicas, c.claim));
          continue;
        }
        add(c, false,
            fmt::format("{} was scaled away and back (replicas {}) and whenScaled is {}", cluster::PodName(sts, ord),
                        replicas, policy.when_scaled));
      }
    }
    if (!scaled) {
      v.details.push_back(fmt::format("whenScaled not exercised: {} was not scaled down (replicas {})", sts, replicas));
    }
    if (!ex.deleted) {
      v.details.push_back(fmt::format("whenDeleted not exercised: StatefulSet {} was not deleted during the drill", sts));
    } else if (ex.orphaned) {
      v.details.push_back(fmt::format("whenDeleted not exercised: StatefulSet {} (uid {}) was deleted with "
                                      "propagationPolicy Orphan, which orphans its claims instead of applying the policy",
                                      sts, ex.deleted_uid));
    } else {  // deletion
      for (const auto& [ord, o] : base.ordinals) {
        for (const auto& c : o.claims) {
          if (!c.exists) continue;
          add(c, policy.when_deleted == "Delete",
              fmt::format("StatefulSet {} (uid {}) was deleted and whenDeleted is {}", sts, ex.deleted_uid,
                          policy.when_deleted));
        }
      }
    }
    v.properties["statefulset.deleted"] = ex.deleted ? (ex.orphaned ? "orphan" : "yes") : "no";
    if (!scaled && !deletion) {
      v.kind = required ? VerdictKind::kFail : VerdictKind::kNotApplicable;
      v.message = fmt::format("{}StatefulSet {} was neither scaled down (replicas {}) nor deleted{} during the drill, so no "
                              "claim could be retained or deleted",
                              required ? "required: true, but " : "", sts, replicas,
                              ex.deleted ? " (only with propagationPolicy Orphan, which orphans the claims)" : "");
      return v;
    }
    if (expect.empty()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("no claim to check: the ordinals that {} gave up had no claims", sts);
      return v;
    }

    std::vector<std::string> problems;
    // Retained claims: exactly the baseline's, now.
    const ObjectStore now = ctx.timeline.Store();
    for (const auto& [name, e] : expect) {
      if (e.deleted) continue;
      const kube::Json* c = StoredClaim(now, ns, name);
      if (c == nullptr) {
        problems.push_back(fmt::format("claim {} (uid {}) is gone, expected it retained: {}", name, e.uid, e.why));
        v.details.push_back(fmt::format("{}: gone (expected retained)", name));
      } else if (Str(*c, "/metadata/uid") != e.uid) {
        problems.push_back(fmt::format("claim {} was replaced (uid {} -> {}), expected the same claim retained: {}",
                                       name, e.uid, Str(*c, "/metadata/uid"), e.why));
        v.details.push_back(fmt::format("{}: uid {} -> {} (expected retained)", name, e.uid, Str(*c, "/metadata/uid")));
      } else if (auto ts = Str(*c, "/metadata/deletionTimestamp"); !ts.empty()) {
        problems.push_back(fmt::format("claim {} (uid {}) is being deleted (since {}), expected it retained: {}", name,
                                       e.uid, ts, e.why));
        v.details.push_back(fmt::format("{}: terminating (expected retained)", name));
      } else {
        v.details.push_back(fmt::format("{}: retained, uid {} unchanged ({})", name, e.uid, e.why));
      }
    }
    // Deleted claims: gone now, or within the timeout.
    std::vector<Expectation> to_go;
    for (const auto& [name, e] : expect) {
      if (e.deleted) to_go.push_back(e);
    }
    if (!to_go.empty()) {
      auto all_gone = [&](const ObjectStore& store) {
        return std::all_of(to_go.begin(), to_go.end(), [&](const Expectation& e) { return ClaimGone(store, ns, e); });
      };
      auto st = ctx.timeline.WaitUntil(all_gone, timeout, ctx.stop, [&](std::chrono::seconds elapsed) {
        ctx.log(fmt::format("pvc-retention: waiting for claims to be deleted ({}s of {}s)", elapsed.count(),
                            std::chrono::duration_cast<std::chrono::seconds>(timeout).count()));
      });
      if (!st && st.error().code == ErrorCode::kCancelled) {
        v.kind = VerdictKind::kError;
        v.message = "interrupted while waiting for claims to be deleted";
        return v;
      }
      const ObjectStore after = ctx.timeline.Store();
      const auto secs = std::chrono::duration_cast<std::chrono::seconds>(timeout).count();
      for (const auto& e : to_go) {
        if (ClaimGone(after, ns, e)) {
          const kube::Json* c = StoredClaim(after, ns, e.claim);
          v.details.push_back(fmt::format("{}: deleted (uid {}){} ({})", e.claim, e.uid,
                                          c ? fmt::format(", a new claim has uid {}", Str(*c, "/metadata/uid")) : "",
                                          e.why));
          continue;
        }
        const kube::Json& c = *StoredClaim(after, ns, e.claim);
        problems.push_back(fmt::format("claim {} (uid {}) still exists {}s after the check began, expected it deleted: "
                                       "{}; {}",
                                       e.claim, e.uid, secs, e.why, Holders(after, ns, sts, c)));
        v.details.push_back(fmt::format("{}: still present after {}s (expected deleted)", e.claim, secs));
      }
    }
    if (problems.empty()) {
      int gone = static_cast<int>(to_go.size());
      int kept = static_cast<int>(expect.size()) - gone;
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("claims followed whenScaled {} / whenDeleted {}: {} deleted, {} retained with the same UID",
                              policy.when_scaled, policy.when_deleted, gone, kept);
    } else {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("{}", fmt::join(problems, "; "));
    }
    return v;
  }
};

}  // namespace

std::unique_ptr<Assertion> MakePvcRetention() { return std::make_unique<PvcRetention>(); }

}  // namespace kdrill::assertions
