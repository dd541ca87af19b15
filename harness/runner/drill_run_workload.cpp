// spec.workload: the writer started after the baseline and the assertions'
// Prepare, before the first fault, and finished after the settle that
// follows the steps (harness/workload/workload_writer.h): a networked client
// in a writer pod of its own (writer.h), an in-pod one through exec in the
// host pod (exec_writer.h).

#include "harness/runner/drill_run.h"

#include "harness/cluster/statefulset.h"
#include "harness/cluster/workload.h"
#include "harness/core/json_fields.h"
#include "harness/workload/exec_writer.h"
#include "harness/workload/writer.h"

namespace kdrill::run_internal {

bool DrillRun::StartWorkload() {
  const auto& spec = *drill_.workload;
  CaseScope scope(clock_, "setup", "workload writer");
  auto& c = scope.Case();
  // The writer's lines go to this case while it starts, to the console only later.
  workload_case_ = &c;
  struct Detach {
    CaseResult*& p;
    ~Detach() { p = nullptr; }
  } detach{workload_case_};
  auto client = workload::MakeWorkloadClient(spec.client);
  if (!client) return FailSetup(scope, spec.location.ToString() + ": " + client.error().message, client.error());
  // The parser lets a Deployment target through only with a networked
  // client and spec.workload.service.
  auto sts = api_.Get(cluster::TargetRef(drill_.target_kind, drill_.ns, drill_.statefulset));
  if (!sts) return FailSetup(scope, "reading the target for the workload: " + sts.error().ToString(), sts.error());
  auto view = cluster::ReadTarget(drill_.target_kind, *sts);
  int last = view.ordinal_start + view.replicas - 1;
  if (spec.service.empty() && (spec.host_ordinal < view.ordinal_start || spec.host_ordinal > last)) {
    return FailSetup(scope,
                     fmt::format("{}: spec.workload.host {} is not an ordinal of {} (it has {}..{})",
                                 spec.location.ToString(), spec.host_ordinal, drill_.statefulset, view.ordinal_start,
                                 last),
                     ErrorCode::kInvalidArgument);
  }
  auto say = [this](const std::string& line) { Say(line, workload_case_); };
  if ((*client)->Networked()) {
    if (spec.service.empty() && view.service_name.empty()) {
      return FailSetup(scope,
                       fmt::format("{}: StatefulSet {} has no spec.serviceName, so its pods have no DNS name for the "
                                   "writer; give it a headless Service",
                                   spec.location.ToString(), drill_.statefulset),
                       ErrorCode::kFailedPrecondition);
    }
    const auto& c0 = json::At(*sts, "/spec/template/spec/containers/0");
    workload::WriterConfig cfg;
    cfg.ns = drill_.ns;
    cfg.pod = workload::WriterPodName(run_id_);
    cfg.host = !spec.service.empty()
                   ? spec.service
                   : fmt::format("{}.{}", cluster::PodName(drill_.statefulset, spec.host_ordinal), view.service_name);
    cfg.image = spec.image.empty() ? json::Str(c0, "/image") : spec.image;
    if (spec.image.empty()) cfg.image_pull_policy = json::Str(c0, "/imagePullPolicy");
    const auto& sc = json::Obj(*sts, "/spec/template/spec/securityContext");
    if (!sc.empty()) cfg.security_context = sc;
    cfg.interval = spec.interval;
    cfg.start_timeout = spec.start_timeout;
    if (cfg.image.empty()) {
      return FailSetup(scope, "the target's first container has no image for the writer; set spec.workload.image",
                       ErrorCode::kFailedPrecondition);
    }
    writer_ = std::make_unique<workload::PodWriter>(api_, exec_, clock_, *journal_, std::move(*client), cfg, say);
  } else {
    auto cfg = workload::InPodTarget(*sts, spec.host_ordinal, spec.dir);
    if (!cfg) return FailSetup(scope, spec.location.ToString() + ": " + cfg.error().message, cfg.error());
    cfg->ns = drill_.ns;
    cfg->interval = spec.interval;
    cfg->start_timeout = spec.start_timeout;
    writer_ = std::make_unique<workload::ExecWriter>(exec_, clock_, *journal_, std::move(*client), *cfg, say);
  }
  SetActivity("starting the workload writer");
  auto started = writer_->Start(opts_.stop);
  if (!started) return FailSetup(scope, started.error().message, started.error());
  timeline_.Mark("note", "workload", writer_->Pod(), "workload writer running: first write acknowledged");
  if (spec.warm_up.count() > 0) {
    SetActivity("workload warm-up");
    Say(fmt::format("workload: writing for {:.1f} s before the first fault (warmUp)",
                    std::chrono::duration<double>(spec.warm_up).count()), &c);
    auto until = clock_.Now() + spec.warm_up;
    while (!opts_.stop.stop_requested() && clock_.Now() < until) {
      clock_.SleepFor(std::min<std::chrono::milliseconds>(
          std::chrono::milliseconds(200),
          std::chrono::duration_cast<std::chrono::milliseconds>(until - clock_.Now())));
    }
  }
  c.message = writer_->Describe();
  outcome_.report.cases.push_back(scope.Finish());
  return true;
}

void DrillRun::FinishWorkload() {
  if (!writer_) return;
  SetActivity("stopping the workload and reading its records back");
  auto run = writer_->Finish(opts_.stop);
  timeline_.Mark("note", "workload", writer_->Pod(), "workload writer stopped");
  if (!run) {
    Say("workload: could not read the writer's log: " + run.error().message);
    return;
  }
  const auto& check = run->check;
  auto& props = outcome_.report.properties;
  props["workload.client"] = run->client;
  props["workload.host"] = run->host;
  props["workload.acknowledged"] = std::to_string(check.acknowledged);
  props["workload.indeterminate"] = std::to_string(check.indeterminate);
  props["workload.failed"] = std::to_string(check.failed);
  props["workload.longest_unavailable_ms"] = std::to_string(check.longest_unavailable.length().count());
  if (run->checked()) {
    props["workload.lost"] = std::to_string(check.lost.size());
    Say("workload: " + check.Summary());
  } else {
    Say(fmt::format("workload: {} acknowledged; the final read failed: {}", check.acknowledged, run->read_error));
  }
  workload_run_ = std::move(*run);
}

}  // namespace kdrill::run_internal
