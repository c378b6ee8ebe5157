# the fake Next.js app: tests/fakehost/fakeapp.py on 127.0.0.1:APP_PORT (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

svc_app_init() { :; }

svc_app_status() { pid_alive "$(pidfile_pid "$SN_STACK_DIR/app/app.pid" 2>/dev/null)"; }

svc_app_start() {
    svc_app_status && return 0
    local d=$SN_STACK_DIR/app
    rm -f "$d/app.pid"
    # Like the container: a clean environment; the app itself reads DEPLOY_PATH/.env.production.local.
    setsid env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent HOSTNAME=sweetnarcisse-app-1 \
        LANG=C.UTF-8 TZ=UTC NODE_ENV=production PORT=3000 AUTH_TRUST_HOST=true \
        FAKEAPP_PORT="$APP_PORT" FAKEAPP_DEPLOY_PATH="$DEPLOY_PATH" FAKEAPP_STATE_DIR="$d" \
        FAKEAPP_PG_SOCKET_DIR="$PG_SOCKET_DIR" FAKEAPP_PG_PORT="$PGPORT" \
        ${FAKEAPP_LOG_LINES:+FAKEAPP_LOG_LINES=$FAKEAPP_LOG_LINES} \
        ${FAKEAPP_TICK_SECONDS:+FAKEAPP_TICK_SECONDS=$FAKEAPP_TICK_SECONDS} \
        "$PYTHON" "$REPO_ROOT/tests/fakehost/fakeapp.py" </dev/null >>"$APP_LOG" 2>&1 &
    echo $! > "$d/app.pid"
    if ! wait_port "$APP_PORT" 10; then show_log_tail "$APP_LOG"; die "fake app did not start on port $APP_PORT"; fi
}

svc_app_stop() { kill_pidfile "$SN_STACK_DIR/app/app.pid" 5; }
