#!/usr/bin/env bash
# The pod-kill scenario passes on a healthy StatefulSet, writes schema-valid
# JUnit, and leaves the cluster as it found it.
source "$(dirname "$0")/lib.sh"

ns="$(e2e_ns kdrill-demo)"
run_kdrill pod-kill run "$E2E_REPO/scenarios/pod-kill.yaml" -n "$ns" --junit "$E2E_OUT/pod-kill.xml" \
  --json "$E2E_OUT/pod-kill.json" --html "$E2E_OUT/pod-kill.html" --stats
expect_rc 0 "pod-kill drill on a healthy StatefulSet" pod-kill
# kdrill's own API traffic, counted per phase (--stats, and apiStats in the JSON).
expect_grep "^kdrill's own API traffic \(pod-kill\): [1-9][0-9]* requests" "$E2E_OUT/pod-kill.out" "--stats prints the count"
if jq -e '.items[0].apiStats | ([.phases[].phase] == ["setup","settle","baseline","steps","assertions","cleanup"])
          and .total.requests > 0 and .total.watches > 0 and .total.execs > 0
          and .total.requests == ([.phases[].requests] | add)' "$E2E_OUT/pod-kill.json" >/dev/null; then
  pass "apiStats counts requests, watches and execs in each phase: $(jq -c '.items[0].apiStats.total | {requests, watches, execs}' "$E2E_OUT/pod-kill.json")"
else
  fail "apiStats missing or inconsistent: $(jq -c '.items[0].apiStats' "$E2E_OUT/pod-kill.json" | head -c 400)"
fi
# The HTML report, seen in a browser: web-1's lane shows the kill between its
# two incarnations; kdrill report renders the same page from the JSON.
expect_html_shown "$E2E_OUT/pod-kill.html" PASSED --victim 1
expect_grep "\[\[ATTACHMENT|$E2E_OUT/pod-kill.html\]\]" "$E2E_OUT/pod-kill.xml" "JUnit cases link the HTML report"
kdrill report "$E2E_OUT/pod-kill.json" --html "$E2E_OUT/pod-kill-again.html" >"$E2E_OUT/report.out" 2>&1
RC=$?
expect_rc 0 "kdrill report renders the saved JSON report" report
if cmp -s "$E2E_OUT/pod-kill.html" "$E2E_OUT/pod-kill-again.html"; then
  pass "kdrill report RUN.json gives the page kdrill run --html gave"
else
  fail "kdrill report RUN.json differs from kdrill run --html: $(diff "$E2E_OUT/pod-kill.html" "$E2E_OUT/pod-kill-again.html" | head -5)"
fi
expect_volume_checked pod-kill
expect_junit_valid "$E2E_OUT/pod-kill.xml"
expect_verdict pod-kill 'stable-identity' passed
expect_verdict pod-kill 'same-pvc' passed
expect_grep 'victims: web-1' "$E2E_OUT/pod-kill.out" "victims printed before acting"
if [[ "$(xmllint --xpath 'count(//testcase)' "$E2E_OUT/pod-kill.xml")" -ge 4 ]]; then pass "one testcase per step and assertion"; else fail "too few testcases"; fi
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
