/* sn-database.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-database"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gunixoutputstream.h>
#include <libpq-fe.h>

#include "sn-database.h"
#include "sn-database-connector.h"
#include "sn-sql-console.h"
#include "sn-net.h"
#include "sn-query-result-private.h"

/* Rows per FETCH when a SELECT is read through a cursor: big enough that the
 * round trips cost little, small enough that the first rows show at once. */
#define FETCH_ROWS 50000
#define FETCH_ROWS_STR "50000"
#define COPY_BUFFER_SIZE (256 * 1024)
#define PROGRESS_INTERVAL_USEC (100 * 1000)

/* A PGcancel shared between the operation and the thread that sends the
 * cancel request, which may outlive the operation by a few milliseconds. */
typedef struct
{
  gatomicrefcount  ref_count;
  PGcancel        *cancel;
} CancelToken;

static CancelToken *
cancel_token_ref (CancelToken *token)
{
  g_atomic_ref_count_inc (&token->ref_count);
  return token;
}

static void
cancel_token_unref (CancelToken *token)
{
  if (g_atomic_ref_count_dec (&token->ref_count))
    {
      PQfreeCancel (token->cancel);
      g_free (token);
    }
}

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

enum {
  PROP_0,
  PROP_HOST,
  PROP_PORT,
  PROP_DBNAME,
  PROP_USER,
  PROP_PASSWORD,
  PROP_CONNECT_TIMEOUT,
  PROP_STATEMENT_TIMEOUT,
  PROP_READ_ONLY,
  PROP_WRITE_REASON,
  PROP_CONNECTED,
  PROP_SERVER_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SnDatabase, sn_database, G_TYPE_OBJECT)

G_DEFINE_QUARK (sn-database-error-quark, sn_database_error)

static void
job_free (gpointer data)
{
  Job *job = data;

  g_assert (job->token == NULL);
  g_assert (job->cancelled_id == 0);

  if (job->progress_destroy != NULL)
    job->progress_destroy (job->progress_data);
  g_clear_pointer (&job->progress_context, g_main_context_unref);
  g_clear_pointer (&job->sql, g_free);
  g_clear_pointer (&job->params, g_strfreev);
  g_clear_object (&job->result);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->stream);
  g_clear_object (&job->file);
  g_clear_object (&job->self);
  g_clear_pointer (&job->csv_filter, sn_csv_filter_free);
  if (job->csv_out != NULL)
    g_string_free (job->csv_out, TRUE);
  g_free (job);
}

static Job *
job_new (SnDatabase   *self,
         const char   *sql,
         GCancellable *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->sql = g_strdup (sql);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  return job;
}

/* ------------------------------------------------------------------------ */
/* Notifications from worker threads                                        */

typedef struct
{
  SnDatabase *self;
  GParamSpec *pspec;
} Notify;

static gboolean
notify_cb (gpointer data)
{
  Notify *notify = data;

  g_object_notify_by_pspec (G_OBJECT (notify->self), notify->pspec);
  g_object_unref (notify->self);
  g_free (notify);

  return G_SOURCE_REMOVE;
}

static void
notify_in_context (SnDatabase *self,
                   GParamSpec *pspec)
{
  Notify *notify = g_new0 (Notify, 1);

  notify->self = g_object_ref (self);
  notify->pspec = pspec;
  g_main_context_invoke (self->context, notify_cb, notify);
}

static void
set_connected (SnDatabase *self,
               gboolean    connected,
               int         server_version)
{
  gboolean changed;

  g_mutex_lock (&self->state_lock);
  changed = self->connected != !!connected;
  self->connected = !!connected;
  if (connected)
    self->server_version = server_version;
  g_mutex_unlock (&self->state_lock);

  if (changed)
    {
      notify_in_context (self, properties[PROP_CONNECTED]);
      notify_in_context (self, properties[PROP_SERVER_VERSION]);
    }
}

/* ------------------------------------------------------------------------ */
/* Cancellation                                                             */

static gpointer
cancel_thread (gpointer data)
{
  CancelToken *token = data;
  char errbuf[256] = "";

  if (!PQcancel (token->cancel, errbuf, sizeof errbuf))
    g_debug ("Cancel request failed: %s", errbuf);

  cancel_token_unref (token);

  return NULL;
}

/* Any thread. The cancel request opens its own connection to the server, so
 * it goes to a short-lived thread: the main loop never waits for it. */
static void
request_cancel_locked (SnDatabase *self,
                       Job        *job)
{
  g_atomic_int_set (&job->cancel_requested, 1);

  if (job->token != NULL)
    g_thread_unref (g_thread_new ("sn-pq-cancel", cancel_thread,
                                  cancel_token_ref (job->token)));
}

static void
on_cancellable_cancelled (GCancellable *cancellable,
                          gpointer      user_data)
{
  Job *job = user_data;
  SnDatabase *self = job->self;

  g_mutex_lock (&self->state_lock);
  request_cancel_locked (self, job);
  g_mutex_unlock (&self->state_lock);
}

static gboolean
job_cancelled (Job *job)
{
  return g_atomic_int_get (&job->cancel_requested) ||
         g_cancellable_is_cancelled (job->cancellable);
}

/* With conn_lock held: the job is the one using the connection now. */
static void
begin_operation (SnDatabase *self,
                 Job        *job)
{
  CancelToken *token = g_new0 (CancelToken, 1);

  g_atomic_ref_count_init (&token->ref_count);
  token->cancel = PQgetCancel (self->conn);

  g_mutex_lock (&self->state_lock);
  self->current = job;
  job->token = token;
  g_mutex_unlock (&self->state_lock);

  if (job->cancellable != NULL)
    job->cancelled_id = g_cancellable_connect (job->cancellable,
                                               G_CALLBACK (on_cancellable_cancelled),
                                               job, NULL);
}

static void
end_operation (SnDatabase *self,
               Job        *job)
{
  if (job->cancelled_id != 0)
    {
      g_cancellable_disconnect (job->cancellable, job->cancelled_id);
      job->cancelled_id = 0;
    }

  g_mutex_lock (&self->state_lock);
  if (self->current == job)
    self->current = NULL;
  g_clear_pointer (&job->token, cancel_token_unref);
  g_mutex_unlock (&self->state_lock);
}

/**
 * sn_database_cancel:
 *
 * Asks the server to stop the statement running now (PQcancel). Its
 * operation then fails with %G_IO_ERROR_CANCELLED, usually within a few
 * milliseconds. Returns at once; does nothing when nothing runs.
 */
