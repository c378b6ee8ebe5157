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
 * the error rate fires, "Declare SEV1" opens the incident triage. While
 * shown, it reads them again every scaling-now-refresh-seconds (30 s; 0 for
 * never), in place, with the time of the last reading.
 */

struct _SnScalingNowPage
{
  SnAreaPage        parent_instance;

  GListModel       *stats;
  GListModel       *thresholds;

  GtkStack         *stack;
  GtkSpinner       *spinner;
  AdwStatusPage    *error_page;
  GtkLabel         *updated_label;
  GtkLabel         *containers_empty;
  GtkSortListModel *containers_sort;
  GtkLabel         *stats_error;
  GtkWidget        *sev1_button;
  GtkLabel         *prometheus_error;
  GtkSortListModel *thresholds_sort;
  GtkLabel         *replication_label;
  GtkLabel         *checklist_label;
};

G_DEFINE_FINAL_TYPE (SnScalingNowPage, sn_scaling_now_page, SN_TYPE_AREA_PAGE)

/* One reading: three calls in parallel, shown together when all are back. */
typedef struct
{
  guint       pending;
  GListModel *stats;
  GListModel *thresholds;
  GError     *stats_error;
  GError     *prometheus_error;
  char       *replication;
} Reading;

static void
reading_free (Reading *reading)
{
  g_clear_object (&reading->stats);
  g_clear_object (&reading->thresholds);
  g_clear_error (&reading->stats_error);
  g_clear_error (&reading->prometheus_error);
  g_free (reading->replication);
  g_free (reading);
}

static void
part_done (GTask *task)
{
  Reading *reading = g_task_get_task_data (task);

  if (--reading->pending > 0)
    return;
  if (reading->stats == NULL && reading->thresholds == NULL)
    g_task_return_error (task, g_error_copy (reading->prometheus_error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
stats_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Reading *reading = g_task_get_task_data (task);

  reading->stats = sn_scaling_stats_finish (SN_HOST (object), result, &reading->stats_error);
  part_done (task);
}

static void
thresholds_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Reading *reading = g_task_get_task_data (task);

  reading->thresholds = sn_scaling_thresholds_finish (result, &reading->prometheus_error);
  part_done (task);
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
replication_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Reading *reading = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sn_scaling_replication_finish (SN_HOST (object), result, &error);
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *status;
  JsonArray *replicas;

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
  reading->replication = g_string_free (g_steal_pointer (&text), FALSE);
  part_done (task);
}

static void
now_page_load (SnAreaPage          *page,
               SnConnection        *connection,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (page, cancellable, callback, user_data);
  Reading *reading = g_new0 (Reading, 1);
  SnScalingSettings settings;

  g_task_set_source_tag (task, now_page_load);
  reading->pending = 3;
  g_task_set_task_data (task, reading, (GDestroyNotify) reading_free);
  sn_settings_get_scaling (sn_settings_get_default (), &settings);
  sn_scaling_stats_async (sn_connection_get_host (connection), cancellable, stats_cb, g_object_ref (task));
  sn_scaling_replication_async (sn_connection_get_host (connection), cancellable, replication_cb,
                                g_object_ref (task));
  sn_scaling_thresholds_async (sn_area_page_get_profile (page), sn_connection_get_session (connection), &settings,
                               cancellable, thresholds_cb, g_object_ref (task));
}

static void
show_part_error (GtkLabel     *label,
                 const GError *error)
{
  gtk_label_set_text (label, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), error != NULL);
}

static gboolean
now_page_load_finish (SnAreaPage    *page,
                      GObject       *source,
                      GAsyncResult  *result,
                      GError       **error)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (page);
  Reading *reading = g_task_get_task_data (G_TASK (result));
  gboolean firing;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;

  g_set_object (&self->stats, reading->stats);
  g_set_object (&self->thresholds, reading->thresholds);
  show_part_error (self->stats_error, reading->stats_error);
  show_part_error (self->prometheus_error, reading->prometheus_error);
  gtk_label_set_text (self->replication_label, reading->replication);
  gtk_sort_list_model_set_model (self->containers_sort, self->stats);
  gtk_sort_list_model_set_model (self->thresholds_sort, self->thresholds);
  gtk_widget_set_visible (GTK_WIDGET (self->containers_empty),
                          self->stats != NULL && g_list_model_get_n_items (self->stats) == 0);
  firing = errors_firing (self);
  gtk_widget_set_visible (self->sev1_button, firing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.declare-sev1", firing);
  return TRUE;
}

