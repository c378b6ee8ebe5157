/* test-database-connector.c: the three paths to the database give the same figures
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include <string.h>

#include <glib/gstdio.h>

#include "sn-database-connector.h"
#include "sn-sql-console.h"
#include "sn-test-stack.h"

static SnDatabaseConnector *
connect_by (SnProfile      *profile,
            SnDatabasePath  path,
            GError        **error)
{
  g_autoptr(SnDatabaseConnector) connector = sn_database_connector_new (profile, NULL);
  g_autoptr(GAsyncResult) res = NULL;

  sn_database_connector_set_forced_path (connector, path);
  sn_database_connector_connect_async (connector, NULL, sn_test_store_result_cb, &res);
  if (!sn_database_connector_connect_finish (connector, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), error))
    return NULL;
  return g_steal_pointer (&connector);
}

/* rows and totals of the report, as JSON text */
static char *
report_figures (SnDatabaseConnector *connector,
                const char          *id)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(SnReportResult) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) rows = NULL;
  g_autoptr(JsonNode) totals = NULL;
  g_autofree char *rows_text = NULL;
  g_autofree char *totals_text = NULL;
  JsonObject *object;
  GDate today;

  sn_reports_paris_today (&today);
  sn_database_connector_run_report_async (connector, id, &today, &today, NULL, sn_test_store_result_cb, &res);
  report = sn_database_connector_run_report_finish (connector, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);

  node = sn_report_result_to_json (report);
  object = json_node_get_object (node);
  rows = json_node_copy (json_object_get_member (object, "rows"));
  totals = json_object_has_member (object, "totals")
           ? json_node_copy (json_object_get_member (object, "totals")) : json_node_new (JSON_NODE_NULL);
  rows_text = json_to_string (rows, FALSE);
  totals_text = json_to_string (totals, FALSE);
  return g_strdup_printf ("rows=%s totals=%s", rows_text, totals_text);
}

static void
test_tunnel_equals_direct (void)
{
  SnProfile *profile = sn_test_stack_profile ();
  g_autoptr(SnDatabaseConnector) direct = NULL;
  g_autoptr(SnDatabaseConnector) tunnel = NULL;
  g_autoptr(SnDatabaseConnector) automatic = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *ids = sn_reports_get_ids ();
  guint n = 0;

  direct = connect_by (profile, SN_DATABASE_PATH_DIRECT, &error);
  g_assert_no_error (error);
  tunnel = connect_by (profile, SN_DATABASE_PATH_TUNNEL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_database_connector_get_path (tunnel), ==, SN_DATABASE_PATH_TUNNEL);
  g_assert_cmpstr (sn_database_connector_get_path_label (tunnel), ==, "Through SSH tunnel");
  g_assert_nonnull (sn_database_connector_get_ssh_session (tunnel));

  for (guint i = 0; ids[i] != NULL; i++, n++)
    {
      g_autofree char *a = report_figures (direct, ids[i]);
      g_autofree char *b = report_figures (tunnel, ids[i]);

      g_test_message ("%s: %s", ids[i], a);
      g_assert_cmpstr (b, ==, a);
    }
  g_assert_cmpuint (n, ==, 5);

  /* A profile that is not db-direct goes through the tunnel by itself. */
  if (!sn_profile_get_db_direct (profile))
    {
      automatic = connect_by (profile, SN_DATABASE_PATH_NONE, &error);
      g_assert_no_error (error);
      g_assert_cmpint (sn_database_connector_get_path (automatic), ==, SN_DATABASE_PATH_TUNNEL);
    }

  sn_database_connector_disconnect (tunnel);
  g_assert_cmpint (sn_database_connector_get_path (tunnel), ==, SN_DATABASE_PATH_NONE);
}

/*
 * M7: with a CA certificate in the profile the direct path asks for
 * sslmode=verify-full. The stack's PostgreSQL speaks no TLS at all, so the
 * connection must fail instead of going on in clear; without the setting the
 * same loopback server is reached as before.
 */