void
sn_database_cancel (SnDatabase *self)
{
  g_return_if_fail (SN_IS_DATABASE (self));

  g_mutex_lock (&self->state_lock);
  if (self->current != NULL)
    request_cancel_locked (self, self->current);
  g_mutex_unlock (&self->state_lock);
}

/* ------------------------------------------------------------------------ */
/* Errors a person can act on                                               */

static GError *
error_from_connection (SnDatabase *self,
                       PGconn     *conn)
{
  const char *message = conn != NULL ? PQerrorMessage (conn) : "out of memory";
  g_autofree char *clean = g_strstrip (g_strdup (message));

  if (strstr (message, "Connection refused") != NULL)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                        _("Cannot reach PostgreSQL at %s:%u: connection refused. "
                          "Is the db container running?"),
                        self->host, self->port);

  if (strstr (message, "timeout expired") != NULL ||
      strstr (message, "timed out") != NULL)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                        _("PostgreSQL at %s:%u did not answer within %u s. "
                          "Check that the server and the SSH tunnel are up."),
                        self->host, self->port, self->connect_timeout);

  if (strstr (message, "password authentication failed") != NULL ||
      strstr (message, "no password supplied") != NULL ||
      strstr (message, "SCRAM") != NULL)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_AUTH,
                        _("PostgreSQL at %s:%u refused the password of user “%s”. "
                          "Check the database user and password of this profile."),
                        self->host, self->port, self->user);

  if (strstr (message, "pg_hba.conf") != NULL)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_AUTH,
                        _("PostgreSQL at %s:%u does not let user “%s” in from this "
                          "address (pg_hba.conf): %s"),
                        self->host, self->port, self->user, clean);

  if (strstr (message, "does not exist") != NULL)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                        _("PostgreSQL at %s:%u has no database “%s” or no role “%s”. "
                          "Check the database name and user of this profile (%s)."),
                        self->host, self->port, self->dbname, self->user, clean);

  return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                      _("Cannot connect to PostgreSQL at %s:%u: %s"),
                      self->host, self->port, clean);
}

static GError *
error_from_result (SnDatabase     *self,
                   Job            *job,
                   const PGresult *res)
{
  const char *sqlstate = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
  const char *primary = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
  const char *hint = res != NULL ? PQresultErrorField (res, PG_DIAG_MESSAGE_HINT) : NULL;
  const char *position = res != NULL ? PQresultErrorField (res, PG_DIAG_STATEMENT_POSITION) : NULL;
  g_autofree char *message = NULL;

  if (sqlstate == NULL || PQstatus (self->conn) == CONNECTION_BAD)
    {
      g_autofree char *clean = g_strstrip (g_strdup (PQerrorMessage (self->conn)));

      if (job != NULL && job_cancelled (job))
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                    _("The query was cancelled."));

      return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                          _("Lost the connection to PostgreSQL at %s:%u: %s. "
                            "Run the query again to reconnect."),
                          self->host, self->port, clean);
    }

  if (primary == NULL)
    primary = PQresultErrorMessage (res);

  if (position != NULL)
    message = g_strdup_printf (_("%s (at character %s)"), primary, position);
  else
    message = g_strdup (primary);

  if (hint != NULL)
    {
      char *with_hint = g_strdup_printf ("%s. %s", message, hint);

      g_free (message);
      message = with_hint;
    }

  if (strcmp (sqlstate, "57014") == 0)
    {
      if (job != NULL && job_cancelled (job))
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                    _("The query was cancelled."));

      if (strstr (primary, "statement timeout") != NULL)
        return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_TIMEOUT,
                            _("The query ran longer than the statement timeout (%u ms) "
                              "and was stopped. Add a LIMIT or a narrower WHERE, or "
                              "raise the timeout."),
                            self->statement_timeout);

      return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CANCELLED,
                          _("The server cancelled the query: %s"), message);
    }

  if (strcmp (sqlstate, "25006") == 0)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_READ_ONLY,
                        _("This session is read-only, so the server refused the write "
                          "(%s). An admin profile can allow writes after giving a reason."),
                        message);

  if (g_str_has_prefix (sqlstate, "42") && strcmp (sqlstate, "42501") != 0)
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_SYNTAX, "%s", message);

  if (g_str_has_prefix (sqlstate, "08"))
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT, "%s", message);

  if (g_str_has_prefix (sqlstate, "28"))
    return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_AUTH, "%s", message);

  return g_error_new (SN_DATABASE_ERROR, SN_DATABASE_ERROR_FAILED,
                      _("%s (SQLSTATE %s)"), message, sqlstate);
}

/* ------------------------------------------------------------------------ */
/* The connection (conn_lock held)                                          */

static gboolean
ensure_connected_locked (SnDatabase  *self,
                         GError     **error)
{
  g_autofree char *port = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *options = NULL;
  const char *keywords[20];
  const char *values[20];
  gboolean read_only;
  guint statement_timeout;
  guint serial;
  int n = 0;

  if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_OK)
    return TRUE;

  g_clear_pointer (&self->conn, PQfinish);
  set_connected (self, FALSE, 0);

  if (!sn_net_check_host (self->host, error))
    return FALSE;

  g_mutex_lock (&self->state_lock);
  read_only = self->read_only;
  statement_timeout = self->statement_timeout;
  serial = self->settings_serial;
  g_mutex_unlock (&self->state_lock);

  port = g_strdup_printf ("%u", self->port);
  timeout = g_strdup_printf ("%u", MAX (self->connect_timeout, 2));
  /* The session settings go in the startup packet: the very first statement
   * already runs read-only and under the timeout. */
  options = g_strdup_printf ("-c default_transaction_read_only=%s -c statement_timeout=%u",
                             read_only ? "on" : "off", statement_timeout);

#define KV(k, v) G_STMT_START { keywords[n] = k; values[n] = v; n++; } G_STMT_END
  KV ("host", self->host);
  KV ("port", port);
  KV ("dbname", self->dbname);
  KV ("user", self->user);
  KV ("password", self->password);
  KV ("connect_timeout", timeout);
  KV ("options", options);
  KV ("client_encoding", "UTF8");
  KV ("application_name", "Narcisse Admin");
  /* Notice a dead server or a dropped tunnel within a minute, not hours. */
  KV ("keepalives", "1");
  KV ("keepalives_idle", "15");
  KV ("keepalives_interval", "5");
  KV ("keepalives_count", "3");
  KV ("tcp_user_timeout", "30000");
  /* TLS that a man in the middle cannot strip off a remote server (M7). */
  KV ("sslmode", sn_db_sslmode_for_host (self->host, self->ssl_root_cert));
  if (self->ssl_root_cert != NULL)
    KV ("sslrootcert", self->ssl_root_cert);
  KV (NULL, NULL);