static void
now_page_reset (SnAreaPage *page)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (page);

  g_clear_object (&self->stats);
  g_clear_object (&self->thresholds);
  gtk_sort_list_model_set_model (self->containers_sort, NULL);
  gtk_sort_list_model_set_model (self->thresholds_sort, NULL);
  gtk_widget_set_visible (self->sev1_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.declare-sev1", FALSE);
}

static gboolean
now_page_has_content (SnAreaPage *page)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (page);

  return self->stats != NULL || self->thresholds != NULL;
}

/* "Updated at 10:42:05", or "Updating…" while a reading runs in place. */
static void
update_time (SnScalingNowPage *self)
{
  SnAreaPage *page = SN_AREA_PAGE (self);
  GDateTime *updated = sn_area_page_get_updated (page);
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;

  if (sn_area_page_get_busy (page))
    text = g_strdup (_("Updating…"));
  else if (updated != NULL)
    {
      time = g_date_time_format (updated, "%H:%M:%S");
      /* Translators: %s is a time of day */
      text = g_strdup_printf (_("Updated at %s"), time);
    }
  gtk_label_set_text (self->updated_label, text != NULL ? text : "");
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

void
sn_scaling_now_page_set_profile (SnScalingNowPage *self,
                                 SnProfile        *profile)
{
  g_return_if_fail (SN_IS_SCALING_NOW_PAGE (self));
  sn_area_page_set_profile (SN_AREA_PAGE (self), profile);
}

void
sn_scaling_now_page_set_connection (SnScalingNowPage *self,
                                    SnConnection     *connection)
{
  g_return_if_fail (SN_IS_SCALING_NOW_PAGE (self));
  sn_area_page_set_connection (SN_AREA_PAGE (self), connection);
}

static void
sn_scaling_now_page_dispose (GObject *object)
{
  SnScalingNowPage *self = SN_SCALING_NOW_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_SCALING_NOW_PAGE);
  g_clear_object (&self->stats);
  g_clear_object (&self->thresholds);

  G_OBJECT_CLASS (sn_scaling_now_page_parent_class)->dispose (object);
}

static void
sn_scaling_now_page_class_init (SnScalingNowPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_scaling_now_page_dispose;
  page_class->load = now_page_load;
  page_class->load_finish = now_page_load_finish;
  page_class->reset = now_page_reset;
  page_class->has_content = now_page_has_content;

  /* The list items' types and the sparkline, for the factories in the .ui. */
  g_type_ensure (SN_TYPE_CONTAINER_STATS);
  g_type_ensure (SN_TYPE_THRESHOLD);
  g_type_ensure (SN_TYPE_SPARKLINE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-scaling-now-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, updated_label);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, containers_empty);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, containers_sort);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, stats_error);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, sev1_button);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, prometheus_error);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, thresholds_sort);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, replication_label);
  gtk_widget_class_bind_template_child (widget_class, SnScalingNowPage, checklist_label);

  gtk_widget_class_install_action (widget_class, "scaling-now.declare-sev1", NULL, declare_sev1_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_I, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "scaling-now.declare-sev1", NULL);
}

static void
sn_scaling_now_page_init (SnScalingNowPage *self)
{
  const char * const *steps = sn_scaling_replica_checklist ();
  g_autoptr(GString) checklist = g_string_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), self->stack, self->spinner, self->error_page);
  g_signal_connect (self, "notify::updated", G_CALLBACK (update_time), NULL);
  g_signal_connect (self, "notify::busy", G_CALLBACK (update_time), NULL);
  g_settings_bind (sn_settings_get_gsettings (sn_settings_get_default ()), "scaling-now-refresh-seconds",
                   self, "refresh-interval", G_SETTINGS_BIND_GET);
  for (guint i = 0; steps[i] != NULL; i++)
    g_string_append_printf (checklist, "%s%u. %s", i > 0 ? "\n" : "", i + 1, _(steps[i]));
  gtk_label_set_text (self->checklist_label, checklist->str);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scaling now"), -1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-now.declare-sev1", FALSE);
}

GtkWidget *
sn_scaling_now_page_new (void)
{
  return g_object_new (SN_TYPE_SCALING_NOW_PAGE, NULL);
}

gboolean sn_scaling_now_page_get_busy (SnScalingNowPage *self) { return sn_area_page_get_busy (SN_AREA_PAGE (self)); }
GListModel *sn_scaling_now_page_get_stats (SnScalingNowPage *self) { return self->stats; }
GListModel *sn_scaling_now_page_get_thresholds (SnScalingNowPage *self) { return self->thresholds; }
