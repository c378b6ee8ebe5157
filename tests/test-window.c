/* test-window.c: the main window against the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-window"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-types.h"
#include "sn-application.h"
#include "sn-backups-page.h"
#include "sn-host-panel.h"
#include "sn-incident-panel.h"
#include "sn-incidents-view.h"
#include "sn-logs-panel.h"
#include "sn-profile-editor.h"
#include "sn-window.h"

typedef struct
{
  GtkWidget  *window;
  const char *names[4];
  const char *text;
} LabelsWait;

static gboolean
labels_show (gpointer data)
{
  LabelsWait *w = data;

  for (guint i = 0; w->names[i] != NULL; i++)
    {
      GtkWidget *label = sn_test_find_named (w->window, w->names[i]);

      if (label == NULL ||
          !gtk_widget_get_mapped (label) ||
          g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), w->text) != 0)
        return FALSE;
    }

  return TRUE;
}

static void
assert_labels_show (GtkWidget  *window,
                    const char *text,
                    guint       timeout_ms,
                    ...)
{
  LabelsWait w = { window, { NULL }, text };
  const char *name;
  va_list args;
  guint n = 0;

  va_start (args, timeout_ms);
  while ((name = va_arg (args, const char *)) != NULL && n < 3)
    w.names[n++] = name;
  va_end (args);

  if (!sn_test_wait_until (labels_show, &w, timeout_ms))
    {
      for (guint i = 0; w.names[i] != NULL; i++)
        g_test_message ("%s = %s", w.names[i], sn_test_label_text (window, w.names[i]));
      g_test_message ("summary = %s", sn_test_label_text (window, "health-summary"));
      g_error ("%s did not show “%s” within %u ms", w.names[0], text, timeout_ms);
    }
}

static gboolean
connection_started (gpointer data)
{
  return sn_connection_get_state (sn_window_get_connection (data)) != SN_CONNECTION_STATE_IDLE;
}

static void
test_window_health (void)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autofree char *directory = NULL;
  SnWindow *window;

  sn_test_stack_up ();

  directory = sn_profile_store_default_directory ();
  store = sn_profile_store_new (directory);
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));

  /* Nothing reaches the server before the first frame is painted (#21):
   * the session and the checks start after it. */
  g_assert_cmpint (sn_connection_get_state (sn_window_get_connection (window)), ==,
                   SN_CONNECTION_STATE_IDLE);
  g_assert_true (sn_test_wait_until (connection_started, window, 30000));

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Narcisse Admin — demo");
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (
    sn_test_find_named (window, "production-banner")))));

  /* With the key from the demo's credentials file: every service shows. */
  assert_labels_show (GTK_WIDGET (window), "Healthy", 30000,
                      "overall-status", "database-status", "redis-status", "storage-status", NULL);
  g_assert_cmpstr (sn_test_label_text (window, "health-version"), !=, "—");
  g_assert_true (g_str_has_suffix (sn_test_label_text (window, "database-latency"), " ms"));

  /* The database goes down: one refresh shows it. */
  sn_test_stack_stop ("postgres");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL);
  assert_labels_show (GTK_WIDGET (window), "Unhealthy", 30000,
                      "database-status", "overall-status", NULL);

  /* And back. */
  sn_test_stack_start ("postgres");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL);
  assert_labels_show (GTK_WIDGET (window), "Healthy", 30000,
                      "database-status", "overall-status", NULL);

  sn_test_destroy_window (window);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static SnProfileEditor *
