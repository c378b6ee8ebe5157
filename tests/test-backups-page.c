/* test-backups-page.c: the Backups view against the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-backups-page"

#include "config.h"

#include <stdlib.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-types.h"
#include "sn-backups-page.h"
#include "sn-format.h"
#include "sn-database-view.h"

static guint
count_files (const char *path,
             const char *suffix)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *entry;
  guint n = 0;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (entry, suffix))
      n++;
  return n;
}

static gboolean
page_idle (gpointer data)
{
  return !sn_backups_page_get_busy (data);
}

static gboolean
remote_listed (gpointer data)
{
  SnBackupService *service = sn_backups_page_get_service (data);

  return g_list_model_get_n_items (sn_backup_service_get_remote_backups (service)) >= 2;
}

/* The backup named by the page's "wanted" data is in the bucket list. */
static gboolean
remote_row_listed (gpointer data)
{
  GListModel *remote = sn_backup_service_get_remote_backups (sn_backups_page_get_service (data));
  const char *wanted = g_object_get_data (data, "wanted");

  for (guint i = 0; i < g_list_model_get_n_items (remote); i++)
    {
      g_autoptr(SnBackup) backup = g_list_model_get_item (remote, i);

      if (g_strcmp0 (sn_backup_get_name (backup), wanted) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The row is as tall as its text needs at its width and its list shows all
 * of it: a reason that wraps is not cut (GTK 4.8's list views measure their
 * rows without a width). */
static gboolean
row_fits (gpointer data)
{
  GtkWidget *row = data;
  GtkWidget *list = gtk_widget_get_ancestor (row, GTK_TYPE_LIST_VIEW);
  graphene_rect_t bounds;
  int natural = 0;

  if (list == NULL || gtk_widget_get_width (row) <= 0 || !gtk_widget_compute_bounds (row, list, &bounds))
    return FALSE;
  gtk_widget_measure (row, GTK_ORIENTATION_VERTICAL, gtk_widget_get_width (row), NULL, &natural, NULL, NULL);
  return gtk_widget_get_height (row) >= natural &&
         bounds.origin.y + bounds.size.height <= gtk_widget_get_height (list) + 0.5;
}

static gboolean
progress_hidden (gpointer data)
{
  GtkWidget *bar = sn_test_find_named (data, "backups-progress");

  return !gtk_revealer_get_child_revealed (GTK_REVEALER (gtk_widget_get_ancestor (bar, GTK_TYPE_REVEALER)));
}

static GtkWidget *
new_window (SnProfile       *profile,
            SnDatabaseView **view_out,
            SnBackupsPage  **page_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *views = adw_view_stack_new ();
  GtkWidget *view = sn_database_view_new ();
  GtkWidget *page = sn_backups_page_new ();

  /* As in the window: the Database view (with the restore badge) and the
   * Backups view side by side in one view stack. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  gtk_window_set_title (GTK_WINDOW (window), "Backups");
  gtk_widget_set_name (views, "window-views");
  adw_view_stack_add_named (ADW_VIEW_STACK (views), view, "database");
  adw_view_stack_add_named (ADW_VIEW_STACK (views), page, "backups");
  gtk_window_set_child (GTK_WINDOW (window), views);
  sn_database_view_set_profile (SN_DATABASE_VIEW (view), profile);
  sn_backups_page_set_profile (SN_BACKUPS_PAGE (page), profile);
  gtk_window_present (GTK_WINDOW (window));
  *view_out = SN_DATABASE_VIEW (view);
  if (page_out != NULL)
    *page_out = SN_BACKUPS_PAGE (page);

  return window;
}

static void
show_backups (GtkWidget *window)
{
  AdwViewStack *views = ADW_VIEW_STACK (sn_test_find_named (window, "window-views"));

  adw_view_stack_set_visible_child_name (views, "backups");
  gtk_test_widget_wait_for_draw (window);
}

/* The buttons under @root that trigger a "backups." action. */
static guint
count_action_buttons (GtkWidget *root)
{
  guint n = 0;

  if (GTK_IS_ACTIONABLE (root) &&
      g_str_has_prefix (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)) ?: "", "backups."))
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_action_buttons (child);
  return n;
}

static void
track_fraction (GtkProgressBar *bar,
                GParamSpec     *pspec,
                double         *max)
{
  *max = MAX (*max, gtk_progress_bar_get_fraction (bar));
}

static void
test_make_backup (void)
{
  SnDatabaseView *view;
  SnBackupsPage *page;
  GtkWidget *window = new_window (sn_test_stack_profile (), &view, &page);
  SnBackupService *service = sn_backups_page_get_service (page);
  GListModel *local = sn_backup_service_get_local_backups (service);
  GtkProgressBar *bar;
  g_autoptr(SnBackup) made = NULL;
  AdwActionRow *row;
  guint before = g_list_model_get_n_items (local);
  double max_fraction = 0;

  /* A fresh stack: no restore test yet, and the badge says so. */
  g_test_message ("badge: %s", sn_database_view_get_restore_badge (view));
  g_assert_nonnull (strstr (sn_database_view_get_restore_badge (view), "never tested"));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (window, "database-restore-badge")));

  show_backups (window);
  g_assert_true (sn_test_wait_until (remote_listed, page, 60000));

  bar = GTK_PROGRESS_BAR (sn_test_find_named (window, "backups-progress"));
  g_signal_connect (bar, "notify::fraction", G_CALLBACK (track_fraction), &max_fraction);
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.create", NULL);
  g_assert_true (sn_backups_page_get_busy (page));
  sn_test_screenshot (window, "backups-making.png");
  g_assert_true (sn_test_wait_until (page_idle, page, 120000));
  g_signal_handlers_disconnect_by_data (bar, &max_fraction);

  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (
    sn_test_find_named (window, "backups-error"), GTK_TYPE_REVEALER))));
  g_assert_cmpuint (g_list_model_get_n_items (local), ==, before + 1);
  made = g_list_model_get_item (local, 0);
  g_assert_cmpint (sn_backup_get_state (made), ==, SN_BACKUP_STATE_VERIFIED);
  g_assert_cmpstr (sn_backup_get_label (made), ==, "manual");
  g_test_message ("progress reached %.3f", max_fraction);
  g_assert_cmpfloat (max_fraction, >=, 0.999);

  row = sn_backups_page_find_row (page, sn_backup_get_name (made), FALSE);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (row)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (sn_test_find_named (row, "backup-state"))), ==,
                   "Verified");
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (row)), ==, 3);
  g_assert_true (sn_test_wait_until (progress_hidden, window, 5000));
  sn_test_screenshot (window, "backups-page.png");

  /* Uploaded, the same backup reads the same in the bucket list: its own
   * creation time (not an age frozen when the row was drawn) and its exact
   * size (not mc's rounded KiB). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GDateTime) local_time = g_date_time_to_local (sn_backup_get_created (made));
    g_autofree char *clock = g_date_time_format (local_time, "%H:%M");
    g_autofree char *size = sn_format_size (sn_backup_get_size (made));
    g_autofree char *expected = NULL;
    g_autofree char *name = g_strdup (sn_backup_get_name (made));
    AdwActionRow *remote_row;
    const char *local_subtitle;
    const char *remote_subtitle;

    g_object_set_data_full (G_OBJECT (page), "wanted", g_strdup (name), g_free);
    g_assert_true (sn_backup_service_upload_sync (service, made, NULL, &error));
    g_assert_no_error (error);
    gtk_widget_activate_action (GTK_WIDGET (page), "backups.refresh", NULL);
    g_assert_true (sn_test_wait_until (remote_row_listed, page, 60000));
    g_object_set_data_full (G_OBJECT (page), "wanted", NULL, NULL);
    remote_row = sn_backups_page_find_row (page, name, TRUE);
    row = sn_backups_page_find_row (page, name, FALSE);
    g_assert_nonnull (remote_row);
    g_assert_nonnull (row);
    local_subtitle = adw_action_row_get_subtitle (row);
    remote_subtitle = adw_action_row_get_subtitle (remote_row);
    g_test_message ("local: %s; bucket: %s", local_subtitle, remote_subtitle);
    expected = g_strdup_printf ("%s · %s", clock, size);
    g_assert_nonnull (strstr (local_subtitle, expected));
    g_assert_nonnull (strstr (remote_subtitle, expected));
    g_assert_cmpint (strncmp (local_subtitle, remote_subtitle,
                              strstr (local_subtitle, expected) - local_subtitle + strlen (expected)), ==, 0);
  }

  sn_test_destroy_window (window);
}

static gboolean
well_under_way (gpointer data)
{
  GtkProgressBar *bar = data;

  return gtk_progress_bar_get_fraction (bar) > 0.08;
}

static void
test_cancel (void)
{
  SnDatabaseView *view;
  SnBackupsPage *page;
  GtkWidget *window = new_window (sn_test_stack_profile (), &view, &page);
  SnBackupService *service = sn_backups_page_get_service (page);
  const char *dir = sn_backup_service_get_directory (service);
  GListModel *local = sn_backup_service_get_local_backups (service);
  g_autofree char *created = NULL;
  g_autofree char *dropped = NULL;
  GtkProgressBar *bar;
  guint rows_before, dumps_before;

  created = sn_test_psql ("CREATE TABLE IF NOT EXISTS sn_scratch AS SELECT g AS id, "
                  "md5(random()::text) || md5(random()::text) || md5(random()::text) AS t "
                  "FROM generate_series(1, 600000) g");
  show_backups (window);
  rows_before = g_list_model_get_n_items (local);
  dumps_before = count_files (dir, ".dump");

  gtk_widget_activate_action (GTK_WIDGET (page), "backups.create", NULL);
  bar = GTK_PROGRESS_BAR (sn_test_find_named (window, "backups-progress"));
  /* Well into the stream: cancel as a person would. */
  g_assert_true (sn_test_wait_until (well_under_way, bar, 120000));
  g_assert_true (sn_backups_page_get_busy (page));
  g_test_message ("cancelling at %s", gtk_label_get_text (GTK_LABEL (sn_test_find_named (window,
                                                                                 "backups-progress-detail"))));
  sn_test_screenshot (window, "backups-progress.png");
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.cancel", NULL);
  g_assert_true (sn_test_wait_until (page_idle, page, 60000));

  /* Nothing kept: no row, no file, no temp file; and no error shown. */
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (
    sn_test_find_named (window, "backups-error"), GTK_TYPE_REVEALER))));
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.refresh", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (local), ==, rows_before);
  g_assert_cmpuint (count_files (dir, ".dump"), ==, dumps_before);
  g_assert_cmpuint (count_files (dir, ".part"), ==, 0);

  dropped = sn_test_psql ("DROP TABLE IF EXISTS sn_scratch");
  sn_test_destroy_window (window);
}

