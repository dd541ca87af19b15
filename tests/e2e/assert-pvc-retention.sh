#!/usr/bin/env bash
# pvc-retention on the lab. Healthy: scaling 3 -> 1 under whenScaled Delete
# deletes the claims of web-1 and web-2; scaling 3 -> 2 under the default
# Retain keeps web-2's claim with its UID; deleting and recreating the
# StatefulSet (statefulset-delete, cascade background) under whenDeleted
# Delete deletes every claim of the baseline. Each passes with schema-valid
# JUnit and leaves nothing behind.
# Negative control: a bare pod mounts web-2's claim, so pvc-protection keeps
# it Terminating after the scale-down: pvc-retention must fail and name the
# holder.
source "$(dirname "$0")/lib.sh"

delete_ns="$(e2e_ns kdrill-pvc-retention)"
run_kdrill delete run "$E2E_REPO/scenarios/pvc-retention.yaml" -n "$delete_ns" --junit "$E2E_OUT/delete.xml"
expect_rc 0 "pvc-retention under whenScaled Delete" delete
expect_junit_valid "$E2E_OUT/delete.xml"
expect_verdict delete pvc-retention passed 'claims followed whenScaled Delete / whenDeleted Delete: 2 deleted, 0 retained'
expect_namespace_gone "$delete_ns"
expect_no_pending_journal

retain_ns="$(e2e_ns kdrill-pvc-retain)"
run_kdrill retain run "$E2E_REPO/scenarios/pvc-retention-retain.yaml" -n "$retain_ns" --junit "$E2E_OUT/retain.xml"
expect_rc 0 "pvc-retention under whenScaled Retain" retain
expect_junit_valid "$E2E_OUT/retain.xml"
expect_verdict retain pvc-retention passed 'claims followed whenScaled Retain / whenDeleted Retain: 0 deleted, 1 retained'
expect_namespace_gone "$retain_ns"
expect_no_pending_journal

sts_delete_ns="$(e2e_ns kdrill-sts-delete)"
run_kdrill sts-delete run "$E2E_REPO/scenarios/statefulset-delete.yaml" -n "$sts_delete_ns" --junit "$E2E_OUT/sts-delete.xml"
expect_rc 0 "statefulset-delete under whenDeleted Delete" sts-delete
expect_junit_valid "$E2E_OUT/sts-delete.xml"
expect_grep 'web deleted \(background\) and recreated, settled after .*; 3 of 3 pods replaced' "$E2E_OUT/sts-delete.out" \
  "the StatefulSet was deleted and recreated"
expect_verdict sts-delete pvc-retention passed 'whenDeleted Delete: 3 deleted'
expect_verdict sts-delete 'stable-identity' passed
expect_namespace_gone "$sts_delete_ns"
expect_no_pending_journal

# The control runs against a target the test makes, so the holder pod is
# running (and so protects the claim) before the drill starts.
ns="$(e2e_ns kdrill-e2e-retention-held)"
kubectl delete namespace "$ns" --ignore-not-found --wait=true >/dev/null 2>&1
if kubectl create namespace "$ns" >/dev/null &&
   kubectl -n "$ns" apply -f "$E2E_REPO/scenarios/manifests/web-retention.yaml" >/dev/null &&
   kubectl -n "$ns" rollout status statefulset/web --timeout=180s >/dev/null &&
   kubectl -n "$ns" apply -f - >/dev/null <<'YAML' &&
apiVersion: v1
kind: Pod
metadata:
  name: holder
spec:
  terminationGracePeriodSeconds: 0
  containers:
    - name: holder
      image: localhost/busybox:lab
      imagePullPolicy: IfNotPresent
      command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1 & wait $!; done"]
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data-web-2
YAML
   kubectl -n "$ns" wait --for=condition=Ready pod/holder --timeout=120s >/dev/null; then
  cat >"$E2E_OUT/held.yaml" <<YAML
apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: control-pvc-retention-held
spec:
  target:
    namespace: $ns
    statefulSet: web
  steps:
    - name: scale down by 1
      fault: scale
      params:
        by: -1
        timeout: 180s
  assertions:
    - type: pvc-retention
      params:
        timeout: 20s
YAML
  run_kdrill held run "$E2E_OUT/held.yaml" -n "$ns" --junit "$E2E_OUT/held.xml"
  expect_rc 1 "pvc-retention must flag a claim that is not deleted" held
  expect_junit_valid "$E2E_OUT/held.xml"
  expect_verdict held 'pvc-retention' failed
  msg=$(xmllint --xpath 'string(//testcase[@name="pvc-retention"]/failure/@message)' "$E2E_OUT/held.xml")
  uuid='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
  want="^claim data-web-2 \\(uid $uuid\\) still exists 20s after the check began, expected it deleted: web-2 was scaled away \\(replicas 3 -> 2\\) and whenScaled is Delete; it is Terminating since [0-9TZ:-]+, held by finalizers \\[kubernetes.io/pvc-protection\\]; mounted by pod $ns/holder \\(not a pod of StatefulSet web\\)$"
  if [[ "$msg" =~ $want ]]; then
    pass "the failure names the claim, the policy and the holder: $msg"
  else
    fail "the failure message is [$msg]"
  fi
  expect_no_pending_journal
else
  fail "could not set up the control's target in $ns"
  kubectl -n "$ns" get statefulset,pods,pvc -o wide >&2
fi
kubectl delete namespace "$ns" --ignore-not-found --wait=true --timeout=180s >/dev/null 2>&1
expect_namespace_gone "$ns"
e2e_finish
