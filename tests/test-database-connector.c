/* test-database-connector.c: the three paths to the database give the same figures
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>

#include "sn-database-connector.h"
#include "sn-test-stack.h"

static GAsyncResult *
wait_for (GAsyncResult **res)
{
  while (*res == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *res;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static SnDatabaseConnector *
connect_by (SnProfile      *profile,
            SnDatabasePath  path,
            GError        **error)
{
  g_autoptr(SnDatabaseConnector) connector = sn_database_connector_new (profile, NULL);
  g_autoptr(GAsyncResult) res = NULL;

  sn_database_connector_set_forced_path (connector, path);
  sn_database_connector_connect_async (connector, NULL, store_cb, &res);
  if (!sn_database_connector_connect_finish (connector, wait_for (&res), error))
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
  sn_database_connector_run_report_async (connector, id, &today, &today, NULL, store_cb, &res);
  report = sn_database_connector_run_report_finish (connector, wait_for (&res), &error);
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

int
main (int    argc,
      char **argv)
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();

  g_test_add_func ("/database-connector/tunnel-equals-direct", test_tunnel_equals_direct);
  g_test_add_func ("/database-connector/forwarding-disabled", test_forwarding_disabled);

  return g_test_run ();
}
