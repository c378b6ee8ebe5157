/* sn-database-connector.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-database-connector"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-core-enums.h"
#include "sn-database-connector.h"
#include "sn-database-private.h"
#include "sn-data-file.h"
#include "sn-host.h"
#include "sn-query-result-private.h"
#include "sn-sql-console.h"
#include "sn-ssh-tunnel.h"

/*
 * Three ways to the database, tried in this order:
 *
 * 1. db-direct: libpq to db-host:db-port.
 * 2. An SSH tunnel (SnSshTunnel) from 127.0.0.1:<free port> to db-host:db-port
 *    as seen from the server, and libpq to the local end.
 * 3. When the server forbids forwarding (AllowTcpForwarding no): run
 *    `docker compose exec -T db psql --csv` over the SSH session and parse its
 *    CSV into the same SnQueryResult, so reports give the same figures.
 */

#define PSQL_TIMEOUT_MS (10 * 60 * 1000)

struct _SnDatabaseConnector
{
  GObject         parent_instance;

  SnProfile      *profile;
  SnSecretStore  *secrets;
  SnSshSession   *ssh;
  SnSshTunnel    *tunnel;
  SnDatabase     *database;
  SnReports      *reports;
  GCancellable   *exec_cancellable;   /* the psql command running now */
  char           *write_reason;

  SnDatabasePath  path;
  SnDatabasePath  forced_path;
};

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_PATH,
  PROP_READ_ONLY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnDatabaseConnector, sn_database_connector, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
close_tunnel (SnDatabaseConnector *self)
{
  if (self->tunnel != NULL)
    sn_ssh_tunnel_close (self->tunnel);
  g_clear_object (&self->tunnel);
}

static void
sn_database_connector_dispose (GObject *object)
{
  SnDatabaseConnector *self = (SnDatabaseConnector *)object;

  if (self->exec_cancellable != NULL)
    g_cancellable_cancel (self->exec_cancellable);
  g_clear_object (&self->exec_cancellable);
  g_clear_object (&self->reports);
  g_clear_object (&self->database);
  close_tunnel (self);
  g_clear_object (&self->ssh);

  G_OBJECT_CLASS (sn_database_connector_parent_class)->dispose (object);
}

static void
sn_database_connector_finalize (GObject *object)
{
  SnDatabaseConnector *self = (SnDatabaseConnector *)object;

  g_clear_object (&self->profile);
  g_clear_object (&self->secrets);
  g_clear_pointer (&self->write_reason, g_free);

  G_OBJECT_CLASS (sn_database_connector_parent_class)->finalize (object);
}

static void
sn_database_connector_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SnDatabaseConnector *self = SN_DATABASE_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    case PROP_PATH:
      g_value_set_enum (value, self->path);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, sn_database_connector_get_read_only (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_database_connector_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  SnDatabaseConnector *self = SN_DATABASE_CONNECTOR (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      self->profile = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_database_connector_class_init (SnDatabaseConnectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sn_database_connector_dispose;
  object_class->finalize = sn_database_connector_finalize;
  object_class->get_property = sn_database_connector_get_property;
  object_class->set_property = sn_database_connector_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATH] =
    g_param_spec_enum ("path", NULL, NULL, SN_TYPE_DATABASE_PATH, SN_DATABASE_PATH_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_ONLY] =
    g_param_spec_boolean ("read-only", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_database_connector_init (SnDatabaseConnector *self)
{
}

/**
 * sn_database_connector_new:
 * @secrets: (nullable): where the db-password is; %NULL for the default store
 *
 * Returns: (transfer full): a connector, not connected yet
 */
SnDatabaseConnector *
sn_database_connector_new (SnProfile     *profile,
                           SnSecretStore *secrets)
{
  SnDatabaseConnector *self;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (!secrets || SN_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (SN_TYPE_DATABASE_CONNECTOR, "profile", profile, NULL);
  self->secrets = secrets != NULL ? g_object_ref (secrets) : g_object_ref (sn_secret_store_get_default ());

  return self;
}

SnProfile *
sn_database_connector_get_profile (SnDatabaseConnector *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), NULL);

  return self->profile;
}

SnDatabasePath
sn_database_connector_get_path (SnDatabaseConnector *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), SN_DATABASE_PATH_NONE);

  return self->path;
}

/**
 * sn_database_path_get_label:
 *
 * Returns: a short sentence for the UI saying how the database is reached
 */
