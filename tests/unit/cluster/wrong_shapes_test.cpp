// API data of an unexpected shape: every field of a settled StatefulSet's
// objects (the StatefulSet, its pods, claims and volumes) is answered, one at
// a time, with each wrong JSON type. Snapshots and diagnoses must come back
// as a result or a clear error, never as an exception that escapes.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "harness/cluster/snapshot.h"
#include "harness/diagnose/diagnose.h"
#include "harness/kube/kube_api.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/fake_statefulset.h"

namespace kdrill::testing {
namespace {

using kube::Json;

struct Stored {
  kube::ResourceRef collection;
  std::string kind;  // the ObjectStore kind diagnose reads
  Json object;
};

// Every path below `at` in `value` (containers and leaves), skipping the
// identity the API server always gives (metadata, its name and namespace).
void Paths(const Json& value, const std::string& at, std::vector<std::string>& out) {
  if (at == "/metadata" || at == "/metadata/name" || at == "/metadata/namespace") return;
  if (!at.empty()) out.push_back(at);
  if (value.is_object()) {
    for (const auto& [k, v] : value.items()) Paths(v, at + "/" + k, out);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) Paths(value[i], at + "/" + std::to_string(i), out);
  }
}

class WrongShapesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FakeKubeApi api;
    FakeStatefulSet sts(api, FakeStatefulSetOptions{});
    sts.Create();
    for (auto [collection, kind] : std::vector<std::pair<kube::ResourceRef, std::string>>{
             {kube::StatefulSets("demo"), "StatefulSet"},
             {kube::Pods("demo"), "Pod"},
             {kube::Pvcs("demo"), "PersistentVolumeClaim"},
             {kube::Pvs(), "PersistentVolume"}}) {
      auto list = api.List(collection, {});
      ASSERT_TRUE(list) << list.error().message;
      for (const Json& item : (*list)["items"]) stored_.push_back({collection, kind, item});
    }
    ASSERT_GE(stored_.size(), 10u);
  }

  // One mutation: object `index` with `path` set to `wrong`, through every reader.
  void Check(size_t index, const std::string& path, const Json& wrong) {
    std::vector<Stored> objects = stored_;
    objects[index].object[Json::json_pointer(path)] = wrong;
    const std::string what = objects[index].kind + " " + path + " = " + wrong.dump();
    FakeKubeApi api;
    ObjectStore store;
    for (const Stored& s : objects) {
      api.Put(s.collection, s.object);
      const Json& md = s.object["metadata"];
      store[s.kind][md.value("namespace", "") + "/" + md.value("name", "")] = s.object;
    }
    try {
      auto snap = cluster::TakeSnapshot(api, "demo", "web");
      if (snap) {
        for (const auto& [ordinal, o] : snap->ordinals) (void)cluster::Describe(o);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "TakeSnapshot threw for " << what << ": " << e.what();
    }
    try {
      (void)diagnose::DiagnoseStatefulSet(store, "demo", "web");
      for (const Stored& s : objects) {
        if (s.kind == "Pod") (void)diagnose::DiagnosePod(store, s.object);
        if (s.kind == "PersistentVolumeClaim") (void)diagnose::DiagnoseClaim(store, s.object);
      }
    } catch (const std::exception& e) {
      ADD_FAILURE() << "a diagnosis threw for " << what << ": " << e.what();
    }
  }

  std::vector<Stored> stored_;
};

TEST_F(WrongShapesTest, EveryFieldWithEveryWrongTypeIsReadWithoutThrowing) {
  const std::vector<Json> wrongs = {Json(7), Json(-1), Json("x"), Json::object(), Json::array(),
                                    Json(nullptr), Json(true), Json(1.5)};
  size_t checked = 0;
  for (size_t i = 0; i < stored_.size(); ++i) {
    std::vector<std::string> paths;
    Paths(stored_[i].object, "", paths);
    for (const std::string& path : paths) {
      for (const Json& wrong : wrongs) {
        Check(i, path, wrong);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 500u) << "too few mutations: the fixture lost its fields";
}

}  // namespace
}  // namespace kdrill::testing
