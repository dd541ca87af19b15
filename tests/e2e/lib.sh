# Shared helpers for kdrill's end-to-end tests (bash). Each test runs the
# real kdrill binary against the lab cluster and checks exit codes, reports
# and the cluster state it leaves.
#
# Usage: source this file; KDRILL is the binary (default build/kdrill).
# Tests may run at once: every namespace a test uses comes from e2e_ns, and
# kubectl, kdrill and lab/lab calls are bounded (timeouts.sh, run_kdrill).
set -uo pipefail

E2E_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KDRILL="${KDRILL:-$E2E_REPO/build/kdrill}"
E2E_XSD="${E2E_XSD:-$E2E_REPO/../shared/junit/junit-10.xsd}"

E2E_OUT="$(mktemp -d "${TMPDIR:-/tmp}/kdrill-e2e.XXXXXX")"
# E2E_LOG_DIR (set by .ci/run): the test's output is also written, as it
# happens, to E2E_LOG_DIR/<script name>.log, so that a run stopped by its
# deadline can show what a hung test was doing.
if [[ -n "${E2E_LOG_DIR:-}" ]]; then
  exec > >(tee -a "$E2E_LOG_DIR/$(basename "$0" .sh).log") 2>&1
  echo "e2e: outputs in $E2E_OUT"
fi
export KDRILL_STATE_DIR="$E2E_OUT/state"
E2E_FAILED=0

# kubectl and lab/lab run under timeout from here on (kdrill: see run_kdrill).
E2E_TIMEOUTS="$E2E_OUT/timeouts"
source "$E2E_REPO/tests/e2e/timeouts.sh"
e2e_env="$(lab_bounded "$E2E_REPO/lab/lab" env)" && [[ -n "$e2e_env" ]] ||
  { echo "FAIL: lab/lab env did not work (is the lab up?)" >&2; rm -rf "$E2E_OUT"; exit 1; }
eval "$e2e_env"

# Namespaces of their own: every namespace a test uses is e2e_ns BASE, so
# tests running at once, and a namespace left by a killed run, never collide.
E2E_SUFFIX="$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
# e2e_ns BASE: BASE-<6 hex chars of this test run> (at most 63 characters).
e2e_ns() {
  local base="${1:0:56}"
  echo "${base%-}-$E2E_SUFFIX"
}

e2e_log() { echo "e2e: $*"; }
fail() { echo "FAIL: $*" >&2; E2E_FAILED=1; }
pass() { echo "ok: $*"; }

# kdrill ARGS...: the kdrill under test, bounded (TERM after
# E2E_KDRILL_TIMEOUT s, default 480, or what is left of E2E_BUDGET; KILL 15 s later).
kdrill() {
  local secs start rc
  secs="$(e2e_bound "${E2E_KDRILL_TIMEOUT:-480}")"
  printf -v start '%(%s)T' -1
  timeout -k 15 "$secs" "$KDRILL" "$@"
  rc=$?
  e2e_timed_out "$secs" "$start" "$rc" kdrill "$@"
  return "$rc"
}

# run_kdrill NAME ARGS...: runs kdrill, output to $E2E_OUT/NAME.out, exit code in $RC.
# A `run` with --junit and no --json also writes its JSON report (beside the
# JUnit file's directory, which already decides where backups go); either way
# expect_verdict NAME reads it.
run_kdrill() {
  local name="$1" secs start arg json="" junit=""; shift
  local -a args=("$@")
  local prev=""
  for arg in "$@"; do
    [[ "$prev" == --json ]] && json="$arg"
    [[ "$prev" == --junit ]] && junit="$arg"
    prev="$arg"
  done
  if [[ "${1:-}" == run && -z "$json" && -n "$junit" ]]; then
    json="$E2E_OUT/$name.report.json"
    args+=(--json "$json")
  fi
  printf '%s' "$json" >"$E2E_OUT/$name.jsonpath"
  secs="$(e2e_bound "${E2E_KDRILL_TIMEOUT:-480}")"
  printf -v start '%(%s)T' -1
  timeout -k 15 "$secs" "$KDRILL" "${args[@]}" >"$E2E_OUT/$name.out" 2>&1
  RC=$?
  e2e_timed_out "$secs" "$start" "$RC" kdrill "$@"
  e2e_log "kdrill $* -> exit $RC (output: $E2E_OUT/$name.out)"
}

