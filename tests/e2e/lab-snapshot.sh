#!/usr/bin/env bash
# Lab VolumeSnapshot test: snapshot.storage.k8s.io/v1 on the lab's CSI driver
# (snapshot-controller + csi-snapshotter + lab-csi-driver), end to end.
#
#   0. the three v1 CRDs are Established; VolumeSnapshotClass lab-snapshots is
#      the default class of lab.kdrill.io with deletionPolicy Delete
#   1. a pod writes a file on a lab-shared PVC
#   2. a VolumeSnapshot naming no class gets lab-snapshots, becomes
#      readyToUse with restoreSize = the claim's size; the driver's snapshot
#      image exists under <state>/csi/snapshots
#   3. the file is changed after the snapshot
#   4. restores: a claim smaller than restoreSize is refused (stays Pending with
#      the provisioner's size error); a claim of exactly restoreSize and a
#      bigger one bind, and a second pod on the other node reads the
#      snapshot-time content from both (the bigger one has the bigger filesystem)
#   5. deleting the VolumeSnapshot deletes its VolumeSnapshotContent and the
#      snapshot image; the restored claim keeps its data
#   6. deleting the namespace deletes the claims' PVs (reclaimPolicy Delete)
#
# Needs: lab/lab up done. Namespace: $LAB_SNAPSHOT_NS (default
# lab-snapshot-<6 random hex digits>), deleted at the end (trap) unless
# LAB_SNAPSHOT_KEEP=1. kubectl and lab/lab run bounded (tests/e2e/timeouts.sh).
set -uo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
lab="$repo/lab/lab"
E2E_TIMEOUTS="$(mktemp "${TMPDIR:-/tmp}/lab-snapshot-timeouts.XXXXXX")"
source "$repo/tests/e2e/timeouts.sh"
lab_env="$(lab_bounded "$lab" env)" && [ -n "$lab_env" ] ||
  { echo "FAIL: lab/lab env did not work" >&2; rm -f "$E2E_TIMEOUTS"; exit 1; }
eval "$lab_env"
lab_paths="$(lab_bounded "$lab" paths)" && [ -n "$lab_paths" ] ||
  { echo "FAIL: lab/lab paths did not work" >&2; rm -f "$E2E_TIMEOUTS"; exit 1; }
eval "$(sed 's/^/LAB_/' <<<"$lab_paths")"
NS="${LAB_SNAPSHOT_NS:-lab-snapshot-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')}"
IMAGE="localhost/busybox:lab"
SNAPDIR="$LAB_CSI_DIR/snapshots"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
log() { echo "lab-snapshot: $*"; }
step() { echo; echo "== $*"; }
k() { kubectl -n "$NS" "$@"; }

diagnose() {
  echo "---- diagnostics ----" >&2
  k get pods,pvc,volumesnapshots -o wide >&2 2>&1
  kubectl get volumesnapshotcontents,pv >&2 2>&1
  k get events --sort-by=.lastTimestamp 2>&1 | tail -25 >&2
  for c in snapshot-controller csi-snapshotter csi-provisioner csi-controller; do
    echo "-- $LAB_LOG_DIR/$c.log" >&2
    tail -8 "$LAB_LOG_DIR/$c.log" >&2 2>/dev/null
  done
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
  if [ "${LAB_SNAPSHOT_KEEP:-0}" != 1 ]; then
    kubectl delete namespace "$NS" --ignore-not-found --wait=false >/dev/null 2>&1
  fi
  rm -f "$E2E_TIMEOUTS"
  exit $rc
}
trap cleanup EXIT

jp() { k get "$1" -o jsonpath="$2" 2>/dev/null; }
pod_ready() { [ "$(jp "pod/$1" '{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
node_of() { jp "pod/$1" '{.spec.nodeName}'; }
other_node() {
  kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | grep -vx "$1" | head -1
}
bytes_of() { # a Kubernetes quantity (Ki/Mi/Gi or plain bytes) in bytes
  case "$1" in
    *Ki) echo $(( ${1%Ki} * 1024 )) ;;
    *Mi) echo $(( ${1%Mi} * 1024 * 1024 )) ;;
    *Gi) echo $(( ${1%Gi} * 1024 * 1024 * 1024 )) ;;
    *[0-9]) echo "$1" ;;
    *) echo "unparsed:$1" ;;
  esac
}

