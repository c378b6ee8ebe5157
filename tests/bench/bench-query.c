/* bench-query.c: SnQueryResult and CSV export against psql on the same server
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints wall time and peak RSS of:
 *   - a SELECT of N rows loaded into SnQueryResult (through the main loop, as
 *     the GUI does) vs `psql --csv -c SQL > /dev/null`;
 *   - sn_database_export_csv_async() vs `psql -c "COPY (SQL) TO STDOUT CSV" > file`.
 * Each side runs in its own child process, measured with wait4() (peak RSS of
 * that process alone), the two alternating (SN_BENCH_QUERY_RUNS rounds, 3). A benchmark reports; it does not fail on timing.
 * Goals: time ≤ 1.5× psql, RSS ≤ 1.5× psql; export time ≤ 1.2× with flat memory.
 */

#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sn-test-stack.h"
#include "sn-database.h"

static char *
bench_sql (guint n)
{
  return g_strdup_printf ("SELECT g, md5(g::text), now(), g %% 7 = 0 FROM generate_series(1,%u) g", n);
}

/* ------------------------------------------------------------------------ */
/* Child: one measured operation, in its own process                        */

static gboolean done;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
  done = TRUE;
}

static int
child_main (int    argc,
            char **argv)
{
  /* argv: --child query|export N port db user password [file] */
  const char *what = argv[2];
  guint n = (guint)atoi (argv[3]);
  g_autoptr(SnDatabase) db = sn_database_new ("127.0.0.1", (guint)atoi (argv[4]), argv[5], argv[6], argv[7]);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = bench_sql (n);

  sn_database_set_statement_timeout (db, 0);

  if (g_str_equal (what, "query"))
    {
      g_autoptr(SnQueryResult) result = sn_database_start_query (db, sql, NULL);

      sn_query_result_wait_async (result, NULL, done_cb, &res);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      if (!sn_query_result_wait_finish (result, res, &error))
        g_error ("%s", error->message);
      if (g_list_model_get_n_items (G_LIST_MODEL (result)) != n)
        g_error ("got %u rows", g_list_model_get_n_items (G_LIST_MODEL (result)));
    }
  else
    {
      g_autoptr(GFile) file = g_file_new_for_path (argv[8]);
      guint64 rows = 0;

      sn_database_export_csv_async (db, sql, file, NULL, NULL, NULL, NULL, done_cb, &res);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      if (!sn_database_export_csv_finish (db, res, NULL, &rows, &error))
        g_error ("%s", error->message);
      if (rows != n)
        g_error ("exported %" G_GUINT64_FORMAT " rows", rows);
    }

  return 0;
}

/* ------------------------------------------------------------------------ */
/* Parent                                                                   */

typedef struct
{
  double seconds;
  long   max_rss_kb;
} Measure;

static Measure
measure (char       **argv,
         const char  *stdout_path,
         const char  *password)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  struct rusage usage;
  Measure m = { 0 };
  gint64 begin;
  GPid pid;
  int out_fd = -1;
  int status = 0;

  envp = g_environ_setenv (envp, "PGPASSWORD", password, TRUE);
  if (stdout_path != NULL)
    out_fd = open (stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  else
    out_fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (out_fd, >=, 0);

  begin = g_get_monotonic_time ();
  if (!g_spawn_async_with_fds (NULL, argv, envp,
                               G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH,
                               NULL, NULL, &pid, -1, out_fd, -1, &error))
    g_error ("cannot run %s: %s", argv[0], error->message);
  if (wait4 (pid, &status, 0, &usage) < 0)
    g_error ("wait4 failed");
  m.seconds = (g_get_monotonic_time () - begin) / (double)G_USEC_PER_SEC;
  m.max_rss_kb = usage.ru_maxrss;
  close (out_fd);
  g_spawn_close_pid (pid);

  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", argv[0], status);

  return m;
}

static int
cmp_seconds (gconstpointer a,
             gconstpointer b)
{
  double x = ((const Measure *)a)->seconds, y = ((const Measure *)b)->seconds;

  return (x > y) - (x < y);
}

/* Median time (and the largest peak RSS) of @runs alternating runs of ours
 * and psql's, which one goes first swapping each round so neither always
 * runs on a warmer cache. */
