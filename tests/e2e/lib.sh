# Shared helpers for kdrill's end-to-end tests (bash). Each test runs the
# real kdrill binary against the lab cluster and checks exit codes, reports
# and the cluster state it leaves.
#
# Usage: source this file; KDRILL is the binary (default build/kdrill).
set -uo pipefail

E2E_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KDRILL="${KDRILL:-$E2E_REPO/build/kdrill}"
E2E_XSD="${E2E_XSD:-$E2E_REPO/../shared/junit/junit-10.xsd}"
eval "$("$E2E_REPO/lab/lab" env)" || { echo "FAIL: lab/lab env did not work (is the lab up?)" >&2; exit 1; }

E2E_OUT="$(mktemp -d "${TMPDIR:-/tmp}/kdrill-e2e.XXXXXX")"
export KDRILL_STATE_DIR="$E2E_OUT/state"
E2E_FAILED=0

e2e_log() { echo "e2e: $*"; }
fail() { echo "FAIL: $*" >&2; E2E_FAILED=1; }
pass() { echo "ok: $*"; }

# run_kdrill NAME ARGS...: runs kdrill, output to $E2E_OUT/NAME.out, exit code in $RC.
run_kdrill() {
  local name="$1"; shift
  "$KDRILL" "$@" >"$E2E_OUT/$name.out" 2>&1
  RC=$?
  e2e_log "kdrill $* -> exit $RC (output: $E2E_OUT/$name.out)"
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

# The cluster as a drill must leave it: the namespace gone, no kdrill file left.
expect_namespace_gone() {
  local ns="$1"
  if kubectl get namespace "$ns" >/dev/null 2>&1; then
    fail "namespace $ns still exists after the drill"
  else
    pass "namespace $ns is gone"
  fi
}

expect_no_pending_journal() {
  if "$KDRILL" recover --journal-dir "$KDRILL_STATE_DIR" | grep -q "nothing to do"; then
    pass "no pending journal"
  else
    fail "a journal is still pending in $KDRILL_STATE_DIR"
  fi
}

e2e_finish() {
  if [[ "$E2E_FAILED" == 0 ]]; then
    rm -rf "$E2E_OUT"
    echo "PASS"
    exit 0
  fi
  echo "FAILED (outputs kept in $E2E_OUT)" >&2
  exit 1
}
