#!/usr/bin/env bash
# Crash safety of the volume and StatefulSet-spec faults: kdrill is SIGKILLed
# after the fault acted (a `wait: duration` hold follows it), then
# `kdrill recover --journal-dir $KDRILL_STATE_DIR` must put back what the
# fault touched. Each drill runs against a target this test creates (no
# setup), so the state can be compared with the state before the drill:
#   volume-fill           no fill file left on any volume
#   scale                 spec.replicas back to 3, settled at 3 pods
#   rollout               spec.template and spec.updateStrategy as before
#   sts-volume-expansion  the StatefulSet exists, no pod was deleted; and,
#                         killed between the orphan delete and the recreate
#                         (held there by a finalizer), recover recreates the
#                         original StatefulSet, which adopts the same pods.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"

# hold_drill NAME NS STEPS: a drill on NS/web with STEPS (YAML lines), then a pause.
hold_drill() {
  cat >"$E2E_OUT/$1.yaml" <<YAML
apiVersion: kdrill.io/v1alpha1
kind: Drill
metadata:
  name: $1
spec:
  target:
    namespace: $2
    statefulSet: web
  steps:
$3
    - wait: duration
      timeout: 600s
YAML
}

# start_and_kill NAME NS PATTERN: runs the drill NAME in NS, waits for PATTERN
# in its output, SIGKILLs kdrill (itself, not the timeout bounding it).
# Returns 1 when the pattern never came.
start_and_kill() {
  start_kdrill "$E2E_OUT/$1.out" run "$E2E_OUT/$1.yaml" -n "$2"
  if ! wait_for_line "$E2E_OUT/$1.out" "$3" 240; then
    fail "$1: never reached /$3/"; signal_kdrill KILL; wait_kdrill
    tail -30 "$E2E_OUT/$1.out" >&2
    return 1
  fi
  signal_kdrill KILL; wait_kdrill
  pass "$1: kdrill SIGKILLed after /$3/"
}

recover() {  # recover NAME: kdrill recover, expecting exit 0
  run_kdrill "recover-$1" recover --journal-dir "$KDRILL_STATE_DIR"
  expect_rc 0 "$1: kdrill recover" "recover-$1"
}

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

# ------------------------------------------------------------------- scale
ns="$(e2e_ns kdrill-crash-scale)"
if make_target "$ns"; then
  hold_drill crash-scale "$ns" '    - fault: scale
      params: {replicas: 5, timeout: 180s}'
  if start_and_kill crash-scale "$ns" 'waiting for .*pause'; then
    expect_eq "scale: 5 replicas after SIGKILL" 5 "$(sts_json "$ns" .spec.replicas)"
    recover scale
    expect_grep 'restored: restore replicas of StatefulSet web to 3' "$E2E_OUT/recover-scale.out" "scale: recover restored the count"
    expect_eq "scale: spec.replicas back to 3" 3 "$(sts_json "$ns" .spec.replicas)"
    if kubectl -n "$ns" wait --for=delete pod/web-3 pod/web-4 --timeout=120s >/dev/null 2>&1 &&
       kubectl -n "$ns" rollout status statefulset/web --timeout=120s >/dev/null; then
      pass "scale: settled at 3 pods again"
    else
      fail "scale: not settled at 3 pods: $(kubectl -n "$ns" get pods --no-headers)"
    fi
  fi
fi
drop_target "$ns"

# ----------------------------------------------------------------- rollout
ns="$(e2e_ns kdrill-crash-rollout)"
if make_target "$ns"; then
  tmpl_before="$(sts_json "$ns" .spec.template)"
  strategy_before="$(sts_json "$ns" .spec.updateStrategy)"
  hold_drill crash-rollout "$ns" '    - fault: rollout
      params: {env: {name: KDRILL_CRASH, value: "1"}, partition: 1, timeout: 180s}'
  if start_and_kill crash-rollout "$ns" 'waiting for .*pause'; then
    if [[ "$(sts_json "$ns" .spec.template)" != "$tmpl_before" ]]; then pass "rollout: the template is changed after SIGKILL"; else fail "rollout: template unchanged after SIGKILL"; fi
    recover rollout
    expect_grep 'restored: restore the pod template and updateStrategy of StatefulSet web \(restored; settled\)' \
      "$E2E_OUT/recover-rollout.out" "rollout: recover restored the template and waited for it to settle"
    expect_eq "rollout: spec.template as before" "$tmpl_before" "$(sts_json "$ns" .spec.template)"
    expect_eq "rollout: spec.updateStrategy as before" "$strategy_before" "$(sts_json "$ns" .spec.updateStrategy)"
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
