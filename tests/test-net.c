/* test-net.c: the loopback guard
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-net"

#include "config.h"

#include "sn-core.h"
#include "sn-test-stack.h"

static void
test_loopback_detection (void)
{
  static const struct {
    const char *host;
    gboolean    loopback;
  } cases[] = {
    { "127.0.0.1", TRUE },
    { "127.8.9.1", TRUE },
    { "::1", TRUE },
    { "[::1]", TRUE },
    { "localhost", TRUE },
    { "LOCALHOST", TRUE },
    { "51.178.17.205", FALSE },
    { "10.0.0.1", FALSE },
    { "192.168.1.1", FALSE },
    { "::ffff:127.0.0.1", FALSE },
    { "example.com", FALSE },
    { "localhost.example.com", FALSE },
    { "www.sweet-narcisse.com", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("host \"%s\"", cases[i].host ? cases[i].host : "(null)");
      g_assert_cmpint (sn_net_host_is_loopback (cases[i].host), ==, cases[i].loopback);
    }
}

static void
test_guard_on (void)
{
  g_autoptr(GError) error = NULL;

  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  g_assert_true (sn_net_loopback_only ());

  g_assert_false (sn_net_check_uri ("https://www.sweet-narcisse.com", &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_assert_nonnull (strstr (error->message, "www.sweet-narcisse.com"));
  g_clear_error (&error);

  g_assert_false (sn_net_check_host ("51.178.17.205", &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_clear_error (&error);

  g_assert_false (sn_net_check_uri ("not a url", &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_assert_false (sn_net_check_host ("", &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_INVALID_ADDRESS);
  g_clear_error (&error);

  g_assert_true (sn_net_check_uri ("http://127.0.0.1:8080/api/health", &error));
  g_assert_no_error (error);
  g_assert_true (sn_net_check_uri ("http://[::1]:8080/", &error));
  g_assert_no_error (error);
  g_assert_true (sn_net_check_host ("127.8.9.1", &error));
  g_assert_no_error (error);
  g_assert_true (sn_net_check_host ("[::1]", &error));
  g_assert_no_error (error);

  /* names are resolved later, by getaddrinfo, libpq or the server, where
   * /etc/hosts or NSS could lead anywhere: only literal addresses pass */
  for (guint i = 0; i < 5; i++)
    {
      static const char * const names[] = {
        "localhost", "LOCALHOST", "localhost.", "[localhost]", "ip6-localhost",
      };

      g_assert_false (sn_net_check_host (names[i], &error));
      g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
      g_assert_nonnull (strstr (error->message, "literal"));
      g_clear_error (&error);
    }
  g_assert_false (sn_net_check_uri ("http://localhost:8080/api/health", &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_clear_error (&error);
  g_assert_false (sn_net_check_host ("127.0.0.1,10.0.0.1", &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_clear_error (&error);
  g_assert_false (sn_net_check_host ("127.1", &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_clear_error (&error);
}

static void
test_guard_off (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("SN_LOOPBACK_ONLY"));

  g_unsetenv ("SN_LOOPBACK_ONLY");
  g_assert_false (sn_net_loopback_only ());
  /* Only the check: nothing is contacted. */
  g_assert_true (sn_net_check_host ("www.sweet-narcisse.com", &error));
  g_assert_no_error (error);
  g_assert_true (sn_net_check_uri ("https://www.sweet-narcisse.com", &error));
  g_assert_no_error (error);

  g_setenv ("SN_LOOPBACK_ONLY", "0", TRUE);
  g_assert_false (sn_net_loopback_only ());

  g_setenv ("SN_LOOPBACK_ONLY", saved != NULL ? saved : "1", TRUE);
}

static void
test_health_refused_by_guard (void)
{
  g_autoptr(SnHealthService) service = NULL;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;

  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  service = sn_health_service_new ();

  started = g_get_monotonic_time ();
  sn_health_service_check_async (service, "https://www.sweet-narcisse.com", "some-key", 5,
                                 NULL, sn_test_store_result_cb, &result);
  sn_test_wait_for_result (&result, SN_TEST_WAIT_MS);

  report = sn_health_service_check_finish (service, result, &error);
  /* A network attempt would end in a report (UNREACHABLE at best), never in
   * this error, and would take longer than the guard. */
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_assert_null (report);
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
}

/* L9: the monitoring key never goes in clear to a remote host. Refused
 * before anything is resolved or sent (the guard is off for this one). */
static void
test_health_key_not_over_http (void)
{
  g_autoptr(SnHealthService) service = NULL;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("SN_LOOPBACK_ONLY"));
  gint64 started;

  g_unsetenv ("SN_LOOPBACK_ONLY");
  service = sn_health_service_new ();

  started = g_get_monotonic_time ();
  sn_health_service_check_async (service, "http://sn-health-test.invalid", "some-key", 5,
                                 NULL, sn_test_store_result_cb, &result);
  sn_test_wait_for_result (&result, SN_TEST_WAIT_MS);
  report = sn_health_service_check_finish (service, result, &error);
  g_setenv ("SN_LOOPBACK_ONLY", saved != NULL ? saved : "1", TRUE);

  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_INSECURE);
  g_assert_nonnull (strstr (error->message, "https://"));
  g_assert_null (report);
  g_assert_cmpint (g_get_monotonic_time () - started, <, G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/net/loopback-detection", test_loopback_detection);
  g_test_add_func ("/core/net/health-key-not-over-http", test_health_key_not_over_http);
  g_test_add_func ("/core/net/guard-on", test_guard_on);
  g_test_add_func ("/core/net/guard-off", test_guard_off);
  g_test_add_func ("/core/net/health-refused-by-guard", test_health_refused_by_guard);

  return g_test_run ();
}
