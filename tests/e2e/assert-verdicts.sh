#!/usr/bin/env bash
# Verdicts that never cry wolf and never miss (pod-level drills, each in its
# own namespace):
# - ownership: a second StatefulSet whose pods carry the target's labels and
#   pod-index (twin-statefulsets) holds none of its ordinals: through a kill
#   of every pod and a rollout, every assertion passes, only the target's
#   pods are victims and the twin's live on (the unowned copy that must
#   fail is assert-ordering.sh's ordinal impostor);
# - revisions: a partitioned rollout (rollout-partition) is judged from the
#   pods' own revisions and passes with ordered-update required; an update
#   done lowest ordinal first (OnDelete, the pods replaced by this script
#   while the rollout step waits) fails naming the pods.
source "$(dirname "$0")/lib.sh"

twin_ns="$(e2e_ns kdrill-e2e-twin)"
run_kdrill twin run "$E2E_REPO/tests/e2e/drills/twin-statefulsets.yaml" -n "$twin_ns" --junit "$E2E_OUT/twin.xml" --json "$E2E_OUT/twin.json"
expect_rc 0 "a twin StatefulSet with the same labels is not the target's" twin
expect_volume_checked twin
expect_junit_valid "$E2E_OUT/twin.xml"
for a in at-most-one-per-ordinal ordered-recovery recovered-within stable-identity same-pvc; do
  expect_case "$E2E_OUT/twin.json" "$a" passed
done
# 2 at the baseline, 2 after the kill, 2 after the rollout: none of dbtwin's.
expect_case "$E2E_OUT/twin.json" at-most-one-per-ordinal passed '^6 pod instance\(s\) seen'
expect_case "$E2E_OUT/twin.json" ordered-update passed '^2 controller move\(s\), all in order'
expect_grep 'victims: db-0, db-1 ' "$E2E_OUT/twin.out" "the victims are db's own pods"
if grep -E 'victims: .*dbtwin' "$E2E_OUT/twin.out"; then fail "a twin pod was a victim"; else pass "no twin pod was a victim"; fi
# Until the checks, no twin pod was deleted (cleanup deletes the namespace later).
twin_deleted="$(jq '[.. | objects | select(.kind? == "note" and .type? == "checks") | .t] as $c
  | [.. | objects | select(.kind? == "Pod" and .type? == "DELETED" and (.name? // "" | startswith("dbtwin"))
      and .t < $c[0])] | length' "$E2E_OUT/twin.json")"
if [[ "$twin_deleted" == 0 ]]; then pass "the twin's pods lived through the kill and the rollout"; else
  fail "$twin_deleted twin pod deletion(s) before the checks"; fi
expect_namespace_gone "$twin_ns"

partition_ns="$(e2e_ns kdrill-rollout-partition)"
run_kdrill partition run "$E2E_REPO/scenarios/rollout-partition.yaml" -n "$partition_ns" --junit "$E2E_OUT/partition.xml" --json "$E2E_OUT/partition.json"
expect_rc 0 "a partitioned rollout with ordered-update required" partition
expect_volume_checked partition
expect_junit_valid "$E2E_OUT/partition.xml"
expect_case "$E2E_OUT/partition.json" ordered-update passed '^1 controller move\(s\), all in order'
judged="$(case_property "$E2E_OUT/partition.json" ordered-update ordering.judged)"
if [[ "$judged" == 1 ]]; then pass "the one replacement (web-2) was judged"; else fail "ordering.judged is '$judged', expected 1"; fi
expect_namespace_gone "$partition_ns"

# Lowest first: wait for the rollout step, then replace web-0, web-1, web-2
# by hand, each once the one before is Ready again.
ns="$(e2e_ns kdrill-e2e-ondelete)"
start_kdrill "$E2E_OUT/ondelete.out" run "$E2E_REPO/tests/e2e/drills/update-out-of-order.yaml" -n "$ns" \
  --junit "$E2E_OUT/ondelete.xml" --json "$E2E_OUT/ondelete.json"
if wait_for_line "$E2E_OUT/ondelete.out" 'waiting for the rollout to settle' 120; then
  for p in web-0 web-1 web-2; do
    old="$(kubectl -n "$ns" get pod "$p" -o jsonpath='{.metadata.uid}')"
    kubectl -n "$ns" delete pod "$p" --wait=true >/dev/null
    for _ in $(seq 1 60); do
      uid="$(kubectl -n "$ns" get pod "$p" -o jsonpath='{.metadata.uid}' 2>/dev/null)"
      [[ -n "$uid" && "$uid" != "$old" ]] && kubectl -n "$ns" wait --for=condition=Ready "pod/$p" --timeout=60s >/dev/null && break
      sleep 1
    done
    e2e_log "replaced $p by hand"
  done
else
  fail "the out-of-order drill never reached its rollout"
fi
wait_kdrill
expect_rc 1 "an update done lowest ordinal first" ondelete
expect_junit_valid "$E2E_OUT/ondelete.xml"
expect_case "$E2E_OUT/ondelete.json" ordered-update failed \
  'web-0 began terminating while higher ordinal web-1 was Ready at revision web-[0-9a-f]+ \(update revision web-[0-9a-f]+\)'
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
