# /opt/sweetnarcisse stand-in: a real git repo with tags v1.0.0..v1.0.6 (sourced)
# SPDX-License-Identifier: GPL-3.0-or-later

# the 25 migrations of target-system.md §5.4, with the release that introduced them
MIGRATIONS=(
 "v1.0.0 20251127220750_migration1"
 "v1.0.0 20251129001003_add_closing_breakdown"
 "v1.0.1 20251201191800_add_workshift_geolocation"
 "v1.0.1 20251202120000_add_booking_public_reference"
 "v1.0.2 20251203120000_add_payment_sessions"
 "v1.0.2 20251203124500_payment_terminal_devices"
 "v1.0.2 20251203174106_"
 "v1.0.2 20251203224500_sync_payment_sessions"
 "v1.0.3 20251204232712_add_fleet_management"
 "v1.0.3 20251204232957_restore_payment_session_guards"
 "v1.0.3 20251204233015_payment_session_updated_at_default"
 "v1.0.3 20251204235233_add_boat_manifest"
 "v1.0.3 20251204235954_add_daily_boat_quota"
 "v1.0.3 20251205001234_add_fleet_label"
 "v1.0.3 20251205120000_add_fleet_management"
 "v1.0.3 20251205120000_add_review_mail_tracking"
 "v1.0.3 20251205144158_add_cms_tables"
 "v1.0.3 20251205194614_allow_null_boat"
 "v1.0.3 20251205203000_add_booking_confirmation_email"
 "v1.0.3 20251205214600_add_admin_permissions"
 "v1.0.4 20251212165833_employee_docs"
 "v1.0.4 20251212171640_user_session_version"
 "v1.0.5 20251222130605_add_employee_document_log"
 "v1.0.5 20251222171639_add_performance_indexes"
 "v1.0.6 20260102142804_booking_private_fields"
)
RELEASES=(
 "v1.0.0 2025-11-29T10:00:00Z"
 "v1.0.1 2025-12-02T15:30:00Z"
 "v1.0.2 2025-12-04T09:12:00Z"
 "v1.0.3 2025-12-06T11:45:00Z"
 "v1.0.4 2025-12-13T08:20:00Z"
 "v1.0.5 2025-12-23T10:05:00Z"
 "v1.0.6 2026-01-02T16:40:00Z"
)

# migration.sql text; seed.sql builds the same text to store its SHA-256 in _prisma_migrations.checksum
migration_sql() { printf -- '-- Prisma migration %s\n-- stand-in: the schema itself is created by tests/stack/schema.sql\nSELECT 1;\n' "$1"; }

deploy_write_env() {
    local p=$DEPLOY_PATH
    umask 077
    cat > "$p/.env.production.local" <<ENV
# production environment (stand-in, random secrets)
NODE_ENV=production
NEXTAUTH_URL=$APP_URL
AUTH_URL=$APP_URL
NEXTAUTH_SECRET=$NEXTAUTH_SECRET
POSTGRES_USER=snarcisse
POSTGRES_PASSWORD=$PGPASSWORD
POSTGRES_DB=snarcisse
DATABASE_URL=postgresql://snarcisse:$PGPASSWORD@db:5432/snarcisse?schema=public
MONITORING_API_KEY=$MONITORING_KEY
REDIS_URL=redis://default:$REDIS_PASSWORD@127.0.0.1:$REDIS_PORT
UPSTASH_REDIS_REST_URL=http://127.0.0.1:$REDIS_PORT
UPSTASH_REDIS_REST_TOKEN=$REDIS_PASSWORD
MINIO_ENDPOINT=$APP_URL
MINIO_ROOT_USER=sweetminio
MINIO_ROOT_PASSWORD=$(rand_hex 16)
STORAGE_DRIVER=minio
STORAGE_ENDPOINT=http://minio:9000
STORAGE_REGION=eu-central-1
STORAGE_ACCESS_KEY=sweetminio
STORAGE_SECRET_KEY=$(rand_hex 16)
STORAGE_BUCKET=sweet-documents
STRIPE_SECRET_KEY=sk_test_$(rand_hex 24)
STRIPE_WEBHOOK_SECRET=whsec_$(rand_hex 16)
NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=pk_test_$(rand_hex 24)
PAYPAL_CLIENT_ID=$(rand_hex 20)
PAYPAL_CLIENT_SECRET=$(rand_hex 24)
PAYPAL_MODE=sandbox
SMTP_HOST=smtp.invalid
SMTP_PORT=587
SMTP_USER=noreply@sweet-narcisse.fr
SMTP_PASS=$(rand_hex 12)
EMAIL_FROM_NAME=Sweet Narcisse
RECAPTCHA_SECRET_KEY=$(rand_hex 20)
NEXT_PUBLIC_RECAPTCHA_SITE_KEY=$(rand_hex 20)
VAT_RATE=20
WEATHER_API_KEY=$(rand_hex 16)
WEATHER_LAT=48.0794
WEATHER_LON=7.3585
CRON_SECRET=$(rand_hex 16)
GRAFANA_ADMIN_USER=admin
GRAFANA_ADMIN_PASSWORD=$(rand_hex 10)
LOG_LEVEL=info
ENV
    chmod 600 "$p/.env.production.local"
    cat > "$p/.env" <<ENV
# compose interpolation defaults (plain \`docker compose\` reads this file, not .env.production.local)
POSTGRES_USER=snarcisse
POSTGRES_DB=snarcisse
STORAGE_BUCKET=sweet-documents
GRAFANA_ADMIN_USER=admin
ENV
    umask 022
}

