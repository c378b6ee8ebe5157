/* bench-logs.c: 100,000 log lines through SnLogModel into a GtkListView
 *
 * Feeds batches of 1,000 lines (pino JSON and plain lines, as the app
 * writes them) into the bounded model shown by a GtkListView in a
 * GtkFilterListModel, scrolled to the end as when following, and waits for
 * each frame. Prints the time per batch, the filter times and the RSS.
 * Run under Xvfb: xvfb-run -a build/tests/bench/bench-logs
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gtk/gtk.h>

#include "sn-log-model.h"

#define N_LINES 100000
#define BATCH 1000

static char *needle;
static SnLogLevel min_level;

static gboolean
filter_line (gpointer item,
             gpointer user_data)
{
  return sn_log_line_matches (item, needle, min_level);
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (item, label);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item)
{
  SnLogLine *line = gtk_list_item_get_item (item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), sn_log_line_get_text (line));
}

static long
rss_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (p = strstr (status, field)) == NULL)
    return -1;
  return strtol (p + strlen (field) + 1, NULL, 10);
}

static gboolean painted;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       data)
{
  painted = TRUE;
}

static void
wait_frame (GtkWidget *widget)
{
  gint64 until = g_get_monotonic_time () + 500000;

  painted = FALSE;
  gtk_widget_queue_draw (widget);
  while (!painted && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static char *
make_line (guint i)
{
  if (i % 50 == 0)
    return g_strdup_printf ("app-1  | {\"level\":\"ERROR\",\"time\":\"2026-01-02T09:00:00.000Z\",\"pid\":7,"
                            "\"hostname\":\"app\",\"msg\":\"payment failed\",\"seq\":%u}", i);
  if (i % 7 == 0)
    return g_strdup_printf ("app-1  | [planningNotify] tick %u", i);
  return g_strdup_printf ("app-1  | {\"level\":\"INFO\",\"time\":\"2026-01-02T09:00:00.000Z\",\"pid\":7,"
                          "\"hostname\":\"app\",\"node_env\":\"production\",\"msg\":\"request completed\","
                          "\"method\":\"GET\",\"url\":\"/api/health\",\"status\":200,\"seq\":%u}", i);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SnLogModel) model = NULL;
  GtkCustomFilter *filter;
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory;
  GtkWidget *window, *scrolled, *view;
  GtkAdjustment *vadj;
  GArray *times = g_array_new (FALSE, FALSE, sizeof (double));
  long rss_before;
  gint64 start, t0;
  double total_ms, filter_text_ms, filter_level_ms, clear_ms;

  if (!gtk_init_check ())
    {
      g_printerr ("bench-logs needs a display: run it under xvfb-run\n");
      return 77;
    }

  rss_before = rss_kb ("VmRSS:");
  model = sn_log_model_new (SN_LOG_MODEL_DEFAULT_CAPACITY);
  filter = gtk_custom_filter_new (filter_line, NULL, NULL);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (model)), GTK_FILTER (filter));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), NULL);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (filtered))), factory);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_present (GTK_WINDOW (window));
  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  wait_frame (window);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint), NULL);

  start = g_get_monotonic_time ();
  for (guint b = 0; b < N_LINES / BATCH; b++)
    {
      double ms;

      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < BATCH; i++)
        {
          g_autofree char *line = make_line (b * BATCH + i);

          sn_log_model_append (model, line);
        }
      sn_log_model_flush (model);
      /* Following: stay at the end. */
      gtk_adjustment_set_value (vadj, gtk_adjustment_get_upper (vadj));
      wait_frame (window);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (times, ms);
    }
  total_ms = (g_get_monotonic_time () - start) / 1000.0;

  t0 = g_get_monotonic_time ();
  g_free (needle);
  needle = g_strdup ("payment");
  gtk_filter_changed (GTK_FILTER (filter), GTK_FILTER_CHANGE_MORE_STRICT);
  wait_frame (window);
  filter_text_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_print ("text filter \"payment\": %u of %u lines shown\n",
           g_list_model_get_n_items (G_LIST_MODEL (filtered)),
           g_list_model_get_n_items (G_LIST_MODEL (model)));

  t0 = g_get_monotonic_time ();
  g_clear_pointer (&needle, g_free);
  min_level = SN_LOG_LEVEL_WARN;
  gtk_filter_changed (GTK_FILTER (filter), GTK_FILTER_CHANGE_DIFFERENT);
  wait_frame (window);
  filter_level_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_print ("level filter ≥ WARN: %u lines shown\n", g_list_model_get_n_items (G_LIST_MODEL (filtered)));

  min_level = SN_LOG_LEVEL_UNKNOWN;
  gtk_filter_changed (GTK_FILTER (filter), GTK_FILTER_CHANGE_LESS_STRICT);
  wait_frame (window);

  g_array_sort (times, compare_double);
  g_print ("%u lines in batches of %u, window %u lines (%" G_GUINT64_FORMAT " trimmed, %"
           G_GUINT64_FORMAT " skipped)\n",
           N_LINES, BATCH, g_list_model_get_n_items (G_LIST_MODEL (model)),
           sn_log_model_get_n_trimmed (model), sn_log_model_get_n_skipped (model));
  g_print ("per batch (append %u + items-changed + frame): median %.1f ms, p95 %.1f ms, max %.1f ms\n",
           BATCH, g_array_index (times, double, times->len / 2),
           g_array_index (times, double, times->len * 95 / 100),
           g_array_index (times, double, times->len - 1));
  g_print ("total %.0f ms (%.0f lines/s)\n", total_ms, N_LINES / (total_ms / 1000.0));
  g_print ("filter over the window: text %.1f ms, level %.1f ms\n", filter_text_ms, filter_level_ms);
  g_print ("RSS: %ld kB before, %ld kB after (+%ld kB), peak %ld kB\n",
           rss_before, rss_kb ("VmRSS:"), rss_kb ("VmRSS:") - rss_before, rss_kb ("VmHWM:"));

  t0 = g_get_monotonic_time ();
  sn_log_model_clear (model);
  wait_frame (window);
  clear_ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_print ("clear: %.1f ms\n", clear_ms);

  gtk_window_destroy (GTK_WINDOW (window));
  g_array_unref (times);
  return 0;
}
