// container-kill: signal PID 1 of one container of the chosen pods through
// exec (`kill -s SIG 1`, no privileged agent). The kubelet restarts the
// container in place: the pod keeps its UID, its name and its node, and the
// container's restartCount rises. The fault waits (a watch on each pod) until
// it has, and reports restartCount before and after. Nothing to undo.
//
// The kernel delivers a signal sent from inside a PID namespace to its PID 1
// only if PID 1 handles it (SIGKILL never): the fault reads PID 1's handled
// signals (/proc/1/status SigCgt) first and refuses, saying so, a signal that
// would be silently dropped.
//
// params: container (default: the pod's first container), signal (TERM,
// KILL, INT or HUP; default TERM), timeout (default 120s) for the restart.

#include <fmt/format.h>

#include <map>

#include "harness/faults/container_signal.h"
#include "harness/core/json_fields.h"
#include "harness/faults/fault.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/restart_wait.h"
#include "harness/faults/victims.h"

namespace kdrill::faults {

namespace {

struct KillParams {
  std::string container;  // empty = each pod's first container
  std::string signal = "TERM";
  std::chrono::milliseconds timeout{std::chrono::seconds(120)};
};

Result<KillParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"container", "signal", "timeout"}, "container-kill params"); !s) {
    return std::unexpected(s.error());
  }
  KillParams out;
  auto container = p.GetString("container", "");
  if (!container) return std::unexpected(container.error());
  out.container = *container;
  auto signal = p.GetString("signal", out.signal);
  if (!signal) return std::unexpected(signal.error());
  auto norm = NormalizeSignalName(*signal);
  if (!norm) {
    return std::unexpected(p.ErrorAt("signal", fmt::format("unknown signal \"{}\"; container-kill sends one of: {}",
                                                           *signal, fmt::join(ContainerSignalNames(), ", "))));
  }
  out.signal = *norm;
  auto timeout = p.GetDuration("timeout", out.timeout);
  if (!timeout) return std::unexpected(timeout.error());
  if (timeout->count() <= 0) return std::unexpected(p.ErrorAt("timeout", "must be greater than zero"));
  out.timeout = *timeout;
  return out;
}

struct Victim {
  PodVictim pod;
  std::string container;
  int before = 0;  // -1: no status yet (plan only)
};

// for_plan: a container with no status yet is fine (the run settles the
// target before its steps); its restartCount reads as -1.
Result<std::vector<Victim>> Choose(FaultContext& ctx, const drill::Step& step, const KillParams& params,
                                   bool for_plan) {
  auto pods = ResolvePodVictims(ctx, step.target);
  if (!pods) return std::unexpected(pods.error());
  std::vector<Victim> out;
  for (const auto& p : *pods) {
    std::vector<std::string> names;
    for (const auto& c : json::Arr(p.object, "/spec/containers")) {
      names.push_back(json::Str(c, "/name"));
    }
    std::string container = params.container.empty() ? (names.empty() ? "" : names[0]) : params.container;
    if (std::find(names.begin(), names.end(), container) == names.end()) {
      return std::unexpected(step.params.ErrorAt(
          "container", fmt::format("pod {}/{} has no container \"{}\"; its containers: {}", ctx.ns, p.name, container,
                                   fmt::join(names, ", "))));
    }
    auto before = RestartCountOf(p.object, container);
    if (!before && !for_plan) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}: container {} of pod {}/{} has no status yet (not started); wait for the "
                                   "StatefulSet to settle first",
                                   step.location.ToString(), container, ctx.ns, p.name));
    }
    out.push_back({p, container, before.value_or(-1)});
  }
  return out;
}

// Refuses a signal PID 1 would never receive. A container whose
// /proc/1/status cannot be read is signalled anyway (the restart wait then
// tells whether it worked).
Status CheckPidOneHandles(FaultContext& ctx, const drill::Step& step, const Victim& v, const std::string& signal) {
  ExecRequest req{ctx.ns, v.pod.name, v.container, {"cat", "/proc/1/status"}, std::nullopt, std::chrono::seconds(30)};
  auto r = ctx.exec.Exec(req);
  std::optional<uint64_t> mask;
  if (r && r->exit_code == 0) mask = CaughtSignalMask(r->stdout_data);
  if (!mask) {
    ctx.log(fmt::format("cannot read PID 1's signal handlers in {} ({}); sending SIG{} anyway", v.pod.name,
                        r ? (r->exit_code == 0 ? std::string("no SigCgt line") : r->stderr_data)
                          : r.error().message,
                        signal));
    return Ok();
  }
  if (Catches(*mask, SignalNumber(signal))) return Ok();
  std::string fix;
  for (const auto& n : ContainerSignalNames()) {
    if (Catches(*mask, SignalNumber(n))) {
      fix = fmt::format("use signal: {} (PID 1 handles it)", n);
      break;
    }
  }
  if (fix.empty()) {
    fix = "no signal sent through exec can stop this PID 1: give it a handler (e.g. a shell `trap ... TERM`), or use "
          "pod-kill";
  }
  Error e = step.params.ErrorAt(
      "signal",
      fmt::format("PID 1 of container {} in pod {}/{} has no handler for SIG{} (it handles: {}). Inside its PID "
                  "namespace the kernel drops every signal PID 1 does not handle{}, so `kill -s {} 1` through exec "
                  "would do nothing; {}",
                  v.container, ctx.ns, v.pod.name, signal, CaughtNames(*mask),
                  signal == "KILL" ? ", and SIGKILL can never be handled" : "", signal, fix));
  e.code = ErrorCode::kFailedPrecondition;
  return std::unexpected(e);
}

