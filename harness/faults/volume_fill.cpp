// volume-fill: fill the mounted volume of the chosen pods to a percentage
// (params.percent) or until the file system is full (params.untilFull: true)
// by writing zeros with dd, through exec, into one kdrill-named file
// (<mount>/.kdrill-fill-<run>-<step>). The write is bounded by params.timeout
// (default 120s) inside the pod too. The undo, journaled before the write,
// removes exactly that file (exec rm -f); it runs at cleanup, so the volume
// stays full for the steps and assertions that follow.
//
// params: percent (1..100) | untilFull (true), volume (claim template,
// default the first), container (default the one that mounts the volume),
// timeout (duration). target: ordinals, selector, random or all.

#include <fmt/format.h>

#include <cmath>

#include "harness/cluster/mount_paths.h"
#include "harness/faults/claim_victims.h"
#include "harness/faults/df.h"
#include "harness/faults/fault.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"

namespace kdrill::faults {

namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(120);
constexpr int64_t kBlock = 4096;

struct FillParams {
  std::optional<double> percent;  // unset: until full
  std::string container;
  std::chrono::milliseconds timeout{kDefaultTimeout};
};

Result<FillParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"percent", "untilFull", "volume", "container", "timeout"}, "volume-fill params"); !s) {
    return std::unexpected(s.error());
  }
  FillParams out;
  auto full = p.GetBool("untilFull", false);
  if (!full) {
    return std::unexpected(full.error());
  }
  if (p.Has("untilFull") && !*full) {
    return std::unexpected(p.ErrorAt("untilFull", "false means nothing; give percent instead"));
  }
  if (p.Has("percent") == *full) {
    return std::unexpected(p.ErrorAt("", "volume-fill needs exactly one of params.percent (e.g. 90) or "
                                         "params.untilFull: true"));
  }
  if (p.Has("percent")) {
    auto pct = p.GetDouble("percent", 0);
    if (!pct) {
      return std::unexpected(pct.error());
    }
    if (*pct <= 0 || *pct > 100) {
      return std::unexpected(p.ErrorAt("percent", fmt::format("must be in (0, 100], got {}", *pct)));
    }
    out.percent = *pct;
  }
  auto container = p.GetString("container", "");
  if (!container) {
    return std::unexpected(container.error());
  }
  out.container = *container;
  auto timeout = p.GetDuration("timeout", kDefaultTimeout);
  if (!timeout) {
    return std::unexpected(timeout.error());
  }
  if (timeout->count() < 1000) {
    return std::unexpected(p.ErrorAt("timeout", "must be at least 1s"));
  }
  out.timeout = *timeout;
  return out;
}

std::string Slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) != 0;
    out += ok ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : '-';
  }
  while (out.find("--") != std::string::npos) {
    out.replace(out.find("--"), 2, "-");
  }
  while (!out.empty() && out.back() == '-') {
    out.pop_back();
  }
  return out;
}

// .kdrill-fill-<run>-<step>: unique per run and step, recognisable as kdrill's.
std::string FillFileName(const FaultContext& ctx, const drill::Step& step) {
  std::string run = ctx.journal ? ctx.journal->Header().run_id : "RUN";
  return ".kdrill-fill-" + Slug(run) + "-" + Slug(step.name);
}

Result<DiskUsage> ReadDf(FaultContext& ctx, const std::string& pod, const std::string& container,
                         const std::string& mount) {
  auto r = ctx.exec.Exec({ctx.ns, pod, container, {"df", "-kP", mount}, std::nullopt, std::chrono::seconds(30)});
  if (!r) {
    return std::unexpected(r.error());
  }
  auto u = r->exit_code == 0 ? ParseDf(r->stdout_data) : std::nullopt;
  if (!u) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("df -kP {} in pod {}/{} exited {} and printed no usage line: {}{}", mount, ctx.ns,
                                 pod, r->exit_code, r->stdout_data, r->stderr_data));
  }
  return *u;
}

struct Target {
  PodVictim pod;
  cluster::MountPoint mount;
  std::string claim;
  std::string path;
};

