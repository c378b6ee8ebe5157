/* test-faults-corrupt.c: the fault matrix, a corrupt dump offered to restore and restore test
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Both must refuse the file before touching the database: no pg_restore,
 * no app stopped, no temporary database created.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sn-test-stack.h"
#include "test-faults.h"

/* A corrupt dump ------------------------------------------------------------------------ */

static SnRunOutcome
run_restore (const char  *source,
             char       **summary,
             GError     **error)
{
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  SnRunOutcome outcome;

  g_hash_table_insert (params, (char *)"backup", (char *)source);
  runner = sn_runner_new (sn_runbook_catalog_lookup (fault_catalog, "restore"), fault_profile, params, error);
  g_assert_nonnull (runner);
  sn_backup_service_setup_runner (fault_service, runner, source);
  sn_runner_set_typed_name (runner, sn_profile_get_name (fault_profile));
  outcome = sn_runner_execute_sync (runner, NULL, error);
  *summary = g_strdup (sn_runner_get_summary (runner));
  return outcome;
}

/* A copy of a good backup with 64 bytes flipped in the middle, its manifest kept. */
static char *
corrupt_copy (SnBackup *good)
{
  g_autofree char *contents = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = g_strconcat (sn_backup_get_path (good), ".manifest.json", NULL);
  g_autofree char *dir = g_path_get_dirname (sn_backup_get_path (good));
  g_autofree char *copy = g_build_filename (dir, "sweet_narcisse_20000101_000009.dump", NULL);
  g_autofree char *copy_manifest = g_strconcat (copy, ".manifest.json", NULL);
  gsize length;

  g_assert_true (g_file_get_contents (sn_backup_get_path (good), &contents, &length, NULL));
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  for (gsize i = length / 2; i < length / 2 + 64; i++)
    contents[i] ^= 0x5a;
  g_assert_true (g_file_set_contents (copy, contents, length, NULL));
  g_assert_true (g_file_set_contents (copy_manifest, manifest, -1, NULL));
  return g_steal_pointer (&copy);
}

static void
test_corrupt_dump_restore (void)
{
  g_autoptr(SnBackup) good = fault_make_backup ("manual");
  g_autoptr(SnBackup) safety = fault_make_backup ("safety");
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = corrupt_copy (good);
  g_autofree char *summary = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *touched = NULL;
  g_autofree char *left = NULL;
  FaultSnapshot before = { NULL };
  goffset mark;

  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  g_assert_cmpint (run_restore (copy, &summary, &error), ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  left = fault_wait_no_leftovers (NULL);
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "runbook run restore", FAULT_AUDIT_FAILED);
  /* Refused before touching the database: no pg_restore, no app stop. */
  touched = fault_audit_find (mark, "pg_restore --clean", FAULT_AUDIT_ANY);
  if (touched == NULL)
    touched = fault_audit_find (mark, "stop app", FAULT_AUDIT_ANY);
  if (touched != NULL)
    {
      g_free (state);
      state = g_strdup_printf ("TOUCHED: %s", touched);
    }
  fault_conclude ("corrupt dump", "restore runbook", error->message, "checksum", left, state, audit);
  g_unlink (copy);
  {
    g_autofree char *m = g_strconcat (copy, ".manifest.json", NULL);

    g_unlink (m);
  }
  fault_snapshot_clear (&before);
}

static void
test_corrupt_dump_restore_test (void)
{
  g_autoptr(SnBackup) good = fault_make_backup ("manual");
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *copy = corrupt_copy (good);
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *touched = NULL;
  g_autofree char *left = NULL;
  const char *seen;
  FaultSnapshot before = { NULL };
  goffset mark;

  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  result = sn_backup_service_restore_test_sync (fault_service, copy, NULL, &error);
  seen = error != NULL ? error->message : sn_restore_test_result_get_summary (result);
  if (result != NULL)
    g_assert_false (sn_restore_test_result_get_passed (result));
  left = fault_wait_no_leftovers (NULL);
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "FAILED", FAULT_AUDIT_FAILED);
  if (audit == NULL)
    audit = fault_audit_find (mark, "checksum", FAULT_AUDIT_FAILED);
  touched = fault_audit_find (mark, "CREATE DATABASE", FAULT_AUDIT_ANY);
  if (touched != NULL)
    {
      g_free (state);
      state = g_strdup_printf ("TOUCHED: %s", touched);
    }
  fault_conclude ("corrupt dump", "restore test", seen, "checksum", left, state, audit);
  g_unlink (copy);
  {
    g_autofree char *m = g_strconcat (copy, ".manifest.json", NULL);

    g_unlink (m);
  }
  fault_snapshot_clear (&before);
}

void
fault_add_corrupt_tests (void)
{
  g_test_add_func ("/faults/corrupt-dump/restore", test_corrupt_dump_restore);
  g_test_add_func ("/faults/corrupt-dump/restore-test", test_corrupt_dump_restore_test);
}