static void
test_direct_verify_full (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *ca = g_build_filename (sn_test_stack_dir (), "db-ca.pem", NULL);
  g_autofree char *cmd = g_strdup_printf ("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
                                          "-nodes -keyout /dev/null -subj /CN=sn-test-ca -days 2 "
                                          "-out '%s' 2>/dev/null", ca);
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(GError) error = NULL;

  g_free (sn_test_run (cmd));
  g_assert_true (g_file_test (ca, G_FILE_TEST_IS_REGULAR));
  g_object_set (profile, "db-direct", TRUE, "db-ssl-root-cert", ca, NULL);
  g_assert_cmpint (sn_profile_get_db_transport (profile), ==, SN_DB_TRANSPORT_TLS_VERIFIED);

  connector = connect_by (profile, SN_DATABASE_PATH_DIRECT, &error);
  g_assert_null (connector);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "SSL"));
  g_clear_error (&error);

  g_object_set (profile, "db-ssl-root-cert", NULL, NULL);
  g_assert_cmpint (sn_profile_get_db_transport (profile), ==, SN_DB_TRANSPORT_LOCAL);
  connector = connect_by (profile, SN_DATABASE_PATH_DIRECT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (connector);
}

static GStrv
dir_names (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_strv_builder_add (names, name);
  return g_strv_builder_end (names);
}

/*
 * M8: the psql-path export (customer data) is written 0600, even over a
 * file that was 0644, through a temporary file that does not stay behind.
 */
static void
test_export_private (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *dir = g_dir_make_tmp ("sn-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "customers.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) names = NULL;
  guint64 rows = 0;
  GStatBuf st;

  connector = connect_by (profile, SN_DATABASE_PATH_PSQL_EXEC, &error);
  g_assert_no_error (error);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(GAsyncResult) res = NULL;

      /* the second round replaces a world-readable file */
      if (round == 1)
        g_assert_cmpint (g_chmod (path, 0644), ==, 0);
      sn_database_connector_export_csv_async (connector, "SELECT 'Ada' AS name, 42 AS n",
                                              file, NULL, NULL, NULL, NULL, sn_test_store_result_cb, &res);
      g_assert_true (sn_database_connector_export_csv_finish (connector, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), &rows, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rows, ==, 1);
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "name,n\nAda,42\n");
  names = dir_names (dir);
  g_assert_cmpuint (g_strv_length (names), ==, 1);

  g_remove (path);
  g_rmdir (dir);
}

/* A private sshd like the stack's but with AllowTcpForwarding no: the
 * connector falls back to psql over SSH, says so, and the figures hold. */
static void
test_forwarding_disabled (void)
{
  g_autofree char *dir = g_build_filename (sn_test_stack_dir (), "sshd-noforward-db", NULL);
  g_autofree char *kh = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "known_hosts", NULL);
  g_autofree char *cmd = NULL;
  g_autofree char *port = NULL;
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnDatabaseConnector) direct = NULL;
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  SnDatabasePath path = SN_DATABASE_PATH_NONE;
  g_autofree char *label = NULL;

  cmd = g_strdup_printf (
    "set -e; d='%s'; mkdir -p \"$d\"; "
    "p=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'); "
    "sed -e \"s|^Port .*|Port $p|\" -e \"s|^PidFile .*|PidFile $d/sshd.pid|\" "
    "-e 's|^AllowTcpForwarding .*|AllowTcpForwarding no|' '%s/ssh/sshd_config' > \"$d/sshd_config\"; "
    "grep -qx 'AllowTcpForwarding no' \"$d/sshd_config\"; "
    "setsid /usr/sbin/sshd -f \"$d/sshd_config\" -E \"$d/sshd.log\" </dev/null >/dev/null 2>&1; "
    "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.05; done; "
    "printf '[127.0.0.1]:%%s %%s\\n' $p \"$(cut -d' ' -f1,2 '%s/ssh/hostkey_ed25519.pub')\" >> '%s'; echo $p",
    dir, sn_test_stack_dir (), sn_test_stack_dir (), kh);
  port = g_strstrip (sn_test_run (cmd));

  direct = connect_by (sn_test_stack_profile (), SN_DATABASE_PATH_DIRECT, &error);
  g_assert_no_error (error);
  expected = report_figures (direct, SN_REPORT_REVENUE_TODAY);

  g_object_set (profile, "ssh-port", (guint)atoi (port), NULL);
  connector = connect_by (profile, SN_DATABASE_PATH_TUNNEL, &error);
  if (connector != NULL)
    {
      path = sn_database_connector_get_path (connector);
      label = g_strdup (sn_database_connector_get_path_label (connector));
      got = report_figures (connector, SN_REPORT_REVENUE_TODAY);
      sn_database_connector_disconnect (connector);
    }

  /* stop the private sshd before asserting, so a failure leaves nothing running */
  g_free (cmd);
  cmd = g_strdup_printf ("kill $(cat '%s/sshd.pid') 2>/dev/null; true", dir);
  g_free (sn_test_run (cmd));

  g_assert_no_error (error);
  g_assert_cmpint (path, ==, SN_DATABASE_PATH_PSQL_EXEC);
  g_test_message ("%s", label);
  g_assert_cmpstr (label, ==, "psql over SSH (forwarding is disabled on the host)");
  g_assert_cmpstr (got, ==, expected);
}

