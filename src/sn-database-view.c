/* sn-database-view.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-database-view"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "sn-audit-log.h"
#include "sn-data-file.h"
#include "sn-sql-console.h"
#include "sn-backups-page.h"
#include "sn-database-view.h"

#define MAX_CELL_CHARS    200
#define MAX_HISTORY       200
#define ELAPSED_INTERVAL  100

struct _SnDatabaseView
{
  GtkWidget            parent_instance;

  SnProfile           *profile;
  SnDatabaseConnector *connector;
  GCancellable        *cancellable;         /* the view's: connect, reports */
  GCancellable        *report_cancellable;
  GCancellable        *query_cancellable;
  GCancellable        *export_cancellable;
  SnReportResult      *report;
  SnQueryResult       *result;
  GtkWindow           *dialog;
  GtkFileChooserNative *chooser;
  JsonNode            *store;                /* {"history": [...], "saved": [...]} */
  GObject             *sentinel_a;
  GObject             *sentinel_b;
  char                *report_id;
  char                *running_sql;
  char                *status;

  /* Template children */
  AdwToastOverlay     *toast_overlay;
  GtkInfoBar          *error_bar;
  GtkLabel            *error_label;
  GtkImage            *path_icon;
  GtkLabel            *path_label;
  GtkSpinner          *connect_spinner;
  GtkLabel            *read_only_label;
  GtkLabel            *restore_badge;
  AdwViewStack        *pages;
  AdwViewStackPage    *sql_page;
  GtkListBox          *report_list;
  GtkLabel            *report_title;
  GtkLabel            *report_description;
  GtkMenuButton       *from_button;
  GtkCalendar         *from_calendar;
  GtkToggleButton     *range_toggle;
  GtkMenuButton       *to_button;
  GtkCalendar         *to_calendar;
  GtkSpinner          *report_spinner;
  GtkLabel            *sql_label;
  GtkMenuButton       *show_sql_button;
  GtkMenuButton       *history_button;
  GtkMenuButton       *saved_button;
  GtkMenuButton       *export_menu_button;
  GtkStack            *report_stack;
  AdwStatusPage       *report_status;
  GtkFlowBox          *totals_box;
  GtkWidget           *chart_frame;
  GtkDrawingArea      *chart;
  GtkColumnView       *report_view;
  GtkStringList       *report_rows;
  GtkSourceView       *source_view;
  GtkSpinner          *query_spinner;
  GtkLabel            *elapsed_label;
  GtkListBox          *history_list;
  GtkPopover          *saved_popover;
  GtkEntry            *save_name_entry;
  GtkListBox          *saved_list;
  GtkToggleButton     *writes_toggle;
  GtkStack            *results_stack;
  AdwStatusPage       *results_status;
  GtkColumnView       *results_view;
  GtkLabel            *status_label;
  GtkProgressBar      *export_progress;
  GtkWidget           *export_cancel_button;

  GDate                from;
  GDate                to;
  gint64               query_started;
  guint                elapsed_id;
  int                  sort_probe;

  guint                connecting : 1;
  guint                cancelled : 1;
  guint                syncing_toggle : 1;
  guint                syncing_dates : 1;
};

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnDatabaseView, sn_database_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void sn_database_view_run_report  (SnDatabaseView *self);
static void sn_database_view_execute     (SnDatabaseView *self,
                                          const char     *sql,
                                             gboolean        confirmed,
                                             const char     *typed_name);
static void sn_database_view_update_actions (SnDatabaseView *self);

static const char css[] =
  ".database-header { padding: 6px 12px; }\n"
  ".database-pill { border-radius: 999px; padding: 2px 10px; font-size: 0.9em; font-weight: bold;"
  "  background-color: alpha(@success_color, 0.15); color: @success_color; }\n"
  ".database-pill.writes { background-color: alpha(@error_color, 0.15); color: @error_color; }\n"
  ".database-pill.restore-badge.warning { background-color: alpha(@warning_color, 0.18); color: @warning_color; }\n"
  ".database-pill.restore-badge.error { background-color: alpha(@error_color, 0.15); color: @error_color; }\n"
  ".database-statusbar { padding: 4px 12px; border-top: 1px solid alpha(currentColor, 0.15); }\n"
  ".database-total { padding: 12px 16px; }\n"
  ".database-total .value { font-size: 1.6em; font-weight: 800; }\n"
  ".database-null { opacity: 0.45; font-style: italic; }\n"
  ".database-total-row { font-weight: bold; }\n";

/* French conventions for the reports ("1 234,50 €") when the locale writes a
 * decimal comma: the locale decides, as for every number the app shows. */
static gboolean
use_french (void)
{
  return sn_format_uses_decimal_comma ();
}

static GtkWindow *
parent_window (SnDatabaseView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (SnDatabaseView *self,
       const char     *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error (SnDatabaseView *self,
            const GError   *error)
{
  g_autofree char *advice = NULL;

  if (error == NULL)
    {
      gtk_info_bar_set_revealed (self->error_bar, FALSE);
      return;
    }

  advice = sn_database_error_dup_advice (error);
  gtk_label_set_text (self->error_label, advice);
  gtk_info_bar_set_revealed (self->error_bar, TRUE);
}

static void
error_bar_response_cb (SnDatabaseView *self,
                       int             response,
                       GtkInfoBar     *bar)
{
  gtk_info_bar_set_revealed (bar, FALSE);
}

static void
set_status (SnDatabaseView *self,
            const char     *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
}

static char *
format_count (guint64 n)
{
  return sn_format_count ((gint64) MIN (n, (guint64) G_MAXINT64));
}

static char *
format_seconds (gint64 usec)
{
  g_autofree char *number = sn_format_decimal (usec / 1e6, 1);

  /* Translators: a duration in seconds, e.g. "2.4 s" */
  return g_strdup_printf (_("%s s"), number);
}

/* ------------------------------------------------------------------------ */
/* Header and actions                                                       */

static gboolean
is_admin (SnDatabaseView *self)
{
  return self->profile != NULL &&
         sn_profile_get_safety_level (self->profile) == SN_SAFETY_LEVEL_ADMIN;
}

/* The "last verified restore" badge: date and result of the last restore
 * test of the profile; amber when older than 35 days or never run, red when
 * it failed. Everyone sees it, read-only profiles included. */
static void
update_restore_badge (SnDatabaseView *self)
{
  g_autoptr(SnRestoreTestResult) result = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tooltip = NULL;
  const char *klass = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->restore_badge), self->profile != NULL);
  if (self->profile == NULL)
    return;

  result = sn_backup_service_get_last_restore_test (sn_profile_get_name (self->profile));
  text = sn_restore_badge_dup_text (result, NULL, &klass);
  gtk_label_set_text (self->restore_badge, text);
  gtk_widget_remove_css_class (GTK_WIDGET (self->restore_badge), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (self->restore_badge), "error");
  if (!g_str_equal (klass, "success"))
    gtk_widget_add_css_class (GTK_WIDGET (self->restore_badge), klass);

  if (result == NULL)
    tooltip = g_strdup (_("No backup of this profile has been restored as a test yet. "
                          "Run the monthly restore test from the Backups page."));
  else if (g_str_equal (klass, "warning"))
    tooltip = g_strdup_printf (_("%s\nThe last test is over %d days old: run the monthly restore test."),
                               sn_restore_test_result_get_summary (result), SN_RESTORE_TEST_STALE_DAYS);
  else
    tooltip = g_strdup (sn_restore_test_result_get_summary (result));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->restore_badge), tooltip);
}