find_editor (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (SN_IS_PROFILE_EDITOR (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return SN_PROFILE_EDITOR (toplevel);
    }

  return NULL;
}

static void
test_window_first_run (void)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  SnProfileEditor *editor;
  JsonObject *object;
  GtkWidget *welcome;
  SnWindow *window;

  /* An empty profile store of its own. */
  directory = g_dir_make_tmp ("sn-first-run-XXXXXX", &error);
  g_assert_no_error (error);
  store = sn_profile_store_new (directory);
  window = sn_window_new (NULL, store, NULL);
  gtk_window_present (GTK_WINDOW (window));

  welcome = sn_test_find_named (window, "add-production-profile");
  g_assert_nonnull (welcome);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (welcome));
  g_assert_false (gtk_widget_get_mapped (sn_test_find_named (window, "overall-status")));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Narcisse Admin");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-production-profile", NULL);

  /* The file is written with the runbook's values... */
  path = g_build_filename (directory, "production.json", NULL);
  g_assert_true (sn_test_wait_until (file_exists, path, 5000));
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (object, "ssh-host"), ==, "51.178.17.205");
  g_assert_cmpint (json_object_get_int_member (object, "ssh-port"), ==, 5522);
  g_assert_cmpstr (json_object_get_string_member (object, "ssh-user"), ==, "root");
  g_assert_cmpstr (json_object_get_string_member (object, "deploy-path"), ==, "/opt/sweetnarcisse");
  g_assert_cmpstr (json_object_get_string_member (object, "site-url"), ==, "https://www.sweet-narcisse.com");
  g_assert_cmpstr (json_object_get_string_member (object, "db-name"), ==, "snarcisse");
  g_assert_true (json_object_get_boolean_member (object, "production"));

  /* ...the editor opens on it so the person adds the key file and the key... */
  editor = find_editor ();
  g_assert_nonnull (editor);
  g_assert_cmpstr (sn_profile_get_name (sn_profile_editor_get_working (editor)), ==, "production");
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.cancel", NULL);

  /* ...the window is on it, with the red bar... */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Narcisse Admin — production");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_parent (
    sn_test_find_named (window, "production-banner")))));

  /* ...and nothing reached 51.178.17.205: the loopback guard refused the
   * health check before any connection, so no report shows. */
  assert_labels_show (GTK_WIDGET (window), "Not Checked", 15000, "overall-status", NULL);
  g_assert_nonnull (strstr (sn_test_label_text (window, "health-advice"), "loopback only"));
  g_assert_false (gtk_widget_get_mapped (sn_test_find_named (window, "database-status")));

  /* No socket to the production address is open in this process. */
  command = g_strdup_printf ("ss -tnp 2>/dev/null | grep 'pid=%d,' | grep -c 51.178.17.205 || true",
                             (int)getpid ());
  out = sn_test_run (command);
  g_assert_cmpint (atoi (out), ==, 0);

  sn_test_destroy_window (window);

  g_remove (path);
  g_rmdir (directory);
}

/* A read-only level is only as strong as the credentials behind it: the
 * editor says so when they can change the server. */
static void
test_editor_credentials_warning (void)
{
  g_autofree char *directory = g_dir_make_tmp ("sn-editor-XXXXXX", NULL);
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(SnProfile) profile = sn_profile_new ("direction");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (directory, "direction.json", NULL);
  SnProfileEditor *editor;
  SnProfile *working;
  GtkWidget *row;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_no_error (error);

  editor = sn_profile_editor_new (NULL, store, profile, FALSE);
  gtk_window_present (GTK_WINDOW (editor));
  working = sn_profile_editor_get_working (editor);
  row = sn_test_find_named (editor, "credentials-warning");
  g_assert_nonnull (row);

  /* The defaults: SSH as root, the owner role. */
  g_assert_true (gtk_widget_get_visible (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "root"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "“snarcisse”"));

  g_object_set (working, "ssh-user", "direction", "db-user", "snarcisse_readonly", NULL);
  g_assert_false (gtk_widget_get_visible (row));
  g_object_set (working, "db-user", "postgres", NULL);
  g_assert_true (gtk_widget_get_visible (row));
  g_assert_null (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "root"));
  g_object_set (working, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  g_assert_false (gtk_widget_get_visible (row));

  sn_test_destroy_window (editor);
  g_remove (path);
  g_rmdir (directory);
}

