#include "harness/watch/watch_trim.h"

#include <initializer_list>

#include "harness/cluster/ownership.h"
#include "harness/core/json_fields.h"

namespace kdrill {

namespace {

using Json = nlohmann::json;

// A copy of the listed members of obj[key] (when it is an object).
Json Pick(const Json& obj, const char* key, std::initializer_list<const char*> members) {
  Json out = Json::object();
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_object()) return out;
  for (const char* m : members) {
    if (auto v = it->find(m); v != it->end()) out[m] = std::move(*v);
  }
  return out;
}

}  // namespace

void TrimUnread(const std::string& kind, Json& obj) {
  if (!obj.is_object()) return;
  if (auto m = obj.find("metadata"); m != obj.end() && m->is_object()) {
    m->erase("managedFields");
    if (auto a = m->find("annotations"); a != m->end() && a->is_object()) {
      a->erase("kubectl.kubernetes.io/last-applied-configuration");
      if (a->empty()) m->erase("annotations");
    }
  }
  const auto k = obj.find("kind");
  if (kind == "Node" || (k != obj.end() && k->is_string() && *k == "Node")) {
    if (auto s = obj.find("status"); s != obj.end() && s->is_object()) {
      s->erase("images");
      s->erase("nodeInfo");
      s->erase("daemonEndpoints");
    }
  }
}

bool AnotherControllersPod(const Json& pod, const WatchedTarget& target) {
  if (target.kind != "StatefulSet" && target.kind != "Deployment") return false;
  const Json& ref = cluster::ControllerRef(pod);
  if (ref.is_null()) return false;
  const std::string kind = json::Str(ref, "/kind");
  const std::string name = json::Str(ref, "/name");
  if (target.kind == "StatefulSet") return !(kind == "StatefulSet" && name == target.name);
  return !(kind == "ReplicaSet" && name.size() > target.name.size() + 1 && name.starts_with(target.name + "-"));
}

void TrimWatchedObject(const std::string& kind, Json& obj, const WatchedTarget& target) {
  TrimUnread(kind, obj);
  if (kind != "Pod" || !obj.is_object() || !AnotherControllersPod(obj, target)) return;
  Json skeleton = Json::object();
  for (const char* key : {"kind", "apiVersion"}) {
    if (auto v = obj.find(key); v != obj.end()) skeleton[key] = std::move(*v);
  }
  skeleton["metadata"] = Pick(obj, "metadata",
                              {"name", "namespace", "uid", "resourceVersion", "deletionTimestamp", "labels",
                               "ownerReferences"});
  skeleton["spec"] = Pick(obj, "spec", {"nodeName"});
  skeleton["status"] = Pick(obj, "status", {"phase", "reason", "podIP", "hostIP"});
  // Of the conditions only Ready's status: what the summary and the live view show.
  for (const auto& c : json::Arr(obj, "/status/conditions")) {
    if (json::Str(c, "/type") == "Ready") {
      skeleton["status"]["conditions"] = Json::array({{{"type", "Ready"}, {"status", json::Str(c, "/status")}}});
    }
  }
  obj = std::move(skeleton);
}

}  // namespace kdrill
