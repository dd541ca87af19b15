// data-intact: before the first fault a seeded dataset (params.files files of
// params.size bytes each, random content) is written through exec to each
// ordinal's volume, under <mount>/.kdrill-data-<run>/, and its checksums are
// recorded; after recovery every file must read back byte-identical (same
// SHA-256, or MD5 where the image has no sha256sum) from the pod that now
// holds the ordinal. Missing files and changed checksums are named one by one.
// The dataset is removed after the check, in the exec that reads it back; its
// removal is journaled before it is written, so an interrupted run's `kdrill
// recover` removes it too.
// Needs sh, head, sync and sha256sum (or md5sum) in the container (busybox,
// Debian and most distro images have them).

#include <fmt/format.h>

#include "assertions/assertion.h"
#include "harness/exec/exec_batch.h"
#include "assertions/seeded_dataset.h"
#include "harness/core/text.h"

namespace kdrill::assertions {

namespace {

constexpr int64_t kDefaultFiles = 4;

// Prints "<sum>  <file>" for every file in $1 with the algorithm $2.
constexpr const char* kReadScript = R"(cd "$1" || exit 3
for f in file-*; do [ -e "$f" ] || exit 0; done
if [ "$2" = sha256 ]; then sha256sum file-*; else md5sum file-*; fi)";

class DataIntact final : public Assertion {
 public:
  std::string Name() const override { return "data-intact"; }
  std::string Summary() const override {
    return "a seeded dataset written to each ordinal's volume before the fault reads back byte-identical";
  }

  Status Validate(const drill::AssertionSpec& spec) const override {
    return ValidateDatasetParams(spec.params, {"files", "size", "volume", "container"}, "data-intact", kDefaultFiles);
  }

  Status Prepare(AssertionContext& ctx) override {
    const auto& p = ctx.spec.params;
    DatasetSpec spec = ReadDatasetParams(p, kDefaultFiles);
    if (ctx.baseline.spec.claim_templates.empty() && spec.volume.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       p.location().ToString() + ": data-intact: " + ctx.baseline.spec.name +
                           " has no volumeClaimTemplates; name the pod volume to seed with params.volume");
    }
    if (spec.volume.empty()) spec.volume = ctx.baseline.spec.claim_templates.front();
    auto seeded = SeedDataset(ctx, "data-intact", spec, ".kdrill-data-" + ctx.run_id, /*need_sha256=*/false, undo_ids_);
    if (!seeded) return std::unexpected(seeded.error());
    for (auto& sv : *seeded) datasets_[sv.ordinal] = std::move(sv);
    return Ok();
  }

  Verdict Check(AssertionContext& ctx) override {
    const auto& fin = *ctx.final_state;
    Verdict v;
    std::vector<std::string> problems;
    size_t files_ok = 0, files_total = 0;
    for (const auto& [ord, ds] : datasets_) {
      files_total += ds.sums.size();
      auto it = fin.ordinals.find(ord);
      std::string pod = it != fin.ordinals.end() ? it->second.pod : cluster::PodName(fin.spec.name, ord);
      if (it == fin.ordinals.end() || !it->second.pod_exists) {
        problems.push_back(fmt::format("{}: cannot read the dataset, the pod is missing", pod));
        continue;
      }
      // One exec checksums the dataset, then removes it (the journal's undo
      // covers a crash before this). The removal runs whatever the read
      // answered, and its own answer never changes what was read.
      ExecBatch batch(ctx.exec, {fin.spec.ns, pod, ds.container, {}, std::nullopt},
                      {{"read", {"sh", "-c", kReadScript, "sh", ds.dir, ds.algo}},
                       {"remove", {"rm", "-rf", ds.dir}, /*rerun_if_unanswered=*/true}});
      auto r = batch.Part("read");
      (void)batch.Part("remove");
      if (!r) {
        problems.push_back(fmt::format("{}: reading the dataset failed: {}", pod, r.error().message));
        continue;
      }
      if (r->exit_code == 3) {
        problems.push_back(fmt::format("{}: the dataset directory {} is gone (all {} files missing)", pod, ds.dir,
                                       ds.sums.size()));
        continue;
      }
      if (r->exit_code != 0) {
        problems.push_back(fmt::format("{}: checksumming {} exited {}: {}", pod, ds.dir, r->exit_code,
                                       TrimEnd(r->stderr_data)));
        continue;
      }
      auto now = ParseChecksums(r->stdout_data, nullptr);
      std::vector<std::string> missing, changed;
      for (const auto& [file, sum] : ds.sums) {
        auto n = now.find(file);
        if (n == now.end()) {
          missing.push_back(file);
        } else if (n->second != sum) {
          changed.push_back(fmt::format("{} ({} {} -> {})", file, ds.algo, sum.substr(0, 12), n->second.substr(0, 12)));
        } else {
          ++files_ok;
        }
      }
      if (!missing.empty()) {
        problems.push_back(fmt::format("{}: {} of {} file(s) missing in {}: {}", pod, missing.size(), ds.sums.size(),
                                       ds.dir, fmt::join(missing, ", ")));
      }
      if (!changed.empty()) {
        problems.push_back(fmt::format("{}: {} file(s) changed: {}", pod, changed.size(), fmt::join(changed, ", ")));
      }
      if (missing.empty() && changed.empty()) {
        v.details.push_back(fmt::format("{}: {} file(s) in {} read back identical ({})", pod, ds.sums.size(), ds.dir,
                                        ds.algo));
      }
    }
    for (int id : undo_ids_) (void)ctx.journal->MarkDone(id, "dataset removed after check");
    v.properties["data.files"] = std::to_string(files_total);
    v.properties["data.files.intact"] = std::to_string(files_ok);
    if (problems.empty()) {
      v.kind = VerdictKind::kPass;
      v.message = fmt::format("all {} seeded file(s) on {} ordinal(s) read back byte-identical", files_total,
                              datasets_.size());
    } else {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("expected the seeded dataset back byte-identical; {}", fmt::join(problems, "; "));
      for (const auto& pr : problems) v.details.push_back(pr);
    }
    return v;
  }

 private:
  std::map<int, SeededVolume> datasets_;
  std::vector<int> undo_ids_;
};

}  // namespace

std::unique_ptr<Assertion> MakeDataIntact() { return std::make_unique<DataIntact>(); }

}  // namespace kdrill::assertions
