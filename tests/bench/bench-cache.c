/* bench-cache.c: 1,000,000 Redis keys browsed into SnKeyModel vs a bare hiredis
 * SCAN loop and `redis-cli --scan`; deleted by pattern vs `redis-cli --scan |
 * xargs redis-cli unlink`, with the server's latency sampled during each run.
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <hiredis/hiredis.h>

#include "sn-cache-service.h"
#include "sn-test-stack.h"

#define N_KEYS 1000000

static char *
cli_prefix (void)
{
  return g_strdup_printf ("REDISCLI_AUTH=%s redis-cli --no-auth-warning -h 127.0.0.1 -p %u",
                          sn_test_stack_get ("REDIS_PASSWORD"), sn_test_stack_get_port ("REDIS_PORT"));
}

static double
shell_seconds (const char *command)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *out = sn_test_run (command);

  return (g_get_monotonic_time () - t0) / 1e6;
}

static void
populate (void)
{
  g_autofree char *cli = cli_prefix ();
  g_autofree char *command = g_strdup_printf ("%s EVAL \"for i=1,%d do redis.call('SET', KEYS[1]..i, '1') end "
                                              "return 1\" 1 bench:key: >/dev/null", cli, N_KEYS);

  shell_seconds (command);
}

static redisContext *
hiredis_connect (void)
{
  redisContext *c = redisConnect ("127.0.0.1", sn_test_stack_get_port ("REDIS_PORT"));
  redisReply *r;

  g_assert_true (c != NULL && c->err == 0);
  r = redisCommand (c, "AUTH %s", sn_test_stack_get ("REDIS_PASSWORD"));
  freeReplyObject (r);
  return c;
}

/* The bare loop the issue measures against: SCAN cursor MATCH p COUNT 1000. */
static double
bare_hiredis_scan (guint *n)
{
  redisContext *c = hiredis_connect ();
  g_autofree char *cursor = g_strdup ("0");
  gint64 t0 = g_get_monotonic_time ();

  *n = 0;
  do
    {
      redisReply *r = redisCommand (c, "SCAN %s MATCH bench:* COUNT 1000", cursor);

      g_free (cursor);
      cursor = g_strdup (r->element[0]->str);
      *n += r->element[1]->elements;
      freeReplyObject (r);
    }
  while (g_strcmp0 (cursor, "0") != 0);
  redisFree (c);
  return (g_get_monotonic_time () - t0) / 1e6;
}

/* PING every 10 ms on its own connection while something runs. */
typedef struct
{
  GThread  *thread;
  gboolean  stop;
  gint64    max_us;
  gint64    sum_us;
  guint     samples;
} Latency;

static gpointer
latency_thread (gpointer data)
{
  Latency *l = data;
  redisContext *c = hiredis_connect ();

  while (!g_atomic_int_get (&l->stop))
    {
      gint64 t0 = g_get_monotonic_time ();
      redisReply *r = redisCommand (c, "PING");
      gint64 dt = g_get_monotonic_time () - t0;

      freeReplyObject (r);
      l->max_us = MAX (l->max_us, dt);
      l->sum_us += dt;
      l->samples++;
      g_usleep (10000);
    }
  redisFree (c);
  return NULL;
}

static void
latency_start (Latency *l)
{
  memset (l, 0, sizeof *l);
  l->thread = g_thread_new ("latency", latency_thread, l);
}