deploy_write_tree() { # $1 = version without v
    local p=$DEPLOY_PATH v=$1
    mkdir -p "$p/nginx" "$p/prisma/migrations" "$p/monitoring" "$p/scripts"
    cat > "$p/package.json" <<JSON
{
  "name": "sweet-narcisse",
  "version": "$v",
  "private": true,
  "scripts": {
    "dev": "next dev",
    "build": "prisma generate && next build",
    "start": "next start",
    "release": "node scripts/release.mjs"
  },
  "dependencies": {
    "@prisma/client": "5.17.0",
    "@upstash/redis": "^1.34.0",
    "next": "15.1.3",
    "prisma": "5.17.0"
  }
}
JSON
    echo "## $v" >> "$p/CHANGELOG.md"
}

deploy_static_files() {
    local p=$DEPLOY_PATH
    cat > "$p/docker-compose.yml" <<'YML'
services:
  db:
    image: postgres:16-alpine
    container_name: sweetnarcisse-db
    restart: unless-stopped
    environment:
      POSTGRES_USER: ${POSTGRES_USER}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
      POSTGRES_DB: ${POSTGRES_DB}
    ports:
      - "127.0.0.1:5432:5432"
    volumes:
      - sweetnarcisse-postgres:/var/lib/postgresql/data
    networks:
      - sweetnarcisse-net
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U ${POSTGRES_USER}"]
      interval: 30s
      timeout: 5s
      retries: 5

  minio:
    image: minio/minio:RELEASE.2025-09-07T16-13-09Z
    container_name: sweet-minio
    command: server /data --console-address ":9001"
    environment:
      MINIO_ROOT_USER: ${MINIO_ROOT_USER}
      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD}
    ports:
      - "127.0.0.1:9000:9000"
      - "127.0.0.1:9001:9001"
    volumes:
      - ./minio-data:/data

  minio-bucket-seed:
    image: minio/mc:latest
    depends_on:
      - minio
    entrypoint: >
      /bin/sh -c "until mc alias set local http://minio:9000 $${MINIO_ROOT_USER} $${MINIO_ROOT_PASSWORD}; do sleep 2; done;
      mc mb --ignore-existing local/$${STORAGE_BUCKET}"
    environment:
      MINIO_ROOT_USER: ${MINIO_ROOT_USER}
      MINIO_ROOT_PASSWORD: ${MINIO_ROOT_PASSWORD}
      STORAGE_BUCKET: ${STORAGE_BUCKET}

  app:
    build:
      context: .
      dockerfile: Dockerfile
    environment:
      NODE_ENV: production
      PORT: 3000
      AUTH_TRUST_HOST: "true"
      NEXTAUTH_SECRET: ${NEXTAUTH_SECRET}
      NEXTAUTH_URL: ${NEXTAUTH_URL}
      AUTH_URL: ${AUTH_URL}
      DATABASE_URL: postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}?schema=public
      SMTP_HOST: ${SMTP_HOST}
      SMTP_PORT: ${SMTP_PORT}
      SMTP_USER: ${SMTP_USER}
      SMTP_PASS: ${SMTP_PASS}
      EMAIL_FROM_NAME: ${EMAIL_FROM_NAME}
      EMAIL_SENDER: ${EMAIL_SENDER}
      RESEND_API_KEY: ${RESEND_API_KEY}
      ADMIN_EMAIL: ${ADMIN_EMAIL}
      STRIPE_SECRET_KEY: ${STRIPE_SECRET_KEY}
      STRIPE_WEBHOOK_SECRET: ${STRIPE_WEBHOOK_SECRET}
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY: ${NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY}
      PAYPAL_CLIENT_ID: ${PAYPAL_CLIENT_ID}
      PAYPAL_CLIENT_SECRET: ${PAYPAL_CLIENT_SECRET}
      PAYPAL_MODE: ${PAYPAL_MODE}
      RECAPTCHA_SECRET_KEY: ${RECAPTCHA_SECRET_KEY}
      NEXT_PUBLIC_RECAPTCHA_SITE_KEY: ${NEXT_PUBLIC_RECAPTCHA_SITE_KEY}
      VAT_RATE: ${VAT_RATE:-20}
      WEATHER_API_KEY: ${WEATHER_API_KEY}
      WEATHER_LAT: ${WEATHER_LAT}
      WEATHER_LON: ${WEATHER_LON}
      ALERT_WEBHOOK_URL: ${ALERT_WEBHOOK_URL}
      STORAGE_DRIVER: ${STORAGE_DRIVER:-s3}
      STORAGE_ENDPOINT: ${STORAGE_ENDPOINT:-http://minio:9000}
      STORAGE_REGION: ${STORAGE_REGION:-eu-central-1}
      STORAGE_ACCESS_KEY: ${STORAGE_ACCESS_KEY}
      STORAGE_SECRET_KEY: ${STORAGE_SECRET_KEY}
      STORAGE_BUCKET: ${STORAGE_BUCKET}
      UPSTASH_REDIS_REST_URL: ${UPSTASH_REDIS_REST_URL}
      UPSTASH_REDIS_REST_TOKEN: ${UPSTASH_REDIS_REST_TOKEN}
      MONITORING_API_KEY: ${MONITORING_API_KEY}
    depends_on:
      db:
        condition: service_healthy
      minio:
        condition: service_started
    read_only: true
    tmpfs:
      - /tmp:size=64m
      - /app/.next/cache:size=128m
      - /app/.npm:size=512m
    mem_limit: 1g
    pids_limit: 150
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    init: true
    networks:
      - default
      - sweetnarcisse-net

  nginx:
    image: nginx:alpine
    ports:
      - "80:80"
      - "443:443"
    volumes:
      - ./nginx/nginx.conf:/etc/nginx/nginx.conf:ro
      - certbot_www:/var/www/certbot
      - certbot_etc:/etc/letsencrypt
    depends_on:
      - app

  certbot:
    image: certbot/certbot
    entrypoint: /bin/sh -c "trap exit TERM; while :; do sleep 12h & wait $${!}; done"
    volumes:
      - certbot_www:/var/www/certbot
      - certbot_etc:/etc/letsencrypt

  prometheus:
    image: prom/prometheus:latest
    ports:
      - "127.0.0.1:9090:9090"
    volumes:
      - ./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro
      - ./monitoring/alerts.yml:/etc/prometheus/alerts.yml:ro
      - prometheus_data:/prometheus

  alertmanager:
    image: prom/alertmanager:latest
    ports:
      - "127.0.0.1:9093:9093"
    volumes:
      - ./monitoring/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro
      - alertmanager_data:/alertmanager

  grafana:
    image: grafana/grafana:latest
    ports:
      - "127.0.0.1:3001:3000"
    environment:
      GF_SECURITY_ADMIN_USER: ${GRAFANA_ADMIN_USER:-admin}
      GF_SECURITY_ADMIN_PASSWORD: ${GRAFANA_ADMIN_PASSWORD:-admin}
    volumes:
      - grafana_data:/var/lib/grafana
      - ./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro

volumes:
  sweetnarcisse-postgres:
    name: sweetnarcisse-postgres
  certbot_www:
  certbot_etc:
  prometheus_data:
  alertmanager_data:
  grafana_data:

networks:
  sweetnarcisse-net:
    external: true
YML
    cat > "$p/nginx/nginx.conf" <<'NGX'
events { worker_connections 1024; }

http {
    client_max_body_size 50m;
    proxy_connect_timeout 30s;
    proxy_send_timeout 120s;
    proxy_read_timeout 120s;

    server {
        listen 80;
        server_name sweet-narcisse.fr www.sweet-narcisse.fr;
        location /.well-known/acme-challenge/ { root /var/www/certbot; }
        location / { return 301 https://sweet-narcisse.fr$request_uri; }
    }

    server {
        listen 443 ssl;
        http2 on;
        server_name sweet-narcisse.fr www.sweet-narcisse.fr;
        ssl_certificate /etc/letsencrypt/live/sweet-narcisse.fr/fullchain.pem;
        ssl_certificate_key /etc/letsencrypt/live/sweet-narcisse.fr/privkey.pem;
        ssl_protocols TLSv1.2 TLSv1.3;
        add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;

        location /minio/ {
            allow 10.0.0.0/8;
            allow 192.168.0.0/16;
            deny all;
            proxy_pass http://minio:9000/;
        }

        location / {
            proxy_pass http://app:3000;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }
    }
}
NGX
    cat > "$p/monitoring/prometheus.yml" <<'YML'
global:
  scrape_interval: 15s
  evaluation_interval: 30s
rule_files:
  - /etc/prometheus/alerts.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ["alertmanager:9093"]
scrape_configs:
  - job_name: sweetnarcisse-app
    metrics_path: /api/metrics
    scrape_timeout: 10s
    static_configs:
      - targets: ["app:3000"]
YML
    printf 'FROM node:22-bookworm AS deps\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\n\nFROM node:22-bookworm AS build\nWORKDIR /app\nCOPY --from=deps /app/node_modules ./node_modules\nCOPY . .\nRUN npm run build\n\nFROM node:22-bookworm\nWORKDIR /app\nUSER nextjs\nCOPY --from=build /app ./\nCMD ["npm","run","start"]\n' > "$p/Dockerfile"
    printf '# Please do not edit this file manually\nprovider = "postgresql"\n' > "$p/prisma/migrations/migration_lock.toml"
    printf 'generator client {\n  provider = "prisma-client-js"\n}\n\ndatasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' > "$p/prisma/schema.prisma"
    printf '.env*\n!.env.example\nnode_modules/\n.next/\nminio-data/\nbackups/\nlogs/\n' > "$p/.gitignore"
    printf 'NEXTAUTH_SECRET=\nPOSTGRES_USER=snarcisse\nPOSTGRES_PASSWORD=\nPOSTGRES_DB=snarcisse\nMONITORING_API_KEY=\n' > "$p/.env.example"
    printf '# Sweet Narcisse\n\nBoat tour booking (stand-in repository for the Narcisse Admin test stack).\n' > "$p/README.md"
}

deploy_init() {
    local p=$DEPLOY_PATH rel tag when m
    mkdir -p "$p" "$p/backups/db" "$p/backups/secrets" "$p/logs" "$p/minio-data" "$p/nginx" "$p/prisma/migrations" "$p/monitoring" "$p/scripts"
    deploy_static_files
    deploy_write_env
    export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
    local g=(git -C "$p" -c user.name="Sweet Narcisse CI" -c user.email="ci@sweet-narcisse.fr" -c init.defaultBranch=master -c commit.gpgsign=false -c tag.gpgsign=false)
    "${g[@]}" init -q -b master
    for rel in "${RELEASES[@]}"; do
        read -r tag when <<<"$rel"
        for m in "${MIGRATIONS[@]}"; do
            [[ "${m%% *}" == "$tag" ]] || continue
            mkdir -p "$p/prisma/migrations/${m#* }"
            migration_sql "${m#* }" > "$p/prisma/migrations/${m#* }/migration.sql"
        done
        deploy_write_tree "${tag#v}"
        "${g[@]}" add -A .
        GIT_AUTHOR_DATE=$when GIT_COMMITTER_DATE=$when "${g[@]}" commit -q -m "release: $tag"
        GIT_COMMITTER_DATE=$when "${g[@]}" tag -a "$tag" -m "Release ${tag#v}"
    done
    # the server checkout is owned by root and the admin runs git as root over ssh
    "${g[@]}" config core.sharedRepository false
    # GitHub's copy (what the GitHub stand-in serves, and where `git fetch --all --tags` fetches
    # from): a bare clone, the checkout's origin, as on the server
    git clone -q --bare "$p" "$GITHUB_REPO_DIR"
    "${g[@]}" remote add origin "$GITHUB_REPO_DIR"
    "${g[@]}" fetch -q origin
    "${g[@]}" branch -q --set-upstream-to=origin/master master
}
