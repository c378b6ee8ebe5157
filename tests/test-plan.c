/* test-plan.c: what a plan shows is what runs on the host (issue 13, L6, L12, M2)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every command a runbook runs on the host goes through SnHost, which writes
 * one audit line with the command. A plan (sn_runner_plan_sync) shows each
 * step as "ssh -p PORT USER@HOST 'COMMAND'". Here the COMMAND of the plan is
 * compared, byte for byte, with the command the audit log recorded when the
 * step ran on the local stack (as sorted lists: a parallel group's steps end
 * in any order).
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-action.h"
#include "sn-actions-builtin.h"
#include "sn-audit-log.h"
#include "sn-backup-service.h"
#include "sn-core.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

#define PLANNED_BACKUP_NAME   "sweet_narcisse_YYYYMMDD_HHMMSS.dump"
#define PLANNED_TEST_DATABASE "sn_restore_test_EPOCH"

static SnRunbookCatalog *catalog;
static SnSshSession     *session;

static const char * const host_actions[] = { "host.exec", "host.compose", "host.containers", "host.disk",
                                             "db.query", NULL };

/* The audit log ----------------------------------------------------------- */

static const char *
audit_path (void)
{
  return sn_audit_log_get_path (sn_audit_log_get_default ());
}

static char *
audit_contents (void)
{
  char *contents = NULL;

  if (!g_file_get_contents (audit_path (), &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

/* The entries appended since the log held @offset bytes whose action is
 * @action (NULL: any). */
static GPtrArray *
audit_since (gsize       offset,
             const char *action)
{
  g_autofree char *contents = audit_contents ();
  g_auto(GStrv) lines = NULL;
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

  g_assert_cmpuint (strlen (contents), >=, offset);
  lines = g_strsplit (contents + offset, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *entry;

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      entry = json_node_get_object (json_parser_get_root (parser));
      if (action == NULL || g_strcmp0 (json_object_get_string_member (entry, "action"), action) == 0)
        g_ptr_array_add (entries, json_object_ref (entry));
    }
  return entries;
}

static gsize
audit_size (void)
{
  g_autofree char *contents = audit_contents ();

  return strlen (contents);
}

static const char *
entry_command (GPtrArray *entries,
               guint      index)
{
  g_assert_cmpuint (index, <, entries->len);
  return json_object_get_string_member (g_ptr_array_index (entries, index), "command");
}

/* Plans ------------------------------------------------------------------- */

/* "ssh -p PORT USER@HOST 'COMMAND'" → COMMAND, checking the ssh part against
 * the profile's own values. */
static char *
planned_command (SnProfile  *profile,
                 const char *plan)
{
  g_autofree char *ssh = g_strdup_printf ("ssh -p %u %s@%s ", sn_profile_get_ssh_port (profile),
                                          sn_profile_get_ssh_user (profile),
                                          sn_profile_get_ssh_host (profile));
  g_autoptr(GError) error = NULL;
  char *command;

  g_assert_nonnull (plan);
  if (!g_str_has_prefix (plan, ssh))
    g_error ("the plan “%s” does not start with “%s”", plan, ssh);
  command = g_shell_unquote (plan + strlen (ssh), &error);
  g_assert_no_error (error);
  return command;
}

static SnRunner *
make_runner (SnRunbook *runbook,
             SnProfile *profile)
{
  g_autoptr(GError) error = NULL;
  SnRunner *runner = sn_runner_new (runbook, profile, NULL, &error);

  g_assert_no_error (error);
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));
  sn_runner_set_typed_name (runner, sn_profile_get_name (profile));
  return runner;
}

static gboolean
is_host_call (const SnRunbookCall *call)
{
  return call != NULL && g_strv_contains (host_actions, call->action);
}

/* A runbook of every host call of @runbook (steps, verifications, reverts),
 * each one a step of its own with the same action and arguments, so that
 * each runs once even when the original would only run it on failure. */
static SnRunbook *
host_calls_runbook (SnRunbook *runbook,
                    guint     *n_calls)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *id = g_strdup_printf ("plan-%s", sn_runbook_get_id (runbook));
  SnRunbook *copy;

  *n_calls = 0;
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "safety-level");
  json_builder_add_string_value (builder, "operator");
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sn_runbook_get_n_steps (runbook); i++)
    {
      const SnRunbookStep *step = sn_runbook_get_step (runbook, i);
      const SnRunbookCall *calls[] = { step->call, step->verify, step->revert };

      for (guint j = 0; j < G_N_ELEMENTS (calls); j++)
        {
          g_autofree char *step_id = NULL;

          if (!is_host_call (calls[j]))
            continue;
          step_id = g_strdup_printf ("c%u", (*n_calls)++);
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, step_id);
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, step->title);
          json_builder_set_member_name (builder, "action");
          json_builder_add_string_value (builder, calls[j]->action);
          json_builder_set_member_name (builder, "destructive");
          json_builder_add_boolean_value (builder, step->destructive || j == 2);
          json_builder_set_member_name (builder, "args");
          json_builder_add_value (builder, json_node_init_object (json_node_alloc (), calls[j]->args));
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (*n_calls == 0)
    return NULL;
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  copy = sn_runbook_new_from_data (json, -1, "test-plan", &error);
  g_assert_no_error (error);
  return copy;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

