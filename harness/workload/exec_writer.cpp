#include "harness/workload/exec_writer.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "harness/cluster/statefulset.h"
#include "harness/core/json_fields.h"
#include "harness/workload/read_back.h"
#include "harness/core/text.h"

namespace kdrill::workload {
namespace {

// The client's script with $KDRILL_ID and $KDRILL_DIR from the positional
// arguments (never pasted into the script).
std::string WithVars(const std::string& script) {
  return "KDRILL_ID=\"$1\"; KDRILL_DIR=\"$2\"; export KDRILL_ID KDRILL_DIR\n" + script;
}

// kubectl's errors that mean the command never started in the container:
// no such pod or container, or the stream was never upgraded.
bool NeverStarted(const Error& e) {
  if (e.code == ErrorCode::kNotFound) return true;
  if (e.code != ErrorCode::kUnavailable) return false;
  for (const char* s : {"unable to upgrade connection", "container not found", "not running", "CONTAINER_EXITED",
                        "is not created", "completed pod", "does not have a host assigned"}) {
    if (e.message.find(s) != std::string::npos) return true;
  }
  return false;
}

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

Result<ExecWriterConfig> InPodTarget(const nlohmann::json& sts, int ordinal, const std::string& dir) {
  std::string name = json::Str(sts, "/metadata/name");
  const auto& c0 = json::At(sts, "/spec/template/spec/containers/0");
  ExecWriterConfig cfg;
  cfg.ns = json::Str(sts, "/metadata/namespace");
  cfg.pod = cluster::PodName(name, ordinal);
  cfg.container = json::Str(c0, "/name");
  std::vector<std::string> templates;
  for (const auto& t : json::Arr(sts, "/spec/volumeClaimTemplates")) templates.push_back(json::Str(t, "/metadata/name"));
  auto is_claim = [&](const std::string& volume) { return std::ranges::find(templates, volume) != templates.end(); };
  const auto& mounts = json::Arr(c0, "/volumeMounts");
  if (dir.empty()) {
    for (const auto& m : mounts) {
      std::string volume = json::Str(m, "/name");
      if (is_claim(volume)) {
        cfg.dir = json::Str(m, "/mountPath");
        cfg.claim = fmt::format("{}-{}-{}", volume, name, ordinal);
        return cfg;
      }
    }
    return MakeError(ErrorCode::kFailedPrecondition,
                     fmt::format("StatefulSet {}'s first container ({}) mounts no volumeClaimTemplates claim for the "
                                 "records; mount one, or set spec.workload.dir to a directory it can write",
                                 name, cfg.container));
  }
  if (dir.front() != '/') {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("spec.workload.dir \"{}\" is not an absolute path; write it from /", dir));
  }
  cfg.dir = dir;
  std::size_t best = 0;
  for (const auto& m : mounts) {
    std::string path = json::Str(m, "/mountPath");
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    bool holds = dir == path || (dir.starts_with(path) && (path == "/" || dir[path.size()] == '/'));
    if (!holds || path.size() < best) continue;
    best = path.size();
    std::string volume = json::Str(m, "/name");
    cfg.claim = is_claim(volume) ? fmt::format("{}-{}-{}", volume, name, ordinal) : "";
  }
  return cfg;
}

ExecWriter::ExecWriter(PodExecutor& exec, Clock& clock, Journal& journal, std::unique_ptr<WorkloadClient> client,
                       ExecWriterConfig cfg, Log log)
    : exec_(exec),
      clock_(clock),
      journal_(journal),
      client_(std::move(client)),
      cfg_(std::move(cfg)),
      log_(std::move(log)) {}

ExecWriter::~ExecWriter() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

std::string ExecWriter::Describe() const {
  return fmt::format("kdrill writes to {} in pod {}, one exec per record", cfg_.dir, cfg_.pod);
}

Result<ExecResult> ExecWriter::RunScript(const std::string& script, const std::vector<std::string>& args,
                                         std::chrono::milliseconds timeout) {
  std::vector<std::string> argv = {"sh", "-c", WithVars(script), "kdrill-workload"};
  argv.insert(argv.end(), args.begin(), args.end());
  return exec_.Exec({cfg_.ns, cfg_.pod, cfg_.container, std::move(argv), std::nullopt, timeout});
}

WriteAttempt ExecWriter::WriteOnce(std::int64_t id) {
  auto r = RunScript(client_->WriteScript(), {std::to_string(id), cfg_.dir}, cfg_.exec_timeout);
  WriteAttempt a;
  a.id = id;
  a.at = clock_.WallNow();
  if (!r) {
    a.outcome = NeverStarted(r.error()) ? WriteOutcome::kFailed : WriteOutcome::kIndeterminate;
    a.reason = OneLine(r.error().message, 200);
    return a;
  }
  std::string_view out = r->stdout_data;
  while (!out.empty()) {
    auto end = out.find('\n');
    auto line = out.substr(0, end);
    out = end == std::string_view::npos ? std::string_view{} : out.substr(end + 1);
    WriteAttempt parsed;
    if (ParseWriteLine(line, parsed) && parsed.id == id) {
      a.outcome = parsed.outcome;
      a.reason = OneLine(parsed.reason, 200);
      return a;
    }
  }
  // No answer for this record: the shell could not run (nothing was
  // written), or the command was cut off (the write may have happened).
  a.outcome = r->exit_code == 126 || r->exit_code == 127 ? WriteOutcome::kFailed : WriteOutcome::kIndeterminate;
  a.reason = OneLine(fmt::format("exit {} without an answer: {}", r->exit_code, r->stderr_data + r->stdout_data), 200);
  return a;
}

void ExecWriter::Loop(std::stop_token stop) {
  std::int64_t id = 0;
  while (!stop.stop_requested()) {
    WriteAttempt a = WriteOnce(++id);
    std::unique_lock lock(mu_);
    attempts_.push_back(std::move(a));
    wake_.notify_all();
    if (stop.stop_requested()) break;
    clock_.WaitFor(loop_wake_, lock, stop, cfg_.interval);
  }
}

bool ExecWriter::WaitUntil(std::stop_token stop, std::chrono::milliseconds timeout, const std::function<bool()>& pred,
                           const std::function<void(std::chrono::seconds)>& progress) {
  auto begin = clock_.Now();
  auto next_progress = begin + std::chrono::seconds(10);
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    if (pred()) return true;
    auto now = clock_.Now();
    if (now - begin >= timeout) return false;
    if (now >= next_progress) {
      lock.unlock();
      progress(std::chrono::duration_cast<std::chrono::seconds>(now - begin));
      lock.lock();
      next_progress = now + std::chrono::seconds(10);
    }
    clock_.WaitFor(wake_, lock, stop, std::chrono::milliseconds(500));
  }
  return false;
}

