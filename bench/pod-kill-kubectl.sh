#!/usr/bin/env bash
# The pod-kill drill (scenarios/pod-kill.yaml) done by hand with kubectl, as
# a script would: the comparison point of bench/api-cost. Every kubectl call
# runs with -v=6, which logs each request it makes ("GET https://... 200 OK
# in 3 milliseconds"); the log goes to $KUBECTL_LOG.
#
#   KUBECTL_LOG=FILE bench/pod-kill-kubectl.sh NAMESPACE
#
# Steps: namespace and StatefulSet up; rollout status; a marker on each
# volume and each pod's hostname (exec); force-delete web-1; wait until the
# StatefulSet is rolled out and every pod Ready again; the same claims (UIDs)
# and the markers read back; the namespace deleted and waited for.
set -euo pipefail
ns="$1"
log="${KUBECTL_LOG:?KUBECTL_LOG must name the log file}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
# Each call is headed "## kubectl ARGS" in the log, so requests can be told apart by command.
k() { echo "## kubectl $*" >>"$log"; kubectl -v=6 "$@" 2>>"$log"; }

k create namespace "$ns" >/dev/null
k -n "$ns" apply -f "$repo/scenarios/manifests/web.yaml" >/dev/null
k -n "$ns" rollout status statefulset/web --timeout=180s >/dev/null
before="$(k -n "$ns" get pvc -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.uid} {end}')"
for i in 0 1 2; do
  k -n "$ns" exec "web-$i" -- sh -c "echo bench > /data/.bench-marker" >/dev/null
  [[ "$(k -n "$ns" exec "web-$i" -- hostname)" == "web-$i" ]] || { echo "web-$i: wrong hostname" >&2; exit 1; }
done
k -n "$ns" delete pod web-1 --grace-period=0 --force >/dev/null 2>&1
k -n "$ns" wait --for=condition=Ready pod/web-1 --timeout=180s >/dev/null
k -n "$ns" rollout status statefulset/web --timeout=180s >/dev/null
k -n "$ns" wait --for=condition=Ready pod --all --timeout=180s >/dev/null
after="$(k -n "$ns" get pvc -o jsonpath='{range .items[*]}{.metadata.name}={.metadata.uid} {end}')"
[[ "$before" == "$after" ]] || { echo "claims changed: $before -> $after" >&2; exit 1; }
for i in 0 1 2; do
  [[ "$(k -n "$ns" exec "web-$i" -- cat /data/.bench-marker)" == bench ]] || { echo "web-$i: marker lost" >&2; exit 1; }
  [[ "$(k -n "$ns" exec "web-$i" -- hostname)" == "web-$i" ]] || { echo "web-$i: wrong hostname" >&2; exit 1; }
done
k delete namespace "$ns" --wait=true --timeout=180s >/dev/null
