/* sn-backups-page.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-backups-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-backups-page.h"
#include "sn-backup-row.h"
#include "sn-gui-util.h"
#include "sn-window.h"
#include "sn-runbook-catalog.h"

#define PULSE_INTERVAL_MS 120

typedef enum
{
  OP_NONE,
  OP_CREATE,
  OP_VERIFY,
  OP_UPLOAD,
  OP_DOWNLOAD,
} Operation;

struct _SnBackupsPage
{
  GtkWidget            parent_instance;

  SnProfile           *profile;
  SnSshSession        *session;
  gboolean             session_shared;
  SnBackupService     *service;
  GCancellable        *cancellable;      /* the profile's: cancelled on change and in dispose */
  GCancellable        *op_cancellable;   /* the running operation's: Cancel */
  GCancellable        *list_cancellable; /* the bucket listing's */
  char                *op_target;        /* the backup the operation is about */
  GError              *level_error;      /* why this profile may not change backups, or NULL */

  /* Template children */
  GtkWidget           *level_box;
  GtkLabel            *level_label;
  GtkRevealer         *error_revealer;
  GtkLabel            *error_title;
  GtkLabel            *error_label;
  GtkRevealer         *progress_revealer;
  GtkSpinner          *progress_spinner;
  GtkLabel            *progress_title;
  GtkProgressBar      *progress_bar;
  GtkLabel            *progress_detail;
  AdwPreferencesGroup *local_group;
  GtkListView         *local_list;
  GtkSortListModel    *local_sorted;
  AdwPreferencesGroup *remote_group;
  GtkSpinner          *remote_spinner;
  GtkListView         *remote_list;
  GtkSortListModel    *remote_sorted;
  GtkLabel            *remote_placeholder;
  GtkListItemFactory  *row_factory;
  GtkListItemFactory  *read_only_factory;
  AdwActionRow        *test_row;
  GtkImage            *test_icon;
  GtkWidget           *make_button;
  GtkWidget           *restore_test_button;

  /* Borrowed */
  GtkWidget           *wizard;           /* weak pointer */

  Operation            operation;
  guint                pulse_id;

  guint                remote_listed : 1;
  guint                listing : 1;
};

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_BUSY,
  N_PROPS
};

