/* sn-backup-service.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-backup"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sn-audit-log.h"
#include "sn-await.h"
#include "sn-backup-private.h"
#include "sn-backup-service.h"
#include "sn-host.h"
#include "sn-reports.h"

#define STAGE_SUBDIR          SN_BACKUP_STAGE_SUBDIR
#define STAGE_KEEP            3
#define STREAM_TIMEOUT_MS     (6 * 3600 * 1000)
#define COMMAND_TIMEOUT_MS    (30 * 60 * 1000)
#define UPLOAD_CHUNK          (16 * 1024)
#define PROGRESS_INTERVAL_US  (100 * 1000)
#define MANIFEST_SUFFIX       SN_BACKUP_MANIFEST_SUFFIX

G_DEFINE_QUARK (sn-backup-error-quark, sn_backup_error)

/* What each entry point that changes or copies the server's data does, for
 * the level check (M1): "The profile “ro” is read-only: it cannot …". */
#define WHAT_CREATE       N_("make a backup (it copies the server’s database)")
#define WHAT_VERIFY       N_("verify a backup (it copies it to the server and reads it there)")
#define WHAT_UPLOAD       N_("upload a backup to the bucket")
#define WHAT_DOWNLOAD     N_("download a backup from the bucket (it goes through the server)")
#define WHAT_RESTORE      N_("restore a backup (it replaces the server’s database)")
#define WHAT_RESTORE_TEST N_("run a restore test (it creates and drops a database on the server)")

/* The row counts of every table of the public schema, exactly, in one
 * read-only statement (query_to_xml runs the count per table). */
#define COUNT_ROWS_SQL \
  "SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', " \
  "n.nspname, c.relname), false, true, '')))[1]::text::bigint " \
  "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " \
  "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1"

struct _SnBackupService
{
  GObject        parent_instance;

  SnProfile     *profile;
  SnSshSession  *session;
  SnHost        *host;          /* runs and audits every command */
  GListStore    *local;
  GListStore    *remote;
  GMainContext  *context;
  SnAuditLog    *audit;
  char          *directory;
  char          *bucket;
  char          *prefix;
  char          *mc_alias;

  guint64        min_size;
  guint64        write_limit;

  /* Host files a broken transfer may have left (the host could not be
   * reached to remove them): removed at the next dump. Guarded by stale_lock. */
  GMutex         stale_lock;
  GPtrArray     *stale;
};

enum {
  PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SnBackupService, sn_backup_service, G_TYPE_OBJECT)

/* A sink for streamed bytes: file descriptor, sha256, progress ----------- */

#define SN_TYPE_BACKUP_SINK (sn_backup_sink_get_type ())
G_DECLARE_FINAL_TYPE (SnBackupSink, sn_backup_sink, SN, BACKUP_SINK, GOutputStream)

struct _SnBackupSink
{
  GOutputStream    parent_instance;

  SnBackupService *service;
  GChecksum       *sha256;
  char            *operation;

  int              fd;
  guint64          bytes;
  guint64          total;
  guint64          limit;
  gint64           started_us;
  gint64           last_progress_us;
};

G_DEFINE_FINAL_TYPE (SnBackupSink, sn_backup_sink, G_TYPE_OUTPUT_STREAM)

typedef struct
{
  SnBackupService *service;
  char            *operation;
  guint64          done;
  guint64          total;
  double           rate;
  gint64           eta;
} Progress;

static gboolean
emit_progress (gpointer data)
{
  Progress *progress = data;

  g_signal_emit (progress->service, signals[PROGRESS], 0, progress->operation,
                 progress->done, progress->total, progress->rate, progress->eta);
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_object_unref (progress->service);
  g_free (progress->operation);
  g_free (progress);
}

static void
report_progress (SnBackupService *self,
                 const char      *operation,
                 guint64          done,
                 guint64          total,
                 gint64           started_us)
{
  Progress *progress = g_new0 (Progress, 1);
  gint64 elapsed = g_get_monotonic_time () - started_us;

  progress->service = g_object_ref (self);
  progress->operation = g_strdup (operation);
  progress->done = done;
  progress->total = total;
  progress->rate = elapsed > 0 ? done / (elapsed / (double)G_USEC_PER_SEC) : 0;
  progress->eta = total > done && progress->rate > 0 ? (gint64)((total - done) / progress->rate) : -1;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_progress, progress, progress_free);
}

static gssize
sn_backup_sink_write (GOutputStream  *stream,
                      const void     *buffer,
                      gsize           count,
                      GCancellable   *cancellable,
                      GError        **error)
{
  SnBackupSink *self = SN_BACKUP_SINK (stream);
  gssize written;
  gint64 now;

  if (self->limit > 0 && self->bytes + count > self->limit)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, g_strerror (ENOSPC));
      return -1;
    }

  do
    written = write (self->fd, buffer, count);
  while (written < 0 && errno == EINTR);

  if (written < 0)
    {
      int saved = errno;

      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved), g_strerror (saved));
      return -1;
    }

  g_checksum_update (self->sha256, buffer, written);
  self->bytes += written;

  now = g_get_monotonic_time ();
  if (self->service != NULL && now - self->last_progress_us >= PROGRESS_INTERVAL_US)
    {
      self->last_progress_us = now;
      report_progress (self->service, self->operation, self->bytes, self->total, self->started_us);
    }

  return written;
}

static gboolean
sn_backup_sink_close (GOutputStream  *stream,
                      GCancellable   *cancellable,
                      GError        **error)
{
  return TRUE;
}

static void
sn_backup_sink_finalize (GObject *object)
{
  SnBackupSink *self = SN_BACKUP_SINK (object);

  g_clear_object (&self->service);
  g_clear_pointer (&self->sha256, g_checksum_free);
  g_clear_pointer (&self->operation, g_free);

  G_OBJECT_CLASS (sn_backup_sink_parent_class)->finalize (object);
}

static void
sn_backup_sink_class_init (SnBackupSinkClass *klass)
{
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sn_backup_sink_finalize;
  stream_class->write_fn = sn_backup_sink_write;
  stream_class->close_fn = sn_backup_sink_close;
}

static void
sn_backup_sink_init (SnBackupSink *self)
{
  self->sha256 = g_checksum_new (G_CHECKSUM_SHA256);
  self->started_us = g_get_monotonic_time ();
}

static SnBackupSink *
sn_backup_sink_new (SnBackupService *service,
                    const char      *operation,
                    int              fd,
                    guint64          total)
{
  SnBackupSink *self = g_object_new (SN_TYPE_BACKUP_SINK, NULL);

  self->service = g_object_ref (service);
  self->operation = g_strdup (operation);
  self->fd = fd;
  self->total = total;
  self->limit = service->write_limit;
  return self;
}

/* The object ------------------------------------------------------------ */

static void
sn_backup_service_finalize (GObject *object)
{
  SnBackupService *self = (SnBackupService *)object;

  g_clear_object (&self->profile);
  g_clear_object (&self->host);
  g_clear_object (&self->session);
  g_clear_object (&self->local);
  g_clear_object (&self->remote);
  g_clear_object (&self->audit);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->directory, g_free);
  g_clear_pointer (&self->stale, g_ptr_array_unref);
  g_mutex_clear (&self->stale_lock);
  g_clear_pointer (&self->bucket, g_free);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->mc_alias, g_free);

  G_OBJECT_CLASS (sn_backup_service_parent_class)->finalize (object);
}

static void
sn_backup_service_class_init (SnBackupServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_backup_service_finalize;

  /**
   * SnBackupService::progress:
   * @self: the service
   * @operation: "create", "download", "upload"
   * @done: bytes so far
   * @total: expected bytes (an estimate for create), or 0
   * @rate: bytes per second since the start
   * @eta: seconds left, or -1
   */
  signals[PROGRESS] =
    g_signal_new ("progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 5, G_TYPE_STRING, G_TYPE_UINT64, G_TYPE_UINT64,
                  G_TYPE_DOUBLE, G_TYPE_INT64);
}

static void
sn_backup_service_init (SnBackupService *self)
{
  g_autofree char *audit_path = sn_audit_log_default_path ();

  g_mutex_init (&self->stale_lock);
  self->stale = g_ptr_array_new_with_free_func (g_free);
  self->local = g_list_store_new (SN_TYPE_BACKUP);
  self->remote = g_list_store_new (SN_TYPE_BACKUP);
  self->context = g_main_context_ref_thread_default ();
  self->audit = sn_audit_log_new (audit_path);
  self->bucket = g_strdup (SN_BACKUP_DEFAULT_BUCKET);
  self->prefix = g_strdup (SN_BACKUP_DEFAULT_PREFIX);
  self->mc_alias = g_strdup (SN_BACKUP_DEFAULT_MC_ALIAS);
  self->min_size = SN_BACKUP_DEFAULT_MIN_SIZE;
}

SnBackupService *
sn_backup_service_new (SnProfile    *profile,
                       SnSshSession *session)
{
  SnBackupService *self;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (SN_IS_SSH_SESSION (session), NULL);

  self = g_object_new (SN_TYPE_BACKUP_SERVICE, NULL);
  self->profile = g_object_ref (profile);
  self->session = g_object_ref (session);
  self->host = sn_host_new (session, self->audit);
  self->directory = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "backups",
                                      sn_profile_get_name (profile), NULL);
  return self;
}

SnProfile *
sn_backup_service_get_profile (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return self->profile;
}

SnSshSession *
sn_backup_service_get_session (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return self->session;
}

#define STRING_PROPERTY(field)                                           \
  const char *                                                            \
  sn_backup_service_get_##field (SnBackupService *self)                   \
  {                                                                       \
    g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);             \
    return self->field;                                                   \
  }

