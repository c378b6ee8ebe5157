/* test-incidents-view.c: declare, follow and close an incident in the window, on the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-incidents-view"

#include "config.h"

#include <glib/gstdio.h>

#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-types.h"
#include "sn-health-panel.h"
#include "sn-incident-declare-dialog.h"
#include "sn-incident-panel.h"
#include "sn-incidents-view.h"
#include "sn-logs-panel.h"
#include "sn-runbook-wizard.h"
#include "sn-window.h"

/* Waiting ---------------------------------------------------------------- */

static gboolean
dialog_checked (gpointer data)
{
  return !sn_incident_declare_dialog_get_busy (data) &&
         sn_incident_declare_dialog_get_proposed (data) == SN_SEVERITY_SEV1;
}

typedef struct
{
  SnIncident *incident;
  const char *needle;
} EntryWait;

static gboolean
timeline_has (gpointer data)
{
  EntryWait *w = data;
  GListModel *timeline = sn_incident_get_timeline (w->incident);

  for (guint i = 0; i < g_list_model_get_n_items (timeline); i++)
    {
      g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (timeline, i);

      if (strstr (sn_timeline_entry_get_text (entry), w->needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
dashboard_unhealthy (gpointer data)
{
  SnHealthReport *report = sn_health_panel_get_report (sn_incidents_view_get_health_panel (data));

  return report != NULL && sn_health_report_get_state (report) == SN_HEALTH_STATE_UNHEALTHY;
}

static gboolean
wizard_page_is_result (gpointer data)
{
  return g_strcmp0 (sn_runbook_wizard_get_page (data), "result") == 0;
}

static gboolean
wizard_next_enabled (gpointer data)
{
  GtkWidget *next = sn_test_find_named (data, "wizard-next");

  return next != NULL && gtk_widget_get_visible (next) && gtk_widget_is_sensitive (next);
}

/* Every line shown has the filter's text (the filter is applied after a
 * pause, later still on a slow machine). */
static gboolean
only_health_shown (gpointer data)
{
  GListModel *shown = sn_logs_panel_get_shown (data);
  guint n = g_list_model_get_n_items (shown);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnLogLine) line = g_list_model_get_item (shown, i);

      if (strstr (sn_log_line_get_text (line), "/api/health") == NULL)
        return FALSE;
    }
  return n > 0;
}

static gboolean
nothing_shown (gpointer data)
{
  return g_list_model_get_n_items (sn_logs_panel_get_shown (data)) == 0;
}

static gboolean
lines_arrived (gpointer data)
{
  return g_list_model_get_n_items (sn_logs_panel_get_shown (data)) >= 5;
}

/* The secrets of the stack's env file: none may reach a postmortem. */
static GPtrArray *
env_values (void)
{
  g_autofree char *path = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), ".env.production.local", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');
      g_autofree char *key = NULL;

      if (lines[i][0] == '#' || eq == NULL || strlen (eq + 1) < 8)
        continue;
      /* The secrets: keys, passwords, tokens, and URLs with credentials in them
       * (the site's own address is no secret and is in every health check). */
      key = g_strndup (lines[i], eq - lines[i]);
      if (strstr (key, "SECRET") || strstr (key, "KEY") || strstr (key, "PASS") ||
          strstr (key, "TOKEN") || (strstr (eq + 1, "://") && strchr (eq + 1, '@')))
        g_ptr_array_add (values, g_strdup (eq + 1));
    }
  g_assert_cmpuint (values->len, >, 5);
  return values;
}

/* The test ---------------------------------------------------------------- */

/* PostgreSQL stops: the triage proposes SEV1, a different grade needs a
 * reason, and "Database down" is declared with the proposed one. */