Status ExecWriter::Start(std::stop_token stop) {
  if (!client_->CleanupScript().empty()) {
    nlohmann::json action = {{"kind", "exec"},
                             {"namespace", cfg_.ns},
                             {"pod", cfg_.pod},
                             {"container", cfg_.container},
                             {"argv", {"sh", "-c", WithVars(client_->CleanupScript()), "kdrill-workload", "0", cfg_.dir}}};
    if (!cfg_.claim.empty()) action["claim"] = cfg_.claim;
    auto undo = journal_.RecordUndo("workload", fmt::format("remove the workload's records in {} of pod {}", cfg_.dir,
                                                            cfg_.pod),
                                    action);
    if (!undo) return std::unexpected(undo.error());
  }
  log_(fmt::format("workload: {} client writes to {} in pod {} every {} ms (one exec per record)", client_->Name(),
                   cfg_.dir, cfg_.pod, cfg_.interval.count()));
  // The prepare, retried once a second: the pod may still be starting.
  auto begin = clock_.Now();
  std::string last;
  while (true) {
    if (stop.stop_requested()) return MakeError(ErrorCode::kCancelled, "stopped while preparing the workload");
    auto r = RunScript(client_->PrepareScript(), {"0", cfg_.dir}, std::chrono::seconds(30));
    if (r && r->exit_code == 0) break;
    last = r ? fmt::format("exit {}: {}", r->exit_code, OneLine(r->stderr_data + r->stdout_data, 300))
             : r.error().message;
    if (clock_.Now() - begin >= cfg_.start_timeout) {
      return MakeError(ErrorCode::kTimeout,
                       fmt::format("the workload's prepare in pod {} (dir {}) did not succeed within {} s: {}",
                                   cfg_.pod, cfg_.dir,
                                   std::chrono::duration_cast<std::chrono::seconds>(cfg_.start_timeout).count(), last));
    }
    clock_.SleepFor(std::chrono::seconds(1));
  }
  thread_ = std::jthread([this](std::stop_token st) { Loop(st); });
  auto acked = [this] {
    return std::ranges::any_of(attempts_, [](const WriteAttempt& a) { return a.outcome == WriteOutcome::kAcknowledged; });
  };
  auto last_attempt = [this] {
    std::lock_guard lock(mu_);
    if (attempts_.empty()) return std::string("no write finished yet");
    const auto& a = attempts_.back();
    return fmt::format("{} {} {}", WriteOutcomeName(a.outcome), a.id, a.reason);
  };
  begin = clock_.Now();
  bool ok = WaitUntil(stop, cfg_.start_timeout, acked, [&](std::chrono::seconds s) {
    log_(fmt::format("workload: still waiting for the first acknowledged write ({} s); last: {}", s.count(),
                     last_attempt()));
  });
  if (ok) {
    log_(fmt::format("workload: first write acknowledged after {:.1f} s", Seconds(clock_.Now() - begin)));
    return Ok();
  }
  thread_.request_stop();
  thread_.join();
  if (stop.stop_requested()) return MakeError(ErrorCode::kCancelled, "stopped while waiting for the first write");
  return MakeError(ErrorCode::kTimeout,
                   fmt::format("no write to {} in pod {} was acknowledged within {} s; last: {}", cfg_.dir, cfg_.pod,
                               std::chrono::duration_cast<std::chrono::seconds>(cfg_.start_timeout).count(),
                               last_attempt()));
}