static void
test_verify_truncated (void)
{
  SnDatabaseView *view;
  SnBackupsPage *page;
  GtkWidget *window = new_window (sn_test_stack_profile (), &view, &page);
  SnBackupService *service = sn_backups_page_get_service (page);
  GListModel *local = sn_backup_service_get_local_backups (service);
  g_autoptr(SnBackup) good = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *cut_path = NULL;
  g_autofree char *cut_manifest = NULL;
  const char *subtitle;
  AdwActionRow *row;
  gsize length;

  g_assert_cmpuint (g_list_model_get_n_items (local), >=, 1);
  good = g_list_model_get_item (local, 0);
  manifest_path = g_strconcat (sn_backup_get_path (good), ".manifest.json", NULL);
  cut_path = g_build_filename (sn_backup_service_get_directory (service),
                               "sweet_narcisse_20000101_000002.dump", NULL);
  cut_manifest = g_strconcat (cut_path, ".manifest.json", NULL);
  g_assert_true (g_file_get_contents (sn_backup_get_path (good), &contents, &length, NULL));
  g_assert_true (g_file_get_contents (manifest_path, &manifest, NULL, NULL));
  g_assert_true (g_file_set_contents (cut_path, contents, length * 2 / 3, NULL));
  g_assert_true (g_file_set_contents (cut_manifest, manifest, -1, NULL));

  show_backups (window);
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.refresh", NULL);
  row = sn_backups_page_find_row (page, "sweet_narcisse_20000101_000002.dump", FALSE);
  g_assert_nonnull (row);

  gtk_widget_activate_action (GTK_WIDGET (page), "backups.verify", "s", cut_path);
  g_assert_true (sn_backups_page_get_busy (page));
  g_assert_true (sn_test_wait_until (page_idle, page, 120000));

  row = sn_backups_page_find_row (page, "sweet_narcisse_20000101_000002.dump", FALSE);
  subtitle = adw_action_row_get_subtitle (row);
  g_test_message ("row: %s", subtitle);
  g_assert_nonnull (strstr (subtitle, "truncated"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (sn_test_find_named (row, "backup-state"))), ==,
                   "Failed");
  g_assert_true (sn_test_wait_until (row_fits, row, 5000));
  sn_test_screenshot (window, "backups-verify-failed.png");

  g_unlink (cut_path);
  g_unlink (cut_manifest);
  sn_test_destroy_window (window);
}

