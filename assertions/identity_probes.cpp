#include "assertions/identity_probes.h"

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

std::vector<std::string> EndpointSliceAddresses(const nlohmann::json& slices, const std::string& pod) {
  std::vector<std::string> out;
  if (!slices.is_object() || !slices.contains("items") || !slices["items"].is_array()) return out;
  for (const auto& slice : slices["items"]) {
    for (const auto& ep : slice.value("endpoints", nlohmann::json::array())) {
      if (!ep.is_object() || ep.value("hostname", "") != pod) continue;
      for (const auto& a : ep.value("addresses", nlohmann::json::array())) {
        if (a.is_string()) AddUnique(out, a.get<std::string>());
      }
    }
  }
  return out;
}

}  // namespace kdrill::assertions
