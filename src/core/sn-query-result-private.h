/* sn-query-result-private.h: what SnDatabase uses to fill an SnQueryResult
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

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

G_END_DECLS