#undef KV

  self->conn = PQconnectdbParams (keywords, values, 0);

  if (self->conn == NULL || PQstatus (self->conn) != CONNECTION_OK)
    {
      GError *local_error = error_from_connection (self, self->conn);

      g_clear_pointer (&self->conn, PQfinish);
      g_propagate_error (error, local_error);
      return FALSE;
    }

  self->applied_serial = serial;
  set_connected (self, TRUE, PQserverVersion (self->conn));

  return TRUE;
}

/* Settings changed since the session started (allow_writes, timeout). */
static gboolean
apply_settings_locked (SnDatabase  *self,
                       GError     **error)
{
  g_autofree char *sql = NULL;
  PGresult *res;
  gboolean ok;
  guint serial;

  g_mutex_lock (&self->state_lock);
  serial = self->settings_serial;
  if (serial != self->applied_serial)
    sql = g_strdup_printf ("SET default_transaction_read_only = %s; SET statement_timeout = %u",
                           self->read_only ? "on" : "off", self->statement_timeout);
  g_mutex_unlock (&self->state_lock);

  if (sql == NULL)
    return TRUE;

  res = PQexec (self->conn, sql);
  ok = PQresultStatus (res) == PGRES_COMMAND_OK;
  if (ok)
    self->applied_serial = serial;
  else
    g_propagate_error (error, error_from_result (self, NULL, res));
  PQclear (res);

  return ok;
}

/* ------------------------------------------------------------------------ */
/* The read-only net                                                        */

/*
 * In a read-only session, text that would leave the read-only transaction
 * (BEGIN READ WRITE, SET default_transaction_read_only, set_config, DO…) is
 * refused before it is sent. The boundary is the server's read-only role; this
 * net keeps a profile connected with a stronger role read-only too.
 */
static gboolean
check_read_only_net (SnDatabase  *self,
                     const char  *sql,
                     GError     **error)
{
  gboolean read_only;

  g_mutex_lock (&self->state_lock);
  read_only = self->read_only;
  g_mutex_unlock (&self->state_lock);

  return sn_sql_check_text (sql, read_only, FALSE, error);
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */

/*
 * Whether @sql is one SELECT (or VALUES, TABLE, WITH) that a cursor can
 * read in chunks. Comments and quoted text are skipped; a semicolon other than
 * a trailing one means several statements, which go to PQexec as typed.
 * Returns the statement without its trailing semicolon and blanks.
 */
static char *
single_select (const char *sql)
{
  const char *p = sql;
  const char *end_of_statement = NULL;
  const char *first_word = NULL;

  while (*p != '\0')
    {
      if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
          continue;
        }
      if (p[0] == '/' && p[1] == '*')
        {
          const char *close = strstr (p + 2, "*/");

          if (close == NULL)
            return NULL;
          p = close + 2;
          continue;
        }
      if (*p == '$')
        return NULL;   /* dollar quoting: leave it to the server as typed */
      if (*p == '\'' || *p == '"')
        {
          char quote = *p++;

          while (*p != '\0' && *p != quote)
            p++;
          if (*p == '\0')
            return NULL;
          p++;
          continue;
        }
      if (*p == ';')
        {
          if (end_of_statement == NULL)
            end_of_statement = p;
          p++;
          continue;
        }
      if (!g_ascii_isspace (*p))
        {
          if (end_of_statement != NULL)
            return NULL;   /* something after a semicolon: several statements */
          if (first_word == NULL)
            first_word = p;
        }
      p++;
    }

  if (first_word == NULL)
    return NULL;

  if (g_ascii_strncasecmp (first_word, "select", 6) != 0 &&
      g_ascii_strncasecmp (first_word, "values", 6) != 0 &&
      g_ascii_strncasecmp (first_word, "table", 5) != 0 &&
      g_ascii_strncasecmp (first_word, "with", 4) != 0)
    return NULL;

  if (g_ascii_isalnum (first_word[g_ascii_strncasecmp (first_word, "with", 4) == 0 ? 4 :
                                  g_ascii_strncasecmp (first_word, "table", 5) == 0 ? 5 : 6]))
    return NULL;

  if (end_of_statement == NULL)
    end_of_statement = sql + strlen (sql);

  return g_strchomp (g_strndup (sql, end_of_statement - sql));
}

static gint64
parse_cmd_tuples (PGresult *res)
{
  const char *tuples = PQcmdTuples (res);

  if (tuples == NULL || *tuples == '\0')
    return -1;

  return g_ascii_strtoll (tuples, NULL, 10);
}

static PGresult *
exec_quiet (PGconn     *conn,
            const char *sql)
{
  PGresult *res = PQexec (conn, sql);

  /* Never the statement's text: it may hold a password (L7). */
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    g_debug ("An internal statement failed: %s",
             PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) != NULL
               ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : "no message");

  return res;
}

/* Reads a SELECT through a cursor, FETCH_ROWS at a time, so rows show while
 * the rest arrives and a cancel stops at the next chunk at the latest. */
