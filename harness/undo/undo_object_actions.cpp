#include "harness/undo/undo_object_actions.h"
#include "harness/core/json_fields.h"

#include "harness/cluster/statefulset.h"
#include "harness/watch/await_object.h"
#include "harness/undo/undo_actions.h"

namespace kdrill {

nlohmann::json WithFields(nlohmann::json obj, const nlohmann::json& fields) {
  for (const auto& [path, value] : fields.items()) {
    nlohmann::json::json_pointer ptr(path);
    if (value.is_null()) {
      if (obj.contains(ptr)) {
        obj[ptr.parent_pointer()].erase(ptr.back());
      }
    } else {
      obj[ptr] = value;
    }
  }
  return obj;
}

Result<std::string> UndoEnsureObject(const nlohmann::json& action, kube::KubeApi& api) {
  auto ref = RefFromJson(json::Obj(action, "/ref"));
  auto got = api.Get(ref);
  if (got) {
    return std::string("present, left alone");
  }
  if (got.error().code != ErrorCode::kNotFound) {
    return std::unexpected(got.error());
  }
  kube::ResourceRef coll = ref;
  coll.name.clear();
  auto created = api.Create(coll, json::Obj(action, "/object"));
  if (!created) {
    if (created.error().code == ErrorCode::kAlreadyExists) {
      return std::string("present, left alone");
    }
    return std::unexpected(
        Error(created.error().code, "recreating " + ref.Describe() + ": " + created.error().message));
  }
  return "recreated (uid " + json::Str(*created, "/metadata/uid") + ")";
}

Status AwaitStatefulSetSettled(kube::KubeApi& api, Clock& clock, const kube::ResourceRef& ref, int seconds,
                               std::stop_token stop) {
  AwaitOptions opts;
  opts.timeout = std::chrono::seconds(seconds);
  kube::Json last;
  auto st = AwaitObject(
      api, clock, ref, [](const kube::Json* o) { return o == nullptr || cluster::Settled(*o); }, opts, stop, {}, &last);
  if (!st && st.error().code == ErrorCode::kTimeout) {
    std::string why;
    if (!last.is_null()) {
      cluster::Settled(last, &why);
    }
    return MakeError(ErrorCode::kTimeout, ref.Describe() + " did not settle within " + std::to_string(seconds) +
                                              "s (" + why + "); check `kubectl describe` of it and its pods");
  }
  return st;
}

Result<std::string> UndoRestoreFields(const nlohmann::json& action, kube::KubeApi& api, Clock& clock,
                                      std::stop_token stop) {
  auto ref = RefFromJson(json::Obj(action, "/ref"));
  const auto fields = json::Obj(action, "/fields");
  bool changed = false;
  for (int attempt = 1;; ++attempt) {
    auto cur = api.Get(ref);
    if (!cur) {
      if (cur.error().code == ErrorCode::kNotFound) {
        return std::string("already gone");
      }
      return std::unexpected(cur.error());
    }
    auto want = WithFields(*cur, fields);
    if (want == *cur) {
      break;
    }
    auto r = api.Replace(ref, want);
    if (r) {
      changed = true;
      break;
    }
    if (r.error().code != ErrorCode::kConflict || attempt >= 5) {
      return std::unexpected(Error(r.error().code, "restoring " + ref.Describe() + ": " + r.error().message));
    }
  }
  int settle = json::Int(action, "/settleSeconds");
  if (settle > 0 && ref.resource == "statefulsets") {
    if (auto st = AwaitStatefulSetSettled(api, clock, ref, settle, stop); !st) {
      return std::unexpected(st.error());
    }
    return std::string(changed ? "restored; settled" : "already as recorded; settled");
  }
  return std::string(changed ? "restored" : "already as recorded");
}

}  // namespace kdrill
