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
  GtkWidget          parent_instance;

  SnProfile         *profile;
  SnConnection      *connection;
  GCancellable      *cancellable;
  GListModel        *jobs;
  gboolean           busy;

  /* Template children */
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkLabel          *empty_label;
  GtkSortListModel  *jobs_sort;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceJobsPage, sn_maintenance_jobs_page, GTK_TYPE_WIDGET)

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
update_actions (SnMaintenanceJobsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.refresh", self->profile != NULL && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "jobs.cancel", self->busy);
}

static void
set_busy (SnMaintenanceJobsPage *self,
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
show_error (SnMaintenanceJobsPage *self,
            const GError          *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  set_busy (self, FALSE);
}

static void
jobs_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SnMaintenanceJobsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) jobs = sn_maintenance_jobs_finish (SN_HOST (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (jobs == NULL)
    {
      show_error (self, error);
      return;
    }
  g_set_object (&self->jobs, jobs);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), g_list_model_get_n_items (jobs) == 0);
  gtk_sort_list_model_set_model (self->jobs_sort, jobs);
  gtk_stack_set_visible_child_name (self->stack, "content");
  set_busy (self, FALSE);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnMaintenanceJobsPage) self = user_data;
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
  sn_maintenance_jobs_async (sn_connection_get_host (connection), self->cancellable, jobs_cb,
                             g_object_ref (self));
}

/**
 * sn_maintenance_jobs_page_refresh:
 *
 * Reads the crontab and the timers again.
 */
void
sn_maintenance_jobs_page_refresh (SnMaintenanceJobsPage *self)
{
  g_return_if_fail (SN_IS_MAINTENANCE_JOBS_PAGE (self));

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
  sn_maintenance_jobs_page_refresh (SN_MAINTENANCE_JOBS_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, self->jobs != NULL ? "content" : "empty");
}

static void
reset (SnMaintenanceJobsPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->jobs);
  gtk_sort_list_model_set_model (self->jobs_sort, NULL);
  set_busy (self, FALSE);
  update_actions (self);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
set_profile (SnMaintenanceJobsPage *self,
             SnProfile             *profile)
{
  if (!g_set_object (&self->profile, profile))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_maintenance_jobs_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

static void
set_connection (SnMaintenanceJobsPage *self,
                SnConnection          *connection)
{
  if (!g_set_object (&self->connection, connection))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_maintenance_jobs_page_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

static void
sn_maintenance_jobs_page_map (GtkWidget *widget)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (widget);

  GTK_WIDGET_CLASS (sn_maintenance_jobs_page_parent_class)->map (widget);
  if (self->jobs == NULL && !self->busy)
    sn_maintenance_jobs_page_refresh (self);
}

static void
sn_maintenance_jobs_page_dispose (GObject *object)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_JOBS_PAGE);
  g_clear_object (&self->jobs);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (sn_maintenance_jobs_page_parent_class)->dispose (object);
}

static void
sn_maintenance_jobs_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, self->profile); break;
    case PROP_CONNECTION: g_value_set_object (value, self->connection); break;
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_jobs_page_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  SnMaintenanceJobsPage *self = SN_MAINTENANCE_JOBS_PAGE (object);

  switch (prop_id)
    {
    case PROP_PROFILE: set_profile (self, g_value_get_object (value)); break;
    case PROP_CONNECTION: set_connection (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_jobs_page_class_init (SnMaintenanceJobsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_maintenance_jobs_page_dispose;
  object_class->get_property = sn_maintenance_jobs_page_get_property;
  object_class->set_property = sn_maintenance_jobs_page_set_property;
  widget_class->map = sn_maintenance_jobs_page_map;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SN_TYPE_SCHEDULED_JOB);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-jobs-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceJobsPage, jobs_sort);

  gtk_widget_class_install_action (widget_class, "page.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "jobs.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "jobs.cancel", NULL);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_maintenance_jobs_page_init (SnMaintenanceJobsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scheduled jobs"), -1);
  update_actions (self);
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
  return self->busy;
}

GListModel *
sn_maintenance_jobs_page_get_jobs (SnMaintenanceJobsPage *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_JOBS_PAGE (self), NULL);
  return self->jobs;
}
