#pragma once
// Foreign pods for the ownership tests (README "Which pods an assertion
// considers"): pods of a second StatefulSet, web-twin, whose labels match the
// target's selector (app=web on both). cluster::RelationTo calls them
// kForeign: no fault may choose, delete, evict or signal them, and no wait
// may count them.

#include <string>
#include <vector>

#include "tests/fakes/fake_kube_api.h"

namespace kdrill::testing {

// A Running pod demo/<name> labelled app=web and apps.kubernetes.io/pod-index=<index>,
// controlled by StatefulSet <owner>, on node, with container "app" (restartCount 0)
// mounting claim data-<name> at /data; Ready or not.
inline Json ForeignPod(const std::string& name, int index, bool ready, const std::string& node = "node-b",
                       const std::string& owner = "web-twin") {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", name},
            {"namespace", "demo"},
            {"labels", {{"app", "web"}, {"apps.kubernetes.io/pod-index", std::to_string(index)}}},
            {"ownerReferences",
             {{{"apiVersion", "apps/v1"}, {"kind", "StatefulSet"}, {"name", owner}, {"uid", owner + "-uid"},
               {"controller", true}}}}}},
          {"spec",
           {{"nodeName", node},
            {"containers", {{{"name", "app"}, {"volumeMounts", {{{"name", "data"}, {"mountPath", "/data"}}}}}}},
            {"volumes", {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "data-" + name}}}}}}}},
          {"status",
           {{"phase", "Running"},
            {"conditions", {{{"type", "Ready"}, {"status", ready ? "True" : "False"}}}},
            {"containerStatuses",
             {{{"name", "app"}, {"restartCount", 0}, {"ready", ready}, {"state", {{"running", Json::object()}}}}}}}}};
}

// The twin StatefulSet's pods web-twin-0..2 in demo, on the nodes the
// target's pods of the same ordinals use (even on node-a, odd on node-b);
// web-twin-1 is not Ready. Returns their UIDs.
inline std::vector<std::string> PutTwinPods(FakeKubeApi& api) {
  std::vector<std::string> uids;
  for (int i = 0; i < 3; ++i) {
    auto stored = api.Put(kube::Pods("demo"), ForeignPod("web-twin-" + std::to_string(i), i, i != 1,
                                                         i % 2 ? "node-b" : "node-a"));
    uids.push_back(stored["metadata"].value("uid", ""));
  }
  return uids;
}

// A foreign pod at a name the target's controller would use: "web-3" (one
// past the 3 replicas), Ready, owned by web-twin, on node. Names alone cannot
// tell it apart from the target's pods; only ownership can. Returns its UID.
inline std::string PutForeignWeb3(FakeKubeApi& api, const std::string& node = "node-c", bool ready = true) {
  return api.Put(kube::Pods("demo"), ForeignPod("web-3", 3, ready, node))["metadata"].value("uid", "");
}

}  // namespace kdrill::testing
