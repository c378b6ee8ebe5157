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
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"

/*
 * When NEXTAUTH_SECRET was last rotated and whether the running app uses the
 * env file's value (fingerprints only), and "Rotate…", which opens the
 * runbook wizard on secret-rotate: the rotation itself is the runbook's, with
 * its plan, gates and verification. A read-only profile sees the status only.
 */

struct _SnMaintenanceSecretsPage
{
  GtkWidget       parent_instance;

  SnProfile      *profile;
  SnConnection   *connection;
  GBinding       *root_binding;
  GCancellable   *cancellable;
  SnSecretStatus *status;
  GtkWidget      *wizard;          /* weak pointer */
  gboolean        busy;

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

G_DEFINE_FINAL_TYPE (SnMaintenanceSecretsPage, sn_maintenance_secrets_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_CONNECTION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
may_rotate (SnMaintenanceSecretsPage *self)
{
  return self->profile != NULL && sn_profile_get_safety_level (self->profile) >= SN_SAFETY_LEVEL_OPERATOR;
}

static void
update_actions (SnMaintenanceSecretsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "secrets.refresh",
                                 self->profile != NULL && self->connection != NULL && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "secrets.rotate", may_rotate (self) && !self->busy);
  gtk_widget_set_visible (self->rotate_group, may_rotate (self));
  gtk_widget_set_visible (GTK_WIDGET (self->level_label), self->profile != NULL && !may_rotate (self));
}

static void
set_busy (SnMaintenanceSecretsPage *self,
          gboolean                  busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (SnMaintenanceSecretsPage *self,
            const char               *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
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
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnMaintenanceSecretsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnSecretStatus) status = sn_maintenance_secret_status_finish (SN_HOST (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (status == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_set_object (&self->status, status);
  show_status (self);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnMaintenanceSecretsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SnConnection *connection = SN_CONNECTION (object);

  if (!sn_connection_connect_finish (connection, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      show_error (self, error->message);
      return;
    }
  if (connection != self->connection || self->profile == NULL)
    {
      set_busy (self, FALSE);
      return;
    }
  sn_maintenance_secret_status_async (sn_connection_get_host (connection), self->profile, self->cancellable,
                                      status_cb, g_object_ref (self));
}

void
sn_maintenance_secrets_page_refresh (SnMaintenanceSecretsPage *self)
{
  g_return_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self));

  if (self->profile == NULL || self->connection == NULL || self->busy)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  sn_connection_connect_async (self->connection, self->cancellable, connect_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  sn_maintenance_secrets_page_refresh (SN_MAINTENANCE_SECRETS_PAGE (widget));
}

static void
wizard_finished_cb (SnMaintenanceSecretsPage *self)
{
  sn_maintenance_secrets_page_refresh (self);
}

static void
rotate_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (widget);
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  SnRunbookWizard *wizard;
  SnRunbook *runbook;

  /* The runner refuses it anyway; the page does not offer it. */
  if (!may_rotate (self))
    return;

  if (!sn_runbook_catalog_load (catalog, &error) ||
      (runbook = sn_runbook_catalog_lookup (catalog, "secret-rotate")) == NULL)
    {
      show_error (self, error != NULL ? error->message : _("The runbook secret-rotate is missing from this build."));
      return;
    }

  wizard = sn_runbook_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, runbook, self->profile);
  g_signal_connect_object (wizard, "finished", G_CALLBACK (wizard_finished_cb), self, G_CONNECT_SWAPPED);
  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
  self->wizard = GTK_WIDGET (wizard);
  g_object_add_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
  gtk_window_present (GTK_WINDOW (wizard));
}

void
sn_maintenance_secrets_page_set_profile (SnMaintenanceSecretsPage *self,
                                         SnProfile                *profile)
{
  g_return_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self));
  g_return_if_fail (profile == NULL || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->status);
  set_busy (self, FALSE);
  adw_action_row_set_subtitle (self->rotation_row, _("Not read yet"));
  adw_action_row_set_subtitle (self->file_row, "");
  adw_action_row_set_subtitle (self->app_row, "");
  show_error (self, NULL);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

void
sn_maintenance_secrets_page_set_connection (SnMaintenanceSecretsPage *self,
                                            SnConnection             *connection)
{
  g_return_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self));
  g_return_if_fail (connection == NULL || SN_IS_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_maintenance_secrets_page_refresh (self);
}