/* The widgets under @root that trigger @action. */
static guint
count_actionables (GtkWidget  *root,
                   const char *action)
{
  guint n = 0;

  if (GTK_IS_ACTIONABLE (root) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_actionables (child, action);
  return n;
}

/* One switcher of the runbook's areas, Backups one of them; one place per
 * action; the read-only direction still sees the Backups view. */
static void
test_window_navigation (void)
{
  static const char * const areas[] = { "incidents", "database", "cache", "backups", "deployments", "scaling",
                                        "maintenance", NULL };
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(GListModel) pages = NULL;
  SnWindow *window;
  AdwViewStack *views;
  AdwViewStack *database_pages;
  GtkWidget *backups;
  guint i;

  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));
  views = ADW_VIEW_STACK (sn_test_find_named (window, "window-views"));
  g_assert_nonnull (views);
  pages = G_LIST_MODEL (adw_view_stack_get_pages (views));
  for (i = 0; areas[i] != NULL; i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (pages, i);

      g_assert_nonnull (page);
      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, areas[i]);
      g_assert_true (adw_view_stack_page_get_visible (page));
    }
  g_assert_cmpuint (g_list_model_get_n_items (pages), ==, i);

  /* Views are built when first shown: only the first one so far. */
  g_assert_null (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (views, "database"))));
  g_assert_null (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (views, "backups"))));
  g_assert_nonnull (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (views, "incidents"))));
  g_assert_nonnull (sn_window_show_view (window, "database"));
  g_assert_nonnull (adw_bin_get_child (ADW_BIN (adw_view_stack_get_child_by_name (views, "database"))));

  /* The Database view keeps its own sub-pages, Backups no longer one of them. */
  database_pages = ADW_VIEW_STACK (sn_test_find_named (window, "database-pages"));
  g_assert_nonnull (database_pages);
  g_assert_null (adw_view_stack_get_child_by_name (database_pages, "backups"));

  /* One Declare button on the whole window. */
  g_assert_cmpuint (count_actionables (GTK_WIDGET (window), "view.declare-incident"), ==, 1);

  /* The read-only direction: the Backups view is there, its actions not. */
  g_assert_true (sn_window_select_profile (window, sn_profile_get_name (sn_test_stack_ro_profile ())) ||
                 (sn_profile_store_load (store, NULL) &&
                  sn_window_select_profile (window, sn_profile_get_name (sn_test_stack_ro_profile ()))));
  g_assert_true (adw_view_stack_page_get_visible (adw_view_stack_get_page (
    views, adw_view_stack_get_child_by_name (views, "backups"))));
  backups = sn_window_show_view (window, "backups");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (sn_backups_page_get_profile (SN_BACKUPS_PAGE (backups)) == sn_window_get_profile (window));
  g_assert_nonnull (sn_backups_page_get_service (SN_BACKUPS_PAGE (backups)));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (backups, "backups-make")));
  g_assert_true (gtk_widget_get_mapped (sn_test_find_named (backups, "backups-local")));
  sn_test_screenshot (window, "window-backups-read-only.png");

  sn_test_destroy_window (window);
}

static guint
count_buttons (GtkWidget *root)
{
  guint n = 0;

  if (g_str_equal (G_OBJECT_TYPE_NAME (root), "AdwViewSwitcherButton"))
    return 1;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_buttons (child);
  return n;
}

static GtkWidget *
find_menu_button (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root) && gtk_menu_button_get_primary (GTK_MENU_BUTTON (root)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_menu_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The main menu is built when first opened (#21), and has its items then. */
static void
test_window_main_menu (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnWindow *window = sn_window_new (NULL, store, "demo");
  GtkWidget *button;
  GMenuModel *menu;

  gtk_window_present (GTK_WINDOW (window));
  button = find_menu_button (GTK_WIDGET (window));
  g_assert_nonnull (button);
  g_assert_null (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)));
  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  g_assert_true (gtk_widget_is_sensitive (button));

  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button));
  g_assert_nonnull (menu);
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 3);
  g_assert_nonnull (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));

  /* Opened again: the same menu. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)) == menu);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));

  sn_test_destroy_window (window);
}

static gboolean
hidden_pages_built (gpointer window)
{
  return sn_test_find_named (window, "host-panel") != NULL && sn_test_find_named (window, "logs-filter") != NULL;
}

/* The first frame holds the Incidents view's Health page only: the Server
 * and Logs pages' panels are built right after it, or at once when shown
 * first (#21). */
