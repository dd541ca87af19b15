# Helpers for the node-fault e2e tests (source after lib.sh).

# One "name=true|" line per node, sorted: the unschedulable flags.
node_flags() {
  kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.spec.unschedulable}{"\n"}{end}' | sort
}

# The nodes marked unschedulable, space-separated ("" when none).
unschedulable_nodes() {
  kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.spec.unschedulable}{"\n"}{end}' |
    awk -F= '$2 == "true" { printf "%s ", $1 }'
}

expect_nodes_schedulable() {
  local bad; bad="$(unschedulable_nodes)"
  if [[ -z "$bad" ]]; then pass "every node is schedulable"; else fail "nodes left unschedulable: $bad"; fi
}

# A node test needs every node schedulable to start with (a cordon left by
# someone else would be left alone by kdrill, and the drill would prove less).
require_nodes_schedulable() {
  local bad; bad="$(unschedulable_nodes)"
  if [[ -n "$bad" ]]; then
    echo "FAIL: nodes already unschedulable before the test: $bad (uncordon them first)" >&2
    exit 1
  fi
}
