#!/usr/bin/env bash
# kdrill diagnose on the lab: a claim naming a StorageClass that does not
# exist (and a pod that mounts it), a container in CrashLoopBackOff (exit 3),
# a readiness probe that never passes, and a StatefulSet whose pod is not
# Ready. Each cause must be named, with the documented exit codes: 0 no
# problem, 1 problems found, 2 bad usage, 3 object not found.
source "$(dirname "$0")/lib.sh"

NS="$(e2e_ns kdrill-diagnose)"
drop_ns() { kubectl delete namespace "$NS" --ignore-not-found --wait=true --timeout=180s >/dev/null 2>&1; }
trap drop_ns EXIT
drop_ns
kubectl create namespace "$NS" >/dev/null || { fail "cannot create namespace $NS"; e2e_finish; }

kubectl -n "$NS" apply -f - >/dev/null <<'YAML' || fail "cannot create the test objects"
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: orphan-data}
spec:
  storageClassName: kdrill-no-such-class
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: good-data}
spec:
  storageClassName: lab-shared
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: needs-claim}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: localhost/busybox:lab, command: [sleep, "3600"], volumeMounts: [{name: data, mountPath: /data}]}
  volumes:
  - {name: data, persistentVolumeClaim: {claimName: orphan-data}}
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: localhost/busybox:lab, command: [sh, -c, "exit 3"]}
---
apiVersion: v1
kind: Pod
metadata: {name: never-ready}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: localhost/busybox:lab
    command: [sleep, "3600"]
    readinessProbe: {exec: {command: [cat, /nonexistent]}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: stuck}
spec: {clusterIP: None, selector: {app: stuck}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: stuck}
spec:
  serviceName: stuck
  replicas: 1
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: localhost/busybox:lab
        command: [sleep, "3600"]
        readinessProbe: {exec: {command: ["false"]}, periodSeconds: 1}
YAML

# wait_for WHAT SECONDS CMD...: polls CMD every 2 s until it succeeds.
wait_for() {
  local what="$1" secs="$2"; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then fail "timed out waiting for $what"; kubectl -n "$NS" get pods,pvc -o wide >&2; return 1; fi
    sleep 2
  done
}
jsonpath_is() { [[ "$(kubectl -n "$NS" get "$1" -o jsonpath="$2" 2>/dev/null)" == "$3" ]]; }
has_event() { [[ -n "$(kubectl -n "$NS" get events --field-selector "involvedObject.name=$1,reason=$2" -o name 2>/dev/null)" ]]; }

# diagnose_until NAME PATTERN ARGS...: runs `kdrill diagnose ARGS` (into
# $E2E_OUT/NAME.out, exit code in $RC) until PATTERN shows up, at most 60 s:
# the cluster reaches the state (crash-loop back-off, the scheduler's event)
# in its own time.
diagnose_until() {
  local name="$1" pattern="$2"; shift 2
  local end=$((SECONDS + 60))
  while :; do
    run_kdrill "$name" diagnose "$@"
    if grep -Eq -- "$pattern" "$E2E_OUT/$name.out" || ((SECONDS >= end)); then return; fi
    sleep 2
  done
}

wait_for "claim good-data to be Bound" 90 jsonpath_is pvc/good-data '{.status.phase}' Bound
wait_for "crasher to restart" 90 jsonpath_is pod/crasher '{.status.containerStatuses[0].lastState.terminated.exitCode}' 3
wait_for "a readiness failure of never-ready" 90 has_event never-ready Unhealthy
wait_for "a readiness failure of stuck-0" 90 has_event stuck-0 Unhealthy

# The claim that names a missing StorageClass.
diagnose_until pvc 'does not exist' pvc orphan-data -n "$NS"
expect_rc 1 "diagnose pvc orphan-data (problems found)" pvc
expect_grep '^claim '"$NS"'/orphan-data: Pending, StorageClass "kdrill-no-such-class", 64Mi requested$' "$E2E_OUT/pvc.out" "header line with the claim's state"
expect_grep '^  claim orphan-data: Pending: StorageClass "kdrill-no-such-class" does not exist: create the StorageClass or recreate the claim with an existing storageClassName$' "$E2E_OUT/pvc.out" "the missing StorageClass is named, with the fix"

# The pod that mounts it: the scheduler's word and the claim's cause.
diagnose_until pod-claim 'FailedScheduling' pod needs-claim -n "$NS"
expect_rc 1 "diagnose pod needs-claim" pod-claim
expect_grep '^  needs-claim: Pending: FailedScheduling.*unbound immediate PersistentVolumeClaims' "$E2E_OUT/pod-claim.out" "the scheduler's message"
expect_grep '^  claim orphan-data: Pending: StorageClass "kdrill-no-such-class" does not exist' "$E2E_OUT/pod-claim.out" "the pod's claim and its cause"

# CrashLoopBackOff with the last exit code.
diagnose_until crash 'CrashLoopBackOff' pod crasher -n "$NS"
expect_rc 1 "diagnose pod crasher" crash
expect_grep '^  crasher: container main CrashLoopBackOff: last exit code 3 \(Error\), [0-9]+ restarts?: read its logs: kubectl logs -n '"$NS"' crasher -c main --previous$' "$E2E_OUT/crash.out" "crash loop, exit code 3, restarts"

# A readiness probe that never passes: which probe and its last message.
diagnose_until ready 'failing' pod never-ready -n "$NS"
expect_rc 1 "diagnose pod never-ready" ready
expect_grep "^  never-ready: container main not ready: readiness probe exec \[cat /nonexistent\] failing( \([0-9]+ times\))?, last: Readiness probe failed: cat: can't open '/nonexistent': No such file or directory" "$E2E_OUT/ready.out" "the failing probe and its message"

# A StatefulSet whose pod is not Ready.
diagnose_until sts 'failing' sts stuck -n "$NS"
expect_rc 1 "diagnose sts stuck" sts
expect_grep '^StatefulSet '"$NS"'/stuck: 0/1 ready, 1 replica, OrderedReady' "$E2E_OUT/sts.out" "header line with the StatefulSet's state"
expect_grep '^  StatefulSet stuck: ' "$E2E_OUT/sts.out" "why it is not settled"
expect_grep '^  stuck-0: container main not ready: readiness probe exec \[false\] failing( \([0-9]+ times\))?, last: Readiness probe failed: \(no output\)$' "$E2E_OUT/sts.out" "its pod's failing probe"

# Healthy: exit 0 with the reason.
run_kdrill good diagnose pvc good-data -n "$NS"
expect_rc 0 "diagnose a Bound claim" good
expect_grep '^no problem found: the claim is Bound to PersistentVolume pvc-' "$E2E_OUT/good.out" "no problem found, and why"

# Not found (3), bad usage (2); reading kube-system is not refused (it changes nothing).
run_kdrill missing diagnose pod no-such-pod -n "$NS"
expect_rc 3 "diagnose a pod that does not exist" missing
expect_grep "pod no-such-pod not found in namespace $NS" "$E2E_OUT/missing.out" "not found says where"
run_kdrill usage diagnose deployment web -n "$NS"
expect_rc 2 "diagnose an unsupported kind" usage
run_kdrill system diagnose sts no-such-sts -n kube-system
expect_rc 3 "kube-system may be read (not found, not refused)" system

drop_ns
expect_namespace_gone "$NS"
e2e_finish
