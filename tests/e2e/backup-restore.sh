#!/usr/bin/env bash
# Backup and restore drills on the lab: exec-tar (pods and claims), CSI
# VolumeSnapshots (pods and claims) and exec-tar after the whole namespace is
# deleted. Each must pass with a "restore verified" testcase in schema-valid
# JUnit, keep its backup (manifest, archives) under the report directory,
# report sizes and durations, and leave the cluster clean: namespace gone, no
# VolumeSnapshot or VolumeSnapshotContent of kdrill, no restore helper pod,
# no claim or volume of the drill left.
source "$(dirname "$0")/lib.sh"

verified_passed() {
  local xml="$1" what="$2"
  local n
  n=$(xmllint --xpath 'count(//testcase[@name="restore verified"][not(failure) and not(error) and not(skipped)])' "$xml" 2>/dev/null)
  if [[ "$n" == 1 ]]; then pass "$what: JUnit has a passing \"restore verified\" testcase"; else fail "$what: no passing \"restore verified\" testcase in $xml"; fi
}

# The volumes of a deleted namespace go asynchronously (reclaimPolicy Delete).
expect_no_pvs_of() {
  local ns="$1" left=""
  for _ in $(seq 1 60); do
    left=$(kubectl get pv -o jsonpath='{range .items[*]}{.spec.claimRef.namespace}{" "}{.metadata.name}{"\n"}{end}' | awk -v ns="$ns" '$1 == ns { print $2 }')
    [[ -z "$left" ]] && break
    sleep 1
  done
  if [[ -z "$left" ]]; then pass "no volume of $ns is left"; else fail "volumes of $ns still exist: $left"; fi
}

report_figures() {
  local out="$1"
  grep -E '^\[ *[0-9.]+s\]   (backup "[^"]+" \(|restored backup ")' "$out" | sed 's/^/e2e: measured: /'
}

exec_tar_ns="$(e2e_ns kdrill-backup)"
snapshot_ns="$(e2e_ns kdrill-backup-snap)"
namespace_ns="$(e2e_ns kdrill-backup-ns)"
# kdrill writes reports only into directories that exist.
mkdir -p "$E2E_OUT/exec-tar" "$E2E_OUT/snapshot" "$E2E_OUT/namespace"

# 1. exec-tar, pods and claims.
run_kdrill exec-tar run "$E2E_REPO/scenarios/backup-restore.yaml" -n "$exec_tar_ns" --junit "$E2E_OUT/exec-tar/junit.xml" --json "$E2E_OUT/exec-tar/report.json"
expect_rc 0 "backup-restore (exec-tar)" exec-tar
expect_junit_valid "$E2E_OUT/exec-tar/junit.xml"
verified_passed "$E2E_OUT/exec-tar/junit.xml" "exec-tar"
expect_verdict exec-tar 'restore verified' passed
expect_grep 'victims: claims data-web-0, data-web-1, data-web-2 of web -> exec-tar' "$E2E_OUT/exec-tar.out" "exec-tar: the claims are printed before the backup"
expect_grep 'created helper pod kdrill-restore-data-web-1 mounting claim data-web-1' "$E2E_OUT/exec-tar.out" "exec-tar: data restored through a helper pod"
expect_grep 'the [0-9]+ change\(s\) made after the backup are gone' "$E2E_OUT/exec-tar.out" "exec-tar: the change after the backup is gone"
dir=$(ls -d "$E2E_OUT"/exec-tar/backups/backup-restore-*/backup 2>/dev/null | head -1)
if [[ -n "$dir" && -s "$dir/manifest.json" && -s "$dir/data-web-0.tar" && -s "$dir/data-web-1.tar" && -s "$dir/data-web-2.tar" ]]; then
  pass "exec-tar: the backup is kept under the report directory: $dir"
  if tar -tf "$dir/data-web-1.tar" | grep -q 'kdrill-backup-.*/file-7$'; then pass "exec-tar: the archive holds the seeded dataset"; else fail "exec-tar: the seeded dataset is not in $dir/data-web-1.tar"; fi
