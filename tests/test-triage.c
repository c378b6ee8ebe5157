/* test-triage.c: proposed severities from health reports, canned and live
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>

#include "sn-core.h"
#include "sn-test-stack.h"
#include "sn-triage.h"

static guint canned_status;
static const char *canned_body;

static void
serve_health (SoupServer        *server,
              SoupServerMessage *msg,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  soup_server_message_set_status (msg, canned_status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                    canned_body, strlen (canned_body));
}

static char *
start_server (SoupServer **out)
{
  g_autoptr(GError) error = NULL;
  SoupServer *server = soup_server_new (NULL, NULL);
  GSList *uris;
  char *url;

  soup_server_add_handler (server, "/api/health", serve_health, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  *out = server;
  return url;
}

typedef struct
{
  SnHealthReport *report;
  gboolean        done;
} Check;

static void
on_checked (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Check *check = user_data;
  g_autoptr(GError) error = NULL;

  check->report = sn_health_service_check_finish (SN_HEALTH_SERVICE (source), result, &error);
  g_assert_no_error (error);
  check->done = TRUE;
}

static gboolean
check_done (gpointer data)
{
  return ((Check *) data)->done;
}

static SnHealthReport *
check_health (const char *url,
              const char *key)
{
  g_autoptr(SnHealthService) service = sn_health_service_new ();
  Check check = { NULL, FALSE };

  sn_health_service_check_async (service, url, key, 10, NULL, on_checked, &check);
  g_assert_true (sn_test_wait_until (check_done, &check, 20000));
  return check.report;
}

#define DOC(status, db, dbms, dbmsg, redis, rms, rmsg, storage, sms, smsg) \
  "{\"status\":\"" status "\",\"timestamp\":\"2026-01-02T09:15:00.123Z\",\"version\":\"1.0.6\"," \
  "\"uptime\":100,\"services\":{" \
  "\"database\":{\"status\":\"" db "\",\"latencyMs\":" dbms ",\"message\":\"" dbmsg "\"}," \
  "\"redis\":{\"status\":\"" redis "\",\"latencyMs\":" rms ",\"message\":\"" rmsg "\"}," \
  "\"storage\":{\"status\":\"" storage "\",\"latencyMs\":" sms ",\"message\":\"" smsg "\"}}," \
  "\"checks\":{\"total\":3,\"passed\":1,\"failed\":0}}"

static SnSeverity
propose_from (SnHealthReport *report,
              GHashTable     *containers,
              char          **reason)
{
  SnTriageAnswers answers;
  SnSeverity severity;

  sn_triage_answers_init (&answers);
  sn_triage_seed (&answers, report, containers);
  severity = sn_triage_propose (&answers, reason);
  sn_triage_answers_clear (&answers);
  return severity;
}

static void
test_canned (void)
{
  static const struct {
    const char *what;
    guint       status;
    const char *body;
    SnSeverity  expected;
    const char *reason_has;
  } cases[] = {
    { "production's normal state: storage not configured", 200,
      DOC ("degraded", "healthy", "12", "Database connected", "healthy", "8", "PONG",
           "degraded", "0", "MinIO not configured"),
      SN_SEVERITY_SEV4, "minor bug" },
    { "cache down", 200,
      DOC ("degraded", "healthy", "12", "Database connected", "degraded", "2001", "Redis timeout",
           "degraded", "0", "MinIO not configured"),
      SN_SEVERITY_SEV3, "cache" },
    { "database slow", 200,
      DOC ("degraded", "degraded", "320", "Database connected", "healthy", "3", "PONG",
           "healthy", "20", "ok"),
      SN_SEVERITY_SEV3, "slow" },
    { "database down", 503,
      DOC ("unhealthy", "unhealthy", "5001", "Database timeout", "healthy", "3", "PONG",
           "degraded", "0", "MinIO not configured"),
      SN_SEVERITY_SEV1, "database is down" },
  };
  g_autoptr(SoupServer) server = NULL;
  g_autofree char *url = start_server (&server);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SnHealthReport) report = NULL;
      g_autofree char *reason = NULL;
      SnSeverity severity;

      canned_status = cases[i].status;
      canned_body = cases[i].body;
      report = check_health (url, "key");
      severity = propose_from (report, NULL, &reason);
      g_test_message ("%s: %s → %s", cases[i].what,
                      sn_health_state_to_label (sn_health_report_get_state (report)), reason);
      g_assert_cmpint (severity, ==, cases[i].expected);
      g_assert_nonnull (strstr (reason, cases[i].reason_has));
    }

  /* Nothing listens: the site is down. */
  {
    g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
    g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
    g_autoptr(GSocketAddress) bound = NULL;
    g_autoptr(SnHealthReport) report = NULL;
    g_autofree char *closed = NULL;
    g_autofree char *reason = NULL;

    g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
    bound = g_socket_get_local_address (socket, NULL);
    closed = g_strdup_printf ("http://127.0.0.1:%u",
                              g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
    report = check_health (closed, "key");
    g_assert_cmpint (propose_from (report, NULL, &reason), ==, SN_SEVERITY_SEV1);
    g_assert_nonnull (strstr (reason, "site is down"));
  }

  /* Containers: the app exited → SEV1 even if an old health answer looked fine. */
  {
    g_autoptr(GHashTable) containers = g_hash_table_new (g_str_hash, g_str_equal);
    g_autoptr(SnHealthReport) report = NULL;
    g_autofree char *reason = NULL;

    canned_status = 200;
    canned_body = cases[0].body;
    report = check_health (url, "key");
    g_hash_table_insert (containers, (gpointer) "app", (gpointer) "running");
    g_hash_table_insert (containers, (gpointer) "redis", (gpointer) "exited");
    g_assert_cmpint (propose_from (report, containers, NULL), ==, SN_SEVERITY_SEV3);
    g_hash_table_insert (containers, (gpointer) "app", (gpointer) "exited");
    g_assert_cmpint (propose_from (report, containers, &reason), ==, SN_SEVERITY_SEV1);
    g_assert_nonnull (strstr (reason, "app container is exited"));
  }

  /* Close the kept-alive connections, or they outlive the server (leaks under LSan). */
  soup_server_disconnect (server);
}

