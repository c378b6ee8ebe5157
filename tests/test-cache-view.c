/* test-cache-view.c: the cache browser against the local stack's real Redis
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-cache-view"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sn-cache-stats.h"
#include "sn-cache-view.h"
#include "sn-sparkline.h"
#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-types.h"

static char *
redis (const char *args)
{
  g_autofree char *command = g_strdup_printf ("REDISCLI_AUTH=%s redis-cli --no-auth-warning -h 127.0.0.1 -p %u %s",
                                              sn_test_stack_get ("REDIS_PASSWORD"),
                                              sn_test_stack_get_port ("REDIS_PORT"), args);

  return sn_test_run (command);
}

static gboolean
view_idle (gpointer data)
{
  return !sn_cache_view_get_busy (data) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (sn_test_find_named (data, "cache-backend"))), "Connecting…") != 0;
}

static GtkWidget *
new_window (SnProfile    *profile,
            SnCacheView **view)
{
  GtkWidget *window = gtk_window_new ();

  *view = SN_CACHE_VIEW (sn_cache_view_new ());
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (*view));
  gtk_window_present (GTK_WINDOW (window));
  sn_cache_view_set_profile (*view, profile);
  g_assert_true (sn_test_wait_until (view_idle, *view, 30000));
  return window;
}

static guint
count_of (const char *pattern)
{
  g_autofree char *args = g_strdup_printf ("--scan --pattern '%s' | wc -l", pattern);
  g_autofree char *out = redis (args);

  return atoi (out);
}

static gboolean
has_type (gpointer data)
{
  SnKeyModel *keys = sn_cache_view_get_keys (data);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (keys)) && i < 10; i++)
    {
      g_autoptr(SnCacheKey) key = g_list_model_get_item (G_LIST_MODEL (keys), i);

      if (sn_cache_key_get_key_type (key) != SN_KEY_TYPE_UNKNOWN)
        return TRUE;
    }
  return FALSE;
}

static gboolean
stats_shown (gpointer data)
{
  return strstr (sn_test_label_text (data, "cache-stats"), "keys") != NULL;
}

static gboolean
value_shown (gpointer data)
{
  g_autofree char *text = sn_cache_view_dup_value_text (data);

  return strstr (text, "Belle de Colmar") != NULL;
}

typedef struct
{
  SnCacheStats *chart;
  guint         before;
} Growth;

static gboolean
stats_grew (gpointer data)
{
  Growth *growth = data;

  return sn_cache_stats_get_n_samples (growth->chart) > growth->before;
}

static void
test_browse (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnCacheView *view;
  GtkWidget *window;
  GtkWidget *keys_view;
  const char *stats;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  window = new_window (profile, &view);

  /* every key, then the rate keys only, as redis-cli counts them */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (view))), ==, count_of ("*"));
  sn_cache_view_scan (view, "rate:*");
  g_assert_true (sn_test_wait_until (view_idle, view, 30000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (view))), ==, count_of ("rate:*"));
  g_assert_nonnull (strstr (sn_test_label_text (window, "cache-count"), " keys"));

  /* the visible rows get their type and TTL */
  g_assert_true (sn_test_wait_until (has_type, view, 10000));

  keys_view = sn_test_find_named (window, "cache-keys");
  g_assert_true (GTK_IS_COLUMN_VIEW (keys_view));
  g_assert_true (gtk_widget_get_mapped (keys_view));

  /* the details pane: pretty JSON of boats:active */
  sn_cache_view_scan (view, "boats:*");
  g_assert_true (sn_test_wait_until (view_idle, view, 30000));
  g_assert_true (sn_cache_view_select_key (view, "boats:active"));
  g_assert_true (sn_test_wait_until (value_shown, view, 10000));
  g_assert_nonnull (strstr (sn_test_label_text (window, "cache-details-meta"), "JSON"));

  /* an empty result shows the empty state */
  sn_cache_view_scan (view, "nothing-like-this:*");
  g_assert_true (sn_test_wait_until (view_idle, view, 30000));
  g_assert_true (gtk_widget_get_mapped (sn_test_find_named (window, "cache-empty")));

  /* the stats line says how many keys */
  g_assert_true (sn_test_wait_until (stats_shown, window, 10000));
  stats = sn_test_label_text (window, "cache-stats");
  g_test_message ("stats: %s", stats);
  g_assert_nonnull (strstr (stats, "keys"));

  /* the stats keep a short history, drawn as three named charts */
  {
    SnCacheStats *chart = SN_CACHE_STATS (sn_test_find_named (window, "cache-stats-chart"));
    Growth growth = { chart, sn_cache_stats_get_n_samples (chart) };
    const char *names[] = { "cache-chart-hit-rate", "cache-chart-ops", "cache-chart-memory" };

    g_assert_cmpuint (growth.before, >=, 1);
    gtk_widget_activate_action (GTK_WIDGET (view), "view.refresh", NULL);
    g_assert_true (sn_test_wait_until (stats_grew, &growth, 10000));
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        GtkWidget *spark = sn_test_find_named (window, names[i]);
        g_autofree char *refreshes = g_strdup_printf ("over the last %u refreshes",
                                                      sn_cache_stats_get_n_samples (chart));

        g_assert_true (gtk_widget_get_visible (spark));
        g_assert_cmpuint (sn_sparkline_get_n_values (SN_SPARKLINE (spark)), ==, sn_cache_stats_get_n_samples (chart));
        g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (spark), refreshes));
      }
    g_assert_true (sn_test_wait_until (view_idle, view, 30000));
    /* the details: the slow log and the app's counters */
    g_assert_nonnull (strstr (sn_test_label_text (window, "cache-stats-details"), "/api/metrics"));
    g_assert_nonnull (strstr (sn_test_label_text (window, "cache-stats-details"), "SLOWLOG"));
  }

  /* an operator sees the changes */
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (window, "cache-changes")));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (window, "cache-delete")));
  sn_test_screenshot (window, "cache-view.png");
  sn_test_destroy_window (window);
}

