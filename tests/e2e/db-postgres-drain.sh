#!/usr/bin/env bash
# PostgreSQL's primary moves with its node drained: postgres-0 is evicted,
# comes back on the other node with data-postgres-0, and both replicas stream
# from it again at postgres-0.postgres, with no acknowledged write lost (the
# drain leaves kdrill's own writer pod running). Serial: it drains a node.
source "$(dirname "$0")/lib.sh"

ensure_catalogue_image postgres
ns="$(e2e_ns kdrill-postgres-drain)"
run_kdrill pg-drain run "$E2E_REPO/scenarios/postgres-primary-node-drain.yaml" -n "$ns" --json "$E2E_OUT/pg-drain.json" \
  --junit "$E2E_OUT/pg-drain.xml"
expect_rc 0 "postgres-primary-node-drain" pg-drain
expect_verdict pg-drain 'replicas stream from the primary again' passed 'exited 0 with "caught up"'
expect_verdict pg-drain 'stable-identity' passed
expect_verdict pg-drain 'same-pvc' passed
expect_verdict pg-drain 'acknowledged-writes' passed '^all [0-9]+ acknowledged writes'
expect_verdict pg-drain 'max-unavailability' passed
e2e_log "pg-drain workload: $(grep -E 'workload: [0-9]+ acknowledged|kdrill.s workload writer' "$E2E_OUT/pg-drain.out")"
expect_grep 'node-drain acted on 127\.0\.0\.[23]' "$E2E_OUT/pg-drain.out" "the drain step names the node it drained"
expect_junit_valid "$E2E_OUT/pg-drain.xml"
expect_namespace_gone "$ns"
if [[ -z "$(kubectl get nodes -o jsonpath='{range .items[*]}{.spec.unschedulable}{"\n"}{end}' | grep true)" ]]; then
  pass "no node left cordoned"
else
  fail "a node is still cordoned after the drill: $(kubectl get nodes)"
fi
expect_no_pending_journal
e2e_finish