# claim NAME SIZE [SNAPSHOT]: a lab-shared PVC, restored from SNAPSHOT if given.
claim() {
  local source=""
  if [ -n "${3:-}" ]; then
    source="  dataSource:
    apiGroup: snapshot.storage.k8s.io
    kind: VolumeSnapshot
    name: $3"
  fi
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: $1
spec:
  accessModes: ["ReadWriteOnce"]
  storageClassName: lab-shared
  resources:
    requests:
      storage: $2
$source
EOF
}

# pod NAME NODE CLAIM...: a busybox pod on NODE mounting each CLAIM at /<CLAIM>.
pod() {
  local name="$1" node="$2" mounts="" vols=""
  shift 2
  for c in "$@"; do
    mounts="$mounts
    - name: $c
      mountPath: /$c"
    vols="$vols
  - name: $c
    persistentVolumeClaim:
      claimName: $c"
  done
  k apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $name
spec:
  terminationGracePeriodSeconds: 1
  nodeSelector:
    kubernetes.io/hostname: "$node"
  containers:
  - name: main
    image: $IMAGE
    imagePullPolicy: Never
    command: ["sleep", "3600"]
    volumeMounts:$mounts
  volumes:$vols
EOF
}

# ---------------------------------------------------------------- 0. APIs
step "0. VolumeSnapshot CRDs Established; class lab-snapshots is the driver's default"
for crd in volumesnapshotclasses volumesnapshotcontents volumesnapshots; do
  st=$(kubectl get crd "$crd.snapshot.storage.k8s.io" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>&1)
  [ "$st" = True ] || fail "CRD $crd.snapshot.storage.k8s.io not Established: $st"
  served=$(kubectl get crd "$crd.snapshot.storage.k8s.io" -o jsonpath='{.spec.versions[?(@.name=="v1")].served}')
  [ "$served" = true ] || fail "CRD $crd.snapshot.storage.k8s.io does not serve v1"
done
cls=$(kubectl get volumesnapshotclass lab-snapshots -o jsonpath='{.driver} {.deletionPolicy} {.metadata.annotations.snapshot\.storage\.kubernetes\.io/is-default-class}' 2>&1)
[ "$cls" = "lab.kdrill.io Delete true" ] || fail "VolumeSnapshotClass lab-snapshots: expected 'lab.kdrill.io Delete true' (driver, deletionPolicy, default), saw '$cls'"
log "CRDs v1 Established; lab-snapshots: $cls"
if kubectl get namespace "$NS" >/dev/null 2>&1; then
  log "namespace $NS exists from an earlier run; deleting it"
  kubectl delete namespace "$NS" --timeout=120s >/dev/null || fail "could not delete the old namespace $NS"
fi
kubectl create namespace "$NS" >/dev/null || fail "cannot create namespace $NS"

# ---------------------------------------------------------------- 1. write
step "1. a pod writes a file on a lab-shared claim"
t0=$(now)
claim src 64Mi || fail "cannot create claim src"
node_a=$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')
pod writer "$node_a" src || fail "cannot create pod writer"
wait_until 120 "pod writer Ready" pod_ready writer
token="snapshot-time-$(date +%s)-$$"
k exec writer -- sh -c "echo $token > /src/marker && sync" || fail "writing /src/marker failed"
log "writer Ready on $(node_of writer) $(elapsed "$t0") after create; /src/marker = $token"

# ---------------------------------------------------------------- 2. snapshot
step "2. a VolumeSnapshot (no class named) becomes readyToUse"
t_snap=$(now)
k apply -f - >/dev/null <<EOF || fail "cannot create the VolumeSnapshot"
apiVersion: snapshot.storage.k8s.io/v1
kind: VolumeSnapshot
metadata:
  name: snap
