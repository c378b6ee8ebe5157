/* sn-incidents-view.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-incidents-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-gui-util.h"
#include "sn-health-panel.h"
#include "sn-host-panel.h"
#include "sn-incident-declare-dialog.h"
#include "sn-incident-panel.h"
#include "sn-incidents-view.h"
#include "sn-window.h"
#include "sn-logs-panel.h"
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"
#include "sn-sparkline.h"

struct _SnIncidentsView
{
  GtkWidget      parent_instance;

  SnProfile     *profile;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack      *pages;
  SnHealthPanel *health_panel;
  AdwBin        *host_bin;
  AdwBin        *logs_bin;
  SnIncidentPanel *incident_panel;
  SnSparkline   *site_sparkline;
  SnSparkline   *database_sparkline;
  SnSparkline   *redis_sparkline;
  SnSparkline   *storage_sparkline;
  GtkWidget     *sparklines_box;

  /* The hidden pages' panels, built after the first frame or when first
   * shown (#21); owned by their bins. */
  SnHostPanel   *host_panel;
  SnLogsPanel   *logs_panel;
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

  /* The open incident's timeline hears of the run through the wizard's "finished". */
  gtk_window_present (GTK_WINDOW (sn_runbook_wizard_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                         runbook, self->profile)));
}

static void
declared_cb (SnIncidentsView         *self,
             SnIncident              *incident,
             SnIncidentDeclareDialog *dialog)
{
  sn_incident_panel_reload (self->incident_panel);
  gtk_stack_set_visible_child_name (self->pages, "incident");
}

