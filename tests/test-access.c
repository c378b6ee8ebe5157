/* test-access.c: "Set up read-only access for the direction" end to end on the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "sn-actions-builtin.h"
#include "sn-database.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

#define PASSWORD "Direction-Only-R3ads!"

static SnRunOutcome
run_setup (GHashTable  *params,
           GError     **error)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnRunner) runner = NULL;
  SnRunbook *runbook;
  SnRunOutcome outcome;

  g_assert_true (sn_runbook_catalog_load (catalog, NULL));
  runbook = sn_runbook_catalog_lookup (catalog, "setup-readonly-access");
  g_assert_nonnull (runbook);
  g_assert_true (sn_runbook_is_builtin (runbook));
  g_assert_cmpint (sn_runbook_get_safety_level (runbook), ==, SN_SAFETY_LEVEL_ADMIN);

  runner = sn_runner_new (runbook, sn_test_stack_profile (), params, error);
  if (runner == NULL)
    return SN_RUN_OUTCOME_FAILED;
  /* An admin runbook that changes the server is a break-glass run: core
   * refuses it without a reason. */
  g_assert_cmpint (sn_runner_get_required_gates (runner) & SN_GATE_REASON, !=, 0);
  sn_runner_set_reason (runner, "Give the direction read-only access (test)");
  session = sn_ssh_session_new (sn_test_stack_profile (), NULL);
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));
  outcome = sn_runner_execute_sync (runner, NULL, error);
  g_test_message ("outcome %d: %s", outcome, sn_runner_get_summary (runner));
  sn_ssh_session_disconnect (session);
  return outcome;
}

static GHashTable *
params_new (const char *role,
            const char *key,
            const char *export_path)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autofree char *keys = g_build_filename (sn_test_stack_dir (), "ssh", "authorized_keys", NULL);

  g_hash_table_insert (params, (gpointer)"role", g_strdup (role));
  g_hash_table_insert (params, (gpointer)"password", g_strdup (PASSWORD));
  g_hash_table_insert (params, (gpointer)"ssh-public-key", g_strdup (key));
  g_hash_table_insert (params, (gpointer)"authorized-keys", g_steal_pointer (&keys));
  g_hash_table_insert (params, (gpointer)"profile-name", g_strdup ("direction"));
  g_hash_table_insert (params, (gpointer)"export", g_strdup (export_path));
  return params;
}

static SnDatabase *
connect_as (const char *user,
            const char *password)
{
  return sn_database_new ("127.0.0.1", sn_test_stack_get_port ("PGPORT"), sn_test_stack_get ("PGDATABASE"),
                          user, password);
}

static char *
owner_value (const char *sql)
{
  g_autoptr(SnDatabase) owner = connect_as (sn_test_stack_get ("PGUSER"), sn_test_stack_get ("PGPASSWORD"));
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = sn_database_query_sync (owner, sql, NULL, &error);
  g_assert_no_error (error);
  return g_strdup (sn_query_result_get_value (result, 0, 0));
}

static char *
new_public_key (const char *name)
{
  g_autofree char *path = g_build_filename (sn_test_stack_dir (), name, NULL);
  g_autofree char *command = g_strdup_printf ("rm -f '%s' '%s.pub'; ssh-keygen -q -t ed25519 -N '' -C %s -f '%s' "
                                              "&& cat '%s.pub'", path, path, name, path, path);

  return g_strstrip (sn_test_run (command));
}

/* Grep for @needle under @dir, recursively; TRUE when found. */
static gboolean
found_under (const char *dir,
             const char *needle)
{
  g_autofree char *quoted_dir = g_shell_quote (dir);
  g_autofree char *quoted = g_shell_quote (needle);
  g_autofree char *command = g_strdup_printf ("grep -rlF -- %s %s || true", quoted, quoted_dir);
  g_autofree char *out = sn_test_run (command);

  return *g_strstrip (out) != '\0';
}

