// stable-identity: after the faults, the StatefulSet's pods are exactly
// <sts>-<start>..<sts>-<start+replicas-1> (respecting .spec.ordinals.start),
// each present, not terminating, Running and Ready, with spec.hostname equal
// to its name; no other pod owned by the StatefulSet exists. Then the
// identity each pod shows (each probe can be turned off in params):
//   subdomain:      spec.subdomain is the serviceName (the controller sets it);
//   hostname:       `hostname` run in each pod prints its hostname in the form
//                   its spec asks for: the name, or with setHostnameAsFQDN
//                   <pod>.<service>.<ns>.svc.<domain>; hostNetwork pods carry
//                   the node's hostname and are not judged (the verdict says so);
//   dns:            the governing Service is headless, and the stable name
//                   <pod>.<service>.<ns>.svc.<clusterDomain>, resolved inside
//                   the pod, gives only the pod's own IPs (any family); pods
//                   that do not resolve through the cluster DNS (dnsPolicy
//                   Default or None, hostNetwork with ClusterFirst) are not
//                   resolved from inside (the verdict says so);
//   endpointSlices: the Service's EndpointSlices list hostname <pod> with only
//                   the pod's own IPs.
// The cluster domain is params.clusterDomain, else the one an FQDN hostname
// carries, else the search list of the pod's /etc/resolv.conf, else assumed
// cluster.local (and said so when DNS then fails). DNS and EndpointSlices are
// eventually consistent: retried for params.timeout (default 30s) before a
// mismatch counts. Wrong names or readiness fail first ("expected pods ...");
// a wrong identity fails naming the probe; a probe that could not run (no
// such command in the image, exec refused) is an error, never a pass.

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "assertions/assertion.h"
#include "harness/exec/exec_batch.h"
#include "assertions/identity_probes.h"
#include "harness/core/text.h"
#include "harness/diagnose/fields.h"

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
    std::vector<std::string> membership;  // names, ownership, readiness: from the final snapshot
    int start = fin.spec.ordinal_start;
    for (const auto& [ord, o] : fin.ordinals) {
      const auto base = ctx.baseline.ordinals.find(ord);
      std::string row = fmt::format("{}: ", o.pod);
      if (!o.pod_exists) {
        membership.push_back(o.pod + " is missing");
        row += "missing";
      } else if (!o.owned) {
        membership.push_back(fmt::format("{} exists but is not the {}'s own pod ({})", o.pod, fin.spec.kind,
                                         o.controller));
        row += "not owned (" + o.controller + ")";
      } else if (o.terminating) {
        membership.push_back(o.pod + " is terminating");
        row += "terminating";
      } else if (!o.ready) {
        membership.push_back(fmt::format("{} is not Ready (phase {})", o.pod, o.phase));
        row += "not ready, phase " + o.phase;
      } else if (!o.hostname.empty() && o.hostname != o.pod) {
        membership.push_back(fmt::format("{} has hostname {}", o.pod, o.hostname));
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
      membership.push_back(extra + " exists but is not one of the expected names");
    }
    Findings inside;
    if (membership.empty()) CheckIdentity(ctx, inside, v.details);
    int end = start + fin.spec.replicas - 1;
    std::string expected = fin.spec.replicas > 0 ? fmt::format("{0}-{1}..{0}-{2}", fin.spec.name, start, end)
                                                 : std::string("no pods");
    if (fin.spec.kind != "StatefulSet") {  // a Deployment driven as one: the baseline's pod names
      std::vector<std::string> names;
      for (const auto& [ord, o] : fin.ordinals) names.push_back(o.pod);
      expected = fmt::format("{} (the {}'s pods at the baseline)", fmt::join(names, ", "), fin.spec.kind);
    }
    const std::string unchecked =
        inside.unchecked.empty() ? "" : fmt::format(" (could not check: {})", fmt::join(inside.unchecked, "; "));
    if (!membership.empty()) {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("expected pods {} all Ready; saw: {}", expected, fmt::join(membership, "; "));
    } else if (!inside.broken.empty()) {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("pods are exactly {} and Ready, but their identity is broken: {}{}", expected,
                              fmt::join(inside.broken, "; "), unchecked);
    } else if (!inside.unchecked.empty()) {
      v.kind = VerdictKind::kError;
      v.message = fmt::format(
          "pods are exactly {} and Ready, but their identity could not be checked from inside: {} (choose a "
          "container with params.container, or turn that check off: hostname, dns or endpointSlices: false)",
          expected, fmt::join(inside.unchecked, "; "));
    } else {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("pods are exactly {}, all Ready under their own names", expected);
      if (!inside.not_checked.empty()) v.message += fmt::format(" ({})", fmt::join(inside.not_checked, "; "));
    }
    return v;
  }

 private:
  struct Findings {
    std::vector<std::string> broken;       // the identity is wrong: a failure
    std::vector<std::string> unchecked;    // a probe could not run (no such command, exec failed): an error
    std::vector<std::string> not_checked;  // a legitimate configuration where a probe means nothing: said in the
                                           // verdict, not judged
  };

  // The answer to resolving `name` that a pod's one exec already gave.
  struct Resolution {
    std::string name;
    Result<ExecResult> answer;
  };

  // The identity every pod shows: its subdomain, its hostname from inside,
  // its stable DNS name and its EndpointSlice entries. DNS and slices are
  // retried until they agree or params.timeout passes. Each pod is asked
  // everything in one exec (ExecBatch): its hostname, its stable name
  // resolved, and for the first pod /etc/resolv.conf (the cluster domain,
  // when nothing else names it). The name is resolved in the domain known so
  // far (cluster.local for the first pod when nothing names it yet); when the
  // domain turns out otherwise, that pod is asked again with the right name.
  void CheckIdentity(AssertionContext& ctx, Findings& out, std::vector<std::string>& details) {
    const auto& p = ctx.spec.params;
    const auto& fin = *ctx.final_state;
    const std::string container = p.GetString("container", "").value_or("");
    std::string domain = p.GetString("clusterDomain", "").value_or("");
    std::string domain_source = domain.empty() ? "" : "params.clusterDomain";
    std::vector<std::string> host_network;
    const bool hostname = p.GetBool("hostname", true).value_or(true);
    bool dns = p.GetBool("dns", true).value_or(true);
    const bool slices = p.GetBool("endpointSlices", true).value_or(true);
    const bool network_checks = dns || slices;
    for (const auto& [ord, o] : fin.ordinals) {  // the subdomain names the pod in DNS and in the slices
      const InsideIdentity id = ReadInsideIdentity(o.object);
      if (network_checks && fin.spec.kind == "StatefulSet" && !fin.spec.service_name.empty() &&
          id.subdomain != fin.spec.service_name) {
        out.broken.push_back(fmt::format("{} has spec.subdomain \"{}\", not the serviceName {}: its stable DNS name "
                                         "does not exist",
                                         o.pod, id.subdomain, fin.spec.service_name));
      }
    }
    // The Service (read before any exec, so that each pod answers at once
    // whether its name resolves); its findings follow the hostnames', as ever.
    Findings service;
    std::vector<std::string> service_details;
    const bool network = network_checks && CheckService(ctx, service, service_details, dns);
    std::map<int, Resolution> first_answers;  // by ordinal
    std::optional<Result<ExecResult>> resolv_conf;
    std::string resolv_domain;  // what the first pod's resolv.conf names
    for (const auto& [ord, o] : fin.ordinals) {
      const InsideIdentity id = ReadInsideIdentity(o.object);
      if (hostname && id.host_network) host_network.push_back(o.pod);  // it shares its node's UTS namespace
      const bool ask_hostname = hostname && !id.host_network;
      // An FQDN hostname names the domain by itself.
      const bool ask_resolv = network && dns && domain.empty() && ord == fin.ordinals.begin()->first &&
                              !(ask_hostname && id.fqdn_hostname);
      std::vector<BatchPart> parts;
      if (ask_hostname) parts.push_back({"hostname", {"hostname"}});
      if (ask_resolv) parts.push_back({"resolv", {"cat", "/etc/resolv.conf"}});
      std::string name;
      if (network && dns) {
        const std::string& known = !domain.empty() ? domain : resolv_domain;
        name = StableDnsName(o.pod, fin.spec.service_name, fin.spec.ns, known.empty() ? "cluster.local" : known);
        parts.push_back({"resolve", ResolveCommand(name)});
      }
      if (parts.empty()) continue;
      ExecBatch batch(ctx.exec, {fin.spec.ns, o.pod, container, {}, std::nullopt, std::chrono::seconds(60)},
                      std::move(parts));
      if (ask_hostname) JudgeHostname(o, id, fin.spec.ns, batch.Part("hostname"), domain, domain_source, out, details);
      if (ask_resolv) {
        resolv_conf = batch.Part("resolv");
        if (*resolv_conf && (*resolv_conf)->exit_code == 0) {
          resolv_domain = ClusterDomainFromResolvConf((*resolv_conf)->stdout_data, fin.spec.ns).value_or("");
        }
      }
      if (!name.empty()) first_answers.emplace(ord, Resolution{name, batch.Part("resolve")});
    }
    if (!host_network.empty()) {
      out.not_checked.push_back(fmt::format("hostname not checked in {}: hostNetwork pods carry their node's hostname",
                                            fmt::join(host_network, ", ")));
    }
    for (auto list : {&Findings::broken, &Findings::unchecked, &Findings::not_checked}) {
      (out.*list).insert((out.*list).end(), (service.*list).begin(), (service.*list).end());
    }
    details.insert(details.end(), service_details.begin(), service_details.end());
    if (!network) return;
    if (dns) {  // the cluster domain: the param, an FQDN hostname, else the first pod's resolv.conf
      if (domain.empty() && !fin.ordinals.empty()) {
        const auto& first = fin.ordinals.begin()->second;
        if (!resolv_conf) {  // not asked: an FQDN hostname was expected to name it, and did not
          resolv_conf = ctx.exec.Exec({fin.spec.ns, first.pod, container, {"cat", "/etc/resolv.conf"}, std::nullopt});
        }
        if (*resolv_conf && (*resolv_conf)->exit_code == 0) {
          if (auto d = ClusterDomainFromResolvConf((*resolv_conf)->stdout_data, fin.spec.ns)) {
            domain = *d;
            domain_source = "/etc/resolv.conf in " + first.pod;
          }
        }
      }
      if (domain.empty()) {
        domain = "cluster.local";
        domain_source = "assumed";
      }
      details.push_back(fmt::format("cluster domain {} ({})", domain, domain_source));
    }
    const auto timeout = p.GetDuration("timeout", std::chrono::seconds(30)).value_or(std::chrono::seconds(30));
    const MonoTime deadline = ctx.clock ? ctx.clock->Now() + timeout : MonoTime{};
    Findings network_findings;
    std::vector<std::string> network_details;
    while (true) {
      network_findings = Findings{};
      network_details.clear();
      CheckNetwork(ctx, domain, dns, slices, network_findings, network_details, first_answers);
      if (network_findings.broken.empty() || !ctx.clock || ctx.clock->Now() >= deadline || ctx.stop.stop_requested()) {
        break;
      }
      ctx.clock->SleepFor(std::chrono::seconds(2));
    }
    if (!network_findings.broken.empty() && domain_source == "assumed") {
      network_findings.broken.back() +=
          " (the cluster domain was assumed to be cluster.local: set params.clusterDomain)";
    }
    for (auto list : {&Findings::broken, &Findings::unchecked}) {
      (out.*list).insert((out.*list).end(), (network_findings.*list).begin(), (network_findings.*list).end());
    }
    details.insert(details.end(), network_details.begin(), network_details.end());
    for (const auto& line : network_details) ctx.log(line);  // what was proven, for the console
  }

  // What `hostname` answered in pod o, judged by the form its spec asks for;
  // a matching FQDN names the cluster domain when nothing did yet.
  static void JudgeHostname(const cluster::OrdinalState& o, const InsideIdentity& id, const std::string& ns,
                            const Result<ExecResult>& r, std::string& domain, std::string& domain_source,
                            Findings& out, std::vector<std::string>& details) {
    if (!r) {
      out.unchecked.push_back(fmt::format("{}: running hostname failed: {}", o.pod, r.error().message));
      return;
    }
    if (r->exit_code == 126 || r->exit_code == 127) {
      out.unchecked.push_back(fmt::format("{}: the container cannot run hostname (exit {}: {})", o.pod, r->exit_code,
                                          OneLine(r->stderr_data)));
      return;
    }
    const std::string seen = TrimEnd(r->stdout_data);
    const HostnameMatch m = MatchHostname(id, ns, seen, domain);
    if (r->exit_code != 0 || !m.ok) {
      out.broken.push_back(fmt::format("{}: hostname inside the pod is \"{}\"{}, expected {}", o.pod, seen,
                                       r->exit_code != 0 ? fmt::format(" (exit {})", r->exit_code) : "", m.expected));
      return;
    }
    details.push_back(fmt::format("{}: hostname inside the pod is {}", o.pod, seen));
    if (domain.empty() && !m.domain_seen.empty()) {
      domain = m.domain_seen;
      domain_source = "the FQDN hostname of " + o.pod;
    }
  }

  // The governing Service, and whether the pods resolve its names through
  // the cluster DNS (dns is cleared when the names cannot be resolved from
  // inside). False when the network checks stop here (no Service to check).
  static bool CheckService(AssertionContext& ctx, Findings& out, std::vector<std::string>& details, bool& dns) {
    const auto& fin = *ctx.final_state;
    if (fin.spec.service_name.empty()) {
      details.push_back("no spec.serviceName: DNS and EndpointSlice checks skipped");
      out.not_checked.push_back("no spec.serviceName: the pods have no stable DNS names to check");
      return false;
    }
    auto svc = ctx.api.Get(kube::ResourceRef{"v1", "services", fin.spec.ns, fin.spec.service_name, ""});
    if (!svc && svc.error().code == ErrorCode::kNotFound) {
      out.broken.push_back(fmt::format("spec.serviceName {} names no Service in namespace {}: the pods have no stable "
                                       "DNS names (create the headless Service)",
                                       fin.spec.service_name, fin.spec.ns));
      return false;
    }
    if (!svc) {
      out.unchecked.push_back(fmt::format("reading Service {}: {}", fin.spec.service_name, svc.error().message));
      return false;
    }
    const std::string cip = diagnose::Str(*svc, "/spec/clusterIP");
    if (dns && cip != "None") {
      out.broken.push_back(fmt::format(
          "Service {} is not headless (clusterIP {}): the cluster DNS publishes no per-pod names "
          "<pod>.{}.{}.svc (a StatefulSet's governing Service needs clusterIP: None)",
          fin.spec.service_name, cip.empty() ? std::string("unset") : cip, fin.spec.service_name, fin.spec.ns));
      dns = false;
    }
    for (const auto& [ord, o] : fin.ordinals) {
      if (!dns) break;
      const InsideIdentity id = ReadInsideIdentity(o.object);
      if (!id.cluster_dns) {  // one template: what holds for one pod holds for all
        out.not_checked.push_back(fmt::format("DNS not resolved from inside the pods: {}; the EndpointSlices the "
                                              "cluster DNS serves from are still checked",
                                              id.no_cluster_dns));
        dns = false;
      }
    }
    return true;
  }

  // One round of the DNS and EndpointSlice checks. A pod's answer in
  // first_answers is used (and dropped) when it resolved the same name.
  static void CheckNetwork(AssertionContext& ctx, const std::string& domain, bool dns, bool slices, Findings& out,
                           std::vector<std::string>& details, std::map<int, Resolution>& first_answers) {
    const auto& fin = *ctx.final_state;
    const std::string container = ctx.spec.params.GetString("container", "").value_or("");
    Result<kube::Json> list = kube::Json::object();
    if (slices) {
      kube::ListOptions lo;
      lo.label_selector = "kubernetes.io/service-name=" + fin.spec.service_name;
      list = ctx.api.List(kube::ResourceRef{"discovery.k8s.io/v1", "endpointslices", fin.spec.ns, "", ""}, lo);
      if (!list) {
        out.unchecked.push_back("listing the EndpointSlices of Service " + fin.spec.service_name + ": " +
                                list.error().message);
      }
    }
    for (const auto& [ord, o] : fin.ordinals) {
      InsideIdentity id = ReadInsideIdentity(o.object);
      if (id.ips.empty()) id.ips.push_back(o.ip);
      const std::string own = fmt::format("{}", fmt::join(id.ips, " or "));
      if (dns) {
        std::string name = StableDnsName(o.pod, fin.spec.service_name, fin.spec.ns, domain);
        auto first = first_answers.find(ord);
        Result<ExecResult> r = first != first_answers.end() && first->second.name == name
                                   ? std::move(first->second.answer)
                                   : ctx.exec.Exec({fin.spec.ns, o.pod, container, ResolveCommand(name), std::nullopt});
        if (first != first_answers.end()) first_answers.erase(first);
        auto ips = r ? ParseResolvedAddresses(r->stdout_data) : std::vector<std::string>{};
        if (!r) {
          out.unchecked.push_back(fmt::format("{}: resolving {} failed: {}", o.pod, name, r.error().message));
        } else if (ips.empty() && (r->exit_code == 126 || r->exit_code == 127)) {
          out.unchecked.push_back(fmt::format("{}: the container cannot resolve names (no sh, getent or nslookup: "
                                              "exit {}: {})",
                                              o.pod, r->exit_code, OneLine(r->stderr_data)));
        } else if (AddressesArePods(ips, id.ips)) {
          details.push_back(fmt::format("{}: {} resolves to {}", o.pod, name, fmt::join(ips, ", ")));
        } else {
          out.broken.push_back(fmt::format("{}: {} resolves to [{}] inside the pod, expected its IP {}", o.pod, name,
                                           fmt::join(ips, ", "), own));
        }
      }
      if (slices && list) {
        auto ips = EndpointSliceAddresses(*list, o.pod);
        if (AddressesArePods(ips, id.ips)) {
          details.push_back(fmt::format("{}: EndpointSlice of {} lists hostname {} at {}", o.pod,
                                        fin.spec.service_name, o.pod, fmt::join(ips, ", ")));
        } else {
          out.broken.push_back(fmt::format("{}: the EndpointSlices of Service {} list hostname {} at [{}], expected {}",
                                           o.pod, fin.spec.service_name, o.pod, fmt::join(ips, ", "), own));
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Assertion> MakeStableIdentity() { return std::make_unique<StableIdentity>(); }

}  // namespace kdrill::assertions
