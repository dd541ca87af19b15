#include "harness/workload/writer.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "harness/core/json_fields.h"
#include "harness/workload/read_back.h"
#include "harness/core/text.h"
#include "harness/kube/api_path.h"
#include "harness/undo/undo_actions.h"

namespace kdrill::workload {
namespace {

constexpr const char* kContainer = "writer";
constexpr const char* kDir = "/kdrill";
constexpr const char* kStopFile = "/kdrill/stop";

// The pod's phase, and its container's state when it is not running.
std::string PodState(const nlohmann::json& pod) {
  std::string phase = json::Str(pod, "/status/phase");
  for (const auto& cs : json::Arr(pod, "/status/containerStatuses")) {
    std::string reason = json::Str(cs, "/state/waiting/reason");
    if (!reason.empty()) return phase + " (" + reason + ")";
    if (json::Obj(cs, "/state/terminated").size() > 0) {
      return fmt::format("{} (exited {})", phase, json::Int(cs, "/state/terminated/exitCode", -1));
    }
  }
  return phase.empty() ? "not scheduled yet" : phase;
}

// The log's last lines, for an error.
std::string Tail(const std::string& log, std::size_t lines = 5) {
  std::size_t pos = log.size();
  while (pos > 0 && log[pos - 1] == '\n') --pos;
  std::size_t start = pos;
  for (std::size_t n = 0; n < lines && start > 0; ++n) {
    auto nl = log.rfind('\n', start - 1);
    start = nl == std::string::npos ? 0 : nl + 1;
    if (nl == std::string::npos) break;
  }
  std::string out = log.substr(start, pos - start);
  std::replace(out.begin(), out.end(), '\n', '|');
  return out.empty() ? "(empty log)" : OneLine(out, 600);  // what a pod printed, safe for one line
}

}  // namespace

std::string WriterPodName(const std::string& run_id) {
  std::string suffix = run_id.size() > 4 ? run_id.substr(run_id.size() - 4) : run_id;
  return "kdrill-writer-" + suffix;
}

nlohmann::json WriterPod(const WorkloadClient& client, const WriterConfig& cfg) {
  int interval_ms = static_cast<int>(cfg.interval.count());
  // After the loop the container stays up, so that the final read can be
  // exec'd in it; the pod goes with the journal's replay.
  std::string script = WriterLoopScript(client, interval_ms, kStopFile) + "while :; do sleep 5; done\n";
  nlohmann::json container = {{"name", kContainer},
                              {"image", cfg.image},
                              {"command", {"sh", "-c", script}},
                              {"env", {{{"name", "KDRILL_HOST"}, {"value", cfg.host}}}},
                              {"volumeMounts", {{{"name", "kdrill"}, {"mountPath", kDir}}}}};
  if (!cfg.image_pull_policy.empty()) container["imagePullPolicy"] = cfg.image_pull_policy;
  nlohmann::json spec = {{"restartPolicy", "Never"},
                         {"terminationGracePeriodSeconds", 2},
                         {"automountServiceAccountToken", false},
                         {"enableServiceLinks", false},
                         {"containers", {container}},
                         {"volumes", {{{"name", "kdrill"}, {"emptyDir", nlohmann::json::object()}}}}};
  if (cfg.security_context.is_object()) spec["securityContext"] = cfg.security_context;
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata",
           {{"name", cfg.pod},
            {"namespace", cfg.ns},
            {"labels", {{"app.kubernetes.io/managed-by", "kdrill"}, {"kdrill.io/role", "workload-writer"}}},
            {"annotations", {{"kdrill.io/workload-client", client.Name()}, {"kdrill.io/workload-host", cfg.host}}}}},
          {"spec", spec}};
}

PodWriter::PodWriter(kube::KubeApi& api, PodExecutor& exec, Clock& clock, Journal& journal,
               std::unique_ptr<WorkloadClient> client, WriterConfig cfg, Log log)
    : api_(api),
      exec_(exec),
      clock_(clock),
      journal_(journal),
      client_(std::move(client)),
      cfg_(std::move(cfg)),
      log_(std::move(log)) {}