class ContainerKill final : public ParamsFault<KillParams, ReadParams> {
 public:
  std::string Name() const override { return "container-kill"; }
  std::string Summary() const override {
    return "signal PID 1 of a container through exec; it must restart in place (same pod UID, restartCount + 1)";
  }

  Status CheckTarget(const drill::Step& step) const override { return RequirePodTarget(step, "container-kill"); }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const KillParams& params) override {
    auto victims = Choose(ctx, step, params, /*for_plan=*/true);
    if (!victims) return std::unexpected(victims.error());
    FaultPlan plan;
    for (const auto& v : *victims) {
      plan.victims.push_back(v.pod.name);
      std::string expect = v.before < 0 ? std::string("expect its restartCount to rise")
                                        : fmt::format("expect restartCount {} -> {}", v.before, v.before + 1);
      plan.actions.push_back(fmt::format("exec `kill -s {} 1` in container {} of pod {}/{} (uid {}, node {}); {} "
                                         "within {}s, same uid",
                                         params.signal, v.container, ctx.ns, v.pod.name, v.pod.uid, v.pod.node,
                                         expect, params.timeout.count() / 1000));
    }
    plan.actions.push_back(params.signal == "KILL"
                               ? "note: SIGKILL never reaches PID 1 from inside its container; the run will refuse"
                               : fmt::format("the run first checks that PID 1 handles SIG{} (/proc/1/status)",
                                             params.signal));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const KillParams& params) override {
    auto victims = Choose(ctx, step, params, /*for_plan=*/false);
    if (!victims) return std::unexpected(victims.error());
    std::vector<std::string> names;
    for (const auto& v : *victims) {
      names.push_back(fmt::format("{} (container {}, restartCount {}, uid {})", v.pod.name, v.container, v.before,
                                  v.pod.uid));
    }
    ctx.log(fmt::format("victims: {}; SIG{} to PID 1", fmt::join(names, ", "), params.signal));
    for (const auto& v : *victims) {
      if (auto s = CheckPidOneHandles(ctx, step, v, params.signal); !s) return std::unexpected(s.error());
    }
    std::vector<std::string> pods;
    for (const auto& v : *victims) pods.push_back(v.pod.name);
    auto undo = ctx.journal->RecordUndo(step.name,
                                        fmt::format("SIG{} to PID 1 of {}", params.signal, fmt::join(pods, ", ")),
                                        {{"kind", "none"}, {"note", "the kubelet restarts the container in place"}});
    if (!undo) return std::unexpected(undo.error());
    // What each exec said when it did not plainly succeed: the container
    // dying under its own exec session can look like a failed exec, so only
    // the restart wait decides, and this is added when it times out.
    std::map<std::string, std::string> exec_notes;
    for (const auto& v : *victims) {
      ExecRequest req{ctx.ns, v.pod.name, v.container, {"kill", "-s", params.signal, "1"}, std::nullopt,
                      std::chrono::seconds(30)};
      auto r = ctx.exec.Exec(req);
      const std::string where = fmt::format("`kill -s {} 1` in {}/{} container {}", params.signal, ctx.ns,
                                            v.pod.name, v.container);
      if (r && (r->exit_code == 127 || r->exit_code == 126)) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("{} exited {}: {} (the container has no usable kill command; container-kill "
                                     "needs one, e.g. from busybox or a shell)",
                                     where, r->exit_code, r->stderr_data));
      }
      if (r && r->exit_code == 1) {  // kill itself refused (e.g. another user's PID 1)
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("{} failed: {}", where, r->stderr_data));
      }
      if (!r || r->exit_code != 0) {
        exec_notes[v.pod.name] = r ? fmt::format("{} exited {}: {}", where, r->exit_code, r->stderr_data)
                                   : fmt::format("{}: {}", where, r.error().message);
        ctx.log(exec_notes[v.pod.name] + "; waiting for the restart to tell whether the signal landed");
        continue;
      }
      ctx.log(fmt::format("sent SIG{} to PID 1 of {}/{} container {}", params.signal, ctx.ns, v.pod.name,
                          v.container));
    }
    if (auto s = ctx.journal->MarkDone(*undo, "nothing to restore"); !s) return std::unexpected(s.error());
    FaultResult result;
    const auto deadline = ctx.clock.Now() + params.timeout;
    std::vector<std::string> counts;
    for (const auto& v : *victims) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ctx.clock.Now());
      auto after = WaitForRestart(ctx.api, ctx.clock, ctx.ns, v.pod.name, v.pod.uid, v.container, v.before,
                                  std::max(left, std::chrono::milliseconds(1000)), ctx.stop);
      if (!after) {
        Error e = after.error();
        if (e.code == ErrorCode::kTimeout) {
          e.message += fmt::format("; did PID 1 ignore SIG{}? (it exits only if its handler does)", params.signal);
          if (auto it = exec_notes.find(v.pod.name); it != exec_notes.end()) e.message += "; " + it->second;
        }
        return std::unexpected(e);
      }
      ctx.log(fmt::format("{} container {} restarted in place: restartCount {} -> {}, uid {} unchanged", v.pod.name,
                          v.container, v.before, *after, v.pod.uid));
      result.victims.push_back(v.pod.name);
      counts.push_back(fmt::format("{}:{}->{}", v.pod.name, v.before, *after));
      result.details.push_back(fmt::format("{} container {}: SIG{} to PID 1, restartCount {} -> {}, uid {} (unchanged)",
                                           v.pod.name, v.container, params.signal, v.before, *after, v.pod.uid));
    }
    result.properties["victims"] = fmt::format("{}", fmt::join(result.victims, ","));
    result.properties["signal"] = params.signal;
    result.properties["container"] = victims->front().container;
    result.properties["restartCount"] = fmt::format("{}", fmt::join(counts, ","));
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeContainerKill() { return std::make_unique<ContainerKill>(); }

}  // namespace kdrill::faults
