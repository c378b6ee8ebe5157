/* sn-backup-manifest.c: manifests beside the dumps, and the local backups they describe
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
#include "sn-backup-service-private.h"
#include "sn-host.h"
#include "sn-reports.h"

/* Manifests --------------------------------------------------------------- */

char *
_sn_backup_manifest_path_for (const char *dump_path)
{
  return g_strconcat (dump_path, SN_BACKUP_MANIFEST_SUFFIX, NULL);
}

JsonObject *
_sn_backup_load_manifest (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
      !json_parser_load_from_file (parser, path, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

gboolean
_sn_backup_write_json_atomically (const char  *path,
                       JsonNode    *node,
                       GError     **error)
{
  g_autofree char *text = json_to_string (node, TRUE);

  /* g_file_set_contents fsyncs and renames. */
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
_sn_backup_save_manifest (const char  *dump_path,
               JsonObject  *manifest,
               GError     **error)
{
  g_autofree char *path = _sn_backup_manifest_path_for (dump_path);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), manifest);

  return _sn_backup_write_json_atomically (path, node, error);
}

char *
_sn_backup_file_sha256 (const char    *path,
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

void
_sn_backup_fsync_directory (const char *directory)
{
  int fd = open (directory, O_RDONLY | O_DIRECTORY);

  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }
}

/* Local backups ------------------------------------------------------------ */

SnBackup *
_sn_backup_load_local_backup (const char *path)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *manifest_path = _sn_backup_manifest_path_for (path);
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

  if ((manifest = _sn_backup_load_manifest (manifest_path)) != NULL)
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

int
_sn_backup_compare_newest_first (gconstpointer a,
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

GPtrArray *
_sn_backup_scan_local (SnBackupService  *self,
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
      if ((backup = _sn_backup_load_local_backup (path)) != NULL)
        g_ptr_array_add (backups, backup);
    }

  g_ptr_array_sort (backups, _sn_backup_compare_newest_first);
  return g_steal_pointer (&backups);
}

gboolean
sn_backup_service_reload_local (SnBackupService  *self,
                                GError          **error)
{
  g_autoptr(GPtrArray) backups = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), FALSE);

  if (!(backups = _sn_backup_scan_local (self, error)))
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

void
_sn_backup_reload_later (SnBackupService *self)
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

  if (!(backups = _sn_backup_scan_local (self, NULL)))
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
