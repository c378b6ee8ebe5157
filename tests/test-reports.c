/* test-reports.c: the five reports against the seeded stack, checked by independent C arithmetic
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sn-test-stack.h"
#include "sn-database.h"
#include "sn-report-info.h"
#include "sn-report-total.h"
#include "sn-reports.h"
#include "sn-csv.h"

/*
 * The expected figures are computed here WITHOUT the reports' SQL: every
 * booking and payment is fetched raw, the Paris day of each is derived in C
 * from its real UTC instant ("startTime", "createdAt") with GTimeZone, and
 * money is summed as integer cents in C. A few edge rows (ids starting with
 * "sn-test-rep-") are added around midnight Paris of a past day and of today,
 * then deleted.
 */

#define MARK "sn-test-rep-"

static SnDatabase *db;
static GTimeZone *paris;
static GDate today;
static GDate past;

typedef struct
{
  char    *id;
  GDate    day;          /* Paris day of startTime */
  char    *status;
  gboolean paid;
  gint64   cents;
  gint64   people;
  gint64   seats;
  int      boat;         /* 0 = NULL */
} Booking;

typedef struct
{
  char   *provider;
  GDate   day;           /* Paris day of createdAt */
  char   *status;
  gint64  amount;
} Payment;

static void
booking_free (gpointer data)
{
  Booking *b = data;

  g_free (b->id);
  g_free (b->status);
  g_free (b);
}

static void
payment_free (gpointer data)
{
  Payment *p = data;

  g_free (p->provider);
  g_free (p->status);
  g_free (p);
}

typedef struct
{
  int      id;
  char    *name;
  gint64   capacity;
  gboolean active;
} Boat;

static void
boat_clear (gpointer data)
{
  g_free (((Boat *) data)->name);
}

static GPtrArray *bookings;
static GPtrArray *payments;
static GArray *boats;

static GDate
paris_day_of_utc (const char *utc_text)
{
  g_autofree char *iso = g_strdup_printf ("%sZ", utc_text);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  GDate day;

  iso[10] = 'T';
  utc = g_date_time_new_from_iso8601 (iso, NULL);
  g_assert_nonnull (utc);
  local = g_date_time_to_timezone (utc, paris);
  g_date_clear (&day, 1);
  g_date_set_dmy (&day, g_date_time_get_day_of_month (local),
                  g_date_time_get_month (local), g_date_time_get_year (local));
  return day;
}

/* "YYYY-MM-DD HH:MM:SS" in UTC for a Paris wall-clock time of @day (+ @day_offset). */
static char *
utc_of_paris (const GDate *day,
              int          day_offset,
              int          hour,
              int          minute)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) shifted = NULL;
  g_autoptr(GDateTime) utc = NULL;

  local = g_date_time_new (paris, g_date_get_year (day), g_date_get_month (day),
                           g_date_get_day (day), hour, minute, 0);
  shifted = g_date_time_add_days (local, day_offset);
  utc = g_date_time_to_utc (shifted);
  return g_date_time_format (utc, "%Y-%m-%d %H:%M:%S");
}

static char *
iso_day (const GDate *day,
         int          offset)
{
  GDate d = *day;
  char buf[16];

  if (offset > 0)
    g_date_add_days (&d, offset);
  else if (offset < 0)
    g_date_subtract_days (&d, -offset);
  g_date_strftime (buf, sizeof buf, "%Y-%m-%d", &d);
  return g_strdup (buf);
}

/* Euros as PostgreSQL prints a double ("45.5", "12.34") to cents, rounded in C. */
static gint64
euros_text_to_cents (const char *text)
{
  double euros = g_ascii_strtod (text, NULL);

  return (gint64)(euros * 100.0 + (euros >= 0 ? 0.5 : -0.5));
}

static void
exec_write (const char         *sql,
            const char * const *params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnQueryResult) result = sn_database_query_params_sync (db, sql, params, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
}

static void
insert_booking (const char  *suffix,
                const GDate *day,
                int          day_offset,
                int          hour,
                int          minute,
                const char  *status,
                gboolean     paid,
                const char  *price,
                int          people,
                const char  *reserved,
                const char  *boat,
                const char  *user_id)
{
  g_autofree char *id = g_strconcat (MARK, suffix, NULL);
  g_autofree char *date = iso_day (day, day_offset);
  g_autofree char *start = utc_of_paris (day, day_offset, hour, minute);
  g_autofree char *n = g_strdup_printf ("%d", people);
  const char *params[] = { id, date, start, n, reserved, price, status, paid ? "t" : "f",
                           user_id, boat, NULL };

  /* reserved and boat may be NULL: PQexecParams takes NULL as SQL NULL, but the
   * array is NULL-terminated, so they are passed as the text 'null' and mapped. */
  params[4] = reserved != NULL ? reserved : "null";
  params[9] = boat != NULL ? boat : "null";
  exec_write ("INSERT INTO \"Booking\" (\"id\", \"date\", \"startTime\", \"endTime\", "
              "\"numberOfPeople\", \"adults\", \"reservedSeats\", \"totalPrice\", \"status\", "
              "\"isPaid\", \"userId\", \"boatId\") "
              "VALUES ($1, $2::date, $3::timestamp, $3::timestamp + interval '25 minutes', "
              "$4::int, $4::int, NULLIF($5, 'null')::int, $6::float8, $7::\"BookingStatus\", "
              "$8::bool, $9, NULLIF($10, 'null')::int)",
              params);
}