static SnQueryResult *
run_query (SnDatabaseConnector  *connector,
           const char           *sql,
           GError              **error)
{
  g_autoptr(SnQueryResult) result = sn_database_connector_start_query (connector, sql, NULL);
  g_autoptr(GAsyncResult) res = NULL;

  sn_query_result_wait_async (result, NULL, sn_test_store_result_cb, &res);
  if (!sn_query_result_wait_finish (result, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), error))
    return NULL;
  return g_steal_pointer (&result);
}

static gboolean
table_exists (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnDatabaseConnector) owner = connect_by (sn_test_stack_profile (), SN_DATABASE_PATH_DIRECT, &error);
  g_autofree char *sql = g_strdup_printf ("SELECT to_regclass('%s') IS NOT NULL", name);
  g_autoptr(SnQueryResult) result = NULL;

  g_assert_no_error (error);
  result = run_query (owner, sql, &error);
  g_assert_no_error (error);
  return g_strcmp0 (sn_query_result_get_value (result, 0, 0), "t") == 0;
}

/*
 * L9: several statements in one text. psql 15 prints one CSV table for each,
 * which the reader cannot split; the psql path shows the last result, as the
 * libpq paths do, in the editor and in the export.
 */
static void
test_psql_several_statements (void)
{
  static const char sql[] = "SELECT 1 AS a, 'x' AS skipped; SELECT 'two' AS b, 3 AS c";
  g_autofree char *dir = g_dir_make_tmp ("sn-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "last.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  guint64 rows = 0;
  SnDatabasePath paths[] = { SN_DATABASE_PATH_DIRECT, SN_DATABASE_PATH_PSQL_EXEC };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(SnDatabaseConnector) connector = connect_by (sn_test_stack_profile (), paths[i], &error);
      g_autoptr(SnQueryResult) result = NULL;

      g_assert_no_error (error);
      result = run_query (connector, sql, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (sn_query_result_get_n_columns (result), ==, 2);
      g_assert_cmpstr (sn_query_result_get_column_name (result, 0), ==, "b");
      g_assert_cmpstr (sn_query_result_get_column_name (result, 1), ==, "c");
      g_assert_cmpuint (sn_query_result_get_n_rows (result), ==, 1);
      g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, "two");
      g_assert_cmpstr (sn_query_result_get_value (result, 0, 1), ==, "3");

      if (paths[i] != SN_DATABASE_PATH_PSQL_EXEC)
        continue;
      sn_database_connector_export_csv_async (connector, sql, file, NULL, NULL, NULL, NULL,
                                              sn_test_store_result_cb, &res);
      g_assert_true (sn_database_connector_export_csv_finish (connector, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), &rows, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rows, ==, 1);
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_assert_cmpstr (contents, ==, "b,c\ntwo,3\n");
    }

  g_remove (path);
  g_rmdir (dir);
}