static SnIncident *
declare_database_down (SnWindow        *window,
                       SnIncidentsView *view,
                       SnIncidentPanel *panel)
{
  SnIncidentDeclareDialog *dialog;
  SnIncident *incident;

  sn_test_stack_stop ("postgres");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.declare-incident", NULL));
  dialog = SN_INCIDENT_DECLARE_DIALOG (sn_test_find_toplevel (SN_TYPE_INCIDENT_DECLARE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_true (sn_test_wait_until (dialog_checked, dialog, 60000));
  g_assert_cmpint (sn_incident_declare_dialog_get_severity (dialog), ==, SN_SEVERITY_SEV1);
  g_assert_cmpstr (sn_test_label_text (dialog, "declare-severity"), ==, "SEV1");
  g_assert_nonnull (strstr (sn_test_label_text (dialog, "declare-reason"), "database"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 620, 900);
  sn_test_screenshot (dialog, "incidents-declare.png");

  /* A different severity needs a reason. */
  sn_incident_declare_dialog_set_severity (dialog, SN_SEVERITY_SEV2, NULL);
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (sn_incident_declare_dialog_declare (dialog, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  sn_incident_declare_dialog_set_severity (dialog, SN_SEVERITY_NONE, NULL);
  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (dialog, "incident-title")),
                         "Database down");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "declare.declare", NULL));
  g_assert_null (sn_test_find_toplevel (SN_TYPE_INCIDENT_DECLARE_DIALOG));

  incident = sn_incident_panel_get_incident (panel);
  g_assert_nonnull (incident);
  g_assert_cmpint (sn_incident_get_severity (incident), ==, SN_SEVERITY_SEV1);
  g_assert_cmpstr (sn_incident_get_title (incident), ==, "Database down");
  g_assert_cmpstr (sn_test_label_text (window, "incident-severity"), ==, "SEV1");
  return incident;
}

/* The countdown, in the header and in the header bar. */
static void
check_countdown (SnWindow  *window,
                 GtkWidget *clock)
{
  /* No action yet: the clock runs, 15 minutes from the declaration. */
  g_assert_true (g_str_has_prefix (sn_test_label_text (window, "incident-countdown"), "14:") ||
                 g_str_has_prefix (sn_test_label_text (window, "incident-countdown"), "15:00"));
  g_assert_nonnull (strstr (sn_test_label_text (window, "incident-target"), "15 min"));
  g_assert_true (gtk_widget_get_visible (clock));
  g_assert_true (g_str_has_prefix (sn_test_label_text (clock, "header-clock-label"), "SEV1 1"));
  sn_test_screenshot (window, "incidents-clock.png");
  g_assert_cmpstr (sn_test_label_text (window, "incident-contacts"), !=, "");
  g_assert_nonnull (strstr (sn_test_label_text (window, "incident-contacts"),
                            "alerte@sweet-narcisse.com"));
  g_assert_cmpuint (strlen (sn_test_label_text (window, "incident-paris-time")), ==, 8);
}

/* A timed health check seeing the database back goes into the timeline, but
 * it is nobody's response: the clock keeps running until a person acts. A
 * note, through the entry and the action, goes in too. */
static void
check_timeline (SnWindow        *window,
                SnIncidentsView *view,
                SnIncidentPanel *panel,
                SnIncident      *incident)
{
  EntryWait wait;

  wait.incident = incident;
  wait.needle = "Health check:";
  for (guint i = 0; i < 30 && !timeline_has (&wait); i++)
    {
      sn_health_panel_refresh (sn_incidents_view_get_health_panel (view));
      sn_test_wait_until (timeline_has, &wait, 2000);
    }
  g_assert_true (timeline_has (&wait));
  g_assert_null (sn_incident_get_responded_at (incident));
  g_assert_false (g_str_has_prefix (sn_test_label_text (window, "incident-countdown"), "Responded"));

  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (window, "incident-note")),
                         "Restarted the db container");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "incident.add-note", NULL));
  wait.needle = "Restarted the db container";
  g_assert_true (timeline_has (&wait));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (sn_test_find_named (window, "incident-note"))),
                   ==, "");
}

/* The SEV1 checklist through the wizard: its result lands in the timeline. */
static void
run_sev1_checklist (SnWindow        *window,
                    SnIncidentsView *view,
                    SnIncident      *incident)
{
  SnRunbookWizard *wizard;
  EntryWait wait = { incident, "SEV1" };

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "view.sev1-checklist", NULL));
  wizard = SN_RUNBOOK_WIZARD (sn_test_find_toplevel (SN_TYPE_RUNBOOK_WIZARD));
  g_assert_nonnull (wizard);
  g_assert_true (sn_test_wait_until (wizard_next_enabled, wizard, 60000));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wizard), "wizard.next", NULL));
  g_assert_true (sn_test_wait_until (wizard_page_is_result, wizard, 120000));
  g_assert_true (timeline_has (&wait));
  {
    GListModel *timeline = sn_incident_get_timeline (incident);
    guint n = g_list_model_get_n_items (timeline);
    g_autoptr(SnTimelineEntry) last = g_list_model_get_item (timeline, n - 1);

    g_assert_nonnull (strstr (sn_timeline_entry_get_text (last), "SEV1"));
    g_assert_nonnull (sn_timeline_entry_get_evidence (last));
  }
  sn_test_destroy_window (wizard);
  sn_incidents_view_show_page (view, "incident");
  sn_test_screenshot (window, "incidents-open.png");
}

