/* test-health.c: SnHealthService against an in-process server and the real stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Part (a) serves every edge case from a SoupServer on 127.0.0.1: the site
 * URL is http://127.0.0.1:PORT/MODE, so MODE/api/health picks the answer.
 * Part (b) checks the fake app of tests/stack with its real PostgreSQL and
 * Redis, stopping and starting them.
 */

#define G_LOG_DOMAIN "test-health"

#include "config.h"

#include <libsoup/soup.h>

#include "sn-core.h"
#include "sn-test-stack.h"

#define GOOD_KEY "good-key"

static SoupServer      *server;
static guint            server_port;
static GSocketListener *silent_listener;
static GPtrArray       *held_connections;
static guint            silent_port;
static GSocketListener *plain_listener;
static guint            plain_port;
static guint            n_requests;
static char            *last_key;
static gboolean         last_verbose;

/* ------------------------------------------------------------------ */
/* The in-process server                                              */

static const char verbose_healthy[] =
  "{\"status\":\"healthy\",\"timestamp\":\"2026-01-02T09:15:00.123Z\",\"version\":\"1.0.6\","
  "\"uptime\":1234,"
  "\"services\":{\"database\":{\"status\":\"healthy\",\"latencyMs\":3,\"message\":\"Database connected\"},"
  "\"redis\":{\"status\":\"healthy\",\"latencyMs\":1},"
  "\"storage\":{\"status\":\"healthy\",\"latencyMs\":2}},"
  "\"checks\":{\"total\":3,\"passed\":3,\"failed\":0}}";

static const char verbose_minio[] =
  "{\"status\":\"degraded\",\"timestamp\":\"2026-01-02T09:15:00.123Z\",\"version\":\"1.0.6\","
  "\"uptime\":99,"
  "\"services\":{\"database\":{\"status\":\"healthy\",\"latencyMs\":3,\"message\":\"Database connected\"},"
  "\"redis\":{\"status\":\"healthy\",\"latencyMs\":1},"
  "\"storage\":{\"status\":\"degraded\",\"latencyMs\":0,\"message\":\"MinIO not configured\"}},"
  "\"checks\":{\"total\":3,\"passed\":2,\"failed\":0}}";

static const char verbose_redis[] =
  "{\"status\":\"degraded\",\"timestamp\":\"2026-01-02T09:15:00.123Z\",\"version\":\"1.0.6\","
  "\"uptime\":99,"
  "\"services\":{\"database\":{\"status\":\"healthy\",\"latencyMs\":3},"
  "\"redis\":{\"status\":\"degraded\",\"latencyMs\":2001,\"message\":\"Redis timeout\"},"
  "\"storage\":{\"status\":\"degraded\",\"latencyMs\":0,\"message\":\"MinIO not configured\"}},"
  "\"checks\":{\"total\":3,\"passed\":1,\"failed\":0}}";

static const char verbose_unhealthy[] =
  "{\"status\":\"unhealthy\",\"timestamp\":\"2026-01-02T09:15:00.123Z\",\"version\":\"1.0.6\","
  "\"uptime\":5,"
  "\"services\":{\"database\":{\"status\":\"unhealthy\",\"latencyMs\":5001,\"message\":\"Database timeout\"},"
  "\"redis\":{\"status\":\"healthy\",\"latencyMs\":1},"
  "\"storage\":{\"status\":\"healthy\",\"latencyMs\":2}},"
  "\"checks\":{\"total\":3,\"passed\":2,\"failed\":1}}";

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                      body, strlen (body));
}

/* Over the 1 MiB cap, but otherwise a fine short answer. */
static void
respond_huge (SoupServerMessage *msg)
{
  GString *body = g_string_new ("{\"status\":\"healthy\",\"version\":\"1.0.6\",\"pad\":\"");
  char *data;
  gsize len;

  while (body->len < 2 * 1024 * 1024)
    g_string_append (body, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (body, "\"}");
  len = body->len;
  data = g_string_free (body, FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, data, len);
}

/* A body that never ends: a chunk more each time one is written. */
static void
endless_wrote_chunk_cb (SoupServerMessage *msg,
                        gpointer           user_data)
{
  static char chunk[64 * 1024];

  memset (chunk, ' ', sizeof chunk);
  soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_STATIC,
                            chunk, sizeof chunk);
  soup_server_message_unpause (msg);
}

