#!/usr/bin/env bash
# Negative controls that break a guarantee for real, each of which its
# assertion must flag with a clear message (exit 1, valid JUnit, cluster
# left clean):
#   a Deployment whose replicas share one PVC -> stable-identity, same-pvc
#   an init container that empties the volume -> data-intact
#   a readiness probe that never passes again -> recovered-within, with the
#                                                probe named in the diagnosis
source "$(dirname "$0")/lib.sh"

deploy_ns="$(e2e_ns kdrill-e2e-deploy)"
run_kdrill deploy run "$E2E_REPO/tests/e2e/drills/deployment-shared-pvc.yaml" -n "$deploy_ns" --junit "$E2E_OUT/deploy.xml"
expect_rc 1 "a Deployment driven as a StatefulSet" deploy
expect_junit_valid "$E2E_OUT/deploy.xml"
expect_grep 'failed stable-identity: expected pods shared-[a-z0-9-]+, shared-[a-z0-9-]+ \(the Deployment.s pods at the baseline\) all Ready; saw: shared-[a-z0-9-]+ is missing; shared-[a-z0-9-]+ exists but is not one of the expected names' \
  "$E2E_OUT/deploy.out" "stable-identity: the replacement came back under a new name"
expect_grep 'failed same-pvc: .*claim shared-data is shared by 2 pods' "$E2E_OUT/deploy.out" "same-pvc: one claim for two identities"
expect_namespace_gone "$deploy_ns"

wipe_ns="$(e2e_ns kdrill-e2e-wipe)"
run_kdrill wipe run "$E2E_REPO/tests/e2e/drills/wipe-on-start.yaml" -n "$wipe_ns" --junit "$E2E_OUT/wipe.xml"
expect_rc 1 "a volume emptied on every start" wipe
expect_junit_valid "$E2E_OUT/wipe.xml"
expect_grep 'failed data-intact: .*web-1: the dataset directory /data/.kdrill-data-[^ ]+ is gone \(all 3 files missing\)' \
  "$E2E_OUT/wipe.out" "data-intact names the lost dataset of web-1"
expect_grep 'web-0: 3 file\(s\) in /data/.kdrill-data-[^ ]+ read back identical' "$E2E_OUT/wipe.out" "web-0, not restarted, kept its data"
expect_namespace_gone "$wipe_ns"

unready_ns="$(e2e_ns kdrill-e2e-unready)"
run_kdrill unready run "$E2E_REPO/tests/e2e/drills/readiness-never.yaml" -n "$unready_ns" --junit "$E2E_OUT/unready.xml"
expect_rc 1 "a pod that never becomes Ready after the fault" unready
expect_junit_valid "$E2E_OUT/unready.xml"
expect_grep 'failed recovered-within: .*web-1 was not Running and Ready again by the end of the drill' "$E2E_OUT/unready.out" \
  "recovered-within failed for web-1"
body=$(xmllint --xpath 'string(//testcase[@name="recovered-within"]/failure)' "$E2E_OUT/unready.xml")
if [[ "$body" == *"diagnosis:"*"eadiness probe"*"/tmp/ready"* ]]; then
  pass "the diagnosis names the failing readiness probe"
else
  fail "the diagnosis does not name the readiness probe: $body"
fi
expect_namespace_gone "$unready_ns"
expect_no_pending_journal
e2e_finish
