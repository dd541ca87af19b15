// stable-identity: names from the snapshots; hostname, DNS and EndpointSlices
// read through exec and the API.
#include "tests/unit/assertions/assertion_fixture.h"

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
    scripted_.answer = [this](const ExecRequest& req) -> ExecResult {
      if (req.argv == std::vector<std::string>{"hostname"}) {
        return {0, (hostnames_.count(req.pod) ? hostnames_[req.pod] : req.pod) + "\n", ""};
      }
      if (req.argv.size() == 5 && req.argv[0] == "sh") {
        const std::string& name = req.argv[4];
        std::string pod = name.substr(0, name.find('.'));
        std::string ip = dns_.count(pod) ? dns_[pod] : final_.ordinals[std::stoi(pod.substr(4))].ip;
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
  ScriptedExecutor scripted_;
  std::map<std::string, std::string> hostnames_, dns_;
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
  EXPECT_NE(v.message.find("web-2: hostname inside the pod is \"web-7f9c-xk2p\""), std::string::npos) << v.message;
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

}  // namespace
}  // namespace kdrill::testing
