# the Prometheus HTTP API stand-in: tests/fakehost/fakeprometheus.py on 127.0.0.1:PROMETHEUS_PORT,
# serving the series a test writes to PROMETHEUS_SERIES (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

svc_prometheus_init() {
    local port; port=$(free_ports 1)
    mkdir -p "$SN_STACK_DIR/prometheus"
    {
        echo "PROMETHEUS_PORT=$port"
        echo "PROMETHEUS_URL=http://127.0.0.1:$port"
        echo "PROMETHEUS_SERIES=$SN_STACK_DIR/prometheus/series.json"
        echo "PROMETHEUS_LOG=$SN_STACK_DIR/prometheus/prometheus.log"
    } >> "$SN_STACK_DIR/stack.env"
    load_env
    [[ -f "$PROMETHEUS_SERIES" ]] || echo '{}' > "$PROMETHEUS_SERIES"
}

svc_prometheus_status() { pid_alive "$(pidfile_pid "$SN_STACK_DIR/prometheus/prometheus.pid" 2>/dev/null)"; }

svc_prometheus_start() {
    svc_prometheus_status && return 0
    local d=$SN_STACK_DIR/prometheus
    rm -f "$d/prometheus.pid"
    setsid env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
        FAKEPROMETHEUS_PORT="$PROMETHEUS_PORT" FAKEPROMETHEUS_SERIES="$PROMETHEUS_SERIES" \
        "$PYTHON" "$REPO_ROOT/tests/fakehost/fakeprometheus.py" </dev/null >>"$PROMETHEUS_LOG" 2>&1 &
    echo $! > "$d/prometheus.pid"
    if ! wait_port "$PROMETHEUS_PORT" 10; then show_log_tail "$PROMETHEUS_LOG"; die "Prometheus stand-in did not start on port $PROMETHEUS_PORT"; fi
}

svc_prometheus_stop() { kill_pidfile "$SN_STACK_DIR/prometheus/prometheus.pid" 5; }