STRING_PROPERTY (directory)
STRING_PROPERTY (bucket)
STRING_PROPERTY (prefix)
STRING_PROPERTY (mc_alias)

void
sn_backup_service_set_directory (SnBackupService *self,
                                 const char      *directory)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (directory != NULL);
  g_free (self->directory);
  self->directory = g_strdup (directory);
}

void
sn_backup_service_set_bucket (SnBackupService *self,
                              const char      *bucket)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_free (self->bucket);
  self->bucket = g_strdup (bucket != NULL && *bucket != '\0' ? bucket : SN_BACKUP_DEFAULT_BUCKET);
}

void
sn_backup_service_set_prefix (SnBackupService *self,
                              const char      *prefix)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_free (self->prefix);
  if (prefix == NULL)
    self->prefix = g_strdup (SN_BACKUP_DEFAULT_PREFIX);
  else if (*prefix != '\0' && !g_str_has_suffix (prefix, "/"))
    self->prefix = g_strconcat (prefix, "/", NULL);
  else
    self->prefix = g_strdup (prefix);
}

void
sn_backup_service_set_mc_alias (SnBackupService *self,
                                const char      *alias)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_free (self->mc_alias);
  self->mc_alias = g_strdup (alias != NULL && *alias != '\0' ? alias : SN_BACKUP_DEFAULT_MC_ALIAS);
}

guint64
sn_backup_service_get_min_size (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), 0);
  return self->min_size;
}

void
sn_backup_service_set_min_size (SnBackupService *self,
                                guint64          bytes)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  self->min_size = bytes;
}

void
sn_backup_service_set_write_limit (SnBackupService *self,
                                   guint64          bytes)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  self->write_limit = bytes;
}

GListModel *
sn_backup_service_get_local_backups (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return G_LIST_MODEL (self->local);
}

GListModel *
sn_backup_service_get_remote_backups (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return G_LIST_MODEL (self->remote);
}

/* Shell words and the host ------------------------------------------------ */

char *
sn_backup_service_dup_stage_directory (SnBackupService *self)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  return g_build_filename (sn_profile_get_deploy_path (self->profile), STAGE_SUBDIR, NULL);
}

/* "cd DEPLOY && D=STAGE && " (sn-backup-commands.c builds the commands) */
static char *
host_prologue (SnBackupService *self)
{
  return _sn_backup_prologue (self->profile);
}

static char *
mc_remote (SnBackupService *self,
           const char      *name)
{
  return _sn_backup_mc_remote (self, name);
}

/* Runs @command through the service's SnHost, which audits it as @what. */
static SnSshExecResult *
host_exec (SnBackupService  *self,
           const char       *what,
           const char       *command,
           GOutputStream    *stream,
           guint             timeout_ms,
           GCancellable     *cancellable,
           GError          **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) local_error = NULL;

  sn_await_push_private (&await);
  if (stream != NULL)
    sn_host_exec_to_stream_async (self->host, what, command, NULL, stream, timeout_ms, cancellable,
                                  sn_await_callback, &await);
  else
    sn_host_exec_async (self->host, what, command, NULL, timeout_ms, NULL, NULL, NULL, cancellable,
                        sn_await_callback, &await);
  result = sn_host_exec_finish (self->host, sn_await_result (&await), &local_error);
  sn_await_clear (&await);

  if (result == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
          (local_error != NULL && strstr (local_error->message, g_strerror (ENOSPC)) != NULL))
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NO_SPACE,
                     _("The local disk is full (%s): free space in %s and try again."),
                     local_error->message, self->directory);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM,
                     _("%s: the connection to the host failed: %s"), what, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&result);
}

static char *
last_lines (const char *text,
            guint       n)
{
  g_auto(GStrv) lines = g_strsplit (g_strstrip ((char *)text), "\n", -1);
  guint length = g_strv_length (lines);
  guint first = length > n ? length - n : 0;

  return g_strjoinv ("\n", lines + first);
}

/* The lines of @text that say what went wrong (pg_restore and psql print the
 * failing statement after its error); the last @n lines when none does. */
static char *
error_lines (const char *text,
             guint       n)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) found = g_ptr_array_new ();

  for (guint i = 0; lines[i] != NULL && found->len < n; i++)
    if (strstr (lines[i], "error:") != NULL || strstr (lines[i], "FATAL:") != NULL ||
        strstr (lines[i], "ERROR:") != NULL)
      g_ptr_array_add (found, g_strstrip (lines[i]));
  if (found->len == 0)
    return last_lines (text, n);
  g_ptr_array_add (found, NULL);
  return g_strjoinv ("\n", (char **)found->pdata);
}

/* Runs @command; returns its stdout, or NULL with an error naming @what. */
static char *
host_run (SnBackupService  *self,
          const char       *what,
          const char       *command,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autoptr(SnSshExecResult) result = host_exec (self, what, command, NULL, COMMAND_TIMEOUT_MS,
                                                 cancellable, error);

  if (result == NULL)
    return NULL;

  if (!sn_ssh_exec_result_get_success (result))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);
      g_autofree char *tail = error_lines (err != NULL ? err : "", 4);

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST,
                   _("%s failed on the host (exit status %d): %s"), what,
                   sn_ssh_exec_result_get_exit_status (result),
                   *tail != '\0' ? tail : _("no message"));
      return NULL;
    }

  return sn_ssh_exec_result_dup_stdout_text (result);
}

static char *
psql_command (SnBackupService *self,
              const char      *database,
              gboolean         read_only,
              const char      *sql)
{
  return sn_backup_service_dup_psql_command (self->profile, database, read_only, sql);
}

static char *
db_query (SnBackupService  *self,
          const char       *database,
          gboolean          read_only,
          const char       *sql,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autofree char *command = psql_command (self, database, read_only, sql);

  return host_run (self, "backup.psql", command, cancellable, error);
}

GHashTable *
sn_backup_service_count_rows_sync (SnBackupService  *self,
                                   const char       *database,
                                   GCancellable     *cancellable,
                                   GError          **error)
{
  g_autoptr(GHashTable) counts = NULL;
  g_autofree char *output = NULL;
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!(output = db_query (self, database, TRUE, COUNT_ROWS_SQL, cancellable, error)))
    return NULL;

  counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *bar = strrchr (lines[i], '|');
      gint64 *value;

      if (bar == NULL)
        continue;
      value = g_new (gint64, 1);
      *value = g_ascii_strtoll (bar + 1, NULL, 10);
      g_hash_table_insert (counts, g_strndup (lines[i], bar - lines[i]), value);
    }

  return g_steal_pointer (&counts);
}

/* Manifests --------------------------------------------------------------- */

static char *
manifest_path_for (const char *dump_path)
{
  return g_strconcat (dump_path, MANIFEST_SUFFIX, NULL);
}

static JsonObject *
load_manifest (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
      !json_parser_load_from_file (parser, path, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

static gboolean
write_json_atomically (const char  *path,
                       JsonNode    *node,
                       GError     **error)
{
  g_autofree char *text = json_to_string (node, TRUE);

  /* g_file_set_contents fsyncs and renames. */
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static gboolean
save_manifest (const char  *dump_path,
               JsonObject  *manifest,
               GError     **error)
{
  g_autofree char *path = manifest_path_for (dump_path);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), manifest);

  return write_json_atomically (path, node, error);
}

static char *
file_sha256 (const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) stream = g_file_read (file, cancellable, error);
  g_autoptr(GChecksum) sha = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (1024 * 1024);
  gssize n;

  if (stream == NULL)
    return NULL;

  while ((n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, 1024 * 1024, cancellable, error)) > 0)
    g_checksum_update (sha, buffer, n);

  if (n < 0)
    return NULL;

  return g_strdup (g_checksum_get_string (sha));
}

static void
fsync_directory (const char *directory)
{
  int fd = open (directory, O_RDONLY | O_DIRECTORY);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Local backups ------------------------------------------------------------ */

static SnBackup *
load_local_backup (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *manifest_path = manifest_path_for (path);
  g_autoptr(JsonObject) manifest = NULL;
  SnBackup *backup;
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return NULL;

  backup = _sn_backup_new (SN_BACKUP_LOCATION_LOCAL, name);
  _sn_backup_set_path (backup, path);
  _sn_backup_set_size (backup, st.st_size);

  if (sn_backup_get_created (backup) == NULL)
    {
      g_autoptr(GDateTime) mtime = g_date_time_new_from_unix_utc (st.st_mtime);

      _sn_backup_set_created (backup, mtime);
    }

  if ((manifest = load_manifest (manifest_path)) != NULL)
    {
      _sn_backup_set_manifest (backup, manifest);

      if (json_object_has_member (manifest, "verified_at") &&
          json_object_get_int_member_with_default (manifest, "size", -1) == (gint64)st.st_size &&
          json_object_get_int_member_with_default (manifest, "verified_mtime", -1) == (gint64)st.st_mtime)
        _sn_backup_set_state (backup, SN_BACKUP_STATE_VERIFIED, NULL);
      else if (json_object_has_member (manifest, "verify_failed"))
        _sn_backup_set_state (backup, SN_BACKUP_STATE_FAILED,
                              json_object_get_string_member (manifest, "verify_failed"));
    }

  return backup;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  SnBackup *ba = *(SnBackup **)a;
  SnBackup *bb = *(SnBackup **)b;
  GDateTime *ta = sn_backup_get_created (ba);
  GDateTime *tb = sn_backup_get_created (bb);

  if (ta != NULL && tb != NULL && g_date_time_compare (ta, tb) != 0)
    return -g_date_time_compare (ta, tb);
  return -g_strcmp0 (sn_backup_get_name (ba), sn_backup_get_name (bb));
}

static GPtrArray *
scan_local (SnBackupService  *self,
            GError          **error)
{
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *entry;

  if (!(dir = g_dir_open (self->directory, 0, &local_error)))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&backups);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      SnBackup *backup;

      /* Temp files start with a dot and end with .part: never listed. */
      if (entry[0] == '.' || !(g_str_has_suffix (entry, ".dump") || g_str_has_suffix (entry, ".dump.gpg")))
        continue;

      path = g_build_filename (self->directory, entry, NULL);
      if ((backup = load_local_backup (path)) != NULL)
        g_ptr_array_add (backups, backup);
    }

  g_ptr_array_sort (backups, compare_newest_first);
  return g_steal_pointer (&backups);
}

