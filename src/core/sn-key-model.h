/* sn-key-model.h: a GListModel of cache keys, filled by throttled SCAN pages
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-cache-keys.h"

G_BEGIN_DECLS

#define SN_TYPE_CACHE_KEY (sn_cache_key_get_type ())

G_DECLARE_FINAL_TYPE (SnCacheKey, sn_cache_key, SN, CACHE_KEY, GObject)

/* One row: properties "key", "family" (label), "type" (string, "" until
 * loaded), "ttl-ms" (int64: -1 persistent, -2 gone, G_MININT64 unknown),
 * "ttl-text", "memory" (int64, -1 unknown), "size-text", "position". */
const char  *sn_cache_key_get_key       (SnCacheKey *self);
SnKeyFamily  sn_cache_key_get_family    (SnCacheKey *self);
SnKeyType    sn_cache_key_get_key_type  (SnCacheKey *self);
gint64       sn_cache_key_get_ttl_ms    (SnCacheKey *self);
gint64       sn_cache_key_get_memory    (SnCacheKey *self);
guint        sn_cache_key_get_position  (SnCacheKey *self);

#define SN_TYPE_KEY_MODEL (sn_key_model_get_type ())

G_DECLARE_FINAL_TYPE (SnKeyModel, sn_key_model, SN, KEY_MODEL, GObject)

/*
 * Properties: scanning (bool), n-items (uint), pages (uint), error (string or
 * NULL: why the last scan stopped; what it had found stays in the model).
 *
 * A scan runs SCAN cursor MATCH pattern COUNT count on a worker thread and
 * hands each page to the thread-default main context where the scan started.
 * The throttle (SnCacheThrottle): no pause while a page's round trip stays
 * near the fastest of the last pages; when it rises well above (the server
 * is busy), a pause as long as that round trip before the next page. Pages also wait while the main context has not taken
 * the previous ones (a busy UI slows the scan, never the other way round).
 */
SnKeyModel  *sn_key_model_new                (void);
void         sn_key_model_scan_async         (SnKeyModel          *self,
                                              SnCacheBackend      *backend,
                                              const char          *pattern,
                                              guint                count,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
/* Returns the number of keys found; on error (cancelled, connection lost)
 * the keys found until then stay in the model. */
gboolean     sn_key_model_scan_finish        (SnKeyModel          *self,
                                              GAsyncResult        *result,
                                              guint               *n_keys,
                                              GError             **error);
void         sn_key_model_clear              (SnKeyModel          *self);
gboolean     sn_key_model_get_scanning       (SnKeyModel          *self);
const char  *sn_key_model_get_key            (SnKeyModel          *self,
                                              guint                position);
guint        sn_key_model_get_pages          (SnKeyModel          *self);
guint        sn_key_model_get_family_count   (SnKeyModel          *self,
                                              SnKeyFamily          family);
/* Microseconds from the start of the scan to its first page in the model. */
gint64       sn_key_model_get_first_page_us  (SnKeyModel          *self);
/* Microseconds the throttle paused in total (0 while the server stayed fast). */
gint64       sn_key_model_get_paused_us      (SnKeyModel          *self);
/* Type, TTL and MEMORY USAGE of the rows [@position, @position + @n) not
 * loaded yet, in one pipelined round trip on a worker thread: for visible
 * rows only. Rows are updated (items-changed) when the answer comes. */
void         sn_key_model_load_range         (SnKeyModel          *self,
                                              guint                position,
                                              guint                n);
/* After a delete: drop these keys from the model. */
void         sn_key_model_remove_keys        (SnKeyModel          *self,
                                              GPtrArray           *keys);

G_END_DECLS