const char *
sn_database_path_get_label (SnDatabasePath path)
{
  switch (path)
    {
    case SN_DATABASE_PATH_DIRECT:
      return _("Direct");
    case SN_DATABASE_PATH_TUNNEL:
      return _("Through SSH tunnel");
    case SN_DATABASE_PATH_PSQL_EXEC:
      return _("psql over SSH (forwarding is disabled on the host)");
    case SN_DATABASE_PATH_NONE:
    default:
      return _("Not connected");
    }
}

const char *
sn_database_connector_get_path_label (SnDatabaseConnector *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), NULL);

  return sn_database_path_get_label (self->path);
}

/**
 * sn_database_connector_set_forced_path:
 * @path: %SN_DATABASE_PATH_NONE to choose as the profile says, or a path to
 *   use whatever it says (tests; the psql path when a tunnel is unwanted)
 */
void
sn_database_connector_set_forced_path (SnDatabaseConnector *self,
                                       SnDatabasePath       path)
{
  g_return_if_fail (SN_IS_DATABASE_CONNECTOR (self));

  self->forced_path = path;
}

/**
 * sn_database_connector_get_database:
 *
 * Returns: (transfer none) (nullable): the libpq session, %NULL on the psql path
 */
SnDatabase *
sn_database_connector_get_database (SnDatabaseConnector *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), NULL);

  return self->database;
}

/**
 * sn_database_connector_get_ssh_session:
 *
 * Returns: (transfer none) (nullable): the SSH session, when one is used
 */
SnSshSession *
sn_database_connector_get_ssh_session (SnDatabaseConnector *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), NULL);

  return self->ssh;
}

gboolean
sn_database_connector_get_read_only (SnDatabaseConnector *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), TRUE);

  if (self->database != NULL)
    return sn_database_get_read_only (self->database);

  return self->write_reason == NULL;
}

/**
 * sn_database_connector_get_write_reason:
 *
 * Returns: (nullable): the reason writes were allowed for, %NULL when read-only
 */
const char *
sn_database_connector_get_write_reason (SnDatabaseConnector *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), NULL);

  return self->write_reason;
}

/**
 * sn_database_connector_allow_writes:
 * @reason: why, in the operator's words
 *
 * The caller checks that the profile is an admin one and writes the audit log.
 */
gboolean
sn_database_connector_allow_writes (SnDatabaseConnector  *self,
                                    const char           *reason,
                                    GError              **error)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), FALSE);

  stripped = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*stripped == '\0')
    {
      g_set_error_literal (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_FAILED,
                           _("Say why writes are needed: the reason is kept in the audit log."));
      return FALSE;
    }

  if (sn_profile_get_safety_level (self->profile) != SN_SAFETY_LEVEL_ADMIN)
    {
      g_set_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_READ_ONLY,
                   _("Profile “%s” is not an admin profile: it can only read the database."),
                   sn_profile_get_name (self->profile));
      return FALSE;
    }

  if (self->database != NULL && !sn_database_allow_writes (self->database, stripped, error))
    return FALSE;

  g_free (self->write_reason);
  self->write_reason = g_steal_pointer (&stripped);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);

  return TRUE;
}

void
sn_database_connector_forbid_writes (SnDatabaseConnector *self)
{
  g_return_if_fail (SN_IS_DATABASE_CONNECTOR (self));

  if (self->database != NULL)
    sn_database_forbid_writes (self->database);
  g_clear_pointer (&self->write_reason, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
}

static void
set_path (SnDatabaseConnector *self,
          SnDatabasePath       path)
{
  if (self->path == path)
    return;

  self->path = path;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATH]);
}

/* ------------------------------------------------------------------------ */
/* psql over SSH                                                            */

/* Runs @sql over SSH; the task returns psql's CSV output as GBytes. */
static void
psql_exec_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;

  exec = sn_host_exec_finish (SN_HOST (object), result, &error);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (exec == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!sn_ssh_exec_result_get_success (exec))
    {
      g_task_return_error (task, _sn_database_psql_error (exec));
      return;
    }

  g_task_return_pointer (task, g_bytes_ref (sn_ssh_exec_result_get_stdout (exec)),
                         (GDestroyNotify)g_bytes_unref);
}

static void
psql_run_async (SnDatabaseConnector *self,
                const char          *sql,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SnHost) host = NULL;
  g_autofree char *command = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, psql_run_async);

  if (self->ssh == NULL)
    {
      g_task_return_new_error (task, SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                               _("Not connected to the database."));
      return;
    }

  /* Through SnHost: every query over SSH leaves an audit line (L6). */
  command = sn_database_dup_psql_command (self->profile, sql, self->write_reason == NULL);
  host = sn_host_new (self->ssh, NULL);
  sn_host_exec_async (host, "db.psql", command, NULL, PSQL_TIMEOUT_MS, NULL, NULL, NULL, cancellable,
                      psql_exec_cb, g_steal_pointer (&task));
}