static void
update_header (SnDatabaseView *self)
{
  SnDatabasePath path = self->connector != NULL ? sn_database_connector_get_path (self->connector)
                                                : SN_DATABASE_PATH_NONE;
  gboolean read_only = self->connector == NULL || sn_database_connector_get_read_only (self->connector);
  const char *icon = "network-offline-symbolic";

  if (self->connecting)
    gtk_label_set_text (self->path_label, _("Connecting to the database…"));
  else
    gtk_label_set_text (self->path_label, self->connector != NULL
                                            ? sn_database_connector_get_path_label (self->connector)
                                            : sn_database_path_get_label (path));

  switch (path)
    {
    case SN_DATABASE_PATH_DIRECT:
      icon = "network-wired-symbolic";
      break;
    case SN_DATABASE_PATH_TUNNEL:
      icon = "channel-secure-symbolic";
      break;
    case SN_DATABASE_PATH_PSQL_EXEC:
      icon = "utilities-terminal-symbolic";
      break;
    case SN_DATABASE_PATH_NONE:
    default:
      break;
    }
  gtk_image_set_from_icon_name (self->path_icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->connect_spinner), self->connecting);
  gtk_spinner_set_spinning (self->connect_spinner, self->connecting);

  gtk_label_set_text (self->read_only_label, read_only ? _("Read-only") : _("Writes allowed"));
  if (read_only)
    gtk_widget_remove_css_class (GTK_WIDGET (self->read_only_label), "writes");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->read_only_label), "writes");

  adw_view_stack_page_set_visible (self->sql_page,
                                   self->profile != NULL &&
                                   sn_profile_get_safety_level (self->profile) != SN_SAFETY_LEVEL_READ_ONLY);
  gtk_widget_set_visible (GTK_WIDGET (self->writes_toggle), is_admin (self));

  self->syncing_toggle = TRUE;
  gtk_toggle_button_set_active (self->writes_toggle, !read_only);
  self->syncing_toggle = FALSE;

  sn_database_view_update_actions (self);
}

static void
sn_database_view_update_actions (SnDatabaseView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean connected = self->connector != NULL &&
                       sn_database_connector_get_path (self->connector) != SN_DATABASE_PATH_NONE;
  gboolean running = self->result != NULL && sn_query_result_get_loading (self->result);
  gboolean exporting = self->export_cancellable != NULL;

  gtk_widget_action_set_enabled (widget, "database.run", connected && !running);
  gtk_widget_action_set_enabled (widget, "database.explain", connected && !running);
  gtk_widget_action_set_enabled (widget, "database.cancel", running);
  gtk_widget_action_set_enabled (widget, "database.export-result",
                                 self->result != NULL && !running &&
                                 sn_query_result_get_n_columns (self->result) > 0);
  gtk_widget_action_set_enabled (widget, "database.export-query",
                                 connected && !exporting && self->running_sql != NULL);
  gtk_widget_action_set_enabled (widget, "database.cancel-export", exporting);
  gtk_widget_action_set_enabled (widget, "database.export-report", self->report != NULL);
  gtk_widget_action_set_enabled (widget, "database.reconnect", self->profile != NULL && !self->connecting);
}

/* ------------------------------------------------------------------------ */
/* Connection                                                               */

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnDatabaseView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sn_database_connector_connect_finish (SN_DATABASE_CONNECTOR (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (SN_DATABASE_CONNECTOR (object) != self->connector)
        return;

      self->connecting = FALSE;
      update_header (self);
      show_error (self, error);
      adw_status_page_set_title (self->report_status, _("Cannot Reach the Database"));
      adw_status_page_set_description (self->report_status, gtk_label_get_text (self->error_label));
      adw_status_page_set_icon_name (self->report_status, "network-error-symbolic");
      gtk_widget_set_visible (GTK_WIDGET (self->report_spinner), FALSE);
      gtk_stack_set_visible_child_name (self->report_stack, "empty");
      return;
    }

  if (SN_DATABASE_CONNECTOR (object) != self->connector)
    return;

  self->connecting = FALSE;
  show_error (self, NULL);
  update_header (self);
  sn_database_view_run_report (self);
}

static void
sn_database_view_connect (SnDatabaseView *self)
{
  if (self->connector != NULL)
    sn_database_connector_disconnect (self->connector);
  g_clear_object (&self->connector);

  if (self->profile == NULL)
    {
      update_header (self);
      return;
    }

  self->connector = sn_database_connector_new (self->profile, NULL);
  g_signal_connect_object (self->connector, "notify::read-only",
                           G_CALLBACK (update_header), self, G_CONNECT_SWAPPED);
  self->connecting = TRUE;
  update_header (self);

  gtk_widget_set_visible (GTK_WIDGET (self->report_spinner), TRUE);
  gtk_spinner_set_spinning (self->report_spinner, TRUE);
  sn_database_connector_connect_async (self->connector, self->cancellable, connect_cb,
                                       g_object_ref (self));
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  gtk_info_bar_set_revealed (self->error_bar, FALSE);
  sn_database_view_connect (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  update_restore_badge (self);

  if (self->connector == NULL || sn_database_connector_get_path (self->connector) == SN_DATABASE_PATH_NONE)
    sn_database_view_connect (self);
  else
    sn_database_view_run_report (self);
}

/* ------------------------------------------------------------------------ */
/* Reports                                                                  */

static void
update_date_buttons (SnDatabaseView *self)
{
  char buf[64];

  g_date_strftime (buf, sizeof buf, "%e %b %Y", &self->from);
  gtk_menu_button_set_label (self->from_button, g_strstrip (buf));
  g_date_strftime (buf, sizeof buf, "%e %b %Y", &self->to);
  gtk_menu_button_set_label (self->to_button, g_strstrip (buf));
}

static GDateTime *
date_to_datetime (const GDate *date)
{
  return g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                g_date_get_day (date), 12, 0, 0);
}

static void
sync_calendars (SnDatabaseView *self)
{
  g_autoptr(GDateTime) from = date_to_datetime (&self->from);
  g_autoptr(GDateTime) to = date_to_datetime (&self->to);

  self->syncing_dates = TRUE;
  gtk_calendar_select_day (self->from_calendar, from);
  gtk_calendar_select_day (self->to_calendar, to);
  self->syncing_dates = FALSE;
  update_date_buttons (self);
}

static void
calendar_to_date (GtkCalendar *calendar,
                  GDate       *date)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);

  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay)g_date_time_get_day_of_month (day),
                  (GDateMonth)g_date_time_get_month (day),
                  (GDateYear)g_date_time_get_year (day));
}

static void
from_day_selected_cb (SnDatabaseView *self,
                      GtkCalendar    *calendar)
{
  if (self->syncing_dates)
    return;

  calendar_to_date (calendar, &self->from);
  if (!gtk_toggle_button_get_active (self->range_toggle) || g_date_compare (&self->to, &self->from) < 0)
    self->to = self->from;
  sync_calendars (self);
  gtk_menu_button_popdown (self->from_button);
  sn_database_view_run_report (self);
}

static void
to_day_selected_cb (SnDatabaseView *self,
                    GtkCalendar    *calendar)
{
  if (self->syncing_dates)
    return;

  calendar_to_date (calendar, &self->to);
  if (g_date_compare (&self->to, &self->from) < 0)
    self->from = self->to;
  sync_calendars (self);
  gtk_menu_button_popdown (self->to_button);
  sn_database_view_run_report (self);
}

static void
range_toggled_cb (SnDatabaseView  *self,
                  GtkToggleButton *toggle)
{
  if (!gtk_toggle_button_get_active (toggle) && g_date_compare (&self->to, &self->from) != 0)
    {
      self->to = self->from;
      sync_calendars (self);
      sn_database_view_run_report (self);
    }
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  sn_reports_paris_today (&self->from);
  self->to = self->from;
  gtk_toggle_button_set_active (self->range_toggle, FALSE);
  sync_calendars (self);
  sn_database_view_run_report (self);
}

