# common helpers for tests/stack/stack (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

PGBIN=/usr/lib/postgresql/15/bin
PYTHON=/usr/bin/python3

log() { echo "stack: $*" >&2; }
die() { echo "stack: ERROR: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
rand_hex() { head -c "${1:-16}" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# show_log_tail FILE: last lines of a server log, for failure messages
show_log_tail() {
    echo "---- last lines of $1 ----" >&2
    tail -n 25 "$1" >&2 2>/dev/null || echo "(no log file)" >&2
    echo "----" >&2
}

# free_ports N: N distinct free TCP ports on 127.0.0.1 (all held open while choosing)
free_ports() {
    "$PYTHON" - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}

# port_listening PORT
port_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_port PORT TIMEOUT_S
wait_port() {
    local i n=$(( ${2:-10} * 50 ))
    for (( i=0; i<n; i++ )); do
        port_listening "$1" && return 0
        sleep 0.02
    done
    return 1
}

# alive = exists and is not a zombie (PID 1 here reaps re-parented daemons only after seconds)
pid_alive() {
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
    local st; st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    st=${st##*) }; [[ "${st:0:1}" != Z ]]
}
pidfile_pid() { [[ -s "$1" ]] && head -n1 "$1" | tr -d ' \n'; }

# kill_pidfile FILE [TIMEOUT_S]: TERM, wait, then KILL. Idempotent.
kill_pidfile() {
    local pid i
    pid=$(pidfile_pid "$1" 2>/dev/null) || return 0
    if pid_alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for (( i=0; i<${2:-5}*50; i++ )); do pid_alive "$pid" || break; sleep 0.02; done
        if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.05; fi
    fi
    rm -f "$1"
}

load_env() {
    local k v
    while IFS='=' read -r k v; do
        [[ -z "$k" || "$k" == \#* ]] && continue
        printf -v "$k" '%s' "$v"; export "${k?}"
    done < "$SN_STACK_DIR/stack.env"
}

stack_init_env() {
    local D=$SN_STACK_DIR ports
    chmod 0711 "$D"
    mkdir -p "$D/state" "$D/app" "$D/redis" "$D/upstash" "$D/ssh" "$D/minio" "$D/opt"
    read -r PGPORT REDIS_PORT SSH_PORT APP_PORT UPSTASH_PORT <<<"$(free_ports 5)"
    PG_DIR=$D/pg
    mkdir -p "$PG_DIR"
    chown postgres:postgres "$PG_DIR"
    if ! runuser -u postgres -- test -x "$PG_DIR" 2>/dev/null; then
        # postgres cannot traverse a parent of $D (e.g. a 0700 temp dir): keep its data aside
        rmdir "$PG_DIR"
        PG_DIR=$(mktemp -d /tmp/sn-pg.XXXXXX); chmod 0755 "$PG_DIR"; chown postgres:postgres "$PG_DIR"
        ln -s "$PG_DIR" "$D/pg"
    fi
    PG_SOCKET_DIR=$PG_DIR/run
    local deploy=$D/opt/sweetnarcisse
    cat > "$D/stack.env" <<ENV
SN_STACK_DIR=$D
STACK_SCRIPT=$STACK_HOME/stack
REPO_ROOT=$REPO_ROOT
FAKEHOST_BIN=$FAKEHOST_BIN
PGHOST=127.0.0.1
PGPORT=$PGPORT
PGUSER=snarcisse
PGPASSWORD=$(rand_hex 12)
PGDATABASE=snarcisse
PG_RO_USER=snarcisse_ro
PG_RO_PASSWORD=$(rand_hex 12)
PG_SUPERUSER=postgres
PG_SUPERPASSWORD=$(rand_hex 12)
PG_SOCKET_DIR=$PG_SOCKET_DIR
PG_DIR=$PG_DIR
PG_DATA=$PG_DIR/data
PG_LOG=$PG_DIR/server.log
PG_BIN=$PGBIN
REDIS_HOST=127.0.0.1
REDIS_PORT=$REDIS_PORT
REDIS_PASSWORD=$(rand_hex 16)
REDIS_LOG=$D/redis/redis.log
UPSTASH_PORT=$UPSTASH_PORT
UPSTASH_URL=http://127.0.0.1:$UPSTASH_PORT
UPSTASH_TOKEN=$(rand_hex 24)
UPSTASH_RO_TOKEN=$(rand_hex 24)
SSH_HOST=127.0.0.1
SSH_PORT=$SSH_PORT
SSH_USER=root
SSH_KEY=$D/ssh/client_ed25519
SSH_RO_KEY=$D/ssh/tunnel_ed25519
SSH_KNOWN_HOSTS=$D/ssh/known_hosts
SSH_LOG=$D/ssh/sshd.log
APP_PORT=$APP_PORT
APP_URL=http://127.0.0.1:$APP_PORT
APP_LOG=$D/app/app.log
MONITORING_KEY=$(rand_hex 24)
NEXTAUTH_SECRET=$(rand_hex 32)
DEPLOY_PATH=$deploy
ENV_FILE=$deploy/.env.production.local
MINIO_DIR=$D/minio
CREDENTIALS_FILE=$D/credentials
RO_CREDENTIALS_FILE=$D/credentials-ro
PROFILE_NAME=demo
RO_PROFILE_NAME=demo-ro
RO_PROFILE_FILE=$D/demo-ro.json
ENV
    load_env
}
