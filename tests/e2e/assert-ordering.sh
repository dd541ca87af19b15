#!/usr/bin/env bash
# The ordering, single-instance, recovery-time and data assertions on the
# lab: the healthy ordered-recovery scenario passes with its recovery times
# in JUnit; a Parallel StatefulSet with order required fails ordered-recovery
# and ordered-scale showing the sequence seen; a copy of web-1 carrying its
# pod-index fails at-most-one-per-ordinal naming both pods.
source "$(dirname "$0")/lib.sh"

healthy_ns="$(e2e_ns kdrill-ordered)"
run_kdrill healthy run "$E2E_REPO/scenarios/ordered-recovery.yaml" -n "$healthy_ns" --junit "$E2E_OUT/healthy.xml"
expect_rc 0 "ordered recovery of an OrderedReady StatefulSet" healthy
expect_volume_checked healthy
expect_junit_valid "$E2E_OUT/healthy.xml"
for a in ordered-recovery at-most-one-per-ordinal recovered-within stable-identity same-pvc data-intact; do
  expect_grep "PASS +assertion +$a" "$E2E_OUT/healthy.out" "$a passed"
done
secs=$(xmllint --xpath 'string(//testsuite/properties/property[@name="recovered-within.recovery.web-2.seconds"]/@value)' "$E2E_OUT/healthy.xml")
if [[ "$secs" =~ ^[0-9]+\.[0-9]$ ]]; then pass "web-2's recovery time is a JUnit property: ${secs}s"; else fail "no recovery.web-2.seconds property (got '$secs')"; fi
total=$(xmllint --xpath 'string(//testsuite/properties/property[@name="recovered-within.recovery.total.seconds"]/@value)' "$E2E_OUT/healthy.xml")
if [[ "$total" =~ ^[0-9]+\.[0-9]$ ]]; then pass "total recovery time ${total}s"; else fail "no recovery.total.seconds property (got '$total')"; fi
expect_grep "web-1: web-1\\.web\\.$healthy_ns\\.svc\\.cluster\\.local resolves to" "$E2E_OUT/healthy.out" "stable DNS name checked inside the pod"
expect_grep 'EndpointSlice of web lists hostname web-2' "$E2E_OUT/healthy.out" "EndpointSlice hostname checked"
expect_grep '3 controller move\(s\), all in order' "$E2E_OUT/healthy.out" "three ordered re-creations judged"
expect_namespace_gone "$healthy_ns"

parallel_ns="$(e2e_ns kdrill-e2e-parallel)"
run_kdrill parallel run "$E2E_REPO/tests/e2e/drills/parallel-order.yaml" -n "$parallel_ns" --junit "$E2E_OUT/parallel.xml"
expect_rc 1 "order required of a Parallel StatefulSet" parallel
expect_junit_valid "$E2E_OUT/parallel.xml"
expect_verdict parallel 'ordered-recovery' failed
expect_verdict parallel 'ordered-scale' failed
msg=$(xmllint --xpath 'string(//testcase[@name="ordered-recovery"]/failure/@message)' "$E2E_OUT/parallel.xml")
if [[ "$msg" == *"podManagementPolicy Parallel"* && "$msg" == *"was created while ordinal 0 was"* ]]; then
  pass "the failure names the policy and an out-of-order creation"
else
  fail "ordered-recovery's message lacks the policy or the sequence: $msg"
fi
body=$(xmllint --xpath 'string(//testcase[@name="ordered-recovery"]/failure)' "$E2E_OUT/parallel.xml")
if [[ "$body" =~ [0-9]+\.[0-9]s\ web-1\ created ]]; then pass "the sequence seen is in the failure, with timestamps"; else fail "no timed sequence in the failure body"; fi
expect_namespace_gone "$parallel_ns"

impostor_ns="$(e2e_ns kdrill-e2e-impostor)"
run_kdrill impostor run "$E2E_REPO/tests/e2e/drills/ordinal-impostor.yaml" -n "$impostor_ns" --junit "$E2E_OUT/impostor.xml"
expect_rc 1 "a second pod holding ordinal 1" impostor
expect_junit_valid "$E2E_OUT/impostor.xml"
expect_grep 'failed at-most-one-per-ordinal: .*web-1-debug \(uid [0-9a-f-]+, not owned by the StatefulSet\).* both held ordinal 1' \
  "$E2E_OUT/impostor.out" "at-most-one-per-ordinal names the copy"
expect_grep 'failed at-most-one-per-ordinal: .*web-1 \(uid [0-9a-f-]+\)( and|,| both)' "$E2E_OUT/impostor.out" "and the StatefulSet's own web-1"
expect_namespace_gone "$impostor_ns"
expect_no_pending_journal
e2e_finish