enum {
  RESTORE_TESTED,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SnBackupsPage, sn_backups_page, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char css[] =
  ".backups-error, .backups-progress, .backups-level { padding: 14px 16px; }\n"
  ".backups-error { background-color: alpha(@error_bg_color, 0.12); color: @error_color; }\n"
  ".backups-error label { color: @window_fg_color; }\n"
  ".backups-error .heading { color: @error_color; }\n"
  ".backup-pill { border-radius: 999px; padding: 1px 9px; font-size: 0.85em; font-weight: bold; }\n"
  ".backup-pill.success { background-color: alpha(@success_color, 0.15); color: @success_color; }\n"
  ".backup-pill.warning { background-color: alpha(@warning_color, 0.18); color: @warning_color; }\n"
  ".backup-pill.error { background-color: alpha(@error_color, 0.15); color: @error_color; }\n"
  ".backup-pill.dim-label { background-color: alpha(currentColor, 0.10); }\n"
  ".backup-tag { border-radius: 6px; padding: 0 6px; font-size: 0.8em;"
  "  background-color: alpha(@accent_bg_color, 0.15); color: @accent_color; }\n"
  ".backup-tag.safety { background-color: alpha(@warning_color, 0.18); color: @warning_color; }\n"
  ".backups-placeholder { padding: 18px; }\n"
  /* The lists look like Adwaita's boxed lists (list.boxed-list > row). */
  ".backups-list > row { border-bottom: 1px solid @card_shade_color; }\n"
  ".backups-list > row:first-child { border-top-left-radius: 12px; border-top-right-radius: 12px; }\n"
  ".backups-list > row:last-child { border-bottom-left-radius: 12px; border-bottom-right-radius: 12px;"
  "  border-bottom-width: 0; }\n";

static void sn_backups_page_update_actions (SnBackupsPage *self);

/* ------------------------------------------------------------------------ */
/* Formatting                                                               */

static char *
format_duration (gint64 seconds)
{
  if (seconds < 60)
    /* Translators: time left, in seconds */
    return g_strdup_printf (_("%d s"), (int) seconds);
  if (seconds < 3600)
    /* Translators: time left, in minutes and seconds */
    return g_strdup_printf (_("%d min %02d s"), (int) (seconds / 60), (int) (seconds % 60));
  /* Translators: time left, in hours and minutes */
  return g_strdup_printf (_("%d h %02d min"), (int) (seconds / 3600), (int) (seconds % 3600 / 60));
}

char *
sn_restore_badge_dup_text (SnRestoreTestResult  *result,
                           GDateTime            *now,
                           const char          **css_class)
{
  g_autofree char *date = NULL;
  const char *klass;
  char *text;

  if (result == NULL)
    {
      if (css_class != NULL)
        *css_class = "warning";
      return g_strdup (_("Restore never tested"));
    }

  date = sn_format_date (sn_restore_test_result_get_date (result));

  if (!sn_restore_test_result_get_passed (result))
    {
      klass = "error";
      /* Translators: the Database view's badge; %s is a date */
      text = g_strdup_printf (_("Restore test %s: failed"), date);
    }
  else if (sn_restore_test_result_is_stale (result, now))
    {
      klass = "warning";
      /* Translators: the Database view's badge; %s is a date, %d a number of days */
      text = g_strdup_printf (_("Restore test %s: passed, over %d days ago"), date,
                              SN_RESTORE_TEST_STALE_DAYS);
    }
  else
    {
      klass = "success";
      /* Translators: the Database view's badge; %s is a date */
      text = g_strdup_printf (_("Restore test %s: passed"), date);
    }

  if (css_class != NULL)
    *css_class = klass;
  return text;
}

/* ------------------------------------------------------------------------ */
/* Errors, toasts                                                           */

static const char *
error_advice (SnBackupsPage *self,
              const GError  *error)
{
  if (error->domain == SN_BACKUP_ERROR)
    {
      switch ((SnBackupError) error->code)
        {
        case SN_BACKUP_ERROR_HOST:
          return _("Check that the db container runs (Incidents, Containers) and try again.");
        case SN_BACKUP_ERROR_STREAM:
          return _("The connection broke. Check the network and the SSH access, then try again.");
        case SN_BACKUP_ERROR_NO_SPACE:
          return _("Free some space on this computer (old backups can go), then try again.");
        case SN_BACKUP_ERROR_VERIFY:
          return _("Do not restore this file: make a new backup, or download a good one from the bucket.");
        case SN_BACKUP_ERROR_NOT_FOUND:
          return _("List the backups again: the file may have been moved or deleted.");
        case SN_BACKUP_ERROR_MISMATCH:
        case SN_BACKUP_ERROR_NO_BACKUP:
        case SN_BACKUP_ERROR_FAILED:
        default:
          break;
        }
    }
  else if (error->domain == SN_SSH_ERROR)
    return _("Check the profile’s SSH settings in Preferences and that the host answers.");
  else if (error->domain == SN_PROFILE_ERROR)
    return _("Nothing was done. Switch to an operator profile to work on backups.");

  return _("Try again; if it keeps failing, the audit log has every command that ran.");
}

static void
show_error (SnBackupsPage *self,
            const char    *title,
            const GError  *error)
{
  g_autofree char *text = NULL;

  if (error == NULL)
    {
      gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
      return;
    }

  text = g_strdup_printf ("%s\n%s", error->message, error_advice (self, error));
  gtk_label_set_text (self->error_title, title);
  gtk_label_set_text (self->error_label, text);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Lists (rows: sn-backup-row.c)                                            */

/* The lists' placeholders (sn-backups-page.ui) */
static gboolean
has_items (gpointer unused,
           guint    n_items)
{
  return n_items > 0;
}

static gboolean
has_no_items (gpointer unused,
              guint    n_items)
{
  return n_items == 0;
}

/* ------------------------------------------------------------------------ */
/* Restore test row                                                         */

static void
update_test_row (SnBackupsPage *self)
{
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autofree char *title = NULL;
  const char *klass = NULL;

  if (self->profile != NULL)
    result = sn_backup_service_get_last_restore_test (sn_profile_get_name (self->profile));

  title = sn_restore_badge_dup_text (result, NULL, &klass);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->test_row), title);
  if (result == NULL)
    adw_action_row_set_subtitle (self->test_row,
                                 _("No restore test has been run for this profile: run one now, "
                                   "then once a month."));
  else
    adw_action_row_set_subtitle (self->test_row, sn_restore_test_result_get_summary (result));

