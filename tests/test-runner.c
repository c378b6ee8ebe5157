/* test-runner.c: the runbook engine, on files it really changes
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sn-core.h"
#include "sn-runbook.h"
#include "sn-runner.h"
#include "sn-runbook-catalog.h"
#include "sn-actions-builtin.h"

/* Actions for the engine's own tests: real file writes, failures and waits. */

static gboolean
write_check (JsonObject  *args,
             GError     **error)
{
  return sn_action_args_get_string (args, "path", TRUE, error) != NULL &&
         sn_action_args_get_string (args, "content", TRUE, error) != NULL;
}

static char *
write_describe (SnActionContext *context,
                JsonObject      *args)
{
  return g_strdup_printf ("printf %%s '%s' > %s",
                          json_object_get_string_member (args, "content"),
                          json_object_get_string_member (args, "path"));
}

static char *
write_impact (SnActionContext  *context,
              JsonObject       *args,
              GError          **error)
{
  const char *path = json_object_get_string_member (args, "path");
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return g_strdup_printf ("creates %s", path);
  return g_strdup_printf ("replaces %s (%" G_GINT64_FORMAT " bytes)", path, (gint64)st.st_size);
}

static void
append_log (const char *line)
{
  const char *log = g_getenv ("TEST_RUNNER_LOG");
  FILE *f;

  if (log == NULL)
    return;
  f = fopen (log, "a");
  g_assert_nonnull (f);
  fprintf (f, "%s\n", line);
  fclose (f);
}

static gboolean
write_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  const char *path = json_object_get_string_member (args, "path");
  const char *content = json_object_get_string_member (args, "content");
  g_autofree char *previous = NULL;
  g_autofree char *line = g_strdup_printf ("write %s %s", path, content);

  if (!g_file_get_contents (path, &previous, NULL, NULL))
    previous = g_strdup ("");
  sn_action_context_set_output (context, "previous", previous);
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, "writing %s", content);
  append_log (line);

  return g_file_set_contents (path, content, -1, error);
}

static SnRisk
risk_read (JsonObject *args)
{
  return SN_RISK_READ;
}

/* A write that can be taken back; steps flag it destructive to raise it. */
static SnRisk
risk_change (JsonObject *args)
{
  return SN_RISK_CHANGE;
}

static const SnActionInfo write_action = {
  .name = "test.write",
  .risk = risk_change,
  .check = write_check,
  .describe = write_describe,
  .impact = write_impact,
  .run = write_run,
};

static gboolean
fail_run (SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  const char *message = sn_action_args_get_string (args, "message", FALSE, NULL);

  sn_action_context_emit (context, SN_OUTPUT_STDERR, "%s", message != NULL ? message : "boom");
  sn_action_context_set_exit_status (context, 3);
  append_log ("fail");
  g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED, "exit status 3: %s",
               message != NULL ? message : "boom");
  return FALSE;
}

static const SnActionInfo fail_action = { .name = "test.fail", .run = fail_run, .risk = risk_read };

static gboolean
sleep_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  gint64 ms = json_object_get_int_member_with_default (args, "ms", 30000);
  gint64 deadline = g_get_monotonic_time () + ms * 1000;
  GCancellable *cancellable = sn_action_context_get_cancellable (context);

  while (g_get_monotonic_time () < deadline)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (5000);
    }

  return TRUE;
}

static const SnActionInfo sleep_action = { .name = "test.sleep", .run = sleep_run, .risk = risk_read };

/* Waits until every step of its group has arrived: it can only pass when they run together. */
static GMutex barrier_mutex;
static GCond barrier_cond;
static guint barrier_count;

static gboolean
barrier_run (SnActionContext  *context,
             JsonObject       *args,
             GError          **error)
{
  guint expected = json_object_get_int_member (args, "parties");
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  gboolean ok = TRUE;

  g_mutex_lock (&barrier_mutex);
  barrier_count++;
  g_cond_broadcast (&barrier_cond);
  while (barrier_count < expected)
    {
      if (!g_cond_wait_until (&barrier_cond, &barrier_mutex, deadline))
        {
          ok = FALSE;
          break;
        }
    }
  g_mutex_unlock (&barrier_mutex);

  if (!ok)
    g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED, "the other steps never came");
  return ok;
}

static const SnActionInfo barrier_action = { .name = "test.barrier", .run = barrier_run, .risk = risk_read };

static gboolean
expect_run (SnActionContext  *context,
            JsonObject       *args,
            GError          **error)
{
  const char *path = json_object_get_string_member (args, "path");
  const char *content = json_object_get_string_member (args, "content");
  g_autofree char *actual = NULL;

  if (!g_file_get_contents (path, &actual, NULL, error))
    return FALSE;
  if (g_strcmp0 (actual, content) != 0)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_FAILED,
                   "%s holds “%s”, not “%s”", path, actual, content);
      return FALSE;
    }
  return TRUE;
}

static const SnActionInfo expect_action = { .name = "test.expect", .run = expect_run, .risk = risk_read };

/* test.sh { "command": "..." }: a real shell, so quoting is tested for real. */
static gboolean
sh_run (SnActionContext  *context,
        JsonObject       *args,
        GError          **error)
{
  const char *argv[] = { "/bin/sh", "-c", json_object_get_string_member (args, "command"), NULL };
  g_autofree char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                     &status, error))
    return FALSE;
  sn_action_context_emit (context, SN_OUTPUT_STDOUT, "%s", out);
  append_log (argv[2]);
  return g_spawn_check_wait_status (status, error);
}

static const char * const sh_shell_args[] = { "command", NULL };

static const SnActionInfo sh_action = {
  .name = "test.sh",
  .run = sh_run,
  .risk = risk_change,
  .shell_args = sh_shell_args,
};

/* test.risky { "mode": "read" | anything }: its risk depends on the value. */
static SnRisk
risky_risk (JsonObject *args)
{
  const char *mode = json_object_get_string_member_with_default (args, "mode", "");

  return g_str_equal (mode, "destroy") ? SN_RISK_DESTROY : SN_RISK_READ;
}

