/* test-maintenance-view.c: the Maintenance view in the window, against the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-maintenance-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-maintenance-deps-page.h"
#include "sn-maintenance-disk-page.h"
#include "sn-maintenance-env-page.h"
#include "sn-maintenance-jobs-page.h"
#include "sn-maintenance-secrets-page.h"
#include "sn-maintenance-view.h"
#include "sn-runbook-wizard.h"
#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-window.h"

static gboolean
disk_loaded (gpointer data)
{
  return !sn_maintenance_disk_page_get_busy (data) && sn_maintenance_disk_page_get_survey (data) != NULL;
}

static gboolean
deps_loaded (gpointer data)
{
  return !sn_maintenance_deps_page_get_busy (data) && sn_maintenance_deps_page_get_audit (data) != NULL;
}

static gboolean
jobs_loaded (gpointer data)
{
  return !sn_maintenance_jobs_page_get_busy (data) && sn_maintenance_jobs_page_get_jobs (data) != NULL;
}

static SnMaintenanceView *
show_view (SnWindow *window)
{
  GtkWidget *view = sn_window_show_view (window, "maintenance");

  g_assert_nonnull (view);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  return SN_MAINTENANCE_VIEW (view);
}

static guint
column_view_rows (gpointer    root,
                  const char *name)
{
  GtkWidget *view = sn_test_find_named (root, name);

  g_assert_nonnull (view);
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (view))));
}

static const char *
wizard_runbook (GtkWindow *wizard)
{
  g_assert_nonnull (wizard);
  return sn_runbook_get_id (sn_runbook_wizard_get_runbook (SN_RUNBOOK_WIZARD (wizard)));
}

static SnWindow *
open_window (const char *profile_name)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnWindow *window;

  g_assert_true (sn_profile_store_load (store, NULL));
  window = sn_window_new (NULL, store, profile_name);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static gboolean
secrets_loaded (gpointer data)
{
  return !sn_maintenance_secrets_page_get_busy (data) && sn_maintenance_secrets_page_get_status (data) != NULL;
}

static gboolean
env_loaded (gpointer data)
{
  return !sn_maintenance_env_page_get_busy (data) && sn_maintenance_env_page_get_audit (data) != NULL;
}

static void
test_dashboard (void)
{
  SnWindow *window = open_window ("demo");
  SnMaintenanceView *view = show_view (window);
  SnMaintenanceDiskPage *disk = SN_MAINTENANCE_DISK_PAGE (sn_maintenance_view_get_page (view, "disk"));
  SnMaintenanceDepsPage *deps = NULL;
  SnMaintenanceJobsPage *jobs = NULL;
  SnMaintenanceSecretsPage *secrets;
  SnMaintenanceEnvPage *env;
  g_autofree char *volume = NULL;
  g_autofree char *typed = NULL;
  GtkWindow *wizard;

  g_assert_true (sn_test_wait_until (disk_loaded, disk, 60000));

  /* what the cleanup would free, item by item, and the volumes apart */
  g_assert_cmpuint (column_view_rows (disk, "maintenance-disk-items"), >=, 10);
  g_assert_cmpuint (column_view_rows (disk, "maintenance-disk-volumes"), ==, 8);
  g_assert_cmpuint (sn_disk_survey_get_docker_freed (sn_maintenance_disk_page_get_survey (disk)), >, 0);
  g_assert_nonnull (strstr (sn_test_label_text (disk, "maintenance-disk-space"), "/"));
  g_assert_nonnull (strstr (sn_test_label_text (disk, "maintenance-disk-would-free"), "No volume"));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (disk, "maintenance-disk-clean")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (disk, "maintenance-disk-level-note")));
  sn_test_screenshot (window, "maintenance-disk.png");

  /* Clean Up opens the disk-cleanup runbook in the wizard */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (disk), "disk.clean", NULL));
  wizard = sn_maintenance_disk_page_get_wizard (disk);
  g_assert_cmpstr (wizard_runbook (wizard), ==, "disk-cleanup");
  sn_test_destroy_window (wizard);

  /* a volume in use cannot be picked for removal; an unused one opens the runbook with its
   * name filled in, and the typed confirmation left to the person */
  g_assert_true (sn_maintenance_disk_page_select_volume (disk, "sweetnarcisse-postgres"));
  gtk_widget_activate_action (GTK_WIDGET (disk), "disk.remove-volume", NULL);
  g_assert_null (sn_maintenance_disk_page_get_wizard (disk));
  g_assert_true (sn_maintenance_disk_page_select_volume (disk, "sweet-minio-data"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (disk), "disk.remove-volume", NULL));
  wizard = sn_maintenance_disk_page_get_wizard (disk);
  g_assert_cmpstr (wizard_runbook (wizard), ==, "docker-volume-remove");
  volume = sn_runbook_wizard_dup_param (SN_RUNBOOK_WIZARD (wizard), "volume");
  typed = sn_runbook_wizard_dup_param (SN_RUNBOOK_WIZARD (wizard), "confirm");
  g_assert_cmpstr (volume, ==, "sweet-minio-data");
  g_assert_true (typed == NULL || *typed == '\0');
  sn_test_destroy_window (wizard);

  /* the dependencies: npm audit's table, most severe first */
  sn_maintenance_view_show_page (view, "dependencies");
  deps = SN_MAINTENANCE_DEPS_PAGE (sn_maintenance_view_get_page (view, "dependencies"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (sn_test_wait_until (deps_loaded, deps, 60000));
  g_assert_cmpuint (column_view_rows (deps, "maintenance-deps-vulnerabilities"), ==, 6);
  g_assert_nonnull (strstr (sn_test_label_text (deps, "maintenance-deps-summary"), "2 critical"));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (deps, "maintenance-deps-empty")));
  sn_test_screenshot (window, "maintenance-dependencies.png");
  /* Fix… opens the npm-audit-fix runbook in the wizard */
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (deps, "maintenance-deps-fix")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (deps), "deps.fix", NULL));
  wizard = GTK_WINDOW (sn_test_find_toplevel (SN_TYPE_RUNBOOK_WIZARD));
  g_assert_nonnull (wizard);
  g_assert_cmpstr (wizard_runbook (wizard), ==, "npm-audit-fix");
  sn_test_destroy_window (wizard);

  /* the scheduled jobs */
  sn_maintenance_view_show_page (view, "jobs");
  jobs = SN_MAINTENANCE_JOBS_PAGE (sn_maintenance_view_get_page (view, "jobs"));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (sn_test_wait_until (jobs_loaded, jobs, 60000));
  g_assert_cmpuint (column_view_rows (jobs, "maintenance-jobs-list"), ==, 6);
  sn_test_screenshot (window, "maintenance-jobs.png");

  /* the login secret and the environment audit, read through the window's connection */
  sn_maintenance_view_show_page (view, "secrets");
  secrets = SN_MAINTENANCE_SECRETS_PAGE (sn_maintenance_view_get_page (view, "secrets"));
  g_assert_nonnull (secrets);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (sn_test_wait_until (secrets_loaded, secrets, 60000));
  sn_maintenance_view_show_page (view, "environment");
  env = SN_MAINTENANCE_ENV_PAGE (sn_maintenance_view_get_page (view, "environment"));
  g_assert_nonnull (env);
  gtk_widget_activate_action (GTK_WIDGET (view), "view.refresh", NULL);
  g_assert_true (sn_test_wait_until (env_loaded, env, 60000));

  sn_test_destroy_window (window);
}

