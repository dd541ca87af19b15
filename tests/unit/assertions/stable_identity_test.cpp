// stable-identity: names from the snapshots; hostname, DNS and EndpointSlices
// read through exec and the API.
#include "tests/unit/assertions/assertion_fixture.h"

#include <fmt/format.h>

#include "assertions/identity_probes.h"

namespace kdrill::testing {
namespace {

using assertions::VerdictKind;

TEST(IdentityProbes, ParsesBusyboxNslookupSkippingTheServer) {
  std::string out =
      "Server:\t\t10.88.0.1\nAddress:\t10.88.0.1:53\n\nName:\tweb-1.web.demo.svc.cluster.local\n"
      "Address: 10.88.0.12\n\n";
  EXPECT_EQ(assertions::ParseResolvedAddresses(out), (std::vector<std::string>{"10.88.0.12"}));
}

TEST(IdentityProbes, ParsesOldBusyboxAndGetentForms) {
  EXPECT_EQ(assertions::ParseResolvedAddresses("Server: 10.0.0.1\nAddress 1: 10.0.0.1\n\nName: web-0\n"
                                                "Address 1: 10.0.0.7 web-0.web.demo.svc.cluster.local\n"),
            (std::vector<std::string>{"10.0.0.7"}));
  EXPECT_EQ(assertions::ParseResolvedAddresses("10.0.0.9      web-0.web.demo.svc.cluster.local\n"),
            (std::vector<std::string>{"10.0.0.9"}));
  EXPECT_TRUE(assertions::ParseResolvedAddresses("** server can't find web-9: NXDOMAIN\n").empty());
}

TEST(IdentityProbes, EndpointSliceAddressesByHostname) {
  kube::Json slices = {{"items",
                        {{{"endpoints",
                           {{{"hostname", "web-0"}, {"addresses", {"10.0.0.10"}}},
                            {{"hostname", "web-1"}, {"addresses", {"10.0.0.11"}}}}}},
                         {{"endpoints", {{{"hostname", "web-1"}, {"addresses", {"10.0.0.99"}}}}}}}}};
  EXPECT_EQ(assertions::EndpointSliceAddresses(slices, "web-0"), (std::vector<std::string>{"10.0.0.10"}));
  EXPECT_EQ(assertions::EndpointSliceAddresses(slices, "web-1"), (std::vector<std::string>{"10.0.0.11", "10.0.0.99"}));
  EXPECT_TRUE(assertions::EndpointSliceAddresses(slices, "web-2").empty());
}

class StableIdentityTest : public AssertionTest {
 protected:
  void SetUp() override {
    AssertionTest::SetUp();
    exec_ = &scripted_;
    for (auto& [ord, o] : final_.ordinals) o.object["spec"]["subdomain"] = "web";  // as the controller sets it
    scripted_.answer = [this](const ExecRequest& req) -> ExecResult {
      if (req.argv == std::vector<std::string>{"hostname"}) {
        if (no_hostname_command_) return {127, "", "exec: \"hostname\": executable file not found in $PATH"};
        return {hostname_exit_, (hostnames_.count(req.pod) ? hostnames_[req.pod] : req.pod) + "\n", ""};
      }
      if (req.argv == std::vector<std::string>{"cat", "/etc/resolv.conf"}) {
        return resolv_conf_.empty() ? ExecResult{1, "", "cat: can't open"} : ExecResult{0, resolv_conf_, ""};
      }
      if (req.argv.size() == 5 && req.argv[0] == "sh") {
        if (scripted_.no_shell) return {127, "", "exec: \"sh\": executable file not found in $PATH"};
        const std::string& name = req.argv[4];
        resolved_.push_back(name);
        std::string pod = name.substr(0, name.find('.'));
        std::string ip = dns_.count(pod) ? dns_[pod] : final_.ordinals[std::stoi(pod.substr(4))].ip;
        if (ip.empty()) return {1, "", "nslookup: can't resolve '" + name + "'"};
        return {0, "Server: 10.88.0.1\nAddress: 10.88.0.1:53\n\nName: " + name + "\nAddress: " + ip + "\n", ""};
      }
      return {127, "", "unexpected"};
    };
    kube::Json slice = {{"apiVersion", "discovery.k8s.io/v1"},
                        {"kind", "EndpointSlice"},
                        {"metadata",
                         {{"name", "web-abc"}, {"namespace", "demo"}, {"labels", {{"kubernetes.io/service-name", "web"}}}}},
                        {"endpoints", kube::Json::array()}};
    for (const auto& [ord, o] : final_.ordinals) {
      slice["endpoints"].push_back({{"hostname", o.pod}, {"addresses", {o.ip}}});
    }
    api_.Put(kube::ResourceRef{"discovery.k8s.io/v1", "endpointslices", "demo", "", ""}, slice);
    api_.Put(kube::ResourceRef{"v1", "services", "demo", "", ""},
             {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "web"}, {"namespace", "demo"}}},
              {"spec", {{"clusterIP", "None"}}}});
  }
  void SetPodSpec(const char* field, const kube::Json& value) {
    for (auto& [ord, o] : final_.ordinals) o.object["spec"][field] = value;
  }
  std::string Details(const assertions::Verdict& v) {
    std::string out;
    for (const auto& d : v.details) out += d + "\n";
    return out;
  }
  // Commands run by argv[0], a batch's parts counted one by one.
  int Calls(const std::string& argv0) {
    int n = 0;
    for (const auto& c : scripted_.commands) n += !c.argv.empty() && c.argv[0] == argv0;
    return n;
  }
  ScriptedExecutor scripted_;
  std::map<std::string, std::string> hostnames_, dns_;
  std::vector<std::string> resolved_;
  std::string resolv_conf_;
  bool no_hostname_command_ = false;
  int hostname_exit_ = 0;
};

