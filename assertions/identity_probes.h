#pragma once
// Reading a pod's network identity from inside and from the API, for
// stable-identity: what `hostname` says, what the stable DNS name resolves
// to, and what the headless Service's EndpointSlices publish.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kdrill::assertions {

// "<pod>.<service>.<ns>.svc.<domain>"
std::string StableDnsName(const std::string& pod, const std::string& service, const std::string& ns,
                          const std::string& cluster_domain);

// argv that resolves $name inside a container: getent where the image has it,
// else nslookup (busybox).
std::vector<std::string> ResolveCommand(const std::string& name);

// The addresses a ResolveCommand printed for the queried name. Understands
// getent's "<ip> <name>" lines and nslookup's "Name:" / "Address:" blocks
// (the DNS server's own "Server:"/"Address:" lines before the first "Name:"
// are not answers).
std::vector<std::string> ParseResolvedAddresses(const std::string& output);

// How a pod's identity looks from inside, read from its object by the
// kubelet's rules (pkg/kubelet: GeneratePodHostNameAndDomain, the DNS
// configurer). Every form here is a legitimate configuration.
struct InsideIdentity {
  std::string hostname;          // spec.hostname, else the pod name; cut to 63 characters as the kubelet does
  std::string subdomain;         // spec.subdomain (a StatefulSet sets its serviceName)
  bool host_network = false;     // spec.hostNetwork: the hostname inside is the node's
  bool fqdn_hostname = false;    // spec.setHostnameAsFQDN with a subdomain: the hostname inside is
                                 // <hostname>.<subdomain>.<ns>.svc.<cluster domain>
  bool cluster_dns = true;       // the pod resolves names through the cluster DNS
  std::string no_cluster_dns;    // why not, when !cluster_dns ("dnsPolicy Default", ...)
  std::vector<std::string> ips;  // status.podIPs (every family), else status.podIP
};
InsideIdentity ReadInsideIdentity(const nlohmann::json& pod);

// Whether `seen` (what `hostname` printed) is the pod's hostname in the form
// its spec asks for. For the FQDN form with an unknown cluster domain (empty
// `domain`), any domain after "<hostname>.<subdomain>.<ns>.svc." matches and
// is returned in `domain_seen`.
struct HostnameMatch {
  bool ok = false;
  std::string expected;     // for messages: the name or the FQDN pattern
  std::string domain_seen;  // the cluster domain an FQDN hostname carries
};
HostnameMatch MatchHostname(const InsideIdentity& id, const std::string& ns, const std::string& seen,
                            const std::string& domain);

// The cluster domain a pod's /etc/resolv.conf names: the search entry
// "<ns>.svc.<domain>" that the kubelet writes for cluster-DNS pods.
std::optional<std::string> ClusterDomainFromResolvConf(const std::string& resolv_conf, const std::string& ns);

// True when every address in `seen` is one of the pod's, and there is at
// least one: a dual-stack pod may be published or resolved under either
// family, a stale address is never its own.
bool AddressesArePods(const std::vector<std::string>& seen, const std::vector<std::string>& pod_ips);

// Addresses the EndpointSlices (a List response) publish for hostname `pod`.
std::vector<std::string> EndpointSliceAddresses(const nlohmann::json& slices, const std::string& pod);

}  // namespace kdrill::assertions
