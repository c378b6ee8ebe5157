/* test-database.c: SnDatabase and SnQueryResult against the stack's real PostgreSQL
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sn-test-stack.h"
#include "sn-database.h"
#include "sn-query-result.h"
#include "sn-query-result-private.h"

#define MILLION_SQL \
  "SELECT g, md5(g::text), now(), g % 7 = 0 FROM generate_series(1,1000000) g"
/* The same shape, but deterministic (no now()), so two runs compare byte for byte. */
#define MILLION_CSV_SQL \
  "SELECT g, md5(g::text) AS hash, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second' AS at, " \
  "g % 7 = 0 AS seventh, CASE WHEN g % 1000 = 0 THEN 'a, \"quoted\"' || chr(10) || 'line' END AS note " \
  "FROM generate_series(1,1000000) g"

static SnDatabase *
new_database (const char *password)
{
  sn_test_stack_up ();

  return sn_database_new ("127.0.0.1",
                          sn_test_stack_get_port ("PGPORT"),
                          sn_test_stack_get ("PGDATABASE"),
                          sn_test_stack_get ("PGUSER"),
                          password != NULL ? password : sn_test_stack_get ("PGPASSWORD"));
}

static gboolean
result_is_set (gpointer data)
{
  return *(GAsyncResult **)data != NULL;
}

static SnQueryResult *
query (SnDatabase  *db,
       const char  *sql,
       GError     **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  sn_database_query_async (db, sql, NULL, sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 120000);
  return sn_database_query_finish (db, res, error);
}

static void
test_connect (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnQueryResult) result = NULL;

  sn_database_connect_async (db, NULL, sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 20000);
  g_assert_true (sn_database_connect_finish (db, res, &error));
  g_assert_no_error (error);
  g_assert_true (sn_database_get_connected (db));
  g_assert_cmpint (sn_database_get_server_version (db), >=, 150000);
  g_assert_true (sn_database_get_read_only (db));

  result = query (db, "SELECT current_user, current_setting('default_transaction_read_only'), "
                      "current_setting('statement_timeout')", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (result)), ==, 1);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, sn_test_stack_get ("PGUSER"));
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 1), ==, "on");
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 2), ==, "1min");
  g_assert_cmpstr (sn_query_result_get_command_tag (result), ==, "SELECT 1");
  g_assert_cmpint (sn_query_result_get_rows_affected (result), ==, 1);
  g_assert_cmpint (sn_query_result_get_elapsed_usec (result), >, 0);
}

static void
test_wrong_password (void)
{
  g_autoptr(SnDatabase) db = new_database ("not-the-password");
  g_autoptr(GError) error = NULL;

  g_assert_false (sn_database_connect_sync (db, NULL, &error));
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, sn_test_stack_get ("PGUSER")));
  g_test_message ("wrong password: %s", error->message);
  g_assert_false (sn_database_get_connected (db));
}

