#include "assertions/seeded_dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "harness/cluster/mount_paths.h"
#include "harness/cluster/quantity.h"
#include "harness/core/text.h"

namespace kdrill::assertions {

namespace {

constexpr int kMaxFiles = 1000;
constexpr int64_t kMaxBytes = int64_t{1} << 30;  // per file

// Writes $2 files of $3 bytes into $1, syncs, prints "<algo>" then "<sum>  <file>" lines.
constexpr const char* kSeedScript = R"(set -e
d="$1"; n="$2"; sz="$3"
mkdir -p "$d"
i=0
while [ "$i" -lt "$n" ]; do head -c "$sz" /dev/urandom > "$d/file-$i"; i=$((i+1)); done
sync
cd "$d"
if command -v sha256sum >/dev/null 2>&1; then echo sha256; sha256sum file-*; else echo md5; md5sum file-*; fi)";

}  // namespace

Status ValidateDatasetParams(const drill::Params& p, const std::vector<std::string>& known, const std::string& what,
                             int64_t default_files) {
  if (auto s = p.CheckKnownKeys(known, what + " params"); !s) return s;
  auto files = p.GetInt("files", default_files);
  if (!files) return std::unexpected(files.error());
  if (*files < 1 || *files > kMaxFiles) {
    return std::unexpected(p.ErrorAt("files", fmt::format("must be between 1 and {}, got {}", kMaxFiles, *files)));
  }
  auto size = p.GetString("size", "64Ki");
  if (!size) return std::unexpected(size.error());
  auto bytes = cluster::ParseQuantity(*size);
  if (!bytes || *bytes < 1 || *bytes > kMaxBytes) {
    return std::unexpected(p.ErrorAt("size", "expected a quantity between 1 and 1Gi such as \"64Ki\" or "
                                             "\"1Mi\", got \"" + *size + "\""));
  }
  if (auto v = p.GetString("volume", ""); !v) return std::unexpected(v.error());
  if (auto c = p.GetString("container", ""); !c) return std::unexpected(c.error());
  return Ok();
}

DatasetSpec ReadDatasetParams(const drill::Params& p, int64_t default_files) {
  DatasetSpec s;
  s.files = p.GetInt("files", default_files).value_or(default_files);
  s.bytes = cluster::ParseQuantity(p.GetString("size", "64Ki").value_or("64Ki")).value_or(65536);
  s.volume = p.GetString("volume", "").value_or("");
  s.container = p.GetString("container", "").value_or("");
  return s;
}

std::map<std::string, std::string> ParseChecksums(const std::string& out, std::string* algo) {
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

Result<std::vector<SeededVolume>> SeedDataset(AssertionContext& ctx, const std::string& owner, const DatasetSpec& spec,
                                              const std::string& dir_name, bool need_sha256,
                                              std::vector<int>& undo_ids) {
  const auto& sts = ctx.baseline.spec;
  const bool is_template =
      std::find(sts.claim_templates.begin(), sts.claim_templates.end(), spec.volume) != sts.claim_templates.end();
  const char* needs = need_sha256 ? "sh, head, sync and sha256sum" : "sh, head, sync and sha256sum or md5sum";
  std::vector<SeededVolume> out;
  for (const auto& [ord, o] : ctx.baseline.ordinals) {
    if (!o.pod_exists) continue;
    auto mount = cluster::FindMount(o.object, spec.volume, spec.container);
    if (!mount) return std::unexpected(mount.error());
    SeededVolume sv;
    sv.ordinal = ord;
    sv.pod = o.pod;
    sv.claim = is_template ? cluster::ClaimName(spec.volume, sts.name, ord) : std::string();
    sv.container = mount->container;
    sv.mount = mount->path;
    sv.dir = mount->path + "/" + dir_name;
    kube::Json undo_action = {{"kind", "exec"},
                              {"namespace", sts.ns},
                              {"pod", o.pod},
                              {"container", sv.container},
                              {"argv", {"rm", "-rf", sv.dir}},
                              {"podReadySeconds", 180}};
    // The files live on the claim: a pod being replaced is waited for.
    if (!sv.claim.empty()) undo_action["claim"] = sv.claim;
    auto undo = ctx.journal->RecordUndo(owner, "remove dataset " + sv.dir + " in " + o.pod, undo_action);
    if (!undo) return std::unexpected(undo.error());
    undo_ids.push_back(*undo);
    ExecRequest req{sts.ns,
                    o.pod,
                    sv.container,
                    {"sh", "-c", kSeedScript, "sh", sv.dir, std::to_string(spec.files), std::to_string(spec.bytes)},
                    std::nullopt,
                    std::chrono::seconds(120)};
    auto r = ctx.exec.Exec(req);
    if (ExecCannotRun(r)) {  // nothing written, and no rm to remove it with
      (void)ctx.journal->MarkDone(*undo, "nothing was written");
      undo_ids.pop_back();
    }
    if (!r) return std::unexpected(r.error());
    if (r->exit_code != 0) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}: seeding {} in {} exited {}: {} (the container needs {})", owner, sv.dir, o.pod,
                                   r->exit_code, TrimEnd(r->stderr_data), needs));
    }
    sv.sums = ParseChecksums(r->stdout_data, &sv.algo);
    if (need_sha256 && sv.algo == "md5") {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}: {} has no sha256sum (the container needs {})", owner, o.pod, needs));
    }
    if (sv.sums.size() != static_cast<size_t>(spec.files) || (sv.algo != "sha256" && sv.algo != "md5")) {
      return MakeError(ErrorCode::kFailedPrecondition,
                       fmt::format("{}: seeding {} in {} reported {} checksum(s) for {} files: {}", owner, sv.dir,
                                   o.pod, sv.sums.size(), spec.files, TrimEnd(r->stdout_data).substr(0, 200)));
    }
    ctx.log(fmt::format("dataset seeded in {}:{} ({} x {} bytes, {})", o.pod, sv.dir, spec.files, spec.bytes, sv.algo));
    out.push_back(std::move(sv));
  }
  if (out.empty()) {
    return MakeError(ErrorCode::kFailedPrecondition, owner + ": no pod of " + sts.name + " exists to seed");
  }
  return out;
}

}  // namespace kdrill::assertions
