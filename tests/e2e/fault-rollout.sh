#!/usr/bin/env bash
# rollout: the scenario passes (an annotation rollout of every pod, then an
# env rollout with partition 2), writes schema-valid JUnit and leaves nothing
# behind; against a target the test owns, the pod template and the
# updateStrategy are exactly as before once the drill ends, and the
# StatefulSet is settled on its original revision.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"

drill_ns="$(e2e_ns kdrill-rollout)"
run_kdrill rollout run "$E2E_REPO/scenarios/rollout.yaml" -n "$drill_ns" --junit "$E2E_OUT/rollout.xml"
expect_rc 0 "rollout drill" rollout
expect_volume_checked rollout
expect_junit_valid "$E2E_OUT/rollout.xml"
expect_grep 'rollout of web settled in .*3 pod\(s\) replaced' "$E2E_OUT/rollout.out" "the first rollout replaced every pod"
expect_grep 'rollout of web settled in .*1 pod\(s\) replaced' "$E2E_OUT/rollout.out" "the partitioned rollout replaced one pod"
expect_grep 'undo restore the pod template and updateStrategy of StatefulSet web: restored; settled' "$E2E_OUT/rollout.out" \
  "cleanup restored the template and waited"
expect_verdict rollout 'same-pvc' passed
expect_namespace_gone "$drill_ns"
expect_no_pending_journal

ns="$(e2e_ns kdrill-e2e-rollout)"
if make_target "$ns"; then
  tmpl_before="$(sts_json "$ns" '.spec.template')"
  strategy_before="$(sts_json "$ns" '.spec.updateStrategy')"
  rev_before="$(sts_json "$ns" '.status.updateRevision')"
  without_setup "$E2E_REPO/scenarios/rollout.yaml" "$E2E_OUT/rollout-own.yaml"
  run_kdrill rollout-own run "$E2E_OUT/rollout-own.yaml" -n "$ns"
  expect_rc 0 "rollout against the test's own StatefulSet" rollout-own
  expect_eq "the pod template is as before" "$tmpl_before" "$(sts_json "$ns" '.spec.template')"
  expect_eq "the updateStrategy is as before" "$strategy_before" "$(sts_json "$ns" '.spec.updateStrategy')"
  expect_eq "the StatefulSet is back on its original revision" "$rev_before" "$(sts_json "$ns" '.status.currentRevision')"
fi
drop_target "$ns"
expect_no_pending_journal
e2e_finish