static GBytes *
psql_run_finish (SnDatabaseConnector  *self,
                 GAsyncResult         *result,
                 GError              **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Connecting                                                               */

typedef struct
{
  char *password;
} ConnectData;

static void
connect_data_free (gpointer data)
{
  ConnectData *connect = data;

  if (connect->password != NULL)
    memset (connect->password, 0, strlen (connect->password));
  g_free (connect->password);
  g_free (connect);
}

static void
database_connect_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDatabaseConnector *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!sn_database_connect_finish (SN_DATABASE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (self->write_reason != NULL && !sn_database_allow_writes (self->database, self->write_reason, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  set_path (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "path")));
  g_task_return_boolean (task, TRUE);
}

static void
connect_database (SnDatabaseConnector *self,
                  GTask               *task,
                  SnDatabasePath       path,
                  guint                tunnel_port)
{
  ConnectData *connect = g_task_get_task_data (task);
  SnDatabase *database;

  if (path == SN_DATABASE_PATH_DIRECT)
    {
      database = sn_database_new (sn_profile_get_db_host (self->profile),
                                  sn_profile_get_db_port (self->profile),
                                  sn_profile_get_db_name (self->profile),
                                  sn_profile_get_db_user (self->profile),
                                  connect->password);
      sn_database_set_ssl_root_cert (database, sn_profile_get_db_ssl_root_cert (self->profile));
    }
  else
    database = sn_database_new ("127.0.0.1", tunnel_port,
                                sn_profile_get_db_name (self->profile),
                                sn_profile_get_db_user (self->profile),
                                connect->password);

  g_set_object (&self->database, database);
  g_clear_object (&self->reports);
  self->reports = sn_reports_new (database);
  g_object_unref (database);

  g_object_set_data (G_OBJECT (task), "path", GINT_TO_POINTER (path));
  sn_database_connect_async (self->database, g_task_get_cancellable (task),
                             database_connect_cb, g_object_ref (task));
}

static void
psql_probe_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDatabaseConnector *self = g_task_get_source_object (task);
  g_autoptr(GBytes) out = NULL;
  GError *error = NULL;

  out = psql_run_finish (self, result, &error);
  if (out == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  set_path (self, SN_DATABASE_PATH_PSQL_EXEC);
  g_task_return_boolean (task, TRUE);
}

static void
start_psql_path (SnDatabaseConnector *self,
                 GTask               *task)
{
  g_clear_object (&self->database);
  g_clear_object (&self->reports);
  close_tunnel (self);

  if (self->ssh == NULL)
    self->ssh = sn_ssh_session_new (self->profile, self->secrets);

  psql_run_async (self, "SELECT 1 AS ok", g_task_get_cancellable (task),
                  psql_probe_cb, g_object_ref (task));
}

static void
tunnel_open_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDatabaseConnector *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!sn_ssh_tunnel_open_finish (SN_SSH_TUNNEL (object), result, &error))
    {
      if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_FORWARDING_DISABLED))
        {
          g_debug ("Forwarding is disabled on %s: using psql over SSH",
                   sn_profile_get_ssh_host (self->profile));
          start_psql_path (self, task);
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  connect_database (self, task, SN_DATABASE_PATH_TUNNEL,
                    sn_ssh_tunnel_get_local_port (SN_SSH_TUNNEL (object)));
}

static void
start_tunnel_path (SnDatabaseConnector *self,
                   GTask               *task)
{
  if (self->ssh == NULL)
    self->ssh = sn_ssh_session_new (self->profile, self->secrets);
  close_tunnel (self);
  self->tunnel = sn_ssh_tunnel_new (self->ssh,
                                    sn_profile_get_db_host (self->profile),
                                    sn_profile_get_db_port (self->profile));
  sn_ssh_tunnel_open_async (self->tunnel, g_task_get_cancellable (task),
                            tunnel_open_cb, g_object_ref (task));
}