static gboolean
risky_run (SnActionContext  *context,
           JsonObject       *args,
           GError          **error)
{
  append_log ("risky ran");
  return TRUE;
}

static const SnActionInfo risky_action = { .name = "test.risky", .run = risky_run, .risk = risky_risk };

/* Helpers ---------------------------------------------------------------- */

static char *tmpdir;

static char *
path_in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static char *
read_file (const char *name)
{
  g_autofree char *path = path_in_tmp (name);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("<missing>");
  return contents;
}

static void
write_file (const char *name,
            const char *contents)
{
  g_autofree char *path = path_in_tmp (name);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* Replace @DIR@ by the test's temp dir in a runbook text. */
static SnRunbook *
load_runbook (const char  *json,
              GError     **error)
{
  g_autoptr(GString) text = g_string_new (json);

  g_string_replace (text, "@DIR@", tmpdir, 0);
  return sn_runbook_new_from_data (text->str, text->len, "test.json", error);
}

static SnProfile *
make_profile (const char    *name,
              gboolean       production,
              SnSafetyLevel  level)
{
  SnProfile *profile = sn_profile_new (name);

  g_object_set (profile, "production", production, "safety-level", level, NULL);
  return profile;
}

static SnRunner *
make_runner (SnRunbook  *runbook,
             SnProfile  *profile,
             GHashTable *params)
{
  g_autoptr(GError) error = NULL;
  SnRunner *runner = sn_runner_new (runbook, profile, params, &error);
  g_autofree char *reports = path_in_tmp ("reports");

  g_assert_no_error (error);
  sn_runner_set_report_dir (runner, reports);
  return runner;
}

static const char *three_writes =
  "{ \"id\": \"three-writes\", \"title\": \"Three writes\", \"safety-level\": \"operator\","
  "  \"parameters\": [ { \"id\": \"word\", \"type\": \"string\", \"label\": \"Word\", \"default\": \"new\" } ],"
  "  \"steps\": ["
  "    { \"id\": \"a\", \"title\": \"Write A\", \"action\": \"test.write\", \"destructive\": true,"
  "      \"args\": { \"path\": \"@DIR@/a\", \"content\": \"${word}-a\" },"
  "      \"revert\": { \"action\": \"test.write\", \"args\": { \"path\": \"@DIR@/a\", \"content\": \"${steps.a.previous}\" } } },"
  "    { \"id\": \"b\", \"title\": \"Write B\", \"action\": \"test.write\", \"destructive\": true,"
  "      \"args\": { \"path\": \"@DIR@/b\", \"content\": \"${word}-b\" },"
  "      \"revert\": { \"action\": \"test.write\", \"args\": { \"path\": \"@DIR@/b\", \"content\": \"${steps.b.previous}\" } } },"
  "    { \"id\": \"c\", \"title\": \"Write C\", \"action\": \"%s\", \"destructive\": true,"
  "      \"args\": { \"path\": \"@DIR@/c\", \"content\": \"${word}-c\", \"ms\": 30000 },"
  "      \"revert\": { \"action\": \"test.write\", \"args\": { \"path\": \"@DIR@/c\", \"content\": \"old-c\" } } }"
  "  ] }";

static SnRunbook *
three_writes_runbook (const char *third_action)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) json = g_string_new (three_writes);
  SnRunbook *runbook;

  g_string_replace (json, "%s", third_action, 1);
  runbook = load_runbook (json->str, &error);

  g_assert_no_error (error);
  g_assert_nonnull (runbook);
  return runbook;
}

static void
reset_files (void)
{
  g_autofree char *log = path_in_tmp ("log");

  write_file ("a", "old-a");
  write_file ("b", "old-b");
  write_file ("c", "old-c");
  g_unlink (log);
}

/* Tests ---------------------------------------------------------------- */

static void
test_parse_errors (void)
{
  static const struct { const char *json; const char *expected; } cases[] = {
    { "{ \"id\": \"x\", \"title\": \"X\", \"steps\": [ ", "test.json: not valid JSON: <data>:1" },
    { "[1, 2]", "test.json: a runbook must be a JSON object" },
    { "{ \"title\": \"X\", \"steps\": [] }", "test.json: the field “id” is missing" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"steps\": [] }", "“steps” must be a non-empty list" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"steps\": [ { \"id\": \"s1\", \"title\": \"S\", \"action\": \"test.sleep\" },"
      " { \"id\": \"s2\", \"title\": \"S\", \"action\": \"host.compse\" } ] }",
      "test.json: step 2 (“s2”): unknown action “host.compse”" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"steps\": [ { \"id\": \"s1\", \"title\": \"S\", \"action\": \"test.write\","
      " \"args\": { \"path\": \"/tmp/x\" } } ] }",
      "test.json: step 1 (“s1”): action “test.write”: the argument “content” is missing" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"steps\": [ { \"id\": \"s1\", \"title\": \"S\", \"action\": \"test.sleep\" },"
      " { \"id\": \"s1\", \"title\": \"T\", \"action\": \"test.sleep\" } ] }",
      "test.json: step 2 (“s1”): the id “s1” is used twice" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"steps\": [ { \"id\": \"s1\", \"title\": \"S\", \"action\": \"test.sleep\", \"destrutive\": true } ] }",
      "test.json: step 1 (“s1”): unknown field “destrutive”" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"parameters\": [ { \"id\": \"p\", \"type\": \"colour\", \"label\": \"P\" } ],"
      " \"steps\": [ { \"id\": \"s1\", \"title\": \"S\", \"action\": \"test.sleep\" } ] }",
      "test.json: parameter 1: unknown type “colour”" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"safety-level\": \"root\", \"steps\": [ { \"id\": \"s1\", \"title\": \"S\", \"action\": \"test.sleep\" } ] }",
      "unknown safety level “root”" },
    { "{ \"id\": \"x\", \"title\": \"X\", \"gates\": [ \"coffee\" ], \"steps\": [ { \"id\": \"s1\", \"title\": \"S\", \"action\": \"test.sleep\" } ] }",
      "unknown gate “coffee”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SnRunbook) runbook = load_runbook (cases[i].json, &error);

      g_assert_null (runbook);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].expected) == NULL)
        g_error ("case %u: “%s” does not contain “%s”", i, error->message, cases[i].expected);
    }
}