static gboolean
scanning_some (gpointer data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (data)));

  return n > 0 && sn_key_model_get_scanning (sn_cache_view_get_keys (data));
}

static void
test_cancel (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnCacheView *view;
  GtkWidget *window;
  g_autofree char *out = NULL;
  guint had;

  out = redis ("EVAL \"for i=1,300000 do redis.call('SET', KEYS[1]..i, i) end return 1\" 1 narcisse-gui:");
  window = new_window (profile, &view);
  sn_cache_view_scan (view, "narcisse-gui:*");
  g_assert_true (sn_test_wait_until (scanning_some, view, 30000));
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (window, "cache-cancel")));
  gtk_widget_activate_action (GTK_WIDGET (view), "cache.cancel", NULL);
  g_assert_true (sn_test_wait_until (view_idle, view, 30000));
  had = g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (view)));
  g_test_message ("cancelled with %u of 300000 keys", had);
  g_assert_cmpuint (had, >, 0);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (window, "cache-cancel")));
  sn_test_destroy_window (window);
  g_free (out);
  out = redis ("EVAL \"for _,k in ipairs(redis.call('KEYS', 'narcisse-gui:*')) do redis.call('UNLINK', k) end return 1\" 0");
}

static void
test_read_only (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnCacheView *view;
  GtkWidget *window;
  g_autofree char *exists = NULL;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  window = new_window (profile, &view);

  /* the direction browses and sees the stats… */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (view))), >, 10);
  g_assert_true (sn_test_wait_until (stats_shown, window, 10000));
  /* …and nothing that changes the server */
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (window, "cache-changes")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (window, "cache-delete")));
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (window, "cache-edit-ttl")));

  g_assert_true (sn_cache_view_select_key (view, "planning:last_update"));
  gtk_widget_activate_action (GTK_WIDGET (view), "cache.delete-selected", NULL);
  gtk_widget_activate_action (GTK_WIDGET (view), "cache.delete-matching", NULL);
  g_assert_null (sn_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_true (sn_test_wait_until (view_idle, view, 10000));
  exists = redis ("EXISTS planning:last_update");
  g_assert_cmpstr (exists, ==, "1\n");
  sn_test_screenshot (window, "cache-view-read-only.png");
  sn_test_destroy_window (window);
}