  gtk_image_set_from_icon_name (self->test_icon,
                                result == NULL ? "dialog-question-symbolic"
                                : !sn_restore_test_result_get_passed (result) ? "dialog-error-symbolic"
                                : g_str_equal (klass, "warning") ? "dialog-warning-symbolic"
                                : "emblem-ok-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_icon), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_icon), "error");
  gtk_widget_add_css_class (GTK_WIDGET (self->test_icon), klass);
}

/* ------------------------------------------------------------------------ */
/* Operations                                                               */

static gboolean
pulse_cb (gpointer data)
{
  SnBackupsPage *self = data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
begin_operation (SnBackupsPage *self,
                 Operation      operation,
                 const char    *target,
                 const char    *title)
{
  g_assert (self->op_cancellable == NULL);

  self->operation = operation;
  self->op_cancellable = g_cancellable_new ();
  g_free (self->op_target);
  self->op_target = g_strdup (target);

  show_error (self, NULL, NULL);
  gtk_label_set_text (self->progress_title, title);
  gtk_label_set_text (self->progress_detail, _("Starting…"));
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_pulse_step (self->progress_bar, 0.08);
  gtk_spinner_start (self->progress_spinner);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  self->pulse_id = g_timeout_add (PULSE_INTERVAL_MS, pulse_cb, self);

  sn_backups_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
end_operation (SnBackupsPage *self)
{
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  g_clear_object (&self->op_cancellable);
  g_clear_pointer (&self->op_target, g_free);
  self->operation = OP_NONE;
  gtk_spinner_stop (self->progress_spinner);
  gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);

  sn_backups_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
progress_cb (SnBackupsPage   *self,
             const char      *operation,
             guint64          done,
             guint64          total,
             double           rate,
             gint64           eta,
             SnBackupService *service)
{
  g_autofree char *done_text = sn_format_size (done);
  g_autofree char *rate_text = sn_format_size ((guint64) MAX (rate, 0));
  g_autoptr(GString) detail = g_string_new (NULL);

  if (self->operation == OP_NONE)
    return;

  if (total > 0)
    {
      g_autofree char *total_text = sn_format_size (total);
      double fraction = MIN ((double) done / (double) total, 1.0);

      g_clear_handle_id (&self->pulse_id, g_source_remove);
      gtk_progress_bar_set_fraction (self->progress_bar, fraction);
      if (g_str_equal (operation, "create") && done < total)
        /* Translators: bytes received of an estimated total, e.g. "3.1 MB of about 9.0 MB" */
        g_string_append_printf (detail, _("%s of about %s"), done_text, total_text);
      else
        /* Translators: bytes received of the total, e.g. "3.1 MB of 9.0 MB" */
        g_string_append_printf (detail, _("%s of %s"), done_text, total_text);
    }
  else
    g_string_append (detail, done_text);

  if (rate > 0)
    /* Translators: a transfer rate, e.g. "4.2 MB/s" */
    g_string_append_printf (detail, _(" · %s/s"), rate_text);
  if (eta >= 0 && done < total)
    {
      g_autofree char *eta_text = format_duration (eta);

      /* Translators: time left, e.g. "about 12 s left" */
      g_string_append_printf (detail, _(" · about %s left"), eta_text);
    }

  gtk_label_set_text (self->progress_detail, detail->str);
}

static gboolean
finish_common (SnBackupsPage *self,
               GError        *error,
               const char    *failure_title)
{
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  end_operation (self);
  if (error == NULL)
    return TRUE;

  if (cancelled)
    sn_gui_toast (GTK_WIDGET (self), _("Cancelled; nothing was kept"));
  else
    show_error (self, failure_title, error);
  return FALSE;
}

static void
reload_local (SnBackupsPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->service != NULL && !sn_backup_service_reload_local (self->service, &error))
    show_error (self, _("Cannot list the backups on this computer"), error);
}

static void
list_remote_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SnBackupsPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sn_backup_service_list_remote_finish (SN_BACKUP_SERVICE (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (SN_BACKUP_SERVICE (object) != self->service)
    return;

  self->listing = FALSE;
  g_clear_object (&self->list_cancellable);
  gtk_spinner_stop (self->remote_spinner);
  gtk_widget_set_visible (GTK_WIDGET (self->remote_spinner), FALSE);

  if (error != NULL)
    {
      g_autofree char *text = g_strdup_printf ("%s\n%s", error->message, error_advice (self, error));

      gtk_label_set_text (self->remote_placeholder, text);
      gtk_widget_remove_css_class (GTK_WIDGET (self->remote_placeholder), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->remote_placeholder), "error");
    }
  else
    {
      gtk_label_set_text (self->remote_placeholder, _("The bucket has no backups yet."));
      gtk_widget_remove_css_class (GTK_WIDGET (self->remote_placeholder), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->remote_placeholder), "dim-label");
    }
  sn_backups_page_update_actions (self);
}

static void
list_remote (SnBackupsPage *self)
{
  if (self->service == NULL || self->listing)
    return;

  self->listing = TRUE;
  self->remote_listed = TRUE;
  self->list_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->remote_spinner), TRUE);
  gtk_spinner_start (self->remote_spinner);
  gtk_label_set_text (self->remote_placeholder, _("Listing the bucket…"));
  sn_backup_service_list_remote_async (self->service, self->list_cancellable, list_remote_cb,
                                       g_object_ref (self));
  sn_backups_page_update_actions (self);
}

