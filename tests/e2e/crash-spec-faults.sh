#!/usr/bin/env bash
# Crash safety of the StatefulSet-spec faults: kdrill is SIGKILLed after the
# fault acted (a `wait: duration` hold follows it), then
# `kdrill recover --journal-dir $KDRILL_STATE_DIR` must put back what the
# fault touched, compared with the target as this test created it:
#   scale                 spec.replicas back to 3, settled at 3 pods
#   rollout               spec.template and spec.updateStrategy as before
# The volume faults are crash-volume-faults.sh.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/volume-lib.sh"
source "$(dirname "$0")/crash-lib.sh"

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

run_kdrill recover-again recover --journal-dir "$KDRILL_STATE_DIR"
expect_rc 0 "a second kdrill recover" recover-again
expect_grep 'nothing to do' "$E2E_OUT/recover-again.out" "recover is idempotent"
e2e_finish
