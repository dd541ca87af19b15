#!/usr/bin/env bash
# node-cordon: web-1's node is cordoned, web-1 killed and rescheduled on the
# other node with the same claim; cleanup uncordons exactly that node.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/nodes-lib.sh"
require_nodes_schedulable

ns="$(e2e_ns kdrill-node-cordon)"
run_kdrill node-cordon run "$E2E_REPO/scenarios/node-cordon.yaml" -n "$ns" --junit "$E2E_OUT/node-cordon.xml"
expect_rc 0 "node-cordon drill" node-cordon
expect_junit_valid "$E2E_OUT/node-cordon.xml"
expect_grep 'victims: nodes 127\.0\.0\.[23] \(hosts web-1\)' "$E2E_OUT/node-cordon.out" "victim node printed before acting"
expect_grep 'cordoned node 127\.0\.0\.[23]' "$E2E_OUT/node-cordon.out" "the node was cordoned"
expect_grep 'undo uncordon node 127\.0\.0\.[23] \(cordoned by kdrill\): restored' "$E2E_OUT/node-cordon.out" \
  "cleanup uncordoned it"
expect_verdict node-cordon 'stable-identity' passed
expect_verdict node-cordon 'same-pvc' passed
expect_namespace_gone "$ns"
expect_no_pending_journal
expect_nodes_schedulable
e2e_finish