static void
test_window_hidden_pages (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnWindow *window = sn_window_new (NULL, store, "demo");
  SnIncidentsView *view;
  GtkWidget *host;

  gtk_window_present (GTK_WINDOW (window));
  view = SN_INCIDENTS_VIEW (sn_window_get_view (window, "incidents"));
  g_assert_null (sn_test_find_named (window, "host-panel"));
  g_assert_null (sn_test_find_named (window, "logs-filter"));
  /* The welcome page is for an empty store only. */
  g_assert_null (sn_test_find_named (window, "add-production-profile"));
  /* The Incident page's panel is there (it keeps the incident and its
   * clock) but hidden, so neither styled nor measured, until shown. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (sn_incidents_view_get_incident_panel (view))));

  /* Shown before the first frame: built then. */
  sn_incidents_view_show_page (view, "host");
  host = sn_test_find_named (window, "host-panel");
  g_assert_nonnull (host);
  g_assert_null (sn_test_find_named (window, "logs-filter"));
  sn_incidents_view_show_page (view, "health");

  g_assert_true (sn_test_wait_until (hidden_pages_built, window, 10000));
  sn_incidents_view_show_page (view, "incident");
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (sn_incidents_view_get_incident_panel (view))));
  g_assert_true (gtk_widget_get_mapped (sn_test_find_named (window, "incident-empty")));
  sn_incidents_view_show_page (view, "health");
  g_assert_true (sn_test_find_named (window, "host-panel") == host);
  g_assert_true (GTK_WIDGET (sn_incidents_view_get_host_panel (view)) == host);
  g_assert_true (sn_host_panel_get_connection (SN_HOST_PANEL (host)) == sn_window_get_connection (window));
  g_assert_true (gtk_widget_is_ancestor (GTK_WIDGET (sn_incidents_view_get_logs_panel (view)), GTK_WIDGET (view)));
  g_assert_true (sn_logs_panel_get_profile (sn_incidents_view_get_logs_panel (view)) == sn_window_get_profile (window));
  g_assert_true (gtk_widget_is_ancestor (sn_test_find_named (window, "logs-filter"),
                                         GTK_WIDGET (sn_incidents_view_get_logs_panel (view))));

  sn_test_destroy_window (window);
}

/* The number of buttons of the first view switcher under @root (a switcher
 * title holds a wide and a narrow one). */
static guint
count_switcher_buttons (GtkWidget *root)
{
  if (ADW_IS_VIEW_SWITCHER (root))
    return count_buttons (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      guint n = count_switcher_buttons (child);

      if (n > 0)
        return n;
    }
  return 0;
}

static gboolean
bar_has_stack (gpointer bar)
{
  return adw_view_switcher_bar_get_stack (bar) != NULL;
}

/* The switchers get the view stack only once its seven pages are in, the
 * bottom one only when it shows (#21): both show every area. */
