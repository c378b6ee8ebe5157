# the nginx container: the real nginx (Debian's nginx-light) on 127.0.0.1:NGINX_PORT (the stack's plain-HTTP
# stand-in for 443) and NGINX_HTTP_PORT (80), run by tests/fakehost/lib/nginx-container (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

NGINX_CONTAINER=$REPO_ROOT/tests/fakehost/lib/nginx-container

svc_nginx_init() {
    local ports; ports=$(free_ports 2)
    mkdir -p "$SN_STACK_DIR/nginx"
    {
        echo "NGINX_PORT=${ports% *}"
        echo "NGINX_HTTP_PORT=${ports#* }"
    } >> "$SN_STACK_DIR/stack.env"
    load_env
}

svc_nginx_status() { SN_STACK_DIR=$SN_STACK_DIR "$NGINX_CONTAINER" status; }

svc_nginx_start() {
    svc_nginx_status && return 0
    if ! SN_STACK_DIR=$SN_STACK_DIR "$NGINX_CONTAINER" start; then
        show_log_tail "$SN_STACK_DIR/nginx/logs/error.log"; die "nginx did not start"
    fi
    if ! wait_port "$NGINX_PORT" 10; then show_log_tail "$SN_STACK_DIR/nginx/logs/error.log"; die "nginx did not start on port $NGINX_PORT"; fi
}

svc_nginx_stop() { [[ -n "${SN_STACK_DIR:-}" ]] && SN_STACK_DIR=$SN_STACK_DIR "$NGINX_CONTAINER" stop; }
