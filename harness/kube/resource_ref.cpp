#include "harness/kube/kube_api.h"

#include "harness/core/text.h"

namespace kdrill::kube {

std::string ResourceRef::Describe() const {
  std::string out = resource;
  if (!name.empty()) {
    out += " \"" + name + "\"";
  }
  if (!subresource.empty()) {
    out += " (" + subresource + ")";
  }
  if (!ns.empty()) {
    out += " in namespace \"" + ns + "\"";
  }
  return out;
}

ResourceRef Pods(std::string ns, std::string name) {
  return {"v1", "pods", std::move(ns), std::move(name), {}};
}
ResourceRef Pvcs(std::string ns, std::string name) {
  return {"v1", "persistentvolumeclaims", std::move(ns), std::move(name), {}};
}
ResourceRef Pvs(std::string name) { return {"v1", "persistentvolumes", {}, std::move(name), {}}; }
ResourceRef StatefulSets(std::string ns, std::string name) {
  return {"apps/v1", "statefulsets", std::move(ns), std::move(name), {}};
}
ResourceRef Nodes(std::string name) { return {"v1", "nodes", {}, std::move(name), {}}; }
ResourceRef Events(std::string ns) { return {"v1", "events", std::move(ns), {}, {}}; }
ResourceRef Namespaces(std::string name) { return {"v1", "namespaces", {}, std::move(name), {}}; }
ResourceRef StorageClasses(std::string name) {
  return {"storage.k8s.io/v1", "storageclasses", {}, std::move(name), {}};
}
ResourceRef CsiDrivers(std::string name) { return {"storage.k8s.io/v1", "csidrivers", {}, std::move(name), {}}; }
ResourceRef ResourceQuotas(std::string ns, std::string name) {
  return {"v1", "resourcequotas", std::move(ns), std::move(name), {}};
}

std::string RawResponse::BodySnippet(size_t n) const { return OneLine(body, n); }

}  // namespace kdrill::kube
