#!/usr/bin/env bash
# The write workload's in-pod client (sh-append: kdrill appends one record per
# exec to a file in the target's pod): through a forced kill of the pod that
# takes the writes, every acknowledged record on its claim survives
# (scenarios/pod-kill-writes.yaml), and the journaled cleanup removes the
# file; the same writes to an emptyDir are lost with the pod, and
# acknowledged-writes fails naming them (the control runs beside it, in its
# own namespace).
source "$(dirname "$0")/lib.sh"

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
expect_no_pending_journal
e2e_finish
