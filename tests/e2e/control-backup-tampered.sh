#!/usr/bin/env bash
# Negative control for backup-restore: after the backup's manifest is written,
# one file is removed from web-1's archive (while the drill pauses). The drill
# must fail (exit 1) with the restore verification naming exactly that file;
# the restore itself warns that the archive no longer matches its manifest.
source "$(dirname "$0")/lib.sh"

drill="$E2E_REPO/tests/e2e/drills/backup-tampered.yaml"
ns="$(e2e_ns kdrill-control-backup)"
mkdir -p "$E2E_OUT/control"
start_kdrill "$E2E_OUT/control.out" run "$drill" -n "$ns" --junit "$E2E_OUT/control/junit.xml" --json "$E2E_OUT/control/report.json"

# Wait for the manifest (written last, when the backup is whole).
manifest=""
for _ in $(seq 1 240); do
  manifest=$(ls "$E2E_OUT"/control/backups/*/backup/manifest.json 2>/dev/null | head -1)
  [[ -n "$manifest" ]] && break
  kill -0 "$KDRILL_BG" 2>/dev/null || break
  sleep 0.5
done
removed=""
if [[ -z "$manifest" ]]; then
  fail "no backup manifest appeared under $E2E_OUT/control/backups"
else
  dir=$(dirname "$manifest")
  archive="$dir/data-web-1.tar"
  removed=$(tar -tf "$archive" | grep -E 'kdrill-backup-[^/]+/file-2$' | head -1)
  removed="${removed#./}"
  if [[ -z "$removed" ]]; then
    fail "the archive $archive does not hold the seeded file-2"
  elif grep -q "\"$removed\"" "$manifest"; then
    work="$E2E_OUT/tamper"
    mkdir -p "$work"
    tar -C "$work" -xf "$archive" && rm -f "$work/$removed" && tar -C "$work" -cf "$archive.new" . && mv "$archive.new" "$archive"
    if tar -tf "$archive" | grep -q "$removed\$"; then fail "could not remove $removed from $archive"; else pass "removed $removed from $archive after its manifest was written"; fi
  else
    fail "the manifest does not list $removed"
  fi
fi
wait_kdrill
e2e_log "kdrill run $drill -n $ns -> exit $RC (output: $E2E_OUT/control.out)"
expect_rc 1 "the tampered backup must fail the drill" control
expect_junit_valid "$E2E_OUT/control/junit.xml"
expect_case "$E2E_OUT/control/report.json" 'restore verified' failed
msg=$(xmllint --xpath 'string(//testcase[@name="restore verified"]/failure/@message)' "$E2E_OUT/control/junit.xml")
if [[ -n "$removed" && "$msg" == *"web-1 (claim data-web-1): 1 file(s) of the backup missing after the restore: $removed"* ]]; then
  pass "the failure names the removed file: $removed"
else
  fail "the failure does not name the removed file ($removed): $msg"
fi
if [[ "$msg" != *"web-0 (claim"* && "$msg" != *"web-2 (claim"* ]]; then pass "the untouched claims verified"; else fail "other claims failed too: $msg"; fi
expect_grep "WARNING: data-web-1: archive .* no longer matches the manifest .*missing from the archive: $removed" "$E2E_OUT/control.out" "the restore warned about the archive"
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
