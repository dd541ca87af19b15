#pragma once
// RunReports for reporter tests: every outcome, XML-special characters,
// control characters and invalid UTF-8 in the places they can reach.

#include "reports/run_report.h"

namespace kdrill::reports::testing {

inline RunReport SampleReport() {
  RunReport r;
  r.drill_name = "pod-kill";
  r.drill_file = "scenarios/pod-kill.yaml";
  r.ns = "kdrill-demo";
  r.statefulset = "web";
  r.cluster = "https://127.0.0.1:6443";
  r.context = "lab";
  r.seed = 18446744073709551615ull;  // the full uint64 range must survive
  r.started_at = "2024-05-01T12:00:00.250+02:00";
  r.seconds = 14.2;
  r.properties = {{"kdrill.version", "0.1.0"}, {"replicas", "3"}};

  CaseResult kill;
  kill.kind = "fault";
  kill.name = "pod-kill #1: kill web-1";
  kill.outcome = Outcome::kPassed;
  kill.seconds = 0.412;
  kill.message = "deleted web-1 (grace 0s)";
  kill.properties = {{"victims", "web-1"}};
  kill.log = {"deleting pod web-1", "pod web-1 deleted"};
  r.cases.push_back(kill);

  CaseResult wait;
  wait.kind = "wait";
  wait.name = "wait statefulset-settled #2";
  wait.outcome = Outcome::kPassed;
  wait.seconds = 12.1;
  r.cases.push_back(wait);

  CaseResult pvc;
  pvc.kind = "assertion";
  pvc.name = "same-pvc";
  pvc.outcome = Outcome::kFailed;
  pvc.seconds = 0.02;
  pvc.message = "web-1 mounts <data-web-1> with a new UID & \"different\" PV";
  pvc.details = "ordinal  before   after\n1        uid-a    uid-b\n\x1b[31mred\x1b[0m \x01 bell\x07";
  pvc.properties = {{"recovery_seconds", "3.2"}};
  r.cases.push_back(pvc);

  CaseResult data;
  data.kind = "assertion";
  data.name = "data <checksum> 'x' & y";
  data.outcome = Outcome::kError;
  data.message = "kubectl exec failed: \xff\xfe broken bytes";
  data.details = "exit status 1\nstderr: error: unable to upgrade connection";
  r.cases.push_back(data);

  CaseResult backup;
  backup.kind = "assertion";
  backup.name = "backup-restore";
  backup.outcome = Outcome::kSkipped;
  backup.message = "no backup configured";
  r.cases.push_back(backup);

  r.timeline.push_back({0.0, "2024-05-01T10:00:00.250Z", "fault", "pod-kill #1", "inject",
                        "victims=web-1"});
  r.timeline.push_back({0.118, "2024-05-01T10:00:00.368Z", "Pod", "web-1", "DELETED",
                        "phase=Running ready=true node=127.0.0.2"});
  r.timeline.push_back({3.3, "2024-05-01T10:00:03.550Z", "Pod", "web-1", "MODIFIED",
                        "phase=Running ready=true"});
  return r;
}

inline RunReport PassingReport() {
  RunReport r;
  r.drill_name = "scale-down";
  r.drill_file = "scenarios/scale-down.yaml";
  r.ns = "kdrill-demo";
  r.statefulset = "web";
  r.seed = 7;
  r.started_at = "2024-05-01T10:05:00Z";
  r.seconds = 3.5;
  CaseResult order;
  order.kind = "assertion";
  order.name = "ordering";
  order.outcome = Outcome::kPassed;
  order.seconds = 0.001;
  order.message = "pods removed from the highest ordinal down";
  r.cases.push_back(order);
  return r;
}

}  // namespace kdrill::reports::testing
