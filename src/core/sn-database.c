/* sn-database.c: the SnDatabase object, its jobs, cancelling, connecting
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

void
_sn_database_job_free (gpointer data)
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

Job *
_sn_database_job_new (SnDatabase   *self,
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

void
_sn_database_set_connected (SnDatabase *self,
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
void
_sn_database_request_cancel_locked (SnDatabase *self,
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
  _sn_database_request_cancel_locked (self, job);
  g_mutex_unlock (&self->state_lock);
}

gboolean
_sn_database_job_cancelled (Job *job)
{
  return g_atomic_int_get (&job->cancel_requested) ||
         g_cancellable_is_cancelled (job->cancellable);
}

/* With conn_lock held: the job is the one using the connection now. */
void
_sn_database_begin_operation (SnDatabase *self,
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

void
_sn_database_end_operation (SnDatabase *self,
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
    _sn_database_request_cancel_locked (self, self->current);
  g_mutex_unlock (&self->state_lock);
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
  ok = _sn_database_ensure_connected_locked (self, &error) && _sn_database_apply_settings_locked (self, &error);
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
  ok = _sn_database_ensure_connected_locked (self, error) && _sn_database_apply_settings_locked (self, error);
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

  _sn_database_set_connected (self, FALSE, 0);
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
  self->fetch_rows = FETCH_ROWS;
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

/**
 * sn_database_set_fetch_rows:
 * @rows: rows per chunk a SELECT's cursor fetches (1 … 1,000,000)
 *
 * A view shows chunks of 50,000 rows (few updates); a reader that writes rows
 * out and frees them (narcisse-ctl sql) keeps less in memory with smaller
 * chunks. Applies from the next query on.
 */
void
sn_database_set_fetch_rows (SnDatabase *self,
                            guint       rows)
{
  g_return_if_fail (SN_IS_DATABASE (self));
  g_return_if_fail (rows > 0 && rows <= 1000000);

  g_atomic_int_set (&self->fetch_rows, (gint)rows);
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