static void
test_params (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) resolved = NULL;

  runbook = load_runbook ("{ \"id\": \"p\", \"title\": \"P\", \"parameters\": ["
                          " { \"id\": \"tag\", \"type\": \"tag\", \"label\": \"Tag\" },"
                          " { \"id\": \"day\", \"type\": \"date\", \"label\": \"Day\", \"required\": false },"
                          " { \"id\": \"svc\", \"type\": \"choice\", \"label\": \"Service\", \"choices\": [\"app\", \"nginx\"], \"default\": \"app\" } ],"
                          " \"steps\": [ { \"id\": \"s\", \"title\": \"S\", \"action\": \"test.sleep\" } ] }", &error);
  g_assert_no_error (error);

  g_assert_true (sn_runbook_validate_param (runbook, "tag", "v1.0.6", NULL));
  g_assert_false (sn_runbook_validate_param (runbook, "tag", "1.0.6", &error));
  g_assert_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_PARAMETER);
  g_assert_nonnull (strstr (error->message, "v1.2.3"));
  g_clear_error (&error);
  g_assert_false (sn_runbook_validate_param (runbook, "day", "2026-02-30", NULL));
  g_assert_true (sn_runbook_validate_param (runbook, "day", "2026-02-28", NULL));
  g_assert_false (sn_runbook_validate_param (runbook, "svc", "db", NULL));

  /* Missing required tag. */
  resolved = sn_runbook_resolve_params (runbook, given, &error);
  g_assert_null (resolved);
  g_assert_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_PARAMETER);
  g_clear_error (&error);

  /* Unknown parameter. */
  g_hash_table_insert (given, (char *)"tag", (char *)"v1.0.5");
  g_hash_table_insert (given, (char *)"colour", (char *)"red");
  g_assert_null (sn_runbook_resolve_params (runbook, given, &error));
  g_assert_nonnull (strstr (error->message, "colour"));
  g_clear_error (&error);

  g_hash_table_remove (given, "colour");
  resolved = sn_runbook_resolve_params (runbook, given, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (resolved, "svc"), ==, "app");
  g_assert_cmpstr (g_hash_table_lookup (resolved, "tag"), ==, "v1.0.5");
}

static void
assert_file (const char *name,
             const char *expected)
{
  g_autofree char *actual = read_file (name);

  g_assert_cmpstr (actual, ==, expected);
}

static SnStepRun *
get_step (SnRunner *runner,
          guint     index)
{
  return g_list_model_get_item (sn_runner_get_steps (runner), index);
}

static void
test_dry_run_changes_nothing (void)
{
  g_autoptr(SnRunbook) runbook = three_writes_runbook ("test.write");
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_ADMIN);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnStepRun) step = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  g_autofree char *log = path_in_tmp ("log");
  g_autofree char *report = NULL;

  reset_files ();
  runner = make_runner (runbook, profile, NULL);
  g_assert_true (sn_runner_plan_sync (runner, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sn_runner_get_outcome (runner), ==, SN_RUN_OUTCOME_PLANNED);

  /* Nothing was touched... */
  assert_file ("a", "old-a");
  assert_file ("b", "old-b");
  assert_file ("c", "old-c");
  g_assert_false (g_file_test (log, G_FILE_TEST_EXISTS));

  /* ...and the plan says exactly what would run, with variables resolved. */
  step = get_step (runner, 1);
  g_assert_nonnull (strstr (sn_step_run_get_command (step), "'new-b' >"));
  g_assert_nonnull (strstr (sn_step_run_get_impact (step), "replaces"));
  g_assert_nonnull (strstr (sn_step_run_get_revert_command (step), "<b.previous>"));
  script = sn_runner_dup_shell_script (runner);
  g_assert_nonnull (strstr (script, "'new-a'"));
  g_assert_nonnull (strstr (script, "'new-c'"));

  /* A dry run leaves a report. */
  g_assert_nonnull (sn_runner_get_report_path (runner));
  g_assert_true (g_file_get_contents (sn_runner_get_report_path (runner), &report, NULL, NULL));
  g_assert_nonnull (strstr (report, "Dry run"));
}

static void
test_success (void)
{
  g_autoptr(SnRunbook) runbook = three_writes_runbook ("test.write");
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;

  reset_files ();
  g_hash_table_insert (params, (char *)"word", (char *)"fresh");
  runner = make_runner (runbook, profile, params);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  assert_file ("a", "fresh-a");
  assert_file ("b", "fresh-b");
  assert_file ("c", "fresh-c");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SnStepRun) step = get_step (runner, i);

      g_assert_cmpint (sn_step_run_get_state (step), ==, SN_STEP_STATE_SUCCEEDED);
    }
}

static void
test_failure_reverts_in_reverse_order (void)
{
  g_autoptr(SnRunbook) runbook = three_writes_runbook ("test.fail");
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnStepRun) third = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;
  g_autofree char *expected_log = NULL;
  g_autofree char *report = NULL;

  reset_files ();
  runner = make_runner (runbook, profile, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==,
                   SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED);

  /* The final state is the initial one... */
  assert_file ("a", "old-a");
  assert_file ("b", "old-b");
  assert_file ("c", "old-c");

  /* ...reached by reverting B before A. */
  log = read_file ("log");
  expected_log = g_strdup_printf ("write %1$s/a new-a\nwrite %1$s/b new-b\nfail\n"
                                  "write %1$s/b old-b\nwrite %1$s/a old-a\n", tmpdir);
  g_assert_cmpstr (log, ==, expected_log);

  third = get_step (runner, 2);
  g_assert_cmpint (sn_step_run_get_state (third), ==, SN_STEP_STATE_FAILED);
  g_assert_cmpint (sn_step_run_get_exit_status (third), ==, 3);
  {
    g_autoptr(SnStepRun) first = get_step (runner, 0);

    g_assert_cmpint (sn_step_run_get_state (first), ==, SN_STEP_STATE_REVERTED);
  }
  g_assert_nonnull (strstr (sn_runner_get_summary (runner), "as it was before"));

  g_assert_true (g_file_get_contents (sn_runner_get_report_path (runner), &report, NULL, NULL));
  g_assert_nonnull (strstr (report, "Failed, and reverted"));
  g_assert_nonnull (strstr (report, "exit status 3"));
}

