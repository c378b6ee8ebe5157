/* sn-csv.h: the one CSV writer, safe for spreadsheets when asked
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sn-profile.h"

G_BEGIN_DECLS

/**
 * SnCsvFlags:
 * @SN_CSV_PLAIN: RFC 4180 as is
 * @SN_CSV_SPREADSHEET_SAFE: a cell starting with `=`, `+`, `-`, `@`, TAB or
 *   CR that is not a number is written as `"'…"`, so a spreadsheet shows it as
 *   text instead of running it as a formula (M9)
 */
typedef enum
{
  SN_CSV_PLAIN            = 0,
  SN_CSV_SPREADSHEET_SAFE = 1 << 0,
  SN_CSV_QUOTE_EMPTY      = 1 << 1,
} SnCsvFlags;

typedef struct _SnCsvFilter SnCsvFilter;

SnCsvFlags   sn_csv_flags_for_profile  (SnProfile    *profile);
gboolean     sn_csv_cell_is_risky      (const char   *text,
                                        gsize         len);
void         sn_csv_append_field       (GString      *out,
                                        const char   *text,
                                        SnCsvFlags    flags);

SnCsvFilter *sn_csv_filter_new         (SnCsvFlags    flags);
void         sn_csv_filter_feed        (SnCsvFilter  *self,
                                        const char   *data,
                                        gsize         len,
                                        GString      *out);
void         sn_csv_filter_finish      (SnCsvFilter  *self,
                                        GString      *out);
void         sn_csv_filter_free        (SnCsvFilter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnCsvFilter, sn_csv_filter_free)

G_END_DECLS
