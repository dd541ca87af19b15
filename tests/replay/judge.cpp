#include "tests/replay/judge.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>

#include "harness/undo/journal.h"
#include "harness/watch/timeline.h"

namespace kdrill::replay {

namespace {

assertions::Verdict ErrorVerdict(std::string message) {
  assertions::Verdict v;
  v.kind = assertions::VerdictKind::kError;
  v.message = std::move(message);
  return v;
}

// Time that moves only when told: each appended event sets it to its
// recorded instant; SleepFor (bounded retries, a witness's catch-up pause)
// moves it on at once.
class ReplayClock final : public Clock {
 public:
  MonoTime Now() const override {
    std::lock_guard lock(mu_);
    return mono_;
  }
  WallTime WallNow() const override {
    std::lock_guard lock(mu_);
    return wall_;
  }
  void SleepFor(std::chrono::milliseconds d) override {
    std::lock_guard lock(mu_);
    mono_ += d;
    wall_ += d;
  }
  // While events are appended a wait lasts until the next append (a witness
  // thread follows them); once they are all in, a wait runs out at once:
  // nothing more will come.
  void WaitFor(std::condition_variable_any& wake, std::unique_lock<std::mutex>& lock, std::stop_token stop,
               std::chrono::milliseconds d) override {
    if (!all_in_) {
      wake.wait_for(lock, stop, std::min(d, std::chrono::milliseconds(20)), [] { return false; });
      return;
    }
    lock.unlock();
    SleepFor(d);
    lock.lock();
  }
  void AllIn() { all_in_ = true; }
  // Moves to `t` seconds after `start` (never back).
  void MoveTo(MonoTime start, double t, int64_t wall_ms) {
    std::lock_guard lock(mu_);
    auto at = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(t));
    if (at > mono_) mono_ = at;
    if (wall_ms > 0) wall_ = WallTime(std::chrono::milliseconds(wall_ms));
  }

 private:
  mutable std::mutex mu_;
  MonoTime mono_{};
  WallTime wall_{};
  std::atomic<bool> all_in_{false};
};

// What a check wrote on the Timeline (an overlap read back from a volume)
// is its output, not an input.
bool CheckOutput(const RecordedEvent& ev) { return ev.kind == "note" && ev.type == "overlap"; }

void Append(Timeline& tl, ReplayClock& clock, const RecordedEvent& ev) {
  if (CheckOutput(ev)) return;
  clock.MoveTo(tl.Start(), ev.t, ev.wall_ms);
  if (ev.IsObject()) {
    tl.RecordObject(ev.kind, ev.type, ev.object);
  } else {
    tl.Mark(ev.kind, ev.type, ev.name, ev.summary, ev.object);
  }
}

bool Wanted(const JudgeOptions& o, const std::string& type) {
  if (o.only.empty()) return true;
  for (const auto& t : o.only) {
    if (t == type) return true;
  }
  return false;
}

std::string JournalPath() {
  static std::atomic<int> n{0};
  return (std::filesystem::temp_directory_path() /
          ("kdrill-replay-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + ".journal"))
      .string();
}

}  // namespace

const char* KindName(assertions::VerdictKind k) {
  switch (k) {
    case assertions::VerdictKind::kPass: return "PASS";
    case assertions::VerdictKind::kFail: return "FAIL";
    case assertions::VerdictKind::kError: return "ERROR";
    case assertions::VerdictKind::kNotApplicable: return "N/A";
  }
  return "?";
}

std::vector<Judgement> Judge(const RecordedRun& run, const std::vector<RecordedEvent>& events,
                             const JudgeOptions& options) {
  ReplayClock clock;
  Timeline timeline(clock);
  ReplayExecutor exec(run.exec);
  ReplayKubeApi api(run.api);
  if (options.plant_answers) options.plant_answers(exec, api);
  const std::string path = JournalPath();
  std::optional<Journal> journal;
  std::vector<Judgement> out;
  if (auto created = Journal::Create(path, {run.run_id, "", "", "", "", ""}); created) {
    journal.emplace(std::move(*created));
  } else {
    out.push_back({"journal", "", ErrorVerdict(created.error().message)});
    return out;
  }
  std::stop_source stop;
  auto log = [](const std::string&) {};

  size_t i = 0;
  for (; i < events.size(); ++i) {
    Append(timeline, clock, events[i]);
    if (events[i].kind == "note" && events[i].type == "baseline") break;
  }
  ++i;

  std::vector<drill::AssertionSpec> specs;
  std::vector<std::unique_ptr<assertions::Assertion>> checks;
  std::vector<std::string> prepare_errors;
  for (const auto& recorded : run.assertions) {
    if (!Wanted(options, recorded.type)) continue;
    Json params = recorded.params.values();
    if (auto o = options.param_overrides.find(recorded.type); o != options.param_overrides.end()) {
      params.update(o->second);
    }
    drill::AssertionSpec spec = recorded;
    spec.params = drill::Params(params, {}, {});
    specs.push_back(std::move(spec));
  }
  for (const auto& spec : specs) {
    auto a = assertions::MakeAssertion(spec.type);
    std::string error;
    if (!a) {
      error = "unknown assertion " + spec.type;
    } else if (auto v = a->Validate(spec); !v) {
      error = v.error().message;
    } else {
      assertions::AssertionContext ctx{api,      exec,   &*journal, spec, run.baseline, nullptr, timeline,
                                       run.run_id, log, stop.get_token(), &clock,  nullptr};
      if (auto p = a->Prepare(ctx); !p) error = p.error().message;
    }
    prepare_errors.push_back(error);
    checks.push_back(std::move(a));
  }

  for (; i < events.size(); ++i) {
    if (events[i].kind == "note" && events[i].type == "checks") break;
    Append(timeline, clock, events[i]);
  }
  for (auto& a : checks) {
    if (a) a->StopObserving();
  }
  clock.AllIn();
  const cluster::Snapshot& fin = options.final_state != nullptr ? *options.final_state : run.final_state;
  for (size_t k = 0; k < checks.size(); ++k) {
    Judgement j{specs[k].name, specs[k].type, {}};
    if (!prepare_errors[k].empty()) {
      j.verdict = ErrorVerdict("could not prepare: " + prepare_errors[k]);
    } else {
      assertions::AssertionContext ctx{api,        exec, &*journal,       specs[k], run.baseline, &fin, timeline,
                                       run.run_id, log,  stop.get_token(), &clock,  nullptr};
      j.verdict = checks[k]->Check(ctx);
    }
    out.push_back(std::move(j));
  }
  checks.clear();
  journal.reset();
  std::filesystem::remove(path);
  return out;
}

}  // namespace kdrill::replay