static void
test_missing_revert_needs_attention (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;

  reset_files ();
  runbook = load_runbook ("{ \"id\": \"x\", \"title\": \"X\", \"steps\": ["
                          " { \"id\": \"a\", \"title\": \"Write A\", \"action\": \"test.write\", \"destructive\": true,"
                          "   \"args\": { \"path\": \"@DIR@/a\", \"content\": \"gone\" } },"
                          " { \"id\": \"f\", \"title\": \"Fail\", \"action\": \"test.fail\" } ] }", &error);
  g_assert_no_error (error);
  runner = make_runner (runbook, profile, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED);
  g_assert_nonnull (strstr (error->message, "NOT back"));
  g_assert_nonnull (strstr (error->message, "Write A"));
  assert_file ("a", "gone");
}

static void
test_verify_retries_and_failure (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;

  reset_files ();
  /* The verification expects content the step did not write: it fails after
   * its retries, and the step, which did run, is reverted. */
  runbook = load_runbook ("{ \"id\": \"v\", \"title\": \"V\", \"steps\": ["
                          " { \"id\": \"a\", \"title\": \"Write A\", \"action\": \"test.write\", \"destructive\": true,"
                          "   \"args\": { \"path\": \"@DIR@/a\", \"content\": \"new-a\" },"
                          "   \"verify\": { \"action\": \"test.expect\", \"retries\": 2, \"interval-ms\": 10,"
                          "                 \"args\": { \"path\": \"@DIR@/a\", \"content\": \"other\" } },"
                          "   \"revert\": { \"action\": \"test.write\", \"args\": { \"path\": \"@DIR@/a\", \"content\": \"${steps.a.previous}\" } } } ] }",
                          &error);
  g_assert_no_error (error);
  runner = make_runner (runbook, profile, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==,
                   SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_nonnull (strstr (error->message, "Verification failed"));
  assert_file ("a", "old-a");
}

static void
test_gates (void)
{
  g_autoptr(SnRunbook) runbook = three_writes_runbook ("test.write");
  g_autoptr(SnRunbook) admin_runbook = NULL;
  g_autoptr(SnRunbook) backup_runbook = NULL;
  g_autoptr(GError) error = NULL;

  reset_files ();

  /* A read-only profile cannot run a destructive step at all. */
  {
    g_autoptr(SnProfile) profile = make_profile ("direction", FALSE, SN_SAFETY_LEVEL_READ_ONLY);
    g_autoptr(SnRunner) runner = make_runner (runbook, profile, NULL);

    sn_runner_set_reason (runner, "I really want to, honestly");
    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "read-only"));
    g_clear_error (&error);
    assert_file ("a", "old-a");
  }

  /* Production: the typed name. */
  {
    g_autoptr(SnProfile) profile = make_profile ("production", TRUE, SN_SAFETY_LEVEL_OPERATOR);
    g_autoptr(SnRunner) runner = make_runner (runbook, profile, NULL);
    g_autoptr(SnRunner) runner2 = make_runner (runbook, profile, NULL);

    g_assert_cmpint (sn_runner_get_required_gates (runner), ==, SN_GATE_TYPED_NAME);
    sn_runner_set_typed_name (runner, "Production");
    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE);
    g_clear_error (&error);
    assert_file ("a", "old-a");

    sn_runner_set_typed_name (runner2, "production");
    g_assert_cmpint (sn_runner_execute_sync (runner2, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
    g_assert_no_error (error);
    assert_file ("a", "new-a");
    reset_files ();
  }

  /* Above the profile's level: refused, whatever the reason. */
  admin_runbook = load_runbook ("{ \"id\": \"adm\", \"title\": \"Admin\", \"safety-level\": \"admin\", \"steps\": ["
                                " { \"id\": \"a\", \"title\": \"Write A\", \"action\": \"test.write\", \"destructive\": true,"
                                "   \"args\": { \"path\": \"@DIR@/a\", \"content\": \"admin-a\" } } ] }", &error);
  g_assert_no_error (error);
  {
    g_autoptr(SnProfile) profile = make_profile ("ops", FALSE, SN_SAFETY_LEVEL_OPERATOR);
    g_autoptr(SnRunner) runner = make_runner (admin_runbook, profile, NULL);

    sn_runner_set_reason (runner, "SEV1: site down, on-call approved");
    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED);
    g_assert_nonnull (strstr (error->message, "needs an admin profile"));
    g_clear_error (&error);
    assert_file ("a", "old-a");
  }

  /* An admin profile: break-glass, with a reason of at least 10 characters. */
  {
    g_autoptr(SnProfile) profile = make_profile ("root", FALSE, SN_SAFETY_LEVEL_ADMIN);
    g_autoptr(SnRunner) runner = make_runner (admin_runbook, profile, NULL);
    g_autoptr(SnRunner) runner2 = make_runner (admin_runbook, profile, NULL);
    g_autofree char *report = NULL;

    g_assert_cmpint (sn_runner_get_required_gates (runner), ==, SN_GATE_REASON);
    sn_runner_set_reason (runner, "short");
    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE);
    g_clear_error (&error);
    assert_file ("a", "old-a");

    sn_runner_set_reason (runner2, "SEV1: site down, on-call approved");
    g_assert_cmpint (sn_runner_execute_sync (runner2, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (sn_runner_get_report_path (runner2), &report, NULL, NULL));
    g_assert_nonnull (strstr (report, "SEV1: site down, on-call approved"));
    {
      g_autofree char *audit_path = g_build_filename (g_get_user_data_dir (), "narcisse-admin",
                                                      "audit.jsonl", NULL);
      g_autofree char *audit = NULL;

      g_assert_true (g_file_get_contents (audit_path, &audit, NULL, NULL));
      g_assert_nonnull (strstr (audit, "reason: SEV1: site down, on-call approved"));
    }
    reset_files ();
  }

  /* A verified backup: refused without a way to check one, and when the check says no. */
  backup_runbook = load_runbook ("{ \"id\": \"bk\", \"title\": \"Backup gated\", \"gates\": [ { \"gate\": \"backup-verified\", \"max-age-minutes\": 30 } ],"
                                 " \"steps\": [ { \"id\": \"a\", \"title\": \"Write A\", \"action\": \"test.write\", \"destructive\": true,"
                                 "   \"args\": { \"path\": \"@DIR@/a\", \"content\": \"bk-a\" } } ] }", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sn_runbook_get_backup_max_age_minutes (backup_runbook), ==, 30);
  {
    g_autoptr(SnProfile) profile = make_profile ("ops", FALSE, SN_SAFETY_LEVEL_OPERATOR);
    g_autoptr(SnRunner) runner = make_runner (backup_runbook, profile, NULL);

    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE);
    g_assert_nonnull (strstr (error->message, "30 minutes"));
    g_clear_error (&error);
    assert_file ("a", "old-a");
  }
}