class VolumeFill final : public ParamsFault<FillParams, ReadParams> {
 public:
  std::string Name() const override { return "volume-fill"; }
  std::string Summary() const override {
    return "fill the volume of chosen pods to a percentage or to ENOSPC with one kdrill file (removed by the undo)";
  }

  Status CheckTarget(const drill::Step& step) const override {
    if (auto st = RequirePodTarget(step, "volume-fill"); !st) return st;
    return Ok();
  }

  Status Validate(const drill::Step& step) const override {
    if (auto st = ParamsFault::Validate(step); !st) return st;
    if (auto v = step.params.GetString("volume", ""); !v) {
      return std::unexpected(v.error());
    }
    return Ok();
  }

  Result<std::vector<Target>> Resolve(FaultContext& ctx, const drill::Step& step, const FillParams& params) {
    auto tmpl = ClaimTemplate(ctx, step);
    if (!tmpl) {
      return std::unexpected(tmpl.error());
    }
    auto victims = ResolvePodVictims(ctx, step.target);
    if (!victims) {
      return std::unexpected(victims.error());
    }
    std::vector<Target> out;
    for (const auto& v : *victims) {
      auto mount = cluster::FindMount(v.object, *tmpl, params.container);
      if (!mount) {
        return MakeError(mount.error().code, step.params.location().ToString() + ": " + mount.error().message +
                                                 "; set params.volume/params.container to a mounted claim");
      }
      std::string dir = mount->path;
      while (dir.size() > 1 && dir.back() == '/') {
        dir.pop_back();
      }
      out.push_back({v, *mount, cluster::ClaimName(*tmpl, ctx.sts.name, v.ordinal),
                     dir + "/" + FillFileName(ctx, step)});
    }
    return out;
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const FillParams& params) override {
    auto targets = Resolve(ctx, step, params);
    if (!targets) {
      return std::unexpected(targets.error());
    }
    FaultPlan plan;
    for (const auto& t : *targets) {
      plan.victims.push_back(t.pod.name);
      plan.actions.push_back(fmt::format("fill claim {} in pod {}/{} (container {}) {} by writing {}", t.claim,
                                         ctx.ns, t.pod.name, t.mount.container,
                                         params.percent ? fmt::format("to {}%", *params.percent) : "until ENOSPC",
                                         t.path));
    }
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const FillParams& params) override {
    auto targets = Resolve(ctx, step, params);
    if (!targets) {
      return std::unexpected(targets.error());
    }
    std::vector<std::string> names;
    for (const auto& t : *targets) {
      names.push_back(t.pod.name + ":" + t.path);
    }
    ctx.log(fmt::format("victims: {} ({})", fmt::join(names, ", "),
                        params.percent ? fmt::format("fill to {}%", *params.percent) : "fill until ENOSPC"));
    FaultResult result;
    int64_t total_bytes = 0;
    for (const auto& t : *targets) {
      if (ctx.stop.stop_requested()) {
        return MakeError(ErrorCode::kCancelled, "interrupted before filling " + t.pod.name);
      }
      auto filled = FillOne(ctx, step, params, t, result);
      if (!filled) {
        return std::unexpected(filled.error());
      }
      total_bytes += *filled;
      result.victims.push_back(t.pod.name);
    }
    result.properties["victims"] = fmt::format("{}", fmt::join(result.victims, ","));
    result.properties["bytes.written"] = std::to_string(total_bytes);
    result.properties["mode"] = params.percent ? fmt::format("percent {}", *params.percent) : "untilFull";
    return result;
  }

