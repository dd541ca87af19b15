// backup-restore: data backed up from the StatefulSet's volumes comes back
// intact after a disaster. Prepare (before the first step) seeds a dataset in
// each ordinal's volume: params.files random files of params.size bytes under
// <mount>/.kdrill-backup-<run>/, checksummed with sha256sum. The drill's steps
// then back up (backup), change the data (mutate-data), destroy (destroy) and
// restore (restore). Check, after the StatefulSet settled again, proves:
//   1. the backup captured the dataset: every seeded file is in the backup's
//      manifest with the checksum it was written with;
//   2. the restore brought the backup back: every file of the manifest reads
//      back with its backed-up SHA-256 in the pod that mounts the restored
//      claim (missing and changed files are named one by one);
//   3. the change made after the backup is absent: files added after it are
//      gone and changed files read as they were backed up.
// Files the restored volume holds beyond the backup are reported, not failed.
// The dataset is removed afterwards; its removal is journaled before it is
// written (assertions/seeded_dataset.h). Needs sh, head, sync, find, stat and
// sha256sum in the container.
//
// params: files (default 8), size (default 64Ki), volume (claim template;
// default the first), container.

#include <fmt/format.h>

#include <algorithm>

#include "assertions/assertion.h"
#include "harness/cluster/mount_paths.h"
#include "assertions/seeded_dataset.h"
#include "harness/backup/tar_reader.h"
#include "harness/backup/verify.h"
#include "harness/backup/volume_files.h"

namespace kdrill::assertions {

namespace {

constexpr int64_t kDefaultFiles = 8;

class BackupRestore final : public Assertion {
 public:
  std::string Name() const override { return "backup-restore"; }
  std::string Summary() const override {
    return "a seeded dataset is captured by the backup and restored byte-identical after destroy + restore, without "
           "the changes made after the backup";
  }

  Status Validate(const drill::AssertionSpec& spec) const override {
    return ValidateDatasetParams(spec.params, {"files", "size", "volume", "container"}, "backup-restore",
                                 kDefaultFiles);
  }

