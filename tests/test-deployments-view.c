/* test-deployments-view.c: the Deployments view in the window, against the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-deployments-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-deployments-view.h"
#include "sn-incident-store.h"
#include "sn-runbook-wizard.h"
#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-window.h"

static gboolean
loaded (gpointer data)
{
  SnDeploymentsView *view = data;

  return !sn_deployments_view_get_busy (view) && sn_deployments_view_get_status (view) != NULL &&
         sn_deployments_view_get_tags (view) != NULL && sn_deployments_view_get_runs (view) != NULL;
}

static gboolean
changelog_filled (gpointer data)
{
  return g_list_model_get_n_items (sn_deployments_view_get_changelog (data)) > 0;
}

static const char *
row_subtitle (GtkWidget  *root,
              const char *name)
{
  GtkWidget *row = sn_test_find_named (root, name);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

static SnDeploymentsView *
show_view (SnWindow *window)
{
  GtkWidget *view = sn_window_show_view (window, "deployments");

  g_assert_nonnull (view);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  return SN_DEPLOYMENTS_VIEW (view);
}

static char *
wizard_tag (SnDeploymentsView *view)
{
  GtkWindow *wizard = sn_deployments_view_get_wizard (view);

  g_assert_nonnull (wizard);
  return sn_runbook_wizard_dup_param (SN_RUNBOOK_WIZARD (wizard), "tag");
}

static void
test_dashboard (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autofree char *rollback_tag = NULL;
  g_autofree char *release_tag = NULL;
  g_autofree char *manual_tag = NULL;
  SnDeploymentsView *view;
  SnWindow *window;
  GtkWidget *warnings;
  GtkColumnView *tags_view;
  const char *title;

  g_assert_true (sn_profile_store_load (store, NULL));
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));
  view = show_view (window);
  g_assert_true (sn_test_wait_until (loaded, view, 60000));

  /* the deployed version: tag checked out, version reported, image age */
  g_assert_nonnull (strstr (row_subtitle (GTK_WIDGET (view), "deployments-tag"), "v1.0.6"));
  g_assert_nonnull (strstr (row_subtitle (GTK_WIDGET (view), "deployments-version"), "1.0.6"));
  g_assert_nonnull (strstr (row_subtitle (GTK_WIDGET (view), "deployments-image"), "ago"));
  warnings = sn_test_find_named (view, "deployments-warnings");
  g_assert_true (gtk_widget_get_visible (warnings));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (warnings)), "git pull origin master"));

  /* the lists, through their models in the .ui */
  tags_view = GTK_COLUMN_VIEW (sn_test_find_named (view, "deployments-tags"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (tags_view))), ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (sn_deployments_view_get_runs (view)), ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
    GTK_COLUMN_VIEW (sn_test_find_named (view, "deployments-runs"))))), ==, 7);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (view, "deployments-runs-status")));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (view, "deployments-actions")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (view, "deployments-level-note")));
  sn_test_screenshot (window, "deployments-view.png");

  /* an older tag: the changelog says what a rollback removes */
  g_assert_true (sn_deployments_view_select_tag (view, "v1.0.4"));
  g_assert_true (sn_test_wait_until (changelog_filled, view, 30000));
  g_assert_cmpuint (g_list_model_get_n_items (sn_deployments_view_get_changelog (view)), ==, 2);
  title = sn_test_label_text (view, "deployments-changelog-title");
  g_assert_nonnull (strstr (title, "removes"));

  /* the buttons open the runbooks in the wizard, the tag filled in */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "deployments.rollback", NULL));
  rollback_tag = wizard_tag (view);
  g_assert_cmpstr (rollback_tag, ==, "v1.0.4");
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (SN_RUNBOOK_WIZARD (sn_deployments_view_get_wizard (view)))),
                   ==, "rollback");
  sn_test_destroy_window (sn_deployments_view_get_wizard (view));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "deployments.manual", NULL));
  manual_tag = wizard_tag (view);
  g_assert_cmpstr (manual_tag, ==, "v1.0.4");
  sn_test_destroy_window (sn_deployments_view_get_wizard (view));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "deployments.release", NULL));
  release_tag = wizard_tag (view);
  g_assert_cmpstr (release_tag, ==, "v1.0.7");
  sn_test_destroy_window (sn_deployments_view_get_wizard (view));

  /* the button's menu: the next feature or major version instead */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "deployments.release-next", "s", "minor"));
  g_free (release_tag);
  release_tag = wizard_tag (view);
  g_assert_cmpstr (release_tag, ==, "v1.1.0");
  sn_test_destroy_window (sn_deployments_view_get_wizard (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "deployments.release-next", "s", "major"));
  g_free (release_tag);
  release_tag = wizard_tag (view);
  g_assert_cmpstr (release_tag, ==, "v2.0.0");
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (SN_RUNBOOK_WIZARD (sn_deployments_view_get_wizard (view)))),
                   ==, "release");
  sn_test_destroy_window (sn_deployments_view_get_wizard (view));

  /* the demo profile is admin: the migration rollback is offered */
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (view, "deployments-migration-rollback")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "deployments.migration-rollback", NULL));
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (SN_RUNBOOK_WIZARD (sn_deployments_view_get_wizard (view)))),
                   ==, "migration-rollback");
  sn_test_destroy_window (sn_deployments_view_get_wizard (view));

  sn_test_destroy_window (window);
}

