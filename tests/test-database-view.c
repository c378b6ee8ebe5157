/* test-database-view.c: the Database view against the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-database-view"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-types.h"
#include "sn-database-view.h"

/* A mapped label showing exactly @text, anywhere under @root. */
static GtkWidget *
find_label_text (GtkWidget  *root,
                 const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_text (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* How many mapped labels under @root hold @needle: what the person sees. */
static guint
count_labels_with (GtkWidget  *root,
                   const char *needle)
{
  guint n = 0;

  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      strstr (gtk_label_get_text (GTK_LABEL (root)), needle) != NULL)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_labels_with (child, needle);
  return n;
}

typedef struct
{
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return find_label_text (wait->root, wait->text) != NULL;
}

static gboolean
report_is_revenue (gpointer data)
{
  SnReportResult *report = sn_database_view_get_report (data);

  return report != NULL && g_str_equal (sn_report_result_get_id (report), SN_REPORT_REVENUE_TODAY);
}

static gboolean
connected (gpointer data)
{
  SnDatabaseConnector *connector = sn_database_view_get_connector (data);

  return connector != NULL && sn_database_connector_get_path (connector) != SN_DATABASE_PATH_NONE;
}

static gboolean
query_finished (gpointer data)
{
  SnQueryResult *result = sn_database_view_get_result (data);

  return result != NULL && !sn_query_result_get_loading (result);
}

static gboolean
query_running (gpointer data)
{
  SnQueryResult *result = sn_database_view_get_result (data);

  return result != NULL && sn_query_result_get_loading (result);
}

static gboolean
dialog_open (gpointer data)
{
  return sn_database_view_get_dialog (data) != NULL;
}

static GtkWidget *
new_window (SnProfile       *profile,
            SnDatabaseView **view_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = sn_database_view_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_set_title (GTK_WINDOW (window), "Database");
  gtk_window_set_child (GTK_WINDOW (window), view);
  sn_database_view_set_profile (SN_DATABASE_VIEW (view), profile);
  gtk_window_present (GTK_WINDOW (window));
  *view_out = SN_DATABASE_VIEW (view);

  return window;
}

static void
test_database_view_reports (void)
{
  SnDatabaseView *view;
  GtkWidget *window = new_window (sn_test_stack_profile (), &view);
  LabelWait wait = { window, "526,00\u00a0€" };
  SnReportResult *report;

  g_assert_true (sn_test_wait_until (connected, view, 30000));
  g_test_message ("database path: %s",
                  sn_database_connector_get_path_label (sn_database_view_get_connector (view)));
  g_assert_nonnull (find_label_text (window, sn_database_connector_get_path_label (
                                                sn_database_view_get_connector (view))));

  /* Revenue today is the report shown first, and French money is French. */
  g_assert_true (sn_test_wait_until (report_is_revenue, view, 30000));
  report = sn_database_view_get_report (view);
  g_assert_cmpint (g_variant_get_int64 (sn_report_result_get_total (report, 2)), ==, 52600);
  g_assert_true (sn_test_wait_until (label_shown, &wait, 5000));

  sn_test_screenshot (window, "database-reports.png");

  /* A picture where it helps: occupancy draws bars. */
  sn_database_view_select_report (view, SN_REPORT_OCCUPANCY);
  g_assert_true (sn_test_wait_until (label_shown, &(LabelWait) { window, "Sweet Narcisse I" }, 30000));
  g_assert_true (gtk_widget_get_mapped (sn_test_find_named (window, "database-pages")));
  sn_test_screenshot (window, "database-occupancy.png");

  sn_test_destroy_window (window);
}

static void
test_database_view_sql (void)
{
  SnDatabaseView *view;
  GtkWidget *window = new_window (sn_test_stack_profile (), &view);
  AdwViewStack *pages;
  GtkColumnView *results;
  GListModel *columns;
  GtkWindow *dialog;
  g_autoptr(SnQueryRow) first = NULL;
  SnQueryResult *before;

  g_assert_true (sn_test_wait_until (connected, view, 30000));
  pages = ADW_VIEW_STACK (sn_test_find_named (window, "database-pages"));
  adw_view_stack_set_visible_child_name (pages, "sql");
  gtk_test_widget_wait_for_draw (window);

  /* A million rows reach the column view. */
  sn_database_view_set_sql (view, "SELECT g FROM generate_series(1,1000000) g");
  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.run", NULL);
  g_assert_true (sn_test_wait_until (query_finished, view, 180000));
  g_assert_null (sn_query_result_get_error (sn_database_view_get_result (view)));
  results = sn_database_view_get_results_view (view);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (results))), ==, 1000000);
  g_test_message ("status: %s", sn_database_view_get_status (view));

  /* Clicking a header sorts through the result's permutation. */
  columns = gtk_column_view_get_columns (results);
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 1);
  {
    g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

    gtk_column_view_sort_by_column (results, column, GTK_SORT_DESCENDING);
  }
  first = g_list_model_get_item (G_LIST_MODEL (gtk_column_view_get_model (results)), 0);
  g_assert_cmpstr (sn_query_row_get_value (first, 0), ==, "1000000");
  sn_test_screenshot (window, "database-sql.png");

  /* Cancel stops a long statement and says so. */
  sn_database_view_set_sql (view, "SELECT pg_sleep(60)");
  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.run", NULL);
  g_assert_true (sn_test_wait_until (query_running, view, 5000));
  {
    gint64 t0 = g_get_monotonic_time ();

    /* give the statement time to reach the server */
    while (g_get_monotonic_time () - t0 < 700 * 1000)
      g_main_context_iteration (NULL, FALSE);
  }
  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.cancel", NULL);
  g_assert_true (sn_test_wait_until (query_finished, view, 15000));
  g_assert_true (g_str_has_prefix (sn_database_view_get_status (view),
                                   g_dgettext (GETTEXT_PACKAGE, "Cancelled")));
  g_assert_nonnull (find_label_text (window, g_dgettext (GETTEXT_PACKAGE, "Cancelled")));

  /* A failed statement: its error is shown once, not in the bar, the status
   * line and the results all at once. */
  sn_database_view_set_sql (view, "SELECT * FROM no_such_table_xyz");
  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.run", NULL);
  g_assert_true (sn_test_wait_until (query_finished, view, 15000));
  {
    gint64 t0 = g_get_monotonic_time ();

    /* the info bar's reveal animation */
    while (g_get_monotonic_time () - t0 < 800 * 1000)
      g_main_context_iteration (NULL, FALSE);
  }
  g_assert_nonnull (sn_query_result_get_error (sn_database_view_get_result (view)));
  g_assert_cmpuint (count_labels_with (window, "no_such_table_xyz"), ==, 1);
  sn_test_screenshot (window, "database-sql-error.png");

  /* A DELETE without WHERE asks first; cancelling runs nothing. */
  before = sn_database_view_get_result (view);
  sn_database_view_set_sql (view, "DELETE FROM \"Booking\"");
  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.run", NULL);
  g_assert_true (sn_test_wait_until (dialog_open, view, 5000));
  dialog = sn_database_view_get_dialog (view);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "WHERE"));
  sn_test_screenshot (dialog, "database-confirm.png");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  g_assert_null (sn_database_view_get_dialog (view));
  g_assert_true (sn_database_view_get_result (view) == before);

  sn_test_destroy_window (window);
}

