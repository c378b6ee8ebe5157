/* sn-core-types.h
 *
 * Copyright 2026 Sweet Narcisse
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * SnSafetyLevel:
 * @SN_SAFETY_LEVEL_READ_ONLY: dashboards and reports only (the direction)
 * @SN_SAFETY_LEVEL_OPERATOR: runbooks with their gates (ops staff)
 * @SN_SAFETY_LEVEL_ADMIN: ad-hoc SQL writes and break-glass procedures
 *
 * The nicks ("read-only", "operator", "admin") are what profile files store.
 */
typedef enum
{
  SN_SAFETY_LEVEL_READ_ONLY,
  SN_SAFETY_LEVEL_OPERATOR,
  SN_SAFETY_LEVEL_ADMIN,
} SnSafetyLevel;

/**
 * SnCacheBackendKind:
 * @SN_CACHE_BACKEND_KIND_REDIS_TUNNEL: a Redis server reached through the SSH tunnel
 * @SN_CACHE_BACKEND_KIND_UPSTASH: Upstash's REST API (what production really uses)
 */
typedef enum
{
  SN_CACHE_BACKEND_KIND_REDIS_TUNNEL,
  SN_CACHE_BACKEND_KIND_UPSTASH,
} SnCacheBackendKind;

/**
 * SnSecretKind:
 *
 * What a secret is for. The nicks are the keys of a profile's credentials file
 * and the "kind" attribute of keyring items.
 */
typedef enum
{
  SN_SECRET_KIND_SSH_PASSPHRASE,
  SN_SECRET_KIND_SSH_PASSWORD,
  SN_SECRET_KIND_DB_PASSWORD,
  SN_SECRET_KIND_MONITORING_KEY,
  SN_SECRET_KIND_REDIS_PASSWORD,
  SN_SECRET_KIND_UPSTASH_TOKEN,
  SN_SECRET_KIND_GITHUB_TOKEN,
  SN_SECRET_KIND_APP_SESSION_COOKIE,
} SnSecretKind;

/**
 * SnHealthState:
 * @SN_HEALTH_STATE_UNKNOWN: not checked yet
 * @SN_HEALTH_STATE_HEALTHY: every probe healthy
 * @SN_HEALTH_STATE_DEGRADED: some probe degraded, database fine
 * @SN_HEALTH_STATE_UNHEALTHY: the database probe failed (HTTP 503)
 * @SN_HEALTH_STATE_OPERATIONAL: the public answer: the database answers, details hidden (no key)
 * @SN_HEALTH_STATE_UNAUTHORIZED: the key was refused (HTTP 401/403) or the details were withheld
 * @SN_HEALTH_STATE_TIMEOUT: the server did not answer in time
 * @SN_HEALTH_STATE_REFUSED: connection refused
 * @SN_HEALTH_STATE_TLS_ERROR: the TLS certificate or handshake failed
 * @SN_HEALTH_STATE_MALFORMED: the answer was not the JSON we expect
 * @SN_HEALTH_STATE_HTTP_ERROR: another HTTP status
 * @SN_HEALTH_STATE_UNREACHABLE: name resolution or network failure
 */
typedef enum
{
  SN_HEALTH_STATE_UNKNOWN,
  SN_HEALTH_STATE_HEALTHY,
  SN_HEALTH_STATE_DEGRADED,
  SN_HEALTH_STATE_UNHEALTHY,
  SN_HEALTH_STATE_OPERATIONAL,
  SN_HEALTH_STATE_UNAUTHORIZED,
  SN_HEALTH_STATE_TIMEOUT,
  SN_HEALTH_STATE_REFUSED,
  SN_HEALTH_STATE_TLS_ERROR,
  SN_HEALTH_STATE_MALFORMED,
  SN_HEALTH_STATE_HTTP_ERROR,
  SN_HEALTH_STATE_UNREACHABLE,
} SnHealthState;

G_END_DECLS
