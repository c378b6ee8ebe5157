/* test-ssh-tunnel.c: SnSshTunnel against the stack's sshd and PostgreSQL
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include "sn-test-stack.h"
#include "sn-net.h"
#include "sn-ssh-session.h"
#include "sn-ssh-tunnel.h"

/* How long one async call may take here. */
#define WAIT_MS (30 * 1000)

static gboolean
tunnel_open_sync (SnSshTunnel  *tunnel,
                  GError      **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  sn_ssh_tunnel_open_async (tunnel, NULL, sn_test_store_result_cb, &res);
  return sn_ssh_tunnel_open_finish (tunnel, sn_test_wait_for_result (&res, WAIT_MS), error);
}

static SnSshSession *
stack_session (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());

  return sn_ssh_session_new (profile, NULL);
}

static PGconn *
pg_connect (guint port)
{
  g_autofree char *conninfo = g_strdup_printf ("host=127.0.0.1 port=%u dbname=snarcisse user=snarcisse "
                                               "password=%s connect_timeout=10",
                                               port, sn_test_stack_get ("PGPASSWORD"));
  return PQconnectdb (conninfo);
}

static char *
pg_value (PGconn     *conn,
          const char *sql)
{
  PGresult *res = PQexec (conn, sql);
  char *value;

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      g_test_message ("%s: %s", sql, PQerrorMessage (conn));
      PQclear (res);
      return NULL;
    }
  value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);
  return value;
}

/* Every byte through the tunnel, both ways, compared with what PostgreSQL
 * itself computes: 12.8 MB of rows down (many packets, more than one channel
 * window), then a 4 MiB parameter up. A cipher that decrypted a block wrong
 * would fail the MAC; this checks the bytes themselves too. */
static void
check_bytes_both_ways (PGconn *conn)
{
  g_autoptr(GChecksum) down = g_checksum_new (G_CHECKSUM_MD5);
  g_autofree char *server_md5 = NULL;
  g_autofree char *up = g_malloc (4 * 1024 * 1024 + 1);
  g_autofree char *up_md5 = NULL;
  const char *values[1];
  PGresult *res;

  res = PQexec (conn, "SELECT repeat(md5(g::text), 100) FROM generate_series(1, 4000) g ORDER BY g");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpint (PQntuples (res), ==, 4000);
  for (int i = 0; i < PQntuples (res); i++)
    g_checksum_update (down, (const guchar *)PQgetvalue (res, i, 0), PQgetlength (res, i, 0));
  PQclear (res);
  server_md5 = pg_value (conn, "SELECT md5(string_agg(repeat(md5(g::text), 100), '' ORDER BY g)) "
                               "FROM generate_series(1, 4000) g");
  g_assert_cmpstr (g_checksum_get_string (down), ==, server_md5);

  for (gsize i = 0; i < 4 * 1024 * 1024; i++)
    up[i] = 'a' + (char)((i * 7919 + i / 4099) % 26);
  up[4 * 1024 * 1024] = '\0';
  up_md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, up, -1);
  values[0] = up;
  res = PQexecParams (conn, "SELECT md5($1::text)", 1, NULL, values, NULL, NULL, 0);
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
  g_assert_cmpstr (PQgetvalue (res, 0, 0), ==, up_md5);
  PQclear (res);
}