Result<std::vector<std::int64_t>> ExecWriter::FinalRead(std::stop_token stop) {
  return ReadBack(
      clock_, stop, [this] { return RunScript(client_->ReadScript(), {"0", cfg_.dir}, std::chrono::seconds(60)); },
      fmt::format("{} in pod {}", cfg_.dir, cfg_.pod));
}

Result<WorkloadRun> ExecWriter::Finish(std::stop_token stop) {
  if (thread_.joinable()) {
    // A write may be in flight now (an attempt is recorded when it ends):
    // with M the highest id recorded, M+1 may have started before this
    // call; M+2 started after it.
    std::int64_t recorded = 0;
    {
      std::lock_guard lock(mu_);
      for (const auto& a : attempts_) recorded = std::max(recorded, a.id);
    }
    auto begin = clock_.Now();
    auto back = [&] {
      return std::ranges::any_of(attempts_, [&](const WriteAttempt& a) {
        return a.outcome == WriteOutcome::kAcknowledged && a.id > recorded + 1;
      });
    };
    if (WaitUntil(stop, cfg_.start_timeout, back, [&](std::chrono::seconds s) {
          log_(fmt::format("workload: waiting for writes to be acknowledged again ({} s)", s.count()));
        })) {
      log_(fmt::format("workload: writes acknowledged again ({:.1f} s after the steps settled)",
                       Seconds(clock_.Now() - begin)));
    } else if (!stop.stop_requested()) {
      log_(fmt::format("workload: no write started after the steps was acknowledged within {} s; stopping the writer",
                       std::chrono::duration_cast<std::chrono::seconds>(cfg_.start_timeout).count()));
    }
    thread_.request_stop();
    thread_.join();
  }
  WorkloadRun run;
  run.client = client_->Name();
  run.host = cfg_.pod + ":" + cfg_.dir;
  run.pod = cfg_.pod;
  {
    std::lock_guard lock(mu_);
    run.log.attempts = attempts_;
  }
  auto read = FinalRead(stop);
  if (read) {
    run.read = std::move(*read);
  } else {
    run.read_error = read.error().message;
  }
  run.check = CheckSet(run.log, run.read);
  return run;
}

}  // namespace kdrill::workload