static void
declare_incident_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  SnIncidentsView *self = SN_INCIDENTS_VIEW (widget);
  SnIncidentDeclareDialog *dialog;

  if (self->profile == NULL)
    return;
  {
    g_autoptr(GError) error = NULL;

    if (!sn_incident_panel_can_manage (self->incident_panel, &error))
      {
        sn_gui_toast (GTK_WIDGET (self->toast_overlay), error->message);
        return;
      }
  }

  /* One open incident per profile: show it instead. */
  if (sn_incident_panel_get_incident (self->incident_panel) != NULL)
    {
      gtk_stack_set_visible_child_name (self->pages, "incident");
      sn_gui_toast (GTK_WIDGET (self->toast_overlay),
                    _("An incident is already open: resolve it first"));
      return;
    }

  dialog = sn_incident_declare_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                           self->profile,
                                           sn_incident_panel_get_store (self->incident_panel),
                                           sn_incident_panel_get_history (self->incident_panel),
                                           sn_health_panel_get_report (self->health_panel));
  g_signal_connect_object (dialog, "declared", G_CALLBACK (declared_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Declaring follows what the profile's level may do; the button says why not. */
static void
update_declare (SnIncidentsView *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *button;
  gboolean can;

  can = sn_incident_panel_can_manage (self->incident_panel, &error);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.declare-incident", self->profile != NULL && can);
  if ((button = find_named (GTK_WIDGET (self), "declare-incident")) != NULL)
    gtk_widget_set_tooltip_text (button, can ? _("Triage what is wrong and start the response clock (Ctrl+Shift+I)")
                                             : error->message);
}

static void
refresh_host_panel (GtkWidget *widget)
{
  sn_host_panel_refresh (SN_HOST_PANEL (widget));
}

/* The Server page's panel; it follows the window's connection itself. */
static SnHostPanel *
ensure_host_panel (SnIncidentsView *self)
{
  GtkWidget *panel;

  if (self->host_panel != NULL)
    return self->host_panel;

  panel = sn_host_panel_new ();
  gtk_widget_set_name (panel, "host-panel");
  self->host_panel = SN_HOST_PANEL (panel);
  adw_bin_set_child (self->host_bin, panel);
  return self->host_panel;
}

static SnLogsPanel *
ensure_logs_panel (SnIncidentsView *self)
{
  GtkWidget *panel;

  if (self->logs_panel != NULL)
    return self->logs_panel;

  panel = sn_logs_panel_new ();
  self->logs_panel = SN_LOGS_PANEL (panel);
  adw_bin_set_child (self->logs_bin, panel);
  sn_logs_panel_set_profile (self->logs_panel, self->profile);
  return self->logs_panel;
}

/* The pages not seen in the first frame: right after it (#21). */
static void
build_hidden_pages (GtkWidget *widget)
{
  SnIncidentsView *self = SN_INCIDENTS_VIEW (widget);

  ensure_host_panel (self);
  ensure_logs_panel (self);
}

static void
visible_page_changed_cb (SnIncidentsView *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->pages);

  if (g_strcmp0 (name, "incident") == 0)
    gtk_widget_set_visible (GTK_WIDGET (self->incident_panel), TRUE);
  else if (g_strcmp0 (name, "host") == 0)
    ensure_host_panel (self);
  else if (g_strcmp0 (name, "logs") == 0)
    ensure_logs_panel (self);
}

static void
report_changed_cb (SnIncidentsView *self)
{
  SnHealthReport *report = sn_health_panel_get_report (self->health_panel);

  /* Every check of the dashboard goes into the history (and the sparklines). */
  if (report != NULL)
    sn_incident_panel_record_check (self->incident_panel, report);

  /* The containers and disks follow the health refresh: the timer's ones
   * are routine reads (folded in the audit log), a person's are not. */
  if (self->host_panel == NULL)
    return;   /* not built yet: it reads the host when it is (#21) */
  if (sn_health_panel_get_by_timer (self->health_panel))
    sn_host_panel_poll (self->host_panel);
  else
    sn_window_after_first_frame (GTK_WIDGET (self->host_panel), refresh_host_panel);
}

static void
clock_changed_cb (SnIncidentsView *self,
                  GParamSpec      *pspec,
                  SnIncidentPanel *panel)
{
  GtkWidget *clock = g_object_get_data (G_OBJECT (self), "header-clock");
  GtkWidget *label;
  const char *text;

  if (clock == NULL)
    return;

  label = gtk_widget_get_first_child (clock);
  text = sn_incident_panel_get_clock_text (panel);
  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_visible (clock, text != NULL && *text != '\0');
  if (sn_incident_panel_get_clock_missed (panel))
    gtk_widget_add_css_class (clock, "missed");
  else
    gtk_widget_remove_css_class (clock, "missed");
}

static void
header_clock_clicked_cb (SnIncidentsView *self)
{
  gtk_stack_set_visible_child_name (self->pages, "incident");
}

/**
 * sn_incidents_view_create_header_clock:
 * @self: a #SnIncidentsView
 *
 * A compact countdown for the window's header bar, shown while an
 * incident of the profile is open; clicking it shows the incident.
 *
 * Returns: (transfer floating): the widget
 */
GtkWidget *
sn_incidents_view_create_header_clock (SnIncidentsView *self)
{
  GtkWidget *button;
  GtkWidget *label;

  g_return_val_if_fail (SN_IS_INCIDENTS_VIEW (self), NULL);

  label = gtk_label_new (NULL);
  gtk_widget_set_name (label, "header-clock-label");
  gtk_widget_add_css_class (label, "numeric");
  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_set_name (button, "header-clock");
  gtk_widget_add_css_class (button, "header-clock");
  gtk_widget_set_tooltip_text (button, _("Time left to respond to the open incident"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Response clock"), -1);
  gtk_widget_set_visible (button, FALSE);
  g_signal_connect_object (button, "clicked", G_CALLBACK (header_clock_clicked_cb), self,
                           G_CONNECT_SWAPPED);
  g_object_set_data (G_OBJECT (self), "header-clock", button);
  clock_changed_cb (self, NULL, self->incident_panel);

  return button;
}

SnIncidentPanel *
sn_incidents_view_get_incident_panel (SnIncidentsView *self)
{
  g_return_val_if_fail (SN_IS_INCIDENTS_VIEW (self), NULL);

  return self->incident_panel;
}

/**
 * sn_incidents_view_get_logs_panel:
 *
 * Builds the Logs page's panel if it was not yet (#21).
 *
 * Returns: (transfer none): the panel
 */
SnLogsPanel *
sn_incidents_view_get_logs_panel (SnIncidentsView *self)
{
  g_return_val_if_fail (SN_IS_INCIDENTS_VIEW (self), NULL);

  return ensure_logs_panel (self);
}

/**
 * sn_incidents_view_get_host_panel:
 *
 * Builds the Server page's panel if it was not yet (#21).
 *
 * Returns: (transfer none): the panel
 */
SnHostPanel *
sn_incidents_view_get_host_panel (SnIncidentsView *self)
{
  g_return_val_if_fail (SN_IS_INCIDENTS_VIEW (self), NULL);

  return ensure_host_panel (self);
}

/**
 * sn_incidents_view_show_page:
 * @name: "health", "incident", "host" or "logs"
 *
 * Shows the page, its panel built if needed.
 */
void
sn_incidents_view_show_page (SnIncidentsView *self,
                             const char      *name)
{
  g_return_if_fail (SN_IS_INCIDENTS_VIEW (self));

  gtk_stack_set_visible_child_name (self->pages, name);
}

static void
sn_incidents_view_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sn_incidents_view_parent_class)->root (widget);

  /* In a window not yet painted, after its first frame; else now. */
  sn_window_after_first_frame (widget, build_hidden_pages);
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
  widget_class->root = sn_incidents_view_root;

  /* Every view of the window has a "profile" property: the window binds it. */
  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-incidents-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, pages);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, health_panel);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, host_bin);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, incident_panel);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, logs_bin);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, site_sparkline);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, sparklines_box);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, database_sparkline);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, redis_sparkline);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentsView, storage_sparkline);

  /* Every view has a "view.refresh" action: the window's refresh forwards to it. */
  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "view.sev1-checklist", NULL, sev1_checklist_action);
  gtk_widget_class_install_action (widget_class, "view.declare-incident", NULL, declare_incident_action);

  g_type_ensure (SN_TYPE_HEALTH_PANEL);
  g_type_ensure (SN_TYPE_INCIDENT_PANEL);
  g_type_ensure (SN_TYPE_SPARKLINE);
}

