# MinIO directory seed + registration of the "demo" profile (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

minio_seed() {
    local m=$MINIO_DIR stamp
    mkdir -p "$m/sweet-backups/backups" "$m/sweet-documents/employees/3f1c" "$m/sweet-documents/hero"
    printf 'local\nminio\nmyminio\nsweet-minio\n' > "$m/.aliases"
    # two real custom-format dumps of the seeded DB: yesterday 18:00 and today 00:00 (server local time = UTC)
    stamp=$(date -u +%Y%m%d)_000003
    pg_dump -Fc -Z 9 -h "$PG_SOCKET_DIR" -p "$PGPORT" -U snarcisse -d snarcisse \
        -f "$m/sweet-backups/backups/sweet_narcisse_${stamp}.dump" ||
        die "pg_dump for the MinIO seed failed"
    touch -d "$(date -u +%F) 00:00:41 UTC" "$m/sweet-backups/backups/sweet_narcisse_${stamp}.dump"
    local y; y=$(date -u -d yesterday +%Y%m%d)
    cp "$m/sweet-backups/backups/sweet_narcisse_${stamp}.dump" "$m/sweet-backups/backups/sweet_narcisse_${y}_180002.dump"
    touch -d "$(date -u -d yesterday +%F) 18:00:37 UTC" "$m/sweet-backups/backups/sweet_narcisse_${y}_180002.dump"
    printf '%%PDF-1.4\n%% contract stand-in\n' > "$m/sweet-documents/employees/3f1c/contrat.pdf"
    head -c 12288 /dev/zero > "$m/sweet-documents/hero/slide-1.jpg"
}

profile_register() {
    umask 077
    printf 'db-password=%s\nmonitoring-key=%s\nredis-password=%s\n' \
        "$PGPASSWORD" "$MONITORING_KEY" "$REDIS_PASSWORD" > "$CREDENTIALS_FILE"
    chmod 600 "$CREDENTIALS_FILE"
    umask 022
    local cfg=${XDG_CONFIG_HOME:-$HOME/.config}/narcisse-admin/profiles
    local data=${XDG_DATA_HOME:-$HOME/.local/share}/narcisse-admin
    mkdir -p "$cfg" "$data"
    local tmp; tmp=$(mktemp "$cfg/.demo.json.XXXXXX")
    cat > "$tmp" <<JSON
{
  "name": "$PROFILE_NAME",
  "color": "#26a269",
  "safety-level": "admin",
  "production": false,
  "ssh-host": "127.0.0.1",
  "ssh-port": $SSH_PORT,
  "ssh-user": "root",
  "ssh-key-file": "$SSH_KEY",
  "deploy-path": "$DEPLOY_PATH",
  "site-url": "$APP_URL",
  "db-name": "snarcisse",
  "db-user": "snarcisse",
  "db-host": "127.0.0.1",
  "db-port": $PGPORT,
  "db-direct": false,
  "cache-backend": "redis-tunnel",
  "redis-host": "127.0.0.1",
  "redis-port": $REDIS_PORT,
  "upstash-url": "",
  "prometheus-url": "http://127.0.0.1:9090",
  "github-repo": "kalicatt/SweetNarcisse-demo",
  "credentials-file": "$CREDENTIALS_FILE"
}
JSON
    chmod 644 "$tmp"
    mv -f "$tmp" "$cfg/$PROFILE_NAME.json"
    local kh=$data/known_hosts line
    line=$(head -n1 "$SSH_KNOWN_HOSTS")
    touch "$kh"
    { grep -v -F "[127.0.0.1]:$SSH_PORT " "$kh" || true; echo "$line"; } > "$kh.tmp.$$"
    mv -f "$kh.tmp.$$" "$kh"
    echo "PROFILE_FILE=$cfg/$PROFILE_NAME.json" >> "$SN_STACK_DIR/stack.env"
    echo "APP_KNOWN_HOSTS=$kh" >> "$SN_STACK_DIR/stack.env"
}