/* The direction (read-only) sees the dashboards and no button that changes the server. */
static void
test_read_only (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnMaintenanceDiskPage *disk;
  SnMaintenanceView *view;
  SnWindow *window;
  GtkWidget *deps;

  window = sn_test_open_direction_window (store);
  view = show_view (window);
  disk = SN_MAINTENANCE_DISK_PAGE (sn_maintenance_view_get_page (view, "disk"));
  g_assert_true (sn_test_wait_until (disk_loaded, disk, 60000));

  g_assert_cmpuint (column_view_rows (disk, "maintenance-disk-items"), >=, 10);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (disk, "maintenance-disk-clean")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (disk, "maintenance-disk-volume-actions")));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (disk, "maintenance-disk-level-note")));

  /* the shortcuts' actions are off too: no wizard opens */
  g_assert_true (sn_maintenance_disk_page_select_volume (disk, "sweet-minio-data"));
  gtk_widget_activate_action (GTK_WIDGET (disk), "disk.clean", NULL);
  gtk_widget_activate_action (GTK_WIDGET (disk), "disk.remove-volume", NULL);
  g_assert_null (sn_maintenance_disk_page_get_wizard (disk));
  g_assert_null (sn_test_find_toplevel (SN_TYPE_RUNBOOK_WIZARD));
  sn_test_screenshot (window, "maintenance-read-only.png");

  /* no Fix… on the dependencies page, and its action is off */
  sn_maintenance_view_show_page (view, "dependencies");
  deps = sn_maintenance_view_get_page (view, "dependencies");
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (deps, "maintenance-deps-fix")));
  gtk_widget_activate_action (deps, "deps.fix", NULL);
  g_assert_null (sn_test_find_toplevel (SN_TYPE_RUNBOOK_WIZARD));

  sn_test_destroy_window (window);
}

/* Cancel while measuring: the page stops waiting at once. */
static void
test_cancel (void)
{
  SnWindow *window = open_window ("demo");
  SnMaintenanceView *view = show_view (window);
  SnMaintenanceDiskPage *disk = SN_MAINTENANCE_DISK_PAGE (sn_maintenance_view_get_page (view, "disk"));
  GtkStack *stack;

  g_assert_true (sn_test_wait_until (disk_loaded, disk, 60000));
  sn_area_page_refresh (SN_AREA_PAGE (disk));
  g_assert_true (sn_maintenance_disk_page_get_busy (disk));
  stack = GTK_STACK (sn_test_find_named (disk, "maintenance-disk-stack"));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "loading");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (disk), "page.cancel", NULL));
  g_assert_false (sn_maintenance_disk_page_get_busy (disk));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "content");

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

  g_test_add_func ("/sn/maintenance-view/dashboard", test_dashboard);
  g_test_add_func ("/sn/maintenance-view/read-only", test_read_only);
  g_test_add_func ("/sn/maintenance-view/cancel", test_cancel);

  return g_test_run ();
}
