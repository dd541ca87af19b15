#include "harness/faults/claim_resize.h"
#include "harness/core/json_fields.h"

#include <fmt/format.h>

#include "harness/cluster/quantity.h"
#include "harness/watch/await_object.h"

namespace kdrill::faults {

namespace {

int64_t BytesAt(const kube::Json& obj, const char* ptr) {
  kube::Json::json_pointer p(ptr);
  if (!obj.contains(p) || !obj.at(p).is_string()) {
    return 0;
  }
  return cluster::ParseQuantity(obj.at(p).get<std::string>()).value_or(0);
}

kube::ResourceRef StorageClasses(const std::string& name) {
  return {"storage.k8s.io/v1", "storageclasses", "", name, ""};
}

// Status fields the resizer sets when expansion cannot succeed (Kubernetes
// RecoverVolumeExpansionFailure).
std::string Infeasible(const kube::Json& pvc) {
  auto statuses = json::Obj(pvc, "/status/allocatedResourceStatuses");
  for (const auto& [res, st] : statuses.items()) {
    std::string s = st.is_string() ? st.get<std::string>() : "";
    if (s.find("Infeasible") != std::string::npos) {
      return res + ": " + s;
    }
  }
  return "";
}

}  // namespace

Result<ClaimSize> ReadClaimSize(kube::KubeApi& api, const std::string& ns, const std::string& claim) {
  auto pvc = api.Get(kube::Pvcs(ns, claim));
  if (!pvc) {
    return std::unexpected(Error(pvc.error().code, "reading claim " + ns + "/" + claim + ": " + pvc.error().message));
  }
  ClaimSize c;
  c.name = claim;
  c.uid = json::Str(*pvc, "/metadata/uid");
  c.storage_class = json::Str(*pvc, "/spec/storageClassName");
  c.requested = BytesAt(*pvc, "/spec/resources/requests/storage");
  c.capacity = BytesAt(*pvc, "/status/capacity/storage");
  c.object = *pvc;
  return c;
}

Result<SizeChange> ReadSizeChange(const drill::Params& p, const std::string& fault) {
  if (p.Has("size") == p.Has("increase")) {
    return std::unexpected(p.ErrorAt("", fault + " needs exactly one of params.size (the new size, e.g. 128Mi) or "
                                              "params.increase (added to the current size, e.g. 64Mi)"));
  }
  SizeChange out;
  const std::string key = p.Has("size") ? "size" : "increase";
  // A quantity ("128Mi") or a whole number of bytes (134217728).
  Result<int64_t> bytes = p.GetInt(key, 0);
  if (!bytes) {
    auto text = p.GetString(key, "");
    if (!text) {
      return std::unexpected(p.ErrorAt(key, "expected a quantity like \"128Mi\" or a "
                                                  "whole number of bytes"));
    }
    bytes = cluster::ParseQuantity(*text);
    if (!bytes) {
      return std::unexpected(p.ErrorAt(key, bytes.error().message));
    }
  }
  if (*bytes <= 0) {
    return std::unexpected(p.ErrorAt(key, "must be greater than zero"));
  }
  (key == "size" ? out.size : out.increase) = *bytes;
  return out;
}

Result<int64_t> TargetSize(const SizeChange& change, int64_t current, const std::string& what,
                           const drill::Params& p) {
  if (change.increase) {
    return current + *change.increase;
  }
  if (*change.size <= current) {
    Error e = p.ErrorAt("size", fmt::format("{} is not larger than {}'s current {}: claims cannot shrink (and an "
                                            "equal size changes nothing); give a larger size or use increase",
                                            cluster::FormatQuantity(*change.size), what,
                                            cluster::FormatQuantity(current)));
    e.code = ErrorCode::kFailedPrecondition;
    return std::unexpected(e);
  }
  return *change.size;
}

Status CheckExpandable(kube::KubeApi& api, const std::string& ns, const ClaimSize& claim,
                       const std::string& location) {
  std::string where = location.empty() ? "" : location + ": ";
  if (claim.storage_class.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     where + "claim " + ns + "/" + claim.name +
                         " has no storageClassName, so nothing can expand it; use a claim from a StorageClass with "
                         "allowVolumeExpansion: true");
  }
  auto sc = api.Get(StorageClasses(claim.storage_class));
  if (!sc) {
    return std::unexpected(Error(sc.error().code, where + "reading StorageClass " + claim.storage_class + " of claim " +
                                                      claim.name + ": " + sc.error().message));
  }
  if (!json::Bool(*sc, "/allowVolumeExpansion")) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     where + "refusing to resize claim " + ns + "/" + claim.name + ": its StorageClass " +
                         claim.storage_class +
                         " does not allow volume expansion (allowVolumeExpansion is not true); the API server would "
                         "reject the change. Target claims of an expandable StorageClass, or set "
                         "allowVolumeExpansion: true on " + claim.storage_class + " if its driver supports it");
  }
  return Ok();
}

