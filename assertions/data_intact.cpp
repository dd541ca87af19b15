// data-intact: before the first fault a seeded dataset (params.files files of
// params.size bytes each, random content) is written through exec to each
// ordinal's volume, under <mount>/.kdrill-data-<run>/, and its checksums are
// recorded; after recovery every file must read back byte-identical (same
// SHA-256, or MD5 where the image has no sha256sum) from the pod that now
// holds the ordinal. Missing files and changed checksums are named one by one.
// The dataset is removed after the check; its removal is journaled before it
// is written, so an interrupted run's `kdrill recover` removes it too.
// Needs sh, head, sync and sha256sum (or md5sum) in the container (busybox,
// Debian and most distro images have them).

#include <fmt/format.h>

#include <sstream>

#include "assertions/assertion.h"
#include "assertions/mount_paths.h"
#include "harness/cluster/quantity.h"

namespace kdrill::assertions {

namespace {

constexpr int kMaxFiles = 1000;
constexpr int64_t kMaxBytes = int64_t{1} << 30;  // per file

// Writes $2 files of $3 bytes into $1, syncs, prints "<algo>" then "<sum>  <file>" lines.
constexpr const char* kWriteScript = R"(set -e
d="$1"; n="$2"; sz="$3"
mkdir -p "$d"
i=0
while [ "$i" -lt "$n" ]; do head -c "$sz" /dev/urandom > "$d/file-$i"; i=$((i+1)); done
sync
cd "$d"
if command -v sha256sum >/dev/null 2>&1; then echo sha256; sha256sum file-*; else echo md5; md5sum file-*; fi)";

// Prints "<sum>  <file>" for every file in $1 with the algorithm $2.
constexpr const char* kReadScript = R"(cd "$1" || exit 3
for f in file-*; do [ -e "$f" ] || exit 0; done
if [ "$2" = sha256 ]; then sha256sum file-*; else md5sum file-*; fi)";

std::map<std::string, std::string> ParseSums(const std::string& out, std::string* algo) {
  std::map<std::string, std::string> sums;
  std::istringstream in(out);
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (first && algo != nullptr) {
      *algo = line;
      first = false;
      continue;
    }
    first = false;
    auto sp = line.find_first_of(" \t");
    if (sp == std::string::npos) continue;
    auto name_at = line.find_first_not_of(" \t*", sp);
    if (name_at == std::string::npos) continue;
    sums[line.substr(name_at)] = line.substr(0, sp);
  }
  return sums;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

struct Dataset {
  std::string container;
  std::string dir;
  std::string algo;
  std::map<std::string, std::string> sums;  // file -> checksum
};

class DataIntact final : public Assertion {
 public:
  std::string Name() const override { return "data-intact"; }
  std::string Summary() const override {
    return "a seeded dataset written to each ordinal's volume before the fault reads back byte-identical";
  }

  Status Validate(const drill::AssertionSpec& spec) const override {
    const auto& p = spec.params;
    if (auto s = p.CheckKnownKeys({"files", "size", "volume", "container"}, "data-intact params"); !s) return s;
    auto files = p.GetInt("files", 4);
    if (!files) return std::unexpected(files.error());
    if (*files < 1 || *files > kMaxFiles) {
      return std::unexpected(p.ErrorAt("files", fmt::format("files: must be between 1 and {}, got {}", kMaxFiles, *files)));
    }
    auto size = p.GetString("size", "64Ki");
    if (!size) return std::unexpected(size.error());
    auto bytes = cluster::ParseQuantity(*size);
    if (!bytes || *bytes < 1 || *bytes > kMaxBytes) {
      return std::unexpected(p.ErrorAt("size", "size: expected a quantity between 1 and 1Gi such as \"64Ki\" or "
                                               "\"1Mi\", got \"" + *size + "\""));
    }
    if (auto v = p.GetString("volume", ""); !v) return std::unexpected(v.error());
    if (auto c = p.GetString("container", ""); !c) return std::unexpected(c.error());
    return Ok();
  }