static gboolean
backup_gate_no (SnRunner      *runner,
                SnProfile     *profile,
                guint          max_age_minutes,
                char         **evidence,
                GCancellable  *cancellable,
                GError       **error)
{
  g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
               "the newest backup is %u minutes too old", max_age_minutes);
  return FALSE;
}

static gboolean
backup_gate_yes (SnRunner      *runner,
                 SnProfile     *profile,
                 guint          max_age_minutes,
                 char         **evidence,
                 GCancellable  *cancellable,
                 GError       **error)
{
  *evidence = g_strdup ("backup.dump, 12 min old, sha256 ok");
  return TRUE;
}

static void
test_backup_gate_func (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("ops", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) refused = NULL;
  g_autoptr(SnRunner) allowed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;

  reset_files ();
  runbook = load_runbook ("{ \"id\": \"bk\", \"title\": \"Backup gated\", \"gates\": [ \"backup-verified\" ],"
                          " \"steps\": [ { \"id\": \"a\", \"title\": \"Write A\", \"action\": \"test.write\", \"destructive\": true,"
                          "   \"args\": { \"path\": \"@DIR@/a\", \"content\": \"bk-a\" } } ] }", &error);
  g_assert_no_error (error);

  refused = make_runner (runbook, profile, NULL);
  sn_runner_set_gate_func (refused, SN_GATE_BACKUP_VERIFIED, backup_gate_no);
  g_assert_cmpint (sn_runner_execute_sync (refused, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_assert_nonnull (strstr (error->message, "too old"));
  g_clear_error (&error);
  assert_file ("a", "old-a");

  allowed = make_runner (runbook, profile, NULL);
  sn_runner_set_gate_func (allowed, SN_GATE_BACKUP_VERIFIED, backup_gate_yes);
  g_assert_cmpint (sn_runner_execute_sync (allowed, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  assert_file ("a", "bk-a");
  g_assert_true (g_file_get_contents (sn_runner_get_report_path (allowed), &report, NULL, NULL));
  g_assert_nonnull (strstr (report, "sha256 ok"));
}

/* Passes only once the run's own first, read-only step made the "backup". */
static gboolean
backup_gate_marker (SnRunner      *runner,
                    SnProfile     *profile,
                    guint          max_age_minutes,
                    char         **evidence,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autofree char *marker = path_in_tmp ("safety");

  if (!g_file_test (marker, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE, "no safety backup yet");
      return FALSE;
    }
  *evidence = g_strdup ("safety backup made by the run");
  return TRUE;
}

static void
test_backup_gate_before_first_change (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("ops", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnRunner) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *marker = path_in_tmp ("safety");
  g_autoptr(SnStepRun) change = NULL;

  reset_files ();
  g_unlink (marker);
  /* The safety step is read-only and comes first: the gate is checked after
   * it, right before the first step that changes something. */
  runbook = load_runbook ("{ \"id\": \"rs\", \"title\": \"Restore-like\", \"gates\": [ \"backup-verified\" ], \"steps\": ["
                          " { \"id\": \"safety\", \"title\": \"Safety backup\", \"action\": \"test.write\","
                          "   \"args\": { \"path\": \"@DIR@/safety\", \"content\": \"dump\" } },"
                          " { \"id\": \"change\", \"title\": \"Change A\", \"action\": \"test.write\", \"destructive\": true,"
                          "   \"args\": { \"path\": \"@DIR@/a\", \"content\": \"restored\" } } ] }", &error);
  g_assert_no_error (error);

  runner = make_runner (runbook, profile, NULL);
  sn_runner_set_gate_func (runner, SN_GATE_BACKUP_VERIFIED, backup_gate_marker);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  assert_file ("a", "restored");

  /* A gate that still says no stops the run before the change. */
  reset_files ();
  g_unlink (marker);
  refused = make_runner (runbook, profile, NULL);
  sn_runner_set_gate_func (refused, SN_GATE_BACKUP_VERIFIED, backup_gate_no);
  g_assert_cmpint (sn_runner_execute_sync (refused, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
  g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE);
  g_assert_nonnull (strstr (error->message, "Stopped before changing anything"));
  assert_file ("a", "old-a");
  change = get_step (refused, 1);
  g_assert_cmpint (sn_step_run_get_state (change), ==, SN_STEP_STATE_SKIPPED);
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_during_long_step (void)
{
  g_autoptr(SnRunbook) runbook = three_writes_runbook ("test.sleep");
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) third = NULL;
  gint64 started;

  reset_files ();
  runner = make_runner (runbook, profile, NULL);
  g_timeout_add (300, cancel_soon, cancellable);
  started = g_get_monotonic_time ();
  g_assert_cmpint (sn_runner_execute_sync (runner, cancellable, &error), ==,
                   SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* The 30 s step stopped: well under its length, whatever the machine. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 20 * G_TIME_SPAN_SECOND);

  third = get_step (runner, 2);
  g_assert_cmpint (sn_step_run_get_state (third), ==, SN_STEP_STATE_CANCELLED);
  assert_file ("a", "old-a");
  assert_file ("b", "old-b");
}

static void
test_step_timeout (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) step = NULL;

  runbook = load_runbook ("{ \"id\": \"t\", \"title\": \"T\", \"steps\": ["
                          " { \"id\": \"s\", \"title\": \"Sleep\", \"action\": \"test.sleep\", \"timeout\": 1,"
                          "   \"args\": { \"ms\": 30000 } } ] }", &error);
  g_assert_no_error (error);
  runner = make_runner (runbook, profile, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==,
                   SN_RUN_OUTCOME_FAILED_REVERTED);
  step = get_step (runner, 0);
  g_assert_cmpint (sn_step_run_get_state (step), ==, SN_STEP_STATE_FAILED);
  g_assert_nonnull (strstr (sn_step_run_get_message (step), "Timed out after 1 s"));
}

static void
test_parallel_group (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;

  barrier_count = 0;
  /* Each check waits for the two others: only concurrent execution passes. */
  runbook = load_runbook ("{ \"id\": \"checks\", \"title\": \"Checks\", \"safety-level\": \"read-only\", \"steps\": ["
                          " { \"id\": \"c1\", \"title\": \"C1\", \"action\": \"test.barrier\", \"parallel-group\": \"g\", \"args\": { \"parties\": 3 } },"
                          " { \"id\": \"c2\", \"title\": \"C2\", \"action\": \"test.barrier\", \"parallel-group\": \"g\", \"args\": { \"parties\": 3 } },"
                          " { \"id\": \"c3\", \"title\": \"C3\", \"action\": \"test.barrier\", \"parallel-group\": \"g\", \"args\": { \"parties\": 3 } } ] }",
                          &error);
  g_assert_no_error (error);
  runner = make_runner (runbook, profile, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
}

static void
test_continue_on_failure (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnStepRun) last = NULL;

  runbook = load_runbook ("{ \"id\": \"checks\", \"title\": \"Checks\", \"safety-level\": \"read-only\", \"steps\": ["
                          " { \"id\": \"bad\", \"title\": \"Bad check\", \"action\": \"test.fail\", \"continue-on-failure\": true },"
                          " { \"id\": \"good\", \"title\": \"Good check\", \"action\": \"test.sleep\", \"args\": { \"ms\": 1 } } ] }",
                          &error);
  g_assert_no_error (error);
  runner = make_runner (runbook, profile, NULL);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED);
  g_assert_nonnull (strstr (error->message, "Bad check"));
  last = get_step (runner, 1);
  g_assert_cmpint (sn_step_run_get_state (last), ==, SN_STEP_STATE_SUCCEEDED);
}

static void
on_output (SnRunner   *runner,
           SnStepRun  *step,
           int         kind,
           const char *line,
           GPtrArray  *lines)
{
  g_ptr_array_add (lines, g_strdup (line));
}

static void
test_report_has_no_secret (void)
{
  static const char *secret = "s3cr3t-Pa55word-xyz";
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnProfile) profile = make_profile ("local", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *report = NULL;
  g_autofree char *written = NULL;

  reset_files ();
  runbook = load_runbook ("{ \"id\": \"rot\", \"title\": \"Rotate\", \"parameters\": ["
                          " { \"id\": \"password\", \"type\": \"secret\", \"label\": \"New password\" } ],"
                          " \"steps\": [ { \"id\": \"a\", \"title\": \"Write it\", \"action\": \"test.write\", \"destructive\": true,"
                          "   \"args\": { \"path\": \"@DIR@/a\", \"content\": \"PASSWORD=${password}\" } },"
                          " { \"id\": \"f\", \"title\": \"Fail loudly\", \"action\": \"test.fail\", \"args\": { \"message\": \"bad ${password}\" } } ] }",
                          &error);
  g_assert_no_error (error);
  g_hash_table_insert (params, (char *)"password", (char *)secret);
  runner = make_runner (runbook, profile, params);
  g_signal_connect (runner, "output", G_CALLBACK (on_output), lines);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED);
  /* The step's error is redacted before it reaches the summary and the caller (L3). */
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, secret));
  g_clear_error (&error);

  /* The action did get the real value... */
  written = read_file ("a");
  g_assert_cmpstr (written, ==, "PASSWORD=s3cr3t-Pa55word-xyz");

  /* ...and nothing a person or a log sees holds it. */
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (lines->len, >, 0);
  for (guint i = 0; i < lines->len; i++)
    g_assert_null (strstr (g_ptr_array_index (lines, i), secret));
  g_assert_true (g_file_get_contents (sn_runner_get_report_path (runner), &report, NULL, NULL));
  g_assert_null (strstr (report, secret));
  g_assert_nonnull (strstr (report, "PASSWORD=[REDACTED]"));
  g_assert_null (strstr (sn_runner_get_summary (runner), secret));

  /* The run is in the audit log, with its report, and without the secret. */
  {
    g_autofree char *audit_path = g_build_filename (g_get_user_data_dir (), "narcisse-admin",
                                                    "audit.jsonl", NULL);
    g_autofree char *audit = NULL;

    g_assert_true (g_file_get_contents (audit_path, &audit, NULL, NULL));
    g_assert_nonnull (strstr (audit, "runbook run rot (user runbook test.json) --param password=[REDACTED]"));
    g_assert_nonnull (strstr (audit, "\"runbook.run\""));
    g_assert_null (strstr (audit, secret));
  }
}

