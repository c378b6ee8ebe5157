/* sn-maintenance-secrets-page.c: the login secret's status and rotation (runbook §6.3)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance-secrets-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-maintenance-secret-steps.h"
#include "sn-maintenance-secrets-page.h"

/*
 * When NEXTAUTH_SECRET was last rotated and whether the running app uses the
 * env file's value (fingerprints only), and "Rotate…", which opens the
 * runbook wizard on secret-rotate: the rotation itself is the runbook's, with
 * its plan, gates and verification. A read-only profile sees the status only.
 */

struct _SnMaintenanceSecretsPage
{
  SnAreaPage      parent_instance;

  SnSecretStatus *status;

  /* Template children */
  GtkSpinner     *spinner;
  AdwActionRow   *rotation_row;
  AdwActionRow   *file_row;
  AdwActionRow   *app_row;
  GtkLabel       *error_label;
  GtkWidget      *rotate_group;
  GtkLabel       *impact_label;
  GtkLabel       *level_label;
  AdwPreferencesGroup *manual_group;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceSecretsPage, sn_maintenance_secrets_page, SN_TYPE_AREA_PAGE)

static void
secrets_page_update_actions (SnAreaPage *page)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (page);
  gboolean may_rotate = sn_area_page_may_change (page);

  if (self->rotate_group == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "secrets.rotate", may_rotate && !sn_area_page_get_busy (page));
  gtk_widget_set_visible (self->rotate_group, may_rotate);
  gtk_widget_set_visible (GTK_WIDGET (self->level_label), sn_area_page_get_profile (page) != NULL && !may_rotate);
}

static void
show_error (SnMaintenanceSecretsPage *self,
            const char               *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
secrets_page_show_error (SnAreaPage   *page,
                         const GError *error)
{
  show_error (SN_MAINTENANCE_SECRETS_PAGE (page), error->message);
}

static void
show_status (SnMaintenanceSecretsPage *self)
{
  SnSecretStatus *status = self->status;
  g_autofree char *age = NULL;
  g_autofree char *file = NULL;
  g_autofree char *app = NULL;
  const char *fingerprint;
  const char *mode;

  if (status == NULL)
    return;

  age = sn_secret_status_dup_age_text (status);
  fingerprint = sn_secret_status_get_file_fingerprint (status);
  mode = sn_secret_status_get_file_mode (status);
  file = g_strdup_printf (_("Fingerprint %s, mode %s, %u rotation backups"),
                          fingerprint != NULL ? fingerprint : _("none: NEXTAUTH_SECRET is not set"),
                          mode != NULL ? mode : "?", sn_secret_status_get_n_backups (status));
  if (!sn_secret_status_get_container_reachable (status))
    app = g_strdup (_("Not reachable: its secret cannot be checked"));
  else if (sn_secret_status_get_in_sync (status))
    app = g_strdup_printf (_("Fingerprint %s: the file’s"), sn_secret_status_get_container_fingerprint (status));
  else
    app = g_strdup_printf (_("Fingerprint %s: NOT the file’s; the app was not recreated since the file changed"),
                           sn_secret_status_get_container_fingerprint (status) != NULL
                           ? sn_secret_status_get_container_fingerprint (status) : _("none"));

  adw_action_row_set_subtitle (self->rotation_row, age);
  adw_action_row_set_subtitle (self->file_row, file);
  adw_action_row_set_subtitle (self->app_row, app);
}

static void
secrets_page_load (SnAreaPage          *page,
                   SnConnection        *connection,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  sn_maintenance_secret_status_async (sn_connection_get_host (connection), sn_area_page_get_profile (page),
                                      cancellable, callback, user_data);
}

static gboolean
secrets_page_load_finish (SnAreaPage    *page,
                          GObject       *source,
                          GAsyncResult  *result,
                          GError       **error)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (page);
  g_autoptr(SnSecretStatus) status = sn_maintenance_secret_status_finish (SN_HOST (source), result, error);

  if (status == NULL)
    return FALSE;
  show_error (self, NULL);
  g_set_object (&self->status, status);
  show_status (self);
  return TRUE;
}

static void
secrets_page_reset (SnAreaPage *page)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (page);

  g_clear_object (&self->status);
  adw_action_row_set_subtitle (self->rotation_row, _("Not read yet"));
  adw_action_row_set_subtitle (self->file_row, "");
  adw_action_row_set_subtitle (self->app_row, "");
  show_error (self, NULL);
}

