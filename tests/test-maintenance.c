/* test-maintenance.c: disk cleanup without data loss, on the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The docker stand-in keeps its images, build cache, stopped containers and
 * volumes in state/docker-inventory.json; journalctl's fake journal is in
 * state/journal; the host's npm cache is real files under ssh/home/.npm. The
 * tests measure those directly and compare with what the app says.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-test-stack.h"
#include "sn-actions-builtin.h"
#include "sn-audit-log.h"
#include "sn-host.h"
#include "sn-maintenance-audit.h"
#include "sn-maintenance-disk.h"
#include "sn-maintenance-env.h"
#include "sn-maintenance-jobs.h"
#include "sn-maintenance-secret-steps.h"
#include "sn-maintenance-npm-fix.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"

/* How long one async call may take here. */
#define WAIT_MS (120 * 1000)

static SnSshSession     *session;
static SnAuditLog       *audit;
static SnHost           *host;
static SnProfile        *profile;
static SnRunbookCatalog *catalog;

static char *
state_path (const char *name)
{
  return g_build_filename (sn_test_stack_dir (), "state", name, NULL);
}

static char *
npm_cache_dir (void)
{
  return g_build_filename (sn_test_stack_dir (), "ssh", "home", ".npm", "_cacache", NULL);
}

/* Back to the stand-ins' first state: full inventory, 1.5G of journal, 3 MiB of npm cache. */
static void
reset_host (void)
{
  g_autofree char *inventory = state_path ("docker-inventory.json");
  g_autofree char *journal = state_path ("journal");
  g_autofree char *npm = npm_cache_dir ();
  g_autofree char *blob = g_malloc0 (1024 * 1024);

  g_remove (inventory);
  g_remove (journal);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *dir = g_strdup_printf ("%s/content-v2/sha512/0%u/a%u", npm, i, i);
      g_autofree char *file = g_strdup_printf ("%s/%064u", dir, i);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
      g_assert_true (g_file_set_contents (file, blob, 1024 * 1024, NULL));
    }
}

/* reset_host(), then one read so the stand-in writes its inventory. */
static void
reset_and_read (void)
{
  g_autoptr(SnDiskSurvey) survey = NULL;
  g_autoptr(GError) error = NULL;

  reset_host ();
  survey = sn_maintenance_disk_survey_sync (host, NULL, NULL, &error);
  g_assert_no_error (error);
}

static JsonObject *
read_inventory (JsonParser **parser)
{
  g_autofree char *path = state_path ("docker-inventory.json");

  *parser = json_parser_new ();
  g_assert_true (json_parser_load_from_file (*parser, path, NULL));
  return json_node_get_object (json_parser_get_root (*parser));
}

static guint64
sum_sizes (JsonObject *inventory,
           const char *member)
{
  JsonArray *array = json_object_get_array_member (inventory, member);
  guint64 sum = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    sum += json_object_get_int_member (json_array_get_object_element (array, i), "size");
  return sum;
}

/* What the stand-in holds that a prune can free: images, build cache, leftover containers. */
static guint64
inventory_bytes (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *inventory = read_inventory (&parser);

  return sum_sizes (inventory, "images") + sum_sizes (inventory, "build_cache") +
         sum_sizes (inventory, "containers") + sum_sizes (inventory, "volumes");
}

static gboolean
inventory_has_volume (const char *name)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *inventory = read_inventory (&parser);
  JsonArray *volumes = json_object_get_array_member (inventory, "volumes");

  for (guint i = 0; i < json_array_get_length (volumes); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (volumes, i), "name"), name))
      return TRUE;
  return FALSE;
}

static guint64
journal_bytes (void)
{
  g_autofree char *path = state_path ("journal");
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint64 sum = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *space = strrchr (lines[i], ' ');

      if (space != NULL)
        sum += g_ascii_strtoull (space + 1, NULL, 10);
    }
  return sum;
}

static guint64
npm_bytes (void)
{
  g_autofree char *dir = npm_cache_dir ();
  g_autofree char *command = g_strdup_printf ("du -sb %s 2>/dev/null || echo 0", dir);
  g_autofree char *out = sn_test_run (command);

  return g_ascii_strtoull (out, NULL, 10);
}

