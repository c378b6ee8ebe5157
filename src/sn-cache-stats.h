/* sn-cache-stats.h: the cache's stats over the last refreshes, as small charts
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sn-types.h"

G_BEGIN_DECLS

/* Samples kept: 10 minutes at one refresh every 10 s. */
#define SN_CACHE_STATS_HISTORY 60

#define SN_TYPE_CACHE_STATS (sn_cache_stats_get_type ())

G_DECLARE_FINAL_TYPE (SnCacheStats, sn_cache_stats, SN, CACHE_STATS, GtkBox)

GtkWidget *sn_cache_stats_new            (void);
/* One refresh's stats (sn_cache_stats_sync()): the charts grow by one
 * sample each, the oldest goes past SN_CACHE_STATS_HISTORY; the details
 * (slow log, the app's counters) show the newest. */
void       sn_cache_stats_add            (SnCacheStats *self,
                                          JsonObject   *stats);
void       sn_cache_stats_clear          (SnCacheStats *self);
guint      sn_cache_stats_get_n_samples  (SnCacheStats *self);

G_END_DECLS
