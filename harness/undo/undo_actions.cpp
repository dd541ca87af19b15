#include "harness/undo/undo_actions.h"
#include "harness/core/json_fields.h"

#include "harness/cluster/statefulset.h"
#include "harness/watch/await_object.h"
#include "harness/watch/object_waits.h"
#include "harness/undo/undo_object_actions.h"

namespace kdrill {

nlohmann::json RefToJson(const kube::ResourceRef& ref) {
  return {{"apiVersion", ref.api_version},
          {"resource", ref.resource},
          {"namespace", ref.ns},
          {"name", ref.name},
          {"subresource", ref.subresource}};
}

kube::ResourceRef RefFromJson(const nlohmann::json& j) {
  return {json::Str(j, "/apiVersion"), json::Str(j, "/resource"), json::Str(j, "/namespace"), json::Str(j, "/name"),
          json::Str(j, "/subresource")};
}

namespace {

// "exec": see the header. A command that cannot run because the pod is absent
// or not running is retried once the pod is Ready when the file lives on a
// claim that still exists.
Result<std::string> UndoExec(const nlohmann::json& action, kube::KubeApi& api, PodExecutor& exec, Clock& clock,
                             std::stop_token stop) {
  ExecRequest req;
  req.ns = json::Str(action, "/namespace");
  req.pod = json::Str(action, "/pod");
  req.container = json::Str(action, "/container");
  req.argv = json::Strings(action, "/argv");
  if (req.argv.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the journal's exec action has no argv (a list of strings); "
                                                  "the entry is damaged");
  }
  const std::string claim = json::Str(action, "/claim");
  auto r = exec.Exec(req);
  if (!r && !claim.empty() &&
      (r.error().code == ErrorCode::kNotFound || r.error().code == ErrorCode::kUnavailable)) {
    auto c = api.Get(kube::Pvcs(req.ns, claim));
    if (!c && c.error().code == ErrorCode::kNotFound) {
      return std::string("claim " + claim + " gone: its files went with it");
    }
    AwaitOptions opts;
    opts.timeout = std::chrono::seconds(json::Int(action, "/podReadySeconds", 120));
    auto ready = AwaitObject(
        api, clock, kube::Pods(req.ns, req.pod),
        [](const kube::Json* p) { return p && !cluster::PodTerminating(*p) && cluster::PodReady(*p); }, opts, stop);
    if (!ready) {
      return std::unexpected(Error(ready.error().code, "pod " + req.pod + " (mounting claim " + claim +
                                                           ", which still holds the file) is not Ready: " +
                                                           ready.error().message));
    }
    r = exec.Exec(req);
  }
  if (!r) {
    if (r.error().code == ErrorCode::kNotFound && claim.empty()) {
      return std::string("pod gone");
    }
    return std::unexpected(r.error());
  }
  if (r->exit_code != 0) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "command in pod " + req.pod + " exited " + std::to_string(r->exit_code) + ": " + r->stderr_data);
  }
  return std::string("restored");
}

}  // namespace

Result<std::string> ExecuteUndo(const nlohmann::json& action, kube::KubeApi& api, PodExecutor& exec, Clock& clock,
                                std::stop_token stop) {
  const std::string kind = json::Str(action, "/kind");
  if (kind == "none") {
    return std::string("nothing to restore");
  }
  if (kind == "delete-object") {
    auto ref = RefFromJson(json::Obj(action, "/ref"));
    std::string uid = json::Str(action, "/uid");
    kube::DeleteOptions opts;
    opts.precondition_uid = uid;
    opts.propagation_policy = "Background";
    auto st = api.Delete(ref, opts);
    if (!st) {
      if (st.error().code == ErrorCode::kNotFound) {
        return std::string("already gone");
      }
      // A different incarnation under the same name is not ours to delete.
      if (st.error().code == ErrorCode::kConflict && !uid.empty()) {
        return std::string("left alone: a newer object of that name exists");
      }
      return std::unexpected(st.error());
    }
    if (json::Bool(action, "/wait")) {
      auto timeout = std::chrono::seconds(json::Int(action, "/timeoutSeconds", 120));
      if (auto w = WaitForDeletion(api, clock, ref, uid, timeout, stop); !w) {
        return std::unexpected(w.error());
      }
    }
    return std::string("deleted");
  }
  if (kind == "patch") {
    auto ref = RefFromJson(json::Obj(action, "/ref"));
    std::string type = json::Str(action, "/patchType", "merge");
    auto pt = type == "strategic" ? kube::PatchType::kStrategicMerge : kube::PatchType::kMerge;
    auto r = api.Patch(ref, pt, json::Obj(action, "/patch").dump());
    if (!r) {
      if (r.error().code == ErrorCode::kNotFound) {
        return std::string("already gone");
      }
      return std::unexpected(r.error());
    }
    return std::string("restored");
  }
  if (kind == "delete-claims") {
    // The claims a setup-created StatefulSet made: <template>-<sts>-<ordinal>.
    std::string ns = json::Str(action, "/namespace");
    std::string sts = json::Str(action, "/statefulset");
    auto templates = json::Strings(action, "/templates");
    auto list = api.List(kube::Pvcs(ns), {});
    if (!list) {
      if (list.error().code == ErrorCode::kNotFound) {
        return std::string("namespace gone");
      }
      return std::unexpected(list.error());
    }
    int deleted = 0;
    for (const auto& pvc : (*list)["items"]) {
      std::string name = json::Str(pvc["metadata"], "/name");
      bool ours = false;
      for (const auto& t : templates) {
        std::string prefix = t + "-" + sts + "-";
        if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
            name.find_first_not_of("0123456789", prefix.size()) == std::string::npos) {
          ours = true;
        }
      }
      if (!ours) {
        continue;
      }
      auto ref = kube::Pvcs(ns, name);
      std::string uid = json::Str(pvc["metadata"], "/uid");
      auto st = api.Delete(ref, {});
      if (!st && st.error().code != ErrorCode::kNotFound) {
        return std::unexpected(st.error());
      }
      auto timeout = std::chrono::seconds(json::Int(action, "/timeoutSeconds", 180));
      if (auto w = WaitForDeletion(api, clock, ref, uid, timeout, stop); !w) {
        return std::unexpected(w.error());
      }
      ++deleted;
    }
    return "deleted " + std::to_string(deleted) + " claims";
  }
  if (kind == "exec") {
    return UndoExec(action, api, exec, clock, stop);
  }
  if (kind == "ensure-object") {
    return UndoEnsureObject(action, api);
  }
  if (kind == "restore-fields") {
    return UndoRestoreFields(action, api, clock, stop);
  }
  return MakeError(ErrorCode::kInvalidArgument, "unknown undo action kind \"" + kind + "\"");
}

}  // namespace kdrill