static SnHost *
host_with_level (SnSafetyLevel level)
{
  g_autoptr(SnProfile) copy = sn_profile_copy (profile);
  g_autoptr(SnSshSession) other = NULL;

  g_object_set (copy, "safety-level", level, NULL);
  other = sn_ssh_session_new (copy, NULL);
  return sn_host_new (other, audit);
}

static SnRunner *
make_runner (const char *id,
             SnHost     *on,
             GHashTable *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) none = g_hash_table_new (g_str_hash, g_str_equal);
  SnRunbook *runbook = sn_runbook_catalog_lookup (catalog, id);
  SnRunner *runner;
  g_autofree char *reports = g_build_filename (sn_test_stack_dir (), "maintenance-reports", NULL);

  g_assert_nonnull (runbook);
  runner = sn_runner_new (runbook, sn_ssh_session_get_profile (sn_host_get_session (on)),
                          params != NULL ? params : none, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "host", G_OBJECT (on));
  sn_runner_set_report_dir (runner, reports);
  return runner;
}

static SnStepRun *
find_step (SnRunner   *runner,
           const char *id)
{
  GListModel *steps = sn_runner_get_steps (runner);

  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      if (g_str_equal (sn_step_run_get_id (step), id))
        return g_steal_pointer (&step);
    }
  g_assert_not_reached ();
}

/* ------------------------------------------------------------------------ */

static void
test_parse (void)
{
  g_autoptr(GError) error = NULL;
  guint64 bytes = 0;

  g_assert_true (sn_maintenance_parse_journal_size ("500M", &bytes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bytes, ==, G_GUINT64_CONSTANT (500) * 1024 * 1024);
  g_assert_true (sn_maintenance_parse_journal_size ("2G", &bytes, NULL));
  g_assert_false (sn_maintenance_parse_journal_size ("10M", NULL, &error));
  g_assert_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_INVALID);
  g_clear_error (&error);
  for (guint i = 0; i < 5; i++)
    {
      const char *bad[] = { "500", "500MB", "-1G", "1G; rm -rf /", "" };

      g_assert_false (sn_maintenance_parse_journal_size (bad[i], NULL, NULL));
    }
  g_assert_null (sn_maintenance_disk_vacuum_command ("1G; reboot"));

  g_assert_cmpuint (sn_maintenance_parse_systemd_size ("1.5G"), ==, G_GUINT64_CONSTANT (1610612736));
  g_assert_cmpuint (sn_maintenance_parse_systemd_size ("440.0M"), ==, G_GUINT64_CONSTANT (461373440));
  g_assert_cmpuint (sn_maintenance_parse_systemd_size ("400B"), ==, 400);

  g_assert_true (sn_maintenance_volume_is_data ("sweetnarcisse-postgres"));
  g_assert_true (sn_maintenance_volume_is_data ("sweet-minio-data"));
  g_assert_false (sn_maintenance_volume_is_data ("sweetnarcisse_grafana_data"));
}

static void
test_prune_commands (void)
{
  g_auto(GStrv) commands = sn_maintenance_disk_prune_commands (profile);

  g_assert_cmpuint (g_strv_length (commands), ==, 3);
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_assert_null (strstr (commands[i], "--volumes"));
      g_assert_null (strstr (commands[i], "volume"));
    }
  g_assert_cmpstr (commands[0], ==,
                   "docker container prune --force --filter 'label!=com.docker.compose.project=sweetnarcisse'");
}

