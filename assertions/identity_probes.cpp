#include "assertions/identity_probes.h"
#include "harness/core/json_fields.h"

#include "harness/diagnose/fields.h"

#include <arpa/inet.h>

#include <algorithm>
#include <sstream>

namespace kdrill::assertions {

namespace {

bool LooksLikeIp(const std::string& s) {
  in6_addr buf{};
  return inet_pton(AF_INET, s.c_str(), &buf) == 1 || inet_pton(AF_INET6, s.c_str(), &buf) == 1;
}

void AddUnique(std::vector<std::string>& out, const std::string& ip) {
  if (std::find(out.begin(), out.end(), ip) == out.end()) out.push_back(ip);
}

}  // namespace

std::string StableDnsName(const std::string& pod, const std::string& service, const std::string& ns,
                          const std::string& cluster_domain) {
  return pod + "." + service + "." + ns + ".svc." + cluster_domain;
}

std::vector<std::string> ResolveCommand(const std::string& name) {
  return {"sh", "-c",
          "if command -v getent >/dev/null 2>&1 && getent hosts \"$1\"; then exit 0; fi; nslookup \"$1\"", "sh", name};
}

std::vector<std::string> ParseResolvedAddresses(const std::string& output) {
  std::vector<std::string> out;
  std::istringstream in(output);
  std::string line;
  bool nslookup = output.find("Name:") != std::string::npos;
  bool in_answer = false;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (!nslookup) {  // getent: "<ip>  <name> [aliases]"
      if (LooksLikeIp(first)) AddUnique(out, first);
      continue;
    }
    if (first == "Name:") {
      in_answer = true;
      continue;
    }
    if (!in_answer) continue;
    if (first == "Address:" || first.rfind("Address", 0) == 0) {
      // "Address: 10.0.0.5" or "Address 1: 10.0.0.5 name"
      std::string w;
      while (words >> w) {
        if (LooksLikeIp(w)) {
          AddUnique(out, w);
          break;
        }
      }
    }
  }
  return out;
}

namespace {

using diagnose::Str;

bool BoolAt(const nlohmann::json& j, const char* ptr) {
  const auto& v = diagnose::At(j, ptr);
  return v.is_boolean() && v.get<bool>();
}

}  // namespace

InsideIdentity ReadInsideIdentity(const nlohmann::json& pod) {
  InsideIdentity id;
  if (!pod.is_object()) return id;
  id.hostname = Str(pod, "/spec/hostname");
  if (id.hostname.empty()) id.hostname = Str(pod, "/metadata/name");
  if (id.hostname.size() > 63) {  // the kubelet cuts a long name and trims what would end the label
    id.hostname.resize(63);
    while (!id.hostname.empty() && (id.hostname.back() == '-' || id.hostname.back() == '.')) id.hostname.pop_back();
  }
  id.subdomain = Str(pod, "/spec/subdomain");
  id.host_network = BoolAt(pod, "/spec/hostNetwork");
  id.fqdn_hostname = BoolAt(pod, "/spec/setHostnameAsFQDN") && !id.subdomain.empty();
  std::string policy = Str(pod, "/spec/dnsPolicy");
  if (policy.empty()) policy = "ClusterFirst";
  if (policy == "Default") {
    id.cluster_dns = false;
    id.no_cluster_dns = "dnsPolicy Default: the pod resolves through its node's resolver";
  } else if (policy == "None") {
    id.cluster_dns = false;
    id.no_cluster_dns = "dnsPolicy None: the pod resolves through the nameservers of its own dnsConfig";
  } else if (policy == "ClusterFirst" && id.host_network) {
    id.cluster_dns = false;
    id.no_cluster_dns =
        "hostNetwork with dnsPolicy ClusterFirst: the pod resolves through its node's resolver "
        "(ClusterFirstWithHostNet would use the cluster DNS)";
  }
  for (const auto& e : diagnose::Arr(pod, "/status/podIPs")) {
    if (!diagnose::Field(e, "ip").empty()) AddUnique(id.ips, diagnose::Field(e, "ip"));
  }
  if (id.ips.empty() && !Str(pod, "/status/podIP").empty()) id.ips.push_back(Str(pod, "/status/podIP"));
  return id;
}

HostnameMatch MatchHostname(const InsideIdentity& id, const std::string& ns, const std::string& seen,
                            const std::string& domain) {
  HostnameMatch m;
  if (!id.fqdn_hostname) {
    m.expected = id.hostname;
    m.ok = seen == id.hostname;
    return m;
  }
  const std::string prefix = id.hostname + "." + id.subdomain + "." + ns + ".svc.";
  m.expected = prefix + (domain.empty() ? "<cluster domain>" : domain);
  if (seen.size() > prefix.size() && seen.compare(0, prefix.size(), prefix) == 0) {
    m.domain_seen = seen.substr(prefix.size());
    m.ok = domain.empty() || m.domain_seen == domain;
  }
  return m;
}

std::optional<std::string> ClusterDomainFromResolvConf(const std::string& resolv_conf, const std::string& ns) {
  std::istringstream in(resolv_conf);
  std::string line;
  const std::string prefix = ns + ".svc.";
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string first, w;
    words >> first;
    if (first != "search") continue;
    while (words >> w) {
      if (w.size() > prefix.size() && w.compare(0, prefix.size(), prefix) == 0) {
        std::string d = w.substr(prefix.size());
        if (!d.empty() && d.back() == '.') d.pop_back();
        if (!d.empty()) return d;
      }
    }
  }
  return std::nullopt;
}

bool AddressesArePods(const std::vector<std::string>& seen, const std::vector<std::string>& pod_ips) {
  if (seen.empty()) return false;
  for (const auto& ip : seen) {
    if (std::find(pod_ips.begin(), pod_ips.end(), ip) == pod_ips.end()) return false;
  }
  return true;
}

std::vector<std::string> EndpointSliceAddresses(const nlohmann::json& slices, const std::string& pod) {
  std::vector<std::string> out;
  if (!slices.is_object() || !slices.contains("items") || !slices["items"].is_array()) return out;
  for (const auto& slice : slices["items"]) {
    for (const auto& ep : json::Arr(slice, "/endpoints")) {
      if (!ep.is_object() || json::Str(ep, "/hostname") != pod) continue;
      for (const auto& a : json::Arr(ep, "/addresses")) {
        if (a.is_string()) AddUnique(out, a.get<std::string>());
      }
    }
  }
  return out;
}

}  // namespace kdrill::assertions
