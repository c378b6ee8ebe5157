/* sn-reports.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-reports"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-reports.h"

/*
 * The five reports of the operations runbook, as target-system.md §5.3 says
 * they must be computed:
 *
 * - Every date is a Paris calendar day. "Booking"."date" holds 00:00 UTC of
 *   the tour's Paris day, so it compares with a plain date; "Payment"."createdAt"
 *   is a real UTC instant, so the Paris day's bounds are converted to UTC.
 * - Names are Prisma's: always double-quoted.
 * - Money: "Booking"."totalPrice" is EUROS in a double, turned into integer
 *   cents with round(numeric × 100) per booking; "Payment"."amount" is CENTS.
 *   Totals are sums of integers, never of floats.
 * - Inputs are bound with PQexecParams ($1 = first day, $2 = last day,
 *   inclusive), never pasted into the SQL.
 */

typedef struct
{
  const char        *name;
  const char        *label;
  SnReportValueKind  kind;
  gboolean           total;
} ColumnSpec;

typedef struct
{
  const char       *id;
  const char       *title;
  const char       *description;
  const char       *sql;
  const ColumnSpec *columns;
  guint             n_columns;
  /* The bar chart: one bar per row, labelled by one column and as long as
   * another; drawn from chart_min_rows rows on; the axis reaches at least
   * chart_floor (occupancy is out of 100 %). */
  const char       *chart_label;
  const char       *chart_value;
  guint             chart_min_rows;
  double            chart_floor;
} ReportSpec;

static const ColumnSpec bookings_today_columns[] = {
  { "day", N_("Day"), SN_REPORT_VALUE_DATE, FALSE },
  { "bookings", N_("Bookings"), SN_REPORT_VALUE_INT, TRUE },
  { "people", N_("People"), SN_REPORT_VALUE_INT, TRUE },
};

static const ColumnSpec revenue_today_columns[] = {
  { "day", N_("Day"), SN_REPORT_VALUE_DATE, FALSE },
  { "bookings", N_("Paid bookings"), SN_REPORT_VALUE_INT, TRUE },
  { "revenue", N_("Revenue"), SN_REPORT_VALUE_CENTS, TRUE },
};

static const ColumnSpec bookings_per_boat_columns[] = {
  { "boat_id", N_("Boat number"), SN_REPORT_VALUE_INT, FALSE },
  { "boat", N_("Boat"), SN_REPORT_VALUE_TEXT, FALSE },
  { "bookings", N_("Bookings"), SN_REPORT_VALUE_INT, TRUE },
  { "people", N_("People"), SN_REPORT_VALUE_INT, TRUE },
};

static const ColumnSpec occupancy_columns[] = {
  { "boat_id", N_("Boat number"), SN_REPORT_VALUE_INT, FALSE },
  { "boat", N_("Boat"), SN_REPORT_VALUE_TEXT, FALSE },
  { "capacity", N_("Capacity"), SN_REPORT_VALUE_INT, FALSE },
  { "departures", N_("Departures"), SN_REPORT_VALUE_INT, TRUE },
  { "seats", N_("Seats taken"), SN_REPORT_VALUE_INT, TRUE },
  { "seats_offered", N_("Seats offered"), SN_REPORT_VALUE_INT, TRUE },
  { "occupancy", N_("Occupancy"), SN_REPORT_VALUE_RATIO, TRUE },
};

static const ColumnSpec payments_by_provider_columns[] = {
  { "provider", N_("Provider"), SN_REPORT_VALUE_TEXT, FALSE },
  { "payments", N_("Payments"), SN_REPORT_VALUE_INT, TRUE },
  { "amount", N_("Amount"), SN_REPORT_VALUE_CENTS, TRUE },
};

/* Paris days from $1 to $2 as timestamps at 00:00 (what "Booking"."date" holds). */
#define DAYS_SERIES \
  "generate_series($1::date::timestamp, $2::date::timestamp, interval '1 day')"

