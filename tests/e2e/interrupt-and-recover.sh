#!/usr/bin/env bash
# Cleanup is a feature: Ctrl-C (SIGINT) mid-drill stops injecting and cleans
# up (exit 130); after SIGKILL, `kdrill recover` restores the cluster from the
# journal, and a second recover has nothing to do.
source "$(dirname "$0")/lib.sh"

# A drill that holds the cluster in a changed state for a while: setup, then a
# long pause.
sed -e 's/name: pod-kill$/name: hold/' -e 's#manifests/web.yaml#'"$E2E_REPO"'/scenarios/manifests/web.yaml#' \
    "$E2E_REPO/scenarios/pod-kill.yaml" | awk '
  /^    - wait: statefulset-settled/ { print "    - wait: duration"; next }
  /^      timeout: 120s/ { print "      timeout: 600s"; next }
  { print }' >"$E2E_OUT/hold.yaml"

# 1. SIGINT: the run cleans up by itself. The signals go to kdrill itself
# (signal_kdrill), not to the timeout that bounds it.
int_ns="$(e2e_ns kdrill-int)"
start_kdrill "$E2E_OUT/int.out" run "$E2E_OUT/hold.yaml" -n "$int_ns"
if wait_for_line "$E2E_OUT/int.out" "waiting for .*pause" 120; then
  signal_kdrill INT
  wait_kdrill
  expect_rc 130 "SIGINT mid-drill" int
  expect_grep 'stopping fault injection and cleaning up' "$E2E_OUT/int.out" "the interrupt is acknowledged"
  expect_grep "undo delete Namespace $int_ns: deleted" "$E2E_OUT/int.out" "cleanup ran"
  expect_namespace_gone "$int_ns"
else
  fail "the drill never reached its pause"; signal_kdrill KILL; wait_kdrill; cat "$E2E_OUT/int.out" >&2
fi

# 2. SIGKILL: nothing cleans up until kdrill recover.
crash_ns="$(e2e_ns kdrill-crash)"
start_kdrill "$E2E_OUT/crash.out" run "$E2E_OUT/hold.yaml" -n "$crash_ns"
if wait_for_line "$E2E_OUT/crash.out" "waiting for .*pause" 120; then
  signal_kdrill KILL; wait_kdrill
  if kubectl get namespace "$crash_ns" >/dev/null 2>&1; then pass "after SIGKILL the drill's namespace is still there"; else fail "namespace vanished without recover"; fi
  run_kdrill recover recover --journal-dir "$KDRILL_STATE_DIR"
  expect_rc 0 "kdrill recover" recover
  expect_grep "restored: delete Namespace $crash_ns" "$E2E_OUT/recover.out" "recover says what it restored"
  expect_namespace_gone "$crash_ns"
  run_kdrill recover2 recover --journal-dir "$KDRILL_STATE_DIR"
  expect_rc 0 "a second kdrill recover" recover2
  expect_grep 'nothing to do' "$E2E_OUT/recover2.out" "recover is idempotent"
else
  fail "the drill never reached its pause"; signal_kdrill KILL; wait_kdrill; cat "$E2E_OUT/crash.out" >&2
fi
e2e_finish