static void
insert_payment (const char  *suffix,
                const char  *booking_suffix,
                const GDate *day,
                int          day_offset,
                int          hour,
                int          minute,
                const char  *provider,
                const char  *amount,
                const char  *status)
{
  g_autofree char *id = g_strconcat (MARK, suffix, NULL);
  g_autofree char *booking = g_strconcat (MARK, booking_suffix, NULL);
  g_autofree char *created = utc_of_paris (day, day_offset, hour, minute);
  const char *params[] = { id, provider, booking, amount, status, created, NULL };

  exec_write ("INSERT INTO \"Payment\" (\"id\", \"provider\", \"bookingId\", \"amount\", "
              "\"status\", \"createdAt\", \"updatedAt\") "
              "VALUES ($1, $2, $3, $4::int, $5, $6::timestamp, $6::timestamp)",
              params);
}

static void
add_edge_rows (const GDate *day,
               const char  *tag,
               const char  *user_id)
{
  g_autofree char *a = g_strconcat (tag, "-a", NULL);
  g_autofree char *b = g_strconcat (tag, "-b", NULL);
  g_autofree char *c = g_strconcat (tag, "-c", NULL);
  g_autofree char *d = g_strconcat (tag, "-d", NULL);
  g_autofree char *e = g_strconcat (tag, "-e", NULL);
  g_autofree char *pa = g_strconcat (tag, "-pa", NULL);
  g_autofree char *pb = g_strconcat (tag, "-pb", NULL);
  g_autofree char *pc = g_strconcat (tag, "-pc", NULL);
  g_autofree char *pd = g_strconcat (tag, "-pd", NULL);

  /* 00:30 Paris = the previous UTC day: counts for @day. No boat. */
  insert_booking (a, day, 0, 0, 30, "CONFIRMED", TRUE, "12.34", 3, NULL, NULL, user_id);
  /* 23:50 Paris the day before: does not count. */
  insert_booking (b, day, -1, 23, 50, "COMPLETED", TRUE, "99.99", 4, NULL, "1", user_id);
  /* Cancelled (but paid): never counts. */
  insert_booking (c, day, 0, 10, 0, "CANCELLED", TRUE, "77.70", 5, NULL, "1", user_id);
  /* Completed, paid, private: revenue and 12 seats for 2 people. */
  insert_booking (d, day, 0, 13, 30, "COMPLETED", TRUE, "45.5", 2, "12", "2", user_id);
  /* Pending, unpaid: counted as a booking, not as revenue. */
  insert_booking (e, day, 0, 23, 55, "PENDING", FALSE, "18", 1, NULL, "3", user_id);

  /* 00:10 Paris (previous UTC day): counts. */
  insert_payment (pa, a, day, 0, 0, 10, "sn-test-provider", "1234", "succeeded");
  /* 23:59 Paris the day before: does not count. */
  insert_payment (pb, b, day, -1, 23, 59, "sn-test-provider", "9999", "succeeded");
  /* A chain row (euros, PENDING) and a failed one: never count. */
  insert_payment (pc, d, day, 0, 13, 0, "sn-test-provider", "45", "PENDING");
  insert_payment (pd, d, day, 0, 13, 1, "sn-test-provider", "4550", "failed");
}