static char *
owner_psql (const char *sql)
{
  g_autofree char *quoted = g_shell_quote (sql);
  g_autofree char *command = NULL;

  command = g_strdup_printf ("PGPASSWORD=%s psql -X -At -h 127.0.0.1 -p %s -U snarcisse -d snarcisse -c %s",
                             sn_test_stack_get ("PGPASSWORD"), sn_test_stack_get ("PGPORT"), quoted);
  return g_strstrip (sn_test_run (command));
}

static guint
audit_lines (const char *action,
             const char *needle)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "audit.jsonl", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *quoted = g_strdup_printf ("\"action\":\"%s\"", action);
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], quoted) != NULL && strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

/* M6 in the window: with writes allowed on production, a write asks for the
 * profile's name first, and every statement leaves a line before it runs. */
static void
test_database_view_production_write (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(GError) error = NULL;
  g_autofree char *present = NULL;
  SnDatabaseView *view;
  GtkWindow *dialog;
  GtkWidget *window;
  GtkWidget *entry;

  g_object_set (profile, "name", "prod-gui", "production", TRUE, NULL);
  window = new_window (profile, &view);
  g_assert_true (sn_test_wait_until (connected, view, 30000));

  /* A read is audited too, before and after. */
  sn_database_view_set_sql (view, "SELECT 'gui audit probe' AS probe");
  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.run", NULL);
  g_assert_true (sn_test_wait_until (query_finished, view, 30000));
  g_assert_cmpuint (audit_lines ("db.sql.started", "gui audit probe"), ==, 1);
  g_assert_cmpuint (audit_lines ("db.sql", "gui audit probe"), ==, 1);

  g_assert_true (sn_database_connector_allow_writes (sn_database_view_get_connector (view),
                                                     "gui test of M6", &error));
  g_assert_no_error (error);

  sn_database_view_set_sql (view, "CREATE TABLE sn_gui_m6 (x int)");
  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.run", NULL);
  g_assert_true (sn_test_wait_until (dialog_open, view, 5000));
  dialog = sn_database_view_get_dialog (view);
  entry = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  g_assert_true (GTK_IS_EDITABLE (entry));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "prod");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_destroy (dialog);
  present = owner_psql ("SELECT to_regclass('sn_gui_m6') IS NOT NULL");
  g_assert_cmpstr (present, ==, "f");

  gtk_widget_activate_action (GTK_WIDGET (sn_database_view_get_sql_console (view)), "sql.run", NULL);
  g_assert_true (sn_test_wait_until (dialog_open, view, 5000));
  dialog = sn_database_view_get_dialog (view);
  entry = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  gtk_editable_set_text (GTK_EDITABLE (entry), "prod-gui");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "run");
  gtk_window_destroy (dialog);
  g_assert_true (sn_test_wait_until (query_finished, view, 30000));
  g_assert_null (sn_query_result_get_error (sn_database_view_get_result (view)));
  g_clear_pointer (&present, g_free);
  present = owner_psql ("SELECT to_regclass('sn_gui_m6') IS NOT NULL");
  g_assert_cmpstr (present, ==, "t");
  g_assert_cmpuint (audit_lines ("db.sql.started", "CREATE TABLE sn_gui_m6"), ==, 1);
  g_assert_cmpuint (audit_lines ("db.sql", "CREATE TABLE sn_gui_m6"), ==, 1);
  g_free (owner_psql ("DROP TABLE sn_gui_m6"));

  sn_test_destroy_window (window);
}