static gboolean
wizard_open (gpointer data)
{
  return sn_backups_page_get_wizard (data) != NULL;
}

static void
test_restore_opens_wizard (void)
{
  SnDatabaseView *view;
  SnBackupsPage *page;
  GtkWidget *window = new_window (sn_test_stack_profile (), &view, &page);
  GListModel *local = sn_backup_service_get_local_backups (sn_backups_page_get_service (page));
  g_autoptr(SnBackup) backup = NULL;
  g_autofree char *value = NULL;
  SnRunbookWizard *wizard;

  show_backups (window);
  g_assert_cmpuint (g_list_model_get_n_items (local), >=, 1);
  backup = g_list_model_get_item (local, 0);

  gtk_widget_activate_action (GTK_WIDGET (page), "backups.restore", "s", sn_backup_get_path (backup));
  g_assert_true (sn_test_wait_until (wizard_open, page, 5000));
  wizard = sn_backups_page_get_wizard (page);
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (wizard)), ==, "restore");
  g_assert_cmpstr (sn_runbook_wizard_get_page (wizard), ==, "params");
  value = sn_runbook_wizard_dup_param (wizard, "backup");
  g_assert_cmpstr (value, ==, sn_backup_get_path (backup));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (sn_test_find_named (wizard, "param-backup"))), ==,
                   sn_backup_get_path (backup));
  sn_test_screenshot (wizard, "backups-restore-wizard.png");
  gtk_window_destroy (GTK_WINDOW (wizard));
  g_assert_null (sn_backups_page_get_wizard (page));

  /* Restore Test… opens the restore-test runbook. */
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.restore-test", NULL);
  g_assert_true (sn_test_wait_until (wizard_open, page, 5000));
  wizard = sn_backups_page_get_wizard (page);
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (wizard)), ==, "restore-test");
  gtk_window_destroy (GTK_WINDOW (wizard));

  sn_test_destroy_window (window);
}