static void
test_loopback_guard (void)
{
  g_autoptr(SnDatabase) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("SN_LOOPBACK_ONLY"));
  gint64 begin;

  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  /* TEST-NET-1: must be refused before any packet leaves. */
  db = sn_database_new ("192.0.2.10", 5432, "snarcisse", "snarcisse", "x");
  begin = g_get_monotonic_time ();
  g_assert_false (sn_database_connect_sync (db, NULL, &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_assert_cmpint (g_get_monotonic_time () - begin, <, G_USEC_PER_SEC / 2);

  if (saved != NULL)
    g_setenv ("SN_LOOPBACK_ONLY", saved, TRUE);
  else
    g_unsetenv ("SN_LOOPBACK_ONLY");
}

static void
test_read_only (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = query (db, "CREATE TABLE sn_db_test_x ()", &error);
  g_assert_null (result);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_READ_ONLY);
  g_test_message ("read-only: %s", error->message);
  g_clear_error (&error);

  /* A reason is required. */
  g_assert_false (sn_database_allow_writes (db, "  ", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (sn_database_get_read_only (db));

  g_assert_true (sn_database_allow_writes (db, "test: create and drop a scratch table", &error));
  g_assert_no_error (error);
  g_assert_false (sn_database_get_read_only (db));
  g_assert_cmpstr (sn_database_get_write_reason (db), ==, "test: create and drop a scratch table");

  result = query (db, "CREATE TABLE sn_db_test_x (a int)", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_command_tag (result), ==, "CREATE TABLE");
  g_clear_object (&result);

  result = query (db, "INSERT INTO sn_db_test_x SELECT generate_series(1, 3)", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_query_result_get_rows_affected (result), ==, 3);
  g_clear_object (&result);

  /* Back to read-only: the next statement is refused again. */
  sn_database_forbid_writes (db);
  result = query (db, "DROP TABLE sn_db_test_x", &error);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_READ_ONLY);
  g_clear_error (&error);

  g_assert_true (sn_database_allow_writes (db, "test: clean up", NULL));
  result = query (db, "DROP TABLE sn_db_test_x", &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  result = query (db, "SELECT to_regclass('sn_db_test_x') IS NULL", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "t");
}

static gboolean
table_exists (const char *name)
{
  g_autoptr(SnDatabase) owner = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *params[] = { name, NULL };

  result = sn_database_query_params_sync (owner, "SELECT to_regclass($1) IS NOT NULL", params, NULL, &error);
  g_assert_no_error (error);
  return g_strcmp0 (sn_query_result_get_value (result, 0, 0), "t") == 0;
}

/* H2: text that would leave the read-only transaction is refused before it is
 * sent, whatever the role; nothing it holds is written. */
static void
test_read_only_escapes (void)
{
  static const char * const escapes[] = {
    "BEGIN READ WRITE; CREATE TABLE sn_h2_a (x int); COMMIT;",
    "START TRANSACTION READ WRITE; CREATE TABLE sn_h2_b (x int); COMMIT",
    "SET default_transaction_read_only = off; CREATE TABLE sn_h2_c (x int)",
    "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE",
    "SET transaction_read_only = off",
    "RESET ALL",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "DO $$ BEGIN CREATE TABLE sn_h2_d (x int); END $$",
    "COMMIT; CREATE TABLE sn_h2_e (x int)",
    NULL
  };
  static const char * const tables[] = { "sn_h2_a", "sn_h2_b", "sn_h2_c", "sn_h2_d", "sn_h2_e", NULL };
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) after = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; escapes[i] != NULL; i++)
    {
      g_autoptr(SnQueryResult) result = query (db, escapes[i], &error);

      g_test_message ("%s -> %s", escapes[i], error != NULL ? error->message : "ran");
      g_assert_null (result);
      g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED);
      g_assert_nonnull (strstr (error->message, "read-only"));
      g_clear_error (&error);
    }

  /* The session is still read-only, and nothing was created. */
  after = query (db, "SELECT current_setting('default_transaction_read_only')", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (after, 0, 0), ==, "on");
  for (guint i = 0; tables[i] != NULL; i++)
    g_assert_false (table_exists (tables[i]));

  /* With writes allowed, the same text runs (an admin's choice, audited above). */
  g_assert_true (sn_database_allow_writes (db, "test: the net is for read-only sessions", NULL));
  g_clear_object (&after);
  after = query (db, "BEGIN READ WRITE; CREATE TABLE sn_h2_a (x int); DROP TABLE sn_h2_a; COMMIT;", &error);
  g_assert_no_error (error);
}

/* H2 on the server: the read-only role refuses writes even when the client's
 * net is out of the way (writes "allowed" in the client, escapes sent as is). */
static void
test_read_only_role (void)
{
  g_autoptr(SnDatabase) db = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  static const char * const writes[] = {
    "CREATE TABLE sn_role_a (x int)",
    "BEGIN READ WRITE; CREATE TABLE sn_role_b (x int); COMMIT;",
    "SET default_transaction_read_only = off; DELETE FROM \"Booking\"",
    "SET default_transaction_read_only = off; UPDATE \"Boat\" SET \"capacity\" = 0",
    "SET default_transaction_read_only = off; ALTER ROLE CURRENT_USER SUPERUSER",
    NULL
  };
  g_autofree char *bookings = NULL;

  sn_test_stack_up ();
  db = sn_database_new ("127.0.0.1", sn_test_stack_get_port ("PGPORT"), sn_test_stack_get ("PGDATABASE"),
                        sn_test_stack_get ("PG_RO_USER"), sn_test_stack_get ("PG_RO_PASSWORD"));
  g_assert_true (sn_database_allow_writes (db, "test: bypass the client-side net", NULL));

  result = query (db, "SELECT count(*), current_user, current_setting('is_superuser') FROM \"Booking\"", &error);
  g_assert_no_error (error);
  bookings = g_strdup (sn_query_result_get_value (result, 0, 0));
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 1), ==, sn_test_stack_get ("PG_RO_USER"));
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 2), ==, "off");
  g_clear_object (&result);

  for (guint i = 0; writes[i] != NULL; i++)
    {
      result = query (db, writes[i], &error);
      g_test_message ("%s -> %s", writes[i], error != NULL ? error->message : "ran");
      g_assert_null (result);
      g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_FAILED);
      g_clear_error (&error);
      g_clear_object (&result);
    }

  g_assert_false (table_exists ("sn_role_a"));
  g_assert_false (table_exists ("sn_role_b"));
  result = query (db, "SELECT count(*), bool_and(\"capacity\" > 0) FROM \"Booking\", \"Boat\" "
                      "WHERE \"Boat\".\"id\" = (SELECT min(\"id\") FROM \"Boat\")", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, bookings);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 1), ==, "t");
}

