/* test-cache.c: the cache browser's core on the stack's real Redis, through the
 * SSH tunnel, direct, and through the Upstash REST stand-in
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sn-action.h"
#include "sn-audit-log.h"
#include "sn-cache-service.h"
#include "sn-actions-builtin.h"
#include "sn-test-stack.h"

/* redis-cli on the stack's Redis; its stdout */
static char *
redis (const char *args)
{
  g_autofree char *command = g_strdup_printf ("REDISCLI_AUTH=%s redis-cli --no-auth-warning -h 127.0.0.1 -p %u %s",
                                              sn_test_stack_get ("REDIS_PASSWORD"),
                                              sn_test_stack_get_port ("REDIS_PORT"), args);

  return sn_test_run (command);
}

/* Sorted keys matching @pattern, by redis-cli --scan: the reference. */
static char *
reference_keys (const char *pattern)
{
  g_autofree char *args = g_strdup_printf ("--scan --pattern '%s' | LC_ALL=C sort", pattern);

  return redis (args);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
sorted_text (GPtrArray *keys)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GPtrArray) copy = g_ptr_array_copy (keys, NULL, NULL);

  g_ptr_array_sort (copy, compare_keys);
  for (guint i = 0; i < copy->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) copy->pdata[i]);
  return g_string_free (text, FALSE);
}

static SnProfile *
profile_with (SnSafetyLevel  level,
              const char    *upstash_url,
              const char    *credentials)
{
  SnProfile *base = sn_test_stack_profile ();
  SnProfile *profile = sn_profile_copy (base);

  g_object_set (profile, "safety-level", level, NULL);
  if (upstash_url != NULL)
    g_object_set (profile, "cache-backend", SN_CACHE_BACKEND_KIND_UPSTASH, "upstash-url", upstash_url, NULL);
  if (credentials != NULL)
    g_object_set (profile, "credentials-file", credentials, NULL);
  return profile;
}

static SnCacheBackend *
connect_profile (SnProfile  *profile,
                 GError    **error)
{
  g_autoptr(SnCacheBackend) backend = sn_cache_backend_new_for_profile (profile, NULL, error);
  g_autoptr(GAsyncResult) res = NULL;

  if (backend == NULL)
    return NULL;
  sn_cache_backend_connect_async (backend, NULL, sn_test_store_result_cb, &res);
  if (!sn_cache_backend_connect_finish (backend, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), error))
    return NULL;
  return g_steal_pointer (&backend);
}

/* The three ways to the same Redis. */
typedef enum { VIA_TUNNEL, VIA_DIRECT, VIA_UPSTASH } Via;

static SnCacheBackend *
connect_via (Via            via,
             SnSafetyLevel  level)
{
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  SnCacheBackend *backend;

  if (via == VIA_DIRECT)
    url = g_strdup_printf ("redis://:%s@127.0.0.1:%u", sn_test_stack_get ("REDIS_PASSWORD"),
                           sn_test_stack_get_port ("REDIS_PORT"));
  else if (via == VIA_UPSTASH)
    url = g_strdup (sn_test_stack_get ("UPSTASH_URL"));
  profile = profile_with (level, url, NULL);
  backend = connect_profile (profile, &error);
  g_assert_no_error (error);
  return backend;
}

static const char *via_names[] = { "tunnel", "direct", "upstash" };

/* ---- key formats (no server) ---------------------------------------------- */

static void
test_key_formats (void)
{
  static const struct { const char *key; const char *kind, *address, *extra, *suffix; } rate[] = {
    { "rate:availability:ip:203.0.113.7:tokens", "availability:ip", "203.0.113.7", NULL, "tokens" },
    { "rate:availability:fp:2001:db8:85a3::8a2e:370:7334:k3j9zq:ts", "availability:fp",
      "2001:db8:85a3::8a2e:370:7334", "k3j9zq", "ts" },
    { "rate:booking:create:ip:2a01:e0a:1f2:3b40::42:tokens", "booking:create:ip", "2a01:e0a:1f2:3b40::42", NULL, "tokens" },
    { "rate:contact:group:::1:ts", "contact:group", "::1", NULL, "ts" },
    { "rate:profile:update:7b0c2f1e-5d3a-4e8b-9c61-2f4a8d9e0b13:2001:db8::1:tokens", "profile:update",
      "2001:db8::1", "7b0c2f1e-5d3a-4e8b-9c61-2f4a8d9e0b13", "tokens" },
    { "rate:booking:release:::ffff:203.0.113.9:tokens", "booking:release", "::ffff:203.0.113.9", NULL, "tokens" },
  };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) patterns = NULL;
  g_autofree char *escaped = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rate); i++)
    {
      g_autofree char *kind = NULL, *address = NULL, *extra = NULL, *suffix = NULL;

      g_assert_true (sn_rate_key_parse (rate[i].key, &kind, &address, &extra, &suffix));
      g_assert_cmpstr (kind, ==, rate[i].kind);
      g_assert_cmpstr (address, ==, rate[i].address);
      g_assert_cmpstr (extra, ==, rate[i].extra);
      g_assert_cmpstr (suffix, ==, rate[i].suffix);
      g_assert_cmpint (sn_key_family_for_key (rate[i].key), ==, SN_KEY_FAMILY_RATE);
    }
  g_assert_false (sn_rate_key_parse ("rate:unknown:1.2.3.4:tokens", NULL, NULL, NULL, NULL));
  g_assert_false (sn_rate_key_parse ("rate:availability:ip:1.2.3.4", NULL, NULL, NULL, NULL));
  g_assert_false (sn_rate_key_parse ("sweet_narcisse:availability:2025-06-28", NULL, NULL, NULL, NULL));

  /* the family is the prefix, whatever the colons: a rate key on availability is a rate key */
  g_assert_cmpint (sn_key_family_for_key ("availability:2025-06-28:fr:2:1:0"), ==, SN_KEY_FAMILY_AVAILABILITY);
  g_assert_cmpint (sn_key_family_for_key ("bookings:2025-06-28:all"), ==, SN_KEY_FAMILY_BOOKINGS);
  g_assert_cmpint (sn_key_family_for_key ("planning:last_update"), ==, SN_KEY_FAMILY_PLANNING);
  g_assert_cmpint (sn_key_family_for_key ("sweet_narcisse:x"), ==, SN_KEY_FAMILY_OTHER);
  g_assert_cmpstr (sn_cache_key_dup_date ("availability:2025-06-28:fr:2:1:0"), ==, "2025-06-28");
  g_assert_null (sn_cache_key_dup_date ("availability:ip:2001:db8::1"));

  patterns = sn_cache_date_patterns ("2025-06-28", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (patterns[0], ==, "availability:2025-06-28:*");
  g_assert_cmpstr (patterns[1], ==, "bookings:2025-06-28:*");
  g_assert_null (sn_cache_date_patterns ("2025-02-30", &error));
  g_assert_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG);
  g_clear_error (&error);
  g_assert_null (sn_cache_date_patterns ("*", &error));
  g_assert_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG);

  escaped = sn_cache_glob_escape ("a*b?[c]\\");
  g_assert_cmpstr (escaped, ==, "a\\*b\\?\\[c\\]\\\\");
}