static void
respond_endless (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                     SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_append (body, SOUP_MEMORY_COPY, "{\"status\":\"healthy\",\"pad\":\"", 26);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (endless_wrote_chunk_cb), NULL);
}

static void
server_cb (SoupServer        *soup_server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *key = soup_message_headers_get_one (headers, "X-API-Key");
  gboolean authorised = g_strcmp0 (key, GOOD_KEY) == 0;
  gboolean verbose = query != NULL && g_strcmp0 (g_hash_table_lookup (query, "verbose"), "true") == 0;
  g_auto(GStrv) parts = g_strsplit (path + 1, "/", 2);
  const char *mode = parts[0];

  n_requests++;
  g_free (last_key);
  last_key = g_strdup (key);
  last_verbose = verbose;

  if (parts[1] == NULL || g_strcmp0 (parts[1], "api/health") != 0)
    {
      respond (msg, SOUP_STATUS_NOT_FOUND, "{\"error\":\"not found\"}");
      return;
    }

  if (g_str_equal (mode, "healthy") || g_str_equal (mode, "minio") ||
      g_str_equal (mode, "redis") || g_str_equal (mode, "unhealthy"))
    {
      gboolean down = g_str_equal (mode, "unhealthy");

      /* As target-system §2.2: details only for the key with verbose=true. */
      if (!authorised)
        respond (msg, down ? 503 : 200, down ? "{\"status\":\"unhealthy\"}"
                                             : "{\"status\":\"operational\"}");
      else if (!verbose)
        respond (msg, down ? 503 : 200, "{\"status\":\"healthy\",\"version\":\"1.0.6\"}");
      else if (g_str_equal (mode, "healthy"))
        respond (msg, 200, verbose_healthy);
      else if (g_str_equal (mode, "minio"))
        respond (msg, 200, verbose_minio);
      else if (g_str_equal (mode, "redis"))
        respond (msg, 200, verbose_redis);
      else
        respond (msg, 503, verbose_unhealthy);
    }
  else if (g_str_equal (mode, "reject401"))
    respond (msg, SOUP_STATUS_UNAUTHORIZED, "{\"error\":\"unauthorized\"}");
  else if (g_str_equal (mode, "reject403"))
    respond (msg, SOUP_STATUS_FORBIDDEN, NULL);
  else if (g_str_equal (mode, "short"))
    respond (msg, 200, "{\"status\":\"healthy\",\"timestamp\":\"2026-01-02T09:15:00.123Z\","
                       "\"version\":\"1.0.6\"}");
  else if (g_str_equal (mode, "garbage"))
    respond (msg, 200, "<html><body>Welcome to nginx!</body></html>");
  else if (g_str_equal (mode, "wrongtypes"))
    respond (msg, 200, "{\"status\":\"healthy\",\"version\":\"1.0.6\",\"services\":"
                       "{\"database\":{\"status\":\"healthy\",\"latencyMs\":\"12\"}}}");
  else if (g_str_equal (mode, "nostatus"))
    respond (msg, 200, "{\"version\":\"1.0.6\"}");
  else if (g_str_equal (mode, "badstatus"))
    respond (msg, 200, "{\"status\":3}");
  else if (g_str_equal (mode, "huge"))
    respond_huge (msg);
  else if (g_str_equal (mode, "endless"))
    respond_endless (msg);
  else if (g_str_equal (mode, "error500"))
    respond (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "{\"error\":\"boom\"}");
  else if (g_str_equal (mode, "badgateway"))
    respond (msg, SOUP_STATUS_BAD_GATEWAY, NULL);
  else if (g_str_equal (mode, "redirect"))
    {
      soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "http://192.0.2.1/api/health");
    }
  else
    respond (msg, SOUP_STATUS_NOT_FOUND, "{\"error\":\"unknown mode\"}");
}

