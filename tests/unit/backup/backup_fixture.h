#pragma once
// A small cluster for the backup-and-restore tests, in memory: StatefulSet
// demo/web (3 pods, claim template "data" at /data in container "app") whose
// controller reconciles replicas (creating missing claims empty, as the real
// one does), restore helper pods that become Ready, CSI snapshots that copy a
// claim's data and claims restored from them, and namespace deletion that
// takes everything in it. Volumes are keyed by claim UID, so a recreated
// claim really starts empty. FakeVolumeExecutor runs the commands kdrill
// sends through exec (tar, the listing, seed and change scripts, rm, sync)
// against those volumes.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "assertions/assertion.h"
#include "harness/backup/backup_provider.h"
#include "harness/backup/sha256.h"
#include "harness/cluster/statefulset.h"
#include "harness/faults/fault.h"
#include "harness/undo/journal.h"
#include "harness/watch/timeline.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_clock.h"
#include "tests/unit/backup/tar_testing.h"
#include "tests/unit/runner/drill_fixture.h"

namespace kdrill::backup::testing {

using kdrill::testing::FakeKubeApi;
using Files = std::map<std::string, std::string>;  // path relative to the volume root -> content

class FakeVolumeExecutor : public PodExecutor {
 public:
  explicit FakeVolumeExecutor(FakeKubeApi& api) : api_(api) {}

  std::map<std::string, Files> volumes;  // claim uid -> files
  std::vector<ExecRequest> calls;
  std::function<std::optional<ExecResult>(const ExecRequest&)> intercept;  // a test's override

