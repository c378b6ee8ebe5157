/* sn-reports-page.c: the Database view's business reports
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The five reports of sn-reports.c over Paris days: a list to pick one, the
 * days, the totals as cards, a bar chart (SnReportChart) and the rows. The
 * Database view owns the connection; this page runs the report on it and
 * says what failed through its "error" signal. */

#define G_LOG_DOMAIN "sn-reports-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-data-file.h"
#include "sn-gui-util.h"
#include "sn-report-chart.h"
#include "sn-report-info.h"
#include "sn-report-total.h"
#include "sn-reports-page.h"

struct _SnReportsPage
{
  GtkWidget            parent_instance;

  SnDatabaseConnector *connector;
  GCancellable        *cancellable;
  SnReportResult      *report;
  char                *report_id;

  /* Template children */
  GtkListView         *report_list;
  GtkSingleSelection  *report_selection;
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
  GtkStack            *report_stack;
  AdwStatusPage       *report_status;
  GtkFlowBox          *totals_box;
  GtkWidget           *chart_frame;
  SnReportChart       *chart;
  GtkColumnView       *report_view;
  GtkStringList       *report_rows;

  GDate                from;
  GDate                to;

  guint                syncing_dates : 1;
};

enum {
  ERROR,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SnReportsPage, sn_reports_page, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static void
show_error (SnReportsPage *self,
            const GError  *error)
{
  g_signal_emit (self, signals[ERROR], 0, error);
}

static gboolean
connected (SnReportsPage *self)
{
  return self->connector != NULL &&
         sn_database_connector_get_path (self->connector) != SN_DATABASE_PATH_NONE;
}

static void
update_actions (SnReportsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reports.export", self->report != NULL);
}

/* ------------------------------------------------------------------------ */
/* Days                                                                     */

static void
update_date_buttons (SnReportsPage *self)
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
sync_calendars (SnReportsPage *self)
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
from_day_selected_cb (SnReportsPage *self,
                      GtkCalendar   *calendar)
{
  if (self->syncing_dates)
    return;

  calendar_to_date (calendar, &self->from);
  if (!gtk_toggle_button_get_active (self->range_toggle) || g_date_compare (&self->to, &self->from) < 0)
    self->to = self->from;
  sync_calendars (self);
  gtk_menu_button_popdown (self->from_button);
  sn_reports_page_run (self);
}

static void
to_day_selected_cb (SnReportsPage *self,
                    GtkCalendar   *calendar)
{
  if (self->syncing_dates)
    return;

  calendar_to_date (calendar, &self->to);
  if (g_date_compare (&self->to, &self->from) < 0)
    self->from = self->to;
  sync_calendars (self);
  gtk_menu_button_popdown (self->to_button);
  sn_reports_page_run (self);
}

static void
range_toggled_cb (SnReportsPage   *self,
                  GtkToggleButton *toggle)
{
  if (!gtk_toggle_button_get_active (toggle) && g_date_compare (&self->to, &self->from) != 0)
    {
      self->to = self->from;
      sync_calendars (self);
      sn_reports_page_run (self);
    }
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SnReportsPage *self = SN_REPORTS_PAGE (widget);

  sn_reports_paris_today (&self->from);
  self->to = self->from;
  gtk_toggle_button_set_active (self->range_toggle, FALSE);
  sync_calendars (self);
  sn_reports_page_run (self);
}

/* ------------------------------------------------------------------------ */
/* The report                                                               */

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
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
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              SnReportsPage            *self)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  GtkStringObject *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  const char *key = gtk_string_object_get_string (row);
  gboolean french = sn_format_uses_decimal_comma ();
  SnReportValueKind kind;
  g_autofree char *text = NULL;

  if (self->report == NULL || column >= sn_report_result_get_n_columns (self->report))
    return;

  kind = sn_report_result_get_column_kind (self->report, column);
  if (g_str_equal (key, "total"))
    {
      text = sn_report_result_dup_total_display (self->report, column, french);
      if (column == 0 && *text == '\0')
        {
          g_free (text);
          text = g_strdup (_("Total"));
        }
      gtk_widget_add_css_class (GTK_WIDGET (label), "database-total-row");
    }
  else
    {
      text = sn_report_result_dup_display (self->report, (guint)atoi (key), column, french);
      gtk_widget_remove_css_class (GTK_WIDGET (label), "database-total-row");
    }

  gtk_label_set_xalign (label, (kind == SN_REPORT_VALUE_INT || kind == SN_REPORT_VALUE_CENTS ||
                                kind == SN_REPORT_VALUE_RATIO) ? 1.0 : 0.0);
  if (kind != SN_REPORT_VALUE_TEXT)
    gtk_widget_add_css_class (GTK_WIDGET (label), "numeric");
  gtk_label_set_text (label, text);
}