static void
test_syntax_error (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = query (db, "SELEC 1", &error);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_SYNTAX);
  g_assert_nonnull (strstr (error->message, "SELEC"));
  g_clear_error (&error);

  result = query (db, "SELECT * FROM \"NoSuchTable\"", &error);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_SYNTAX);
  g_clear_error (&error);

  /* The session is still usable, and a failed cursor left no transaction open. */
  result = query (db, "SELECT 2 + 2;", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "4");
  g_clear_object (&result);

  /* Several statements: the last one's rows. */
  result = query (db, "SELECT 1; SELECT 'two' AS n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_column_name (result, 0), ==, "n");
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "two");
}

/* The cursor is read with FETCHes sent ahead (pipeline mode): every row
 * comes once and in order whether the end falls on a chunk boundary or
 * not, an error in a later chunk is reported with the FETCH still in
 * flight read and dropped, and the session stays usable. */
static void
test_cursor_chunks (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(GError) error = NULL;
  const guint counts[] = { 0, 1, 999, 1000, 2000, 2500 };

  sn_database_set_fetch_rows (db, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT g FROM generate_series(1, %u) g", counts[i]);
      g_autoptr(SnQueryResult) result = query (db, sql, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (result)), ==, counts[i]);
      for (guint row = 0; row < counts[i]; row += 499)
        {
          g_autofree char *expected = g_strdup_printf ("%u", row + 1);

          g_assert_cmpstr (sn_query_result_get_value (result, row, 0), ==, expected);
        }
    }

  /* Rows 1 to 1000 come; the second FETCH fails at 1500, the third was sent. */
  {
    g_autoptr(SnQueryResult) result = query (db, "SELECT 1 / (1500 - g) FROM generate_series(1, 5000) g",
                                             &error);

    g_assert_null (result);
    g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_FAILED);
    g_assert_nonnull (strstr (error->message, "division by zero"));
    g_clear_error (&error);
  }
  {
    g_autoptr(SnQueryResult) result = query (db, "SELECT 2 + 2", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "4");
  }
}

static void
check_cancel (gboolean use_cancellable)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 begin;
  gint64 elapsed;

  g_assert_true (sn_database_connect_sync (db, NULL, NULL));

  sn_database_query_async (db, "SELECT pg_sleep(60)", cancellable, sn_test_store_result_cb, &res);
  /* Let the statement reach the server. */
  g_assert_false (sn_test_wait_until (result_is_set, &res, 500));

  begin = g_get_monotonic_time ();
  if (use_cancellable)
    g_cancellable_cancel (cancellable);
  else
    sn_database_cancel (db);
  g_assert_cmpint (g_get_monotonic_time () - begin, <, G_USEC_PER_SEC / 10);   /* never blocks */
  sn_test_wait_for_result (&res, 10000);
  elapsed = g_get_monotonic_time () - begin;

  result = sn_database_query_finish (db, res, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("cancel (%s) answered in %.3f s",
                  use_cancellable ? "GCancellable" : "sn_database_cancel",
                  elapsed / (double)G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* The connection is free again and out of the aborted transaction. */
  result = query (db, "SELECT 'alive'", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "alive");
}

static void
test_cancel (void)
{
  check_cancel (FALSE);
}

static void
test_cancel_cancellable (void)
{
  check_cancel (TRUE);
}

static void
test_statement_timeout (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 begin;

  g_assert_true (sn_database_connect_sync (db, NULL, NULL));
  sn_database_set_statement_timeout (db, 300);

  begin = g_get_monotonic_time ();
  result = query (db, "SELECT pg_sleep(10)", &error);
  g_assert_null (result);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "300 ms"));
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);

  sn_database_set_statement_timeout (db, 0);
  result = query (db, "SELECT current_setting('statement_timeout')", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "0");
}

