/* fuzz-csv.c: the CSV that psql --csv prints, as the psql path reads it
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libpq-fe.h>

#include "fuzz.h"
#include "sn-query-result-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  PGresult *result;

  result = _sn_query_result_parse_csv ((const char *)data, size, &error);
  if (result != NULL)
    {
      for (int row = 0; row < PQntuples (result); row++)
        for (int col = 0; col < PQnfields (result); col++)
          (void)PQgetvalue (result, row, col);
      PQclear (result);
    }
  /* Without a GError too: the reader must not fall back to guessing. */
  result = _sn_query_result_parse_csv ((const char *)data, size, NULL);
  g_clear_pointer (&result, PQclear);
  return 0;
}