/* ---- browsing -------------------------------------------------------------- */

static void
scan_into_model (SnKeyModel     *model,
                 SnCacheBackend *backend,
                 const char     *pattern,
                 guint           count,
                 GError        **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  sn_key_model_scan_async (model, backend, pattern, count, NULL, sn_test_store_result_cb, &res);
  sn_key_model_scan_finish (model, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), NULL, error);
}

static GPtrArray *
model_keys (SnKeyModel *model)
{
  GPtrArray *keys = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    g_ptr_array_add (keys, (gpointer) sn_key_model_get_key (model, i));
  return keys;
}

static void
test_browse (gconstpointer data)
{
  Via via = GPOINTER_TO_INT (data);
  g_autoptr(SnCacheBackend) backend = connect_via (via, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnKeyModel) model = sn_key_model_new ();
  g_autoptr(GError) error = NULL;
  const char *patterns[] = { "*", "rate:*", "rate:availability:*2001:db8*", "availability:2025-06-28:*", "nothing:*" };

  g_test_message ("via %s: %s", via_names[via], sn_cache_backend_describe (backend));
  /* The seed's keys expire after 30 s to 5 min, as the app's do: on a slow
   * machine that is during the test. Give them their longest TTL again (5 min). */
  g_free (redis ("EVAL \"for _, k in ipairs (redis.call ('KEYS', '*')) do "
                 "if redis.call ('TTL', k) > 0 then redis.call ('EXPIRE', k, 300) end end return 1\" 0"));
  /* boats:active lives 5 minutes from the seed: a slow (sanitizer) run gets
   * here later. The seed's value again if it is gone. */
  g_free (redis ("SET boats:active '[{\"id\":3,\"name\":\"Belle de Colmar\",\"capacity\":12,"
                 "\"status\":\"ACTIVE\",\"fleetLabel\":\"C\"}]' NX EX 300"));

  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autoptr(GPtrArray) keys = NULL;
      g_autofree char *expected = reference_keys (patterns[i]);
      g_autofree char *got = NULL;

      scan_into_model (model, backend, patterns[i], 7, &error);
      g_assert_no_error (error);
      keys = model_keys (model);
      got = sorted_text (keys);
      g_assert_cmpstr (got, ==, expected);
    }

  /* families by prefix, IPv6 rate keys included */
  scan_into_model (model, backend, "*", 0, &error);
  g_assert_no_error (error);
  {
    g_autofree char *rate = redis ("--scan --pattern 'rate:*' | wc -l");

    g_assert_cmpuint (sn_key_model_get_family_count (model, SN_KEY_FAMILY_RATE), ==, atoi (rate));
    g_assert_cmpuint (sn_key_model_get_family_count (model, SN_KEY_FAMILY_PLANNING), ==, 1);
    g_assert_cmpuint (sn_key_model_get_family_count (model, SN_KEY_FAMILY_AVAILABILITY), >=, 2);
  }

  /* lazy columns: type, TTL and (Redis only) MEMORY USAGE */
  {
    guint position = G_MAXUINT;

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
      if (g_strcmp0 (sn_key_model_get_key (model, i), "boats:active") == 0)
        position = i;
    g_assert_cmpuint (position, !=, G_MAXUINT);
    sn_key_model_load_range (model, position, 1);
    for (int spin = 0; spin < 500; spin++)
      {
        g_autoptr(SnCacheKey) item = g_list_model_get_item (G_LIST_MODEL (model), position);

        if (sn_cache_key_get_key_type (item) != SN_KEY_TYPE_UNKNOWN)
          break;
        g_main_context_iteration (NULL, FALSE);
        g_usleep (2000);
      }
    {
      g_autoptr(SnCacheKey) item = g_list_model_get_item (G_LIST_MODEL (model), position);

      g_assert_cmpint (sn_cache_key_get_key_type (item), ==, SN_KEY_TYPE_STRING);
      g_assert_cmpint (sn_cache_key_get_ttl_ms (item), >, 0);
      g_assert_cmpint (sn_cache_key_get_ttl_ms (item), <=, 300000);
      if (via == VIA_UPSTASH)
        g_assert_cmpint (sn_cache_key_get_memory (item), ==, -1);
      else
        g_assert_cmpint (sn_cache_key_get_memory (item), >, 100);
    }
  }
}

