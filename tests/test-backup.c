/* test-backup.c: backups, restore and the restore test, end to end on the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>

#include <glib/gstdio.h>

#include "sn-actions-builtin.h"
#include "sn-audit-log.h"
#include "sn-backup-service.h"
#include "sn-core.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

static const char * const tables[] = { "Booking", "Boat", "Payment", "User", NULL };

static SnProfile *profile;
static SnSshSession *session;
static SnBackupService *service;
static SnRunbookCatalog *catalog;

static void
assert_fingerprint (const char *expected)
{
  g_autofree char *now = sn_test_tables_fingerprint (tables);

  g_assert_cmpstr (now, ==, expected);
}

static void
change_data (const char *tag)
{
  g_autofree char *sql = g_strdup_printf (
    "DELETE FROM \"Payment\" WHERE id IN (SELECT id FROM \"Payment\" ORDER BY id LIMIT 2);"
    "UPDATE \"Booking\" SET message = 'changed %s' WHERE id IN (SELECT id FROM \"Booking\" ORDER BY id LIMIT 3);"
    "INSERT INTO \"Boat\" (name, capacity, status) VALUES ('Test %s', 9, 'ACTIVE');", tag, tag);
  g_autofree char *output = sn_test_psql (sql);
}

static guint
count_temp_databases (void)
{
  g_autofree char *n = sn_test_psql ("SELECT count(*) FROM pg_database WHERE datname LIKE 'sn_restore_test_%'");

  return atoi (n);
}

static GPtrArray *
list_dir (const char *path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (entry));
  return names;
}

static gboolean
dir_has_part (const char *path)
{
  g_autoptr(GPtrArray) names = list_dir (path);

  for (guint i = 0; i < names->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (names, i), ".part"))
      return TRUE;
  return FALSE;
}

static guint
count_dumps (const char *path)
{
  g_autoptr(GPtrArray) names = list_dir (path);
  guint n = 0;

  for (guint i = 0; i < names->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (names, i), ".dump"))
      n++;
  return n;
}

static SnBackup *
make_backup (const char *label)
{
  g_autoptr(GError) error = NULL;
  SnBackup *backup = sn_backup_service_create_sync (service, label, SN_BACKUP_CREATE_NONE, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (backup);
  return backup;
}

static SnRunOutcome
run_restore (const char  *source,
             GError     **error)
{
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  SnRunbook *runbook = sn_runbook_catalog_lookup (catalog, "restore");
  SnRunOutcome outcome;

  g_assert_nonnull (runbook);
  g_hash_table_insert (params, (char *)"backup", (char *)source);
  runner = sn_runner_new (runbook, profile, params, error);
  g_assert_nonnull (runner);
  sn_backup_service_setup_runner (service, runner, source);
  sn_runner_set_typed_name (runner, sn_profile_get_name (profile));
  outcome = sn_runner_execute_sync (runner, NULL, error);
  if (g_test_verbose ())
    g_printerr ("%s\n", sn_runner_get_summary (runner));
  return outcome;
}

static void
test_create (void)
{
  g_autoptr(SnBackup) backup = make_backup ("manual");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) remote = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *bookings = sn_test_psql ("SELECT count(*) FROM \"Booking\"");
  gsize length;

  g_assert_true (g_file_test (sn_backup_get_path (backup), G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_str_has_prefix (sn_backup_get_name (backup), "sweet_narcisse_"));
  g_assert_true (g_str_has_suffix (sn_backup_get_name (backup), ".dump"));
  g_assert_cmpint (sn_backup_get_state (backup), ==, SN_BACKUP_STATE_VERIFIED);
  g_assert_true (sn_backup_get_has_manifest (backup));
  g_assert_cmpint (sn_backup_get_table_rows (backup, "Booking"), ==, atoi (bookings));

  g_assert_true (g_file_get_contents (sn_backup_get_path (backup), &contents, &length, NULL));
  g_assert_true (g_str_has_prefix (contents, "PGDMP"));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *)contents, length);
  g_assert_cmpstr (sha, ==, sn_backup_get_sha256 (backup));
  g_assert_cmpuint (length, ==, sn_backup_get_size (backup));

  g_assert_true (sn_backup_service_reload_local (service, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (sn_backup_service_get_local_backups (service)), >=, 1);

  g_assert_true (sn_backup_service_verify_sync (service, backup, NULL, &error));
  g_assert_no_error (error);

  /* upload, then the bucket lists it beside the two seeded dumps */
  g_assert_true (sn_backup_service_upload_sync (service, backup, NULL, &error));
  g_assert_no_error (error);
  remote = sn_backup_service_list_remote_sync (service, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (remote->len, >=, 3);
  g_assert_cmpstr (sn_backup_get_name (g_ptr_array_index (remote, 0)), ==, sn_backup_get_name (backup));
  g_assert_true (sn_backup_get_has_manifest (g_ptr_array_index (remote, 0)));
}

