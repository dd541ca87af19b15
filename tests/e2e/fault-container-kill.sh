#!/usr/bin/env bash
# container-kill: SIGTERM to PID 1 of web-1's container restarts it in place
# (same pod UID, restartCount + 1); identity and claim survive; the cluster is
# left as found.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/nodes-lib.sh"
require_nodes_schedulable

ns="$(e2e_ns kdrill-container-kill)"
run_kdrill container-kill run "$E2E_REPO/scenarios/container-kill.yaml" -n "$ns" --junit "$E2E_OUT/container-kill.xml"
expect_rc 0 "container-kill drill" container-kill
expect_junit_valid "$E2E_OUT/container-kill.xml"
expect_grep 'victims: web-1 \(container web, restartCount 0' "$E2E_OUT/container-kill.out" "victim printed before acting"
expect_grep 'web-1 container web restarted in place: restartCount 0 -> 1, uid [0-9a-f-]+ unchanged' \
  "$E2E_OUT/container-kill.out" "restarted in place, restartCount reported"
expect_verdict container-kill 'stable-identity' passed
expect_verdict container-kill 'same-pvc' passed
expect_namespace_gone "$ns"
expect_no_pending_journal
expect_nodes_schedulable
e2e_finish
