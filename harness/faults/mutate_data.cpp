// mutate-data: changes the backed-up volumes AFTER a backup, so the restore
// can be shown to bring back the backup and not what came later. For each
// claim of the backup (params.backup, default the latest), in the pod that
// mounts it now: writes a new file .kdrill-after-backup-<run> (params.bytes
// random bytes, default 4096) and appends a line to one kdrill-owned file the
// backup holds (a file of the dataset the backup-restore assertion seeded, if
// there is one). Only kdrill's own files are touched. The removal of the new
// file is journaled before it is written; the changed dataset file goes with
// the dataset. The changes are recorded for the verification: after the
// restore the new file must be absent and the changed file must read as it
// was backed up.
//
// params: backup, bytes. No target.

#include <fmt/format.h>

#include <sstream>

#include "harness/cluster/mount_paths.h"
#include "harness/backup/tar_reader.h"
#include "harness/faults/backup_steps.h"
#include "harness/faults/fault.h"
#include "harness/faults/params_fault.h"
#include "harness/faults/victims.h"

namespace kdrill::faults {

namespace {

// $1 dir, $2 new file, $3 bytes, $4 file to change (may be empty). Prints
// "<sha256>  <path>" for the new file and the changed one.
constexpr const char* kMutateScript = R"(set -e
cd "$1"
head -c "$3" /dev/urandom > "$2"
if [ -n "$4" ]; then echo "changed by kdrill after the backup" >> "$4"; fi
sync
sha256sum "$2" ${4:+"$4"})";

struct MutateParams {
  std::string backup;
  int64_t bytes = 4096;
};

Result<MutateParams> ReadParams(const drill::Step& step) {
  const auto& p = step.params;
  if (auto s = p.CheckKnownKeys({"backup", "bytes"}, "mutate-data params"); !s) return std::unexpected(s.error());
  MutateParams out;
  auto b = p.GetString("backup", "");
  if (!b) return std::unexpected(b.error());
  out.backup = *b;
  auto n = p.GetInt("bytes", 4096);
  if (!n) return std::unexpected(n.error());
  if (*n < 1 || *n > (int64_t{64} << 20)) {
    return std::unexpected(p.ErrorAt("bytes", "must be between 1 and 67108864 (64Mi)"));
  }
  out.bytes = *n;
  return out;
}

std::string Slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(static_cast<unsigned char>(c)))
                                                       : '-';
  }
  return out;
}

// The first file of the backup that kdrill owns (top-level name .kdrill-...),
// preferring the backup-restore dataset.
std::string KdrillFileIn(const backup::VolumeBackup& v) {
  std::string any;
  for (const auto& [path, sum] : v.files) {
    if (path.rfind(".kdrill-backup-", 0) == 0) return path;
    if (any.empty() && path.rfind(".kdrill-", 0) == 0 && path.rfind(".kdrill-after-backup-", 0) != 0) any = path;
  }
  return any;
}

class MutateData final : public ParamsFault<MutateParams, ReadParams> {
 public:
  std::string Name() const override { return "mutate-data"; }
  std::string Summary() const override {
    return "after a backup, add a file and change a kdrill-owned file in every backed-up volume (the restore must "
           "undo both)";
  }

  Status CheckTarget(const drill::Step& step) const override {
    return RefuseTarget(step, "mutate-data acts on every claim of the backup");
  }

  Result<FaultPlan> PlanWith(FaultContext& ctx, const drill::Step& step, const MutateParams& params) override {
    FaultPlan plan;
    plan.actions.push_back(fmt::format("in every claim of backup {}: write .kdrill-after-backup-<run> ({} bytes) and "
                                       "append to one kdrill dataset file; the restore must undo both",
                                       params.backup.empty() ? "(the latest)" : "\"" + params.backup + "\"",
                                       params.bytes));
    return plan;
  }

  Result<FaultResult> InjectWith(FaultContext& ctx, const drill::Step& step, const MutateParams& params) override {
    auto session = RequireSession(ctx);
    if (!session) return std::unexpected(session.error());
    const backup::BackupRecord* record = (*session)->Find(params.backup);
    if (!record) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       step.location.ToString() + ": mutate-data changes data after a backup, but " +
                           (params.backup.empty() ? std::string("no backup step ran before it")
                                                   : "no backup named \"" + params.backup + "\" ran before it"));
    }
    std::string added = ".kdrill-after-backup-" + Slug((*session)->run_id());
    FaultResult result;
    for (const auto& v : record->volumes) {
      std::string pod_name = cluster::PodName(record->statefulset, v.ordinal);
      auto pod = ctx.api.Get(kube::Pods(ctx.ns, pod_name));
      if (!pod) {
        return std::unexpected(Error(pod.error().code, fmt::format("reading pod {}/{} to change claim {}: {}", ctx.ns,
                                                                   pod_name, v.claim, pod.error().message)));
      }
      auto mount = cluster::FindMount(*pod, v.claim_template, v.container);
      if (!mount) return std::unexpected(mount.error());
      std::string changed = KdrillFileIn(v);
      auto undo = ctx.journal->RecordUndo(step.name, "remove " + mount->path + "/" + added + " in " + pod_name,
                                          {{"kind", "exec"},
                                           {"namespace", ctx.ns},
                                           {"pod", pod_name},
                                           {"container", mount->container},
                                           {"argv", {"rm", "-f", mount->path + "/" + added}},
                                           {"claim", v.claim},
                                           {"podReadySeconds", 180}});
      if (!undo) return std::unexpected(undo.error());
      ExecRequest req{ctx.ns,
                      pod_name,
                      mount->container,
                      {"sh", "-c", kMutateScript, "sh", mount->path, added, std::to_string(params.bytes), changed},
                      std::nullopt,
                      std::chrono::seconds(120)};
      auto r = ctx.exec.Exec(req);
      if (!r) return std::unexpected(r.error());
      if (r->exit_code != 0) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("changing claim {} in {} exited {}: {} (the container needs sh, head, sync and "
                                     "sha256sum)",
                                     v.claim, pod_name, r->exit_code, r->stderr_data));
      }
      std::map<std::string, std::string> sums;
      std::istringstream in(r->stdout_data);
      std::string line;
      while (std::getline(in, line)) {
        auto sp = line.find(' ');
        auto at = sp == std::string::npos ? sp : line.find_first_not_of(" *", sp);
        if (sp == 64 && at != std::string::npos) sums[backup::NormalizeTarPath(line.substr(at))] = line.substr(0, 64);
      }
      (*session)->mutations.push_back({v.claim, pod_name, added, true, sums[added]});
      std::string line_out = fmt::format("{} ({}): wrote {} ({} bytes)", pod_name, v.claim, added, params.bytes);
      if (!changed.empty()) {
        (*session)->mutations.push_back({v.claim, pod_name, changed, false, sums[changed]});
        line_out += fmt::format(", changed {} (sha256 now {})", changed, sums[changed].substr(0, 12));
      }
      ctx.log(line_out);
      result.details.push_back(line_out);
      result.victims.push_back(v.claim);
    }
    result.properties["mutations"] = std::to_string((*session)->mutations.size());
    result.properties["added"] = added;
    return result;
  }
};

}  // namespace

std::unique_ptr<Fault> MakeMutateData() { return std::make_unique<MutateData>(); }

}  // namespace kdrill::faults
