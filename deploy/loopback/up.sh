#!/usr/bin/env bash
# Start the whole deployment on this machine, on 127.0.0.1 ports only, for testing:
# a PostgreSQL primary and a streaming replica (made with pg_basebackup), pgbouncer in
# transaction mode, Redis, two gunicorn app servers, a task worker and nginx with TLS — from
# Debian's packages, no containers. `deploy/loopback/down.sh` stops it all.
#
#   deploy/loopback/up.sh          # state in $GONGJIAN_LOOPBACK_DIR (/tmp/gongjian-loopback)
#
# Missing packages (nginx-light pgbouncer redis-server postgresql openssl curl) are installed with apt-get
# when run as root. Every port can be moved with its variable below.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${GONGJIAN_LOOPBACK_DIR:-/tmp/gongjian-loopback}"
PRIMARY_PORT="${LOOPBACK_PRIMARY_PORT:-55432}"
REPLICA_PORT="${LOOPBACK_REPLICA_PORT:-55433}"
PGBOUNCER_PORT="${LOOPBACK_PGBOUNCER_PORT:-56432}"
REDIS_PORT="${LOOPBACK_REDIS_PORT:-56379}"
APP_PORTS="${LOOPBACK_APP_PORTS:-58001 58002}"
HTTPS_PORT="${LOOPBACK_HTTPS_PORT:-58443}"
HTTP_PORT="${LOOPBACK_HTTP_PORT:-58080}"
VENV="${VENV:-$ROOT/.venv}"
BIN="$VENV/bin"