/* The logs panel follows the app's log, and the filter narrows it. */
static void
check_logs_filter (SnWindow        *window,
                   SnIncidentsView *view)
{
  SnLogsPanel *logs = sn_incidents_view_get_logs_panel (view);
  GListModel *shown = sn_logs_panel_get_shown (logs);
  guint all, narrowed;

  sn_incidents_view_show_page (view, "logs");
  sn_logs_panel_set_service (logs, "app");
  sn_logs_panel_reload (logs);
  /* Each health check is a request the fake app logs. */
  sn_health_panel_refresh (sn_incidents_view_get_health_panel (view));
  g_assert_true (sn_test_wait_until (lines_arrived, logs, 60000));
  all = g_list_model_get_n_items (shown);
  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (logs, "logs-filter")), "/api/health");
  g_assert_true (sn_test_wait_until (only_health_shown, logs, 30000));
  narrowed = g_list_model_get_n_items (shown);
  g_test_message ("logs: %u lines, %u with /api/health", all, narrowed);
  g_assert_cmpuint (narrowed, >, 0);
  g_assert_cmpuint (narrowed, <=, g_list_model_get_n_items (G_LIST_MODEL (sn_logs_panel_get_model (logs))));
  for (guint i = 0; i < narrowed; i++)
    {
      g_autoptr(SnLogLine) line = g_list_model_get_item (shown, i);

      g_assert_nonnull (strstr (sn_log_line_get_text (line), "/api/health"));
    }
  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (logs, "logs-filter")),
                         "no such text 1234");
  g_assert_true (sn_test_wait_until (nothing_shown, logs, 30000));
  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (logs, "logs-filter")), "");
  sn_test_screenshot (window, "incidents-logs.png");
  sn_logs_panel_stop (logs);
}

/* Close with a resolution: the store's file says resolved; the postmortem
 * holds the timeline and no value of the env file. */
static void
resolve_and_export (SnIncidentPanel *panel,
                    GtkWidget       *clock,
                    SnIncident      *open_incident)
{
  g_autoptr(SnIncident) incident = g_object_ref (open_incident);
  g_autoptr(GPtrArray) secrets = env_values ();
  g_autofree char *export_path = g_build_filename (sn_test_stack_dir (), "postmortem.md", NULL);
  g_autofree char *store_path = sn_incident_store_dup_path (sn_incident_panel_get_store (panel), incident);
  g_autofree char *stored = NULL;
  g_autofree char *markdown = NULL;

  g_assert_true (sn_incident_panel_resolve (panel, "Restarted PostgreSQL; bookings work again", NULL));
  g_assert_null (sn_incident_panel_get_incident (panel));
  g_assert_false (gtk_widget_get_visible (clock));
  g_assert_true (g_file_get_contents (store_path, &stored, NULL, NULL));
  g_assert_nonnull (strstr (stored, "resolved"));
  g_assert_nonnull (strstr (stored, "Restarted PostgreSQL"));

  g_remove (export_path);
  g_assert_true (sn_incident_panel_export (panel, incident, export_path, NULL));
  g_assert_true (g_file_get_contents (export_path, &markdown, NULL, NULL));
  g_assert_nonnull (strstr (markdown, "Restarted the db container"));
  g_assert_nonnull (strstr (markdown, "SEV1"));
  for (guint i = 0; i < secrets->len; i++)
    if (strstr (markdown, g_ptr_array_index (secrets, i)) != NULL)
      g_error ("the postmortem holds a value of the env file: %s", (char *) g_ptr_array_index (secrets, i));
}

