#!/usr/bin/env bash
# Bad input and safety rails touch nothing: an invalid drill exits 2 with
# file:line:col, kube-system is refused (exit 4), a selector that matches
# nothing is an error (never a pass).
source "$(dirname "$0")/lib.sh"

bad_ns="$(e2e_ns kdrill-bad)"
cat >"$E2E_OUT/bad.yaml" <<YAML
apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: bad
spec:
  target:
    namespace: $bad_ns
    statefulSet: web
  steps:
    - fault: pod-kil
      target: {ordinals: [0]}
YAML
run_kdrill bad run "$E2E_OUT/bad.yaml" -n "$bad_ns"
expect_rc 2 "an invalid drill" bad
expect_grep 'bad.yaml:10:[0-9]+: .*pod-kil.*did you mean "pod-kill"' "$E2E_OUT/bad.out" "the error says where and the fix"
expect_namespace_gone "$bad_ns"

run_kdrill refused run "$E2E_REPO/scenarios/pod-kill.yaml" -n kube-system
expect_rc 4 "kube-system is refused" refused
expect_grep 'allow-namespace kube-system' "$E2E_OUT/refused.out" "the refusal says how to allow it"
if kubectl -n kube-system get statefulset web >/dev/null 2>&1; then fail "something was created in kube-system"; else pass "kube-system untouched"; fi

sed -e 's/ordinals: \[1\]/selector: "app=nothing-matches"/' -e 's/name: pod-kill$/name: no-match/' \
  -e 's#manifests/web.yaml#'"$E2E_REPO"'/scenarios/manifests/web.yaml#' "$E2E_REPO/scenarios/pod-kill.yaml" >"$E2E_OUT/nomatch.yaml"
nomatch_ns="$(e2e_ns kdrill-nomatch)"
run_kdrill nomatch run "$E2E_OUT/nomatch.yaml" -n "$nomatch_ns"
expect_rc 1 "a selector that matches nothing" nomatch
expect_grep 'matches no live pod' "$E2E_OUT/nomatch.out" "the error says nothing matched"
expect_namespace_gone "$nomatch_ns"
expect_no_pending_journal
e2e_finish