Status RequestStorage(kube::KubeApi& api, const std::string& ns, const std::string& claim, int64_t bytes) {
  kube::Json patch = {{"spec", {{"resources", {{"requests", {{"storage", cluster::FormatQuantity(bytes)}}}}}}}};
  auto r = api.Patch(kube::Pvcs(ns, claim), kube::PatchType::kMerge, patch.dump());
  if (!r) {
    return std::unexpected(Error(r.error().code, "resizing claim " + ns + "/" + claim + " to " +
                                                     cluster::FormatQuantity(bytes) + ": " + r.error().message));
  }
  return Ok();
}

std::string DescribeConditions(const kube::Json& pvc) {
  std::vector<std::string> out;
  for (const auto& c : json::Arr(pvc, "/status/conditions")) {
    std::string line = json::Str(c, "/type") + "=" + json::Str(c, "/status");
    std::string msg = json::Str(c, "/message");
    if (!json::Str(c, "/reason").empty()) {
      line += " reason " + json::Str(c, "/reason");
    }
    if (!msg.empty()) {
      line += " (" + msg + ")";
    }
    out.push_back(line);
  }
  return out.empty() ? "no conditions" : fmt::format("{}", fmt::join(out, "; "));
}

std::vector<std::string> ClaimEvents(kube::KubeApi& api, const std::string& ns, const std::string& claim) {
  std::vector<std::string> out;
  kube::ListOptions lo;
  lo.field_selector = "involvedObject.kind=PersistentVolumeClaim,involvedObject.name=" + claim;
  auto list = api.List(kube::Events(ns), lo);
  if (!list) {
    out.push_back("(events unavailable: " + list.error().message + ")");
    return out;
  }
  for (const auto& e : (*list)["items"]) {
    out.push_back(fmt::format("{} {}: {}", json::Str(e, "/type"), json::Str(e, "/reason"), json::Str(e, "/message")));
  }
  return out;
}

Status AwaitCapacity(FaultContext& ctx, const std::string& claim, int64_t bytes, std::chrono::milliseconds timeout) {
  std::string seen_conditions;
  std::string infeasible;
  AwaitOptions opts;
  opts.timeout = timeout;
  kube::Json last;
  auto done = [&](const kube::Json* pvc) {
    if (pvc == nullptr) {
      return false;
    }
    std::string conds = DescribeConditions(*pvc);
    if (conds != seen_conditions && conds != "no conditions") {
      ctx.log(fmt::format("claim {}: {}", claim, conds));
    }
    seen_conditions = conds;
    infeasible = Infeasible(*pvc);
    return !infeasible.empty() || BytesAt(*pvc, "/status/capacity/storage") >= bytes;
  };
  auto progress = [&](std::chrono::seconds e, const kube::Json* pvc) {
    ctx.log(fmt::format("  claim {}: capacity {} of {} after {}s", claim,
                        pvc ? json::Str(*pvc, "/status/capacity/storage", "?") : "(absent)",
                        cluster::FormatQuantity(bytes), e.count()));
  };
  auto st = AwaitObject(ctx.api, ctx.clock, kube::Pvcs(ctx.ns, claim), done, opts, ctx.stop, progress, &last);
  auto explain = [&](const std::string& what) {
    std::string msg = fmt::format("claim {}/{} {}; capacity {}, conditions: {}", ctx.ns, claim, what,
                                  json::Str(last, "/status/capacity/storage", "?"),
                                  last.is_null() ? "(claim gone)" : DescribeConditions(last));
    auto events = ClaimEvents(ctx.api, ctx.ns, claim);
    msg += events.empty() ? "; no events" : fmt::format("; events: {}", fmt::join(events, " | "));
    return msg;
  };
  if (st && !infeasible.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     explain("cannot be resized to " + cluster::FormatQuantity(bytes) + " (" + infeasible + ")") +
                         "; check the CSI driver's resizer and the volume's backing store");
  }
  if (!st) {
    if (st.error().code == ErrorCode::kTimeout) {
      bool fs_pending = seen_conditions.find("FileSystemResizePending=True") != std::string::npos;
      return MakeError(ErrorCode::kTimeout,
                       explain(fmt::format("did not reach {} within {}s", cluster::FormatQuantity(bytes),
                                           timeout.count() / 1000)) +
                           (fs_pending ? "; the volume grew but the file system waits for the node (is a pod "
                                         "mounting the claim running?)"
                                       : "; raise params.timeout or check the CSI resizer"));
    }
    return st;
  }
  return Ok();
}

Status ValidateResizeParams(const drill::Params& p, const std::string& fault,
                            std::chrono::milliseconds default_timeout) {
  if (auto s = p.CheckKnownKeys({"size", "increase", "volume", "timeout"}, fault + " params"); !s) {
    return s;
  }
  if (auto c = ReadSizeChange(p, fault); !c) {
    return std::unexpected(c.error());
  }
  if (auto v = p.GetString("volume", ""); !v) {
    return std::unexpected(v.error());
  }
  auto t = p.GetDuration("timeout", default_timeout);
  if (!t) {
    return std::unexpected(t.error());
  }
  if (t->count() < 1000) {
    return std::unexpected(p.ErrorAt("timeout", "must be at least 1s"));
  }
  return Ok();
}

}  // namespace kdrill::faults
