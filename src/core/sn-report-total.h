/* sn-report-total.h: one total of a report's result, as an item of a list
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-reports.h"

G_BEGIN_DECLS

#define SN_TYPE_REPORT_TOTAL (sn_report_total_get_type ())

G_DECLARE_FINAL_TYPE (SnReportTotal, sn_report_total, SN, REPORT_TOTAL, GObject)

const char *sn_report_total_get_label   (SnReportTotal *self);  /* the column's label */
const char *sn_report_total_get_value   (SnReportTotal *self);  /* the total as displayed */
guint       sn_report_total_get_column  (SnReportTotal *self);

/* The columns of @result that have a total, in order, as SnReportTotal
 * items; values with a decimal comma when @french. */
GListModel *sn_report_result_dup_totals (SnReportResult *result,
                                         gboolean        french);

G_END_DECLS