static void
create_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnBackupsPage) self = user_data;
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  backup = sn_backup_service_create_finish (SN_BACKUP_SERVICE (object), result, &error);
  if (SN_BACKUP_SERVICE (object) != self->service)
    return;
  if (!finish_common (self, error, _("The backup could not be made")))
    {
      reload_local (self);
      return;
    }

  reload_local (self);
  /* Translators: a toast; %s is the backup's file name */
  message = g_strdup_printf (_("Backup %s made and verified"), sn_backup_get_name (backup));
  sn_gui_toast (GTK_WIDGET (self), message);
}

static void
verify_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnBackupsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  sn_backup_service_verify_finish (SN_BACKUP_SERVICE (object), result, &error);
  if (SN_BACKUP_SERVICE (object) != self->service)
    return;
  name = g_path_get_basename (self->op_target);

  if (g_error_matches (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_VERIFY))
    {
      /* The reason shows in the backup's row; the toast points at it. */
      end_operation (self);
      /* Translators: a toast; %s is the backup's file name */
      message = g_strdup_printf (_("%s is not a good backup: see why in its row"), name);
      sn_gui_toast (GTK_WIDGET (self), message);
      return;
    }
  if (!finish_common (self, error, _("The backup could not be verified")))
    return;

  /* Translators: a toast; %s is the backup's file name */
  message = g_strdup_printf (_("%s verified: checksum, table of contents and every data block"), name);
  sn_gui_toast (GTK_WIDGET (self), message);
}

static void
upload_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnBackupsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;

  sn_backup_service_upload_finish (SN_BACKUP_SERVICE (object), result, &error);
  if (SN_BACKUP_SERVICE (object) != self->service)
    return;
  name = g_path_get_basename (self->op_target);
  if (!finish_common (self, error, _("The backup could not be uploaded")))
    return;

  /* Translators: a toast; %s is the backup's file name */
  message = g_strdup_printf (_("%s is in the bucket"), name);
  sn_gui_toast (GTK_WIDGET (self), message);
  list_remote (self);
}

