#pragma once
// Small API objects for diagnosis tests, as the API server serves them
// (namespace "demo"), and a store builder keyed the way the Timeline keys it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/watch/timeline.h"

namespace kdrill::testing {

using DJson = nlohmann::json;

inline DJson Parse(const char* text) { return DJson::parse(text); }

// A store: Add(kind, obj) keys it "ns/name" ("/name" when cluster-scoped).
class StoreBuilder {
 public:
  StoreBuilder& Add(const std::string& kind, const DJson& obj) {
    std::string ns = obj["metadata"].value("namespace", "");
    store_[kind][ns + "/" + obj["metadata"].value("name", "")] = obj;
    return *this;
  }
  // Marks a kind as read even if none exist.
  StoreBuilder& Known(const std::string& kind) {
    store_[kind];
    return *this;
  }
  const ObjectStore& Get() const { return store_; }

 private:
  ObjectStore store_;
};

// A core/v1 Event about (kind, name) in demo, optionally with the object's uid.
inline DJson Event(const std::string& name, const std::string& kind, const std::string& object, const std::string& type,
                   const std::string& reason, const std::string& message, const std::string& last = "2025-01-01T10:00:00Z",
                   int count = 1, const std::string& uid = "", const std::string& field_path = "") {
  DJson e = {{"metadata", {{"name", name}, {"namespace", "demo"}}},
             {"involvedObject", {{"kind", kind}, {"name", object}, {"namespace", "demo"}}},
             {"type", type},
             {"reason", reason},
             {"message", message},
             {"lastTimestamp", last},
             {"count", count}};
  if (!uid.empty()) e["involvedObject"]["uid"] = uid;
  if (!field_path.empty()) e["involvedObject"]["fieldPath"] = field_path;
  return e;
}

inline DJson Node(const std::string& name, bool cordoned = false, const std::string& ready = "True") {
  DJson n = {{"metadata", {{"name", name}, {"labels", {{"kubernetes.io/hostname", name}}}}},
             {"spec", DJson::object()},
             {"status", {{"conditions", {{{"type", "Ready"}, {"status", ready}}}}}}};
  if (cordoned) n["spec"]["unschedulable"] = true;
  return n;
}

inline DJson StorageClass(const std::string& name, const std::string& provisioner,
                          const std::string& binding = "Immediate") {
  return {{"metadata", {{"name", name}}}, {"provisioner", provisioner}, {"volumeBindingMode", binding}};
}

inline DJson CsiDriver(const std::string& name) { return {{"metadata", {{"name", name}}}, {"spec", DJson::object()}}; }

// A Pending claim in demo asking for 1Gi ReadWriteOnce; cls nullptr = no storageClassName field.
inline DJson Claim(const std::string& name, const char* cls, const std::string& phase = "Pending") {
  DJson c = {{"metadata", {{"name", name}, {"namespace", "demo"}, {"uid", "uid-" + name}}},
             {"spec", {{"accessModes", {"ReadWriteOnce"}}, {"resources", {{"requests", {{"storage", "1Gi"}}}}}}},
             {"status", {{"phase", phase}}}};
  if (cls) c["spec"]["storageClassName"] = cls;
  return c;
}

// A pod in demo mounting the given claims; node empty = not scheduled.
inline DJson Pod(const std::string& name, const std::string& node = "", const std::vector<std::string>& claims = {}) {
  DJson p = {{"metadata", {{"name", name}, {"namespace", "demo"}, {"uid", "uid-" + name}}},
             {"spec", {{"containers", {{{"name", "web"}, {"image", "localhost/busybox:lab"}}}}}},
             {"status", {{"phase", node.empty() ? "Pending" : "Running"},
                         {"conditions", {{{"type", "Ready"}, {"status", "False"}}}}}}};
  if (!node.empty()) p["spec"]["nodeName"] = node;
  DJson vols = DJson::array();
  for (const auto& c : claims) vols.push_back({{"name", c}, {"persistentVolumeClaim", {{"claimName", c}}}});
  if (!claims.empty()) p["spec"]["volumes"] = vols;
  return p;
}

inline std::string Lines(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace kdrill::testing