static gboolean
dialog_open (gpointer data)
{
  return sn_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
keys_gone (gpointer data)
{
  g_autofree char *out = redis ("--scan --pattern 'narcisse-del:*' | wc -l");

  return atoi (out) == 0 && view_idle (data);
}

static void
test_delete_matching (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnCacheView *view;
  GtkWidget *window;
  AdwMessageDialog *dialog;
  g_autofree char *out = NULL;
  g_autofree char *keep = NULL;

  out = redis ("EVAL \"for i=1,321 do redis.call('SET', KEYS[1]..i, i) end return 1\" 1 narcisse-del:");
  g_free (out);
  out = redis ("SET narcisse-keep 1");
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  window = new_window (profile, &view);
  sn_cache_view_scan (view, "narcisse-del:*");
  g_assert_true (sn_test_wait_until (view_idle, view, 30000));

  gtk_widget_activate_action (GTK_WIDGET (view), "cache.delete-matching", NULL);
  g_assert_true (sn_test_wait_until (dialog_open, NULL, 30000));
  dialog = ADW_MESSAGE_DIALOG (sn_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  /* the exact count, before anything goes */
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Delete 321 keys?");
  g_assert_cmpuint (count_of ("narcisse-del:*"), ==, 321);
  adw_message_dialog_response (dialog, "delete");
  g_assert_true (sn_test_wait_until (keys_gone, view, 30000));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (view))), ==, 0);
  keep = redis ("EXISTS narcisse-keep");
  g_assert_cmpstr (keep, ==, "1\n");
  g_free (out);
  out = redis ("DEL narcisse-keep");
  sn_test_destroy_window (window);
}

static gboolean
ttl_set (gpointer data)
{
  g_autofree char *out = redis ("TTL narcisse-gui-ttl");

  return atoi (out) > 1000 && atoi (out) <= 1234;
}

static gboolean
ttl_editable (gpointer data)
{
  return view_idle (data) && gtk_widget_is_sensitive (sn_test_find_named (data, "cache-edit-ttl"));
}

/* Edit TTL: an admin's control only; the dialog's seconds reach Redis. */
static void
test_edit_ttl (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnCacheView *view;
  GtkWidget *window;
  AdwMessageDialog *dialog;
  GtkWidget *spin;
  g_autofree char *out = redis ("SET narcisse-gui-ttl 1");

  /* an operator does not see it */
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_OPERATOR, NULL);
  window = new_window (profile, &view);
  g_assert_false (gtk_widget_get_visible (sn_test_find_named (window, "cache-edit-ttl")));
  sn_test_destroy_window (window);

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_ADMIN, NULL);
  window = new_window (profile, &view);
  g_assert_true (gtk_widget_get_visible (sn_test_find_named (window, "cache-edit-ttl")));
  sn_cache_view_scan (view, "narcisse-gui-ttl");
  g_assert_true (sn_test_wait_until (view_idle, view, 30000));
  g_assert_true (sn_cache_view_select_key (view, "narcisse-gui-ttl"));
  g_assert_true (sn_test_wait_until (ttl_editable, view, 10000));
  gtk_widget_activate_action (GTK_WIDGET (view), "cache.edit-ttl", NULL);
  g_assert_true (sn_test_wait_until (dialog_open, NULL, 10000));
  dialog = ADW_MESSAGE_DIALOG (sn_test_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  spin = sn_test_find_named (GTK_WIDGET (dialog), "cache-ttl-seconds");
  g_assert_nonnull (spin);
  /* the key has no TTL: "no expiry" is ticked; untick it and ask 1234 s */
  gtk_check_button_set_active (GTK_CHECK_BUTTON (sn_test_find_named (GTK_WIDGET (dialog), "cache-ttl-persist")),
                               FALSE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1234);
  adw_message_dialog_response (dialog, "set");
  g_assert_true (sn_test_wait_until (ttl_set, NULL, 10000));
  sn_test_destroy_window (window);
  g_free (out);
  out = redis ("DEL narcisse-gui-ttl");
}

