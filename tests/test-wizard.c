/* test-wizard.c: the runbook wizard and the Runbooks window on the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-wizard"

#include "config.h"

#include <glib/gstdio.h>

#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-types.h"
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"
#include "sn-runbooks-window.h"
#include "sn-window.h"

static SnRunbookCatalog *catalog;

/* Widgets ---------------------------------------------------------------- */

static gboolean
next_enabled (SnRunbookWizard *wizard)
{
  GtkWidget *next = sn_test_find_named (wizard, "wizard-next");

  return gtk_widget_get_visible (next) && gtk_widget_is_sensitive (next);
}

/* Waiting ---------------------------------------------------------------- */

typedef struct
{
  SnRunbookWizard *wizard;
  const char      *page;
} PageWait;

static gboolean
on_page (gpointer data)
{
  PageWait *w = data;

  return g_strcmp0 (sn_runbook_wizard_get_page (w->wizard), w->page) == 0;
}

static void
wait_for_page (SnRunbookWizard *wizard,
               const char      *page,
               guint            timeout_ms)
{
  PageWait w = { wizard, page };

  if (!sn_test_wait_until (on_page, &w, timeout_ms))
    g_error ("the wizard did not reach the %s page within %u ms (it shows %s)",
             page, timeout_ms, sn_runbook_wizard_get_page (wizard));
}

static gboolean
planned (gpointer data)
{
  return next_enabled (data);
}

static void
wait_for_plan (SnRunbookWizard *wizard)
{
  wait_for_page (wizard, "plan", 1000);
  if (!sn_test_wait_until (planned, wizard, 60000))
    g_error ("the dry run did not finish within 60 s");
}

typedef struct
{
  SnRunbookWizard *wizard;
  const char      *state;
} StateWait;

static gboolean
some_step_shows (gpointer data)
{
  StateWait *w = data;
  g_autoptr(GPtrArray) states = sn_test_find_all_named (w->wizard, "step-state");

  for (guint i = 0; i < states->len; i++)
    {
      if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (states, i)), w->state) == 0)
        return TRUE;
    }

  return FALSE;
}