static void
accepted_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GSocketConnection *connection;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;

  /* Hold it open, say nothing. */
  g_ptr_array_add (held_connections, connection);
  g_socket_listener_accept_async (G_SOCKET_LISTENER (object), NULL, accepted_cb, NULL);
}

/* What a plain HTTP server such as nginx does with a TLS hello: a 400. */
static void
plain_accepted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  static const char answer[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                               "Connection: close\r\n\r\n";
  g_autoptr(GSocketConnection) connection = NULL;
  GOutputStream *output;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;

  output = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  g_output_stream_write_all (output, answer, strlen (answer), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_socket_listener_accept_async (G_SOCKET_LISTENER (object), NULL, plain_accepted_cb, NULL);
}

static guint
listen_loopback (GSocketListener *listener)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static void
start_servers (void)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  g_assert_nonnull (uris);
  server_port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  held_connections = g_ptr_array_new_with_free_func (g_object_unref);
  silent_listener = g_socket_listener_new ();
  silent_port = listen_loopback (silent_listener);
  plain_listener = g_socket_listener_new ();
  plain_port = listen_loopback (plain_listener);
  g_socket_listener_accept_async (plain_listener, NULL, plain_accepted_cb, NULL);
  g_socket_listener_accept_async (silent_listener, NULL, accepted_cb, NULL);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

static char *
site (const char *mode)
{
  return g_strdup_printf ("http://127.0.0.1:%u/%s", server_port, mode);
}

static SnHealthReport *
check_full (const char    *site_url,
            const char    *key,
            guint          timeout,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(SnHealthService) service = sn_health_service_new ();
  g_autoptr(GAsyncResult) result = NULL;

  sn_health_service_check_async (service, site_url, key, timeout, cancellable, sn_test_store_result_cb, &result);
  sn_test_wait_for_result (&result, SN_TEST_WAIT_MS);

  return sn_health_service_check_finish (service, result, error);
}

static SnHealthReport *
check (const char *mode,
       const char *key)
{
  g_autofree char *url = site (mode);
  g_autoptr(GError) error = NULL;
  SnHealthReport *report;

  report = check_full (url, key, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_test_message ("%s (key %s): %s, HTTP %u: %s [%s]", mode, key ? key : "none",
                  sn_health_state_to_label (sn_health_report_get_state (report)),
                  sn_health_report_get_http_status (report),
                  sn_health_report_get_summary (report),
                  sn_health_report_get_detail (report) ? sn_health_report_get_detail (report) : "");

  g_assert_nonnull (sn_health_report_get_summary (report));
  g_assert_cmpint (sn_health_report_get_round_trip_ms (report), >=, 0);
  g_assert_nonnull (sn_health_report_get_checked_at (report));

  return report;
}

static void
assert_service (SnHealthReport *report,
                const char     *name,
                SnHealthState   status)
{
  SnServiceHealth *service = sn_health_report_find_service (report, name);

  g_assert_nonnull (service);
  g_assert_cmpstr (sn_service_health_get_name (service), ==, name);
  g_assert_cmpint (sn_service_health_get_status (service), ==, status);
  g_assert_cmpint (sn_service_health_get_latency_ms (service), >=, 0);
}

/* ------------------------------------------------------------------ */
/* (a) Edge cases                                                     */

static void
test_labels (void)
{
  g_assert_cmpstr (sn_health_state_to_label (SN_HEALTH_STATE_HEALTHY), ==, "Healthy");
  g_assert_cmpstr (sn_health_state_to_label (SN_HEALTH_STATE_TIMEOUT), ==, "Timed out");
  g_assert_cmpstr (sn_health_state_to_label (SN_HEALTH_STATE_REFUSED), ==, "Connection refused");
  g_assert_cmpstr (sn_health_state_to_label (SN_HEALTH_STATE_MALFORMED), ==, "Malformed answer");
  g_assert_cmpstr (sn_health_state_to_label (SN_HEALTH_STATE_UNKNOWN), ==, "Unknown");
}

static void
test_healthy (void)
{
  g_autoptr(SnHealthReport) report = check ("healthy", GOOD_KEY);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *services;

  g_assert_cmpstr (last_key, ==, GOOD_KEY);
  g_assert_true (last_verbose);
  g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_HEALTHY);
  g_assert_cmpuint (sn_health_report_get_http_status (report), ==, 200);
  g_assert_cmpstr (sn_health_report_get_version (report), ==, "1.0.6");
  g_assert_cmpint (sn_health_report_get_uptime (report), ==, 1234);
  g_assert_cmpstr (sn_health_report_get_timestamp (report), ==, "2026-01-02T09:15:00.123Z");
  g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sn_health_report_get_services (report)), ==, 3);
  assert_service (report, "database", SN_HEALTH_STATE_HEALTHY);
  assert_service (report, "redis", SN_HEALTH_STATE_HEALTHY);
  assert_service (report, "storage", SN_HEALTH_STATE_HEALTHY);
  g_assert_cmpstr (sn_service_health_get_message (sn_health_report_find_service (report, "database")),
                   ==, "Database connected");
  g_assert_cmpint (sn_service_health_get_latency_ms (sn_health_report_find_service (report, "database")),
                   ==, 3);
  g_assert_null (sn_health_report_find_service (report, "nope"));

  node = sn_health_report_to_json (report);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "state"), ==, "healthy");
  g_assert_cmpint (json_object_get_int_member (object, "http_status"), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, "1.0.6");
  g_assert_cmpint (json_object_get_int_member (object, "uptime"), ==, 1234);
  g_assert_true (json_object_has_member (object, "timestamp"));
  g_assert_true (json_object_has_member (object, "round_trip_ms"));
  g_assert_true (json_object_has_member (object, "summary"));
  g_assert_true (json_object_has_member (object, "detail"));
  services = json_object_get_array_member (object, "services");
  g_assert_cmpuint (json_array_get_length (services), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (services, 0), "name"),
                   ==, "database");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (services, 0), "status"),
                   ==, "healthy");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (services, 0), "latency_ms"),
                   ==, 3);
}