/* Plans @runbook, runs it, and checks that the host commands of its steps,
 * in order, are the planned ones. Returns how many were compared. */
static guint
assert_plan_is_what_runs (SnRunbook *runbook,
                          SnProfile *profile)
{
  g_autoptr(SnRunner) dry = make_runner (runbook, profile);
  g_autoptr(SnRunner) runner = make_runner (runbook, profile);
  g_autoptr(GPtrArray) planned = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ran = NULL;
  g_autoptr(GPtrArray) executed = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *steps;
  gsize offset;

  g_assert_true (sn_runner_plan_sync (dry, NULL, &error));
  g_assert_no_error (error);
  steps = sn_runner_get_steps (dry);
  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);
      const SnRunbookStep *def = sn_runbook_get_step (runbook, i);

      if (is_host_call (def->call))
        g_ptr_array_add (planned, planned_command (profile, sn_step_run_get_command (step)));
    }

  offset = audit_size ();
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);

  /* Steps of a parallel group end in any order: compare sorted. */
  ran = audit_since (offset, "runbook.host");
  executed = g_ptr_array_new ();
  for (guint i = 0; i < ran->len; i++)
    g_ptr_array_add (executed, (gpointer)entry_command (ran, i));
  g_ptr_array_sort (executed, compare_strings);
  g_ptr_array_sort (planned, compare_strings);
  g_assert_cmpuint (executed->len, ==, planned->len);
  for (guint i = 0; i < planned->len; i++)
    {
      g_test_message ("%s: %s", sn_runbook_get_id (runbook), (char *)g_ptr_array_index (executed, i));
      g_assert_cmpstr (g_ptr_array_index (executed, i), ==, g_ptr_array_index (planned, i));
    }

  return planned->len;
}

/* Every built-in runbook: the plan of each of its host calls equals the
 * command that ran. Runbooks made only of host steps and health checks run
 * as they are; every host call of each one also runs on its own. */
static void
test_builtin_runbooks (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  guint n_builtin = 0;
  guint n_compared = 0;
  guint n_whole = 0;

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(SnRunbook) runbook = g_list_model_get_item (G_LIST_MODEL (catalog), i);
      g_autoptr(SnRunbook) calls = NULL;
      gboolean only_host = TRUE;
      guint n_calls = 0;

      if (!sn_runbook_is_builtin (runbook))
        continue;
      n_builtin++;

      for (guint j = 0; j < sn_runbook_get_n_steps (runbook); j++)
        {
          const SnRunbookStep *step = sn_runbook_get_step (runbook, j);

          if (!is_host_call (step->call) && g_strcmp0 (step->call->action, "http.health") != 0)
            only_host = FALSE;
        }
      if (only_host)
        {
          n_compared += assert_plan_is_what_runs (runbook, profile);
          n_whole++;
        }

      calls = host_calls_runbook (runbook, &n_calls);
      if (calls != NULL)
        n_compared += assert_plan_is_what_runs (calls, profile);
      /* Every call in a row, reverts included, may end on "stop app"
       * (restore's start has one): the next runbook finds the app up. */
      sn_test_stack_start ("app");
    }

  /* sev1-checklist and restart-app run whole; restore's stop and start too. */
  g_assert_cmpuint (n_builtin, >=, 5);
  g_assert_cmpuint (n_whole, >=, 2);
  g_assert_cmpuint (n_compared, >=, 15);
}