static void
load_raw_rows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnQueryResult) rows = NULL;

  g_clear_pointer (&bookings, g_ptr_array_unref);
  g_clear_pointer (&payments, g_ptr_array_unref);
  g_clear_pointer (&boats, g_array_unref);
  bookings = g_ptr_array_new_with_free_func (booking_free);
  payments = g_ptr_array_new_with_free_func (payment_free);
  boats = g_array_new (FALSE, TRUE, sizeof (Boat));
  g_array_set_clear_func (boats, boat_clear);

  rows = sn_database_query_sync (db, "SELECT \"id\", \"startTime\", \"status\", \"isPaid\", "
                                     "\"totalPrice\", \"numberOfPeople\", \"reservedSeats\", \"boatId\" "
                                     "FROM \"Booking\"", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sn_query_result_get_n_rows (rows); i++)
    {
      Booking *b = g_new0 (Booking, 1);
      const char *reserved = sn_query_result_get_value (rows, i, 6);
      const char *boat = sn_query_result_get_value (rows, i, 7);

      b->id = g_strdup (sn_query_result_get_value (rows, i, 0));
      b->day = paris_day_of_utc (sn_query_result_get_value (rows, i, 1));
      b->status = g_strdup (sn_query_result_get_value (rows, i, 2));
      b->paid = g_str_equal (sn_query_result_get_value (rows, i, 3), "t");
      b->cents = euros_text_to_cents (sn_query_result_get_value (rows, i, 4));
      b->people = g_ascii_strtoll (sn_query_result_get_value (rows, i, 5), NULL, 10);
      b->seats = reserved != NULL ? g_ascii_strtoll (reserved, NULL, 10) : b->people;
      b->boat = boat != NULL ? atoi (boat) : 0;
      g_ptr_array_add (bookings, b);
    }
  g_clear_object (&rows);

  rows = sn_database_query_sync (db, "SELECT \"provider\", \"createdAt\", \"status\", \"amount\" "
                                     "FROM \"Payment\"", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sn_query_result_get_n_rows (rows); i++)
    {
      Payment *p = g_new0 (Payment, 1);

      p->provider = g_strdup (sn_query_result_get_value (rows, i, 0));
      p->day = paris_day_of_utc (sn_query_result_get_value (rows, i, 1));
      p->status = g_strdup (sn_query_result_get_value (rows, i, 2));
      p->amount = g_ascii_strtoll (sn_query_result_get_value (rows, i, 3), NULL, 10);
      g_ptr_array_add (payments, p);
    }
  g_clear_object (&rows);

  rows = sn_database_query_sync (db, "SELECT \"id\", \"name\", \"capacity\", \"status\"::text "
                                     "FROM \"Boat\" ORDER BY \"id\"", NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sn_query_result_get_n_rows (rows); i++)
    {
      Boat boat;

      boat.id = atoi (sn_query_result_get_value (rows, i, 0));
      boat.name = g_strdup (sn_query_result_get_value (rows, i, 1));
      boat.capacity = g_ascii_strtoll (sn_query_result_get_value (rows, i, 2), NULL, 10);
      boat.active = g_str_equal (sn_query_result_get_value (rows, i, 3), "ACTIVE");
      g_array_append_val (boats, boat);
    }
}

static gboolean
in_range (const GDate *day,
          const GDate *from,
          const GDate *to)
{
  return g_date_compare (day, from) >= 0 && g_date_compare (day, to) <= 0;
}

