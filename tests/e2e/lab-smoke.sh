#!/usr/bin/env bash
# Lab smoke test: checks that the lab cluster (lab/lab up) gives a
# StatefulSet what a real cluster gives it. Fails loudly with what was
# expected and what was seen; prints the measured latencies.
#
#   1. a 3-replica OrderedReady StatefulSet on lab-shared comes up in ordinal order
#   2. kubectl exec writes and reads a file on a volume
#   3. a deleted pod comes back with the same PVC (UID) and the file intact
#   4. filling a volume hits ENOSPC and the node stays Ready
#   5. a PVC resize completes (PV capacity, PVC status.capacity, df in the pod);
#      a lab-fixed claim refuses to grow
#   6. a pod on lab-shared drained off its node moves to the other node with
#      the same PV; a pod on lab-local stays Pending (volume node affinity
#      conflict) until its node is uncordoned
#   7. DNS resolves web-0.web.<ns>.svc.cluster.local from another pod
#   8. only with LAB_SMOKE_DOWN=1: lab/lab down leaves no lab process, mount,
#      loop device, network device, veth, shim socket, netns, iptables chain or cgroup
#      (tests/e2e/lab-clean-lib.sh); then lab/lab up again
#
# Needs: lab/lab up done (the e2e runner does it). Namespace: $LAB_SMOKE_NS
# (default lab-smoke-<6 random hex digits>), deleted at the end unless
# LAB_SMOKE_KEEP=1. kubectl and lab/lab run bounded (tests/e2e/timeouts.sh).
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lab="$repo/lab/lab"
E2E_TIMEOUTS="$(mktemp "${TMPDIR:-/tmp}/lab-smoke-timeouts.XXXXXX")"
source "$repo/tests/e2e/timeouts.sh"
source "$repo/tests/e2e/lab-clean-lib.sh"
lab_env="$(lab_bounded "$lab" env)" && [ -n "$lab_env" ] ||
  { echo "FAIL: lab/lab env did not work" >&2; rm -f "$E2E_TIMEOUTS"; exit 1; }
eval "$lab_env"
NS="${LAB_SMOKE_NS:-lab-smoke-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')}"
IMAGE="localhost/busybox:lab"
CORDONED=""

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
log() { echo "lab-smoke: $*"; }
step() { echo; echo "== $*"; }
k() { kubectl -n "$NS" "$@"; }

diagnose() {
  echo "---- diagnostics ----" >&2
  kubectl get nodes -o wide >&2 2>&1
  k get statefulsets,pods,pvc -o wide >&2 2>&1
  kubectl get pv >&2 2>&1
  k get events --sort-by=.lastTimestamp 2>&1 | tail -25 >&2
  echo "---------------------" >&2
}

fail() {
  echo "FAIL: $*" >&2
  diagnose
  exit 1
}

# wait_until SECONDS WHAT CMD...: runs CMD every second until it succeeds.
wait_until() {
  local timeout="$1" what="$2"
  shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      fail "timed out after ${timeout}s waiting for: $what (last output: $("$@" 2>&1 | tail -3))"
    fi
    sleep 1
  done
}

cleanup() {
  local rc=$?
  for n in $CORDONED; do kubectl uncordon "$n" >/dev/null 2>&1; done
  if [ "${LAB_SMOKE_KEEP:-0}" != 1 ]; then
    kubectl delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1
  fi
  rm -f "$E2E_TIMEOUTS"
  exit $rc
}
trap cleanup EXIT