static const ReportSpec reports[] = {
  {
    SN_REPORT_BOOKINGS_TODAY,
    N_("Bookings today"),
    N_("Bookings per Paris day, cancelled ones excluded."),
    "SELECT to_char(d, 'YYYY-MM-DD') AS day,\n"
    "       count(b.\"id\") AS bookings,\n"
    "       COALESCE(sum(b.\"numberOfPeople\"), 0) AS people\n"
    "FROM " DAYS_SERIES " AS d\n"
    "LEFT JOIN \"Booking\" b\n"
    "  ON b.\"date\" = d AND b.\"status\" <> 'CANCELLED'\n"
    "GROUP BY d\n"
    "ORDER BY d",
    bookings_today_columns, G_N_ELEMENTS (bookings_today_columns),
    "day", "bookings", 2, 0.0,
  },
  {
    SN_REPORT_REVENUE_TODAY,
    N_("Revenue today"),
    N_("Paid bookings that are confirmed or completed, per Paris day. "
       "Booking prices are in euros, summed as exact cents."),
    "SELECT to_char(d, 'YYYY-MM-DD') AS day,\n"
    "       count(b.\"id\") AS bookings,\n"
    "       COALESCE(sum(round(b.\"totalPrice\"::numeric * 100)), 0)::bigint AS revenue_cents\n"
    "FROM " DAYS_SERIES " AS d\n"
    "LEFT JOIN \"Booking\" b\n"
    "  ON b.\"date\" = d\n"
    " AND b.\"status\" IN ('CONFIRMED', 'COMPLETED')\n"
    " AND b.\"isPaid\"\n"
    "GROUP BY d\n"
    "ORDER BY d",
    revenue_today_columns, G_N_ELEMENTS (revenue_today_columns),
    "day", "revenue", 2, 0.0,
  },
  {
    SN_REPORT_BOOKINGS_PER_BOAT,
    N_("Bookings per boat"),
    N_("Bookings that are not cancelled, per boat, with the unassigned ones apart."),
    "SELECT bo.\"id\" AS boat_id, bo.\"name\" AS boat,\n"
    "       count(b.\"id\") AS bookings,\n"
    "       COALESCE(sum(b.\"numberOfPeople\"), 0) AS people\n"
    "FROM \"Boat\" bo\n"
    "LEFT JOIN \"Booking\" b\n"
    "  ON b.\"boatId\" = bo.\"id\"\n"
    " AND b.\"date\" >= $1::date AND b.\"date\" < $2::date + 1\n"
    " AND b.\"status\" <> 'CANCELLED'\n"
    "GROUP BY bo.\"id\", bo.\"name\"\n"
    "UNION ALL\n"
    "SELECT NULL, NULL, count(*), COALESCE(sum(\"numberOfPeople\"), 0)\n"
    "FROM \"Booking\"\n"
    "WHERE \"boatId\" IS NULL\n"
    "  AND \"date\" >= $1::date AND \"date\" < $2::date + 1\n"
    "  AND \"status\" <> 'CANCELLED'\n"
    "ORDER BY 1 NULLS LAST",
    bookings_per_boat_columns, G_N_ELEMENTS (bookings_per_boat_columns),
    "boat", "bookings", 1, 0.0,
  },
  {
    SN_REPORT_OCCUPANCY,
    N_("Occupancy"),
    N_("Seats taken by bookings that are not cancelled, over the seats the "
       "departure grid offers."),
    /* The departure grid (target-system §5.3): active boats ordered by id get
     * k = 0, 1, 2, 3 (a fifth boat gets no departures); boat k leaves every 30
     * minutes from 10:00 + 0/5/20/25 minutes, keeping the departures within
     * 10:00–11:45 and 13:30–17:45 (in minutes after midnight: 600–705 and
     * 810–1065). That is 13, 13, 11 and 11 departures a day. */
    "WITH active AS (\n"
    "  SELECT \"id\", (row_number() OVER (ORDER BY \"id\") - 1)::int AS k\n"
    "  FROM \"Boat\" WHERE \"status\" = 'ACTIVE'),\n"
    "grid AS (\n"
    "  SELECT a.\"id\", count(m) AS departures\n"
    "  FROM active a\n"
    "  LEFT JOIN LATERAL generate_series(600 + (ARRAY[0, 5, 20, 25])[a.k + 1], 1065, 30) AS m\n"
    "    ON m BETWEEN 600 AND 705 OR m BETWEEN 810 AND 1065\n"
    "  GROUP BY a.\"id\"),\n"
    "taken AS (\n"
    "  SELECT \"boatId\" AS id, sum(COALESCE(\"reservedSeats\", \"numberOfPeople\")) AS seats\n"
    "  FROM \"Booking\"\n"
    "  WHERE \"date\" >= $1::date AND \"date\" < $2::date + 1\n"
    "    AND \"status\" <> 'CANCELLED' AND \"boatId\" IS NOT NULL\n"
    "  GROUP BY \"boatId\"),\n"
    "days AS (SELECT ($2::date - $1::date + 1) AS n)\n"
    "SELECT bo.\"id\" AS boat_id, bo.\"name\" AS boat, bo.\"capacity\",\n"
    "       COALESCE(g.departures, 0) * days.n AS departures,\n"
    "       COALESCE(t.seats, 0) AS seats,\n"
    "       bo.\"capacity\" * COALESCE(g.departures, 0) * days.n AS seats_offered,\n"
    "       COALESCE(t.seats, 0)::numeric\n"
    "         / NULLIF(bo.\"capacity\" * COALESCE(g.departures, 0) * days.n, 0) AS occupancy\n"
    "FROM \"Boat\" bo\n"
    "CROSS JOIN days\n"
    "LEFT JOIN grid g ON g.\"id\" = bo.\"id\"\n"
    "LEFT JOIN taken t ON t.id = bo.\"id\"\n"
    "WHERE bo.\"status\" = 'ACTIVE' OR t.seats > 0\n"
    "ORDER BY bo.\"id\"",
    occupancy_columns, G_N_ELEMENTS (occupancy_columns),
    "boat", "occupancy", 1, 1.0,
  },
  {
    SN_REPORT_PAYMENTS_BY_PROVIDER,
    N_("Payments by provider"),
    N_("Succeeded payments per provider, made during the Paris days. "
       "Payment amounts are in cents."),
    "SELECT \"provider\", count(*) AS payments, sum(\"amount\")::bigint AS amount_cents\n"
    "FROM \"Payment\"\n"
    "WHERE \"status\" = 'succeeded'\n"
    "  AND \"createdAt\" >= ($1::date::timestamp AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'UTC'\n"
    "  AND \"createdAt\" < (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris') AT TIME ZONE 'UTC'\n"
    "GROUP BY \"provider\"\n"
    "ORDER BY amount_cents DESC, \"provider\"",
    payments_by_provider_columns, G_N_ELEMENTS (payments_by_provider_columns),
    "provider", "amount", 1, 0.0,
  },
};

