/* sn-cache-stats.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache-stats"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-cache-stats.h"
#include "sn-sparkline.h"

typedef enum
{
  SERIES_HIT_RATE,
  SERIES_OPS,
  SERIES_MEMORY,
  N_SERIES
} Series;

struct _SnCacheStats
{
  GtkBox       parent_instance;

  GtkWidget   *charts[N_SERIES];
  GArray      *values[N_SERIES];   /* of double, oldest first */
  GtkWidget   *details_button;
  GtkLabel    *details_label;
};

G_DEFINE_FINAL_TYPE (SnCacheStats, sn_cache_stats, GTK_TYPE_BOX)

static void
append_app_counters (GString    *text,
                     JsonObject *stats)
{
  static const struct { const char *member; const char *label; } rows[] = {
    { "sweet_narcisse_cache_hits_total", N_("Hits") },
    { "sweet_narcisse_cache_misses_total", N_("Misses") },
    { "sweet_narcisse_cache_errors_total", N_("Errors") },
    { "sweet_narcisse_cache_hit_rate_percent", N_("Hit rate") },
  };
  JsonObject *app;

  g_string_append_printf (text, "%s\n", _("The app’s own counters (/api/metrics)"));
  if (!json_object_has_member (stats, "app"))
    {
      g_string_append_printf (text, "%s\n",
                              json_object_get_string_member_with_default (stats, "app_error", ""));
      return;
    }
  app = json_object_get_object_member (stats, "app");
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      JsonNode *node = json_object_get_member (app, rows[i].member);

      g_string_append_printf (text, "%s: ", _(rows[i].label));
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        g_string_append (text, _("not exported by this app"));
      else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        g_string_append_printf (text, "%.2f %%", json_node_get_double (node));
      else
        g_string_append_printf (text, "%" G_GINT64_FORMAT, json_node_get_int (node));
      g_string_append_c (text, '\n');
    }
  g_string_append_printf (text, "%s\n%s\n", json_object_get_string_member_with_default (app, "note", ""),
                          json_object_get_string_member_with_default (app, "admin_endpoint", ""));
}

static void
append_slowlog (GString    *text,
                JsonObject *stats)
{
  JsonArray *entries;

  g_string_append_printf (text, "\n%s\n", _("Slow log (SLOWLOG GET 10)"));
  if (!json_object_has_member (stats, "slowlog"))
    {
      g_string_append_printf (text, "%s\n", json_object_get_string_member_with_default (stats, "slowlog_note", ""));
      return;
    }
  entries = json_object_get_array_member (stats, "slowlog");
  if (json_array_get_length (entries) == 0)
    g_string_append_printf (text, "%s\n", _("empty: no command was slower than the server’s threshold"));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      g_string_append_printf (text, _("%lld µs  %s\n"), (long long) json_object_get_int_member (entry, "duration_us"),
                              json_object_get_string_member (entry, "command"));
    }
}

static void
push (SnCacheStats *self,
      Series        series,
      double        value)
{
  GArray *values = self->values[series];

  g_array_append_val (values, value);
  if (values->len > SN_CACHE_STATS_HISTORY)
    g_array_remove_index (values, 0);
}

static void
update_chart (SnCacheStats *self,
              Series        series,
              const char   *newest)
{
  GArray *values = self->values[series];
  g_autofree char *label = NULL;

  switch (series)
    {
    case SERIES_HIT_RATE:
      /* Translators: accessible label of a chart; %u refreshes, then the newest value */
      label = g_strdup_printf (_("Hit rate over the last %u refreshes, now %s"), values->len, newest);
      break;
    case SERIES_OPS:
      /* Translators: accessible label of a chart; %u refreshes, then the newest value */
      label = g_strdup_printf (_("Operations per second over the last %u refreshes, now %s"), values->len, newest);
      break;
    case SERIES_MEMORY:
    case N_SERIES:
    default:
      /* Translators: accessible label of a chart; %u refreshes, then the newest value */
      label = g_strdup_printf (_("Memory used over the last %u refreshes, now %s"), values->len, newest);
      break;
    }
  sn_sparkline_set_series (SN_SPARKLINE (self->charts[series]), (const double *) (gpointer) values->data,
                           values->len, label);
}