gboolean
sn_backup_service_reload_local (SnBackupService  *self,
                                GError          **error)
{
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), FALSE);

  if (!(backups = scan_local (self, error)))
    return FALSE;

  g_list_store_splice (self->local, 0, g_list_model_get_n_items (G_LIST_MODEL (self->local)),
                       backups->pdata, backups->len);
  return TRUE;
}

static gboolean
reload_in_context (gpointer data)
{
  sn_backup_service_reload_local (data, NULL);
  return G_SOURCE_REMOVE;
}

static void
reload_later (SnBackupService *self)
{
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, reload_in_context,
                              g_object_ref (self), g_object_unref);
}

SnBackup *
sn_backup_service_find_recent (SnBackupService *self,
                               const char      *label,
                               guint            max_age_minutes)
{
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!(backups = scan_local (self, NULL)))
    return NULL;

  for (guint i = 0; i < backups->len; i++)
    {
      SnBackup *backup = g_ptr_array_index (backups, i);
      gint64 age = sn_backup_get_age_seconds (backup);
      JsonObject *manifest = sn_backup_get_manifest (backup);

      if (manifest == NULL || age < -120 || age > (gint64)max_age_minutes * 60)
        continue;
      if (g_strcmp0 (sn_backup_get_database (backup), sn_profile_get_db_name (self->profile)) != 0 ||
          g_strcmp0 (json_object_get_string_member_with_default (manifest, "profile", NULL),
                     sn_profile_get_name (self->profile)) != 0)
        continue;
      if (label != NULL && g_strcmp0 (sn_backup_get_label (backup), label) != 0)
        continue;
      return g_object_ref (backup);
    }

  return NULL;
}

/* The host's copy ---------------------------------------------------------- */

static char *
stage_path (const char *name)
{
  return _sn_backup_stage_path (name);
}

static char *
host_sha256 (SnBackupService  *self,
             const char       *name,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *staged = stage_path (name);
  g_autofree char *command = g_strdup_printf ("%sif [ -f %s ]; then sha256sum %s | cut -c1-64; fi",
                                              prologue, staged, staged);
  g_autofree char *output = host_run (self, "backup.sha256", command, cancellable, error);

  if (output == NULL)
    return NULL;
  return g_strstrip (g_steal_pointer (&output));
}

typedef struct
{
  SnBackupService *self;
  GSeekable       *stream;
  guint64          total;
  gint64           started;
} UploadProgress;

static gboolean
upload_progress_tick (gpointer data)
{
  UploadProgress *up = data;

  /* The worker thread reads the file; its offset is what was sent. */
  report_progress (up->self, "upload", (guint64)g_seekable_tell (up->stream), up->total, up->started);
  return G_SOURCE_CONTINUE;
}

/* Sends @path up to the host's stage folder unless the same bytes are there:
 * the file streams into `cat` on the host (SnSshSession's stdin streaming),
 * which keeps it under a temporary name until its sha256 matches. */
static gboolean
ensure_staged (SnBackupService  *self,
               SnBackup         *backup,
               const char       *sha256,
               GCancellable     *cancellable,
               GError          **error)
{
  const char *name = sn_backup_get_name (backup);
  g_autofree char *there = NULL;
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *part_name = g_strconcat (name, ".up", NULL);
  g_autofree char *part = stage_path (part_name);
  g_autofree char *staged = stage_path (name);
  g_autofree char *command = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSource) tick = NULL;
  UploadProgress up = { self, NULL, sn_backup_get_size (backup), g_get_monotonic_time () };

  if (!(there = host_sha256 (self, name, cancellable, error)))
    return FALSE;
  if (g_strcmp0 (there, sha256) == 0)
    return TRUE;

  file = g_file_new_for_path (sn_backup_get_path (backup));
  if (!(stream = g_file_read (file, cancellable, error)))
    return FALSE;
  up.stream = G_SEEKABLE (stream);

  /* Hung up when the connection drops (SnSshSession): the partial copy goes too. */
  command = g_strdup_printf ("%ssn_clean() { rm -f %s; }; trap 'sn_clean; exit 129' HUP TERM; mkdir -p $D && chmod 700 $D && cat > %s && "
                             "if [ \"$(sha256sum %s | cut -c1-64)\" = %s ]; then mv %s %s; "
                             "else rm -f %s; echo 'the bytes received differ from the local copy' >&2; exit 1; fi",
                             prologue, part, part, part, sha256, part, staged, part);

  sn_await_push_private (&await);
  tick = g_timeout_source_new (250);
  g_source_set_callback (tick, upload_progress_tick, &up, NULL);
  g_source_attach (tick, g_main_context_get_thread_default ());
  sn_host_exec_with_input_async (self->host, "backup.upload-to-host", command, NULL,
                                 G_INPUT_STREAM (stream), 0, cancellable, sn_await_callback, &await);
  sn_await_result (&await);
  g_source_destroy (tick);
  result = sn_host_exec_finish (self->host, sn_await_result (&await), &local_error);
  sn_await_clear (&await);

  if (result == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM,
                     _("%s: the connection to the host failed: %s"), "backup.upload-to-host",
                     local_error->message);
      return FALSE;
    }

  if (!sn_ssh_exec_result_get_success (result))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);
      g_autofree char *tail = last_lines (err != NULL ? err : "", 4);

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST,
                   _("%s failed on the host (exit status %d): %s"), "backup.upload-to-host",
                   sn_ssh_exec_result_get_exit_status (result),
                   *tail != '\0' ? tail : _("no message"));
      return FALSE;
    }

  report_progress (self, "upload", sn_backup_get_size (backup), sn_backup_get_size (backup), up.started);
  return TRUE;
}

/* pg_restore --list and a full read of the staged copy, inside the db
 * container (pg_restore 16 for a dump of PostgreSQL 16). */
static gboolean
check_archive (SnBackupService  *self,
               const char       *name,
               JsonObject       *manifest,
               GCancellable     *cancellable,
               GError          **error)
{
  static const char * const list_argv[] = { "pg_restore", "--list", NULL };
  static const char * const read_argv[] = { "pg_restore", "-f", "/dev/null", NULL };
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *list_words = sn_host_command_db_words (list_argv);
  g_autofree char *read_words = sn_host_command_db_words (read_argv);
  g_autofree char *staged = stage_path (name);
  g_autofree char *list_command = g_strdup_printf ("%s%s < %s", prologue, list_words, staged);
  g_autofree char *read_command = g_strdup_printf ("%s%s < %s", prologue, read_words, staged);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *list = NULL;
  g_autofree char *all = NULL;
  g_autoptr(JsonArray) tables = json_array_new ();
  g_auto(GStrv) lines = NULL;
  gint64 entries = 0;

  if (!(list = host_run (self, "backup.pg_restore-list", list_command, cancellable, &local_error)))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("pg_restore cannot read the table of contents of %s: %s"), name, local_error->message);
      return FALSE;
    }

  lines = g_strsplit (list, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *data;

      if (*line == '\0' || *line == ';')
        continue;
      entries++;
      if ((data = strstr (line, " TABLE DATA public ")) != NULL)
        {
          g_auto(GStrv) words = g_strsplit (data + strlen (" TABLE DATA public "), " ", 2);

          json_array_add_string_element (tables, words[0]);
        }
    }

  if (entries == 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s has an empty table of contents: it is not a dump of the database."), name);
      return FALSE;
    }

  if (!(all = host_run (self, "backup.pg_restore-read", read_command, cancellable, &local_error)))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s is damaged: pg_restore cannot read all of its data (%s)."), name,
                   local_error->message);
      return FALSE;
    }

  if (manifest != NULL)
    {
      json_object_set_int_member (manifest, "toc_entries", entries);
      json_object_set_array_member (manifest, "table_data", json_array_ref (tables));
    }

  return TRUE;
}

/* Verify --------------------------------------------------------------------- */

typedef struct
{
  SnBackup      *backup;
  SnBackupState  state;
  char          *message;
} StateChange;

static gboolean
apply_state (gpointer data)
{
  StateChange *change = data;

  _sn_backup_set_state (change->backup, change->state, change->message);
  return G_SOURCE_REMOVE;
}

static void
state_change_free (gpointer data)
{
  StateChange *change = data;

  g_object_unref (change->backup);
  g_free (change->message);
  g_free (change);
}

static void
set_state_later (SnBackupService *self,
                 SnBackup        *backup,
                 SnBackupState    state,
                 const char      *message)
{
  StateChange *change = g_new0 (StateChange, 1);

  change->backup = g_object_ref (backup);
  change->state = state;
  change->message = g_strdup (message);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, apply_state, change, state_change_free);
}