static void
alternate (int          runs,
           char       **ours_argv,
           const char  *ours_out,
           char       **psql_argv,
           const char  *psql_out,
           const char  *password,
           Measure     *ours,
           Measure     *psql)
{
  g_autoptr(GArray) o = g_array_new (FALSE, FALSE, sizeof (Measure));
  g_autoptr(GArray) p = g_array_new (FALSE, FALSE, sizeof (Measure));
  long o_rss = 0, p_rss = 0;

  for (int i = 0; i < runs; i++)
    {
      Measure x, y;

      if (i % 2 == 0)
        {
          x = measure (ours_argv, ours_out, password);
          y = measure (psql_argv, psql_out, password);
        }
      else
        {
          y = measure (psql_argv, psql_out, password);
          x = measure (ours_argv, ours_out, password);
        }
      g_array_append_val (o, x);
      g_array_append_val (p, y);
      o_rss = MAX (o_rss, x.max_rss_kb);
      p_rss = MAX (p_rss, y.max_rss_kb);
    }
  g_array_sort (o, cmp_seconds);
  g_array_sort (p, cmp_seconds);
  *ours = g_array_index (o, Measure, runs / 2);
  *psql = g_array_index (p, Measure, runs / 2);
  ours->max_rss_kb = o_rss;
  psql->max_rss_kb = p_rss;
}

static void
print_row (const char *what,
           Measure     ours,
           Measure     psql,
           double      time_goal)
{
  double time_ratio = ours.seconds / psql.seconds;
  double rss_ratio = (double)ours.max_rss_kb / (double)psql.max_rss_kb;

  printf ("%-28s ours %6.3f s %8.1f MiB | psql %6.3f s %8.1f MiB | time ×%.2f (goal ≤ %.1f) %s"
          " | RSS ×%.2f\n",
          what, ours.seconds, ours.max_rss_kb / 1024.0, psql.seconds, psql.max_rss_kb / 1024.0,
          time_ratio, time_goal, time_ratio <= time_goal ? "ok" : "MISSED", rss_ratio);
  fflush (stdout);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *self = NULL;
  g_autofree char *port = NULL;
  g_autofree char *dir = NULL;
  const char *password;
  const char *db;
  const char *user;
  static const guint sizes[] = { 200000, 1000000 };
  const char *runs_env = g_getenv ("SN_BENCH_QUERY_RUNS");
  int runs = runs_env != NULL ? MAX (1, atoi (runs_env)) : 3;

  if (argc >= 8 && g_str_equal (argv[1], "--child"))
    return child_main (argc, argv);

  sn_test_stack_up ();
  self = g_file_read_link ("/proc/self/exe", NULL);
  port = g_strdup_printf ("%u", sn_test_stack_get_port ("PGPORT"));
  password = sn_test_stack_get ("PGPASSWORD");
  db = sn_test_stack_get ("PGDATABASE");
  user = sn_test_stack_get ("PGUSER");
  dir = g_dir_make_tmp ("sn-bench-XXXXXX", NULL);

  printf ("# bench-query: PostgreSQL 15 on 127.0.0.1:%s, median of %d alternating runs, peak RSS per process\n"
          "# (the command line's path, through the app's SSH tunnel, is bench-cli-sql)\n", port, runs);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *n = g_strdup_printf ("%u", sizes[i]);
      g_autofree char *sql = bench_sql (sizes[i]);
      g_autofree char *copy = g_strdup_printf ("COPY (%s) TO STDOUT CSV", sql);
      g_autofree char *ours_file = g_build_filename (dir, "ours.csv", NULL);
      g_autofree char *psql_file = g_build_filename (dir, "psql.csv", NULL);
      g_autofree char *label = NULL;
      char *ours_query[] = { self, (char *)"--child", (char *)"query", n, port, (char *)db,
                             (char *)user, (char *)password, NULL };
      char *ours_export[] = { self, (char *)"--child", (char *)"export", n, port, (char *)db,
                              (char *)user, (char *)password, ours_file, NULL };
      char *psql_query[] = { (char *)"psql", (char *)"-X", (char *)"-h", (char *)"127.0.0.1",
                             (char *)"-p", port, (char *)"-U", (char *)user, (char *)"-d", (char *)db,
                             (char *)"--csv", (char *)"-c", sql, NULL };
      char *psql_copy[] = { (char *)"psql", (char *)"-X", (char *)"-h", (char *)"127.0.0.1",
                            (char *)"-p", port, (char *)"-U", (char *)user, (char *)"-d", (char *)db,
                            (char *)"-c", copy, NULL };
      Measure ours, psql;

      alternate (runs, ours_query, NULL, psql_query, NULL, password, &ours, &psql);
      label = g_strdup_printf ("SELECT %s rows", n);
      print_row (label, ours, psql, 1.5);

      alternate (runs, ours_export, ours_file, psql_copy, psql_file, password, &ours, &psql);
      g_free (label);
      label = g_strdup_printf ("CSV export %s rows", n);
      print_row (label, ours, psql, 1.2);

      unlink (ours_file);
      unlink (psql_file);
    }

  rmdir (dir);
  return 0;
}
