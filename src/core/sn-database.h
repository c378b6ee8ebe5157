/* sn-database.h: one PostgreSQL session, read-only unless told otherwise
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-csv.h"
#include "sn-profile.h"
#include "sn-query-result.h"

G_BEGIN_DECLS

#define SN_DATABASE_ERROR (sn_database_error_quark ())

/**
 * SnDatabaseError:
 * @SN_DATABASE_ERROR_CONNECT: the server cannot be reached, or the connection dropped
 * @SN_DATABASE_ERROR_AUTH: the user name or password was refused
 * @SN_DATABASE_ERROR_READ_ONLY: a write in a read-only session (SQLSTATE 25006)
 * @SN_DATABASE_ERROR_SYNTAX: the SQL is wrong: syntax, unknown table or column (class 42)
 * @SN_DATABASE_ERROR_TIMEOUT: statement_timeout expired (SQLSTATE 57014)
 * @SN_DATABASE_ERROR_CANCELLED: the server cancelled the statement for someone else
 *   (a cancel we asked for is reported as G_IO_ERROR_CANCELLED)
 * @SN_DATABASE_ERROR_FAILED: anything else; the message carries the server's
 * @SN_DATABASE_ERROR_REFUSED: not sent: the text would leave a read-only session, or
 *   a write lacks its confirmation or audit line; the message says which and what to do
 */
typedef enum
{
  SN_DATABASE_ERROR_CONNECT,
  SN_DATABASE_ERROR_AUTH,
  SN_DATABASE_ERROR_READ_ONLY,
  SN_DATABASE_ERROR_SYNTAX,
  SN_DATABASE_ERROR_TIMEOUT,
  SN_DATABASE_ERROR_CANCELLED,
  SN_DATABASE_ERROR_FAILED,
  SN_DATABASE_ERROR_REFUSED,
} SnDatabaseError;

/**
 * SnCopyProgressFunc:
 * @bytes: bytes written so far
 * @rows: data rows written so far (the header line is not counted)
 *
 * Called on the context that started the export, at most ten times a second,
 * and once more at the end.
 */
typedef void (*SnCopyProgressFunc) (guint64  bytes,
                                    guint64  rows,
                                    gpointer user_data);

#define SN_TYPE_DATABASE (sn_database_get_type ())

G_DECLARE_FINAL_TYPE (SnDatabase, sn_database, SN, DATABASE, GObject)

/*
 * Properties: host, port, dbname, user, password (write-only),
 * connect-timeout (seconds, default 10), statement-timeout (milliseconds,
 * default 60000, 0 = none), read-only (default TRUE), write-reason,
 * connected, server-version.
 *
 * libpq runs only in GTask worker threads (never on the calling thread, except
 * in the _sync variants meant for the CLI and tests); one operation at a time
 * uses the connection, the others wait their turn. A broken connection is
 * re-established on the next operation.
 */
GQuark         sn_database_error_quark            (void);
SnDatabase    *sn_database_new                    (const char          *host,
                                                   guint                port,
                                                   const char          *dbname,
                                                   const char          *user,
                                                   const char          *password);
SnDatabase    *sn_database_new_for_profile        (SnProfile           *profile,
                                                   const char          *password,
                                                   guint                tunnel_port);
void           sn_database_set_ssl_root_cert      (SnDatabase          *self,
                                                    const char          *root_cert);
void           sn_database_set_csv_flags          (SnDatabase          *self,
                                                   SnCsvFlags           flags);
const char    *sn_database_get_host               (SnDatabase          *self);
guint          sn_database_get_port               (SnDatabase          *self);
const char    *sn_database_get_dbname             (SnDatabase          *self);
const char    *sn_database_get_user               (SnDatabase          *self);
guint          sn_database_get_connect_timeout    (SnDatabase          *self);
void           sn_database_set_connect_timeout    (SnDatabase          *self,
                                                   guint                seconds);
guint          sn_database_get_statement_timeout  (SnDatabase          *self);
void           sn_database_set_fetch_rows         (SnDatabase          *self,
                                                   guint                rows);
void           sn_database_set_statement_timeout  (SnDatabase          *self,
                                                   guint                milliseconds);
gboolean       sn_database_get_connected          (SnDatabase          *self);
int            sn_database_get_server_version     (SnDatabase          *self);
gboolean       sn_database_get_read_only          (SnDatabase          *self);
const char    *sn_database_get_write_reason       (SnDatabase          *self);
gboolean       sn_database_allow_writes           (SnDatabase          *self,
                                                   const char          *reason,
                                                   GError             **error);
void           sn_database_forbid_writes          (SnDatabase          *self);

void           sn_database_connect_async          (SnDatabase          *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean       sn_database_connect_finish         (SnDatabase          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
gboolean       sn_database_connect_sync           (SnDatabase          *self,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
void           sn_database_disconnect             (SnDatabase          *self);

SnQueryResult *sn_database_start_query            (SnDatabase          *self,
                                                   const char          *sql,
                                                   GCancellable        *cancellable);
void           sn_database_query_async            (SnDatabase          *self,
                                                   const char          *sql,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
SnQueryResult *sn_database_query_finish           (SnDatabase          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
SnQueryResult *sn_database_query_sync             (SnDatabase          *self,
                                                   const char          *sql,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
void           sn_database_query_params_async     (SnDatabase          *self,
                                                   const char          *sql,
                                                   const char * const  *params,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
SnQueryResult *sn_database_query_params_finish    (SnDatabase          *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);
SnQueryResult *sn_database_query_params_sync      (SnDatabase          *self,
                                                   const char          *sql,
                                                   const char * const  *params,
                                                   GCancellable        *cancellable,
                                                   GError             **error);
void           sn_database_cancel                 (SnDatabase          *self);

void           sn_database_copy_to_async          (SnDatabase          *self,
                                                   const char          *sql,
                                                   GOutputStream       *stream,
                                                   SnCopyProgressFunc   progress,
                                                   gpointer             progress_data,
                                                   GDestroyNotify       progress_destroy,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean       sn_database_copy_to_finish         (SnDatabase          *self,
                                                   GAsyncResult        *result,
                                                   guint64             *bytes,
                                                   guint64             *rows,
                                                   GError             **error);
void           sn_database_export_csv_async       (SnDatabase          *self,
                                                   const char          *sql,
                                                   GFile               *file,
                                                   SnCopyProgressFunc   progress,
                                                   gpointer             progress_data,
                                                   GDestroyNotify       progress_destroy,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean       sn_database_export_csv_finish      (SnDatabase          *self,
                                                   GAsyncResult        *result,
                                                   guint64             *bytes,
                                                   guint64             *rows,
                                                   GError             **error);

G_END_DECLS
