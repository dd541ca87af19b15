#!/usr/bin/env bash
# Crash safety of the node faults: kdrill is SIGKILLed after node-cordon (and
# after node-drain) acted, while the drill holds the cluster changed; then
# `kdrill recover` must put every node's unschedulable flag back exactly as
# it was before the drill, and remove the drill's namespace.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/nodes-lib.sh"
require_nodes_schedulable

# hold_drill SCENARIO NAME: the scenario with an absolute manifest path and its
# settle wait replaced by a long pause (the fault has acted; nothing undone yet).
hold_drill() {
  sed -e "s/^  name: $1\$/  name: $2/" -e 's#manifests/web-shared.yaml#'"$E2E_REPO"'/scenarios/manifests/web-shared.yaml#' \
      "$E2E_REPO/scenarios/$1.yaml" | awk '
    /^    - wait: statefulset-settled/ { print "    - wait: duration"; getline; print "      timeout: 600s"; next }
    { print }' >"$E2E_OUT/$2.yaml"
}

crash_and_recover() {  # crash_and_recover SCENARIO NS
  local scenario="$1" ns="$2" before after
  hold_drill "$scenario" "crash-$scenario"
  before="$(node_flags)"
  # SIGKILL goes to kdrill itself (signal_kdrill), not to the timeout bounding it.
  start_kdrill "$E2E_OUT/crash-$scenario.out" run "$E2E_OUT/crash-$scenario.yaml" -n "$ns"
  if ! wait_for_line "$E2E_OUT/crash-$scenario.out" "waiting for .*pause" 240; then
    fail "$scenario: the drill never reached its pause"; signal_kdrill KILL; wait_kdrill
    tail -30 "$E2E_OUT/crash-$scenario.out" >&2
    # Leave the lab as found all the same: whatever the run journaled is undone.
    kdrill recover --journal-dir "$KDRILL_STATE_DIR" >"$E2E_OUT/recover-$scenario.out" 2>&1 ||
      fail "$scenario: recover after the failed run: $(tail -5 "$E2E_OUT/recover-$scenario.out")"
    return
  fi
  if [[ -n "$(unschedulable_nodes)" ]]; then
    pass "$scenario: a node is cordoned when kdrill dies ($(unschedulable_nodes))"
  else
    fail "$scenario: no node is cordoned at the pause"
  fi
  signal_kdrill KILL; wait_kdrill
  if [[ -n "$(unschedulable_nodes)" ]]; then pass "$scenario: after SIGKILL the node is still cordoned"; else fail "$scenario: the cordon vanished without recover"; fi
  run_kdrill "recover-$scenario" recover --journal-dir "$KDRILL_STATE_DIR"
  expect_rc 0 "$scenario: kdrill recover" "recover-$scenario"
  expect_grep 'restored: uncordon node 127\.0\.0\.[23] \(cordoned by kdrill\)' "$E2E_OUT/recover-$scenario.out" \
    "$scenario: recover uncordoned the node"
  after="$(node_flags)"
  if [[ "$before" == "$after" ]]; then
    pass "$scenario: node unschedulable flags equal the state before the drill"
  else
    fail "$scenario: node flags before: [$before] after recover: [$after]"
  fi
  expect_namespace_gone "$ns"
}

crash_and_recover node-cordon "$(e2e_ns kdrill-crash-cordon)"
crash_and_recover node-drain "$(e2e_ns kdrill-crash-drain)"
expect_no_pending_journal
expect_nodes_schedulable
e2e_finish
