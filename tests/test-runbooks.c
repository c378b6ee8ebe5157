/* test-runbooks.c: the shipped runbooks, end to end on the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sn-core.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

static SnRunbookCatalog *catalog;

static char *
app_pid (void)
{
  g_autofree char *path = g_build_filename (sn_test_stack_dir (), "app", "app.pid", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_strstrip (contents);
}

static SnRunner *
make_runner (const char *id,
             SnProfile  *profile)
{
  g_autoptr(SnSshSession) session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  g_autoptr(GError) error = NULL;
  SnRunbook *runbook = sn_runbook_catalog_lookup (catalog, id);
  SnRunner *runner;

  g_assert_nonnull (runbook);
  runner = sn_runner_new (runbook, profile, NULL, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));
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

      if (g_strcmp0 (sn_step_run_get_id (step), id) == 0)
        return g_steal_pointer (&step);
    }

  g_assert_not_reached ();
}

static void
test_catalog (void)
{
  g_autofree char *user_dir = g_build_filename (sn_test_stack_dir (), "user-runbooks", NULL);
  g_autofree char *bad = g_build_filename (user_dir, "broken.json", NULL);
  g_autofree char *mine = g_build_filename (user_dir, "mine.json", NULL);
  g_autoptr(SnRunbookCatalog) local = sn_runbook_catalog_new (user_dir);
  const char * const *errors;

  g_assert_cmpint (g_mkdir_with_parents (user_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (bad, "{ \"id\": \"broken\", \"title\": \"B\", \"steps\": ["
                                           " { \"id\": \"s\", \"title\": \"S\", \"action\": \"host.nope\" } ] }",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (mine, "{ \"id\": \"mine\", \"title\": \"Mine\", \"steps\": ["
                                            " { \"id\": \"s\", \"title\": \"Uptime\", \"action\": \"host.exec\","
                                            "   \"args\": { \"command\": \"uptime\" } } ] }",
                                      -1, NULL));

  g_assert_true (sn_runbook_catalog_load (local, NULL));
  g_assert_nonnull (sn_runbook_catalog_lookup (local, "sev1-checklist"));
  g_assert_nonnull (sn_runbook_catalog_lookup (local, "restart-app"));
  g_assert_nonnull (sn_runbook_catalog_lookup (local, "mine"));
  g_assert_null (sn_runbook_catalog_lookup (local, "broken"));

  errors = sn_runbook_catalog_get_errors (local);
  g_assert_cmpuint (g_strv_length ((char **)errors), ==, 1);
  g_assert_nonnull (strstr (errors[0], "broken.json: step 1 (“s”): unknown action “host.nope”"));

  /* The shipped ones load without a single error. */
  g_assert_cmpuint (g_strv_length ((char **)sn_runbook_catalog_get_errors (catalog)), ==, 0);
}

/* The shipped runbooks are described for ops staff: what it does and why it
 * is safe, not the commands, flags and scripts behind it. */
static void
test_descriptions_for_ops (void)
{
  static const char * const jargon[] = { "scripts/", ".sh", " --", " -F", "docker compose", "pg_dump",
                                         "pg_restore", "mc cp", "sha256", "SCRAM", NULL };
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(SnRunbook) runbook = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      const char *text = sn_runbook_get_description (runbook);

      if (!sn_runbook_is_builtin (runbook))
        continue;
      n++;
      g_assert_nonnull (text);
      for (guint j = 0; jargon[j] != NULL; j++)
        if (strstr (text, jargon[j]) != NULL)
          g_error ("the description of %s speaks of “%s”: %s", sn_runbook_get_id (runbook), jargon[j], text);
    }
  g_assert_cmpuint (n, >=, 6);
}

static void
test_sev1_checklist_passes (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnRunner) runner = make_runner ("sev1-checklist", profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) logs = NULL;
  g_autoptr(SnStepRun) database = NULL;
  g_autofree char *log_output = NULL;
  g_autofree char *report = NULL;
  g_autofree char *password = NULL;

  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);

  /* Evidence, not just a green light: the app's log lines and the query's answer. */
  logs = find_step (runner, "app-logs");
  log_output = sn_step_run_dup_output (logs);
  g_assert_nonnull (strstr (log_output, "\"level\""));
  database = find_step (runner, "database");
  g_assert_cmpint (sn_step_run_get_exit_status (database), ==, 0);

  g_assert_true (g_file_get_contents (sn_runner_get_report_path (runner), &report, NULL, NULL));
  g_assert_nonnull (strstr (report, "SELECT 1"));
  g_assert_nonnull (strstr (report, "-U snarcisse"));
  password = g_strdup (sn_test_stack_get ("PGPASSWORD"));
  g_assert_null (strstr (report, password));
  g_assert_null (strstr (report, sn_test_stack_get ("MONITORING_KEY")));
}

