#!/usr/bin/env bash
# Two incarnations on one volume, which the API never shows:
# - healthy: pod-kill.yaml (force-deletes web-1, whose container exits on
#   TERM) passes at-most-one-per-ordinal, and the volume check read
#   heartbeats from both incarnations of web-1, one after the other;
# - broken: a partition (tests/e2e/drills/two-incarnations.yaml): web-0's
#   node is cordoned, its kubelet frozen (SIGSTOP, by its recorded PID), and
#   web-0 force-deleted. The replacement starts on the other node with the
#   same claim while the old container, which no kubelet stops, goes on
#   writing until the kubelet is thawed (SIGCONT). at-most-one-per-ordinal
#   must fail naming both UIDs, both nodes and the overlap in ms, and the
#   HTML report must draw the overlap in web-0's lane.
# Node-level: freezes a kubelet, so it runs alone.
source "$(dirname "$0")/lib.sh"

healthy_ns="$(e2e_ns kdrill-demo)"
run_kdrill healthy run "$E2E_REPO/scenarios/pod-kill.yaml" -n "$healthy_ns" --json "$E2E_OUT/healthy.json"
expect_rc 0 "a forced pod-kill of a container that exits on TERM" healthy
expect_volume_checked healthy
expect_case "$E2E_OUT/healthy.json" at-most-one-per-ordinal passed \
  'never two live pods with one ordinal; on 3 volume\(s\), [4-9] incarnation\(s\) wrote heartbeats, never two at once'
expect_namespace_gone "$healthy_ns"

kubelet_pid() {  # kubelet_pid NODE-IP: the lab's kubelet serving that node
  local comp
  case "$1" in
    127.0.0.2) comp=kubelet-a ;;
    127.0.0.3) comp=kubelet-b ;;
    *) return 1 ;;
  esac
  lab_bounded "$E2E_REPO/lab/lab" status | awk -v c="$comp" '$1 == c && $3 == "running" { print $2 }'
}

ns="$(e2e_ns kdrill-e2e-twoinc)"
frozen=""
thaw() { if [[ -n "$frozen" ]]; then kill -CONT "$frozen" 2>/dev/null; e2e_log "kubelet $frozen thawed"; frozen=""; fi; }
trap thaw EXIT

start_kdrill "$E2E_OUT/twoinc.out" run "$E2E_REPO/tests/e2e/drills/two-incarnations.yaml" -n "$ns" \
  --junit "$E2E_OUT/twoinc.xml" --json "$E2E_OUT/twoinc.json" --html "$E2E_OUT/two-incarnations.html"
if wait_for_line "$E2E_OUT/twoinc.out" 'step 2/5: partition' 180; then
  node="$(kubectl -n "$ns" get pod web-0 -o jsonpath='{.spec.nodeName}')"
  frozen="$(kubelet_pid "$node")"
  if [[ -n "$frozen" ]]; then
    kill -STOP "$frozen"
    e2e_log "web-0 runs on $node: its kubelet (pid $frozen) frozen"
  else
    fail "no running lab kubelet for node '$node'"
  fi
  # Thaw only once the replacement writes its heartbeats: until then the old
  # container, which no kubelet stops, is certain to be writing too, so the
  # overlap is there by construction, not by how fast the thawed kubelet is.
  if ! wait_for_line "$E2E_OUT/twoinc.out" 'step 5/5: heal' 180; then
    fail "the drill never reached its heal step"
  elif ! wait_for_line "$E2E_OUT/twoinc.out" 'heartbeat writer started in web-0 \(uid [0-9a-f-]+, node ' 30; then
    fail "the replacement web-0's heartbeat writer never started while the old kubelet was frozen"
  fi
  thaw
else
  fail "the drill never reached its partition step"
fi
wait_kdrill
thaw
expect_rc 1 "two incarnations of web-0 writing to one claim at once" twoinc
expect_junit_valid "$E2E_OUT/twoinc.xml"
expect_case "$E2E_OUT/twoinc.json" at-most-one-per-ordinal failed \
  'on claim data-web-0 two incarnations of ordinal 0 wrote at once for [0-9]+ ms: web-0 \(uid [0-9a-f-]+, node 127\.0\.0\.[23]\) went on writing \([0-9]+ heartbeat\(s\)\) after web-0 \(uid [0-9a-f-]+, node 127\.0\.0\.[23]\) had started'
expect_case "$E2E_OUT/twoinc.json" stable-identity passed
if jq -e '[.items[0].timeline[] | select(.kind == "note" and .event == "overlap")] | length > 0' "$E2E_OUT/twoinc.json" >/dev/null; then
  pass "the overlap is on the timeline"
else
  fail "no overlap note on the timeline"
fi
# The HTML report draws the overlap inside web-0's lane, as a browser lays it out.
expect_html_shown "$E2E_OUT/two-incarnations.html" FAILED --failed-case at-most-one-per-ordinal --overlap 0
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