static void
download_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SnBackupsPage) self = user_data;
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  backup = sn_backup_service_download_finish (SN_BACKUP_SERVICE (object), result, &error);
  if (SN_BACKUP_SERVICE (object) != self->service)
    return;
  if (!finish_common (self, error, _("The backup could not be downloaded")))
    return;

  reload_local (self);
  if (sn_backup_get_sha256 (backup) != NULL)
    /* Translators: a toast; %s is a file name, %.12s the start of its sha256 */
    message = g_strdup_printf (_("%s downloaded; checksum matches (sha256 %.12s…)"),
                               sn_backup_get_name (backup), sn_backup_get_sha256 (backup));
  else
    /* Translators: a toast; %s is a file name */
    message = g_strdup_printf (_("%s downloaded; its checksum matches the host’s copy"),
                               sn_backup_get_name (backup));
  sn_gui_toast (GTK_WIDGET (self), message);
}

static SnBackup *
find_backup (SnBackupsPage *self,
             const char    *path_or_name)
{
  GListModel *model;

  if (self->service == NULL)
    return NULL;

  model = sn_backup_service_get_local_backups (self->service);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnBackup) backup = g_list_model_get_item (model, i);

      if (g_strcmp0 (sn_backup_get_path (backup), path_or_name) == 0 ||
          g_strcmp0 (sn_backup_get_name (backup), path_or_name) == 0)
        return g_steal_pointer (&backup);
    }

  return NULL;
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (widget);

  if (self->service == NULL || self->op_cancellable != NULL)
    return;

  begin_operation (self, OP_CREATE, NULL, _("Making a backup of the database…"));
  sn_backup_service_create_async (self->service, "manual", SN_BACKUP_CREATE_NONE, self->op_cancellable,
                                  create_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (widget);

  if (self->op_cancellable != NULL)
    {
      gtk_label_set_text (self->progress_detail, _("Cancelling…"));
      g_cancellable_cancel (self->op_cancellable);
    }
}

static void
verify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (widget);
  const char *target = g_variant_get_string (param, NULL);
  g_autoptr(SnBackup) backup = find_backup (self, target);
  g_autofree char *title = NULL;

  if (backup == NULL || self->op_cancellable != NULL)
    return;

  /* Translators: %s is the backup's file name */
  title = g_strdup_printf (_("Verifying %s…"), sn_backup_get_name (backup));
  begin_operation (self, OP_VERIFY, target, title);
  gtk_label_set_text (self->progress_detail,
                      _("Checksum, then pg_restore reads every block inside the db container"));
  sn_backup_service_verify_async (self->service, backup, self->op_cancellable, verify_cb, g_object_ref (self));
}

static void
upload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (widget);
  const char *target = g_variant_get_string (param, NULL);
  g_autoptr(SnBackup) backup = find_backup (self, target);
  g_autofree char *title = NULL;

  if (backup == NULL || self->op_cancellable != NULL)
    return;

  /* Translators: %s is the backup's file name */
  title = g_strdup_printf (_("Uploading %s to the bucket…"), sn_backup_get_name (backup));
  begin_operation (self, OP_UPLOAD, target, title);
  sn_backup_service_upload_async (self->service, backup, self->op_cancellable, upload_cb, g_object_ref (self));
}

static void
download_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (widget);
  const char *name = g_variant_get_string (param, NULL);
  g_autofree char *title = NULL;

  if (self->service == NULL || self->op_cancellable != NULL)
    return;

  /* Translators: %s is the backup's file name */
  title = g_strdup_printf (_("Downloading %s…"), name);
  begin_operation (self, OP_DOWNLOAD, name, title);
  sn_backup_service_download_async (self->service, name, self->op_cancellable, download_cb,
                                    g_object_ref (self));
}

static void
wizard_finished_cb (SnBackupsPage   *self,
                    int              outcome,
                    SnRunbookWizard *wizard)
{
  reload_local (self);
  if (self->remote_listed)
    list_remote (self);
  if (g_strcmp0 (sn_runbook_get_id (sn_runbook_wizard_get_runbook (wizard)), "restore-test") == 0)
    {
      update_test_row (self);
      g_signal_emit (self, signals[RESTORE_TESTED], 0);
    }
}