/* The backup actions ----------------------------------------------------- */

static char *
describe (const char      *action,
          SnActionContext *context,
          const char      *args_json)
{
  const SnActionInfo *info = sn_action_lookup (action);
  g_autoptr(JsonNode) node = json_from_string (args_json, NULL);

  g_assert_nonnull (info);
  g_assert_nonnull (info->describe);
  return info->describe (context, json_node_get_object (node));
}

/* backup.create, backup.restore and backup.restore-test plan the commands
 * the service's own builders make, and the service runs exactly those. */
static void
test_backup_commands (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnBackupService) service = sn_backup_service_new (profile, session);
  g_autoptr(SnActionContext) context = sn_action_context_new (profile, NULL);
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(SnRestoreTestResult) tested = NULL;
  g_autoptr(GPtrArray) ran = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *plan = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *port = NULL;
  g_autofree char *login = NULL;
  g_autofree char *args = NULL;
  g_autofree char *restore_plan = NULL;
  g_autofree char *restored = NULL;
  g_auto(GStrv) planned_test = NULL;
  g_auto(GStrv) test_commands = NULL;
  g_auto(GStrv) words = NULL;
  const char *name;
  gsize offset;

  sn_action_context_set_service (context, "ssh", G_OBJECT (session));
  sn_action_context_set_service (context, "backup", G_OBJECT (service));

  /* backup.create: the plan shows the dump command, for a name set when it runs. */
  plan = describe ("backup.create", context, "{ \"label\": \"plan\" }");
  g_test_message ("%s", plan);
  g_assert_true (g_shell_parse_argv (plan, NULL, &words, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (words), ==, 7);
  port = g_strdup_printf ("%u", sn_profile_get_ssh_port (profile));
  login = g_strdup_printf ("%s@%s", sn_profile_get_ssh_user (profile), sn_profile_get_ssh_host (profile));
  g_assert_cmpstr (words[0], ==, "ssh");
  g_assert_cmpstr (words[1], ==, "-p");
  g_assert_cmpstr (words[2], ==, port);
  g_assert_cmpstr (words[3], ==, login);
  g_assert_cmpstr (words[5], ==, ">");
  g_assert_true (g_str_has_suffix (words[6], "/" PLANNED_BACKUP_NAME));

  offset = audit_size ();
  backup = sn_backup_service_create_sync (service, "plan", SN_BACKUP_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (backup);
  name = sn_backup_get_name (backup);
  ran = audit_since (offset, "create");
  g_assert_cmpuint (ran->len, ==, 1);
  {
    g_autoptr(GString) with_name = g_string_new (words[4]);

    g_assert_cmpuint (g_string_replace (with_name, PLANNED_BACKUP_NAME, name, 0), >=, 2);
    g_assert_cmpstr (entry_command (ran, 0), ==, with_name->str);
  }
  g_clear_pointer (&ran, g_ptr_array_unref);

  /* backup.restore: the plan is the very pg_restore that runs (into a scratch
   * database here, not the live one). */
  g_free (sn_test_psql ("DROP DATABASE IF EXISTS sn_plan_restore"));
  g_free (sn_test_psql ("CREATE DATABASE sn_plan_restore"));
  args = g_strdup_printf ("{ \"backup\": \"%s\", \"database\": \"sn_plan_restore\" }", sn_backup_get_path (backup));
  restore_plan = describe ("backup.restore", context, args);
  g_test_message ("%s", restore_plan);
  offset = audit_size ();
  g_assert_true (sn_backup_service_restore_sync (service, backup, "sn_plan_restore", NULL, &error));
  g_assert_no_error (error);
  g_free (sn_test_psql ("DROP DATABASE IF EXISTS sn_plan_restore"));
  ran = audit_since (offset, "backup.pg_restore");
  g_assert_cmpuint (ran->len, ==, 1);
  restored = planned_command (profile, restore_plan);
  g_assert_cmpstr (entry_command (ran, 0), ==, restored);
  g_assert_nonnull (strstr (restored, " pg_restore --clean --if-exists "));
  expected = sn_backup_service_dup_restore_command (profile, name, "sn_plan_restore", TRUE);
  g_assert_cmpstr (restored, ==, expected);
  g_clear_pointer (&ran, g_ptr_array_unref);

  /* backup.restore-test: create, restore into and drop the test database,
   * as planned (its name is set when it runs). */
  g_free (plan);
  g_free (args);
  args = g_strdup_printf ("{ \"backup\": \"%s\" }", sn_backup_get_path (backup));
  plan = describe ("backup.restore-test", context, args);
  g_test_message ("%s", plan);
  planned_test = sn_backup_service_dup_restore_test_commands (profile, name, PLANNED_TEST_DATABASE);
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *one = g_shell_quote (planned_test[i]);

      g_assert_nonnull (strstr (plan, one));
    }

  offset = audit_size ();
  tested = sn_backup_service_restore_test_sync (service, sn_backup_get_path (backup), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sn_restore_test_result_get_passed (tested));
  test_commands = sn_backup_service_dup_restore_test_commands (profile, name,
                                                               sn_restore_test_result_get_database (tested));
  ran = audit_since (offset, NULL);
  {
    guint found = 0;

    for (guint i = 0; i < ran->len && found < 3; i++)
      if (g_strcmp0 (entry_command (ran, i), test_commands[found]) == 0)
        found++;
    g_assert_cmpuint (found, ==, 3);
  }
}

