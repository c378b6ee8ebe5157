/* sn-sparkline.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-sparkline"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "sn-sparkline.h"

#define WINDOW_SECONDS (24 * 3600)

struct _SnSparkline
{
  GtkDrawingArea   parent_instance;

  SnHealthHistory *history;
  SnThreshold     *threshold;   /* or a threshold's series (the Scaling view) */

  int              probe;
  gint64           last_ms;
  GArray          *series;     /* of double; NULL: the history is drawn */
  char            *series_label;
};

enum {
  PROP_0,
  PROP_HISTORY,
  PROP_PROBE,
  PROP_THRESHOLD,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnSparkline, sn_sparkline, GTK_TYPE_DRAWING_AREA)

static GParamSpec *properties[N_PROPS];

static void
sample_value (SnSparkline          *self,
              const SnHealthSample *sample,
              gint64               *ms,
              SnHealthState        *state)
{
  if (self->probe < 0 || self->probe >= SN_HEALTH_N_PROBES)
    {
      *ms = sample->round_trip_ms;
      *state = sample->state;
    }
  else
    {
      *ms = sample->probe_latency_ms[self->probe];
      *state = sample->probe_state[self->probe];
    }
}

static void
state_color (GtkWidget     *widget,
             SnHealthState  state,
             GdkRGBA       *rgba)
{
  const char *name;
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  switch (state)
    {
    case SN_HEALTH_STATE_HEALTHY:
    case SN_HEALTH_STATE_OPERATIONAL:
      name = "success_color";
      break;
    case SN_HEALTH_STATE_DEGRADED:
    case SN_HEALTH_STATE_TIMEOUT:
    case SN_HEALTH_STATE_UNAUTHORIZED:
      name = "warning_color";
      break;
    case SN_HEALTH_STATE_UNKNOWN:
      name = NULL;
      break;
    case SN_HEALTH_STATE_UNHEALTHY:
    case SN_HEALTH_STATE_REFUSED:
    case SN_HEALTH_STATE_TLS_ERROR:
    case SN_HEALTH_STATE_MALFORMED:
    case SN_HEALTH_STATE_HTTP_ERROR:
    case SN_HEALTH_STATE_UNREACHABLE:
    default:
      name = "error_color";
      break;
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (name == NULL || !gtk_style_context_lookup_color (context, name, rgba))
    {
      gtk_style_context_get_color (context, rgba);
      rgba->alpha *= 0.4f;
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* A threshold's series over its range, its limit dashed, the points above
 * it in the warning colour. */
static void
draw_threshold (SnSparkline *self,
                cairo_t     *cr,
                int          width,
                int          height,
                GdkRGBA     *fg)
{
  guint n = 0;
  const double *values = sn_threshold_get_series (self->threshold, &n);
  const gint64 *times = sn_threshold_get_times (self->threshold, &n);
  double limit = sn_threshold_get_limit (self->threshold);
  double max = limit * 1.1;
  const double top = 3, bottom = height - 5;
  gint64 span;
  GdkRGBA warning;
  double y_limit;

  if (n < 2)
    return;
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]))
      max = MAX (max, values[i]);
  span = MAX (times[n - 1] - times[0], 1);
  y_limit = bottom - limit / max * (bottom - top);

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  cairo_set_dash (cr, (const double[]) { 3, 3 }, 2, 0);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.4);
  cairo_move_to (cr, 0, y_limit + 0.5);
  cairo_line_to (cr, width, y_limit + 0.5);
  cairo_stroke (cr);
  cairo_restore (cr);

  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
  for (guint i = 0; i < n; i++)
    {
      double x = (double) (times[i] - times[0]) / span * (width - 4) + 2;
      double y = bottom - (isfinite (values[i]) ? values[i] : 0) / max * (bottom - top);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);

  state_color (GTK_WIDGET (self), SN_HEALTH_STATE_DEGRADED, &warning);
  gdk_cairo_set_source_rgba (cr, &warning);
  for (guint i = 0; i < n; i++)
    if (isfinite (values[i]) && values[i] > limit)
      {
        double x = (double) (times[i] - times[0]) / span * (width - 4) + 2;

        cairo_rectangle (cr, x - 1, height - 3, 2, 3);
        cairo_fill (cr);
      }
}

