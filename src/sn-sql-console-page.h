/* sn-sql-console-page.h: the Database view's SQL editor
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-database-connector.h"

G_BEGIN_DECLS

#define SN_TYPE_SQL_CONSOLE_PAGE (sn_sql_console_page_get_type ())

G_DECLARE_FINAL_TYPE (SnSqlConsolePage, sn_sql_console_page, SN, SQL_CONSOLE_PAGE, GtkWidget)

GtkWidget     *sn_sql_console_page_new              (void);
void           sn_sql_console_page_set_connector    (SnSqlConsolePage    *self,
                                                     SnDatabaseConnector *connector);
void           sn_sql_console_page_set_sql          (SnSqlConsolePage    *self,
                                                     const char          *sql);
SnQueryResult *sn_sql_console_page_get_result       (SnSqlConsolePage    *self);
GtkColumnView *sn_sql_console_page_get_results_view (SnSqlConsolePage    *self);
const char    *sn_sql_console_page_get_status       (SnSqlConsolePage    *self);
GtkWindow     *sn_sql_console_page_get_dialog       (SnSqlConsolePage    *self);

G_END_DECLS