static char *
app_pid (void)
{
  g_autofree char *path = g_build_filename (sn_test_stack_dir (), "app", "app.pid", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_strstrip (contents);
}

static SnRunbookWizard *
open_wizard (const char *runbook_id,
             SnProfile  *profile)
{
  SnRunbook *runbook = sn_runbook_catalog_lookup (catalog, runbook_id);
  SnRunbookWizard *wizard;

  g_assert_nonnull (runbook);
  wizard = sn_runbook_wizard_new (NULL, runbook, profile);
  gtk_window_present (GTK_WINDOW (wizard));

  return wizard;
}

/* Tests ---------------------------------------------------------------- */

static void
test_sev1_checklist (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(GPtrArray) states = NULL;
  SnRunbookWizard *wizard = open_wizard ("sev1-checklist", profile);
  const char *report;

  /* No parameters: it opens on the plan, and the plan lists the five commands. */
  wait_for_plan (wizard);
  commands = sn_test_find_all_named (wizard, "plan-command");
  g_assert_cmpuint (commands->len, ==, 5);
  g_assert_nonnull (strstr (gtk_label_get_label (g_ptr_array_index (commands, 0)), "health"));
  g_assert_nonnull (strstr (sn_test_label_text (wizard, "plan-risks"), "nothing changes"));
  g_assert_null (sn_test_find_named (wizard, "changes-badge"));
  sn_test_screenshot (wizard, "wizard-sev1-plan.png");

  /* Copy as shell puts the script on the clipboard. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.copy-shell", NULL));

  /* Read-only runbook: no gates, Next runs it. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (sn_test_find_named (wizard, "wizard-next"))))), ==, "_Run");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  wait_for_page (wizard, "run", 1000);
  sn_test_screenshot (wizard, "wizard-sev1-run.png");
  wait_for_page (wizard, "result", 120000);

  states = sn_test_find_all_named (wizard, "step-state");
  g_assert_cmpuint (states->len, ==, 5);
  for (guint i = 0; i < states->len; i++)
    g_assert_cmpstr (gtk_label_get_label (g_ptr_array_index (states, i)), ==, "Succeeded");

  g_assert_cmpint (sn_runbook_wizard_get_outcome (wizard), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_cmpstr (sn_test_label_text (wizard, "result-title"), ==, "Succeeded");
  report = sn_runner_get_report_path (sn_runbook_wizard_get_runner (wizard));
  g_assert_nonnull (report);
  g_assert_true (g_file_test (report, G_FILE_TEST_IS_REGULAR));
  g_assert_nonnull (strstr (sn_test_label_text (wizard, "report-path"), report));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (wizard, "open-report")));

  /* The result page itself shows each check, its result and its evidence,
   * not only "Succeeded". */
  gtk_window_set_default_size (GTK_WINDOW (wizard), 760, 1100);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (wizard));
  {
    g_autoptr(GPtrArray) titles = sn_test_find_all_named (sn_test_find_named (wizard, "result-steps"),
                                                          "step-result-title");
    g_autoptr(GPtrArray) results = sn_test_find_all_named (sn_test_find_named (wizard, "result-steps"),
                                                           "step-result-state");
    g_autoptr(GPtrArray) evidence = sn_test_find_all_named (sn_test_find_named (wizard, "result-steps"),
                                                            "step-result-evidence");
    gboolean containers_seen = FALSE;

    g_assert_true (gtk_widget_get_mapped (sn_test_find_named (wizard, "result-steps")));
    g_assert_cmpuint (titles->len, ==, 5);
    g_assert_cmpuint (results->len, ==, 5);
    for (guint i = 0; i < titles->len; i++)
      {
        const char *title = gtk_label_get_label (g_ptr_array_index (titles, i));
        const char *shown = gtk_label_get_label (g_ptr_array_index (evidence, i));

        g_assert_true (gtk_widget_get_mapped (g_ptr_array_index (titles, i)));
        g_assert_true (gtk_widget_get_mapped (g_ptr_array_index (evidence, i)));
        g_assert_cmpstr (gtk_label_get_label (g_ptr_array_index (results, i)), ==, "Passed");
        g_test_message ("%s: %s", title, shown);
        if (g_str_equal (title, "Containers"))
          {
            containers_seen = TRUE;
            g_assert_true (g_regex_match_simple ("^app +running", shown, G_REGEX_MULTILINE, 0));
          }
      }
    g_assert_true (containers_seen);
  }
  sn_test_screenshot (wizard, "wizard-sev1-result.png");

  /* The run page kept the output of each step; Ctrl+C's action copies it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.copy-output", NULL));

  /* Close on the result page. */
  sn_test_destroy_window (wizard);
}

static void
test_restart_app_production (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *before = app_pid ();
  g_autofree char *after = NULL;
  SnRunbookWizard *wizard;
  GtkWidget *typed;
  GtkWidget *next;

  g_object_set (profile, "production", TRUE, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  wizard = open_wizard ("restart-app", profile);

  wait_for_plan (wizard);
  g_assert_nonnull (strstr (sn_test_label_text (wizard, "plan-risks"), "production"));
  g_assert_nonnull (sn_test_find_named (wizard, "changes-badge"));
  sn_test_screenshot (wizard, "wizard-restart-plan.png");

  /* The dry run changed nothing. */
  {
    g_autofree char *after_plan = app_pid ();

    g_assert_cmpstr (before, ==, after_plan);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  wait_for_page (wizard, "gates", 1000);
  typed = sn_test_find_named (wizard, "typed-name");
  next = sn_test_find_named (wizard, "wizard-next");
  g_assert_true (gtk_widget_get_visible (typed));
  g_assert_false (next_enabled (wizard));

  gtk_editable_set_text (GTK_EDITABLE (typed), "dem");
  g_assert_false (next_enabled (wizard));
  gtk_editable_set_text (GTK_EDITABLE (typed), "demo ");
  g_assert_false (next_enabled (wizard));
  gtk_editable_set_text (GTK_EDITABLE (typed), "Demo");
  g_assert_false (next_enabled (wizard));
  /* A disabled Next does nothing. */
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (sn_runbook_wizard_get_page (wizard), ==, "gates");

  gtk_editable_set_text (GTK_EDITABLE (typed), "demo");
  g_assert_true (next_enabled (wizard));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (next)))), ==, "_Run");
  sn_test_screenshot (wizard, "wizard-restart-gates.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  wait_for_page (wizard, "result", 180000);
  g_assert_cmpstr (sn_test_label_text (wizard, "result-title"), ==, "Succeeded");
  g_assert_cmpint (sn_runbook_wizard_get_outcome (wizard), ==, SN_RUN_OUTCOME_SUCCEEDED);

  after = app_pid ();
  g_assert_cmpstr (before, !=, after);

  sn_test_destroy_window (wizard);
}