static void
build_columns (SnReportsPage *self)
{
  guint n_columns = sn_report_result_get_n_columns (self->report);

  sn_gui_clear_columns (self->report_view);
  for (guint c = 0; c < n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), NULL);
      g_signal_connect_object (factory, "bind", G_CALLBACK (cell_bind_cb), self, 0);
      column = gtk_column_view_column_new (sn_report_result_get_column_label (self->report, c), factory);
      gtk_column_view_column_set_expand (column, sn_report_result_get_column_kind (self->report, c) ==
                                                  SN_REPORT_VALUE_TEXT);
      gtk_column_view_append_column (self->report_view, column);
      g_object_unref (column);
    }
}

/* One total as a card (sn-report-total-card.ui) */
#define SN_TYPE_REPORT_TOTAL_CARD (sn_report_total_card_get_type ())

G_DECLARE_FINAL_TYPE (SnReportTotalCard, sn_report_total_card, SN, REPORT_TOTAL_CARD, GtkFrame)

struct _SnReportTotalCard
{
  GtkFrame  parent_instance;

  GtkLabel *value_label;
  GtkLabel *caption_label;
};

G_DEFINE_FINAL_TYPE (SnReportTotalCard, sn_report_total_card, GTK_TYPE_FRAME)

static void
sn_report_total_card_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SN_TYPE_REPORT_TOTAL_CARD);

  G_OBJECT_CLASS (sn_report_total_card_parent_class)->dispose (object);
}

static void
sn_report_total_card_class_init (SnReportTotalCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_report_total_card_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-report-total-card.ui");
  gtk_widget_class_bind_template_child (widget_class, SnReportTotalCard, value_label);
  gtk_widget_class_bind_template_child (widget_class, SnReportTotalCard, caption_label);
}

static void
sn_report_total_card_init (SnReportTotalCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static GtkWidget *
create_total_card (gpointer item,
                   gpointer user_data)
{
  SnReportTotal *total = item;
  SnReportTotalCard *card = g_object_new (SN_TYPE_REPORT_TOTAL_CARD, NULL);
  g_autofree char *accessible = g_strdup_printf ("%s: %s", sn_report_total_get_label (total),
                                                 sn_report_total_get_value (total));

  gtk_label_set_text (card->value_label, sn_report_total_get_value (total));
  gtk_label_set_text (card->caption_label, sn_report_total_get_label (total));
  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return GTK_WIDGET (card);
}

/* Totals as cards, one per column that has one (core's model); TRUE if
 * there is any. */
static gboolean
fill_totals (SnReportsPage *self)
{
  g_autoptr(GListModel) totals = sn_report_result_dup_totals (self->report, sn_format_uses_decimal_comma ());
  gboolean any_total = g_list_model_get_n_items (totals) > 0;

  gtk_flow_box_bind_model (self->totals_box, totals, create_total_card, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->totals_box), any_total);

  return any_total;
}