 private:
  // Journals the removal, measures, writes, measures again. Returns bytes written.
  Result<int64_t> FillOne(FaultContext& ctx, const drill::Step& step, const FillParams& params, const Target& t,
                          FaultResult& result) {
    auto undo = ctx.journal->RecordUndo(step.name, "remove fill file " + t.path + " in " + t.pod.name,
                                        {{"kind", "exec"},
                                         {"namespace", ctx.ns},
                                         {"pod", t.pod.name},
                                         {"container", t.mount.container},
                                         {"argv", {"rm", "-f", t.path}},
                                         {"claim", t.claim},
                                         {"podReadySeconds", 180}});
    if (!undo) {
      return std::unexpected(undo.error());
    }
    auto before = ReadDf(ctx, t.pod.name, t.mount.container, t.mount.path);
    if (!before) {
      return std::unexpected(before.error());
    }
    std::string count;  // empty: until ENOSPC
    if (params.percent) {
      auto want_used_kb = static_cast<int64_t>(std::ceil(before->total_kb * *params.percent / 100.0));
      int64_t need_kb = want_used_kb - before->used_kb;
      if (need_kb <= 0) {
        std::string line = fmt::format("{}: already at {:.0f}% (>= {}%): nothing written; df {}", t.pod.name,
                                       before->UsedPercent(), *params.percent, DescribeUsage(*before));
        ctx.log(line);
        result.details.push_back(line);
        return 0;
      }
      count = std::to_string((need_kb * 1024 + kBlock - 1) / kBlock);
    }
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(params.timeout).count();
    // dd's messages go to stderr; stdout carries only the file's final size.
    ExecRequest req{ctx.ns,
                    t.pod.name,
                    t.mount.container,
                    {"sh", "-c",
                     "timeout -s KILL \"$3\" dd if=/dev/zero of=\"$1\" bs=4096 ${2:+count=$2} conv=fsync; rc=$?; "
                     "sync; stat -c %s \"$1\"; exit $rc",
                     "sh", t.path, count, std::to_string(secs)},
                    std::nullopt,
                    params.timeout + std::chrono::seconds(15)};
    auto begin = ctx.clock.Now();
    auto r = ctx.exec.Exec(req);
    double took = std::chrono::duration<double>(ctx.clock.Now() - begin).count();
    if (!r) {
      return std::unexpected(
          Error(r.error().code, "filling " + t.path + " in " + t.pod.name + ": " + r.error().message));
    }
    bool enospc = r->stderr_data.find("No space left on device") != std::string::npos;
    if (r->exit_code == 137 || r->exit_code == 124) {
      return MakeError(ErrorCode::kTimeout, fmt::format("filling {} in {} did not finish within {}s (killed); raise "
                                                        "params.timeout at {}",
                                                        t.path, t.pod.name, secs, step.params.location().ToString()));
    }
    if (r->exit_code != 0 && !enospc) {
      return MakeError(ErrorCode::kFailedPrecondition, fmt::format("dd into {} in {} exited {}: {}", t.path,
                                                                   t.pod.name, r->exit_code, r->stderr_data));
    }
    if (!params.percent && !enospc) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("dd into {} in {} ended without ENOSPC (exit {}): the volume did not fill", t.path,
                                   t.pod.name, r->exit_code));
    }
    int64_t bytes = 0;
    try {
      bytes = std::stoll(r->stdout_data);
    } catch (const std::exception&) {
      bytes = -1;
    }
    auto after = ReadDf(ctx, t.pod.name, t.mount.container, t.mount.path);
    if (!after) {
      return std::unexpected(after.error());
    }
    std::string line = fmt::format("{}: wrote {} bytes to {} in {:.1f}s{}; df before: {}; after: {}", t.pod.name,
                                   bytes, t.path, took, enospc ? " (stopped by ENOSPC: No space left on device)" : "",
                                   DescribeUsage(*before), DescribeUsage(*after));
    ctx.log(line);
    result.details.push_back(line);
    result.properties[t.pod.name + ".file"] = t.path;
    result.properties[t.pod.name + ".bytes"] = std::to_string(bytes);
    result.properties[t.pod.name + ".df.before"] = DescribeUsage(*before);
    result.properties[t.pod.name + ".df.after"] = DescribeUsage(*after);
    result.properties[t.pod.name + ".enospc"] = enospc ? "true" : "false";
    return std::max<int64_t>(bytes, 0);
  }
};

}  // namespace

std::unique_ptr<Fault> MakeVolumeFill() { return std::make_unique<VolumeFill>(); }

}  // namespace kdrill::faults