static void
test_window_switchers (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnWindow *window = sn_window_new (NULL, store, "demo");
  GtkWidget *views;
  GtkWidget *title;
  GtkWidget *bar;

  gtk_window_present (GTK_WINDOW (window));
  views = sn_test_find_named (window, "window-views");
  title = adw_header_bar_get_title_widget (ADW_HEADER_BAR (gtk_widget_get_ancestor (
    GTK_WIDGET (sn_test_find_named (window, "profile-selector")), ADW_TYPE_HEADER_BAR)));
  g_assert_true (ADW_IS_VIEW_SWITCHER_TITLE (title));
  g_assert_true ((GtkWidget *)adw_view_switcher_title_get_stack (ADW_VIEW_SWITCHER_TITLE (title)) == views);
  g_assert_cmpuint (count_switcher_buttons (title), ==, 7);
  for (bar = gtk_widget_get_first_child (gtk_widget_get_parent (gtk_widget_get_ancestor (views, GTK_TYPE_STACK)));
       bar != NULL && !ADW_IS_VIEW_SWITCHER_BAR (bar);
       bar = gtk_widget_get_next_sibling (bar))
    ;
  g_assert_nonnull (bar);

  /* The bottom one gets it only once revealed (a narrow window: here,
   * without the app's style sheet, the switcher does not fit the title
   * either), and not before the first frame. */
  g_assert_null (adw_view_switcher_bar_get_stack (ADW_VIEW_SWITCHER_BAR (bar)));
  g_assert_cmpuint (count_switcher_buttons (bar), ==, 0);
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  if (!adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (bar)))
    {
      g_assert_null (adw_view_switcher_bar_get_stack (ADW_VIEW_SWITCHER_BAR (bar)));
      adw_view_switcher_bar_set_reveal (ADW_VIEW_SWITCHER_BAR (bar), TRUE);
    }
  g_assert_true (sn_test_wait_until (bar_has_stack, bar, 5000));
  g_assert_true ((GtkWidget *)adw_view_switcher_bar_get_stack (ADW_VIEW_SWITCHER_BAR (bar)) == views);
  g_assert_cmpuint (count_switcher_buttons (bar), ==, 7);

  sn_test_destroy_window (window);
}

/* The keyboard shortcuts window is built when first asked for, not with the
 * main window before its first frame (#21); the menu item and Ctrl+? open it. */
static void
test_window_shortcuts_on_demand (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(SnApplication) app = sn_application_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accels = NULL;
  GtkShortcutsWindow *overlay;
  GLogLevelFlags fatal;
  SnWindow *window;

  /* Not the session's unique instance: another test may run the app. */
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_COMMAND_LINE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  window = sn_window_new (GTK_APPLICATION (app), store, "demo");
  gtk_window_present (GTK_WINDOW (window));
  g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.shortcuts");
  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Control>question");

  /* GTK 4.8's shortcuts window warns of a label's negative width as it
   * lays itself out (GTK's own labels): only criticals are fatal here. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  gtk_window_close (GTK_WINDOW (overlay));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (overlay)));

  /* Asked again: the same window, not a second one. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  g_assert_true (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)) == overlay);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  gtk_window_close (GTK_WINDOW (overlay));

  g_log_set_always_fatal (fatal);

  sn_test_destroy_window (window);
}

/* Whether any visible row or group of @root has a title containing @word. */
static gboolean
shows_title (GtkWidget  *root,
             const char *word)
{
  const char *title = NULL;

  if (!gtk_widget_get_visible (root))
    return FALSE;
  if (ADW_IS_PREFERENCES_ROW (root))
    title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root));
  else if (ADW_IS_PREFERENCES_GROUP (root))
    title = adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (root));
  if (title != NULL && strstr (title, word) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_title (child, word))
      return TRUE;
  return FALSE;
}

/* The editor asks only for what the app uses, and says what is wrong only
 * once the person has typed. */
