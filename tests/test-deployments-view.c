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

/* The direction (read-only) sees the dashboard and no button that changes anything. */
static void
test_read_only (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(SnProfile) ro = NULL;
  g_autoptr(GError) error = NULL;
  SnDeploymentsView *view;
  SnWindow *window;

  g_assert_true (sn_profile_store_load (store, NULL));
  ro = sn_profile_copy (sn_test_stack_profile ());
  g_object_set (ro, "name", "direction", "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  g_assert_true (sn_profile_store_save (store, ro, &error));
  g_assert_no_error (error);

  window = sn_window_new (NULL, store, "direction");
  gtk_window_present (GTK_WINDOW (window));
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

  return g_test_run ();
}
