#!/usr/bin/env bash
# A lab whose every process was SIGKILLed (as when a CI job or terminal ends)
# comes up clean: the next lab/lab up succeeds, a drill passes on it, and
# lab/lab down then leaves nothing behind.
#
#   1. a 1-replica StatefulSet on a lab-shared claim runs in a namespace of its
#      own; the PIDs to kill are collected by PID, never by name, the way
#      lab/lab down finds them: the components recorded in run/state.json (PID
#      + start time), the containerd shims whose -address is a lab containerd
#      socket, the processes in the lab's cgroups (run/state.json "cgroups");
#      the shims' sockets are noted
#   2. one kill -9 for all of them; they must be gone within 30 s
#   3. lab/lab up succeeds (time printed); the StatefulSet's pod runs again
#   4. the pod-kill drill passes (JUnit valid, namespace gone, no journal)
#   5. the namespace of step 1 is deleted; lab/lab down leaves nothing behind
#      (tests/e2e/lab-clean-lib.sh; the killed shims' sockets included; no
#      iptables chain that was not there when the test started) and removes
#      the state dir
#   6. lab/lab up again: every component running, every node Ready
source "$(dirname "$0")/lib.sh"
source "$E2E_REPO/tests/e2e/lab-clean-lib.sh"

lab="$E2E_REPO/lab/lab"
lab_paths="$(lab_bounded "$lab" paths)" && [[ -n "$lab_paths" ]] ||
  { fail "lab/lab paths did not work"; e2e_finish; }
eval "$(sed 's/^/LAB_/' <<<"$lab_paths")"
state_json="$LAB_STATE_DIR/run/state.json"
ns="$(e2e_ns lab-killed)"
LAB_NEEDS_UP=0 # 1 from the kill until an up succeeds

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
step() { echo; echo "== $*"; }

