#!/usr/bin/env bash
# lab/scripts/smoke.sh — checks a running lab end to end with the pinned kubectl:
# a busybox pod on each node, a 2-replica StatefulSet "web" behind a headless
# Service, DNS (web-0.web.<ns>.svc.cluster.local) from inside a pod, pod-to-pod
# traffic across the two nodes, kubectl exec and logs. Exit 0 when all pass.
# Usage: lab/lab up && lab/scripts/smoke.sh   (namespace lab-core-smoke, deleted at the end)
set -euo pipefail
lab="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lab"
eval "$("$lab" env)"
ns="${LAB_CORE_SMOKE_NS:-lab-core-smoke}"
pass=0 fail=0
ok()  { echo "ok   $*"; pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
cleanup() { kubectl delete namespace "$ns" --wait=false >/dev/null 2>&1 || true; }
trap cleanup EXIT

kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: tcp, port: 8080}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector: {matchLabels: {app: web}}
            topologyKey: kubernetes.io/hostname
      containers:
      - name: web
        image: localhost/busybox:lab
        command: [sh, -c, 'echo started \$(hostname); while true; do echo "hello from \$(hostname)" | nc -l -p 8080; done']
        ports: [{containerPort: 8080}]
YAML
for node in a b; do
kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: client-$node}
spec:
  terminationGracePeriodSeconds: 1
  nodeSelector: {kdrill.io/lab-node: "$node"}
  containers:
  - {name: c, image: localhost/busybox:lab, command: [sleep, "3600"]}
YAML
done

if kubectl -n "$ns" wait --for=condition=Ready pod/client-a pod/client-b --timeout=90s >/dev/null; then
  ok "busybox pods Ready on both nodes ($(kubectl -n "$ns" get pods client-a client-b -o jsonpath='{range .items[*]}{.spec.nodeName} {end}'))"
else
  bad "busybox pods not Ready"; kubectl -n "$ns" describe pods | tail -30
fi
if kubectl -n "$ns" rollout status statefulset/web --timeout=120s >/dev/null; then
  ok "StatefulSet web ready: $(kubectl -n "$ns" get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name}@{.spec.nodeName}/{.status.podIP} {end}')"
else
  bad "StatefulSet web not ready"; kubectl -n "$ns" describe pods -l app=web | tail -30
fi

for c in client-a client-b; do
  if out=$(kubectl -n "$ns" exec "$c" -- nslookup "web-0.web.$ns.svc.cluster.local" 2>&1) && grep -q "Address.*10\.244\." <<<"$out"; then
    ok "$c resolves web-0.web.$ns.svc.cluster.local"
  else
    bad "$c cannot resolve web-0.web.$ns.svc.cluster.local: $out"
  fi
done
for i in 0 1; do
  for c in client-a client-b; do
    if out=$(kubectl -n "$ns" exec "$c" -- sh -c "nc -w 3 web-$i.web.$ns.svc.cluster.local 8080 </dev/null" 2>&1) && grep -q "hello from web-$i" <<<"$out"; then
      ok "$c -> web-$i:8080 ($out)"
    else
      bad "$c -> web-$i:8080: $out"
    fi
  done
done
if kubectl -n "$ns" logs web-0 | grep -q "started web-0"; then ok "kubectl logs web-0"; else bad "kubectl logs web-0"; fi
if kubectl -n "$ns" exec client-a -- sh -c 'ip route' | grep -q default; then bad "pod has a default route"; else ok "no default route in pods"; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
