/* sn-maintenance-env-page.c: the environment audit (runbook annexes A, B, C)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance-env-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-maintenance-env-page.h"

/*
 * Three column views (variables, ports, paths) over SnEnvAudit's models;
 * their factories, sorters and bindings are in the .ui. Reading only: the
 * read-only profile sees it all (its SSH key may not reach the host, which
 * the error then says).
 */

struct _SnMaintenanceEnvPage
{
  GtkWidget         parent_instance;

  SnProfile        *profile;
  SnConnection     *connection;
  GBinding         *root_binding;
  GCancellable     *cancellable;
  SnEnvAudit       *audit;
  gboolean          busy;

  /* Template children */
  GtkSpinner       *spinner;
  GtkLabel         *summary_label;
  GtkLabel         *error_label;
  GtkSortListModel *variables_sort;
  GtkSortListModel *ports_sort;
  GtkSortListModel *paths_sort;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceEnvPage, sn_maintenance_env_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_CONNECTION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (SnMaintenanceEnvPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "env.check",
                                 self->profile != NULL && self->connection != NULL && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "env.cancel", self->busy);
}

static void
set_busy (SnMaintenanceEnvPage *self,
          gboolean              busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (SnMaintenanceEnvPage *self,
            const char           *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static guint
count_state (GListModel *items,
             SnEnvState  state)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(SnEnvItem) item = g_list_model_get_item (items, i);

      n += sn_env_item_get_state (item) == state;
    }
  return n;
}

static void
show_audit (SnMaintenanceEnvPage *self)
{
  GListModel *variables = self->audit != NULL ? sn_env_audit_get_variables (self->audit) : NULL;
  g_autofree char *summary = NULL;

  gtk_sort_list_model_set_model (self->variables_sort, variables);
  gtk_sort_list_model_set_model (self->ports_sort, self->audit != NULL ? sn_env_audit_get_ports (self->audit) : NULL);
  gtk_sort_list_model_set_model (self->paths_sort, self->audit != NULL ? sn_env_audit_get_paths (self->audit) : NULL);
  if (variables == NULL)
    {
      gtk_label_set_label (self->summary_label, _("Not checked yet"));
      return;
    }

  summary = g_strdup_printf (_("%u critical variables missing, %u set but not passed by compose%s"),
                             count_state (variables, SN_ENV_STATE_MISSING),
                             count_state (variables, SN_ENV_STATE_NOT_PASSED),
                             sn_env_audit_get_container_reachable (self->audit)
                             ? "" : _("; the app container does not answer"));
  gtk_label_set_label (self->summary_label, summary);
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SnMaintenanceEnvPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnEnvAudit) audit = sn_maintenance_env_check_finish (SN_HOST (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (audit == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_set_object (&self->audit, audit);
  show_audit (self);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnMaintenanceEnvPage) self = user_data;
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
  sn_maintenance_env_check_async (sn_connection_get_host (connection), self->profile, self->cancellable,
                                  check_cb, g_object_ref (self));
}

void
sn_maintenance_env_page_check (SnMaintenanceEnvPage *self)
{
  g_return_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self));

  if (self->profile == NULL || self->connection == NULL || self->busy)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  gtk_label_set_label (self->summary_label, _("Checking the env file, the running app, the ports and the paths…"));
  sn_connection_connect_async (self->connection, self->cancellable, connect_cb, g_object_ref (self));
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  sn_maintenance_env_page_check (SN_MAINTENANCE_ENV_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  show_audit (self);
}

void
sn_maintenance_env_page_set_profile (SnMaintenanceEnvPage *self,
                                     SnProfile            *profile)
{
  g_return_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self));
  g_return_if_fail (profile == NULL || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->audit);
  set_busy (self, FALSE);
  show_error (self, NULL);
  show_audit (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

void
sn_maintenance_env_page_set_connection (SnMaintenanceEnvPage *self,
                                        SnConnection         *connection)
{
  g_return_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self));
  g_return_if_fail (connection == NULL || SN_IS_CONNECTION (connection));

  if (!g_set_object (&self->connection, connection))
    return;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/* In a window with a "connection" (SnWindow), follow it. */
static void
sn_maintenance_env_page_root (GtkWidget *widget)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sn_maintenance_env_page_parent_class)->root (widget);
  root = gtk_widget_get_root (widget);
  if (self->root_binding == NULL && root != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (root), "connection") != NULL)
    self->root_binding = g_object_bind_property (root, "connection", self, "connection", G_BINDING_SYNC_CREATE);
}

static void
sn_maintenance_env_page_unroot (GtkWidget *widget)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (widget);

  if (self->root_binding != NULL)
    {
      g_binding_unbind (self->root_binding);
      self->root_binding = NULL;
    }
  GTK_WIDGET_CLASS (sn_maintenance_env_page_parent_class)->unroot (widget);
}

static void
sn_maintenance_env_page_dispose (GObject *object)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_ENV_PAGE);
  /* The scrolled window at the template's root is not a bound child. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->audit);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sn_maintenance_env_page_parent_class)->dispose (object);
}

static void
sn_maintenance_env_page_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (object);

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
sn_maintenance_env_page_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_maintenance_env_page_set_profile (self, g_value_get_object (value));
      break;
    case PROP_CONNECTION:
      sn_maintenance_env_page_set_connection (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_env_page_class_init (SnMaintenanceEnvPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_maintenance_env_page_dispose;
  object_class->get_property = sn_maintenance_env_page_get_property;
  object_class->set_property = sn_maintenance_env_page_set_property;
  widget_class->root = sn_maintenance_env_page_root;
  widget_class->unroot = sn_maintenance_env_page_unroot;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The list items' type, for the factories' bindings in the .ui. */
  g_type_ensure (SN_TYPE_ENV_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-env-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, variables_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, ports_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, paths_sort);

  gtk_widget_class_install_action (widget_class, "env.check", NULL, check_action);
  /* What the Maintenance view's refresh (F5, Ctrl+R) activates on the page shown. */
  gtk_widget_class_install_action (widget_class, "page.refresh", NULL, check_action);
  gtk_widget_class_install_action (widget_class, "env.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "env.check", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "env.cancel", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_maintenance_env_page_init (SnMaintenanceEnvPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Environment audit"), -1);
  update_actions (self);
}

GtkWidget *
sn_maintenance_env_page_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_ENV_PAGE, NULL);
}

SnProfile *
sn_maintenance_env_page_get_profile (SnMaintenanceEnvPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self), NULL);
  return self->profile;
}

SnConnection *
sn_maintenance_env_page_get_connection (SnMaintenanceEnvPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self), NULL);
  return self->connection;
}

gboolean
sn_maintenance_env_page_get_busy (SnMaintenanceEnvPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self), FALSE);
  return self->busy;
}

SnEnvAudit *
sn_maintenance_env_page_get_audit (SnMaintenanceEnvPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self), NULL);
  return self->audit;
}