static void
password_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDatabaseConnector *self = g_task_get_source_object (task);
  ConnectData *connect = g_task_get_task_data (task);
  SnDatabasePath path;
  GError *error = NULL;

  connect->password = sn_secret_store_lookup_finish (SN_SECRET_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  path = self->forced_path;
  if (path == SN_DATABASE_PATH_NONE)
    path = sn_profile_get_db_direct (self->profile) ? SN_DATABASE_PATH_DIRECT : SN_DATABASE_PATH_TUNNEL;

  switch (path)
    {
    case SN_DATABASE_PATH_DIRECT:
      connect_database (self, task, SN_DATABASE_PATH_DIRECT, 0);
      break;

    case SN_DATABASE_PATH_PSQL_EXEC:
      start_psql_path (self, task);
      break;

    case SN_DATABASE_PATH_TUNNEL:
    case SN_DATABASE_PATH_NONE:
    default:
      start_tunnel_path (self, task);
      break;
    }
}

/**
 * sn_database_connector_connect_async:
 *
 * Looks up the password, opens the path (direct, tunnel, or psql over SSH
 * when forwarding is refused) and checks the database answers.
 */
void
sn_database_connector_connect_async (SnDatabaseConnector *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_DATABASE_CONNECTOR (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_database_connector_connect_async);
  g_task_set_task_data (task, g_new0 (ConnectData, 1), connect_data_free);

  sn_secret_store_lookup_async (self->secrets, self->profile, SN_SECRET_KIND_DB_PASSWORD,
                                cancellable, password_cb, g_steal_pointer (&task));
}

gboolean
sn_database_connector_connect_finish (SnDatabaseConnector  *self,
                                      GAsyncResult         *result,
                                      GError              **error)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sn_database_connector_disconnect (SnDatabaseConnector *self)
{
  g_return_if_fail (SN_IS_DATABASE_CONNECTOR (self));

  if (self->exec_cancellable != NULL)
    g_cancellable_cancel (self->exec_cancellable);
  if (self->database != NULL)
    sn_database_disconnect (self->database);
  g_clear_object (&self->reports);
  g_clear_object (&self->database);
  close_tunnel (self);
  if (self->ssh != NULL)
    sn_ssh_session_disconnect (self->ssh);
  g_clear_object (&self->ssh);
  set_path (self, SN_DATABASE_PATH_NONE);
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */

/* Rows per chunk handed to the result on the psql path, parsed as they come. */
#define PSQL_CHUNK_ROWS 10000

typedef struct
{
  SnQueryResult *target;
  GOutputStream *rows;
  gint64         started;
} QueryData;

static void
psql_query_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  QueryData *query = user_data;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tag = NULL;
  gint64 elapsed = g_get_monotonic_time () - query->started;
  gboolean has_columns = FALSE;
  guint n_rows = 0;

  exec = sn_host_exec_finish (SN_HOST (object), result, &error);
  if (exec != NULL && !sn_ssh_exec_result_get_success (exec))
    error = _sn_database_psql_error (exec);
  else if (exec != NULL &&
           _sn_query_csv_stream_finish (SN_QUERY_CSV_STREAM (query->rows), &n_rows, &has_columns, &error))
    {
      /* psql -q prints nothing for a statement without rows. */
      if (has_columns)
        tag = g_strdup_printf ("SELECT %u", n_rows);
      _sn_query_result_finish (query->target, tag, tag != NULL ? (gint64)n_rows : -1, elapsed, NULL);
    }

  if (error != NULL)
    _sn_query_result_finish (query->target, NULL, -1, elapsed, error);

  g_object_unref (query->rows);
  g_object_unref (query->target);
  g_free (query);
}

/* Runs @sql with psql over SSH, its CSV parsed into @query's result as it arrives. */
static void
psql_query_async (SnDatabaseConnector *self,
                  const char          *sql,
                  QueryData           *query)
{
  g_autoptr(SnHost) host = NULL;
  g_autofree char *command = NULL;

  if (self->ssh == NULL)
    {
      g_autoptr(GError) error = g_error_new_literal (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                                                     _("Not connected to the database."));

      _sn_query_result_finish (query->target, NULL, -1, 0, error);
      g_object_unref (query->target);
      g_free (query);
      return;
    }

  /* Through SnHost: every query over SSH leaves an audit line (L6). */
  command = sn_database_dup_psql_command (self->profile, sql, self->write_reason == NULL);
  host = sn_host_new (self->ssh, NULL);
  query->rows = _sn_query_csv_stream_new (query->target, PSQL_CHUNK_ROWS);
  sn_host_exec_to_stream_async (host, "db.psql", command, NULL, query->rows, PSQL_TIMEOUT_MS,
                                self->exec_cancellable, psql_query_cb, query);
}