static const ReportSpec *
find_report (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (reports); i++)
    if (g_strcmp0 (reports[i].id, id) == 0)
      return &reports[i];

  return NULL;
}

/**
 * sn_reports_get_ids:
 *
 * Returns: (transfer none): the report IDs, in the runbook's order
 */
const char * const *
sn_reports_get_ids (void)
{
  static const char * const ids[] = {
    SN_REPORT_BOOKINGS_TODAY,
    SN_REPORT_REVENUE_TODAY,
    SN_REPORT_BOOKINGS_PER_BOAT,
    SN_REPORT_OCCUPANCY,
    SN_REPORT_PAYMENTS_BY_PROVIDER,
    NULL
  };

  return ids;
}

/**
 * sn_reports_get_title:
 *
 * Returns: (nullable): the translated title of report @id
 */
const char *
sn_reports_get_title (const char *id)
{
  const ReportSpec *spec = find_report (id);

  return spec != NULL ? _(spec->title) : NULL;
}

const char *
sn_reports_get_description (const char *id)
{
  const ReportSpec *spec = find_report (id);

  return spec != NULL ? _(spec->description) : NULL;
}

/**
 * sn_reports_get_sql:
 *
 * Returns: (nullable): the SQL of report @id ($1 = first day, $2 = last day)
 */
const char *
sn_reports_get_sql (const char *id)
{
  const ReportSpec *spec = find_report (id);

  return spec != NULL ? spec->sql : NULL;
}

/**
 * sn_reports_paris_today:
 * @date: (out caller-allocates): set to today's date in Europe/Paris
 *
 * Not the local or UTC date: between 00:00 and 01:00/02:00 Paris time
 * they differ.
 */
void
sn_reports_paris_today (GDate *date)
{
  g_autoptr(GTimeZone) paris = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_if_fail (date != NULL);

  paris = g_time_zone_new_identifier ("Europe/Paris");
  if (paris == NULL)
    {
      /* No tzdata: CET/CEST by the EU rule (last Sunday of March / October, 01:00 UTC). */
      paris = g_time_zone_new_identifier ("CET-1CEST,M3.5.0/2,M10.5.0/3");
    }
  if (paris == NULL)
    paris = g_time_zone_new_utc ();

  now = g_date_time_new_now (paris);
  g_date_clear (date, 1);
  g_date_set_dmy (date,
                  (GDateDay)g_date_time_get_day_of_month (now),
                  (GDateMonth)g_date_time_get_month (now),
                  (GDateYear)g_date_time_get_year (now));
}

/**
 * sn_reports_departures_per_day:
 * @boat_index: k, the rank of an active boat ordered by id (0 for the first)
 *
 * The departure grid of target-system §5.3, in C (the occupancy SQL computes
 * the same): boat k leaves every 30 minutes from 10:00 + 0/5/20/25 minutes,
 * within 10:00–11:45 and 13:30–17:45. Boats after the fourth do not sail.
 *
 * Returns: departures per day: 13, 13, 11, 11, then 0
 */
guint
sn_reports_departures_per_day (guint boat_index)
{
  static const guint offsets[] = { 0, 5, 20, 25 };
  guint count = 0;

  if (boat_index >= G_N_ELEMENTS (offsets))
    return 0;

  for (guint m = 600 + offsets[boat_index]; m <= 1065; m += 30)
    if ((m >= 600 && m <= 705) || (m >= 810 && m <= 1065))
      count++;

  return count;
}

