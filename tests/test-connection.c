/* test-connection.c: the window's SSH connection, host keys, the Host panel
 * and the Activity window, against the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-connection"

#include "config.h"

#include <glib/gstdio.h>

#include "sn-test-gui.h"
#include "sn-audit-log.h"
#include "sn-test-stack.h"
#include "sn-activity-window.h"
#include "sn-settings.h"
#include "sn-connection-indicator.h"
#include "sn-host-key-dialog.h"
#include "sn-host-panel.h"
#include "sn-incidents-view.h"
#include "sn-profile-editor.h"
#include "sn-window.h"

static char *saved_known_hosts;

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (toplevel, type) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return toplevel;
    }

  return NULL;
}

static SnWindow *
open_demo_window (void)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autofree char *directory = sn_profile_store_default_directory ();
  SnWindow *window;

  store = sn_profile_store_new (directory);
  window = sn_window_new (NULL, store, "demo");
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

/* The Incidents view's Server panel (built after the first frame, #21). */
static GtkWidget *
host_panel (SnWindow *window)
{
  return GTK_WIDGET (sn_incidents_view_get_host_panel (SN_INCIDENTS_VIEW (sn_window_get_view (window, "incidents"))));
}

typedef struct
{
  GtkWidget  *root;
  const char *name;
  const char *text;
} LabelWait;

static gboolean
label_shows (gpointer data)
{
  LabelWait *w = data;
  GtkWidget *label = sn_test_find_named (w->root, w->name);

  return label != NULL && GTK_IS_LABEL (label) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), w->text) == 0;
}

static void
assert_label_shows (GtkWidget  *root,
                    const char *name,
                    const char *text,
                    guint       timeout_ms)
{
  LabelWait w = { root, name, text };

  if (!sn_test_wait_until (label_shows, &w, timeout_ms))
    {
      GtkWidget *label = sn_test_find_named (root, name);

      g_error ("%s shows “%s”, not “%s”, after %u ms", name,
               label != NULL ? gtk_label_get_label (GTK_LABEL (label)) : "(no such label)",
               text, timeout_ms);
    }
}

typedef struct
{
  SnConnectionIndicator *indicator;
  const char            *text;
} IndicatorWait;

static gboolean
indicator_shows (gpointer data)
{
  IndicatorWait *w = data;

  return g_strcmp0 (sn_connection_indicator_get_status_text (w->indicator), w->text) == 0;
}

static void
assert_indicator_shows (SnWindow   *window,
                        const char *text)
{
  IndicatorWait w = { NULL, text };

  w.indicator = SN_CONNECTION_INDICATOR (find_type (GTK_WIDGET (window), SN_TYPE_CONNECTION_INDICATOR));
  g_assert_nonnull (w.indicator);
  if (!sn_test_wait_until (indicator_shows, &w, 30000))
    g_error ("the indicator says “%s”, not “%s” (%s)",
             sn_connection_indicator_get_status_text (w.indicator), text,
             sn_connection_get_error_message (sn_window_get_connection (window)));
}

static gpointer
wait_for_toplevel (GType type)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  gpointer found;

  while ((found = find_toplevel (type)) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);

  return found;
}

static char *
known_hosts_path (void)
{
  return sn_known_hosts_default_path ();
}

static void
restore_known_hosts (void)
{
  g_autofree char *path = known_hosts_path ();

  g_assert_true (g_file_set_contents (path, saved_known_hosts, -1, NULL));
}

/* The header indicator and the Host panel share the window's session. */
static void
test_connection_indicator (void)
{
  SnWindow *window = open_demo_window ();
  GtkWidget *panel;

  assert_indicator_shows (window, "Connection: connected");
  g_assert_cmpint (sn_connection_get_state (sn_window_get_connection (window)), ==,
                   SN_CONNECTION_STATE_CONNECTED);

  panel = host_panel (window);
  g_assert_nonnull (panel);
  g_assert_true (sn_host_panel_get_connection (SN_HOST_PANEL (panel)) == sn_window_get_connection (window));
  assert_label_shows (panel, "container-db-state", "Running", 30000);
  assert_label_shows (panel, "container-app-state", "Running", 30000);
  g_assert_nonnull (sn_test_find_named (panel, "disk-/-percent"));

  sn_test_destroy_window (window);
}