/*
 * M9: the SQL editor's export on a read-only (direction) profile neutralises
 * cells a spreadsheet would run, on the COPY path and the psql path alike;
 * numbers and NULL stay as they are. Other levels get plain CSV.
 */
static void
test_export_spreadsheet_safe (void)
{
  static const char sql[] = "SELECT '=1+1' AS f, -3 AS n, '@x,y' AS g, NULL AS z, '-' AS m";
  g_autoptr(SnProfile) direction = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *dir = g_dir_make_tmp ("sn-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "safe.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  SnDatabasePath paths[] = { SN_DATABASE_PATH_DIRECT, SN_DATABASE_PATH_PSQL_EXEC };

  g_object_set (direction, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (paths) * 2; i++)
    {
      gboolean safe = i < G_N_ELEMENTS (paths);
      SnProfile *profile = safe ? direction : sn_test_stack_profile ();
      g_autoptr(SnDatabaseConnector) connector = NULL;
      g_autoptr(GAsyncResult) res = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;

      connector = connect_by (profile, paths[i % G_N_ELEMENTS (paths)], &error);
      g_assert_no_error (error);
      sn_database_connector_export_csv_async (connector, sql, file, NULL, NULL, NULL, NULL,
                                              sn_test_store_result_cb, &res);
      g_assert_true (sn_database_connector_export_csv_finish (connector, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_test_message ("%s, path %u: %s", safe ? "safe" : "plain", i, contents);
      if (safe)
        g_assert_cmpstr (contents, ==, "f,n,g,z,m\n\"'=1+1\",-3,\"'@x,y\",,\"'-\"\n");
      else
        g_assert_cmpstr (contents, ==, "f,n,g,z,m\n=1+1,-3,\"@x,y\",,-\n");
    }

  g_remove (path);
  g_rmdir (dir);
}

/* H2 on every path: a read-only profile's BEGIN READ WRITE is refused before it
 * is sent, and nothing is created. "direction" connects as the owner role here,
 * so only the client-side net stands in the way. */
static void
test_read_only_paths (void)
{
  static const SnDatabasePath paths[] = {
    SN_DATABASE_PATH_DIRECT, SN_DATABASE_PATH_TUNNEL, SN_DATABASE_PATH_PSQL_EXEC
  };
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());

  g_object_set (profile, "name", "direction", "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SnDatabaseConnector) connector = connect_by (profile, paths[i], &error);
      g_autoptr(SnQueryResult) result = NULL;
      g_autofree char *table = g_strdup_printf ("sn_h2_path_%u", i);
      g_autofree char *sql = g_strdup_printf ("BEGIN READ WRITE; CREATE TABLE %s (x int); COMMIT;", table);

      g_assert_no_error (error);
      g_assert_cmpint (sn_database_connector_get_path (connector), ==, paths[i]);
      result = run_query (connector, sql, &error);
      g_test_message ("%s: %s", sn_database_connector_get_path_label (connector),
                      error != NULL ? error->message : "ran");
      g_assert_null (result);
      g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED);
      g_clear_error (&error);

      g_free (sql);
      sql = g_strdup_printf ("SET default_transaction_read_only = off; CREATE TABLE %s (x int)", table);
      result = run_query (connector, sql, &error);
      g_assert_null (result);
      g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED);
      g_assert_false (table_exists (table));
    }
}

/* The stack's read-only profile: its role on the tunnel; its tunnel-only key
 * cannot run psql, and says so at once instead of hanging. */
