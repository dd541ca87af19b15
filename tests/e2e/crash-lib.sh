# Shared by the crash tests of the volume and StatefulSet-spec faults
# (crash-volume-faults.sh, crash-spec-faults.sh): a drill that holds after
# its fault, kdrill SIGKILLed at a line of its output, then kdrill recover.
# Source after lib.sh and volume-lib.sh.

# hold_drill NAME NS STEPS: a drill on NS/web with STEPS (YAML lines), then a pause.
hold_drill() {
  cat >"$E2E_OUT/$1.yaml" <<YAML
apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: $1
spec:
  target:
    namespace: $2
    statefulSet: web
  steps:
$3
    - wait: duration
      timeout: 600s
YAML
}

# start_and_kill NAME NS PATTERN: runs the drill NAME in NS, waits for PATTERN
# in its output, SIGKILLs kdrill (itself, not the timeout bounding it).
# Returns 1 when the pattern never came.
start_and_kill() {
  start_kdrill "$E2E_OUT/$1.out" run "$E2E_OUT/$1.yaml" -n "$2"
  if ! wait_for_line "$E2E_OUT/$1.out" "$3" 240; then
    fail "$1: never reached /$3/"; signal_kdrill KILL; wait_kdrill
    tail -30 "$E2E_OUT/$1.out" >&2
    return 1
  fi
  signal_kdrill KILL; wait_kdrill
  pass "$1: kdrill SIGKILLed after /$3/"
}

recover() {  # recover NAME: kdrill recover, expecting exit 0
  run_kdrill "recover-$1" recover --journal-dir "$KDRILL_STATE_DIR"
  expect_rc 0 "$1: kdrill recover" "recover-$1"
}
