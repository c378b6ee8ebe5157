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
 * The view only holds the profile and the window's connection and hands
 * them to its pages; each page reads, shows progress and Cancel, and opens
 * the runbooks.
 */

struct _SnMaintenanceView
{
  GtkWidget       parent_instance;

  SnProfile      *profile;
  SnConnection   *connection;
  GBinding       *root_binding;

  /* Template children */
  GtkWidget      *box;
  AdwViewStack   *pages;
};

G_DEFINE_FINAL_TYPE (SnMaintenanceView, sn_maintenance_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
  g_return_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "profile") != NULL);
  g_return_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "connection") != NULL);

  stack_page = adw_view_stack_add_titled (self->pages, page, name, title);
  adw_view_stack_page_set_icon_name (stack_page, icon_name);
  g_object_bind_property (self, "profile", page, "profile", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "connection", page, "connection", G_BINDING_SYNC_CREATE);
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

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnMaintenanceView *self = SN_MAINTENANCE_VIEW (widget);
  GtkWidget *page = adw_view_stack_get_visible_child (self->pages);

  if (page != NULL)
    gtk_widget_activate_action (page, "page.refresh", NULL);
}

SnProfile *
sn_maintenance_view_get_profile (SnMaintenanceView *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_VIEW (self), NULL);
  return self->profile;
}

void
sn_maintenance_view_set_profile (SnMaintenanceView *self,
                                 SnProfile         *profile)
{
  g_return_if_fail (SN_IS_MAINTENANCE_VIEW (self));
  if (g_set_object (&self->profile, profile))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnConnection *
sn_maintenance_view_get_connection (SnMaintenanceView *self)
{
  g_return_val_if_fail (SN_IS_MAINTENANCE_VIEW (self), NULL);
  return self->connection;
}

void
sn_maintenance_view_set_connection (SnMaintenanceView *self,
                                    SnConnection      *connection)
{
  g_return_if_fail (SN_IS_MAINTENANCE_VIEW (self));
  if (g_set_object (&self->connection, connection))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/* The window owns the connection: follow its "connection" property. */
static void
sn_maintenance_view_root (GtkWidget *widget)
{
  SnMaintenanceView *self = SN_MAINTENANCE_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sn_maintenance_view_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (self->root_binding == NULL && root != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (root), "connection") != NULL)
    self->root_binding = g_object_bind_property (root, "connection", self, "connection", G_BINDING_SYNC_CREATE);
}

static void
sn_maintenance_view_unroot (GtkWidget *widget)
{
  SnMaintenanceView *self = SN_MAINTENANCE_VIEW (widget);

  if (self->root_binding != NULL)
    {
      g_binding_unbind (self->root_binding);
      self->root_binding = NULL;
    }
  GTK_WIDGET_CLASS (sn_maintenance_view_parent_class)->unroot (widget);
}

static void
sn_maintenance_view_dispose (GObject *object)
{
  SnMaintenanceView *self = SN_MAINTENANCE_VIEW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_MAINTENANCE_VIEW);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  G_OBJECT_CLASS (sn_maintenance_view_parent_class)->dispose (object);
}

static void
sn_maintenance_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SnMaintenanceView *self = SN_MAINTENANCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, self->profile); break;
    case PROP_CONNECTION: g_value_set_object (value, self->connection); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SnMaintenanceView *self = SN_MAINTENANCE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE: sn_maintenance_view_set_profile (self, g_value_get_object (value)); break;
    case PROP_CONNECTION: sn_maintenance_view_set_connection (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_maintenance_view_class_init (SnMaintenanceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_maintenance_view_dispose;
  object_class->get_property = sn_maintenance_view_get_property;
  object_class->set_property = sn_maintenance_view_set_property;
  widget_class->root = sn_maintenance_view_root;
  widget_class->unroot = sn_maintenance_view_unroot;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-maintenance-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceView, box);
  gtk_widget_class_bind_template_child (widget_class, SnMaintenanceView, pages);

  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
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