static void
latency_stop (Latency    *l,
              const char *what)
{
  g_atomic_int_set (&l->stop, TRUE);
  g_thread_join (l->thread);
  g_print ("    Redis PING latency during %s: avg %.2f ms, max %.2f ms (%u samples)\n", what,
           l->samples ? l->sum_us / 1000.0 / l->samples : 0.0, l->max_us / 1000.0, l->samples);
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
has_first_page (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *url = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *redis_cli_scan = NULL;
  g_autofree char *xargs_unlink = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnCacheBackend) backend = NULL;
  g_autoptr(SnKeyModel) model = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  struct rusage usage;
  double bare, cli_scan, model_s, first_ms, ours_delete, cli_delete;
  guint bare_n, model_n;
  guint64 deleted = 0;
  gint64 t0;
  Latency latency;

  sn_test_stack_up ();
  cli = cli_prefix ();
  g_print ("Populating %d keys…\n", N_KEYS);
  populate ();

  url = g_strdup_printf ("redis://:%s@127.0.0.1:%u", sn_test_stack_get ("REDIS_PASSWORD"),
                         sn_test_stack_get_port ("REDIS_PORT"));
  profile = sn_profile_copy (sn_test_stack_profile ());
  g_object_set (profile, "cache-backend", SN_CACHE_BACKEND_KIND_UPSTASH, "upstash-url", url,
                "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  backend = sn_cache_backend_new_for_profile (profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sn_cache_backend_connect_sync (backend, NULL, &error));

  /* 1. the browser: first page and the full scan into the model */
  model = sn_key_model_new ();
  latency_start (&latency);
  t0 = g_get_monotonic_time ();
  sn_key_model_scan_async (model, backend, "bench:*", 1000, NULL, done_cb, &res);
  sn_test_wait_until (has_first_page, model, 10000);
  first_ms = (g_get_monotonic_time () - t0) / 1000.0;
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  model_s = (g_get_monotonic_time () - t0) / 1e6;
  latency_stop (&latency, "the browser's scan");
  g_assert_true (sn_key_model_scan_finish (model, res, &model_n, &error));
  getrusage (RUSAGE_SELF, &usage);

  /* 2. the bare hiredis loop and redis-cli --scan, same run */
  bare = bare_hiredis_scan (&bare_n);
  redis_cli_scan = g_strdup_printf ("%s --scan --pattern 'bench:*' | wc -l >/dev/null", cli);
  cli_scan = shell_seconds (redis_cli_scan);

  g_print ("Scan of %d keys (pattern bench:*):\n", N_KEYS);
  g_print ("  SnKeyModel: first page %.1f ms (goal < 100), full %.2f s for %u keys, throttle paused %.0f ms\n",
           first_ms, model_s, model_n, sn_key_model_get_paused_us (model) / 1000.0);
  g_print ("  bare hiredis SCAN COUNT 1000: %.2f s (%u keys) → browser/bare = %.2fx (goal ≤ 2x)\n",
           bare, bare_n, model_s / bare);
  g_print ("  redis-cli --scan: %.2f s → redis-cli/browser = %.1fx (goal ≥ 7x)\n", cli_scan, cli_scan / model_s);
  g_print ("  peak RSS with %u keys in the model: %ld MB (goal < 300)\n", model_n, usage.ru_maxrss / 1024);
  g_clear_object (&model);

  /* 3. delete by pattern: ours (preview, then batched pipelined UNLINK) vs redis-cli | xargs */
  latency_start (&latency);
  t0 = g_get_monotonic_time ();
  keys = sn_cache_preview_sync (backend, "bench:*", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (sn_cache_delete_keys_sync (backend, keys, NULL, NULL, &deleted, NULL, &error));
  ours_delete = (g_get_monotonic_time () - t0) / 1e6;
  latency_stop (&latency, "the browser's delete");
  g_clear_pointer (&keys, g_ptr_array_unref);

  populate ();
  latency_start (&latency);
  xargs_unlink = g_strdup_printf ("export REDISCLI_AUTH=%s; redis-cli --no-auth-warning -h 127.0.0.1 -p %u "
                                  "--scan --pattern 'bench:*' | xargs -n 1000 redis-cli --no-auth-warning "
                                  "-h 127.0.0.1 -p %u unlink >/dev/null",
                                  sn_test_stack_get ("REDIS_PASSWORD"), sn_test_stack_get_port ("REDIS_PORT"),
                                  sn_test_stack_get_port ("REDIS_PORT"));
  cli_delete = shell_seconds (xargs_unlink);
  latency_stop (&latency, "redis-cli | xargs unlink");

  g_print ("Delete %d keys by pattern:\n", N_KEYS);
  g_print ("  SnCacheService (exact preview + UNLINK x%d, %d per round trip): %.2f s (%" G_GUINT64_FORMAT " keys)\n",
           SN_CACHE_UNLINK_BATCH, SN_CACHE_UNLINK_PIPELINE, ours_delete, deleted);
  g_print ("  redis-cli --scan | xargs redis-cli unlink: %.2f s → ours/redis-cli = %.2fx (goal ≤ 2)\n",
           cli_delete, ours_delete / cli_delete);
  return 0;
}