/* Risk belongs to the action (H3): a runbook that does not flag a step that
 * stops the site is gated like one that does, and refused on read-only. */
static void
test_risk_from_actions (void)
{
  g_autoptr(SnRunbook) stopper = NULL;
  g_autoptr(SnRunbook) backup = NULL;
  g_autoptr(SnRunbook) sneaky = NULL;
  g_autoptr(SnRunbook) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *log_path = g_strdup (g_getenv ("TEST_RUNNER_LOG"));
  g_autofree char *log = NULL;

  reset_files ();
  g_unlink (log_path);

  stopper = load_runbook ("{ \"id\": \"stopper\", \"title\": \"Stopper\", \"steps\": ["
                          " { \"id\": \"s\", \"title\": \"Stop\", \"action\": \"host.compose\","
                          "   \"args\": { \"args\": [\"stop\", \"app\"] } } ] }", &error);
  g_assert_no_error (error);
  g_assert_true (sn_runbook_is_destructive (stopper));
  g_assert_cmpint (sn_runbook_get_risk (stopper), ==, SN_RISK_DESTROY);
  g_assert_cmpint (sn_runbook_get_required_level (stopper), ==, SN_SAFETY_LEVEL_OPERATOR);

  /* Read-only: refused before anything, whatever the reason. */
  {
    g_autoptr(SnProfile) profile = make_profile ("direction", FALSE, SN_SAFETY_LEVEL_READ_ONLY);
    g_autoptr(SnRunner) runner = make_runner (stopper, profile, NULL);

    sn_runner_set_reason (runner, "I really want to, honestly");
    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED);
    g_clear_error (&error);
  }

  /* Production: the typed name, though the runbook never said "destructive". */
  {
    g_autoptr(SnProfile) profile = make_profile ("prod", TRUE, SN_SAFETY_LEVEL_OPERATOR);
    g_autoptr(SnRunner) runner = make_runner (stopper, profile, NULL);

    g_assert_cmpint (sn_runner_get_required_gates (runner) & SN_GATE_TYPED_NAME, !=, 0);
    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE);
    g_clear_error (&error);
  }

  /* Making a backup copies production data: operators only, flag or not. */
  backup = load_runbook ("{ \"id\": \"bk\", \"title\": \"Backup\", \"steps\": ["
                         " { \"id\": \"b\", \"title\": \"Back up\", \"action\": \"backup.create\","
                         "   \"args\": { \"label\": \"x\" } } ] }", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_runbook_get_risk (backup), ==, SN_RISK_CHANGE);
  {
    g_autoptr(SnProfile) profile = make_profile ("direction", FALSE, SN_SAFETY_LEVEL_READ_ONLY);
    g_autoptr(SnRunner) runner = make_runner (backup, profile, NULL);

    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_REFUSED);
    g_assert_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED);
    g_clear_error (&error);
  }

  /* A runbook that says it is read-only cannot hold a step that destroys. */
  bad = load_runbook ("{ \"id\": \"ro\", \"title\": \"RO\", \"safety-level\": \"read-only\", \"steps\": ["
                      " { \"id\": \"s\", \"title\": \"Stop\", \"action\": \"host.exec\","
                      "   \"args\": { \"command\": \"systemctl stop docker\", \"read-only\": true } } ] }", &error);
  g_assert_null (bad);
  g_assert_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_INVALID);
  g_clear_error (&error);

  /* host.exec is a read only when flagged AND on the short list. */
  {
    const char *reads[] = { "df -h", "git log --oneline -5", "docker ps", NULL };
    const char *not_reads[] = { "df -h; rm -rf /", "cat .env.production.local", "docker rm -f app",
                                "ls $(rm -rf /)", "df -h | tee /etc/x", NULL };

    for (guint i = 0; reads[i] != NULL; i++)
      g_assert_true (sn_host_command_is_read_only (reads[i]));
    for (guint i = 0; not_reads[i] != NULL; i++)
      g_assert_false (sn_host_command_is_read_only (not_reads[i]));
  }

  /* Values filled in at run time cannot raise a step's risk past its plan. */
  sneaky = load_runbook ("{ \"id\": \"sneaky\", \"title\": \"Sneaky\", \"safety-level\": \"read-only\", \"parameters\": ["
                         " { \"id\": \"m\", \"type\": \"choice\", \"label\": \"Mode\", \"choices\": [\"read\", \"destroy\"] } ],"
                         " \"steps\": [ { \"id\": \"r\", \"title\": \"Risky\", \"action\": \"test.risky\","
                         "   \"args\": { \"mode\": \"${m}\" } } ] }", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_runbook_get_risk (sneaky), ==, SN_RISK_READ);
  {
    g_autoptr(SnProfile) profile = make_profile ("direction", FALSE, SN_SAFETY_LEVEL_READ_ONLY);
    g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(SnRunner) runner = NULL;

    g_hash_table_insert (params, (char *)"m", (char *)"destroy");
    runner = make_runner (sneaky, profile, params);
    /* The step fails before its action runs; nothing changed, nothing to revert. */
    g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_FAILED_REVERTED);
    g_assert_nonnull (strstr (error->message, "more than its plan"));
    g_clear_error (&error);
  }

  /* Nothing above ran an action. */
  if (g_file_get_contents (log_path, &log, NULL, NULL))
    g_assert_null (strstr (log, "risky ran"));
}