static gboolean
run_cursor_locked (SnDatabase  *self,
                   Job         *job,
                   const char  *select,
                   gboolean    *fallback,
                   char       **command_tag,
                   gint64      *rows_affected,
                   GError     **error)
{
  g_autofree char *declare = NULL;
  gboolean own_transaction;
  gboolean ok = TRUE;
  guint64 total = 0;
  PGresult *res;

  *fallback = FALSE;
  own_transaction = PQtransactionStatus (self->conn) == PQTRANS_IDLE;

  if (own_transaction)
    {
      res = PQexec (self->conn, "BEGIN");
      if (PQresultStatus (res) != PGRES_COMMAND_OK)
        {
          g_propagate_error (error, error_from_result (self, job, res));
          PQclear (res);
          return FALSE;
        }
      PQclear (res);
    }

  declare = g_strdup_printf ("DECLARE sn_cursor NO SCROLL CURSOR FOR %s", select);
  res = PQexec (self->conn, declare);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      const char *sqlstate = PQresultErrorField (res, PG_DIAG_SQLSTATE);

      /* e.g. WITH … INSERT … RETURNING cannot be a cursor: run it as typed. */
      if (own_transaction && g_strcmp0 (sqlstate, "0A000") == 0)
        *fallback = TRUE;
      else
        g_propagate_error (error, error_from_result (self, job, res));
      PQclear (res);
      if (own_transaction)
        PQclear (exec_quiet (self->conn, "ROLLBACK"));
      return FALSE;
    }
  PQclear (res);

  for (;;)
    {
      guint n;

      if (job_cancelled (job))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The query was cancelled."));
          ok = FALSE;
          break;
        }

      res = PQexec (self->conn, "FETCH FORWARD " FETCH_ROWS_STR " FROM sn_cursor");
      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        {
          g_propagate_error (error, error_from_result (self, job, res));
          PQclear (res);
          ok = FALSE;
          break;
        }

      n = (guint)PQntuples (res);
      total += n;
      _sn_query_result_take_chunk (job->result, res);

      if (n < FETCH_ROWS)
        break;
    }

  if (PQstatus (self->conn) == CONNECTION_OK)
    {
      if (own_transaction)
        PQclear (exec_quiet (self->conn, ok ? "COMMIT" : "ROLLBACK"));
      else if (ok)
        PQclear (exec_quiet (self->conn, "CLOSE sn_cursor"));
    }

  *command_tag = g_strdup_printf ("SELECT %" G_GUINT64_FORMAT, total);
  *rows_affected = (gint64)total;

  return ok;
}

static gboolean
run_exec_locked (SnDatabase  *self,
                 Job         *job,
                 char       **command_tag,
                 gint64      *rows_affected,
                 GError     **error)
{
  PGresult *res;
  ExecStatusType status;

  if (job->params != NULL)
    res = PQexecParams (self->conn, job->sql, (int)g_strv_length (job->params),
                        NULL, (const char * const *)job->params, NULL, NULL, 0);
  else
    res = PQexec (self->conn, job->sql);

  status = PQresultStatus (res);
  switch (status)
    {
    case PGRES_TUPLES_OK:
      *command_tag = g_strdup (PQcmdStatus (res));
      *rows_affected = PQntuples (res);
      _sn_query_result_take_chunk (job->result, res);
      return TRUE;

    case PGRES_COMMAND_OK:
      *command_tag = g_strdup (PQcmdStatus (res));
      *rows_affected = parse_cmd_tuples (res);
      PQclear (res);
      return TRUE;

    case PGRES_EMPTY_QUERY:
      *command_tag = g_strdup ("");
      *rows_affected = -1;
      PQclear (res);
      return TRUE;

    case PGRES_COPY_IN:
    case PGRES_COPY_OUT:
    case PGRES_COPY_BOTH:
      PQclear (res);
      g_set_error_literal (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_FAILED,
                           _("COPY … FROM STDIN / TO STDOUT cannot run in the SQL editor. "
                             "Use Export as CSV instead."));
      /* Leave copy mode: the connection is no use otherwise. */
      g_clear_pointer (&self->conn, PQfinish);
      set_connected (self, FALSE, 0);
      return FALSE;

    default:
      g_propagate_error (error, error_from_result (self, job, res));
      PQclear (res);
      return FALSE;
    }
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SnDatabase *self = source_object;
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *select = NULL;
  g_autofree char *command_tag = NULL;
  gint64 rows_affected = -1;
  gint64 begin;

  begin = g_get_monotonic_time ();

  g_mutex_lock (&self->conn_lock);

  if (job_cancelled (job))
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("The query was cancelled."));
  else if (check_read_only_net (self, job->sql, &error) &&
           ensure_connected_locked (self, &error) &&
           apply_settings_locked (self, &error))
    {
      gboolean fallback = FALSE;

      begin_operation (self, job);

      if (job->params == NULL)
        select = single_select (job->sql);

      if (select == NULL ||
          !run_cursor_locked (self, job, select, &fallback, &command_tag, &rows_affected, &error))
        {
          if (select == NULL || fallback)
            {
              g_clear_pointer (&command_tag, g_free);
              run_exec_locked (self, job, &command_tag, &rows_affected, &error);
            }
        }

      end_operation (self, job);

      /* A failed statement inside text that opened a transaction leaves it
       * aborted: nothing in it can commit, so end it rather than refuse every
       * later statement. */
      if (self->conn != NULL && PQtransactionStatus (self->conn) == PQTRANS_INERROR)
        PQclear (exec_quiet (self->conn, "ROLLBACK"));

      if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_BAD)
        set_connected (self, FALSE, 0);
    }

  g_mutex_unlock (&self->conn_lock);

  _sn_query_result_finish (job->result, command_tag, rows_affected,
                           g_get_monotonic_time () - begin, error);

  if (task != NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
    }
}

static SnQueryResult *
start_query (SnDatabase          *self,
             const char          *sql,
             const char * const  *params,
             GCancellable        *cancellable)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GMainContext) context = g_main_context_ref_thread_default ();
  Job *job;

  job = job_new (self, sql, cancellable);
  job->params = params != NULL ? g_strdupv ((char **)params) : NULL;
  job->result = _sn_query_result_new (context);

  /* The result reports completion and errors; this task only runs the job. */
  task = g_task_new (self, cancellable, NULL, NULL);
  g_task_set_source_tag (task, start_query);
  g_task_set_task_data (task, job, job_free);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, query_thread);

  return g_object_ref (job->result);
}

/**
 * sn_database_start_query:
 * @sql: one or more SQL statements
 *
 * Starts @sql in a worker thread and returns its result at once, still
 * loading: bind it to a view, and rows appear chunk by chunk (items-changed,
 * notify::n-rows). Wait with sn_query_result_wait_async(), which also gives
 * the error. A single SELECT is read through a cursor in chunks of 50,000
 * rows; anything else runs as typed and the last statement's rows are shown.
 *
 * Returns: (transfer full): the result being filled
 */
SnQueryResult *
sn_database_start_query (SnDatabase   *self,
                         const char   *sql,
                         GCancellable *cancellable)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  return start_query (self, sql, NULL, cancellable);
}

static void
query_wait_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SnQueryResult *query_result = SN_QUERY_RESULT (object);
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!sn_query_result_wait_finish (query_result, result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_object_ref (query_result), g_object_unref);
}

static void
query_async (SnDatabase          *self,
             const char          *sql,
             const char * const  *params,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SnQueryResult) result = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  /* Completion comes from the server's answer to the cancel request, so the
   * connection is free again when the caller hears of it. */
  g_task_set_check_cancellable (task, FALSE);

  result = start_query (self, sql, params, cancellable);
  sn_query_result_wait_async (result, NULL, query_wait_cb, g_steal_pointer (&task));
}

