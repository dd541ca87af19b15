// probe: a steady-state check run twice, before the first fault (Prepare) and
// after the steps (Check). Before: a probe that fails means the system was
// not in its steady state, so the drill cannot prove anything about the
// faults; Prepare returns that as an error and the assertion is reported as
// an error. After: pass or fail.
//
// Exactly one kind per assertion:
//   exec      a command in each chosen pod, through the PodExecutor: its exit
//             code (and optionally a substring of its output) is checked;
//   http      a GET through the API server's pod or service proxy: the status
//             (by default any of 200..399) and optionally a body substring;
//   resource  one field of one object, read with a GET: equal to a JSON value,
//             or present / absent.
// A probe changes nothing, so nothing is journaled.

#include <fmt/format.h>

#include "assertions/assertion.h"
#include "harness/core/json_fields.h"
#include "assertions/probe_spec.h"
#include "harness/core/text.h"

namespace kdrill::assertions {

namespace {

// What one run of the probe saw.
struct ProbeResult {
  std::vector<std::string> failures;  // what was expected and what was seen, one per target
  std::vector<std::string> rows;      // one per target, passed or not
  bool kdrill_error = false;          // kdrill could not probe (kubectl missing, RBAC): not the system's fault
  std::string passed_summary;         // what passed, when nothing failed

  bool ok() const { return failures.empty(); }
  std::string Summary() const {
    return ok() ? "pass: " + passed_summary : fmt::format("fail: {}", fmt::join(failures, "; "));
  }
};

std::string Argv(const std::vector<std::string>& argv) { return fmt::format("[{}]", fmt::join(argv, " ")); }

// Errors that say the probed system is not answering, as opposed to kdrill
// being unable to probe at all.
bool SystemError(const Error& e) {
  switch (e.code) {
    case ErrorCode::kNotFound:
    case ErrorCode::kUnavailable:
    case ErrorCode::kTimeout:
    case ErrorCode::kServerError:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kConflict:
    case ErrorCode::kGone:
    case ErrorCode::kTooManyRequests:
      return true;
    default:
      return false;
  }
}

// "the number 3", "the string \"3\"" for equals messages.
std::string Typed(const kube::Json& v) {
  std::string dump = OneLine(v.dump(), 120);
  switch (v.type()) {
    case kube::Json::value_t::string: return "the string " + dump;
    case kube::Json::value_t::number_integer:
    case kube::Json::value_t::number_unsigned:
    case kube::Json::value_t::number_float: return "the number " + dump;
    case kube::Json::value_t::boolean: return "the boolean " + dump;
    case kube::Json::value_t::null: return "null";
    case kube::Json::value_t::array: return "the list " + dump;
    case kube::Json::value_t::object: return "the map " + dump;
    default: return dump;
  }
}

class ProbeRun {
 public:
  ProbeRun(kube::KubeApi& api, PodExecutor& exec, const cluster::Snapshot& snap) : api_(api), exec_(exec), snap_(snap) {}

  ProbeResult Run(const ProbeSpec& spec) {
    switch (spec.kind) {
      case ProbeSpec::Kind::kExec: RunExec(spec.exec); break;
      case ProbeSpec::Kind::kHttp: RunHttp(spec.http); break;
      case ProbeSpec::Kind::kResource: RunResource(spec.resource); break;
    }
    return std::move(r_);
  }

 private:
  void Failed(const std::string& what) {
    r_.failures.push_back(what);
    r_.rows.push_back("FAIL " + what);
  }
  void CouldNotRun(const std::string& what, const Error& e) {
    if (!SystemError(e)) r_.kdrill_error = true;
    Failed(what + ": " + e.message);
  }