/**
 * sn_database_connector_start_query:
 *
 * Like sn_database_start_query(): the result is returned at once and fills
 * in, on the psql path too (psql's CSV is parsed as it arrives).
 *
 * Returns: (transfer full): the result being filled
 */
SnQueryResult *
sn_database_connector_start_query (SnDatabaseConnector *self,
                                   const char          *sql,
                                   GCancellable        *cancellable)
{
  g_autoptr(GMainContext) context = NULL;
  SnQueryResult *result;
  QueryData *query;

  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  if (self->database != NULL)
    return sn_database_start_query (self->database, sql, cancellable);

  context = g_main_context_ref_thread_default ();
  result = _sn_query_result_new (context);

  if (self->path != SN_DATABASE_PATH_PSQL_EXEC)
    {
      g_autoptr(GError) error = g_error_new_literal (SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT,
                                                     _("Not connected to the database."));

      _sn_query_result_finish (result, NULL, -1, 0, error);
      return result;
    }

  {
    g_autoptr(GError) error = NULL;

    if (!sn_sql_check_text (sql, self->write_reason == NULL, TRUE, &error))
      {
        _sn_query_result_finish (result, NULL, -1, 0, error);
        return result;
      }
  }

  if (self->exec_cancellable != NULL)
    g_object_unref (self->exec_cancellable);
  self->exec_cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (g_cancellable_cancel),
                           g_object_ref (self->exec_cancellable), g_object_unref);

  query = g_new0 (QueryData, 1);
  query->target = g_object_ref (result);
  query->started = g_get_monotonic_time ();
  psql_query_async (self, sql, query);

  return result;
}

/**
 * sn_database_connector_cancel:
 *
 * Stops the statement running now: PQcancel on a libpq path, closing the
 * remote command on the psql path.
 */
void
sn_database_connector_cancel (SnDatabaseConnector *self)
{
  g_return_if_fail (SN_IS_DATABASE_CONNECTOR (self));

  if (self->database != NULL)
    sn_database_cancel (self->database);
  if (self->exec_cancellable != NULL)
    g_cancellable_cancel (self->exec_cancellable);
}

/* ------------------------------------------------------------------------ */
/* Reports                                                                  */

typedef struct
{
  char  *id;
  GDate  from;
  GDate  to;
} ReportData;

static void
report_data_free (gpointer data)
{
  ReportData *report = data;

  g_free (report->id);
  g_free (report);
}

static void
report_db_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  SnReportResult *report;

  report = sn_reports_run_finish (SN_REPORTS (object), result, &error);
  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, g_object_unref);
}

static void
report_psql_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReportData *report = g_task_get_task_data (task);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(SnQueryResult) rows = NULL;
  GError *error = NULL;
  SnReportResult *done;

  out = psql_run_finish (SN_DATABASE_CONNECTOR (object), result, &error);
  if (out == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  rows = sn_query_result_new_from_csv (g_bytes_get_data (out, NULL),
                                       (gssize)g_bytes_get_size (out), &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  done = sn_report_result_new_for_query (report->id, &report->from, &report->to, rows, &error);
  if (done == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, done, g_object_unref);
}

/**
 * sn_database_connector_run_report_async:
 * @from: (nullable): first Paris day, %NULL for today in Paris
 * @to: (nullable): last Paris day, %NULL for @from
 *
 * Runs one of the five reports on whichever path is open.
 */
void
sn_database_connector_run_report_async (SnDatabaseConnector *self,
                                        const char          *id,
                                        const GDate         *from,
                                        const GDate         *to,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *sql = NULL;
  ReportData *report;

  g_return_if_fail (SN_IS_DATABASE_CONNECTOR (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_database_connector_run_report_async);

  if (self->reports != NULL)
    {
      sn_reports_run_async (self->reports, id, from, to, cancellable,
                            report_db_cb, g_steal_pointer (&task));
      return;
    }

  sql = sn_reports_dup_sql_for_days (id, from, to);
  if (sql == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("There is no report called “%s”."), id);
      return;
    }

  report = g_new0 (ReportData, 1);
  report->id = g_strdup (id);
  g_date_clear (&report->from, 1);
  g_date_clear (&report->to, 1);
  if (from != NULL)
    report->from = *from;
  if (to != NULL)
    report->to = *to;
  g_task_set_task_data (task, report, report_data_free);

  psql_run_async (self, sql, cancellable, report_psql_cb, g_steal_pointer (&task));
}

/**
 * sn_database_connector_run_report_finish:
 *
 * Returns: (transfer full): the report
 */
SnReportResult *
sn_database_connector_run_report_finish (SnDatabaseConnector  *self,
                                         GAsyncResult         *result,
                                         GError              **error)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* CSV export                                                               */

static void
export_db_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  guint64 rows = 0;

  if (!sn_database_export_csv_finish (SN_DATABASE (object), result, NULL, &rows, &error))
    g_task_return_error (task, error);
  else
    {
      g_object_set_data (G_OBJECT (task), "rows", GSIZE_TO_POINTER ((gsize)rows));
      g_task_return_boolean (task, TRUE);
    }
}

