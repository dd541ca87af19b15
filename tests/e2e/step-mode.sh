#!/usr/bin/env bash
# kdrill run --step as a person sees it, in a tmux terminal (its own tmux
# server): the step and its explain: are on the screen before anything
# happens, nothing happens until Enter, the live table shows the victim's
# row change incarnation and come back Ready, s skips a step, q stops the run
# and cleans up (exit 130, namespace gone, no pending journal). Without a
# terminal, --step is refused with exit 2.
source "$(dirname "$0")/lib.sh"

ns="$(e2e_ns kdrill-step)"
drill="$E2E_REPO/tests/e2e/drills/step-mode.yaml"

# No terminal on stdin: refused before anything is read from the cluster.
run_kdrill no-tty run --step "$drill" -n "$ns"
expect_rc 2 "--step without a terminal" no-tty
expect_grep 'stdin must be a terminal' "$E2E_OUT/no-tty.out" "--step says it needs a terminal"

sock="kdrill-e2e-$E2E_SUFFIX"
tm() { timeout 20 tmux -L "$sock" "$@"; }
screen() { tm capture-pane -p -J -t step -S -500; }
# wait_screen PATTERN SECONDS: until the pane shows the extended regex.
wait_screen() {
  local _
  for _ in $(seq 1 "$2"); do screen | grep -Eq -- "$1" && return 0; sleep 1; done
  return 1
}
uid_of() { kubectl -n "$ns" get pod "$1" -o jsonpath='{.metadata.uid}' 2>/dev/null; }
cleanup_tmux() { tm kill-server >/dev/null 2>&1 || true; }
trap cleanup_tmux EXIT

secs="$(e2e_bound 300)"
tm -f /dev/null new-session -d -s step -x 120 -y 45 \
  "timeout --foreground -k 15 $secs $KDRILL run --step $drill -n $ns --json $E2E_OUT/step.json; echo KDRILL-EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ' | sed 's/^/TTY-MODES: /'; echo; sleep 600"
tm set-option -t step history-limit 5000 >/dev/null

if wait_screen '== step 1/4: kill web-1 ==' 120; then
  pass "step 1 is announced"
else
  fail "step 1 was never announced:"$'\n'"$(screen)"
fi
screen >"$E2E_OUT/screen-step1.txt"
expect_grep 'victims: web-1' "$E2E_OUT/screen-step1.txt" "the victim is named before the step"
expect_grep 'web-1 mounts claim data-web-1 \(volume pvc-' "$E2E_OUT/screen-step1.txt" "the victim's claim and volume are named"
expect_grep 'explain: web-1 is deleted at once. Watch: a pod named web-1 comes back' "$E2E_OUT/screen-step1.txt" \
  "the narration is on the screen before the step"
expect_grep '\[Enter\] run it +\[s\] skip it +\[q\] stop and clean up' "$E2E_OUT/screen-step1.txt" "the keys are shown"

# Nothing happens until Enter.
uid1="$(uid_of web-1)"
sleep 3
if [[ -n "$uid1" && "$(uid_of web-1)" == "$uid1" ]]; then
  pass "web-1 is untouched while the prompt waits"
else
  fail "web-1 changed (or is missing) before Enter: '$uid1' -> '$(uid_of web-1)'"
fi
tm send-keys -t step Enter
if wait_screen '-> step 1/4 passed: pod-kill acted on web-1' 60; then pass "Enter ran step 1"; else fail "step 1 did not run:"$'\n'"$(screen)"; fi
if wait_screen '== step 2/4: wait statefulset-settled #2 ==' 30; then pass "step 2 is announced"; else fail "no step 2"; fi
# The live table below the lines: web-1's row changes incarnation and comes
# back Running and Ready (the table is redrawn from the watches).
if wait_screen '^  1  web-1 +Running +yes .*<- new \(2nd\)' 60; then
  pass "the live table shows web-1 as a new incarnation, Running and Ready"
else
  fail "the live table never showed web-1 back:"$'\n'"$(screen)"
fi
screen >"$E2E_OUT/screen-live.txt"
expect_grep '^-- live: .*/web \| at the --step prompt before step 2/4' "$E2E_OUT/screen-live.txt" \
  "the live table names what the run is doing"
