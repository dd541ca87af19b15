// DiagnoseStatefulSet: why a StatefulSet is not settled, ordinal by
// ordinal: pods that were never created (and why), pods that are not Ready
// (DiagnosePod), and quotas at their limit when something is missing.

#include <set>

#include <fmt/format.h>

#include "harness/cluster/statefulset.h"
#include "harness/diagnose/diagnose.h"
#include "harness/diagnose/internal.h"

namespace kdrill::diagnose {

namespace {

std::vector<std::string> StatefulSetCauses(const ObjectStore& store, const std::string& ns, const std::string& sts) {
  const Json* set = Find(store, "StatefulSet", ns, sts);
  if (!set) {
    return {fmt::format("StatefulSet {}/{} does not exist", ns, sts)};
  }
  std::vector<std::string> out;
  const auto spec = cluster::ReadStatefulSet(*set);
  std::string why;
  if (!cluster::Settled(*set, &why)) {
    out.push_back(fmt::format("StatefulSet {}: {}", sts, why));
  }
  const auto sts_events = EventsAbout(store, "StatefulSet", *set);
  std::vector<std::string> quotas_named;
  bool missing = false;
  for (int i = spec.ordinal_start; i < spec.ordinal_start + spec.replicas; ++i) {
    const Json* pod = Find(store, "Pod", ns, cluster::PodName(sts, i));
    if (!pod) {
      missing = true;
      for (auto& l : MissingPodCauses(store, *set, i, sts_events, quotas_named)) out.push_back(std::move(l));
      continue;
    }
    for (auto& l : DiagnosePod(store, *pod)) out.push_back(std::move(l));
  }
  if (missing) {
    for (auto& l : QuotaAtLimitCauses(store, ns, quotas_named)) out.push_back(std::move(l));
  }
  // Pods sharing a claim or quota would repeat a line.
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (auto& l : out) {
    if (seen.insert(l).second) unique.push_back(std::move(l));
  }
  return unique;
}

}  // namespace

std::vector<std::string> DiagnoseStatefulSet(const ObjectStore& store, const std::string& ns, const std::string& sts) {
  try {
    return StatefulSetCauses(store, ns, sts);
  } catch (const std::exception& e) {
    return {fmt::format("StatefulSet {}/{}: could not be diagnosed: {}", ns, sts, e.what())};
  }
}

}  // namespace kdrill::diagnose
