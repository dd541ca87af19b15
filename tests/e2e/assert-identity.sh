#!/usr/bin/env bash
# stable-identity in legitimate forms, on the lab: a governing Service named
# unlike the StatefulSet, ordinals from 3, and FQDN hostnames
# (drills/identity-forms.yaml) must pass, with the FQDN read inside the pods
# and the stable names resolved in the cluster domain it carries. The same
# StatefulSet behind a Service that is not headless has no per-pod DNS names:
# stable-identity must fail naming the Service.
source "$(dirname "$0")/lib.sh"

ns="$(e2e_ns kdrill-idf)"
run_kdrill forms run "$E2E_REPO/tests/e2e/drills/identity-forms.yaml" -n "$ns" \
  --junit "$E2E_OUT/forms.xml" --json "$E2E_OUT/forms.json"
expect_rc 0 "FQDN hostnames, ordinals from 3, a Service named unlike the StatefulSet" forms
expect_junit_valid "$E2E_OUT/forms.xml"
expect_case "$E2E_OUT/forms.json" stable-identity passed '^pods are exactly id-3\.\.id-4, all Ready under their own names$'
details="$(jq -r '[.items[].cases[] | select(.name == "stable-identity")][0].details' "$E2E_OUT/forms.json")"
for want in "id-4: hostname inside the pod is id-4\.id-peers\.$ns\.svc\.cluster\.local" \
            "cluster domain cluster\.local \(the FQDN hostname of id-3\)" \
            "id-3: id-3\.id-peers\.$ns\.svc\.cluster\.local resolves to [0-9.]+" \
            "id-4: EndpointSlice of id-peers lists hostname id-4 at [0-9.]+"; do
  if grep -Eq -- "$want" <<<"$details"; then pass "details: /$want/"; else fail "details lack /$want/: $details"; fi
done
expect_namespace_gone "$ns"

# The control: the Service gets a cluster IP.
sed '/clusterIP: None/d' "$E2E_REPO/tests/e2e/drills/identity-forms.yaml" >"$E2E_OUT/not-headless.yaml"
ns="$(e2e_ns kdrill-idf-nh)"
run_kdrill nh run "$E2E_OUT/not-headless.yaml" -n "$ns" --junit "$E2E_OUT/nh.xml" --json "$E2E_OUT/nh.json"
expect_rc 1 "a governing Service that is not headless" nh
expect_junit_valid "$E2E_OUT/nh.xml"
expect_case "$E2E_OUT/nh.json" stable-identity failed \
  '^pods are exactly id-3\.\.id-4 and Ready, but their identity is broken: Service id-peers is not headless \(clusterIP [0-9.]+\)'
expect_namespace_gone "$ns"
expect_no_pending_journal
e2e_finish