static guint
count_files (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_restart_app_read_only (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *before = app_pid ();
  g_autofree char *after = NULL;
  SnRunbookWizard *wizard;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  wizard = open_wizard ("restart-app", profile);

  /* The dry run is allowed: it changes nothing. */
  wait_for_plan (wizard);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  wait_for_page (wizard, "gates", 1000);

  /* A refusal, and no way forward. */
  g_assert_nonnull (strstr (sn_test_label_text (wizard, "gates-refused"), "read-only"));
  g_assert_true (gtk_widget_get_mapped (sn_test_find_named (wizard, "gates-refused")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (wizard, "wizard-next")));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (sn_runbook_wizard_get_page (wizard), ==, "gates");
  sn_test_screenshot (wizard, "wizard-restart-refused.png");

  after = app_pid ();
  g_assert_cmpstr (before, ==, after);

  /* Escape (wizard.cancel) closes it. */
  {
    GtkWidget *weak = GTK_WIDGET (wizard);

    g_object_add_weak_pointer (G_OBJECT (wizard), (gpointer *)&weak);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
    g_assert_true (sn_test_wait_until (sn_test_window_gone, &weak, 5000));
  }
}

/* A backup copies every customer's data: refused to read-only in core, though
 * the runbook flags no step destructive (H3, M1). */
static void
test_backup_read_only (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "narcisse-admin",
                                                 "backups", NULL);
  guint before = count_files (directory);
  SnRunbookWizard *wizard;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  wizard = open_wizard ("backup", profile);

  /* The parameters, then the dry run, are allowed: they change nothing. */
  wait_for_page (wizard, "params", 1000);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  wait_for_plan (wizard);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  wait_for_page (wizard, "gates", 1000);

  g_assert_nonnull (strstr (sn_test_label_text (wizard, "gates-refused"), "read-only"));
  g_assert_true (gtk_widget_get_mapped (sn_test_find_named (wizard, "gates-refused")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (wizard, "wizard-next")));
  gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL);
  g_assert_cmpstr (sn_runbook_wizard_get_page (wizard), ==, "gates");
  g_assert_cmpuint (count_files (directory), ==, before);

  sn_test_destroy_window (wizard);
}

static void
test_cancel_reverts (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "narcisse-admin",
                                                 "runbooks", NULL);
  g_autofree char *path = g_build_filename (directory, "slow-change.json", NULL);
  g_autofree char *marker = g_build_filename (sn_test_stack_dir (), "slow-change-reverted", NULL);
  g_autofree char *json = NULL;
  StateWait running;
  SnRunbookWizard *wizard;

  g_object_set (profile, "production", FALSE, "safety-level", SN_SAFETY_LEVEL_ADMIN, NULL);
  g_remove (marker);
  json = g_strdup_printf ("{ \"id\": \"slow-change\", \"title\": \"Slow change\","
                          "  \"description\": \"Sleeps; its revert leaves a marker.\","
                          "  \"safety-level\": \"operator\","
                          "  \"steps\": [ { \"id\": \"sleep\", \"title\": \"Sleep a while\","
                          "    \"action\": \"host.exec\", \"args\": { \"command\": \"sleep 30\" },"
                          "    \"destructive\": true, \"revert-if-failed\": true,"
                          "    \"revert\": { \"action\": \"host.exec\","
                          "                  \"args\": { \"command\": \"touch %s\" } } } ] }",
                          marker);
  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, json, -1, NULL));

  /* Load the catalog again: the user's runbook is in it now. */
  g_clear_object (&catalog);
  catalog = sn_runbook_catalog_new (NULL);
  g_assert_true (sn_runbook_catalog_load (catalog, NULL));
  g_assert_cmpuint (g_strv_length ((char **)sn_runbook_catalog_get_errors (catalog)), ==, 0);

  wizard = open_wizard ("slow-change", profile);
  wait_for_plan (wizard);
  /* A runbook from the user's folder says so in its plan. */
  g_assert_nonnull (strstr (sn_test_label_text (wizard, "plan-risks"), "user runbook"));
  g_assert_nonnull (strstr (sn_test_label_text (wizard, "plan-risks"), "slow-change.json"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  wait_for_page (wizard, "run", 1000);

  running.wizard = wizard;
  running.state = "Running";
  g_assert_true (sn_test_wait_until (some_step_shows, &running, 30000));

  sn_test_screenshot (wizard, "wizard-running.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.cancel", NULL));
  g_assert_cmpstr (sn_test_label_text (wizard, "run-status"), ==, "Cancelling — reverting what was done…");

  wait_for_page (wizard, "result", 60000);
  g_assert_cmpint (sn_runbook_wizard_get_outcome (wizard), ==, SN_RUN_OUTCOME_FAILED_REVERTED);
  g_assert_cmpstr (sn_test_label_text (wizard, "result-title"), ==, "Cancelled and Reverted");
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (wizard, "run-again")));
  sn_test_screenshot (wizard, "wizard-cancel-result.png");

  sn_test_destroy_window (wizard);
  g_remove (path);
}