static void
test_degraded (void)
{
  g_autoptr(SnHealthReport) minio = check ("minio", GOOD_KEY);
  g_autoptr(SnHealthReport) redis = check ("redis", GOOD_KEY);

  g_assert_cmpint (sn_health_report_get_state (minio), ==, SN_HEALTH_STATE_DEGRADED);
  g_assert_cmpint (sn_health_report_get_exit_code (minio), ==, 1);
  assert_service (minio, "storage", SN_HEALTH_STATE_DEGRADED);
  /* target-system §2.3: the normal state of production, and said so. */
  g_assert_nonnull (strstr (sn_health_report_get_summary (minio), "MinIO not configured"));
  g_assert_nonnull (strstr (sn_health_report_get_summary (minio), "normal"));

  g_assert_cmpint (sn_health_report_get_state (redis), ==, SN_HEALTH_STATE_DEGRADED);
  assert_service (redis, "redis", SN_HEALTH_STATE_DEGRADED);
  g_assert_nonnull (strstr (sn_health_report_get_summary (redis), "Redis timeout"));
}

static void
test_unhealthy (void)
{
  g_autoptr(SnHealthReport) verbose = check ("unhealthy", GOOD_KEY);
  g_autoptr(SnHealthReport) public = check ("unhealthy", NULL);

  g_assert_cmpint (sn_health_report_get_state (verbose), ==, SN_HEALTH_STATE_UNHEALTHY);
  g_assert_cmpuint (sn_health_report_get_http_status (verbose), ==, 503);
  g_assert_cmpint (sn_health_report_get_exit_code (verbose), ==, 2);
  assert_service (verbose, "database", SN_HEALTH_STATE_UNHEALTHY);
  g_assert_nonnull (strstr (sn_health_report_get_summary (verbose), "Database timeout"));

  g_assert_null (last_key);
  g_assert_false (last_verbose);
  g_assert_cmpint (sn_health_report_get_state (public), ==, SN_HEALTH_STATE_UNHEALTHY);
  g_assert_cmpuint (sn_health_report_get_http_status (public), ==, 503);
  g_assert_cmpuint (g_list_model_get_n_items (sn_health_report_get_services (public)), ==, 0);
}