/* ${param} in a shell command is one quoted word (M3). */
static void
test_shell_quoting (void)
{
  g_autoptr(SnRunbook) runbook = NULL;
  g_autoptr(SnRunbook) raw = NULL;
  g_autoptr(SnRunbook) raw_ok = NULL;
  g_autoptr(SnProfile) profile = make_profile ("ops", FALSE, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pwned = path_in_tmp ("pwned");
  g_autofree char *value = g_strdup_printf ("v1; touch %s", pwned);
  g_autofree char *out = NULL;

  reset_files ();
  g_unlink (pwned);
  runbook = load_runbook ("{ \"id\": \"q\", \"title\": \"Quote\", \"parameters\": ["
                          " { \"id\": \"ref\", \"type\": \"string\", \"label\": \"Ref\" } ],"
                          " \"steps\": [ { \"id\": \"s\", \"title\": \"Echo\", \"action\": \"test.sh\","
                          "   \"args\": { \"command\": \"printf %s ${ref} > @DIR@/out\" } } ] }", &error);
  g_assert_no_error (error);
  g_hash_table_insert (params, (char *)"ref", value);
  runner = make_runner (runbook, profile, params);
  g_assert_cmpint (sn_runner_execute_sync (runner, NULL, &error), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_no_error (error);
  g_assert_false (g_file_test (pwned, G_FILE_TEST_EXISTS));
  out = read_file ("out");
  g_assert_cmpstr (out, ==, value);

  /* The raw form is for values the parser constrains, never typed text. */
  raw = load_runbook ("{ \"id\": \"r\", \"title\": \"Raw\", \"parameters\": ["
                      " { \"id\": \"ref\", \"type\": \"string\", \"label\": \"Ref\" } ],"
                      " \"steps\": [ { \"id\": \"s\", \"title\": \"Echo\", \"action\": \"test.sh\","
                      "   \"args\": { \"command\": \"echo ${raw:ref}\" } } ] }", &error);
  g_assert_null (raw);
  g_assert_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "raw:ref"));
  g_clear_error (&error);

  raw_ok = load_runbook ("{ \"id\": \"r\", \"title\": \"Raw\", \"parameters\": ["
                         " { \"id\": \"tag\", \"type\": \"tag\", \"label\": \"Tag\" } ],"
                         " \"steps\": [ { \"id\": \"s\", \"title\": \"Echo\", \"action\": \"test.sh\","
                         "   \"args\": { \"command\": \"echo ${raw:tag}\" } } ] }", &error);
  g_assert_no_error (error);

  /* A tag ends at its end: "v1.2.3\n" is not one (L8). */
  g_assert_false (sn_runbook_validate_param (raw_ok, "tag", "v1.2.3\n", NULL));
  g_assert_true (sn_runbook_validate_param (raw_ok, "tag", "v1.2.3", NULL));
  g_assert_false (sn_runbook_validate_param (runbook, "ref", "a\rb", NULL));
}