typedef struct
{
  guint items_changed;
  guint last_n;
} MillionProgress;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  MillionProgress *progress = user_data;

  g_assert_cmpuint (position, ==, progress->last_n);
  g_assert_cmpuint (removed, ==, 0);
  progress->items_changed++;
  progress->last_n = position + added;
}

static void
test_million_rows (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnQueryRow) row = NULL;
  g_autofree char *md5 = NULL;
  MillionProgress progress = { 0 };
  gulong handler;

  result = sn_database_start_query (db, MILLION_SQL, NULL);
  g_assert_true (sn_query_result_get_loading (result));
  handler = g_signal_connect (result, "items-changed", G_CALLBACK (on_items_changed), &progress);
  sn_query_result_wait_async (result, NULL, sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 120000);
  g_assert_true (sn_query_result_wait_finish (result, res, &error));
  g_assert_no_error (error);
  g_signal_handler_disconnect (result, handler);

  g_assert_false (sn_query_result_get_loading (result));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (result)), ==, 1000000);
  g_assert_cmpuint (sn_query_result_get_n_rows (result), ==, 1000000);
  g_assert_cmpint (sn_query_result_get_rows_affected (result), ==, 1000000);
  g_assert_cmpstr (sn_query_result_get_command_tag (result), ==, "SELECT 1000000");
  /* Chunks arrived one by one. */
  g_assert_cmpuint (progress.items_changed, >=, 10);
  g_assert_cmpuint (progress.last_n, ==, 1000000);
  g_test_message ("1,000,000 rows in %.2f s, %u chunks",
                  sn_query_result_get_elapsed_usec (result) / (double)G_USEC_PER_SEC,
                  progress.items_changed);

  g_assert_cmpuint (sn_query_result_get_n_columns (result), ==, 4);
  g_assert_cmpstr (sn_query_result_get_column_name (result, 1), ==, "md5");
  g_assert_cmpint (sn_query_result_get_column_kind (result, 0), ==, SN_COLUMN_KIND_NUMBER);
  g_assert_cmpint (sn_query_result_get_column_kind (result, 1), ==, SN_COLUMN_KIND_TEXT);
  g_assert_cmpint (sn_query_result_get_column_kind (result, 2), ==, SN_COLUMN_KIND_TIMESTAMP);
  g_assert_cmpint (sn_query_result_get_column_kind (result, 3), ==, SN_COLUMN_KIND_BOOL);
  g_assert_cmpuint (sn_query_result_get_column_type (result, 0), ==, 23);

  row = g_list_model_get_item (G_LIST_MODEL (result), 777777);
  g_assert_true (SN_IS_QUERY_ROW (row));
  g_assert_cmpuint (sn_query_row_get_index (row), ==, 777777);
  g_assert_cmpstr (sn_query_row_get_value (row, 0), ==, "777778");
  md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, "777778", -1);
  g_assert_cmpstr (sn_query_row_get_value (row, 1), ==, md5);
  g_assert_cmpstr (sn_query_row_get_value (row, 3), ==, (777778 % 7 == 0) ? "t" : "f");
  g_assert_cmpstr (sn_query_result_get_value (result, 777776, 3), ==, "t");   /* 777777 = 7 × 111111 */
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "1");
  g_assert_cmpstr (sn_query_result_get_value (result, 999999, 0), ==, "1000000");
  g_assert_nonnull (sn_query_row_get_value (row, 2));
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (result), 1000000));

  /* Sorting numerically (descending) makes a permutation; values stay put. */
  g_assert_true (sn_query_result_sort (result, 0, TRUE));
  g_clear_object (&row);
  row = g_list_model_get_item (G_LIST_MODEL (result), 0);
  g_assert_cmpstr (sn_query_row_get_value (row, 0), ==, "1000000");
  g_assert_cmpuint (sn_query_result_get_source_row (result, 1), ==, 999998);
  g_assert_cmpstr (sn_query_result_get_value (result, 777777, 0), ==, "777778");
  g_assert_true (sn_query_result_sort (result, -1, FALSE));
  g_clear_object (&row);
  row = g_list_model_get_item (G_LIST_MODEL (result), 0);
  g_assert_cmpstr (sn_query_row_get_value (row, 0), ==, "1");
}

/* A streaming reader (narcisse-ctl sql) reads each chunk as it arrives, then
 * lets the result free it: every row is seen once, in order, and the freed
 * rows cannot be read any more. */
typedef struct
{
  guint  seen;
  gint64 sum;
} Streamed;