# start_kdrill OUT ARGS...: kdrill ARGS in the background, bounded as above,
# output to OUT. KDRILL_PID is kdrill's own pid: signal_kdrill sends it a
# signal (a SIGKILL to the timeout process would not reach kdrill);
# wait_kdrill waits for the run and sets RC. The exit status goes through a
# file, not `wait PID`: with pid_max 32768 and a busy lab, a PID is reused
# within a minute, and bash then forgets the finished job's status (wait
# answered 127 for a control that had failed as it should).
start_kdrill() {
  local out="$1" _ timeout_pid; shift
  KDRILL_BG_SECS="$(e2e_bound "${E2E_KDRILL_TIMEOUT:-480}")"
  printf -v KDRILL_BG_START '%(%s)T' -1
  KDRILL_BG_ARGS=("$@")
  KDRILL_BG_RC="$(mktemp "$E2E_OUT/kdrill-rc.XXXXXX")"
  { timeout -k 15 "$KDRILL_BG_SECS" "$KDRILL" "$@" >"$out" 2>&1; echo "$?" >"$KDRILL_BG_RC"; } &
  KDRILL_BG=$!
  KDRILL_PID=""
  for _ in $(seq 1 100); do
    timeout_pid="$(ps -o pid= --ppid "$KDRILL_BG" | tr -d ' ' | head -1)"
    [[ -n "$timeout_pid" ]] && KDRILL_PID="$(ps -o pid= --ppid "$timeout_pid" | tr -d ' ' | head -1)"
    [[ -n "$KDRILL_PID" ]] && break
    kill -0 "$KDRILL_BG" 2>/dev/null || break
    sleep 0.1
  done
  if [[ -z "$KDRILL_PID" ]]; then e2e_log "kdrill $* ended at once (or its pid was not found)"; fi
}

# signal_kdrill SIGNAL: sends SIGNAL (INT, KILL, ...) to the kdrill of start_kdrill.
signal_kdrill() {
  if [[ -n "$KDRILL_PID" ]]; then kill -"$1" "$KDRILL_PID"; else kill -"$1" "$KDRILL_BG"; fi
}

# wait_kdrill: waits for the kdrill of start_kdrill; its exit code in $RC.
wait_kdrill() {
  wait "$KDRILL_BG" 2>/dev/null
  RC=$?
  # The status the subshell wrote; the wait's own only when it wrote none.
  if [[ -s "$KDRILL_BG_RC" ]]; then RC="$(cat "$KDRILL_BG_RC")"; fi
  e2e_timed_out "$KDRILL_BG_SECS" "$KDRILL_BG_START" "$RC" kdrill "${KDRILL_BG_ARGS[@]}"
  return 0
}

expect_rc() {
  local want="$1" what="$2"
  if [[ "$RC" == "$want" ]]; then pass "$what: exit $RC"; else fail "$what: expected exit $want, got $RC"; tail -40 "$E2E_OUT/$3.out" >&2; fi
}

expect_grep() {
  local pattern="$1" file="$2" what="$3"
  if grep -Eq -- "$pattern" "$file"; then pass "$what"; else fail "$what: /$pattern/ not in $file"; tail -30 "$file" >&2; fi
}

# expect_case JSON CASE OUTCOME [PATTERN]: the JSON report's case named CASE
# (any drill in the file) has OUTCOME (passed, failed, error, skipped), and
# its message matches the extended regex PATTERN when given.
expect_case() {
  local file="$1" name="$2" want="$3" pattern="${4:-}" got msg
  got="$(jq -r --arg n "$name" '[.items[].cases[] | select(.name == $n)][0].outcome // "absent"' "$file")"
  msg="$(jq -r --arg n "$name" '[.items[].cases[] | select(.name == $n)][0].message // ""' "$file")"
  if [[ "$got" != "$want" ]]; then
    fail "case '$name': expected $want, got $got: $msg"
  elif [[ -n "$pattern" ]] && ! grep -Eq -- "$pattern" <<<"$msg"; then
    fail "case '$name' ($got): message lacks /$pattern/: $msg"
  else
    pass "case '$name' $got${pattern:+ (/$pattern/)}"
  fi
}

# expect_verdict NAME CASE OUTCOME [PATTERN]: expect_case on the JSON report
# of the run_kdrill named NAME (it must have had --junit or --json).
expect_verdict() {
  local json
  json="$(cat "$E2E_OUT/$1.jsonpath" 2>/dev/null)"
  if [[ -z "$json" || ! -s "$json" ]]; then
    fail "$1: no JSON report to read case '$2' from (run it with --junit or --json)"; tail -20 "$E2E_OUT/$1.out" >&2
    return
  fi
  expect_case "$json" "$2" "$3" "${4:-}"
}

