#include "harness/diagnose/store_reader.h"

#include "harness/diagnose/fields.h"

namespace kdrill::diagnose {

namespace {

std::string KeyOf(const Json& obj) { return Str(obj, "/metadata/namespace") + "/" + Str(obj, "/metadata/name"); }

kube::ResourceRef RefFor(const DiagnoseTarget& t) {
  if (t.kind == "Pod") return kube::Pods(t.ns, t.name);
  if (t.kind == "PersistentVolumeClaim") return kube::Pvcs(t.ns, t.name);
  return kube::StatefulSets(t.ns, t.name);
}

}  // namespace

Result<StoreRead> ReadForDiagnosis(kube::KubeApi& api, const DiagnoseTarget& target) {
  auto object = api.Get(RefFor(target));
  if (!object) {
    return std::unexpected(object.error());
  }
  StoreRead out;
  out.object = *object;
  const std::vector<std::pair<std::string, kube::ResourceRef>> lists = {
      {"Pod", kube::Pods(target.ns)},
      {"PersistentVolumeClaim", kube::Pvcs(target.ns)},
      {"StatefulSet", kube::StatefulSets(target.ns)},
      {"Event", kube::Events(target.ns)},
      {"ResourceQuota", kube::ResourceQuotas(target.ns)},
      {"PersistentVolume", kube::Pvs()},
      {"Node", kube::Nodes()},
      {"StorageClass", kube::StorageClasses()},
      {"CSIDriver", kube::CsiDrivers()},
  };
  for (const auto& [kind, ref] : lists) {
    auto list = api.List(ref, {});
    if (!list) {
      out.unread.push_back(ref.resource + ": " + list.error().ToString());
      continue;
    }
    auto& objects = out.store[kind];  // present even when the list is empty
    for (const auto& item : Arr(*list, "/items")) {
      if (item.is_object()) {
        objects[KeyOf(item)] = item;
      }
    }
  }
  // The target as read, in case the list missed it. Not into a kind whose
  // list failed: that kind must stay "not read" (DiagnoseStatefulSet looks
  // its StatefulSet up in the store; nothing counts StatefulSets).
  if (out.store.count(target.kind) || target.kind == "StatefulSet") {
    out.store[target.kind][KeyOf(out.object)] = out.object;
  }
  return out;
}

}  // namespace kdrill::diagnose
