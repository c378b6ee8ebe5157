/* sn-report-chart.c: a report's bar chart
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One bar per row. Which columns name and measure the bars comes from the
 * report table in core (sn_report_result_get_chart_columns()); a report
 * without a chart leaves the widget empty ("empty" is TRUE). */

#define G_LOG_DOMAIN "sn-report-chart"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-report-chart.h"

struct _SnReportChart
{
  GtkDrawingArea  parent_instance;

  SnReportResult *report;
  int             label_column;
  int             value_column;
};

enum {
  PROP_0,
  PROP_REPORT,
  PROP_EMPTY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnReportChart, sn_report_chart, GTK_TYPE_DRAWING_AREA)

static GParamSpec *properties[N_PROPS];

static double
report_number (SnReportResult *report,
               guint           row,
               guint           column)
{
  GVariant *value = sn_report_result_get_value (report, row, column);

  if (value == NULL)
    return 0;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    return g_variant_get_double (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return (double)g_variant_get_int64 (value);

  return 0;
}

static void
draw_bar (SnReportChart *self,
          cairo_t       *cr,
          PangoLayout   *layout,
          const GdkRGBA *fg,
          const GdkRGBA *accent,
          guint          row,
          double         y,
          double         bar_height,
          double         label_width,
          double         available,
          double         max)
{
  gboolean french = sn_format_uses_decimal_comma ();
  g_autofree char *label = sn_report_result_dup_display (self->report, row, (guint)self->label_column, french);
  g_autofree char *value = sn_report_result_dup_display (self->report, row, (guint)self->value_column, french);
  double x0 = label_width + 12;
  double length = max > 0 ? available * report_number (self->report, row, (guint)self->value_column) / max : 0;
  int w, h;

  /* track */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.08);
  cairo_rectangle (cr, x0, y, available, bar_height);
  cairo_fill (cr);

  /* bar */
  gdk_cairo_set_source_rgba (cr, accent);
  cairo_rectangle (cr, x0, y, length, bar_height);
  cairo_fill (cr);

  gdk_cairo_set_source_rgba (cr, fg);
  pango_layout_set_text (layout, label, -1);
  pango_layout_set_width (layout, (int)label_width * PANGO_SCALE);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, label_width - w, y + (bar_height - h) / 2);
  pango_cairo_show_layout (cr, layout);

  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, value, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x0 + length + 6, y + (bar_height - h) / 2);
  pango_cairo_show_layout (cr, layout);
}

static void
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  SnReportChart *self = SN_REPORT_CHART (area);
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (area));
  gboolean french = sn_format_uses_decimal_comma ();
  GdkRGBA fg, accent;
  guint n_rows;
  double max = 0;
  double label_width = 0;
  double value_width = 0;
  double bar_height, gap;
  PangoLayout *layout;

  if (sn_report_chart_get_empty (self))
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS

  n_rows = sn_report_result_get_n_rows (self->report);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (area), NULL);

  for (guint r = 0; r < n_rows; r++)
    {
      g_autofree char *label = sn_report_result_dup_display (self->report, r, (guint)self->label_column, french);
      g_autofree char *value = sn_report_result_dup_display (self->report, r, (guint)self->value_column, french);
      int w, h;

      max = MAX (max, report_number (self->report, r, (guint)self->value_column));
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      label_width = MAX (label_width, w);
      pango_layout_set_text (layout, value, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      value_width = MAX (value_width, w);
    }

  label_width = MIN (label_width, width * 0.35);
  /* occupancy bars are out of 100 % */
  max = MAX (max, sn_report_result_get_chart_floor (self->report));

  gap = 8;
  bar_height = MIN (32, (height - gap * (n_rows - 1)) / (double)MAX (n_rows, 1));

  for (guint r = 0; r < n_rows; r++)
    draw_bar (self, cr, layout, &fg, &accent, r, r * (bar_height + gap), bar_height, label_width,
              MAX (0, width - (label_width + 12) - value_width - 12), max);

  g_object_unref (layout);
}

static void
sn_report_chart_dispose (GObject *object)
{
  SnReportChart *self = (SnReportChart *)object;

  g_clear_object (&self->report);

  G_OBJECT_CLASS (sn_report_chart_parent_class)->dispose (object);
}

static void
sn_report_chart_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SnReportChart *self = SN_REPORT_CHART (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      g_value_set_object (value, self->report);
      break;

    case PROP_EMPTY:
      g_value_set_boolean (value, sn_report_chart_get_empty (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_report_chart_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SnReportChart *self = SN_REPORT_CHART (object);

  switch (prop_id)
    {
    case PROP_REPORT:
      sn_report_chart_set_report (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_report_chart_class_init (SnReportChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_report_chart_dispose;
  object_class->get_property = sn_report_chart_get_property;
  object_class->set_property = sn_report_chart_set_property;

  properties[PROP_REPORT] =
    g_param_spec_object ("report", NULL, NULL, SN_TYPE_REPORT_RESULT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* TRUE when the report has nothing to draw: no report, or one without a chart. */
  properties[PROP_EMPTY] =
    g_param_spec_boolean ("empty", NULL, NULL, TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sn_report_chart_init (SnReportChart *self)
{
  self->label_column = -1;
  self->value_column = -1;
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_chart, NULL, NULL);
}

GtkWidget *
sn_report_chart_new (void)
{
  return g_object_new (SN_TYPE_REPORT_CHART, NULL);
}

/**
 * sn_report_chart_get_report:
 *
 * Returns: (transfer none) (nullable): the report drawn
 */
SnReportResult *
sn_report_chart_get_report (SnReportChart *self)
{
  g_return_val_if_fail (SN_IS_REPORT_CHART (self), NULL);

  return self->report;
}

/* TRUE when there is no bar to draw. */
gboolean
sn_report_chart_get_empty (SnReportChart *self)
{
  g_return_val_if_fail (SN_IS_REPORT_CHART (self), TRUE);

  return self->report == NULL || self->label_column < 0 || self->value_column < 0;
}

void
sn_report_chart_set_report (SnReportChart  *self,
                            SnReportResult *report)
{
  gboolean was_empty;

  g_return_if_fail (SN_IS_REPORT_CHART (self));
  g_return_if_fail (report == NULL || SN_IS_REPORT_RESULT (report));

  was_empty = sn_report_chart_get_empty (self);
  g_set_object (&self->report, report);
  self->label_column = -1;
  self->value_column = -1;
  if (report != NULL)
    sn_report_result_get_chart_columns (report, &self->label_column, &self->value_column);

  if (!sn_report_chart_get_empty (self))
    {
      guint bars = sn_report_result_get_n_rows (report);
      g_autofree char *description =
        g_strdup_printf (_("Bar chart of %s by %s"),
                         sn_report_result_get_column_label (report, (guint)self->value_column),
                         sn_report_result_get_column_label (report, (guint)self->label_column));

      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), (int)MIN (400, bars * 40));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORT]);
  if (was_empty != sn_report_chart_get_empty (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMPTY]);
}
