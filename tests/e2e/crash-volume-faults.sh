#!/usr/bin/env bash
# Crash safety of the volume faults: kdrill is SIGKILLed after the fault
# acted (a `wait: duration` hold follows it), then
# `kdrill recover --journal-dir $KDRILL_STATE_DIR` must put back what the
# fault touched. Each drill runs against a target this test creates (no
# setup), so the state can be compared with the state before the drill:
#   volume-fill           no fill file left on any volume
#   sts-volume-expansion  the StatefulSet exists, no pod was deleted; and,
#                         killed between the orphan delete and the recreate
#                         (held there by a finalizer), recover recreates the
#                         original StatefulSet, which adopts the same pods.
# The spec faults (scale, rollout) are crash-spec-faults.sh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"
source "$(dirname "$0")/crash-lib.sh"

# ------------------------------------------------------------- volume-fill
ns="$(e2e_ns kdrill-crash-fill)"
if make_target "$ns"; then
  expect_eq "volume-fill: no fill file before" "" "$(fill_files "$ns")"
  hold_drill crash-fill "$ns" '    - fault: volume-fill
      target: {ordinals: [0, 1]}
      params: {untilFull: true}'
  if start_and_kill crash-fill "$ns" 'waiting for .*pause'; then
    if [[ -n "$(fill_files "$ns")" ]]; then pass "volume-fill: the fill files exist after SIGKILL"; else fail "volume-fill: no fill file after SIGKILL"; fi
    recover fill
    expect_grep 'restored: remove fill file /data/\.kdrill-fill-.* in web-0' "$E2E_OUT/recover-fill.out" "volume-fill: recover removed the file"
    expect_eq "volume-fill: no fill file after recover" "" "$(fill_files "$ns")"
  fi
fi
drop_target "$ns"

# --------------------------------------------- sts-volume-expansion (after)
ns="$(e2e_ns kdrill-crash-expansion)"
if make_target "$ns"; then
  uids_before="$(pod_uids "$ns")"
  hold_drill crash-expansion "$ns" '    - fault: sts-volume-expansion
      params: {size: 128Mi, timeout: 180s}'
  if start_and_kill crash-expansion "$ns" 'waiting for .*pause'; then
    recover expansion
    expect_eq "sts-volume-expansion: the StatefulSet exists" '"web"' "$(sts_json "$ns" .metadata.name)"
    expect_eq "sts-volume-expansion: no pod was deleted" "$uids_before" "$(pod_uids "$ns")"
  fi
fi
drop_target "$ns"

# ------------------------- sts-volume-expansion (between delete and create)
ns="$(e2e_ns kdrill-crash-orphan)"
if make_target "$ns"; then
  uids_before="$(pod_uids "$ns")"
  tmpl_size_before="$(sts_json "$ns" '.spec.volumeClaimTemplates[0].spec.resources.requests.storage')"
  # A finalizer keeps the deleted StatefulSet around, so kdrill is still
  # waiting for it to go (after the delete, before the create) when killed.
  kubectl -n "$ns" patch statefulset web --type=merge -p '{"metadata":{"finalizers":["kdrill.io/e2e-hold"]}}' >/dev/null
  hold_drill crash-orphan "$ns" '    - fault: sts-volume-expansion
      params: {size: 128Mi, timeout: 180s}'
  if start_and_kill crash-orphan "$ns" 'deleted StatefulSet web .* with propagationPolicy Orphan'; then
    kubectl -n "$ns" patch statefulset web --type=json -p='[{"op":"remove","path":"/metadata/finalizers"}]' >/dev/null
    if kubectl -n "$ns" wait --for=delete statefulset/web --timeout=60s >/dev/null 2>&1; then
      pass "sts-volume-expansion: the StatefulSet is gone when kdrill is dead"
    else
      fail "sts-volume-expansion: the StatefulSet did not go away"
    fi
    recover orphan
    expect_grep 'restored: make sure StatefulSet web exists \(recreated' "$E2E_OUT/recover-orphan.out" \
      "sts-volume-expansion: recover recreated the StatefulSet"
    expect_eq "sts-volume-expansion: the original template is back" "$tmpl_size_before" \
      "$(sts_json "$ns" '.spec.volumeClaimTemplates[0].spec.resources.requests.storage')"
    new_uid="$(kubectl -n "$ns" get statefulset web -o jsonpath='{.metadata.uid}')"
    adopted=""
    for _ in $(seq 1 60); do
      owners="$(kubectl -n "$ns" get pods -l app=web -o jsonpath='{.items[*].metadata.ownerReferences[0].uid}')"
      if [[ "$owners" == "$new_uid $new_uid $new_uid" ]]; then adopted=1; break; fi
      sleep 1
    done
    if [[ -n "$adopted" ]]; then pass "sts-volume-expansion: the recreated StatefulSet adopted the pods"; else fail "pods not adopted: owners [$owners], sts $new_uid"; fi
    expect_eq "sts-volume-expansion: no pod was deleted" "$uids_before" "$(pod_uids "$ns")"
  fi
fi
drop_target "$ns"

run_kdrill recover-again recover --journal-dir "$KDRILL_STATE_DIR"
expect_rc 0 "a second kdrill recover" recover-again
expect_grep 'nothing to do' "$E2E_OUT/recover-again.out" "recover is idempotent"
e2e_finish
