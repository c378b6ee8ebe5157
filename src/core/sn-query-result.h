/* sn-query-result.h: the rows of one SQL statement, as a GListModel
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * SnColumnKind:
 * @SN_COLUMN_KIND_TEXT: anything shown as text
 * @SN_COLUMN_KIND_NUMBER: integers, floats, numeric, money (align right, sort numerically)
 * @SN_COLUMN_KIND_BOOL: boolean
 * @SN_COLUMN_KIND_JSON: json and jsonb (shown as the server sent it)
 * @SN_COLUMN_KIND_BYTEA: bytea (shown as "\x…" with its size)
 * @SN_COLUMN_KIND_TIMESTAMP: date, time, timestamp(tz), interval
 */
typedef enum
{
  SN_COLUMN_KIND_TEXT,
  SN_COLUMN_KIND_NUMBER,
  SN_COLUMN_KIND_BOOL,
  SN_COLUMN_KIND_JSON,
  SN_COLUMN_KIND_BYTEA,
  SN_COLUMN_KIND_TIMESTAMP,
} SnColumnKind;

#define SN_TYPE_QUERY_ROW (sn_query_row_get_type ())

G_DECLARE_FINAL_TYPE (SnQueryRow, sn_query_row, SN, QUERY_ROW, GObject)

#define SN_TYPE_QUERY_RESULT (sn_query_result_get_type ())

G_DECLARE_FINAL_TYPE (SnQueryResult, sn_query_result, SN, QUERY_RESULT, GObject)

/*
 * SnQueryResult is a GListModel of SnQueryRow. Rows live in the PGresults
 * libpq returned (one per fetched chunk); an SnQueryRow is only an index and a
 * reference to its result, made when get_item() asks for it.
 *
 * Properties: n-columns, n-rows (rows loaded so far), loading, command-tag,
 * rows-affected, elapsed-usec. While a query is being fetched, chunks are
 * appended on the context that started it, with items-changed and
 * notify::n-rows each time (that is the progress notification).
 */
guint          sn_query_result_get_n_columns      (SnQueryResult  *self);
const char    *sn_query_result_get_column_name    (SnQueryResult  *self,
                                                   guint           column);
guint          sn_query_result_get_column_type    (SnQueryResult  *self,
                                                   guint           column);
SnColumnKind   sn_query_result_get_column_kind    (SnQueryResult  *self,
                                                   guint           column);
int            sn_query_result_find_column        (SnQueryResult  *self,
                                                   const char     *name);
guint          sn_query_result_get_n_rows         (SnQueryResult  *self);
const char    *sn_query_result_get_value          (SnQueryResult  *self,
                                                   guint           row,
                                                   guint           column);
guint          sn_query_result_get_value_length   (SnQueryResult  *self,
                                                   guint           row,
                                                   guint           column);
gboolean       sn_query_result_is_null            (SnQueryResult  *self,
                                                   guint           row,
                                                   guint           column);
char          *sn_query_result_dup_display        (SnQueryResult  *self,
                                                   guint           row,
                                                   guint           column,
                                                   guint           max_chars);
gboolean       sn_query_result_get_loading        (SnQueryResult  *self);
const char    *sn_query_result_get_command_tag    (SnQueryResult  *self);
gint64         sn_query_result_get_rows_affected  (SnQueryResult  *self);
gint64         sn_query_result_get_elapsed_usec   (SnQueryResult  *self);
void           sn_query_result_wait_async         (SnQueryResult  *self,
                                                   GCancellable   *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer        user_data);
gboolean       sn_query_result_wait_finish        (SnQueryResult  *self,
                                                   GAsyncResult   *result,
                                                   GError        **error);
const GError  *sn_query_result_get_error          (SnQueryResult  *self);
gboolean       sn_query_result_sort               (SnQueryResult  *self,
                                                   int             column,
                                                   gboolean        descending);
guint          sn_query_result_get_source_row     (SnQueryResult  *self,
                                                   guint           position);
void           sn_query_result_forget_rows        (SnQueryResult  *self,
                                                   guint           before);

/* Rows that arrived as text, e.g. `psql --csv` run over SSH. */
SnQueryResult *sn_query_result_new_from_csv       (const char     *csv,
                                                   gssize          length,
                                                   GError        **error);

/* Display helpers, also used by reports and the CLI. */
char          *sn_query_format_value              (const char     *value,
                                                   gsize           length,
                                                   SnColumnKind    kind,
                                                   guint           max_chars);
SnColumnKind   sn_query_column_kind_for_oid       (guint           type_oid);

SnQueryResult *sn_query_row_get_result            (SnQueryRow     *self);
guint          sn_query_row_get_index             (SnQueryRow     *self);
const char    *sn_query_row_get_value             (SnQueryRow     *self,
                                                   guint           column);
char          *sn_query_row_dup_display           (SnQueryRow     *self,
                                                   guint           column,
                                                   guint           max_chars);

G_END_DECLS