/* Which columns the chart shows, for reports where a picture helps. */
static gboolean
chart_columns (SnDatabaseView *self,
               int            *label_column,
               int            *value_column)
{
  const char *id;

  if (self->report == NULL || sn_report_result_get_n_rows (self->report) == 0)
    return FALSE;

  id = sn_report_result_get_id (self->report);
  if (g_str_equal (id, SN_REPORT_BOOKINGS_PER_BOAT))
    {
      *label_column = sn_report_result_find_column (self->report, "boat");
      *value_column = sn_report_result_find_column (self->report, "bookings");
    }
  else if (g_str_equal (id, SN_REPORT_OCCUPANCY))
    {
      *label_column = sn_report_result_find_column (self->report, "boat");
      *value_column = sn_report_result_find_column (self->report, "occupancy");
    }
  else if (g_str_equal (id, SN_REPORT_PAYMENTS_BY_PROVIDER))
    {
      *label_column = sn_report_result_find_column (self->report, "provider");
      *value_column = sn_report_result_find_column (self->report, "amount");
    }
  else if (sn_report_result_get_n_rows (self->report) > 1)
    {
      *label_column = sn_report_result_find_column (self->report, "day");
      *value_column = sn_report_result_find_column (self->report,
                                                    g_str_equal (id, SN_REPORT_REVENUE_TODAY) ? "revenue"
                                                                                              : "bookings");
    }
  else
    return FALSE;

  return *label_column >= 0 && *value_column >= 0;
}

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
draw_chart (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  SnDatabaseView *self = user_data;
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (area));
  gboolean french = use_french ();
  GdkRGBA fg, accent;
  int label_column, value_column;
  guint n_rows;
  double max = 0;
  double label_width = 0;
  double value_width = 0;
  double bar_height, gap;
  PangoLayout *layout;

  if (!chart_columns (self, &label_column, &value_column))
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
      g_autofree char *label = sn_report_result_dup_display (self->report, r, label_column, french);
      g_autofree char *value = sn_report_result_dup_display (self->report, r, value_column, french);
      int w, h;

      max = MAX (max, report_number (self->report, r, value_column));
      pango_layout_set_text (layout, label, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      label_width = MAX (label_width, w);
      pango_layout_set_text (layout, value, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      value_width = MAX (value_width, w);
    }

  label_width = MIN (label_width, width * 0.35);
  if (g_str_equal (sn_report_result_get_id (self->report), SN_REPORT_OCCUPANCY))
    max = MAX (max, 1.0);     /* occupancy bars are out of 100 % */

  gap = 8;
  bar_height = MIN (32, (height - gap * (n_rows - 1)) / (double)MAX (n_rows, 1));

  for (guint r = 0; r < n_rows; r++)
    {
      g_autofree char *label = sn_report_result_dup_display (self->report, r, label_column, french);
      g_autofree char *value = sn_report_result_dup_display (self->report, r, value_column, french);
      double y = r * (bar_height + gap);
      double x0 = label_width + 12;
      double available = MAX (0, width - x0 - value_width - 12);
      double length = max > 0 ? available * report_number (self->report, r, value_column) / max : 0;
      int w, h;

      /* track */
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.08);
      cairo_rectangle (cr, x0, y, available, bar_height);
      cairo_fill (cr);

      /* bar */
      gdk_cairo_set_source_rgba (cr, &accent);
      cairo_rectangle (cr, x0, y, length, bar_height);
      cairo_fill (cr);

      gdk_cairo_set_source_rgba (cr, &fg);
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

  g_object_unref (layout);
}

static void
report_cell_setup_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
report_cell_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     SnDatabaseView           *self)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  GtkStringObject *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char *key = gtk_string_object_get_string (row);
  SnReportValueKind kind;
  g_autofree char *text = NULL;

  if (self->report == NULL || column >= sn_report_result_get_n_columns (self->report))
    return;

  kind = sn_report_result_get_column_kind (self->report, column);
  if (g_str_equal (key, "total"))
    {
      text = sn_report_result_dup_total_display (self->report, column, use_french ());
      if (column == 0 && *text == '\0')
        {
          g_free (text);
          text = g_strdup (_("Total"));
        }
      gtk_widget_add_css_class (GTK_WIDGET (label), "database-total-row");
    }
  else
    {
      text = sn_report_result_dup_display (self->report, (guint)atoi (key), column, use_french ());
      gtk_widget_remove_css_class (GTK_WIDGET (label), "database-total-row");
    }

  gtk_label_set_xalign (label, (kind == SN_REPORT_VALUE_INT || kind == SN_REPORT_VALUE_CENTS ||
                                kind == SN_REPORT_VALUE_RATIO) ? 1.0 : 0.0);
  if (kind != SN_REPORT_VALUE_TEXT)
    gtk_widget_add_css_class (GTK_WIDGET (label), "numeric");
  gtk_label_set_text (label, text);
}

static void
clear_columns (GtkColumnView *view)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (view, column);
    }
}

static void
show_report (SnDatabaseView *self)
{
  guint n_columns = sn_report_result_get_n_columns (self->report);
  guint n_rows = sn_report_result_get_n_rows (self->report);
  gboolean any_total = FALSE;
  gboolean french = use_french ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GtkWidget *child;
  int label_column, value_column;

  clear_columns (self->report_view);
  for (guint c = 0; c < n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (report_cell_setup_cb), NULL);
      g_signal_connect_object (factory, "bind", G_CALLBACK (report_cell_bind_cb), self, 0);
      column = gtk_column_view_column_new (sn_report_result_get_column_label (self->report, c), factory);
      gtk_column_view_column_set_expand (column, sn_report_result_get_column_kind (self->report, c) ==
                                                  SN_REPORT_VALUE_TEXT);
      gtk_column_view_append_column (self->report_view, column);
      g_object_unref (column);
    }

  /* Totals as cards, and as the table's last row. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->totals_box))) != NULL)
    gtk_flow_box_remove (self->totals_box, child);

  for (guint c = 0; c < n_columns; c++)
    {
      g_autofree char *total = sn_report_result_dup_total_display (self->report, c, french);
      g_autofree char *accessible = NULL;
      GtkWidget *card, *box, *value, *caption;

      if (*total == '\0')
        continue;

      any_total = TRUE;
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_widget_add_css_class (box, "database-total");
      value = gtk_label_new (total);
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_widget_add_css_class (value, "value");
      gtk_widget_add_css_class (value, "numeric");
      caption = gtk_label_new (sn_report_result_get_column_label (self->report, c));
      gtk_label_set_xalign (GTK_LABEL (caption), 0);
      gtk_widget_add_css_class (caption, "dim-label");
      gtk_box_append (GTK_BOX (box), value);
      gtk_box_append (GTK_BOX (box), caption);
      card = gtk_frame_new (NULL);
      gtk_widget_add_css_class (card, "card");
      gtk_frame_set_child (GTK_FRAME (card), box);
      accessible = g_strdup_printf ("%s: %s", sn_report_result_get_column_label (self->report, c), total);
      gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      gtk_flow_box_append (self->totals_box, card);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->totals_box), any_total);

  for (guint r = 0; r < n_rows; r++)
    g_ptr_array_add (keys, g_strdup_printf ("%u", r));
  if (any_total && n_rows > 1)
    g_ptr_array_add (keys, g_strdup ("total"));
  g_ptr_array_add (keys, NULL);
  gtk_string_list_splice (self->report_rows, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->report_rows)),
                          (const char * const *)keys->pdata);

  gtk_widget_set_visible (self->chart_frame, chart_columns (self, &label_column, &value_column));
  if (gtk_widget_get_visible (self->chart_frame))
    {
      guint bars = sn_report_result_get_n_rows (self->report);
      g_autofree char *description = g_strdup_printf (_("Bar chart of %s by %s"),
                                                      sn_report_result_get_column_label (self->report, value_column),
                                                      sn_report_result_get_column_label (self->report, label_column));

      gtk_drawing_area_set_content_height (self->chart, (int)MIN (400, bars * 40));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->chart), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      description, -1);
      gtk_widget_queue_draw (GTK_WIDGET (self->chart));
    }

  if (n_rows == 0)
    {
      adw_status_page_set_icon_name (self->report_status, "x-office-spreadsheet-symbolic");
      adw_status_page_set_title (self->report_status, _("Nothing on These Days"));
      adw_status_page_set_description (self->report_status, _("The report has no rows for the days chosen."));
      gtk_stack_set_visible_child_name (self->report_stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->report_stack, "report");
}

static void
report_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnDatabaseView) self = user_data;
  g_autoptr(GError) error = NULL;
  SnReportResult *report;

  report = sn_database_connector_run_report_finish (SN_DATABASE_CONNECTOR (object), result, &error);
  if (report == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_set_spinning (self->report_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->report_spinner), FALSE);

  if (report == NULL)
    {
      show_error (self, error);
      adw_status_page_set_icon_name (self->report_status, "dialog-error-symbolic");
      adw_status_page_set_title (self->report_status, _("The Report Failed"));
      adw_status_page_set_description (self->report_status, gtk_label_get_text (self->error_label));
      gtk_stack_set_visible_child_name (self->report_stack, "empty");
      return;
    }

  show_error (self, NULL);
  g_clear_object (&self->report);
  self->report = report;
  show_report (self);
  sn_database_view_update_actions (self);
}

static void
sn_database_view_run_report (SnDatabaseView *self)
{
  g_autofree char *sql = NULL;

  if (self->report_id == NULL)
    return;

  gtk_label_set_text (self->report_title, sn_reports_get_title (self->report_id));
  gtk_label_set_text (self->report_description, sn_reports_get_description (self->report_id));
  sql = sn_reports_dup_sql_for_days (self->report_id, &self->from, &self->to);
  gtk_label_set_text (self->sql_label, sql);

  if (self->connector == NULL || sn_database_connector_get_path (self->connector) == SN_DATABASE_PATH_NONE)
    return;

  g_cancellable_cancel (self->report_cancellable);
  g_clear_object (&self->report_cancellable);
  self->report_cancellable = g_cancellable_new ();

  gtk_widget_set_visible (GTK_WIDGET (self->report_spinner), TRUE);
  gtk_spinner_set_spinning (self->report_spinner, TRUE);
  sn_database_connector_run_report_async (self->connector, self->report_id, &self->from, &self->to,
                                          self->report_cancellable, report_cb, g_object_ref (self));
}

static void
report_selected_cb (SnDatabaseView *self,
                    GtkListBoxRow  *row,
                    GtkListBox     *list)
{
  const char *id;

  if (row == NULL)
    return;

  id = g_object_get_data (G_OBJECT (row), "report-id");
  if (g_strcmp0 (id, self->report_id) == 0)
    return;

  g_free (self->report_id);
  self->report_id = g_strdup (id);
  g_clear_object (&self->report);
  sn_database_view_run_report (self);
}

static void
populate_report_list (SnDatabaseView *self)
{
  const char * const *ids = sn_reports_get_ids ();

  for (guint i = 0; ids[i] != NULL; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *title = gtk_label_new (sn_reports_get_title (ids[i]));

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_box_append (GTK_BOX (box), title);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      g_object_set_data_full (G_OBJECT (row), "report-id", g_strdup (ids[i]), g_free);
      gtk_widget_set_tooltip_text (row, sn_reports_get_description (ids[i]));
      gtk_list_box_append (self->report_list, row);
    }
}

/* Customer data: 0600, atomic and durable (sn_data_file_replace, M8). */
static gboolean
replace_file (GFile       *file,
              const char  *data,
              gsize        size,
              GError     **error)
{
  return sn_data_file_replace (file, data, size, NULL, error);
}