static void
test_sev1_checklist_database_down (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnRunner) runner = make_runner ("sev1-checklist", profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) health = NULL;
  g_autoptr(SnStepRun) database = NULL;
  g_autoptr(SnStepRun) disk = NULL;

  sn_test_stack_stop ("postgres");
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED);
  sn_test_stack_start ("postgres");

  g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED);
  health = find_step (runner, "health");
  database = find_step (runner, "database");
  disk = find_step (runner, "disk");
  g_assert_cmpint (sn_step_run_get_state (health), ==, SN_STEP_STATE_FAILED);
  g_assert_cmpint (sn_step_run_get_state (database), ==, SN_STEP_STATE_FAILED);
  g_assert_cmpint (sn_step_run_get_state (disk), ==, SN_STEP_STATE_SUCCEEDED);
  g_assert_nonnull (strstr (error->message, "Database answers SELECT 1"));
}

/* `docker compose ps -a` exits 0 whatever the states: the Containers check
 * looks at them, and names what is down. */
static void
test_sev1_checklist_app_down (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnRunner) healthy = make_runner ("sev1-checklist", profile);
  g_autoptr(SnRunner) runner = make_runner ("sev1-checklist", profile);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) containers = NULL;
  g_autoptr(SnStepRun) disk = NULL;
  g_autofree char *output = NULL;

  /* Up: the check passes and lists each container with its state. */
  g_assert_cmpint (sn_runner_execute_sync (healthy, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  containers = find_step (healthy, "containers");
  g_assert_cmpint (sn_step_run_get_state (containers), ==, SN_STEP_STATE_SUCCEEDED);
  output = sn_step_run_dup_output (containers);
  g_assert_true (g_regex_match_simple ("^app +running", output, G_REGEX_MULTILINE, 0));
  g_clear_object (&containers);
  g_clear_pointer (&output, g_free);

  sn_test_stack_stop ("app");
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED);
  sn_test_stack_start ("app");

  g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED);
  containers = find_step (runner, "containers");
  g_assert_cmpint (sn_step_run_get_state (containers), ==, SN_STEP_STATE_FAILED);
  g_assert_nonnull (strstr (sn_step_run_get_message (containers), "sweetnarcisse-app-1 (Exited"));
  /* Only what is down is named. */
  g_assert_null (strstr (sn_step_run_get_message (containers), "sweetnarcisse-db"));
  output = sn_step_run_dup_output (containers);
  g_assert_true (g_regex_match_simple ("^app +exited", output, G_REGEX_MULTILINE, 0));
  disk = find_step (runner, "disk");
  g_assert_cmpint (sn_step_run_get_state (disk), ==, SN_STEP_STATE_SUCCEEDED);
  g_assert_nonnull (strstr (error->message, "Containers"));
}

/* A full disk is named once per file system, with its percentage as df
 * prints it ("31%", never "31%%"). The threshold is set under today's use so
 * the real disk of this machine trips it. */
static void
test_disk_full_message (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnSshSession) session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) disk = NULL;
  const char *json =
    "{ \"id\": \"disk-test\", \"title\": \"Disk\", \"safety-level\": \"read-only\", \"steps\": ["
    "  { \"id\": \"disk\", \"title\": \"Disk space\", \"action\": \"host.disk\","
    "    \"args\": { \"paths\": [\"/\", \"/\"], \"warn-percent\": 0, \"fail-percent\": 0 } } ] }";
  const char *message;

  runbook = sn_runbook_new_from_data (json, -1, "disk-test.json", &error);
  g_assert_no_error (error);
  runner = sn_runner_new (runbook, profile, NULL, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));
  /* Nothing to revert: a failed read is "failed, every revert worked". */
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  disk = find_step (runner, "disk");
  g_assert_cmpint (sn_step_run_get_state (disk), ==, SN_STEP_STATE_FAILED);
  message = sn_step_run_get_message (disk);
  g_test_message ("%s", message);
  g_assert_true (g_regex_match_simple ("^Disk almost full: / [0-9]+% — ", message, 0, 0));
  g_assert_null (strstr (message, "%%"));
  g_assert_null (strstr (strstr (message, "/ ") + 2, "/ "));   /* the root once */
}