/**
 * sn_database_query_async:
 *
 * Like sn_database_start_query() but completes when every row has arrived.
 * Cancelling @cancellable sends a cancel request to the server; the
 * operation then fails with %G_IO_ERROR_CANCELLED.
 */
void
sn_database_query_async (SnDatabase          *self,
                         const char          *sql,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  query_async (self, sql, NULL, sn_database_query_async, cancellable, callback, user_data);
}

/**
 * sn_database_query_finish:
 *
 * Returns: (transfer full): the complete result
 */
SnQueryResult *
sn_database_query_finish (SnDatabase    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sn_database_query_params_async:
 * @sql: ONE statement with $1, $2… placeholders
 * @params: (array zero-terminated=1): the values in text form (NULL-terminated)
 *
 * Runs @sql with PQexecParams: values never become part of the SQL text.
 */
void
sn_database_query_params_async (SnDatabase          *self,
                                const char          *sql,
                                const char * const  *params,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  const char * const empty[] = { NULL };

  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  query_async (self, sql, params != NULL ? params : empty, sn_database_query_params_async,
               cancellable, callback, user_data);
}

SnQueryResult *
sn_database_query_params_finish (SnDatabase    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return sn_database_query_finish (self, result, error);
}

static SnQueryResult *
query_sync (SnDatabase          *self,
            const char          *sql,
            const char * const  *params,
            GCancellable        *cancellable,
            GError             **error)
{
  Job *job;
  SnQueryResult *result;
  const GError *query_error;

  job = job_new (self, sql, cancellable);
  job->params = params != NULL ? g_strdupv ((char **)params) : NULL;
  job->result = _sn_query_result_new (NULL);

  query_thread (NULL, self, job, cancellable);

  result = g_object_ref (job->result);
  job_free (job);

  query_error = sn_query_result_get_error (result);
  if (query_error != NULL)
    {
      g_propagate_error (error, g_error_copy (query_error));
      g_object_unref (result);
      return NULL;
    }

  return result;
}

/**
 * sn_database_query_sync:
 *
 * Blocks the calling thread: for the command line and tests, never the GUI.
 *
 * Returns: (transfer full): the complete result, or %NULL with @error set
 */
SnQueryResult *
sn_database_query_sync (SnDatabase    *self,
                        const char    *sql,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  return query_sync (self, sql, NULL, cancellable, error);
}

SnQueryResult *
sn_database_query_params_sync (SnDatabase          *self,
                               const char          *sql,
                               const char * const  *params,
                               GCancellable        *cancellable,
                               GError             **error)
{
  const char * const empty[] = { NULL };

  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  return query_sync (self, sql, params != NULL ? params : empty, cancellable, error);
}

/* ------------------------------------------------------------------------ */
/* Connect                                                                  */

static void
connect_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SnDatabase *self = source_object;
  GError *error = NULL;
  gboolean ok;

  g_mutex_lock (&self->conn_lock);
  ok = ensure_connected_locked (self, &error) && apply_settings_locked (self, &error);
  g_mutex_unlock (&self->conn_lock);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sn_database_connect_async:
 *
 * Connects now (queries also connect on demand). Bounded by connect-timeout;
 * the address goes through sn_net_check_host() first.
 */
void
sn_database_connect_async (SnDatabase          *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_database_connect_async);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, connect_thread);
}

gboolean
sn_database_connect_finish (SnDatabase    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sn_database_connect_sync (SnDatabase    *self,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gboolean ok;

  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_mutex_lock (&self->conn_lock);
  ok = ensure_connected_locked (self, error) && apply_settings_locked (self, error);
  g_mutex_unlock (&self->conn_lock);

  return ok;
}

/**
 * sn_database_disconnect:
 *
 * Closes the session after the running operation, if any, has ended.
 */
void
sn_database_disconnect (SnDatabase *self)
{
  g_return_if_fail (SN_IS_DATABASE (self));

  g_mutex_lock (&self->conn_lock);
  g_clear_pointer (&self->conn, PQfinish);
  g_mutex_unlock (&self->conn_lock);

  set_connected (self, FALSE, 0);
}

/* ------------------------------------------------------------------------ */
/* COPY … TO STDOUT                                                         */

typedef struct
{
  SnCopyProgressFunc func;
  gpointer           data;
  guint64            bytes;
  guint64            rows;
} ProgressCall;

static gboolean
progress_cb (gpointer user_data)
{
  ProgressCall *call = user_data;

  call->func (call->bytes, call->rows, call->data);

  return G_SOURCE_REMOVE;
}

static void
report_progress (Job      *job,
                 gboolean  force)
{
  ProgressCall *call;
  gint64 now;

  if (job->progress == NULL)
    return;

  now = g_get_monotonic_time ();
  if (!force && now - job->last_progress < PROGRESS_INTERVAL_USEC)
    return;
  job->last_progress = now;

  call = g_new0 (ProgressCall, 1);
  call->func = job->progress;
  call->data = job->progress_data;
  call->bytes = job->bytes;
  call->rows = job->rows;
  g_main_context_invoke_full (job->progress_context, G_PRIORITY_DEFAULT,
                              progress_cb, call, g_free);
}

static gboolean
copy_locked (SnDatabase     *self,
             Job            *job,
             GOutputStream  *stream,
             GError        **error)
{
  g_autofree char *copy = NULL;
  g_autofree char *select = NULL;
  g_autofree guint8 *buffer = NULL;
  g_autoptr(GError) write_error = NULL;
  gsize used = 0;
  guint64 lines = 0;
  gboolean cancel_sent = FALSE;
  PGresult *res;
  int len;

  select = g_strdup (job->sql);
  g_strchomp (select);
  while (*select != '\0' && select[strlen (select) - 1] == ';')
    {
      select[strlen (select) - 1] = '\0';
      g_strchomp (select);
    }

  /* The newline ends a trailing "-- comment" before the ")" (L11). */
  copy = g_strdup_printf ("COPY (%s\n) TO STDOUT WITH (FORMAT csv, HEADER)", select);
  res = PQexec (self->conn, copy);
  if (PQresultStatus (res) != PGRES_COPY_OUT)
    {
      g_propagate_error (error, error_from_result (self, job, res));
      PQclear (res);
      return FALSE;
    }
  PQclear (res);

  buffer = g_malloc (COPY_BUFFER_SIZE);

  for (;;)
    {
      char *row = NULL;
      char *data;

      len = PQgetCopyData (self->conn, &row, 0);
      if (len < 0)
        break;

      /* One row a message: filtered whole for spreadsheets (M9). */
      data = row;
      if (job->csv_filter != NULL)
        {
          g_string_truncate (job->csv_out, 0);
          sn_csv_filter_feed (job->csv_filter, row, len, job->csv_out);
          data = job->csv_out->str;
          len = (int)job->csv_out->len;
        }

      if (write_error == NULL && !job_cancelled (job))
        {
          if (used + (gsize)len > COPY_BUFFER_SIZE)
            {
              if (!g_output_stream_write_all (stream, buffer, used, NULL, NULL, &write_error))
                g_prefix_error (&write_error, _("Cannot write the CSV file: "));
              job->bytes += used;
              used = 0;
            }
          if (write_error == NULL && (gsize)len > COPY_BUFFER_SIZE)
            {
              if (!g_output_stream_write_all (stream, data, len, NULL, NULL, &write_error))
                g_prefix_error (&write_error, _("Cannot write the CSV file: "));
              job->bytes += len;
            }
          else if (write_error == NULL)
            {
              memcpy (buffer + used, data, len);
              used += len;
            }
          if (lines++ > 0)
            job->rows++;
          report_progress (job, FALSE);
        }

      PQfreemem (row);

      /* A failed write or a cancel: have the server stop, then drain. */
      if (!cancel_sent && (write_error != NULL || job_cancelled (job)))
        {
          g_mutex_lock (&self->state_lock);
          request_cancel_locked (self, job);
          g_mutex_unlock (&self->state_lock);
          cancel_sent = TRUE;
        }
    }

  if (len == -2)
    {
      g_set_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                   _("Lost the connection to PostgreSQL at %s:%u during the export: %s"),
                   self->host, self->port, PQerrorMessage (self->conn));
      return FALSE;
    }

  res = PQgetResult (self->conn);
  if (PQresultStatus (res) != PGRES_COMMAND_OK)
    {
      if (write_error != NULL)
        g_propagate_error (error, g_steal_pointer (&write_error));
      else
        g_propagate_error (error, error_from_result (self, job, res));
      PQclear (res);
      while ((res = PQgetResult (self->conn)) != NULL)
        PQclear (res);
      return FALSE;
    }
  PQclear (res);
  while ((res = PQgetResult (self->conn)) != NULL)
    PQclear (res);

  if (write_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&write_error));
      return FALSE;
    }

  if (job_cancelled (job))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The export was cancelled."));
      return FALSE;
    }

  if (used > 0)
    {
      if (!g_output_stream_write_all (stream, buffer, used, NULL, NULL, error))
        {
          g_prefix_error (error, _("Cannot write the CSV file: "));
          return FALSE;
        }
      job->bytes += used;
    }

  if (!g_output_stream_flush (stream, NULL, error))
    return FALSE;

  report_progress (job, TRUE);

  return TRUE;
}

