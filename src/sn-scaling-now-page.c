/* sn-scaling-now-page.c: the Scaling view's "Now" page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-scaling-now-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-scaling-now-page.h"
#include "sn-settings.h"
#include "sn-sparkline.h"
#include "sn-window.h"

/*
 * Each container's CPU and memory now (`docker stats` over the window's
 * connection) and the runbook's thresholds from Prometheus (through an SSH
 * tunnel over the same session). Reads only: every profile sees it. When
 * the error rate fires, "Declare SEV1" opens the incident triage.
 */

struct _SnScalingNowPage
{
  GtkWidget         parent_instance;

  SnProfile        *profile;
  SnConnection     *connection;
  GCancellable     *cancellable;
  GListModel       *stats;
  GListModel       *thresholds;
  guint             pending;
  gboolean          busy;

  GtkStack         *stack;
  GtkSpinner       *spinner;
  AdwStatusPage    *error_page;
  GtkLabel         *containers_empty;
  GtkSortListModel *containers_sort;
  GtkLabel         *stats_error;
  GtkWidget        *sev1_button;
  GtkLabel         *prometheus_error;
  GtkSortListModel *thresholds_sort;
  GtkLabel         *replication_label;
  GtkLabel         *checklist_label;
};

G_DEFINE_FINAL_TYPE (SnScalingNowPage, sn_scaling_now_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_busy (SnScalingNowPage *self,
          gboolean          busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  if (busy)
    gtk_spinner_start (self->spinner);
  else
    gtk_spinner_stop (self->spinner);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.cancel", busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
errors_firing (SnScalingNowPage *self)
{
  g_autoptr(SnThreshold) errors = NULL;

  if (self->thresholds == NULL || g_list_model_get_n_items (self->thresholds) <= SN_THRESHOLD_ERRORS)
    return FALSE;
  errors = g_list_model_get_item (self->thresholds, SN_THRESHOLD_ERRORS);
  return sn_threshold_get_state (errors) == SN_THRESHOLD_STATE_FIRING;
}

static void
load_done (SnScalingNowPage *self)
{
  gboolean firing;

  if (--self->pending > 0)
    return;
  set_busy (self, FALSE);
  if (self->stats == NULL && self->thresholds == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  gtk_sort_list_model_set_model (self->containers_sort, self->stats);
  gtk_sort_list_model_set_model (self->thresholds_sort, self->thresholds);
  gtk_widget_set_visible (GTK_WIDGET (self->containers_empty),
                          self->stats != NULL && g_list_model_get_n_items (self->stats) == 0);
  firing = errors_firing (self);
  gtk_widget_set_visible (self->sev1_button, firing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.declare-sev1", firing);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
show_error (SnScalingNowPage *self,
            GtkLabel         *label,
            const GError     *error)
{
  gtk_label_set_text (label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
  adw_status_page_set_description (self->error_page, error->message);
}

static void
stats_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SnScalingNowPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *stats = sn_scaling_stats_finish (SN_HOST (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->stats);
  self->stats = stats;
  if (error != NULL)
    show_error (self, self->stats_error, error);
  load_done (self);
}

static void
thresholds_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SnScalingNowPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GListModel *thresholds = sn_scaling_thresholds_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->thresholds);
  self->thresholds = thresholds;
  if (error != NULL)
    show_error (self, self->prometheus_error, error);
  load_done (self);
}

static void
replication_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SnScalingNowPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sn_scaling_replication_finish (SN_HOST (object), result, &error);
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *status;
  JsonArray *replicas;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL)
    g_string_append (text, error->message);
  else
    {
      status = json_node_get_object (node);
      replicas = json_object_get_array_member (status, "replicas");
      g_string_append_printf (text, _("This server is %s (wal_level %s, max_wal_senders %lld)."),
                              json_object_get_boolean_member (status, "in_recovery") ? _("a replica")
                                                                                     : _("the primary"),
                              json_object_get_string_member (status, "wal_level"),
                              (long long)json_object_get_int_member (status, "max_wal_senders"));
      if (replicas == NULL || json_array_get_length (replicas) == 0)
        g_string_append_printf (text, " %s", _("No read replica is connected."));
      for (guint i = 0; replicas != NULL && i < json_array_get_length (replicas); i++)
        {
          JsonObject *r = json_array_get_object_element (replicas, i);

          /* Translators: one replica: its name, address, state, and how far behind it is */
          g_string_append_printf (text, _("\n%s at %s: %s, replay lag %s"),
                                  json_object_get_string_member_with_default (r, "name", ""),
                                  json_object_get_string_member_with_default (r, "client", "—"),
                                  json_object_get_string_member_with_default (r, "state", ""),
                                  json_object_get_string_member_with_default (r, "replay_lag", "—"));
        }
    }
  gtk_label_set_text (self->replication_label, text->str);
  load_done (self);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnScalingNowPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SnConnection *connection = SN_CONNECTION (object);
  SnScalingSettings settings;

  if (!sn_connection_connect_finish (connection, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      set_busy (self, FALSE);
      return;
    }
  if (connection != self->connection)
    return;

  sn_settings_get_scaling (sn_settings_get_default (), &settings);
  gtk_widget_set_visible (GTK_WIDGET (self->stats_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->prometheus_error), FALSE);
  self->pending = 3;
  sn_scaling_stats_async (sn_connection_get_host (connection), self->cancellable, stats_cb, g_object_ref (self));
  sn_scaling_replication_async (sn_connection_get_host (connection), self->cancellable, replication_cb,
                                g_object_ref (self));
  sn_scaling_thresholds_async (self->profile, sn_connection_get_session (connection), &settings,
                               self->cancellable, thresholds_cb, g_object_ref (self));
}

/**
 * sn_scaling_now_page_refresh:
 *
 * Reads the containers and the thresholds again.
 */
void
sn_scaling_now_page_refresh (SnScalingNowPage *self)
{
  g_return_if_fail (SN_IS_SCALING_NOW_PAGE (self));

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
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (widget);

  g_cancellable_cancel (self->cancellable);
  self->pending = 0;
  set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack,
                                    self->stats != NULL || self->thresholds != NULL ? "content" : "empty");
}

/* The error rate fires: the incident triage, in the Incidents view. */
static void
declare_sev1_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *incidents;

  if (!SN_IS_WINDOW (root) || !(incidents = sn_window_show_view (SN_WINDOW (root), "incidents")))
    return;
  gtk_widget_activate_action (incidents, "view.declare-incident", NULL);
}

static void
reset (SnScalingNowPage *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->stats);
  g_clear_object (&self->thresholds);
  gtk_sort_list_model_set_model (self->containers_sort, NULL);
  gtk_sort_list_model_set_model (self->thresholds_sort, NULL);
  self->pending = 0;
  set_busy (self, FALSE);
  gtk_widget_set_visible (self->sev1_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.declare-sev1", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

void
sn_scaling_now_page_set_profile (SnScalingNowPage *self,
                                 SnProfile        *profile)
{
  g_return_if_fail (SN_IS_SCALING_NOW_PAGE (self));

  if (!g_set_object (&self->profile, profile))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_scaling_now_page_refresh (self);
}

void
sn_scaling_now_page_set_connection (SnScalingNowPage *self,
                                    SnConnection     *connection)
{
  g_return_if_fail (SN_IS_SCALING_NOW_PAGE (self));

  if (!g_set_object (&self->connection, connection))
    return;
  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_scaling_now_page_refresh (self);
}

static void
sn_scaling_now_page_map (GtkWidget *widget)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (widget);

  GTK_WIDGET_CLASS (sn_scaling_now_page_parent_class)->map (widget);
  if (self->stats == NULL && self->thresholds == NULL && !self->busy)
    sn_scaling_now_page_refresh (self);
}

static void
sn_scaling_now_page_dispose (GObject *object)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_SCALING_NOW_PAGE);
  g_clear_object (&self->stats);
  g_clear_object (&self->thresholds);
  g_clear_object (&self->connection);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (sn_scaling_now_page_parent_class)->dispose (object);
}