static void
test_answers (void)
{
  SnTriageAnswers a;
  g_autofree char *reason = NULL;

  sn_triage_answers_init (&a);
  a.site_reachable = SN_ANSWER_YES;
  g_assert_cmpint (sn_triage_propose (&a, NULL), ==, SN_SEVERITY_SEV4);
  a.users = SN_USERS_FEW;
  g_assert_cmpint (sn_triage_propose (&a, NULL), ==, SN_SEVERITY_SEV3);
  a.users = SN_USERS_MANY;
  g_assert_cmpint (sn_triage_propose (&a, NULL), ==, SN_SEVERITY_SEV2);
  a.users = SN_USERS_FEW;
  a.payments_failing = SN_ANSWER_YES;
  g_assert_cmpint (sn_triage_propose (&a, &reason), ==, SN_SEVERITY_SEV2);
  g_assert_nonnull (strstr (reason, "payments"));
  a.payments_failing = SN_ANSWER_NO;
  a.bookings_failing = SN_ANSWER_YES;
  g_assert_cmpint (sn_triage_propose (&a, NULL), ==, SN_SEVERITY_SEV2);
  a.data_at_risk = SN_ANSWER_YES;
  g_assert_cmpint (sn_triage_propose (&a, NULL), ==, SN_SEVERITY_SEV1);
  a.data_at_risk = SN_ANSWER_NO;
  a.site_reachable = SN_ANSWER_NO;
  g_assert_cmpint (sn_triage_propose (&a, NULL), ==, SN_SEVERITY_SEV1);
  sn_triage_answers_clear (&a);
}

static SnHealthReport *
check_stack (void)
{
  SnProfile *profile = sn_test_stack_profile ();

  return check_health (sn_profile_get_site_url (profile), sn_test_stack_get ("MONITORING_KEY"));
}

static void
test_live (void)
{
  g_autoptr(SnHealthReport) healthy = NULL;
  g_autofree char *reason = NULL;
  SnSeverity severity;
  SnSeverity down = SN_SEVERITY_NONE;

  sn_test_stack_up ();

  healthy = check_stack ();
  severity = propose_from (healthy, NULL, &reason);
  g_test_message ("stack up: %s → %s",
                  sn_health_state_to_label (sn_health_report_get_state (healthy)), reason);
  g_assert_cmpint (severity, >=, SN_SEVERITY_SEV3);

  sn_test_stack_stop ("postgres");
  for (guint i = 0; i < 40 && down != SN_SEVERITY_SEV1; i++)
    {
      g_autoptr(SnHealthReport) report = check_stack ();
      g_autofree char *why = NULL;

      down = propose_from (report, NULL, &why);
      if (down == SN_SEVERITY_SEV1)
        {
          g_test_message ("postgres stopped: %s → %s",
                          sn_health_state_to_label (sn_health_report_get_state (report)), why);
          g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_UNHEALTHY);
          g_assert_nonnull (strstr (why, "database"));
        }
      else
        g_usleep (500000);
    }
  sn_test_stack_start ("postgres");
  g_assert_cmpint (down, ==, SN_SEVERITY_SEV1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* First: GLib caches the XDG dirs the stack points into a private HOME. */
  sn_test_stack_up ();

  g_test_add_func ("/core/triage/answers", test_answers);
  g_test_add_func ("/core/triage/canned-reports", test_canned);
  g_test_add_func ("/core/triage/live-stack", test_live);

  return g_test_run ();
}