static void
export_psql_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDatabaseConnector *self = SN_DATABASE_CONNECTOR (object);
  GFile *file = g_task_get_task_data (task);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GString) safe = NULL;
  GError *error = NULL;
  gsize size;
  const char *data;
  guint64 lines = 0;

  out = psql_run_finish (self, result, &error);
  if (out == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  data = g_bytes_get_data (out, &size);
  for (gsize i = 0; i < size; i++)
    if (data[i] == '\n')
      lines++;

  /* The same CSV as COPY's, through the same filter (M9). */
  if (sn_csv_flags_for_profile (self->profile) & SN_CSV_SPREADSHEET_SAFE)
    {
      g_autoptr(SnCsvFilter) filter = sn_csv_filter_new (SN_CSV_SPREADSHEET_SAFE);

      safe = g_string_sized_new (size + size / 16);
      sn_csv_filter_feed (filter, data, size, safe);
      sn_csv_filter_finish (filter, safe);
      data = safe->str;
      size = safe->len;
    }

  /* Customer data: 0600, a temporary file fsynced and renamed (M8). */
  if (!sn_data_file_replace (file, data, size, g_task_get_cancellable (task), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_object_set_data (G_OBJECT (task), "rows", GSIZE_TO_POINTER ((gsize)(lines > 0 ? lines - 1 : 0)));
  g_task_return_boolean (task, TRUE);
}

/**
 * sn_database_connector_export_csv_async:
 *
 * Streams the rows of @sql into @file as CSV (COPY on a libpq path, psql
 * --csv on the other), writing a temporary file renamed at the end; safe for
 * spreadsheets on a read-only profile (sn_csv_flags_for_profile()).
 */
void
sn_database_connector_export_csv_async (SnDatabaseConnector *self,
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

  g_return_if_fail (SN_IS_DATABASE_CONNECTOR (self));
  g_return_if_fail (sql != NULL);
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_database_connector_export_csv_async);

  if (self->database != NULL)
    {
      sn_database_set_csv_flags (self->database, sn_csv_flags_for_profile (self->profile));
      sn_database_export_csv_async (self->database, sql, file, progress, progress_data,
                                    progress_destroy, cancellable, export_db_cb,
                                    g_steal_pointer (&task));
      return;
    }

  if (progress_destroy != NULL)
    progress_destroy (progress_data);

  {
    GError *error = NULL;

    if (!sn_sql_check_text (sql, self->write_reason == NULL, TRUE, &error))
      {
        g_task_return_error (task, error);
        return;
      }
  }

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  psql_run_async (self, sql, cancellable, export_psql_cb, g_steal_pointer (&task));
}

gboolean
sn_database_connector_export_csv_finish (SnDatabaseConnector  *self,
                                         GAsyncResult         *result,
                                         guint64              *rows,
                                         GError              **error)
{
  g_return_val_if_fail (SN_IS_DATABASE_CONNECTOR (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (rows != NULL)
    *rows = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (result), "rows"));

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* SQL classification                                                       */

/* Lower-cased words of @sql outside comments, quotes and dollar quotes;
 * ";" separates statements and is kept as its own word. */
static GPtrArray *
sql_words (const char *sql)
{
  GPtrArray *words = g_ptr_array_new_with_free_func (g_free);
  const char *p = sql;

  while (*p != '\0')
    {
      if (p[0] == '-' && p[1] == '-')
        {
          while (*p != '\0' && *p != '\n')
            p++;
        }
      else if (p[0] == '/' && p[1] == '*')
        {
          const char *end = strstr (p + 2, "*/");

          p = end != NULL ? end + 2 : p + strlen (p);
        }
      else if (*p == '\'' || *p == '"')
        {
          char quote = *p++;

          while (*p != '\0' && !(*p == quote && p[1] != quote))
            p += (*p == quote) ? 2 : 1;
          if (*p != '\0')
            p++;
          if (quote == '"')
            g_ptr_array_add (words, g_strdup ("\"ident\""));
        }
      else if (*p == '$')
        {
          const char *tag_end = p + 1;

          while (g_ascii_isalnum (*tag_end) || *tag_end == '_')
            tag_end++;
          if (*tag_end == '$')
            {
              g_autofree char *tag = g_strndup (p, tag_end - p + 1);
              const char *end = strstr (tag_end + 1, tag);

              p = end != NULL ? end + strlen (tag) : p + strlen (p);
            }
          else
            p = tag_end;
        }
      else if (*p == ';')
        {
          g_ptr_array_add (words, g_strdup (";"));
          p++;
        }
      else if (g_ascii_isalpha (*p) || *p == '_')
        {
          const char *start = p;

          while (g_ascii_isalnum (*p) || *p == '_')
            p++;
          g_ptr_array_add (words, g_ascii_strdown (start, p - start));
        }
      else
        p++;
    }

  return words;
}

static const char * const write_keywords[] = {
  "insert", "update", "delete", "merge", "drop", "truncate", "alter", "create",
  "grant", "revoke", "copy", "vacuum", "reindex", "cluster", "refresh", "comment",
  "lock", "call", "do", "import", "security", "reassign", NULL
};

/**
 * sn_sql_is_write:
 *
 * Returns: %TRUE when a statement of @sql starts with a keyword that changes
 *   data or schema (conservative: unknown forms count as reads only when they
 *   start with SELECT, WITH without a data-changing keyword, SHOW, EXPLAIN
 *   without ANALYZE, or TABLE/VALUES)
 */
gboolean
sn_sql_is_write (const char *sql)
{
  g_autoptr(GPtrArray) words = NULL;
  gboolean start = TRUE;

  g_return_val_if_fail (sql != NULL, FALSE);

  words = sql_words (sql);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);

      if (g_str_equal (word, ";"))
        {
          start = TRUE;
          continue;
        }

      if (start || g_str_equal (word, "insert") || g_str_equal (word, "update") ||
          g_str_equal (word, "delete") || g_str_equal (word, "merge"))
        {
          if (g_strv_contains (write_keywords, word))
            return TRUE;
        }
      start = FALSE;
    }

  return FALSE;
}