TEST_F(StableIdentityTest, HealthyPodsPassEveryCheck) {
  auto v = Run("stable-identity");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  std::string details;
  for (const auto& d : v.details) details += d + "\n";
  EXPECT_NE(details.find("web-1: hostname inside the pod is web-1"), std::string::npos) << details;
  EXPECT_NE(details.find("web-1: web-1.web.demo.svc.cluster.local resolves to 10.0.0.11"), std::string::npos)
      << details;
  EXPECT_NE(details.find("web-2: EndpointSlice of web lists hostname web-2 at 10.0.0.12"), std::string::npos)
      << details;
}

TEST_F(StableIdentityTest, WrongHostnameInsideThePodFails) {
  hostnames_["web-2"] = "web-7f9c-xk2p";
  auto v = Run("stable-identity", {{"dns", false}, {"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-2: hostname inside the pod is \"web-7f9c-xk2p\", expected web-2"), std::string::npos)
      << v.message;
  // Every pod is Ready: the message says what is broken, not "expected ... all Ready".
  EXPECT_EQ(v.message.rfind("pods are exactly web-0..web-2 and Ready, but their identity is broken: ", 0), 0u)
      << v.message;
}

TEST_F(StableIdentityTest, StaleDnsIsRetriedThenFails) {
  dns_["web-1"] = "10.0.0.250";
  auto v = Run("stable-identity", {{"timeout", "6s"}, {"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-1: web-1.web.demo.svc.cluster.local resolves to [10.0.0.250] inside the pod, "
                           "expected its IP 10.0.0.11"),
            std::string::npos)
      << v.message;
  EXPECT_GE(clock_.SleepCount(), 3u) << "DNS is eventually consistent: retried before failing";
}

TEST_F(StableIdentityTest, EndpointSliceWithAnotherIpFails) {
  final_.ordinals[0].ip = "10.0.0.77";  // the pod moved; the slice still has the old IP
  final_.ordinals[0].object["status"]["podIP"] = "10.0.0.77";
  dns_["web-0"] = "10.0.0.77";
  auto v = Run("stable-identity", {{"timeout", "1s"}});
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-0: the EndpointSlices of Service web list hostname web-0 at [10.0.0.10], expected "
                           "10.0.0.77"),
            std::string::npos)
      << v.message;
}

TEST_F(StableIdentityTest, AMissingHeadlessServiceIsNamed) {
  ASSERT_TRUE(api_.Delete(kube::ResourceRef{"v1", "services", "demo", "web", ""}, {}));
  auto v = Run("stable-identity");
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("spec.serviceName web names no Service in namespace demo: the pods have no stable DNS "
                           "names (create the headless Service)"),
            std::string::npos)
      << v.message;
}