static gboolean
panel_idle (gpointer data)
{
  return !sn_host_panel_get_busy (data);
}

static void
test_connection_host_panel_stop (void)
{
  SnWindow *window = open_demo_window ();
  GtkWidget *panel = host_panel (window);

  assert_label_shows (panel, "container-app-state", "Running", 30000);

  sn_test_stack_stop ("app");
  g_assert_true (sn_test_wait_until (panel_idle, panel, 30000));
  sn_host_panel_refresh (SN_HOST_PANEL (panel));
  assert_label_shows (panel, "container-app-state", "Exited", 30000);
  assert_label_shows (panel, "container-db-state", "Running", 1000);

  sn_test_stack_start ("app");
  sn_test_destroy_window (window);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (path, &contents, NULL, NULL) && strstr (contents, needle) != NULL;
}

/* First contact: the dialog shows what ssh-keygen -lf prints. */
static void
test_connection_unknown_key (void)
{
  g_autofree char *path = known_hosts_path ();
  g_autofree char *command = NULL;
  g_autofree char *keygen = NULL;
  g_autofree char *pattern = NULL;
  g_auto(GStrv) fields = NULL;
  SnHostKeyDialog *dialog;
  GtkWidget *label;
  SnWindow *window;

  command = g_strdup_printf ("ssh-keygen -lf %s/ssh/hostkey_ed25519.pub", sn_test_stack_dir ());
  keygen = sn_test_run (command);
  fields = g_strsplit (keygen, " ", -1);
  g_assert_true (g_str_has_prefix (fields[1], "SHA256:"));

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  window = open_demo_window ();

  dialog = wait_for_toplevel (SN_TYPE_HOST_KEY_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (sn_host_key_dialog_get_changed (dialog));
  g_assert_cmpstr (sn_host_key_dialog_get_fingerprint (dialog), ==, fields[1]);
  label = sn_test_find_named (dialog, "host-key-fingerprint");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, fields[1]);
  label = sn_test_find_named (dialog, "host-key-type");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "ED25519");
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "trust"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "cancel"));
  assert_indicator_shows (window, "Connection: failed");

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "trust");
  assert_indicator_shows (window, "Connection: connected");

  pattern = g_strdup_printf ("[127.0.0.1]:%u ssh-ed25519 ", sn_test_stack_get_port ("SSH_PORT"));
  g_assert_true (file_contains (path, pattern));

  sn_test_destroy_window (window);
  restore_known_hosts ();
}

/* A changed key is a hard stop: no way to continue from the dialog. */
static void
test_connection_changed_key (void)
{
  g_autofree char *path = known_hosts_path ();
  g_autofree char *dir = g_dir_make_tmp ("sn-wrong-key-XXXXXX", NULL);
  g_autofree char *command = NULL;
  g_autofree char *pub = NULL;
  g_autofree char *line = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto(GStrv) fields = NULL;
  SnHostKeyDialog *dialog;
  GtkWidget *fix;
  SnWindow *window;

  command = g_strdup_printf ("ssh-keygen -q -t ed25519 -N '' -f %s/other && cat %s/other.pub", dir, dir);
  pub = sn_test_run (command);
  fields = g_strsplit (g_strstrip (pub), " ", -1);
  line = g_strdup_printf ("[127.0.0.1]:%u %s %s\n", sn_test_stack_get_port ("SSH_PORT"), fields[0], fields[1]);
  g_assert_true (g_file_set_contents (path, line, -1, NULL));

  window = open_demo_window ();
  dialog = wait_for_toplevel (SN_TYPE_HOST_KEY_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (sn_host_key_dialog_get_changed (dialog));
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "trust"));
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "cancel"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "close"));
  fix = sn_test_find_named (dialog, "host-key-fix");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (fix)), path));
  assert_indicator_shows (window, "Connection: failed");

  /* Closing it leaves the file alone and the connection down. */
  g_file_get_contents (path, &before, NULL, NULL);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_assert_false (sn_connection_trust_host_key (sn_window_get_connection (window), NULL, NULL));
  g_file_get_contents (path, &after, NULL, NULL);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (sn_connection_get_state (sn_window_get_connection (window)), ==,
                   SN_CONNECTION_STATE_FAILED);

  sn_test_destroy_window (window);
  restore_known_hosts ();
  command = g_strdup_printf ("rm -rf %s", dir);
  g_free (sn_test_run (command));
}

