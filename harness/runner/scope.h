#pragma once
// Safety rails: which namespaces and objects a drill may touch; and the
// seed a run chooses before it starts.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/status.h"
#include "harness/drill/model.h"

namespace kdrill {

struct ScopePolicy {
  // Namespaces refused unless listed in allowed (kube-system, kube-public,
  // kube-node-lease by default).
  std::vector<std::string> protected_namespaces = {"kube-system", "kube-public", "kube-node-lease"};
  std::vector<std::string> allowed;  // --allow-namespace
  // When non-empty, the kubeconfig context must be one of these
  // (--allow-context / KDRILL_ALLOWED_CONTEXTS).
  std::vector<std::string> allowed_contexts;
};

// kForbidden when ns is protected and not explicitly allowed.
Status CheckNamespaceAllowed(const ScopePolicy& policy, const std::string& ns);
Status CheckContextAllowed(const ScopePolicy& policy, const std::string& context);

// Every setup object must live in the drill's namespace, or be that
// Namespace itself. kForbidden with the manifest's file:line:col otherwise.
Status CheckSetupScope(const drill::Drill& drill, const std::string& ns);

// The safety rails a run and a plan check before anything else, in this
// order: the drill's namespace, the context, the setup objects' scope.
Status CheckDrillScope(const ScopePolicy& policy, const drill::Drill& drill, const std::string& context);

// Where a run's seed came from: --seed, spec.seed, or drawn at random.
enum class SeedSource { kFlag, kSpec, kRandom };
struct ChosenSeed {
  uint64_t seed = 0;
  SeedSource source = SeedSource::kRandom;
};
ChosenSeed ChooseSeed(std::optional<uint64_t> flag, std::optional<uint64_t> spec);

}  // namespace kdrill