static void
test_read_only_profile (void)
{
  SnProfile *profile = sn_test_stack_ro_profile ();
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 begin;

  connector = connect_by (profile, SN_DATABASE_PATH_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_database_connector_get_path (connector), ==, SN_DATABASE_PATH_TUNNEL);
  result = run_query (connector, "SELECT current_user", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_query_result_get_value (result, 0, 0), ==, sn_test_stack_get ("PG_RO_USER"));
  g_clear_object (&result);
  result = run_query (connector, "CREATE TABLE sn_ro_profile (x int)", &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (table_exists ("sn_ro_profile"));
  g_clear_object (&connector);

  begin = g_get_monotonic_time ();
  connector = connect_by (profile, SN_DATABASE_PATH_PSQL_EXEC, &error);
  g_assert_null (connector);
  g_test_message ("psql with a tunnel-only key: %s", error->message);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "tunnel"));
  g_assert_cmpint (g_get_monotonic_time () - begin, <, 20 * G_USEC_PER_SEC);
}

static guint
count_lines (const char *path,
             const char *needle)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], needle) != NULL)
      n++;
  return n;
}

/* Every statement of the SQL editor leaves a line before it is sent and one
 * after, redacted; without the first, it is not sent. */
static void
test_console_audit (void)
{
  g_autofree char *dir = g_build_filename (sn_test_stack_dir (), "console-audit", NULL);
  g_autofree char *path = g_build_filename (dir, "audit.jsonl", NULL);
  g_autoptr(SnAuditLog) audit = sn_audit_log_new (path);
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  g_object_set (profile, "name", "console", NULL);
  connector = connect_by (profile, SN_DATABASE_PATH_DIRECT, &error);
  g_assert_no_error (error);

  result = sn_sql_console_start (connector, audit, "SELECT 'console probe' AS p", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_lines (path, "\"db.sql.started\""), ==, 1);
  sn_query_result_wait_async (result, NULL, sn_test_store_result_cb, &res);
  g_assert_true (sn_query_result_wait_finish (result, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), &error));
  g_assert_cmpuint (count_lines (path, "\"db.sql\""), ==, 1);
  g_assert_cmpuint (count_lines (path, "console probe"), ==, 2);
  g_clear_object (&result);
  g_clear_object (&res);

  /* A password never reaches the audit log. */
  result = sn_sql_console_start (connector, audit, "ALTER ROLE nobody PASSWORD 'Sup3rS3cret'",
                                 FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  sn_query_result_wait_async (result, NULL, sn_test_store_result_cb, &res);
  g_assert_false (sn_query_result_wait_finish (result, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), NULL));
  g_assert_cmpuint (count_lines (path, "Sup3rS3cret"), ==, 0);
  g_assert_cmpuint (count_lines (path, "PASSWORD '[REDACTED]'"), ==, 2);
  g_clear_object (&result);

  /* A destructive write needs the yes, in core. */
  g_assert_true (sn_database_connector_allow_writes (connector, "test: console gates", NULL));
  result = sn_sql_console_start (connector, audit, "DROP TABLE IF EXISTS sn_console_x", FALSE, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED);
  g_clear_error (&error);
  g_assert_cmpuint (count_lines (path, "sn_console_x"), ==, 0);

  /* No "started" line, no statement. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  result = sn_sql_console_start (connector, audit, "CREATE TABLE sn_console_y (x int)", FALSE, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED);
  g_assert_cmpint (g_rmdir (path), ==, 0);
  g_assert_false (table_exists ("sn_console_y"));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();

  g_test_add_func ("/database-connector/tunnel-equals-direct", test_tunnel_equals_direct);
  g_test_add_func ("/database-connector/forwarding-disabled", test_forwarding_disabled);
  g_test_add_func ("/database-connector/direct-verify-full", test_direct_verify_full);
  g_test_add_func ("/database-connector/export-private", test_export_private);
  g_test_add_func ("/database-connector/psql-several-statements", test_psql_several_statements);
  g_test_add_func ("/database-connector/export-spreadsheet-safe", test_export_spreadsheet_safe);
  g_test_add_func ("/database-connector/read-only-paths", test_read_only_paths);
  g_test_add_func ("/database-connector/read-only-profile", test_read_only_profile);
  g_test_add_func ("/database-connector/console-audit", test_console_audit);

  return g_test_run ();
}
