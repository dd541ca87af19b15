// Why a StatefulSet pod was never created: the controller's FailedCreate
// events (quota exceeded, or any other refusal), OrderedReady waiting for a
// lower ordinal, and ResourceQuotas used up to their limit.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "harness/cluster/statefulset.h"
#include "harness/diagnose/internal.h"

namespace kdrill::diagnose {

namespace {

// A Kubernetes quantity ("2", "500m", "1Gi", "1.5G", "1e3") as a number.
// Quotas mix CPU, memory, storage and counts, so this is not limited to bytes.
std::optional<long double> Amount(const std::string& q) {
  size_t i = 0;
  while (i < q.size() && (std::isdigit(static_cast<unsigned char>(q[i])) || q[i] == '.' || q[i] == '+' || q[i] == '-')) {
    ++i;
  }
  if (i == 0) return std::nullopt;
  long double value = 0;
  try {
    value = std::stold(q.substr(0, i));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  const std::string suffix = q.substr(i);
  if (suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E')) {
    try {
      return value * std::pow(10.0L, std::stoi(suffix.substr(1)));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  static const std::vector<std::pair<std::string, long double>> kSuffixes = {
      {"", 1},       {"k", 1e3L},   {"M", 1e6L},
      {"G", 1e9L},   {"T", 1e12L},  {"P", 1e15L},  {"E", 1e18L},  {"Ki", 1024.0L}, {"Mi", std::pow(1024.0L, 2)},
      {"Gi", std::pow(1024.0L, 3)}, {"Ti", std::pow(1024.0L, 4)}, {"Pi", std::pow(1024.0L, 5)},
      {"Ei", std::pow(1024.0L, 6)}};
  // Sub-units divide by an exact power of ten, so "2000m" is exactly 2.
  static const std::vector<std::pair<std::string, long double>> kFractions = {{"m", 1e3L}, {"u", 1e6L}, {"n", 1e9L}};
  for (const auto& [s, factor] : kSuffixes) {
    if (s == suffix) return value * factor;
  }
  for (const auto& [s, divisor] : kFractions) {
    if (s == suffix) return value / divisor;
  }
  return std::nullopt;
}

// "compute" from "... exceeded quota: compute, requested: ..."
std::string QuotaName(const std::string& message) {
  const std::string marker = "exceeded quota: ";
  auto at = message.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  auto end = message.find_first_of(", ", at);
  return message.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

}  // namespace

std::vector<std::string> MissingPodCauses(const ObjectStore& store, const Json& sts, int ordinal,
                                          const std::vector<EventView>& sts_events,
                                          std::vector<std::string>& quotas_named) {
  const auto spec = cluster::ReadStatefulSet(sts);
  const std::string pod = cluster::PodName(spec.name, ordinal);
  std::vector<std::string> mentions = {"Pod " + pod + " "};
  for (const auto& t : spec.claim_templates) {
    mentions.push_back("Claim " + cluster::ClaimName(t, spec.name, ordinal) + " ");
  }
  const EventView* failed = Newest(sts_events, [&](const EventView& e) {
    if (e.reason != "FailedCreate") return false;
    for (const auto& m : mentions) {
      if (e.message.find(m) != std::string::npos) return true;
    }
    return false;
  });
  if (failed && Contains(failed->message, "exceeded quota")) {
    std::string quota = QuotaName(failed->message);
    quotas_named.push_back(quota);
    return {fmt::format("{}: cannot be created: quota exceeded{}: {}: raise ResourceQuota \"{}\" or free what it "
                        "counts",
                        pod, Times(failed->count), failed->message, quota)};
  }
  if (failed) {
    return {fmt::format("{}: cannot be created: FailedCreate{}: {}", pod, Times(failed->count), failed->message)};
  }
  if (spec.pod_management == "OrderedReady" && ordinal > spec.ordinal_start) {
    const std::string lower = cluster::PodName(spec.name, ordinal - 1);
    const Json* p = Find(store, "Pod", spec.ns, lower);
    if (!p || !IsReady(*p) || IsTerminating(*p)) {
      return {fmt::format("{}: does not exist: OrderedReady creates it once {} is Ready", pod, lower)};
    }
  }
  return {fmt::format("{}: does not exist, and no FailedCreate event of StatefulSet {} explains it", pod, spec.name)};
}

std::vector<std::string> QuotaAtLimitCauses(const ObjectStore& store, const std::string& ns,
                                            const std::vector<std::string>& already_named) {
  std::vector<std::string> out;
  for (const Json* q : All(store, "ResourceQuota", ns)) {
    const std::string name = Str(*q, "/metadata/name");
    if (std::find(already_named.begin(), already_named.end(), name) != already_named.end()) continue;
    std::vector<std::string> full;
    const Json& used = Obj(*q, "/status/used");
    for (const auto& [resource, hard] : Obj(*q, "/status/hard").items()) {
      if (!hard.is_string() || !used.contains(resource) || !used[resource].is_string()) continue;
      auto h = Amount(hard.get<std::string>());
      auto u = Amount(used[resource].get<std::string>());
      // At the limit, within rounding of the decimal forms ("0.1" vs "100m").
      if (h && u && *u >= *h - std::fabs(*h) * 1e-12L) {
        full.push_back(fmt::format("{} (used {} of {})", resource, used[resource].get<std::string>(),
                                   hard.get<std::string>()));
      }
    }
    if (!full.empty()) {
      out.push_back(fmt::format("ResourceQuota {}: at its limit for {}: raise the quota or free what it counts", name,
                                JoinList(full)));
    }
  }
  return out;
}

}  // namespace kdrill::diagnose