/* ---- details ---------------------------------------------------------------- */

static void
test_details (gconstpointer data)
{
  Via via = GPOINTER_TO_INT (data);
  g_autoptr(SnCacheBackend) backend = connect_via (via, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnCacheKeyDetails) json = NULL;
  g_autoptr(SnCacheKeyDetails) big = NULL;
  g_autoptr(SnCacheKeyDetails) gone = NULL;
  g_autofree char *full = NULL;
  g_autofree char *out = NULL;
  gint64 t0;
  static const struct { const char *key; SnKeyType type; gint64 length; const char *needle; } typed[] = {
    { "narcisse-test:hash", SN_KEY_TYPE_HASH, 2, "fleetLabel: A" },
    { "narcisse-test:list", SN_KEY_TYPE_LIST, 3, "second" },
    { "narcisse-test:set", SN_KEY_TYPE_SET, 2, "203.0.113.7" },
    { "narcisse-test:zset", SN_KEY_TYPE_ZSET, 2, "42  late" },
    { "narcisse-test:stream", SN_KEY_TYPE_STREAM, 1, "event=booking" },
  };

  out = redis ("HSET narcisse-test:hash fleetLabel A capacity 12");
  g_free (out);
  out = redis ("RPUSH narcisse-test:list first second third");
  g_free (out);
  out = redis ("SADD narcisse-test:set 203.0.113.7 2001:db8::1");
  g_free (out);
  out = redis ("ZADD narcisse-test:zset 1 early 42 late");
  g_free (out);
  out = redis ("XADD narcisse-test:stream '*' event booking");
  g_free (out);
  /* 50 MB in one string */
  out = redis ("EVAL \"redis.call('SET', KEYS[1], string.rep('x', 50*1024*1024)) return 1\" 1 narcisse-test:big");
  g_free (out);

  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      g_autoptr(SnCacheKeyDetails) details = sn_cache_fetch_details_sync (backend, typed[i].key, 64 * 1024,
                                                                          NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (details->type, ==, typed[i].type);
      g_assert_cmpint (details->length, ==, typed[i].length);
      g_assert_cmpint (details->ttl_ms, ==, -1);
      g_assert_nonnull (strstr (details->text, typed[i].needle));
      g_assert_false (details->truncated);
    }

  json = sn_cache_fetch_details_sync (backend, "boats:active", 64 * 1024, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json->is_json);
  g_assert_nonnull (strstr (json->text, "\"name\" : \"Belle de Colmar\""));
  g_assert_nonnull (strchr (json->text, '\n'));   /* pretty-printed */

  t0 = g_get_monotonic_time ();
  big = sn_cache_fetch_details_sync (backend, "narcisse-test:big", 64 * 1024, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (big->truncated);
  g_assert_cmpint (big->length, ==, 50 * 1024 * 1024);
  g_assert_cmpuint (strlen (big->text), ==, 64 * 1024);
  g_test_message ("50 MB value: details in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - t0) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, G_USEC_PER_SEC);
  full = sn_cache_fetch_full_value_sync (backend, "narcisse-test:big", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (full), ==, 50 * 1024 * 1024);

  gone = sn_cache_fetch_details_sync (backend, "narcisse-test:absent", 1024, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gone->type, ==, SN_KEY_TYPE_NONE);

  out = redis ("DEL narcisse-test:hash narcisse-test:list narcisse-test:set narcisse-test:zset "
               "narcisse-test:stream narcisse-test:big");
}

/* ---- changes ---------------------------------------------------------------- */

static char *
read_audit (void)
{
  g_autofree char *text = NULL;

  g_file_get_contents (sn_audit_log_get_path (sn_audit_log_get_default ()), &text, NULL, NULL);
  return g_strdup (text != NULL ? text : "");
}

#define PERSISTENT_KEYS "EVAL \"local n = 0 for _, k in ipairs (redis.call ('KEYS', '*')) do " \
                        "if redis.call ('TTL', k) == -1 then n = n + 1 end end return n\" 0"

static void
test_delete_pattern (gconstpointer data)
{
  Via via = GPOINTER_TO_INT (data);
  g_autoptr(SnCacheBackend) backend = connect_via (via, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(GPtrArray) preview = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *left = NULL;
  g_autofree char *audit = NULL;
  /* Keys without a TTL: the seed's availability and bookings keys expire
   * by themselves during the test, so DBSIZE cannot be compared. */
  g_autofree char *total_before = redis (PERSISTENT_KEYS);
  g_autofree char *total_after = NULL;
  guint64 deleted = 0;

  out = redis ("EVAL \"for i=1,2345 do redis.call('SET', KEYS[1]..i, i) end return 1\" 1 narcisse-test:del:");
  g_free (out);
  out = redis ("SET narcisse-test:keep 1");
  g_free (out);

  preview = sn_cache_preview_sync (backend, "narcisse-test:del:*", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (preview->len, ==, 2345);

  /* a key that appears after the preview is not in the plan, so it stays */
  out = redis ("SET narcisse-test:del:late 1");
  g_free (out);

  g_assert_true (sn_cache_delete_keys_sync (backend, preview, NULL, NULL, &deleted, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (deleted, ==, 2345);

  left = reference_keys ("narcisse-test:*");
  g_assert_cmpstr (left, ==, "narcisse-test:del:late\nnarcisse-test:keep\n");
  total_after = redis (PERSISTENT_KEYS);
  g_assert_cmpint (atoi (total_after), ==, atoi (total_before) + 2);

  audit = read_audit ();
  g_assert_nonnull (strstr (audit, "\"cache.unlink.started\""));
  g_assert_nonnull (strstr (audit, "UNLINK 2345 keys: narcisse-test:del:"));
  g_assert_nonnull (strstr (audit, "UNLINK: 2345 of 2345 keys deleted"));

  out = redis ("DEL narcisse-test:del:late narcisse-test:keep");
}

static void
test_read_only_refused (gconstpointer data)
{
  Via via = GPOINTER_TO_INT (data);
  g_autoptr(SnCacheBackend) backend = connect_via (via, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = redis ("DBSIZE");
  g_autofree char *after = NULL;
  g_autofree char *planning = NULL;
  const SnActionInfo *action;
  g_autoptr(SnActionContext) context = NULL;
  g_autoptr(JsonObject) args = json_object_new ();

  g_ptr_array_add (keys, (gpointer) "planning:last_update");
  g_assert_false (sn_cache_delete_keys_sync (backend, keys, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);
  g_assert_false (sn_cache_flush_sync (backend, NULL, NULL, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
  g_clear_error (&error);

  /* the action refuses too, before it reads anything */
  action = sn_action_lookup ("cache.invalidate-date");
  g_assert_nonnull (action);
  context = sn_action_context_new (sn_cache_backend_get_profile (backend), NULL);
  sn_action_context_set_service (context, "cache", G_OBJECT (backend));
  json_object_set_string_member (args, "date", "2025-06-28");
  g_assert_false (action->run (context, args, &error));
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);

  after = redis ("DBSIZE");
  g_assert_cmpstr (after, ==, before);
  planning = redis ("EXISTS planning:last_update");
  g_assert_cmpstr (planning, ==, "1\n");
}

static void
test_invalidate_date (gconstpointer data)
{
  Via via = GPOINTER_TO_INT (data);
  g_autoptr(SnCacheBackend) backend = connect_via (via, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnActionContext) context = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *impact = NULL;
  g_autofree char *others_before = NULL;
  g_autofree char *others_after = NULL;
  g_autofree char *left = NULL;
  g_autofree char *out = NULL;
  const SnActionInfo *action = sn_action_lookup ("cache.invalidate-date");

  g_assert_nonnull (action);
  g_assert_cmpint (sn_action_get_risk (action, args), ==, SN_RISK_CHANGE);
  g_assert_cmpint (action->min_level, ==, SN_SAFETY_LEVEL_OPERATOR);

  /* a rate key on the same "date-like" text and another date must stay */
  out = redis ("SET 'availability:2025-06-28-x' 1");
  g_free (out);
  out = redis ("SET 'rate:availability:ip:2025-06-28:tokens' 5");
  g_free (out);
  out = redis ("SET 'availability:2025-06-29:fr:2:0:0' '{}'");
  g_free (out);
  others_before = redis ("--scan | grep -v -e '^availability:2025-06-28:' -e '^bookings:2025-06-28:' | LC_ALL=C sort");

  context = sn_action_context_new (sn_cache_backend_get_profile (backend), NULL);
  sn_action_context_set_service (context, "cache", G_OBJECT (backend));
  json_object_set_string_member (args, "date", "2025-06-28");
  impact = action->impact (context, args, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (impact, "3 keys"));
  g_assert_nonnull (strstr (impact, "availability:2025-06-28:fr:2:1:0"));
  g_assert_nonnull (strstr (impact, "bookings:2025-06-28:all"));

  g_assert_true (action->run (context, args, &error));
  g_assert_no_error (error);

  left = reference_keys ("*2025-06-28*");
  g_assert_cmpstr (left, ==, "availability:2025-06-28-x\nrate:availability:ip:2025-06-28:tokens\n");
  others_after = redis ("--scan | LC_ALL=C sort");
  g_assert_cmpstr (others_after, ==, others_before);

  out = redis ("DEL 'availability:2025-06-28-x' 'rate:availability:ip:2025-06-28:tokens' 'availability:2025-06-29:fr:2:0:0'");
  g_free (out);
  /* put the seed's keys of that date back for the next case */
  out = redis ("SET 'availability:2025-06-28:fr:2:1:0' '{}'");
  g_free (out);
  out = redis ("SET 'availability:2025-06-28:en:3:0:0' '{}'");
  g_free (out);
  out = redis ("SET 'bookings:2025-06-28:all' '[]'");
}

/* ---- TTL (admin only) --------------------------------------------------------- */

static void
test_ttl (gconstpointer data)
{
  Via via = GPOINTER_TO_INT (data);
  g_autoptr(SnCacheBackend) admin = connect_via (via, SN_SAFETY_LEVEL_ADMIN);
  g_autoptr(GError) error = NULL;
  g_autoptr(SnActionContext) context = NULL;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *out = redis ("SET narcisse-test:ttl 1");
  g_autofree char *audit = NULL;
  const SnActionInfo *action = sn_action_lookup ("cache.ttl");
  char *ttl;

  /* read-only and operator are refused in core; the key keeps no TTL */
  for (SnSafetyLevel level = SN_SAFETY_LEVEL_READ_ONLY; level <= SN_SAFETY_LEVEL_OPERATOR; level++)
    {
      g_autoptr(SnCacheBackend) backend = connect_via (via, level);
      g_autoptr(SnActionContext) low = sn_action_context_new (sn_cache_backend_get_profile (backend), NULL);
      g_autoptr(JsonObject) low_args = json_object_new ();

      g_assert_false (sn_cache_set_ttl_sync (backend, "narcisse-test:ttl", 60, NULL, &error));
      g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
      g_clear_error (&error);

      sn_action_context_set_service (low, "cache", G_OBJECT (backend));
      json_object_set_string_member (low_args, "key", "narcisse-test:ttl");
      json_object_set_int_member (low_args, "seconds", 60);
      g_assert_false (action->run (low, low_args, &error));
      g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);
      g_clear_error (&error);
    }
  ttl = redis ("TTL narcisse-test:ttl");
  g_assert_cmpstr (ttl, ==, "-1\n");
  g_free (ttl);

  /* admin: EXPIRE then PERSIST */
  g_assert_true (sn_cache_set_ttl_sync (admin, "narcisse-test:ttl", 500, NULL, &error));
  g_assert_no_error (error);
  ttl = redis ("TTL narcisse-test:ttl");
  g_assert_cmpint (atoi (ttl), >, 490);
  g_assert_cmpint (atoi (ttl), <=, 500);
  g_free (ttl);
  g_assert_true (sn_cache_set_ttl_sync (admin, "narcisse-test:ttl", SN_CACHE_TTL_PERSIST, NULL, &error));
  g_assert_no_error (error);
  ttl = redis ("TTL narcisse-test:ttl");
  g_assert_cmpstr (ttl, ==, "-1\n");
  g_free (ttl);

  /* the action, at admin level */
  g_assert_nonnull (action);
  g_assert_cmpint (action->min_level, ==, SN_SAFETY_LEVEL_ADMIN);
  g_assert_cmpint (sn_action_get_risk (action, args), ==, SN_RISK_CHANGE);
  context = sn_action_context_new (sn_cache_backend_get_profile (admin), NULL);
  sn_action_context_set_service (context, "cache", G_OBJECT (admin));
  json_object_set_string_member (args, "key", "narcisse-test:ttl");
  json_object_set_string_member (args, "seconds", "300");
  g_assert_true (action->check (args, NULL));
  g_assert_true (action->run (context, args, &error));
  g_assert_no_error (error);
  ttl = redis ("TTL narcisse-test:ttl");
  g_assert_cmpint (atoi (ttl), >, 290);
  g_free (ttl);
  json_object_set_boolean_member (args, "persist", TRUE);
  g_assert_false (action->check (args, NULL));

  /* a missing key: an error, and nothing created; a TTL of 0 is refused */
  g_assert_false (sn_cache_set_ttl_sync (admin, "narcisse-test:no-such-key", 60, NULL, &error));
  g_assert_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_COMMAND);
  g_clear_error (&error);
  g_assert_false (sn_cache_set_ttl_sync (admin, "narcisse-test:ttl", 0, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  ttl = redis ("EXISTS narcisse-test:no-such-key narcisse-test:ttl");
  g_assert_cmpstr (ttl, ==, "1\n");
  g_free (ttl);

  audit = read_audit ();
  g_assert_nonnull (strstr (audit, "EXPIRE narcisse-test:ttl 500"));
  g_assert_nonnull (strstr (audit, "PERSIST narcisse-test:ttl"));

  g_free (out);
  out = redis ("DEL narcisse-test:ttl");
}

/* ---- stats: slowlog and the app's own counters --------------------------------- */

static void
test_stats_extra (gconstpointer data)
{
  Via via = GPOINTER_TO_INT (data);
  g_autoptr(SnCacheBackend) backend = connect_via (via, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "app", "cache-counters.json", NULL);
  g_autofree char *threshold = redis ("CONFIG GET slowlog-log-slower-than | tail -n 1");
  g_autofree char *out = NULL;
  g_autofree char *restore = NULL;
  JsonObject *object, *app;

  /* every command goes to the slowlog for a moment */
  out = redis ("CONFIG SET slowlog-log-slower-than 0");
  g_free (out);
  out = redis ("SET narcisse-test:slow 1");
  g_assert_true (g_file_set_contents (knob, "{\"hits\": 42, \"misses\": 8, \"errors\": 1}", -1, NULL));

  stats = sn_cache_stats_sync (backend, NULL, &error);
  g_assert_no_error (error);
  object = json_node_get_object (stats);
  if (via == VIA_UPSTASH)
    {
      g_assert_false (json_object_has_member (object, "slowlog"));
      g_assert_nonnull (strstr (json_object_get_string_member (object, "slowlog_note"), "Upstash"));
    }
  else
    {
      JsonArray *slowlog = json_object_get_array_member (object, "slowlog");
      gboolean seen = FALSE;

      g_assert_nonnull (slowlog);
      g_assert_cmpuint (json_array_get_length (slowlog), >, 0);
      g_assert_cmpuint (json_array_get_length (slowlog), <=, 10);
      for (guint i = 0; i < json_array_get_length (slowlog); i++)
        seen |= strstr (json_object_get_string_member (json_array_get_object_element (slowlog, i), "command"),
                        "narcisse-test:slow") != NULL;
      g_assert_true (seen);
    }

  /* the app's counters, as the app exports them */
  g_assert_false (json_object_has_member (object, "app_error"));
  app = json_object_get_object_member (object, "app");
  g_assert_cmpint (json_object_get_int_member (app, "sweet_narcisse_cache_hits_total"), ==, 42);
  g_assert_cmpint (json_object_get_int_member (app, "sweet_narcisse_cache_misses_total"), ==, 8);
  g_assert_cmpint (json_object_get_int_member (app, "sweet_narcisse_cache_errors_total"), ==, 1);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (app, "sweet_narcisse_cache_hit_rate_percent"),
                                  84.0, 0.01);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (app, "not_exported")), ==, 0);
  g_assert_nonnull (strstr (json_object_get_string_member (app, "admin_endpoint"), "session cookie"));

  /* a counter the app does not export is null and named, not 0 */
  g_assert_true (g_file_set_contents (knob, "{\"hits\": 3, \"absent\": [\"sweet_narcisse_cache_errors_total\"]}",
                                      -1, NULL));
  again = sn_cache_app_metrics_sync (sn_cache_backend_get_profile (backend), NULL, &error);
  g_assert_no_error (error);
  app = json_node_get_object (again);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (app, "sweet_narcisse_cache_errors_total")));
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (app, "not_exported"), 0), ==,
                   "sweet_narcisse_cache_errors_total");
  g_assert_cmpint (json_object_get_int_member (app, "sweet_narcisse_cache_hits_total"), ==, 3);

  g_unlink (knob);
  g_strstrip (threshold);
  restore = g_strdup_printf ("CONFIG SET slowlog-log-slower-than %s", threshold);
  g_free (out);
  out = redis (restore);
  g_free (out);
  out = redis ("DEL narcisse-test:slow");
}

/* /api/admin/cache/metrics with the profile's session cookie (target-system
 * §4.5): its figures when the cookie is accepted, a clear refusal when not,
 * and only a note when the profile holds none. */
static void
test_admin_endpoint (void)
{
  g_autoptr(SnCacheBackend) backend = connect_via (VIA_TUNNEL, SN_SAFETY_LEVEL_READ_ONLY);
  SnProfile *profile = sn_cache_backend_get_profile (backend);
  SnSecretStore *secrets = sn_secret_store_get_default ();
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "app", "cache-counters.json", NULL);
  g_autoptr(JsonNode) with_cookie = NULL;
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) without = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *app, *admin;

  g_assert_true (g_file_set_contents (knob, "{\"hits\": 6, \"misses\": 2, \"errors\": 1}", -1, NULL));

  sn_secret_store_remember (secrets, profile, SN_SECRET_KIND_APP_SESSION_COOKIE,
                            "theme=dark; authjs.session-token=test-session");
  with_cookie = sn_cache_app_metrics_sync (profile, NULL, &error);
  g_assert_no_error (error);
  app = json_node_get_object (with_cookie);
  admin = json_object_get_object_member (app, "admin_metrics");
  g_assert_nonnull (admin);
  g_assert_cmpint (json_object_get_int_member (admin, "hits"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (admin, "misses"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (admin, "total"), ==, 8);
  g_assert_cmpstr (json_object_get_string_member (admin, "hitRate"), ==, "75.00%");
  g_assert_nonnull (strstr (json_object_get_string_member (app, "admin_endpoint"), "6 hits, 2 misses, 1 errors"));

  /* a cookie the site does not know: 401, said plainly */
  sn_secret_store_remember (secrets, profile, SN_SECRET_KIND_APP_SESSION_COOKIE, "theme=dark");
  refused = sn_cache_app_metrics_sync (profile, NULL, &error);
  g_assert_no_error (error);
  app = json_node_get_object (refused);
  g_assert_false (json_object_has_member (app, "admin_metrics"));
  g_assert_nonnull (strstr (json_object_get_string_member (app, "admin_endpoint"), "HTTP 401"));
  g_assert_nonnull (strstr (json_object_get_string_member (app, "admin_endpoint"), "expired"));

  /* none: a note, no request */
  sn_secret_store_remember (secrets, profile, SN_SECRET_KIND_APP_SESSION_COOKIE, NULL);
  without = sn_cache_app_metrics_sync (profile, NULL, &error);
  g_assert_no_error (error);
  app = json_node_get_object (without);
  g_assert_false (json_object_has_member (app, "admin_metrics"));
  g_assert_nonnull (strstr (json_object_get_string_member (app, "admin_endpoint"), "needs a session cookie"));

  g_unlink (knob);
}

/* A value that is not UTF-8 shows its bytes as \xNN, never U+FFFD. */
static void
test_binary_value (void)
{
  g_autoptr(SnCacheBackend) backend = connect_via (VIA_TUNNEL, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnCacheKeyDetails) details = NULL;
  g_autoptr(GError) error = NULL;
  /* bytes ff fe "ab\\c" 00 "é" */
  g_autofree char *out = redis ("EVAL \"return redis.call('SET', KEYS[1], string.char(255, 254, 97, 98, 92, 99, 0, "
                                "195, 169))\" 1 narcisse-test:binary");

  details = sn_cache_fetch_details_sync (backend, "narcisse-test:binary", 4096, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("shown: %s", details->text);
  g_assert_cmpstr (details->text, ==, "\\xff\\xfeab\\\\c\\x00\xc3\xa9");
  g_assert_null (strstr (details->text, "\xef\xbf\xbd"));
  g_free (out);
  out = redis ("DEL narcisse-test:binary");
}

/* ---- faults ---------------------------------------------------------------- */

static void
test_bad_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SnProfile) tls = profile_with (SN_SAFETY_LEVEL_ADMIN, "rediss://default:x@127.0.0.1:6380", NULL);
  g_autoptr(SnProfile) named = profile_with (SN_SAFETY_LEVEL_ADMIN, "redis://localhost:6379", NULL);
  g_autoptr(SnProfile) clear = profile_with (SN_SAFETY_LEVEL_ADMIN, "http://192.0.2.10/", NULL);
  g_autoptr(SnCacheBackend) backend = NULL;

  g_assert_null (sn_cache_backend_new_for_profile (tls, NULL, &error));
  g_assert_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "not supported in this build"));
  g_clear_error (&error);

  /* the loopback guard: a name is refused under SN_LOOPBACK_ONLY=1 */
  g_assert_null (connect_profile (named, &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_clear_error (&error);
  g_assert_null (connect_profile (clear, &error));
  g_assert_true (g_error_matches (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK) ||
                 g_error_matches (error, SN_NET_ERROR, SN_NET_ERROR_INSECURE));
}

static void
test_upstash_tokens (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-cache-XXXXXX", NULL);
  g_autofree char *wrong = g_build_filename (dir, "wrong", NULL);
  g_autofree char *ro = g_build_filename (dir, "ro", NULL);
  g_autofree char *ro_text = g_strdup_printf ("upstash-token=%s\n", sn_test_stack_get ("UPSTASH_RO_TOKEN"));
  g_autoptr(SnProfile) bad = NULL;
  g_autoptr(SnProfile) reader = NULL;
  g_autoptr(SnCacheBackend) backend = NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *planning = NULL;

  g_assert_true (g_file_set_contents_full (wrong, "upstash-token=not-the-token\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0600, NULL));
  g_assert_true (g_file_set_contents_full (ro, ro_text, -1, G_FILE_SET_CONTENTS_NONE, 0600, NULL));

  bad = profile_with (SN_SAFETY_LEVEL_ADMIN, sn_test_stack_get ("UPSTASH_URL"), wrong);
  g_assert_null (connect_profile (bad, &error));
  g_assert_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "token"));
  g_clear_error (&error);

  /* Upstash's read-only token: even an operator profile cannot delete with it */
  reader = profile_with (SN_SAFETY_LEVEL_OPERATOR, sn_test_stack_get ("UPSTASH_URL"), ro);
  backend = connect_profile (reader, &error);
  g_assert_no_error (error);
  g_ptr_array_add (keys, (gpointer) "planning:last_update");
  g_assert_false (sn_cache_delete_keys_sync (backend, keys, NULL, NULL, NULL, NULL, &error));
  g_assert_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PERMISSION);
  planning = redis ("EXISTS planning:last_update");
  g_assert_cmpstr (planning, ==, "1\n");

  g_unlink (wrong);
  g_unlink (ro);
  g_rmdir (dir);
}

