#!/bin/sh
# redis-replicas-caught-up [--within S] POD...: run on the primary. Each POD
# (a replica's pod name, reached as POD.$REDIS_SERVICE) must report its link
# to the primary up (master_link_status:up) and its replication offset equal
# to the primary's own (master_repl_offset), within S seconds (default 25).
# Prints "caught up: POD ..." and exits 0, or names each replica that is not,
# and why, and exits 1.
set -u
within=25
if [ "${1:-}" = --within ]; then within="$2"; shift 2; fi
[ $# -gt 0 ] || { echo "usage: redis-replicas-caught-up [--within S] POD..." >&2; exit 2; }
pod="${HOSTNAME:?HOSTNAME is not set}"
: "${REDIS_SERVICE:=${pod%-*}}"

field() { printf '%s\n' "$1" | tr -d '\r' | sed -n "s/^$2://p"; }

deadline=$(( $(date +%s) + within ))
while :; do
  behind=""
  primary=$(redis-cli INFO replication 2>&1)
  want=$(field "$primary" master_repl_offset)
  for replica in "$@"; do
    info=$(timeout 5 redis-cli -h "$replica.$REDIS_SERVICE" INFO replication 2>&1)
    link=$(field "$info" master_link_status)
    got=$(field "$info" slave_repl_offset)
    if [ "$link" != up ]; then
      behind="$behind $replica: link ${link:-unknown} ($(printf '%s' "$info" | tr '\r\n' '  ' | cut -c1-120));"
    elif [ "$got" != "$want" ]; then
      behind="$behind $replica: offset $got, primary at $want;"
    fi
  done
  if [ -z "$behind" ]; then
    echo "caught up: $* at offset $want"
    exit 0
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    echo "not caught up within ${within} s:$behind"
    exit 1
  fi
  sleep 0.5
done
