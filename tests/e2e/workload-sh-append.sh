#!/usr/bin/env bash
# The write workload's in-pod client (sh-append: kdrill appends one record per
# exec to a file in the target's pod): through a forced kill of the pod that
# takes the writes, every acknowledged record on its claim survives
# (scenarios/pod-kill-writes.yaml), and the journaled cleanup removes the
# file; the same writes to an emptyDir are lost with the pod, and
# acknowledged-writes fails naming them (the control runs beside it, in its
# own namespace); and after kdrill is SIGKILLed mid-workload on a target the
# test made itself, kdrill recover removes the records file from the host pod.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"
source "$(dirname "$0")/crash-lib.sh"

lost_ns="$(e2e_ns kdrill-e2e-emptydir-writes)"
printf '%s' "$E2E_OUT/lost.json" >"$E2E_OUT/lost.jsonpath"
start_kdrill "$E2E_OUT/lost.out" run "$E2E_REPO/tests/e2e/drills/emptydir-lost-writes.yaml" -n "$lost_ns" \
  --json "$E2E_OUT/lost.json"

ns="$(e2e_ns kdrill-writes)"
run_kdrill writes run "$E2E_REPO/scenarios/pod-kill-writes.yaml" -n "$ns" --json "$E2E_OUT/writes.json" \
  --junit "$E2E_OUT/writes.xml"
expect_rc 0 "pod-kill-writes: appends to web-1's claim survive its kill" writes
expect_verdict writes 'acknowledged-writes' passed '^all [0-9]+ acknowledged writes to web-1:/data are there'
expect_verdict writes 'max-unavailability' passed 'longest unavailability [0-9.]+ s \(max 60\.0 s\)'
expect_verdict writes 'same-pvc' passed
json="$E2E_OUT/writes.json"
acked="$(case_property "$json" acknowledged-writes workload.acknowledged)"
lost="$(case_property "$json" acknowledged-writes workload.lost)"
failed="$(case_property "$json" acknowledged-writes workload.failed)"
unknown="$(case_property "$json" acknowledged-writes workload.indeterminate)"
# The kill must have hit the writer: some appends failed or ended unknown
# while web-1 was away, and writes were acknowledged on both sides of it.
if [[ "$lost" == 0 && "$acked" =~ ^[0-9]+$ && "$acked" -ge 8 && $((failed + unknown)) -ge 1 ]]; then
  pass "the writes went on through the kill: $acked acknowledged, $failed failed, $unknown unknown, $lost lost"
else
  fail "expected >= 8 acknowledged, >= 1 failed or unknown, 0 lost: acknowledged '$acked', failed '$failed', unknown '$unknown', lost '$lost'"
fi
e2e_log "writes: $(grep -E 'workload: [0-9]+ acknowledged' "$E2E_OUT/writes.out")"
expect_grep "remove the workload's records in /data of pod web-1.*(restored|claim data-web-1 gone)" "$E2E_OUT/writes.out" \
  "the journaled cleanup removed the records file"
expect_grep '<property name="workload.lost" value="0"' "$E2E_OUT/writes.xml" "the JUnit file carries the workload's figures"
expect_junit_valid "$E2E_OUT/writes.xml"
expect_namespace_gone "$ns"

wait_kdrill
expect_rc 1 "the records on an emptyDir are lost with the pod" lost
expect_verdict lost 'acknowledged-writes' failed '[1-9][0-9]* acknowledged write\(s\) lost: ids 1, 2, 3'
expect_namespace_gone "$lost_ns"

# SIGKILL while the writer appends (after web-1 was killed), then recover.
crash_ns="$(e2e_ns kdrill-writes-crash)"
records() { kubectl -n "$crash_ns" exec web-1 -- sh -c 'cat /data/kdrill-writes 2>/dev/null | wc -l'; }
if make_target "$crash_ns"; then
  cat >"$E2E_OUT/crash-writes.yaml" <<YAML
apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: crash-writes
spec:
  target:
    namespace: $crash_ns
    statefulSet: web
  workload:
    client: sh-append
    host: 1
    warmUp: 1s
  steps:
    - fault: pod-kill
      target: {ordinals: [1]}
      params: {force: true}
    - wait: duration
      timeout: 600s
YAML
  if start_and_kill crash-writes "$crash_ns" 'waiting for .*pause'; then
    n="$(records)"
    if [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 ]]; then pass "after SIGKILL web-1 holds $n records"; else fail "no records in web-1 after SIGKILL: '$n'"; fi
    recover writes
    expect_grep "restored: remove the workload's records in /data of pod web-1" "$E2E_OUT/recover-writes.out" \
      "recover names the records it removed"
    if kubectl -n "$crash_ns" exec web-1 -- test -e /data/kdrill-writes; then
      fail "recover left /data/kdrill-writes in web-1"
    else
      pass "recover removed /data/kdrill-writes from web-1"
    fi
  fi
  drop_target "$crash_ns"
fi

expect_no_pending_journal
e2e_finish