static gboolean
has_pages (gpointer data)
{
  return sn_key_model_get_pages (data) >= 3;
}

static void
test_redis_stops_mid_scan (void)
{
  g_autoptr(SnCacheBackend) backend = connect_via (VIA_TUNNEL, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnKeyModel) model = sn_key_model_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  guint had;

  out = redis ("EVAL \"for i=1,200000 do redis.call('SET', KEYS[1]..i, i) end return 1\" 1 narcisse-test:stop:");
  sn_key_model_scan_async (model, backend, "*", 10, NULL, sn_test_store_result_cb, &res);
  g_assert_true (sn_test_wait_until (has_pages, model, 20000));
  sn_test_stack_stop ("redis");
  g_assert_false (sn_key_model_scan_finish (model, sn_test_wait_for_result (&res, SN_TEST_WAIT_MS), NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_error_matches (error, SN_CACHE_ERROR, SN_CACHE_ERROR_LOST) ||
                 g_error_matches (error, SN_CACHE_ERROR, SN_CACHE_ERROR_NOT_CONNECTED));
  had = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (had, >, 0);
  g_assert_cmpuint (had, <, 200000);
  g_assert_false (sn_key_model_get_scanning (model));
  g_object_get (model, "error", &out, NULL);
  g_assert_nonnull (out);
  sn_test_stack_start ("redis");   /* re-seeds the empty Redis */
}

/* ---- the throttle ------------------------------------------------------------- */

typedef struct
{
  gboolean stop;
  guint    scripts;
} Busy;

/* Keeps Redis busy: scripts of 40 ms each, back to back, on their own connection. */
static gpointer
busy_thread (gpointer data)
{
  Busy *busy = data;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnCacheBackend) backend = NULL;
  g_autofree char *url = g_strdup_printf ("redis://:%s@127.0.0.1:%u", sn_test_stack_get ("REDIS_PASSWORD"),
                                          sn_test_stack_get_port ("REDIS_PORT"));
  const char *script = "local t = redis.call('TIME') "
                       "local start = t[1] * 1000000 + t[2] "
                       "repeat t = redis.call('TIME') until t[1] * 1000000 + t[2] - start > 40000 "
                       "return 1";

  profile = profile_with (SN_SAFETY_LEVEL_READ_ONLY, url, NULL);
  backend = sn_cache_backend_new_for_profile (profile, NULL, NULL);
  g_assert_true (sn_cache_backend_connect_sync (backend, NULL, NULL));
  while (!g_atomic_int_get (&busy->stop))
    {
      g_autoptr(JsonNode) reply = sn_cache_backend_command (backend, NULL, NULL, "EVAL", script, "0", NULL);

      g_assert_nonnull (reply);
      busy->scripts++;
      g_usleep (2000);
    }
  return NULL;
}

