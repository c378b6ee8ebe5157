/* sn-reports-page.h: the Database view's business reports
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-reports.h"
#include "sn-database-connector.h"

G_BEGIN_DECLS

#define SN_TYPE_REPORTS_PAGE (sn_reports_page_get_type ())

G_DECLARE_FINAL_TYPE (SnReportsPage, sn_reports_page, SN, REPORTS_PAGE, GtkWidget)

GtkWidget      *sn_reports_page_new              (void);
void            sn_reports_page_set_connector    (SnReportsPage       *self,
                                                  SnDatabaseConnector *connector);
void            sn_reports_page_run              (SnReportsPage       *self);
void            sn_reports_page_clear            (SnReportsPage       *self);
void            sn_reports_page_set_busy         (SnReportsPage       *self,
                                                  gboolean             busy);
void            sn_reports_page_show_unreachable (SnReportsPage       *self,
                                                  const char          *advice);
SnReportResult *sn_reports_page_get_report       (SnReportsPage       *self);
void            sn_reports_page_select_report    (SnReportsPage       *self,
                                                  const char          *id);

G_END_DECLS