static gboolean
verify_checks (SnBackupService  *self,
               SnBackup         *backup,
               JsonObject       *manifest,
               GCancellable     *cancellable,
               GError          **error)
{
  const char *path = sn_backup_get_path (backup);
  const char *name = sn_backup_get_name (backup);
  g_autofree char *sha = NULL;
  const char *expected;
  gint64 expected_size;
  GStatBuf st;

  if (path == NULL || g_stat (path, &st) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                   _("The backup file %s is missing."), path != NULL ? path : name);
      return FALSE;
    }

  if ((guint64)st.st_size < MAX (self->min_size, 1))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s is too small to be a dump of the database (%llu"
                     " bytes, at least %llu expected)."),
                   name, (unsigned long long) st.st_size, (unsigned long long) MAX (self->min_size, 1));
      return FALSE;
    }

  if (manifest == NULL || (expected = json_object_get_string_member_with_default (manifest, "sha256", NULL)) == NULL)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s has no manifest: its checksum cannot be checked. Download it again "
                     "with its manifest, or make a new backup."), name);
      return FALSE;
    }

  expected_size = json_object_get_int_member_with_default (manifest, "size", -1);
  if (expected_size >= 0 && expected_size != (gint64)st.st_size)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s is %lld bytes but its manifest says %lld"
                     ": the file is truncated or was changed."),
                   name, (long long) st.st_size, (long long) expected_size);
      return FALSE;
    }

  if (!(sha = file_sha256 (path, cancellable, error)))
    return FALSE;

  if (g_ascii_strcasecmp (sha, expected) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("The checksum of %s does not match its manifest (sha256 %.12s…, expected "
                     "%.12s…): the file is damaged."), name, sha, expected);
      return FALSE;
    }

  if (!ensure_staged (self, backup, sha, cancellable, error))
    return FALSE;

  return check_archive (self, name, manifest, cancellable, error);
}

gboolean
sn_backup_service_verify_sync (SnBackupService  *self,
                               SnBackup         *backup,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path;
  gboolean ok;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), FALSE);
  g_return_val_if_fail (SN_IS_BACKUP (backup), FALSE);

  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_VERIFY), error))
    return FALSE;

  path = sn_backup_get_path (backup);
  if (path != NULL)
    {
      g_autofree char *manifest_path = manifest_path_for (path);

      manifest = load_manifest (manifest_path);
    }

  ok = verify_checks (self, backup, manifest, cancellable, &local_error);

  if (manifest != NULL && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
      !g_error_matches (local_error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM))
    {
      GStatBuf st;

      json_object_remove_member (manifest, "verified_at");
      json_object_remove_member (manifest, "verify_failed");
      if (ok && g_stat (path, &st) == 0)
        {
          g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
          g_autofree char *stamp = g_date_time_format_iso8601 (now);

          json_object_set_string_member (manifest, "verified_at", stamp);
          json_object_set_int_member (manifest, "verified_mtime", st.st_mtime);
        }
      else if (!ok)
        json_object_set_string_member (manifest, "verify_failed", local_error->message);
      save_manifest (path, manifest, NULL);
      _sn_backup_set_manifest (backup, manifest);
    }

  set_state_later (self, backup, ok ? SN_BACKUP_STATE_VERIFIED : SN_BACKUP_STATE_FAILED,
                   ok ? NULL : local_error->message);

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    reload_later (self);
  return ok;
}

/* Streaming a command's stdout into a new local file ------------------------- */

typedef struct
{
  char    *path;      /* final */
  char    *temp;
  char    *sha256;
  guint64  size;
} Received;

static void
received_clear (Received *received)
{
  if (received->temp != NULL)
    g_unlink (received->temp);
  g_clear_pointer (&received->path, g_free);
  g_clear_pointer (&received->temp, g_free);
  g_clear_pointer (&received->sha256, g_free);
}

/* Streams @command's stdout into a temp file beside @final_path, with sha256
 * and progress, then fsyncs it. The caller renames it (commit_received) or
 * calls received_clear(), which removes it. */
static gboolean
receive (SnBackupService  *self,
         const char       *operation,
         const char       *command,
         const char       *final_path,
         guint64           total,
         Received         *received,
         GCancellable     *cancellable,
         GError          **error)
{
  g_autofree char *base = g_path_get_basename (final_path);
  g_autofree char *template = NULL;
  g_autoptr(SnBackupSink) sink = NULL;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  int fd;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_FAILED,
                   _("Cannot create the backups folder %s: %s"), self->directory, g_strerror (saved));
      return FALSE;
    }

  template = g_strdup_printf ("%s/.%s.XXXXXX.part", self->directory, base);
  if ((fd = g_mkstemp_full (template, O_WRONLY | O_CLOEXEC, 0600)) < 0)
    {
      int saved = errno;

      g_set_error (error, SN_BACKUP_ERROR, saved == ENOSPC ? SN_BACKUP_ERROR_NO_SPACE : SN_BACKUP_ERROR_FAILED,
                   _("Cannot create a file in %s: %s"), self->directory, g_strerror (saved));
      return FALSE;
    }

  received->path = g_strdup (final_path);
  received->temp = g_strdup (template);

  sink = sn_backup_sink_new (self, operation, fd, total);
  result = host_exec (self, operation, command, G_OUTPUT_STREAM (sink), STREAM_TIMEOUT_MS,
                      cancellable, &local_error);

  if (result != NULL && !sn_ssh_exec_result_get_success (result))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (result);
      g_autofree char *tail = last_lines (err != NULL ? err : "", 4);

      g_set_error (&local_error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST,
                   _("The command on the host failed (exit status %d): %s"),
                   sn_ssh_exec_result_get_exit_status (result), *tail != '\0' ? tail : _("no message"));
    }

  if (local_error == NULL && fsync (fd) != 0)
    {
      int saved = errno;

      g_set_error (&local_error, SN_BACKUP_ERROR,
                   saved == ENOSPC ? SN_BACKUP_ERROR_NO_SPACE : SN_BACKUP_ERROR_FAILED,
                   _("Cannot write %s: %s"), template, g_strerror (saved));
    }

  if (close (fd) != 0 && local_error == NULL)
    {
      int saved = errno;

      g_set_error (&local_error, SN_BACKUP_ERROR,
                   saved == ENOSPC ? SN_BACKUP_ERROR_NO_SPACE : SN_BACKUP_ERROR_FAILED,
                   _("Cannot write %s: %s"), template, g_strerror (saved));
    }

  if (local_error != NULL)
    {
      g_unlink (received->temp);
      g_clear_pointer (&received->temp, g_free);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  received->sha256 = g_strdup (g_checksum_get_string (sink->sha256));
  received->size = sink->bytes;
  report_progress (self, operation, sink->bytes, sink->bytes, sink->started_us);
  return TRUE;
}

static gboolean
commit_received (Received  *received,
                 GError   **error)
{
  g_autofree char *directory = g_path_get_dirname (received->path);

  if (g_rename (received->temp, received->path) != 0)
    {
      int saved = errno;

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_FAILED,
                   _("Cannot rename %s to %s: %s"), received->temp, received->path, g_strerror (saved));
      return FALSE;
    }
  g_clear_pointer (&received->temp, g_free);
  fsync_directory (directory);
  return TRUE;
}

/* Create ---------------------------------------------------------------------- */

static guint64
estimate_dump_size (SnBackupService *self,
                    gint64           database_size)
{
  g_autoptr(GPtrArray) backups = scan_local (self, NULL);

  /* The last dump's compression ratio, else the database size (an upper bound). */
  for (guint i = 0; backups != NULL && i < backups->len; i++)
    {
      JsonObject *manifest = sn_backup_get_manifest (g_ptr_array_index (backups, i));
      gint64 size, db;

      if (manifest == NULL)
        continue;
      size = json_object_get_int_member_with_default (manifest, "size", 0);
      db = json_object_get_int_member_with_default (manifest, "database_size", 0);
      if (size > 0 && db > 0)
        return (guint64)((double)database_size * size / db);
    }

  return database_size > 0 ? (guint64)database_size : 0;
}

