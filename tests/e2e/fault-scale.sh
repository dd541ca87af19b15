#!/usr/bin/env bash
# scale: the scenario passes (3 -> 5 -> 3, the original ordinals keep
# identity, claims and data), writes schema-valid JUnit and leaves nothing
# behind; against a target the test owns, a scale to 5 is undone at cleanup:
# spec.replicas is back to 3 and the StatefulSet settles at 3 pods.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"

drill_ns="$(e2e_ns kdrill-scale)"
run_kdrill scale run "$E2E_REPO/scenarios/scale.yaml" -n "$drill_ns" --junit "$E2E_OUT/scale.xml"
expect_rc 0 "scale drill" scale
expect_volume_checked scale
expect_junit_valid "$E2E_OUT/scale.xml"
expect_grep 'web settled at 5 replicas .*pods added: web-3 .*web-4' "$E2E_OUT/scale.out" "scaled up to 5"
expect_grep 'web settled at 3 replicas .*pods removed: web-3, web-4' "$E2E_OUT/scale.out" "scaled down by 2"
expect_verdict scale 'stable-identity' passed
expect_verdict scale 'same-pvc' passed
# Cleanup restores replicas 3 once: the undo of the scale-down (back to 5) is
# skipped, so web-3 and web-4 are not created again only to be removed.
expect_grep 'undo restore replicas of StatefulSet web to 5: skipped: the next undo \(restore replicas of StatefulSet web to 3\)' \
  "$E2E_OUT/scale.out" "cleanup skipped the intermediate scale"
expect_grep 'undo restore replicas of StatefulSet web to 3: restored' "$E2E_OUT/scale.out" "cleanup restored 3 replicas"
expect_namespace_gone "$drill_ns"
expect_no_pending_journal

ns="$(e2e_ns kdrill-e2e-scale)"
if make_target "$ns"; then
  cat >"$E2E_OUT/scale-own.yaml" <<YAML
apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: scale-own
spec:
  target:
    namespace: $ns
    statefulSet: web
  steps:
    - fault: scale
      params:
        replicas: 5
        timeout: 180s
YAML
  run_kdrill scale-own run "$E2E_OUT/scale-own.yaml" -n "$ns"
  expect_rc 0 "scale to 5 against the test's own StatefulSet" scale-own
  expect_grep 'undo restore replicas of StatefulSet web to 3: restored' "$E2E_OUT/scale-own.out" "cleanup restored the count"
  expect_eq "spec.replicas is back to 3" 3 "$(sts_json "$ns" .spec.replicas)"
  settled=""
  for _ in $(seq 1 120); do
    ready=$(kubectl -n "$ns" get statefulset web -o jsonpath='{.status.replicas}/{.status.readyReplicas}')
    pods=$(kubectl -n "$ns" get pods -l app=web -o jsonpath='{.items[*].metadata.name}')
    if [[ "$ready" == "3/3" && "$pods" == "web-0 web-1 web-2" ]]; then settled=1; break; fi
    sleep 1
  done
  if [[ -n "$settled" ]]; then
    pass "the StatefulSet settles at 3 pods again (web-0 web-1 web-2)"
  else
    fail "the StatefulSet did not settle at 3 pods: replicas/ready $ready, pods: $pods"
  fi
fi
drop_target "$ns"
expect_no_pending_journal
e2e_finish