static void
draw_series (SnSparkline *self,
             cairo_t     *cr,
             int          width,
             double       top,
             double       bottom,
             GdkRGBA     *fg)
{
  double max = 0;
  guint n = self->series->len;

  for (guint i = 0; i < n; i++)
    max = MAX (max, g_array_index (self->series, double, i));
  if (max <= 0)
    max = 1;

  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
  for (guint i = 0; i < n; i++)
    {
      double x = n > 1 ? (double) i / (n - 1) * (width - 4) + 2 : width - 2;
      double y = bottom - g_array_index (self->series, double, i) / max * (bottom - top);

      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
  if (n > 0)
    {
      cairo_arc (cr, width - 2, bottom - g_array_index (self->series, double, n - 1) / max * (bottom - top),
                 2.5, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

static void
sn_sparkline_draw (GtkDrawingArea *area,
                   cairo_t        *cr,
                   int             width,
                   int             height,
                   gpointer        user_data)
{
  SnSparkline *self = SN_SPARKLINE (area);
  GtkWidget *widget = GTK_WIDGET (area);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 max_ms = 1;
  guint n;
  GdkRGBA fg;
  gboolean started = FALSE;
  const double top = 3, bottom = height - 5;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* The baseline. */
  cairo_set_line_width (cr, 1);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15);
  cairo_move_to (cr, 0, bottom + 0.5);
  cairo_line_to (cr, width, bottom + 0.5);
  cairo_stroke (cr);

  if (self->threshold != NULL)
    {
      draw_threshold (self, cr, width, height, &fg);
      return;
    }
  if (self->series != NULL)
    {
      draw_series (self, cr, width, top, bottom, &fg);
      return;
    }
  if (self->history == NULL)
    return;

  n = sn_health_history_get_n_samples (self->history);
  for (guint i = 0; i < n; i++)
    {
      const SnHealthSample *sample = sn_health_history_get_sample (self->history, i);
      gint64 ms;
      SnHealthState state;

      sample_value (self, sample, &ms, &state);
      if (sample->time >= now - WINDOW_SECONDS)
        max_ms = MAX (max_ms, ms);
    }

  /* The latency line. */
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.7);
  for (guint i = 0; i < n; i++)
    {
      const SnHealthSample *sample = sn_health_history_get_sample (self->history, i);
      gint64 ms;
      SnHealthState state;
      double x, y;

      sample_value (self, sample, &ms, &state);
      if (sample->time < now - WINDOW_SECONDS || ms < 0)
        continue;
      x = (double) (sample->time - (now - WINDOW_SECONDS)) / WINDOW_SECONDS * (width - 4) + 2;
      y = bottom - (double) ms / max_ms * (bottom - top);
      if (!started)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
      started = TRUE;
    }
  cairo_stroke (cr);

  /* The status strip: one tick per check, coloured by its status. */
  for (guint i = 0; i < n; i++)
    {
      const SnHealthSample *sample = sn_health_history_get_sample (self->history, i);
      gint64 ms;
      SnHealthState state;
      GdkRGBA color;
      double x;

      sample_value (self, sample, &ms, &state);
      if (sample->time < now - WINDOW_SECONDS)
        continue;
      state_color (widget, state, &color);
      x = (double) (sample->time - (now - WINDOW_SECONDS)) / WINDOW_SECONDS * (width - 4) + 2;
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_rectangle (cr, x - 1, height - 3, 2, 3);
      cairo_fill (cr);
      if (i == n - 1)
        {
          double y = ms >= 0 ? bottom - (double) ms / max_ms * (bottom - top) : bottom;

          cairo_arc (cr, x, y, 2.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
}

static void
sn_sparkline_update (SnSparkline *self)
{
  g_autofree char *label = NULL;
  const char *name;
  guint n = self->history != NULL ? sn_health_history_get_n_samples (self->history) : 0;

  if (self->series != NULL)
    {
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  self->last_ms = -1;
  if (n > 0)
    {
      SnHealthState state;

      sample_value (self, sn_health_history_get_sample (self->history, n - 1), &self->last_ms, &state);
    }

  if (self->probe == SN_HEALTH_PROBE_DATABASE)
    name = _("Database");
  else if (self->probe == SN_HEALTH_PROBE_REDIS)
    name = _("Cache");
  else if (self->probe == SN_HEALTH_PROBE_STORAGE)
    name = _("Storage");
  else
    name = _("Site");

  if (self->last_ms >= 0)
    /* Translators: the accessible label of a latency chart; %s is a service, then the newest latency */
    label = g_strdup_printf (_("%s latency over 24 hours, %u checks, last %lld ms"),
                             name, n, (long long) self->last_ms);
  else
    /* Translators: the accessible label of a latency chart without data; %s is a service */
    label = g_strdup_printf (_("%s latency over 24 hours, no data yet"), name);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
sn_sparkline_dispose (GObject *object)
{
  SnSparkline *self = (SnSparkline *)object;

  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_clear_object (&self->history);
  g_clear_object (&self->threshold);
  g_clear_pointer (&self->series, g_array_unref);
  g_clear_pointer (&self->series_label, g_free);

  G_OBJECT_CLASS (sn_sparkline_parent_class)->dispose (object);
}

static void
sn_sparkline_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnSparkline *self = SN_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_PROBE:
      g_value_set_int (value, self->probe);
      break;
    case PROP_THRESHOLD:
      g_value_set_object (value, self->threshold);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_sparkline_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SnSparkline *self = SN_SPARKLINE (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      sn_sparkline_set_history (self, g_value_get_object (value));
      break;
    case PROP_PROBE:
      self->probe = g_value_get_int (value);
      sn_sparkline_update (self);
      break;
    case PROP_THRESHOLD:
      sn_sparkline_set_threshold (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_sparkline_class_init (SnSparklineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_sparkline_dispose;
  object_class->get_property = sn_sparkline_get_property;
  object_class->set_property = sn_sparkline_set_property;

  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, SN_TYPE_HEALTH_HISTORY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROBE] =
    g_param_spec_int ("probe", NULL, NULL, -1, SN_HEALTH_N_PROBES - 1, -1,
                      (G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS));
  properties[PROP_THRESHOLD] =
    g_param_spec_object ("threshold", NULL, NULL, SN_TYPE_THRESHOLD,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "snsparkline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sn_sparkline_init (SnSparkline *self)
{
  self->last_ms = -1;
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), 36);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self), 160);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), sn_sparkline_draw, NULL, NULL);
}

GtkWidget *
sn_sparkline_new (int probe)
{
  return g_object_new (SN_TYPE_SPARKLINE, "probe", probe, NULL);
}

SnHealthHistory *
sn_sparkline_get_history (SnSparkline *self)
{
  g_return_val_if_fail (SN_IS_SPARKLINE (self), NULL);
  return self->history;
}

void
sn_sparkline_set_history (SnSparkline     *self,
                          SnHealthHistory *history)
{
  g_return_if_fail (SN_IS_SPARKLINE (self));
  g_return_if_fail (!history || SN_IS_HEALTH_HISTORY (history));

  if (self->history == history)
    return;
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_set_object (&self->history, history);
  if (history != NULL)
    g_signal_connect_object (history, "changed", G_CALLBACK (sn_sparkline_update), self,
                             G_CONNECT_SWAPPED);
  sn_sparkline_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

int
sn_sparkline_get_probe (SnSparkline *self)
{
  g_return_val_if_fail (SN_IS_SPARKLINE (self), -1);
  return self->probe;
}

gint64
sn_sparkline_get_last_ms (SnSparkline *self)
{
  g_return_val_if_fail (SN_IS_SPARKLINE (self), -1);
  return self->last_ms;
}

/**
 * sn_sparkline_set_threshold:
 *
 * Draws @threshold's series (the Scaling view) instead of a health
 * history; its accessible label says the threshold, its state and value.
 */
void
sn_sparkline_set_threshold (SnSparkline *self,
                            SnThreshold *threshold)
{
  g_autofree char *value = NULL;
  g_autofree char *label = NULL;
  guint n = 0;

  g_return_if_fail (SN_IS_SPARKLINE (self));
  g_return_if_fail (!threshold || SN_IS_THRESHOLD (threshold));

  if (!g_set_object (&self->threshold, threshold))
    return;
  if (threshold != NULL)
    {
      value = sn_threshold_dup_value_text (threshold);
      sn_threshold_get_series (threshold, &n);
      /* Translators: the accessible label of a threshold's chart: its name, the points, its state, its value */
      label = g_strdup_printf (_("%s over 6 hours (%u points): %s, now %s"), sn_threshold_get_title (threshold), n,
                               sn_threshold_state_to_label (sn_threshold_get_state (threshold)), value);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), label);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD]);
}

void
sn_sparkline_set_series (SnSparkline  *self,
                         const double *values,
                         guint         n_values,
                         const char   *label)
{
  g_return_if_fail (SN_IS_SPARKLINE (self));

  if (self->series == NULL)
    self->series = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_set_size (self->series, 0);
  g_array_append_vals (self->series, values, n_values);
  g_free (self->series_label);
  self->series_label = g_strdup (label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sn_sparkline_get_n_values (SnSparkline *self)
{
  g_return_val_if_fail (SN_IS_SPARKLINE (self), 0);

  return self->series != NULL ? self->series->len : 0;
}
