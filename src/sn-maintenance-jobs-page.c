/* sn-maintenance-jobs-page.c: the Maintenance view's scheduled jobs page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-maintenance-jobs-page.h"

/*
 * target-system.md §10.2: the backups, the monthly restore test and the
 * secret rotation as the host schedules them (root's crontab, systemd
 * timers), with the last result systemd keeps. Read-only, every level.
 */

struct _SnMaintenanceJobsPage
{
  SnAreaPage         parent_instance;

  GListModel        *jobs;

  /* Template children */
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkLabel          *empty_label;
  GtkSortListModel  *jobs_sort;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceJobsPage, sn_maintenance_jobs_page, SN_TYPE_AREA_PAGE)

static void
jobs_page_load (SnAreaPage          *page,
                SnConnection        *connection,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  sn_maintenance_jobs_async (sn_connection_get_host (connection), cancellable, callback, user_data);
}

static gboolean
jobs_page_load_finish (SnAreaPage    *page,
                       GObject       *source,
                       GAsyncResult  *result,
                       GError       **error)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (page);
  g_autoptr(GListModel) jobs = sn_maintenance_jobs_finish (SN_HOST (source), result, error);

  if (jobs == NULL)
    return FALSE;
  g_set_object (&self->jobs, jobs);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), g_list_model_get_n_items (jobs) == 0);
  gtk_sort_list_model_set_model (self->jobs_sort, jobs);
  return TRUE;
}

static void
jobs_page_reset (SnAreaPage *page)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (page);

  g_clear_object (&self->jobs);
  gtk_sort_list_model_set_model (self->jobs_sort, NULL);
}

static gboolean
jobs_page_has_content (SnAreaPage *page)
{
  return SN_MAINTENANCE_JOBS_PAGE (page)->jobs != NULL;
}

static void
sn_maintenance_jobs_page_dispose (GObject *object)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_JOBS_PAGE);
  g_clear_object (&self->jobs);
  G_OBJECT_CLASS (sn_maintenance_jobs_page_parent_class)->dispose (object);
}

static void
sn_maintenance_jobs_page_class_init (SnMaintenanceJobsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_maintenance_jobs_page_dispose;
  page_class->load = jobs_page_load;
  page_class->load_finish = jobs_page_load_finish;
  page_class->reset = jobs_page_reset;
  page_class->has_content = jobs_page_has_content;

  g_type_ensure (SN_TYPE_SCHEDULED_JOB);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-jobs-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, jobs_sort);
}

static void
sn_maintenance_jobs_page_init (SnMaintenanceJobsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), self->stack, self->spinner, self->error_page);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scheduled jobs"), -1);
}

GtkWidget *
sn_maintenance_jobs_page_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_JOBS_PAGE, NULL);
}

gboolean
sn_maintenance_jobs_page_get_busy (SnMaintenanceJobsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_JOBS_PAGE (self), FALSE);
  return sn_area_page_get_busy (SN_AREA_PAGE (self));
}

GListModel *
sn_maintenance_jobs_page_get_jobs (SnMaintenanceJobsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_JOBS_PAGE (self), NULL);
  return self->jobs;
}