static char *
new_backup_name (SnBackupService *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  for (guint i = 0; i < 60; i++)
    {
      g_autoptr(GDateTime) t = g_date_time_add_seconds (now, i);
      g_autofree char *stamp = g_date_time_format (t, "%Y%m%d_%H%M%S");
      g_autofree char *name = g_strdup_printf ("sweet_narcisse_%s.dump", stamp);
      g_autofree char *path = g_build_filename (self->directory, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }

  return g_strdup_printf ("sweet_narcisse_%" G_GINT64_FORMAT ".dump", g_get_real_time ());
}

static JsonObject *
new_manifest (SnBackupService *self,
              const char      *name,
              const char      *label)
{
  JsonObject *manifest = json_object_new ();
  g_autoptr(GDateTime) time = _sn_backup_parse_name_time (name);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format_iso8601 (time != NULL ? time : now);

  json_object_set_int_member (manifest, "format", 1);
  json_object_set_string_member (manifest, "name", name);
  json_object_set_string_member (manifest, "label", label != NULL ? label : "manual");
  json_object_set_string_member (manifest, "created", stamp);
  json_object_set_string_member (manifest, "profile", sn_profile_get_name (self->profile));
  json_object_set_string_member (manifest, "database", sn_profile_get_db_name (self->profile));
  json_object_set_string_member (manifest, "db_user", sn_profile_get_db_user (self->profile));
  json_object_set_string_member (manifest, "dump_format", "custom");
  return manifest;
}

static void
set_tables (JsonObject *manifest,
            GHashTable *counts)
{
  JsonObject *tables = json_object_new ();
  g_autoptr(GList) keys = g_hash_table_get_keys (counts);

  keys = g_list_sort (keys, (GCompareFunc)g_strcmp0);
  for (const GList *l = keys; l != NULL; l = l->next)
    json_object_set_int_member (tables, l->data, *(gint64 *)g_hash_table_lookup (counts, l->data));
  json_object_set_object_member (manifest, "tables", tables);
}

/* Removes what earlier broken transfers left on the host (shell words); what
 * cannot be removed now (no connection) stays listed for the next time. */
static void
remove_stale_host_files (SnBackupService *self,
                         GCancellable    *cancellable)
{
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *files = NULL;
  g_autofree char *command = NULL;
  g_autofree char *output = NULL;

  g_mutex_lock (&self->stale_lock);
  if (self->stale->len > 0)
    {
      g_ptr_array_add (self->stale, NULL);
      files = g_strjoinv (" ", (char **)self->stale->pdata);
      g_ptr_array_remove_index (self->stale, self->stale->len - 1);
    }
  g_mutex_unlock (&self->stale_lock);
  if (files == NULL)
    return;

  command = g_strdup_printf ("%srm -f %s", prologue, files);
  if ((output = host_run (self, "backup.cleanup", command, cancellable, NULL)) == NULL)
    return;
  g_mutex_lock (&self->stale_lock);
  g_ptr_array_set_size (self->stale, 0);
  g_mutex_unlock (&self->stale_lock);
}

static void
add_stale_host_file (SnBackupService *self,
                     const char      *word)
{
  g_mutex_lock (&self->stale_lock);
  g_ptr_array_add (self->stale, g_strdup (word));
  g_mutex_unlock (&self->stale_lock);
}

SnBackup *
sn_backup_service_create_sync (SnBackupService      *self,
                               const char           *label,
                               SnBackupCreateFlags   flags,
                               GCancellable         *cancellable,
                               GError              **error)
{
  g_autofree char *name = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *info = NULL;
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *command = NULL;
  g_autofree char *part_name = NULL;
  g_autofree char *part = NULL;
  g_autofree char *rc = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *there = NULL;
  g_autofree char *keep = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(SnBackup) backup = NULL;
  g_auto(GStrv) fields = NULL;
  Received received = { NULL };
  gint64 database_size = 0;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_CREATE), error))
    return NULL;

  remove_stale_host_files (self, cancellable);
  name = new_backup_name (self);
  final_path = g_build_filename (self->directory, name, NULL);
  manifest = new_manifest (self, name, label);

  if (!(info = db_query (self, NULL, TRUE,
                         "SELECT pg_database_size(current_database()), current_setting('server_version')",
                         cancellable, error)))
    return NULL;
  fields = g_strsplit (g_strstrip (info), "|", 2);
  if (g_strv_length (fields) == 2)
    {
      database_size = g_ascii_strtoll (fields[0], NULL, 10);
      json_object_set_int_member (manifest, "database_size", database_size);
      json_object_set_string_member (manifest, "server_version", fields[1]);
    }

  /* The host keeps what it sent (tee) so that verification, upload and
   * restore read the very same bytes without sending them back up. */
  part_name = g_strconcat (name, ".part", NULL);
  part = stage_path (part_name);
  rc = _sn_backup_dump_rc_path (name);
  staged = stage_path (name);
  command = sn_backup_service_dup_dump_command (self->profile, name);

  if (!receive (self, "create", command, final_path, estimate_dump_size (self, database_size),
                &received, cancellable, error))
    goto failed_host;

  if (received.size < MAX (self->min_size, 1))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("pg_dump sent only %llu bytes: that is not a plausible dump."),
                   (unsigned long long) received.size);
      goto failed;
    }

  /* Both copies must be the same bytes. */
  g_free (command);
  command = g_strdup_printf ("%srm -f %s && mv %s %s && sha256sum %s | cut -c1-64",
                             prologue, rc, part, staged, staged);
  if (!(there = host_run (self, "backup.stage", command, cancellable, error)))
    goto failed;
  g_strstrip (there);
  if (g_strcmp0 (there, received.sha256) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM,
                   _("The dump received (sha256 %.12s…) differs from the host's copy (%.12s…): "
                     "the transfer was damaged."), received.sha256, there);
      goto failed;
    }

  json_object_set_int_member (manifest, "size", received.size);
  json_object_set_string_member (manifest, "sha256", received.sha256);

  if (!check_archive (self, name, manifest, cancellable, error))
    goto failed;

  /* Counted right after the dump, read-only: a table written meanwhile may differ by a few rows. */
  if (!(counts = sn_backup_service_count_rows_sync (self, NULL, cancellable, error)))
    goto failed;
  set_tables (manifest, counts);

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format_iso8601 (now);

    json_object_set_string_member (manifest, "verified_at", stamp);
  }

  /* The manifest first: a dump without one is never listed as good. */
  if (!commit_received (&received, error))
    goto failed;
  {
    GStatBuf st;

    if (g_stat (final_path, &st) == 0)
      json_object_set_int_member (manifest, "verified_mtime", st.st_mtime);
  }
  if (!save_manifest (final_path, manifest, error))
    {
      g_unlink (final_path);
      goto failed;
    }

  /* Keep the newest few staged copies on the host. */
  keep = _sn_backup_dup_prune_command (self->profile, STAGE_KEEP);
  g_free (host_run (self, "backup.stage-prune", keep, cancellable, NULL));

  backup = load_local_backup (final_path);
  received_clear (&received);
  reload_later (self);

  if ((flags & SN_BACKUP_CREATE_UPLOAD) != 0 &&
      !sn_backup_service_upload_sync (self, backup, cancellable, error))
    return NULL;

  return g_steal_pointer (&backup);

failed:
failed_host:
  /* The host normally removes its copy itself when the stream breaks; when
   * it is still there and cannot be removed now, the next dump removes it. */
  {
    g_autofree char *cleanup = g_strdup_printf ("%srm -f %s %s", prologue, part, rc);
    g_autofree char *cleaned = host_run (self, "backup.cleanup", cleanup, NULL, NULL);

    if (cleaned == NULL)
      {
        add_stale_host_file (self, part);
        add_stale_host_file (self, rc);
      }
  }
  received_clear (&received);
  return NULL;
}

/* Upload, list, download ------------------------------------------------------ */

static gboolean
put_host_file (SnBackupService  *self,
               const char       *name,
               const char       *contents,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *path = stage_path (name);
  g_autofree char *b64 = g_base64_encode ((const guchar *)contents, strlen (contents));
  g_autofree char *command = g_strdup_printf ("%sumask 077 && mkdir -p $D && printf %%s '%s' | base64 -d > %s",
                                              prologue, b64, path);
  g_autofree char *output = host_run (self, "backup.manifest-to-host", command, cancellable, error);

  return output != NULL;
}

gboolean
sn_backup_service_upload_sync (SnBackupService  *self,
                               SnBackup         *backup,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest_name = NULL;
  g_autofree char *manifest_text = NULL;
  g_autofree char *command = NULL;
  g_autofree char *output = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  const char *name;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), FALSE);
  g_return_val_if_fail (SN_IS_BACKUP (backup), FALSE);

  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_UPLOAD), error))
    return FALSE;

  name = sn_backup_get_name (backup);
  manifest_path = manifest_path_for (sn_backup_get_path (backup));
  if (!(manifest = load_manifest (manifest_path)) ||
      !json_object_has_member (manifest, "sha256"))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s has no manifest: verify it before uploading."), name);
      return FALSE;
    }

  if (!ensure_staged (self, backup, json_object_get_string_member (manifest, "sha256"), cancellable, error))
    return FALSE;

  manifest_name = g_strconcat (name, MANIFEST_SUFFIX, NULL);
  if (!g_file_get_contents (manifest_path, &manifest_text, NULL, error) ||
      !put_host_file (self, manifest_name, manifest_text, cancellable, error))
    return FALSE;

  command = sn_backup_service_dup_upload_command (self, name);
  if (!(output = host_run (self, "backup.upload", command, cancellable, error)))
    return FALSE;

  {
    g_autofree char *where = g_strdup_printf ("%s/%s/%s%s", self->mc_alias, self->bucket, self->prefix, name);

    json_object_set_string_member (manifest, "uploaded", where);
    save_manifest (sn_backup_get_path (backup), manifest, NULL);
    _sn_backup_set_remote_path (backup, where);
  }

  return TRUE;
}

static guint64
parse_human_size (const char *text)
{
  static const struct { const char *unit; double factor; } units[] = {
    { "TiB", 1099511627776.0 }, { "GiB", 1073741824.0 }, { "MiB", 1048576.0 }, { "KiB", 1024.0 }, { "B", 1 },
  };
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (end != NULL && g_str_has_prefix (end, units[i].unit))
      return (guint64)(value * units[i].factor);
  return (guint64)value;
}

/* One line of `mc ls --json`: a file's key, exact size in bytes and upload
 * time; FALSE for folders, errors and anything else. */
static gboolean
parse_json_listing (const char  *line,
                    char       **name,
                    guint64     *size,
                    GDateTime  **modified)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *key;
  const char *time;

  if (line[0] != '{' || !json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;

  object = json_node_get_object (json_parser_get_root (parser));
  key = json_object_get_string_member_with_default (object, "key", NULL);
  time = json_object_get_string_member_with_default (object, "lastModified", NULL);
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "type", NULL), "file") != 0 ||
      key == NULL || strchr (key, '/') != NULL)
    return FALSE;

  *name = g_strdup (key);
  *size = (guint64) MAX (json_object_get_int_member_with_default (object, "size", 0), 0);
  *modified = time != NULL ? g_date_time_new_from_iso8601 (time, NULL) : NULL;
  return TRUE;
}

/* One line of plain `mc ls` (an mc without --json): the size is rounded. */
static gboolean
parse_text_listing (GRegex      *regex,
                    const char  *line,
                    char       **name,
                    guint64     *size,
                    GDateTime  **modified)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *day = NULL;
  g_autofree char *hour = NULL;
  g_autofree char *human = NULL;
  g_autofree char *iso = NULL;

  if (!g_regex_match (regex, line, 0, &match))
    return FALSE;
  day = g_match_info_fetch (match, 1);
  hour = g_match_info_fetch (match, 2);
  human = g_match_info_fetch (match, 3);
  *name = g_match_info_fetch (match, 4);
  *size = parse_human_size (human);
  iso = g_strdup_printf ("%sT%sZ", day, hour);
  *modified = g_date_time_new_from_iso8601 (iso, NULL);
  return TRUE;
}