static void
test_incident_lifecycle (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnWindow *window = sn_window_new (NULL, store, "demo");
  SnIncidentsView *view;
  SnIncidentPanel *panel;
  SnIncident *incident;
  GtkWidget *clock;

  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 860);
  gtk_window_present (GTK_WINDOW (window));
  {
    GtkWidget *declare = sn_test_find_named (window, "declare-incident");

    g_assert_nonnull (declare);
    view = SN_INCIDENTS_VIEW (gtk_widget_get_ancestor (declare, SN_TYPE_INCIDENTS_VIEW));
  }
  g_assert_nonnull (view);
  panel = sn_incidents_view_get_incident_panel (view);

  /* No incident: the empty state, and no clock in the header bar. */
  g_assert_null (sn_incident_panel_get_incident (panel));
  clock = sn_test_find_named (window, "header-clock");
  g_assert_nonnull (clock);
  g_assert_false (gtk_widget_get_visible (clock));
  sn_incidents_view_show_page (view, "incident");
  sn_test_screenshot (window, "incidents-empty.png");
  sn_incidents_view_show_page (view, "health");

  incident = declare_database_down (window, view, panel);
  check_countdown (window, clock);
  /* The dashboard's own check (started after the window's first frame) has
   * seen the database down before it comes back. */
  g_assert_true (sn_test_wait_until (dashboard_unhealthy, view, 60000));
  sn_test_stack_start ("postgres");
  check_timeline (window, view, panel, incident);
  run_sev1_checklist (window, view, incident);
  check_logs_filter (window, view);
  resolve_and_export (panel, clock, incident);

  /* The past incidents list shows it. */
  sn_incidents_view_show_page (view, "incident");
  g_assert_nonnull (sn_test_find_named (window, "past-incidents"));
  sn_test_screenshot (window, "incidents-resolved.png");
  sn_incidents_view_show_page (view, "health");
  sn_test_screenshot (window, "incidents-health.png");

  sn_test_destroy_window (window);
}

static gboolean
action_enabled (GtkWidget  *widget,
                const char *name)
{
  GtkWidget *button = sn_test_find_named (widget, name);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

/* The direction's read-only profile: declaring, re-grading and resolving are
 * off, each saying why, until the team allows it; the store refuses too. */
static void
test_read_only (void)
{
  SnProfile *ro = sn_test_stack_ro_profile ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(SnIncident) incident = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = sn_incidents_view_new ();
  SnIncidentPanel *panel = sn_incidents_view_get_incident_panel (SN_INCIDENTS_VIEW (view));
  GtkWidget *declare;

  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_settings_set_boolean (settings, "allow-read-only-incidents", FALSE);

  /* An incident of that profile already open (made by hand: the store would refuse). */
  incident = sn_incident_new (sn_profile_get_name (ro), "Wrong price shown", SN_SEVERITY_SEV4,
                              SN_SEVERITY_SEV4, NULL, NULL);
  g_assert_true (sn_incident_store_save (sn_incident_panel_get_store (panel), incident, &error));
  sn_incidents_view_set_profile (SN_INCIDENTS_VIEW (view), ro);
  g_assert_nonnull (sn_incident_panel_get_incident (panel));

  declare = sn_test_find_named (view, "declare-incident");
  g_assert_nonnull (declare);
  g_assert_false (gtk_widget_is_sensitive (declare));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (declare), "read-only"));
  gtk_widget_activate_action (view, "view.declare-incident", NULL);
  g_assert_null (sn_test_find_toplevel (SN_TYPE_INCIDENT_DECLARE_DIALOG));
  g_assert_false (action_enabled (view, "incident-change-severity"));
  g_assert_false (action_enabled (view, "incident-close"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (sn_test_find_named (view, "incident-close")),
                            "read-only"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (sn_test_find_named (view, "incident-change-severity")),
                            "read-only"));

  /* Not only the buttons: the panel's own calls are refused by the store. */
  g_assert_false (sn_incident_panel_resolve (panel, "fixed", &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_incident_panel_change_severity (panel, SN_SEVERITY_SEV3, "worse", &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_cmpint (sn_incident_get_state (incident), ==, SN_INCIDENT_STATE_OPEN);
  g_assert_cmpint (sn_incident_get_severity (incident), ==, SN_SEVERITY_SEV4);
  sn_test_screenshot (window, "incidents-read-only.png");

  /* Allowed by the team: on at once. */
  g_settings_set_boolean (settings, "allow-read-only-incidents", TRUE);
  g_assert_true (gtk_widget_is_sensitive (declare));
  g_assert_null (strstr (gtk_widget_get_tooltip_text (declare), "read-only"));
  g_assert_true (action_enabled (view, "incident-change-severity"));
  g_assert_true (action_enabled (view, "incident-close"));
  g_assert_true (sn_incident_panel_resolve (panel, "fixed the price", &error));
  g_assert_no_error (error);
  g_settings_reset (settings, "allow-read-only-incidents");

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

  /* First: it points HOME and the XDG directories into its own temp dir. */
  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sn/incidents-view/lifecycle", test_incident_lifecycle);
  g_test_add_func ("/sn/incidents-view/read-only", test_read_only);

  return g_test_run ();
}
