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

# profile_json NAME COLOR LEVEL SSH_KEY DB_USER CREDENTIALS: a profile of the stack
profile_json() {
    cat <<JSON
{
  "name": "$1",
  "color": "$2",
  "safety-level": "$3",
  "production": false,
  "ssh-host": "127.0.0.1",
  "ssh-port": $SSH_PORT,
  "ssh-user": "root",
  "ssh-key-file": "$4",
  "deploy-path": "$DEPLOY_PATH",
  "site-url": "$APP_URL",
  "db-name": "snarcisse",
  "db-user": "$5",
  "db-host": "127.0.0.1",
  "db-port": $PGPORT,
  "db-direct": false,
  "cache-backend": "redis-tunnel",
  "redis-host": "127.0.0.1",
  "redis-port": $REDIS_PORT,
  "upstash-url": "",
  "prometheus-url": "$PROMETHEUS_URL",
  "github-repo": "kalicatt/SweetNarcisse-demo",
  "github-api-url": "$GITHUB_API_URL",
  "credentials-file": "$6"
}
JSON
}

profile_register() {
    umask 077
    printf 'db-password=%s\nmonitoring-key=%s\nredis-password=%s\nupstash-token=%s\ngithub-token=%s\n' \
        "$PGPASSWORD" "$MONITORING_KEY" "$REDIS_PASSWORD" "$UPSTASH_TOKEN" "$GITHUB_TOKEN" > "$CREDENTIALS_FILE"
    # The read-only profile holds nothing that can change the server: the read-only
    # role's password and the monitoring key (its SSH key only opens the tunnel).
    printf 'db-password=%s\nmonitoring-key=%s\n' "$PG_RO_PASSWORD" "$MONITORING_KEY" > "$RO_CREDENTIALS_FILE"
    chmod 600 "$CREDENTIALS_FILE" "$RO_CREDENTIALS_FILE"
    umask 022
    local cfg=${XDG_CONFIG_HOME:-$HOME/.config}/narcisse-admin/profiles
    local data=${XDG_DATA_HOME:-$HOME/.local/share}/narcisse-admin
    mkdir -p "$cfg" "$data"
    local tmp; tmp=$(mktemp "$cfg/.demo.json.XXXXXX")
    profile_json "$PROFILE_NAME" "#26a269" admin "$SSH_KEY" snarcisse "$CREDENTIALS_FILE" > "$tmp"
    chmod 644 "$tmp"
    mv -f "$tmp" "$cfg/$PROFILE_NAME.json"
    # The ready read-only profile stays beside the stack, not in the profile store:
    # tests and the demo copy it in when they want a second profile.
    profile_json "$RO_PROFILE_NAME" "#1c71d8" read-only "$SSH_RO_KEY" "$PG_RO_USER" "$RO_CREDENTIALS_FILE" \
        > "$RO_PROFILE_FILE.tmp"
    chmod 644 "$RO_PROFILE_FILE.tmp"
    mv -f "$RO_PROFILE_FILE.tmp" "$RO_PROFILE_FILE"
    local kh=$data/known_hosts line
    line=$(head -n1 "$SSH_KNOWN_HOSTS")
    touch "$kh"
    { grep -v -F "[127.0.0.1]:$SSH_PORT " "$kh" || true; echo "$line"; } > "$kh.tmp.$$"
    mv -f "$kh.tmp.$$" "$kh"
    echo "PROFILE_FILE=$cfg/$PROFILE_NAME.json" >> "$SN_STACK_DIR/stack.env"
    echo "APP_KNOWN_HOSTS=$kh" >> "$SN_STACK_DIR/stack.env"
}