  void RunExec(const ExecProbe& e) {
    const std::string cmd = Argv(e.command);
    std::vector<int> ordinals = e.ordinals;
    if (ordinals.empty()) {
      for (const auto& [ord, _] : snap_.ordinals) ordinals.push_back(ord);
      if (ordinals.empty()) {
        Failed(fmt::format("exec {}: {} {} has no pod to probe (replicas {})", cmd, snap_.spec.kind, snap_.spec.name,
                           snap_.spec.replicas));
        return;
      }
    }
    std::vector<std::string> passed;
    for (int ord : ordinals) {
      auto it = snap_.ordinals.find(ord);
      if (it == snap_.ordinals.end()) {
        Failed(fmt::format("exec {}: ordinal {} is not a pod of {} {} ({} replicas from ordinal {})", cmd, ord,
                           snap_.spec.kind, snap_.spec.name, snap_.spec.replicas, snap_.spec.ordinal_start));
        continue;
      }
      // The snapshot's name for the ordinal: <sts>-<n>, or a Deployment's pod at that position.
      const std::string pod = it->second.pod;
      if (!it->second.pod_exists) {
        Failed(fmt::format("exec {} in {}: the pod does not exist", cmd, pod));
        continue;
      }
      ExecRequest req{snap_.spec.ns, pod, e.container, e.command, std::nullopt};
      auto res = exec_.Exec(req);
      if (!res) {
        CouldNotRun(fmt::format("exec {} in {} could not run", cmd, pod), res.error());
        continue;
      }
      if (res->exit_code != e.expect_exit_code) {
        std::string out = OneLine(res->stderr_data);
        std::string label = "stderr";
        if (out.empty()) {
          out = OneLine(res->stdout_data);
          label = "stdout";
        }
        Failed(fmt::format("exec {} in {} exited {}, expected {}; {}: {}", cmd, pod, res->exit_code,
                           e.expect_exit_code, label, out.empty() ? "(empty)" : out));
        continue;
      }
      if (e.expect_output && res->stdout_data.find(*e.expect_output) == std::string::npos) {
        Failed(fmt::format("exec {} in {} exited {} but its output does not contain \"{}\"; stdout: {}", cmd, pod,
                           res->exit_code, *e.expect_output,
                           res->stdout_data.empty() ? "(empty)" : OneLine(res->stdout_data)));
        continue;
      }
      passed.push_back(pod);
      r_.rows.push_back(fmt::format("ok   exec {} in {} exited {}{}", cmd, pod, res->exit_code,
                                    e.expect_output ? fmt::format(", output contains \"{}\"", *e.expect_output) : ""));
    }
    r_.passed_summary = fmt::format("exec {} exited {}{} in {}", cmd, e.expect_exit_code,
                                    e.expect_output ? fmt::format(" with \"{}\" in its output", *e.expect_output) : "",
                                    fmt::join(passed, ", "));
  }

  void RunHttp(const HttpProbe& h) {
    const std::string& ns = snap_.spec.ns;
    const bool via_pod = h.via != HttpProbe::Via::kService;
    std::string name = h.name;
    if (h.via == HttpProbe::Via::kOrdinal) {  // the snapshot's pod at the ordinal (a Deployment's have other names)
      auto it = snap_.ordinals.find(h.ordinal);
      name = it != snap_.ordinals.end() ? it->second.pod : cluster::PodName(snap_.spec.name, h.ordinal);
    }
    std::string port = h.port;
    if (h.port_is_name && via_pod) {
      // The pod proxy dials podIP:port, so a port name is resolved here from the pod's containers.
      auto pod = api_.Get(kube::Pods(ns, name));
      if (!pod) {
        CouldNotRun(fmt::format("http: reading pod {} to resolve port \"{}\"", name, h.port), pod.error());
        return;
      }
      for (const auto& c : json::Arr(*pod, "/spec/containers")) {
        for (const auto& p : json::Arr(c, "/ports")) {
          if (json::Str(p, "/name") == h.port && p.contains("containerPort") && p["containerPort"].is_number_integer()) {
            port = std::to_string(p["containerPort"].get<int64_t>());
          }
        }
      }
      if (port == h.port) {
        Failed(fmt::format("http: pod {} has no container port named \"{}\"", name, h.port));
        return;
      }
    }
    const std::string scheme_prefix = h.scheme == "https" ? "https:" : "";
    const std::string proxy =
        fmt::format("/api/v1/namespaces/{}/{}/{}{}:{}/proxy{}", ns, via_pod ? "pods" : "services", scheme_prefix, name,
                    port, h.path);
    const std::string what = fmt::format("http GET {}://{}:{}{} ({} {} through the API server's proxy)", h.scheme, name,
                                         port, h.path, via_pod ? "pod" : "service", name);
    auto res = api_.GetRaw(proxy);
    if (!res) {
      CouldNotRun(what + " could not be made", res.error());
      return;
    }
    bool status_ok = h.expect_status ? res->status == *h.expect_status : res->status >= 200 && res->status < 400;
    std::string expected_status = h.expect_status ? std::to_string(*h.expect_status) : "200..399";
    if (!status_ok) {
      std::string body = res->BodySnippet();
      Failed(fmt::format("{} answered {}, expected {}; body: {}", what, res->status, expected_status,
                         body.empty() ? "(empty)" : body));
      return;
    }
    if (h.expect_body && res->body.find(*h.expect_body) == std::string::npos) {
      std::string body = res->BodySnippet();
      Failed(fmt::format("{} answered {} but the body does not contain \"{}\"; body: {}", what, res->status,
                         *h.expect_body, body.empty() ? "(empty)" : body));
      return;
    }
    r_.rows.push_back(fmt::format("ok   {} answered {}{}", what, res->status,
                                  h.expect_body ? fmt::format(", body contains \"{}\"", *h.expect_body) : ""));
    r_.passed_summary = fmt::format("{} answered {}", what, res->status);
  }