static void
test_badge_after_restore_test (void)
{
  SnDatabaseView *view;
  SnBackupsPage *page;
  GtkWidget *window = new_window (sn_test_stack_profile (), &view, &page);
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL;
  const char *badge;

  result = sn_backup_service_restore_test_sync (sn_backups_page_get_service (page), NULL, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", sn_restore_test_result_get_summary (result));
  g_assert_true (sn_restore_test_result_get_passed (result));

  gtk_widget_activate_action (GTK_WIDGET (view), "view.refresh", NULL);
  badge = sn_database_view_get_restore_badge (view);
  g_test_message ("badge: %s", badge);
  date = sn_format_date (sn_restore_test_result_get_date (result));
  g_assert_nonnull (strstr (badge, date));
  g_assert_nonnull (strstr (badge, "passed"));
  g_assert_false (gtk_widget_has_css_class (sn_test_find_named (window, "database-restore-badge"),
                                            "warning"));
  g_assert_false (gtk_widget_has_css_class (sn_test_find_named (window, "database-restore-badge"),
                                            "error"));

  show_backups (window);
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.refresh", NULL);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
    sn_test_find_named (window, "backups-restore-test"))), "passed"));
  g_assert_true (sn_test_wait_until (remote_listed, page, 60000));
  sn_test_screenshot (window, "backups-tested.png");

  sn_test_destroy_window (window);
}