static gboolean
wizard_at_result_or_next (gpointer data)
{
  GtkWidget *next = sn_test_find_named (data, "wizard-next");

  return g_strcmp0 (sn_runbook_wizard_get_page (data), "result") == 0 ||
         (next != NULL && gtk_widget_get_visible (next) && gtk_widget_is_sensitive (next));
}

/* Next, page after page, until the result. */
static void
drive_to_result (SnRunbookWizard *wizard)
{
  for (guint i = 0; i < 10 && g_strcmp0 (sn_runbook_wizard_get_page (wizard), "result") != 0; i++)
    {
      g_assert_true (sn_test_wait_until (wizard_at_result_or_next, wizard, 180000));
      if (g_strcmp0 (sn_runbook_wizard_get_page (wizard), "result") == 0)
        break;
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
    }
  g_assert_cmpstr (sn_runbook_wizard_get_page (wizard), ==, "result");
}

/* A developer's commit on GitHub's master whose app exits at start. */
static void
push_broken_commit (const char *version)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-dev-XXXXXX", NULL);
  g_autofree char *command = g_strdup_printf (
    "set -e; export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null; "
    "git clone -q %s %s/w; cd %s/w; "
    "sed -i 's/\"version\": \"[^\"]*\"/\"version\": \"%s\"/' package.json; "
    "mkdir -p src; touch src/crash-on-start; git add -A; "
    "git -c user.name=Dev -c user.email=dev@sweet-narcisse.fr commit -q -m 'feat: gift cards'; "
    "git push -q origin master; rm -rf %s",
    sn_test_stack_get ("GITHUB_REPO_DIR"), dir, dir, version, dir);

  g_free (sn_test_run (command));
}

static gboolean
version_is_106 (gpointer data)
{
  SnDeploymentsView *view = data;
  SnDeployStatus *status = sn_deployments_view_get_status (view);

  return !sn_deployments_view_get_busy (view) && status != NULL &&
         g_strcmp0 (sn_deploy_status_get_health_version (status), "1.0.6") == 0;
}

static const char *
open_incident_text (const char *needle)
{
  g_autoptr(SnIncidentStore) store = sn_incident_store_new (NULL);
  SnIncident *incident;
  GListModel *timeline;

  g_assert_true (sn_incident_store_load (store, NULL));
  incident = sn_incident_store_get_open (store, "demo");
  g_assert_nonnull (incident);
  timeline = sn_incident_get_timeline (incident);
  for (guint i = 0; i < g_list_model_get_n_items (timeline); i++)
    {
      g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (timeline, i);

      if (strstr (sn_timeline_entry_get_text (entry), needle) != NULL)
        return needle;
    }
  return NULL;
}