  Status Prepare(AssertionContext& ctx) override {
    const auto& p = ctx.spec.params;
    DatasetSpec dataset = ReadDatasetParams(p, kDefaultFiles);
    const auto& spec = ctx.baseline.spec;
    if (spec.claim_templates.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       p.location().ToString() + ": backup-restore: " + spec.name +
                           " has no volumeClaimTemplates: there is no claim to back up");
    }
    if (dataset.volume.empty()) dataset.volume = spec.claim_templates.front();
    if (std::find(spec.claim_templates.begin(), spec.claim_templates.end(), dataset.volume) ==
        spec.claim_templates.end()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       p.LocationOf("volume").ToString() + ": backup-restore: " + dataset.volume +
                           " is not a claim template of " + spec.name);
    }
    rel_dir_ = ".kdrill-backup-" + ctx.run_id;
    // The backup's manifest checksums are SHA-256 of the tar stream: the seed must be too.
    auto seeded = SeedDataset(ctx, Name(), dataset, rel_dir_, /*need_sha256=*/true, undo_ids_);
    if (!seeded) return std::unexpected(seeded.error());
    for (auto& sv : *seeded) {
      // Keyed like the manifest: paths relative to the mount.
      std::map<std::string, std::string> by_path;
      for (const auto& [file, sum] : sv.sums) by_path[backup::NormalizeTarPath(rel_dir_ + "/" + file)] = sum;
      sv.sums = std::move(by_path);
      std::string claim = sv.claim;
      seeded_[claim] = std::move(sv);
    }
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    Verdict v;
    const auto& fin = *ctx.final_state;
    if (ctx.backups && !ctx.backups->restored && !ctx.backups->restore_error.empty()) {
      v.kind = VerdictKind::kFail;
      v.message = "expected the backup back after the restore; " + ctx.backups->restore_error;
      Cleanup(ctx);
      return v;
    }
    if (!ctx.backups || !ctx.backups->restored) {
      v.kind = VerdictKind::kError;
      v.message = "no restore step ran in this drill: backup-restore checks a backup, destroy and restore round trip "
                  "(steps backup, mutate-data, destroy, restore)";
      Cleanup(ctx);
      return v;
    }
    const auto& restored = *ctx.backups->restored;
    const auto& record = restored.backup;
    std::vector<std::string> problems;
    // 1. The backup captured the seeded dataset (only for a backup of this run).
    if (record.run_id == ctx.run_id) {
      for (const auto& [claim, s] : seeded_) {
        const auto* vb = record.FindClaim(claim);
        if (!vb) {
          problems.push_back(fmt::format("{}: the backup holds no copy of claim {}", s.pod, claim));
          continue;
        }
        std::vector<std::string> absent, differ;
        for (const auto& [path, sum] : s.sums) {
          auto it = vb->files.find(path);
          if (it == vb->files.end()) {
            absent.push_back(path);
          } else if (it->second.sha256 != sum) {
            differ.push_back(path);
          }
        }
        if (!absent.empty()) {
          problems.push_back(fmt::format("{}: the backup's manifest lacks {} file(s) seeded before it: {}", claim,
                                         absent.size(), fmt::join(absent, ", ")));
        }
        if (!differ.empty()) {
          problems.push_back(fmt::format("{}: the backup's manifest holds other checksums than the files seeded "
                                         "before it: {}",
                                         claim, fmt::join(differ, ", ")));
        }
      }
    } else {
      v.details.push_back(fmt::format("backup \"{}\" comes from run {} (not this one): checked against its manifest only",
                                      record.name, record.run_id));
    }
    // 2 + 3. Every restored claim against the manifest and the later changes.
    size_t expected = 0, identical = 0;
    for (const auto& vb : record.volumes) {
      expected += vb.files.size();
      auto it = fin.ordinals.find(vb.ordinal);
      std::string pod = it != fin.ordinals.end() ? it->second.pod : cluster::PodName(fin.spec.name, vb.ordinal);
      if (it == fin.ordinals.end() || !it->second.pod_exists) {
        problems.push_back(fmt::format("{}: cannot read restored claim {}: the pod is missing", pod, vb.claim));
        continue;
      }
      auto mount = cluster::FindMount(it->second.object, vb.claim_template, vb.container);
      if (!mount) {
        problems.push_back(fmt::format("{}: {}", pod, mount.error().message));
        continue;
      }
      auto live = backup::ListVolumeFiles(ctx.exec, fin.spec.ns, pod, mount->container, mount->path,
                                          std::chrono::minutes(5));
      if (!live) {
        problems.push_back(fmt::format("{}: reading restored claim {} failed: {}", pod, vb.claim, live.error().message));
        continue;
      }
      auto verdict = backup::VerifyRestoredVolume(vb, *live, ctx.backups->mutations);
      identical += verdict.identical;
      if (!verdict.ok()) {
        problems.push_back(fmt::format("{} (claim {}): {}", pod, vb.claim, verdict.Problems()));
      } else {
        v.details.push_back(fmt::format("{} (claim {}): {} of {} file(s) identical to the backup", pod, vb.claim,
                                        verdict.identical, verdict.expected));
      }
      size_t undone = 0;
      for (const auto& m : ctx.backups->mutations) undone += m.claim == vb.claim ? 1 : 0;
      if (undone > 0 && verdict.post_backup_present.empty() && verdict.post_backup_kept.empty()) {
        v.details.push_back(fmt::format("{} (claim {}): the {} change(s) made after the backup are gone", pod,
                                        vb.claim, undone));
      }
      if (!verdict.extra.empty()) {
        v.details.push_back(fmt::format("{} (claim {}): {} file(s) not in the backup (not a failure): {}", pod,
                                        vb.claim, verdict.extra.size(), fmt::join(verdict.extra, ", ")));
      }
    }
    for (const auto& w : restored.warnings) v.details.push_back("restore warning: " + w);
    Cleanup(ctx);
    v.properties["backup.name"] = record.name;
    v.properties["backup.provider"] = record.provider;
    v.properties["backup.dir"] = record.dir;
    v.properties["backup.bytes"] = std::to_string(record.Bytes());
    v.properties["backup.seconds"] = fmt::format("{:.2f}", record.seconds);
    v.properties["restore.mode"] = restored.mode;
    v.properties["restore.bytes"] = std::to_string(restored.bytes);
    v.properties["restore.seconds"] = fmt::format("{:.2f}", restored.seconds);
    v.properties["files.expected"] = std::to_string(expected);
    v.properties["files.identical"] = std::to_string(identical);
    v.properties["mutations"] = std::to_string(ctx.backups->mutations.size());
    if (!problems.empty()) {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("expected the restore of backup \"{}\" ({}) to equal the backup; {}", record.name,
                              record.provider, fmt::join(problems, "; "));
      for (const auto& p : problems) v.details.push_back(p);
      return v;
    }
    v.kind = VerdictKind::kPass;
    v.message = fmt::format("backup \"{}\" ({}): all {} file(s) of {} claim(s) restored byte-identical{}", record.name,
                            record.provider, identical, record.volumes.size(),
                            ctx.backups->mutations.empty()
                                ? " (no change was made after the backup: add a mutate-data step to prove it is undone)"
                                : fmt::format(", the {} change(s) made after the backup are gone",
                                              ctx.backups->mutations.size()));
    return v;
  }

 private:
  // Removes the dataset and the post-backup files; the journal's undos cover a crash.
  void Cleanup(AssertionContext& ctx) {
    if (ctx.final_state) {
      const auto& fin = *ctx.final_state;
      for (const auto& [claim, s] : seeded_) {
        std::vector<std::string> argv = {"rm", "-rf", s.dir};
        if (ctx.backups) {
          for (const auto& m : ctx.backups->mutations) {
            if (m.claim == claim && m.added) argv.push_back(s.mount + "/" + m.path);
          }
        }
        for (const auto& [ord, o] : fin.ordinals) {
          if (o.pod == s.pod && o.pod_exists) {
            (void)ctx.exec.Exec({fin.spec.ns, o.pod, s.container, argv, std::nullopt});
          }
        }
      }
    }
    for (int id : undo_ids_) (void)ctx.journal->MarkDone(id, "dataset removed after check");
  }

  std::string rel_dir_;                          // the dataset's directory, relative to the mount
  std::map<std::string, SeededVolume> seeded_;  // by claim; sums keyed by path relative to the mount
  std::vector<int> undo_ids_;
};

}  // namespace

std::unique_ptr<Assertion> MakeBackupRestore() { return std::make_unique<BackupRestore>(); }

}  // namespace kdrill::assertions
