#pragma once
// Reading a pod's network identity from inside and from the API, for
// stable-identity: what `hostname` says, what the stable DNS name resolves
// to, and what the headless Service's EndpointSlices publish.

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

// Addresses the EndpointSlices (a List response) publish for hostname `pod`.
std::vector<std::string> EndpointSliceAddresses(const nlohmann::json& slices, const std::string& pod);

}  // namespace kdrill::assertions
