// stable-identity: after the faults, the StatefulSet's pods are exactly
// <sts>-<start>..<sts>-<start+replicas-1> (respecting .spec.ordinals.start),
// each present, not terminating, Running and Ready, with spec.hostname equal
// to its name; no other pod owned by the StatefulSet exists. Then, from
// inside and from the API (each can be turned off in params):
//   hostname:       `hostname` run in each pod prints the pod's name;
//   dns:            the stable name <pod>.<service>.<ns>.svc.<clusterDomain>,
//                   resolved inside the pod, gives exactly its current IP;
//   endpointSlices: the headless Service's EndpointSlices list hostname <pod>
//                   with exactly that IP.
// DNS and EndpointSlices are eventually consistent: they are retried for
// params.timeout (default 30s) before a mismatch counts.

#include <fmt/format.h>

#include "assertions/assertion.h"
#include "assertions/identity_probes.h"
#include "harness/core/text.h"

namespace kdrill::assertions {

namespace {

class StableIdentity final : public Assertion {
 public:
  std::string Name() const override { return "stable-identity"; }
  std::string Summary() const override {
    return "pods are exactly <sts>-0..N-1, each back and Ready under its own name and hostname";
  }
  Status Validate(const drill::AssertionSpec& spec) const override {
    const auto& p = spec.params;
    if (auto s = p.CheckKnownKeys({"hostname", "dns", "endpointSlices", "clusterDomain", "container", "timeout"},
                                  "stable-identity params");
        !s) {
      return s;
    }
    for (const char* k : {"hostname", "dns", "endpointSlices"}) {
      if (auto b = p.GetBool(k, true); !b) return std::unexpected(b.error());
    }
    for (const char* k : {"clusterDomain", "container"}) {
      if (auto v = p.GetString(k, ""); !v) return std::unexpected(v.error());
    }
    if (auto t = p.GetDuration("timeout", std::chrono::seconds(30)); !t) return std::unexpected(t.error());
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    const auto& fin = *ctx.final_state;
    Verdict v;
    std::vector<std::string> problems;
    int start = fin.spec.ordinal_start;
    for (const auto& [ord, o] : fin.ordinals) {
      const auto base = ctx.baseline.ordinals.find(ord);
      std::string row = fmt::format("{}: ", o.pod);
      if (!o.pod_exists) {
        problems.push_back(o.pod + " is missing");
        row += "missing";
      } else if (!o.owned) {
        problems.push_back(fmt::format("{} exists but is not the {}'s own pod ({})", o.pod, fin.spec.kind,
                                       o.controller));
        row += "not owned (" + o.controller + ")";
      } else if (o.terminating) {
        problems.push_back(o.pod + " is terminating");
        row += "terminating";
      } else if (!o.ready) {
        problems.push_back(fmt::format("{} is not Ready (phase {})", o.pod, o.phase));
        row += "not ready, phase " + o.phase;
      } else if (!o.hostname.empty() && o.hostname != o.pod) {
        problems.push_back(fmt::format("{} has hostname {}", o.pod, o.hostname));
        row += "hostname " + o.hostname;
      } else {
        row += "Ready";
      }
      if (o.pod_exists && base != ctx.baseline.ordinals.end() && base->second.pod_exists) {
        row += base->second.uid == o.uid ? " (same pod)" : fmt::format(" (recreated: uid {} -> {})", base->second.uid, o.uid);
      }
      v.details.push_back(row);
    }
    for (const auto& extra : fin.extra_pods) {
      problems.push_back(extra + " exists but is not one of the expected names");
    }
    if (problems.empty()) CheckFromInside(ctx, problems, v.details);
    int end = start + fin.spec.replicas - 1;
    std::string expected = fin.spec.replicas > 0 ? fmt::format("{0}-{1}..{0}-{2}", fin.spec.name, start, end)
                                                 : std::string("no pods");
    if (fin.spec.kind != "StatefulSet") {  // a Deployment driven as one: the baseline's pod names
      std::vector<std::string> names;
      for (const auto& [ord, o] : fin.ordinals) names.push_back(o.pod);
      expected = fmt::format("{} (the {}'s pods at the baseline)", fmt::join(names, ", "), fin.spec.kind);
    }
    if (problems.empty()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("pods are exactly {}, all Ready under their own names", expected);
    } else {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("expected pods {} all Ready; saw: {}", expected, fmt::join(problems, "; "));
    }
    return v;
  }

