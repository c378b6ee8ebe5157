/* sn-incidents-view.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-incidents-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-health-panel.h"
#include "sn-incidents-view.h"
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"

struct _SnIncidentsView
{
  GtkWidget      parent_instance;

  SnProfile     *profile;

  /* Template children */
  SnHealthPanel *health_panel;
};

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnIncidentsView, sn_incidents_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnIncidentsView *self = SN_INCIDENTS_VIEW (widget);

  sn_health_panel_refresh (self->health_panel);
}

static void
sev1_checklist_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  SnIncidentsView *self = SN_INCIDENTS_VIEW (widget);
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  SnRunbook *runbook;

  sn_runbook_catalog_load (catalog, NULL);
  runbook = sn_runbook_catalog_lookup (catalog, "sev1-checklist");
  if (runbook == NULL || self->profile == NULL)
    return;

  gtk_window_present (GTK_WINDOW (sn_runbook_wizard_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                         runbook, self->profile)));
}

static void
sn_incidents_view_dispose (GObject *object)
{
  SnIncidentsView *self = (SnIncidentsView *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_INCIDENTS_VIEW);

  /* The children the template does not bind, like the action bar. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->profile);

  G_OBJECT_CLASS (sn_incidents_view_parent_class)->dispose (object);
}

static void
sn_incidents_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SnIncidentsView *self = SN_INCIDENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_incidents_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SnIncidentsView *self = SN_INCIDENTS_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_incidents_view_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_incidents_view_class_init (SnIncidentsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_incidents_view_dispose;
  object_class->get_property = sn_incidents_view_get_property;
  object_class->set_property = sn_incidents_view_set_property;

  /* Every view of the window has a "profile" property: the window binds it. */
  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-incidents-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, health_panel);

  /* Every view has a "view.refresh" action: the window's refresh forwards to it. */
  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "view.sev1-checklist", NULL, sev1_checklist_action);

  g_type_ensure (SN_TYPE_HEALTH_PANEL);
}

static void
sn_incidents_view_init (SnIncidentsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.sev1-checklist", FALSE);
}

GtkWidget *
sn_incidents_view_new (void)
{
  return g_object_new (SN_TYPE_INCIDENTS_VIEW, NULL);
}

SnProfile *
sn_incidents_view_get_profile (SnIncidentsView *self)
{
  g_return_val_if_fail (SN_IS_INCIDENTS_VIEW (self), NULL);

  return self->profile;
}

void
sn_incidents_view_set_profile (SnIncidentsView *self,
                               SnProfile       *profile)
{
  g_return_if_fail (SN_IS_INCIDENTS_VIEW (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  sn_health_panel_set_profile (self->health_panel, profile);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.sev1-checklist", profile != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnHealthPanel *
sn_incidents_view_get_health_panel (SnIncidentsView *self)
{
  g_return_val_if_fail (SN_IS_INCIDENTS_VIEW (self), NULL);

  return self->health_panel;
}