static void
test_read_only (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnDatabaseView *view;
  SnBackupsPage *page;
  GtkWidget *window;
  GListModel *local;
  AdwActionRow *row;
  g_autoptr(SnBackup) backup = NULL;

  /* A backup made by an operator, on this computer. */
  {
    g_autoptr(SnSshSession) session = sn_ssh_session_new (sn_test_stack_profile (), NULL);
    g_autoptr(SnBackupService) service = sn_backup_service_new (sn_test_stack_profile (), session);
    g_autoptr(GError) error = NULL;

    backup = sn_backup_service_create_sync (service, "manual", SN_BACKUP_CREATE_NONE, NULL, &error);
    g_assert_no_error (error);
    sn_ssh_session_disconnect (session);
  }

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  window = new_window (profile, &view, &page);
  show_backups (window);

  /* The direction sees the badge and the lists, not the actions. */
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (window, "database-restore-badge")));
  g_assert_nonnull (sn_backups_page_get_service (page));
  local = sn_backup_service_get_local_backups (sn_backups_page_get_service (page));
  g_assert_cmpuint (g_list_model_get_n_items (local), >=, 1);
  row = sn_backups_page_find_row (page, sn_backup_get_name (backup), FALSE);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (row)));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (window, "backups-make")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (window, "backups-restore-test-button")));
  /* No Verify, Upload or Restore… in the row either. */
  g_assert_cmpuint (count_action_buttons (GTK_WIDGET (row)), ==, 0);
  sn_test_screenshot (window, "backups-read-only-view.png");

  sn_test_destroy_window (window);
}

static gboolean
error_shown (gpointer data)
{
  GtkWidget *label = sn_test_find_named (data, "backups-error");

  return gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (label, GTK_TYPE_REVEALER)));
}

/* M1 in the GUI: the page says why and disables its controls, but the gate
 * is core's, and its refusal is what the page shows. */
static void
test_read_only_refused (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnBackup) made = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  SnBackupsPage *page = SN_BACKUPS_PAGE (sn_backups_page_new ());
  GtkWidget *note;
  g_autofree char *dir = NULL;

  g_object_set (profile, "name", "ro", "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 800);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (page));
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  sn_backups_page_set_profile (page, profile);
  gtk_test_widget_wait_for_draw (window);
  /* A copy: setting the profile again below replaces the service. */
  dir = g_strdup (sn_backup_service_get_directory (sn_backups_page_get_service (page)));

  note = sn_test_find_named (window, "backups-level-note");
  g_assert_nonnull (note);
  g_assert_true (gtk_widget_is_visible (note));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "“ro” is read-only"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (note)), "operator profile"));
  g_assert_false (gtk_widget_is_sensitive (sn_test_find_named (window, "backups-make")));
  g_assert_false (gtk_widget_is_sensitive (sn_test_find_named (window, "backups-restore-test-button")));
  g_assert_true (gtk_widget_is_sensitive (sn_test_find_named (window, "backups-refresh")));
  sn_test_screenshot (window, "backups-read-only.png");

  gtk_widget_activate_action (GTK_WIDGET (page), "backups.create", NULL);
  g_assert_false (sn_backups_page_get_busy (page));

  /* The page's own service refuses, whatever the page shows. */
  made = sn_backup_service_create_sync (sn_backups_page_get_service (page), "manual", SN_BACKUP_CREATE_NONE,
                                        NULL, &error);
  g_assert_null (made);
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  /* An operator profile lowered to read-only while the page is open: the
   * click goes through, core refuses, and the page shows core's reason. */
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  sn_backups_page_set_profile (page, NULL);
  sn_backups_page_set_profile (page, profile);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (sn_test_find_named (window, "backups-level-note"))));
  g_assert_true (gtk_widget_is_sensitive (sn_test_find_named (window, "backups-make")));
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "backups.create", NULL);
  g_assert_true (sn_test_wait_until (error_shown, window, 20000));
  g_assert_true (sn_test_wait_until (page_idle, page, 20000));
  g_assert_nonnull (strstr (sn_test_label_text (window, "backups-error"), "“ro” is read-only"));
  g_assert_nonnull (strstr (sn_test_label_text (window, "backups-error"), "Nothing was done"));
  g_assert_cmpuint (count_files (dir, ".dump"), ==, 0);
  g_assert_cmpuint (count_files (dir, ".part"), ==, 0);

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

  g_test_add_func ("/sn/backups-page/make-backup", test_make_backup);
  g_test_add_func ("/sn/backups-page/cancel", test_cancel);
  g_test_add_func ("/sn/backups-page/verify-truncated", test_verify_truncated);
  g_test_add_func ("/sn/backups-page/restore-opens-wizard", test_restore_opens_wizard);
  g_test_add_func ("/sn/backups-page/badge-after-restore-test", test_badge_after_restore_test);
  g_test_add_func ("/sn/backups-page/read-only", test_read_only);
  g_test_add_func ("/sn/backups-page/read-only-refused", test_read_only_refused);

  return g_test_run ();
}
