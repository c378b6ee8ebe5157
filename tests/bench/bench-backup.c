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

int
main (int    argc,
      char **argv)
{
  guint mib = argc > 1 ? (guint)atoi (argv[1]) : 1024;
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GOutputStream) sink = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *command = NULL;
  g_autofree char *ssh = NULL;
  GAsyncResult *async = NULL;
  gint64 start, ours, theirs;
  long rss_before, rss_after;

  sn_test_stack_up ();
  file = g_build_filename (sn_test_stack_dir (), "bench-dump.bin", NULL);
  command = g_strdup_printf ("head -c %uM /dev/urandom > %s", mib, file);
  g_free (sn_test_run (command));

  session = sn_ssh_session_new (sn_test_stack_profile (), sn_secret_store_get_default ());
  sink = g_unix_output_stream_new (open ("/dev/null", O_WRONLY), TRUE);
  g_free (command);
  command = g_strdup_printf ("cat %s", file);

  /* warm up: connect */
  sn_ssh_session_exec_async (session, "true", 30000, NULL, on_ready, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&async);

  rss_before = peak_rss_kib ();
  start = g_get_monotonic_time ();
  sn_ssh_session_exec_to_stream_async (session, command, sink, 0, NULL, on_ready, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = sn_ssh_session_exec_finish (session, async, &error);
  ours = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (result), ==, (guint64)mib * 1024 * 1024);
  rss_after = peak_rss_kib ();

  ssh = g_strdup_printf ("ssh -q -o BatchMode=yes -o UserKnownHostsFile=%s -i %s -p %s %s@127.0.0.1 'cat %s' > /dev/null",
                         sn_test_stack_get ("SSH_KNOWN_HOSTS"), sn_test_stack_get ("SSH_KEY"),
                         sn_test_stack_get ("SSH_PORT"), sn_test_stack_get ("SSH_USER"), file);
  start = g_get_monotonic_time ();
  g_free (sn_test_run (ssh));
  theirs = g_get_monotonic_time () - start;

  g_print ("streamed %u MiB: exec_to_stream %.2f s (%.0f MiB/s), ssh cat %.2f s (%.0f MiB/s), ratio %.2f\n",
           mib, ours / 1e6, mib / (ours / 1e6), theirs / 1e6, mib / (theirs / 1e6), (double)ours / theirs);
  g_print ("peak RSS: %ld KiB before, %ld KiB after (+%ld KiB)\n", rss_before, rss_after, rss_after - rss_before);

  g_unlink (file);
  return 0;
}