static void
test_database_view_read_only (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnDatabaseView *view;
  GtkWidget *window;
  AdwViewStack *pages;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  window = new_window (profile, &view);
  pages = ADW_VIEW_STACK (sn_test_find_named (window, "database-pages"));

  /* The direction sees the reports, not the SQL editor. */
  g_assert_false (adw_view_stack_page_get_visible (adw_view_stack_get_page (
    pages, adw_view_stack_get_child_by_name (pages, "sql"))));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (pages), ==, "reports");
  g_assert_true (sn_test_wait_until (report_is_revenue, view, 30000));

  sn_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  /* French, as the direction reads it: the amounts are formatted "526,00 €". */
  g_setenv ("LANG", "fr_FR.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "fr", TRUE);
  localedir = g_getenv ("SN_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init() sets its own locale: a French desktop's, as LANG says. */
  if (setlocale (LC_ALL, "") == NULL)
    g_error ("The fr_FR.UTF-8 locale is missing: tools/test generates it");
  adw_init ();

  g_test_add_func ("/sn/database-view/reports", test_database_view_reports);
  g_test_add_func ("/sn/database-view/sql", test_database_view_sql);
  g_test_add_func ("/sn/database-view/production-write", test_database_view_production_write);
  g_test_add_func ("/sn/database-view/read-only", test_database_view_read_only);

  return g_test_run ();
}