/**
 * sn_format_euros:
 * @cents: an amount in euro cents
 * @french: French style ("1 234,50 €", narrow no-break space U+202F between
 *   thousands, no-break space U+00A0 before the sign) rather than English
 *   ("€1,234.50")
 *
 * Returns: (transfer full): the amount for display; exact, no float involved
 */
char *
sn_format_euros (gint64   cents,
                 gboolean french)
{
  g_autofree char *digits = NULL;
  GString *grouped;
  guint64 magnitude;
  guint64 euros;
  guint rest;
  gsize len;

  magnitude = cents < 0 ? (guint64)(-(cents + 1)) + 1 : (guint64)cents;
  euros = magnitude / 100;
  rest = (guint)(magnitude % 100);

  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, euros);
  len = strlen (digits);
  grouped = g_string_new (NULL);

  if (cents < 0)
    g_string_append (grouped, "-");
  if (!french)
    g_string_append (grouped, "€");

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (grouped, french ? "\u202f" : ",");
      g_string_append_c (grouped, digits[i]);
    }

  if (french)
    g_string_append_printf (grouped, ",%02u\u00a0€", rest);
  else
    g_string_append_printf (grouped, ".%02u", rest);

  return g_string_free (grouped, FALSE);
}

static char *
format_ratio (double   ratio,
              gboolean french)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (buf, sizeof buf, "%.1f", ratio * 100.0);
  if (french)
    {
      char *dot = strchr (buf, '.');

      if (dot != NULL)
        *dot = ',';
      return g_strdup_printf ("%s\u00a0%%", buf);
    }

  return g_strdup_printf ("%s%%", buf);
}

/* ------------------------------------------------------------------------ */
/* SnReportResult                                                           */

struct _SnReportResult
{
  GObject           parent_instance;

  const ReportSpec *spec;
  GPtrArray        *rows;     /* GPtrArray of GVariant (NULL = no value) */
  GPtrArray        *totals;   /* GVariant or NULL, per column */
  GDate             from;
  GDate             to;
};

G_DEFINE_FINAL_TYPE (SnReportResult, sn_report_result, G_TYPE_OBJECT)

static void
sn_report_result_finalize (GObject *object)
{
  SnReportResult *self = (SnReportResult *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->totals, g_ptr_array_unref);

  G_OBJECT_CLASS (sn_report_result_parent_class)->finalize (object);
}

static void
sn_report_result_class_init (SnReportResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_report_result_finalize;
}

static void
variant_unref0 (gpointer data)
{
  if (data != NULL)
    g_variant_unref (data);
}

static void
sn_report_result_init (SnReportResult *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
  self->totals = g_ptr_array_new_with_free_func (variant_unref0);
}

static GVariant *
variant_from_text (const char        *text,
                   SnReportValueKind  kind)
{
  if (text == NULL)
    return NULL;

  switch (kind)
    {
    case SN_REPORT_VALUE_INT:
    case SN_REPORT_VALUE_CENTS:
      return g_variant_ref_sink (g_variant_new_int64 (g_ascii_strtoll (text, NULL, 10)));

    case SN_REPORT_VALUE_RATIO:
      return g_variant_ref_sink (g_variant_new_double (g_ascii_strtod (text, NULL)));

    case SN_REPORT_VALUE_TEXT:
    case SN_REPORT_VALUE_DATE:
    default:
      return g_variant_ref_sink (g_variant_new_string (text));
    }
}