/* Known only by an ECDSA key while the server offers ed25519: a hard stop
 * too, never the first-contact question (M4). */
static void
test_connection_other_key_type (void)
{
  g_autofree char *path = known_hosts_path ();
  g_autofree char *dir = g_dir_make_tmp ("sn-other-type-XXXXXX", NULL);
  g_autofree char *command = NULL;
  g_autofree char *pub = NULL;
  g_autofree char *line = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *shown = NULL;
  g_auto(GStrv) fields = NULL;
  SnHostKeyDialog *dialog;
  SnWindow *window;

  command = g_strdup_printf ("ssh-keygen -q -t ecdsa -b 256 -N '' -f %s/other && cat %s/other.pub", dir, dir);
  pub = sn_test_run (command);
  fields = g_strsplit (g_strstrip (pub), " ", -1);
  line = g_strdup_printf ("[127.0.0.1]:%u %s %s\n", sn_test_stack_get_port ("SSH_PORT"), fields[0], fields[1]);
  g_assert_true (g_file_set_contents (path, line, -1, NULL));

  window = open_demo_window ();
  dialog = wait_for_toplevel (SN_TYPE_HOST_KEY_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (sn_host_key_dialog_get_changed (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==,
                   "Host Known with Another Key Type");
  g_assert_false (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "trust"));
  g_assert_true (adw_message_dialog_has_response (ADW_MESSAGE_DIALOG (dialog), "close"));
  assert_indicator_shows (window, "Connection: failed");

  g_file_get_contents (path, &before, NULL, NULL);
  shown = g_strdup (sn_host_key_dialog_get_fingerprint (dialog));
  g_assert_nonnull (shown);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  g_assert_false (sn_connection_trust_host_key (sn_window_get_connection (window), shown, NULL));
  g_file_get_contents (path, &after, NULL, NULL);
  g_assert_cmpstr (before, ==, after);

  sn_test_destroy_window (window);
  restore_known_hosts ();
  g_free (command);
  command = g_strdup_printf ("rm -rf %s", dir);
  g_free (sn_test_run (command));
}

typedef struct
{
  GtkWidget  *label;
  const char *css_class;
} ResultWait;

static gboolean
result_shows (gpointer data)
{
  ResultWait *w = data;

  return gtk_widget_has_css_class (w->label, w->css_class);
}

static void
test_connection_editor (void)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autofree char *directory = sn_profile_store_default_directory ();
  SnProfileEditor *editor;
  ResultWait w;
  const char *text;
  GtkWidget *row;

  store = sn_profile_store_new (directory);
  g_assert_true (sn_profile_store_load (store, NULL));
  editor = sn_profile_editor_new (NULL, store, sn_profile_store_lookup (store, "demo"), FALSE);
  gtk_window_present (GTK_WINDOW (editor));

  w.label = sn_test_find_named (editor, "test-connection-result");
  g_assert_nonnull (w.label);
  w.css_class = "success";
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test-connection", NULL);
  g_assert_true (sn_test_wait_until (result_shows, &w, 30000));
  text = gtk_label_get_label (GTK_LABEL (w.label));
  g_test_message ("%s", text);
  g_assert_true (g_str_has_prefix (text, "Connected to root@127.0.0.1:"));
  g_assert_nonnull (strstr (text, " ms"));

  /* A wrong port, in the editor only: the error sentence shows in place. */
  g_object_set (sn_profile_editor_get_working (editor), "ssh-port", 1, NULL);
  w.css_class = "error";
  gtk_widget_activate_action (GTK_WIDGET (editor), "editor.test-connection", NULL);
  g_assert_true (sn_test_wait_until (result_shows, &w, 30000));
  text = gtk_label_get_label (GTK_LABEL (w.label));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "127.0.0.1"));
  g_assert_false (g_str_has_prefix (text, "Connected"));

  /* One line says how the database connection is protected (M7). */
  row = sn_test_find_named (editor, "db-transport");
  g_assert_nonnull (row);
  g_object_set (sn_profile_editor_get_working (editor), "db-direct", FALSE, NULL);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "SSH"));
  g_object_set (sn_profile_editor_get_working (editor), "db-direct", TRUE, "db-host", "203.0.113.9", NULL);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "sslmode=require"));
  g_object_set (sn_profile_editor_get_working (editor), "db-ssl-root-cert", "/etc/ssl/db-ca.pem", NULL);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "sslmode=verify-full"));

  sn_test_destroy_window (editor);
}