/* A release whose deploy run fails (the new version cannot start): the
 * wizard's result offers the rollback to the tag that ran before, one click
 * opens it filled in, and it brings that version back. The open incident
 * hears of both runs, with their tags. */
static void
test_failed_release_rollback (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(SnIncidentStore) incidents = sn_incident_store_new (NULL);
  g_autoptr(SnIncident) incident = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rollback_tag = NULL;
  SnRunbookWizard *release;
  SnRunbookWizard *rollback;
  SnDeploymentsView *view;
  SnWindow *window;
  GtkWidget *button;

  g_assert_true (sn_profile_store_load (store, NULL));
  g_assert_true (sn_incident_store_load (incidents, NULL));
  incident = sn_incident_new ("demo", "Bookings fail", SN_SEVERITY_SEV2, SN_SEVERITY_SEV2, NULL, NULL);
  g_assert_true (sn_incident_store_declare (incidents, sn_test_stack_profile (), incident, &error));
  g_assert_no_error (error);

  push_broken_commit ("1.0.7");
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));
  view = show_view (window);
  g_assert_true (sn_test_wait_until (loaded, view, 60000));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "deployments.release", NULL));
  release = SN_RUNBOOK_WIZARD (sn_deployments_view_get_wizard (view));
  drive_to_result (release);
  g_assert_cmpint (sn_runbook_wizard_get_outcome (release), ==, SN_RUN_OUTCOME_FAILED);
  button = sn_test_find_named (release, "result-rollback");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))), "v1.0.6"));
  g_assert_nonnull (open_incident_text ("Release a new version (tag=v1.0.7)"));

  /* one click: the rollback wizard, v1.0.6 filled in, followed by the view */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (release), "wizard.rollback", NULL));
  rollback = SN_RUNBOOK_WIZARD (sn_deployments_view_get_wizard (view));
  g_assert_true (rollback != release);
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (rollback)), ==, "rollback");
  rollback_tag = sn_runbook_wizard_dup_param (rollback, "tag");
  g_assert_cmpstr (rollback_tag, ==, "v1.0.6");

  drive_to_result (rollback);
  g_assert_cmpint (sn_runbook_wizard_get_outcome (rollback), ==, SN_RUN_OUTCOME_SUCCEEDED);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (rollback, "result-rollback")));
  g_assert_true (sn_test_wait_until (version_is_106, view, 60000));
  g_assert_nonnull (open_incident_text ("Roll back to an earlier version (tag=v1.0.6)"));

  sn_test_destroy_window (rollback);
  sn_test_screenshot (release, "deployments-release-failed.png");
  sn_test_destroy_window (release);
  sn_test_destroy_window (window);
}

/* The direction (read-only) sees the dashboard and no button that changes anything. */
static void
test_read_only (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnDeploymentsView *view;
  SnWindow *window;

  window = sn_test_open_direction_window (store);
  view = show_view (window);
  g_assert_true (sn_test_wait_until (loaded, view, 60000));

  g_assert_nonnull (strstr (row_subtitle (GTK_WIDGET (view), "deployments-tag"), "v1.0."));
  g_assert_cmpuint (g_list_model_get_n_items (sn_deployments_view_get_runs (view)), >=, 7);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (view, "deployments-actions")));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (view, "deployments-level-note")));

  /* the shortcuts' actions are off too: no wizard opens */
  gtk_widget_activate_action (GTK_WIDGET (view), "deployments.release", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "deployments.rollback", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "deployments.migration-rollback", NULL);
  g_assert_null (sn_deployments_view_get_wizard (view));
  g_assert_null (sn_test_find_toplevel (SN_TYPE_RUNBOOK_WIZARD));
  sn_test_screenshot (window, "deployments-view-read-only.png");

  sn_test_destroy_window (window);
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

  g_setenv ("LANGUAGE", "C", TRUE);
  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sn/deployments-view/dashboard", test_dashboard);
  g_test_add_func ("/sn/deployments-view/read-only", test_read_only);
  g_test_add_func ("/sn/deployments-view/failed-release-rollback", test_failed_release_rollback);

  return g_test_run ();
}