static void
test_throttle (void)
{
  g_autoptr(SnCacheBackend) backend = connect_via (VIA_DIRECT, SN_SAFETY_LEVEL_READ_ONLY);
  g_autoptr(SnKeyModel) model = sn_key_model_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  Busy busy = { FALSE, 0 };
  GThread *thread;
  gint64 quiet_pause;

  out = redis ("EVAL \"for i=1,100000 do redis.call('SET', KEYS[1]..i, i) end return 1\" 1 narcisse-test:t:");

  /* a quiet server: full speed */
  scan_into_model (model, backend, "narcisse-test:t:*", 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100000);
  quiet_pause = sn_key_model_get_paused_us (model);
  g_test_message ("quiet server: paused %" G_GINT64_FORMAT " ms", quiet_pause / 1000);

  /* a busy one: the scan backs off, and still finds every key */
  thread = g_thread_new ("busy", busy_thread, &busy);
  scan_into_model (model, backend, "narcisse-test:t:*", 1000, &error);
  g_atomic_int_set (&busy.stop, TRUE);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_test_message ("busy server (%u scripts of 40 ms): paused %" G_GINT64_FORMAT " ms", busy.scripts,
                  sn_key_model_get_paused_us (model) / 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 100000);
  /* Not compared with the quiet scan: on a loaded machine (or under the
   * sanitizers) that one pauses too, sometimes longer. */
  g_assert_cmpint (sn_key_model_get_paused_us (model), >=, 100000);

  g_free (out);
  out = redis ("EVAL \"for i=1,100000 do redis.call('UNLINK', KEYS[1]..i) end return 1\" 1 narcisse-test:t:");
}

