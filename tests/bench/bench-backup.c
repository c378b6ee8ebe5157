/* bench-backup.c: stream a large dump-sized file through SnSshSession's
 * exec_to_stream (the path backups and downloads take) vs `ssh host cat`
 * of the same bytes, and check the peak RSS stays flat.
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <sys/resource.h>

#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>

#include "sn-core.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gint64
stream_ours (SnSshSession  *session,
             GOutputStream *sink,
             const char    *command,
             guint          mib)
{
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *async = NULL;
  gint64 start = g_get_monotonic_time ();

  sn_ssh_session_exec_to_stream_async (session, command, sink, 0, NULL, on_ready, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = sn_ssh_session_exec_finish (session, async, &error);
  g_object_unref (async);
  g_assert_no_error (error);
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (result), ==, (guint64)mib * 1024 * 1024);

  return g_get_monotonic_time () - start;
}

static gint64
stream_theirs (const char *ssh)
{
  gint64 start = g_get_monotonic_time ();

  g_free (sn_test_run (ssh));
  return g_get_monotonic_time () - start;
}

static int
cmp_gint64 (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

static gint64
median (GArray *values)
{
  g_array_sort (values, cmp_gint64);
  return g_array_index (values, gint64, values->len / 2);
}

int
main (int    argc,
      char **argv)
{
  guint mib = argc > 1 ? (guint)atoi (argv[1]) : 1024;
  const char *runs_env = g_getenv ("SN_BENCH_BACKUP_RUNS");
  guint runs = runs_env != NULL ? MAX (1, (guint)atoi (runs_env)) : 3;
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  g_autoptr(GArray) ours = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) theirs = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *file = NULL;
  g_autofree char *command = NULL;
  g_autofree char *ssh = NULL;
  GAsyncResult *async = NULL;
  gint64 o, t;
  long rss_before, rss_after;

  sn_test_stack_up ();
  file = g_build_filename (sn_test_stack_dir (), "bench-dump.bin", NULL);
  command = g_strdup_printf ("head -c %uM /dev/urandom > %s", mib, file);
  g_free (sn_test_run (command));

  session = sn_ssh_session_new (sn_test_stack_profile (), sn_secret_store_get_default ());
  sink = g_unix_output_stream_new (open ("/dev/null", O_WRONLY), TRUE);
  g_free (command);
  command = g_strdup_printf ("cat %s", file);
  ssh = g_strdup_printf ("ssh -q -o BatchMode=yes -o UserKnownHostsFile=%s -i %s -p %s %s@127.0.0.1 'cat %s' > /dev/null",
                         sn_test_stack_get ("SSH_KNOWN_HOSTS"), sn_test_stack_get ("SSH_KEY"),
                         sn_test_stack_get ("SSH_PORT"), sn_test_stack_get ("SSH_USER"), file);

  /* warm up: connect */
  sn_ssh_session_exec_async (session, "true", 30000, NULL, on_ready, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&async);

  /* Alternating, which goes first swapping each round. */
  rss_before = peak_rss_kib ();
  for (guint i = 0; i < runs; i++)
    {
      if (i % 2 == 0)
        {
          o = stream_ours (session, sink, command, mib);
          t = stream_theirs (ssh);
        }
      else
        {
          t = stream_theirs (ssh);
          o = stream_ours (session, sink, command, mib);
        }
      g_array_append_val (ours, o);
      g_array_append_val (theirs, t);
    }
  rss_after = peak_rss_kib ();

  o = median (ours);
  t = median (theirs);
  g_print ("streamed %u MiB, median of %u alternating runs: exec_to_stream %.2f s (%.0f MiB/s), "
           "ssh cat %.2f s (%.0f MiB/s), ratio %.2f\n",
           mib, runs, o / 1e6, mib / (o / 1e6), t / 1e6, mib / (t / 1e6), (double)o / t);
  g_print ("peak RSS: %ld KiB before, %ld KiB after (+%ld KiB)\n", rss_before, rss_after, rss_after - rss_before);

  g_unlink (file);
  return 0;
}