static gboolean
activity_loaded (gpointer data)
{
  return !sn_activity_window_get_loading (data);
}

static gboolean
result_ready (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "\r\n")) != NULL; p += 2)
    n++;
  return n;
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

/* How many lines of the default audit log are for @action. */
static guint
audit_action_count (const char *action)
{
  g_autofree char *path = sn_audit_log_default_path ();
  g_autofree char *contents = NULL;
  g_autofree char *needle = g_strdup_printf ("\"action\":\"%s\"", action);
  guint n = 0;

  if (g_file_get_contents (path, &contents, NULL, NULL))
    for (const char *p = strstr (contents, needle); p != NULL; p = strstr (p + 1, needle))
      n++;
  return n;
}

static void
test_connection_activity (void)
{
  static const char * const argv[] = { "false", NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("sn-activity-XXXXXX", NULL);
  g_autofree char *csv_path = g_build_filename (tmp, "activity.csv", NULL);
  g_autofree char *csv = NULL;
  g_autofree char *written = NULL;
  SnActivityWindow *activity;
  GtkWidget *panel;
  GtkWidget *failures;
  SnWindow *window;
  guint total;
  guint shown;

  /* Start from an empty log: the earlier cases closed windows whose panels
   * had commands in flight, and a cancelled command is logged as failed. */
  {
    g_autofree char *audit = sn_audit_log_default_path ();

    g_unlink (audit);
  }

  window = open_demo_window ();
  panel = host_panel (window);
  assert_label_shows (panel, "container-db-state", "Running", 30000);
  g_assert_true (sn_test_wait_until (panel_idle, panel, 30000));

  /* One command that fails, through the window's own host. */
  sn_host_compose_exec_async (sn_connection_get_host (sn_window_get_connection (window)),
                              "db", argv, NULL, store_result, &result);
  g_assert_true (sn_test_wait_until (result_ready, &result, 30000));
  exec = sn_host_compose_exec_finish (sn_connection_get_host (sn_window_get_connection (window)),
                                      result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_ssh_exec_result_get_exit_status (exec), !=, 0);

  /* M9: a logged value a spreadsheet would run is exported as text. */
  g_assert_true (sn_audit_log_append (sn_audit_log_get_default (), "demo", "test.formula",
                                      "=HYPERLINK(\"http://x\",\"y\")", 1, 1000, 0, &error));
  g_assert_no_error (error);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.activity", NULL);
  activity = wait_for_toplevel (SN_TYPE_ACTIVITY_WINDOW);
  g_assert_nonnull (activity);
  g_assert_true (sn_test_wait_until (activity_loaded, activity, 30000));

  /* The panel's refresh is there, newest first. */
  total = g_list_model_get_n_items (sn_activity_window_get_entries (activity));
  g_assert_cmpuint (total, >=, 3);
  csv = sn_activity_window_dup_csv (activity);
  g_assert_true (g_str_has_prefix (csv, "time,profile,user,action,command,exit_status,duration_ms,bytes\r\n"));
  g_assert_nonnull (strstr (csv, ",demo,"));
  g_assert_nonnull (strstr (csv, ",host.compose.ps,"));
  g_assert_nonnull (strstr (csv, ",host.df,"));
  g_assert_true (strstr (csv, ",host.compose.exec,") < strstr (csv, ",host.compose.ps,"));
  g_assert_cmpuint (count_lines (csv), ==, total + 1);
  g_assert_nonnull (strstr (csv, ",test.formula,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,"));
  g_clear_pointer (&csv, g_free);

  /* Failures only: fewer lines, the failed exec among them, no success. */
  failures = sn_test_find_named (activity, "activity-failures-only");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (failures), TRUE);
  shown = g_list_model_get_n_items (sn_activity_window_get_shown (activity));
  g_assert_cmpuint (shown, >=, 1);
  g_assert_cmpuint (shown, <, total);
  csv = sn_activity_window_dup_csv (activity);
  g_assert_nonnull (strstr (csv, ",host.compose.exec,"));
  g_assert_null (strstr (csv, ",host.df,"));

  /* Export what is shown: a header, then those lines. */
  file = g_file_new_for_path (csv_path);
  g_assert_true (sn_activity_window_write_csv (activity, file, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (csv_path, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, csv);
  g_assert_cmpuint (count_lines (written), ==, shown + 1);

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (failures), FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (sn_activity_window_get_shown (activity)), ==, total);
  sn_test_destroy_window (activity);

  /* The dashboard's timer: its reads are folded, not a line each. */
  {
    g_autofree char *state = sn_audit_log_dup_monitoring_path (sn_audit_log_get_default ());
    guint lines_before;

    /* A read still running from before would add its line after the count. */
    g_assert_true (sn_test_wait_until (panel_idle, panel, 30000));
    lines_before = audit_action_count ("host.compose.ps");
    sn_settings_set_refresh_interval (sn_settings_get_default (), 5);
    gtk_widget_activate_action (GTK_WIDGET (window), "win.refresh", NULL);
    g_assert_true (sn_test_wait_until (file_exists, state, 40000));
    g_assert_true (sn_test_wait_until (panel_idle, panel, 30000));
    g_test_message ("routine reads: %s", state);
    /* The person's refresh above is one line; the timer's are none. */
    g_assert_cmpuint (audit_action_count ("host.compose.ps"), ==, lines_before + 1);
    g_assert_true (sn_audit_log_flush_monitoring (sn_audit_log_get_default (), TRUE, &error));
    g_assert_no_error (error);
  }

  /* The Activity window opens on what people did; the folded line shows
   * when asked for. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.activity", NULL);
  activity = wait_for_toplevel (SN_TYPE_ACTIVITY_WINDOW);
  g_assert_true (sn_test_wait_until (activity_loaded, activity, 30000));
  total = g_list_model_get_n_items (sn_activity_window_get_entries (activity));
  shown = g_list_model_get_n_items (sn_activity_window_get_shown (activity));
  g_assert_cmpuint (shown, ==, total - 1);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (sn_test_find_named (activity, "activity-show-monitoring")),
                                TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (sn_activity_window_get_shown (activity)), ==, total);
  g_clear_pointer (&csv, g_free);
  csv = sn_activity_window_dup_csv (activity);
  g_test_message ("%s", csv);
  g_assert_nonnull (strstr (csv, ",monitoring,\""));
  g_assert_nonnull (strstr (csv, "host.compose.ps ×"));

  sn_test_destroy_window (activity);
  sn_test_destroy_window (window);
  g_remove (csv_path);
  g_rmdir (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *path = NULL;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  /* First: it points HOME and the XDG directories into its own temp dir. */
  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  path = known_hosts_path ();
  g_assert_true (g_file_get_contents (path, &saved_known_hosts, NULL, NULL));

  g_test_add_func ("/sn/connection/indicator", test_connection_indicator);
  g_test_add_func ("/sn/connection/unknown-key", test_connection_unknown_key);
  g_test_add_func ("/sn/connection/changed-key", test_connection_changed_key);
  g_test_add_func ("/sn/connection/other-key-type", test_connection_other_key_type);
  g_test_add_func ("/sn/connection/editor", test_connection_editor);
  g_test_add_func ("/sn/connection/activity", test_connection_activity);
  g_test_add_func ("/sn/connection/host-panel-stop", test_connection_host_panel_stop);

  return g_test_run ();
}
