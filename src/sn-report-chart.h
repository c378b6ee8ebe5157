/* sn-report-chart.h: a report's bar chart
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-reports.h"

G_BEGIN_DECLS

#define SN_TYPE_REPORT_CHART (sn_report_chart_get_type ())

G_DECLARE_FINAL_TYPE (SnReportChart, sn_report_chart, SN, REPORT_CHART, GtkDrawingArea)

GtkWidget      *sn_report_chart_new        (void);
SnReportResult *sn_report_chart_get_report (SnReportChart  *self);
void            sn_report_chart_set_report (SnReportChart  *self,
                                            SnReportResult *report);
gboolean        sn_report_chart_get_empty  (SnReportChart  *self);

G_END_DECLS
