/* sn-database-query.c: queries: cursors, statements, the async and sync forms
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

#include "sn-database-private.h"
#include "sn-database-connector.h"
#include "sn-sql-console.h"
#include "sn-net.h"
#include "sn-query-result-private.h"

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

#define FETCHES_IN_FLIGHT 2

/* FETCH sent in pipeline mode, then flushed: the server starts on it while
 * the results before it are still being read. */
static gboolean
send_fetch (PGconn     *conn,
            const char *fetch)
{
  return PQsendQueryParams (conn, fetch, 0, NULL, NULL, NULL, NULL, 0) &&
         PQsendFlushRequest (conn) &&
         PQflush (conn) == 0;
}

/* Leaves pipeline mode after a sync, reading what the FETCHes still in
 * flight return (rows past the end, or "aborted" after an error). */
static void
end_pipeline (PGconn *conn)
{
  guint nulls = 0;

  if (PQpipelineSync (conn))
    {
      /* NULL ends each query's results; a broken connection gives only NULLs. */
      while (nulls < FETCHES_IN_FLIGHT + 2 && PQstatus (conn) == CONNECTION_OK)
        {
          PGresult *res = PQgetResult (conn);
          ExecStatusType status;

          if (res == NULL)
            {
              nulls++;
              continue;
            }
          status = PQresultStatus (res);
          PQclear (res);
          if (status == PGRES_PIPELINE_SYNC)
            break;
        }
    }
  if (!PQexitPipelineMode (conn))
    g_debug ("Could not leave pipeline mode: %s", PQerrorMessage (conn));
}

/* Reads the cursor with FETCHES_IN_FLIGHT FETCHes sent ahead: the server
 * computes the next chunk while this one crosses the network (a tunnel's
 * round trip per chunk cost 1.4–2.4 s on a million rows, #21). */
static gboolean
fetch_pipelined (SnDatabase *self,
                 Job        *job,
                 const char *fetch,
                 guint       fetch_rows,
                 guint64    *total,
                 GError    **error)
{
  gboolean ok = TRUE;
  guint in_flight = 0;

  if (!PQenterPipelineMode (self->conn))
    {
      g_propagate_error (error, _sn_database_error_from_result (self, job, NULL));
      return FALSE;
    }

  for (;;)
    {
      PGresult *res;
      guint n;

      if (_sn_database_job_cancelled (job))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The query was cancelled."));
          ok = FALSE;
          break;
        }

      while (in_flight < FETCHES_IN_FLIGHT)
        {
          if (!send_fetch (self->conn, fetch))
            break;
          in_flight++;
        }
      if (in_flight == 0)
        {
          g_propagate_error (error, _sn_database_error_from_result (self, job, NULL));
          ok = FALSE;
          break;
        }

      res = PQgetResult (self->conn);
      in_flight--;
      if (PQresultStatus (res) != PGRES_TUPLES_OK)
        {
          g_propagate_error (error, _sn_database_error_from_result (self, job, res));
          PQclear (res);
          ok = FALSE;
          break;
        }
      /* the NULL that ends this FETCH's results */
      PQclear (PQgetResult (self->conn));

      n = (guint)PQntuples (res);
      *total += n;
      _sn_query_result_take_chunk (job->result, res);

      if (n < fetch_rows)
        break;
    }

  end_pipeline (self->conn);

  return ok;
}

/* Reads a SELECT through a cursor, fetch_rows at a time, so rows show while
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
  g_autofree char *fetch = NULL;
  guint fetch_rows = (guint)g_atomic_int_get (&self->fetch_rows);
  PGresult *res;

  *fallback = FALSE;
  fetch = g_strdup_printf ("FETCH FORWARD %u FROM sn_cursor", fetch_rows);
  own_transaction = PQtransactionStatus (self->conn) == PQTRANS_IDLE;

  if (own_transaction)
    {
      res = PQexec (self->conn, "BEGIN");
      if (PQresultStatus (res) != PGRES_COMMAND_OK)
        {
          g_propagate_error (error, _sn_database_error_from_result (self, job, res));
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
        g_propagate_error (error, _sn_database_error_from_result (self, job, res));
      PQclear (res);
      if (own_transaction)
        PQclear (exec_quiet (self->conn, "ROLLBACK"));
      return FALSE;
    }
  PQclear (res);

  ok = fetch_pipelined (self, job, fetch, fetch_rows, &total, error);

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
      _sn_database_set_connected (self, FALSE, 0);
      return FALSE;

    default:
      g_propagate_error (error, _sn_database_error_from_result (self, job, res));
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

  if (_sn_database_job_cancelled (job))
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                         _("The query was cancelled."));
  else if (_sn_database_check_read_only_net (self, job->sql, &error) &&
           _sn_database_ensure_connected_locked (self, &error) &&
           _sn_database_apply_settings_locked (self, &error))
    {
      gboolean fallback = FALSE;

      _sn_database_begin_operation (self, job);

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

      _sn_database_end_operation (self, job);

      /* A failed statement inside text that opened a transaction leaves it
       * aborted: nothing in it can commit, so end it rather than refuse every
       * later statement. */
      if (self->conn != NULL && PQtransactionStatus (self->conn) == PQTRANS_INERROR)
        PQclear (exec_quiet (self->conn, "ROLLBACK"));

      if (self->conn != NULL && PQstatus (self->conn) == CONNECTION_BAD)
        _sn_database_set_connected (self, FALSE, 0);
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

  job = _sn_database_job_new (self, sql, cancellable);
  job->params = params != NULL ? g_strdupv ((char **)params) : NULL;
  job->result = _sn_query_result_new (context);

  /* The result reports completion and errors; this task only runs the job. */
  task = g_task_new (self, cancellable, NULL, NULL);
  g_task_set_source_tag (task, start_query);
  g_task_set_task_data (task, job, _sn_database_job_free);
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

  job = _sn_database_job_new (self, sql, cancellable);
  job->params = params != NULL ? g_strdupv ((char **)params) : NULL;
  job->result = _sn_query_result_new (NULL);

  query_thread (NULL, self, job, cancellable);

  result = g_object_ref (job->result);
  _sn_database_job_free (job);

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