static void
test_editor_fields (void)
{
  g_autofree char *directory = g_dir_make_tmp ("sn-editor-XXXXXX", NULL);
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(SnProfileStore) reread = NULL;
  g_autoptr(SnProfile) profile = sn_profile_new ("staging");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (directory, "staging.json", NULL);
  SnProfileEditor *editor;
  GtkWidget *problem;
  GtkWidget *name_row = NULL;

  /* A new profile: nothing typed yet, so no error shows (Save waits). */
  editor = sn_profile_editor_new (NULL, store, NULL, TRUE);
  gtk_window_present (GTK_WINDOW (editor));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (editor));
  problem = sn_test_find_named (editor, "validation-error");
  g_assert_nonnull (problem);
  g_assert_false (gtk_widget_get_visible (problem));
  /* the Deployments area's settings are asked; Prometheus is not used yet */
  g_assert_true (shows_title (GTK_WIDGET (editor), "GitHub API URL"));
  g_assert_false (shows_title (GTK_WIDGET (editor), "Prometheus"));

  /* Typed, a bad name is named. */
  /* The editor opens with the name row focused. */
  name_row = gtk_window_get_focus (GTK_WINDOW (editor));
  while (name_row != NULL && !ADW_IS_ENTRY_ROW (name_row))
    name_row = gtk_widget_get_parent (name_row);
  g_assert_nonnull (name_row);
  gtk_editable_set_text (GTK_EDITABLE (name_row), "bad/name");
  g_assert_true (gtk_widget_get_visible (problem));
  g_test_message ("typed: %s", gtk_label_get_text (GTK_LABEL (problem)));
  gtk_editable_set_text (GTK_EDITABLE (name_row), "fine");
  g_assert_false (gtk_widget_get_visible (problem));
  sn_test_destroy_window (editor);

  /* The hidden fields stay in the profile and its file. */
  g_object_set (profile, "github-repo", "someone/site", "prometheus-url", "http://127.0.0.1:9090", NULL);
  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_no_error (error);
  editor = sn_profile_editor_new (NULL, store, profile, FALSE);
  gtk_window_present (GTK_WINDOW (editor));
  g_object_set (sn_profile_editor_get_working (editor), "ssh-user", "deploy", NULL);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  reread = sn_profile_store_new (directory);
  g_assert_true (sn_profile_store_load (reread, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (sn_profile_get_ssh_user (sn_profile_store_lookup (reread, "staging")), ==, "deploy");
  g_assert_cmpstr (sn_profile_get_github_repo (sn_profile_store_lookup (reread, "staging")), ==, "someone/site");
  g_assert_cmpstr (sn_profile_get_prometheus_url (sn_profile_store_lookup (reread, "staging")), ==,
                   "http://127.0.0.1:9090");
  if (find_editor () != NULL)
    sn_test_destroy_window (find_editor ());

  g_remove (path);
  g_rmdir (directory);
}

static gboolean
token_row_says_stored (gpointer data)
{
  GtkWidget *row = sn_test_find_named (data, "github-token");

  return row != NULL && strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "stored") != NULL;
}

static char *
stored_token (SnProfileStore *store)
{
  g_autoptr(SnProfileStore) reread = sn_profile_store_new (sn_profile_store_get_directory (store));

  g_assert_true (sn_profile_store_load (reread, NULL));
  return sn_secret_store_lookup_sync (sn_secret_store_get_default (), sn_profile_store_lookup (reread, "gh"),
                                      SN_SECRET_KIND_GITHUB_TOKEN, NULL, NULL);
}

static SnProfileEditor *
open_editor (SnProfileStore *store)
{
  SnProfileEditor *editor = sn_profile_editor_new (NULL, store, sn_profile_store_lookup (store, "gh"), FALSE);

  gtk_window_present (GTK_WINDOW (editor));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (editor));
  return editor;
}

static void
save_editor (SnProfileEditor *editor)
{
  gpointer weak = editor;

  g_object_add_weak_pointer (G_OBJECT (editor), &weak);
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.save", NULL);
  /* it closes once the keyring has the secrets */
  g_assert_true (sn_test_wait_until (sn_test_window_gone, &weak, 10000));
}

/* The GitHub settings of the Deployments area: the repository, the API URL
 * and the token, kept in the keyring and never put back in the field. */
