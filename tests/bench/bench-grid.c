/* bench-grid.c: scrolling 1,000,000 query rows in the SQL grid, frame by frame
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loads SELECT g, md5(g::text), now(), g % 7 = 0 FROM generate_series(1, N)
 * (N = SN_BENCH_GRID_ROWS, 1,000,000; 4 columns) from the local stack's
 * PostgreSQL (loopback) through the core query path, sn_database_start_query()
 * into an SnQueryResult shown by the app's own SnResultGrid as it loads (as
 * the SQL console does), in a 1100x760 window. Then scrolls the column view's
 * vadjustment from top to bottom in SN_BENCH_GRID_FRAMES (600) equal steps,
 * one a frame (each step is several pages: every visible cell is bound
 * anew in every frame, the worst case of a fast scroll), and times every
 * frame from the GdkFrameClock: its work (before-paint to after-paint), the
 * thread's CPU in it, and the interval between frames. Prints p95 and max
 * beside the 16.7 ms / 33 ms budget, and the rows scrolled a second.
 *
 * The reference, in the same run and alternating (SN_BENCH_GRID_RUNS rounds,
 * 2): a minimal GtkColumnView of 4 GtkLabel columns over a GtkStringList of
 * the same number of rows, scrolled the same way.
 * Needs a display and the stack: xvfb-run -a meson test -C build --benchmark
 * bench-grid (GSK_RENDERER=cairo). A benchmark reports; it does not fail on
 * timing.
 */

#include "config.h"

#include <adwaita.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sn-database.h"
#include "sn-result-grid.h"
#include "sn-test-stack.h"

#define BUDGET_P95_MS 16.7
#define BUDGET_MAX_MS 33.0

typedef struct
{
  GMainLoop     *loop;
  GtkAdjustment *vadj;
  GArray        *work;       /* ms, one per painted frame */
  GArray        *cpu;        /* ms of this thread's CPU, one per painted frame */
  GArray        *intervals;  /* ms between frame starts */
  gint64         frame_start;
  gint64         frame_cpu_start;
  gint64         last_start;
  gint64         t_first;
  gint64         t_last;
  guint          n_frames;
  guint          step;
  gboolean       painted;
  gboolean       running;
} Scroll;

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *values,
            guint   pct)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN (values->len - 1, values->len * pct / 100));
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

static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* Frames ------------------------------------------------------------------- */

static void
frame_start_cb (GdkFrameClock *clock,
                Scroll        *scroll)
{
  gint64 now = g_get_monotonic_time ();

  if (scroll->running && scroll->last_start != 0)
    {
      double ms = (now - scroll->last_start) / 1000.0;

      g_array_append_val (scroll->intervals, ms);
    }
  scroll->frame_start = now;
  scroll->frame_cpu_start = thread_cpu_us ();
  scroll->last_start = scroll->running ? now : 0;
  scroll->painted = FALSE;
}

static void
paint_cb (GdkFrameClock *clock,
          Scroll        *scroll)
{
  scroll->painted = TRUE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Scroll        *scroll)
{
  if (!scroll->running || scroll->frame_start == 0 || !scroll->painted)
    return;
  {
    double ms = (g_get_monotonic_time () - scroll->frame_start) / 1000.0;
    double cpu_ms = (thread_cpu_us () - scroll->frame_cpu_start) / 1000.0;

    g_array_append_val (scroll->work, ms);
    g_array_append_val (scroll->cpu, cpu_ms);
  }
}

/* One step a frame, in the update phase, until the bottom. */
static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       data)
{
  Scroll *scroll = data;
  double upper = gtk_adjustment_get_upper (scroll->vadj);
  double page = gtk_adjustment_get_page_size (scroll->vadj);
  double bottom = upper - page;
  double value;

  if (!scroll->running)
    return G_SOURCE_REMOVE;
  if (scroll->step >= scroll->n_frames)
    {
      scroll->t_last = g_get_monotonic_time ();
      scroll->running = FALSE;
      g_main_loop_quit (scroll->loop);
      return G_SOURCE_REMOVE;
    }
  scroll->step++;
  /* The list's height is an estimate that changes as it goes: aim at the
   * share of the current bottom. */
  value = bottom * scroll->step / scroll->n_frames;
  gtk_adjustment_set_value (scroll->vadj, value);
  return G_SOURCE_CONTINUE;
}

