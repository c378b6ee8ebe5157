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
  SnAreaView              parent_instance;

  GtkStack               *pages;
  GtkStackPage           *resources_stack_page;
  SnScalingNowPage       *now_page;
  SnScalingResourcesPage *resources_page;
};

G_DEFINE_FINAL_TYPE (SnScalingView, sn_scaling_view, SN_TYPE_AREA_VIEW)

/* A read-only profile does not see "Resources". */
static void
sn_scaling_view_changed (SnAreaView *view)
{
  SnScalingView *self = SN_SCALING_VIEW (view);
  SnProfile *profile = sn_area_view_get_profile (view);
  gboolean may_change = profile != NULL && sn_profile_get_safety_level (profile) >= SN_SAFETY_LEVEL_OPERATOR;

  gtk_stack_page_set_visible (self->resources_stack_page, may_change);
  if (!may_change)
    gtk_stack_set_visible_child_name (self->pages, "now");
}

void
sn_scaling_view_set_profile (SnScalingView *self,
                             SnProfile     *profile)
{
  sn_area_view_set_profile (SN_AREA_VIEW (self), profile);
}

void
sn_scaling_view_set_connection (SnScalingView *self,
                                SnConnection  *connection)
{
  sn_area_view_set_connection (SN_AREA_VIEW (self), connection);
}

static GtkWidget *
sn_scaling_view_get_visible_page (SnAreaView *view)
{
  return gtk_stack_get_visible_child (SN_SCALING_VIEW (view)->pages);
}

static void
sn_scaling_view_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SN_TYPE_SCALING_VIEW);
  G_OBJECT_CLASS (sn_scaling_view_parent_class)->dispose (object);
}

static void
sn_scaling_view_class_init (SnScalingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaViewClass *view_class = SN_AREA_VIEW_CLASS (klass);

  object_class->dispose = sn_scaling_view_dispose;
  view_class->changed = sn_scaling_view_changed;
  view_class->get_visible_page = sn_scaling_view_get_visible_page;
  /* The window owns the connection: follow its "connection" property. */
  view_class->follow_root_connection = TRUE;

  g_type_ensure (SN_TYPE_SCALING_NOW_PAGE);
  g_type_ensure (SN_TYPE_SCALING_RESOURCES_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-scaling-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, pages);
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, resources_stack_page);
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, now_page);
  gtk_widget_class_bind_template_child (widget_class, SnScalingView, resources_page);
}

static void
sn_scaling_view_init (SnScalingView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_view_bind_page (SN_AREA_VIEW (self), GTK_WIDGET (self->now_page));
  sn_area_view_bind_page (SN_AREA_VIEW (self), GTK_WIDGET (self->resources_page));
  gtk_stack_page_set_visible (self->resources_stack_page, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scaling"), -1);
}

GtkWidget *
sn_scaling_view_new (void)
{
  return g_object_new (SN_TYPE_SCALING_VIEW, NULL);
}

SnProfile *sn_scaling_view_get_profile (SnScalingView *self) { return sn_area_view_get_profile (SN_AREA_VIEW (self)); }
SnScalingNowPage *sn_scaling_view_get_now_page (SnScalingView *self) { return self->now_page; }
SnScalingResourcesPage *sn_scaling_view_get_resources_page (SnScalingView *self) { return self->resources_page; }
