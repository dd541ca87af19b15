# Bounds for the external commands of the e2e scripts (bash; sourced by
# lib.sh, lab-smoke.sh and lab-snapshot.sh). kubectl and lab/lab run under GNU
# timeout (lib.sh adds kdrill), so a hang becomes a failure that says
# "timed out after N s: COMMAND", never a silent stall.
#
#   E2E_KUBECTL_TIMEOUT  seconds per kubectl call (default 120; a call with
#                        its own --timeout=N gets N + 30 when that is longer)
#   E2E_LAB_TIMEOUT      lab/lab env, paths, status (default 120)
#   E2E_LAB_UPDOWN_TIMEOUT  lab/lab up, down (default 600)
#   E2E_BUDGET           seconds the whole script may take (CMake sets it a
#                        little below the ctest TIMEOUT): no call is given
#                        more than what is left of it, so a hang is reported
#                        by the script before ctest kills it
#   E2E_TIMEOUTS         a file the script sets: one line per timed-out
#                        command (a timeout inside $(...) is counted too)

if [[ "${E2E_BUDGET:-0}" -gt 0 && -z "${E2E_DEADLINE:-}" ]]; then
  printf -v E2E_DEADLINE '%(%s)T' -1
  E2E_DEADLINE=$((E2E_DEADLINE + E2E_BUDGET))
fi

# e2e_bound SECS: SECS, or what is left of E2E_BUDGET when that is less (at least 1).
e2e_bound() {
  local secs="$1" now left
  if [[ -n "${E2E_DEADLINE:-}" ]]; then
    printf -v now '%(%s)T' -1
    left=$((E2E_DEADLINE - now))
    ((left < 1)) && left=1
    ((left < secs)) && secs=$left
  fi
  echo "$secs"
}

# e2e_timed_out SECS START RC COMMAND...: reports COMMAND as timed out when RC
# says so (124; 137 once SECS have passed since START, epoch seconds).
e2e_timed_out() {
  local secs="$1" start="$2" rc="$3" now; shift 3
  printf -v now '%(%s)T' -1
  if ((rc == 124 || (rc == 137 && now - start >= secs))); then
    echo "FAIL: timed out after $secs s: $*" >&2
    if [[ -n "${E2E_TIMEOUTS:-}" ]]; then echo "timed out after $secs s: $*" >>"$E2E_TIMEOUTS"; fi
    return 0
  fi
  return 1
}

# bounded SECS KILL_AFTER CMD ARGS...: CMD under timeout (TERM after SECS, or
# less as e2e_bound says, KILL KILL_AFTER s later); CMD's exit code.
bounded() {
  local secs kill_after="$2" start rc
  secs="$(e2e_bound "$1")"; shift 2
  printf -v start '%(%s)T' -1
  timeout -k "$kill_after" "$secs" "$@"
  rc=$?
  e2e_timed_out "$secs" "$start" "$rc" "$@"
  return "$rc"
}

# kubectl ARGS...: the real kubectl, bounded.
kubectl() {
  local secs="${E2E_KUBECTL_TIMEOUT:-120}" a n
  for a in "$@"; do
    case "$a" in
      --timeout=*s) n="${a#--timeout=}"; n="${n%s}" ;;
      --timeout=*m) n="${a#--timeout=}"; n="${n%m}"; [[ "$n" =~ ^[0-9]+$ ]] && n=$((n * 60)) ;;
      *) continue ;;
    esac
    if [[ "$n" =~ ^[0-9]+$ ]] && ((n + 30 > secs)); then secs=$((n + 30)); fi
  done
  bounded "$secs" 10 kubectl "$@"
}

# lab_bounded LAB ARGS...: the lab/lab script at LAB, bounded: up and down get
# E2E_LAB_UPDOWN_TIMEOUT, everything else E2E_LAB_TIMEOUT.
lab_bounded() {
  local lab="$1"; shift
  case "${1:-}" in
    up | down) bounded "${E2E_LAB_UPDOWN_TIMEOUT:-600}" 15 "$lab" "$@" ;;
    *) bounded "${E2E_LAB_TIMEOUT:-120}" 10 "$lab" "$@" ;;
  esac
}

# e2e_timeouts: the timed-out commands so far (empty when none).
e2e_timeouts() { if [[ -n "${E2E_TIMEOUTS:-}" && -s "$E2E_TIMEOUTS" ]]; then cat "$E2E_TIMEOUTS"; fi; }