static void
sn_maintenance_secrets_page_map (GtkWidget *widget)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (widget);

  GTK_WIDGET_CLASS (sn_maintenance_secrets_page_parent_class)->map (widget);
  if (self->status == NULL)
    sn_maintenance_secrets_page_refresh (self);
}

/* In a window with a "connection" (SnWindow), follow it. */
static void
sn_maintenance_secrets_page_root (GtkWidget *widget)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sn_maintenance_secrets_page_parent_class)->root (widget);
  root = gtk_widget_get_root (widget);
  if (self->root_binding == NULL && root != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (root), "connection") != NULL)
    self->root_binding = g_object_bind_property (root, "connection", self, "connection", G_BINDING_SYNC_CREATE);
}

static void
sn_maintenance_secrets_page_unroot (GtkWidget *widget)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (widget);

  if (self->root_binding != NULL)
    {
      g_binding_unbind (self->root_binding);
      self->root_binding = NULL;
    }
  GTK_WIDGET_CLASS (sn_maintenance_secrets_page_parent_class)->unroot (widget);
}

static void
sn_maintenance_secrets_page_dispose (GObject *object)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *) &self->wizard);
  self->wizard = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_SECRETS_PAGE);
  /* The scrolled window at the template's root is not a bound child. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->status);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sn_maintenance_secrets_page_parent_class)->dispose (object);
}

static void
sn_maintenance_secrets_page_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_CONNECTION:
      g_value_set_object (value, self->connection);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_secrets_page_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  SnMaintenanceSecretsPage *self = SN_MAINTENANCE_SECRETS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_maintenance_secrets_page_set_profile (self, g_value_get_object (value));
      break;
    case PROP_CONNECTION:
      sn_maintenance_secrets_page_set_connection (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_secrets_page_class_init (SnMaintenanceSecretsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_maintenance_secrets_page_dispose;
  object_class->get_property = sn_maintenance_secrets_page_get_property;
  object_class->set_property = sn_maintenance_secrets_page_set_property;
  widget_class->map = sn_maintenance_secrets_page_map;
  widget_class->root = sn_maintenance_secrets_page_root;
  widget_class->unroot = sn_maintenance_secrets_page_unroot;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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

  gtk_widget_class_install_action (widget_class, "secrets.refresh", NULL, refresh_action);
  /* What the Maintenance view's refresh (F5, Ctrl+R) activates on the page shown. */
  gtk_widget_class_install_action (widget_class, "page.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "secrets.rotate", NULL, rotate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "secrets.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_R, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "secrets.rotate", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
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
  /* Their subtitles hold paths and server text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->rotation_row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->file_row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->app_row), FALSE);
  gtk_label_set_label (self->impact_label, sn_maintenance_secret_impact ());
  add_manual_steps (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Login secret"), -1);
  update_actions (self);
}

GtkWidget *
sn_maintenance_secrets_page_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_SECRETS_PAGE, NULL);
}

SnProfile *
sn_maintenance_secrets_page_get_profile (SnMaintenanceSecretsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self), NULL);
  return self->profile;
}

SnConnection *
sn_maintenance_secrets_page_get_connection (SnMaintenanceSecretsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self), NULL);
  return self->connection;
}

gboolean
sn_maintenance_secrets_page_get_busy (SnMaintenanceSecretsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_SECRETS_PAGE (self), FALSE);
  return self->busy;
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
  return self->wizard != NULL ? GTK_WINDOW (self->wizard) : NULL;
}