static void
test_editor_github (void)
{
  g_autofree char *directory = g_dir_make_tmp ("sn-editor-XXXXXX", NULL);
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  g_autoptr(SnProfile) profile = sn_profile_new ("gh");
  g_autoptr(GError) error = NULL;
  g_autofree char *after_keep = NULL;
  g_autofree char *after_new = NULL;
  g_autofree char *after_forget = NULL;
  const char *token = "ghp_0123456789abcdefghijklmnopqrstuvwxyZ9";
  SnProfileEditor *editor;
  GtkWidget *row;
  const char *title;

  /* SnSecretStore keeps it where the profile says: here its credentials
   * file (no keyring daemon in the tests), else the keyring */
  g_autofree char *credentials = g_build_filename (directory, "gh.credentials", NULL);
  g_autofree char *line = g_strdup_printf ("github-token=%s\n", token);

  g_assert_true (g_file_set_contents (credentials, line, -1, NULL));
  g_assert_cmpint (g_chmod (credentials, 0600), ==, 0);
  g_object_set (profile, "credentials-file", credentials, NULL);
  g_assert_true (sn_profile_store_save (store, profile, &error));
  g_assert_no_error (error);

  /* stored: said, with its last characters only; the field stays empty */
  editor = open_editor (store);
  g_assert_true (sn_test_wait_until (token_row_says_stored, editor, 10000));
  row = sn_test_find_named (editor, "github-token");
  title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
  g_assert_nonnull (strstr (title, "yZ9”"));
  g_assert_null (strstr (title, "0123"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (editor, "github-token-forget")));
  sn_test_screenshot (editor, "editor-github.png");

  /* the API URL is the profile's; saving with the field empty keeps the token */
  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (editor, "github-api-url")), "http://127.0.0.1:8765");
  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (editor, "github-repo")), "someone/site");
  save_editor (editor);
  g_assert_true (sn_profile_store_load (store, NULL));
  g_assert_cmpstr (sn_profile_get_github_api_url (sn_profile_store_lookup (store, "gh")), ==, "http://127.0.0.1:8765");
  g_assert_cmpstr (sn_profile_get_github_repo (sn_profile_store_lookup (store, "gh")), ==, "someone/site");
  after_keep = stored_token (store);
  g_assert_cmpstr (after_keep, ==, token);

  /* a token typed replaces it */
  editor = open_editor (store);
  g_assert_true (sn_test_wait_until (token_row_says_stored, editor, 10000));
  gtk_editable_set_text (GTK_EDITABLE (sn_test_find_named (editor, "github-token")), "ghp_newtokennewtokennewtoken0001");
  save_editor (editor);
  after_new = stored_token (store);
  g_assert_cmpstr (after_new, ==, "ghp_newtokennewtokennewtoken0001");

  /* Forget removes it on Save */
  editor = open_editor (store);
  g_assert_true (sn_test_wait_until (token_row_says_stored, editor, 10000));
  g_signal_emit_by_name (sn_test_find_named (editor, "github-token-forget"), "clicked");
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (sn_test_find_named (editor, "github-token"))),
                            "forgotten"));
  save_editor (editor);
  after_forget = stored_token (store);
  g_assert_null (after_forget);

  {
    g_autofree char *path = g_build_filename (directory, "gh.json", NULL);

    g_remove (path);
    g_remove (credentials);
    g_rmdir (directory);
  }
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

  g_test_add_func ("/sn/window/health", test_window_health);
  g_test_add_func ("/sn/window/first-run", test_window_first_run);
  g_test_add_func ("/sn/window/navigation", test_window_navigation);
  g_test_add_func ("/sn/window/switchers", test_window_switchers);
  g_test_add_func ("/sn/window/hidden-pages", test_window_hidden_pages);
  g_test_add_func ("/sn/window/main-menu", test_window_main_menu);
  g_test_add_func ("/sn/window/shortcuts-on-demand", test_window_shortcuts_on_demand);
  g_test_add_func ("/sn/window/editor-credentials-warning", test_editor_credentials_warning);
  g_test_add_func ("/sn/window/editor-fields", test_editor_fields);
  g_test_add_func ("/sn/window/editor-github", test_editor_github);

  return g_test_run ();
}