std::string PodWriter::Describe() const {
  return fmt::format("writer pod {} writes to {}", cfg_.pod, cfg_.host);
}

Result<std::string> PodWriter::ReadPodLog() {
  std::string path = kube::ResourcePath(kube::ResourceRef{"v1", "pods", cfg_.ns, cfg_.pod, "log"}) +
                     kube::Query().Add("container", kContainer).Add("timestamps", "true").ToString();
  auto r = api_.GetRaw(path);
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    return std::unexpected(Error(ErrorCode::kUnavailable, fmt::format("reading the log of writer pod {}: HTTP {}: {}",
                                                                      cfg_.pod, r->status, r->BodySnippet())));
  }
  return r->body;
}

Status PodWriter::Start(std::stop_token stop) {
  auto ref = kube::Pods(cfg_.ns, cfg_.pod);
  auto undo = journal_.RecordUndo("workload", "delete workload writer pod " + cfg_.pod,
                                  {{"kind", "delete-object"}, {"ref", RefToJson(ref)}, {"wait", true},
                                   {"timeoutSeconds", 60}});
  if (!undo) return std::unexpected(undo.error());
  auto created = api_.Create(kube::Pods(cfg_.ns), WriterPod(*client_, cfg_));
  if (!created) {
    return std::unexpected(Error(created.error().code, fmt::format("creating workload writer pod {}/{}: {}", cfg_.ns,
                                                                   cfg_.pod, created.error().message)));
  }
  log_(fmt::format("workload: writer pod {} ({} client, image {}) writes to {} every {} ms", cfg_.pod,
                   client_->Name(), cfg_.image, cfg_.host, cfg_.interval.count()));
  // Polls the pod and its log until the first acknowledged write: the log
  // is what the verdicts read, so it is what proves the writer works.
  auto begin = clock_.Now();
  auto next_progress = begin + std::chrono::seconds(10);
  std::string state = "not created yet";
  std::string last_log;
  while (!stop.stop_requested()) {
    auto pod = api_.Get(ref);
    if (pod) {
      state = PodState(*pod);
      std::string phase = json::Str(*pod, "/status/phase");
      // A pod whose container has not started answers the log read with
      // 400: read anyway, the log is the proof.
      {
        auto text = ReadPodLog();
        if (text) {
          last_log = *text;
          WriteLog parsed = ParseWriteLog(*text);
          for (const auto& a : parsed.attempts) {
            if (a.outcome == WriteOutcome::kAcknowledged) {
              log_(fmt::format("workload: first write acknowledged after {:.1f} s",
                               std::chrono::duration<double>(clock_.Now() - begin).count()));
              return Ok();
            }
          }
        }
      }
      if (phase == "Failed" || phase == "Succeeded") {
        return MakeError(ErrorCode::kFailedPrecondition,
                         fmt::format("workload writer pod {} ended ({}) before any write was acknowledged; its log: {}",
                                     cfg_.pod, state, Tail(last_log)));
      }
    } else if (pod.error().code != ErrorCode::kNotFound) {
      return std::unexpected(pod.error());
    }
    auto now = clock_.Now();
    if (now - begin >= cfg_.start_timeout) {
      return MakeError(ErrorCode::kTimeout,
                       fmt::format("workload writer pod {} had no write acknowledged within {} s (pod {}); its log: {}",
                                   cfg_.pod, std::chrono::duration_cast<std::chrono::seconds>(cfg_.start_timeout).count(),
                                   state, Tail(last_log)));
    }
    if (now >= next_progress) {
      log_(fmt::format("workload: still waiting for the first acknowledged write ({} s): pod {}; log: {}",
                       std::chrono::duration_cast<std::chrono::seconds>(now - begin).count(), state, Tail(last_log, 2)));
      next_progress = now + std::chrono::seconds(10);
    }
    clock_.SleepFor(std::chrono::milliseconds(500));
  }
  return MakeError(ErrorCode::kCancelled, "stopped while waiting for the workload writer");
}