static void
sn_scaling_now_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, self->busy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_scaling_now_page_class_init (SnScalingNowPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_scaling_now_page_dispose;
  object_class->get_property = sn_scaling_now_page_get_property;
  widget_class->map = sn_scaling_now_page_map;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The list items' types and the sparkline, for the factories in the .ui. */
  g_type_ensure (SN_TYPE_CONTAINER_STATS);
  g_type_ensure (SN_TYPE_THRESHOLD);
  g_type_ensure (SN_TYPE_SPARKLINE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-scaling-now-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, containers_empty);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, containers_sort);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, stats_error);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, sev1_button);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, prometheus_error);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, thresholds_sort);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, replication_label);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, checklist_label);

  gtk_widget_class_install_action (widget_class, "scaling-now.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "scaling-now.declare-sev1", NULL, declare_sev1_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "scaling-now.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_I, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "scaling-now.declare-sev1", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sn_scaling_now_page_init (SnScalingNowPage *self)
{
  const char * const *steps = sn_scaling_replica_checklist ();
  g_autoptr(GString) checklist = g_string_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; steps[i] != NULL; i++)
    g_string_append_printf (checklist, "%s%u. %s", i > 0 ? "\n" : "", i + 1, _(steps[i]));
  gtk_label_set_text (self->checklist_label, checklist->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scaling now"), -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.cancel", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.declare-sev1", FALSE);
}

GtkWidget *
sn_scaling_now_page_new (void)
{
  return g_object_new (SN_TYPE_SCALING_NOW_PAGE, NULL);
}

gboolean sn_scaling_now_page_get_busy (SnScalingNowPage *self) { return self->busy; }
GListModel *sn_scaling_now_page_get_stats (SnScalingNowPage *self) { return self->stats; }
GListModel *sn_scaling_now_page_get_thresholds (SnScalingNowPage *self) { return self->thresholds; }