static void
on_rows_streamed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  SnQueryResult *result = SN_QUERY_RESULT (model);
  Streamed *streamed = user_data;

  g_assert_cmpuint (position, ==, streamed->seen);
  for (guint r = position; r < position + added; r++)
    streamed->sum += g_ascii_strtoll (sn_query_result_get_value (result, r, 0), NULL, 10);
  streamed->seen += added;
  sn_query_result_forget_rows (result, position + added);
}

static void
test_forget_rows (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  Streamed streamed = { 0 };

  /* Three chunks of 50,000 and a last one of 7. */
  result = sn_database_start_query (db, "SELECT g FROM generate_series(1, 150007) g", NULL);
  g_signal_connect (result, "items-changed", G_CALLBACK (on_rows_streamed), &streamed);
  sn_query_result_wait_async (result, NULL, sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 120000);
  g_assert_true (sn_query_result_wait_finish (result, res, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (streamed.seen, ==, 150007);
  g_assert_cmpint (streamed.sum, ==, (gint64)150007 * 150008 / 2);
  g_assert_cmpuint (sn_query_result_get_n_rows (result), ==, 150007);
  g_assert_cmpuint (sn_query_result_get_n_columns (result), ==, 1);
  g_assert_cmpstr (sn_query_result_get_column_name (result, 0), ==, "g");
  /* A result whose rows were freed cannot be sorted. */
  g_assert_false (sn_query_result_sort (result, 0, TRUE));

  if (g_test_undefined ())
    {
      g_test_expect_message ("sn-query-result", G_LOG_LEVEL_CRITICAL, "*n_forgotten*");
      g_assert_null (sn_query_result_get_value (result, 10, 0));
      g_test_assert_expected_messages ();
    }
}

/* psql's CSV cut at every byte, or in odd pieces, gives the same rows as the
 * whole output parsed at once: quotes, "" and newlines inside a quoted cell
 * crossing a cut, CRLF, no final newline, a header alone, nothing at all. */
static SnQueryResult *
stream_csv (const char *csv,
            gsize       piece,
            guint       rows_per_chunk,
            gboolean   *has_columns)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  SnQueryResult *result;
  g_autoptr(GOutputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = strlen (csv);
  guint n_rows = 0;

  g_main_context_push_thread_default (context);
  result = _sn_query_result_new (NULL);   /* synchronous: rows land at once */
  stream = _sn_query_csv_stream_new (result, rows_per_chunk);
  for (gsize at = 0; at < len; at += piece)
    g_assert_true (g_output_stream_write_all (stream, csv + at, MIN (piece, len - at), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (_sn_query_csv_stream_finish (SN_QUERY_CSV_STREAM (stream), &n_rows, has_columns, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_rows, ==, sn_query_result_get_n_rows (result));
  _sn_query_result_finish (result, "SELECT", n_rows, 0, NULL);
  g_main_context_pop_thread_default (context);

  return result;
}

static void
test_csv_stream (void)
{
  static const char *cases[] = {
    "a,b\n1,x\n2,\"multi\nline, \"\"quoted\"\"\"\n3,\n4,\"\"\n",
    "n,t\r\n10,ten\r\n11,eleven",
    "only,header\n",
    "x\n\"\n\"\n\"a\"\"b\"\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SnQueryResult) whole = sn_query_result_new_from_csv (cases[i], -1, NULL);

      g_assert_nonnull (whole);
      for (gsize piece = 1; piece <= strlen (cases[i]); piece++)
        for (guint per_chunk = 1; per_chunk <= 3; per_chunk++)
          {
            gboolean has_columns = FALSE;
            g_autoptr(SnQueryResult) streamed = stream_csv (cases[i], piece, per_chunk, &has_columns);

            g_assert_true (has_columns);
            g_assert_cmpuint (sn_query_result_get_n_columns (streamed), ==,
                              sn_query_result_get_n_columns (whole));
            g_assert_cmpuint (sn_query_result_get_n_rows (streamed), ==, sn_query_result_get_n_rows (whole));
            for (guint c = 0; c < sn_query_result_get_n_columns (whole); c++)
              g_assert_cmpstr (sn_query_result_get_column_name (streamed, c), ==,
                               sn_query_result_get_column_name (whole, c));
            for (guint r = 0; r < sn_query_result_get_n_rows (whole); r++)
              for (guint c = 0; c < sn_query_result_get_n_columns (whole); c++)
                g_assert_cmpstr (sn_query_result_get_value (streamed, r, c), ==,
                                 sn_query_result_get_value (whole, r, c));
          }
    }

  /* A statement without rows: psql -q prints nothing. */
  {
    gboolean has_columns = TRUE;
    g_autoptr(SnQueryResult) empty = stream_csv ("", 1, 1, &has_columns);

    g_assert_false (has_columns);
    g_assert_cmpuint (sn_query_result_get_n_rows (empty), ==, 0);
  }
}

static void
test_sort_numeric (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;

  result = query (db, "SELECT * FROM (VALUES (10, 'b'), (9, 'c'), (NULL, 'a'), (100, 'd')) v(n, t)",
                  &error);
  g_assert_no_error (error);
  g_assert_true (sn_query_result_sort (result, 0, FALSE));
  g_assert_cmpuint (sn_query_result_get_source_row (result, 0), ==, 1);   /* 9 */
  g_assert_cmpuint (sn_query_result_get_source_row (result, 1), ==, 0);   /* 10 */
  g_assert_cmpuint (sn_query_result_get_source_row (result, 2), ==, 3);   /* 100 */
  g_assert_cmpuint (sn_query_result_get_source_row (result, 3), ==, 2);   /* NULL last */
  g_assert_true (sn_query_result_sort (result, 1, TRUE));
  g_assert_cmpuint (sn_query_result_get_source_row (result, 0), ==, 3);   /* d */
}

static void
test_display (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *null_text = NULL;
  g_autofree char *text_null = NULL;
  g_autofree char *bytea = NULL;
  g_autofree char *big_bytea = NULL;
  g_autofree char *json = NULL;
  g_autofree char *long_text = NULL;
  g_autofree char *lines = NULL;
  g_autofree char *boolean = NULL;
  g_autofree char *short_text = NULL;

  result = query (db,
                  "SELECT NULL::text AS n, 'NULL'::text AS s, '\\x000aff'::bytea AS b, "
                  "decode(repeat('ab', 1000), 'hex') AS bb, "
                  "'{\"a\": [1, 2], \"é\": null}'::jsonb AS j, repeat('x', 100) AS long, "
                  "E'one\\ntwo' AS lines, true AS yes, 'short' AS short",
                  &error);
  g_assert_no_error (error);

  g_assert_true (sn_query_result_is_null (result, 0, 0));
  g_assert_null (sn_query_result_get_value (result, 0, 0));
  g_assert_false (sn_query_result_is_null (result, 0, 1));
  null_text = sn_query_result_dup_display (result, 0, 0, 40);
  text_null = sn_query_result_dup_display (result, 0, 1, 40);
  g_assert_cmpstr (null_text, ==, "NULL");
  g_assert_cmpstr (text_null, ==, "NULL");   /* same text: the view styles SQL NULL apart */

  g_assert_cmpint (sn_query_result_get_column_kind (result, 2), ==, SN_COLUMN_KIND_BYTEA);
  bytea = sn_query_result_dup_display (result, 0, 2, 40);
  g_assert_cmpstr (bytea, ==, "\\x000aff (3 bytes)");
  big_bytea = sn_query_result_dup_display (result, 0, 3, 16);
  g_assert_cmpstr (big_bytea, ==, "\\xabababababababab… (1000 bytes)");

  g_assert_cmpint (sn_query_result_get_column_kind (result, 4), ==, SN_COLUMN_KIND_JSON);
  json = sn_query_result_dup_display (result, 0, 4, 0);
  g_assert_cmpstr (json, ==, "{\"a\": [1, 2], \"é\": null}");

  long_text = sn_query_result_dup_display (result, 0, 5, 10);
  g_assert_cmpstr (long_text, ==, "xxxxxxxxx…");
  g_assert_cmpint (g_utf8_strlen (long_text, -1), ==, 10);
  lines = sn_query_result_dup_display (result, 0, 6, 0);
  g_assert_cmpstr (lines, ==, "one↵two");
  boolean = sn_query_result_dup_display (result, 0, 7, 0);
  g_assert_cmpstr (boolean, ==, "true");
  short_text = sn_query_result_dup_display (result, 0, 8, 5);
  g_assert_cmpstr (short_text, ==, "short");   /* exactly fits: no ellipsis */
}

typedef struct
{
  guint   calls;
  guint64 bytes;
  guint64 rows;
  GCancellable *cancel_after_first;
} CopyProgress;

static void
copy_progress_cb (guint64  bytes,
                  guint64  rows,
                  gpointer user_data)
{
  CopyProgress *progress = user_data;

  g_assert_cmpuint (bytes, >=, progress->bytes);
  progress->calls++;
  progress->bytes = bytes;
  progress->rows = rows;
  if (progress->cancel_after_first != NULL && rows > 0)
    g_cancellable_cancel (progress->cancel_after_first);
}

static char *
psql_command (const char *args)
{
  return g_strdup_printf ("PGPASSWORD='%s' psql -X -h 127.0.0.1 -p %u -U '%s' -d '%s' %s",
                          sn_test_stack_get ("PGPASSWORD"),
                          sn_test_stack_get_port ("PGPORT"),
                          sn_test_stack_get ("PGUSER"),
                          sn_test_stack_get ("PGDATABASE"),
                          args);
}

static void
test_csv_export (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *psql = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  g_autofree char *quoted = g_shell_quote (MILLION_CSV_SQL);
  CopyProgress progress = { 0 };
  guint64 bytes = 0;
  guint64 rows = 0;
  GStatBuf st;

  dir = g_dir_make_tmp ("sn-csv-XXXXXX", &error);
  g_assert_no_error (error);
  ours = g_build_filename (dir, "export.csv", NULL);
  theirs = g_build_filename (dir, "psql.csv", NULL);
  file = g_file_new_for_path (ours);

  sn_database_export_csv_async (db, MILLION_CSV_SQL ";", file, copy_progress_cb, &progress, NULL,
                                NULL, sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 120000);
  g_assert_true (sn_database_export_csv_finish (db, res, &bytes, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 1000000);
  g_assert_cmpuint (progress.rows, ==, 1000000);
  g_assert_cmpuint (progress.bytes, ==, bytes);
  g_assert_cmpuint (progress.calls, >=, 2);
  g_assert_cmpint (g_stat (ours, &st), ==, 0);
  g_assert_cmpuint ((guint64)st.st_size, ==, bytes);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  psql = psql_command ("--csv -c \"$SQL\"");
  cmd = g_strdup_printf ("SQL=%s; %s > '%s' && cmp '%s' '%s' && ls -A '%s'",
                         quoted, psql, theirs, ours, theirs, dir);
  out = sn_test_run (cmd);   /* asserts cmp exits 0 */
  g_assert_cmpstr (out, ==, "export.csv\npsql.csv\n");   /* no temporary file left */

  g_unlink (ours);
  g_unlink (theirs);
  g_rmdir (dir);
}

/* L11: the COPY wrapper survives a query ending in a "-- comment". */
static void
test_export_trailing_comment (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sn-csv-comment-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  guint64 rows = 0;

  sn_database_export_csv_async (db, "SELECT 41 + 1 AS answer -- the usual one", file, NULL, NULL, NULL,
                                NULL, sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 30000);
  g_assert_true (sn_database_export_csv_finish (db, res, NULL, &rows, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 1);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "answer\n42\n");
  g_unlink (path);
  g_rmdir (dir);
}

/* L11: malformed CSV (what psql over SSH sends back) is refused, with or
 * without a GError to tell why. */
static void
test_csv_reader_malformed (void)
{
  static const char * const bad[] = {
    "a,b\n\"open,1\n",          /* a quoted field never closed */
    "a,b\n\"x\"y,1\n",          /* text after the closing quote */
    "a\n\"x\" \n",              /* even a blank */
    "\"a\"b\n1\n",              /* in the header too */
  };
  PGresult *ok;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_null (_sn_query_result_parse_csv (bad[i], -1, NULL));
      g_assert_null (_sn_query_result_parse_csv (bad[i], -1, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }

  ok = _sn_query_result_parse_csv ("a,b\n\"x,\"\"y\"\"\",1\n", -1, NULL);
  g_assert_nonnull (ok);
  g_assert_cmpstr (PQgetvalue (ok, 0, 0), ==, "x,\"y\"");
  PQclear (ok);
}

static void
check_export_cancel (gboolean existing_target)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  g_autofree char *contents = NULL;
  CopyProgress progress = { 0 };
  guint64 rows = 0;
  gint64 begin;

  dir = g_dir_make_tmp ("sn-csv-XXXXXX", &error);
  g_assert_no_error (error);
  target = g_build_filename (dir, "bookings.csv", NULL);
  if (existing_target)
    g_assert_true (g_file_set_contents (target, "the old export\n", -1, NULL));
  file = g_file_new_for_path (target);

  progress.cancel_after_first = cancellable;
  begin = g_get_monotonic_time ();
  sn_database_export_csv_async (db, "SELECT g, md5(g::text) FROM generate_series(1, 50000000) g",
                                file, copy_progress_cb, &progress, NULL, cancellable,
                                sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 60000);
  g_assert_false (sn_database_export_csv_finish (db, res, NULL, &rows, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (rows, >, 0);
  g_assert_cmpuint (rows, <, 50000000);
  g_test_message ("export cancelled after %" G_GUINT64_FORMAT " rows, %.2f s", rows,
                  (g_get_monotonic_time () - begin) / (double)G_USEC_PER_SEC);

  if (existing_target)
    {
      g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, "the old export\n");
      g_unlink (target);
    }
  else
    g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));

  /* Nothing else left behind: the temporary file is gone. */
  listing = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (listing));
  g_rmdir (dir);
}

static void
test_export_cancel (void)
{
  check_export_cancel (FALSE);
  check_export_cancel (TRUE);
}

static void
test_export_error_keeps_target (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sn-csv-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "x.csv", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (target, "keep me\n", -1, NULL));
  file = g_file_new_for_path (target);
  sn_database_export_csv_async (db, "SELECT 1/(g - 100000) FROM generate_series(1, 200000) g",
                                file, NULL, NULL, NULL, NULL, sn_test_store_result_cb, &res);
  sn_test_wait_for_result (&res, 60000);
  g_assert_false (sn_database_export_csv_finish (db, res, NULL, NULL, &error));
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "22012"));
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "keep me\n");
  g_unlink (target);
  g_assert_cmpint (g_rmdir (dir), ==, 0);   /* empty: no temporary file */
}