  Status Prepare(AssertionContext& ctx) override {
    const auto& p = ctx.spec.params;
    const int64_t files = p.GetInt("files", 4).value_or(4);
    const int64_t bytes = cluster::ParseQuantity(p.GetString("size", "64Ki").value_or("64Ki")).value_or(65536);
    std::string volume = p.GetString("volume", "").value_or("");
    const std::string container = p.GetString("container", "").value_or("");
    if (ctx.baseline.spec.claim_templates.empty() && volume.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       p.location().ToString() + ": data-intact: " + ctx.baseline.spec.name +
                           " has no volumeClaimTemplates; name the pod volume to seed with params.volume");
    }
    if (volume.empty()) volume = ctx.baseline.spec.claim_templates.front();
    volume_ = volume;
    for (const auto& [ord, o] : ctx.baseline.ordinals) {
      if (!o.pod_exists) continue;
      auto mount = FindMount(o.object, volume, container);
      if (!mount) return std::unexpected(mount.error());
      Dataset ds;
      ds.container = mount->container;
      ds.dir = mount->path + "/.kdrill-data-" + ctx.run_id;
      kube::Json undo_action = {{"kind", "exec"},
                                {"namespace", ctx.baseline.spec.ns},
                                {"pod", o.pod},
                                {"container", ds.container},
                                {"argv", {"rm", "-rf", ds.dir}}};
      bool has_claim = false;
      for (const auto& t : ctx.baseline.spec.claim_templates) has_claim = has_claim || t == volume;
      if (has_claim) undo_action["claim"] = cluster::ClaimName(volume, ctx.baseline.spec.name, ord);
      auto undo = ctx.journal->RecordUndo("data-intact", "remove dataset " + ds.dir + " in " + o.pod, undo_action);
      if (!undo) return std::unexpected(undo.error());
      undo_ids_.push_back(*undo);
      ExecRequest req{ctx.baseline.spec.ns,
                      o.pod,
                      ds.container,
                      {"sh", "-c", kWriteScript, "sh", ds.dir, std::to_string(files), std::to_string(bytes)},
                      std::nullopt};
      auto r = ctx.exec.Exec(req);
      if (!r) return std::unexpected(r.error());
      if (r->exit_code != 0) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("data-intact: seeding {} in {} exited {}: {} (the container needs sh, head, sync "
                                     "and sha256sum or md5sum)",
                                     ds.dir, o.pod, r->exit_code, Trim(r->stderr_data)));
      }
      ds.sums = ParseSums(r->stdout_data, &ds.algo);
      if (ds.sums.size() != static_cast<size_t>(files) || (ds.algo != "sha256" && ds.algo != "md5")) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("data-intact: seeding {} in {} reported {} checksum(s) for {} files: {}", ds.dir,
                                     o.pod, ds.sums.size(), files, Trim(r->stdout_data).substr(0, 200)));
      }
      ctx.log(fmt::format("dataset seeded in {}:{} ({} x {} bytes, {})", o.pod, ds.dir, files, bytes, ds.algo));
      datasets_[ord] = std::move(ds);
    }
    if (datasets_.empty()) {
      return MakeError(ErrorCode::kFailedPrecondition, "data-intact: no pod of " + ctx.baseline.spec.name +
                                                           " exists to seed");
    }
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
      auto r = ctx.exec.Exec({fin.spec.ns, pod, ds.container, {"sh", "-c", kReadScript, "sh", ds.dir, ds.algo},
                              std::nullopt});
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
                                       Trim(r->stderr_data)));
        continue;
      }
      auto now = ParseSums(r->stdout_data, nullptr);
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
    // The dataset is removed now; the journal's undo covers a crash before this.
    for (const auto& [ord, ds] : datasets_) {
      auto it = fin.ordinals.find(ord);
      if (it != fin.ordinals.end() && it->second.pod_exists) {
        (void)ctx.exec.Exec({fin.spec.ns, it->second.pod, ds.container, {"rm", "-rf", ds.dir}, std::nullopt});
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
  std::string volume_;
  std::map<int, Dataset> datasets_;
  std::vector<int> undo_ids_;
};

}  // namespace

std::unique_ptr<Assertion> MakeDataIntact() { return std::make_unique<DataIntact>(); }

}  // namespace kdrill::assertions