static void
test_public (void)
{
  g_autoptr(SnHealthReport) report = check ("healthy", NULL);

  g_assert_null (last_key);
  g_assert_false (last_verbose);
  g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_OPERATIONAL);
  g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sn_health_report_get_services (report)), ==, 0);
  g_assert_null (sn_health_report_get_version (report));
  g_assert_cmpint (sn_health_report_get_uptime (report), ==, -1);
}

static void
test_unauthorized (void)
{
  static const char * const modes[] = { "healthy", "reject401", "reject403", "short" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(SnHealthReport) report = check (modes[i], "wrong-key");

      g_assert_cmpstr (last_key, ==, "wrong-key");
      g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_UNAUTHORIZED);
      g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 2);
      g_assert_nonnull (strstr (sn_health_report_get_summary (report), "key"));
    }

  {
    g_autoptr(SnHealthReport) report = check ("reject401", NULL);

    g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_UNAUTHORIZED);
    g_assert_cmpuint (sn_health_report_get_http_status (report), ==, 401);
  }
}

static void
test_malformed (void)
{
  static const struct {
    const char *mode;
    const char *fragment;
  } cases[] = {
    { "garbage", "JSON" },
    { "wrongtypes", "latencyMs" },
    { "nostatus", "status" },
    { "badstatus", "status" },
    { "huge", "1 MiB" },
    { "endless", "1 MiB" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SnHealthReport) report = check (cases[i].mode, GOOD_KEY);

      g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_MALFORMED);
      g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 2);
      g_assert_nonnull (strstr (sn_health_report_get_detail (report), cases[i].fragment));
      g_assert_cmpuint (g_list_model_get_n_items (sn_health_report_get_services (report)), ==, 0);
    }
}

static void
test_http_errors (void)
{
  g_autoptr(SnHealthReport) error500 = check ("error500", GOOD_KEY);
  g_autoptr(SnHealthReport) bad_gateway = check ("badgateway", GOOD_KEY);
  g_autoptr(SnHealthReport) not_found = check ("nowhere", GOOD_KEY);
  g_autoptr(SnHealthReport) redirect = NULL;
  guint before;

  g_assert_cmpint (sn_health_report_get_state (error500), ==, SN_HEALTH_STATE_HTTP_ERROR);
  g_assert_cmpuint (sn_health_report_get_http_status (error500), ==, 500);
  g_assert_nonnull (strstr (sn_health_report_get_detail (error500), "500"));

  g_assert_cmpint (sn_health_report_get_state (bad_gateway), ==, SN_HEALTH_STATE_HTTP_ERROR);
  g_assert_nonnull (strstr (sn_health_report_get_summary (bad_gateway), "app container"));

  g_assert_cmpint (sn_health_report_get_state (not_found), ==, SN_HEALTH_STATE_HTTP_ERROR);
  g_assert_cmpuint (sn_health_report_get_http_status (not_found), ==, 404);

  /* A redirect is reported, never followed (it points off loopback). */
  before = n_requests;
  redirect = check ("redirect", GOOD_KEY);
  g_assert_cmpuint (n_requests, ==, before + 1);
  g_assert_cmpint (sn_health_report_get_state (redirect), ==, SN_HEALTH_STATE_HTTP_ERROR);
  g_assert_cmpuint (sn_health_report_get_http_status (redirect), ==, 302);
  g_assert_nonnull (strstr (sn_health_report_get_summary (redirect), "192.0.2.1"));
}

static void
test_timeout (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", silent_port);
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed_ms;

  report = check_full (url, GOOD_KEY, 1, NULL, &error);
  elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_assert_no_error (error);
  g_test_message ("timeout after %" G_GINT64_FORMAT " ms: %s", elapsed_ms,
                  sn_health_report_get_summary (report));
  g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_TIMEOUT);
  g_assert_cmpuint (sn_health_report_get_http_status (report), ==, 0);
  g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 2);
  g_assert_cmpuint (held_connections->len, >=, 1);
  g_assert_cmpint (elapsed_ms, >=, 900);
  g_assert_cmpint (elapsed_ms, <, 3000);
}

