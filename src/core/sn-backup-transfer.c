/* sn-backup-transfer.c: the host's copy, verifying, uploading to and downloading from the bucket
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
#include "sn-backup-service-private.h"
#include "sn-host.h"
#include "sn-reports.h"

/* The host's copy ---------------------------------------------------------- */

static char *
host_sha256 (SnBackupService  *self,
             const char       *name,
             GCancellable     *cancellable,
             GError          **error)
{
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
  g_autofree char *staged = _sn_backup_stage_path (name);
  g_autofree char *command = g_strdup_printf ("%sif [ -f %s ]; then sha256sum %s | cut -c1-64; fi",
                                              prologue, staged, staged);
  g_autofree char *output = _sn_backup_host_run (self, "backup.sha256", command, cancellable, error);

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
  _sn_backup_report_progress (up->self, "upload", (guint64)g_seekable_tell (up->stream), up->total, up->started);
  return G_SOURCE_CONTINUE;
}

/* Sends @path up to the host's stage folder unless the same bytes are there:
 * the file streams into `cat` on the host (SnSshSession's stdin streaming),
 * which keeps it under a temporary name until its sha256 matches. */
gboolean
_sn_backup_ensure_staged (SnBackupService  *self,
               SnBackup         *backup,
               const char       *sha256,
               GCancellable     *cancellable,
               GError          **error)
{
  const char *name = sn_backup_get_name (backup);
  g_autofree char *there = NULL;
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
  g_autofree char *part_name = g_strconcat (name, ".up", NULL);
  g_autofree char *part = _sn_backup_stage_path (part_name);
  g_autofree char *staged = _sn_backup_stage_path (name);
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
      g_autofree char *tail = _sn_backup_last_lines (err != NULL ? err : "", 4);

      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST,
                   _("%s failed on the host (exit status %d): %s"), "backup.upload-to-host",
                   sn_ssh_exec_result_get_exit_status (result),
                   *tail != '\0' ? tail : _("no message"));
      return FALSE;
    }

  _sn_backup_report_progress (self, "upload", sn_backup_get_size (backup), sn_backup_get_size (backup), up.started);
  return TRUE;
}

/* pg_restore --list and a full read of the staged copy, inside the db
 * container (pg_restore 16 for a dump of PostgreSQL 16). */
gboolean
_sn_backup_check_archive (SnBackupService  *self,
               const char       *name,
               JsonObject       *manifest,
               GCancellable     *cancellable,
               GError          **error)
{
  static const char * const list_argv[] = { "pg_restore", "--list", NULL };
  static const char * const read_argv[] = { "pg_restore", "-f", "/dev/null", NULL };
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
  g_autofree char *list_words = sn_host_command_db_words (list_argv);
  g_autofree char *read_words = sn_host_command_db_words (read_argv);
  g_autofree char *staged = _sn_backup_stage_path (name);
  g_autofree char *list_command = g_strdup_printf ("%s%s < %s", prologue, list_words, staged);
  g_autofree char *read_command = g_strdup_printf ("%s%s < %s", prologue, read_words, staged);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *list = NULL;
  g_autofree char *all = NULL;
  g_autoptr(JsonArray) tables = json_array_new ();
  g_auto(GStrv) lines = NULL;
  gint64 entries = 0;

  if (!(list = _sn_backup_host_run (self, "backup.pg_restore-list", list_command, cancellable, &local_error)))
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

  if (!(all = _sn_backup_host_run (self, "backup.pg_restore-read", read_command, cancellable, &local_error)))
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

  if (!(sha = _sn_backup_file_sha256 (path, cancellable, error)))
    return FALSE;

  if (g_ascii_strcasecmp (sha, expected) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("The checksum of %s does not match its manifest (sha256 %.12s…, expected "
                     "%.12s…): the file is damaged."), name, sha, expected);
      return FALSE;
    }

  if (!_sn_backup_ensure_staged (self, backup, sha, cancellable, error))
    return FALSE;

  return _sn_backup_check_archive (self, name, manifest, cancellable, error);
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
      g_autofree char *manifest_path = _sn_backup_manifest_path_for (path);

      manifest = _sn_backup_load_manifest (manifest_path);
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
      _sn_backup_save_manifest (path, manifest, NULL);
      _sn_backup_set_manifest (backup, manifest);
    }

  set_state_later (self, backup, ok ? SN_BACKUP_STATE_VERIFIED : SN_BACKUP_STATE_FAILED,
                   ok ? NULL : local_error->message);

  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    _sn_backup_reload_later (self);
  return ok;
}

/* Upload, list, download ------------------------------------------------------ */