 private:
  // hostname, DNS and EndpointSlices of every (Ready) pod; DNS and slices are
  // retried until they agree or params.timeout passes.
  void CheckFromInside(AssertionContext& ctx, std::vector<std::string>& problems, std::vector<std::string>& details) {
    const auto& p = ctx.spec.params;
    const auto& fin = *ctx.final_state;
    const std::string container = p.GetString("container", "").value_or("");
    if (p.GetBool("hostname", true).value_or(true)) {
      for (const auto& [ord, o] : fin.ordinals) {
        auto r = ctx.exec.Exec({fin.spec.ns, o.pod, container, {"hostname"}, std::nullopt});
        if (!r) {
          problems.push_back(fmt::format("{}: running hostname failed: {}", o.pod, r.error().message));
          continue;
        }
        std::string h = TrimEnd(r->stdout_data);
        if (r->exit_code != 0 || h != o.pod) {
          problems.push_back(fmt::format("{}: hostname inside the pod is \"{}\"{}", o.pod, h,
                                         r->exit_code != 0 ? fmt::format(" (exit {})", r->exit_code) : ""));
        } else {
          details.push_back(fmt::format("{}: hostname inside the pod is {}", o.pod, h));
        }
      }
    }
    const bool dns = p.GetBool("dns", true).value_or(true);
    const bool slices = p.GetBool("endpointSlices", true).value_or(true);
    if (!dns && !slices) return;
    if (fin.spec.service_name.empty()) {
      details.push_back("no spec.serviceName: DNS and EndpointSlice checks skipped");
      return;
    }
    auto svc = ctx.api.Get(kube::ResourceRef{"v1", "services", fin.spec.ns, fin.spec.service_name, ""});
    if (!svc && svc.error().code == ErrorCode::kNotFound) {
      problems.push_back(fmt::format("spec.serviceName {} names no Service in namespace {}: the pods have no stable "
                                     "DNS names (create the headless Service)",
                                     fin.spec.service_name, fin.spec.ns));
      return;
    }
    const std::string domain = p.GetString("clusterDomain", "cluster.local").value_or("cluster.local");
    const auto timeout = p.GetDuration("timeout", std::chrono::seconds(30)).value_or(std::chrono::seconds(30));
    const MonoTime deadline = ctx.clock ? ctx.clock->Now() + timeout : MonoTime{};
    std::vector<std::string> network_problems, network_details;
    while (true) {
      network_problems.clear();
      network_details.clear();
      CheckNetwork(ctx, domain, dns, slices, network_problems, network_details);
      if (network_problems.empty() || !ctx.clock || ctx.clock->Now() >= deadline || ctx.stop.stop_requested()) break;
      ctx.clock->SleepFor(std::chrono::seconds(2));
    }
    problems.insert(problems.end(), network_problems.begin(), network_problems.end());
    details.insert(details.end(), network_details.begin(), network_details.end());
    for (const auto& line : network_details) ctx.log(line);  // what was proven, for the console
  }

  static void CheckNetwork(AssertionContext& ctx, const std::string& domain, bool dns, bool slices,
                           std::vector<std::string>& problems, std::vector<std::string>& details) {
    const auto& fin = *ctx.final_state;
    const std::string container = ctx.spec.params.GetString("container", "").value_or("");
    Result<kube::Json> list = kube::Json::object();
    if (slices) {
      kube::ListOptions lo;
      lo.label_selector = "kubernetes.io/service-name=" + fin.spec.service_name;
      list = ctx.api.List(kube::ResourceRef{"discovery.k8s.io/v1", "endpointslices", fin.spec.ns, "", ""}, lo);
      if (!list) {
        problems.push_back("listing the EndpointSlices of Service " + fin.spec.service_name + ": " +
                           list.error().message);
      }
    }
    for (const auto& [ord, o] : fin.ordinals) {
      if (dns) {
        std::string name = StableDnsName(o.pod, fin.spec.service_name, fin.spec.ns, domain);
        auto r = ctx.exec.Exec({fin.spec.ns, o.pod, container, ResolveCommand(name), std::nullopt});
        if (!r) {
          problems.push_back(fmt::format("{}: resolving {} failed: {}", o.pod, name, r.error().message));
        } else {
          auto ips = ParseResolvedAddresses(r->stdout_data);
          if (ips.size() == 1 && ips.front() == o.ip) {
            details.push_back(fmt::format("{}: {} resolves to {}", o.pod, name, o.ip));
          } else {
            problems.push_back(fmt::format("{}: {} resolves to [{}] inside the pod, expected its IP {}", o.pod, name,
                                           fmt::join(ips, ", "), o.ip));
          }
        }
      }
      if (slices && list) {
        auto ips = EndpointSliceAddresses(*list, o.pod);
        if (ips.size() == 1 && ips.front() == o.ip) {
          details.push_back(fmt::format("{}: EndpointSlice of {} lists hostname {} at {}", o.pod,
                                        fin.spec.service_name, o.pod, o.ip));
        } else {
          problems.push_back(fmt::format("{}: the EndpointSlices of Service {} list hostname {} at [{}], expected {}",
                                         o.pod, fin.spec.service_name, o.pod, fmt::join(ips, ", "), o.ip));
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Assertion> MakeStableIdentity() { return std::make_unique<StableIdentity>(); }

}  // namespace kdrill::assertions
