// acknowledged-writes and max-unavailability: the verdicts on the write
// workload of spec.workload (harness/workload/workload_writer.h), which the runner
// ran from before the first fault to after the settle and hands over in
// AssertionContext::workload.
//
//   acknowledged-writes  fails on any record the database acknowledged and
//                        no longer holds (lost), and on records present that
//                        were never written, present twice, or reported
//                        failed yet present; names their ids.
//   max-unavailability   fails when the longest run of writes that were not
//                        acknowledged lasted longer than params.max, or when
//                        the writes never came back.
// Neither can pass without evidence: no workload run, a final read that
// failed, a writer that acknowledged nothing or logged an id twice are
// errors (the check could not be made), never a pass.

#include <algorithm>

#include <fmt/format.h>

#include "assertions/assertion.h"
#include "harness/core/time_format.h"

namespace kdrill::assertions {
namespace {

Verdict NotChecked(std::string message) {
  Verdict v;
  v.kind = VerdictKind::kError;
  v.message = "not checked: " + std::move(message);
  return v;
}

// The common evidence check: an error verdict when there is nothing to judge.
std::optional<Verdict> NoEvidence(const AssertionContext& ctx) {
  const workload::WorkloadRun* run = ctx.workload;
  if (run == nullptr) {
    return NotChecked("the drill's write workload (spec.workload) did not run");
  }
  if (run->check.acknowledged == 0) {
    return NotChecked(fmt::format("the writer in pod {} had no write acknowledged ({} attempted, {} unreadable "
                                  "log lines), so nothing can be lost or found",
                                  run->pod, run->check.attempted, run->log.unreadable_count));
  }
  if (!run->check.repeated_attempts.empty()) {
    return NotChecked(fmt::format("the writer in pod {} logged ids {} more than once; its log cannot be trusted",
                                  run->pod, workload::IdList(run->check.repeated_attempts)));
  }
  return std::nullopt;
}

void AddFigures(const workload::WorkloadRun& run, Verdict& v) {
  const auto& c = run.check;
  v.properties["workload.client"] = run.client;
  v.properties["workload.host"] = run.host;
  v.properties["workload.attempted"] = std::to_string(c.attempted);
  v.properties["workload.acknowledged"] = std::to_string(c.acknowledged);
  v.properties["workload.failed"] = std::to_string(c.failed);
  v.properties["workload.indeterminate"] = std::to_string(c.indeterminate);
  v.properties["workload.recovered"] = std::to_string(c.recovered.size());
  if (run.checked()) {
    v.properties["workload.read"] = std::to_string(run.read.size());
    v.properties["workload.lost"] = std::to_string(c.lost.size());
    v.properties["workload.unexpected"] = std::to_string(c.unexpected.size());
    v.properties["workload.duplicated"] = std::to_string(c.duplicated.size());
    v.properties["workload.failed_present"] = std::to_string(c.failed_present.size());
  }
  v.properties["workload.longest_unavailable_ms"] = std::to_string(c.longest_unavailable.length().count());
}

// The longest window of writes not acknowledged, with what the client said
// about its first write.
std::string WindowText(const workload::WorkloadRun& run) {
  const auto& w = run.check.longest_unavailable;
  if (w.attempts == 0) return "every write was acknowledged";
  std::string why;
  for (const auto& a : run.log.attempts) {
    if (a.at >= w.from && a.outcome != workload::WriteOutcome::kAcknowledged) {
      if (!a.reason.empty()) why = fmt::format("; first: {} {} {}", WriteOutcomeName(a.outcome), a.id, a.reason);
      break;
    }
  }
  return fmt::format("{} write(s) not acknowledged for {:.1f} s, from {} {}{}", w.attempts,
                     std::chrono::duration<double>(w.length()).count(), Rfc3339(w.from),
                     w.open ? "to the end (no write acknowledged after)" : "to " + Rfc3339(w.to), why);
}

// Timeline marks (kind "note"): where the longest unavailability began, and
// when each of the first lost writes was acknowledged, so the run's timeline
// shows them beside the faults.
void AddUnavailableMark(const workload::WorkloadRun& run, Verdict& v) {
  const auto& w = run.check.longest_unavailable;
  if (w.attempts == 0) return;
  Verdict::Mark m;
  m.at = w.from;
  m.type = "writes-unavailable";
  m.name = run.host;
  m.summary = fmt::format("longest unavailability began: {}", WindowText(run));
  m.details = {{"attempts", w.attempts}, {"ms", w.length().count()}, {"open", w.open}};
  v.marks.push_back(std::move(m));
}

void AddLostMarks(const workload::WorkloadRun& run, Verdict& v) {
  std::size_t marked = 0;
  for (const auto& a : run.log.attempts) {
    if (marked == 5) break;
    if (a.outcome != workload::WriteOutcome::kAcknowledged) continue;
    if (std::find(run.check.lost.begin(), run.check.lost.end(), a.id) == run.check.lost.end()) continue;
    Verdict::Mark m;
    m.at = a.at;
    m.type = "write-lost";
    m.name = run.host;
    m.summary = fmt::format("write {} acknowledged here is missing after recovery", a.id);
    m.details = {{"id", a.id}};
    v.marks.push_back(std::move(m));
    ++marked;
  }
}

class AcknowledgedWrites final : public Assertion {
 public:
  std::string Name() const override { return "acknowledged-writes"; }
  std::string Summary() const override {
    return "every write the database acknowledged during the drill is there after recovery (Jepsen's set check)";
  }
  Status Validate(const drill::AssertionSpec& spec) const override {
    return spec.params.CheckKnownKeys({}, "acknowledged-writes params");
  }
  Verdict Check(AssertionContext& ctx) override {
    if (auto none = NoEvidence(ctx)) return *none;
    const auto& run = *ctx.workload;
    const auto& c = run.check;
    Verdict v;
    AddFigures(run, v);
    if (!run.checked()) {
      v.kind = VerdictKind::kError;
      v.message = fmt::format("not checked: {} writes acknowledged, but the final read failed: {}", c.acknowledged,
                              run.read_error);
      return v;
    }
    v.details.push_back(c.Summary());
    v.details.push_back("longest unavailability: " + WindowText(run));
    if (!c.recovered.empty()) {
      v.details.push_back("indeterminate but present (fine): " + workload::IdList(c.recovered));
    }
    if (run.log.unreadable_count > 0) {
      v.details.push_back(fmt::format("{} log line(s) not in the writer's protocol, e.g. \"{}\"",
                                      run.log.unreadable_count,
                                      run.log.unreadable.empty() ? "" : run.log.unreadable.front()));
    }
    if (c.ok()) {
      v.message = fmt::format("all {} acknowledged writes to {} are there ({} read back)", c.acknowledged, run.host,
                              run.read.size());
      return v;
    }
    v.kind = VerdictKind::kFail;
    AddLostMarks(run, v);
    std::vector<std::string> broken;
    if (!c.lost.empty()) broken.push_back(fmt::format("{} acknowledged write(s) lost: ids {}", c.lost.size(),
                                                      workload::IdList(c.lost)));
    if (!c.unexpected.empty()) broken.push_back(fmt::format("{} record(s) never written: ids {}",
                                                            c.unexpected.size(), workload::IdList(c.unexpected)));
    if (!c.duplicated.empty()) broken.push_back(fmt::format("{} record(s) present more than once: ids {}",
                                                            c.duplicated.size(), workload::IdList(c.duplicated)));
    if (!c.failed_present.empty()) {
      broken.push_back(fmt::format("{} write(s) reported failed yet present: ids {}", c.failed_present.size(),
                                   workload::IdList(c.failed_present)));
    }
    v.message = fmt::format("{} (of {} acknowledged, read back from {})", fmt::join(broken, "; "), c.acknowledged,
                            run.host);
    return v;
  }
};

class MaxUnavailability final : public Assertion {
 public:
  std::string Name() const override { return "max-unavailability"; }
  Status Validate(const drill::AssertionSpec& spec) const override {
    const auto& p = spec.params;
    if (auto s = p.CheckKnownKeys({"max"}, "max-unavailability params"); !s) return s;
    if (!p.Has("max")) {
      return std::unexpected(p.ErrorAt("", "max-unavailability needs params.max: how long writes may fail in a "
                                           "row, e.g. {max: 10s}"));
    }
    auto max = p.GetDuration("max", std::chrono::milliseconds(0));
    if (!max) return std::unexpected(max.error());
    if (max->count() <= 0) return std::unexpected(p.ErrorAt("max", "must be more than 0"));
    return Ok();
  }
  std::string Summary() const override {
    return "writes failed for no longer than params.max in a row during the drill";
  }
  Verdict Check(AssertionContext& ctx) override {
    if (auto none = NoEvidence(ctx)) return *none;
    const auto& run = *ctx.workload;
    const auto& w = run.check.longest_unavailable;
    auto max = ctx.spec.params.GetDuration("max", std::chrono::milliseconds(0)).value_or(std::chrono::milliseconds(0));
    Verdict v;
    AddFigures(run, v);
    AddUnavailableMark(run, v);
    v.details.push_back("longest unavailability: " + WindowText(run));
    if (w.open) {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("writes to {} never came back: {}", run.host, WindowText(run));
      return v;
    }
    if (w.length() > max) {
      v.kind = VerdictKind::kFail;
      v.message = fmt::format("writes to {} failed for {:.1f} s in a row (max {:.1f} s): {}", run.host,
                              std::chrono::duration<double>(w.length()).count(),
                              std::chrono::duration<double>(max).count(), WindowText(run));
      return v;
    }
    v.message = fmt::format("longest unavailability {:.1f} s (max {:.1f} s): {}",
                            std::chrono::duration<double>(w.length()).count(),
                            std::chrono::duration<double>(max).count(), WindowText(run));
    return v;
  }
};

}  // namespace

std::unique_ptr<Assertion> MakeAcknowledgedWrites() { return std::make_unique<AcknowledgedWrites>(); }
std::unique_ptr<Assertion> MakeMaxUnavailability() { return std::make_unique<MaxUnavailability>(); }

}  // namespace kdrill::assertions