static void
count_label_cb (GtkLabel   *label,
                GParamSpec *pspec,
                GArray     *seen)
{
  guint n;

  if (sscanf (gtk_label_get_text (label), "Scanning… %u", &n) == 1 &&
      (seen->len == 0 || g_array_index (seen, guint, seen->len - 1) != n))
    g_array_append_val (seen, n);
}

typedef struct
{
  SnCacheView *view;
  guint        n;
} Expect;

static gboolean
has_n_keys (gpointer data)
{
  Expect *expect = data;

  return view_idle (expect->view) &&
         g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (expect->view))) == expect->n;
}

/* Typing a pattern rescans after a short pause; the count rises live. */
static void
test_live_count (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (guint));
  SnCacheView *view;
  GtkWidget *window;
  GtkWidget *entry;
  Expect expect;
  g_autofree char *out = NULL;

  out = redis ("EVAL \"for i=1,20000 do redis.call('SET', KEYS[1]..i, i) end return 1\" 1 narcisse-live:");
  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  window = new_window (profile, &view);
  entry = sn_test_find_named (window, "cache-pattern");
  g_assert_true (GTK_IS_EDITABLE (entry));
  g_signal_connect (sn_test_find_named (window, "cache-count"), "notify::label", G_CALLBACK (count_label_cb), seen);

  /* typed, not activated: nothing yet (the debounce), then the scan by itself */
  gtk_editable_set_text (GTK_EDITABLE (entry), "narcisse-live:*");
  g_assert_false (sn_key_model_get_scanning (sn_cache_view_get_keys (view)));
  expect = (Expect) { view, 20000 };
  g_assert_true (sn_test_wait_until (has_n_keys, &expect, 30000));
  for (guint i = 0; i < seen->len; i++)
    g_test_message ("count shown while scanning: %u", g_array_index (seen, guint, i));
  g_assert_cmpuint (seen->len, >=, 2);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpuint (g_array_index (seen, guint, i), >, g_array_index (seen, guint, i - 1));

  /* typing on: only the newest pattern's keys, the older scan cancelled */
  gtk_editable_set_text (GTK_EDITABLE (entry), "narcisse-liv");
  gtk_editable_set_text (GTK_EDITABLE (entry), "narcisse-live:1*");
  expect = (Expect) { view, count_of ("narcisse-live:1*") };
  g_assert_true (sn_test_wait_until (has_n_keys, &expect, 30000));

  /* Enter and F5 still scan at once */
  sn_cache_view_scan (view, "rate:*");
  g_assert_true (sn_key_model_get_scanning (sn_cache_view_get_keys (view)));
  expect = (Expect) { view, count_of ("rate:*") };
  g_assert_true (sn_test_wait_until (has_n_keys, &expect, 30000));
  gtk_editable_set_text (GTK_EDITABLE (entry), "planning:*");
  gtk_widget_activate_action (GTK_WIDGET (view), "cache.scan", NULL);
  g_assert_true (sn_key_model_get_scanning (sn_cache_view_get_keys (view)));
  expect = (Expect) { view, 1 };
  g_assert_true (sn_test_wait_until (has_n_keys, &expect, 30000));

  sn_test_destroy_window (window);
  g_free (out);
  out = redis ("EVAL \"for _,k in ipairs(redis.call('KEYS', 'narcisse-live:*')) do redis.call('UNLINK', k) end return 1\" 0");
}