spec:
  source:
    persistentVolumeClaimName: src
EOF
snap_ready() { [ "$(jp volumesnapshot/snap '{.status.readyToUse}')" = true ]; }
wait_until 120 "VolumeSnapshot snap readyToUse=true" snap_ready
log "snap readyToUse $(elapsed "$t_snap") after create"
[ "$(jp volumesnapshot/snap '{.spec.volumeSnapshotClassName}')" = lab-snapshots ] ||
  fail "snap got class '$(jp volumesnapshot/snap '{.spec.volumeSnapshotClassName}')', expected the default lab-snapshots"
restore_size=$(jp volumesnapshot/snap '{.status.restoreSize}')
[ "$(bytes_of "$restore_size")" = $((64 * 1024 * 1024)) ] || fail "snap restoreSize '$restore_size', expected 64Mi (the claim's size)"
content=$(jp volumesnapshot/snap '{.status.boundVolumeSnapshotContentName}')
[ -n "$content" ] || fail "snap has no bound VolumeSnapshotContent"
handle=$(kubectl get volumesnapshotcontent "$content" -o jsonpath='{.status.snapshotHandle}')
src_pv=$(jp pvc/src '{.spec.volumeName}')
c_info=$(kubectl get volumesnapshotcontent "$content" -o jsonpath='{.spec.driver} {.spec.deletionPolicy} {.spec.source.volumeHandle}')
[ "$c_info" = "lab.kdrill.io Delete $src_pv" ] || fail "content $content: expected 'lab.kdrill.io Delete $src_pv' (driver, policy, source volume), saw '$c_info'"
[ -n "$handle" ] && [ -f "$SNAPDIR/$handle.img" ] && [ -f "$SNAPDIR/$handle.json" ] ||
  fail "snapshot handle '$handle': expected $SNAPDIR/$handle.img and .json"
grep -q "\"volumesnapshot/name\": \"snap\"" "$SNAPDIR/$handle.json" ||
  fail "$SNAPDIR/$handle.json does not name the VolumeSnapshot (csi-snapshotter --extra-create-metadata)"
log "restoreSize $restore_size, content $content, handle $handle ($(du -k "$SNAPDIR/$handle.img" | cut -f1) KiB on disk)"

# ---------------------------------------------------------------- 3. change
step "3. the file changes after the snapshot"
k exec writer -- sh -c "echo changed-after-snapshot > /src/marker && sync" || fail "changing /src/marker failed"
log "/src/marker = $(k exec writer -- cat /src/marker)"

# ---------------------------------------------------------------- 4. restore
step "4. restore: smaller than restoreSize refused; same size and bigger restored on the other node"
t_rs=$(now)
claim small 32Mi snap || fail "cannot create claim small"
claim restored 64Mi snap || fail "cannot create claim restored"
claim bigger 96Mi snap || fail "cannot create claim bigger"
bound() { [ "$(jp "pvc/$1" '{.status.phase}')" = Bound ]; }
wait_until 120 "claim restored Bound" bound restored
wait_until 120 "claim bigger Bound" bound bigger
log "restored and bigger Bound $(elapsed "$t_rs") after create"
for c in restored bigger; do
  pv=$(jp "pvc/$c" '{.spec.volumeName}')
  [ "$(kubectl get pv "$pv" -o jsonpath='{.spec.csi.driver}')" = lab.kdrill.io ] || fail "PV $pv of $c is not from lab.kdrill.io"