static GtkAdjustment *
find_vadjustment (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    if (GTK_IS_SCROLLED_WINDOW (widget))
      return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));
  g_error ("no scrolled window around the column view");
  return NULL;
}

static gboolean
give_up_cb (gpointer data)
{
  Scroll *scroll = data;

  scroll->running = FALSE;
  g_main_loop_quit (scroll->loop);
  return G_SOURCE_CONTINUE;   /* removed by run_scroll() */
}

/* Scrolls @view (in @window) from top to bottom; prints one line. */
static void
run_scroll (const char *what,
            GtkWidget  *window,
            GtkWidget  *view,
            guint       n_rows,
            guint       n_frames)
{
  Scroll scroll = { 0 };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gulong ids[3];
  guint give_up;
  double seconds;

  scroll.loop = g_main_loop_new (NULL, FALSE);
  scroll.vadj = find_vadjustment (view);
  scroll.work = g_array_new (FALSE, FALSE, sizeof (double));
  scroll.cpu = g_array_new (FALSE, FALSE, sizeof (double));
  scroll.intervals = g_array_new (FALSE, FALSE, sizeof (double));
  scroll.n_frames = n_frames;

  gtk_adjustment_set_value (scroll.vadj, 0);
  settle (300);
  /* A new child: wait until the view has told the adjustment its height. */
  for (guint i = 0; i < 300 && gtk_adjustment_get_upper (scroll.vadj) <= gtk_adjustment_get_page_size (scroll.vadj); i++)
    settle (100);
  ids[0] = g_signal_connect (clock, "before-paint", G_CALLBACK (frame_start_cb), &scroll);
  ids[1] = g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), &scroll);
  ids[2] = g_signal_connect_after (clock, "after-paint", G_CALLBACK (after_paint_cb), &scroll);
  scroll.running = TRUE;
  scroll.t_first = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (window, scroll_tick_cb, &scroll, NULL);
  give_up = g_timeout_add_seconds (300, give_up_cb, &scroll);
  g_main_loop_run (scroll.loop);
  if (scroll.t_last == 0)
    g_error ("%s did not reach the bottom within 300 s", what);
  g_source_remove (give_up);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_signal_handler_disconnect (clock, ids[i]);

  seconds = (scroll.t_last - scroll.t_first) / (double) G_USEC_PER_SEC;
  g_print ("%-40s %u painted frames in %.2f s (%.0f rows/s scrolled); frame work p95 %.1f ms, max %.1f ms; "
           "its CPU p95 %.1f ms, max %.1f ms; interval p95 %.1f ms, max %.1f ms\n",
           what, scroll.work->len, seconds, n_rows / seconds,
           percentile (scroll.work, 95), percentile (scroll.work, 100),
           percentile (scroll.cpu, 95), percentile (scroll.cpu, 100),
           percentile (scroll.intervals, 95), percentile (scroll.intervals, 100));

  g_array_unref (scroll.work);
  g_array_unref (scroll.cpu);
  g_array_unref (scroll.intervals);
  g_main_loop_unref (scroll.loop);
}

/* The reference: a minimal column view ------------------------------------- */

static void
ref_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
ref_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static GtkWidget *
reference_view (guint n_rows)
{
  GtkStringList *strings = gtk_string_list_new (NULL);
  GtkWidget *view;

  /* Filled before any view watches it. */
  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *checksum = g_compute_checksum_for_data (G_CHECKSUM_MD5, (const guchar *) &i, sizeof i);

      gtk_string_list_take (strings, g_strdup_printf ("%u %s", i + 1, checksum));
    }
  view = gtk_column_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (strings))));
  for (guint c = 0; c < 4; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autofree char *title = g_strdup_printf ("column %u", c + 1);
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (ref_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (ref_bind_cb), NULL);
      column = gtk_column_view_column_new (title, factory);
      gtk_column_view_append_column (GTK_COLUMN_VIEW (view), column);
      g_object_unref (column);
    }
  return view;
}

