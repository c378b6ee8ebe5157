/* sn-cache-backend.h: one interface over the app's cache, Redis or Upstash REST
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sn-profile.h"
#include "sn-secret-store.h"

G_BEGIN_DECLS

#define SN_CACHE_ERROR (sn_cache_error_quark ())

typedef enum
{
  SN_CACHE_ERROR_CONFIG,        /* the profile lacks what the backend needs */
  SN_CACHE_ERROR_UNSUPPORTED,   /* e.g. a TLS Redis URL: hiredis is built without TLS */
  SN_CACHE_ERROR_CONNECT,       /* the server cannot be reached */
  SN_CACHE_ERROR_AUTH,          /* password or token refused */
  SN_CACHE_ERROR_COMMAND,       /* the server answered the command with an error */
  SN_CACHE_ERROR_PERMISSION,    /* the credentials may not run this command (NOPERM) */
  SN_CACHE_ERROR_PROTOCOL,      /* an answer we cannot read */
  SN_CACHE_ERROR_LOST,          /* the connection dropped mid-way */
  SN_CACHE_ERROR_NOT_CONNECTED,
} SnCacheError;

#define SN_TYPE_CACHE_BACKEND (sn_cache_backend_get_type ())

G_DECLARE_INTERFACE (SnCacheBackend, sn_cache_backend, SN, CACHE_BACKEND, GObject)

/*
 * Replies are JSON nodes whatever the backend: a bulk or status string is a
 * string, an integer an int, nil null, an array an array. A command the server
 * refuses is a GError (SN_CACHE_ERROR_COMMAND or _PERMISSION); inside a
 * pipeline, a refused command's reply is an object {"error": "..."}.
 *
 * command_sync and pipeline_sync block: call them from worker threads. Each
 * backend serialises its calls, so one backend may be shared by threads.
 */
struct _SnCacheBackendInterface
{
  GTypeInterface parent_iface;

  void       (*connect_async)  (SnCacheBackend       *self,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
  gboolean   (*connect_finish) (SnCacheBackend       *self,
                                GAsyncResult         *result,
                                GError              **error);
  JsonNode  *(*command_sync)   (SnCacheBackend       *self,
                                const char * const   *argv,
                                GCancellable         *cancellable,
                                GError              **error);
  GPtrArray *(*pipeline_sync)  (SnCacheBackend       *self,
                                GPtrArray            *commands,
                                GCancellable         *cancellable,
                                GError              **error);
  void       (*disconnect)     (SnCacheBackend       *self);
  /* "Redis 127.0.0.1:6379 through SSH (…)", "Upstash REST https://…" */
  char      *(*describe)       (SnCacheBackend       *self);
  /* FALSE for Upstash: no MEMORY USAGE, no SLOWLOG, no FLUSHALL */
  gboolean   (*is_redis_server)(SnCacheBackend       *self);
};

GQuark          sn_cache_error_quark              (void);

/* The backend a profile names: "redis-tunnel" → Redis through the profile's
 * SSH tunnel; "upstash" with an http(s) URL → Upstash REST; with a redis://
 * URL → Redis direct (host must pass the loopback guard); rediss:// → a
 * clear "not supported in this build" error. */
SnCacheBackend *sn_cache_backend_new_for_profile  (SnProfile            *profile,
                                                   SnSecretStore        *secrets,
                                                   GError              **error);
SnProfile      *sn_cache_backend_get_profile      (SnCacheBackend       *self);

void            sn_cache_backend_connect_async    (SnCacheBackend       *self,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean        sn_cache_backend_connect_finish   (SnCacheBackend       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);
/* Runs connect_async on a private main context: for worker threads and the CLI. */
gboolean        sn_cache_backend_connect_sync     (SnCacheBackend       *self,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
void            sn_cache_backend_disconnect       (SnCacheBackend       *self);
char           *sn_cache_backend_describe         (SnCacheBackend       *self);
gboolean        sn_cache_backend_is_redis_server  (SnCacheBackend       *self);

JsonNode       *sn_cache_backend_command_sync     (SnCacheBackend       *self,
                                                   const char * const   *argv,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
JsonNode       *sn_cache_backend_command         (SnCacheBackend       *self,
                                                   GCancellable         *cancellable,
                                                   GError              **error,
                                                   const char           *first,
                                                   ...) G_GNUC_NULL_TERMINATED;
/* @commands: (element-type GStrv); returns (element-type JsonNode) */
GPtrArray      *sn_cache_backend_pipeline_sync    (SnCacheBackend       *self,
                                                   GPtrArray            *commands,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
void            sn_cache_backend_command_async    (SnCacheBackend       *self,
                                                   const char * const   *argv,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
JsonNode       *sn_cache_backend_command_finish   (SnCacheBackend       *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

/* One SCAN page: @cursor "0" to start; *@next_cursor "0" when done.
 * @keys gets the page's keys appended (element-type utf8). */
gboolean        sn_cache_backend_scan_page_sync   (SnCacheBackend       *self,
                                                   const char           *cursor,
                                                   const char           *pattern,
                                                   guint                 count,
                                                   char                **next_cursor,
                                                   GPtrArray            *keys,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
/* Every key matching @pattern (SCAN to the end), at most @limit (0 = all). */
GPtrArray      *sn_cache_backend_scan_all_sync    (SnCacheBackend       *self,
                                                   const char           *pattern,
                                                   guint                 limit,
                                                   GCancellable         *cancellable,
                                                   GError              **error);

/* The throttle of scans and deletes: no pause while a page's round trip
 * stays under 4x the fastest of the last 64 (and under 20 ms); when it
 * rises above (the server is busy), a pause as long as that round trip,
 * at most 250 ms. Start zeroed. */
typedef struct
{
  gint64 recent[64];
  guint  n;
} SnCacheThrottle;

gint64          sn_cache_throttle_pause_us        (SnCacheThrottle      *throttle,
                                                   gint64                round_trip_us);

/* Reply helpers */
gint64          sn_cache_reply_get_int            (JsonNode             *reply,
                                                   gint64                fallback);
const char     *sn_cache_reply_get_string         (JsonNode             *reply);
const char     *sn_cache_reply_get_error          (JsonNode             *reply);
/* A GError from a server's error message (NOPERM → _PERMISSION, WRONGPASS → _AUTH). */
GError         *sn_cache_error_from_reply         (const char           *message,
                                                   const char           *command);

/* Private to the implementations. */
SnCacheBackend *_sn_redis_backend_new_tunnel      (SnProfile            *profile,
                                                   SnSecretStore        *secrets);
SnCacheBackend *_sn_redis_backend_new_direct      (SnProfile            *profile,
                                                   SnSecretStore        *secrets,
                                                   const char           *host,
                                                   guint                 port,
                                                   const char           *password);
SnCacheBackend *_sn_upstash_backend_new           (SnProfile            *profile,
                                                   SnSecretStore        *secrets,
                                                   const char           *url);

G_END_DECLS