/* The incidents' look, next to the app's style.css. */
static void
load_css (GtkWidget *widget)
{
  static GtkCssProvider *provider;
  GdkDisplay *display = gtk_widget_get_display (widget);

  if (provider != NULL || display == NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/sn-incidents.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
sn_incidents_view_init (SnIncidentsView *self)
{
  GtkEventController *shortcuts;
  SnSparkline *sparklines[4];

  gtk_widget_init_template (GTK_WIDGET (self));
  load_css (GTK_WIDGET (self));

  /* The 24 h charts belong to the dashboard: they scroll with it, after the
   * services, instead of covering its end. */
  {
    GtkWidget *clamp = gtk_widget_get_parent (self->sparklines_box);

    g_object_ref (self->sparklines_box);
    adw_clamp_set_child (ADW_CLAMP (clamp), NULL);
    gtk_widget_set_visible (clamp, FALSE);
    gtk_widget_set_margin_start (self->sparklines_box, 0);
    gtk_widget_set_margin_end (self->sparklines_box, 0);
    gtk_widget_set_margin_bottom (self->sparklines_box, 0);
    sn_health_panel_add_section (self->health_panel, self->sparklines_box);
    g_object_unref (self->sparklines_box);
  }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.sev1-checklist", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.declare-incident", FALSE);

  sparklines[0] = self->site_sparkline;
  sparklines[1] = self->database_sparkline;
  sparklines[2] = self->redis_sparkline;
  sparklines[3] = self->storage_sparkline;
  for (guint i = 0; i < G_N_ELEMENTS (sparklines); i++)
    g_object_bind_property (self->incident_panel, "history", sparklines[i], "history", G_BINDING_SYNC_CREATE);

  g_signal_connect_object (self->health_panel, "notify::report", G_CALLBACK (report_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pages, "notify::visible-child", G_CALLBACK (visible_page_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->incident_panel, "notify::clock-text", G_CALLBACK (clock_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (sn_incident_panel_get_store (self->incident_panel), "notify::allow-read-only",
                           G_CALLBACK (update_declare), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->incident_panel, "notify::clock-missed", G_CALLBACK (clock_changed_cb), self,
                           G_CONNECT_SWAPPED);

  /* Ctrl+Shift+I from anywhere in the window. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_I, GDK_CONTROL_MASK | GDK_SHIFT_MASK),
                                                          gtk_named_action_new ("view.declare-incident")));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
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

  sn_incident_panel_set_profile (self->incident_panel, profile);
  if (self->logs_panel != NULL)
    sn_logs_panel_set_profile (self->logs_panel, profile);
  sn_health_panel_set_profile (self->health_panel, profile);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "view.sev1-checklist", profile != NULL);
  update_declare (self);
  /* An open incident comes first. */
  if (sn_incident_panel_get_incident (self->incident_panel) != NULL)
    gtk_stack_set_visible_child_name (self->pages, "incident");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnHealthPanel *
sn_incidents_view_get_health_panel (SnIncidentsView *self)
{
  g_return_val_if_fail (SN_IS_INCIDENTS_VIEW (self), NULL);

  return self->health_panel;
}
