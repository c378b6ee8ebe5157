/* test-scaling-view.c: the Scaling view in the window, against the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-scaling-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sn-area-page.h"
#include "sn-incident-declare-dialog.h"
#include "sn-preferences-window.h"
#include "sn-settings.h"
#include "sn-runbook-wizard.h"
#include "sn-scaling-view.h"
#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-window.h"

static void
set_series (const char *json)
{
  g_assert_true (g_file_set_contents (sn_test_stack_get ("PROMETHEUS_SERIES"), json, -1, NULL));
}

static gboolean
now_loaded (gpointer data)
{
  SnScalingNowPage *page = sn_scaling_view_get_now_page (data);

  return !sn_scaling_now_page_get_busy (page) && sn_scaling_now_page_get_thresholds (page) != NULL &&
         sn_scaling_now_page_get_stats (page) != NULL;
}

static gboolean
now_failed (gpointer data)
{
  SnScalingNowPage *page = sn_scaling_view_get_now_page (data);

  return !sn_scaling_now_page_get_busy (page) && sn_scaling_now_page_get_thresholds (page) == NULL &&
         sn_scaling_now_page_get_stats (page) != NULL;
}

static gboolean
resources_loaded (gpointer data)
{
  SnScalingResourcesPage *page = sn_scaling_view_get_resources_page (data);

  return !sn_scaling_resources_page_get_busy (page) && sn_scaling_resources_page_get_file (page) != NULL;
}

static gboolean
nginx_part_shown (gpointer data)
{
  g_autofree char *diff = sn_scaling_resources_page_dup_diff (data);

  return strstr (diff, "# nginx: ") != NULL;
}

static gboolean
declare_dialog_open (gpointer data)
{
  return sn_test_find_toplevel (SN_TYPE_INCIDENT_DECLARE_DIALOG) != NULL;
}

static SnScalingView *
show_view (SnWindow *window)
{
  GtkWidget *view = sn_window_show_view (window, "scaling");

  g_assert_nonnull (view);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  return SN_SCALING_VIEW (view);
}

static void
set_entry (SnScalingView *view,
           const char    *name,
           const char    *text)
{
  GtkWidget *row = sn_test_find_named (view, name);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
test_now (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnScalingView *view;
  SnWindow *window;
  GListModel *thresholds;
  GtkWidget *columns;
  g_autoptr(SnThreshold) p95 = NULL;

  /* the error rate above 5 % for 3 minutes: SEV1 */
  set_series ("{\"process_cpu_seconds_total\": {\"points\": [[-30000, 20]]},"
              " \"http_requests_total\": {\"points\": [[-30000, 1], [-180, 12]]}}");
  g_assert_true (sn_profile_store_load (store, NULL));
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));
  view = show_view (window);
  g_assert_true (sn_test_wait_until (now_loaded, view, 60000));

  g_assert_cmpuint (g_list_model_get_n_items (sn_scaling_now_page_get_stats (sn_scaling_view_get_now_page (view))), >, 2);
  thresholds = sn_scaling_now_page_get_thresholds (sn_scaling_view_get_now_page (view));
  g_assert_cmpuint (g_list_model_get_n_items (thresholds), ==, 5);
  p95 = g_list_model_get_item (thresholds, SN_THRESHOLD_P95);
  g_assert_cmpint (sn_threshold_get_state (p95), ==, SN_THRESHOLD_STATE_UNAVAILABLE);
  columns = sn_test_find_named (view, "scaling-thresholds");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (columns)))), ==, 5);
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (columns)), ==, GTK_ACCESSIBLE_ROLE_TREE_GRID);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (view, "scaling-prometheus-error")));
  /* the read replica: the stack's server is a primary without one, and the steps */
  g_assert_nonnull (strstr (sn_test_label_text (view, "scaling-replication"), "No read replica"));
  g_assert_nonnull (strstr (sn_test_label_text (view, "scaling-replica-checklist"), "pg_basebackup"));

  /* the runbook's advice: declare SEV1, which opens the incident triage */
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (view, "scaling-declare-sev1")));
  sn_test_screenshot (window, "scaling-now.png");
  g_assert_true (gtk_widget_activate_action (sn_test_find_named (view, "scaling-now"), "scaling-now.declare-sev1", NULL));
  g_assert_true (sn_test_wait_until (declare_dialog_open, NULL, 10000));
  sn_test_destroy_window (sn_test_find_toplevel (SN_TYPE_INCIDENT_DECLARE_DIALOG));
  show_view (window);

  /* Prometheus down: the containers stay, a clear error instead of the thresholds */
  sn_test_stack_stop ("prometheus");
  gtk_widget_activate_action (GTK_WIDGET (view), "view.refresh", NULL);
  g_assert_true (sn_test_wait_until (now_failed, view, 60000));
  sn_test_stack_start ("prometheus");
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (view, "scaling-prometheus-error")));
  g_assert_nonnull (strstr (sn_test_label_text (view, "scaling-prometheus-error"), "does not answer"));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (view, "scaling-declare-sev1")));
  set_series ("{}");

  sn_test_destroy_window (window);
}

