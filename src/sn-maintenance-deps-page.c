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

/*
 * Runbook §6.1's `npm audit`, run in the app container (read-only, every
 * level): one row per vulnerable package, most severe first, sortable by
 * every column, and npm's totals. Fix… (operator and up, hidden below)
 * opens the npm-audit-fix runbook in the wizard; the runbook and the service
 * refuse it in core to a read-only profile anyway.
 */

struct _SnMaintenanceDepsPage
{
  SnAreaPage         parent_instance;

  SnDependencyAudit *audit;

  /* Template children */
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkLabel          *summary_label;
  GtkLabel          *empty_label;
  GtkSortListModel  *vulns_sort;
  GtkWidget         *fix_button;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceDepsPage, sn_maintenance_deps_page, SN_TYPE_AREA_PAGE)

static void
deps_page_update_actions (SnAreaPage *page)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (page);
  gboolean may_change = sn_area_page_may_change (page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deps.fix", may_change && !sn_area_page_get_busy (page));
  if (self->fix_button != NULL)
    gtk_widget_set_visible (self->fix_button, may_change);
}

static void
deps_page_load (SnAreaPage          *page,
                SnConnection        *connection,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  sn_maintenance_audit_async (sn_connection_get_host (connection), cancellable, callback, user_data);
}

static gboolean
deps_page_load_finish (SnAreaPage    *page,
                       GObject       *source,
                       GAsyncResult  *result,
                       GError       **error)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (page);
  g_autoptr(SnDependencyAudit) audit = sn_maintenance_audit_finish (SN_HOST (source), result, error);
  g_autofree char *summary = NULL;
  GListModel *vulns;

  if (audit == NULL)
    return FALSE;
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
  return TRUE;
}

static void
deps_page_reset (SnAreaPage *page)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (page);

  g_clear_object (&self->audit);
  gtk_sort_list_model_set_model (self->vulns_sort, NULL);
}

static gboolean
deps_page_has_content (SnAreaPage *page)
{
  return SN_MAINTENANCE_DEPS_PAGE (page)->audit != NULL;
}

static void
fix_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SnRunbookWizard *wizard;

  if (sn_area_page_may_change (SN_AREA_PAGE (widget)) &&
      (wizard = sn_area_page_open_runbook (SN_AREA_PAGE (widget), "npm-audit-fix")) != NULL)
    gtk_window_present (GTK_WINDOW (wizard));
}

static void
sn_maintenance_deps_page_dispose (GObject *object)
{
  SnMaintenanceDepsPage *self = SN_MAINTENANCE_DEPS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_DEPS_PAGE);
  g_clear_object (&self->audit);
  G_OBJECT_CLASS (sn_maintenance_deps_page_parent_class)->dispose (object);
}

static void
sn_maintenance_deps_page_class_init (SnMaintenanceDepsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_maintenance_deps_page_dispose;
  page_class->load = deps_page_load;
  page_class->load_finish = deps_page_load_finish;
  page_class->reset = deps_page_reset;
  page_class->has_content = deps_page_has_content;
  page_class->update_actions = deps_page_update_actions;

  g_type_ensure (SN_TYPE_VULNERABILITY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-deps-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, vulns_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceDepsPage, fix_button);

  gtk_widget_class_install_action (widget_class, "deps.fix", NULL, fix_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "deps.fix", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "page.refresh", NULL);
}

static void
sn_maintenance_deps_page_init (SnMaintenanceDepsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), self->stack, self->spinner, self->error_page);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Dependencies"), -1);
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
  return sn_area_page_get_busy (SN_AREA_PAGE (self));
}

SnDependencyAudit *
sn_maintenance_deps_page_get_audit (SnMaintenanceDepsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_DEPS_PAGE (self), NULL);
  return self->audit;
}