static gboolean
put_host_file (SnBackupService  *self,
               const char       *name,
               const char       *contents,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
  g_autofree char *path = _sn_backup_stage_path (name);
  g_autofree char *b64 = g_base64_encode ((const guchar *)contents, strlen (contents));
  g_autofree char *command = g_strdup_printf ("%sumask 077 && mkdir -p $D && printf %%s '%s' | base64 -d > %s",
                                              prologue, b64, path);
  g_autofree char *output = _sn_backup_host_run (self, "backup.manifest-to-host", command, cancellable, error);

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
  manifest_path = _sn_backup_manifest_path_for (sn_backup_get_path (backup));
  if (!(manifest = _sn_backup_load_manifest (manifest_path)) ||
      !json_object_has_member (manifest, "sha256"))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY,
                   _("%s has no manifest: verify it before uploading."), name);
      return FALSE;
    }

  if (!_sn_backup_ensure_staged (self, backup, json_object_get_string_member (manifest, "sha256"), cancellable, error))
    return FALSE;

  manifest_name = g_strconcat (name, SN_BACKUP_MANIFEST_SUFFIX, NULL);
  if (!g_file_get_contents (manifest_path, &manifest_text, NULL, error) ||
      !put_host_file (self, manifest_name, manifest_text, cancellable, error))
    return FALSE;

  command = sn_backup_service_dup_upload_command (self, name);
  if (!(output = _sn_backup_host_run (self, "backup.upload", command, cancellable, error)))
    return FALSE;

  {
    g_autofree char *where = g_strdup_printf ("%s/%s/%s%s", self->mc_alias, self->bucket, self->prefix, name);

    json_object_set_string_member (manifest, "uploaded", where);
    _sn_backup_save_manifest (sn_backup_get_path (backup), manifest, NULL);
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
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
  g_autofree char *target = _sn_backup_mc_remote (self, NULL);
  g_autofree char *command = g_strdup_printf ("%smc ls --json %s", prologue, target);
  g_autofree char *output = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) manifests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);

  if (!(output = _sn_backup_host_run (self, "backup.list-remote", command, cancellable, error)))
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

      if (g_str_has_suffix (name, SN_BACKUP_MANIFEST_SUFFIX))
        {
          g_hash_table_add (manifests, g_strndup (name, strlen (name) - strlen (SN_BACKUP_MANIFEST_SUFFIX)));
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

  g_ptr_array_sort (backups, _sn_backup_compare_newest_first);
  return g_steal_pointer (&backups);
}

SnBackup *
sn_backup_service_download_sync (SnBackupService  *self,
                                 const char       *name,
                                 GCancellable     *cancellable,
                                 GError          **error)
{
  g_autofree char *prologue = _sn_backup_prologue (self->profile);
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

  remote = _sn_backup_mc_remote (self, name);
  manifest_name = g_strconcat (name, SN_BACKUP_MANIFEST_SUFFIX, NULL);
  remote_manifest = _sn_backup_mc_remote (self, manifest_name);
  part_name = g_strconcat (name, ".dl", NULL);
  part = _sn_backup_stage_path (part_name);
  staged = _sn_backup_stage_path (name);
  final_path = g_build_filename (self->directory, name, NULL);

  command = g_strdup_printf ("%sumask 077 && mkdir -p $D && chmod 700 $D && mc cp %s %s >/dev/null && "
                             "mv %s %s && sha256sum %s | cut -c1-64",
                             prologue, remote, part, part, staged, staged);
  if (!(there = _sn_backup_host_run (self, "backup.download-to-host", command, cancellable, &local_error)))
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                   _("Cannot fetch %s from the bucket: %s"), name, local_error->message);
      return NULL;
    }
  g_strstrip (there);

  g_free (command);
  command = g_strdup_printf ("%smc cat %s 2>/dev/null || true", prologue, remote_manifest);
  if (!(manifest_text = _sn_backup_host_run (self, "backup.download-manifest", command, cancellable, error)))
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
  if (!_sn_backup_receive (self, "download", command, final_path,
                manifest != NULL ? json_object_get_int_member_with_default (manifest, "size", 0) : 0,
                &received, cancellable, error))
    return NULL;

  if (g_strcmp0 (received.sha256, there) != 0)
    {
      g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM,
                   _("The download of %s was damaged (sha256 %.12s…, the host has %.12s…)."),
                   name, received.sha256, there);
      _sn_backup_received_clear (&received);
      return NULL;
    }

  if (manifest == NULL)
    {
      /* A backup made by scripts/backup-db.sh: no manifest, no row counts. */
      manifest = _sn_backup_new_manifest (self, name, "downloaded");
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

  if (!_sn_backup_check_archive (self, name, manifest, cancellable, error))
    {
      _sn_backup_received_clear (&received);
      return NULL;
    }

  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *stamp = g_date_time_format_iso8601 (now);

    json_object_set_string_member (manifest, "verified_at", stamp);
  }

  if (!_sn_backup_commit_received (&received, error))
    {
      _sn_backup_received_clear (&received);
      return NULL;
    }
  {
    GStatBuf st;

    if (g_stat (final_path, &st) == 0)
      json_object_set_int_member (manifest, "verified_mtime", st.st_mtime);
  }
  if (!_sn_backup_save_manifest (final_path, manifest, error))
    {
      g_unlink (final_path);
      _sn_backup_received_clear (&received);
      return NULL;
    }

  _sn_backup_received_clear (&received);
  backup = _sn_backup_load_local_backup (final_path);
  _sn_backup_reload_later (self);
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
      if (!(backup = _sn_backup_load_local_backup (path_or_name)))
        g_set_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                     _("There is no backup file %s."), path_or_name);
      return backup;
    }

  local = g_build_filename (self->directory, path_or_name, NULL);
  if ((backup = _sn_backup_load_local_backup (local)) != NULL)
    return backup;

  return sn_backup_service_download_sync (self, path_or_name, cancellable, error);
}