# expect_volume_checked NAME: the JSON report of the run_kdrill named NAME
# shows at-most-one-per-ordinal passed with the volume-level check run:
# heartbeats read back from at least one volume, never a fallback to the API.
expect_volume_checked() {
  expect_verdict "$1" at-most-one-per-ordinal passed \
    '; on [1-9][0-9]* volume\(s\), [1-9][0-9]* incarnation\(s\) wrote heartbeats, never two at once'
}

# case_property JSON CASE NAME: a property of a case (empty when absent).
case_property() {
  jq -r --arg n "$2" --arg p "$3" '[.items[].cases[] | select(.name == $n)][0].properties[$p] // ""' "$1"
}

# wait_for_line FILE PATTERN SECONDS: until the extended regex is in FILE.
wait_for_line() {
  local _
  for _ in $(seq 1 "$3"); do grep -Eq -- "$2" "$1" && return 0; sleep 1; done
  return 1
}

expect_junit_valid() {
  if xmllint --noout --schema "$E2E_XSD" "$1" 2>"$E2E_OUT/xmllint.err"; then
    pass "JUnit $1 is valid against junit-10.xsd"
  else
    fail "JUnit $1 is not valid: $(cat "$E2E_OUT/xmllint.err")"
  fi
}

# expect_html_shown HTML VERDICT [html_check.py options]: opens the HTML report
# in headless Chromium and checks the laid-out page (tests/e2e/html_check.py
# says what; Debian's python3 with its python3-selenium and chromium-driver,
# whatever python3 comes first in PATH); its screenshot goes to $E2E_OUT and, when E2E_SCREENS_DIR is
# set, there too (to refresh docs/screens).
expect_html_shown() {
  local html="$1" verdict="$2" shot
  shift 2
  shot="$E2E_OUT/$(basename "$html" .html).png"
  if timeout -k 5 "$(e2e_bound 120)" /usr/bin/python3 "$E2E_REPO/tests/e2e/html_check.py" "$html" --verdict "$verdict" \
    --screenshot "$shot" "$@" >"$E2E_OUT/html-check.out" 2>&1; then
    pass "HTML report $html laid out in Chromium as expected ($(grep -c '^ok:' "$E2E_OUT/html-check.out") checks)"
  else
    fail "HTML report $html in Chromium: $(grep -v '^ok:' "$E2E_OUT/html-check.out" | head -20)"
  fi
  [[ -z "${E2E_SCREENS_DIR:-}" || ! -f "$shot" ]] || cp "$shot" "$E2E_SCREENS_DIR/"
}

# The cluster as a drill must leave it: the namespace gone, no kdrill file left.
expect_namespace_gone() {
  local ns="$1" rc
  kubectl get namespace "$ns" >/dev/null 2>&1
  rc=$?
  if ((rc == 0)); then
    fail "namespace $ns still exists after the drill"
  elif ((rc == 124 || rc == 137)); then
    fail "could not check that namespace $ns is gone: kubectl timed out"
  else
    pass "namespace $ns is gone"
  fi
}

# ensure_catalogue_image NAME: lab/lab image build NAME --import (built once
# per lab cache, imported only where missing); on failure the test ends here.
ensure_catalogue_image() {
  local name="$1" start=$SECONDS
  if lab_bounded "$E2E_REPO/lab/lab" image build "$name" --import >"$E2E_OUT/image-$name.out" 2>&1; then
    pass "lab/lab image build $name --import ($((SECONDS - start)) s): $(tail -1 "$E2E_OUT/image-$name.out")"
  else
    fail "lab/lab image build $name --import failed"; tail -20 "$E2E_OUT/image-$name.out" >&2
    e2e_finish
  fi
}

expect_no_pending_journal() {
  if kdrill recover --journal-dir "$KDRILL_STATE_DIR" | grep -q "nothing to do"; then
    pass "no pending journal"
  else
    fail "a journal is still pending in $KDRILL_STATE_DIR"
  fi
}

e2e_finish() {
  local timed_out
  timed_out="$(e2e_timeouts)"
  if [[ -n "$timed_out" ]]; then fail "command(s) timed out:"$'\n'"$timed_out"; fi
  if [[ "$E2E_FAILED" == 0 ]]; then
    rm -rf "$E2E_OUT"
    echo "PASS"
    exit 0
  fi
  echo "FAILED (outputs kept in $E2E_OUT)" >&2
  exit 1
}