new1="$(uid_of web-1)"
if [[ -n "$new1" && "$new1" != "$uid1" ]]; then pass "web-1 is a new incarnation"; else fail "web-1 was not replaced"; fi
tm send-keys -t step Enter
if wait_screen '== step 3/4: kill web-2 ==' 150; then pass "the wait ran; step 3 is announced"; else fail "no step 3:"$'\n'"$(screen)"; fi
uid2="$(uid_of web-2)"
tm send-keys -t step s
if wait_screen 'skipped: nothing was done' 30 && wait_screen '== step 4/4: kill web-0 ==' 30; then
  pass "s skipped step 3"
else
  fail "s did not skip:"$'\n'"$(screen)"
fi
if [[ -n "$uid2" && "$(uid_of web-2)" == "$uid2" ]]; then pass "the skipped step left web-2 alone"; else fail "web-2 changed"; fi
tm send-keys -t step q
if wait_screen 'KDRILL-EXIT=' 150; then pass "q ended the run"; else fail "the run did not end after q:"$'\n'"$(screen)"; fi
screen >"$E2E_OUT/screen-end.txt"
expect_grep 'KDRILL-EXIT=130' "$E2E_OUT/screen-end.txt" "q exits 130, as a first Ctrl-C"
expect_grep 'stopping: the steps left are not run; cleaning up' "$E2E_OUT/screen-end.txt" "q says what it does"
if grep -Eq 'cleanup.*(passed|restored)' "$E2E_OUT/screen-end.txt"; then pass "cleanup ran"; else fail "no cleanup on the screen"; fi
if jq -e '.items[0].cases[] | select(.name == "kill web-2") | .outcome == "skipped" and .message == "skipped at the --step prompt"' \
  "$E2E_OUT/step.json" >/dev/null && jq -e '.items[0].cases[] | select(.name == "kill web-0") | .outcome == "skipped"' \
  "$E2E_OUT/step.json" >/dev/null && jq -e '.items[0].cases[] | select(.name == "kill web-1") | .explain | startswith("web-1 is deleted")' \
  "$E2E_OUT/step.json" >/dev/null; then
  pass "the JSON report records the skipped and stopped steps and keeps the narration"
else
  fail "JSON report: $(jq -c '[.items[0].cases[] | {name, outcome, message}]' "$E2E_OUT/step.json" 2>&1)"
fi
expect_grep 'TTY-MODES: icanon echo' "$E2E_OUT/screen-end.txt" "the terminal is as it was (line mode, echo) after q"
expect_namespace_gone "$ns"

# Ctrl-C while the prompt waits: the run stops, cleans up, exits 130, and the
# terminal is back in line mode with echo.
ns2="$(e2e_ns kdrill-step-intr)"
tm new-session -d -s intr -x 120 -y 45 \
  "timeout --foreground -k 15 $secs $KDRILL run --step $drill -n $ns2; echo KDRILL-EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ' | sed 's/^/TTY-MODES: /'; echo; sleep 600"
intr_screen() { tm capture-pane -p -J -t intr -S -500; }
for _ in $(seq 1 120); do intr_screen | grep -q '== step 1/4: kill web-1 ==' && break; sleep 1; done
tm send-keys -t intr C-c
for _ in $(seq 1 120); do intr_screen | grep -q 'TTY-MODES:' && break; sleep 1; done
intr_screen >"$E2E_OUT/screen-intr.txt"
expect_grep 'KDRILL-EXIT=130' "$E2E_OUT/screen-intr.txt" "Ctrl-C at the prompt exits 130"
expect_grep 'undo delete Namespace' "$E2E_OUT/screen-intr.txt" "Ctrl-C at the prompt cleans up"
expect_grep 'TTY-MODES: icanon echo' "$E2E_OUT/screen-intr.txt" "the terminal is restored after Ctrl-C at the prompt"
expect_namespace_gone "$ns2"
expect_no_pending_journal
[[ -n "${E2E_SCREENS_DIR:-}" ]] && cp "$E2E_OUT/screen-step1.txt" "$E2E_OUT/screen-live.txt" "$E2E_OUT/screen-end.txt" "$E2E_SCREENS_DIR/"
e2e_finish
