#!/usr/bin/env bash
# Stop everything deploy/loopback/up.sh started (by the pid files it wrote), newest first,
# and remove its state directory. Safe to run twice, or after a failed start.
set -uo pipefail

STATE="${GONGJIAN_LOOPBACK_DIR:-/tmp/gongjian-loopback}"
say() { printf '[loopback %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

[ -d "$STATE" ] || { say "nothing to stop ($STATE does not exist)"; exit 0; }

stop_pid() { # name, pid file, signal: the process (and, for a session leader, its group)
    local pid
    [ -s "$2" ] || return 0
    pid="$(cat "$2")"
    if kill -0 "$pid" 2>/dev/null; then
        say "stopping $1 ($pid)"
        kill "-$3" "$pid" 2>/dev/null
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    fi
    rm -f "$2"
}

stop_pid nginx "$STATE/run/nginx.pid" QUIT
for f in "$STATE"/run/app*.pid; do [ -e "$f" ] && stop_pid "app server $(basename "$f" .pid)" "$f" TERM; done
stop_pid worker "$STATE/run/worker.pid" INT
stop_pid pgbouncer "$STATE/run/pgbouncer.pid" INT
stop_pid redis "$STATE/run/redis.pid" TERM
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
for cluster in replica primary; do
    dir="$STATE/pg/$cluster"
    if [ -s "$dir/postmaster.pid" ]; then
        say "stopping PostgreSQL $cluster"
        as_pg "$PGBIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null 2>&1
    fi
done
if [ "${KEEP_LOOPBACK_STATE:-0}" = 1 ]; then
    rm -f "$STATE/up"
    say "stopped; state kept in $STATE"
else
    rm -rf "$STATE"
    say "stopped; $STATE removed"
fi