static void
saved_toast (SnDatabaseView *self,
             GFile          *file,
             guint64         rows)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *count = format_count (rows);
  g_autofree char *message = NULL;

  /* Translators: a toast after a CSV export; %s is a number of rows, then a file path */
  message = g_strdup_printf (_("Saved %s rows to %s"), count, path);
  toast (self, message);
}

typedef void (*ChooserFunc) (SnDatabaseView *self,
                             GFile          *file);

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     SnDatabaseView  *self)
{
  ChooserFunc func = g_object_get_data (G_OBJECT (dialog), "func");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      func (self, file);
    }

  g_clear_object (&self->chooser);
}

static void
choose_file (SnDatabaseView *self,
             const char     *title,
             const char     *name,
             ChooserFunc     func)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, parent_window (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_object_set_data (G_OBJECT (self->chooser), "func", func);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
export_report_to (SnDatabaseView *self,
                  GFile          *file)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  SnCsvFlags flags = self->profile != NULL ? sn_csv_flags_for_profile (self->profile)
                                            : SN_CSV_SPREADSHEET_SAFE;

  if (!sn_report_result_write_csv (self->report, flags, out, NULL, &error) ||
      !g_output_stream_close (out, NULL, &error) ||
      !replace_file (file, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                     g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)), &error))
    {
      show_error (self, error);
      return;
    }

  saved_toast (self, file, sn_report_result_get_n_rows (self->report));
}

static void
export_report_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);
  g_autofree char *name = NULL;
  char day[16];

  if (self->report == NULL)
    return;

  g_date_strftime (day, sizeof day, "%Y-%m-%d", &self->from);
  name = g_strdup_printf ("%s-%s.csv", sn_report_result_get_id (self->report), day);
  choose_file (self, _("Export the Report as CSV"), name, export_report_to);
}

/* ------------------------------------------------------------------------ */
/* History and saved queries: $XDG_DATA_HOME/narcisse-admin/sql-history/<profile>.json */

static char *
store_path (SnDatabaseView *self)
{
  g_autofree char *name = g_strdup_printf ("%s.json", sn_profile_get_name (self->profile));

  return g_build_filename (g_get_user_data_dir (), "narcisse-admin", "sql-history", name, NULL);
}

static JsonArray *
store_array (SnDatabaseView *self,
             const char     *member)
{
  JsonObject *object = json_node_get_object (self->store);

  if (!json_object_has_member (object, member) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, member)))
    json_object_set_array_member (object, member, json_array_new ());

  return json_object_get_array_member (object, member);
}

static void
load_store (SnDatabaseView *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = NULL;

  g_clear_pointer (&self->store, json_node_unref);

  if (self->profile != NULL)
    {
      path = store_path (self);
      if (json_parser_load_from_file (parser, path, NULL) &&
          JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        self->store = json_node_copy (json_parser_get_root (parser));
    }

  if (self->store == NULL)
    {
      self->store = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (self->store, json_object_new ());
    }
}

static void
save_store (SnDatabaseView *self)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;

  if (self->profile == NULL || self->store == NULL)
    return;

  path = store_path (self);
  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, self->store);
  text = json_generator_to_data (generator, NULL);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Could not save the SQL history: %s", error->message);
}

static GtkWidget *
query_row_new (const char *title,
               const char *sql)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  g_autofree char *one_line = g_strdup (sql);
  GtkWidget *label;

  g_strdelimit (one_line, "\n\t", ' ');
  if (title != NULL)
    {
      label = gtk_label_new (title);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "heading");
      gtk_box_append (GTK_BOX (box), label);
    }
  label = gtk_label_new (one_line);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_widget_add_css_class (label, "monospace");
  if (title != NULL)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "sql", g_strdup (sql), g_free);
  gtk_widget_set_tooltip_text (row, sql);

  return row;
}

static void
fill_query_list (GtkListBox *list,
                 JsonArray  *array,
                 gboolean    named,
                 const char *empty)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);
      const char *sql = json_object_get_string_member_with_default (entry, "sql", NULL);

      if (sql == NULL)
        continue;
      gtk_list_box_append (list, query_row_new (named ? json_object_get_string_member_with_default (entry, "name", "")
                                                      : NULL, sql));
    }

  if (json_array_get_length (array) == 0)
    {
      GtkWidget *label = gtk_label_new (empty);

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_list_box_set_placeholder (list, label);
    }
}

static void
update_query_lists (SnDatabaseView *self)
{
  fill_query_list (self->history_list, store_array (self, "history"), FALSE,
                   _("Queries you run appear here."));
  fill_query_list (self->saved_list, store_array (self, "saved"), TRUE,
                   _("Name the current query above to keep it."));
}

static void
add_history (SnDatabaseView *self,
             const char     *sql)
{
  JsonArray *history = store_array (self, "history");
  JsonArray *updated = json_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "sql", sql);
  json_object_set_string_member (entry, "time", g_date_time_format_iso8601 (now));
  json_array_add_object_element (updated, entry);

  for (guint i = 0; i < json_array_get_length (history) && json_array_get_length (updated) < MAX_HISTORY; i++)
    {
      JsonObject *old = json_array_get_object_element (history, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (old, "sql", NULL), sql) != 0)
        json_array_add_object_element (updated, json_object_ref (old));
    }

  json_object_set_array_member (json_node_get_object (self->store), "history", updated);
  save_store (self);
  update_query_lists (self);
}

