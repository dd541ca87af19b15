#!/bin/sh
# pg-replicas-caught-up [--within SECONDS] REPLICA...
# Run on the primary. Waits until every named replica (its application_name,
# the pod name) is streaming in pg_stat_replication with its replay position
# at the primary's current WAL position (replay lag 0 bytes). Prints one line
# per replica and "caught up" when all are; exit 1 with what each one lacks
# when the time runs out, exit 2 on bad arguments.
set -u
within=60
if [ "${1:-}" = --within ]; then within="${2:?--within needs seconds}"; shift 2; fi
[ $# -gt 0 ] || { echo "usage: pg-replicas-caught-up [--within SECONDS] REPLICA..." >&2; exit 2; }
deadline=$(( $(date +%s) + within ))
while :; do
  missing=""
  report=""
  for r in "$@"; do
    row="$(psql -XAtq -F ' ' -c "select state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) from pg_stat_replication where application_name = '$r'" 2>&1)"
    state="${row%% *}"
    lag="${row#* }"
    if [ "$state" = streaming ] && [ "$lag" = 0 ]; then
      report="$report$r: streaming, replay lag 0 bytes
"
    elif [ -z "$row" ]; then
      missing="$missing$r: not connected (absent from pg_stat_replication)
"
    else
      missing="$missing$r: state ${state:-?}, replay lag ${lag:-?} bytes
"
    fi
  done
  if [ -z "$missing" ]; then
    printf '%s' "$report"
    echo "caught up"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    printf '%s' "$report$missing"
    echo "not caught up after ${within} s"
    exit 1
  fi
  sleep 1
done