/* The dry run lists what each action frees and changes nothing on the host. */
static void
test_dry_run_changes_nothing (void)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDiskSurvey) survey = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnStepRun) prune = NULL;
  g_autofree char *inventory_path = state_path ("docker-inventory.json");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint64 journal_before, npm_before;
  gboolean seen_db = FALSE, seen_node = FALSE;
  GListModel *items;

  reset_and_read ();
  sn_maintenance_disk_survey_async (host, "500M", NULL, sn_test_store_result_cb, &res);
  survey = sn_maintenance_disk_survey_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error);
  g_assert_no_error (error);

  /* Stand-in figures: 2 leftover containers (48 MB + 1.2 kB), the 3 unused images and the 2 the
   * leftovers used (2.201 GB), all the build cache (2.861 GB). */
  g_assert_cmpuint (sn_disk_survey_get_docker_freed (survey), ==,
                    G_GUINT64_CONSTANT (48001200) + G_GUINT64_CONSTANT (2201000000) +
                    G_GUINT64_CONSTANT (2861000000));
  g_assert_cmpuint (sn_disk_survey_get_journal_usage (survey), ==, G_GUINT64_CONSTANT (1610612736));
  g_assert_true (sn_disk_survey_get_npm_available (survey));
  g_assert_cmpuint (sn_disk_survey_get_npm_freed (survey), ==, npm_bytes ());
  g_assert_cmpuint (g_list_model_get_n_items (sn_disk_survey_get_filesystems (survey)), >, 0);
  g_assert_cmpuint (sn_disk_survey_get_avail (survey, "/"), >, 0);

  items = sn_disk_survey_get_volumes (survey);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SnDiskItem) item = g_list_model_get_item (items, i);

      g_assert_false (sn_disk_item_get_freed (item));
      if (g_str_equal (sn_disk_item_get_name (item), "sweetnarcisse-postgres"))
        seen_db = sn_disk_item_get_data (item);
    }
  g_assert_true (seen_db);
  items = sn_disk_survey_get_items (survey);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SnDiskItem) item = g_list_model_get_item (items, i);

      if (g_str_equal (sn_disk_item_get_name (item), "node:22-bookworm-slim"))
        seen_node = sn_disk_item_get_freed (item);
      if (g_str_equal (sn_disk_item_get_name (item), "postgres:16-alpine"))
        g_assert_false (sn_disk_item_get_freed (item));
    }
  g_assert_true (seen_node);

  /* The runbook's plan (dry run): the same figures, and nothing changed. */
  g_assert_true (g_file_get_contents (inventory_path, &before, NULL, NULL));
  journal_before = journal_bytes ();
  npm_before = npm_bytes ();
  runner = make_runner ("disk-cleanup", host, NULL);
  g_assert_true (sn_runner_plan_sync (runner, NULL, &error));
  g_assert_no_error (error);
  prune = find_step (runner, "prune");
  g_assert_nonnull (strstr (sn_step_run_get_impact (prune), "node:22-bookworm-slim"));
  g_assert_nonnull (strstr (sn_step_run_get_impact (prune), "sweetnarcisse-postgres"));
  g_assert_null (strstr (sn_step_run_get_command (prune), "--volumes"));
  g_assert_true (g_file_get_contents (inventory_path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (journal_bytes (), ==, journal_before);
  g_assert_cmpuint (npm_bytes (), ==, npm_before);
}

/* Each action's freed bytes are what the stand-ins lost. */
static void
test_freed_matches (void)
{
  g_autoptr(GError) error = NULL;
  guint64 before, freed = 0, journal_before, npm_before;
  gint64 journal_diff;

  reset_and_read ();

  before = inventory_bytes ();
  g_assert_true (sn_maintenance_disk_prune_docker_sync (host, NULL, &freed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (freed, ==, before - inventory_bytes ());
  g_assert_cmpuint (freed, ==, G_GUINT64_CONSTANT (48001200) + G_GUINT64_CONSTANT (2201000000) +
                               G_GUINT64_CONSTANT (2861000000));
  g_assert_true (inventory_has_volume ("sweetnarcisse-postgres"));

  npm_before = npm_bytes ();
  g_assert_true (sn_maintenance_disk_clean_npm_sync (host, NULL, &freed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (npm_before, >, 3 * 1024 * 1024);
  g_assert_cmpuint (freed, ==, npm_before - npm_bytes ());
  g_assert_cmpuint (npm_bytes (), ==, 0);

  /* The journal: systemd prints sizes with one decimal, so the app's measure is the stand-in's
   * change within that rounding. */
  reset_and_read ();
  journal_before = journal_bytes ();
  g_assert_true (sn_maintenance_disk_vacuum_journal_sync (host, "500M", NULL, &freed, &error));
  g_assert_no_error (error);
  journal_diff = (gint64) freed - (gint64) (journal_before - journal_bytes ());
  g_assert_cmpint (journal_before - journal_bytes (), >, 0);
  g_assert_cmpint (ABS (journal_diff), <=, 110 * 1024 * 1024);
  g_assert_cmpuint (journal_bytes (), <=, G_GUINT64_CONSTANT (500) * 1024 * 1024);
}

/* The whole runbook with the database stopped: its volume and container stay. */
static void
test_db_volume_survives_stopped_db (void)
{
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnStepRun) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *output = NULL;
  g_autofree char *expected = NULL;
  JsonObject *inventory;
  SnRunOutcome outcome;
  guint64 before, npm_before, journal_before;

  reset_and_read ();
  sn_test_stack_stop ("postgres");

  runner = make_runner ("disk-cleanup", host, NULL);
  g_assert_true (sn_runner_plan_sync (runner, NULL, &error));
  g_assert_no_error (error);
  before = inventory_bytes ();
  npm_before = npm_bytes ();
  journal_before = journal_bytes ();
  outcome = sn_runner_execute_sync (runner, NULL, &error);
  if (outcome != SN_RUN_OUTCOME_SUCCEEDED)
    g_printerr ("%s\n", sn_runner_get_summary (runner));
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_SUCCEEDED);

  g_assert_true (inventory_has_volume ("sweetnarcisse-postgres"));
  g_assert_true (inventory_has_volume ("sweet-minio-data"));
  inventory = read_inventory (&parser);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (inventory, "removed_services")), ==, 0);

  /* The report's total is the stand-ins' change (the journal within systemd's rounding). */
  report = find_step (runner, "report");
  output = sn_step_run_dup_output (report);
  {
    const char *open = strrchr (output, '(');
    guint64 reported = open != NULL ? g_ascii_strtoull (open + 1, NULL, 10) : 0;
    guint64 actual = (before - inventory_bytes ()) + (npm_before - npm_bytes ()) +
                     (journal_before - journal_bytes ());

    g_assert_cmpint (ABS ((gint64) reported - (gint64) actual), <=, 110 * 1024 * 1024);
    g_assert_cmpuint (reported, >=, before - inventory_bytes ());
  }

  sn_test_stack_start ("postgres");
  {
    g_autofree char *command = g_strdup_printf ("set -a; . %s/stack.env; psql -XAtq -c 'SELECT count(*) > 0 FROM \"Booking\"'",
                                                sn_test_stack_dir ());

    expected = sn_test_run (command);
  }
  g_assert_cmpstr (g_strstrip (expected), ==, "t");
}

/* The stand-in really does lose the volume to the runbook's own command: the
 * test above would see it. */
static void
test_stand_in_runbook_command_is_dangerous (void)
{
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) error = NULL;

  reset_and_read ();
  sn_test_stack_stop ("postgres");
  result = sn_host_exec_sync (host, "test.prune", "docker system prune -a -f --volumes", NULL, 60000,
                              NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sn_ssh_exec_result_get_success (result));
  g_assert_false (inventory_has_volume ("sweetnarcisse-postgres"));
  sn_test_stack_start ("postgres");
  reset_and_read ();
}