say() { printf '[loopback %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
die() { say "FAILED: $*"; exit 1; }

if [ -e "$STATE/up" ]; then die "already up ($STATE); run deploy/loopback/down.sh first"; fi
test -x "$BIN/gunicorn" || die "no virtual environment at $VENV (make install)"

# Packages ----------------------------------------------------------------------------------
need=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "install first: apt-get install ${need[*]}"
    say "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
PGBOUNCER="$(command -v pgbouncer || echo /usr/sbin/pgbouncer)"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

# PostgreSQL and pgbouncer refuse to run as root: as root they run as `postgres`.
if [ "$(id -u)" = 0 ]; then PGUSER_OS=postgres; else PGUSER_OS="$(id -un)"; fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$STATE"/{run,log,secrets,data,static,media,nginx/tmp,redis,pg,metrics}
chmod 755 "$STATE" "$STATE/run" "$STATE/pg"
chmod 700 "$STATE/secrets"
[ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$STATE/run" "$STATE/pg" "$STATE/log"
chmod 777 "$STATE/log"
touch "$STATE/up"

secret() { # a password kept in the state directory
    local f="$STATE/secrets/$1"
    [ -s "$f" ] || "$BIN/python" -c 'import secrets; print(secrets.token_hex(16))' > "$f"
    cat "$f"
}
OWNER_PW="$(secret owner)"; APP_PW="$(secret app)"; REPL_PW="$(secret replicator)"
[ -s "$STATE/secrets/secret_key" ] || "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(60))' > "$STATE/secrets/secret_key"
[ -s "$STATE/secrets/field_key" ] || "$BIN/python" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > "$STATE/secrets/field_key"

render() { # template, then NAME=value pairs: each @NAME@ replaced
    local text; text="$(cat "$1")"; shift
    local pair
    for pair in "$@"; do text="${text//@${pair%%=*}@/${pair#*=}}"; done
    printf '%s\n' "$text"
}

# PostgreSQL primary -------------------------------------------------------------------------
say "PostgreSQL primary on 127.0.0.1:$PRIMARY_PORT"
PRIMARY="$STATE/pg/primary"
as_pg "$PGBIN/initdb" -D "$PRIMARY" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >"$STATE/log/initdb.log"
{
    render "$ROOT/deploy/postgresql/primary.conf" LISTEN=127.0.0.1 PORT="$PRIMARY_PORT"
    echo "# loopback: small memory, sockets in the state directory"
    echo "shared_buffers = 64MB"
    echo "effective_cache_size = 256MB"
    echo "work_mem = 8MB"
    echo "maintenance_work_mem = 64MB"
    echo "unix_socket_directories = '$STATE/run'"
    echo "fsync = off"
} | as_pg tee -a "$PRIMARY/postgresql.conf" >/dev/null
echo "host replication replicator 127.0.0.1/32 scram-sha-256" | as_pg tee -a "$PRIMARY/pg_hba.conf" >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PRIMARY" -l "$STATE/log/primary.log" -w start >/dev/null
psql_primary() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$STATE/run" -p "$PRIMARY_PORT" -U postgres "$@"; }
psql_primary -d postgres -v owner_password="$OWNER_PW" -v app_password="$APP_PW" \
    -v replicator_password="$REPL_PW" -f "$ROOT/deploy/postgresql/roles.sql" >/dev/null

# The replica, copied from the primary and streaming from it ---------------------------------
say "streaming replica on 127.0.0.1:$REPLICA_PORT (pg_basebackup)"
REPLICA="$STATE/pg/replica"
as_pg env PGPASSWORD="$REPL_PW" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" \
    -U replicator -D "$REPLICA" -R -X stream -c fast
{
    render "$ROOT/deploy/postgresql/replica.conf" LISTEN=127.0.0.1 PORT="$REPLICA_PORT"
    echo "shared_buffers = 64MB"
    echo "effective_cache_size = 256MB"
    echo "work_mem = 8MB"
    echo "unix_socket_directories = '$STATE/run'"
} | as_pg tee -a "$REPLICA/postgresql.conf" >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$REPLICA" -l "$STATE/log/replica.log" -w start >/dev/null

# Redis ------------------------------------------------------------------------------------
say "Redis on 127.0.0.1:$REDIS_PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" \
    --appendonly no --dir "$STATE/redis" --pidfile "$STATE/run/redis.pid" \
    --logfile "$STATE/log/redis.log"

# pgbouncer ----------------------------------------------------------------------------------
say "pgbouncer (transaction pooling) on 127.0.0.1:$PGBOUNCER_PORT"
printf '"gongjian_app" "%s"\n' "$APP_PW" > "$STATE/run/pgbouncer-users.txt"
render "$ROOT/deploy/pgbouncer/pgbouncer.ini" PRIMARY_HOST=127.0.0.1 PRIMARY_PORT="$PRIMARY_PORT" \
    LISTEN_ADDR=127.0.0.1 LISTEN_PORT="$PGBOUNCER_PORT" AUTH_FILE="$STATE/run/pgbouncer-users.txt" \
    LOG_FILE="$STATE/log/pgbouncer.log" PID_FILE="$STATE/run/pgbouncer.pid" ADMIN_USER=gongjian_app \
    > "$STATE/run/pgbouncer.ini"
[ "$(id -u)" = 0 ] && chown "$PGUSER_OS" "$STATE/run/pgbouncer-users.txt" "$STATE/run/pgbouncer.ini"
chmod 600 "$STATE/run/pgbouncer-users.txt"
as_pg "$PGBOUNCER" -d -q "$STATE/run/pgbouncer.ini"

# The app's environment ----------------------------------------------------------------------
ENV_FILE="$STATE/gongjian.env"
cat > "$ENV_FILE" <<ENV
GONGJIAN_DATA_DIR=$STATE/data
GONGJIAN_STATIC_ROOT=$STATE/static
GONGJIAN_MEDIA_ROOT=$STATE/media
GONGJIAN_SECRET_KEY_FILE=$STATE/secrets/secret_key
GONGJIAN_FIELD_KEY_FILE=$STATE/secrets/field_key
DATABASE_URL=postgres://gongjian_app:$APP_PW@127.0.0.1:$PGBOUNCER_PORT/gongjian
GONGJIAN_DB_CONN_MAX_AGE=0
GONGJIAN_DB_DISABLE_SERVER_SIDE_CURSORS=1
DATABASE_REPLICA_URL=postgres://gongjian_app:$APP_PW@127.0.0.1:$REPLICA_PORT/gongjian
GONGJIAN_REPLICA_MAX_LAG_SECONDS=10
GONGJIAN_REPLICA_CHECK_SECONDS=2
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
GONGJIAN_TASKS_BACKEND=django_tasks_db.DatabaseBackend
GONGJIAN_HTTPS=1
GONGJIAN_BEHIND_PROXY=1
GONGJIAN_TRUST_X_FORWARDED_FOR=1
GONGJIAN_SSL_REDIRECT=0
GONGJIAN_HSTS_SECONDS=0
GONGJIAN_ALLOWED_HOSTS=localhost,127.0.0.1
GONGJIAN_CSRF_TRUSTED_ORIGINS=https://localhost:$HTTPS_PORT,https://127.0.0.1:$HTTPS_PORT
GONGJIAN_OTP_REQUIRED=0
GONGJIAN_SMS_BACKEND=log
GONGJIAN_LOG_FORMAT=json
GONGJIAN_REQUEST_LOG=1
GONGJIAN_LOG_LEVEL=WARNING
GONGJIAN_WORKERS=2
GONGJIAN_THREADS=4
ENV
chmod 600 "$ENV_FILE"
# The owner's environment: straight to the primary, for migrations and the demo.
OWNER_ENV="$STATE/owner.env"
cat > "$OWNER_ENV" <<ENV
DATABASE_URL=postgres://gongjian_owner:$OWNER_PW@127.0.0.1:$PRIMARY_PORT/gongjian
DATABASE_REPLICA_URL=
GONGJIAN_DB_DISABLE_SERVER_SIDE_CURSORS=0
ENV
chmod 600 "$OWNER_ENV"
app_env() { env $(grep -v '^#' "$ENV_FILE" | xargs) "$@"; }
owner_env() { env $(grep -v '^#' "$ENV_FILE" | xargs) $(grep -v '^#' "$OWNER_ENV" | xargs) "$@"; }

say "migrate and build the demo district (as the owner role)"
owner_env "$BIN/gongjian" migrate --noinput --verbosity 0
as_pg env PGPASSWORD="$OWNER_PW" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$PRIMARY_PORT" -U gongjian_owner -d gongjian -f "$ROOT/deploy/postgresql/grants.sql"
owner_env "$BIN/gongjian" demo > "$STATE/log/demo.txt"
app_env "$BIN/gongjian" collectstatic --noinput --verbosity 0

# TLS: a certificate made here stands for the one an operator is given ------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$STATE/secrets/tls.key" -out "$STATE/run/tls.crt" 2>/dev/null

# The app servers and the worker -------------------------------------------------------------
n=0
upstreams=""
for port in $APP_PORTS; do
    n=$((n + 1))
    say "app server $n (gunicorn) on 127.0.0.1:$port"
    rm -rf "$STATE/metrics/app$n"; mkdir -p "$STATE/metrics/app$n"
    app_env PROMETHEUS_MULTIPROC_DIR="$STATE/metrics/app$n" setsid "$BIN/gunicorn" \
        -c python:gongjian.config.gunicorn --bind "127.0.0.1:$port" --pid "$STATE/run/app$n.pid" \
        --chdir "$ROOT" >"$STATE/log/app$n.log" 2>&1 < /dev/null &
    upstreams+="    server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done
say "task worker (gongjian db_worker)"
app_env setsid "$BIN/gongjian" db_worker --interval 1 --no-reload >"$STATE/log/worker.log" 2>&1 < /dev/null &
echo $! > "$STATE/run/worker.pid"

# nginx --------------------------------------------------------------------------------------
say "nginx with TLS on https://127.0.0.1:$HTTPS_PORT/"
render "$ROOT/deploy/nginx/gongjian.conf" UPSTREAM_SERVERS="${upstreams%$'\n'}" \
    LOGIN_RATE=10r/s SMS_RATE=2r/s HTTP_LISTEN="127.0.0.1:$HTTP_PORT" \
    HTTPS_LISTEN="127.0.0.1:$HTTPS_PORT" HTTPS_PORT_SUFFIX=":$HTTPS_PORT" SERVER_NAME="localhost 127.0.0.1" \
    TLS_CERT="$STATE/run/tls.crt" TLS_KEY="$STATE/secrets/tls.key" \
    ACCESS_LOG="$STATE/log/nginx-access.log" ERROR_LOG="$STATE/log/nginx-error.log" \
    STATIC_ROOT="$STATE/static" MEDIA_ROOT="$STATE/media" METRICS_ALLOW="        allow 127.0.0.1;" \
    PROXY_PARAMS="$ROOT/deploy/nginx/gongjian-proxy.conf" > "$STATE/nginx/gongjian.conf"
cat > "$STATE/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $STATE/run/nginx.pid;
error_log $STATE/log/nginx-error.log warn;
events { worker_connections 2048; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path $STATE/nginx/tmp/body;
    proxy_temp_path $STATE/nginx/tmp/proxy;
    fastcgi_temp_path $STATE/nginx/tmp/fastcgi;
    uwsgi_temp_path $STATE/nginx/tmp/uwsgi;
    scgi_temp_path $STATE/nginx/tmp/scgi;
    include $STATE/nginx/gongjian.conf;
}
NGINX
"$NGINX" -t -q -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx" 2>>"$STATE/log/nginx-error.log" \
    || die "nginx configuration (see $STATE/log/nginx-error.log)"
"$NGINX" -c "$STATE/nginx/nginx.conf" -p "$STATE/nginx"

# Ready? -------------------------------------------------------------------------------------
for port in $APP_PORTS; do
    for _ in $(seq 1 60); do
        if curl -fs -o /dev/null -H "Host: localhost" "http://127.0.0.1:$port/healthz"; then break; fi
        sleep 0.5
    done
    curl -fsS -o /dev/null -H "Host: localhost" "http://127.0.0.1:$port/healthz" || die "app server on $port"
done
curl -fsS --cacert "$STATE/run/tls.crt" "https://localhost:$HTTPS_PORT/readyz" > "$STATE/log/readyz.json" \
    || die "readyz through nginx"
say "up: https://localhost:$HTTPS_PORT/ (CA: $STATE/run/tls.crt; log-ins in $STATE/log/demo.txt)"
say "readyz: $(cat "$STATE/log/readyz.json")"