static void
open_wizard (SnBackupsPage *self,
             const char    *runbook_id,
             const char    *backup)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SnRunbookWizard *wizard;
  SnRunbook *runbook;

  if (self->profile == NULL)
    return;

  if (!sn_runbook_catalog_load (catalog, &error) ||
      (runbook = sn_runbook_catalog_lookup (catalog, runbook_id)) == NULL)
    {
      if (error == NULL)
        g_set_error (&error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NOT_FOUND,
                     _("The runbook “%s” is missing from this build."), runbook_id);
      show_error (self, _("Cannot open the runbook"), error);
      return;
    }

  wizard = sn_runbook_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, runbook, self->profile);
  if (backup != NULL)
    sn_runbook_wizard_set_param (wizard, "backup", backup);
  g_signal_connect_object (wizard, "finished", G_CALLBACK (wizard_finished_cb), self, G_CONNECT_SWAPPED);

  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *)&self->wizard);
  self->wizard = GTK_WIDGET (wizard);
  g_object_add_weak_pointer (G_OBJECT (self->wizard), (gpointer *)&self->wizard);

  gtk_window_present (GTK_WINDOW (wizard));
}

static void
restore_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  open_wizard (SN_BACKUPS_PAGE (widget), "restore", g_variant_get_string (param, NULL));
}

static void
restore_test_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  open_wizard (SN_BACKUPS_PAGE (widget), "restore-test", NULL);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (widget);

  reload_local (self);
  update_test_row (self);
  list_remote (self);
}

static void
dismiss_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  show_error (SN_BACKUPS_PAGE (widget), NULL, NULL);
}

/* The level check is core's (every service call makes it); the page only
 * says it up front and disables what would be refused. */
static void
update_level (SnBackupsPage *self)
{
  g_clear_error (&self->level_error);
  if (self->profile != NULL)
    sn_profile_check_level (self->profile, SN_SAFETY_LEVEL_OPERATOR,
                            _("make, verify, upload, download or restore backups, or run a restore "
                              "test (they copy or change the server’s data)"),
                            &self->level_error);

  gtk_label_set_text (self->level_label, self->level_error != NULL ? self->level_error->message : "");
  gtk_widget_set_visible (self->level_box, self->level_error != NULL);
  /* Below operator, the lists without the actions (rows get none either). */
  gtk_widget_set_visible (self->make_button, self->level_error == NULL);
  gtk_widget_set_visible (self->restore_test_button, self->level_error == NULL);
  gtk_list_view_set_factory (self->local_list, self->level_error == NULL ? self->row_factory : self->read_only_factory);
  gtk_list_view_set_factory (self->remote_list, self->level_error == NULL ? self->row_factory : self->read_only_factory);
}

static void
sn_backups_page_update_actions (SnBackupsPage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean ready = self->service != NULL;
  gboolean idle = ready && self->op_cancellable == NULL && self->level_error == NULL;

  gtk_widget_action_set_enabled (widget, "backups.create", idle);
  gtk_widget_action_set_enabled (widget, "backups.cancel", self->op_cancellable != NULL);
  gtk_widget_action_set_enabled (widget, "backups.verify", idle);
  gtk_widget_action_set_enabled (widget, "backups.upload", idle);
  gtk_widget_action_set_enabled (widget, "backups.download", idle);
  gtk_widget_action_set_enabled (widget, "backups.restore", idle);
  gtk_widget_action_set_enabled (widget, "backups.restore-test", idle);
  gtk_widget_action_set_enabled (widget, "backups.refresh", ready);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
sn_backups_page_map (GtkWidget *widget)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (widget);

  GTK_WIDGET_CLASS (sn_backups_page_parent_class)->map (widget);

  /* The bucket is listed over SSH: only once someone looks. */
  if (!self->remote_listed)
    list_remote (self);
}