static void
test_setup_and_use (void)
{
  g_autofree char *export_path = g_build_filename (sn_test_stack_dir (), "direction.json", NULL);
  g_autofree char *keys_path = g_build_filename (sn_test_stack_dir (), "ssh", "authorized_keys", NULL);
  g_autofree char *key = new_public_key ("direction_key");
  g_autofree char *keys = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *value = NULL;
  g_autofree char *ssh = NULL;
  g_autoptr(GHashTable) params = params_new ("direction_ro", key, export_path);
  g_autoptr(SnDatabase) db = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(SnProfile) exported = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (run_setup (params, &error) != SN_RUN_OUTCOME_SUCCEEDED)
    g_error ("setup failed: %s", error != NULL ? error->message : "?");

  /* The role reads, and cannot write even when it tries to leave read-only. */
  db = connect_as ("direction_ro", PASSWORD);
  g_assert_true (sn_database_allow_writes (db, "test: bypass the client net", NULL));
  result = sn_database_query_sync (db, "SELECT count(*) > 0, current_setting('default_transaction_read_only') "
                                       "FROM \"Booking\"", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "t");
  g_clear_object (&result);
  result = sn_database_query_sync (db, "SET default_transaction_read_only = off; DELETE FROM \"Booking\"",
                                   NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_test_message ("write as direction_ro: %s", error->message);
  g_clear_error (&error);
  result = sn_database_query_sync (db, "BEGIN READ WRITE; CREATE TABLE sn_access_t (x int); COMMIT;",
                                   NULL, &error);
  g_assert_null (result);
  g_clear_error (&error);
  value = owner_value ("SELECT (SELECT count(*) FROM \"Booking\") > 0 AND to_regclass('sn_access_t') IS NULL "
                       "AND NOT rolsuper AND NOT rolcreaterole AND rolconfig::text LIKE "
                       "'%default_transaction_read_only=on%' FROM pg_roles WHERE rolname = 'direction_ro'");
  g_assert_cmpstr (value, ==, "t");

  /* A table created later is readable too (default privileges). */
  g_free (owner_value ("SELECT 1"));
  {
    g_autoptr(SnDatabase) owner = connect_as (sn_test_stack_get ("PGUSER"), sn_test_stack_get ("PGPASSWORD"));
    g_autoptr(SnQueryResult) made = NULL;

    sn_database_allow_writes (owner, "test: a new table", NULL);
    made = sn_database_query_sync (owner, "CREATE TABLE sn_access_later (x int); INSERT INTO sn_access_later VALUES (7)",
                                   NULL, &error);
    g_assert_no_error (error);
  }
  g_clear_object (&result);
  result = sn_database_query_sync (db, "SELECT x FROM sn_access_later", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "7");

  /* The key is in authorized_keys, limited to the tunnel: a command fails at once. */
  g_assert_true (g_file_get_contents (keys_path, &keys, NULL, NULL));
  g_assert_nonnull (strstr (keys, "restrict,port-forwarding,permitopen=\"127.0.0.1:"));
  g_assert_nonnull (strstr (keys, key));
  ssh = g_strdup_printf ("ssh -F /dev/null -o UserKnownHostsFile=%s/ssh/known_hosts -o IdentitiesOnly=yes "
                         "-o BatchMode=yes -i %s/direction_key -p %s root@127.0.0.1 id 2>&1 | "
                         "grep -c 'only opens the database tunnel'",
                         sn_test_stack_dir (), sn_test_stack_dir (), sn_test_stack_get ("SSH_PORT"));
  g_free (value);
  value = g_strstrip (sn_test_run (ssh));
  g_assert_cmpstr (value, ==, "1");

  /* The exported profile: read-only, the role, 0600, no secret. */
  g_assert_cmpint (g_stat (export_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (export_path, &contents, NULL, NULL));
  node = json_from_string (contents, &error);
  g_assert_no_error (error);
  exported = sn_profile_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_profile_get_name (exported), ==, "direction");
  g_assert_cmpint (sn_profile_get_safety_level (exported), ==, SN_SAFETY_LEVEL_READ_ONLY);
  g_assert_cmpstr (sn_profile_get_db_user (exported), ==, "direction_ro");
  g_assert_null (strstr (contents, PASSWORD));

  /* The password is nowhere in the app's data: audit log, reports. */
  g_assert_false (found_under (g_get_user_data_dir (), PASSWORD));
  g_assert_false (found_under (g_get_user_data_dir (), "SCRAM-SHA-256$"));

  /* Run again: idempotent, the role kept, the key line not doubled. */
  g_assert_cmpint (run_setup (params, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  g_free (keys);
  g_assert_true (g_file_get_contents (keys_path, &keys, NULL, NULL));
  g_assert_true (strstr (keys, key) == g_strrstr (keys, key));
}

/* A later step fails: the revert drops the role this run created and removes
 * exactly the key line it added. */
static void
test_revert (void)
{
  g_autofree char *keys_path = g_build_filename (sn_test_stack_dir (), "ssh", "authorized_keys", NULL);
  g_autofree char *bad_export = g_build_filename (sn_test_stack_dir (), "no-such-dir", "p.json", NULL);
  g_autofree char *key = new_public_key ("revert_key");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GHashTable) params = params_new ("sn_revert_ro", key, bad_export);
  g_autoptr(GError) error = NULL;
  SnRunOutcome outcome;

  g_assert_true (g_file_get_contents (keys_path, &before, NULL, NULL));
  outcome = run_setup (params, &error);
  g_assert_cmpint (outcome, ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  g_test_message ("revert: %s", error != NULL ? error->message : "");
  value = owner_value ("SELECT count(*) FROM pg_roles WHERE rolname = 'sn_revert_ro'");
  g_assert_cmpstr (value, ==, "0");
  g_assert_true (g_file_get_contents (keys_path, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
}

/* The role is not created over the app's own role or a powerful one. */
static void
test_refuses_powerful_role (void)
{
  g_autofree char *export_path = g_build_filename (sn_test_stack_dir (), "p2.json", NULL);
  g_autoptr(GHashTable) params = params_new ("snarcisse", "", export_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_cmpint (run_setup (params, &error), !=, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_hash_table_insert (params, (gpointer)"role", g_strdup ("postgres"));
  g_assert_cmpint (run_setup (params, &error), !=, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_nonnull (error);
  value = owner_value ("SELECT rolsuper::text || rolcanlogin::text FROM pg_roles WHERE rolname = 'postgres'");
  g_assert_cmpstr (value, ==, "truetrue");
  g_assert_false (g_file_test (export_path, G_FILE_TEST_EXISTS));
}

static void
test_scram_verifier (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *v = sn_scram_sha256_verifier ("correct horse battery", &error);

  g_assert_no_error (error);
  g_assert_true (g_regex_match_simple ("^SCRAM-SHA-256\\$4096:[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$",
                                       v, 0, 0));
  g_assert_null (sn_scram_sha256_verifier ("short", &error));
  g_assert_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();

  g_test_add_func ("/access/scram-verifier", test_scram_verifier);
  g_test_add_func ("/access/setup-and-use", test_setup_and_use);
  g_test_add_func ("/access/revert", test_revert);
  g_test_add_func ("/access/refuses-powerful-role", test_refuses_powerful_role);

  return g_test_run ();
}
