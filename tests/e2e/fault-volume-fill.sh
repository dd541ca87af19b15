#!/usr/bin/env bash
# volume-fill: the scenario passes (ENOSPC and 90% fills, a pod restarted on a
# full volume keeps identity, claim and data), writes schema-valid JUnit and
# leaves nothing behind; against a target the test owns, the fill files are
# gone afterwards and the volumes' usage is back where it was.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"

drill_ns="$(e2e_ns kdrill-volume-fill)"
run_kdrill volume-fill run "$E2E_REPO/scenarios/volume-fill.yaml" -n "$drill_ns" --junit "$E2E_OUT/volume-fill.xml"
expect_rc 0 "volume-fill drill" volume-fill
expect_junit_valid "$E2E_OUT/volume-fill.xml"
expect_grep 'victims: web-1:/data/\.kdrill-fill-' "$E2E_OUT/volume-fill.out" "the fill file is printed before writing"
expect_grep 'web-1: wrote [0-9]+ bytes .*stopped by ENOSPC' "$E2E_OUT/volume-fill.out" "web-1 was filled until ENOSPC"
expect_grep 'web-2: wrote [0-9]+ bytes .*after: .*\((89|90|91)%\)' "$E2E_OUT/volume-fill.out" "web-2 was filled to 90%"
expect_grep 'undo remove fill file /data/\.kdrill-fill-.* in web-1: restored' "$E2E_OUT/volume-fill.out" "cleanup removed web-1's fill file"
expect_verdict volume-fill 'same-pvc' passed
expect_namespace_gone "$drill_ns"
expect_no_pending_journal

# The effect, read from a target that outlives the drill.
ns="$(e2e_ns kdrill-e2e-fill)"
if make_target "$ns"; then
  before=$(kubectl -n "$ns" exec web-1 -- df -kP /data | awk 'NR == 2 { print $3 }')
  without_setup "$E2E_REPO/scenarios/volume-fill.yaml" "$E2E_OUT/fill-own.yaml"
  run_kdrill fill-own run "$E2E_OUT/fill-own.yaml" -n "$ns"
  expect_rc 0 "volume-fill against the test's own StatefulSet" fill-own
  expect_eq "no .kdrill-fill file is left on any volume" "" "$(fill_files "$ns")"
  after=$(kubectl -n "$ns" exec web-1 -- df -kP /data | awk 'NR == 2 { print $3 }')
  if [[ -n "$before" && -n "$after" && "$after" -le $((before + 1024)) ]]; then
    pass "web-1's volume usage is back ($before KiB before, $after KiB after)"
  else
    fail "web-1's volume usage: $before KiB before, $after KiB after the drill"
  fi
fi
drop_target "$ns"
expect_no_pending_journal
e2e_finish
