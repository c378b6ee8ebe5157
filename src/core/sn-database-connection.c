/* sn-database-connection.c: errors a person can act on, the connection, the read-only net
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

GError *
_sn_database_error_from_result (SnDatabase     *self,
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

      if (job != NULL && _sn_database_job_cancelled (job))
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
      if (job != NULL && _sn_database_job_cancelled (job))
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

gboolean
_sn_database_ensure_connected_locked (SnDatabase  *self,
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
  _sn_database_set_connected (self, FALSE, 0);

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
  _sn_database_set_connected (self, TRUE, PQserverVersion (self->conn));

  return TRUE;
}

/* Settings changed since the session started (allow_writes, timeout). */
gboolean
_sn_database_apply_settings_locked (SnDatabase  *self,
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
    g_propagate_error (error, _sn_database_error_from_result (self, NULL, res));
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
gboolean
_sn_database_check_read_only_net (SnDatabase  *self,
                     const char  *sql,
                     GError     **error)
{
  gboolean read_only;

  g_mutex_lock (&self->state_lock);
  read_only = self->read_only;
  g_mutex_unlock (&self->state_lock);

  return sn_sql_check_text (sql, read_only, FALSE, error);
}