static char *
editor_text (SnDatabaseView *self,
             gboolean        selection_only)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
  GtkTextIter start, end;

  if (!selection_only || !gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    gtk_text_buffer_get_bounds (buffer, &start, &end);

  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
save_query_cb (SnDatabaseView *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->save_name_entry));
  g_autofree char *sql = editor_text (self, FALSE);
  JsonObject *entry;

  if (name == NULL || *name == '\0' || *sql == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->save_name_entry));
      return;
    }

  entry = json_object_new ();
  json_object_set_string_member (entry, "name", name);
  json_object_set_string_member (entry, "sql", sql);
  json_array_add_object_element (store_array (self, "saved"), entry);
  save_store (self);
  update_query_lists (self);
  gtk_editable_set_text (GTK_EDITABLE (self->save_name_entry), "");
  toast (self, _("Query saved"));
}

static void
load_query_row (SnDatabaseView *self,
                GtkListBoxRow  *row)
{
  const char *sql = g_object_get_data (G_OBJECT (row), "sql");
  GtkWidget *popover;

  if (sql == NULL)
    return;

  sn_database_view_set_sql (self, sql);
  popover = gtk_widget_get_ancestor (GTK_WIDGET (row), GTK_TYPE_POPOVER);
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

static void
history_row_activated_cb (SnDatabaseView *self,
                          GtkListBoxRow  *row,
                          GtkListBox     *list)
{
  load_query_row (self, row);
}

static void
saved_row_activated_cb (SnDatabaseView *self,
                        GtkListBoxRow  *row,
                        GtkListBox     *list)
{
  load_query_row (self, row);
}

/* ------------------------------------------------------------------------ */
/* Results                                                                  */

static void
result_cell_setup_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (label, 4);
  gtk_widget_set_margin_end (label, 4);
  gtk_list_item_set_child (item, label);
}

static void
result_cell_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item,
                     gpointer                  user_data)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  SnQueryRow *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  SnQueryResult *result = sn_query_row_get_result (row);
  guint index = sn_query_row_get_index (row);
  g_autofree char *text = NULL;

  if (sn_query_result_is_null (result, index, column))
    {
      gtk_label_set_text (GTK_LABEL (label), "NULL");
      gtk_widget_add_css_class (label, "database-null");
    }
  else
    {
      text = sn_query_row_dup_display (row, column, MAX_CELL_CHARS);
      gtk_label_set_text (GTK_LABEL (label), text);
      gtk_widget_remove_css_class (label, "database-null");
    }

  gtk_label_set_xalign (GTK_LABEL (label),
                        sn_query_result_get_column_kind (result, column) == SN_COLUMN_KIND_NUMBER ? 1.0 : 0.0);
  g_object_set_data (G_OBJECT (label), "sn-row", GUINT_TO_POINTER (index + 1));
  g_object_set_data (G_OBJECT (label), "sn-column", GUINT_TO_POINTER (column + 1));
}

/* The sort order the person clicked, found through the column sorters:
 * comparing two sentinels calls the primary column's sorter first. */
static int
column_sorter_compare (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  SnDatabaseView *self = g_object_get_data (G_OBJECT (user_data), "view");

  if (self != NULL && a == (gpointer)self->sentinel_a && self->sort_probe < 0)
    {
      self->sort_probe = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (user_data), "column"));
      return GTK_ORDERING_SMALLER;
    }

  return GTK_ORDERING_EQUAL;
}

static void
sorter_changed_cb (SnDatabaseView  *self,
                   GtkSorterChange  change,
                   GtkSorter       *sorter)
{
  GtkOrdering order;
  int column;

  if (self->result == NULL)
    return;

  self->sort_probe = -1;
  order = gtk_sorter_compare (sorter, self->sentinel_a, self->sentinel_b);
  column = self->sort_probe;
  self->sort_probe = -1;

  if (!sn_query_result_sort (self->result, column, order == GTK_ORDERING_LARGER))
    set_status (self, _("Wait for every row before sorting."));
}

static void
build_result_columns (SnDatabaseView *self)
{
  guint n_columns = sn_query_result_get_n_columns (self->result);

  clear_columns (self->results_view);
  for (guint c = 0; c < n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkCustomSorter *sorter;
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (result_cell_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (result_cell_bind_cb), NULL);
      column = gtk_column_view_column_new (sn_query_result_get_column_name (self->result, c), factory);
      sorter = gtk_custom_sorter_new (column_sorter_compare, NULL, NULL);
      g_object_set_data (G_OBJECT (sorter), "view", self);
      g_object_set_data (G_OBJECT (sorter), "column", GINT_TO_POINTER (c));
      gtk_custom_sorter_set_sort_func (sorter, column_sorter_compare, sorter, NULL);
      gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->results_view, column);
      g_object_unref (sorter);
      g_object_unref (column);
    }
}

static void
update_result_status (SnDatabaseView *self)
{
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  guint n_rows;

  if (self->result == NULL)
    return;

  n_rows = sn_query_result_get_n_rows (self->result);
  count = format_count (n_rows);

  if (sn_query_result_get_loading (self->result))
    /* Translators: while rows arrive; %s is a number. The total is not known yet. */
    text = g_strdup_printf (_("%s of ? rows…"), count);
  else if (self->cancelled)
    text = g_strdup_printf (_("Cancelled after %s rows"), count);
  else
    {
      g_autofree char *seconds = format_seconds (sn_query_result_get_elapsed_usec (self->result));

      if (sn_query_result_get_n_columns (self->result) == 0)
        text = g_strdup_printf ("%s — %s",
                                sn_query_result_get_command_tag (self->result) != NULL
                                  ? sn_query_result_get_command_tag (self->result) : _("Done"),
                                seconds);
      else
        /* Translators: %s rows in %s (a duration) */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row in %s", "%s rows in %s", n_rows),
                                count, seconds);
    }

  set_status (self, text);
}

static void
columns_cb (SnDatabaseView *self)
{
  if (sn_query_result_get_n_columns (self->result) > 0)
    {
      build_result_columns (self);
      gtk_stack_set_visible_child_name (self->results_stack, "results");
    }
}

static gboolean
elapsed_cb (gpointer data)
{
  SnDatabaseView *self = data;
  g_autofree char *text = format_seconds (g_get_monotonic_time () - self->query_started);

  gtk_label_set_text (self->elapsed_label, text);

  return G_SOURCE_CONTINUE;
}

static void
stop_running_ui (SnDatabaseView *self)
{
  g_clear_handle_id (&self->elapsed_id, g_source_remove);
  gtk_spinner_set_spinning (self->query_spinner, FALSE);
  if (self->query_started > 0)
    elapsed_cb (self);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SnDatabaseView) self = user_data;
  g_autoptr(GError) error = NULL;
  SnQueryResult *query = SN_QUERY_RESULT (object);

  if (query != self->result)
    return;

  stop_running_ui (self);

  if (!sn_query_result_wait_finish (query, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancelled)
        {
          self->cancelled = TRUE;
          if (sn_query_result_get_n_rows (query) == 0)
            {
              adw_status_page_set_icon_name (self->results_status, "process-stop-symbolic");
              adw_status_page_set_title (self->results_status, _("Cancelled"));
              adw_status_page_set_description (self->results_status,
                                               _("The statement was stopped. Nothing it would have written was kept."));
              gtk_stack_set_visible_child_name (self->results_stack, "empty");
            }
          update_result_status (self);
          if (sn_query_result_get_n_rows (query) == 0)
            set_status (self, _("Cancelled"));
        }
      else
        {
          /* The error once: in place of the results when there are none,
           * else in the bar above the rows that came; the status line only
           * says it failed. */
          set_status (self, _("The statement failed"));
          if (sn_query_result_get_n_rows (query) == 0)
            {
              g_autofree char *advice = sn_database_error_dup_advice (error);

              show_error (self, NULL);
              adw_status_page_set_icon_name (self->results_status, "dialog-error-symbolic");
              adw_status_page_set_title (self->results_status, _("The Statement Failed"));
              adw_status_page_set_description (self->results_status, advice);
              gtk_stack_set_visible_child_name (self->results_stack, "empty");
            }
          else
            show_error (self, error);
        }
    }
  else
    {
      show_error (self, NULL);
      update_result_status (self);
      if (sn_query_result_get_n_columns (query) == 0)
        {
          adw_status_page_set_icon_name (self->results_status, "emblem-ok-symbolic");
          adw_status_page_set_title (self->results_status,
                                     sn_query_result_get_command_tag (query) != NULL
                                       ? sn_query_result_get_command_tag (query) : _("Done"));
          adw_status_page_set_description (self->results_status, NULL);
          gtk_stack_set_visible_child_name (self->results_stack, "empty");
        }
    }

  /* The audit lines, before and after, come from sn_sql_console_start(). */
  sn_database_view_update_actions (self);
}