static gboolean
run_copy (SnDatabase     *self,
          Job            *job,
          GOutputStream  *stream,
          GError        **error)
{
  gboolean ok = FALSE;

  g_mutex_lock (&self->conn_lock);

  if (job_cancelled (job))
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("The export was cancelled."));
  else if (check_read_only_net (self, job->sql, error) &&
           ensure_connected_locked (self, error) &&
           apply_settings_locked (self, error))
    {
      begin_operation (self, job);
      ok = copy_locked (self, job, stream, error);
      end_operation (self, job);

      if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_BAD)
        set_connected (self, FALSE, 0);
    }

  g_mutex_unlock (&self->conn_lock);

  return ok;
}

static void
copy_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (!run_copy (job->self, job, job->stream, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static Job *
copy_job_new (SnDatabase          *self,
              const char          *sql,
              SnCopyProgressFunc   progress,
              gpointer             progress_data,
              GDestroyNotify       progress_destroy,
              GCancellable        *cancellable)
{
  Job *job = job_new (self, sql, cancellable);

  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_destroy = progress_destroy;
  job->progress_context = g_main_context_ref_thread_default ();
  if (self->csv_flags & SN_CSV_SPREADSHEET_SAFE)
    {
      job->csv_filter = sn_csv_filter_new (self->csv_flags);
      job->csv_out = g_string_new (NULL);
    }

  return job;
}

/**
 * sn_database_copy_to_async:
 * @sql: one SELECT (without a trailing semicolon, or with one: it is removed)
 * @stream: where the CSV goes; written from a worker thread
 * @progress: (nullable): called on the calling context with bytes and rows so far
 * @progress_destroy: frees @progress_data once the export is over (any thread)
 *
 * Streams `COPY (sql) TO STDOUT WITH (FORMAT csv, HEADER)` into @stream
 * through a 256 KiB buffer: memory stays flat whatever the size. Cancelling
 * sends a cancel request and fails with %G_IO_ERROR_CANCELLED; what was
 * already written to @stream stays there (see sn_database_export_csv_async()).
 */
void
sn_database_copy_to_async (SnDatabase          *self,
                           const char          *sql,
                           GOutputStream       *stream,
                           SnCopyProgressFunc   progress,
                           gpointer             progress_data,
                           GDestroyNotify       progress_destroy,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (G_IS_OUTPUT_STREAM (stream));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = copy_job_new (self, sql, progress, progress_data, progress_destroy, cancellable);
  job->stream = g_object_ref (stream);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_database_copy_to_async);
  g_task_set_task_data (task, job, job_free);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, copy_thread);
}

static gboolean
copy_finish (SnDatabase    *self,
             GAsyncResult  *result,
             guint64       *bytes,
             guint64       *rows,
             GError       **error)
{
  Job *job = g_task_get_task_data (G_TASK (result));

  if (bytes != NULL)
    *bytes = job->bytes;
  if (rows != NULL)
    *rows = job->rows;

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sn_database_copy_to_finish:
 * @bytes: (out) (optional): bytes written
 * @rows: (out) (optional): data rows written
 */
gboolean
sn_database_copy_to_finish (SnDatabase    *self,
                            GAsyncResult  *result,
                            guint64       *bytes,
                            guint64       *rows,
                            GError       **error)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return copy_finish (self, result, bytes, rows, error);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GOutputStream) stream = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;
  GError *error = NULL;
  const char *path;
  int fd;
  int saved_errno;

  path = g_file_peek_path (job->file);
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("CSV files can only be written to a local folder."));
      return;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  /* Beside the target, so that rename() is atomic (same file system). */
  tmp_path = g_strdup_printf ("%s/.%s.XXXXXX.part", dir, base);
  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      saved_errno = errno;
      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create a file in “%s”: %s"),
                               dir, g_strerror (saved_errno));
      return;
    }

  stream = g_unix_output_stream_new (fd, FALSE);

  if (!run_copy (job->self, job, stream, &error))
    goto failed;

  if (fsync (fd) != 0)
    {
      saved_errno = errno;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      goto failed;
    }

  if (close (fd) != 0)
    {
      saved_errno = errno;
      fd = -1;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot write “%s”: %s"), path, g_strerror (saved_errno));
      goto failed;
    }
  fd = -1;

  if (g_rename (tmp_path, path) != 0)
    {
      saved_errno = errno;
      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot replace “%s”: %s"), path, g_strerror (saved_errno));
      goto failed;
    }

  /* Make the rename itself durable. */
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }

  g_task_return_boolean (task, TRUE);
  return;