static SnReportResult *
report_result_new (const ReportSpec *spec,
                   const GDate      *from,
                   const GDate      *to,
                   SnQueryResult    *query)
{
  SnReportResult *self = g_object_new (SN_TYPE_REPORT_RESULT, NULL);
  guint n_rows = sn_query_result_get_n_rows (query);
  int boat_column = -1;
  gint64 *sums;

  self->spec = spec;
  self->from = *from;
  self->to = *to;

  g_assert (sn_query_result_get_n_columns (query) == spec->n_columns);

  for (guint c = 0; c < spec->n_columns; c++)
    if (g_strcmp0 (spec->columns[c].name, "boat") == 0)
      boat_column = (int)c;

  sums = g_new0 (gint64, spec->n_columns);

  for (guint r = 0; r < n_rows; r++)
    {
      GPtrArray *row = g_ptr_array_new_with_free_func (variant_unref0);

      for (guint c = 0; c < spec->n_columns; c++)
        {
          const char *text = sn_query_result_get_value (query, r, c);
          GVariant *value;

          /* The bucket of bookings without a boat (boatId IS NULL). */
          if ((int)c == boat_column && text == NULL)
            text = _("Unassigned");

          value = variant_from_text (text, spec->columns[c].kind);
          g_ptr_array_add (row, value);

          if (value != NULL && (spec->columns[c].kind == SN_REPORT_VALUE_INT ||
                                spec->columns[c].kind == SN_REPORT_VALUE_CENTS))
            sums[c] += g_variant_get_int64 (value);
        }

      g_ptr_array_add (self->rows, row);
    }

  for (guint c = 0; c < spec->n_columns; c++)
    {
      GVariant *total = NULL;

      if (spec->columns[c].total)
        {
          if (spec->columns[c].kind == SN_REPORT_VALUE_RATIO)
            {
              /* Overall occupancy: seats taken over seats offered, not a mean of ratios. */
              int taken = sn_report_result_find_column (self, "seats");
              int offered = sn_report_result_find_column (self, "seats_offered");

              if (taken >= 0 && offered >= 0 && sums[offered] > 0)
                total = g_variant_ref_sink (g_variant_new_double ((double)sums[taken] /
                                                                  (double)sums[offered]));
            }
          else
            total = g_variant_ref_sink (g_variant_new_int64 (sums[c]));
        }

      g_ptr_array_add (self->totals, total);
    }

  g_free (sums);

  return self;
}

const char *
sn_report_result_get_id (SnReportResult *self)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);

  return self->spec->id;
}

const char *
sn_report_result_get_title (SnReportResult *self)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);

  return _(self->spec->title);
}

/**
 * sn_report_result_get_sql:
 *
 * Returns: the SQL that ran, for "Show SQL" ($1 and $2 are the first and last day)
 */
const char *
sn_report_result_get_sql (SnReportResult *self)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);

  return self->spec->sql;
}

void
sn_report_result_get_from (SnReportResult *self,
                           GDate          *date)
{
  g_return_if_fail (SN_IS_REPORT_RESULT (self));

  *date = self->from;
}

void
sn_report_result_get_to (SnReportResult *self,
                         GDate          *date)
{
  g_return_if_fail (SN_IS_REPORT_RESULT (self));

  *date = self->to;
}

guint
sn_report_result_get_n_columns (SnReportResult *self)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), 0);

  return self->spec->n_columns;
}

/**
 * sn_report_result_get_column_name:
 *
 * Returns: the column's stable key (CSV header, JSON member)
 */
const char *
sn_report_result_get_column_name (SnReportResult *self,
                                  guint           column)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);
  g_return_val_if_fail (column < self->spec->n_columns, NULL);

  return self->spec->columns[column].name;
}

/**
 * sn_report_result_get_column_label:
 *
 * Returns: the column's translated heading
 */
const char *
sn_report_result_get_column_label (SnReportResult *self,
                                   guint           column)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);
  g_return_val_if_fail (column < self->spec->n_columns, NULL);

  return _(self->spec->columns[column].label);
}

SnReportValueKind
sn_report_result_get_column_kind (SnReportResult *self,
                                  guint           column)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), SN_REPORT_VALUE_TEXT);
  g_return_val_if_fail (column < self->spec->n_columns, SN_REPORT_VALUE_TEXT);

  return self->spec->columns[column].kind;
}

int
sn_report_result_find_column (SnReportResult *self,
                              const char     *name)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), -1);

  for (guint c = 0; c < self->spec->n_columns; c++)
    if (g_strcmp0 (self->spec->columns[c].name, name) == 0)
      return (int)c;

  return -1;
}

/**
 * sn_report_result_get_chart_columns:
 * @label_column: (out): the column that names each bar
 * @value_column: (out): the column that gives each bar its length
 *
 * Which columns the report's bar chart shows, from the report table: only
 * for reports where a picture helps, and only with enough rows.
 *
 * Returns: %TRUE when the report has a chart to draw
 */
gboolean
sn_report_result_get_chart_columns (SnReportResult *self,
                                    int            *label_column,
                                    int            *value_column)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), FALSE);
  g_return_val_if_fail (label_column != NULL && value_column != NULL, FALSE);

  *label_column = -1;
  *value_column = -1;
  if (self->spec->chart_label == NULL || self->rows->len == 0 ||
      self->rows->len < self->spec->chart_min_rows)
    return FALSE;

  *label_column = sn_report_result_find_column (self, self->spec->chart_label);
  *value_column = sn_report_result_find_column (self, self->spec->chart_value);

  return *label_column >= 0 && *value_column >= 0;
}

/**
 * sn_report_result_get_chart_floor:
 *
 * Returns: the least value the chart's axis reaches (1.0 for ratios out of
 *   100 %, else 0: the longest bar)
 */
double
sn_report_result_get_chart_floor (SnReportResult *self)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), 0);

  return self->spec->chart_floor;
}