jp() { k get "$1" -o jsonpath="$2" 2>/dev/null; }
pod_ready() { [ "$(jp "pod/$1" '{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
node_of() { jp "pod/$1" '{.spec.nodeName}'; }
node_ready() { [ "$(kubectl get node "$1" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
to_epoch() { date -d "$1" +%s; }
other_node() {
  kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | grep -vx "$1" | head -1
}

# ---------------------------------------------------------------- 0. cluster
step "0. cluster: nodes Ready, default StorageClass"
nodes=$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}')
[ "$(echo "$nodes" | grep -c .)" -ge 2 ] || fail "expected 2 nodes, saw: $nodes"
for n in $nodes; do node_ready "$n" || fail "node $n is not Ready"; done
default_sc=$(kubectl get storageclass -o jsonpath='{range .items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")]}{.metadata.name}{end}')
[ "$default_sc" = lab-shared ] || fail "expected default StorageClass lab-shared, saw '$default_sc'"
if kubectl get namespace "$NS" >/dev/null 2>&1; then
  log "namespace $NS exists from an earlier run; deleting it"
  kubectl delete namespace "$NS" --timeout=120s >/dev/null || fail "could not delete the old namespace $NS"
fi
kubectl create namespace "$NS" >/dev/null || fail "cannot create namespace $NS"
log "nodes: $(echo $nodes)"

# ---------------------------------------------------------------- 1. StatefulSet
step "1. 3-replica OrderedReady StatefulSet on lab-shared comes up in ordinal order"
t_sts=$(now)
k apply -f - >/dev/null <<EOF || fail "cannot apply the StatefulSet"
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector:
    app: lab-smoke-web
  ports:
  - name: tcp
    port: 8080
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 3
  podManagementPolicy: OrderedReady
  selector:
    matchLabels:
      app: lab-smoke-web
  template:
    metadata:
      labels:
        app: lab-smoke-web
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: main
        image: $IMAGE
        imagePullPolicy: Never
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
        readinessProbe:
          exec:
            command: ["test", "-w", "/data"]
          periodSeconds: 1
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      storageClassName: lab-shared
      resources:
        requests:
          storage: 64Mi
EOF
sts_ready() { [ "$(jp statefulset/web '{.status.readyReplicas}')" = 3 ]; }
wait_until 240 "StatefulSet web with 3 ready replicas" sts_ready
log "3 replicas Ready $(elapsed "$t_sts") after apply"
prev_ready=""
for i in 0 1 2; do
  created=$(jp "pod/web-$i" '{.metadata.creationTimestamp}')
  ready=$(jp "pod/web-$i" '{.status.conditions[?(@.type=="Ready")].lastTransitionTime}')
  [ -n "$created" ] && [ -n "$ready" ] || fail "web-$i: no creation/Ready time (created '$created', ready '$ready')"
  log "web-$i created $created, Ready $ready, node $(node_of "web-$i"), claim $(jp "pvc/data-web-$i" '{.spec.volumeName}')"
  if [ -n "$prev_ready" ] && [ "$(to_epoch "$created")" -lt "$(to_epoch "$prev_ready")" ]; then
    fail "ordering: web-$i was created at $created, before web-$((i - 1)) was Ready at $prev_ready (OrderedReady expects creation after the predecessor is Ready)"
  fi
  prev_ready="$ready"
done
# Claim provisioning latency: PV creation minus PVC creation (1 s resolution).
for i in 0 1 2; do
  pv=$(jp "pvc/data-web-$i" '{.spec.volumeName}')
  [ -n "$pv" ] || fail "claim data-web-$i is not bound"
  [ "$(kubectl get pv "$pv" -o jsonpath='{.spec.csi.driver}')" = lab.kdrill.io ] || fail "PV $pv of data-web-$i is not from lab.kdrill.io"
  pvc_t=$(to_epoch "$(jp "pvc/data-web-$i" '{.metadata.creationTimestamp}')")
  pv_t=$(to_epoch "$(kubectl get pv "$pv" -o jsonpath='{.metadata.creationTimestamp}')")
  log "data-web-$i bound to $pv, PV created $((pv_t - pvc_t))s after the claim"
done

# ---------------------------------------------------------------- 2. exec
step "2. kubectl exec writes and reads a file on a volume"
token="lab-smoke-$(date +%s)-$$"
k exec web-0 -- sh -c "echo $token > /data/marker && sync" || fail "writing /data/marker in web-0 failed"
got=$(k exec web-0 -- cat /data/marker) || fail "reading /data/marker in web-0 failed"
[ "$got" = "$token" ] || fail "web-0:/data/marker: expected '$token', read '$got'"
log "web-0:/data/marker = $got"

# ---------------------------------------------------------------- 3. delete pod
step "3. a deleted pod comes back with the same PVC and the file intact"
pvc_uid=$(jp pvc/data-web-0 '{.metadata.uid}')
pv_before=$(jp pvc/data-web-0 '{.spec.volumeName}')
pod_uid=$(jp pod/web-0 '{.metadata.uid}')
t_del=$(now)
k delete pod web-0 --wait=false >/dev/null || fail "cannot delete pod web-0"
new_web0_ready() { [ "$(jp pod/web-0 '{.metadata.uid}')" != "$pod_uid" ] && pod_ready web-0; }
wait_until 180 "web-0 recreated (new UID) and Ready" new_web0_ready
log "web-0 back and Ready $(elapsed "$t_del") after the delete, on node $(node_of web-0)"
claim=$(jp pod/web-0 '{.spec.volumes[?(@.name=="data")].persistentVolumeClaim.claimName}')
[ "$claim" = data-web-0 ] || fail "new web-0 mounts claim '$claim', expected data-web-0"
[ "$(jp pvc/data-web-0 '{.metadata.uid}')" = "$pvc_uid" ] || fail "PVC data-web-0 UID changed: expected $pvc_uid, saw $(jp pvc/data-web-0 '{.metadata.uid}')"
[ "$(jp pvc/data-web-0 '{.spec.volumeName}')" = "$pv_before" ] || fail "PVC data-web-0 bound to a different PV: expected $pv_before"
got=$(k exec web-0 -- cat /data/marker) || fail "reading /data/marker in the new web-0 failed"
[ "$got" = "$token" ] || fail "after the restart web-0:/data/marker: expected '$token', read '$got'"
log "same PVC UID $pvc_uid, same PV $pv_before, marker intact"

# ---------------------------------------------------------------- 4. ENOSPC
step "4. filling a volume hits ENOSPC; the node stays Ready"
node1=$(node_of web-1)
out=$(k exec web-1 -- dd if=/dev/zero of=/data/fill bs=1M count=256 2>&1)
rc=$?
[ $rc -ne 0 ] || fail "dd of 256 MiB into a 64Mi volume succeeded (expected No space left on device); output: $out"
[[ "$out" == *"No space left on device"* ]] || fail "dd failed without ENOSPC: expected 'No space left on device', saw: $out"
log "dd: $(echo "$out" | grep -m1 'No space left')"
log "df in web-1 when full: $(k exec web-1 -- df -kP /data | tail -1)"
k exec web-1 -- rm -f /data/fill || fail "cannot remove /data/fill"
node_ready "$node1" || fail "node $node1 is not Ready after the volume filled up"
sleep 2
node_ready "$node1" || fail "node $node1 turned NotReady after the volume filled up"
k exec web-1 -- sh -c 'echo ok > /data/after-full && cat /data/after-full' >/dev/null || fail "web-1 cannot write after freeing the volume"
log "node $node1 Ready; the volume writable again"

# ---------------------------------------------------------------- 5. resize
step "5. a PVC resize completes (PV capacity, PVC status.capacity, df in the pod)"
df_kb() { k exec "$1" -- df -kP /data | awk 'NR == 2 { print $2 }'; }
before_kb=$(df_kb web-2)
pv2=$(jp pvc/data-web-2 '{.spec.volumeName}')
t_rs=$(now)
k patch pvc data-web-2 --type merge -p '{"spec":{"resources":{"requests":{"storage":"128Mi"}}}}' >/dev/null || fail "cannot patch data-web-2 to 128Mi"
pv_grown() { [ "$(kubectl get pv "$pv2" -o jsonpath='{.spec.capacity.storage}')" = 128Mi ]; }
wait_until 120 "PV $pv2 spec.capacity = 128Mi" pv_grown
log "PV capacity 128Mi $(elapsed "$t_rs") after the patch"
pvc_grown() {
  [ "$(jp pvc/data-web-2 '{.status.capacity.storage}')" = 128Mi ] && [ -z "$(jp pvc/data-web-2 '{.status.conditions}')" ]
}
wait_until 240 "PVC data-web-2 status.capacity = 128Mi with no conditions left (kubelet NodeExpandVolume)" pvc_grown
log "PVC status.capacity 128Mi, no conditions, $(elapsed "$t_rs") after the patch"
after_kb=$(df_kb web-2)
[ -n "$before_kb" ] && [ -n "$after_kb" ] || fail "cannot read df in web-2 (before '$before_kb', after '$after_kb')"
[ "$after_kb" -ge $(( before_kb + 50000 )) ] || fail "df in web-2: expected about 64 MiB more than $before_kb KiB, saw $after_kb KiB"
log "df /data in web-2: $before_kb KiB -> $after_kb KiB"

k apply -f - >/dev/null <<EOF || fail "cannot create the lab-fixed claim"
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: fixed
spec:
  accessModes: ["ReadWriteOnce"]
  storageClassName: lab-fixed
  resources:
    requests:
      storage: 32Mi
EOF
t_fx=$(now)
fixed_bound() { [ "$(jp pvc/fixed '{.status.phase}')" = Bound ]; }
wait_until 60 "claim fixed (lab-fixed, Immediate) Bound" fixed_bound
log "lab-fixed claim Bound $(elapsed "$t_fx") after create"
if out=$(k patch pvc fixed --type merge -p '{"spec":{"resources":{"requests":{"storage":"64Mi"}}}}' 2>&1); then
  fail "resizing a lab-fixed claim was accepted (allowVolumeExpansion: false expected a refusal): $out"
fi
log "lab-fixed resize refused: $(echo "$out" | tail -1 | cut -c1-160)"

# ---------------------------------------------------------------- 6. drain
step "6. a lab-shared pod drained off its node moves to the other node with the same PV"
from=$(node_of web-0)
to=$(other_node "$from")
[ -n "$to" ] || fail "no second node to drain to"
pv0=$(jp pvc/data-web-0 '{.spec.volumeName}')
uid0=$(jp pod/web-0 '{.metadata.uid}')
CORDONED="$CORDONED $from"
t_dr=$(now)
kubectl drain "$from" --ignore-daemonsets --delete-emptydir-data --pod-selector=app=lab-smoke-web --timeout=120s >/dev/null 2>&1 ||
  fail "kubectl drain $from failed"
log "drain of $from returned after $(elapsed "$t_dr")"
moved() { [ "$(jp pod/web-0 '{.metadata.uid}')" != "$uid0" ] && [ "$(node_of web-0)" = "$to" ] && pod_ready web-0; }
wait_until 180 "web-0 Ready on node $to" moved
log "web-0 Ready on $to $(elapsed "$t_dr") after the drain started"
[ "$(jp pvc/data-web-0 '{.spec.volumeName}')" = "$pv0" ] || fail "web-0 moved but data-web-0 is bound to $(jp pvc/data-web-0 '{.spec.volumeName}'), expected $pv0"
got=$(k exec web-0 -- cat /data/marker) || fail "reading /data/marker on $to failed"
[ "$got" = "$token" ] || fail "after the move web-0:/data/marker: expected '$token', read '$got'"
log "same PV $pv0 on $to, marker intact"
kubectl uncordon "$from" >/dev/null || fail "cannot uncordon $from"
CORDONED=""
sts_ready_again() { sts_ready && [ "$(jp statefulset/web '{.status.currentReplicas}')" = 3 ]; }
wait_until 180 "StatefulSet web back to 3 ready replicas" sts_ready_again

step "6b. a lab-local pod stays Pending off its node (volume node affinity conflict)"
k apply -f - >/dev/null <<EOF || fail "cannot apply the lab-local StatefulSet"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: local
spec:
  serviceName: web
  replicas: 1
  selector:
    matchLabels:
      app: lab-smoke-local
  template:
    metadata:
      labels:
        app: lab-smoke-local
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: main
        image: $IMAGE
        imagePullPolicy: Never
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
        volumeMounts:
        - name: data
          mountPath: /data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      storageClassName: lab-local
      resources:
        requests:
          storage: 32Mi
EOF
t_lo=$(now)
wait_until 120 "local-0 Ready" pod_ready local-0
lnode=$(node_of local-0)
lpv=$(jp pvc/data-local-0 '{.spec.volumeName}')
affinity=$(kubectl get pv "$lpv" -o jsonpath='{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].key}={.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}')
[ "$affinity" = "lab.kdrill.io/node=$lnode" ] || fail "lab-local PV $lpv: expected nodeAffinity lab.kdrill.io/node=$lnode, saw '$affinity'"
log "local-0 Ready on $lnode $(elapsed "$t_lo") after apply (WaitForFirstConsumer); PV pinned: $affinity"
luid=$(jp pod/local-0 '{.metadata.uid}')
CORDONED="$lnode"
kubectl cordon "$lnode" >/dev/null || fail "cannot cordon $lnode"
k delete pod local-0 --wait=false >/dev/null
pending_conflict() {
  [ "$(jp pod/local-0 '{.metadata.uid}')" != "$luid" ] &&
    [ "$(jp pod/local-0 '{.status.phase}')" = Pending ] &&
    [[ "$(jp pod/local-0 '{.status.conditions[?(@.type=="PodScheduled")].message}')" =~ $conflict_re ]]
}
# The scheduler's wording: 1.34 "didn't match PersistentVolume's node
# affinity"; older releases "had volume node affinity conflict".
conflict_re="didn't match PersistentVolume's node affinity|volume node affinity conflict"
wait_until 90 "new local-0 Pending, unschedulable with a volume node affinity conflict" pending_conflict
log "local-0 Pending: $(jp pod/local-0 '{.status.conditions[?(@.type=="PodScheduled")].message}')"
kubectl uncordon "$lnode" >/dev/null || fail "cannot uncordon $lnode"
CORDONED=""
t_un=$(now)
back_local() { pod_ready local-0 && [ "$(node_of local-0)" = "$lnode" ]; }
wait_until 120 "local-0 Ready again on $lnode after uncordon" back_local
log "local-0 Ready on $lnode again $(elapsed "$t_un") after uncordon"

# ---------------------------------------------------------------- 7. DNS
step "7. DNS resolves web-0.web.$NS.svc.cluster.local from another pod"
want_ip=$(jp pod/web-0 '{.status.podIP}')
name="web-0.web.$NS.svc.cluster.local"
dns_ok() {
  # busybox nslookup also asks for AAAA and may exit non-zero for that alone.
  local out
  out=$(k exec web-1 -- nslookup "$name" 2>/dev/null || true)
  awk '/^Name:/ { seen = 1 } seen && /^Address/ { print $NF }' <<<"$out" | grep -x -- "$want_ip" >/dev/null
}
wait_until 60 "$name resolving to web-0's IP $want_ip from web-1" dns_ok
log "$name -> $want_ip (from web-1)"

# ---------------------------------------------------------------- cleanup
step "cleanup: namespace $NS and its volumes"
pvs=$(kubectl get pv -o jsonpath="{range .items[?(@.spec.claimRef.namespace==\"$NS\")]}{.metadata.name}{\"\\n\"}{end}")
if [ "${LAB_SMOKE_KEEP:-0}" = 1 ]; then
  log "LAB_SMOKE_KEEP=1: keeping namespace $NS"
else
  t_ns=$(now)
  kubectl delete namespace "$NS" --timeout=180s >/dev/null || fail "deleting namespace $NS did not finish in 180s"
  pvs_gone() { for pv in $pvs; do kubectl get pv "$pv" >/dev/null 2>&1 && return 1; done; return 0; }
  wait_until 120 "the namespace's PVs deleted by the provisioner (reclaimPolicy Delete): $(echo $pvs)" pvs_gone
  log "namespace and $(echo "$pvs" | grep -c .) PVs gone $(elapsed "$t_ns") after the delete"
fi

# ---------------------------------------------------------------- 8. down/up
if [ "${LAB_SMOKE_DOWN:-0}" = 1 ]; then
  step "8. lab/lab down leaves nothing behind; lab/lab up again"
  eval "$(lab_bounded "$lab" paths | sed 's/^/LAB_/')"
  lab_clean_before "$LAB_STATE_DIR"
  t_down=$(now)
  lab_bounded "$lab" down || fail "lab/lab down failed"
  log "down took $(elapsed "$t_down")"
  left=$(lab_clean_leftovers "$LAB_STATE_DIR" "$LAB_BIN_DIR")
  [ -z "$left" ] || fail "left after down:"$'\n'"$left"
  log "no lab process, mount, loop device, network device, veth, shim socket, netns, iptables chain or cgroup left"
  t_up=$(now)
  lab_bounded "$lab" up >/dev/null || fail "lab/lab up after down failed"
  log "up again in $(elapsed "$t_up")"
  for n in $(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}'); do
    node_ready "$n" || fail "node $n not Ready after up"
  done
fi

timed_out="$(e2e_timeouts)"
[ -z "$timed_out" ] || fail "command(s) timed out: $timed_out"
echo
log "PASS"