done
size_refused() {
  k get events --field-selector involvedObject.name=small,reason=ProvisioningFailed -o jsonpath='{.items[*].message}' |
    grep -q "is less than the size"
}
wait_until 60 "claim small (32Mi < restoreSize) refused by the provisioner" size_refused
[ "$(jp pvc/small '{.status.phase}')" = Pending ] || fail "claim small is $(jp pvc/small '{.status.phase}'), expected Pending"
log "small stays Pending: $(k get events --field-selector involvedObject.name=small,reason=ProvisioningFailed -o jsonpath='{.items[0].message}' | grep -o 'requested volume size.*' | cut -c1-120)"
node_b=$(other_node "$(node_of writer)")
[ -n "$node_b" ] || fail "no second node"
t_rd=$(now)
pod reader "$node_b" restored bigger || fail "cannot create pod reader"
wait_until 120 "pod reader Ready on $node_b" pod_ready reader
log "reader Ready on $(node_of reader) $(elapsed "$t_rd") after create"
for c in restored bigger; do
  got=$(k exec reader -- cat "/$c/marker") || fail "reading /$c/marker in reader failed"
  [ "$got" = "$token" ] || fail "/$c/marker restored from the snapshot: expected the snapshot-time '$token', read '$got'"
done
df_kb() { k exec reader -- df -kP "/$1" | awk 'NR == 2 { print $2 }'; }
r_kb=$(df_kb restored)
b_kb=$(df_kb bigger)
[ -n "$r_kb" ] && [ -n "$b_kb" ] && [ "$b_kb" -ge $(( r_kb + 25000 )) ] ||
  fail "df: bigger ($b_kb KiB) should be about 32 MiB more than restored ($r_kb KiB)"
[ "$(k exec writer -- cat /src/marker)" = changed-after-snapshot ] || fail "the source claim lost its change"
log "restored and bigger hold '$token'; df $r_kb KiB / $b_kb KiB; src keeps its change"

# ---------------------------------------------------------------- 5. delete snapshot
step "5. deleting the VolumeSnapshot deletes its content and the snapshot image"
t_del=$(now)
# A claim still being provisioned from the snapshot keeps it (finalizer
# volumesnapshot-as-source-protection): the refused one goes first.
k delete pvc small --timeout=30s >/dev/null || fail "claim small not deleted within 30s"
k delete volumesnapshot snap --timeout=60s >/dev/null || fail "VolumeSnapshot snap not deleted within 60s"
content_gone() { ! kubectl get volumesnapshotcontent "$content" >/dev/null 2>&1; }
wait_until 60 "VolumeSnapshotContent $content deleted" content_gone
image_gone() { [ ! -e "$SNAPDIR/$handle.img" ] && [ ! -e "$SNAPDIR/$handle.json" ]; }
wait_until 30 "snapshot image $SNAPDIR/$handle.img deleted" image_gone
log "snapshot, content and image gone $(elapsed "$t_del") after the delete"
got=$(k exec reader -- cat /restored/marker) || fail "reading /restored/marker after the snapshot was deleted failed"
[ "$got" = "$token" ] || fail "restored claim changed after the snapshot was deleted: '$got'"
log "restored claim still holds '$token'"

# ---------------------------------------------------------------- 6. cleanup
step "6. cleanup: namespace $NS and its volumes"
pvs=$(kubectl get pv -o jsonpath="{range .items[?(@.spec.claimRef.namespace==\"$NS\")]}{.metadata.name}{\"\\n\"}{end}")
if [ "${LAB_SNAPSHOT_KEEP:-0}" = 1 ]; then
  log "LAB_SNAPSHOT_KEEP=1: keeping namespace $NS"
else
  t_ns=$(now)
  kubectl delete namespace "$NS" --timeout=180s >/dev/null || fail "deleting namespace $NS did not finish in 180s"
  pvs_gone() { for pv in $pvs; do kubectl get pv "$pv" >/dev/null 2>&1 && return 1; done; return 0; }
  wait_until 120 "the namespace's PVs deleted (reclaimPolicy Delete): $(echo $pvs)" pvs_gone
  log "namespace and $(echo "$pvs" | grep -c .) PVs gone $(elapsed "$t_ns") after the delete"
fi

timed_out="$(e2e_timeouts)"
[ -z "$timed_out" ] || fail "command(s) timed out: $timed_out"
echo
log "PASS"