static void
test_server_stopped (void)
{
  g_autoptr(SnDatabase) db = new_database (NULL);
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  gint64 begin;

  g_assert_true (sn_database_connect_sync (db, NULL, NULL));
  sn_test_stack_stop ("postgres");

  /* The open session notices the loss… */
  result = query (db, "SELECT 1", &error);
  g_assert_null (result);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT);
  g_test_message ("dropped session: %s", error->message);
  g_clear_error (&error);

  /* …and the reconnection says plainly what is wrong, at once. */
  begin = g_get_monotonic_time ();
  result = query (db, "SELECT 1", &error);
  g_assert_null (result);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_CONNECT);
  expected = g_strdup_printf ("Cannot reach PostgreSQL at 127.0.0.1:%u: connection refused. "
                              "Is the db container running?",
                              sn_test_stack_get_port ("PGPORT"));
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 3 * G_USEC_PER_SEC);
  g_assert_false (sn_database_get_connected (db));
  g_clear_error (&error);

  sn_test_stack_start ("postgres");
  result = query (db, "SELECT 'back'", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "back");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/Database/connect", test_connect);
  g_test_add_func ("/core/Database/wrong-password", test_wrong_password);
  g_test_add_func ("/core/Database/loopback-guard", test_loopback_guard);
  g_test_add_func ("/core/Database/read-only", test_read_only);
  g_test_add_func ("/core/Database/read-only-escapes", test_read_only_escapes);
  g_test_add_func ("/core/Database/read-only-role", test_read_only_role);
  g_test_add_func ("/core/Database/syntax-error", test_syntax_error);
  g_test_add_func ("/core/Database/cursor-chunks", test_cursor_chunks);
  g_test_add_func ("/core/Database/cancel", test_cancel);
  g_test_add_func ("/core/Database/cancel-cancellable", test_cancel_cancellable);
  g_test_add_func ("/core/Database/statement-timeout", test_statement_timeout);
  g_test_add_func ("/core/QueryResult/million-rows", test_million_rows);
  g_test_add_func ("/core/QueryResult/sort-numeric", test_sort_numeric);
  g_test_add_func ("/core/QueryResult/forget-rows", test_forget_rows);
  g_test_add_func ("/core/QueryResult/csv-stream", test_csv_stream);
  g_test_add_func ("/core/QueryResult/display", test_display);
  g_test_add_func ("/core/Database/csv-export", test_csv_export);
  g_test_add_func ("/core/Database/export-trailing-comment", test_export_trailing_comment);
  g_test_add_func ("/core/QueryResult/csv-reader-malformed", test_csv_reader_malformed);
  g_test_add_func ("/core/Database/export-cancel", test_export_cancel);
  g_test_add_func ("/core/Database/export-error-keeps-target", test_export_error_keeps_target);
  /* Last: it stops and restarts the server. */
  g_test_add_func ("/core/Database/server-stopped", test_server_stopped);

  return g_test_run ();
}
