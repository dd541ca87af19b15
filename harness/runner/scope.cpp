#include "harness/runner/scope.h"
#include "harness/core/json_fields.h"

#include <algorithm>
#include <random>

#include "harness/kube/resource_mapper.h"

namespace kdrill {

namespace {
bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
}  // namespace

Status CheckNamespaceAllowed(const ScopePolicy& policy, const std::string& ns) {
  if (ns.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "no target namespace: set spec.target.namespace or pass -n");
  }
  if (Contains(policy.protected_namespaces, ns) && !Contains(policy.allowed, ns)) {
    return MakeError(ErrorCode::kForbidden, "refusing to run in protected namespace \"" + ns +
                                                "\"; if you really mean it, pass --allow-namespace " + ns);
  }
  return Ok();
}

Status CheckContextAllowed(const ScopePolicy& policy, const std::string& context) {
  if (policy.allowed_contexts.empty() || Contains(policy.allowed_contexts, context)) {
    return Ok();
  }
  std::string list;
  for (const auto& c : policy.allowed_contexts) list += (list.empty() ? "" : ", ") + c;
  return MakeError(ErrorCode::kForbidden, "refusing to use kubeconfig context \"" + context +
                                              "\": only these are allowed (--allow-context / KDRILL_ALLOWED_CONTEXTS): " +
                                              list);
}

Status CheckSetupScope(const drill::Drill& drill, const std::string& ns) {
  for (const auto& item : drill.setup) {
    for (const auto& obj : item.objects) {
      std::string where = item.location.ToString() + " (" + item.source + ")";
      auto ref = RefForObject(obj, ns);
      if (!ref) {
        return MakeError(ErrorCode::kInvalidArgument, where + ": " + ref.error().message);
      }
      std::string kind = json::Str(obj, "/kind");
      if (kind == "Namespace") {
        if (ref->name != ns) {
          return MakeError(ErrorCode::kForbidden, where + ": setup creates Namespace \"" + ref->name +
                                                      "\", but the drill's namespace is \"" + ns +
                                                      "\"; a drill only changes its own namespace");
        }
        continue;
      }
      if (ref->ns.empty()) {
        return MakeError(ErrorCode::kForbidden, where + ": setup object " + kind + " \"" + ref->name +
                                                    "\" is cluster-scoped; a drill only changes its own namespace");
      }
      if (ref->ns != ns) {
        return MakeError(ErrorCode::kForbidden, where + ": setup object " + kind + " \"" + ref->name +
                                                    "\" is in namespace \"" + ref->ns + "\", not the drill's \"" + ns +
                                                    "\"");
      }
    }
  }
  return Ok();
}

Status CheckDrillScope(const ScopePolicy& policy, const drill::Drill& drill, const std::string& context) {
  Status scope = CheckNamespaceAllowed(policy, drill.ns);
  if (scope) scope = CheckContextAllowed(policy, context);
  if (scope) scope = CheckSetupScope(drill, drill.ns);
  return scope;
}

ChosenSeed ChooseSeed(std::optional<uint64_t> flag, std::optional<uint64_t> spec) {
  if (flag) return {*flag, SeedSource::kFlag};
  if (spec) return {*spec, SeedSource::kSpec};
  std::random_device rd;
  return {(static_cast<uint64_t>(rd()) << 32) | rd(), SeedSource::kRandom};
}

}  // namespace kdrill