GPtrArray *
sn_backup_service_list_remote_sync (SnBackupService  *self,
                                    GCancellable     *cancellable,
                                    GError          **error)
{
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *target = mc_remote (self, NULL);
  g_autofree char *command = g_strdup_printf ("%smc ls --json %s", prologue, target);
  g_autofree char *output = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) manifests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!(output = host_run (self, "backup.list-remote", command, cancellable, error)))
    return NULL;

  regex = g_regex_new ("^\\[(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}) UTC\\]\\s+(\\S+)\\s+(?:STANDARD\\s+)?(\\S.*)$",
                       0, 0, NULL);
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GDateTime) modified = NULL;
      guint64 size = 0;

      if (!parse_json_listing (lines[i], &name, &size, &modified) &&
          !parse_text_listing (regex, lines[i], &name, &size, &modified))
        continue;

      if (g_str_has_suffix (name, MANIFEST_SUFFIX))
        {
          g_hash_table_add (manifests, g_strndup (name, strlen (name) - strlen (MANIFEST_SUFFIX)));
        }
      else if (g_str_has_suffix (name, ".dump") || g_str_has_suffix (name, ".dump.gpg"))
        {
          SnBackup *backup = _sn_backup_new (SN_BACKUP_LOCATION_REMOTE, name);
          g_autofree char *remote = g_strdup_printf ("%s/%s/%s%s", self->mc_alias, self->bucket,
                                                     self->prefix, name);

          /* The backup's own time is in its name; the upload time only
           * stands in for a name without one. */
          if (sn_backup_get_created (backup) == NULL)
            _sn_backup_set_created (backup, modified);
          _sn_backup_set_size (backup, size);
          _sn_backup_set_remote_path (backup, remote);
          g_ptr_array_add (backups, backup);
        }
    }

  for (guint i = 0; i < backups->len; i++)
    {
      SnBackup *backup = g_ptr_array_index (backups, i);

      _sn_backup_set_has_manifest (backup, g_hash_table_contains (manifests, sn_backup_get_name (backup)));
    }

  g_ptr_array_sort (backups, compare_newest_first);
  return g_steal_pointer (&backups);
}

SnBackup *
sn_backup_service_download_sync (SnBackupService  *self,
                                 const char       *name,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_autofree char *prologue = host_prologue (self);
  g_autofree char *remote = NULL;
  g_autofree char *remote_manifest = NULL;
  g_autofree char *manifest_name = NULL;
  g_autofree char *part_name = NULL;
  g_autofree char *part = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *command = NULL;
  g_autofree char *there = NULL;
  g_autofree char *manifest_text = NULL;
  g_autofree char *final_path = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) local_error = NULL;
  Received received = { NULL };

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_DOWNLOAD), error))
    return NULL;

  if (strchr (name, '/') != NULL || name[0] == '.' ||
      !g_regex_match_simple ("^[A-Za-z0-9_.-]+$", name, 0, 0))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                   _("“%s” is not the name of a backup in %s/%s."), name, self->bucket, self->prefix);
      return NULL;
    }

  remote = mc_remote (self, name);
  manifest_name = g_strconcat (name, MANIFEST_SUFFIX, NULL);
  remote_manifest = mc_remote (self, manifest_name);
  part_name = g_strconcat (name, ".dl", NULL);
  part = stage_path (part_name);
  staged = stage_path (name);
  final_path = g_build_filename (self->directory, name, NULL);

  command = g_strdup_printf ("%sumask 077 && mkdir -p $D && chmod 700 $D && mc cp %s %s >/dev/null && "
                             "mv %s %s && sha256sum %s | cut -c1-64",
                             prologue, remote, part, part, staged, staged);
  if (!(there = host_run (self, "backup.download-to-host", command, cancellable, &local_error)))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                   _("Cannot fetch %s from the bucket: %s"), name, local_error->message);
      return NULL;
    }
  g_strstrip (there);

  g_free (command);
  command = g_strdup_printf ("%smc cat %s 2>/dev/null || true", prologue, remote_manifest);
  if (!(manifest_text = host_run (self, "backup.download-manifest", command, cancellable, error)))
    return NULL;

  if (*g_strstrip (manifest_text) != '\0')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, manifest_text, -1, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        manifest = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }

  if (manifest != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (manifest, "sha256", NULL), there) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("The remote object %s does not match its manifest (sha256 %.12s…, manifest "
                     "%.12s…): it is damaged."), name, there,
                   json_object_get_string_member_with_default (manifest, "sha256", "?"));
      return NULL;
    }

  g_free (command);
  command = g_strdup_printf ("%scat %s", prologue, staged);
  if (!receive (self, "download", command, final_path,
                manifest != NULL ? json_object_get_int_member_with_default (manifest, "size", 0) : 0,
                &received, cancellable, error))
    return NULL;

  if (g_strcmp0 (received.sha256, there) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM,
                   _("The download of %s was damaged (sha256 %.12s…, the host has %.12s…)."),
                   name, received.sha256, there);
      received_clear (&received);
      return NULL;
    }

  if (manifest == NULL)
    {
      /* A backup made by scripts/backup-db.sh: no manifest, no row counts. */
      manifest = new_manifest (self, name, "downloaded");
      json_object_set_int_member (manifest, "size", received.size);
      json_object_set_string_member (manifest, "sha256", received.sha256);
      json_object_set_string_member (manifest, "origin",
                                     "remote object without a manifest: checksum taken at download");
    }
  {
    g_autofree char *where = g_strdup_printf ("%s/%s/%s%s", self->mc_alias, self->bucket, self->prefix, name);

    json_object_set_string_member (manifest, "uploaded", where);
  }
  json_object_remove_member (manifest, "verified_at");

  if (!check_archive (self, name, manifest, cancellable, error))
    {
      received_clear (&received);
      return NULL;
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format_iso8601 (now);

    json_object_set_string_member (manifest, "verified_at", stamp);
  }

  if (!commit_received (&received, error))
    {
      received_clear (&received);
      return NULL;
    }
  {
    GStatBuf st;

    if (g_stat (final_path, &st) == 0)
      json_object_set_int_member (manifest, "verified_mtime", st.st_mtime);
  }
  if (!save_manifest (final_path, manifest, error))
    {
      g_unlink (final_path);
      received_clear (&received);
      return NULL;
    }

  received_clear (&received);
  backup = load_local_backup (final_path);
  reload_later (self);
  return g_steal_pointer (&backup);
}

SnBackup *
sn_backup_service_find_sync (SnBackupService  *self,
                             const char       *path_or_name,
                             GCancellable     *cancellable,
                             GError          **error)
{
  g_autofree char *local = NULL;
  SnBackup *backup;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  g_return_val_if_fail (path_or_name != NULL, NULL);

  if (strchr (path_or_name, '/') != NULL)
    {
      if (!(backup = load_local_backup (path_or_name)))
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                     _("There is no backup file %s."), path_or_name);
      return backup;
    }

  local = g_build_filename (self->directory, path_or_name, NULL);
  if ((backup = load_local_backup (local)) != NULL)
    return backup;

  return sn_backup_service_download_sync (self, path_or_name, cancellable, error);
}

/* Restore and compare --------------------------------------------------------- */

static gboolean
pg_restore_into (SnBackupService  *self,
                 SnBackup         *backup,
                 const char       *database,
                 gboolean          clean,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_autofree char *command = NULL;
  g_autofree char *output = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *sha = sn_backup_get_sha256 (backup);

  if (sha == NULL)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s has no manifest: verify it first."), sn_backup_get_name (backup));
      return FALSE;
    }

  if (!ensure_staged (self, backup, sha, cancellable, error))
    return FALSE;

  command = sn_backup_service_dup_restore_command (self->profile, sn_backup_get_name (backup),
                                                   database, clean);
  if (!(output = host_run (self, "backup.pg_restore", command, cancellable, &local_error)))
    {
      /* One transaction: a restore cut short changed nothing. */
      if (g_error_matches (local_error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST))
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST,
                     _("The restore of %s into %s failed and was rolled back: the database is as it "
                       "was. %s"), sn_backup_get_name (backup),
                     database != NULL ? database : sn_profile_get_db_name (self->profile),
                     local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

gboolean
sn_backup_service_restore_sync (SnBackupService  *self,
                                SnBackup         *backup,
                                const char       *database,
                                GCancellable     *cancellable,
                                GError          **error)
{
  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), FALSE);
  g_return_val_if_fail (SN_IS_BACKUP (backup), FALSE);

  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_RESTORE), error))
    return FALSE;

  return pg_restore_into (self, backup,
                          database != NULL ? database : sn_profile_get_db_name (self->profile),
                          TRUE, cancellable, error);
}

