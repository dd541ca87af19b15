#!/bin/sh
# Entrypoint of localhost/postgres:lab: one pod of a PostgreSQL StatefulSet.
# Ordinal 0 is the primary; every other ordinal is a streaming replica of
# <set>-0.<service>. Runs as the image's user postgres (uid 999).
#
# First start of the primary: initdb (trust authentication: a lab, no
# secrets), then PostgreSQL. First start of a replica: pg_basebackup from the
# primary (retried until the primary answers), then PostgreSQL in standby.
# Later starts find PG_VERSION on the claim and start the server on it.
#
# Environment (all optional):
#   PG_SERVICE        the headless Service (default: the pod name without its ordinal)
#   PG_PRIMARY_HOST   where replicas copy and stream from (default <set>-0.<service>)
#   PG_CONNINFO_HOST  the host replicas stream from once copied (default PG_PRIMARY_HOST;
#                     a wrong one makes a replica that never streams)
#   PG_FSYNC, PG_SYNCHRONOUS_COMMIT   on (default) or off
#   PG_TEST_DROP_LAST_ROWS  N: a deliberate fault for negative controls. When
#                     the primary restarts on an existing claim, it deletes the
#                     N highest ids of kdrill's write workload table
#                     (kdrill_writes) before it accepts clients: committed,
#                     acknowledged writes that are gone, as a primary that lost
#                     its last commits would be.
set -eu
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
pod="${HOSTNAME:?HOSTNAME is not set}"
ordinal="${pod##*-}"
set_name="${pod%-*}"
: "${PG_SERVICE:=$set_name}"
: "${PG_PRIMARY_HOST:=$set_name-0.$PG_SERVICE}"
: "${PG_CONNINFO_HOST:=$PG_PRIMARY_HOST}"
log() { echo "postgres-lab-entrypoint: $*" >&2; }

fresh_datadir() { rm -rf "$PGDATA" && mkdir -p "$PGDATA" && chmod 700 "$PGDATA"; }
mkdir -p "$PGDATA"
chmod 700 "$PGDATA"
restarted=1
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  restarted=0
  # An interrupted initdb or base backup leaves a partial directory.
  fresh_datadir
  if [ "$ordinal" = 0 ]; then
    log "$pod: primary, initialising $PGDATA"
    initdb -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >&2
    {
      echo "host all all 0.0.0.0/0 trust"
      echo "host replication all 0.0.0.0/0 trust"
    } >>"$PGDATA/pg_hba.conf"
  else
    log "$pod: replica, copying from $PG_PRIMARY_HOST"
    until pg_basebackup -h "$PG_PRIMARY_HOST" -U postgres -D "$PGDATA" -X stream -c fast -R >&2; do
      log "$pod: $PG_PRIMARY_HOST not ready, retrying in 2 s"
      fresh_datadir
      sleep 2
    done
  fi
fi

# Settings a standby must match (a primary started with others logs a
# parameter change that stops its replicas): every start uses these.
standby_matched="-c wal_level=replica -c max_wal_senders=10 -c max_connections=30 -c max_worker_processes=8"
# shellcheck disable=SC2086 # word splitting of standby_matched is intended
set -- postgres -D "$PGDATA" \
  -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql \
  $standby_matched -c wal_keep_size=64MB -c hot_standby=on \
  -c shared_buffers=16MB -c jit=off \
  -c fsync="${PG_FSYNC:-on}" -c synchronous_commit="${PG_SYNCHRONOUS_COMMIT:-on}"
if [ "$ordinal" != 0 ]; then
  touch "$PGDATA/standby.signal"
  # A replica may connect to the old primary's address (a DNS answer still
  # cached) just before that pod's network goes away: the connection then
  # dies without a reset, and the walreceiver would wait for it up to
  # wal_receiver_timeout (60 s by default) before it tries the new primary.
  # TCP keepalives and a user timeout end such a connection within ~5 s.
  set -- "$@" -c wal_receiver_timeout=15s -c primary_conninfo="host=$PG_CONNINFO_HOST user=postgres \
application_name=$pod connect_timeout=5 keepalives_idle=3 keepalives_interval=1 keepalives_count=2 tcp_user_timeout=5000"
fi
drop="${PG_TEST_DROP_LAST_ROWS:-0}"
if [ "$ordinal" = 0 ] && [ "$restarted" = 1 ] && [ "$drop" -gt 0 ] 2>/dev/null; then
  log "$pod: TEST FAULT PG_TEST_DROP_LAST_ROWS=$drop: deleting the last $drop rows of kdrill_writes"
  pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql \
    $standby_matched -c shared_buffers=16MB" start >&2
  psql -XAtq -v ON_ERROR_STOP=1 -c "DELETE FROM kdrill_writes WHERE id IN
    (SELECT id FROM kdrill_writes ORDER BY id DESC LIMIT $drop) RETURNING id" >&2 ||
    log "$pod: TEST FAULT: nothing deleted"
  pg_ctl -D "$PGDATA" -w -s -m fast stop >&2
fi
log "$pod: starting $(postgres --version)"
exec "$@"