/**
 * sn_sql_escapes_read_only:
 * @sql: the text a person or a runbook sends
 * @what: (out) (optional): a sentence saying what it tries
 *
 * The client-side net of a read-only session (the server-side boundary is the
 * read-only role): statements that would leave or switch off a read-only
 * transaction. BEGIN/START ... READ WRITE, SET or RESET of the transaction
 * characteristics, the session's role or authorization (and RESET ALL),
 * set_config(), DO blocks, and COMMIT, END, ROLLBACK or ABORT inside text with
 * other statements.
 *
 * Returns: %TRUE when @sql must not run in a read-only session
 */
gboolean
sn_sql_escapes_read_only (const char  *sql,
                          char       **what)
{
  static const char * const set_targets[] = {
    "transaction_read_only", "default_transaction_read_only", "characteristics",
    "transaction", "session_authorization", "authorization", "role", "all", NULL
  };
  g_autoptr(GPtrArray) words = NULL;
  guint n_statements = 0;
  gboolean start = TRUE;

  g_return_val_if_fail (sql != NULL, FALSE);

  if (what != NULL)
    *what = NULL;

  words = sql_words (sql);
  for (guint i = 0; i < words->len; i++)
    if (!g_str_equal (g_ptr_array_index (words, i), ";") &&
        (i == 0 || g_str_equal (g_ptr_array_index (words, i - 1), ";")))
      n_statements++;

  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      gboolean statement_start = start;

      start = g_str_equal (word, ";");
      if (start)
        continue;

      if (g_str_equal (word, "set_config"))
        goto escapes;

      if (!statement_start)
        continue;

      if (g_str_equal (word, "do"))
        goto escapes;

      if ((g_str_equal (word, "commit") || g_str_equal (word, "end") ||
           g_str_equal (word, "rollback") || g_str_equal (word, "abort")) &&
          n_statements > 1)
        goto escapes;

      if (g_str_equal (word, "begin") || g_str_equal (word, "start") ||
          g_str_equal (word, "set") || g_str_equal (word, "reset"))
        {
          gboolean is_set = g_str_equal (word, "set") || g_str_equal (word, "reset");

          for (guint j = i + 1; j < words->len; j++)
            {
              const char *next = g_ptr_array_index (words, j);

              if (g_str_equal (next, ";"))
                break;
              if (!is_set && g_str_equal (next, "write"))
                goto escapes;
              if (is_set && j <= i + 2 && g_strv_contains (set_targets, next))
                goto escapes;
            }
        }
    }

  return FALSE;