failed:
  if (fd >= 0)
    close (fd);
  g_unlink (tmp_path);
  g_task_return_error (task, error);
}

/**
 * sn_database_export_csv_async:
 * @file: the CSV file to write (a local path)
 *
 * Like sn_database_copy_to_async() into a temporary file beside @file, then
 * fsync() and rename() over it. On error or cancel the temporary file is
 * removed and an existing @file is left as it was. The file is made with mode
 * 0600: exports hold customer data.
 */
void
sn_database_export_csv_async (SnDatabase          *self,
                              const char          *sql,
                              GFile               *file,
                              SnCopyProgressFunc   progress,
                              gpointer             progress_data,
                              GDestroyNotify       progress_destroy,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  job = copy_job_new (self, sql, progress, progress_data, progress_destroy, cancellable);
  job->file = g_object_ref (file);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_database_export_csv_async);
  g_task_set_task_data (task, job, job_free);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, export_thread);
}

gboolean
sn_database_export_csv_finish (SnDatabase    *self,
                               GAsyncResult  *result,
                               guint64       *bytes,
                               guint64       *rows,
                               GError       **error)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return copy_finish (self, result, bytes, rows, error);
}

/* ------------------------------------------------------------------------ */
/* Object                                                                   */

static void
sn_database_finalize (GObject *object)
{
  SnDatabase *self = (SnDatabase *)object;

  g_clear_pointer (&self->conn, PQfinish);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->dbname, g_free);
  g_clear_pointer (&self->user, g_free);
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->write_reason, g_free);
  g_clear_pointer (&self->ssl_root_cert, g_free);
  g_mutex_clear (&self->conn_lock);
  g_mutex_clear (&self->state_lock);

  G_OBJECT_CLASS (sn_database_parent_class)->finalize (object);
}

static void
sn_database_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SnDatabase *self = SN_DATABASE (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_value_set_string (value, self->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->port);
      break;

    case PROP_DBNAME:
      g_value_set_string (value, self->dbname);
      break;

    case PROP_USER:
      g_value_set_string (value, self->user);
      break;

    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->connect_timeout);
      break;

    case PROP_STATEMENT_TIMEOUT:
      g_value_set_uint (value, sn_database_get_statement_timeout (self));
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, sn_database_get_read_only (self));
      break;

    case PROP_WRITE_REASON:
      g_value_set_string (value, self->write_reason);
      break;

    case PROP_CONNECTED:
      g_value_set_boolean (value, sn_database_get_connected (self));
      break;

    case PROP_SERVER_VERSION:
      g_value_set_int (value, sn_database_get_server_version (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_database_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SnDatabase *self = SN_DATABASE (object);

  switch (prop_id)
    {
    case PROP_HOST:
      g_free (self->host);
      self->host = g_value_dup_string (value);
      break;

    case PROP_PORT:
      self->port = g_value_get_uint (value);
      break;

    case PROP_DBNAME:
      g_free (self->dbname);
      self->dbname = g_value_dup_string (value);
      break;

    case PROP_USER:
      g_free (self->user);
      self->user = g_value_dup_string (value);
      break;

    case PROP_PASSWORD:
      g_free (self->password);
      self->password = g_value_dup_string (value);
      break;

    case PROP_CONNECT_TIMEOUT:
      sn_database_set_connect_timeout (self, g_value_get_uint (value));
      break;

    case PROP_STATEMENT_TIMEOUT:
      sn_database_set_statement_timeout (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_database_class_init (SnDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_database_finalize;
  object_class->get_property = sn_database_get_property;
  object_class->set_property = sn_database_set_property;

  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL, "127.0.0.1",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 1, 65535, 5432,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DBNAME] =
    g_param_spec_string ("dbname", NULL, NULL, "snarcisse",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_string ("user", NULL, NULL, "snarcisse",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PASSWORD] =
    g_param_spec_string ("password", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECT_TIMEOUT] =
    g_param_spec_uint ("connect-timeout", NULL, NULL, 1, 600, 10,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                       G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATEMENT_TIMEOUT] =
    g_param_spec_uint ("statement-timeout", NULL, NULL, 0, G_MAXINT, 60000,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS |
                       G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WRITE_REASON] =
    g_param_spec_string ("write-reason", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONNECTED] =
    g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SERVER_VERSION] =
    g_param_spec_int ("server-version", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_database_init (SnDatabase *self)
{
  g_mutex_init (&self->conn_lock);
  g_mutex_init (&self->state_lock);
  self->context = g_main_context_ref_thread_default ();
  self->read_only = TRUE;
  self->connect_timeout = 10;
  self->statement_timeout = 60000;
}

/**
 * sn_database_new:
 * @host: a host name or address; for the SSH tunnel, "127.0.0.1"
 * @password: (nullable): the role's password
 *
 * Nothing is contacted until the first operation.
 */
SnDatabase *
sn_database_new (const char *host,
                 guint       port,
                 const char *dbname,
                 const char *user,
                 const char *password)
{
  g_return_val_if_fail (host != NULL, NULL);
  g_return_val_if_fail (port > 0 && port < 65536, NULL);
  g_return_val_if_fail (dbname != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);

  return g_object_new (SN_TYPE_DATABASE,
                       "host", host,
                       "port", port,
                       "dbname", dbname,
                       "user", user,
                       "password", password,
                       NULL);
}

/**
 * sn_database_new_for_profile:
 * @tunnel_port: the local end of the SSH tunnel to db-host:db-port, or 0
 *   when the profile says db-direct
 *
 * Returns: (transfer full) (nullable): a database for @profile, or %NULL when it
 *   needs a tunnel and @tunnel_port is 0
 */
SnDatabase *
sn_database_new_for_profile (SnProfile  *profile,
                             const char *password,
                             guint       tunnel_port)
{
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  if (sn_profile_get_db_direct (profile))
    {
      SnDatabase *self = sn_database_new (sn_profile_get_db_host (profile),
                                          sn_profile_get_db_port (profile),
                                          sn_profile_get_db_name (profile),
                                          sn_profile_get_db_user (profile),
                                          password);

      sn_database_set_ssl_root_cert (self, sn_profile_get_db_ssl_root_cert (profile));
      return self;
    }

  g_return_val_if_fail (tunnel_port > 0, NULL);

  return sn_database_new ("127.0.0.1", tunnel_port,
                          sn_profile_get_db_name (profile),
                          sn_profile_get_db_user (profile),
                          password);
}

/**
 * sn_database_set_ssl_root_cert:
 * @root_cert: (nullable): the CA certificate (PEM file) the server's must
 *   chain to; the connection then uses sslmode=verify-full
 *
 * Takes effect at the next connection. Only for direct connections: through
 * a tunnel the server's name is not the one libpq connects to.
 */
void
sn_database_set_ssl_root_cert (SnDatabase *self,
                               const char *root_cert)
{
  g_return_if_fail (SN_IS_DATABASE (self));

  g_free (self->ssl_root_cert);
  self->ssl_root_cert = root_cert != NULL && *root_cert != '\0' ? g_strdup (root_cert) : NULL;
}

/**
 * sn_database_set_csv_flags:
 * @flags: #SN_CSV_SPREADSHEET_SAFE to neutralise formulas in the CSV
 *
 * For the exports started from now on (M9); plain CSV by default.
 */
void
sn_database_set_csv_flags (SnDatabase *self,
                           SnCsvFlags  flags)
{
  g_return_if_fail (SN_IS_DATABASE (self));

  self->csv_flags = flags;
}

const char *
sn_database_get_host (SnDatabase *self)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);

  return self->host;
}

guint
sn_database_get_port (SnDatabase *self)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), 0);

  return self->port;
}

