#!/usr/bin/env bash
# sts-volume-expansion: the scenario passes (claims grown, StatefulSet orphan-
# deleted and recreated with the larger template, no pod restarted), writes
# schema-valid JUnit and leaves nothing behind; against a target the test
# owns, the StatefulSet exists with the 128Mi template, every claim has 128Mi
# and every pod kept its UID.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"

drill_ns="$(e2e_ns kdrill-sts-expansion)"
run_kdrill expansion run "$E2E_REPO/scenarios/sts-volume-expansion.yaml" -n "$drill_ns" --junit "$E2E_OUT/expansion.xml"
expect_rc 0 "sts-volume-expansion drill" expansion
expect_junit_valid "$E2E_OUT/expansion.xml"
expect_grep 'deleted StatefulSet web \(uid .*\) with propagationPolicy Orphan' "$E2E_OUT/expansion.out" "orphan delete"
expect_grep 'recreated StatefulSet web \(uid .*\) with data 128Mi' "$E2E_OUT/expansion.out" "recreated with the larger template"
expect_grep 'all 3 pods kept their UIDs' "$E2E_OUT/expansion.out" "no pod was deleted"
expect_verdict expansion 'same-pvc' passed
expect_namespace_gone "$drill_ns"
expect_no_pending_journal

ns="$(e2e_ns kdrill-e2e-expansion)"
if make_target "$ns"; then
  uids_before="$(pod_uids "$ns")"
  sts_uid_before="$(sts_json "$ns" .metadata.uid)"
  without_setup "$E2E_REPO/scenarios/sts-volume-expansion.yaml" "$E2E_OUT/expansion-own.yaml"
  run_kdrill expansion-own run "$E2E_OUT/expansion-own.yaml" -n "$ns"
  expect_rc 0 "sts-volume-expansion against the test's own StatefulSet" expansion-own
  expect_eq "the StatefulSet template asks for 128Mi" '"128Mi"' \
    "$(sts_json "$ns" '.spec.volumeClaimTemplates[0].spec.resources.requests.storage')"
  if [[ "$(sts_json "$ns" .metadata.uid)" != "$sts_uid_before" ]]; then pass "the StatefulSet is a new object"; else fail "the StatefulSet was not recreated"; fi
  for c in data-web-0 data-web-1 data-web-2; do expect_eq "$c grew" 128Mi "$(claim_capacity "$ns" "$c")"; done
  expect_eq "every pod kept its UID" "$uids_before" "$(pod_uids "$ns")"
fi
drop_target "$ns"
expect_no_pending_journal
e2e_finish