# proc_start PID: the start time (field 22 of /proc/PID/stat); fails when the
# process is gone or a zombie.
proc_start() {
  local stat f
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  read -r -a f <<<"${stat##*) }"
  [[ ${#f[@]} -ge 20 && "${f[0]}" != Z && "${f[0]}" != X ]] || return 1
  echo "${f[19]}"
}

# lab_up LABEL: lab/lab up, bounded; output in $E2E_OUT/LABEL.out.
lab_up() {
  local t rc
  t=$(now)
  lab_bounded "$lab" up >"$E2E_OUT/$1.out" 2>&1
  rc=$?
  UP_TIME="$(elapsed "$t")"
  if ((rc == 0)); then LAB_NEEDS_UP=0; else tail -30 "$E2E_OUT/$1.out" >&2; fi
  return "$rc"
}

# On any exit: the lab is up again if the test killed it, the namespace goes.
on_exit() {
  local rc=$?
  if ((LAB_NEEDS_UP)); then
    echo "e2e: bringing the lab up again after a failure" >&2
    # Even when the budget is spent: ctest's TIMEOUT leaves 30 s more.
    E2E_DEADLINE="" E2E_LAB_UPDOWN_TIMEOUT=120 lab_bounded "$lab" up >/dev/null 2>&1 ||
      echo "e2e: lab/lab up failed: the lab may be down" >&2
  fi
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null 2>&1
  exit "$rc"
}
trap on_exit EXIT

# abort MESSAGE: a failure the test cannot go on after.
abort() { fail "$*"; e2e_finish; }

# iptables_chains: "table:chain" of every user-defined chain, sorted.
iptables_chains() {
  local t
  for t in filter nat mangle raw; do
    timeout 20 iptables -w 5 -t "$t" -S 2>/dev/null | awk -v t="$t" '$1 == "-N" { print t ":" $2 }'
  done | sort
}
chains_before="$(iptables_chains)"

# ---------------------------------------------------------------- 1. collect
step "1. a pod runs; collect the lab's PIDs"
kubectl create namespace "$ns" >/dev/null || abort "cannot create namespace $ns"
kubectl -n "$ns" apply -f - >/dev/null <<EOF || abort "cannot apply the StatefulSet"
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: victim
spec:
  serviceName: victim
  replicas: 1
  selector:
    matchLabels: {app: lab-killed}
  template:
    metadata:
      labels: {app: lab-killed}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: main
        image: localhost/busybox:lab
        imagePullPolicy: Never
        command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
        volumeMounts:
        - {name: data, mountPath: /data}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: lab-shared
      resources: {requests: {storage: 32Mi}}
EOF
kubectl -n "$ns" rollout status statefulset/victim --timeout=120s >/dev/null || abort "StatefulSet victim not ready in $ns"
cid_before="$(kubectl -n "$ns" get pod victim-0 -o jsonpath='{.status.containerStatuses[0].containerID}')"
pass "pod victim-0 Ready in $ns on node $(kubectl -n "$ns" get pod victim-0 -o jsonpath='{.spec.nodeName}') ($cid_before)"

[[ -r "$state_json" ]] || abort "no $state_json: is the lab up?"
declare -A start_of=() # pid -> start time when collected
comps=() shims=() pods=()

# Components: the PIDs recorded with their start times (a reused PID is skipped).
recorded=0
while read -r name pid st; do
  recorded=$((recorded + 1))
  if [[ "$(proc_start "$pid")" == "$st" ]]; then
    comps+=("$pid"); start_of[$pid]=$st
  else
    e2e_log "recorded $name (pid $pid) is not running"
  fi
done < <(jq -r '.procs // {} | to_entries[] | "\(.key) \(.value.pid) \(.value.startTime)"' "$state_json")

# Shims: containerd-shim* whose -address is a lab containerd socket (lab/lab
# down's killShims does the same).
socks=("$LAB_STATE_DIR"/nodes/*/containerd/containerd.sock)
is_lab_sock() { local s; for s in "${socks[@]}"; do [[ "$1" == "$s" ]] && return 0; done; return 1; }
for f in /proc/[0-9]*/cmdline; do
  pid="${f#/proc/}"; pid="${pid%/cmdline}"
  mapfile -d '' -t args 2>/dev/null <"$f" || continue
  [[ ${#args[@]} -gt 0 && "${args[0]##*/}" == containerd-shim* ]] || continue
  for ((i = 0; i + 1 < ${#args[@]}; i++)); do
    if [[ "${args[i]}" == -address ]] && is_lab_sock "${args[i + 1]}"; then
      if st="$(proc_start "$pid")" && [[ -z "${start_of[$pid]:-}" ]]; then shims+=("$pid"); start_of[$pid]=$st; fi
      break
    fi
  done
done

# Their sockets in /run/containerd/s, named by the bundles: down must remove
# them (a restarted containerd deletes a dead shim's bundle, not its socket).
killed_socks="$(lab_shim_sockets "$LAB_STATE_DIR")"

# Pods' processes: everything in the lab's cgroups (lab/lab down's
# killCgroupProcs reads the same cgroup.procs files).
mapfile -t cgroups < <(jq -r '.cgroups // [] | .[]' "$state_json")
for pid in $(for d in "${cgroups[@]}"; do [[ -d "$d" ]] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -un); do
  if [[ -z "${start_of[$pid]:-}" ]] && st="$(proc_start "$pid")"; then pods+=("$pid"); start_of[$pid]=$st; fi
done

e2e_log "found ${#comps[@]} running lab components (of $recorded recorded), ${#shims[@]} containerd shims, ${#pods[@]} processes in the lab cgroups (${#cgroups[@]} cgroup roots)"
((${#comps[@]} > 0)) || abort "no running lab component recorded in $state_json"
((${#shims[@]} > 0)) || abort "no containerd shim of the lab's containerds found, although victim-0 runs"
((${#pods[@]} > 0)) || abort "no process in the lab's cgroups found, although victim-0 runs"
pass "processes to kill: components ${comps[*]}; shims ${shims[*]}; pods ${pods[*]}"

# ---------------------------------------------------------------- 2. kill
step "2. SIGKILL all $((${#comps[@]} + ${#shims[@]} + ${#pods[@]})) at once"
victims=()
for pid in "${!start_of[@]}"; do
  [[ "$(proc_start "$pid")" == "${start_of[$pid]}" ]] && victims+=("$pid")
done
LAB_NEEDS_UP=1
t_kill=$(now)
kill -9 "${victims[@]}" 2>/dev/null
left=("${victims[@]}")
deadline=$((SECONDS + 30))
while ((SECONDS < deadline)); do
  still=()
  for pid in "${left[@]}"; do
    [[ "$(proc_start "$pid")" == "${start_of[$pid]}" ]] && still+=("$pid")
  done
  left=("${still[@]}")
  ((${#left[@]} == 0)) && break
  sleep 0.1
done
if ((${#left[@]} > 0)); then
  for pid in "${left[@]}"; do e2e_log "still alive: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"; done
  abort "${#left[@]} of ${#victims[@]} processes still alive 30 s after kill -9"
fi
pass "all ${#victims[@]} processes gone $(elapsed "$t_kill") after kill -9"
e2e_log "left behind: $(awk -v d="$LAB_STATE_DIR" 'index($5, d "/") == 1' /proc/self/mountinfo | wc -l) mounts under $LAB_STATE_DIR," \
  "$(losetup -a 2>/dev/null | grep -cF "$LAB_STATE_DIR") loop devices," \
  "$(for s in $killed_socks; do [[ -e "$s" ]] && echo; done | wc -l) shim sockets," \
  "$(for b in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '$2 ~ /^kdrlab/ { print $2 }'); do ip -o link show master "$b"; done | wc -l) veths on the lab bridges"

# ---------------------------------------------------------------- 3. up
step "3. lab/lab up after the kill"
lab_up up-after-kill || abort "lab/lab up after kill -9 failed (exit $?, after $UP_TIME; output: $E2E_OUT/up-after-kill.out)"
pass "lab/lab up after kill -9 took $UP_TIME"
back() {
  [[ "$(kubectl -n "$ns" get pod victim-0 -o jsonpath='{.status.containerStatuses[0].containerID} {.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" =~ ^(.+)\ True$ ]] &&
    [[ "${BASH_REMATCH[1]}" != "$cid_before" ]]
}
t_back=$(now)
for _ in $(seq 1 120); do back && break; sleep 1; done
if back; then pass "victim-0 running again (a new container) $(elapsed "$t_back") after up"; else fail "victim-0 not running again 120 s after up: $(kubectl -n "$ns" get pod victim-0 -o wide 2>&1 | tail -1)"; fi

# ---------------------------------------------------------------- 4. drill
step "4. the pod-kill drill on the revived lab"
drill_ns="$(e2e_ns kdrill-demo)"
run_kdrill pod-kill run "$E2E_REPO/scenarios/pod-kill.yaml" -n "$drill_ns" --junit "$E2E_OUT/pod-kill.xml" --json "$E2E_OUT/pod-kill.json"
expect_rc 0 "pod-kill drill after kill -9 and up" pod-kill
expect_junit_valid "$E2E_OUT/pod-kill.xml"
expect_namespace_gone "$drill_ns"
expect_no_pending_journal

# ---------------------------------------------------------------- 5. down
step "5. delete $ns; lab/lab down leaves nothing behind"
kubectl delete namespace "$ns" --timeout=120s >/dev/null
kubectl get namespace "$ns" >/dev/null 2>&1
case $? in
  0) fail "namespace $ns still exists after its deletion" ;;
  124 | 137) fail "could not check that namespace $ns is gone: kubectl timed out" ;;
  *) pass "namespace $ns is gone" ;;
esac
lab_clean_before "$LAB_STATE_DIR"
LAB_CLEAN_SOCKETS+=" $killed_socks"
LAB_NEEDS_UP=1
t_down=$(now)
if lab_bounded "$lab" down >"$E2E_OUT/down.out" 2>&1; then
  pass "lab/lab down took $(elapsed "$t_down")"
else
  fail "lab/lab down failed (output: $E2E_OUT/down.out)"; tail -30 "$E2E_OUT/down.out" >&2
fi
left="$(lab_clean_leftovers "$LAB_STATE_DIR" "$LAB_BIN_DIR")"
if [[ -z "$left" ]]; then
  pass "no lab process, mount, loop device, network device, veth, shim socket, netns, iptables chain or cgroup left"
else
  fail "left after down:"$'\n'"$left"
fi
new_chains="$(comm -13 <(echo "$chains_before") <(iptables_chains) | tr '\n' ' ')"
if [[ -z "${new_chains// /}" ]]; then pass "no iptables chain made since the test started"; else fail "iptables chains made since the test started and left after down: $new_chains"; fi
if [[ -e "$LAB_STATE_DIR" ]]; then fail "state dir $LAB_STATE_DIR still there after down"; else pass "state dir removed"; fi

# ---------------------------------------------------------------- 6. up again
step "6. lab/lab up again for the next tests"
lab_up up-again || abort "lab/lab up after down failed (after $UP_TIME; output: $E2E_OUT/up-again.out)"
pass "lab/lab up after down took $UP_TIME"
summary="$(lab_bounded "$lab" status | grep -E '^summary:')"
if [[ "$summary" =~ ([0-9]+)/([0-9]+)\ components\ running ]] && [[ "${BASH_REMATCH[1]}" == "${BASH_REMATCH[2]}" ]]; then
  pass "lab/lab status: ${summary#summary: }"
else
  fail "lab/lab status after up: '$summary'"
fi
node_states="$(kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}')"
if [[ -n "$node_states" ]] && ! grep -qv '=True$' <<<"$node_states"; then
  pass "nodes Ready: $(echo $node_states)"
else
  fail "nodes not all Ready after up: $(echo $node_states)"
fi
e2e_finish