guint
sn_report_result_get_n_rows (SnReportResult *self)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), 0);

  return self->rows->len;
}

/**
 * sn_report_result_get_value:
 *
 * Returns: (transfer none) (nullable): the typed value (see #SnReportValueKind),
 *   %NULL when there is none (e.g. occupancy of a boat without departures)
 */
GVariant *
sn_report_result_get_value (SnReportResult *self,
                            guint           row,
                            guint           column)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);
  g_return_val_if_fail (row < self->rows->len, NULL);
  g_return_val_if_fail (column < self->spec->n_columns, NULL);

  return g_ptr_array_index ((GPtrArray *)g_ptr_array_index (self->rows, row), column);
}

gint64
sn_report_result_get_int (SnReportResult *self,
                          guint           row,
                          guint           column)
{
  GVariant *value = sn_report_result_get_value (self, row, column);

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return 0;

  return g_variant_get_int64 (value);
}

const char *
sn_report_result_get_text (SnReportResult *self,
                           guint           row,
                           guint           column)
{
  GVariant *value = sn_report_result_get_value (self, row, column);

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return NULL;

  return g_variant_get_string (value, NULL);
}

/**
 * sn_report_result_get_total:
 *
 * Returns: (transfer none) (nullable): the column's total, %NULL for columns
 *   that are not summed
 */
GVariant *
sn_report_result_get_total (SnReportResult *self,
                            guint           column)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);
  g_return_val_if_fail (column < self->spec->n_columns, NULL);

  return g_ptr_array_index (self->totals, column);
}

static char *
display_value (GVariant          *value,
               SnReportValueKind  kind,
               gboolean           french)
{
  if (value == NULL)
    return g_strdup ("—");

  switch (kind)
    {
    case SN_REPORT_VALUE_CENTS:
      return sn_format_euros (g_variant_get_int64 (value), french);

    case SN_REPORT_VALUE_RATIO:
      return format_ratio (g_variant_get_double (value), french);

    case SN_REPORT_VALUE_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));

    case SN_REPORT_VALUE_DATE:
    case SN_REPORT_VALUE_TEXT:
    default:
      return g_variant_dup_string (value, NULL);
    }
}

char *
sn_report_result_dup_display (SnReportResult *self,
                              guint           row,
                              guint           column,
                              gboolean        french)
{
  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);

  return display_value (sn_report_result_get_value (self, row, column),
                        self->spec->columns[column].kind, french);
}

char *
sn_report_result_dup_total_display (SnReportResult *self,
                                    guint           column,
                                    gboolean        french)
{
  GVariant *total;

  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);

  total = sn_report_result_get_total (self, column);
  if (total == NULL)
    return g_strdup ("");

  return display_value (total, self->spec->columns[column].kind, french);
}

static char *
csv_value (GVariant          *value,
           SnReportValueKind  kind)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  gint64 cents;

  if (value == NULL)
    return g_strdup ("");

  switch (kind)
    {
    case SN_REPORT_VALUE_CENTS:
      cents = g_variant_get_int64 (value);
      return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%02d",
                              cents < 0 ? "-" : "",
                              ABS (cents) / 100, (int)(ABS (cents) % 100));

    case SN_REPORT_VALUE_RATIO:
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4f", g_variant_get_double (value)));

    case SN_REPORT_VALUE_INT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));

    case SN_REPORT_VALUE_DATE:
    case SN_REPORT_VALUE_TEXT:
    default:
      return g_variant_dup_string (value, NULL);
    }
}

/**
 * sn_report_result_write_csv:
 *
 * Writes the rows (no total line) as RFC 4180 CSV with a header of column
 * names; money columns are named "<name>_eur" and hold euros with two
 * decimals and a dot ("1234.50"), ratios four decimals ("0.4583"). With
 * #SN_CSV_SPREADSHEET_SAFE, a text such as a boat's name that a spreadsheet
 * would run as a formula is written as text (M9).
 */
gboolean
sn_report_result_write_csv (SnReportResult  *self,
                            SnCsvFlags       flags,
                            GOutputStream   *stream,
                            GCancellable    *cancellable,
                            GError         **error)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (stream), FALSE);

  for (guint c = 0; c < self->spec->n_columns; c++)
    {
      const ColumnSpec *column = &self->spec->columns[c];

      if (c > 0)
        g_string_append_c (out, ',');
      g_string_append (out, column->name);
      if (column->kind == SN_REPORT_VALUE_CENTS)
        g_string_append (out, "_eur");
    }
  g_string_append_c (out, '\n');

  for (guint r = 0; r < self->rows->len; r++)
    {
      for (guint c = 0; c < self->spec->n_columns; c++)
        {
          g_autofree char *text = csv_value (sn_report_result_get_value (self, r, c),
                                             self->spec->columns[c].kind);

          if (c > 0)
            g_string_append_c (out, ',');
          sn_csv_append_field (out, text, flags);
        }
      g_string_append_c (out, '\n');
    }

  return g_output_stream_write_all (stream, out->str, out->len, NULL, cancellable, error);
}