const char *
sn_database_get_dbname (SnDatabase *self)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);

  return self->dbname;
}

const char *
sn_database_get_user (SnDatabase *self)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);

  return self->user;
}

guint
sn_database_get_connect_timeout (SnDatabase *self)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), 0);

  return self->connect_timeout;
}

/**
 * sn_database_set_connect_timeout:
 * @seconds: how long a connection attempt may take (libpq's minimum is 2)
 */
void
sn_database_set_connect_timeout (SnDatabase *self,
                                 guint       seconds)
{
  g_return_if_fail (SN_IS_DATABASE (self));

  if (self->connect_timeout == seconds)
    return;

  self->connect_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECT_TIMEOUT]);
}

guint
sn_database_get_statement_timeout (SnDatabase *self)
{
  guint value;

  g_return_val_if_fail (SN_IS_DATABASE (self), 0);

  g_mutex_lock (&self->state_lock);
  value = self->statement_timeout;
  g_mutex_unlock (&self->state_lock);

  return value;
}

/**
 * sn_database_set_statement_timeout:
 * @milliseconds: the server stops statements running longer; 0 for never
 *
 * Applies from the next operation on.
 */
void
sn_database_set_statement_timeout (SnDatabase *self,
                                   guint       milliseconds)
{
  gboolean changed;

  g_return_if_fail (SN_IS_DATABASE (self));

  g_mutex_lock (&self->state_lock);
  changed = self->statement_timeout != milliseconds;
  self->statement_timeout = milliseconds;
  if (changed)
    self->settings_serial++;
  g_mutex_unlock (&self->state_lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATEMENT_TIMEOUT]);
}

gboolean
sn_database_get_connected (SnDatabase *self)
{
  gboolean value;

  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);

  g_mutex_lock (&self->state_lock);
  value = self->connected;
  g_mutex_unlock (&self->state_lock);

  return value;
}

/**
 * sn_database_get_server_version:
 *
 * Returns: e.g. 150020 for 15.20, 0 before the first connection
 */
int
sn_database_get_server_version (SnDatabase *self)
{
  int value;

  g_return_val_if_fail (SN_IS_DATABASE (self), 0);

  g_mutex_lock (&self->state_lock);
  value = self->server_version;
  g_mutex_unlock (&self->state_lock);

  return value;
}

gboolean
sn_database_get_read_only (SnDatabase *self)
{
  gboolean value;

  g_return_val_if_fail (SN_IS_DATABASE (self), TRUE);

  g_mutex_lock (&self->state_lock);
  value = self->read_only;
  g_mutex_unlock (&self->state_lock);

  return value;
}

/**
 * sn_database_get_write_reason:
 *
 * Returns: (nullable): the reason given to sn_database_allow_writes()
 */
const char *
sn_database_get_write_reason (SnDatabase *self)
{
  g_return_val_if_fail (SN_IS_DATABASE (self), NULL);

  return self->write_reason;
}

/**
 * sn_database_allow_writes:
 * @reason: why, in the operator's words; kept and logged
 *
 * Lets the following statements write (default_transaction_read_only = off).
 * The caller checks first that the profile is an admin one and records the
 * action in the audit log.
 *
 * Returns: %FALSE when @reason is empty
 */
gboolean
sn_database_allow_writes (SnDatabase  *self,
                          const char  *reason,
                          GError     **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (SN_IS_DATABASE (self), FALSE);

  stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Give a reason before allowing writes to the database."));
      return FALSE;
    }

  g_mutex_lock (&self->state_lock);
  self->read_only = FALSE;
  self->settings_serial++;
  g_mutex_unlock (&self->state_lock);

  g_free (self->write_reason);
  self->write_reason = g_steal_pointer (&stripped);

  /* Said by the caller and kept in the audit log: only a debug line here. */
  g_debug ("Writes allowed on %s@%s:%u/%s: %s",
             self->user, self->host, self->port, self->dbname, self->write_reason);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRITE_REASON]);

  return TRUE;
}

/**
 * sn_database_forbid_writes:
 *
 * Back to read-only from the next operation on.
 */
void
sn_database_forbid_writes (SnDatabase *self)
{
  g_return_if_fail (SN_IS_DATABASE (self));

  g_mutex_lock (&self->state_lock);
  self->read_only = TRUE;
  self->settings_serial++;
  g_mutex_unlock (&self->state_lock);

  g_clear_pointer (&self->write_reason, g_free);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WRITE_REASON]);
}