static SnReportResult *
run_report (const char  *id,
            const GDate *from,
            const GDate *to)
{
  g_autoptr(SnReports) reports = sn_reports_new (db);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  SnReportResult *report;

  report = sn_reports_run_sync (reports, id, from, to, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpstr (sn_report_result_get_id (report), ==, id);
  /* Parameters are bound, names quoted. */
  g_assert_nonnull (strstr (sn_report_result_get_sql (report), "$1"));
  g_assert_nonnull (strstr (sn_report_result_get_sql (report), "\"Boo") != NULL ||
                    strstr (sn_report_result_get_sql (report), "\"Pay") != NULL ? "ok" : NULL);
  return report;
}

static void
check_bookings_and_revenue (const GDate *from,
                            const GDate *to)
{
  g_autoptr(SnReportResult) count = run_report (SN_REPORT_BOOKINGS_TODAY, from, to);
  g_autoptr(SnReportResult) revenue = run_report (SN_REPORT_REVENUE_TODAY, from, to);
  GDate day = *from;
  guint row = 0;
  gint64 total_bookings = 0;
  gint64 total_cents = 0;

  g_assert_cmpuint (sn_report_result_get_n_rows (count), ==,
                    g_date_days_between (from, to) + 1);

  for (; g_date_compare (&day, to) <= 0; g_date_add_days (&day, 1), row++)
    {
      g_autofree char *iso = iso_day (&day, 0);
      gint64 expect_bookings = 0, expect_people = 0, expect_paid = 0, expect_cents = 0;

      for (guint i = 0; i < bookings->len; i++)
        {
          Booking *b = g_ptr_array_index (bookings, i);

          if (g_date_compare (&b->day, &day) != 0)
            continue;
          if (!g_str_equal (b->status, "CANCELLED"))
            {
              expect_bookings++;
              expect_people += b->people;
            }
          if ((g_str_equal (b->status, "CONFIRMED") || g_str_equal (b->status, "COMPLETED")) && b->paid)
            {
              expect_paid++;
              expect_cents += b->cents;
            }
        }

      g_assert_cmpstr (sn_report_result_get_text (count, row, 0), ==, iso);
      g_assert_cmpint (sn_report_result_get_int (count, row, 1), ==, expect_bookings);
      g_assert_cmpint (sn_report_result_get_int (count, row, 2), ==, expect_people);
      g_assert_cmpstr (sn_report_result_get_text (revenue, row, 0), ==, iso);
      g_assert_cmpint (sn_report_result_get_int (revenue, row, 1), ==, expect_paid);
      g_assert_cmpint (sn_report_result_get_int (revenue, row, 2), ==, expect_cents);
      total_bookings += expect_bookings;
      total_cents += expect_cents;
    }

  g_assert_cmpint (g_variant_get_int64 (sn_report_result_get_total (count, 1)), ==, total_bookings);
  g_assert_cmpint (g_variant_get_int64 (sn_report_result_get_total (revenue, 2)), ==, total_cents);
  g_assert_null (sn_report_result_get_total (count, 0));
}

static void
check_per_boat_and_occupancy (const GDate *from,
                              const GDate *to)
{
  g_autoptr(SnReportResult) per_boat = run_report (SN_REPORT_BOOKINGS_PER_BOAT, from, to);
  g_autoptr(SnReportResult) occupancy = run_report (SN_REPORT_OCCUPANCY, from, to);
  static const guint grid[] = { 13, 13, 11, 11 };   /* 10:00+0/5/20/25 every 30 min in both windows */
  guint n_days = g_date_days_between (from, to) + 1;
  guint occupancy_row = 0;
  guint k = 0;
  gint64 unassigned = 0, unassigned_people = 0;

  g_assert_cmpuint (sn_report_result_get_n_rows (per_boat), ==, boats->len + 1);

  for (guint i = 0; i < boats->len; i++)
    {
      Boat *boat = &g_array_index (boats, Boat, i);
      gint64 n = 0, people = 0, seats = 0;
      guint departures = 0;

      for (guint j = 0; j < bookings->len; j++)
        {
          Booking *b = g_ptr_array_index (bookings, j);

          if (b->boat != boat->id || !in_range (&b->day, from, to) ||
              g_str_equal (b->status, "CANCELLED"))
            continue;
          n++;
          people += b->people;
          seats += b->seats;
        }

      g_assert_cmpint (sn_report_result_get_int (per_boat, i, 0), ==, boat->id);
      g_assert_cmpstr (sn_report_result_get_text (per_boat, i, 1), ==, boat->name);
      g_assert_cmpint (sn_report_result_get_int (per_boat, i, 2), ==, n);
      g_assert_cmpint (sn_report_result_get_int (per_boat, i, 3), ==, people);

      if (boat->active)
        {
          departures = k < G_N_ELEMENTS (grid) ? grid[k] : 0;
          g_assert_cmpuint (sn_reports_departures_per_day (k), ==, departures);
          k++;
        }
      else if (seats == 0)
        continue;   /* a boat out of service with nothing booked is not listed */

      g_assert_cmpint (sn_report_result_get_int (occupancy, occupancy_row, 0), ==, boat->id);
      g_assert_cmpint (sn_report_result_get_int (occupancy, occupancy_row, 3), ==,
                       (gint64)departures * n_days);
      g_assert_cmpint (sn_report_result_get_int (occupancy, occupancy_row, 4), ==, seats);
      g_assert_cmpint (sn_report_result_get_int (occupancy, occupancy_row, 5), ==,
                       boat->capacity * departures * n_days);
      if (departures > 0)
        g_assert_cmpfloat_with_epsilon (g_variant_get_double (sn_report_result_get_value (occupancy, occupancy_row, 6)),
                                        (double)seats / (double)(boat->capacity * departures * n_days),
                                        1e-9);
      else
        g_assert_null (sn_report_result_get_value (occupancy, occupancy_row, 6));
      occupancy_row++;
    }
  g_assert_cmpuint (sn_report_result_get_n_rows (occupancy), ==, occupancy_row);

  for (guint j = 0; j < bookings->len; j++)
    {
      Booking *b = g_ptr_array_index (bookings, j);

      if (b->boat == 0 && in_range (&b->day, from, to) && !g_str_equal (b->status, "CANCELLED"))
        {
          unassigned++;
          unassigned_people += b->people;
        }
    }
  g_assert_null (sn_report_result_get_value (per_boat, boats->len, 0));
  g_assert_cmpstr (sn_report_result_get_text (per_boat, boats->len, 1), ==, "Unassigned");
  g_assert_cmpint (sn_report_result_get_int (per_boat, boats->len, 2), ==, unassigned);
  g_assert_cmpint (sn_report_result_get_int (per_boat, boats->len, 3), ==, unassigned_people);
  g_assert_cmpint (unassigned, >=, 1);   /* the edge row at 00:30 Paris at least */
}

static void
check_payments (const GDate *from,
                const GDate *to)
{
  g_autoptr(SnReportResult) report = run_report (SN_REPORT_PAYMENTS_BY_PROVIDER, from, to);
  g_autoptr(GHashTable) cents = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  gint64 total = 0;

  for (guint i = 0; i < payments->len; i++)
    {
      Payment *p = g_ptr_array_index (payments, i);
      gint64 *sum;

      if (!g_str_equal (p->status, "succeeded") || !in_range (&p->day, from, to))
        continue;
      sum = g_hash_table_lookup (cents, p->provider);
      if (sum == NULL)
        g_hash_table_insert (cents, p->provider, (sum = g_new0 (gint64, 1)));
      *sum += p->amount;
      total += p->amount;
    }

  g_assert_cmpuint (sn_report_result_get_n_rows (report), ==, g_hash_table_size (cents));
  for (guint r = 0; r < sn_report_result_get_n_rows (report); r++)
    {
      const char *provider = sn_report_result_get_text (report, r, 0);
      gint64 *sum = g_hash_table_lookup (cents, provider);

      g_assert_nonnull (sum);
      g_assert_cmpint (sn_report_result_get_int (report, r, 2), ==, *sum);
      if (r > 0)
        g_assert_cmpint (sn_report_result_get_int (report, r - 1, 2), >=, *sum);
    }
  g_assert_cmpint (g_variant_get_int64 (sn_report_result_get_total (report, 2)), ==, total);

  /* The edge rows: only the 12.34 € succeeded at 00:10 Paris. */
  for (guint r = 0; r < sn_report_result_get_n_rows (report); r++)
    if (g_str_equal (sn_report_result_get_text (report, r, 0), "sn-test-provider") &&
        g_date_compare (from, to) == 0)
      g_assert_cmpint (sn_report_result_get_int (report, r, 2), ==, 1234);
}

static void
test_past_day (void)
{
  load_raw_rows ();
  check_bookings_and_revenue (&past, &past);
  check_per_boat_and_occupancy (&past, &past);
  check_payments (&past, &past);
}

static void
test_today (void)
{
  g_autoptr(SnReports) reports = sn_reports_new (db);
  g_autoptr(SnReportResult) count = NULL;
  g_autoptr(SnReportResult) revenue = NULL;
  g_autoptr(SnReportResult) pay = NULL;
  g_autoptr(GError) error = NULL;

  load_raw_rows ();
  /* NULL = today in Paris. */
  count = sn_reports_run_sync (reports, SN_REPORT_BOOKINGS_TODAY, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  check_bookings_and_revenue (&today, &today);
  check_per_boat_and_occupancy (&today, &today);
  check_payments (&today, &today);

  /* The seed's fixed figures for today (tests/stack/seed.sql) plus our edge rows:
   * 18 + 3 (a, d, e) bookings; 526 € + 12.34 € + 45.50 € revenue; 52600 + 1234 cents. */
  g_assert_cmpint (sn_report_result_get_int (count, 0, 1), ==, 18 + 3);
  revenue = sn_reports_run_sync (reports, SN_REPORT_REVENUE_TODAY, &today, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_report_result_get_int (revenue, 0, 2), ==, 52600 + 1234 + 4550);
  pay = sn_reports_run_sync (reports, SN_REPORT_PAYMENTS_BY_PROVIDER, &today, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int64 (sn_report_result_get_total (pay, 2)), ==, 52600 + 1234);
}

static void
test_range (void)
{
  GDate from = past;
  GDate to = past;

  g_date_subtract_days (&from, 2);
  g_date_add_days (&to, 1);
  load_raw_rows ();
  check_bookings_and_revenue (&from, &to);
  check_per_boat_and_occupancy (&from, &to);
  check_payments (&from, &to);
}

static void
async_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *)data != NULL;
}

