/* sn-area-view.c: an area's view or page, on the window's profile and connection
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-area-view"

#include "config.h"

#include "sn-area-view.h"

/*
 * What the Maintenance, Scaling and Deployments views (and the pages in
 * them, through SnAreaPage) each wrote by hand: "profile" and "connection"
 * properties, following the window's connection while rooted in it, the
 * pages' profile and connection following the view's
 * (sn_area_view_bind_page()), and "view.refresh" (the window's refresh)
 * activating "page.refresh" on the page shown.
 */

typedef struct
{
  SnProfile    *profile;
  SnConnection *connection;
  GBinding     *root_binding;
} SnAreaViewPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SnAreaView, sn_area_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_CONNECTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
changed (SnAreaView *self)
{
  SnAreaViewClass *klass = SN_AREA_VIEW_GET_CLASS (self);

  if (klass->changed != NULL)
    klass->changed (self);
}

SnProfile *
sn_area_view_get_profile (SnAreaView *self)
{
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);

  g_return_val_if_fail (SN_IS_AREA_VIEW (self), NULL);
  return priv->profile;
}

void
sn_area_view_set_profile (SnAreaView *self,
                          SnProfile  *profile)
{
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);

  g_return_if_fail (SN_IS_AREA_VIEW (self));
  g_return_if_fail (profile == NULL || SN_IS_PROFILE (profile));

  if (!g_set_object (&priv->profile, profile))
    return;
  changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnConnection *
sn_area_view_get_connection (SnAreaView *self)
{
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);

  g_return_val_if_fail (SN_IS_AREA_VIEW (self), NULL);
  return priv->connection;
}

void
sn_area_view_set_connection (SnAreaView   *self,
                             SnConnection *connection)
{
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);

  g_return_if_fail (SN_IS_AREA_VIEW (self));
  g_return_if_fail (connection == NULL || SN_IS_CONNECTION (connection));

  if (!g_set_object (&priv->connection, connection))
    return;
  changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION]);
}

/**
 * sn_area_view_bind_page:
 * @page: a widget with writable "profile" and "connection" properties
 *
 * Makes @page's profile and connection follow the view's.
 */
void
sn_area_view_bind_page (SnAreaView *self,
                        GtkWidget  *page)
{
  g_return_if_fail (SN_IS_AREA_VIEW (self));
  g_return_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "profile") != NULL);
  g_return_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (page), "connection") != NULL);

  g_object_bind_property (self, "profile", page, "profile", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self, "connection", page, "connection", G_BINDING_SYNC_CREATE);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnAreaViewClass *klass = SN_AREA_VIEW_GET_CLASS (widget);
  GtkWidget *page = klass->get_visible_page != NULL ? klass->get_visible_page (SN_AREA_VIEW (widget)) : widget;

  if (page != NULL)
    gtk_widget_activate_action (page, "page.refresh", NULL);
}

static void
sn_area_view_root (GtkWidget *widget)
{
  SnAreaView *self = SN_AREA_VIEW (widget);
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);
  GtkRoot *root;

  GTK_WIDGET_CLASS (sn_area_view_parent_class)->root (widget);
  root = gtk_widget_get_root (widget);
  if (SN_AREA_VIEW_GET_CLASS (self)->follow_root_connection && priv->root_binding == NULL && root != NULL &&
      g_object_class_find_property (G_OBJECT_GET_CLASS (root), "connection") != NULL)
    priv->root_binding = g_object_bind_property (root, "connection", self, "connection", G_BINDING_SYNC_CREATE);
}

static void
sn_area_view_unroot (GtkWidget *widget)
{
  SnAreaView *self = SN_AREA_VIEW (widget);
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);

  if (priv->root_binding != NULL)
    {
      g_binding_unbind (priv->root_binding);
      priv->root_binding = NULL;
    }
  GTK_WIDGET_CLASS (sn_area_view_parent_class)->unroot (widget);
}

/* The subclass has disposed of its template by now. */
static void
sn_area_view_dispose (GObject *object)
{
  SnAreaView *self = SN_AREA_VIEW (object);
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);
  GtkWidget *child;

  /* A template's root that is not a bound child. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&priv->connection);
  g_clear_object (&priv->profile);
  G_OBJECT_CLASS (sn_area_view_parent_class)->dispose (object);
}

static void
sn_area_view_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnAreaView *self = SN_AREA_VIEW (object);
  SnAreaViewPrivate *priv = sn_area_view_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_PROFILE: g_value_set_object (value, priv->profile); break;
    case PROP_CONNECTION: g_value_set_object (value, priv->connection); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_area_view_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SnAreaView *self = SN_AREA_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE: sn_area_view_set_profile (self, g_value_get_object (value)); break;
    case PROP_CONNECTION: sn_area_view_set_connection (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_area_view_class_init (SnAreaViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_area_view_dispose;
  object_class->get_property = sn_area_view_get_property;
  object_class->set_property = sn_area_view_set_property;
  widget_class->root = sn_area_view_root;
  widget_class->unroot = sn_area_view_unroot;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTION] =
    g_param_spec_object ("connection", NULL, NULL, SN_TYPE_CONNECTION,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* What the window's refresh activates on the view shown. */
  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_area_view_init (SnAreaView *self)
{
}