/* Our own session is closed here, on the main thread; the window's stays up. */
static void
drop_session (SnBackupsPage *self)
{
  if (self->session != NULL && !self->session_shared)
    sn_ssh_session_disconnect (self->session);
  g_clear_object (&self->session);
}

static void
sn_backups_page_dispose (GObject *object)
{
  SnBackupsPage *self = (SnBackupsPage *)object;
  GtkWidget *child;

  if (self->op_cancellable != NULL)
    g_cancellable_cancel (self->op_cancellable);
  if (self->list_cancellable != NULL)
    g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *)&self->wizard);
  self->wizard = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_BACKUPS_PAGE);
  /* The scrolled window at the top of the template has no id: unparent it too. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->op_cancellable);
  g_clear_object (&self->list_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->service);
  drop_session (self);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (sn_backups_page_parent_class)->dispose (object);
}

static void
sn_backups_page_finalize (GObject *object)
{
  SnBackupsPage *self = (SnBackupsPage *)object;

  g_free (self->op_target);
  g_clear_error (&self->level_error);

  G_OBJECT_CLASS (sn_backups_page_parent_class)->finalize (object);
}

static void
sn_backups_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, sn_backups_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_backups_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SnBackupsPage *self = SN_BACKUPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_backups_page_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_backups_page_class_init (SnBackupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_backups_page_dispose;
  object_class->finalize = sn_backups_page_finalize;
  object_class->get_property = sn_backups_page_get_property;
  object_class->set_property = sn_backups_page_set_property;
  widget_class->map = sn_backups_page_map;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SnBackupsPage::restore-tested:
   *
   * A restore test run from this page ended: the last result changed.
   */
  signals[RESTORE_TESTED] =
    g_signal_new ("restore-tested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (SN_TYPE_BACKUP);
  g_type_ensure (SN_TYPE_BACKUP_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-backups-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, level_box);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, level_label);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, error_title);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, progress_title);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, progress_detail);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, local_group);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, local_list);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, local_sorted);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, remote_group);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, remote_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, remote_list);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, remote_sorted);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, remote_placeholder);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, row_factory);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, read_only_factory);
  gtk_widget_class_bind_template_callback (widget_class, has_items);
  gtk_widget_class_bind_template_callback (widget_class, has_no_items);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, test_row);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, test_icon);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, make_button);
  gtk_widget_class_bind_template_child (widget_class, SnBackupsPage, restore_test_button);

  gtk_widget_class_install_action (widget_class, "backups.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "backups.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "backups.verify", "s", verify_action);
  gtk_widget_class_install_action (widget_class, "backups.upload", "s", upload_action);
  gtk_widget_class_install_action (widget_class, "backups.download", "s", download_action);
  gtk_widget_class_install_action (widget_class, "backups.restore", "s", restore_action);
  gtk_widget_class_install_action (widget_class, "backups.restore-test", NULL, restore_test_action);
  gtk_widget_class_install_action (widget_class, "backups.refresh", NULL, refresh_action);
  /* The window's F5 when this is the visible view. */
  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "backups.dismiss", NULL, dismiss_action);
}

static void
sn_backups_page_init (SnBackupsPage *self)
{
  static gsize css_loaded;

  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_once_init_enter (&css_loaded))
    {
      GtkCssProvider *provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, css, -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (provider);
      g_once_init_leave (&css_loaded, 1);
    }

  self->cancellable = g_cancellable_new ();

  update_test_row (self);
  sn_backups_page_update_actions (self);
}

GtkWidget *
sn_backups_page_new (void)
{
  return g_object_new (SN_TYPE_BACKUPS_PAGE, NULL);
}

SnProfile *
sn_backups_page_get_profile (SnBackupsPage *self)
{
  g_return_val_if_fail (SN_IS_BACKUPS_PAGE (self), NULL);

  return self->profile;
}