/* M2: a secret given to host.exec never reaches the audit log in clear ---- */

#define SECRET "S3cr3tTok3nValue"

static char *
redact_secret (const char *text,
               gpointer    user_data)
{
  g_autoptr(GString) copy = g_string_new (text);

  g_string_replace (copy, user_data, "[REDACTED]", 0);
  return g_string_free (g_steal_pointer (&copy), FALSE);
}

static void
test_secret_not_audited (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnActionContext) context = sn_action_context_new (profile, NULL);
  g_autoptr(JsonNode) node = json_from_string ("{ \"command\": \"printf %s " SECRET " | wc -c\" }", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ran = NULL;
  g_autofree char *contents = NULL;
  const SnActionInfo *exec = sn_action_lookup ("host.exec");
  gsize offset = audit_size ();

  sn_action_context_set_service (context, "ssh", G_OBJECT (session));
  sn_action_context_set_redact_func (context, redact_secret, (gpointer)SECRET);
  g_assert_true (exec->run (context, json_node_get_object (node), &error));
  g_assert_no_error (error);

  ran = audit_since (offset, "runbook.host");
  g_assert_cmpuint (ran->len, ==, 1);
  g_assert_cmpstr (entry_command (ran, 0), ==, "printf %s [REDACTED] | wc -c");
  contents = audit_contents ();
  g_assert_null (strstr (contents, SECRET));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();
  sn_actions_register_builtin ();

  catalog = sn_runbook_catalog_new (NULL);
  g_assert_true (sn_runbook_catalog_load (catalog, NULL));
  session = sn_ssh_session_new (sn_test_stack_profile (), sn_secret_store_get_default ());

  g_test_add_func ("/plan/builtin-runbooks", test_builtin_runbooks);
  g_test_add_func ("/plan/backup-commands", test_backup_commands);
  g_test_add_func ("/plan/secret-not-audited", test_secret_not_audited);

  status = g_test_run ();
  sn_ssh_session_disconnect (session);
  g_clear_object (&session);
  g_clear_object (&catalog);
  return status;
}
