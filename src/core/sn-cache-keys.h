/* sn-cache-keys.h: the app's real key formats, and what a key holds
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-cache-backend.h"

G_BEGIN_DECLS

/**
 * SnKeyFamily:
 *
 * By known prefix (target-system.md §4.2), never by splitting on ':' (IPv6
 * addresses put ':' inside rate keys).
 */
typedef enum
{
  SN_KEY_FAMILY_RATE,           /* rate:<bucket>:tokens|ts */
  SN_KEY_FAMILY_AVAILABILITY,   /* availability:<date>:<lang>:<a>:<c>:<b> */
  SN_KEY_FAMILY_BOOKINGS,       /* bookings:<date>:… */
  SN_KEY_FAMILY_PLANNING,       /* planning:last_update */
  SN_KEY_FAMILY_BOATS,          /* boats:active */
  SN_KEY_FAMILY_OTHER,
  SN_KEY_FAMILY_N
} SnKeyFamily;

typedef enum
{
  SN_KEY_TYPE_UNKNOWN,          /* not fetched yet */
  SN_KEY_TYPE_NONE,             /* the key is gone */
  SN_KEY_TYPE_STRING,
  SN_KEY_TYPE_HASH,
  SN_KEY_TYPE_LIST,
  SN_KEY_TYPE_SET,
  SN_KEY_TYPE_ZSET,
  SN_KEY_TYPE_STREAM,
  SN_KEY_TYPE_OTHER,
} SnKeyType;

SnKeyFamily  sn_key_family_for_key      (const char   *key);
const char  *sn_key_family_to_label     (SnKeyFamily   family);
const char  *sn_key_family_to_pattern   (SnKeyFamily   family);
SnKeyType    sn_key_type_from_string    (const char   *type);
const char  *sn_key_type_to_string      (SnKeyType     type);

/* rate:<bucket>:<suffix>: the bucket's kind ("availability:ip", "booking:create:fp",
 * "auth:pwchange", …), the client address (IPv6 with its colons), the fingerprint
 * hash or user id when the bucket has one, and "tokens" or "ts". */
gboolean     sn_rate_key_parse          (const char   *key,
                                         char        **kind,
                                         char        **address,
                                         char        **extra,
                                         char        **suffix);
/* availability:D:… / bookings:D:… → D (YYYY-MM-DD), else NULL */
char        *sn_cache_key_dup_date      (const char   *key);

/* @text with every glob character (* ? [ ] \) escaped for MATCH. */
char        *sn_cache_glob_escape       (const char   *text);
/* The two prefixes the app invalidates for a date (§4.4), as MATCH patterns:
 * "availability:D:*", "bookings:D:*". @date must be YYYY-MM-DD. */
char       **sn_cache_date_patterns     (const char   *date,
                                         GError      **error);

/* What one key holds, read for the details pane. */
typedef struct
{
  char      *key;
  SnKeyType  type;
  gint64     ttl_ms;       /* -1 persistent, -2 gone */
  gint64     length;       /* STRLEN, HLEN, LLEN, SCARD, ZCARD, XLEN */
  gint64     memory;       /* MEMORY USAGE in bytes, -1 where unknown (Upstash) */
  char      *text;         /* the value for display: pretty JSON, "field: value" lines, … */
  gboolean   is_json;
  gboolean   truncated;    /* @text shows only the start: copy the full value on request */
} SnCacheKeyDetails;

#define SN_TYPE_CACHE_KEY_DETAILS (sn_cache_key_details_get_type ())

GType              sn_cache_key_details_get_type   (void) G_GNUC_CONST;
void               sn_cache_key_details_free       (SnCacheKeyDetails *details);
SnCacheKeyDetails *sn_cache_key_details_copy       (SnCacheKeyDetails *details);

/* @max_bytes: how much of a string value (and of the listing) to read. */
SnCacheKeyDetails *sn_cache_fetch_details_sync     (SnCacheBackend   *backend,
                                                    const char       *key,
                                                    gsize             max_bytes,
                                                    GCancellable     *cancellable,
                                                    GError          **error);
void               sn_cache_fetch_details_async    (SnCacheBackend   *backend,
                                                    const char       *key,
                                                    gsize             max_bytes,
                                                    GCancellable     *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer          user_data);
SnCacheKeyDetails *sn_cache_fetch_details_finish   (SnCacheBackend   *backend,
                                                    GAsyncResult     *result,
                                                    GError          **error);
/* The whole string value (GET), for "Copy": strings only. */
char              *sn_cache_fetch_full_value_sync  (SnCacheBackend   *backend,
                                                    const char       *key,
                                                    GCancellable     *cancellable,
                                                    GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnCacheKeyDetails, sn_cache_key_details_free)

G_END_DECLS
