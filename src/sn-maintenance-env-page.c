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
  SnAreaPage        parent_instance;

  SnEnvAudit       *audit;

  /* Template children */
  GtkSpinner       *spinner;
  GtkLabel         *summary_label;
  GtkLabel         *error_label;
  GtkSortListModel *variables_sort;
  GtkSortListModel *ports_sort;
  GtkSortListModel *paths_sort;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceEnvPage, sn_maintenance_env_page, SN_TYPE_AREA_PAGE)

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
env_page_show_error (SnAreaPage   *page,
                     const GError *error)
{
  show_error (SN_MAINTENANCE_ENV_PAGE (page), error->message);
}

static void
env_page_load (SnAreaPage          *page,
               SnConnection        *connection,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (page);

  gtk_label_set_label (self->summary_label, _("Checking the env file, the running app, the ports and the paths…"));
  sn_maintenance_env_check_async (sn_connection_get_host (connection), sn_area_page_get_profile (page),
                                  cancellable, callback, user_data);
}

static gboolean
env_page_load_finish (SnAreaPage    *page,
                      GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (page);
  g_autoptr(SnEnvAudit) audit = sn_maintenance_env_check_finish (SN_HOST (source), result, error);

  if (audit == NULL)
    return FALSE;
  show_error (self, NULL);
  g_set_object (&self->audit, audit);
  show_audit (self);
  return TRUE;
}

static void
env_page_reset (SnAreaPage *page)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (page);

  g_clear_object (&self->audit);
  show_error (self, NULL);
  show_audit (self);
}

static gboolean
env_page_has_content (SnAreaPage *page)
{
  return SN_MAINTENANCE_ENV_PAGE (page)->audit != NULL;
}

static void
env_page_cancelled (SnAreaPage *page)
{
  show_audit (SN_MAINTENANCE_ENV_PAGE (page));
}

static void
sn_maintenance_env_page_dispose (GObject *object)
{
  SnMaintenanceEnvPage *self = SN_MAINTENANCE_ENV_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_ENV_PAGE);
  g_clear_object (&self->audit);
  G_OBJECT_CLASS (sn_maintenance_env_page_parent_class)->dispose (object);
}

static void
sn_maintenance_env_page_class_init (SnMaintenanceEnvPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_maintenance_env_page_dispose;
  page_class->load = env_page_load;
  page_class->load_finish = env_page_load_finish;
  page_class->reset = env_page_reset;
  page_class->has_content = env_page_has_content;
  page_class->show_error = env_page_show_error;
  page_class->cancelled = env_page_cancelled;
  /* The check runs when asked (Check), not on showing the page. */
  page_class->refresh_on_map = FALSE;
  SN_AREA_VIEW_CLASS (klass)->follow_root_connection = TRUE;

  /* The list items' type, for the factories' bindings in the .ui. */
  g_type_ensure (SN_TYPE_ENV_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-env-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, variables_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, ports_sort);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceEnvPage, paths_sort);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "page.refresh", NULL);
}

static void
sn_maintenance_env_page_init (SnMaintenanceEnvPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), NULL, self->spinner, NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Environment audit"), -1);
}

GtkWidget *
sn_maintenance_env_page_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_ENV_PAGE, NULL);
}

SnProfile *
sn_maintenance_env_page_get_profile (SnMaintenanceEnvPage *self)
{
  return sn_area_page_get_profile (SN_AREA_PAGE (self));
}

void
sn_maintenance_env_page_set_profile (SnMaintenanceEnvPage *self,
                                     SnProfile            *profile)
{
  sn_area_page_set_profile (SN_AREA_PAGE (self), profile);
}

SnConnection *
sn_maintenance_env_page_get_connection (SnMaintenanceEnvPage *self)
{
  return sn_area_page_get_connection (SN_AREA_PAGE (self));
}

void
sn_maintenance_env_page_set_connection (SnMaintenanceEnvPage *self,
                                        SnConnection         *connection)
{
  sn_area_page_set_connection (SN_AREA_PAGE (self), connection);
}

gboolean
sn_maintenance_env_page_get_busy (SnMaintenanceEnvPage *self)
{
  return sn_area_page_get_busy (SN_AREA_PAGE (self));
}

SnEnvAudit *
sn_maintenance_env_page_get_audit (SnMaintenanceEnvPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_ENV_PAGE (self), NULL);
  return self->audit;
}