/* A file in the user's folder cannot take the place of a shipped runbook. */
static void
test_user_runbook_cannot_shadow (void)
{
  g_autofree char *dir = path_in_tmp ("user-runbooks");
  g_autofree char *file = g_build_filename (dir, "restore.json", NULL);
  g_autoptr(SnRunbookCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *errors;
  SnRunbook *restore;
  gboolean found = FALSE;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file,
                                      "{ \"id\": \"restore\", \"title\": \"Fake restore\", \"steps\": ["
                                      " { \"id\": \"s\", \"title\": \"x\", \"action\": \"http.health\","
                                      "   \"args\": { \"expect\": \"reachable\" } } ] }", -1, NULL));
  catalog = sn_runbook_catalog_new (dir);
  g_assert_true (sn_runbook_catalog_load (catalog, &error));
  restore = sn_runbook_catalog_lookup (catalog, "restore");
  g_assert_nonnull (restore);
  g_assert_true (sn_runbook_is_builtin (restore));
  g_assert_cmpstr (sn_runbook_get_title (restore), !=, "Fake restore");
  errors = sn_runbook_catalog_get_errors (catalog);
  for (guint i = 0; errors != NULL && errors[i] != NULL; i++)
    if (strstr (errors[i], "restore.json") != NULL && strstr (errors[i], "shipped") != NULL)
      found = TRUE;
  g_assert_true (found);
}

/* "default": "" makes a parameter optional: the monthly restore test starts
 * with no backup named (the newest is used). */
static void
test_empty_default_is_optional (void)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (tmpdir);
  g_autoptr(GHashTable) resolved = NULL;
  g_autoptr(GError) error = NULL;
  SnRunbook *restore_test;

  g_assert_true (sn_runbook_catalog_load (catalog, &error));
  restore_test = sn_runbook_catalog_lookup (catalog, "restore-test");
  g_assert_nonnull (restore_test);
  g_assert_false (sn_runbook_find_param (restore_test, "backup")->required);
  g_assert_true (sn_runbook_validate_param (restore_test, "backup", "", &error));
  g_assert_no_error (error);
  resolved = sn_runbook_resolve_params (restore_test, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (resolved, "backup"), ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *log = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  tmpdir = g_dir_make_tmp ("sn-runner-XXXXXX", NULL);
  /* The audit log goes to the user data dir: keep it in the test's own. */
  {
    g_autofree char *data_home = g_build_filename (tmpdir, "data", NULL);

    g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  }
  log = g_build_filename (tmpdir, "log", NULL);
  g_setenv ("TEST_RUNNER_LOG", log, TRUE);

  sn_actions_register_builtin ();
  sn_action_register (&write_action);
  sn_action_register (&fail_action);
  sn_action_register (&sleep_action);
  sn_action_register (&barrier_action);
  sn_action_register (&expect_action);
  sn_action_register (&sh_action);
  sn_action_register (&risky_action);

  g_test_add_func ("/core/runbook/parse-errors", test_parse_errors);
  g_test_add_func ("/core/runbook/params", test_params);
  g_test_add_func ("/core/runner/dry-run-changes-nothing", test_dry_run_changes_nothing);
  g_test_add_func ("/core/runner/success", test_success);
  g_test_add_func ("/core/runner/failure-reverts-in-reverse-order", test_failure_reverts_in_reverse_order);
  g_test_add_func ("/core/runner/missing-revert-needs-attention", test_missing_revert_needs_attention);
  g_test_add_func ("/core/runner/verify-retries", test_verify_retries_and_failure);
  g_test_add_func ("/core/runner/gates", test_gates);
  g_test_add_func ("/core/runner/backup-gate", test_backup_gate_func);
  g_test_add_func ("/core/runner/backup-gate-before-first-change", test_backup_gate_before_first_change);
  g_test_add_func ("/core/runner/cancel-during-long-step", test_cancel_during_long_step);
  g_test_add_func ("/core/runner/step-timeout", test_step_timeout);
  g_test_add_func ("/core/runner/parallel-group", test_parallel_group);
  g_test_add_func ("/core/runner/continue-on-failure", test_continue_on_failure);
  g_test_add_func ("/core/runner/report-has-no-secret", test_report_has_no_secret);
  g_test_add_func ("/core/runner/risk-from-actions", test_risk_from_actions);
  g_test_add_func ("/core/runner/shell-quoting", test_shell_quoting);
  g_test_add_func ("/core/runbook/user-cannot-shadow", test_user_runbook_cannot_shadow);
  g_test_add_func ("/core/runbook/empty-default-is-optional", test_empty_default_is_optional);

  ret = g_test_run ();

  {
    g_autofree char *command = g_strdup_printf ("rm -rf '%s'", tmpdir);

    if (system (command) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }

  return ret;
}