static void
test_refused (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago and has nobody listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u/",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  report = check_full (url, NULL, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_REFUSED);
  g_assert_nonnull (strstr (sn_health_report_get_summary (report), "Nothing answers at 127.0.0.1:"));
  g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 2);
}

static void
test_tls (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u/healthy", plain_port);
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;

  /* The handshake fails at once; the long timeout only keeps a slow
   * (sanitizer) build from reading as a timeout. */
  report = check_full (url, GOOD_KEY, 30, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", sn_health_report_get_detail (report));
  g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_TLS_ERROR);
  g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 2);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", silent_port);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started = g_get_monotonic_time ();

  g_timeout_add (200, cancel_cb, cancellable);
  report = check_full (url, GOOD_KEY, 10, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (report);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 3 * G_USEC_PER_SEC);

  /* Already cancelled: nothing is sent. */
  g_clear_error (&error);
  {
    g_autofree char *healthy = site ("healthy");
    guint before = n_requests;

    report = check_full (healthy, GOOD_KEY, 5, cancellable, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_null (report);
    g_assert_cmpuint (n_requests, ==, before);
  }
}

static void
test_invalid_url (void)
{
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = check_full ("not a url", NULL, 5, NULL, &error);
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_INVALID_ADDRESS);
  g_assert_null (report);
  g_clear_error (&error);

  report = check_full ("ftp://127.0.0.1/", NULL, 5, NULL, &error);
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_INVALID_ADDRESS);
  g_assert_null (report);
}

/* ------------------------------------------------------------------ */
/* (b) The real stack                                                 */

typedef struct
{
  const char    *site_url;
  const char    *key;
  SnHealthState  want;
} WaitFor;

static gboolean
state_is (gpointer data)
{
  WaitFor *wait = data;
  g_autoptr(SnHealthReport) report = NULL;

  report = check_full (wait->site_url, wait->key, 10, NULL, NULL);
  return report != NULL && sn_health_report_get_state (report) == wait->want;
}

static char *
stack_key (SnProfile *profile)
{
  g_autoptr(GError) error = NULL;
  char *key;

  /* The demo profile names a credentials file: that path is exercised. */
  g_assert_nonnull (sn_profile_get_credentials_file (profile));
  key = sn_secret_store_lookup_sync (sn_secret_store_get_default (), profile,
                                     SN_SECRET_KIND_MONITORING_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpstr (key, ==, sn_test_stack_get ("MONITORING_KEY"));

  return key;
}

static SnHealthReport *
check_stack (const char *site_url,
             const char *key)
{
  g_autoptr(GError) error = NULL;
  SnHealthReport *report;

  report = check_full (site_url, key, 15, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("stack: %s, HTTP %u: %s", sn_health_state_to_label (sn_health_report_get_state (report)),
                  sn_health_report_get_http_status (report), sn_health_report_get_summary (report));

  return report;
}

static void
test_stack (void)
{
  SnProfile *profile;
  g_autofree char *key = NULL;
  const char *site_url;

  sn_test_stack_up ();
  profile = sn_test_stack_profile ();
  site_url = sn_profile_get_site_url (profile);
  g_assert_true (sn_net_host_is_loopback ("127.0.0.1"));
  key = stack_key (profile);

  /* With the key: every probe healthy. */
  {
    g_autoptr(SnHealthReport) report = check_stack (site_url, key);

    g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_HEALTHY);
    g_assert_cmpuint (sn_health_report_get_http_status (report), ==, 200);
    g_assert_cmpstr (sn_health_report_get_version (report), ==, "1.0.6");
    g_assert_cmpint (sn_health_report_get_uptime (report), >=, 0);
    g_assert_nonnull (sn_health_report_get_timestamp (report));
    assert_service (report, "database", SN_HEALTH_STATE_HEALTHY);
    assert_service (report, "redis", SN_HEALTH_STATE_HEALTHY);
    assert_service (report, "storage", SN_HEALTH_STATE_HEALTHY);
  }

  /* Without: the public answer. With a wrong key: not accepted. */
  {
    g_autoptr(SnHealthReport) public = check_stack (site_url, NULL);
    g_autoptr(SnHealthReport) wrong = check_stack (site_url, "not-the-key");

    g_assert_cmpint (sn_health_report_get_state (public), ==, SN_HEALTH_STATE_OPERATIONAL);
    g_assert_cmpint (sn_health_report_get_state (wrong), ==, SN_HEALTH_STATE_UNAUTHORIZED);
  }
}

static void
test_stack_postgres_down (void)
{
  SnProfile *profile;
  g_autofree char *key = NULL;
  const char *site_url;

  sn_test_stack_up ();
  profile = sn_test_stack_profile ();
  site_url = sn_profile_get_site_url (profile);
  key = stack_key (profile);

  sn_test_stack_stop ("postgres");
  {
    g_autoptr(SnHealthReport) report = check_stack (site_url, key);

    g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_UNHEALTHY);
    g_assert_cmpuint (sn_health_report_get_http_status (report), ==, 503);
    assert_service (report, "database", SN_HEALTH_STATE_UNHEALTHY);
    g_assert_nonnull (sn_service_health_get_message (sn_health_report_find_service (report, "database")));
    g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 2);
  }

  sn_test_stack_start ("postgres");
  {
    WaitFor wait = { site_url, key, SN_HEALTH_STATE_HEALTHY };

    g_assert_true (sn_test_wait_until (state_is, &wait, 30000));
  }
}