static void
test_resources (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnScalingView *view;
  SnWindow *window;
  SnScalingResourcesPage *page;
  g_autofree char *diff = NULL;
  GtkWindow *wizard;
  g_autofree char *memory = NULL;
  g_autofree char *service = NULL;

  g_assert_true (sn_profile_store_load (store, NULL));
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));
  view = show_view (window);
  page = sn_scaling_view_get_resources_page (view);
  gtk_stack_set_visible_child_name (GTK_STACK (sn_test_find_named (view, "scaling-pages")), "resources");
  g_assert_true (sn_test_wait_until (resources_loaded, view, 60000));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (sn_test_find_named (view, "scaling-current"))),
                            "1.0\xc2\xa0GiB"));

  /* invalid: a clear message, no diff, Apply off */
  set_entry (view, "scaling-memory", "12X");
  g_assert_nonnull (strstr (sn_test_label_text (view, "scaling-validation"), "not an amount of memory"));
  diff = sn_scaling_resources_page_dup_diff (page);
  g_assert_cmpstr (diff, ==, "");
  g_assert_false (gtk_widget_is_sensitive (sn_test_find_named (view, "scaling-apply")));
  g_clear_pointer (&diff, g_free);

  set_entry (view, "scaling-memory", "1G");
  set_entry (view, "scaling-memory-reservation", "2G");
  g_assert_nonnull (strstr (sn_test_label_text (view, "scaling-validation"), "at least the reservation"));
  set_entry (view, "scaling-memory-reservation", "");

  /* valid: the unified diff, Apply opens the runbook with the values */
  set_entry (view, "scaling-memory", "768M");
  diff = sn_scaling_resources_page_dup_diff (page);
  g_assert_nonnull (strstr (diff, "\n-    mem_limit: 1g\n"));
  g_assert_nonnull (strstr (diff, "\n+          memory: 768M\n"));
  g_assert_true (gtk_widget_is_sensitive (sn_test_find_named (view, "scaling-apply")));
  sn_test_screenshot (window, "scaling-resources.png");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "scaling-resources.apply", NULL));
  wizard = sn_scaling_resources_page_get_wizard (page);
  g_assert_nonnull (wizard);
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (SN_RUNBOOK_WIZARD (wizard))), ==, "scaling-apply");
  memory = sn_runbook_wizard_dup_param (SN_RUNBOOK_WIZARD (wizard), "memory");
  service = sn_runbook_wizard_dup_param (SN_RUNBOOK_WIZARD (wizard), "service");
  g_assert_cmpstr (memory, ==, "768M");
  g_assert_cmpstr (service, ==, "app");
  sn_test_destroy_window (wizard);
  set_entry (view, "scaling-memory", "");

  /* more instances: nginx's part in the same review; the stack's nginx.conf
   * is the real one (no upstream block), so it says it is refused and why */
  set_entry (view, "scaling-replicas", "3");
  g_assert_true (sn_test_wait_until (nginx_part_shown, page, 30000));
  g_clear_pointer (&diff, g_free);
  diff = sn_scaling_resources_page_dup_diff (page);
  g_assert_nonnull (strstr (diff, "\n+      replicas: 3\n"));
  g_assert_nonnull (strstr (diff, "# nginx: nginx.conf has no “upstream app” block"));
  g_assert_nonnull (strstr (diff, "http://app:3000"));

  sn_test_destroy_window (window);
}

/* The thresholds are settings: the preferences change what fires. */
static void
test_settings (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(SnThreshold) errors = NULL;
  SnPreferencesWindow *preferences;
  SnScalingView *view;
  SnWindow *window;
  GtkWidget *spin;

  set_series ("{\"http_requests_total\": {\"points\": [[-30000, 1], [-180, 12]]}}");
  g_assert_true (sn_profile_store_load (store, NULL));
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));

  /* 5 minutes instead of 1: 3 minutes above is not firing yet */
  preferences = sn_preferences_window_new (window);
  spin = sn_test_find_named (preferences, "scaling-error-minutes");
  g_assert_nonnull (spin);
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (spin)), ==, 1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 5);
  g_assert_cmpuint (g_settings_get_uint (sn_settings_get_gsettings (sn_settings_get_default ()),
                                         "scaling-error-minutes"), ==, 5);
  sn_test_destroy_window (preferences);

  view = show_view (window);
  g_assert_true (sn_test_wait_until (now_loaded, view, 60000));
  errors = g_list_model_get_item (sn_scaling_now_page_get_thresholds (sn_scaling_view_get_now_page (view)),
                                  SN_THRESHOLD_ERRORS);
  g_assert_cmpint (sn_threshold_get_state (errors), ==, SN_THRESHOLD_STATE_WARNING);
  g_assert_cmpuint (sn_threshold_get_duration (errors), ==, 300);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (view, "scaling-declare-sev1")));

  g_settings_reset (sn_settings_get_gsettings (sn_settings_get_default ()), "scaling-error-minutes");
  set_series ("{}");
  sn_test_destroy_window (window);
}

