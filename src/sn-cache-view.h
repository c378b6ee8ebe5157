/* sn-cache-view.h: the cache browser (runbook §4)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_CACHE_VIEW (sn_cache_view_get_type ())

G_DECLARE_FINAL_TYPE (SnCacheView, sn_cache_view, SN, CACHE_VIEW, GtkWidget)

GtkWidget      *sn_cache_view_new           (void);
SnProfile      *sn_cache_view_get_profile   (SnCacheView *self);
void            sn_cache_view_set_profile   (SnCacheView *self,
                                             SnProfile   *profile);
SnKeyModel     *sn_cache_view_get_keys      (SnCacheView *self);
/* TRUE while connecting, scanning, reading a value or deleting. */
gboolean        sn_cache_view_get_busy      (SnCacheView *self);
/* Scans @pattern as if typed and activated. */
void            sn_cache_view_scan          (SnCacheView *self,
                                             const char  *pattern);
/* Selects the row of @key in the list; FALSE when it is not listed. */
gboolean        sn_cache_view_select_key    (SnCacheView *self,
                                             const char  *key);
/* The details pane's value text as shown now. */
char           *sn_cache_view_dup_value_text (SnCacheView *self);

G_END_DECLS