static void
show_report (SnReportsPage *self)
{
  guint n_rows = sn_report_result_get_n_rows (self->report);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  gboolean any_total;

  build_columns (self);
  any_total = fill_totals (self);

  /* The totals again as the table's last row. */
  for (guint r = 0; r < n_rows; r++)
    g_ptr_array_add (keys, g_strdup_printf ("%u", r));
  if (any_total && n_rows > 1)
    g_ptr_array_add (keys, g_strdup ("total"));
  g_ptr_array_add (keys, NULL);
  gtk_string_list_splice (self->report_rows, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->report_rows)),
                          (const char * const *)keys->pdata);

  sn_report_chart_set_report (self->chart, self->report);
  gtk_widget_set_visible (self->chart_frame, !sn_report_chart_get_empty (self->chart));

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
  g_autoptr(SnReportsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  SnReportResult *report;

  report = sn_database_connector_run_report_finish (SN_DATABASE_CONNECTOR (object), result, &error);
  if (report == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  sn_reports_page_set_busy (self, FALSE);

  if (report == NULL)
    {
      g_autofree char *advice = sn_database_error_dup_advice (error);

      show_error (self, error);
      adw_status_page_set_icon_name (self->report_status, "dialog-error-symbolic");
      adw_status_page_set_title (self->report_status, _("The Report Failed"));
      adw_status_page_set_description (self->report_status, advice);
      gtk_stack_set_visible_child_name (self->report_stack, "empty");
      return;
    }

  show_error (self, NULL);
  g_clear_object (&self->report);
  self->report = report;
  show_report (self);
  update_actions (self);
}

static void
report_selected_cb (SnReportsPage      *self,
                    GParamSpec         *pspec,
                    GtkSingleSelection *selection)
{
  SnReportInfo *info = gtk_single_selection_get_selected_item (selection);
  const char *id;

  if (info == NULL)
    return;

  id = sn_report_info_get_id (info);
  if (g_strcmp0 (id, self->report_id) == 0)
    return;

  g_free (self->report_id);
  self->report_id = g_strdup (id);
  g_clear_object (&self->report);
  sn_report_chart_set_report (self->chart, NULL);
  sn_reports_page_run (self);
}

/* ------------------------------------------------------------------------ */
/* Export                                                                   */

static void
export_to (GtkWidget *widget,
           GFile     *file)
{
  SnReportsPage *self = SN_REPORTS_PAGE (widget);
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  SnProfile *profile = self->connector != NULL ? sn_database_connector_get_profile (self->connector) : NULL;
  SnCsvFlags flags = profile != NULL ? sn_csv_flags_for_profile (profile) : SN_CSV_SPREADSHEET_SAFE;

  if (self->report == NULL)
    return;

  /* Customer data: 0600, atomic and durable (sn_data_file_replace, M8). */
  if (!sn_report_result_write_csv (self->report, flags, out, NULL, &error) ||
      !g_output_stream_close (out, NULL, &error) ||
      !sn_data_file_replace (file, g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)),
                             g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)), NULL, &error))
    {
      show_error (self, error);
      return;
    }

  sn_gui_toast_saved_rows (widget, file, sn_report_result_get_n_rows (self->report));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnReportsPage *self = SN_REPORTS_PAGE (widget);
  g_autofree char *name = NULL;
  char day[16];

  if (self->report == NULL)
    return;

  g_date_strftime (day, sizeof day, "%Y-%m-%d", &self->from);
  name = g_strdup_printf ("%s-%s.csv", sn_report_result_get_id (self->report), day);
  sn_gui_choose_csv_file (widget, _("Export the Report as CSV"), name, export_to);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