gboolean
sn_backup_service_compare_sync (SnBackupService  *self,
                                SnBackup         *backup,
                                const char       *database,
                                char            **report,
                                GCancellable     *cancellable,
                                GError          **error)
{
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) differ = g_string_new (NULL);
  g_auto(GStrv) tables = NULL;
  guint n_tables;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), FALSE);
  g_return_val_if_fail (SN_IS_BACKUP (backup), FALSE);

  if (!(counts = sn_backup_service_count_rows_sync (self, database, cancellable, error)))
    return FALSE;

  tables = sn_backup_dup_table_names (backup);
  n_tables = g_strv_length (tables);

  if (n_tables == 0)
    {
      /* No counts in the manifest (a backup made by the cron script): the tables of its TOC. */
      JsonObject *manifest = sn_backup_get_manifest (backup);
      JsonArray *data = manifest != NULL && json_object_has_member (manifest, "table_data")
                        ? json_object_get_array_member (manifest, "table_data") : NULL;

      for (guint i = 0; data != NULL && i < json_array_get_length (data); i++)
        {
          const char *table = json_array_get_string_element (data, i);

          if (!g_hash_table_contains (counts, table))
            g_string_append_printf (differ, _("%s: missing\n"), table);
          else
            g_string_append_printf (text, "| %s | ? | %" G_GINT64_FORMAT " |\n", table,
                                    *(gint64 *)g_hash_table_lookup (counts, table));
        }
    }

  for (guint i = 0; i < n_tables; i++)
    {
      gint64 expected = sn_backup_get_table_rows (backup, tables[i]);
      gint64 *found = g_hash_table_lookup (counts, tables[i]);

      g_string_append_printf (text, "| %s | %" G_GINT64_FORMAT " | %s%" G_GINT64_FORMAT " |\n",
                              tables[i], expected, found == NULL ? "missing " : "",
                              found != NULL ? *found : (gint64)0);
      if (found == NULL)
        g_string_append_printf (differ, _("%s: missing (%lld rows expected)\n"),
                                tables[i], (long long) expected);
      else if (*found != expected)
        g_string_append_printf (differ, _("%s: %lld rows, the manifest says %lld\n"),
                                tables[i], (long long) *found, (long long) expected);
    }

  if (report != NULL)
    *report = g_strdup_printf ("| Table | Backup | Database |\n|---|---:|---:|\n%s", text->str);

  if (differ->len > 0)
    {
      g_strchomp (differ->str);
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_MISMATCH,
                   _("The data differs from the backup %s:\n%s"), sn_backup_get_name (backup), differ->str);
      return FALSE;
    }

  return TRUE;
}

/* Restore test ---------------------------------------------------------------- */

char *
sn_backup_service_dup_restore_tests_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "narcisse-admin", "restore-tests.json", NULL);
}

G_LOCK_DEFINE_STATIC (restore_tests);

static void
record_restore_test (const char          *profile_name,
                     SnRestoreTestResult *result)
{
  g_autofree char *path = sn_backup_service_dup_restore_tests_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *profiles;

  G_LOCK (restore_tests);

  if (json_parser_load_from_file (parser, path, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  else
    root = json_object_new ();

  if (!json_object_has_member (root, "profiles") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "profiles")))
    json_object_set_object_member (root, "profiles", json_object_new ());
  profiles = json_object_get_object_member (root, "profiles");
  json_object_set_member (profiles, profile_name, sn_restore_test_result_to_json (result));

  g_mkdir_with_parents (directory, 0700);
  node = json_node_init_object (json_node_alloc (), root);
  if (!write_json_atomically (path, node, &error))
    g_warning ("Cannot record the restore test in %s: %s", path, error->message);

  G_UNLOCK (restore_tests);
}

SnRestoreTestResult *
sn_backup_service_get_last_restore_test (const char *profile_name)
{
  g_autofree char *path = sn_backup_service_dup_restore_tests_path ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonObject *profiles;
  JsonNode *entry;

  g_return_val_if_fail (profile_name != NULL, NULL);

  if (!json_parser_load_from_file (parser, path, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "profiles") ||
      !(profiles = json_object_get_object_member (root, "profiles")) ||
      !(entry = json_object_get_member (profiles, profile_name)) ||
      !JSON_NODE_HOLDS_OBJECT (entry))
    return NULL;

  return _sn_restore_test_result_new_from_json (json_node_get_object (entry));
}

static gboolean
run_reports (SnBackupService  *self,
             const char       *database,
             GString          *md,
             GCancellable     *cancellable,
             GError          **error)
{
  const char * const *ids = sn_reports_get_ids ();
  g_autoptr(GString) failed = g_string_new (NULL);

  g_string_append (md, "\n## The five reports on the restored data\n\n| Report | Rows | Result |\n|---|---:|---|\n");
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autofree char *sql = sn_reports_dup_sql_for_days (ids[i], NULL, NULL);
      g_autoptr(GError) local_error = NULL;
      g_autofree char *output = db_query (self, database, TRUE, sql, cancellable, &local_error);
      guint rows = 0;

      if (output != NULL)
        {
          g_auto(GStrv) lines = g_strsplit (g_strstrip (output), "\n", -1);

          rows = *output != '\0' ? g_strv_length (lines) : 0;
          g_string_append_printf (md, "| %s | %u | ok |\n", sn_reports_get_title (ids[i]), rows);
        }
      else
        {
          g_string_append_printf (md, "| %s | – | **failed**: %s |\n", sn_reports_get_title (ids[i]),
                                  local_error->message);
          g_string_append_printf (failed, "%s%s", failed->len > 0 ? ", " : "", ids[i]);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }
    }

  if (failed->len > 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_MISMATCH,
                   _("Reports failed on the restored data: %s"), failed->str);
      return FALSE;
    }

  return TRUE;
}

static SnBackup *
pick_latest (SnBackupService  *self,
             char            **origin,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autoptr(GPtrArray) remote = NULL;
  g_autoptr(GPtrArray) local = NULL;
  g_autoptr(GError) remote_error = NULL;

  if ((remote = sn_backup_service_list_remote_sync (self, cancellable, &remote_error)) != NULL &&
      remote->len > 0)
    {
      SnBackup *newest = g_ptr_array_index (remote, 0);

      *origin = g_strdup_printf (_("newest remote backup (%s)"), sn_backup_get_remote_path (newest));
      return sn_backup_service_find_sync (self, sn_backup_get_name (newest), cancellable, error);
    }

  if (g_error_matches (remote_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&remote_error));
      return NULL;
    }

  if ((local = scan_local (self, error)) == NULL)
    return NULL;
  if (local->len == 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                   _("No backup to test: the bucket %s/%s is empty%s%s and there is no local backup."),
                   self->bucket, self->prefix, remote_error != NULL ? ": " : "",
                   remote_error != NULL ? remote_error->message : "");
      return NULL;
    }

  *origin = g_strdup (_("newest local backup (the bucket has none)"));
  return g_object_ref (g_ptr_array_index (local, 0));
}

SnRestoreTestResult *
sn_backup_service_restore_test_sync (SnBackupService  *self,
                                     const char       *source,
                                     GCancellable     *cancellable,
                                     GError          **error)
{
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GString) md = g_string_new (NULL);
  g_autoptr(GString) problems = g_string_new (NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autofree char *origin = NULL;
  g_autofree char *temp_db = NULL;
  g_autofree char *create_sql = NULL;
  g_autofree char *drop_sql = NULL;
  g_autofree char *output = NULL;
  g_autofree char *comparison = NULL;
  g_autofree char *report_dir = NULL;
  g_autofree char *report_path = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *still = NULL;
  gboolean created = FALSE;
  gboolean passed = FALSE;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_RESTORE_TEST), error))
    return NULL;

  stamp = g_date_time_format_iso8601 (now);
  g_string_append_printf (md, "# Restore test — %s\n\n- Date: %s\n- Database: %s\n",
                          sn_profile_get_name (self->profile), stamp,
                          sn_profile_get_db_name (self->profile));

  /* 1. The backup, verified. */
  if (source != NULL)
    {
      origin = g_strdup (source);
      backup = sn_backup_service_find_sync (self, source, cancellable, &local_error);
    }
  else
    backup = pick_latest (self, &origin, cancellable, &local_error);

  if (backup == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_string_append_printf (problems, "%s\n", local_error->message);
      g_clear_error (&local_error);
      goto done;
    }

  g_string_append_printf (md, "- Backup: %s — %s, %" G_GUINT64_FORMAT " bytes, sha256 %s\n",
                          sn_backup_get_name (backup), origin, sn_backup_get_size (backup),
                          sn_backup_get_sha256 (backup) != NULL ? sn_backup_get_sha256 (backup) : "?");

  if (!sn_backup_service_verify_sync (self, backup, cancellable, &local_error))
    {
      g_string_append_printf (problems, "%s\n", local_error->message);
      g_clear_error (&local_error);
      goto done;
    }
  g_string_append (md, "- Verification: size plausible, checksum matches the manifest, "
                       "pg_restore read its table of contents and every data block\n");

  /* 2. A temporary database, always dropped. */
  temp_db = g_strdup_printf ("sn_restore_test_%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);
  g_string_append_printf (md, "- Temporary database: %s\n", temp_db);
  create_sql = _sn_backup_restore_test_create_sql (temp_db);
  if (!(output = db_query (self, NULL, FALSE, create_sql, cancellable, &local_error)))
    {
      g_string_append_printf (problems, "%s\n", local_error->message);
      g_clear_error (&local_error);
      goto done;
    }
  created = TRUE;

  /* 3. Restore into it. */
  if (!pg_restore_into (self, backup, temp_db, FALSE, cancellable, &local_error))
    {
      g_string_append_printf (problems, _("The restore failed: %s\n"), local_error->message);
      g_clear_error (&local_error);
      goto done;
    }
  g_string_append (md, "- pg_restore --no-owner --no-acl --single-transaction: ok\n");

  /* 4. Row counts against the manifest. */
  if (!sn_backup_service_compare_sync (self, backup, temp_db, &comparison, cancellable, &local_error))
    {
      g_string_append_printf (problems, "%s\n", local_error->message);
      g_clear_error (&local_error);
    }
  g_string_append_printf (md, "\n## Row counts\n\n%s", comparison != NULL ? comparison : "");

  /* 5. The five reports as a smoke test. */
  if (!run_reports (self, temp_db, md, cancellable, &local_error))
    {
      g_string_append_printf (problems, "%s\n", local_error->message);
      g_clear_error (&local_error);
    }

  passed = problems->len == 0;

done:
  if (created)
    {
      g_autoptr(GError) drop_error = NULL;
      g_autofree char *dropped = NULL;

      /* Not cancellable: the drop must happen whatever stopped the test. */
      drop_sql = _sn_backup_restore_test_drop_sql (temp_db);
      if (!(dropped = db_query (self, NULL, FALSE, drop_sql, NULL, &drop_error)))
        {
          g_string_append_printf (problems, _("Could not drop %s: %s\n"), temp_db, drop_error->message);
          passed = FALSE;
        }
      else
        g_string_append_printf (md, "\n- %s dropped\n", temp_db);
    }

  if (g_cancellable_is_cancelled (cancellable))
    {
      g_string_append (problems, _("Cancelled.\n"));
      passed = FALSE;
    }

  if (passed)
    summary = g_strdup_printf (_("Restore test passed: %s restored into %s, every row count matches, the "
                                 "five reports ran."), sn_backup_get_name (backup), temp_db);
  else
    {
      g_strchomp (problems->str);
      summary = g_strdup_printf (_("Restore test FAILED: %s"), problems->str);
    }
  g_string_append_printf (md, "\n## Result\n\n%s\n", summary);

  report_dir = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "reports", NULL);
  still = g_date_time_format (now, "%Y%m%d-%H%M%S");
  report_path = g_strdup_printf ("%s/restore-test-%s-%s.md", report_dir, sn_profile_get_name (self->profile), still);
  g_mkdir_with_parents (report_dir, 0700);
  /* Business figures: owner-only, atomic and durable (M8). */
  if (!g_file_set_contents_full (report_path, md->str, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_warning ("Cannot write %s: %s", report_path, local_error->message);
      g_clear_pointer (&report_path, g_free);
    }

  result = _sn_restore_test_result_new (now, passed, backup != NULL ? sn_backup_get_name (backup) : NULL,
                                        temp_db, summary, report_path);
  record_restore_test (sn_profile_get_name (self->profile), result);
  sn_audit_log_append (self->audit, sn_profile_get_name (self->profile), "backup.restore-test",
                       summary, passed ? 0 : 1, 0, 0, NULL);

  return g_steal_pointer (&result);
}