static void
test_restart_app (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnRunner) dry = make_runner ("restart-app", profile);
  g_autoptr(SnRunner) runner = make_runner ("restart-app", profile);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = app_pid ();
  g_autofree char *after_plan = NULL;
  g_autofree char *after = NULL;
  g_autoptr(SnStepRun) restart = NULL;

  /* The dry run touches nothing: the app keeps its process. */
  g_assert_true (sn_runner_plan_sync (dry, NULL, &error));
  g_assert_no_error (error);
  after_plan = app_pid ();
  g_assert_cmpstr (before, ==, after_plan);
  restart = find_step (dry, "restart");
  g_assert_nonnull (strstr (sn_step_run_get_command (restart),
                            "docker compose --env-file .env.production.local up -d --force-recreate app"));
  g_clear_object (&restart);

  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  after = app_pid ();
  g_assert_cmpstr (before, !=, after);
  restart = find_step (runner, "restart");
  g_assert_cmpint (sn_step_run_get_state (restart), ==, SN_STEP_STATE_SUCCEEDED);
}

static void
test_restart_app_refused_read_only (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = app_pid ();
  g_autofree char *after = NULL;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  runner = make_runner ("restart-app", profile);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED);
  after = app_pid ();
  g_assert_cmpstr (before, ==, after);
}

/* A failing middle step: the reverts run newest first and the rows are
 * back to what they were, on the real database through the real host. */
static void
test_failure_reverts_rows (void)
{
  static const char *runbook_json =
    "{ \"id\": \"rows\", \"title\": \"Rows\", \"steps\": ["
    "  { \"id\": \"a\", \"title\": \"Insert A\", \"action\": \"host.exec\", \"destructive\": true,"
    "    \"args\": { \"in-deploy-path\": true, \"command\": \"docker compose exec -T db psql -U snarcisse -d snarcisse -c 'INSERT INTO sn_runbook_rows VALUES (1)'\" },"
    "    \"revert\": { \"action\": \"host.exec\", \"args\": { \"in-deploy-path\": true, \"command\": \"docker compose exec -T db psql -U snarcisse -d snarcisse -c 'DELETE FROM sn_runbook_rows WHERE id = 1'\" } } },"
    "  { \"id\": \"b\", \"title\": \"Insert B\", \"action\": \"host.exec\", \"destructive\": true,"
    "    \"args\": { \"in-deploy-path\": true, \"command\": \"docker compose exec -T db psql -U snarcisse -d snarcisse -c 'INSERT INTO sn_runbook_rows VALUES (2)'\" },"
    "    \"revert\": { \"action\": \"host.exec\", \"args\": { \"in-deploy-path\": true, \"command\": \"docker compose exec -T db psql -U snarcisse -d snarcisse -c 'DELETE FROM sn_runbook_rows WHERE id = 2'\" } } },"
    "  { \"id\": \"c\", \"title\": \"Fail\", \"action\": \"host.exec\", \"destructive\": true,"
    "    \"args\": { \"command\": \"echo no space left >&2; exit 3\" } } ] }";
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnSshSession) session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) first = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *created = NULL;

  created = sn_test_psql ("CREATE TABLE IF NOT EXISTS sn_runbook_rows (id int PRIMARY KEY); "
                  "TRUNCATE sn_runbook_rows; INSERT INTO sn_runbook_rows VALUES (7)");
  before = sn_test_psql ("SELECT string_agg(id::text, ',' ORDER BY id) FROM sn_runbook_rows");
  g_assert_cmpstr (before, ==, "7");

  runbook = sn_runbook_new_from_data (runbook_json, -1, "rows.json", &error);
  g_assert_no_error (error);
  runner = sn_runner_new (runbook, profile, NULL, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));

  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==,
                   SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_nonnull (strstr (error->message, "no space left"));
  first = find_step (runner, "a");
  g_assert_cmpint (sn_step_run_get_state (first), ==, SN_STEP_STATE_REVERTED);

  after = sn_test_psql ("SELECT string_agg(id::text, ',' ORDER BY id) FROM sn_runbook_rows");
  g_assert_cmpstr (after, ==, before);
  g_free (sn_test_psql ("DROP TABLE sn_runbook_rows"));
  sn_ssh_session_disconnect (session);
}

