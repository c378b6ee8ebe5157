/* sn-sql-console.h: what every statement of the SQL editor passes, for the GUI and the CLI
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-audit-log.h"
#include "sn-database-connector.h"

G_BEGIN_DECLS

/**
 * SnSqlConfirm:
 * @SN_SQL_CONFIRM_NONE: the statement runs as it is
 * @SN_SQL_CONFIRM_YES: the person must say yes first (`--yes`, or the dialog)
 * @SN_SQL_CONFIRM_TYPED_NAME: the person must type the profile's name
 *   (`--confirm NAME`, the terminal question, or the dialog's entry)
 *
 * A session that may write needs a yes for a destructive statement
 * (sn_sql_is_destructive()) and, on a production profile, for every statement,
 * with the profile's name typed.
 */
typedef enum
{
  SN_SQL_CONFIRM_NONE       = 0,
  SN_SQL_CONFIRM_YES        = 1 << 0,
  SN_SQL_CONFIRM_TYPED_NAME = 1 << 1,
} SnSqlConfirm;

SnSqlConfirm   sn_sql_console_get_confirm (SnDatabaseConnector  *connector,
                                           const char           *sql);
gboolean       sn_sql_console_check       (SnDatabaseConnector  *connector,
                                           const char           *sql,
                                           gboolean              confirmed,
                                           const char           *typed_name,
                                           GError              **error);
SnQueryResult *sn_sql_console_start       (SnDatabaseConnector  *connector,
                                           SnAuditLog           *audit,
                                           const char           *sql,
                                           gboolean              confirmed,
                                           const char           *typed_name,
                                           GCancellable         *cancellable,
                                           GError              **error);
char          *sn_sql_redact              (const char           *sql);
gboolean       sn_sql_check_text          (const char           *sql,
                                           gboolean              read_only,
                                           gboolean              psql,
                                           GError              **error);

G_END_DECLS
