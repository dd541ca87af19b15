#!/usr/bin/env bash
# Negative control: a claim recreated under the same name must fail same-pvc
# with a message naming the old and the new UID; stable-identity still passes.
source "$(dirname "$0")/lib.sh"

ns="$(e2e_ns kdrill-control-pvc)"
run_kdrill control run "$E2E_REPO/tests/e2e/drills/pvc-recreated.yaml" -n "$ns" --junit "$E2E_OUT/control.xml" \
  --html "$E2E_OUT/pvc-recreated.html"
expect_rc 1 "same-pvc must flag a recreated claim" control
# The HTML report of a failing run, seen in a browser: the failure shown, and
# web-1's claim drawn with a break where its UID changed.
expect_html_shown "$E2E_OUT/pvc-recreated.html" FAILED --failed-case same-pvc --claim-break 1 --victim 1
expect_junit_valid "$E2E_OUT/control.xml"
expect_verdict control 'same-pvc' failed
expect_verdict control 'stable-identity' passed
uuid='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
msg=$(xmllint --xpath 'string(//testcase[@name="same-pvc"]/failure/@message)' "$E2E_OUT/control.xml")
if [[ "$msg" =~ data-web-1\ was\ recreated:\ uid\ ($uuid)\ -\>\ ($uuid) ]] && [[ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ]]; then
  pass "the failure names both UIDs: ${BASH_REMATCH[1]} -> ${BASH_REMATCH[2]}"
else
  fail "the failure message does not name the old and new UID: $msg"
fi
expect_grep 'marker .* is missing' "$E2E_OUT/control.out" "the marker written before the fault is gone"
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
