#!/usr/bin/env bash
# PostgreSQL on the lab: localhost/postgres:lab is built from Debian packages
# (once per lab cache; imported only where missing); the primary-kill,
# replica-kill and all-pods-kill drills pass with both replicas streaming
# again, and the write workload of the primary kill counts no acknowledged
# write lost; the replication check fails on a replica whose primary_conninfo
# names a wrong host, naming it; acknowledged-writes and max-unavailability
# fail on a primary that drops its last three rows when it restarts, naming
# the ids. (The node drain is e2e_db-postgres-drain: it is serial.)
source "$(dirname "$0")/lib.sh"

ensure_catalogue_image postgres

# The lost-writes control runs beside the other drills, in its own namespace.
lost_ns="$(e2e_ns kdrill-e2e-pg-lost-writes)"
printf '%s' "$E2E_OUT/pg-lost.json" >"$E2E_OUT/pg-lost.jsonpath"
start_kdrill "$E2E_OUT/pg-lost.out" run "$E2E_REPO/tests/e2e/drills/postgres-lost-writes.yaml" -n "$lost_ns" \
  --json "$E2E_OUT/pg-lost.json"

ns="$(e2e_ns kdrill-postgres)"
run_kdrill pg-kill run "$E2E_REPO/scenarios/postgres-primary-kill.yaml" -n "$ns" --json "$E2E_OUT/pg-kill.json" \
  --junit "$E2E_OUT/pg-kill.xml"
expect_rc 0 "postgres-primary-kill on a healthy primary with two replicas" pg-kill
expect_verdict pg-kill 'replicas stream from the primary again' passed 'exited 0 with "caught up"'
expect_verdict pg-kill 'stable-identity' passed
expect_verdict pg-kill 'same-pvc' passed
expect_grep 'victims: postgres-0' "$E2E_OUT/pg-kill.out" "the primary is the victim"
expect_verdict pg-kill 'acknowledged-writes' passed '^all [0-9]+ acknowledged writes to postgres-0\.postgres are there'
expect_verdict pg-kill 'max-unavailability' passed 'longest unavailability [0-9.]+ s \(max 30\.0 s\)'
acked="$(case_property "$E2E_OUT/pg-kill.json" acknowledged-writes workload.acknowledged)"
lost="$(case_property "$E2E_OUT/pg-kill.json" acknowledged-writes workload.lost)"
if [[ "$lost" == 0 && "$acked" =~ ^[0-9]+$ && "$acked" -ge 5 ]]; then
  pass "the workload wrote through the primary kill: $acked acknowledged, $lost lost"
else
  fail "the workload must have written (>= 5 acknowledged) and lost nothing: acknowledged '$acked', lost '$lost'"
fi
e2e_log "pg-kill workload: $(grep -E 'workload: [0-9]+ acknowledged' "$E2E_OUT/pg-kill.out")"
expect_grep '<property name="workload.lost" value="0"' "$E2E_OUT/pg-kill.xml" "the JUnit file carries the workload's figures"
expect_junit_valid "$E2E_OUT/pg-kill.xml"
expect_namespace_gone "$ns"

# The other pod-level drills, each in its own namespace.
for drill in postgres-replica-kill postgres-all-pods-kill; do
  ns="$(e2e_ns "kdrill-$drill")"
  run_kdrill "$drill" run "$E2E_REPO/scenarios/$drill.yaml" -n "$ns" --json "$E2E_OUT/$drill.json"
  expect_rc 0 "$drill" "$drill"
  summary="$(jq -r '.items[0] | [.cases[] | "\(.name)=\(.outcome)"] | join(" ")' "$E2E_OUT/$drill.json")"
  if [[ "$summary" != *"=failed"* && "$summary" != *"=error"* && "$summary" != *"=skipped"* &&
        "$summary" == *"replicas stream from the primary again=passed"* && "$summary" == *"same-pvc=passed"* ]]; then
    pass "$drill: $summary"
  else
    fail "$drill: every case must pass, replication and claims checked: $summary"
  fi
  e2e_log "$drill: recovery $(jq -c '[.items[0].recovery[] | {ordinal, seconds: (.seconds * 100 | round / 100)}]' "$E2E_OUT/$drill.json")"
  expect_namespace_gone "$ns"
done
expect_verdict postgres-all-pods-kill ordered-recovery passed 'all in order'

ns="$(e2e_ns kdrill-e2e-pg-wrong-host)"
run_kdrill pg-wrong run "$E2E_REPO/tests/e2e/drills/postgres-replica-wrong-host.yaml" -n "$ns" --json "$E2E_OUT/pg-wrong.json"
expect_rc 1 "a replica streaming from a wrong host breaks the drill" pg-wrong
expect_verdict pg-wrong 'replicas stream from the primary again' failed 'postgres-2: not connected'
if jq -e '[.items[0].cases[] | select(.name == "replicas stream from the primary again")][0].message
          | test("postgres-1: not|postgres-1: state")' "$E2E_OUT/pg-wrong.json" >/dev/null; then
  fail "the control blames postgres-1 too, which streams: $(jq -r '.items[0].cases[] | select(.name == "replicas stream from the primary again") | .message' "$E2E_OUT/pg-wrong.json")"
else
  pass "only postgres-2 is named"
fi
expect_namespace_gone "$ns"

wait_kdrill
expect_rc 1 "a primary that drops its last three rows on restart breaks the drill" pg-lost
expect_verdict pg-lost acknowledged-writes failed '^3 acknowledged write\(s\) lost: ids [0-9]+, [0-9]+, [0-9]+ \('
expect_verdict pg-lost max-unavailability failed 'in a row \(max 0\.1 s\)'
if [[ "$(case_property "$E2E_OUT/pg-lost.json" acknowledged-writes workload.lost)" == 3 ]]; then
  pass "the control lost exactly the three rows the fault dropped"
else
  fail "the control must report 3 lost writes: $(jq -c '[.items[0].cases[] | select(.name == "acknowledged-writes")][0].properties' "$E2E_OUT/pg-lost.json")"
fi
expect_namespace_gone "$lost_ns"
expect_no_pending_journal
e2e_finish