static void
test_read_only_refused (void)
{
  g_autoptr(SnHost) ro = host_with_level (SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *inventory_path = state_path ("docker-inventory.json");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint64 freed = 42, npm_before;

  reset_and_read ();
  {
    g_autoptr(SnDiskSurvey) survey = sn_maintenance_disk_survey_sync (ro, NULL, NULL, &error);

    /* Reading is allowed to the direction. */
    g_assert_no_error (error);
    g_assert_nonnull (survey);
  }
  g_assert_true (g_file_get_contents (inventory_path, &before, NULL, NULL));
  npm_before = npm_bytes ();

  g_assert_false (sn_maintenance_disk_prune_docker_sync (ro, NULL, &freed, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_maintenance_disk_vacuum_journal_sync (ro, "500M", NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_maintenance_disk_clean_npm_sync (ro, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_maintenance_disk_remove_volume_sync (ro, "sweet-minio-data", "sweet-minio-data", NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  runner = make_runner ("disk-cleanup", ro, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (inventory_path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (npm_bytes (), ==, npm_before);
  g_assert_cmpuint (journal_bytes (), >, G_GUINT64_CONSTANT (1024) * 1024 * 1024);
}

/* npm audit fix: every step that changes the checkout refused in core to the
 * direction, the runbook too, and the lock file untouched. */
static void
test_npm_fix_read_only_refused (void)
{
  g_autoptr(SnHost) ro = host_with_level (SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *lock = g_build_filename (sn_profile_get_deploy_path (sn_ssh_session_get_profile (
                                              sn_host_get_session (ro))), "package-lock.json", NULL);
  const char *content = "{\n  \"name\": \"sweet-narcisse\",\n  \"lockfileVersion\": 3\n}\n";
  g_autofree char *after = NULL;

  g_assert_true (g_file_set_contents (lock, content, -1, NULL));
  {
    g_autoptr(SnDependencyAudit) report = sn_maintenance_npm_audit_checkout_sync (ro, NULL, &error);

    /* Reading is allowed to the direction: the recorded report's 6 findings. */
    g_assert_no_error (error);
    g_assert_cmpuint (sn_dependency_audit_get_total (report), ==, 6);
  }
  g_assert_false (sn_maintenance_npm_backup_sync (ro, "20261207T080000Z", NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_maintenance_npm_fix_sync (ro, NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_maintenance_npm_restore_sync (ro, "20261207T080000Z", NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_maintenance_npm_rebuild_sync (ro, NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  runner = make_runner ("npm-audit-fix", ro, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_clear_error (&error);

  g_assert_true (g_file_get_contents (lock, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, content);
  g_assert_cmpint (g_unlink (lock), ==, 0);
}

/* Every secret the environment audit knows as critical has its rotation
 * steps: why it is not automated, the env file, the recreate, a check. */
static void
test_secret_steps_cover_critical (void)
{
  g_auto(GStrv) secrets = sn_maintenance_env_critical_secrets ();
  guint n = 0;

  g_assert_cmpuint (g_strv_length (secrets), >=, 8);
  for (guint i = 0; secrets[i] != NULL; i++)
    {
      const SnSecretSteps *entry = sn_maintenance_secret_steps_lookup (secrets[i]);
      g_autofree char *text = NULL;

      if (entry == NULL)
        g_error ("no rotation steps for the critical secret %s", secrets[i]);
      g_assert_nonnull (entry->why);
      text = sn_maintenance_secret_steps_dup_text (entry);
      if (!entry->automated)
        {
          g_assert_nonnull (strstr (text, ".env.production.local"));
          g_assert_nonnull (strstr (text, "--env-file .env.production.local up -d app"));
          g_assert_nonnull (strstr (text, "Verify"));
        }
    }
  /* only NEXTAUTH_SECRET is rotated by the app */
  sn_maintenance_secret_steps (&n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpint (sn_maintenance_secret_steps (&n)[i].automated, ==,
                     g_str_equal (sn_maintenance_secret_steps (&n)[i].name, "NEXTAUTH_SECRET"));
}

static void
test_volume_needs_typed_name (void)
{
  g_autoptr(SnHost) operator = host_with_level (SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnHost) admin = host_with_level (SN_SAFETY_LEVEL_ADMIN);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  const char *anon = "5430eeed859cad61d925097ec4f532461ccf1ab6b9802b09a313be1478a4d614";

  reset_and_read ();

  /* No typed name, a wrong one, a prefix: refused in core, whatever the level. */
  g_assert_false (sn_maintenance_disk_remove_volume_sync (admin, "sweet-minio-data", NULL, NULL, &error));
  g_assert_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_CONFIRM);
  g_clear_error (&error);
  g_assert_false (sn_maintenance_disk_remove_volume_sync (admin, "sweet-minio-data", "sweet-minio", NULL, &error));
  g_assert_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_CONFIRM);
  g_clear_error (&error);
  g_assert_true (inventory_has_volume ("sweet-minio-data"));

  /* Through the runbook too. */
  g_hash_table_insert (params, (char *) "volume", (char *) "sweet-minio-data");
  g_hash_table_insert (params, (char *) "confirm", (char *) "sweet-minio-dat");
  runner = make_runner ("docker-volume-remove", admin, params);
  sn_runner_set_typed_name (runner, sn_profile_get_name (sn_runner_get_profile (runner)));
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), !=, SN_RUN_OUTCOME_SUCCEEDED);
  g_clear_error (&error);
  g_assert_true (inventory_has_volume ("sweet-minio-data"));

  /* A data volume needs an admin; typed right, an operator is still refused. */
  g_assert_false (sn_maintenance_disk_remove_volume_sync (operator, "sweet-minio-data", "sweet-minio-data", NULL,
                                                          &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  /* In use: refused, even for an admin with the name typed. */
  g_assert_false (sn_maintenance_disk_remove_volume_sync (admin, "sweetnarcisse-postgres", "sweetnarcisse-postgres",
                                                          NULL, &error));
  g_assert_error (error, SN_MAINTENANCE_DISK_ERROR, SN_MAINTENANCE_DISK_ERROR_IN_USE);
  g_clear_error (&error);
  g_assert_true (inventory_has_volume ("sweetnarcisse-postgres"));

  /* Picked and typed: removed. */
  g_assert_true (sn_maintenance_disk_remove_volume_sync (admin, "sweet-minio-data", "sweet-minio-data", NULL,
                                                         &error));
  g_assert_no_error (error);
  g_assert_false (inventory_has_volume ("sweet-minio-data"));
  g_assert_true (inventory_has_volume ("sweetnarcisse-postgres"));

  /* Any other unused volume: an operator may, with its name typed. */
  g_assert_true (sn_maintenance_disk_remove_volume_sync (operator, anon, anon, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (inventory_has_volume (anon));
}

static void
test_never_volumes_in_audit (void)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint prunes = 0;

  g_assert_true (g_file_get_contents (sn_audit_log_get_path (audit), &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], "maintenance.docker-prune") == NULL)
        continue;
      prunes++;
      g_assert_null (strstr (lines[i], "--volumes"));
    }
  g_assert_cmpuint (prunes, >=, 6);
}

/* npm audit ------------------------------------------------------------- */

static SnDependencyAudit *
audit_through_host (GError **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  sn_maintenance_audit_async (host, NULL, sn_test_store_result_cb, &res);
  return sn_maintenance_audit_finish (host, sn_test_wait_for_result (&res, WAIT_MS), error);
}

/* The recorded report (npm's exit status 1): each package, most severe first, npm's totals. */
static void
test_audit_report (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDependencyAudit) report = audit_through_host (&error);
  GListModel *vulns;
  gboolean seen_cookie = FALSE, seen_next_auth = FALSE;

  g_assert_no_error (error);
  vulns = sn_dependency_audit_get_vulnerabilities (report);
  g_assert_cmpuint (g_list_model_get_n_items (vulns), ==, 6);
  g_assert_cmpuint (sn_dependency_audit_get_count (report, SN_AUDIT_SEVERITY_CRITICAL), ==, 2);
  g_assert_cmpuint (sn_dependency_audit_get_count (report, SN_AUDIT_SEVERITY_LOW), ==, 3);
  g_assert_cmpuint (sn_dependency_audit_get_total (report), ==, 6);
  g_assert_cmpuint (sn_dependency_audit_get_dependencies (report), ==, 994);
  g_assert_true (sn_dependency_audit_is_serious (report));

  for (guint i = 0; i < g_list_model_get_n_items (vulns); i++)
    {
      g_autoptr(SnVulnerability) v = g_list_model_get_item (vulns, i);
      g_autoptr(SnVulnerability) prev = i > 0 ? g_list_model_get_item (vulns, i - 1) : NULL;
      const char *name = sn_vulnerability_get_name (v);

      if (prev != NULL)
        g_assert_cmpint (sn_vulnerability_get_severity (prev), >=, sn_vulnerability_get_severity (v));
      if (g_str_equal (name, "next"))
        {
          g_assert_cmpint (sn_vulnerability_get_severity (v), ==, SN_AUDIT_SEVERITY_CRITICAL);
          g_assert_true (sn_vulnerability_get_direct (v));
          g_assert_cmpstr (sn_vulnerability_get_title (v), ==, "Authorization Bypass in Next.js Middleware");
          g_assert_cmpstr (sn_vulnerability_get_url (v), ==, "https://github.com/advisories/GHSA-f82v-jwr5-mffw");
          g_assert_cmpstr (sn_vulnerability_get_range (v), ==, "15.0.0-canary.0 - 15.2.2");
          g_assert_cmpstr (sn_vulnerability_get_fix (v), ==, "next@15.5.2");
        }
      else if (g_str_equal (name, "cookie"))
        {
          seen_cookie = TRUE;
          g_assert_false (sn_vulnerability_get_direct (v));
          g_assert_true (sn_vulnerability_get_fixable (v));
        }
      else if (g_str_equal (name, "next-auth"))
        {
          /* Only through other packages: no advisory of its own. */
          seen_next_auth = TRUE;
          g_assert_nonnull (strstr (sn_vulnerability_get_title (v), "@auth/core"));
          g_assert_cmpstr (sn_vulnerability_get_url (v), ==, "");
          g_assert_nonnull (strstr (sn_vulnerability_get_fix (v), "4.24.11"));
        }
    }
  g_assert_true (seen_cookie && seen_next_auth);
}

static void
test_audit_clean_and_errors (void)
{
  g_autofree char *override = state_path ("npm-audit.json");
  g_autoptr(SnDependencyAudit) clean = NULL;
  g_autoptr(SnDependencyAudit) none = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (override,
                                      "{\"auditReportVersion\": 2, \"vulnerabilities\": {}, \"metadata\": "
                                      "{\"vulnerabilities\": {\"info\": 0, \"low\": 0, \"moderate\": 0, "
                                      "\"high\": 0, \"critical\": 0, \"total\": 0}, \"dependencies\": "
                                      "{\"total\": 12}}}", -1, NULL));
  clean = audit_through_host (&error);
  g_assert_no_error (error);
  g_assert_false (sn_dependency_audit_is_serious (clean));
  g_assert_cmpuint (g_list_model_get_n_items (sn_dependency_audit_get_vulnerabilities (clean)), ==, 0);

  g_assert_true (g_file_set_contents (override,
                                      "{\"error\": {\"code\": \"ENOLOCK\", \"summary\": \"This command "
                                      "requires an existing lockfile.\", \"detail\": \"\"}}", -1, NULL));
  none = audit_through_host (&error);
  g_assert_null (none);
  g_assert_error (error, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "lockfile"));
  g_clear_error (&error);
  g_remove (override);

  /* npm 6's format is refused with what to do, not misread. */
  g_assert_null (sn_maintenance_parse_npm_audit ("{\"actions\": [], \"advisories\": {}, \"metadata\": {}}", &error));
  g_assert_error (error, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (sn_maintenance_parse_npm_audit ("npm ERR! code ENOAUDIT", &error));
  g_assert_error (error, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_PARSE);
  g_clear_error (&error);
  /* Nothing at all (npm not run, a profile that may not exec): an error, not a crash. */
  g_assert_null (sn_maintenance_parse_npm_audit ("", &error));
  g_assert_error (error, SN_MAINTENANCE_AUDIT_ERROR, SN_MAINTENANCE_AUDIT_ERROR_PARSE);
}

/* Scheduled jobs ------------------------------------------------------- */

static SnScheduledJob *
find_job (GListModel *jobs,
          const char *source,
          SnJobKind   kind)
{
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SnScheduledJob) job = g_list_model_get_item (jobs, i);

      if (g_str_equal (sn_scheduled_job_get_source (job), source) && sn_scheduled_job_get_kind (job) == kind)
        return g_steal_pointer (&job);
    }
  return NULL;
}

static GListModel *
read_jobs (void)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *jobs;

  sn_maintenance_jobs_async (host, NULL, sn_test_store_result_cb, &res);
  jobs = sn_maintenance_jobs_finish (host, sn_test_wait_for_result (&res, WAIT_MS), &error);
  g_assert_no_error (error);
  return jobs;
}

/* Root's crontab and the timers of target-system.md §10.2: the backup, restore test and rotation
 * jobs only, with systemd's last results. */
static void
test_jobs (void)
{
  g_autofree char *results = state_path ("systemd-results");
  g_autofree char *crontab = state_path ("crontab");
  g_autoptr(GListModel) jobs = read_jobs ();
  g_autoptr(GListModel) again = NULL;
  g_autoptr(GListModel) none = NULL;
  g_autoptr(SnScheduledJob) cron_backup = find_job (jobs, "cron", SN_JOB_BACKUP);
  g_autoptr(SnScheduledJob) timer_backup = find_job (jobs, "systemd", SN_JOB_BACKUP);
  g_autoptr(SnScheduledJob) restore = find_job (jobs, "systemd", SN_JOB_RESTORE_TEST);
  g_autoptr(SnScheduledJob) rotation = find_job (jobs, "systemd", SN_JOB_SECRET_ROTATION);
  g_autoptr(SnScheduledJob) cron_rotation = find_job (jobs, "cron", SN_JOB_SECRET_ROTATION);
  g_autoptr(SnScheduledJob) backup_after = NULL;

  /* 3 cron lines + 3 timers; not the purge, the log rotation, the watchdog, certbot, apt. */
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 6);
  g_assert_nonnull (cron_backup);
  g_assert_cmpstr (sn_scheduled_job_get_schedule (cron_backup), ==, "0 0,6,12,18 * * *");
  g_assert_nonnull (strstr (sn_scheduled_job_get_name (cron_backup), "backup-db.sh"));
  g_assert_nonnull (cron_rotation);
  g_assert_nonnull (strstr (sn_scheduled_job_get_name (cron_rotation), "rotate-secrets.sh"));
  g_assert_nonnull (find_job (jobs, "cron", SN_JOB_RESTORE_TEST));

  g_assert_nonnull (timer_backup);
  g_assert_cmpstr (sn_scheduled_job_get_name (timer_backup), ==, "db-backup.timer");
  g_assert_cmpstr (sn_scheduled_job_get_result (timer_backup), ==, "Succeeded");
  g_assert_false (sn_scheduled_job_get_failed (timer_backup));
  g_assert_nonnull (restore);
  g_assert_cmpstr (sn_scheduled_job_get_last (restore), ==, "Never ran");
  g_assert_nonnull (rotation);
  g_assert_true (sn_scheduled_job_get_failed (rotation));
  g_assert_nonnull (strstr (sn_scheduled_job_get_result (rotation), "exit status 1"));

  /* A failed backup shows as failed the next time. */
  g_assert_true (g_file_set_contents (results, "db-backup.service exit-code 2\n", -1, NULL));
  again = read_jobs ();
  backup_after = find_job (again, "systemd", SN_JOB_BACKUP);
  g_assert_true (sn_scheduled_job_get_failed (backup_after));
  g_assert_nonnull (strstr (sn_scheduled_job_get_result (backup_after), "exit status 2"));
  g_remove (results);

  /* No crontab: only the timers. */
  g_assert_true (g_file_set_contents (crontab, "", -1, NULL));
  none = read_jobs ();
  g_assert_cmpuint (g_list_model_get_n_items (none), ==, 3);
  g_remove (crontab);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *audit_path = NULL;
  int ret;

  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();
  sn_actions_register_builtin ();

  profile = sn_profile_copy (sn_test_stack_profile ());
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  session = sn_ssh_session_new (profile, NULL);
  audit_path = g_build_filename (sn_test_stack_dir (), "test-maintenance-audit.jsonl", NULL);
  audit = sn_audit_log_new (audit_path);
  host = sn_host_new (session, audit);
  catalog = sn_runbook_catalog_new (NULL);
  sn_runbook_catalog_load (catalog, NULL);

  g_test_add_func ("/maintenance/disk/parse", test_parse);
  g_test_add_func ("/maintenance/disk/prune-commands", test_prune_commands);
  g_test_add_func ("/maintenance/disk/dry-run-changes-nothing", test_dry_run_changes_nothing);
  g_test_add_func ("/maintenance/disk/freed-matches", test_freed_matches);
  g_test_add_func ("/maintenance/disk/db-volume-survives-stopped-db", test_db_volume_survives_stopped_db);
  g_test_add_func ("/maintenance/disk/stand-in-runbook-command-is-dangerous",
                   test_stand_in_runbook_command_is_dangerous);
  g_test_add_func ("/maintenance/disk/read-only-refused", test_read_only_refused);
  g_test_add_func ("/maintenance/npm-fix/read-only-refused", test_npm_fix_read_only_refused);
  g_test_add_func ("/maintenance/secret-steps/cover-critical", test_secret_steps_cover_critical);
  g_test_add_func ("/maintenance/disk/volume-needs-typed-name", test_volume_needs_typed_name);
  g_test_add_func ("/maintenance/disk/never-volumes", test_never_volumes_in_audit);
  g_test_add_func ("/maintenance/audit/report", test_audit_report);
  g_test_add_func ("/maintenance/audit/clean-and-errors", test_audit_clean_and_errors);
  g_test_add_func ("/maintenance/jobs", test_jobs);

  ret = g_test_run ();

  reset_host ();
  g_clear_object (&catalog);
  g_clear_object (&host);
  g_clear_object (&session);
  g_clear_object (&audit);
  g_clear_object (&profile);
  return ret;
}
