/* sn-maintenance-view.c: the "Maintenance" view
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-maintenance-deps-page.h"
#include "sn-maintenance-disk-page.h"
#include "sn-maintenance-env-page.h"
#include "sn-maintenance-jobs-page.h"
#include "sn-maintenance-secrets-page.h"
#include "sn-maintenance-view.h"

/*
 * Runbook §6 on the profile's server, one page per task in an AdwViewStack:
 * the disk (what a cleanup frees, the volumes apart), the app's dependencies
 * (npm audit); other areas add theirs with sn_maintenance_view_add_page().
 * The view (SnAreaView) only holds the profile and the window's connection
 * and hands them to its pages; each page (SnAreaPage) reads, shows progress
 * and Cancel, and opens the runbooks.
 */

struct _SnMaintenanceView
{
  SnAreaView      parent_instance;

  /* Template children */
  GtkWidget      *box;
  AdwViewStack   *pages;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceView, sn_maintenance_view, SN_TYPE_AREA_VIEW)

/**
 * sn_maintenance_view_add_page:
 * @page: a widget with writable "profile" (SnProfile) and "connection"
 *   (SnConnection) properties and a "page.refresh" action
 * @name: its name in the stack ("disk", "secrets", "environment")
 * @title: its translated title in the switcher
 * @icon_name: its icon
 *
 * Adds a page to the view, after the ones already there: its profile and
 * connection follow the view's, and the view's "view.refresh" (the window's
 * refresh shortcut) refreshes it while it is shown. This is where other
 * maintenance areas (secret rotation, environment audit) join.
 */
void
sn_maintenance_view_add_page (SnMaintenanceView *self,
                              GtkWidget         *page,
                              const char        *name,
                              const char        *title,
                              const char        *icon_name)
{
  AdwViewStackPage *stack_page;

  g_return_if_fail (SN_IS_MAINTENANCE_VIEW (self));
  g_return_if_fail (GTK_IS_WIDGET (page));

  stack_page = adw_view_stack_add_titled (self->pages, page, name, title);
  adw_view_stack_page_set_icon_name (stack_page, icon_name);
  sn_area_view_bind_page (SN_AREA_VIEW (self), page);
}

GtkWidget *
sn_maintenance_view_get_page (SnMaintenanceView *self,
                              const char        *name)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_VIEW (self), NULL);
  return adw_view_stack_get_child_by_name (self->pages, name);
}

void
sn_maintenance_view_show_page (SnMaintenanceView *self,
                               const char        *name)
{
  g_return_if_fail (SN_IS_MAINTENANCE_VIEW (self));
  adw_view_stack_set_visible_child_name (self->pages, name);
}

static GtkWidget *
sn_maintenance_view_get_visible_page (SnAreaView *view)
{
  return adw_view_stack_get_visible_child (SN_MAINTENANCE_VIEW (view)->pages);
}

SnProfile *
sn_maintenance_view_get_profile (SnMaintenanceView *self)
{
  return sn_area_view_get_profile (SN_AREA_VIEW (self));
}

void
sn_maintenance_view_set_profile (SnMaintenanceView *self,
                                 SnProfile         *profile)
{
  sn_area_view_set_profile (SN_AREA_VIEW (self), profile);
}

SnConnection *
sn_maintenance_view_get_connection (SnMaintenanceView *self)
{
  return sn_area_view_get_connection (SN_AREA_VIEW (self));
}

void
sn_maintenance_view_set_connection (SnMaintenanceView *self,
                                    SnConnection      *connection)
{
  sn_area_view_set_connection (SN_AREA_VIEW (self), connection);
}

static void
sn_maintenance_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SN_TYPE_MAINTENANCE_VIEW);
  G_OBJECT_CLASS (sn_maintenance_view_parent_class)->dispose (object);
}

static void
sn_maintenance_view_class_init (SnMaintenanceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaViewClass *view_class = SN_AREA_VIEW_CLASS (klass);

  object_class->dispose = sn_maintenance_view_dispose;
  view_class->get_visible_page = sn_maintenance_view_get_visible_page;
  /* The window owns the connection: follow its "connection" property. */
  view_class->follow_root_connection = TRUE;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceView, box);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceView, pages);
}

static void
sn_maintenance_view_init (SnMaintenanceView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Maintenance"), -1);

  sn_maintenance_view_add_page (self, sn_maintenance_disk_page_new (), "disk", _("Disk"),
                                "drive-harddisk-symbolic");
  sn_maintenance_view_add_page (self, sn_maintenance_deps_page_new (), "dependencies", _("Dependencies"),
                                "security-medium-symbolic");
  sn_maintenance_view_add_page (self, sn_maintenance_secrets_page_new (), "secrets", _("Login Secret"),
                                "dialog-password-symbolic");
  sn_maintenance_view_add_page (self, sn_maintenance_env_page_new (), "environment", _("Environment"),
                                "emblem-ok-symbolic");
  sn_maintenance_view_add_page (self, sn_maintenance_jobs_page_new (), "jobs", _("Scheduled Jobs"),
                                "alarm-symbolic");
}

GtkWidget *
sn_maintenance_view_new (void)
{
  return g_object_new (SN_TYPE_MAINTENANCE_VIEW, NULL);
}
