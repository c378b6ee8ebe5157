/* sn-reports.h: the five business reports, with the semantics of the real system
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sn-csv.h"
#include "sn-database.h"

G_BEGIN_DECLS

/**
 * SnReportValueKind:
 * @SN_REPORT_VALUE_TEXT: a string (GVariant "s")
 * @SN_REPORT_VALUE_INT: a count (GVariant "x")
 * @SN_REPORT_VALUE_CENTS: money in euro cents (GVariant "x"), exact
 * @SN_REPORT_VALUE_RATIO: a fraction, 0.5 = 50 % (GVariant "d")
 * @SN_REPORT_VALUE_DATE: a Paris calendar day, "YYYY-MM-DD" (GVariant "s")
 */
typedef enum
{
  SN_REPORT_VALUE_TEXT,
  SN_REPORT_VALUE_INT,
  SN_REPORT_VALUE_CENTS,
  SN_REPORT_VALUE_RATIO,
  SN_REPORT_VALUE_DATE,
} SnReportValueKind;

#define SN_TYPE_REPORT_RESULT (sn_report_result_get_type ())

G_DECLARE_FINAL_TYPE (SnReportResult, sn_report_result, SN, REPORT_RESULT, GObject)

#define SN_TYPE_REPORTS (sn_reports_get_type ())

G_DECLARE_FINAL_TYPE (SnReports, sn_reports, SN, REPORTS, GObject)

/* Report IDs */
#define SN_REPORT_BOOKINGS_TODAY        "bookings-today"
#define SN_REPORT_REVENUE_TODAY         "revenue-today"
#define SN_REPORT_BOOKINGS_PER_BOAT     "bookings-per-boat"
#define SN_REPORT_OCCUPANCY             "occupancy"
#define SN_REPORT_PAYMENTS_BY_PROVIDER  "payments-by-provider"

const char * const *sn_reports_get_ids            (void);
const char         *sn_reports_get_title          (const char      *id);
const char         *sn_reports_get_description    (const char      *id);
const char         *sn_reports_get_sql            (const char      *id);
void                sn_reports_paris_today        (GDate           *date);
guint               sn_reports_departures_per_day (guint            boat_index);
char               *sn_format_euros               (gint64           cents,
                                                   gboolean         french);

SnReports          *sn_reports_new                (SnDatabase      *database);
SnDatabase         *sn_reports_get_database       (SnReports       *self);
void                sn_reports_run_async          (SnReports       *self,
                                                   const char      *id,
                                                   const GDate     *from,
                                                   const GDate     *to,
                                                   GCancellable    *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer         user_data);
SnReportResult     *sn_reports_run_finish         (SnReports       *self,
                                                   GAsyncResult    *result,
                                                   GError         **error);
SnReportResult     *sn_reports_run_sync           (SnReports       *self,
                                                   const char      *id,
                                                   const GDate     *from,
                                                   const GDate     *to,
                                                   GCancellable    *cancellable,
                                                   GError         **error);

const char         *sn_report_result_get_id           (SnReportResult *self);
const char         *sn_report_result_get_title        (SnReportResult *self);
const char         *sn_report_result_get_sql          (SnReportResult *self);
void                sn_report_result_get_from         (SnReportResult *self,
                                                       GDate          *date);
void                sn_report_result_get_to           (SnReportResult *self,
                                                       GDate          *date);
guint               sn_report_result_get_n_columns    (SnReportResult *self);
const char         *sn_report_result_get_column_name  (SnReportResult *self,
                                                       guint           column);
const char         *sn_report_result_get_column_label (SnReportResult *self,
                                                       guint           column);
SnReportValueKind   sn_report_result_get_column_kind  (SnReportResult *self,
                                                       guint           column);
int                 sn_report_result_find_column      (SnReportResult *self,
                                                       const char     *name);
guint               sn_report_result_get_n_rows       (SnReportResult *self);
gboolean            sn_report_result_get_chart_columns (SnReportResult *self,
                                                        int            *label_column,
                                                        int            *value_column);
double              sn_report_result_get_chart_floor  (SnReportResult *self);
GVariant           *sn_report_result_get_value        (SnReportResult *self,
                                                       guint           row,
                                                       guint           column);
gint64              sn_report_result_get_int          (SnReportResult *self,
                                                       guint           row,
                                                       guint           column);
const char         *sn_report_result_get_text         (SnReportResult *self,
                                                       guint           row,
                                                       guint           column);
GVariant           *sn_report_result_get_total        (SnReportResult *self,
                                                       guint           column);
char               *sn_report_result_dup_display      (SnReportResult *self,
                                                       guint           row,
                                                       guint           column,
                                                       gboolean        french);
char               *sn_report_result_dup_total_display (SnReportResult *self,
                                                        guint           column,
                                                        gboolean        french);
gboolean            sn_report_result_write_csv        (SnReportResult *self,
                                                       SnCsvFlags      flags,
                                                       GOutputStream  *stream,
                                                       GCancellable   *cancellable,
                                                       GError        **error);
JsonNode           *sn_report_result_to_json          (SnReportResult *self);

/* For a report whose SQL ran elsewhere (psql over SSH): same figures. */
char               *sn_reports_dup_sql_for_days       (const char     *id,
                                                       const GDate    *from,
                                                       const GDate    *to);
SnReportResult     *sn_report_result_new_for_query    (const char     *id,
                                                       const GDate    *from,
                                                       const GDate    *to,
                                                       SnQueryResult  *query,
                                                       GError        **error);

G_END_DECLS
