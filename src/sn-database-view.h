/* sn-database-view.h: the "Database" view: business reports and the SQL editor
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-database-connector.h"
#include "sn-reports-page.h"
#include "sn-sql-console-page.h"

G_BEGIN_DECLS

#define SN_TYPE_DATABASE_VIEW (sn_database_view_get_type ())

G_DECLARE_FINAL_TYPE (SnDatabaseView, sn_database_view, SN, DATABASE_VIEW, GtkWidget)

GtkWidget           *sn_database_view_new             (void);
SnProfile           *sn_database_view_get_profile     (SnDatabaseView *self);
void                 sn_database_view_set_profile     (SnDatabaseView *self,
                                                       SnProfile      *profile);
SnDatabaseConnector *sn_database_view_get_connector   (SnDatabaseView *self);
SnReportsPage       *sn_database_view_get_reports_page (SnDatabaseView *self);
SnSqlConsolePage    *sn_database_view_get_sql_console  (SnDatabaseView *self);
SnReportResult      *sn_database_view_get_report      (SnDatabaseView *self);
void                 sn_database_view_select_report   (SnDatabaseView *self,
                                                       const char     *id);
void                 sn_database_view_set_sql         (SnDatabaseView *self,
                                                       const char     *sql);
SnQueryResult       *sn_database_view_get_result      (SnDatabaseView *self);
GtkColumnView       *sn_database_view_get_results_view (SnDatabaseView *self);
const char          *sn_database_view_get_status      (SnDatabaseView *self);
GtkWindow           *sn_database_view_get_dialog      (SnDatabaseView *self);
/* The "last verified restore" badge's text as shown now. */
const char          *sn_database_view_get_restore_badge (SnDatabaseView *self);

G_END_DECLS
