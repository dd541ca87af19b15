#!/usr/bin/env bash
# Redis on the lab: localhost/redis:lab is built from Debian packages (once
# per lab cache; imported only where missing); the primary-kill drill passes
# with the replica caught up again and the write workload counting no
# acknowledged write lost; so does the pod kill of a one-pod Redis Deployment
# with its own claim, written through its headless Service's name; a Redis restarted without persistence loses the
# writes it acknowledged, and acknowledged-writes fails naming them; a
# replica pointed at a primary that does not exist fails the replication
# check, named (both controls are one drill, run beside the healthy one in
# its own namespace).
source "$(dirname "$0")/lib.sh"

ensure_catalogue_image redis

lost_ns="$(e2e_ns kdrill-e2e-redis-lost-writes)"
printf '%s' "$E2E_OUT/lost.json" >"$E2E_OUT/lost.jsonpath"
start_kdrill "$E2E_OUT/lost.out" run "$E2E_REPO/tests/e2e/drills/redis-lost-writes.yaml" -n "$lost_ns" \
  --json "$E2E_OUT/lost.json"

ns="$(e2e_ns kdrill-redis)"
run_kdrill redis-kill run "$E2E_REPO/scenarios/redis-primary-kill.yaml" -n "$ns" --json "$E2E_OUT/redis-kill.json" \
  --junit "$E2E_OUT/redis-kill.xml"
expect_rc 0 "redis-primary-kill on a primary with a replica" redis-kill
expect_verdict redis-kill 'replica follows the primary again' passed 'exited 0 with "caught up"'
expect_verdict redis-kill 'stable-identity' passed
expect_verdict redis-kill 'same-pvc' passed
expect_verdict redis-kill 'acknowledged-writes' passed '^all [0-9]+ acknowledged writes to redis-0\.redis are there'
expect_verdict redis-kill 'max-unavailability' passed 'longest unavailability [0-9.]+ s \(max 30\.0 s\)'
json="$E2E_OUT/redis-kill.json"
acked="$(case_property "$json" acknowledged-writes workload.acknowledged)"
lost="$(case_property "$json" acknowledged-writes workload.lost)"
if [[ "$lost" == 0 && "$acked" =~ ^[0-9]+$ && "$acked" -ge 5 ]]; then
  pass "the workload wrote through the primary kill: $acked acknowledged, $lost lost"
else
  fail "the workload must have written (>= 5 acknowledged) and lost nothing: acknowledged '$acked', lost '$lost'"
fi
e2e_log "redis-kill workload: $(grep -E 'workload: [0-9]+ acknowledged' "$E2E_OUT/redis-kill.out")"
e2e_log "redis-kill recovery: $(jq -c '[.items[0].recovery[] | {ordinal, seconds: (.seconds * 100 | round / 100)}]' "$json")"
expect_junit_valid "$E2E_OUT/redis-kill.xml"
expect_namespace_gone "$ns"

# The single-instance cache as a Deployment with its own claim.
ns="$(e2e_ns kdrill-redis-cache)"
run_kdrill redis-cache run "$E2E_REPO/scenarios/redis-deployment-pod-kill.yaml" -n "$ns" --json "$E2E_OUT/redis-cache.json"
expect_rc 0 "redis-deployment-pod-kill: a one-pod Deployment keeps its writes on its claim" redis-cache
expect_verdict redis-cache 'acknowledged-writes' passed '^all [0-9]+ acknowledged writes to redis-cache are there'
e2e_log "redis-cache workload: $(grep -E 'workload: [0-9]+ acknowledged' "$E2E_OUT/redis-cache.out")"
expect_namespace_gone "$ns"

wait_kdrill
expect_rc 1 "a Redis restarted without persistence loses what it acknowledged" lost
expect_verdict lost 'acknowledged-writes' failed '[1-9][0-9]* acknowledged write\(s\) lost: ids 1, 2, 3'
expect_verdict lost 'replica follows the primary again' failed 'not caught up within 10 s: redis-1: link down'
expect_namespace_gone "$lost_ns"
expect_no_pending_journal
e2e_finish
