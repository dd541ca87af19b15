#include "tests/fakes/fake_statefulset.h"

#include "harness/cluster/statefulset.h"

namespace kdrill::testing {

FakeStatefulSet::FakeStatefulSet(FakeKubeApi& api, FakeStatefulSetOptions opts) : api_(api), opts_(std::move(opts)) {}

kube::Json FakeStatefulSet::MakePod(int ordinal, bool ready) const {
  std::string name = cluster::PodName(opts_.name, ordinal);
  std::string claim = cluster::ClaimName(opts_.claim_template, opts_.name, ordinal);
  return {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata",
       {{"name", name},
        {"labels", {{"app", opts_.name}}},
        {"ownerReferences", {{{"kind", "StatefulSet"}, {"name", opts_.name}, {"controller", true}}}}}},
      {"spec",
       {{"hostname", name},
        {"subdomain", opts_.name},  // the controller sets serviceName (here the StatefulSet's name)
        {"nodeName", ordinal % 2 ? "node-b" : "node-a"},
        {"containers", {{{"name", "app"}, {"volumeMounts", {{{"name", opts_.claim_template}, {"mountPath", "/data"}}}}}}},
        {"volumes", {{{"name", opts_.claim_template}, {"persistentVolumeClaim", {{"claimName", claim}}}}}}}},
      {"status",
       {{"phase", "Running"},
        {"podIP", "10.0.0." + std::to_string(ordinal + 10)},
        {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}}}}};
}

void FakeStatefulSet::EnsureClaim(int ordinal) {
  std::string claim = cluster::ClaimName(opts_.claim_template, opts_.name, ordinal);
  if (!api_.Peek(kube::Pvcs(opts_.ns, claim)).is_null()) return;
  std::string pv = "pv-" + std::to_string(++pv_counter_);
  api_.Put(kube::Pvs(), {{"metadata", {{"name", pv}}}, {"spec", {{"claimRef", {{"name", claim}}}}}, {"status", {{"phase", "Bound"}}}});
  api_.Put(kube::Pvcs(opts_.ns), {{"metadata", {{"name", claim}, {"labels", {{"app", opts_.name}}}}},
                                  {"spec", {{"volumeName", pv}, {"storageClassName", "standard"}}},
                                  {"status", {{"phase", "Bound"}, {"capacity", {{"storage", "64Mi"}}}}}});
}

void FakeStatefulSet::UpdateStatus() {
  auto sts = api_.Peek(kube::StatefulSets(opts_.ns, opts_.name));
  int ready = 0;
  int present = 0;
  for (int i = opts_.ordinal_start; i < opts_.ordinal_start + opts_.replicas; ++i) {
    auto pod = api_.Peek(kube::Pods(opts_.ns, cluster::PodName(opts_.name, i)));
    if (pod.is_null()) continue;
    ++present;
    if (cluster::PodReady(pod)) ++ready;
  }
  sts["status"] = {{"observedGeneration", sts["metadata"].value("generation", 1)},
                   {"replicas", present},
                   {"readyReplicas", ready},
                   {"updatedReplicas", present},
                   {"currentRevision", "r1"},
                   {"updateRevision", "r1"}};
  api_.Put(kube::StatefulSets(opts_.ns), sts);
}

void FakeStatefulSet::Create() {
  kube::Json sts = {{"apiVersion", "apps/v1"},
                    {"kind", "StatefulSet"},
                    {"metadata", {{"name", opts_.name}, {"generation", 1}}},
                    {"spec",
                     {{"replicas", opts_.replicas},
                      {"serviceName", opts_.name},
                      {"podManagementPolicy", opts_.pod_management},
                      {"selector", {{"matchLabels", {{"app", opts_.name}}}}},
                      {"volumeClaimTemplates", {{{"metadata", {{"name", opts_.claim_template}}}}}}}}};
  if (opts_.ordinal_start != 0) sts["spec"]["ordinals"] = {{"start", opts_.ordinal_start}};
  api_.Put(kube::StatefulSets(opts_.ns), sts);
  for (int i = opts_.ordinal_start; i < opts_.ordinal_start + opts_.replicas; ++i) {
    EnsureClaim(i);
    api_.Put(kube::Pods(opts_.ns), MakePod(i, true));
  }
  UpdateStatus();
}

void FakeStatefulSet::PlayController() {
  api_.on_delete = [this](const kube::ResourceRef& ref, const kube::Json& deleted) {
    if (ref.resource != "pods" || ref.ns != opts_.ns) return;
    auto ord = cluster::OrdinalOf(ref.name, opts_.name);
    if (!ord) return;
    UpdateStatus();
    EnsureClaim(*ord);
    api_.Put(kube::Pods(opts_.ns), MakePod(*ord, true));
    UpdateStatus();
  };
}

std::string FakeStatefulSet::ClaimUidOf(const std::string& pod) const {
  if (api_.Peek(kube::Pods(opts_.ns, pod)).is_null()) return "";
  auto ord = cluster::OrdinalOf(pod, opts_.name);
  if (!ord) return "";
  auto pvc = api_.Peek(kube::Pvcs(opts_.ns, cluster::ClaimName(opts_.claim_template, opts_.name, *ord)));
  return pvc.is_null() ? "" : pvc["metadata"].value("uid", "");
}

}  // namespace kdrill::testing
