/* sn-scaling-view.c: the "Scaling" view
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-scaling-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-scaling-view.h"

/*
 * Runbook §5: "Now" (containers and thresholds, every profile) and
 * "Resources" (the compose editor, operator profiles only: a read-only
 * profile does not see the page; the runbook refuses it in core anyway).
 * The view follows the window's profile and connection and hands them to
 * its pages.
 */

struct _SnScalingView
{
  GtkWidget               parent_instance;

  SnProfile              *profile;
  SnConnection           *connection;
  GBinding               *root_binding;

  GtkStack               *pages;
  GtkStackPage           *resources_stack_page;
  SnScalingNowPage       *now_page;
  SnScalingResourcesPage *resources_page;
};

G_DEFINE_FINAL_TYPE (SnScalingView, sn_scaling_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
may_change (SnScalingView *self)
{
  return self->profile != NULL && sn_profile_get_safety_level (self->profile) >= SN_SAFETY_LEVEL_OPERATOR;
}

void
sn_scaling_view_set_profile (SnScalingView *self,
                             SnProfile     *profile)
{
  g_return_if_fail (SN_IS_SCALING_VIEW (self));

  if (!g_set_object (&self->profile, profile))
    return;
  sn_scaling_now_page_set_profile (self->now_page, profile);
  sn_scaling_resources_page_set_profile (self->resources_page, profile);
  gtk_stack_page_set_visible (self->resources_stack_page, may_change (self));
  if (!may_change (self))
    gtk_stack_set_visible_child_name (self->pages, "now");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

void
sn_scaling_view_set_connection (SnScalingView *self,
                                SnConnection  *connection)
{
  g_return_if_fail (SN_IS_SCALING_VIEW (self));

  if (!g_set_object (&self->connection, connection))
    return;
  sn_scaling_now_page_set_connection (self->now_page, connection);
  sn_scaling_resources_page_set_connection (self->resources_page, connection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnScalingView *self = SN_SCALING_VIEW (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->pages), "resources") == 0)
    sn_scaling_resources_page_reload (self->resources_page);
  else
    sn_scaling_now_page_refresh (self->now_page);
}

/* The window owns the connection: follow its "connection" property. */
static void
sn_scaling_view_root (GtkWidget *widget)
{
  SnScalingView *self = SN_SCALING_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sn_scaling_view_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (self->root_binding == NULL && root != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (root), "connection") != NULL)
    self->root_binding = g_object_bind_property (root, "connection", self, "connection",
                                                 G_BINDING_SYNC_CREATE);
}

static void
sn_scaling_view_unroot (GtkWidget *widget)
{
  SnScalingView *self = SN_SCALING_VIEW (widget);

  if (self->root_binding != NULL)
    {
      g_binding_unbind (self->root_binding);
      self->root_binding = NULL;
    }
  GTK_WIDGET_CLASS (sn_scaling_view_parent_class)->unroot (widget);
}

static void
sn_scaling_view_dispose (GObject *object)
{
  SnScalingView *self = SN_SCALING_VIEW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_SCALING_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (sn_scaling_view_parent_class)->dispose (object);
}

static void
sn_scaling_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SnScalingView *self = SN_SCALING_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, self->profile); break;
    case PROP_CONNECTION: g_value_set_object (value, self->connection); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_scaling_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SnScalingView *self = SN_SCALING_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE: sn_scaling_view_set_profile (self, g_value_get_object (value)); break;
    case PROP_CONNECTION: sn_scaling_view_set_connection (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_scaling_view_class_init (SnScalingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_scaling_view_dispose;
  object_class->get_property = sn_scaling_view_get_property;
  object_class->set_property = sn_scaling_view_set_property;
  widget_class->root = sn_scaling_view_root;
  widget_class->unroot = sn_scaling_view_unroot;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SN_TYPE_SCALING_NOW_PAGE);
  g_type_ensure (SN_TYPE_SCALING_RESOURCES_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-scaling-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, pages);
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, resources_stack_page);
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, now_page);
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, resources_page);

  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_scaling_view_init (SnScalingView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_page_set_visible (self->resources_stack_page, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scaling"), -1);
}

GtkWidget *
sn_scaling_view_new (void)
{
  return g_object_new (SN_TYPE_SCALING_VIEW, NULL);
}

SnProfile *sn_scaling_view_get_profile (SnScalingView *self) { return self->profile; }
SnScalingNowPage *sn_scaling_view_get_now_page (SnScalingView *self) { return self->now_page; }
SnScalingResourcesPage *sn_scaling_view_get_resources_page (SnScalingView *self) { return self->resources_page; }