static void
test_runbooks_window (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *directory = g_build_filename (g_get_user_data_dir (), "narcisse-admin",
                                                 "runbooks", NULL);
  g_autofree char *broken = g_build_filename (directory, "broken.json", NULL);
  SnRunbooksWindow *window;
  GtkWidget *last_run;
  GtkWidget *error_row;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (broken, "{ \"id\": \"broken\", \"title\": \"B\", \"steps\": ["
                                              " { \"id\": \"s\", \"title\": \"S\", \"action\": \"host.nope\" } ] }",
                                      -1, NULL));

  window = sn_runbooks_window_new (NULL, profile);
  gtk_window_present (GTK_WINDOW (window));

  /* Every runbook, with a Run button and its last run (sev1-checklist ran above). */
  g_assert_nonnull (sn_test_find_named (window, "run-sev1-checklist"));
  g_assert_nonnull (sn_test_find_named (window, "run-restart-app"));
  last_run = sn_test_find_named (window, "last-run-sev1-checklist");
  g_assert_nonnull (last_run);
  g_assert_true (g_str_has_prefix (gtk_label_get_label (GTK_LABEL (last_run)), "Last run "));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (last_run)), "Succeeded"));

  /* The malformed file, with its located error. */
  error_row = sn_test_find_named (window, "runbook-error");
  g_assert_nonnull (error_row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (error_row)),
                            "unknown action “host.nope”"));
  sn_test_screenshot (window, "runbooks-window.png");

  /* Run opens the wizard on the window's profile. */
  g_signal_emit_by_name (sn_test_find_named (window, "run-sev1-checklist"), "clicked");
  {
    SnRunbookWizard *wizard = NULL;
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

        if (SN_IS_RUNBOOK_WIZARD (item))
          wizard = SN_RUNBOOK_WIZARD (item);
      }
    g_assert_nonnull (wizard);
    g_assert_true (sn_runbook_wizard_get_profile (wizard) == profile);
    g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (wizard)), ==, "sev1-checklist");
    wait_for_plan (wizard);
    sn_test_destroy_window (wizard);
  }

  /* A read-only profile: what it cannot run offers a preview, not a red Run,
   * and says why up front. */
  {
    g_autoptr(SnProfile) read_only = sn_profile_copy (profile);
    GtkWidget *button;

    g_object_set (read_only, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
    sn_runbooks_window_set_profile (window, read_only);
    button = sn_test_find_named (window, "run-restart-app");
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))), ==,
                     "_Preview…");
    g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (button), "read-only"));
    g_assert_false (gtk_widget_has_css_class (button, "destructive-action"));
    button = sn_test_find_named (window, "run-backup");
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))), ==,
                     "_Preview…");
    button = sn_test_find_named (window, "run-sev1-checklist");
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))), ==,
                     "_Run…");
  }

  sn_test_destroy_window (window);
  g_remove (broken);
}