/* The gate ----------------------------------------------------------------- */

void
sn_backup_service_setup_runner (SnBackupService *self,
                                SnRunner        *runner,
                                const char      *source)
{
  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (SN_IS_RUNNER (runner));

  g_object_set_data_full (G_OBJECT (runner), "sn-backup-service", g_object_ref (self), g_object_unref);
  g_object_set_data_full (G_OBJECT (runner), "sn-backup-source", g_strdup (source), g_free);
  sn_runner_set_service (runner, "backup", G_OBJECT (self));
  sn_runner_set_service (runner, "ssh", G_OBJECT (self->session));
  sn_runner_set_gate_func (runner, SN_GATE_BACKUP_VERIFIED, sn_backup_service_gate_func);
}

gboolean
sn_backup_service_gate_func (SnRunner      *runner,
                             SnProfile     *profile,
                             guint          max_age_minutes,
                             char         **evidence,
                             GCancellable  *cancellable,
                             GError       **error)
{
  SnBackupService *self = g_object_get_data (G_OBJECT (runner), "sn-backup-service");
  const char *source = g_object_get_data (G_OBJECT (runner), "sn-backup-source");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(SnBackup) safety = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self == NULL)
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("No backup service for this run: it cannot check the backup."));
      return FALSE;
    }

  if (source != NULL)
    {
      g_autoptr(SnBackup) restored = sn_backup_service_find_sync (self, source, cancellable, &local_error);

      if (restored == NULL || !sn_backup_service_verify_sync (self, restored, cancellable, &local_error))
        {
          g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                       _("The backup to restore is not usable, nothing was changed: %s"),
                       local_error->message);
          return FALSE;
        }
      g_string_append_printf (text, _("Backup to restore %s verified (sha256 %.16s…). "),
                              sn_backup_get_name (restored), sn_backup_get_sha256 (restored));
    }

  safety = sn_backup_service_find_recent (self, source != NULL ? "safety" : NULL, max_age_minutes);
  if (safety == NULL)
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("No %sbackup of the database %s made in the last %u minutes: make one first "
                     "(narcisse-ctl backup create%s). Nothing was changed."),
                   source != NULL ? _("safety ") : "", sn_profile_get_db_name (profile), max_age_minutes,
                   source != NULL ? " --label safety" : "");
      return FALSE;
    }

  if (!sn_backup_service_verify_sync (self, safety, cancellable, &local_error))
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("The %sbackup %s does not verify, nothing was changed: %s"),
                   source != NULL ? _("safety ") : "", sn_backup_get_name (safety), local_error->message);
      return FALSE;
    }

  {
    JsonObject *manifest = sn_backup_get_manifest (safety);

    g_string_append_printf (text, _("%s backup %s of %s: %llu bytes, %lld"
                                    " minutes old, sha256 %.16s… matches its manifest, pg_restore read its %lld"
                                    " TOC entries and every data block."),
                            source != NULL ? _("Safety") : _("Fresh"), sn_backup_get_name (safety),
                            sn_profile_get_db_name (profile), (unsigned long long) sn_backup_get_size (safety),
                            (long long) (sn_backup_get_age_seconds (safety) / 60), sn_backup_get_sha256 (safety),
                            (long long) json_object_get_int_member_with_default (manifest, "toc_entries", 0));
  }

  if (evidence != NULL)
    *evidence = g_string_free (g_steal_pointer (&text), FALSE);
  return TRUE;
}

/* Async forms ----------------------------------------------------------------- */

typedef struct
{
  char                *label;
  char                *name;
  SnBackup            *backup;
  SnBackupCreateFlags  flags;
} TaskData;

static void
task_data_free (gpointer data)
{
  TaskData *task_data = data;

  g_free (task_data->label);
  g_free (task_data->name);
  g_clear_object (&task_data->backup);
  g_free (task_data);
}

static GTask *
new_task (SnBackupService     *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          TaskData            *data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, task_data_free);
  return task;
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  SnBackup *backup = sn_backup_service_create_sync (source_object, data->label, data->flags, cancellable, &error);

  if (backup == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backup, g_object_unref);
}

void
sn_backup_service_create_async (SnBackupService     *self,
                                const char          *label,
                                SnBackupCreateFlags  flags,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));

  data->label = g_strdup (label);
  data->flags = flags;
  task = new_task (self, sn_backup_service_create_async, cancellable, callback, user_data, data);
  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_CREATE), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, create_thread);
}

SnBackup *
sn_backup_service_create_finish (SnBackupService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;

  if (sn_backup_service_verify_sync (source_object, data->backup, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sn_backup_service_verify_async (SnBackupService     *self,
                                SnBackup            *backup,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (SN_IS_BACKUP (backup));

  data->backup = g_object_ref (backup);
  task = new_task (self, sn_backup_service_verify_async, cancellable, callback, user_data, data);
  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_VERIFY), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, verify_thread);
}

gboolean
sn_backup_service_verify_finish (SnBackupService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
upload_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;

  if (sn_backup_service_upload_sync (source_object, data->backup, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sn_backup_service_upload_async (SnBackupService     *self,
                                SnBackup            *backup,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (SN_IS_BACKUP (backup));

  data->backup = g_object_ref (backup);
  task = new_task (self, sn_backup_service_upload_async, cancellable, callback, user_data, data);
  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_UPLOAD), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, upload_thread);
}

gboolean
sn_backup_service_upload_finish (SnBackupService  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
list_remote_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *backups = sn_backup_service_list_remote_sync (source_object, cancellable, &error);

  if (backups == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backups, (GDestroyNotify)g_ptr_array_unref);
}

void
sn_backup_service_list_remote_async (SnBackupService     *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));

  task = new_task (self, sn_backup_service_list_remote_async, cancellable, callback, user_data,
                   g_new0 (TaskData, 1));
  g_task_run_in_thread (task, list_remote_thread);
}

gboolean
sn_backup_service_list_remote_finish (SnBackupService  *self,
                                      GAsyncResult     *result,
                                      GError          **error)
{
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!(backups = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;

  g_list_store_splice (self->remote, 0, g_list_model_get_n_items (G_LIST_MODEL (self->remote)),
                       backups->pdata, backups->len);
  return TRUE;
}

static void
download_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  SnBackup *backup = sn_backup_service_download_sync (source_object, data->name, cancellable, &error);

  if (backup == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, backup, g_object_unref);
}

void
sn_backup_service_download_async (SnBackupService     *self,
                                  const char          *name,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));
  g_return_if_fail (name != NULL);

  data->name = g_strdup (name);
  task = new_task (self, sn_backup_service_download_async, cancellable, callback, user_data, data);
  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_DOWNLOAD), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, download_thread);
}

SnBackup *
sn_backup_service_download_finish (SnBackupService  *self,
                                   GAsyncResult     *result,
                                   GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
restore_test_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  SnRestoreTestResult *result = sn_backup_service_restore_test_sync (source_object, data->name,
                                                                     cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

void
sn_backup_service_restore_test_async (SnBackupService     *self,
                                      const char          *source,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  TaskData *data = g_new0 (TaskData, 1);
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (SN_IS_BACKUP_SERVICE (self));

  data->name = g_strdup (source);
  task = new_task (self, sn_backup_service_restore_test_async, cancellable, callback, user_data, data);
  if (!sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR, _(WHAT_RESTORE_TEST), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_run_in_thread (task, restore_test_thread);
}

SnRestoreTestResult *
sn_backup_service_restore_test_finish (SnBackupService  *self,
                                       GAsyncResult     *result,
                                       GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
