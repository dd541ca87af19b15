// Why a PersistentVolumeClaim is not Bound: a missing StorageClass, no
// provisioner, WaitForFirstConsumer without a consumer, no matching static
// PV, a pre-bound PV that is missing or taken, provisioning failures.

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "harness/cluster/quantity.h"
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/internal.h"

namespace kdrill::diagnose {

namespace {

constexpr const char* kNoProvisioner = "kubernetes.io/no-provisioner";

bool IsDefaultClass(const Json& sc) {
  const Json& ann = Obj(sc, "/metadata/annotations");
  return Field(ann, "storageclass.kubernetes.io/is-default-class") == "true" ||
         Field(ann, "storageclass.beta.kubernetes.io/is-default-class") == "true";
}

// The class the claim asks for: spec.storageClassName when set (even ""),
// else the default class when the store holds StorageClasses, else unknown.
std::optional<std::string> ClassOf(const ObjectStore& store, const Json& claim) {
  const Json& v = At(claim, "/spec/storageClassName");
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (!Knows(store, "StorageClass")) {
    return std::nullopt;
  }
  for (const Json* sc : All(store, "StorageClass")) {
    if (IsDefaultClass(*sc)) {
      return Str(*sc, "/metadata/name");
    }
  }
  return std::string();
}

std::vector<std::string> Strings(const Json& arr) {
  std::vector<std::string> out;
  for (const auto& v : arr) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

int64_t Bytes(const Json& obj, const char* ptr) {
  auto q = cluster::ParseQuantity(Str(obj, ptr));
  return q ? *q : 0;
}

// True when pv could be bound to claim by the PV controller (class, phase,
// claimRef, size, access modes, volume mode, selector matchLabels;
// matchExpressions are not evaluated, which can only add candidates).
bool PvFits(const Json& pv, const Json& claim, const std::string& cls) {
  if (Str(pv, "/spec/storageClassName") != cls) return false;
  const std::string ref_name = Str(pv, "/spec/claimRef/name");
  const bool ours = ref_name == Str(claim, "/metadata/name") &&
                    Str(pv, "/spec/claimRef/namespace") == Str(claim, "/metadata/namespace");
  if (!ref_name.empty() && !ours) return false;
  if (Str(pv, "/status/phase") != "Available" && !ours) return false;
  if (Bytes(pv, "/spec/capacity/storage") < Bytes(claim, "/spec/resources/requests/storage")) return false;
  auto have = Strings(Arr(pv, "/spec/accessModes"));
  for (const auto& mode : Strings(Arr(claim, "/spec/accessModes"))) {
    if (std::find(have.begin(), have.end(), mode) == have.end()) return false;
  }
  auto mode_of = [](const Json& o) {
    std::string m = Str(o, "/spec/volumeMode");
    return m.empty() ? std::string("Filesystem") : m;
  };
  if (mode_of(pv) != mode_of(claim)) return false;
  const Json& labels = Obj(pv, "/metadata/labels");
  for (const auto& [k, want] : Obj(claim, "/spec/selector/matchLabels").items()) {
    if (!labels.contains(k) || labels[k] != want) return false;
  }
  return true;
}

// "storageClassName \"\", 1Gi, ReadWriteOnce"
std::string ClaimAsk(const Json& claim, const std::string& cls) {
  std::string out = fmt::format("storageClassName \"{}\"", cls);
  std::string size = Str(claim, "/spec/resources/requests/storage");
  if (!size.empty()) out += ", " + size;
  for (const auto& mode : Strings(Arr(claim, "/spec/accessModes"))) out += ", " + mode;
  return out;
}

bool InTree(const std::string& provisioner) { return provisioner.rfind("kubernetes.io/", 0) == 0; }

bool ClassNotFoundEvent(const EventView& e) {
  return e.reason == "ProvisioningFailed" && Contains(e.message, "storageclass") && Contains(e.message, "not found");
}

// Pods in the claim's namespace that mount it and are not being deleted.
std::vector<const Json*> Consumers(const ObjectStore& store, const Json& claim) {
  std::vector<const Json*> out;
  const std::string name = Str(claim, "/metadata/name");
  for (const Json* pod : All(store, "Pod", Str(claim, "/metadata/namespace"))) {
    auto claims = ClaimsOf(*pod);
    if (std::find(claims.begin(), claims.end(), name) != claims.end() && !IsTerminating(*pod)) {
      out.push_back(pod);
    }
  }
  return out;
}

class ClaimDiagnosis {
 public:
  ClaimDiagnosis(const ObjectStore& store, const Json& claim, bool from_pod)
      : store_(store),
        claim_(claim),
        from_pod_(from_pod),
        prefix_("claim " + Str(claim, "/metadata/name") + ": "),
        events_(EventsAbout(store, "PersistentVolumeClaim", claim)) {}

  std::vector<std::string> Run() {
    std::string phase = Str(claim_, "/status/phase");
    if (phase == "Bound") return {};
    if (phase == "Lost") {
      return {prefix_ + fmt::format("Lost: its PersistentVolume {} is gone and the data with it: delete the claim "
                                    "and the pods that use it so that a new volume is provisioned",
                                    Str(claim_, "/spec/volumeName"))};
    }
    if (PreBound() || Class()) return lines_;
    if (auto* w = Newest(events_, [](const EventView& e) { return e.type == "Warning"; })) {
      Add(fmt::format("{}{}: {}", w->reason, Times(w->count), w->message));
    } else if (!waiting_on_pod_) {
      Add("no event explains it yet");
    }
    return lines_;
  }

 private:
  void Add(const std::string& cause) { lines_.push_back(prefix_ + "Pending: " + cause); }

  // spec.volumeName names a PV that is missing or bound to another claim.
  bool PreBound() {
    std::string volume = Str(claim_, "/spec/volumeName");
    if (volume.empty() || !Knows(store_, "PersistentVolume")) return false;
    const Json* pv = Find(store_, "PersistentVolume", "", volume);
    if (!pv) {
      Add(fmt::format("asks for PersistentVolume {} (spec.volumeName), which does not exist: create that "
                      "PersistentVolume or recreate the claim without volumeName",
                      volume));
      return true;
    }
    std::string ref = Str(*pv, "/spec/claimRef/name");
    std::string ref_ns = Str(*pv, "/spec/claimRef/namespace");
    if (!ref.empty() && (ref != Str(claim_, "/metadata/name") || ref_ns != Str(claim_, "/metadata/namespace"))) {
      Add(fmt::format("asks for PersistentVolume {} (spec.volumeName), which belongs to claim {}/{}: use another "
                      "volume, or release that one",
                      volume, ref_ns, ref));
      return true;
    }
    return false;
  }

  // Everything that depends on the StorageClass. True when a cause was found
  // (or the claim is only waiting for its pod, which is not a cause).
  bool Class() {
    auto cls = ClassOf(store_, claim_);
    if (!cls) {
      // StorageClasses were not read and the claim names none: events only.
      return FromEventsOnly();
    }
    if (cls->empty()) return Static("", nullptr);
    const Json* sc = Knows(store_, "StorageClass") ? Find(store_, "StorageClass", "", *cls) : nullptr;
    if (Knows(store_, "StorageClass") && !sc) {
      MissingClass(*cls);
      return true;
    }
    if (!sc) {
      if (Newest(events_, ClassNotFoundEvent)) {
        MissingClass(*cls);
        return true;
      }
      return FromEventsOnly(*cls);
    }
    const std::string provisioner = Str(*sc, "/provisioner");
    if (provisioner == kNoProvisioner) return Static(*cls, sc);
    if (Str(*sc, "/volumeBindingMode") == "WaitForFirstConsumer" && FirstConsumer(*cls)) return true;
    return Provisioning(*cls, provisioner);
  }

  void MissingClass(const std::string& cls) {
    Add(fmt::format("StorageClass \"{}\" does not exist: create the StorageClass or recreate the claim with an "
                    "existing storageClassName",
                    cls));
  }

  // StorageClass unknown to the store: the PV controller's events tell.
  bool FromEventsOnly(const std::string& cls = {}) {
    if (Newest(events_, ClassNotFoundEvent) && !cls.empty()) {
      MissingClass(cls);
      return true;
    }
    if (Newest(events_, [](const EventView& e) {
          return e.reason == "WaitForFirstConsumer" || e.reason == "WaitForPodScheduled";
        })) {
      return FirstConsumer(cls);
    }
    if (Newest(events_, [](const EventView& e) { return e.reason == "ProvisioningFailed"; }) ||
        NewestReason(events_, "ExternalProvisioning")) {
      return Provisioning(cls, {});
    }
    if (auto* e = NewestReason(events_, "FailedBinding"); e && Contains(e->message, "no persistent volumes available")) {
      Add("no PersistentVolume matches it and it names no StorageClass to provision one (FailedBinding): create a "
          "matching PersistentVolume or set a storageClassName");
      return true;
    }
    return false;
  }

  // WaitForFirstConsumer and no volume.kubernetes.io/selected-node yet.
  bool FirstConsumer(const std::string& cls) {
    if (!Field(Obj(claim_, "/metadata/annotations"), "volume.kubernetes.io/selected-node").empty()) {
      return false;  // a node was picked: provisioning is under way
    }
    const std::string class_text = cls.empty() ? "its StorageClass" : fmt::format("StorageClass \"{}\"", cls);
    std::vector<std::string> waiting_for;
    bool none;
    if (Knows(store_, "Pod")) {
      for (const Json* pod : Consumers(store_, claim_)) waiting_for.push_back(Str(*pod, "/metadata/name"));
      none = waiting_for.empty();
    } else {
      const EventView* e = Newest(events_, [](const EventView& ev) {
        return ev.reason == "WaitForFirstConsumer" || ev.reason == "WaitForPodScheduled";
      });
      if (!e) return false;  // pods not read and no event: nothing known
      none = e->reason == "WaitForFirstConsumer";
      if (!none) waiting_for.push_back(e->message);
    }
    if (none) {
      Add(fmt::format("{} binds on first consumer (WaitForFirstConsumer) and no pod uses the claim: create a pod "
                      "that mounts it",
                      class_text));
      return true;
    }
    waiting_on_pod_ = true;
    if (!from_pod_) {
      bool from_event = !Knows(store_, "Pod");
      Add(fmt::format("{} ({} is WaitForFirstConsumer)",
                      from_event ? waiting_for[0]
                                 : (waiting_for.size() == 1 ? "waiting for pod " : "waiting for pods ") +
                                       JoinList(waiting_for) + " to be scheduled",
                      class_text));
    }
    return true;
  }

  // Dynamic provisioning: failures, a provisioner without a CSIDriver, or
  // a provisioner that has not acted.
  bool Provisioning(const std::string& cls, const std::string& provisioner) {
    if (auto* f = Newest(events_, [](const EventView& e) {
          return e.reason == "ProvisioningFailed" && !ClassNotFoundEvent(e);
        })) {
      Add(fmt::format("ProvisioningFailed{}: {}", Times(f->count), f->message));
      return true;
    }
    if (!provisioner.empty() && !InTree(provisioner) && Knows(store_, "CSIDriver") &&
        !Find(store_, "CSIDriver", "", provisioner)) {
      Add(fmt::format("no provisioner: StorageClass \"{}\" names provisioner \"{}\", and no CSIDriver \"{}\" is "
                      "installed: install that CSI driver or use a StorageClass whose provisioner runs",
                      cls, provisioner, provisioner));
      return true;
    }
    if (auto* e = NewestReason(events_, "ExternalProvisioning")) {
      std::string who = provisioner;
      if (who.empty()) {
        // "... by the external provisioner 'name' or ..."
        auto a = e->message.find('\'');
        auto b = a == std::string::npos ? a : e->message.find('\'', a + 1);
        if (b != std::string::npos) who = e->message.substr(a + 1, b - a - 1);
      }
      Add(fmt::format("waiting for external provisioner \"{}\" to create the volume (ExternalProvisioning{}): "
                      "check that the provisioner is running and registered",
                      who, e->count > 1 ? fmt::format(", {} times", e->count) : std::string()));
      return true;
    }
    return false;
  }

  // No dynamic provisioning: an Available PV must match.
  bool Static(const std::string& cls, const Json* sc) {
    const std::string why_none =
        sc ? fmt::format("StorageClass \"{}\" does not provision ({})", cls, kNoProvisioner)
           : std::string("it names no StorageClass to provision one");
    const std::string fix = sc ? "create a matching PersistentVolume"
                               : "create a matching PersistentVolume or set a storageClassName";
    if (Knows(store_, "PersistentVolume")) {
      for (const Json* pv : All(store_, "PersistentVolume")) {
        if (PvFits(*pv, claim_, cls)) return false;  // the binder will take it
      }
      Add(fmt::format("no PersistentVolume matches it ({}) and {}: {}", ClaimAsk(claim_, cls), why_none, fix));
      return true;
    }
    if (auto* e = NewestReason(events_, "FailedBinding"); e && Contains(e->message, "no persistent volumes available")) {
      Add(fmt::format("no PersistentVolume matches it ({}) and {} (FailedBinding): {}", ClaimAsk(claim_, cls),
                      why_none, fix));
      return true;
    }
    return false;
  }

  const ObjectStore& store_;
  const Json& claim_;
  bool from_pod_;
  std::string prefix_;
  std::vector<EventView> events_;
  std::vector<std::string> lines_;
  bool waiting_on_pod_ = false;
};

}  // namespace

std::vector<std::string> ClaimCauses(const ObjectStore& store, const Json& claim, bool from_pod) {
  return ClaimDiagnosis(store, claim, from_pod).Run();
}

std::vector<std::string> DiagnoseClaim(const ObjectStore& store, const Json& claim) {
  try {
    return ClaimCauses(store, claim, false);
  } catch (const std::exception& e) {
    return {fmt::format("claim {}: could not be diagnosed: {}", Str(claim, "/metadata/name"), e.what())};
  }
}

}  // namespace kdrill::diagnose