static void
test_parameters (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnRunbookWizard *wizard = open_wizard ("restore", profile);
  GtkWidget *row;
  GtkWidget *hint;

  /* A required parameter: Next stays disabled, and the error shows under the field. */
  g_assert_cmpstr (sn_runbook_wizard_get_page (wizard), ==, "params");
  row = sn_test_find_named (wizard, "param-backup");
  hint = sn_test_find_named (wizard, "param-hint-backup");
  g_assert_true (ADW_IS_ENTRY_ROW (row));
  g_assert_false (next_enabled (wizard));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (hint)), "required"));
  sn_test_screenshot (wizard, "wizard-params.png");

  gtk_editable_set_text (GTK_EDITABLE (row), "sweet_narcisse_20260101_120000.dump");
  g_assert_true (next_enabled (wizard));
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_false (gtk_widget_has_css_class (hint, "error"));

  /* Enter in the field is Next: on to the dry run. */
  g_signal_emit_by_name (row, "entry-activated");
  wait_for_page (wizard, "plan", 1000);
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (wizard, "wizard-back")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.back", NULL));
  wait_for_page (wizard, "params", 1000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "sweet_narcisse_20260101_120000.dump");

  sn_test_destroy_window (wizard);
}

static gboolean
widget_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static void
test_main_window_entries (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnWindow *window = sn_window_new (NULL, store, "demo");
  SnRunbookWizard *wizard;
  SnRunbooksWindow *runbooks;
  GtkWidget *sev1;

  gtk_window_present (GTK_WINDOW (window));

  /* The Incidents view: a visible SEV1 checklist button. */
  sev1 = sn_test_find_named (window, "sev1-checklist");
  g_assert_nonnull (sev1);
  g_assert_true (sn_test_wait_until (widget_mapped, sev1, 5000));
  g_assert_true (gtk_widget_is_sensitive (sev1));
  sn_test_screenshot (window, "main-window.png");

  g_signal_emit_by_name (sev1, "clicked");
  wizard = SN_RUNBOOK_WIZARD (sn_test_find_toplevel (SN_TYPE_RUNBOOK_WIZARD));
  g_assert_nonnull (wizard);
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (wizard)), ==, "sev1-checklist");
  g_assert_cmpstr (sn_profile_get_name (sn_runbook_wizard_get_profile (wizard)), ==, "demo");
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (wizard)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (wizard)) == GTK_WINDOW (window));
  wait_for_plan (wizard);
  sn_test_destroy_window (wizard);

  /* The primary menu's Runbooks (Ctrl+Shift+R). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.runbooks", NULL));
  runbooks = SN_RUNBOOKS_WINDOW (sn_test_find_toplevel (SN_TYPE_RUNBOOKS_WINDOW));
  g_assert_nonnull (runbooks);
  g_assert_cmpstr (sn_profile_get_name (sn_runbooks_window_get_profile (runbooks)), ==, "demo");
  sn_test_destroy_window (runbooks);

  sn_test_destroy_window (window);
}

/* Runs whose report is gone, or made by another front end that kept only the
 * audit line, still count: the audit log says what ran, whatever ran it. */
static void
test_last_run_from_audit (void)
{
  g_autofree char *directory = g_dir_make_tmp ("sn-reports-XXXXXX", NULL);
  g_autofree char *audit_path = g_build_filename (directory, "audit.jsonl", NULL);
  g_autofree char *rotated = g_build_filename (directory, "audit.1.jsonl", NULL);
  g_autofree char *report = g_build_filename (directory, "20200101-090000-restart-app-demo.md", NULL);
  g_autoptr(SnAuditLog) audit = sn_audit_log_new (audit_path);
  const char * const ids[] = { "restart", "restart-app", "backup", NULL };
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *result = NULL;

  /* An old report from this window; newer runs in the audit log only. */
  g_assert_true (g_file_set_contents (report, "| Result | **Succeeded** |\n", -1, NULL));
  g_assert_true (sn_audit_log_append (audit, "prod", "runbook.run",
                                      "runbook run restart-app → Failed, and reverted; report: /gone.md",
                                      SN_RUN_OUTCOME_FAILED_REVERTED, 1000, 0, NULL));
  g_assert_true (sn_audit_log_append (audit, "prod", "runbook.run",
                                      "runbook run restart-app → Dry run (nothing was changed)",
                                      SN_RUN_OUTCOME_PLANNED, 1000, 0, NULL));
  g_assert_true (sn_audit_log_append (audit, "prod", "runbook.run", "runbook run restart → Succeeded",
                                      SN_RUN_OUTCOME_SUCCEEDED, 1000, 0, NULL));
  g_assert_true (sn_audit_log_append (audit, "prod", "host.compose", "runbook run backup → Succeeded",
                                      0, 1000, 0, NULL));

  g_assert_true (sn_runbooks_find_last_run_anywhere (directory, audit_path, "restart-app", ids,
                                                     &when, &profile, &result));
  g_assert_cmpstr (profile, ==, "prod");
  g_assert_cmpstr (result, ==, "Failed, and reverted");
  g_assert_cmpint (g_date_time_get_year (when), >, 2020);

  /* Only runbook.run lines of that very runbook. */
  g_clear_pointer (&when, g_date_time_unref);
  g_clear_pointer (&profile, g_free);
  g_clear_pointer (&result, g_free);
  g_assert_false (sn_runbooks_find_last_run_anywhere (directory, audit_path, "backup", ids,
                                                      &when, &profile, &result));

  /* The rotated log is read too. */
  g_assert_true (g_rename (audit_path, rotated) == 0);
  g_assert_true (sn_runbooks_find_last_run_anywhere (directory, audit_path, "restart", ids,
                                                     &when, &profile, &result));
  g_assert_cmpstr (result, ==, "Succeeded");

  g_remove (report);
  g_remove (rotated);
  g_rmdir (directory);
}

