/* sn-query-result-private.h: what SnDatabase uses to fill an SnQueryResult
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "sn-query-result.h"

G_BEGIN_DECLS

SnQueryResult *_sn_query_result_new              (GMainContext   *context);
void           _sn_query_result_take_chunk       (SnQueryResult  *self,
                                                  PGresult       *chunk);
void           _sn_query_result_finish           (SnQueryResult  *self,
                                                  const char     *command_tag,
                                                  gint64          rows_affected,
                                                  gint64          elapsed_usec,
                                                  const GError   *error);

PGresult      *_sn_query_result_parse_csv        (const char     *csv,
                                                  gssize          length,
                                                  GError        **error);

/* psql --csv's stdout parsed as it arrives (sn-query-csv-stream.c) */
G_DECLARE_FINAL_TYPE (SnQueryCsvStream, _sn_query_csv_stream, SN, QUERY_CSV_STREAM, GOutputStream)

GOutputStream *_sn_query_csv_stream_new          (SnQueryResult     *target,
                                                  guint              rows_per_chunk);
gboolean       _sn_query_csv_stream_finish       (SnQueryCsvStream  *self,
                                                  guint             *n_rows,
                                                  gboolean          *has_columns,
                                                  GError           **error);

G_END_DECLS
