/* sn-backup-restore.c: restoring, comparing row counts, and the restore test
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

  if (!_sn_backup_ensure_staged (self, backup, sha, cancellable, error))
    return FALSE;

  command = sn_backup_service_dup_restore_command (self->profile, sn_backup_get_name (backup),
                                                   database, clean);
  if (!(output = _sn_backup_host_run (self, "backup.pg_restore", command, cancellable, &local_error)))
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
  if (!_sn_backup_write_json_atomically (path, node, &error))
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
      g_autofree char *output = _sn_backup_db_query (self, database, TRUE, sql, cancellable, &local_error);
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

  if ((local = _sn_backup_scan_local (self, error)) == NULL)
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

/* The end of a restore test, whatever stopped it: drops the temporary
 * database, writes the report, records and audits the result. */
static SnRestoreTestResult *
restore_test_conclude (SnBackupService *self,
                       SnBackup        *backup,
                       const char      *temp_db,
                       gboolean         created,
                       gboolean         passed,
                       GString         *md,
                       GString         *problems,
                       GDateTime       *now,
                       GCancellable    *cancellable)
{
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *drop_sql = NULL;
  g_autofree char *report_dir = NULL;
  g_autofree char *report_path = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *still = NULL;

  if (created)
    {
      g_autoptr(GError) drop_error = NULL;
      g_autofree char *dropped = NULL;

      /* Not cancellable: the drop must happen whatever stopped the test. */
      drop_sql = _sn_backup_restore_test_drop_sql (temp_db);
      if (!(dropped = _sn_backup_db_query (self, NULL, FALSE, drop_sql, NULL, &drop_error)))
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
  g_autofree char *origin = NULL;
  g_autofree char *temp_db = NULL;
  g_autofree char *create_sql = NULL;
  g_autofree char *output = NULL;
  g_autofree char *comparison = NULL;
  g_autofree char *stamp = NULL;
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
  if (!(output = _sn_backup_db_query (self, NULL, FALSE, create_sql, cancellable, &local_error)))
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
  return restore_test_conclude (self, backup, temp_db, created, passed, md, problems, now,
                                cancellable);
}