static void
test_last_run_parsing (void)
{
  g_autofree char *directory = g_dir_make_tmp ("sn-reports-XXXXXX", NULL);
  const char * const ids[] = { "restart", "restart-app", NULL };
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *result = NULL;
  struct { const char *name; const char *result; } files[] = {
    { "20260101-090000-restart-app-demo.md", "Succeeded" },
    { "20260102-090000-restart-app-prod-eu.md", "Failed, and reverted" },
    { "20260103-090000-restart-app-demo-dry-run.md", "Dry run (nothing was changed)" },
    { "20260104-090000-restart-demo.md", "Refused before any step ran" },
    { "notes.md", "x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (directory, files[i].name, NULL);
      g_autofree char *text = g_strdup_printf ("# T\n\n| | |\n|---|---|\n| Runbook | `x` |\n"
                                               "| Result | **%s** |\n", files[i].result);

      g_assert_true (g_file_set_contents (path, text, -1, NULL));
    }

  /* The newest real run of restart-app: not the dry run, not "restart". */
  g_assert_true (sn_runbooks_find_last_run (directory, "restart-app", ids, &when, &profile, &result, NULL));
  g_assert_cmpint (g_date_time_get_day_of_month (when), ==, 2);
  g_assert_cmpstr (profile, ==, "prod-eu");
  g_assert_cmpstr (result, ==, "Failed, and reverted");

  g_clear_pointer (&when, g_date_time_unref);
  g_clear_pointer (&profile, g_free);
  g_clear_pointer (&result, g_free);
  g_assert_true (sn_runbooks_find_last_run (directory, "restart", ids, &when, &profile, &result, NULL));
  g_assert_cmpstr (profile, ==, "demo");
  g_assert_cmpstr (result, ==, "Refused before any step ran");

  g_assert_false (sn_runbooks_find_last_run (directory, "sev1-checklist", ids, NULL, NULL, NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (directory, files[i].name, NULL);

      g_remove (path);
    }
  g_rmdir (directory);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  /* First: it points HOME and the XDG directories into its own temp dir. */
  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  catalog = sn_runbook_catalog_new (NULL);
  g_assert_true (sn_runbook_catalog_load (catalog, NULL));

  g_test_add_func ("/sn/wizard/last-run-parsing", test_last_run_parsing);
  g_test_add_func ("/sn/wizard/last-run-from-audit", test_last_run_from_audit);
  g_test_add_func ("/sn/wizard/sev1-checklist", test_sev1_checklist);
  g_test_add_func ("/sn/wizard/parameters", test_parameters);
  g_test_add_func ("/sn/wizard/restart-app-production", test_restart_app_production);
  g_test_add_func ("/sn/wizard/restart-app-read-only", test_restart_app_read_only);
  g_test_add_func ("/sn/wizard/backup-read-only", test_backup_read_only);
  g_test_add_func ("/sn/wizard/cancel-reverts", test_cancel_reverts);
  g_test_add_func ("/sn/wizard/runbooks-window", test_runbooks_window);
  g_test_add_func ("/sn/wizard/main-window-entries", test_main_window_entries);

  return g_test_run ();
}
