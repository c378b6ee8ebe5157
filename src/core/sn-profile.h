/* sn-profile.h: one environment the app administers
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sn-core-types.h"

G_BEGIN_DECLS

#define SN_PROFILE_ERROR (sn_profile_error_quark ())

typedef enum
{
  SN_PROFILE_ERROR_LEVEL,   /* the profile's safety level is below what the operation needs */
} SnProfileError;

/**
 * SnDbTransport:
 * @SN_DB_TRANSPORT_TUNNEL: through the SSH tunnel (encrypted by SSH)
 * @SN_DB_TRANSPORT_LOCAL: direct to a loopback address (sslmode=prefer)
 * @SN_DB_TRANSPORT_TLS_VERIFIED: direct, sslmode=verify-full with the profile's CA
 * @SN_DB_TRANSPORT_TLS_REQUIRED: direct, sslmode=require (encrypted, server not authenticated)
 */
typedef enum
{
  SN_DB_TRANSPORT_TUNNEL,
  SN_DB_TRANSPORT_LOCAL,
  SN_DB_TRANSPORT_TLS_VERIFIED,
  SN_DB_TRANSPORT_TLS_REQUIRED,
} SnDbTransport;

#define SN_TYPE_PROFILE (sn_profile_get_type ())

G_DECLARE_FINAL_TYPE (SnProfile, sn_profile, SN, PROFILE, GObject)

/*
 * Properties (each is also the key in the profile's JSON file; enums as nicks):
 *   name               string   unique, also the file name
 *   color              string   "#rrggbb"
 *   safety-level       SnSafetyLevel ("read-only" | "operator" | "admin")
 *   production         boolean  red banner, typed name for destructive steps
 *   ssh-host           string
 *   ssh-port           uint     default 22
 *   ssh-user           string   default "root"
 *   ssh-key-file       string   path to a private key (ed25519 or ECDSA)
 *   deploy-path        string   default "/opt/sweetnarcisse"
 *   site-url           string   e.g. "https://www.sweet-narcisse.com"
 *   db-name            string   default "snarcisse"
 *   db-user            string   default "snarcisse"
 *   db-host            string   as seen from the SSH host, default "127.0.0.1"
 *   db-port            uint     default 5432
 *   db-direct          boolean  connect straight to db-host:db-port instead of through SSH
 *   cache-backend      SnCacheBackendKind ("redis-tunnel" | "upstash")
 *   redis-host         string   as seen from the SSH host, default "127.0.0.1"
 *   redis-port         uint     default 6379
 *   upstash-url        string
 *   prometheus-url     string   as seen from the SSH host, default "http://127.0.0.1:9090"
 *   github-repo        string   default "kalicatt/SweetNarcisse-demo"
 *   github-api-url     string   default "https://api.github.com" (GitHub Enterprise, tests)
 *   credentials-file   string   optional: KEY=VALUE file (mode 0600) for unattended use
 *   db-ssl-root-cert   string   optional: absolute path of the CA certificate (PEM) that
 *                               signed the database server's; a direct connection then
 *                               uses sslmode=verify-full (see sn_db_sslmode_for_host())
 */

GQuark              sn_profile_error_quark          (void);
SnProfile          *sn_profile_new                  (const char    *name);
SnProfile          *sn_profile_new_production       (void);
SnProfile          *sn_profile_new_from_json        (JsonNode      *node,
                                                     GError       **error);
JsonNode           *sn_profile_to_json              (SnProfile     *self);
SnProfile          *sn_profile_copy                 (SnProfile     *self);
const char         *sn_profile_get_name             (SnProfile     *self);
const char         *sn_profile_get_color            (SnProfile     *self);
SnSafetyLevel       sn_profile_get_safety_level     (SnProfile     *self);
gboolean            sn_profile_get_production       (SnProfile     *self);
const char         *sn_profile_get_ssh_host         (SnProfile     *self);
guint               sn_profile_get_ssh_port         (SnProfile     *self);
const char         *sn_profile_get_ssh_user         (SnProfile     *self);
const char         *sn_profile_get_ssh_key_file     (SnProfile     *self);
const char         *sn_profile_get_deploy_path      (SnProfile     *self);
const char         *sn_profile_get_site_url         (SnProfile     *self);
const char         *sn_profile_get_db_name          (SnProfile     *self);
const char         *sn_profile_get_db_user          (SnProfile     *self);
const char         *sn_profile_get_db_host          (SnProfile     *self);
guint               sn_profile_get_db_port          (SnProfile     *self);
gboolean            sn_profile_get_db_direct        (SnProfile     *self);
SnCacheBackendKind  sn_profile_get_cache_backend    (SnProfile     *self);
const char         *sn_profile_get_redis_host       (SnProfile     *self);
guint               sn_profile_get_redis_port       (SnProfile     *self);
const char         *sn_profile_get_upstash_url      (SnProfile     *self);
const char         *sn_profile_get_prometheus_url   (SnProfile     *self);
const char         *sn_profile_get_github_repo      (SnProfile     *self);
const char         *sn_profile_get_github_api_url   (SnProfile     *self);
const char         *sn_profile_get_credentials_file (SnProfile     *self);
const char         *sn_profile_get_db_ssl_root_cert (SnProfile     *self);
SnDbTransport       sn_profile_get_db_transport     (SnProfile     *self);
const char         *sn_db_transport_to_description  (SnDbTransport  transport);
const char         *sn_db_sslmode_for_host          (const char    *host,
                                                     const char    *root_cert);
char               *sn_profile_dup_health_url       (SnProfile     *self,
                                                     gboolean       verbose);
gboolean            sn_profile_validate             (SnProfile     *self,
                                                     GError       **error);
gboolean            sn_profile_name_is_valid        (const char    *name);

/* Services call this first: fails with SN_PROFILE_ERROR_LEVEL, saying what
 * the profile cannot do and which profile can, when @self is below @needed.
 * @what completes "it cannot …": a translated verb phrase such as
 * _("make a backup (it copies the server's database)"). */
gboolean            sn_profile_check_level          (SnProfile     *self,
                                                     SnSafetyLevel  needed,
                                                     const char    *what,
                                                     GError       **error);
/* A safety level in words: "read-only", "operator", "admin" (translated). */
const char         *sn_safety_level_to_label        (SnSafetyLevel  level);
/* For a read-only profile, one sentence per credential it holds that can
 * change the server (SSH as root, the database's owner role), for the
 * profile editor and `narcisse-ctl profiles`; empty for other levels. The
 * level is a convenience: the credentials are the boundary. */
char              **sn_profile_dup_credential_warnings (SnProfile   *self);

G_END_DECLS
