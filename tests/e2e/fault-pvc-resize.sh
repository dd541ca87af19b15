#!/usr/bin/env bash
# pvc-resize: the scenario passes (two claims grow online; pods, claims and
# data stay), writes schema-valid JUnit and leaves nothing behind; against a
# target the test owns, the chosen claims really have the new capacity (and
# the pod sees it in df) while the others do not; a claim of a StorageClass
# without expansion is refused with a message naming the class.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"

drill_ns="$(e2e_ns kdrill-pvc-resize)"
run_kdrill pvc-resize run "$E2E_REPO/scenarios/pvc-resize.yaml" -n "$drill_ns" --junit "$E2E_OUT/pvc-resize.xml"
expect_rc 0 "pvc-resize drill" pvc-resize
expect_junit_valid "$E2E_OUT/pvc-resize.xml"
expect_grep 'victims: data-web-0 \(64Mi -> 128Mi, class lab-shared\), data-web-1' "$E2E_OUT/pvc-resize.out" "claims printed before acting"
expect_grep 'claim data-web-1 has capacity 128Mi' "$E2E_OUT/pvc-resize.out" "the wait saw the new capacity"
expect_grep '\[\[PROPERTY\|data-web-0.capacity=64Mi -(>|&gt;) 128Mi\]\]' "$E2E_OUT/pvc-resize.xml" "the JUnit report carries the capacities"
expect_verdict pvc-resize 'same-pvc' passed
expect_namespace_gone "$drill_ns"
expect_no_pending_journal

ns="$(e2e_ns kdrill-e2e-resize)"
if make_target "$ns"; then
  df_before=$(kubectl -n "$ns" exec web-0 -- df -kP /data | awk 'NR == 2 { print $2 }')
  without_setup "$E2E_REPO/scenarios/pvc-resize.yaml" "$E2E_OUT/resize-own.yaml"
  run_kdrill resize-own run "$E2E_OUT/resize-own.yaml" -n "$ns"
  expect_rc 0 "pvc-resize against the test's own StatefulSet" resize-own
  expect_eq "data-web-0 grew" 128Mi "$(claim_capacity "$ns" data-web-0)"
  expect_eq "data-web-1 grew" 128Mi "$(claim_capacity "$ns" data-web-1)"
  expect_eq "data-web-2 was left alone" 64Mi "$(claim_capacity "$ns" data-web-2)"
  df_after=$(kubectl -n "$ns" exec web-0 -- df -kP /data | awk 'NR == 2 { print $2 }')
  if [[ -n "$df_before" && -n "$df_after" && "$df_after" -ge $((df_before + 50000)) ]]; then
    pass "df in web-0 shows the larger file system ($df_before KiB -> $df_after KiB)"
  else
    fail "df in web-0: $df_before KiB before, $df_after KiB after (expected about 64 MiB more)"
  fi
fi
drop_target "$ns"

# Refusal: a StatefulSet on lab-fixed (allowVolumeExpansion: false).
ns="$(e2e_ns kdrill-e2e-fixed)"
kubectl delete namespace "$ns" --ignore-not-found --wait=true >/dev/null 2>&1
kubectl create namespace "$ns" >/dev/null
sed 's/^        resources:/        storageClassName: lab-fixed\n        resources:/' "$VOL_WEB" | kubectl -n "$ns" apply -f - >/dev/null
if kubectl -n "$ns" rollout status statefulset/web --timeout=180s >/dev/null; then
  without_setup "$E2E_REPO/scenarios/pvc-resize.yaml" "$E2E_OUT/resize-fixed.yaml"
  run_kdrill resize-fixed run "$E2E_OUT/resize-fixed.yaml" -n "$ns" --junit "$E2E_OUT/resize-fixed.xml"
  expect_rc 1 "pvc-resize on lab-fixed is refused (a failed drill)" resize-fixed
  expect_grep "refusing to resize claim $ns/data-web-0: its StorageClass lab-fixed does not allow volume expansion" \
    "$E2E_OUT/resize-fixed.out" "the refusal names the claim and the StorageClass"
  expect_grep 'resize-fixed.yaml:[0-9]+:[0-9]+' "$E2E_OUT/resize-fixed.out" "the refusal points at the drill's line"
  expect_junit_valid "$E2E_OUT/resize-fixed.xml"
  expect_eq "the lab-fixed claim was not touched" 64Mi \
    "$(kubectl -n "$ns" get pvc data-web-0 -o jsonpath='{.spec.resources.requests.storage}')"
else
  fail "the lab-fixed StatefulSet did not become ready"
fi
drop_target "$ns"
expect_no_pending_journal
e2e_finish