  Result<ExecResult> Exec(const ExecRequest& req) override {
    calls.push_back(req);
    if (intercept) {
      if (auto r = intercept(req)) return *r;
    }
    auto pod = api_.Peek(kube::Pods(req.ns, req.pod));
    if (pod.is_null()) return MakeError(ErrorCode::kNotFound, "pods \"" + req.pod + "\" not found");
    const auto& a = req.argv;
    ExecResult r{0, "", ""};
    auto at = [&](const std::string& path) -> std::pair<Files*, std::string> { return Locate(pod, req.ns, path); };
    if (a.size() == 6 && a[0] == "tar" && a[3] == "-cf") {
      auto [files, rel] = at(a[2]);
      if (!files) return ExecResult{2, "", "tar: no volume at " + a[2]};
      std::vector<TarItem> items = {{"./", '5', "", ""}};
      for (const auto& [p, c] : *files) items.push_back({"./" + p, '0', c, ""});
      std::ofstream(*req.stdout_path, std::ios::binary) << MakeTar(items);
      return r;
    }
    if (a.size() == 5 && a[0] == "tar" && a[3] == "-xf") {
      auto [files, rel] = at(a[2]);
      if (!files) return ExecResult{2, "", "tar: no volume at " + a[2]};
      std::ifstream in(*req.stdin_path, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      for (const auto& [p, c] : ExtractTar(ss.str())) (*files)[p] = c;
      return r;
    }
    if (a.size() == 1 && a[0] == "sync") return r;
    if (a.size() >= 3 && a[0] == "rm") {
      for (size_t i = 2; i < a.size(); ++i) {
        auto [files, rel] = at(a[i]);
        if (!files) continue;
        for (auto it = files->begin(); it != files->end();) {
          it = (it->first == rel || it->first.rfind(rel + "/", 0) == 0) ? files->erase(it) : std::next(it);
        }
      }
      return r;
    }
    if (a.size() >= 5 && a[0] == "sh" && a[1] == "-c") {
      const std::string& script = a[2];
      if (script.find("--kdrill-sizes--") != std::string::npos) {  // the listing
        auto [files, rel] = at(a[4]);
        if (!files) return ExecResult{3, "", ""};
        std::string sums, sizes;
        for (const auto& [p, c] : *files) {
          if (!rel.empty() && p.rfind(rel + "/", 0) != 0) continue;
          std::string sub = rel.empty() ? p : p.substr(rel.size() + 1);
          sums += Sha256Hex(c) + "  ./" + sub + "\n";
          sizes += std::to_string(c.size()) + " ./" + sub + "\n";
        }
        r.stdout_data = sums + "--kdrill-sizes--\n" + sizes;
        return r;
      }
      if (script.find("sha256sum file-*") != std::string::npos) {  // backup-restore's seed
        auto [files, rel] = at(a[4]);
        if (!files) return ExecResult{1, "", "no volume"};
        int n = std::stoi(a[5]);
        size_t bytes = std::stoul(a[6]);
        r.stdout_data = "sha256\n";  // the seed script names its algorithm first
        for (int i = 0; i < n; ++i) {
          std::string name = "file-" + std::to_string(i);
          std::string content(bytes, static_cast<char>('a' + (seed_++ % 26)));
          (*files)[rel + "/" + name] = content;
          r.stdout_data += Sha256Hex(content) + "  " + name + "\n";
        }
        return r;
      }
      if (script.find("changed by kdrill after the backup") != std::string::npos) {  // mutate-data
        auto [files, rel] = at(a[4]);
        if (!files) return ExecResult{1, "", "no volume"};
        std::string prefix = rel.empty() ? "" : rel + "/";
        std::string added = prefix + a[5];
        (*files)[added] = std::string(std::stoul(a[6]), 'N');
        r.stdout_data = Sha256Hex((*files)[added]) + "  " + a[5] + "\n";
        if (a.size() > 7 && !a[7].empty()) {
          (*files)[prefix + a[7]] += "changed by kdrill after the backup\n";
          r.stdout_data += Sha256Hex((*files)[prefix + a[7]]) + "  " + a[7] + "\n";
        }
        return r;
      }
    }
    return ExecResult{127, "", "fake: unsupported command " + (a.empty() ? "" : a[0])};
  }

  // The files of the volume a claim is bound to now (by its UID).
  Files& Of(const std::string& ns, const std::string& claim) {
    return volumes[api_.Peek(kube::Pvcs(ns, claim)).value("/metadata/uid"_json_pointer, std::string("none"))];
  }

 private:
  // Which volume (by the claim the pod mounts there) holds path, and the path inside it.
  std::pair<Files*, std::string> Locate(const kube::Json& pod, const std::string& ns, const std::string& path) {
    for (const auto& c : pod.value("/spec/containers"_json_pointer, kube::Json::array())) {
      for (const auto& m : c.value("volumeMounts", kube::Json::array())) {
        std::string mp = m.value("mountPath", "");
        if (path != mp && path.rfind(mp + "/", 0) != 0) continue;
        std::string claim;
        for (const auto& v : pod.value("/spec/volumes"_json_pointer, kube::Json::array())) {
          if (v.value("name", "") == m.value("name", "")) {
            claim = v.value("/persistentVolumeClaim/claimName"_json_pointer, std::string());
          }
        }
        auto pvc = api_.Peek(kube::Pvcs(ns, claim));
        if (pvc.is_null()) return {nullptr, ""};
        std::string rel = path == mp ? "" : path.substr(mp.size() + 1);
        return {&volumes[pvc["metadata"].value("uid", "")], rel};
      }
    }
    return {nullptr, ""};
  }

  FakeKubeApi& api_;
  int seed_ = 0;
};

inline kube::Json MakeClaim(const std::string& name) {
  return {{"metadata", {{"name", name}, {"labels", {{"app", "web"}}},
                        {"annotations", {{"pv.kubernetes.io/bind-completed", "yes"}, {"team", "db"}}}}},
          {"spec",
           {{"accessModes", {"ReadWriteOnce"}},
            {"storageClassName", "lab-shared"},
            {"volumeName", "pv-" + name},
            {"resources", {{"requests", {{"storage", "64Mi"}}}}}}},
          {"status", {{"phase", "Bound"}}}};
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("kdrill-bk-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    journal_.emplace(std::move(*Journal::Create(path_ + "/run.journal", {"run1", "d.yaml", "", "", "", ""})));
    session_.emplace("run1", path_ + "/backups/run1");
    api_.Put(kube::Namespaces(), {{"metadata", {{"name", "demo"}, {"labels", {{"team", "db"}}}}}});
    api_.Put({"v1", "services", "demo", "", {}},
             {{"metadata", {{"name", "web"}}}, {"spec", {{"clusterIP", "None"}, {"selector", {{"app", "web"}}}}}});
    api_.Put({"v1", "configmaps", "demo", "", {}}, {{"metadata", {{"name", "web-config"}}}, {"data", {{"k", "v"}}}});
    kube::Json sts = {
        {"apiVersion", "apps/v1"},
        {"kind", "StatefulSet"},
        {"metadata", {{"name", "web"}, {"generation", 1}}},
        {"spec",
         {{"replicas", 3},
          {"serviceName", "web"},
          {"selector", {{"matchLabels", {{"app", "web"}}}}},
          {"template",
           {{"metadata", {{"labels", {{"app", "web"}}}}},
            {"spec",
             {{"securityContext", {{"fsGroup", 1000}}},
              {"containers",
               {{{"name", "app"},
                 {"image", "busybox:lab"},
                 {"envFrom", {{{"configMapRef", {{"name", "web-config"}}}}}},
                 {"volumeMounts", {{{"name", "data"}, {"mountPath", "/data"}}}}}}}}}}},
          {"volumeClaimTemplates", {{{"metadata", {{"name", "data"}}}}}}}}};
    api_.Put(kube::StatefulSets("demo"), sts);
    Reconcile(sts);
    api_.on_write = [this](const kube::ResourceRef& ref, const kube::Json& obj) { OnWrite(ref, obj); };
    api_.on_delete = [this](const kube::ResourceRef& ref, const kube::Json& obj) { OnDelete(ref, obj); };
    for (int i = 0; i < 3; ++i) {
      exec_.Of("demo", "data-web-" + std::to_string(i))["app/db-" + std::to_string(i)] = "row " + std::to_string(i);
    }
  }
  void TearDown() override { std::filesystem::remove_all(path_); }

  kube::Json Pod(int i) {
    std::string name = "web-" + std::to_string(i);
    return {{"metadata",
             {{"name", name},
              {"labels", {{"app", "web"}}},
              {"ownerReferences", {{{"kind", "StatefulSet"}, {"name", "web"}, {"controller", true}}}}}},
            {"spec",
             {{"containers", {{{"name", "app"}, {"volumeMounts", {{{"name", "data"}, {"mountPath", "/data"}}}}}}},
              {"volumes", {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "data-" + name}}}}}}}},
            {"status", {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}}}};
  }

  // The StatefulSet controller: claims and pods for ordinals < replicas, none
  // beyond; another controller's pod at such a name is left alone.
  void Reconcile(kube::Json sts) {
    int n = sts["spec"].value("replicas", 1);
    if (hold_pods_) return;
    for (int i = 0; i < 10; ++i) {
      std::string pod = "web-" + std::to_string(i);
      std::string claim = "data-" + pod;
      auto existing = api_.Peek(kube::Pods("demo", pod));
      bool exists = !existing.is_null();
      if (exists && existing.value("/metadata/ownerReferences/0/name"_json_pointer, std::string()) != "web") continue;
      if (i < n) {
        if (api_.Peek(kube::Pvcs("demo", claim)).is_null()) api_.Put(kube::Pvcs("demo"), MakeClaim(claim));
        if (!exists) api_.Put(kube::Pods("demo"), Pod(i));
      } else if (exists) {
        (void)api_.Delete(kube::Pods("demo", pod), {});
      }
    }
    sts["status"] = {{"observedGeneration", sts["metadata"].value("generation", 1)},
                     {"replicas", n}, {"readyReplicas", n}, {"updatedReplicas", n},
                     {"currentRevision", "r1"}, {"updateRevision", "r1"}};
    api_.Put(kube::StatefulSets("demo"), sts);
  }

  void OnWrite(const kube::ResourceRef& ref, const kube::Json& obj) {
    writes_.push_back(ref.resource + "/" + obj.value("/metadata/name"_json_pointer, std::string()));
    journal_sizes_.push_back(journal_->Records().size());
    if (ref.resource == "statefulsets") Reconcile(obj);
    if (ref.resource == "pods" && obj.value("/metadata/labels/kdrill.io~1role"_json_pointer, std::string()) ==
                                      "restore-helper") {
      kube::Json ready = obj;
      ready["status"] = {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}};
      if (!helpers_fail_) api_.Put(kube::Pods(ref.ns), ready);
    }
    if (ref.resource == "volumesnapshots") {
      std::string name = obj.value("/metadata/name"_json_pointer, std::string());
      std::string claim = obj.value("/spec/source/persistentVolumeClaimName"_json_pointer, std::string());
      snapshot_data_[name] = exec_.Of(ref.ns, claim);
      api_.Put({"snapshot.storage.k8s.io/v1", "volumesnapshotcontents", "", "", {}},
               {{"metadata", {{"name", "snapcontent-" + name}}},
                {"spec", {{"driver", "lab.kdrill.io"}, {"deletionPolicy", "Delete"}}},
                {"status", {{"snapshotHandle", "handle-" + name}, {"readyToUse", true}}}});
      kube::Json s = obj;
      s["status"] = snapshot_error_.empty()
                        ? kube::Json{{"readyToUse", true}, {"restoreSize", "64Mi"},
                                     {"boundVolumeSnapshotContentName", "snapcontent-" + name},
                                     {"creationTime", "2026-01-01T00:00:00Z"}}
                        : kube::Json{{"readyToUse", false}, {"error", {{"message", snapshot_error_}}}};
      api_.Put({"snapshot.storage.k8s.io/v1", "volumesnapshots", ref.ns, "", {}}, s);
    }
    if (ref.resource == "persistentvolumeclaims" && obj.contains("/spec/dataSource"_json_pointer)) {
      exec_.Of(ref.ns, obj["metadata"].value("name", "")) = snapshot_data_[obj["spec"]["dataSource"].value("name", "")];
    }
  }

  void OnDelete(const kube::ResourceRef& ref, const kube::Json&) {
    if (ref.resource != "namespaces") return;
    for (const auto& coll : std::vector<kube::ResourceRef>{kube::Pods(ref.name), kube::Pvcs(ref.name),
                                                           kube::StatefulSets(ref.name),
                                                           {"v1", "services", ref.name, "", {}},
                                                           {"v1", "configmaps", ref.name, "", {}},
                                                           {"snapshot.storage.k8s.io/v1", "volumesnapshots", ref.name, "", {}}}) {
      auto list = api_.List(coll, {});
      for (const auto& item : (*list)["items"]) {
        kube::ResourceRef r = coll;
        r.name = item["metadata"].value("name", "");
        (void)api_.Delete(r, {});
      }
    }
  }

  faults::FaultContext Ctx() {
    auto spec = cluster::ReadStatefulSet(api_.Peek(kube::StatefulSets("demo", "web")));
    spec.ns = "demo";
    spec.name = "web";
    return faults::FaultContext{api_,  exec_, &*journal_, clock_, rng_, "demo", spec,
                                [this](const std::string& l) { log_.push_back(l); }, stop_.get_token(), &*session_};
  }

  ProviderContext PCtx(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    return ProviderContext{api_, exec_, &*journal_, clock_, "demo", "web", "step", "run1",
                           [this](const std::string& l) { log_.push_back(l); }, stop_.get_token(), timeout};
  }

  // Runs a fault step given as YAML (indented for "  steps:").
  Result<faults::FaultResult> Step(const std::string& yaml) {
    auto step = kdrill::testing::ParseOrDie(std::string(R"(apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata: {name: t}
spec:
  target: {namespace: demo, statefulSet: web}
  steps:
)") + yaml).steps.at(0);
    auto fault = faults::MakeFault(step.fault);
    EXPECT_NE(fault, nullptr) << step.fault;
    if (auto v = fault->Validate(step); !v) return std::unexpected(v.error());
    auto ctx = Ctx();
    return fault->Inject(ctx, step);
  }

  std::string Log() const {
    std::string s;
    for (const auto& l : log_) s += l + "\n";
    return s;
  }

  FakeKubeApi api_;
  FakeVolumeExecutor exec_{api_};
  kdrill::testing::KubeTestClock clock_;
  std::mt19937_64 rng_{1};
  std::stop_source stop_;
  std::string path_;
  std::optional<Journal> journal_;
  std::optional<Session> session_;
  std::vector<std::string> log_;
  std::vector<std::string> writes_;
  std::vector<size_t> journal_sizes_;  // journal records at each write
  std::map<std::string, Files> snapshot_data_;
  std::string snapshot_error_;
  bool helpers_fail_ = false;
  bool hold_pods_ = false;
};

}  // namespace kdrill::backup::testing