static void
add_json_value (JsonBuilder       *builder,
                const char        *name,
                GVariant          *value,
                SnReportValueKind  kind)
{
  if (kind == SN_REPORT_VALUE_CENTS)
    {
      g_autofree char *member = g_strconcat (name, "_cents", NULL);

      json_builder_set_member_name (builder, member);
    }
  else
    json_builder_set_member_name (builder, name);

  if (value == NULL)
    json_builder_add_null_value (builder);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    json_builder_add_int_value (builder, g_variant_get_int64 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE))
    json_builder_add_double_value (builder, g_variant_get_double (value));
  else
    json_builder_add_string_value (builder, g_variant_get_string (value, NULL));
}

static char *
date_to_iso (const GDate *date)
{
  char buf[16];

  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", date);
  return g_strdup (buf);
}

/**
 * sn_report_result_to_json:
 *
 * Returns: (transfer full): {"id", "title", "from", "to", "sql", "columns":
 *   [{"name", "label", "kind"}], "rows": [{name: value}], "totals": {…}};
 *   money as integer cents in members named "<name>_cents"
 */
JsonNode *
sn_report_result_to_json (SnReportResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  static const char * const kinds[] = { "text", "int", "cents", "ratio", "date" };

  g_return_val_if_fail (SN_IS_REPORT_RESULT (self), NULL);

  from = date_to_iso (&self->from);
  to = date_to_iso (&self->to);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, self->spec->id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, _(self->spec->title));
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to);
  json_builder_set_member_name (builder, "sql");
  json_builder_add_string_value (builder, self->spec->sql);

  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint c = 0; c < self->spec->n_columns; c++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, self->spec->columns[c].name);
      json_builder_set_member_name (builder, "label");
      json_builder_add_string_value (builder, _(self->spec->columns[c].label));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kinds[self->spec->columns[c].kind]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "rows");
  json_builder_begin_array (builder);
  for (guint r = 0; r < self->rows->len; r++)
    {
      json_builder_begin_object (builder);
      for (guint c = 0; c < self->spec->n_columns; c++)
        add_json_value (builder, self->spec->columns[c].name,
                        sn_report_result_get_value (self, r, c),
                        self->spec->columns[c].kind);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "totals");
  json_builder_begin_object (builder);
  for (guint c = 0; c < self->spec->n_columns; c++)
    if (self->spec->columns[c].total)
      add_json_value (builder, self->spec->columns[c].name,
                      sn_report_result_get_total (self, c),
                      self->spec->columns[c].kind);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* ------------------------------------------------------------------------ */
/* SnReports                                                                */

struct _SnReports
{
  GObject     parent_instance;

  SnDatabase *database;
};

G_DEFINE_FINAL_TYPE (SnReports, sn_reports, G_TYPE_OBJECT)

static void
sn_reports_finalize (GObject *object)
{
  SnReports *self = (SnReports *)object;

  g_clear_object (&self->database);

  G_OBJECT_CLASS (sn_reports_parent_class)->finalize (object);
}

static void
sn_reports_class_init (SnReportsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_reports_finalize;
}

static void
sn_reports_init (SnReports *self)
{
}

SnReports *
sn_reports_new (SnDatabase *database)
{
  SnReports *self;

  g_return_val_if_fail (SN_IS_DATABASE (database), NULL);

  self = g_object_new (SN_TYPE_REPORTS, NULL);
  self->database = g_object_ref (database);

  return self;
}

/**
 * sn_reports_get_database:
 *
 * Returns: (transfer none): the database the reports run on
 */
SnDatabase *
sn_reports_get_database (SnReports *self)
{
  g_return_val_if_fail (SN_IS_REPORTS (self), NULL);

  return self->database;
}

typedef struct
{
  const ReportSpec *spec;
  GDate             from;
  GDate             to;
  char             *params[3];
} RunData;

static void
run_data_free (gpointer data)
{
  RunData *run = data;

  g_free (run->params[0]);
  g_free (run->params[1]);
  g_free (run);
}

static RunData *
run_data_new (const char   *id,
              const GDate  *from,
              const GDate  *to,
              GError      **error)
{
  const ReportSpec *spec = find_report (id);
  RunData *run;

  if (spec == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no report called “%s”."), id);
      return NULL;
    }

  run = g_new0 (RunData, 1);
  run->spec = spec;

  if (from != NULL && g_date_valid (from))
    run->from = *from;
  else
    {
      g_date_clear (&run->from, 1);
      sn_reports_paris_today (&run->from);
    }

  if (to != NULL && g_date_valid (to))
    run->to = *to;
  else
    run->to = run->from;

  if (g_date_compare (&run->to, &run->from) < 0)
    {
      GDate swap = run->to;

      run->to = run->from;
      run->from = swap;
    }

  run->params[0] = date_to_iso (&run->from);
  run->params[1] = date_to_iso (&run->to);
  run->params[2] = NULL;

  return run;
}