static void
sn_database_view_execute (SnDatabaseView *self,
                          const char     *sql,
                          gboolean        confirmed,
                          const char     *typed_name)
{
  g_autoptr(GtkSingleSelection) selection = NULL;
  g_autoptr(SnQueryResult) started = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  if (self->connector == NULL)
    return;

  /* Confirmations and the "started" audit line are checked in core first:
   * when they fail, nothing is sent and the editor says why. */
  started = sn_sql_console_start (self->connector, NULL, sql, confirmed, typed_name,
                                  cancellable, &error);
  if (started == NULL)
    {
      show_error (self, error);
      return;
    }

  g_free (self->running_sql);
  self->running_sql = g_strdup (sql);
  add_history (self, sql);

  if (self->result != NULL)
    g_signal_handlers_disconnect_by_data (self->result, self);
  g_clear_object (&self->result);
  g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
  self->query_cancellable = g_steal_pointer (&cancellable);
  self->cancelled = FALSE;
  show_error (self, NULL);

  gtk_column_view_set_model (self->results_view, NULL);
  clear_columns (self->results_view);

  self->query_started = g_get_monotonic_time ();
  self->result = g_steal_pointer (&started);

  selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->result)));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  gtk_column_view_set_model (self->results_view, GTK_SELECTION_MODEL (selection));

  g_signal_connect_object (self->result, "notify::n-columns", G_CALLBACK (columns_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->result, "notify::n-rows", G_CALLBACK (update_result_status), self,
                           G_CONNECT_SWAPPED);
  if (sn_query_result_get_n_columns (self->result) > 0)
    columns_cb (self);

  adw_status_page_set_icon_name (self->results_status, "content-loading-symbolic");
  adw_status_page_set_title (self->results_status, _("Running…"));
  adw_status_page_set_description (self->results_status, _("Press Escape to stop the statement."));
  if (sn_query_result_get_n_columns (self->result) == 0)
    gtk_stack_set_visible_child_name (self->results_stack, "empty");

  gtk_spinner_set_spinning (self->query_spinner, TRUE);
  g_clear_handle_id (&self->elapsed_id, g_source_remove);
  self->elapsed_id = g_timeout_add (ELAPSED_INTERVAL, elapsed_cb, self);
  elapsed_cb (self);
  update_result_status (self);

  sn_query_result_wait_async (self->result, NULL, query_done_cb, g_object_ref (self));
  sn_database_view_update_actions (self);
}

/* ------------------------------------------------------------------------ */
/* Running: confirmation of destructive statements                          */

static void
confirm_entry_changed_cb (GtkEditable      *entry,
                          AdwMessageDialog *dialog)
{
  const char *expected = g_object_get_data (G_OBJECT (dialog), "expected");

  adw_message_dialog_set_response_enabled (dialog, "run",
                                           g_strcmp0 (gtk_editable_get_text (entry), expected) == 0);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SnDatabaseView   *self)
{
  const char *sql = g_object_get_data (G_OBJECT (dialog), "sql");
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

  /* The typed name is what the person typed; core checks it again. */
  if (g_strcmp0 (response, "run") == 0)
    sn_database_view_execute (self, sql, TRUE,
                              GTK_IS_EDITABLE (entry) ? gtk_editable_get_text (GTK_EDITABLE (entry)) : NULL);

  if (self->dialog == GTK_WINDOW (dialog))
    self->dialog = NULL;
}

static void
run_sql (SnDatabaseView *self,
         const char     *sql)
{
  g_autofree char *what = NULL;
  g_autofree char *body = NULL;
  g_autofree char *excerpt = NULL;
  SnSqlConfirm needs;
  gboolean destructive;
  GtkWidget *dialog;

  if (sql == NULL || *sql == '\0')
    return;

  /* M6: writes on production need the profile's name typed (sn-sql-console.c). */
  needs = self->connector != NULL ? sn_sql_console_get_confirm (self->connector, sql) : SN_SQL_CONFIRM_NONE;
  destructive = sn_sql_is_destructive (sql, &what);
  if (!destructive && needs == SN_SQL_CONFIRM_NONE)
    {
      sn_database_view_execute (self, sql, FALSE, NULL);
      return;
    }

  excerpt = g_utf8_substring (sql, 0, MIN (g_utf8_strlen (sql, -1), 400));
  body = g_strdup_printf ("%s\n\n%s", destructive ? what : _("Writes are allowed on this production "
                                                                "profile: type its name to run the statement."),
                          excerpt);
  dialog = adw_message_dialog_new (parent_window (self),
                                   destructive ? _("Run a Destructive Statement?") : _("Write to Production?"),
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "run", _("_Run It"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "run",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sql", g_strdup (sql), g_free);

  if (sn_profile_get_production (self->profile) || (needs & SN_SQL_CONFIRM_TYPED_NAME))
    {
      GtkWidget *entry = gtk_entry_new ();
      g_autofree char *placeholder = NULL;

      /* Translators: %s is the profile name the person must type */
      placeholder = g_strdup_printf (_("Type “%s” to confirm"), sn_profile_get_name (self->profile));
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, placeholder, -1);
      g_object_set_data_full (G_OBJECT (dialog), "expected",
                              g_strdup (sn_profile_get_name (self->profile)), g_free);
      g_signal_connect (entry, "changed", G_CALLBACK (confirm_entry_changed_cb), dialog);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
      adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "run", FALSE);
    }

  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  self->dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);
  g_autofree char *sql = editor_text (self, TRUE);

  run_sql (self, sql);
}

static void
explain_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);
  g_autofree char *sql = editor_text (self, TRUE);
  g_autofree char *explain = NULL;

  if (*sql == '\0')
    return;

  /* Plain EXPLAIN never runs the statement; when the session may write, core
   * still asks (EXPLAIN ANALYZE runs it), so go through the same dialog. */
  explain = g_strdup_printf ("EXPLAIN %s", sql);
  if (self->connector != NULL && sn_sql_console_get_confirm (self->connector, explain) != SN_SQL_CONFIRM_NONE)
    run_sql (self, explain);
  else
    sn_database_view_execute (self, explain, FALSE, NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  if (self->result == NULL || !sn_query_result_get_loading (self->result))
    return;

  self->cancelled = TRUE;
  set_status (self, _("Cancelling…"));
  sn_database_connector_cancel (self->connector);
}

/* ------------------------------------------------------------------------ */
/* Copy                                                                     */

static char *
row_text (SnQueryResult *result,
          guint          index)
{
  GString *text = g_string_new (NULL);

  for (guint c = 0; c < sn_query_result_get_n_columns (result); c++)
    {
      const char *value = sn_query_result_get_value (result, index, c);

      if (c > 0)
        g_string_append_c (text, '\t');
      g_string_append (text, value != NULL ? value : "NULL");
    }

  return g_string_free (text, FALSE);
}

static void
copy_text (SnDatabaseView *self,
           const char     *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  toast (self, _("Copied"));
}

static void
copy_row_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);
  GtkSelectionModel *model = gtk_column_view_get_model (self->results_view);
  g_autofree char *text = NULL;
  guint position;

  if (self->result == NULL || model == NULL)
    return;

  if (param != NULL)
    position = g_variant_get_uint32 (param);
  else
    {
      position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));
      if (position == GTK_INVALID_LIST_POSITION)
        return;
      position = sn_query_result_get_source_row (self->result, position);
    }

  if (position >= sn_query_result_get_n_rows (self->result))
    return;

  text = row_text (self->result, position);
  copy_text (self, text);
}