else
  fail "exec-tar: no backup (manifest and three archives) under $E2E_OUT/exec-tar/backups"
fi
expect_grep 'backup\.bytes' "$E2E_OUT/exec-tar/junit.xml" "exec-tar: the backup size is in the JUnit report"
expect_grep 'restore\.seconds' "$E2E_OUT/exec-tar/junit.xml" "exec-tar: the restore duration is in the JUnit report"
report_figures "$E2E_OUT/exec-tar.out"
expect_namespace_gone "$exec_tar_ns"
expect_no_pvs_of "$exec_tar_ns"

# 2. CSI VolumeSnapshots, pods and claims.
run_kdrill snapshot run "$E2E_REPO/scenarios/backup-restore-snapshot.yaml" -n "$snapshot_ns" --junit "$E2E_OUT/snapshot/junit.xml"
expect_rc 0 "backup-restore-snapshot (volume-snapshot)" snapshot
expect_junit_valid "$E2E_OUT/snapshot/junit.xml"
verified_passed "$E2E_OUT/snapshot/junit.xml" "volume-snapshot"
expect_grep 'VolumeSnapshot data-web-1-backup-restore-snapshot-.* readyToUse after' "$E2E_OUT/snapshot.out" "volume-snapshot: snapshots became readyToUse"
expect_grep 'created claim data-web-1 \([0-9]+Mi, from VolumeSnapshot data-web-1-' "$E2E_OUT/snapshot.out" "volume-snapshot: claims restored from their snapshots"
expect_grep "undo delete VolumeSnapshot $snapshot_ns/data-web-1-.*: deleted" "$E2E_OUT/snapshot.out" "volume-snapshot: the snapshots were deleted at cleanup"
sdir=$(ls -d "$E2E_OUT"/snapshot/backups/backup-restore-snapshot-*/backup 2>/dev/null | head -1)
if [[ -n "$sdir" && -s "$sdir/manifest.json" ]]; then pass "volume-snapshot: manifest kept in $sdir"; else fail "volume-snapshot: no manifest under $E2E_OUT/snapshot/backups"; fi
report_figures "$E2E_OUT/snapshot.out"
expect_namespace_gone "$snapshot_ns"
left=$(kubectl get volumesnapshots -A -l app.kubernetes.io/managed-by=kdrill -o name 2>/dev/null)
if [[ -z "$left" ]]; then pass "no VolumeSnapshot of kdrill is left"; else fail "VolumeSnapshots left: $left"; fi
contents=$(kubectl get volumesnapshotcontents -o jsonpath='{range .items[*]}{.spec.volumeSnapshotRef.namespace}{" "}{.metadata.name}{"\n"}{end}' | awk -v ns="$snapshot_ns" '$1 == ns { print $2 }')
if [[ -z "$contents" ]]; then pass "no VolumeSnapshotContent of the drill is left"; else fail "VolumeSnapshotContents left: $contents"; fi
expect_no_pvs_of "$snapshot_ns"

# 3. exec-tar after the whole namespace is deleted.
run_kdrill namespace run "$E2E_REPO/scenarios/backup-restore-namespace.yaml" -n "$namespace_ns" --junit "$E2E_OUT/namespace/junit.xml"
expect_rc 0 "backup-restore-namespace (exec-tar, namespace deleted)" namespace
expect_junit_valid "$E2E_OUT/namespace/junit.xml"
verified_passed "$E2E_OUT/namespace/junit.xml" "namespace"
expect_grep "namespace $namespace_ns is gone" "$E2E_OUT/namespace.out" "namespace: the namespace was deleted"
expect_grep 'recreated StatefulSet web' "$E2E_OUT/namespace.out" "namespace: the StatefulSet was recreated from the backup"
report_figures "$E2E_OUT/namespace.out"
expect_namespace_gone "$namespace_ns"
expect_no_pvs_of "$namespace_ns"

helpers=$(kubectl get pods -A -l kdrill.io/role=restore-helper -o name 2>/dev/null)
if [[ -z "$helpers" ]]; then pass "no restore helper pod is left"; else fail "restore helper pods left: $helpers"; fi
expect_no_pending_journal
e2e_finish