static void
test_postgres (void)
{
  g_autoptr(SnSshSession) session = stack_session ();
  g_autoptr(SnSshTunnel) tunnel = sn_ssh_tunnel_new (session, "127.0.0.1",
                                                     sn_test_stack_get_port ("PGPORT"));
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  g_autofree char *sum = NULL;
  PGconn *conn;

  g_assert_cmpuint (sn_ssh_tunnel_get_local_port (tunnel), ==, 0);
  g_assert_true (tunnel_open_sync (tunnel, &error));
  g_assert_no_error (error);
  g_assert_true (sn_ssh_tunnel_is_open (tunnel));
  g_assert_cmpuint (sn_ssh_tunnel_get_local_port (tunnel), >, 0);
  g_assert_cmpuint (sn_ssh_tunnel_get_local_port (tunnel), !=, sn_test_stack_get_port ("PGPORT"));

  /* libpq blocks this thread: the forwarding runs on the session's worker */
  conn = pg_connect (sn_ssh_tunnel_get_local_port (tunnel));
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  port = pg_value (conn, "SELECT inet_server_port()");
  g_assert_cmpstr (port, ==, sn_test_stack_get ("PGPORT"));
  sum = pg_value (conn, "SELECT sum(length(s)) FROM (SELECT repeat(md5(g::text), 100) s "
                        "FROM generate_series(1, 20000) g) t");
  g_assert_cmpstr (sum, ==, "64000000");
  check_bytes_both_ways (conn);
  PQfinish (conn);
}

static void
test_two_at_once (void)
{
  g_autoptr(SnSshSession) session = stack_session ();
  g_autoptr(SnSshTunnel) tunnel = sn_ssh_tunnel_new (session, "127.0.0.1",
                                                     sn_test_stack_get_port ("PGPORT"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) exec_res = NULL;
  g_autoptr(SnSshExecResult) exec = NULL;
  PGconn *a;
  PGconn *b;
  gint64 start;

  g_assert_true (tunnel_open_sync (tunnel, &error));
  a = pg_connect (sn_ssh_tunnel_get_local_port (tunnel));
  b = pg_connect (sn_ssh_tunnel_get_local_port (tunnel));
  g_assert_cmpint (PQstatus (a), ==, CONNECTION_OK);
  g_assert_cmpint (PQstatus (b), ==, CONNECTION_OK);

  /* both sleep at the same time, and a command runs on the session meanwhile */
  start = g_get_monotonic_time ();
  g_assert_true (PQsendQuery (a, "SELECT pg_sleep(0.8), 'a'"));
  g_assert_true (PQsendQuery (b, "SELECT pg_sleep(0.8), 'b'"));
  sn_ssh_session_exec_async (session, "echo meanwhile", 0, NULL, sn_test_store_result_cb, &exec_res);
  exec = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&exec_res, WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (exec), ==, strlen ("meanwhile\n"));

  for (guint i = 0; i < 2; i++)
    {
      PGconn *conn = i == 0 ? a : b;
      PGresult *res;

      while ((res = PQgetResult (conn)) != NULL)
        {
          g_assert_cmpint (PQresultStatus (res), ==, PGRES_TUPLES_OK);
          g_assert_cmpstr (PQgetvalue (res, 0, 1), ==, i == 0 ? "a" : "b");
          PQclear (res);
        }
    }
  g_test_message ("two pg_sleep(0.8) through the tunnel in %.2f s",
                  (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500000);

  /* closing the tunnel closes its connections */
  sn_ssh_tunnel_close (tunnel);
  g_assert_false (sn_ssh_tunnel_is_open (tunnel));
  {
    PGresult *res = PQexec (a, "SELECT 1");

    g_assert_cmpint (PQresultStatus (res), !=, PGRES_TUPLES_OK);
    PQclear (res);
  }
  PQfinish (a);
  PQfinish (b);
}

static void
test_close_refuses (void)
{
  g_autoptr(SnSshSession) session = stack_session ();
  g_autoptr(SnSshTunnel) tunnel = sn_ssh_tunnel_new (session, "127.0.0.1",
                                                     sn_test_stack_get_port ("PGPORT"));
  g_autoptr(GError) error = NULL;
  guint port;
  PGconn *conn;

  g_assert_true (tunnel_open_sync (tunnel, &error));
  port = sn_ssh_tunnel_get_local_port (tunnel);
  g_clear_object (&tunnel);   /* dispose closes */
  conn = pg_connect (port);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_BAD);
  PQfinish (conn);
}