static void
copy_cell_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);
  guint row, column;
  const char *value;

  g_variant_get (param, "(uu)", &row, &column);
  if (self->result == NULL || row >= sn_query_result_get_n_rows (self->result) ||
      column >= sn_query_result_get_n_columns (self->result))
    return;

  value = sn_query_result_get_value (self->result, row, column);
  copy_text (self, value != NULL ? value : "NULL");
}

static void
results_pressed_cb (GtkGestureClick *gesture,
                    int              n_press,
                    double           x,
                    double           y,
                    SnDatabaseView  *self)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *picked = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autofree char *cell_action = NULL;
  g_autofree char *row_action = NULL;
  GtkWidget *popover;
  GdkRectangle rect = { (int)x, (int)y, 1, 1 };
  guint row = 0, column = 0;

  for (; picked != NULL && picked != view; picked = gtk_widget_get_parent (picked))
    {
      row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picked), "sn-row"));
      column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picked), "sn-column"));
      if (row > 0 && column > 0)
        break;
    }
  if (row == 0 || column == 0)
    return;

  cell_action = g_strdup_printf ("database.copy-cell((uint32 %u, uint32 %u))", row - 1, column - 1);
  row_action = g_strdup_printf ("database.copy-row(uint32 %u)", row - 1);
  g_menu_append (menu, _("Copy _Cell"), cell_action);
  g_menu_append (menu, _("Copy _Row"), row_action);

  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, view);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &rect);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* ------------------------------------------------------------------------ */
/* Export of query results                                                  */

static void
export_result_to (SnDatabaseView *self,
                  GFile          *file)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n_columns = sn_query_result_get_n_columns (self->result);
  guint n_rows = sn_query_result_get_n_rows (self->result);

  for (guint r = 0; r <= n_rows; r++)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          const char *value = r == 0 ? sn_query_result_get_column_name (self->result, c)
                                     : sn_query_result_get_value (self->result,
                                                                  sn_query_result_get_source_row (self->result, r - 1), c);

          if (c > 0)
            g_string_append_c (out, ',');
          if (value == NULL)
            continue;
          if (*value != '\0' && strpbrk (value, ",\"\r\n") == NULL)
            g_string_append (out, value);
          else
            {
              g_string_append_c (out, '"');
              for (const char *p = value; *p != '\0'; p++)
                {
                  if (*p == '"')
                    g_string_append_c (out, '"');
                  g_string_append_c (out, *p);
                }
              g_string_append_c (out, '"');
            }
        }
      g_string_append_c (out, '\n');
    }

  if (!replace_file (file, out->str, out->len, &error))
    {
      show_error (self, error);
      return;
    }

  saved_toast (self, file, n_rows);
}

static void
export_result_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  if (self->result == NULL)
    return;

  choose_file (self, _("Export the Loaded Rows as CSV"), "query.csv", export_result_to);
}

static void
export_progress_cb (guint64  bytes,
                    guint64  rows,
                    gpointer user_data)
{
  SnDatabaseView *self = user_data;
  g_autofree char *count = format_count (rows);
  g_autofree char *text = NULL;

  /* Translators: during a CSV export; %s is a number of rows */
  text = g_strdup_printf (_("Exporting… %s rows written"), count);
  set_status (self, text);
  gtk_progress_bar_pulse (self->export_progress);
}

static void
export_query_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SnDatabaseView) self = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file = g_object_get_data (G_OBJECT (result), "file");
  guint64 rows = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->export_progress), FALSE);
  gtk_widget_set_visible (self->export_cancel_button, FALSE);
  g_clear_object (&self->export_cancellable);

  if (!sn_database_connector_export_csv_finish (SN_DATABASE_CONNECTOR (object), result, &rows, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, _("Export cancelled; the file was not written."));
      else
        show_error (self, error);
    }
  else
    {
      g_autoptr(GFile) target = g_object_steal_data (G_OBJECT (self), "export-file");

      set_status (self, NULL);
      saved_toast (self, target != NULL ? target : file, rows);
    }

  sn_database_view_update_actions (self);
}

static void
export_query_to (SnDatabaseView *self,
                 GFile          *file)
{
  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (self), "export-file", g_object_ref (file), g_object_unref);

  gtk_widget_set_visible (GTK_WIDGET (self->export_progress), TRUE);
  gtk_widget_set_visible (self->export_cancel_button, TRUE);
  set_status (self, _("Exporting…"));
  sn_database_connector_export_csv_async (self->connector, self->running_sql, file,
                                          export_progress_cb, g_object_ref (self), g_object_unref,
                                          self->export_cancellable, export_query_cb,
                                          g_object_ref (self));
  sn_database_view_update_actions (self);
}

static void
export_query_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  if (self->running_sql == NULL)
    return;

  choose_file (self, _("Export the Whole Query as CSV"), "query.csv", export_query_to);
}

static void
cancel_export_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (widget);

  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
}

/* ------------------------------------------------------------------------ */
/* Allow writes                                                             */

static void
reason_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "allow", *text != '\0');
}

static void
writes_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SnDatabaseView   *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(GError) error = NULL;

  if (self->dialog == GTK_WINDOW (dialog))
    self->dialog = NULL;

  if (g_strcmp0 (response, "allow") == 0 && self->connector != NULL &&
      sn_database_connector_allow_writes (self->connector, gtk_editable_get_text (entry), &error))
    {
      g_autoptr(SnAuditLog) audit = sn_audit_log_new (NULL);
      g_autoptr(GError) audit_error = NULL;
      g_autofree char *line = g_strdup_printf ("reason: %s", gtk_editable_get_text (entry));

      if (!sn_audit_log_append (audit, sn_profile_get_name (self->profile), "db.allow-writes",
                                line, 0, 0, 0, &audit_error))
        {
          /* Not audited, not allowed. */
          sn_database_connector_forbid_writes (self->connector);
          show_error (self, audit_error);
        }
      else
        toast (self, _("Writes allowed for this session; the reason is in the audit log."));
    }
  else if (error != NULL)
    show_error (self, error);

  update_header (self);
}