TEST_F(StableIdentityTest, RenamedPodsFailBeforeAnyExec) {
  final_.ordinals[1].pod_exists = false;
  final_.extra_pods = {"web-7f9c-xk2p"};
  auto v = Run("stable-identity");
  ASSERT_EQ(v.kind, VerdictKind::kFail);
  EXPECT_NE(v.message.find("web-1 is missing"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("web-7f9c-xk2p exists but is not one of the expected names"), std::string::npos);
  EXPECT_TRUE(scripted_.calls.empty());
}

TEST(IdentityProbes, ReadsTheFormsOfIdentityFromThePodSpec) {
  kube::Json pod = {{"metadata", {{"name", "web-0"}}},
                    {"spec", {{"subdomain", "web"}, {"setHostnameAsFQDN", true}, {"hostNetwork", true}}},
                    {"status", {{"podIP", "10.0.0.5"}, {"podIPs", {{{"ip", "10.0.0.5"}}, {{"ip", "fd00::5"}}}}}}};
  auto id = assertions::ReadInsideIdentity(pod);
  EXPECT_EQ(id.hostname, "web-0");
  EXPECT_TRUE(id.fqdn_hostname);
  EXPECT_TRUE(id.host_network);
  EXPECT_FALSE(id.cluster_dns) << "hostNetwork with the default ClusterFirst resolves through the node";
  EXPECT_EQ(id.ips, (std::vector<std::string>{"10.0.0.5", "fd00::5"}));
  pod["spec"]["dnsPolicy"] = "ClusterFirstWithHostNet";
  EXPECT_TRUE(assertions::ReadInsideIdentity(pod).cluster_dns);
  pod["spec"].erase("subdomain");
  EXPECT_FALSE(assertions::ReadInsideIdentity(pod).fqdn_hostname) << "no subdomain, no domain to append";
  // The kubelet cuts a hostname to 63 characters and trims a trailing '-' or '.'.
  pod["metadata"]["name"] = std::string(62, 'a') + "-b";
  EXPECT_EQ(assertions::ReadInsideIdentity(pod).hostname, std::string(62, 'a'));
}

TEST(IdentityProbes, MatchesTheHostnameInTheFormTheSpecAsks) {
  assertions::InsideIdentity id;
  id.hostname = "web-1";
  id.subdomain = "web";
  EXPECT_TRUE(assertions::MatchHostname(id, "demo", "web-1", "").ok);
  EXPECT_FALSE(assertions::MatchHostname(id, "demo", "web-1.web.demo.svc.cluster.local", "").ok);
  id.fqdn_hostname = true;
  EXPECT_FALSE(assertions::MatchHostname(id, "demo", "web-1", "").ok);
  auto m = assertions::MatchHostname(id, "demo", "web-1.web.demo.svc.corp.internal", "");
  EXPECT_TRUE(m.ok);
  EXPECT_EQ(m.domain_seen, "corp.internal");
  EXPECT_FALSE(assertions::MatchHostname(id, "demo", "web-1.web.demo.svc.corp.internal", "cluster.local").ok);
  EXPECT_FALSE(assertions::MatchHostname(id, "demo", "web-1.web.other.svc.cluster.local", "").ok);
}

TEST(IdentityProbes, ClusterDomainFromTheSearchList) {
  EXPECT_EQ(assertions::ClusterDomainFromResolvConf(
                "nameserver 10.96.0.10\nsearch demo.svc.corp.internal svc.corp.internal corp.internal\n"
                "options ndots:5\n",
                "demo"),
            "corp.internal");
  EXPECT_EQ(assertions::ClusterDomainFromResolvConf("search other.svc.cluster.local svc.cluster.local\n", "demo"),
            std::nullopt);
  EXPECT_EQ(assertions::ClusterDomainFromResolvConf("nameserver 1.1.1.1\n", "demo"), std::nullopt);
}

TEST(IdentityProbes, AddressesMustAllBeThePods) {
  const std::vector<std::string> pod = {"10.0.0.5", "fd00::5"};
  EXPECT_TRUE(assertions::AddressesArePods({"fd00::5"}, pod));
  EXPECT_TRUE(assertions::AddressesArePods({"10.0.0.5", "fd00::5"}, pod));
  EXPECT_FALSE(assertions::AddressesArePods({"10.0.0.5", "10.0.0.9"}, pod)) << "a stale address is never its own";
  EXPECT_FALSE(assertions::AddressesArePods({}, pod)) << "no answer is no identity";
}

TEST_F(StableIdentityTest, AnFqdnHostnamePassesAndGivesTheClusterDomain) {
  SetPodSpec("setHostnameAsFQDN", true);
  for (const auto& [ord, o] : final_.ordinals) hostnames_[o.pod] = o.pod + ".web.demo.svc.corp.internal";
  auto v = Run("stable-identity");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  const std::string d = Details(v);
  EXPECT_NE(d.find("web-1: hostname inside the pod is web-1.web.demo.svc.corp.internal"), std::string::npos) << d;
  EXPECT_NE(d.find("cluster domain corp.internal (the FQDN hostname of web-0)"), std::string::npos) << d;
  EXPECT_NE(d.find("web-2: web-2.web.demo.svc.corp.internal resolves to 10.0.0.12"), std::string::npos) << d;
  EXPECT_EQ(Calls("cat"), 0) << "the FQDN already named the domain";
}

TEST_F(StableIdentityTest, AShortHostnameWhereTheSpecAsksForTheFqdnFails) {
  SetPodSpec("setHostnameAsFQDN", true);
  auto v = Run("stable-identity", {{"dns", false}, {"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-0: hostname inside the pod is \"web-0\", expected "
                           "web-0.web.demo.svc.<cluster domain>"),
            std::string::npos)
      << v.message;
}

TEST_F(StableIdentityTest, HostNetworkPodsAreNotJudgedByTheNodesHostnameAndTheVerdictSaysSo) {
  SetPodSpec("hostNetwork", true);
  SetPodSpec("dnsPolicy", "ClusterFirstWithHostNet");
  for (const auto& [ord, o] : final_.ordinals) hostnames_[o.pod] = "node-a";
  auto v = Run("stable-identity");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_NE(v.message.find("hostname not checked in web-0, web-1, web-2: hostNetwork pods carry their node's "
                           "hostname"),
            std::string::npos)
      << v.message;
  EXPECT_EQ(Calls("hostname"), 0);
  EXPECT_EQ(resolved_.size(), 3u) << "ClusterFirstWithHostNet resolves through the cluster DNS: still checked";
}

TEST_F(StableIdentityTest, PodsOutsideTheClusterDnsAreNotResolvedFromInsideButSlicesAreChecked) {
  SetPodSpec("dnsPolicy", "Default");
  auto v = Run("stable-identity");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_NE(v.message.find("DNS not resolved from inside the pods: dnsPolicy Default"), std::string::npos)
      << v.message;
  EXPECT_TRUE(resolved_.empty());
  EXPECT_NE(Details(v).find("web-0: EndpointSlice of web lists hostname web-0 at 10.0.0.10"), std::string::npos);
  // ... and the slices still fail a wrong address.
  final_.ordinals[0].object["status"]["podIP"] = "10.0.0.77";
  v = Run("stable-identity", {{"timeout", "1s"}});
  EXPECT_EQ(v.kind, VerdictKind::kFail) << v.message;
}

TEST_F(StableIdentityTest, DualStackPodsMayResolveUnderEitherFamily) {
  for (auto& [ord, o] : final_.ordinals) {
    o.object["status"]["podIPs"] = {{{"ip", o.ip}}, {{"ip", "fd00::" + std::to_string(10 + ord)}}};
  }
  dns_["web-1"] = "fd00::11";  // getent prefers AAAA
  auto v = Run("stable-identity");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  EXPECT_NE(Details(v).find("web-1: web-1.web.demo.svc.cluster.local resolves to fd00::11"), std::string::npos);
  dns_["web-1"] = "fd00::99";  // another pod's, or a stale one
  v = Run("stable-identity", {{"timeout", "1s"}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("resolves to [fd00::99] inside the pod, expected its IP 10.0.0.11 or fd00::11"),
            std::string::npos)
      << v.message;
}

TEST_F(StableIdentityTest, TheClusterDomainComesFromResolvConf) {
  resolv_conf_ = "search demo.svc.corp.internal svc.corp.internal corp.internal\nnameserver 10.96.0.10\n";
  auto v = Run("stable-identity", {{"endpointSlices", false}});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  const std::string d = Details(v);
  EXPECT_NE(d.find("cluster domain corp.internal (/etc/resolv.conf in web-0)"), std::string::npos) << d;
  for (const char* pod : {"web-0", "web-1", "web-2"}) {
    EXPECT_NE(d.find(fmt::format("{0}: {0}.web.demo.svc.corp.internal resolves to", pod)), std::string::npos) << d;
  }
  EXPECT_EQ(d.find("cluster.local resolves"), std::string::npos) << "only the names in the pods' domain are judged";
  // web-0 asked in the domain known then (cluster.local) is asked again in its
  // own; web-1 and web-2 already knew it.
  EXPECT_EQ(scripted_.calls.size(), 4u);
  EXPECT_EQ(resolved_.back(), "web-0.web.demo.svc.corp.internal");
}

TEST_F(StableIdentityTest, EachPodIsAskedEverythingInOneExec) {
  resolv_conf_ = "search demo.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\n";
  auto v = Run("stable-identity");
  EXPECT_EQ(v.kind, VerdictKind::kPass) << v.message;
  ASSERT_EQ(scripted_.calls.size(), 3u) << "hostname, the first pod's resolv.conf and the resolution: one exec a pod";
  for (const auto& c : scripted_.calls) EXPECT_TRUE(ParseBatchArgv(c.argv)) << c.argv[0];
  EXPECT_EQ(Calls("hostname"), 3);
  EXPECT_EQ(Calls("cat"), 1) << "resolv.conf of the first pod only";
  EXPECT_EQ(resolved_.size(), 3u);
  EXPECT_NE(Details(v).find("cluster domain cluster.local (/etc/resolv.conf in web-0)"), std::string::npos);
}

TEST_F(StableIdentityTest, AHostnameThatExitsNonZeroFailsWhileDnsIsStillJudged) {
  hostname_exit_ = 1;
  auto v = Run("stable-identity", {{"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-0: hostname inside the pod is \"web-0\" (exit 1), expected web-0"), std::string::npos)
      << v.message;
  EXPECT_NE(Details(v).find("web-1: web-1.web.demo.svc.cluster.local resolves to 10.0.0.11"), std::string::npos)
      << "the resolution answered in the same exec is judged on its own";
}

TEST_F(StableIdentityTest, ANameThatDoesNotResolveFailsAfterRetries) {
  dns_["web-2"] = "";  // NXDOMAIN
  auto v = Run("stable-identity", {{"timeout", "4s"}, {"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-2: web-2.web.demo.svc.cluster.local resolves to [] inside the pod, expected its IP "
                           "10.0.0.12"),
            std::string::npos)
      << v.message;
  EXPECT_GT(resolved_.size(), 3u) << "resolved again alone until the timeout";
}

TEST_F(StableIdentityTest, AnImageWithoutShStillHasItsHostnameCheckedAndItsDnsUnchecked) {
  scripted_.no_shell = true;
  auto v = Run("stable-identity", {{"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kError) << v.message;
  EXPECT_NE(v.message.find("web-0: the container cannot resolve names (no sh, getent or nslookup: exit 127"),
            std::string::npos)
      << v.message;
  EXPECT_NE(Details(v).find("web-2: hostname inside the pod is web-2"), std::string::npos)
      << "hostname runs alone where the batch cannot";
}

TEST_F(StableIdentityTest, AnAssumedClusterDomainIsNamedWhenDnsFails) {
  dns_["web-2"] = "10.0.0.250";
  auto v = Run("stable-identity", {{"timeout", "1s"}, {"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("the cluster domain was assumed to be cluster.local: set params.clusterDomain"),
            std::string::npos)
      << v.message;
  v = Run("stable-identity", {{"timeout", "1s"}, {"endpointSlices", false}, {"clusterDomain", "cluster.local"}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_EQ(v.message.find("assumed"), std::string::npos) << v.message;
}

TEST_F(StableIdentityTest, AServiceThatIsNotHeadlessIsNamed) {
  api_.Put(kube::ResourceRef{"v1", "services", "demo", "", ""},
           {{"apiVersion", "v1"}, {"kind", "Service"}, {"metadata", {{"name", "web"}, {"namespace", "demo"}}},
            {"spec", {{"clusterIP", "10.96.4.7"}}}});
  auto v = Run("stable-identity", {{"timeout", "1s"}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("Service web is not headless (clusterIP 10.96.4.7): the cluster DNS publishes no per-pod "
                           "names <pod>.web.demo.svc"),
            std::string::npos)
      << v.message;
  EXPECT_TRUE(resolved_.empty()) << "no per-pod names to resolve";
  EXPECT_NE(Details(v).find("EndpointSlice of web lists hostname web-0"), std::string::npos) << "slices still checked";
}

TEST_F(StableIdentityTest, APodOutsideTheServicesSubdomainIsNamed) {
  final_.ordinals[1].object["spec"]["subdomain"] = "other";
  auto v = Run("stable-identity", {{"hostname", false}, {"dns", false}});
  ASSERT_EQ(v.kind, VerdictKind::kFail) << v.message;
  EXPECT_NE(v.message.find("web-1 has spec.subdomain \"other\", not the serviceName web"), std::string::npos)
      << v.message;
  v = Run("stable-identity", {{"dns", false}, {"endpointSlices", false}});
  EXPECT_EQ(v.kind, VerdictKind::kPass) << "with DNS and slices off the subdomain names nothing: " << v.message;
}

TEST_F(StableIdentityTest, AnImageWithoutHostnameIsAnErrorNeverAPass) {
  no_hostname_command_ = true;
  auto v = Run("stable-identity", {{"dns", false}, {"endpointSlices", false}});
  ASSERT_EQ(v.kind, VerdictKind::kError) << v.message;
  EXPECT_NE(v.message.find("could not be checked from inside: web-0: the container cannot run hostname (exit 127"),
            std::string::npos)
      << v.message;
  EXPECT_NE(v.message.find("params.container"), std::string::npos) << "the message names the fix";
}

}  // namespace
}  // namespace kdrill::testing
