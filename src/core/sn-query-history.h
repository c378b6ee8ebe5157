/* sn-query-history.h: the SQL editor's history and saved queries, per profile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The newest statements kept in the history. */
#define SN_QUERY_HISTORY_MAX 200

#define SN_TYPE_QUERY_HISTORY_ITEM (sn_query_history_item_get_type ())

G_DECLARE_FINAL_TYPE (SnQueryHistoryItem, sn_query_history_item, SN, QUERY_HISTORY_ITEM, GObject)

const char         *sn_query_history_item_get_name    (SnQueryHistoryItem *self);
const char         *sn_query_history_item_get_sql     (SnQueryHistoryItem *self);
const char         *sn_query_history_item_get_summary (SnQueryHistoryItem *self);
const char         *sn_query_history_item_get_time    (SnQueryHistoryItem *self);

#define SN_TYPE_QUERY_HISTORY (sn_query_history_get_type ())

G_DECLARE_FINAL_TYPE (SnQueryHistory, sn_query_history, SN, QUERY_HISTORY, GObject)

char               *sn_query_history_dup_default_path (const char      *profile_name);
SnQueryHistory     *sn_query_history_new              (const char      *profile_name);
SnQueryHistory     *sn_query_history_new_for_path     (const char      *path);
const char         *sn_query_history_get_path         (SnQueryHistory  *self);
GListModel         *sn_query_history_get_history      (SnQueryHistory  *self);
GListModel         *sn_query_history_get_saved        (SnQueryHistory  *self);
gboolean            sn_query_history_add              (SnQueryHistory  *self,
                                                       const char      *sql,
                                                       GError         **error);
gboolean            sn_query_history_save_query       (SnQueryHistory  *self,
                                                       const char      *name,
                                                       const char      *sql,
                                                       GError         **error);

G_END_DECLS