static void
writes_toggled_cb (SnDatabaseView  *self,
                   GtkToggleButton *toggle)
{
  GtkWidget *dialog, *entry;

  if (self->syncing_toggle || self->connector == NULL)
    return;

  if (!gtk_toggle_button_get_active (toggle))
    {
      sn_database_connector_forbid_writes (self->connector);
      update_header (self);
      return;
    }

  dialog = adw_message_dialog_new (parent_window (self), _("Allow Writes?"),
                                   _("Statements will be able to change and delete data in this "
                                     "session. Say why: the reason goes to the audit log, with every "
                                     "statement that writes."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "allow", _("_Allow Writes"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "allow",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "allow", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (break-glass)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for allowing writes"), -1);
  g_signal_connect (entry, "changed", G_CALLBACK (reason_changed_cb), dialog);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (writes_response_cb), self, 0);
  self->dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
style_changed_cb (SnDatabaseView  *self,
                  GParamSpec      *pspec,
                  AdwStyleManager *manager)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, adw_style_manager_get_dark (manager)
                                                                  ? "Adwaita-dark" : "Adwaita");
  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (buffer, scheme);
}

static void
sn_database_view_dispose (GObject *object)
{
  SnDatabaseView *self = (SnDatabaseView *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->report_cancellable);
  g_cancellable_cancel (self->query_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_handle_id (&self->elapsed_id, g_source_remove);

  if (self->result != NULL)
    g_signal_handlers_disconnect_by_data (self->result, self);
  if (self->results_view != NULL)
    gtk_column_view_set_model (self->results_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_DATABASE_VIEW);

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  self->dialog = NULL;
  if (self->connector != NULL)
    sn_database_connector_disconnect (self->connector);

  g_clear_object (&self->chooser);
  g_clear_object (&self->connector);
  g_clear_object (&self->report);
  g_clear_object (&self->result);
  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->report_cancellable);
  g_clear_object (&self->query_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_object (&self->sentinel_a);
  g_clear_object (&self->sentinel_b);
  g_clear_pointer (&self->store, json_node_unref);

  G_OBJECT_CLASS (sn_database_view_parent_class)->dispose (object);
}

static void
sn_database_view_finalize (GObject *object)
{
  SnDatabaseView *self = (SnDatabaseView *)object;

  g_free (self->report_id);
  g_free (self->running_sql);
  g_free (self->status);

  G_OBJECT_CLASS (sn_database_view_parent_class)->finalize (object);
}

static void
sn_database_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (object);

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
sn_database_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SnDatabaseView *self = SN_DATABASE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_database_view_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_database_view_class_init (SnDatabaseViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_database_view_dispose;
  object_class->finalize = sn_database_view_finalize;
  object_class->get_property = sn_database_view_get_property;
  object_class->set_property = sn_database_view_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-database-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, error_bar);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, error_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, path_icon);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, path_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, connect_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, read_only_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, restore_badge);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, pages);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, sql_page);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_list);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_title);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_description);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, from_button);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, range_toggle);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, to_button);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, sql_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, show_sql_button);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, history_button);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, saved_button);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, export_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_stack);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_status);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, totals_box);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, chart_frame);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, chart);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_view);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, report_rows);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, source_view);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, query_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, history_list);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, saved_popover);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, save_name_entry);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, saved_list);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, writes_toggle);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, results_stack);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, results_status);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, results_view);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, status_label);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, export_progress);
  gtk_widget_class_bind_template_child (widget_class, SnDatabaseView, export_cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, error_bar_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, report_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, from_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, to_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, range_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, history_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, saved_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_query_cb);
  gtk_widget_class_bind_template_callback (widget_class, writes_toggled_cb);

  /* Every view has a "view.refresh" action: the window's refresh forwards to it. */
  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "database.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "database.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "database.export-report", NULL, export_report_action);
  gtk_widget_class_install_action (widget_class, "database.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "database.explain", NULL, explain_action);
  gtk_widget_class_install_action (widget_class, "database.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "database.export-result", NULL, export_result_action);
  gtk_widget_class_install_action (widget_class, "database.export-query", NULL, export_query_action);
  gtk_widget_class_install_action (widget_class, "database.cancel-export", NULL, cancel_export_action);
  gtk_widget_class_install_action (widget_class, "database.copy-row", "u", copy_row_action);
  gtk_widget_class_install_action (widget_class, "database.copy-cell", "(uu)", copy_cell_action);
  gtk_widget_class_install_action (widget_class, "database.copy-selected-row", NULL, copy_row_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "database.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "database.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "database.cancel", NULL);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (SN_TYPE_BACKUPS_PAGE);
}

/* GTK 4.8 names a GtkMenuButton's inner button after its child only when
 * that is a plain label: name it for screen readers. */
static void
name_menu_button (GtkMenuButton *button)
{
  GtkWidget *inner = gtk_widget_get_first_child (GTK_WIDGET (button));
  const char *name = gtk_widget_get_tooltip_text (GTK_WIDGET (button));

  if (name == NULL)
    name = gtk_menu_button_get_label (button);
  if (inner != NULL && name != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (inner), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
sn_database_view_init (SnDatabaseView *self)
{
  static gsize css_loaded;
  GtkSourceLanguageManager *languages;
  GtkSourceBuffer *buffer;
  GtkEventController *shortcuts;
  GtkGesture *click;
  AdwStyleManager *style = adw_style_manager_get_default ();

  gtk_source_init ();
  gtk_widget_init_template (GTK_WIDGET (self));

  if (g_once_init_enter (&css_loaded))
    {
      GtkCssProvider *provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider, css, -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_object_unref (provider);
      g_once_init_leave (&css_loaded, 1);
    }

  self->cancellable = g_cancellable_new ();
  self->sentinel_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->sentinel_b = g_object_new (G_TYPE_OBJECT, NULL);
  self->sort_probe = -1;

  languages = gtk_source_language_manager_get_default ();
  buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
  gtk_source_buffer_set_language (buffer, gtk_source_language_manager_get_language (languages, "sql"));
  gtk_source_buffer_set_highlight_syntax (buffer, TRUE);
  g_signal_connect_object (style, "notify::dark", G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  style_changed_cb (self, NULL, style);

  gtk_drawing_area_set_draw_func (self->chart, draw_chart, self, NULL);
  g_signal_connect_object (gtk_column_view_get_sorter (self->results_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (results_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->results_view), GTK_EVENT_CONTROLLER (click));

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_c, GDK_CONTROL_MASK),
                                                          gtk_named_action_new ("database.copy-selected-row")));
  gtk_widget_add_controller (GTK_WIDGET (self->results_view), shortcuts);

  sn_reports_paris_today (&self->from);
  self->to = self->from;
  sync_calendars (self);

  name_menu_button (self->from_button);
  name_menu_button (self->to_button);
  name_menu_button (self->show_sql_button);
  name_menu_button (self->history_button);
  name_menu_button (self->saved_button);
  name_menu_button (self->export_menu_button);

  populate_report_list (self);
  load_store (self);
  update_query_lists (self);
  sn_database_view_select_report (self, SN_REPORT_REVENUE_TODAY);
  set_status (self, _("No query yet"));
  /* A restore test run elsewhere (the Backups view, the Runbooks window,
   * narcisse-ctl) shows on return. */
  g_signal_connect (self, "map", G_CALLBACK (update_restore_badge), NULL);
  update_header (self);
  update_restore_badge (self);
}

GtkWidget *
sn_database_view_new (void)
{
  return g_object_new (SN_TYPE_DATABASE_VIEW, NULL);
}

SnProfile *
sn_database_view_get_profile (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->profile;
}

void
sn_database_view_set_profile (SnDatabaseView *self,
                              SnProfile      *profile)
{
  g_return_if_fail (SN_IS_DATABASE_VIEW (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  g_clear_object (&self->report);
  load_store (self);
  update_query_lists (self);
  if (profile != NULL && sn_profile_get_safety_level (profile) == SN_SAFETY_LEVEL_READ_ONLY)
    adw_view_stack_set_visible_child_name (self->pages, "reports");
  update_restore_badge (self);
  sn_database_view_connect (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

/**
 * sn_database_view_get_connector:
 *
 * Returns: (transfer none) (nullable): the connector of the current profile
 */
SnDatabaseConnector *
sn_database_view_get_connector (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->connector;
}

/**
 * sn_database_view_get_report:
 *
 * Returns: (transfer none) (nullable): the report shown
 */
SnReportResult *
sn_database_view_get_report (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->report;
}

void
sn_database_view_select_report (SnDatabaseView *self,
                                const char     *id)
{
  g_return_if_fail (SN_IS_DATABASE_VIEW (self));

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->report_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (GTK_IS_LIST_BOX_ROW (row) &&
          g_strcmp0 (g_object_get_data (G_OBJECT (row), "report-id"), id) == 0)
        {
          gtk_list_box_select_row (self->report_list, GTK_LIST_BOX_ROW (row));
          return;
        }
    }
}

void
sn_database_view_set_sql (SnDatabaseView *self,
                          const char     *sql)
{
  g_return_if_fail (SN_IS_DATABASE_VIEW (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)),
                            sql != NULL ? sql : "", -1);
}

/**
 * sn_database_view_get_result:
 *
 * Returns: (transfer none) (nullable): the rows of the last statement run
 */
SnQueryResult *
sn_database_view_get_result (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->result;
}

/**
 * sn_database_view_get_results_view:
 *
 * Returns: (transfer none): the column view showing the rows
 */
GtkColumnView *
sn_database_view_get_results_view (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->results_view;
}

const char *
sn_database_view_get_status (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->status;
}

/**
 * sn_database_view_get_dialog:
 *
 * Returns: (transfer none) (nullable): the confirmation dialog open now
 */
GtkWindow *
sn_database_view_get_dialog (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return self->dialog;
}

const char *
sn_database_view_get_restore_badge (SnDatabaseView *self)
{
  g_return_val_if_fail (SN_IS_DATABASE_VIEW (self), NULL);

  return gtk_label_get_text (self->restore_badge);
}
