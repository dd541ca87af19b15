#pragma once
// Builds a StatefulSet with its pods and claims in a FakeKubeApi and plays
// the StatefulSet controller: a deleted pod comes back under the same name
// with a new UID; a deleted claim comes back with a new UID when its pod is
// recreated; the StatefulSet's status follows.

#include <string>

#include "tests/fakes/fake_kube_api.h"

namespace kdrill::testing {

struct FakeStatefulSetOptions {
  std::string ns = "demo";
  std::string name = "web";
  int replicas = 3;
  int ordinal_start = 0;
  std::string claim_template = "data";
  std::string pod_management = "OrderedReady";
};

class FakeStatefulSet {
 public:
  FakeStatefulSet(FakeKubeApi& api, FakeStatefulSetOptions opts);
  // Creates the StatefulSet, claims, PVs and Ready pods, settled.
  void Create();
  // Installs the controller hooks on the api (on_delete).
  void PlayController();
  // The claim UID a pod currently mounts ("" when absent): the fake volume id.
  std::string ClaimUidOf(const std::string& pod) const;

  kube::Json MakePod(int ordinal, bool ready) const;
  void UpdateStatus();

  const FakeStatefulSetOptions& options() const { return opts_; }

 private:
  void EnsureClaim(int ordinal);
  FakeKubeApi& api_;
  FakeStatefulSetOptions opts_;
  int pv_counter_ = 0;
};

}  // namespace kdrill::testing