static void
run_query_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SnQueryResult) query = NULL;
  RunData *run = g_task_get_task_data (task);
  GError *error = NULL;

  query = sn_database_query_params_finish (SN_DATABASE (object), result, &error);
  if (query == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report_result_new (run->spec, &run->from, &run->to, query),
                           g_object_unref);
}

/**
 * sn_reports_run_async:
 * @id: one of sn_reports_get_ids()
 * @from: (nullable): the first Paris day; %NULL for today in Paris
 * @to: (nullable): the last Paris day, inclusive; %NULL for @from
 */
void
sn_reports_run_async (SnReports           *self,
                      const char          *id,
                      const GDate         *from,
                      const GDate         *to,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;
  RunData *run;

  g_return_if_fail (SN_IS_REPORTS (self));
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_reports_run_async);

  run = run_data_new (id, from, to, &error);
  if (run == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, run, run_data_free);

  sn_database_query_params_async (self->database, run->spec->sql,
                                  (const char * const *)run->params, cancellable,
                                  run_query_cb, g_steal_pointer (&task));
}

/**
 * sn_reports_run_finish:
 *
 * Returns: (transfer full): the report
 */
SnReportResult *
sn_reports_run_finish (SnReports     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (SN_IS_REPORTS (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sn_reports_run_sync:
 *
 * Blocks: for the command line and tests.
 *
 * Returns: (transfer full): the report, or %NULL with @error set
 */
SnReportResult *
sn_reports_run_sync (SnReports     *self,
                     const char    *id,
                     const GDate   *from,
                     const GDate   *to,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(SnQueryResult) query = NULL;
  SnReportResult *report;
  RunData *run;

  g_return_val_if_fail (SN_IS_REPORTS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  run = run_data_new (id, from, to, error);
  if (run == NULL)
    return NULL;

  query = sn_database_query_params_sync (self->database, run->spec->sql,
                                         (const char * const *)run->params,
                                         cancellable, error);
  if (query == NULL)
    {
      run_data_free (run);
      return NULL;
    }

  report = report_result_new (run->spec, &run->from, &run->to, query);
  run_data_free (run);

  return report;
}

/**
 * sn_reports_dup_sql_for_days:
 * @from: (nullable): the first Paris day; %NULL for today in Paris
 * @to: (nullable): the last Paris day, inclusive; %NULL for @from
 *
 * The report's SQL with $1 and $2 replaced by the days as quoted ISO date
 * literals, for a path that cannot bind parameters (psql -c over SSH) and
 * for "Show SQL". The days come from #GDate, never from typed text.
 *
 * Returns: (transfer full) (nullable): the SQL, %NULL for an unknown @id
 */
char *
sn_reports_dup_sql_for_days (const char  *id,
                             const GDate *from,
                             const GDate *to)
{
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  g_autoptr(GString) sql = NULL;
  RunData *run;

  run = run_data_new (id, from, to, NULL);
  if (run == NULL)
    return NULL;

  first = g_strdup_printf ("'%s'", run->params[0]);
  last = g_strdup_printf ("'%s'", run->params[1]);
  sql = g_string_new (run->spec->sql);
  g_string_replace (sql, "$1", first, 0);
  g_string_replace (sql, "$2", last, 0);
  run_data_free (run);

  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/**
 * sn_report_result_new_for_query:
 * @query: the finished rows of sn_reports_dup_sql_for_days() for the same days
 *
 * Returns: (transfer full): the report, with its totals, or %NULL with @error
 *   set when @id is unknown or @query does not have the report's columns
 */
SnReportResult *
sn_report_result_new_for_query (const char     *id,
                                const GDate    *from,
                                const GDate    *to,
                                SnQueryResult  *query,
                                GError        **error)
{
  SnReportResult *report;
  RunData *run;

  g_return_val_if_fail (SN_IS_QUERY_RESULT (query), NULL);

  run = run_data_new (id, from, to, error);
  if (run == NULL)
    return NULL;

  if (sn_query_result_get_n_columns (query) != run->spec->n_columns)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The rows of report “%s” have %u columns instead of %u."),
                   id, sn_query_result_get_n_columns (query), run->spec->n_columns);
      run_data_free (run);
      return NULL;
    }

  report = report_result_new (run->spec, &run->from, &run->to, query);
  run_data_free (run);

  return report;
}