void
sn_cache_stats_add (SnCacheStats *self,
                    JsonObject   *stats)
{
  g_autoptr(GString) details = g_string_new (NULL);
  gboolean redis = json_object_has_member (stats, "used_memory");

  g_return_if_fail (SN_IS_CACHE_STATS (self));

  /* Upstash's REST API gives none of the three: no charts, no made-up zeros. */
  for (Series s = 0; s < N_SERIES; s++)
    gtk_widget_set_visible (self->charts[s], redis);
  if (redis)
    {
      double hit_rate = 100.0 * json_object_get_double_member_with_default (stats, "hit_rate", 0);
      double ops = json_object_get_int_member_with_default (stats, "instantaneous_ops_per_sec", 0);
      double memory = json_object_get_int_member_with_default (stats, "used_memory", 0);
      g_autofree char *rate_text = g_strdup_printf ("%.1f %%", hit_rate);
      g_autofree char *ops_text = g_strdup_printf ("%.0f", ops);
      g_autofree char *memory_text = g_format_size ((guint64) memory);

      push (self, SERIES_HIT_RATE, hit_rate);
      push (self, SERIES_OPS, ops);
      push (self, SERIES_MEMORY, memory);
      update_chart (self, SERIES_HIT_RATE, rate_text);
      update_chart (self, SERIES_OPS, ops_text);
      update_chart (self, SERIES_MEMORY, memory_text);
    }

  append_app_counters (details, stats);
  append_slowlog (details, stats);
  gtk_label_set_text (self->details_label, details->str);
  gtk_widget_set_visible (self->details_button, TRUE);
}

void
sn_cache_stats_clear (SnCacheStats *self)
{
  g_return_if_fail (SN_IS_CACHE_STATS (self));

  for (Series s = 0; s < N_SERIES; s++)
    {
      g_array_set_size (self->values[s], 0);
      gtk_widget_set_visible (self->charts[s], FALSE);
    }
  gtk_widget_set_visible (self->details_button, FALSE);
}

guint
sn_cache_stats_get_n_samples (SnCacheStats *self)
{
  g_return_val_if_fail (SN_IS_CACHE_STATS (self), 0);

  return self->values[SERIES_HIT_RATE]->len;
}

static void
sn_cache_stats_dispose (GObject *object)
{
  SnCacheStats *self = SN_CACHE_STATS (object);

  for (Series s = 0; s < N_SERIES; s++)
    g_clear_pointer (&self->values[s], g_array_unref);
  G_OBJECT_CLASS (sn_cache_stats_parent_class)->dispose (object);
}

static void
sn_cache_stats_class_init (SnCacheStatsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sn_cache_stats_dispose;
}

static void
sn_cache_stats_init (SnCacheStats *self)
{
  static const char * const names[N_SERIES] = {
    "cache-chart-hit-rate", "cache-chart-ops", "cache-chart-memory",
  };
  GtkWidget *popover, *scroller, *label;

  gtk_box_set_spacing (GTK_BOX (self), 6);
  for (Series s = 0; s < N_SERIES; s++)
    {
      self->values[s] = g_array_new (FALSE, FALSE, sizeof (double));
      self->charts[s] = sn_sparkline_new (-1);
      gtk_widget_set_name (self->charts[s], names[s]);
      gtk_widget_set_size_request (self->charts[s], 72, 24);
      gtk_widget_set_valign (self->charts[s], GTK_ALIGN_CENTER);
      gtk_widget_set_visible (self->charts[s], FALSE);
      gtk_box_append (GTK_BOX (self), self->charts[s]);
    }

  label = gtk_label_new (NULL);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 70);
  gtk_widget_set_name (label, "cache-stats-details");
  gtk_widget_add_css_class (label, "sn-data");
  self->details_label = GTK_LABEL (label);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 400);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), scroller);

  self->details_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (self->details_button), "view-more-symbolic");
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->details_button), popover);
  gtk_widget_set_name (self->details_button, "cache-stats-more");
  gtk_widget_set_tooltip_text (self->details_button, _("Slow log and the app’s own counters"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->details_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Slow log and the app’s own counters"), -1);
  gtk_widget_add_css_class (self->details_button, "flat");
  gtk_widget_set_visible (self->details_button, FALSE);
  gtk_box_append (GTK_BOX (self), self->details_button);
}

GtkWidget *
sn_cache_stats_new (void)
{
  return g_object_new (SN_TYPE_CACHE_STATS, NULL);
}