static GtkWidget *
window_with (GtkWidget *child)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  settle (500);
  return window;
}

/* -------------------------------------------------------------------------- */

static gboolean done;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
  done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SnDatabase) db = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *loadavg = NULL;
  GtkWidget *grid, *window, *ref_view, *ref_scroller;
  guint n_rows = 1000000, n_frames = 600, runs = 2;
  long rss_before;
  gint64 t0;

  if (g_getenv ("SN_BENCH_GRID_ROWS") != NULL)
    n_rows = MAX (1000, atoi (g_getenv ("SN_BENCH_GRID_ROWS")));
  if (g_getenv ("SN_BENCH_GRID_FRAMES") != NULL)
    n_frames = MAX (10, atoi (g_getenv ("SN_BENCH_GRID_FRAMES")));
  if (g_getenv ("SN_BENCH_GRID_RUNS") != NULL)
    runs = MAX (1, atoi (g_getenv ("SN_BENCH_GRID_RUNS")));

  if (!gtk_init_check ())
    {
      g_printerr ("bench-grid needs a display: run it under xvfb-run\n");
      return 77;
    }
  adw_init ();
  sn_test_stack_up ();

  /* The grid, filled as the rows come, as in the SQL console. */
  rss_before = rss_kb ("VmRSS:");
  db = sn_database_new ("127.0.0.1", sn_test_stack_get_port ("PGPORT"), sn_test_stack_get ("PGDATABASE"),
                        sn_test_stack_get ("PGUSER"), sn_test_stack_get ("PGPASSWORD"));
  sn_database_set_statement_timeout (db, 0);
  sql = g_strdup_printf ("SELECT g, md5(g::text), now(), g %% 7 = 0 FROM generate_series(1,%u) g", n_rows);
  grid = g_object_ref_sink (sn_result_grid_new ());
  window = window_with (grid);
  t0 = g_get_monotonic_time ();
  result = sn_database_start_query (db, sql, NULL);
  sn_result_grid_set_result (SN_RESULT_GRID (grid), result);
  sn_query_result_wait_async (result, NULL, done_cb, &res);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  if (!sn_query_result_wait_finish (result, res, &error))
    g_error ("%s", error->message);
  if (sn_query_result_get_n_rows (result) != n_rows)
    g_error ("got %u rows", sn_query_result_get_n_rows (result));
  g_print ("%u rows x %u columns loaded into the grid in %.2f s (RSS +%ld MiB); %u frames top to bottom; "
           "budget: p95 %.1f ms, max %.0f ms a frame\n",
           n_rows, sn_query_result_get_n_columns (result), (g_get_monotonic_time () - t0) / 1e6,
           (rss_kb ("VmRSS:") - rss_before) / 1024, n_frames, BUDGET_P95_MS, BUDGET_MAX_MS);

  /* One window, its child swapped: the grid or the reference. */
  ref_view = reference_view (n_rows);
  ref_scroller = g_object_ref_sink (gtk_scrolled_window_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (ref_scroller), ref_view);

  for (guint r = 0; r < runs; r++)
    {
      g_autofree char *ours = g_strdup_printf ("round %u SnResultGrid (SnQueryResult):", r + 1);
      g_autofree char *ref = g_strdup_printf ("round %u GtkColumnView (GtkStringList):", r + 1);

      gtk_window_set_child (GTK_WINDOW (window), grid);
      run_scroll (ours, window, GTK_WIDGET (sn_result_grid_get_column_view (SN_RESULT_GRID (grid))),
                  n_rows, n_frames);
      gtk_window_set_child (GTK_WINDOW (window), ref_scroller);
      run_scroll (ref, window, ref_view, n_rows, n_frames);
    }

  if (!g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    loadavg = g_strdup ("unknown\n");
  g_print ("load average %s", loadavg);

  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (ref_scroller);
  g_object_unref (grid);
  return 0;
}
