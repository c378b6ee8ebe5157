# PostgreSQL 15, real server, run as the postgres user (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

svc_postgres_init() { :; }

svc_postgres_pid() { pidfile_pid "$PG_DATA/postmaster.pid" 2>/dev/null; }

svc_postgres_status() { pid_alive "$(svc_postgres_pid)"; }

_pg_initdb() {
    local pw=$PG_DIR/.pwfile
    mkdir -p "$PG_SOCKET_DIR"; chown postgres:postgres "$PG_SOCKET_DIR"
    printf '%s\n' "$PG_SUPERPASSWORD" > "$pw"; chown postgres "$pw"; chmod 600 "$pw"
    if ! runuser -u postgres -- env TZ=UTC "$PGBIN/initdb" -D "$PG_DATA" -U postgres \
            --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pw" \
            -E UTF8 --locale=C.UTF-8 > "$PG_DIR/initdb.log" 2>&1; then
        rm -f "$pw"; show_log_tail "$PG_DIR/initdb.log"; die "initdb failed"
    fi
    rm -f "$pw"
    cat >> "$PG_DATA/postgresql.conf" <<CONF
# narcisse test stack
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PG_SOCKET_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
max_connections = 50
shared_buffers = 32MB
CONF
    cat > "$PG_DATA/pg_hba.conf" <<HBA
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   scram-sha-256
HBA
}

svc_postgres_start() {
    svc_postgres_status && return 0
    [[ -f "$PG_DATA/PG_VERSION" ]] || _pg_initdb
    mkdir -p "$PG_SOCKET_DIR"; chown postgres:postgres "$PG_SOCKET_DIR"
    touch "$PG_LOG"; chown postgres "$PG_LOG"
    # setsid: own session, so a killed test's process group does not take postgres with it
    if ! setsid runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 30 \
            -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG_SOCKET_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start </dev/null >"$PG_DIR/pg_ctl.log" 2>&1; then
        cat "$PG_DIR/pg_ctl.log" >&2; show_log_tail "$PG_LOG"; die "PostgreSQL did not start on port $PGPORT"
    fi
}

svc_postgres_stop() {
    local pid; pid=$(svc_postgres_pid) || true
    pid_alive "$pid" || return 0
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 20 stop </dev/null >/dev/null 2>&1 || {
        kill -TERM "$pid" 2>/dev/null || true; sleep 0.5; kill -KILL "$pid" 2>/dev/null || true; }
}

# psql as the superuser over the unix socket (trust)
pg_super() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PGPORT" -U postgres "$@"; }
pg_app() { psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PGPORT" -U snarcisse -d snarcisse "$@"; }

svc_postgres_start_and_seed() {
    svc_postgres_start
    local out=$PG_DIR/seed.log
    {
        # CREATEROLE: on the VPS the app's role is the image's POSTGRES_USER, a superuser;
        # here it needs CREATEROLE for the "Set up read-only access" runbook.
        pg_super -d postgres -c "CREATE ROLE snarcisse LOGIN CREATEDB CREATEROLE PASSWORD '$PGPASSWORD'" \
                 -c "CREATE DATABASE snarcisse OWNER snarcisse" &&
        pg_app -f "$STACK_HOME/schema.sql" -f "$STACK_HOME/seed.sql" &&
        pg_readonly_role
    } >"$out" 2>&1 || { cat "$out" >&2; die "seeding PostgreSQL failed"; }
}

# The read-only role of the read-only profile: SELECT on the app's tables (today's and
# tomorrow's), nothing else, and read-only transactions by default. Not a superuser.
pg_readonly_role() {
    pg_super -d postgres -v ro="$PG_RO_USER" -v pw="$PG_RO_PASSWORD" <<'SQL' &&
CREATE ROLE :"ro" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'pw';
ALTER ROLE :"ro" SET default_transaction_read_only = on;
SQL
    pg_app -v ro="$PG_RO_USER" <<'SQL'
GRANT USAGE ON SCHEMA public TO :"ro";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"ro";
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO :"ro";
SQL
}
