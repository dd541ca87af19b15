#include "harness/exec/exec_batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "harness/core/text.h"

namespace kdrill {

namespace {

constexpr std::string_view kMark = "@@kdrill-part@@";

// $@: NAME COUNT ARG... per part. Each part runs in a subshell of its own
// (eval of "${i}" references only, so no argument is ever parsed as shell),
// its exit status printed after it; the framing goes to stdout and stderr
// alike, so that each stream can be cut into the parts' sections.
constexpr const char* kBatchScript = R"sh(m=@@kdrill-part@@
while [ "$#" -gt 1 ]; do
  name=$1; n=$2; shift 2
  cmd=; i=1
  while [ "$i" -le "$n" ]; do cmd="$cmd \"\${$i}\""; i=$((i+1)); done
  printf '%s begin %s\n' "$m" "$name"; printf '%s begin %s\n' "$m" "$name" >&2
  (eval "$cmd")
  rc=$?
  printf '\n%s end %s rc=%s\n' "$m" "$name" "$rc"; printf '\n%s end %s rc=%s\n' "$m" "$name" "$rc" >&2
  shift "$n"
done)sh";

}  // namespace

std::vector<std::string> BatchArgv(const std::vector<BatchPart>& parts) {
  std::vector<std::string> argv = {"sh", "-c", kBatchScript, "sh"};
  for (const auto& p : parts) {
    argv.push_back(p.name);
    argv.push_back(std::to_string(p.argv.size()));
    argv.insert(argv.end(), p.argv.begin(), p.argv.end());
  }
  return argv;
}

std::optional<std::vector<BatchPart>> ParseBatchArgv(const std::vector<std::string>& argv) {
  if (argv.size() < 4 || argv[0] != "sh" || argv[1] != "-c" || argv[2] != kBatchScript || argv[3] != "sh") {
    return std::nullopt;
  }
  std::vector<BatchPart> parts;
  size_t i = 4;
  while (i < argv.size()) {
    if (i + 1 >= argv.size()) return std::nullopt;
    size_t n = 0;
    const std::string& count = argv[i + 1];
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (ec != std::errc() || end != count.data() + count.size() || i + 2 + n > argv.size()) return std::nullopt;
    parts.push_back({argv[i], std::vector<std::string>(argv.begin() + static_cast<long>(i + 2),
                                                       argv.begin() + static_cast<long>(i + 2 + n))});
    i += 2 + n;
  }
  return parts;
}

std::optional<PartSection> FindPart(std::string_view framed, std::string_view name) {
  const std::string begin = fmt::format("{} begin {}\n", kMark, name);
  size_t at = framed.find(begin);
  while (at != std::string_view::npos && at > 0 && framed[at - 1] != '\n') at = framed.find(begin, at + 1);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t body = at + begin.size();
  const std::string end = fmt::format("\n{} end {} rc=", kMark, name);
  const size_t e = framed.find(end, body);
  if (e == std::string_view::npos) return PartSection{std::string(framed.substr(body)), std::nullopt};
  PartSection s{std::string(framed.substr(body, e - body)), std::nullopt};
  const std::string_view rest = framed.substr(e + end.size());
  int rc = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), rc);
  if (ec == std::errc() && p != rest.data() && p < rest.data() + rest.size() && *p == '\n') s.rc = rc;
  return s;
}

std::string FramePart(std::string_view name, std::string_view body, std::optional<int> rc) {
  std::string out = fmt::format("{} begin {}\n{}", kMark, name, body);
  if (rc) out += fmt::format("\n{} end {} rc={}\n", kMark, name, *rc);
  return out;
}

ExecBatch::ExecBatch(PodExecutor& exec, ExecRequest base, std::vector<BatchPart> parts)
    : exec_(exec), base_(std::move(base)), parts_(std::move(parts)) {
  base_.argv.clear();
  base_.stdin_data.reset();
}

Result<ExecResult> ExecBatch::Alone(const BatchPart& part) {
  ExecRequest req = base_;
  req.argv = part.argv;
  auto r = exec_.Exec(req);
  alone_.emplace(part.name, r);
  return r;
}

Result<ExecResult> ExecBatch::Part(std::string_view name) {
  auto part = std::find_if(parts_.begin(), parts_.end(), [&](const BatchPart& p) { return p.name == name; });
  if (part == parts_.end()) return MakeError(ErrorCode::kInternal, fmt::format("no part {} in this exec", name));
  if (auto a = alone_.find(name); a != alone_.end()) return a->second;
  if (parts_.size() == 1) return Alone(*part);
  if (!whole_) {
    ExecRequest req = base_;
    req.argv = BatchArgv(parts_);
    whole_ = exec_.Exec(req);
  }
  if (BatchCouldNotRun(*whole_)) return Alone(*part);  // no sh: the command alone may still run
  auto r = PartFromBatch(*whole_, *part, base_.pod);
  if (!r && part->rerun_if_unanswered) return Alone(*part);
  return r;
}

bool BatchCouldNotRun(const Result<ExecResult>& whole) {
  const bool began = whole && whole->stdout_data.find(fmt::format("{} begin ", kMark)) != std::string::npos;
  return !began && ExecCannotRun(whole);
}

Result<ExecResult> PartFromBatch(const Result<ExecResult>& whole, const BatchPart& part, std::string_view pod) {
  if (!whole) return std::unexpected(whole.error());
  auto out = FindPart(whole->stdout_data, part.name);
  auto err = FindPart(whole->stderr_data, part.name);
  if (out && out->rc) return ExecResult{*out->rc, std::move(out->body), err ? std::move(err->body) : std::string()};
  return MakeError(ErrorCode::kIo, fmt::format("the exec in {} ended (exit {}) before {} finished: {}", pod,
                                               whole->exit_code, part.argv.empty() ? part.name : part.argv.front(),
                                               OneLine(err ? err->body : whole->stderr_data)));
}

}  // namespace kdrill
