#!/bin/sh
# Entrypoint of localhost/redis:lab: one Redis server, as the image's user
# redis (uid 999), its files in /data (the pod's claim). In a StatefulSet,
# ordinal 0 is the primary and every other ordinal a replica of
# <set>-0.<service>; a Deployment's pod (no ordinal) sets REDIS_ROLE=primary.
#
# Environment (all optional):
#   REDIS_ROLE          primary | replica | auto (default: by the pod's ordinal)
#   REDIS_SERVICE       the headless Service (default: the pod name without its ordinal)
#   REDIS_PRIMARY_HOST  what a replica replicates (default <set>-0.<service>)
#   REDIS_PERSISTENCE   aof (default): an append-only file, fsynced before each
#                       reply (appendfsync always), read back at every start;
#                       none: memory only, so a restart starts empty. The
#                       negative control of the write workload sets none.
#   REDIS_REPL_TIMEOUT  seconds (default 10): how long a replica waits on a
#                       primary that does not answer, including its connect.
#                       Redis's default, 60, made a replica sit for up to a
#                       minute in a connect to its killed primary's old
#                       address (DNS still answered with it for a few seconds
#                       after the new primary was up).
# No password: a lab, no secrets.
set -eu
pod="${HOSTNAME:?HOSTNAME is not set}"
ordinal="${pod##*-}"
set_name="${pod%-*}"
: "${REDIS_SERVICE:=$set_name}"
: "${REDIS_PRIMARY_HOST:=$set_name-0.$REDIS_SERVICE}"
: "${REDIS_PERSISTENCE:=aof}"
: "${REDIS_ROLE:=auto}"
: "${REDIS_REPL_TIMEOUT:=10}"
log() { echo "redis-lab-entrypoint: $*" >&2; }

if [ "$REDIS_ROLE" = auto ]; then
  if [ "$ordinal" = 0 ]; then REDIS_ROLE=primary; else REDIS_ROLE=replica; fi
fi
case "$REDIS_PERSISTENCE" in
  aof) persistence="--appendonly yes --appendfsync always" ;;
  none) persistence="--appendonly no" ;;
  *) log "REDIS_PERSISTENCE must be aof or none, not $REDIS_PERSISTENCE"; exit 2 ;;
esac
role=""
case "$REDIS_ROLE" in
  primary) ;;
  replica) role="--replicaof $REDIS_PRIMARY_HOST 6379" ;;
  *) log "REDIS_ROLE must be primary, replica or auto, not $REDIS_ROLE"; exit 2 ;;
esac
log "$pod: $REDIS_ROLE${role:+ of $REDIS_PRIMARY_HOST}, persistence $REDIS_PERSISTENCE"
# No RDB snapshots (save ""): what survives a restart is the AOF alone, so
# the persistence setting says exactly what is kept.
# The primary pings its replicas every 2 s, inside the replication timeout.
# shellcheck disable=SC2086  # the option lists are word lists on purpose
exec redis-server --port 6379 --bind 0.0.0.0 --protected-mode no --dir /data --save "" \
  --repl-timeout "$REDIS_REPL_TIMEOUT" --repl-ping-replica-period 2 $persistence $role
