/* sn-database-connector.h: reach a profile's PostgreSQL by the best path there is
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-database.h"
#include "sn-profile.h"
#include "sn-reports.h"
#include "sn-secret-store.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

/**
 * SnDatabasePath:
 * @SN_DATABASE_PATH_NONE: not connected yet
 * @SN_DATABASE_PATH_DIRECT: libpq straight to db-host:db-port (the profile says db-direct)
 * @SN_DATABASE_PATH_TUNNEL: libpq through an SSH tunnel to db-host:db-port on the server
 * @SN_DATABASE_PATH_PSQL_EXEC: `docker compose exec -T db psql --csv` over SSH, because
 *   the server forbids TCP forwarding; no streaming, cancel stops the remote command
 */
typedef enum
{
  SN_DATABASE_PATH_NONE,
  SN_DATABASE_PATH_DIRECT,
  SN_DATABASE_PATH_TUNNEL,
  SN_DATABASE_PATH_PSQL_EXEC,
} SnDatabasePath;

/* What a tunnel-only SSH key (authorized_keys `restrict,port-forwarding,permitopen=…,
 * command=…`, as the read-only setup runbook writes it) prints when asked to run a
 * command: the psql path then fails with a sentence that says to use the tunnel. */
#define SN_TUNNEL_ONLY_MESSAGE "narcisse: this SSH key only opens the database tunnel"

#define SN_TYPE_DATABASE_CONNECTOR (sn_database_connector_get_type ())

G_DECLARE_FINAL_TYPE (SnDatabaseConnector, sn_database_connector, SN, DATABASE_CONNECTOR, GObject)

/*
 * Properties: profile (construct-only), path, read-only.
 *
 * One connector per profile and view. The database password is the profile's
 * "db-password" secret. Every query is read-only until allow_writes().
 */
SnDatabaseConnector *sn_database_connector_new               (SnProfile            *profile,
                                                              SnSecretStore        *secrets);
SnProfile           *sn_database_connector_get_profile       (SnDatabaseConnector  *self);
SnDatabasePath       sn_database_connector_get_path          (SnDatabaseConnector  *self);
const char          *sn_database_connector_get_path_label    (SnDatabaseConnector  *self);
const char          *sn_database_path_get_label              (SnDatabasePath        path);
void                 sn_database_connector_set_forced_path   (SnDatabaseConnector  *self,
                                                              SnDatabasePath        path);
SnDatabase          *sn_database_connector_get_database      (SnDatabaseConnector  *self);
SnSshSession        *sn_database_connector_get_ssh_session   (SnDatabaseConnector  *self);
gboolean             sn_database_connector_get_read_only     (SnDatabaseConnector  *self);
const char          *sn_database_connector_get_write_reason  (SnDatabaseConnector  *self);
gboolean             sn_database_connector_allow_writes      (SnDatabaseConnector  *self,
                                                              const char           *reason,
                                                              GError              **error);
void                 sn_database_connector_forbid_writes     (SnDatabaseConnector  *self);

void                 sn_database_connector_connect_async     (SnDatabaseConnector  *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gboolean             sn_database_connector_connect_finish    (SnDatabaseConnector  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
void                 sn_database_connector_disconnect        (SnDatabaseConnector  *self);

SnQueryResult       *sn_database_connector_start_query       (SnDatabaseConnector  *self,
                                                              const char           *sql,
                                                              GCancellable         *cancellable);
void                 sn_database_connector_cancel            (SnDatabaseConnector  *self);

void                 sn_database_connector_run_report_async  (SnDatabaseConnector  *self,
                                                              const char           *id,
                                                              const GDate          *from,
                                                              const GDate          *to,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
SnReportResult      *sn_database_connector_run_report_finish (SnDatabaseConnector  *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);

void                 sn_database_connector_export_csv_async  (SnDatabaseConnector  *self,
                                                              const char           *sql,
                                                              GFile                *file,
                                                              SnCopyProgressFunc    progress,
                                                              gpointer              progress_data,
                                                              GDestroyNotify        progress_destroy,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
gboolean             sn_database_connector_export_csv_finish (SnDatabaseConnector  *self,
                                                              GAsyncResult         *result,
                                                              guint64              *rows,
                                                              GError              **error);

/* Helpers shared by the view and the CLI */
char                *sn_database_dup_psql_command            (SnProfile            *profile,
                                                              const char           *sql,
                                                              gboolean              read_only);
gboolean             sn_sql_is_destructive                   (const char           *sql,
                                                              char                **what);
gboolean             sn_sql_is_write                         (const char           *sql);
gboolean             sn_sql_escapes_read_only                (const char           *sql,
                                                              char                **what);
char                *sn_database_error_dup_advice            (const GError         *error);

G_END_DECLS