escapes:
  if (what != NULL)
    *what = g_strdup (_("This text tries to leave the read-only transaction (READ WRITE, SET or "
                        "RESET of the transaction or role, set_config, DO, or COMMIT between "
                        "statements). A read-only profile cannot do that: use an admin profile "
                        "and allow writes with a reason."));
  return TRUE;
}

/**
 * sn_sql_is_destructive:
 * @what: (out) (optional): a sentence saying what the statement will do
 *
 * Simple and conservative: UPDATE or DELETE without WHERE, DROP, TRUNCATE
 * and ALTER are destructive, anywhere in @sql.
 *
 * Returns: %TRUE when @sql should be confirmed before it runs
 */
gboolean
sn_sql_is_destructive (const char  *sql,
                       char       **what)
{
  g_autoptr(GPtrArray) words = NULL;

  g_return_val_if_fail (sql != NULL, FALSE);

  words = sql_words (sql);
  for (guint i = 0; i < words->len; i++)
    {
      const char *word = g_ptr_array_index (words, i);
      gboolean has_where = FALSE;
      guint j;

      if (!g_str_equal (word, "update") && !g_str_equal (word, "delete") &&
          !g_str_equal (word, "drop") && !g_str_equal (word, "truncate") &&
          !g_str_equal (word, "alter"))
        continue;

      /* "FOR UPDATE" / "ON DELETE" inside a statement are not statements. */
      if (i > 0)
        {
          const char *before = g_ptr_array_index (words, i - 1);

          if (g_str_equal (before, "for") || g_str_equal (before, "on") ||
              g_str_equal (before, "no") || g_str_equal (before, "key"))
            continue;
        }

      for (j = i + 1; j < words->len && !g_str_equal (g_ptr_array_index (words, j), ";"); j++)
        if (g_str_equal (g_ptr_array_index (words, j), "where"))
          has_where = TRUE;

      if ((g_str_equal (word, "update") || g_str_equal (word, "delete")) && has_where)
        continue;

      if (what != NULL)
        {
          if (g_str_equal (word, "update"))
            *what = g_strdup (_("This UPDATE has no WHERE clause: it changes every row of the table."));
          else if (g_str_equal (word, "delete"))
            *what = g_strdup (_("This DELETE has no WHERE clause: it removes every row of the table."));
          else if (g_str_equal (word, "drop"))
            *what = g_strdup (_("This DROP removes the object and everything in it, for good."));
          else if (g_str_equal (word, "truncate"))
            *what = g_strdup (_("This TRUNCATE empties the table at once; it cannot be undone "
                                "without a backup."));
          else
            *what = g_strdup (_("This ALTER changes the schema the web app relies on."));
        }
      return TRUE;
    }

  if (what != NULL)
    *what = NULL;

  return FALSE;
}

/**
 * sn_database_error_dup_advice:
 *
 * Returns: (transfer full): the error in a sentence that says what to do
 */
char *
sn_database_error_dup_advice (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == SN_DATABASE_ERROR)
    {
      switch (error->code)
        {
        case SN_DATABASE_ERROR_CONNECT:
          return g_strdup_printf (_("Cannot reach PostgreSQL: %s. Check that the db container "
                                    "runs (Incidents view) and that the profile’s database host "
                                    "and port are right."), error->message);
        case SN_DATABASE_ERROR_AUTH:
          return g_strdup_printf (_("PostgreSQL refused the password: %s. Update the database "
                                    "password in the profile."), error->message);
        case SN_DATABASE_ERROR_READ_ONLY:
          return g_strdup (_("This statement writes, and the session is read-only. On an admin "
                             "profile, turn on “Allow writes” and give a reason first."));
        case SN_DATABASE_ERROR_SYNTAX:
          return g_strdup_printf (_("The SQL is wrong: %s"), error->message);
        case SN_DATABASE_ERROR_REFUSED:
          return g_strdup (error->message);
        case SN_DATABASE_ERROR_TIMEOUT:
          return g_strdup (_("The statement ran longer than the 60 s limit and was stopped. "
                             "Narrow it with a WHERE clause or a LIMIT."));
        default:
          break;
        }
    }

  if (error->domain == SN_SSH_ERROR)
    return g_strdup_printf (_("Cannot reach the server over SSH: %s"), error->message);

  return g_strdup (error->message);
}