static void
test_stack_redis_down (void)
{
  SnProfile *profile;
  g_autofree char *key = NULL;
  const char *site_url;

  sn_test_stack_up ();
  profile = sn_test_stack_profile ();
  site_url = sn_profile_get_site_url (profile);
  key = stack_key (profile);

  sn_test_stack_stop ("redis");
  {
    g_autoptr(SnHealthReport) report = check_stack (site_url, key);

    g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_DEGRADED);
    g_assert_cmpuint (sn_health_report_get_http_status (report), ==, 200);
    assert_service (report, "redis", SN_HEALTH_STATE_DEGRADED);
    assert_service (report, "database", SN_HEALTH_STATE_HEALTHY);
    g_assert_cmpint (sn_health_report_get_exit_code (report), ==, 1);
  }

  sn_test_stack_start ("redis");
  {
    WaitFor wait = { site_url, key, SN_HEALTH_STATE_HEALTHY };

    g_assert_true (sn_test_wait_until (state_is, &wait, 30000));
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* Everything here is on loopback; make the guard say so too. */
  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  start_servers ();

  g_test_add_func ("/core/health/labels", test_labels);
  g_test_add_func ("/core/health/edge/healthy", test_healthy);
  g_test_add_func ("/core/health/edge/degraded", test_degraded);
  g_test_add_func ("/core/health/edge/unhealthy", test_unhealthy);
  g_test_add_func ("/core/health/edge/public", test_public);
  g_test_add_func ("/core/health/edge/unauthorized", test_unauthorized);
  g_test_add_func ("/core/health/edge/malformed", test_malformed);
  g_test_add_func ("/core/health/edge/http-errors", test_http_errors);
  g_test_add_func ("/core/health/edge/timeout", test_timeout);
  g_test_add_func ("/core/health/edge/refused", test_refused);
  g_test_add_func ("/core/health/edge/tls", test_tls);
  g_test_add_func ("/core/health/edge/cancel", test_cancel);
  g_test_add_func ("/core/health/edge/invalid-url", test_invalid_url);
  g_test_add_func ("/core/health/stack/healthy-public-wrong-key", test_stack);
  g_test_add_func ("/core/health/stack/postgres-down", test_stack_postgres_down);
  g_test_add_func ("/core/health/stack/redis-down", test_stack_redis_down);

  ret = g_test_run ();

  /* Close the kept-alive connections before the server goes (LSan). */
  soup_server_disconnect (server);
  g_clear_object (&server);
  g_socket_listener_close (silent_listener);
  g_socket_listener_close (plain_listener);
  g_clear_object (&silent_listener);
  g_clear_object (&plain_listener);
  g_clear_pointer (&held_connections, g_ptr_array_unref);
  return ret;
}