/* The direction sees "Now" only. */
static void
test_read_only (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnScalingView *view;
  SnWindow *window;
  GtkStack *pages;

  window = sn_test_open_direction_window (store);
  view = show_view (window);
  g_assert_true (sn_test_wait_until (now_loaded, view, 60000));
  pages = GTK_STACK (sn_test_find_named (view, "scaling-pages"));
  g_assert_false (gtk_stack_page_get_visible (gtk_stack_get_page (pages, sn_test_find_named (view, "scaling-resources"))));
  gtk_widget_activate_action (GTK_WIDGET (sn_scaling_view_get_resources_page (view)), "scaling-resources.apply", NULL);
  g_assert_null (sn_test_find_toplevel (SN_TYPE_RUNBOOK_WIZARD));
  sn_test_screenshot (window, "scaling-read-only.png");

  sn_test_destroy_window (window);
}

/* Auto-refresh ------------------------------------------------------------- */

static gboolean
errors_fire (gpointer data)
{
  GListModel *thresholds = sn_scaling_now_page_get_thresholds (sn_scaling_view_get_now_page (data));
  g_autoptr(SnThreshold) errors = NULL;

  if (thresholds == NULL || g_list_model_get_n_items (thresholds) <= SN_THRESHOLD_ERRORS)
    return FALSE;
  errors = g_list_model_get_item (thresholds, SN_THRESHOLD_ERRORS);
  return sn_threshold_get_state (errors) == SN_THRESHOLD_STATE_FIRING;
}

static void
count_reading (SnScalingNowPage *page,
               GParamSpec       *pspec,
               guint            *n_readings)
{
  if (sn_scaling_now_page_get_busy (page))
    (*n_readings)++;
}

static gboolean
reading_started (gpointer data)
{
  return *(guint *)data > 0;
}

static gboolean
now_idle (gpointer data)
{
  return !sn_scaling_now_page_get_busy (data);
}

static gboolean
set_true (gpointer data)
{
  *(gboolean *)data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms, whatever happens. */
static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_true, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* While shown, "Now" reads the stand-ins again by itself; hidden, never. */
static void
test_auto_refresh (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  GSettings *settings = sn_settings_get_gsettings (sn_settings_get_default ());
  SnScalingNowPage *page;
  SnScalingView *view;
  SnWindow *window;
  GtkStack *pages;
  guint n_readings = 0;
  gulong handler;

  g_assert_cmpuint (g_settings_get_uint (settings, "scaling-now-refresh-seconds"), ==, 30);
  g_settings_set_uint (settings, "scaling-now-refresh-seconds", 1);
  set_series ("{}");
  g_assert_true (sn_profile_store_load (store, NULL));
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));
  view = show_view (window);
  page = sn_scaling_view_get_now_page (view);
  g_assert_cmpuint (sn_area_page_get_refresh_interval (SN_AREA_PAGE (page)), ==, 1);
  g_assert_true (sn_test_wait_until (now_loaded, view, 60000));
  g_assert_false (errors_fire (view));
  g_assert_true (g_str_has_prefix (sn_test_label_text (view, "scaling-updated"), "Updated at "));

  /* the error rate climbs on the server: shown without a refresh */
  set_series ("{\"http_requests_total\": {\"points\": [[-30000, 1], [-180, 12]]}}");
  g_assert_true (sn_test_wait_until (errors_fire, view, 30000));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (view, "scaling-declare-sev1")));

  /* another page shown: no reading at all */
  pages = GTK_STACK (sn_test_find_named (view, "scaling-pages"));
  gtk_stack_set_visible_child_name (pages, "resources");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_true (sn_test_wait_until (now_idle, page, 30000));
  handler = g_signal_connect (page, "notify::busy", G_CALLBACK (count_reading), &n_readings);
  run_for (3500);
  g_assert_cmpuint (n_readings, ==, 0);

  /* shown again: it goes on by itself */
  gtk_stack_set_visible_child_name (pages, "now");
  g_assert_true (sn_test_wait_until (reading_started, &n_readings, 10000));
  g_signal_handler_disconnect (page, handler);

  g_settings_reset (settings, "scaling-now-refresh-seconds");
  set_series ("{}");
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

  g_test_add_func ("/sn/scaling-view/now", test_now);
  g_test_add_func ("/sn/scaling-view/resources", test_resources);
  g_test_add_func ("/sn/scaling-view/settings", test_settings);
  g_test_add_func ("/sn/scaling-view/read-only", test_read_only);
  g_test_add_func ("/sn/scaling-view/auto-refresh", test_auto_refresh);

  return g_test_run ();
}