/* 1,000,000 keys: the scan finds exactly the matching set */
static void
test_million (void)
{
  g_autoptr(SnCacheBackend) backend = connect_via (VIA_TUNNEL, SN_SAFETY_LEVEL_OPERATOR);
  g_autoptr(SnKeyModel) model = sn_key_model_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  guint64 deleted = 0;
  gint64 t0;
  guint n;

  out = redis ("EVAL \"for i=1,1000000 do redis.call('SET', KEYS[1]..i, '1') end return 1\" 1 m:");
  t0 = g_get_monotonic_time ();
  scan_into_model (model, backend, "m:1*", 0, &error);
  g_assert_no_error (error);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_test_message ("1,000,000 keys, m:1*: %u found in %" G_GINT64_FORMAT " ms, first page %" G_GINT64_FORMAT
                  " ms, throttle paused %" G_GINT64_FORMAT " ms", n, (g_get_monotonic_time () - t0) / 1000,
                  sn_key_model_get_first_page_us (model) / 1000, sn_key_model_get_paused_us (model) / 1000);
  /* 1, 10-19, 100-199, …, 100000-199999, 1000000 */
  g_assert_cmpuint (n, ==, 1 + 10 + 100 + 1000 + 10000 + 100000 + 1);
  for (guint i = 0; i < n; i++)
    {
      const char *key = sn_key_model_get_key (model, i);

      g_assert_true (g_str_has_prefix (key, "m:1"));
      g_assert_true (g_hash_table_add (seen, (gpointer) key));
    }

  all = sn_cache_preview_sync (backend, "m:*", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1000000);
  g_assert_true (sn_cache_delete_keys_sync (backend, all, NULL, NULL, &deleted, NULL, &error));
  g_assert_cmpuint (deleted, ==, 1000000);
  g_free (out);
  out = redis ("--scan --pattern 'm:*' | wc -l");
  g_assert_cmpint (atoi (out), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();
  sn_actions_register_builtin ();

  g_test_add_func ("/cache/key-formats", test_key_formats);
  g_test_add_func ("/cache/bad-config", test_bad_config);
  for (Via via = VIA_TUNNEL; via <= VIA_UPSTASH; via++)
    {
      g_autofree char *browse = g_strdup_printf ("/cache/%s/browse", via_names[via]);
      g_autofree char *details = g_strdup_printf ("/cache/%s/details", via_names[via]);
      g_autofree char *del = g_strdup_printf ("/cache/%s/delete-pattern", via_names[via]);
      g_autofree char *ro = g_strdup_printf ("/cache/%s/read-only-refused", via_names[via]);
      g_autofree char *date = g_strdup_printf ("/cache/%s/invalidate-date", via_names[via]);
      g_autofree char *ttl = g_strdup_printf ("/cache/%s/ttl", via_names[via]);
      g_autofree char *extra = g_strdup_printf ("/cache/%s/stats-slowlog-app", via_names[via]);

      g_test_add_data_func (browse, GINT_TO_POINTER (via), test_browse);
      g_test_add_data_func (details, GINT_TO_POINTER (via), test_details);
      g_test_add_data_func (del, GINT_TO_POINTER (via), test_delete_pattern);
      g_test_add_data_func (ro, GINT_TO_POINTER (via), test_read_only_refused);
      g_test_add_data_func (date, GINT_TO_POINTER (via), test_invalidate_date);
      g_test_add_data_func (ttl, GINT_TO_POINTER (via), test_ttl);
      g_test_add_data_func (extra, GINT_TO_POINTER (via), test_stats_extra);
    }
  g_test_add_func ("/cache/upstash/tokens", test_upstash_tokens);
  g_test_add_func ("/cache/tunnel/binary-value", test_binary_value);
  g_test_add_func ("/cache/tunnel/admin-endpoint", test_admin_endpoint);
  g_test_add_func ("/cache/redis-stops-mid-scan", test_redis_stops_mid_scan);
  g_test_add_func ("/cache/throttle", test_throttle);
  g_test_add_func ("/cache/million", test_million);

  return g_test_run ();
}