void
sn_backups_page_set_profile (SnBackupsPage *self,
                             SnProfile     *profile)
{
  g_autofree char *where = NULL;
  g_autofree char *bucket = NULL;

  g_return_if_fail (SN_IS_BACKUPS_PAGE (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  /* Whatever ran for the old profile stops. */
  if (self->op_cancellable != NULL)
    g_cancellable_cancel (self->op_cancellable);
  if (self->list_cancellable != NULL)
    g_cancellable_cancel (self->list_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->op_cancellable != NULL)
    end_operation (self);
  g_clear_object (&self->list_cancellable);
  self->listing = FALSE;
  self->remote_listed = FALSE;

  gtk_sort_list_model_set_model (self->local_sorted, NULL);
  gtk_sort_list_model_set_model (self->remote_sorted, NULL);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);
  drop_session (self);
  show_error (self, NULL, NULL);

  /* Before the rows are made: below operator, the read-only factory (no buttons). */
  update_level (self);
  if (profile != NULL)
    {
      /* The window's connection to this host when there is one. */
      self->session = sn_window_dup_ssh_session (GTK_WIDGET (self), profile, &self->session_shared);
      self->service = sn_backup_service_new (profile, self->session);
      g_signal_connect_object (self->service, "progress", G_CALLBACK (progress_cb), self, G_CONNECT_SWAPPED);
      gtk_sort_list_model_set_model (self->local_sorted, sn_backup_service_get_local_backups (self->service));
      gtk_sort_list_model_set_model (self->remote_sorted, sn_backup_service_get_remote_backups (self->service));
      reload_local (self);

      /* Translators: where local backups are kept; %s is a folder */
      where = g_strdup_printf (_("Kept in %s"), sn_backup_service_get_directory (self->service));
      adw_preferences_group_set_description (self->local_group, where);
      bucket = g_strdup_printf ("%s/%s/%s", sn_backup_service_get_mc_alias (self->service),
                                sn_backup_service_get_bucket (self->service),
                                sn_backup_service_get_prefix (self->service));
      adw_preferences_group_set_description (self->remote_group, bucket);
      gtk_label_set_text (self->remote_placeholder, _("Not listed yet"));

      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        list_remote (self);
    }

  update_test_row (self);
  update_level (self);
  sn_backups_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/**
 * sn_backups_page_get_service:
 *
 * Returns: (transfer none) (nullable): the backup service of the profile
 */
SnBackupService *
sn_backups_page_get_service (SnBackupsPage *self)
{
  g_return_val_if_fail (SN_IS_BACKUPS_PAGE (self), NULL);

  return self->service;
}

gboolean
sn_backups_page_get_busy (SnBackupsPage *self)
{
  g_return_val_if_fail (SN_IS_BACKUPS_PAGE (self), FALSE);

  return self->op_cancellable != NULL;
}

/**
 * sn_backups_page_get_wizard:
 *
 * Returns: (transfer none) (nullable): the wizard last opened, if still open
 */
SnRunbookWizard *
sn_backups_page_get_wizard (SnBackupsPage *self)
{
  g_return_val_if_fail (SN_IS_BACKUPS_PAGE (self), NULL);

  return self->wizard != NULL ? SN_RUNBOOK_WIZARD (self->wizard) : NULL;
}

/**
 * sn_backups_page_find_row:
 *
 * Returns: (transfer none) (nullable): the row of backup @name
 */
AdwActionRow *
sn_backups_page_find_row (SnBackupsPage *self,
                          const char    *name,
                          gboolean       remote)
{
  GtkWidget *list;

  g_return_val_if_fail (SN_IS_BACKUPS_PAGE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* The list view's children are its rows, each holding one SnBackupRow. */
  list = GTK_WIDGET (remote ? self->remote_list : self->local_list);
  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL; item = gtk_widget_get_next_sibling (item))
    {
      GtkWidget *child = gtk_widget_get_first_child (item);
      SnBackup *backup;

      if (!SN_IS_BACKUP_ROW (child) || (backup = sn_backup_row_get_backup (SN_BACKUP_ROW (child))) == NULL)
        continue;
      if (g_strcmp0 (sn_backup_get_name (backup), name) == 0)
        return ADW_ACTION_ROW (child);
    }
  return NULL;
}