typedef struct
{
  GListModel *model;
  guint       n;
} Shown;

static gboolean
shown_is (gpointer data)
{
  Shown *shown = data;

  return g_list_model_get_n_items (shown->model) == shown->n;
}

/* The keys the view scanned that start with @prefix. The seeded rate:* keys
 * expire (PX = 2 x their window), so a count asked of Redis a moment before
 * or after the scan may differ from what the view saw. */
static guint
count_in_view (SnCacheView *view,
               const char  *prefix)
{
  GListModel *keys = G_LIST_MODEL (sn_cache_view_get_keys (view));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
    {
      g_autoptr(SnCacheKey) key = g_list_model_get_item (keys, i);

      if (g_str_has_prefix (sn_cache_key_get_key (key), prefix))
        n++;
    }
  return n;
}

/* The sidebar's families, by known prefix, with counts; a family filters the list. */
static void
test_families (void)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  SnCacheView *view;
  GtkWidget *window;
  GtkListBox *families;
  GtkWidget *rate_row, *all_row;
  GListModel *shown;
  Shown wait;
  g_autofree char *rate_text = NULL;
  guint rates;
  guint all;

  g_object_set (profile, "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  window = new_window (profile, &view);
  all = g_list_model_get_n_items (G_LIST_MODEL (sn_cache_view_get_keys (view)));
  rates = count_in_view (view, "rate:");
  g_assert_cmpuint (rates, >, 0);
  families = GTK_LIST_BOX (sn_test_find_named (window, "cache-families"));
  rate_row = sn_test_find_named (window, "cache-family-0");
  all_row = sn_test_find_named (window, "cache-family-all");
  g_assert_nonnull (rate_row);
  rate_text = g_strdup_printf ("(%u)", rates);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (rate_row)))),
                            rate_text));

  shown = G_LIST_MODEL (gtk_column_view_get_model (GTK_COLUMN_VIEW (sn_test_find_named (window, "cache-keys"))));
  wait = (Shown) { shown, all };
  g_assert_true (sn_test_wait_until (shown_is, &wait, 10000));
  gtk_list_box_select_row (families, GTK_LIST_BOX_ROW (rate_row));
  wait = (Shown) { shown, rates };
  g_assert_true (sn_test_wait_until (shown_is, &wait, 10000));
  for (guint i = 0; i < rates; i++)
    {
      g_autoptr(SnCacheKey) key = g_list_model_get_item (shown, i);

      g_assert_true (g_str_has_prefix (sn_cache_key_get_key (key), "rate:"));
    }
  /* rate:availability:… is a rate key, not an availability one */
  gtk_list_box_select_row (families, GTK_LIST_BOX_ROW (sn_test_find_named (window, "cache-family-1")));
  wait = (Shown) { shown, count_in_view (view, "availability:") };
  g_assert_true (sn_test_wait_until (shown_is, &wait, 10000));
  sn_test_screenshot (window, "cache-view-families.png");
  gtk_list_box_select_row (families, GTK_LIST_BOX_ROW (all_row));
  wait = (Shown) { shown, all };
  g_assert_true (sn_test_wait_until (shown_is, &wait, 10000));
  sn_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  g_setenv ("LANGUAGE", "C", TRUE);
  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sn/cache-view/browse", test_browse);
  g_test_add_func ("/sn/cache-view/read-only", test_read_only);
  g_test_add_func ("/sn/cache-view/delete-matching", test_delete_matching);
  g_test_add_func ("/sn/cache-view/cancel", test_cancel);
  g_test_add_func ("/sn/cache-view/edit-ttl", test_edit_ttl);
  g_test_add_func ("/sn/cache-view/live-count", test_live_count);
  g_test_add_func ("/sn/cache-view/families", test_families);

  return g_test_run ();
}
