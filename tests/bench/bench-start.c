/* bench-start.c: the app's first frame against a minimal libadwaita window
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Alternating runs (SN_BENCH_START_RUNS, 15) of:
 *   - narcisse-admin on the local stack's profiles (the demo profile open),
 *   - this program with --minimal: an AdwApplicationWindow with a header bar
 *     and a label, nothing else,
 * each started fresh with SN_EXIT_AFTER_FIRST_FRAME=1, measured from the
 * spawn to the "first-frame PEAK_RSS_KIB" line both print after their first
 * painted frame. Prints the medians and the ratio (goal ≤ 1.5×, issue 21),
 * and the spread of the ratio over the pairs of runs.
 * SN_BENCH_START_BASELINE=PATH adds another narcisse-admin build (say the
 * one before a change) to the same alternating runs, for a before/after.
 * Needs a display: xvfb-run -a dbus-run-session -- meson test -C build
 * --benchmark bench-start. A benchmark reports; it does not fail on timing.
 */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sn-test-stack.h"

/* ------------------------------------------------------------------------ */
/* --minimal: the reference window                                          */

static void
minimal_first_frame_cb (GdkFrameClock *clock,
                        GApplication  *app)
{
  g_autofree char *status = NULL;
  const char *hwm;

  g_signal_handlers_disconnect_by_func (clock, minimal_first_frame_cb, app);
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (hwm = strstr (status, "VmHWM:")) != NULL)
    g_print ("first-frame %ld\n", strtol (hwm + strlen ("VmHWM:"), NULL, 10));
  fflush (stdout);
  g_application_quit (app);
}

static void
minimal_activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new ("Narcisse Admin"));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (minimal_first_frame_cb), app);
}

static int
minimal_main (void)
{
  g_autoptr(AdwApplication) app = adw_application_new ("com.sweet_narcisse.BenchMinimal",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (minimal_activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), 0, NULL);
}

/* ------------------------------------------------------------------------ */
/* The measurement                                                          */

typedef struct
{
  double seconds;
  double rss_mib;
} Start;

static Start
measure (char **argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                         G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  gint64 started;
  Start start = { 0 };

  g_subprocess_launcher_setenv (launcher, "SN_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  started = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv, &error);
  if (process == NULL)
    g_error ("%s: %s", argv[0], error->message);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

      if (line == NULL)
        g_error ("%s ended without a first frame%s%s", argv[0],
                 error != NULL ? ": " : "", error != NULL ? error->message : "");
      if (g_str_has_prefix (line, "first-frame "))
        {
          start.seconds = (g_get_monotonic_time () - started) / (double)G_USEC_PER_SEC;
          start.rss_mib = g_ascii_strtod (line + strlen ("first-frame "), NULL) / 1024.0;
          break;
        }
    }
  g_subprocess_wait (process, NULL, NULL);

  return start;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median (GArray *values)
{
  g_array_sort (values, cmp_double);
  return g_array_index (values, double, values->len / 2);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GArray) app_s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) app_m = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) min_s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) min_m = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) base_m = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
  const char *baseline = g_getenv ("SN_BENCH_START_BASELINE");
  g_autofree char *self_path = NULL;
  g_autofree char *app_path = NULL;
  const char *runs_env = g_getenv ("SN_BENCH_START_RUNS");
  guint runs = runs_env != NULL ? MAX (atoi (runs_env), 1) : 15;
  SnProfile *profile;
  double a, m, r;

  if (argc > 1 && g_str_equal (argv[1], "--minimal"))
    return minimal_main ();

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("bench-start needs a display: xvfb-run -a dbus-run-session -- meson test --benchmark bench-start\n");
      return 77;
    }

  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  profile = sn_test_stack_profile ();   /* a scratch HOME with the stack's profiles */
  self_path = g_file_read_link ("/proc/self/exe", NULL);
  app_path = g_build_filename (g_getenv ("SN_BUILD_DIR") != NULL ? g_getenv ("SN_BUILD_DIR") : ".",
                               "src", "narcisse-admin", NULL);

  {
    char *app_argv[] = { app_path, (char *)"--profile", (char *)sn_profile_get_name (profile), NULL };
    char *min_argv[] = { self_path, (char *)"--minimal", NULL };
    char *base_argv[] = { (char *)baseline, (char *)"--profile", (char *)sn_profile_get_name (profile), NULL };

    /* warm up: the page cache, the font cache */
    measure (app_argv);
    measure (min_argv);
    if (baseline != NULL)
      measure (base_argv);
    for (guint i = 0; i < runs; i++)
      {
        Start x, y, z = { 0 };

        /* The baseline first on even runs, last on odd ones. */
        if (baseline != NULL && i % 2 == 0)
          z = measure (base_argv);

        if (i % 2 == 0)
          {
            x = measure (app_argv);
            y = measure (min_argv);
          }
        else
          {
            y = measure (min_argv);
            x = measure (app_argv);
          }
        if (baseline != NULL)
          {
            if (i % 2 == 1)
              z = measure (base_argv);
            g_array_append_val (base_s, z.seconds);
            g_array_append_val (base_m, z.rss_mib);
          }
        g_array_append_val (app_s, x.seconds);
        g_array_append_val (app_m, x.rss_mib);
        g_array_append_val (min_s, y.seconds);
        g_array_append_val (min_m, y.rss_mib);
        r = x.seconds / y.seconds;
        g_array_append_val (ratios, r);
      }
  }

  a = median (app_s);
  m = median (min_s);
  g_print ("first frame, median of %u: narcisse-admin %.3f s %.1f MiB | minimal libadwaita window %.3f s %.1f MiB"
           "  -> %.2fx (goal <= 1.50x), memory %.2fx\n",
           runs, a, median (app_m), m, median (min_m), a / m, median (app_m) / median (min_m));
  /* Each run's pair (the two started back to back) as a ratio: how far the
   * machine's noise moves it. */
  g_array_sort (ratios, cmp_double);
  g_print ("paired runs: ratio min %.2fx, quartiles %.2fx %.2fx %.2fx, max %.2fx\n",
           g_array_index (ratios, double, 0),
           g_array_index (ratios, double, ratios->len / 4),
           g_array_index (ratios, double, ratios->len / 2),
           g_array_index (ratios, double, (3 * ratios->len) / 4),
           g_array_index (ratios, double, ratios->len - 1));
  if (baseline != NULL)
    g_print ("baseline %s, same runs: %.3f s %.1f MiB  -> %.2fx\n",
             baseline, median (base_s), median (base_m), median (base_s) / m);

  return 0;
}