Result<std::vector<std::int64_t>> PodWriter::FinalRead(std::stop_token stop) {
  return ReadBack(
      clock_, stop,
      [this] {
        return exec_.Exec({cfg_.ns, cfg_.pod, kContainer, {"sh", "-c", client_->ReadScript()}, std::nullopt,
                           std::chrono::seconds(60)});
      },
      fmt::format("{} in pod {}", cfg_.host, cfg_.pod));
}

void PodWriter::AwaitWritesBack(std::stop_token stop) {
  // A write may be in flight when the steps end (the log shows it only when
  // it ends), so "the last line is an ack" is not enough: the proof is an
  // ack of a write that started after this call. With M the highest id
  // logged now, write M+1 may still be in flight; M+2 starts after it ends.
  std::int64_t logged = 0;
  if (auto first = ReadPodLog()) {
    for (const auto& a : ParseWriteLog(*first).attempts) logged = std::max(logged, a.id);
  }
  auto begin = clock_.Now();
  auto next_progress = begin + std::chrono::seconds(10);
  while (!stop.stop_requested()) {
    auto text = ReadPodLog();
    std::string last = "no write logged";
    if (text) {
      WriteLog parsed = ParseWriteLog(*text);
      for (const auto& a : parsed.attempts) {
        if (a.outcome == WriteOutcome::kAcknowledged && a.id > logged + 1) {
          log_(fmt::format("workload: writes acknowledged again ({:.1f} s after the steps settled)",
                           std::chrono::duration<double>(clock_.Now() - begin).count()));
          return;
        }
      }
      if (!parsed.attempts.empty()) {
        const auto& a = parsed.attempts.back();
        last = fmt::format("{} {} {}", WriteOutcomeName(a.outcome), a.id, a.reason);
      }
    } else {
      last = text.error().message;
    }
    auto now = clock_.Now();
    if (now - begin >= cfg_.start_timeout) {
      log_(fmt::format("workload: no write started after the steps was acknowledged within {} s (last: {}); "
                       "stopping the writer",
                       std::chrono::duration_cast<std::chrono::seconds>(cfg_.start_timeout).count(), last));
      return;
    }
    if (now >= next_progress) {
      log_(fmt::format("workload: waiting for writes to be acknowledged again ({} s); last: {}",
                       std::chrono::duration_cast<std::chrono::seconds>(now - begin).count(), last));
      next_progress = now + std::chrono::seconds(10);
    }
    clock_.SleepFor(std::chrono::milliseconds(500));
  }
}

Result<WorkloadRun> PodWriter::Finish(std::stop_token stop) {
  AwaitWritesBack(stop);
  WorkloadRun run;
  run.client = client_->Name();
  run.host = cfg_.host;
  run.pod = cfg_.pod;
  // One exec: create the stop file, then wait (up to 30 s: a write may be
  // in its 5 s timeout) for the loop to mark its end.
  std::string stop_script = fmt::format(
      "touch '{0}'; i=0; while [ ! -e '{0}.ended' ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
      "test -e '{0}.ended'",
      kStopFile);
  auto stopped = exec_.Exec({cfg_.ns, cfg_.pod, kContainer, {"sh", "-c", stop_script}, std::nullopt,
                             std::chrono::seconds(45)});
  if (!stopped || stopped->exit_code != 0) {
    log_(fmt::format("workload: the writer did not confirm its stop ({}); reading its log as it is",
                     stopped ? fmt::format("exit {}", stopped->exit_code) : stopped.error().message));
  }
  auto text = ReadPodLog();
  if (!text) return std::unexpected(text.error());
  run.log = ParseWriteLog(*text);
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