static void
test_target_refused (void)
{
  g_autoptr(SnSshSession) session = stack_session ();
  g_autoptr(SnSshTunnel) tunnel = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *free_port = sn_test_run ("/usr/bin/python3 -c 'import socket; s=socket.socket(); "
                                            "s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'");

  tunnel = sn_ssh_tunnel_new (session, "127.0.0.1", (guint)atoi (free_port));
  g_assert_false (tunnel_open_sync (tunnel, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL);
  g_assert_nonnull (strstr (error->message, "nothing listens there"));
  g_test_message ("%s", error->message);
  g_assert_false (sn_ssh_tunnel_is_open (tunnel));
}

/*
 * Under SN_LOOPBACK_ONLY=1 the far end (db-host as the server sees it) goes
 * through the loopback guard too: the stack's sshd would forward anywhere.
 * Nothing is opened: no probe channel, no listening socket.
 */
static void
test_far_end_guarded (void)
{
  static const char * const far_ends[] = { "192.0.2.1", "localhost", "db" };
  g_autoptr(SnSshSession) session = stack_session ();
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (far_ends); i++)
    {
      g_autoptr(SnSshTunnel) tunnel = sn_ssh_tunnel_new (session, far_ends[i], 5432);

      g_assert_false (tunnel_open_sync (tunnel, &error));
      g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
      g_assert_nonnull (strstr (error->message, far_ends[i]));
      g_assert_nonnull (strstr (error->message, "SSH tunnel"));
      g_test_message ("%s", error->message);
      g_clear_error (&error);
      g_assert_false (sn_ssh_tunnel_is_open (tunnel));
      g_assert_cmpuint (sn_ssh_tunnel_get_local_port (tunnel), ==, 0);
    }
  /* refused before the session even connected: nothing reached the server */
  g_assert_false (sn_ssh_session_is_connected (session));
}

/* A private sshd like the stack's but with AllowTcpForwarding no (harden-vps.sh). */
static void
test_forwarding_disabled (void)
{
  g_autofree char *dir = g_build_filename (sn_test_stack_dir (), "sshd-noforward", NULL);
  g_autofree char *kh = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "known_hosts", NULL);
  g_autofree char *cmd = NULL;
  g_autofree char *port = NULL;
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnSshTunnel) tunnel = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) exec_error = NULL;
  gboolean opened;

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

  g_object_set (profile, "ssh-port", (guint)atoi (port), NULL);
  session = sn_ssh_session_new (profile, NULL);
  tunnel = sn_ssh_tunnel_new (session, "127.0.0.1", sn_test_stack_get_port ("PGPORT"));
  opened = tunnel_open_sync (tunnel, &error);

  /* commands still run on that host */
  sn_ssh_session_exec_async (session, "echo still fine", 0, NULL, sn_test_store_result_cb, &res);
  exec = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&res, WAIT_MS), &exec_error);

  /* stop the private sshd before asserting, so a failure leaves nothing running */
  g_clear_object (&tunnel);
  g_clear_object (&session);
  g_free (cmd);
  cmd = g_strdup_printf ("kill $(cat '%s/sshd.pid') 2>/dev/null; true", dir);
  g_free (sn_test_run (cmd));

  g_assert_false (opened);
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FORWARDING_DISABLED);
  g_assert_nonnull (strstr (error->message, "AllowTcpForwarding no"));
  g_assert_nonnull (strstr (error->message, "psql over SSH"));
  g_assert_nonnull (strstr (error->message, "curl on the host"));
  g_test_message ("%s", error->message);
  g_assert_no_error (exec_error);
  g_assert_true (sn_ssh_exec_result_get_success (exec));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  g_test_init (&argc, &argv, NULL);

  sn_test_stack_up ();

  g_test_add_func ("/ssh-tunnel/postgres", test_postgres);
  g_test_add_func ("/ssh-tunnel/two-at-once-then-close", test_two_at_once);
  g_test_add_func ("/ssh-tunnel/closed-port-refuses", test_close_refuses);
  g_test_add_func ("/ssh-tunnel/target-refused", test_target_refused);
  g_test_add_func ("/ssh-tunnel/forwarding-disabled", test_forwarding_disabled);
  g_test_add_func ("/ssh-tunnel/far-end-loopback-guard", test_far_end_guarded);

  return g_test_run ();
}
