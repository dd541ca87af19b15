#!/usr/bin/env bash
# The pod-kill scenario passes on a healthy StatefulSet, writes schema-valid
# JUnit, and leaves the cluster as it found it.
source "$(dirname "$0")/lib.sh"

ns="$(e2e_ns kdrill-demo)"
run_kdrill pod-kill run "$E2E_REPO/scenarios/pod-kill.yaml" -n "$ns" --junit "$E2E_OUT/pod-kill.xml" --json "$E2E_OUT/pod-kill.json"
expect_rc 0 "pod-kill drill on a healthy StatefulSet" pod-kill
expect_volume_checked pod-kill
expect_junit_valid "$E2E_OUT/pod-kill.xml"
expect_verdict pod-kill 'stable-identity' passed
expect_verdict pod-kill 'same-pvc' passed
expect_grep 'victims: web-1' "$E2E_OUT/pod-kill.out" "victims printed before acting"
if [[ "$(xmllint --xpath 'count(//testcase)' "$E2E_OUT/pod-kill.xml")" -ge 4 ]]; then pass "one testcase per step and assertion"; else fail "too few testcases"; fi
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