static void
test_async_csv_json (void)
{
  g_autoptr(SnReports) reports = sn_reports_new (db);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(SnReportResult) report = NULL;
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *total = NULL;
  JsonObject *root;

  sn_reports_run_async (reports, SN_REPORT_REVENUE_TODAY, &past, NULL, NULL, async_cb, &res);
  g_assert_true (sn_test_wait_until (is_set, &res, 30000));
  report = sn_reports_run_finish (reports, res, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_report_result_get_title (report), ==, "Revenue today");
  g_assert_cmpstr (sn_report_result_get_column_label (report, 2), ==, "Revenue");
  g_assert_cmpint (sn_report_result_get_column_kind (report, 2), ==, SN_REPORT_VALUE_CENTS);

  g_assert_true (sn_report_result_write_csv (report, SN_CSV_SPREADSHEET_SAFE, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  csv = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_assert_true (g_str_has_prefix (csv, "day,bookings,revenue_eur\n"));
  {
    gint64 cents = sn_report_result_get_int (report, 0, 2);
    g_autofree char *line = g_strdup_printf ("%s,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ".%02d\n",
                                             sn_report_result_get_text (report, 0, 0),
                                             sn_report_result_get_int (report, 0, 1),
                                             cents / 100, (int)(cents % 100));
    g_assert_nonnull (strstr (csv, line));
  }

  json = sn_report_result_to_json (report);
  root = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (root, "id"), ==, SN_REPORT_REVENUE_TODAY);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "rows")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "totals"),
                                               "revenue_cents"),
                   ==, sn_report_result_get_int (report, 0, 2));

  total = sn_report_result_dup_total_display (report, 2, TRUE);
  g_assert_true (g_str_has_suffix (total, "\u00a0€"));

  /* The same totals as a model for the Reports page's cards: one item per
   * column that has a total, in column order, labelled like the column. */
  {
    g_autoptr(GListModel) totals = sn_report_result_dup_totals (report, TRUE);
    guint expected = 0;
    gboolean found = FALSE;
    guint last = 0;

    for (guint c = 0; c < sn_report_result_get_n_columns (report); c++)
      {
        g_autofree char *display = sn_report_result_dup_total_display (report, c, TRUE);

        if (*display != '\0')
          expected++;
      }
    g_assert_cmpuint (expected, >, 0);
    g_assert_cmpuint (g_list_model_get_n_items (totals), ==, expected);
    g_assert_true (g_list_model_get_item_type (totals) == SN_TYPE_REPORT_TOTAL);
    for (guint i = 0; i < g_list_model_get_n_items (totals); i++)
      {
        g_autoptr(SnReportTotal) item = g_list_model_get_item (totals, i);
        guint column = sn_report_total_get_column (item);

        g_assert_true (i == 0 || column > last);
        last = column;
        g_assert_cmpstr (sn_report_total_get_label (item), ==, sn_report_result_get_column_label (report, column));
        if (column == 2)
          {
            found = TRUE;
            g_assert_cmpstr (sn_report_total_get_value (item), ==, total);
          }
      }
    g_assert_true (found);
  }

  /* Unknown report */
  g_clear_object (&res);
  sn_reports_run_async (reports, "no-such-report", NULL, NULL, NULL, async_cb, &res);
  g_assert_true (sn_test_wait_until (is_set, &res, 5000));
  g_assert_null (sn_reports_run_finish (reports, res, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_paris_today (void)
{
  g_autofree char *expected = sn_test_run ("TZ=Europe/Paris date +%F");
  g_autofree char *ours = NULL;
  GDate date;

  g_date_clear (&date, 1);
  sn_reports_paris_today (&date);
  ours = iso_day (&date, 0);
  g_assert_cmpstr (g_strstrip (expected), ==, ours);
}

static void
test_format_euros (void)
{
  static const struct { gint64 cents; gboolean french; const char *text; } cases[] = {
    { 123450, TRUE, "1\u202f234,50\u00a0€" },
    { 123450, FALSE, "€1,234.50" },
    { 5, TRUE, "0,05\u00a0€" },
    { 5, FALSE, "€0.05" },
    { 0, TRUE, "0,00\u00a0€" },
    { 100000000, TRUE, "1\u202f000\u202f000,00\u00a0€" },
    { 99999, FALSE, "€999.99" },
    { -123456789, TRUE, "-1\u202f234\u202f567,89\u00a0€" },
    { -123456789, FALSE, "-€1,234,567.89" },
    { 52600, TRUE, "526,00\u00a0€" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = sn_format_euros (cases[i].cents, cases[i].french);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  {
    g_autofree char *min = sn_format_euros (G_MININT64, FALSE);
    g_assert_cmpstr (min, ==, "-€92,233,720,368,547,758.08");
  }
}

static void
cleanup (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnQueryResult) a = NULL;
  g_autoptr(SnQueryResult) b = NULL;

  a = sn_database_query_sync (db, "DELETE FROM \"Payment\" WHERE \"id\" LIKE 'sn-test-rep-%'", NULL, &error);
  g_assert_no_error (error);
  b = sn_database_query_sync (db, "DELETE FROM \"Booking\" WHERE \"id\" LIKE 'sn-test-rep-%'", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_query_result_get_rows_affected (b), ==, 10);
}

/* M9: a provider or boat name a spreadsheet would run is written as text;
 * amounts, negative ones included, stay numbers. */
static char *
report_csv (SnReportResult *report,
            SnCsvFlags      flags)
{
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (sn_report_result_write_csv (report, flags, out, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  return g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
}

static void
test_csv_formulas (void)
{
  static const char rows[] =
    "provider,payments,amount\n"
    "\"=HYPERLINK(\"\"http://x\"\",\"\"pay\"\")\",2,-1250\n"
    "@SUM(A1),1,300\n"
    "+33 6 12,1,100\n"
    "-x,1,100\n"
    "stripe,3,4500\n";
  g_autoptr(SnQueryResult) query = NULL;
  g_autoptr(SnReportResult) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *safe = NULL;
  g_autofree char *plain = NULL;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 2, G_DATE_JANUARY, 2026);
  query = sn_query_result_new_from_csv (rows, -1, &error);
  g_assert_no_error (error);
  report = sn_report_result_new_for_query (SN_REPORT_PAYMENTS_BY_PROVIDER, &day, &day, query, &error);
  g_assert_no_error (error);

  safe = report_csv (report, SN_CSV_SPREADSHEET_SAFE);
  g_test_message ("%s", safe);
  g_assert_cmpstr (safe, ==,
                   "provider,payments,amount_eur\n"
                   "\"'=HYPERLINK(\"\"http://x\"\",\"\"pay\"\")\",2,-12.50\n"
                   "\"'@SUM(A1)\",1,3.00\n"
                   "\"'+33 6 12\",1,1.00\n"
                   "\"'-x\",1,1.00\n"
                   "stripe,3,45.00\n");

  plain = report_csv (report, SN_CSV_PLAIN);
  g_assert_nonnull (strstr (plain, "\n@SUM(A1),1,3.00\n"));

  g_assert_true (sn_csv_cell_is_risky ("=1+1", 4));
  g_assert_true (sn_csv_cell_is_risky ("\tx", 2));
  g_assert_true (sn_csv_cell_is_risky ("\rx", 2));
  g_assert_false (sn_csv_cell_is_risky ("-12.5", 5));
  g_assert_false (sn_csv_cell_is_risky ("+1e-3", 5));
  g_assert_false (sn_csv_cell_is_risky ("Ada", 3));
}

/* Which columns each report charts comes from the report table in core:
 * days only from two rows on, boats and providers from one row. */
static SnReportResult *
report_from_csv (const char *id,
                 const char *csv)
{
  g_autoptr(SnQueryResult) query = NULL;
  g_autoptr(GError) error = NULL;
  SnReportResult *report;
  GDate day;

  g_date_clear (&day, 1);
  g_date_set_dmy (&day, 2, G_DATE_JANUARY, 2026);
  query = sn_query_result_new_from_csv (csv, -1, &error);
  g_assert_no_error (error);
  report = sn_report_result_new_for_query (id, &day, &day, query, &error);
  g_assert_no_error (error);

  return report;
}

static void
test_chart_columns (void)
{
  static const struct {
    const char *id;
    const char *csv;
    const char *label;
    const char *value;
    double      floor;
  } cases[] = {
    { SN_REPORT_BOOKINGS_TODAY, "day,bookings,people\n2026-01-02,3,7\n", NULL, NULL, 0 },
    { SN_REPORT_BOOKINGS_TODAY, "day,bookings,people\n2026-01-02,3,7\n2026-01-03,1,2\n",
      "day", "bookings", 0 },
    { SN_REPORT_REVENUE_TODAY, "day,bookings,revenue\n2026-01-02,3,700\n2026-01-03,1,200\n",
      "day", "revenue", 0 },
    { SN_REPORT_BOOKINGS_PER_BOAT, "boat_id,boat,bookings,people\n1,Ondine,3,7\n", "boat", "bookings", 0 },
    { SN_REPORT_OCCUPANCY, "boat_id,boat,capacity,departures,seats,seats_offered,occupancy\n"
                           "1,Ondine,12,13,20,156,0.128\n", "boat", "occupancy", 1.0 },
    { SN_REPORT_PAYMENTS_BY_PROVIDER, "provider,payments,amount\nstripe,3,4500\n", "provider", "amount", 0 },
    { SN_REPORT_PAYMENTS_BY_PROVIDER, "provider,payments,amount\n", NULL, NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SnReportResult) report = report_from_csv (cases[i].id, cases[i].csv);
      int label = -2, value = -2;
      gboolean chart = sn_report_result_get_chart_columns (report, &label, &value);

      g_test_message ("%s, %u rows", cases[i].id, sn_report_result_get_n_rows (report));
      g_assert_cmpint (chart, ==, cases[i].label != NULL);
      if (cases[i].label != NULL)
        {
          g_assert_cmpstr (sn_report_result_get_column_name (report, (guint)label), ==, cases[i].label);
          g_assert_cmpstr (sn_report_result_get_column_name (report, (guint)value), ==, cases[i].value);
        }
      else
        {
          g_assert_cmpint (label, ==, -1);
          g_assert_cmpint (value, ==, -1);
        }
      g_assert_cmpfloat (sn_report_result_get_chart_floor (report), ==, cases[i].floor);
    }
}

/* The reports as a list model for the GUI's list: same order, same words. */
static void
test_report_infos (void)
{
  g_autoptr(GListModel) list = sn_report_info_list_new ();
  const char * const *ids = sn_reports_get_ids ();

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, g_strv_length ((char **)ids));
  g_assert_true (g_list_model_get_item_type (list) == SN_TYPE_REPORT_INFO);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(SnReportInfo) info = g_list_model_get_item (list, i);
      g_autofree char *title = NULL;
      g_autofree char *description = NULL;
      g_autofree char *id = NULL;

      g_object_get (info, "id", &id, "title", &title, "description", &description, NULL);
      g_assert_cmpstr (id, ==, ids[i]);
      g_assert_cmpstr (title, ==, sn_reports_get_title (ids[i]));
      g_assert_cmpstr (description, ==, sn_reports_get_description (ids[i]));
      g_assert_cmpstr (sn_report_info_get_title (info), ==, title);
    }
}

/* The filter that the SQL editor's exports go through, fed in small cuts. */
static void
test_csv_filter (void)
{
  static const char in[] =
    "name,n,note\n"
    "=cmd|' /C calc'!A0,-3,\n"
    "\"@x, \"\"quoted\"\"\",+4,\"\"\n"
    "\"multi\nline\",-,ok";
  static const char expected[] =
    "name,n,note\n"
    "\"'=cmd|' /C calc'!A0\",-3,\n"
    "\"'@x, \"\"quoted\"\"\",+4,\"\"\n"
    "\"multi\nline\",\"'-\",ok";

  for (gsize cut = 1; cut <= sizeof in; cut++)
    {
      g_autoptr(SnCsvFilter) filter = sn_csv_filter_new (SN_CSV_SPREADSHEET_SAFE);
      g_autoptr(GString) out = g_string_new (NULL);

      for (gsize i = 0; i < sizeof in - 1; i += cut)
        sn_csv_filter_feed (filter, in + i, MIN (cut, sizeof in - 1 - i), out);
      sn_csv_filter_finish (filter, out);
      g_assert_cmpstr (out->str, ==, expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnQueryResult) user = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  sn_test_stack_up ();
  paris = g_time_zone_new_identifier ("Europe/Paris");
  g_assert_nonnull (paris);
  g_date_clear (&today, 1);
  sn_reports_paris_today (&today);
  past = today;
  g_date_subtract_days (&past, 10);

  db = sn_database_new ("127.0.0.1", sn_test_stack_get_port ("PGPORT"),
                        sn_test_stack_get ("PGDATABASE"), sn_test_stack_get ("PGUSER"),
                        sn_test_stack_get ("PGPASSWORD"));
  user = sn_database_query_sync (db, "SELECT \"id\" FROM \"User\" ORDER BY \"id\" LIMIT 1", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sn_database_allow_writes (db, "test-reports: edge rows", NULL));
  add_edge_rows (&past, "past", sn_query_result_get_value (user, 0, 0));
  add_edge_rows (&today, "today", sn_query_result_get_value (user, 0, 0));
  sn_database_forbid_writes (db);

  g_test_add_func ("/core/Reports/format-euros", test_format_euros);
  g_test_add_func ("/core/Reports/csv-formulas", test_csv_formulas);
  g_test_add_func ("/core/Reports/csv-filter", test_csv_filter);
  g_test_add_func ("/core/Reports/chart-columns", test_chart_columns);
  g_test_add_func ("/core/Reports/report-infos", test_report_infos);
  g_test_add_func ("/core/Reports/paris-today", test_paris_today);
  g_test_add_func ("/core/Reports/past-day", test_past_day);
  g_test_add_func ("/core/Reports/today", test_today);
  g_test_add_func ("/core/Reports/range", test_range);
  g_test_add_func ("/core/Reports/async-csv-json", test_async_csv_json);

  ret = g_test_run ();
  g_clear_pointer (&bookings, g_ptr_array_unref);
  g_clear_pointer (&payments, g_ptr_array_unref);
  g_clear_pointer (&boats, g_array_unref);

  g_assert_true (sn_database_allow_writes (db, "test-reports: clean up", NULL));
  cleanup ();
  g_clear_object (&db);

  return ret;
}
