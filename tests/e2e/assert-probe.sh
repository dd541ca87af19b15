#!/usr/bin/env bash
# probe on the lab. Healthy: the probe-steady-state scenario (exec, resource,
# pod-proxy and service-proxy HTTP probes around a pod kill) passes, writes
# schema-valid JUnit with the before/after results, and leaves nothing behind.
# Negative control: a pod that loses /data/flag when it restarts fails the
# exec probe after the kill, naming web-1, its exit code and cat's stderr.
# Not in steady state: a probe that already fails before the faults is an
# error that says so.
source "$(dirname "$0")/lib.sh"

probe_ns="$(e2e_ns kdrill-probe)"
control_ns="$(e2e_ns kdrill-control-probe)"
run_kdrill probe run "$E2E_REPO/scenarios/probe-steady-state.yaml" -n "$probe_ns" --junit "$E2E_OUT/probe.xml"
expect_rc 0 "probe-steady-state drill" probe
expect_junit_valid "$E2E_OUT/probe.xml"
for name in "healthz file in every pod" "all replicas ready" "web-1 answers on its pod" "the service answers"; do
  expect_grep "PASS +assertion +$name" "$E2E_OUT/probe.out" "probe \"$name\" passed"
done
expect_grep 'probe before the faults: ok +exec \[cat /tmp/www/healthz\] in web-2 exited 0' "$E2E_OUT/probe.out" \
  "the exec probe ran before the first fault"
out=$(xmllint --xpath 'string(//testcase[@name="web-1 answers on its pod"]/system-out)' "$E2E_OUT/probe.xml")
if grep -q '^\[\[PROPERTY|before=pass: http GET http://web-1:8080/healthz .* answered 200\]\]$' <<<"$out" &&
   grep -q '^\[\[PROPERTY|after=pass: http GET http://web-1:8080/healthz .* answered 200\]\]$' <<<"$out"; then
  pass "the http probe's before and after results are in the JUnit case"
else
  fail "the http probe's system-out lacks before/after: $out"
fi
expect_namespace_gone "$probe_ns"
expect_no_pending_journal

run_kdrill control run "$E2E_REPO/tests/e2e/drills/probe-flag-lost.yaml" -n "$control_ns" --junit "$E2E_OUT/control.xml"
expect_rc 1 "probe must flag the lost flag" control
expect_junit_valid "$E2E_OUT/control.xml"
expect_verdict control 'flag present' failed
expect_verdict control 'stable-identity' passed
msg=$(xmllint --xpath 'string(//testcase[@name="flag present"]/failure/@message)' "$E2E_OUT/control.xml")
want="after the faults: exec [cat /data/flag] in web-1 exited 1, expected 0; stderr: cat: can't open '/data/flag': No such file or directory"
if [[ "$msg" == "$want" ]]; then
  pass "the failure says what was expected and seen: $msg"
else
  fail "the failure message is [$msg], expected [$want]"
fi
expect_namespace_gone "$control_ns"
expect_no_pending_journal

# A probe that fails before the faults: not in steady state, an error.
sed -e 's/command: \[cat, \/data\/flag\]/command: [cat, \/data\/never-written]/' \
    -e 's/name: control-probe-flag-lost/name: control-probe-not-steady/' \
  "$E2E_REPO/tests/e2e/drills/probe-flag-lost.yaml" >"$E2E_OUT/not-steady.yaml"
run_kdrill not-steady run "$E2E_OUT/not-steady.yaml" -n "$control_ns" --junit "$E2E_OUT/not-steady.xml"
expect_rc 1 "a probe failing before the faults" not-steady
expect_junit_valid "$E2E_OUT/not-steady.xml"
msg=$(xmllint --xpath 'string(//testcase[@name="flag present"]/error/@message)' "$E2E_OUT/not-steady.xml")
if [[ "$msg" == "could not prepare: the system was not in steady state before the faults: exec [cat /data/never-written] in web-0 exited 1, expected 0; stderr: cat: can't open '/data/never-written': No such file or directory"* ]]; then
  pass "reported as an error: not in steady state before the faults"
else
  fail "the error message is [$msg]"
fi
expect_namespace_gone "$control_ns"
expect_no_pending_journal
e2e_finish