  void RunResource(const ResourceProbe& rp) {
    kube::ResourceRef ref{rp.api_version, rp.resource, rp.namespaced ? (rp.ns.empty() ? snap_.spec.ns : rp.ns) : "",
                          rp.name, {}};
    const std::string object = fmt::format("{} {}{}", rp.kind, ref.ns.empty() ? "" : ref.ns + "/", rp.name);
    const std::string& path = rp.path.text;
    auto obj = api_.Get(ref);
    if (!obj) {
      if (obj.error().code == ErrorCode::kNotFound) {
        if (rp.exists && !*rp.exists) {
          r_.rows.push_back(fmt::format("ok   {} does not exist, so neither does {}", object, path));
          r_.passed_summary = fmt::format("{} has no {} (the object does not exist)", object, path);
        } else {
          Failed(fmt::format("{} not found, expected its {} to {}", object, path,
                             rp.equals ? "be " + OneLine(rp.equals->dump(), 120) : std::string("exist")));
        }
        return;
      }
      CouldNotRun("reading " + object, obj.error());
      return;
    }
    const kube::Json* v = rp.path.Find(*obj);
    if (rp.exists) {
      if (v != nullptr && !*rp.exists) {
        Failed(fmt::format("{} of {} exists (it is {}), expected it to be absent", path, object,
                           OneLine(v->dump(), 120)));
      } else if (v == nullptr && *rp.exists) {
        Failed(fmt::format("{} of {} does not exist, expected it to exist", path, object));
      } else {
        r_.rows.push_back(fmt::format("ok   {} of {} {}", path, object, v ? "exists" : "is absent"));
        r_.passed_summary = fmt::format("{} of {} {}", path, object, v ? "exists" : "is absent");
      }
      return;
    }
    const kube::Json& want = *rp.equals;
    if (v == nullptr) {
      Failed(fmt::format("{} of {} does not exist, expected {}", path, object, OneLine(want.dump(), 120)));
      return;
    }
    if (*v != want) {
      std::string message = fmt::format("{} of {} is {}, expected {}", path, object, OneLine(v->dump(), 120),
                                        OneLine(want.dump(), 120));
      if (v->is_string() != want.is_string() && v->is_primitive() && want.is_primitive()) {
        message += fmt::format(" ({} is not {}: equals compares JSON values, so a string never equals a number or a "
                               "boolean; quote or unquote the expected value)",
                               Typed(*v), Typed(want));
      }
      Failed(message);
      return;
    }
    r_.rows.push_back(fmt::format("ok   {} of {} is {}", path, object, OneLine(v->dump(), 120)));
    r_.passed_summary = fmt::format("{} of {} is {}", path, object, OneLine(v->dump(), 120));
  }

  kube::KubeApi& api_;
  PodExecutor& exec_;
  const cluster::Snapshot& snap_;
  ProbeResult r_;
};

class Probe final : public Assertion {
 public:
  std::string Name() const override { return "probe"; }
  std::string Summary() const override {
    return "a steady-state probe (exec, http or resource) holds before the first fault and after the steps";
  }

  Status Validate(const drill::AssertionSpec& spec) const override {
    auto s = ReadProbeSpec(spec.params);
    if (!s) return std::unexpected(s.error());
    return Ok();
  }

  Status Prepare(AssertionContext& ctx) override {
    auto spec = ReadProbeSpec(ctx.spec.params);
    if (!spec) return std::unexpected(spec.error());
    spec_ = *spec;
    before_ = ProbeRun(ctx.api, ctx.exec, ctx.baseline).Run(*spec_);
    for (const auto& row : before_->rows) ctx.log("probe before the faults: " + row);
    if (!before_->ok()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{} before the faults: {}",
                                   before_->kdrill_error ? "the probe could not run" : "the system was not in steady state",
                                   fmt::join(before_->failures, "; ")));
    }
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    Verdict v;
    if (!spec_) {  // Prepare did not run (or did not read the params)
      auto spec = ReadProbeSpec(ctx.spec.params);
      if (!spec) {
        v.kind = VerdictKind::kError;
        v.message = spec.error().message;
        return v;
      }
      spec_ = *spec;
    }
    ProbeResult after = ProbeRun(ctx.api, ctx.exec, *ctx.final_state).Run(*spec_);
    if (before_) {
      v.properties["before"] = before_->Summary();
      for (const auto& row : before_->rows) v.details.push_back("before: " + row);
    }
    v.properties["after"] = after.Summary();
    for (const auto& row : after.rows) v.details.push_back("after:  " + row);
    if (after.ok()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("steady state held: {} before the faults and after", after.passed_summary);
    } else {
      v.kind = after.kdrill_error ? VerdictKind::kError : VerdictKind::kFail;
      v.message = fmt::format("after the faults: {}", fmt::join(after.failures, "; "));
    }
    return v;
  }

 private:
  std::optional<ProbeSpec> spec_;
  std::optional<ProbeResult> before_;
};

}  // namespace

std::unique_ptr<Assertion> MakeProbe() { return std::make_unique<Probe>(); }

}  // namespace kdrill::assertions
