#!/usr/bin/env bash
# node-drain: `kdrill plan` shows the drain and changes nothing; the drill
# drains web-0's node through the Eviction API (a PDB paces it), the pods
# move to the other node with the same claims; cleanup uncordons the node.
# Then a drain a PodDisruptionBudget never allows fails cleanly, and a drain
# beside a twin StatefulSet (same labels) judges the target's pods alone.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/nodes-lib.sh"
require_nodes_schedulable

ns="$(e2e_ns kdrill-node-drain)"
run_kdrill plan plan "$E2E_REPO/scenarios/node-drain.yaml" -n "$ns"
expect_rc 0 "kdrill plan node-drain" plan
expect_grep "create StatefulSet $ns/web" "$E2E_OUT/plan.out" "plan names the setup objects"
expect_grep 'victims: resolved after setup \(ordinals \[0\] of web\)' "$E2E_OUT/plan.out" "plan: victims after setup"
if kubectl get namespace "$ns" >/dev/null 2>&1; then fail "plan created the namespace"; else pass "plan created nothing"; fi

run_kdrill node-drain run "$E2E_REPO/scenarios/node-drain.yaml" -n "$ns" --junit "$E2E_OUT/node-drain.xml"
expect_rc 0 "node-drain drill" node-drain
expect_junit_valid "$E2E_OUT/node-drain.xml"
expect_grep 'victims: nodes 127\.0\.0\.[23] \(hosts web-0' "$E2E_OUT/node-drain.out" "victim node printed before acting"
expect_grep "evict $ns/web-0 \\(StatefulSet web: the target\\)" "$E2E_OUT/node-drain.out" \
  "every pod to evict listed before acting"
expect_grep "evicted pod $ns/web-0" "$E2E_OUT/node-drain.out" "web-0 evicted"
expect_grep 'drained 127\.0\.0\.[23] in [0-9.]+s' "$E2E_OUT/node-drain.out" "drain finished"
expect_grep 'undo uncordon node 127\.0\.0\.[23] \(cordoned by kdrill\): restored' "$E2E_OUT/node-drain.out" \
  "cleanup uncordoned it"
expect_verdict node-drain 'stable-identity' passed
expect_verdict node-drain 'same-pvc' passed
expect_namespace_gone "$ns"

# A budget that never allows an eviction: 429s from the real API server are
# retried, the drain gives up at its timeout naming the budget, and cleanup
# still uncordons the node.
blocked_ns="$(e2e_ns kdrill-drain-blocked)"
run_kdrill blocked run "$E2E_REPO/tests/e2e/drills/drain-blocked.yaml" -n "$blocked_ns"
expect_rc 1 "a drain blocked by a PodDisruptionBudget fails the step" blocked
expect_grep 'eviction blocked \(round 1\), retrying in 2000ms' "$E2E_OUT/blocked.out" "429 retried"
expect_grep 'PodDisruptionBudget blocks it' "$E2E_OUT/blocked.out" "the error names the budget"
expect_grep 'undo uncordon node 127\.0\.0\.[23] \(cordoned by kdrill\): restored' "$E2E_OUT/blocked.out" \
  "cleanup uncordoned the node after the failed drain"
expect_namespace_gone "$blocked_ns"
# A twin StatefulSet with db's labels beside it: the drain evicts whatever
# runs on the node, but db's verdicts judge db's pods alone.
twin_ns="$(e2e_ns kdrill-twin-drain)"
run_kdrill twin-drain run "$E2E_REPO/tests/e2e/drills/twin-drain.yaml" -n "$twin_ns" --json "$E2E_OUT/twin-drain.json"
expect_rc 0 "a drain beside a twin StatefulSet with the same labels" twin-drain
expect_volume_checked twin-drain
for a in at-most-one-per-ordinal recovered-within stable-identity same-pvc; do
  expect_case "$E2E_OUT/twin-drain.json" "$a" passed
done
expect_grep "evict $twin_ns/db-0 \\(StatefulSet db: the target\\)" "$E2E_OUT/twin-drain.out" "db-0 evicted as the target"
# The twin's pods follow db-0 by affinity: the drain evicts them too.
expect_grep "evict $twin_ns/dbtwin-[01] \\(StatefulSet dbtwin: NOT the target\\)" "$E2E_OUT/twin-drain.out" \
  "a twin pod beside db-0 evicted as NOT the target"
if grep -E "evict $twin_ns/dbtwin-" "$E2E_OUT/twin-drain.out" | grep -v 'NOT the target'; then
  fail "a twin pod was listed as the target's"
else
  pass "no twin pod listed as the target's"
fi
# db's two pods at the baseline plus one replacement per db pod evicted.
evicted="$(grep -cE "evict $twin_ns/db-[0-9] \\(StatefulSet db: the target\\)" "$E2E_OUT/twin-drain.out")"
expect_case "$E2E_OUT/twin-drain.json" at-most-one-per-ordinal passed "^$((2 + evicted)) pod instance\\(s\\) seen"
expect_namespace_gone "$twin_ns"

expect_no_pending_journal
expect_nodes_schedulable
e2e_finish
