/* sn-maintenance-deps-page.c: the Maintenance view's dependencies page (npm audit)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-maintenance-deps-page.h"
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"

/*
 * Runbook §6.1's `npm audit`, run in the app container (read-only, every
 * level): one row per vulnerable package, most severe first, sortable by
 * every column, and npm's totals. Fix… (operator and up, hidden below)
 * opens the npm-audit-fix runbook in the wizard; the runbook and the service
 * refuse it in core to a read-only profile anyway.
 */

struct _SnMaintenanceDepsPage
{
  GtkWidget          parent_instance;

  SnProfile         *profile;
  SnConnection      *connection;
  GCancellable      *cancellable;
  SnDependencyAudit *audit;
  gboolean           busy;

  /* Template children */
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkLabel          *summary_label;
  GtkLabel          *empty_label;
  GtkSortListModel  *vulns_sort;
  GtkWidget         *fix_button;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceDepsPage, sn_maintenance_deps_page, GTK_TYPE_WIDGET)

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
may_change (SnMaintenanceDepsPage *self)
{
  return self->profile != NULL && sn_profile_get_safety_level (self->profile) >= SN_SAFETY_LEVEL_OPERATOR;
}

static void
update_actions (SnMaintenanceDepsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.refresh", self->profile != NULL && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deps.cancel", self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deps.fix", may_change (self) && !self->busy);
  gtk_widget_set_visible (self->fix_button, may_change (self));
}

static void
set_busy (SnMaintenanceDepsPage *self,
          gboolean               busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_error (SnMaintenanceDepsPage *self,
            const GError          *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  set_busy (self, FALSE);
}

static void
audit_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SnMaintenanceDepsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDependencyAudit) audit = sn_maintenance_audit_finish (SN_HOST (object), result, &error);
  g_autofree char *summary = NULL;
  GListModel *vulns;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (audit == NULL)
    {
      show_error (self, error);
      return;
    }
  g_set_object (&self->audit, audit);
  vulns = sn_dependency_audit_get_vulnerabilities (audit);
  summary = sn_dependency_audit_dup_summary (audit);
  gtk_label_set_label (self->summary_label, summary);
  if (sn_dependency_audit_is_serious (audit))
    gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), g_list_model_get_n_items (vulns) == 0);
  gtk_sort_list_model_set_model (self->vulns_sort, vulns);
  gtk_stack_set_visible_child_name (self->stack, "content");
  set_busy (self, FALSE);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnMaintenanceDepsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SnConnection *connection = SN_CONNECTION (object);

  if (!sn_connection_connect_finish (connection, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  if (connection != self->connection)
    return;
  sn_maintenance_audit_async (sn_connection_get_host (connection), self->cancellable, audit_cb,
                              g_object_ref (self));
}

/**
 * sn_maintenance_deps_page_refresh:
 *
 * Runs npm audit again in the app container.
 */
void
sn_maintenance_deps_page_refresh (SnMaintenanceDepsPage *self)
{
  g_return_if_fail (SN_IS_MAINTENANCE_DEPS_PAGE (self));

  if (self->profile == NULL || self->connection == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (self->busy)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sn_connection_connect_async (self->connection, self->cancellable, connect_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  sn_maintenance_deps_page_refresh (SN_MAINTENANCE_DEPS_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, self->audit != NULL ? "content" : "empty");
}

static void
wizard_finished_cb (SnMaintenanceDepsPage *self)
{
  sn_maintenance_deps_page_refresh (self);
}

static void
fix_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (widget);
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  SnRunbookWizard *wizard;
  SnRunbook *runbook;

  if (!may_change (self))
    return;
  if (!sn_runbook_catalog_load (catalog, &error) ||
      (runbook = sn_runbook_catalog_lookup (catalog, "npm-audit-fix")) == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The runbook is missing from this build."));
      show_error (self, error);
      return;
    }
  wizard = sn_runbook_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, runbook, self->profile);
  g_signal_connect_object (wizard, "finished", G_CALLBACK (wizard_finished_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
reset (SnMaintenanceDepsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->audit);
  gtk_sort_list_model_set_model (self->vulns_sort, NULL);
  set_busy (self, FALSE);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
set_profile (SnMaintenanceDepsPage *self,
             SnProfile             *profile)
{
  if (!g_set_object (&self->profile, profile))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_maintenance_deps_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

static void
set_connection (SnMaintenanceDepsPage *self,
                SnConnection          *connection)
{
  if (!g_set_object (&self->connection, connection))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_maintenance_deps_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

static void
sn_maintenance_deps_page_map (GtkWidget *widget)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (widget);

  GTK_WIDGET_CLASS (sn_maintenance_deps_page_parent_class)->map (widget);
  if (self->audit == NULL && !self->busy)
    sn_maintenance_deps_page_refresh (self);
}

static void
sn_maintenance_deps_page_dispose (GObject *object)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_DEPS_PAGE);
  g_clear_object (&self->audit);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sn_maintenance_deps_page_parent_class)->dispose (object);
}

static void
sn_maintenance_deps_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, self->profile); break;
    case PROP_CONNECTION: g_value_set_object (value, self->connection); break;
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_deps_page_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE: set_profile (self, g_value_get_object (value)); break;
    case PROP_CONNECTION: set_connection (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_deps_page_class_init (SnMaintenanceDepsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_maintenance_deps_page_dispose;
  object_class->get_property = sn_maintenance_deps_page_get_property;
  object_class->set_property = sn_maintenance_deps_page_set_property;
  widget_class->map = sn_maintenance_deps_page_map;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SN_TYPE_VULNERABILITY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-deps-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, vulns_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, fix_button);

  gtk_widget_class_install_action (widget_class, "page.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "deps.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "deps.fix", NULL, fix_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "deps.fix", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "page.refresh", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "deps.cancel", NULL);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_maintenance_deps_page_init (SnMaintenanceDepsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dependencies"), -1);
  update_actions (self);
}

GtkWidget *
sn_maintenance_deps_page_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_DEPS_PAGE, NULL);
}

gboolean
sn_maintenance_deps_page_get_busy (SnMaintenanceDepsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_DEPS_PAGE (self), FALSE);
  return self->busy;
}

SnDependencyAudit *
sn_maintenance_deps_page_get_audit (SnMaintenanceDepsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_DEPS_PAGE (self), NULL);
  return self->audit;
}