static gboolean
secrets_page_has_content (SnAreaPage *page)
{
  return SN_MAINTENANCE_SECRETS_PAGE (page)->status != NULL;
}

static void
secrets_page_cancelled (SnAreaPage *page)
{
}

static void
rotate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SnRunbookWizard *wizard;

  /* The runner refuses it anyway; the page does not offer it. */
  if (sn_area_page_may_change (SN_AREA_PAGE (widget)) &&
      (wizard = sn_area_page_open_runbook (SN_AREA_PAGE (widget), "secret-rotate")) != NULL)
    gtk_window_present (GTK_WINDOW (wizard));
}

static void
sn_maintenance_secrets_page_dispose (GObject *object)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_SECRETS_PAGE);
  g_clear_object (&self->status);
  G_OBJECT_CLASS (sn_maintenance_secrets_page_parent_class)->dispose (object);
}

static void
sn_maintenance_secrets_page_class_init (SnMaintenanceSecretsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_maintenance_secrets_page_dispose;
  page_class->load = secrets_page_load;
  page_class->load_finish = secrets_page_load_finish;
  page_class->reset = secrets_page_reset;
  page_class->has_content = secrets_page_has_content;
  page_class->update_actions = secrets_page_update_actions;
  page_class->show_error = secrets_page_show_error;
  page_class->cancelled = secrets_page_cancelled;
  SN_AREA_VIEW_CLASS (klass)->follow_root_connection = TRUE;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-secrets-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, rotation_row);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, file_row);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, app_row);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, rotate_group);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, impact_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, level_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceSecretsPage, manual_group);

  gtk_widget_class_install_action (widget_class, "secrets.rotate", NULL, rotate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "page.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "secrets.rotate", NULL);
}

/* The secrets rotated by hand (core's table): one expander each, why and the steps. */
static void
add_manual_steps (SnMaintenanceSecretsPage *self)
{
  const SnSecretSteps *all;
  guint n;

  all = sn_maintenance_secret_steps (&n);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row;
      GtkWidget *label;
      g_autofree char *title = NULL;
      g_autofree char *text = NULL;

      if (all[i].automated)
        continue;
      title = all[i].also != NULL ? g_strdup_printf (_("%s (with %s)"), all[i].name, all[i].also)
                                  : g_strdup (all[i].name);
      row = adw_expander_row_new ();
      gtk_widget_set_name (row, all[i].name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), _(all[i].why));
      text = sn_maintenance_secret_steps_dup_text (&all[i]);
      label = gtk_label_new (text);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      {
        g_autofree char *name = g_strdup_printf (_("How to rotate %s"), all[i].name);

        gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      }
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), label);
      adw_preferences_group_add (self->manual_group, row);
    }
}

static void
sn_maintenance_secrets_page_init (SnMaintenanceSecretsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), NULL, self->spinner, NULL);
  /* Their subtitles hold paths and server text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->rotation_row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->file_row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->app_row), FALSE);
  gtk_label_set_label (self->impact_label, sn_maintenance_secret_impact ());
  add_manual_steps (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Login secret"), -1);
}

GtkWidget *
sn_maintenance_secrets_page_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_SECRETS_PAGE, NULL);
}

SnProfile *
sn_maintenance_secrets_page_get_profile (SnMaintenanceSecretsPage *self)
{
  return sn_area_page_get_profile (SN_AREA_PAGE (self));
}

void
sn_maintenance_secrets_page_set_profile (SnMaintenanceSecretsPage *self,
                                         SnProfile                *profile)
{
  sn_area_page_set_profile (SN_AREA_PAGE (self), profile);
}

SnConnection *
sn_maintenance_secrets_page_get_connection (SnMaintenanceSecretsPage *self)
{
  return sn_area_page_get_connection (SN_AREA_PAGE (self));
}

void
sn_maintenance_secrets_page_set_connection (SnMaintenanceSecretsPage *self,
                                            SnConnection             *connection)
{
  sn_area_page_set_connection (SN_AREA_PAGE (self), connection);
}

gboolean
sn_maintenance_secrets_page_get_busy (SnMaintenanceSecretsPage *self)
{
  return sn_area_page_get_busy (SN_AREA_PAGE (self));
}

SnSecretStatus *
sn_maintenance_secrets_page_get_status (SnMaintenanceSecretsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self), NULL);
  return self->status;
}

GtkWindow *
sn_maintenance_secrets_page_get_wizard (SnMaintenanceSecretsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self), NULL);
  return sn_area_page_get_wizard (SN_AREA_PAGE (self));
}