/* Every file under @dir (recursively) that holds @needle. */
static void
find_in_files (const char *dir,
               const char *needle,
               GPtrArray  *found)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        find_in_files (path, needle, found);
      else if (g_file_get_contents (path, &contents, &length, NULL) &&
               g_strstr_len (contents, length, needle) != NULL)
        g_ptr_array_add (found, g_steal_pointer (&path));
    }
}

/* A secret parameter used in a host command reaches the host, and nothing the
 * app keeps: audit log, report, anything under its data and config (M2); a
 * string parameter is one shell word ('v1; touch x' runs no second command, M3). */
static void
test_secret_and_string_params_on_host (void)
{
  static const char *secret = "S3cr3tTok3nValue-91";
  g_autofree char *marker = g_build_filename (sn_test_stack_dir (), "injected", NULL);
  g_autofree char *ref = g_strdup_printf ("v1; touch %s", marker);
  g_autoptr(SnSshSession) session = sn_ssh_session_new (sn_test_stack_profile (),
                                                        sn_secret_store_get_default ());
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) count = NULL;
  g_autofree char *output = NULL;

  g_remove (marker);
  runbook = sn_runbook_new_from_data ("{ \"id\": \"leak\", \"title\": \"Leak\", \"parameters\": ["
                                      " { \"id\": \"token\", \"type\": \"secret\", \"label\": \"Token\" },"
                                      " { \"id\": \"ref\", \"type\": \"string\", \"label\": \"Ref\" } ],"
                                      " \"steps\": ["
                                      " { \"id\": \"count\", \"title\": \"Count\", \"action\": \"host.exec\","
                                      "   \"args\": { \"command\": \"printf %s ${token} | wc -c; echo ref=${ref}\" } } ] }",
                                      -1, "leak.json", &error);
  g_assert_no_error (error);
  g_hash_table_insert (params, (char *)"token", (char *)secret);
  g_hash_table_insert (params, (char *)"ref", ref);
  runner = sn_runner_new (runbook, sn_test_stack_profile (), params, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);

  /* The host got the real values, as one word each. */
  count = find_step (runner, "count");
  output = sn_step_run_dup_output (count);
  g_assert_nonnull (strstr (output, "19"));
  g_assert_nonnull (strstr (output, ref));
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));

  /* Nothing the app wrote holds the secret. */
  find_in_files (g_get_user_data_dir (), secret, found);
  find_in_files (g_get_user_config_dir (), secret, found);
  find_in_files (g_get_user_cache_dir (), secret, found);
  for (guint i = 0; i < found->len; i++)
    g_printerr ("the secret is in %s\n", (char *)g_ptr_array_index (found, i));
  g_assert_cmpuint (found->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  sn_test_stack_up ();
  catalog = sn_runbook_catalog_new (NULL);
  g_assert_true (sn_runbook_catalog_load (catalog, NULL));

  g_test_add_func ("/runbooks/disk-full-message", test_disk_full_message);
  g_test_add_func ("/runbooks/catalog", test_catalog);
  g_test_add_func ("/runbooks/descriptions-for-ops", test_descriptions_for_ops);
  g_test_add_func ("/runbooks/sev1-checklist/passes", test_sev1_checklist_passes);
  g_test_add_func ("/runbooks/sev1-checklist/database-down", test_sev1_checklist_database_down);
  g_test_add_func ("/runbooks/sev1-checklist/app-down", test_sev1_checklist_app_down);
  g_test_add_func ("/runbooks/restart-app/restarts", test_restart_app);
  g_test_add_func ("/runbooks/restart-app/read-only-refused", test_restart_app_refused_read_only);
  g_test_add_func ("/runbooks/failure-reverts-rows", test_failure_reverts_rows);
  g_test_add_func ("/runbooks/secret-and-string-params-on-host", test_secret_and_string_params_on_host);

  return g_test_run ();
}
