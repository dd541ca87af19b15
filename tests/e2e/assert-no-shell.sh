#!/usr/bin/env bash
# The volume-level check of at-most-one-per-ordinal on an image that has no
# shell (drills/no-shell.yaml, the pause image): the writer cannot start, as
# the container runtime reports it through exec, so the verdict passes from
# the API and says the volume was not checked; asked for with volume: true,
# the same is an error. Never a silent pass.
source "$(dirname "$0")/lib.sh"

ns="$(e2e_ns kdrill-noshell)"
run_kdrill noshell run "$E2E_REPO/tests/e2e/drills/no-shell.yaml" -n "$ns" --json "$E2E_OUT/noshell.json"
expect_rc 0 "at-most-one on an image without a shell" noshell
expect_case "$E2E_OUT/noshell.json" at-most-one-per-ordinal passed \
  '^3 pod instance\(s\) seen, never two live pods with one ordinal; the container of bare-[01] cannot run mkdir \(.*executable file not found.*\): the volume was not checked: checked from the API only$'
expect_namespace_gone "$ns"

sed 's/    - type: at-most-one-per-ordinal/    - type: at-most-one-per-ordinal\n      params:\n        volume: true/' \
  "$E2E_REPO/tests/e2e/drills/no-shell.yaml" >"$E2E_OUT/asked.yaml"
# The other checks that write to the volume first journal the removal of what
# they write; when the image cannot even start the writer, nothing was
# written and nothing may be left to undo (exit 1, not 5).
cat >>"$E2E_OUT/asked.yaml" <<'YAML'
    - type: same-pvc
    - type: data-intact
YAML
ns="$(e2e_ns kdrill-noshell-asked)"
run_kdrill asked run "$E2E_OUT/asked.yaml" -n "$ns" --json "$E2E_OUT/asked.json"
expect_rc 1 "volume: true on an image without a shell" asked
expect_case "$E2E_OUT/asked.json" at-most-one-per-ordinal error \
  'could not prepare: the container of bare-[01] cannot run mkdir'
expect_case "$E2E_OUT/asked.json" same-pvc error 'could not prepare: .*executable file not found'
expect_case "$E2E_OUT/asked.json" data-intact error 'could not prepare: .*executable file not found'
expect_case "$E2E_OUT/asked.json" "cleanup: cluster restored" passed
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
