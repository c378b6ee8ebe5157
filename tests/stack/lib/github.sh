# the GitHub REST API stand-in: tests/fakehost/fakegithub.py on 127.0.0.1:GITHUB_PORT (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

svc_github_init() {
    local port; port=$(free_ports 1)
    mkdir -p "$SN_STACK_DIR/github"
    {
        echo "GITHUB_PORT=$port"
        echo "GITHUB_API_URL=http://127.0.0.1:$port"
        echo "GITHUB_TOKEN=ghp_$(rand_hex 18)"
        echo "GITHUB_LOG=$SN_STACK_DIR/github/github.log"
        echo "GITHUB_REPO_DIR=$SN_STACK_DIR/github/origin.git"
    } >> "$SN_STACK_DIR/stack.env"
    load_env
}

svc_github_status() { pid_alive "$(pidfile_pid "$SN_STACK_DIR/github/github.pid" 2>/dev/null)"; }

svc_github_start() {
    svc_github_status && return 0
    local d=$SN_STACK_DIR/github
    rm -f "$d/github.pid"
    setsid env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 TZ=UTC \
        FAKEGITHUB_PORT="$GITHUB_PORT" FAKEGITHUB_REPO_DIR="$GITHUB_REPO_DIR" FAKEGITHUB_TOKEN="$GITHUB_TOKEN" \
        FAKEGITHUB_STATE_DIR="$SN_STACK_DIR/state" FAKEGITHUB_DEPLOY_PATH="$DEPLOY_PATH" \
        FAKEGITHUB_FAKEHOST_BIN="$FAKEHOST_BIN" SN_STACK_DIR="$SN_STACK_DIR" \
        ${FAKEGITHUB_RUN_SECONDS:+FAKEGITHUB_RUN_SECONDS=$FAKEGITHUB_RUN_SECONDS} \
        "$PYTHON" "$REPO_ROOT/tests/fakehost/fakegithub.py" </dev/null >>"$GITHUB_LOG" 2>&1 &
    echo $! > "$d/github.pid"
    if ! wait_port "$GITHUB_PORT" 10; then show_log_tail "$GITHUB_LOG"; die "GitHub stand-in did not start on port $GITHUB_PORT"; fi
}

svc_github_stop() { kill_pidfile "$SN_STACK_DIR/github/github.pid" 5; }