sn_reports_page_dispose (GObject *object)
{
  SnReportsPage *self = (SnReportsPage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_REPORTS_PAGE);
  /* The template's root is not bound to a field: unparent it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->connector);
  g_clear_object (&self->report);

  G_OBJECT_CLASS (sn_reports_page_parent_class)->dispose (object);
}

static void
sn_reports_page_finalize (GObject *object)
{
  SnReportsPage *self = (SnReportsPage *)object;

  g_free (self->report_id);

  G_OBJECT_CLASS (sn_reports_page_parent_class)->finalize (object);
}

static void
sn_reports_page_class_init (SnReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_reports_page_dispose;
  object_class->finalize = sn_reports_page_finalize;

  /**
   * SnReportsPage::error:
   * @error: (nullable): what failed, or %NULL when it works again
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-reports-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_list);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_selection);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_title);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_description);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, from_button);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, range_toggle);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, to_button);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, sql_label);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, show_sql_button);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_stack);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_status);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, totals_box);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, chart_frame);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, chart);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_view);
  gtk_widget_class_bind_template_child (widget_class, SnReportsPage, report_rows);
  gtk_widget_class_bind_template_callback (widget_class, report_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, from_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, to_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, range_toggled_cb);

  gtk_widget_class_install_action (widget_class, "reports.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "reports.export", NULL, export_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  g_type_ensure (SN_TYPE_REPORT_CHART);
  g_type_ensure (SN_TYPE_REPORT_INFO);
}

static void
sn_reports_page_init (SnReportsPage *self)
{
  g_autoptr(GListModel) reports = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  sn_reports_paris_today (&self->from);
  self->to = self->from;
  sync_calendars (self);

  sn_gui_name_menu_button (self->from_button);
  sn_gui_name_menu_button (self->to_button);
  sn_gui_name_menu_button (self->show_sql_button);

  reports = sn_report_info_list_new ();
  gtk_single_selection_set_model (self->report_selection, reports);
  sn_reports_page_select_report (self, SN_REPORT_REVENUE_TODAY);
  update_actions (self);
}

GtkWidget *
sn_reports_page_new (void)
{
  return g_object_new (SN_TYPE_REPORTS_PAGE, NULL);
}

/* The connection the reports run on; the Database view owns it. */
void
sn_reports_page_set_connector (SnReportsPage       *self,
                               SnDatabaseConnector *connector)
{
  g_return_if_fail (SN_IS_REPORTS_PAGE (self));
  g_return_if_fail (connector == NULL || SN_IS_DATABASE_CONNECTOR (connector));

  g_set_object (&self->connector, connector);
}

/* Forgets the report shown, for another profile. */
void
sn_reports_page_clear (SnReportsPage *self)
{
  g_return_if_fail (SN_IS_REPORTS_PAGE (self));

  g_clear_object (&self->report);
  sn_report_chart_set_report (self->chart, NULL);
  update_actions (self);
}

/* Runs the report chosen over the days chosen, once connected. */
void
sn_reports_page_run (SnReportsPage *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (SN_IS_REPORTS_PAGE (self));

  if (self->report_id == NULL)
    return;

  gtk_label_set_text (self->report_title, sn_reports_get_title (self->report_id));
  gtk_label_set_text (self->report_description, sn_reports_get_description (self->report_id));
  sql = sn_reports_dup_sql_for_days (self->report_id, &self->from, &self->to);
  gtk_label_set_text (self->sql_label, sql);

  if (!connected (self))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  sn_reports_page_set_busy (self, TRUE);
  sn_database_connector_run_report_async (self->connector, self->report_id, &self->from, &self->to,
                                          self->cancellable, report_cb, g_object_ref (self));
}

/* The spinner, while the view connects or a report runs. */
void
sn_reports_page_set_busy (SnReportsPage *self,
                          gboolean       busy)
{
  g_return_if_fail (SN_IS_REPORTS_PAGE (self));

  gtk_widget_set_visible (GTK_WIDGET (self->report_spinner), busy);
  gtk_spinner_set_spinning (self->report_spinner, busy);
}

/* In place of the report when the database cannot be reached. */
void
sn_reports_page_show_unreachable (SnReportsPage *self,
                                  const char    *advice)
{
  g_return_if_fail (SN_IS_REPORTS_PAGE (self));

  adw_status_page_set_title (self->report_status, _("Cannot Reach the Database"));
  adw_status_page_set_description (self->report_status, advice);
  adw_status_page_set_icon_name (self->report_status, "network-error-symbolic");
  sn_reports_page_set_busy (self, FALSE);
  gtk_stack_set_visible_child_name (self->report_stack, "empty");
}

/**
 * sn_reports_page_get_report:
 *
 * Returns: (transfer none) (nullable): the report shown
 */
SnReportResult *
sn_reports_page_get_report (SnReportsPage *self)
{
  g_return_val_if_fail (SN_IS_REPORTS_PAGE (self), NULL);

  return self->report;
}

void
sn_reports_page_select_report (SnReportsPage *self,
                               const char    *id)
{
  GListModel *model;

  g_return_if_fail (SN_IS_REPORTS_PAGE (self));

  model = gtk_single_selection_get_model (self->report_selection);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnReportInfo) info = g_list_model_get_item (model, i);

      if (g_strcmp0 (sn_report_info_get_id (info), id) == 0)
        {
          gtk_single_selection_set_selected (self->report_selection, i);
          return;
        }
    }
}
