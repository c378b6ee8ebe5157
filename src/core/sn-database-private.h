/* sn-database-private.h: what SnDatabase's files share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SnDatabase is split on its seams:
 *   sn-database.c             the object, its jobs, cancelling, connecting
 *   sn-database-connection.c  errors, the connection, the read-only net
 *   sn-database-query.c       queries
 *   sn-database-copy.c        COPY and CSV exports
 */

#pragma once

#include <libpq-fe.h>

#include "sn-database.h"
#include "sn-query-result-private.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

/* Rows per FETCH when a SELECT is read through a cursor: big enough that the
 * round trips cost little, small enough that the first rows show at once. */
#define FETCH_ROWS 50000   /* rows per FETCH unless sn_database_set_fetch_rows() says */
#define COPY_BUFFER_SIZE (256 * 1024)
#define PROGRESS_INTERVAL_USEC (100 * 1000)

/* A PGcancel shared between the operation and the thread that sends the
 * cancel request, which may outlive the operation by a few milliseconds. */
typedef struct
{
  gatomicrefcount  ref_count;
  PGcancel        *cancel;
} CancelToken;

typedef struct _Job Job;

struct _SnDatabase
{
  GObject       parent_instance;

  GMainContext *context;            /* where property notifications go */
  char         *host;
  char         *dbname;
  char         *user;
  char         *password;
  char         *write_reason;
  char         *ssl_root_cert;      /* set before connecting; NULL: no CA check */
  SnCsvFlags    csv_flags;          /* for the exports started from now on */

  /* Held by the one thread that uses @conn; the others queue on it. */
  GMutex        conn_lock;
  PGconn       *conn;

  /* Guards @current and the settings below. */
  GMutex        state_lock;
  Job          *current;
  guint         settings_serial;
  guint         applied_serial;     /* under conn_lock */

  guint         port;
  guint         connect_timeout;
  guint         statement_timeout;
  guint         fetch_rows;       /* atomic */
  int           server_version;

  guint         read_only : 1;
  guint         connected : 1;
};


struct _Job
{
  SnDatabase         *self;
  char               *sql;
  GStrv               params;
  SnQueryResult      *result;
  GCancellable       *cancellable;
  CancelToken        *token;         /* under state_lock */

  /* copy */
  GOutputStream      *stream;
  GFile              *file;
  SnCopyProgressFunc  progress;
  gpointer            progress_data;
  GDestroyNotify      progress_destroy;
  GMainContext       *progress_context;
  guint64             bytes;
  guint64             rows;
  gint64              last_progress;
  SnCsvFilter        *csv_filter;    /* NULL: COPY's CSV as is */
  GString            *csv_out;

  gulong              cancelled_id;
  int                 cancel_requested;   /* atomic */
};


/* sn-database.c */
void      _sn_database_job_free             (gpointer           data);
Job      *_sn_database_job_new              (SnDatabase        *self,
                                             const char        *sql,
                                             GCancellable      *cancellable);
void      _sn_database_set_connected        (SnDatabase        *self,
                                             gboolean           connected,
                                             int                server_version);
void      _sn_database_request_cancel_locked (SnDatabase        *self,
                                              Job               *job);
gboolean  _sn_database_job_cancelled        (Job               *job);
void      _sn_database_begin_operation      (SnDatabase        *self,
                                             Job               *job);
void      _sn_database_end_operation        (SnDatabase        *self,
                                             Job               *job);

/* sn-database-connection.c */
GError   *_sn_database_error_from_result      (SnDatabase        *self,
                                               Job               *job,
                                               const PGresult    *res);
gboolean  _sn_database_ensure_connected_locked (SnDatabase        *self,
                                                GError           **error);
gboolean  _sn_database_apply_settings_locked  (SnDatabase        *self,
                                               GError           **error);
gboolean  _sn_database_check_read_only_net    (SnDatabase        *self,
                                               const char        *sql,
                                               GError           **error);

/* sn-database-psql.c: psql's stderr as an error a person can act on */
GError        *_sn_database_psql_error        (SnSshExecResult   *result);

G_END_DECLS