/*
 * L1: pg_dump takes the names with --username=/--dbname=, never as a bare
 * word an option parser could read. L2: the prune of staged dumps on the
 * host is safe with any file name: "old one.dump" once made it delete
 * "one.dump" in the deploy folder.
 */
static void
test_stage_prune (void)
{
  g_autofree char *command = sn_backup_service_dup_dump_command (profile, "x.dump");
  g_autofree char *stage = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), "backups",
                                             "narcisse-admin", NULL);
  g_autofree char *bait = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), "one.dump", NULL);
  g_autofree char *bait2 = g_build_filename (stage, "old", NULL);
  g_autofree char *spaced = g_build_filename (stage, "old one.dump", NULL);
  g_autofree char *quoted = g_build_filename (stage, "it's -rf.dump", NULL);
  g_autofree char *setup = NULL;
  g_autoptr(SnBackup) backup = NULL;

  g_test_message ("%s", command);
  g_assert_nonnull (strstr (command, "--dbname="));
  g_assert_nonnull (strstr (command, "--username="));
  g_assert_null (strstr (command, " -U "));

  /* three old staged dumps with awkward names, the newest one made below */
  g_assert_cmpint (g_mkdir_with_parents (stage, 0700), ==, 0);
  g_assert_true (g_file_set_contents (spaced, "old", -1, NULL));
  g_assert_true (g_file_set_contents (quoted, "old", -1, NULL));
  g_assert_true (g_file_set_contents (bait, "keep me", -1, NULL));
  g_assert_true (g_file_set_contents (bait2, "keep me too", -1, NULL));
  setup = g_strdup_printf ("cd '%s' && touch -d '3 days ago' 'old one.dump' \"it's -rf.dump\" && "
                           "for i in 1 2 3; do [ -e old$i.dump ] || { echo x > old$i.dump; "
                           "touch -d \"$i days ago\" old$i.dump; }; done", stage);
  g_free (sn_test_run (setup));

  backup = make_backup ("prune");
  g_assert_nonnull (backup);

  /* the three newest stay (the new one and two old ones), the rest went */
  g_assert_cmpuint (count_dumps (stage), ==, 3);
  g_assert_false (g_file_test (spaced, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (quoted, G_FILE_TEST_EXISTS));
  /* and nothing outside the staged names was touched */
  g_assert_true (g_file_test (bait, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (bait2, G_FILE_TEST_EXISTS));
  g_remove (bait);
  g_remove (bait2);
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  for (const char *c = contents; *c != '\0'; c++)
    n += *c == '\n';
  return n;
}

/* M1: the service itself refuses, before touching anything, whatever calls it. */
static void
test_read_only_refused (void)
{
  g_autoptr(SnProfile) ro = sn_profile_copy (profile);
  g_autoptr(SnSshSession) ro_session = NULL;
  g_autoptr(SnBackupService) ro_service = NULL;
  g_autoptr(SnBackup) backup = make_backup ("manual");
  g_autoptr(SnBackup) created = NULL;
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ro_dir = g_dir_make_tmp ("sn-ro-backups-XXXXXX", NULL);
  g_autofree char *stage = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), "backups", "narcisse-admin", NULL);
  g_autofree char *in_bucket = g_build_filename (sn_test_stack_get ("MINIO_DIR"), "sweet-backups", "backups",
                                                 sn_backup_get_name (backup), NULL);
  g_autofree char *audit = sn_audit_log_default_path ();
  g_autofree char *before = sn_test_tables_fingerprint (tables);
  guint staged = count_dumps (stage);
  guint audited = count_lines (audit);

  g_object_set (ro, "name", "ro", "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  ro_session = sn_ssh_session_new (ro, sn_secret_store_get_default ());
  ro_service = sn_backup_service_new (ro, ro_session);
  sn_backup_service_set_directory (ro_service, ro_dir);

  created = sn_backup_service_create_sync (ro_service, "manual", SN_BACKUP_CREATE_UPLOAD, NULL, &error);
  g_assert_null (created);
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_assert_nonnull (strstr (error->message, "“ro” is read-only"));
  g_assert_nonnull (strstr (error->message, "operator profile"));
  g_clear_error (&error);

  sn_backup_service_create_async (ro_service, "manual", SN_BACKUP_CREATE_NONE, NULL,
                                  sn_test_store_result_cb, &async_result);
  sn_test_wait_for_result (&async_result, SN_TEST_WAIT_MS);
  g_assert_null (sn_backup_service_create_finish (ro_service, async_result, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  result = sn_backup_service_restore_test_sync (ro_service, sn_backup_get_path (backup), NULL, &error);
  g_assert_null (result);
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  g_assert_false (sn_backup_service_upload_sync (ro_service, backup, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_backup_service_verify_sync (ro_service, backup, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_backup_service_restore_sync (ro_service, backup, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_null (sn_backup_service_download_sync (ro_service, sn_backup_get_name (backup), NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  /* Nothing was done: no file here, none staged or uploaded, no database
   * made, no command run on the host (none audited), the data unchanged. */
  g_assert_cmpuint (count_dumps (ro_dir), ==, 0);
  g_assert_false (dir_has_part (ro_dir));
  g_assert_cmpuint (count_dumps (stage), ==, staged);
  g_assert_false (dir_has_part (stage));
  g_assert_false (g_file_test (in_bucket, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_temp_databases (), ==, 0);
  g_assert_null (sn_backup_service_get_last_restore_test ("ro"));
  g_assert_cmpuint (count_lines (audit), ==, audited);
  assert_fingerprint (before);

  /* An operator profile still may. */
  g_object_set (ro, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  g_assert_true (sn_profile_check_level (ro, SN_SAFETY_LEVEL_OPERATOR, "x", &error));
  g_assert_no_error (error);
  g_assert_false (sn_profile_check_level (ro, SN_SAFETY_LEVEL_ADMIN, "x", &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);

  g_rmdir (ro_dir);
}

static void
test_download (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) remote = sn_backup_service_list_remote_sync (service, NULL, &error);
  g_autoptr(SnBackup) backup = NULL;
  SnBackup *seeded = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < remote->len; i++)
    if (!sn_backup_get_has_manifest (g_ptr_array_index (remote, i)))
      seeded = g_ptr_array_index (remote, i);
  g_assert_nonnull (seeded);

  backup = sn_backup_service_download_sync (service, sn_backup_get_name (seeded), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_backup_get_state (backup), ==, SN_BACKUP_STATE_VERIFIED);
  g_assert_nonnull (sn_backup_get_sha256 (backup));

  g_assert_null (sn_backup_service_download_sync (service, "sweet_narcisse_19990101_000000.dump", NULL, &error));
  g_assert_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND);
}

static void
test_restore (void)
{
  g_autoptr(SnBackup) wanted = make_backup ("manual");
  g_autoptr(SnBackup) safety = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = sn_test_tables_fingerprint (tables);
  g_autofree char *changed = NULL;
  g_autofree char *after = NULL;

  change_data ("restore");
  changed = sn_test_tables_fingerprint (tables);
  g_assert_cmpstr (changed, !=, before);

  /* The run makes its own safety backup first; the gate verifies it right
   * before the app is stopped, and only then is anything dropped. */
  g_assert_cmpint (run_restore (sn_backup_get_path (wanted), &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  safety = sn_backup_service_find_recent (service, "safety", 30);
  g_assert_nonnull (safety);
  g_assert_cmpint (sn_backup_get_state (safety), ==, SN_BACKUP_STATE_VERIFIED);

  after = sn_test_tables_fingerprint (tables);
  g_assert_cmpstr (after, ==, before);
}

static void
test_restore_fails_midway (void)
{
  g_autoptr(SnBackup) wanted = make_backup ("manual");
  g_autoptr(SnBackup) safety = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "state", "pg_restore.fail", NULL);
  g_autofree char *current = NULL;
  SnRunOutcome outcome;

  change_data ("midway");
  current = sn_test_tables_fingerprint (tables);
  safety = make_backup ("safety");

  g_assert_true (g_file_set_contents (knob, "", 0, NULL));
  outcome = run_restore (sn_backup_get_path (wanted), &error);
  g_assert_false (g_file_test (knob, G_FILE_TEST_EXISTS));
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  g_clear_error (&error);

  /* the safety backup is back: the data as it was before the restore */
  assert_fingerprint (current);
}

static void
test_corrupt (void)
{
  g_autoptr(SnBackup) good = make_backup ("manual");
  g_autoptr(SnBackup) flipped = NULL;
  g_autoptr(SnBackup) truncated = NULL;
  g_autoptr(SnBackup) safety = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = g_strconcat (sn_backup_get_path (good), ".manifest.json", NULL);
  g_autofree char *dir = g_path_get_dirname (sn_backup_get_path (good));
  g_autofree char *flip_path = g_build_filename (dir, "sweet_narcisse_20000101_000001.dump", NULL);
  g_autofree char *flip_manifest = g_strconcat (flip_path, ".manifest.json", NULL);
  g_autofree char *cut_path = g_build_filename (dir, "sweet_narcisse_20000101_000002.dump", NULL);
  g_autofree char *cut_manifest = g_strconcat (cut_path, ".manifest.json", NULL);
  g_autofree char *before = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (sn_backup_get_path (good), &contents, &length, NULL));
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));

  for (gsize i = length / 2; i < length / 2 + 64; i++)
    contents[i] ^= 0x5a;
  g_assert_true (g_file_set_contents (flip_path, contents, length, NULL));
  g_assert_true (g_file_set_contents (flip_manifest, manifest, -1, NULL));
  g_assert_true (g_file_set_contents (cut_path, contents, length * 2 / 3, NULL));
  g_assert_true (g_file_set_contents (cut_manifest, manifest, -1, NULL));

  flipped = sn_backup_service_find_sync (service, flip_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (sn_backup_service_verify_sync (service, flipped, NULL, &error));
  g_assert_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY);
  g_assert_nonnull (strstr (error->message, "checksum"));
  g_clear_error (&error);

  truncated = sn_backup_service_find_sync (service, cut_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (sn_backup_service_verify_sync (service, truncated, NULL, &error));
  g_assert_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);

  /* Even with a fresh safety backup, the restore stops at its first,
   * read-only step on the damaged file: nothing is stopped or dropped. */
  safety = make_backup ("safety");
  change_data ("corrupt");
  before = sn_test_tables_fingerprint (tables);
  g_assert_cmpint (run_restore (flip_path, &error), ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "checksum"));
  g_assert_nonnull (strstr (error->message, "as it was before the run"));
  g_clear_error (&error);
  g_assert_cmpint (run_restore (cut_path, &error), ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_clear_error (&error);
  assert_fingerprint (before);

  g_unlink (flip_path);
  g_unlink (flip_manifest);
  g_unlink (cut_path);
  g_unlink (cut_manifest);
}

/* A table big enough that the stream lasts a while. */
static void
add_scratch (void)
{
  g_autofree char *output = sn_test_psql ("CREATE TABLE IF NOT EXISTS sn_scratch AS SELECT g AS id, "
                                  "md5(random()::text) || md5(random()::text) || md5(random()::text) AS t "
                                  "FROM generate_series(1, 600000) g");
}

static void
drop_scratch (void)
{
  g_autofree char *output = sn_test_psql ("DROP TABLE IF EXISTS sn_scratch");
}

/* Stopping the stack's sshd leaves its open connections alive: end them too,
 * by the ids of the listener's children (started by this test's stack). */
static void
kill_ssh_connections (void)
{
  g_autofree char *pid_path = g_build_filename (sn_test_stack_dir (), "ssh", "sshd.pid", NULL);
  g_autofree char *pid_text = NULL;
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *entry;
  int listener;

  g_assert_true (g_file_get_contents (pid_path, &pid_text, NULL, NULL));
  listener = atoi (pid_text);
  g_assert_cmpint (listener, >, 1);

  while ((entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_strdup_printf ("/proc/%s/stat", entry);
      g_autofree char *stat = NULL;
      const char *close_paren;
      int pid = atoi (entry);
      int ppid = 0;

      if (pid <= 1 || !g_file_get_contents (stat_path, &stat, NULL, NULL) ||
          (close_paren = strrchr (stat, ')')) == NULL)
        continue;
      if (sscanf (close_paren + 2, "%*c %d", &ppid) == 1 && ppid == listener)
        kill (pid, SIGKILL);
    }
}

static void
on_progress_kill (SnBackupService *self,
                  const char      *operation,
                  guint64          done,
                  guint64          total,
                  double           rate,
                  gint64           eta,
                  gpointer         user_data)
{
  gboolean *killed = user_data;

  if (!*killed && done > 0)
    {
      *killed = TRUE;
      kill_ssh_connections ();
      sn_test_stack_stop ("sshd");
    }
}

typedef struct
{
  SnBackup *backup;
  GError   *error;
  gboolean  done;
} CreateWait;

static void
on_created (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  CreateWait *wait = user_data;

  wait->backup = sn_backup_service_create_finish (SN_BACKUP_SERVICE (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
create_done (gpointer data)
{
  return ((CreateWait *)data)->done;
}

static void
test_sshd_killed (void)
{
  const char *dir = sn_backup_service_get_directory (service);
  guint before = count_dumps (dir);
  CreateWait wait = { NULL };
  gboolean killed = FALSE;
  gulong handler;

  add_scratch ();
  handler = g_signal_connect (service, "progress", G_CALLBACK (on_progress_kill), &killed);
  sn_backup_service_create_async (service, "manual", SN_BACKUP_CREATE_NONE, NULL, on_created, &wait);
  g_assert_true (sn_test_wait_until (create_done, &wait, 120000));
  g_signal_handler_disconnect (service, handler);
  sn_test_stack_start ("sshd");

  g_assert_true (killed);
  g_assert_null (wait.backup);
  g_assert_nonnull (wait.error);
  g_test_message ("sshd killed: %s", wait.error->message);
  g_assert_true (g_error_matches (wait.error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM) ||
                 g_error_matches (wait.error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_HOST));
  g_clear_error (&wait.error);
  g_assert_cmpuint (count_dumps (dir), ==, before);
  g_assert_false (dir_has_part (dir));
  drop_scratch ();
}

static void
test_disk_full (void)
{
  g_autofree char *dir = g_build_filename (sn_test_stack_dir (), "small-disk", NULL);
  g_autoptr(SnBackup) small = make_backup ("manual");
  g_autoptr(SnBackup) copy = NULL;
  g_autoptr(SnBackup) failed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old_dir = g_strdup (sn_backup_service_get_directory (service));
  g_autofree char *contents = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *copy_manifest = NULL;
  g_autofree char *manifest_path = g_strconcat (sn_backup_get_path (small), ".manifest.json", NULL);
  gboolean mounted;
  gsize length;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  mounted = mount ("tmpfs", dir, "tmpfs", 0, "size=1m") == 0;
  if (!mounted)
    sn_backup_service_set_write_limit (service, 1024 * 1024);
  g_test_message ("disk full by %s", mounted ? "a 1 MiB tmpfs" : "a write limit of 1 MiB");

  /* an existing backup on that disk */
  g_assert_true (g_file_get_contents (sn_backup_get_path (small), &contents, &length, NULL));
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  copy_path = g_build_filename (dir, sn_backup_get_name (small), NULL);
  copy_manifest = g_strconcat (copy_path, ".manifest.json", NULL);
  g_assert_true (g_file_set_contents (copy_path, contents, length, NULL));
  g_assert_true (g_file_set_contents (copy_manifest, manifest, -1, NULL));

  sn_backup_service_set_directory (service, dir);
  add_scratch ();
  failed = sn_backup_service_create_sync (service, "manual", SN_BACKUP_CREATE_NONE, NULL, &error);
  drop_scratch ();
  g_assert_null (failed);
  g_assert_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NO_SPACE);
  g_test_message ("disk full: %s", error->message);
  g_clear_error (&error);

  g_assert_cmpuint (count_dumps (dir), ==, 1);
  g_assert_false (dir_has_part (dir));
  copy = sn_backup_service_find_sync (service, copy_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sn_backup_service_verify_sync (service, copy, NULL, &error));
  g_assert_no_error (error);

  sn_backup_service_set_directory (service, old_dir);
  sn_backup_service_set_write_limit (service, 0);
  if (mounted)
    g_assert_cmpint (umount (dir), ==, 0);
}

static void
test_restore_test (void)
{
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autoptr(SnRestoreTestResult) failed = NULL;
  g_autoptr(SnRestoreTestResult) mismatch = NULL;
  g_autoptr(SnRestoreTestResult) last = NULL;
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "state", "pg_restore.fail", NULL);
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *report = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *tampered = NULL;
  g_autoptr(GDateTime) later = NULL;

  g_assert_cmpuint (count_temp_databases (), ==, 0);

  /* the newest remote backup (made by the app in test_create) */
  result = sn_backup_service_restore_test_sync (service, NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", sn_restore_test_result_get_summary (result));
  g_assert_true (sn_restore_test_result_get_passed (result));
  g_assert_true (g_str_has_prefix (sn_restore_test_result_get_database (result), "sn_restore_test_"));
  g_assert_cmpuint (count_temp_databases (), ==, 0);
  g_assert_true (g_file_get_contents (sn_restore_test_result_get_report_path (result), &report, NULL, NULL));
  g_assert_nonnull (strstr (report, "Booking"));
  g_assert_nonnull (strstr (report, "dropped"));
  {
    /* business figures: readable by the owner only (M8) */
    GStatBuf st;

    g_assert_cmpint (g_stat (sn_restore_test_result_get_report_path (result), &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  last = sn_backup_service_get_last_restore_test (sn_profile_get_name (profile));
  g_assert_nonnull (last);
  g_assert_true (sn_restore_test_result_get_passed (last));
  g_assert_false (sn_restore_test_result_is_stale (last, NULL));
  later = g_date_time_add_days (sn_restore_test_result_get_date (last), 36);
  g_assert_true (sn_restore_test_result_is_stale (last, later));

  /* an injected failure: reported, and the database still dropped */
  g_assert_true (g_file_set_contents (knob, "", 0, NULL));
  failed = sn_backup_service_restore_test_sync (service, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (sn_restore_test_result_get_passed (failed));
  g_assert_cmpuint (count_temp_databases (), ==, 0);
  g_clear_object (&last);
  last = sn_backup_service_get_last_restore_test (sn_profile_get_name (profile));
  g_assert_false (sn_restore_test_result_get_passed (last));

  /* a manifest whose count does not match the dump */
  backup = make_backup ("manual");
  manifest_path = g_strconcat (sn_backup_get_path (backup), ".manifest.json", NULL);
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  regex = g_regex_new ("\"Boat\" : \\d+", 0, 0, NULL);
  tampered = g_regex_replace (regex, manifest, -1, 0, "\"Boat\" : 999", 0, NULL);
  g_assert_cmpstr (tampered, !=, manifest);
  g_assert_true (g_file_set_contents (manifest_path, tampered, -1, NULL));
  mismatch = sn_backup_service_restore_test_sync (service, sn_backup_get_path (backup), NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", sn_restore_test_result_get_summary (mismatch));
  g_assert_false (sn_restore_test_result_get_passed (mismatch));
  g_assert_nonnull (strstr (sn_restore_test_result_get_summary (mismatch), "Boat"));
  g_assert_nonnull (strstr (sn_restore_test_result_get_summary (mismatch), "999"));
  g_assert_cmpuint (count_temp_databases (), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();
  sn_actions_register_builtin ();

  profile = g_object_ref (sn_test_stack_profile ());
  session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  service = sn_backup_service_new (profile, session);
  catalog = sn_runbook_catalog_new (NULL);
  sn_runbook_catalog_load (catalog, NULL);

  g_test_add_func ("/backup/create-verify-upload", test_create);
  g_test_add_func ("/backup/read-only-refused", test_read_only_refused);
  g_test_add_func ("/backup/stage-prune-any-name", test_stage_prune);
  g_test_add_func ("/backup/download", test_download);
  g_test_add_func ("/backup/restore", test_restore);
  g_test_add_func ("/backup/restore-fails-midway", test_restore_fails_midway);
  g_test_add_func ("/backup/corrupt-and-truncated", test_corrupt);
  g_test_add_func ("/backup/sshd-killed", test_sshd_killed);
  g_test_add_func ("/backup/disk-full", test_disk_full);
  g_test_add_func ("/backup/restore-test", test_restore_test);

  status = g_test_run ();

  g_clear_object (&service);
  g_clear_object (&session);
  g_clear_object (&catalog);
  g_clear_object (&profile);
  return status;
}
