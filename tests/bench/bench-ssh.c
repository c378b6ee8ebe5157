/* bench-ssh.c: SnSshSession latency and streaming against OpenSSH on the same sshd
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints:
 *   - the round trip of `true` on a connected session (median, mean, max of N);
 *   - 1 GiB (SN_BENCH_SSH_MB to change) streamed with
 *     sn_ssh_session_exec_to_stream_async() into /dev/null vs
 *     `ssh ... cat FILE > /dev/null` on the same stack sshd, with the
 *     throughput ratio (goal >= 0.7) and the peak RSS of this process.
 * A benchmark reports; it does not fail on timing.
 */

#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gio/gunixoutputstream.h>
#include <glib/gstdio.h>

#include "sn-test-stack.h"
#include "sn-ssh-session.h"

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static SnSshExecResult *
exec_sync (SnSshSession *session,
           const char   *command)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  SnSshExecResult *result;

  sn_ssh_session_exec_async (session, command, 0, NULL, store_cb, &res);
  result = sn_ssh_session_exec_finish (session, wait_for (&res), &error);
  g_assert_no_error (error);
  return result;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return x < y ? -1 : x > y;
}

static long
peak_rss_kb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

static void
bench_latency (SnSshSession *session,
               guint         n)
{
  g_autofree double *ms = g_new0 (double, n);
  double sum = 0;

  g_clear_object (&(SnSshExecResult *){ exec_sync (session, "true") });   /* warm up */
  for (guint i = 0; i < n; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(SnSshExecResult) res = exec_sync (session, "true");

      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
      sum += ms[i];
    }
  qsort (ms, n, sizeof *ms, cmp_double);
  g_print ("exec `true` round trip over %u runs: median %.1f ms, mean %.1f ms, min %.1f ms, max %.1f ms\n",
           n, ms[n / 2], sum / n, ms[0], ms[n - 1]);
}

static double
ssh_cat_seconds (const char *cipher_options,
                 const char *file)
{
  g_autofree char *cmd = NULL;
  g_autofree char *usecs = NULL;

  cmd = g_strdup_printf ("s=$(date +%%s%%N); ssh -F /dev/null -o UserKnownHostsFile='%s' "
                         "-o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o BatchMode=yes %s "
                         "-i '%s' -p %s root@127.0.0.1 cat '%s' > /dev/null; "
                         "e=$(date +%%s%%N); echo $(( (e - s) / 1000 ))",
                         sn_test_stack_get ("SSH_KNOWN_HOSTS"), cipher_options, sn_test_stack_get ("SSH_KEY"),
                         sn_test_stack_get ("SSH_PORT"), file);
  usecs = sn_test_run (cmd);
  return g_ascii_strtod (usecs, NULL) / 1e6;
}

static double
session_cat_seconds (SnSshSession  *session,
                     GOutputStream *null_out,
                     const char    *file,
                     guint          mb)
{
  g_autofree char *cmd = g_strdup_printf ("cat '%s'", file);
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(SnSshExecResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double secs;

  sn_ssh_session_exec_to_stream_async (session, cmd, null_out, 0, NULL, store_cb, &res);
  result = sn_ssh_session_exec_finish (session, wait_for (&res), &error);
  secs = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (error);
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (result), ==, (guint64)mb * 1024 * 1024);
  return secs;
}

static double
median_of (double *values,
           guint   n)
{
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (double));

  g_array_append_vals (sorted, values, n);
  g_array_sort (sorted, cmp_double);
  return g_array_index (sorted, double, n / 2);
}

static void
bench_stream (SnSshSession *session,
              guint         mb)
{
  g_autofree char *file = g_build_filename (sn_test_stack_dir (), "bench-ssh.bin", NULL);
  g_autofree char *cmd = NULL;
  g_autoptr(GOutputStream) null_out = NULL;
  const char *runs_env = g_getenv ("SN_BENCH_SSH_STREAM_RUNS");
  guint runs = runs_env != NULL ? CLAMP ((guint)atoi (runs_env), 1, 15) : 3;
  double ours[15], ssh[15], same[15];
  double secs, ssh_s, same_s;
  double bytes = (double)mb * 1024 * 1024;
  long rss_before;
  int fd;

  cmd = g_strdup_printf ("head -c %uM /dev/urandom > '%s'", mb, file);
  g_free (sn_test_run (cmd));

  fd = open ("/dev/null", O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  null_out = g_unix_output_stream_new (fd, TRUE);

  /* Alternating rounds, which goes first swapping each round; the third is
   * OpenSSH with the cipher and MAC libssh2 1.10 negotiates (no AEAD there). */
  rss_before = peak_rss_kb ();
  for (guint i = 0; i < runs; i++)
    {
      if (i % 2 == 0)
        {
          ours[i] = session_cat_seconds (session, null_out, file, mb);
          ssh[i] = ssh_cat_seconds ("", file);
        }
      else
        {
          ssh[i] = ssh_cat_seconds ("", file);
          ours[i] = session_cat_seconds (session, null_out, file, mb);
        }
      same[i] = ssh_cat_seconds ("-c aes128-ctr -m hmac-sha2-256", file);
    }
  secs = median_of (ours, runs);
  ssh_s = median_of (ssh, runs);
  same_s = median_of (same, runs);

  g_print ("%u MiB streamed, median of %u alternating runs: SnSshSession %.2f s = %.0f MB/s; "
           "OpenSSH ssh cat > /dev/null %.2f s = %.0f MB/s\n",
           mb, runs, secs, bytes / 1e6 / secs, ssh_s, bytes / 1e6 / ssh_s);
  g_print ("throughput ratio SnSshSession / OpenSSH: %.2f (goal >= 0.70)%s\n",
           ssh_s / secs, ssh_s / secs >= 0.7 ? "" : "  BELOW GOAL");
  g_print ("OpenSSH with libssh2's cipher (aes128-ctr, hmac-sha2-256): %.2f s = %.0f MB/s, ratio %.2f\n",
           same_s, bytes / 1e6 / same_s, same_s / secs);
  g_print ("peak RSS of this process: %ld KiB before the stream, %ld KiB after\n",
           rss_before, peak_rss_kb ());
  g_unlink (file);
}

/* A second sshd like the stack's, but with HOME set to an empty folder, so the
 * login shell sources no ~/.bashrc: what remains is the client's own latency. */
static SnProfile *
start_bare_sshd (SnProfile *stack_profile,
                 char     **pid_file)
{
  g_autofree char *dir = g_build_filename (sn_test_stack_dir (), "bench-bare-sshd", NULL);
  g_autofree char *port = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *kh_line = NULL;
  g_autofree char *kh = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "known_hosts", NULL);
  SnProfile *profile;

  cmd = g_strdup_printf (
    "set -e; d='%s'; mkdir -p \"$d/home\"; "
    "p=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'); "
    "sed -e \"s|^Port .*|Port $p|\" -e \"s|^PidFile .*|PidFile $d/sshd.pid|\" "
    "-e \"s|^SetEnv .*|& HOME=$d/home|\" '%s/ssh/sshd_config' > \"$d/sshd_config\"; "
    "setsid /usr/sbin/sshd -f \"$d/sshd_config\" -E \"$d/sshd.log\" </dev/null >/dev/null 2>&1; "
    "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.05; done; echo $p",
    dir, sn_test_stack_dir ());
  port = g_strstrip (sn_test_run (cmd));
  g_free (cmd);
  cmd = g_strdup_printf ("printf '[127.0.0.1]:%s %%s\\n' \"$(cut -d' ' -f1,2 '%s/ssh/hostkey_ed25519.pub')\" >> '%s'",
                         port, sn_test_stack_dir (), kh);
  g_free (sn_test_run (cmd));

  *pid_file = g_build_filename (dir, "sshd.pid", NULL);
  profile = sn_profile_copy (stack_profile);
  g_object_set (profile, "ssh-port", (guint)atoi (port), NULL);
  return profile;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnSshSession) session = NULL;
  const char *mb_env = g_getenv ("SN_BENCH_SSH_MB");
  const char *runs_env = g_getenv ("SN_BENCH_SSH_RUNS");
  guint mb = mb_env != NULL ? (guint)atoi (mb_env) : 1024;
  guint runs = runs_env != NULL ? (guint)atoi (runs_env) : 50;

  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");

  sn_test_stack_up ();
  profile = sn_profile_copy (sn_test_stack_profile ());
  session = sn_ssh_session_new (profile, NULL);

  if (runs > 0)
    {
      g_autofree char *pid_file = NULL;
      g_autofree char *kill_cmd = NULL;
      g_autoptr(SnProfile) bare = start_bare_sshd (profile, &pid_file);
      g_autoptr(SnSshSession) bare_session = sn_ssh_session_new (bare, NULL);

      g_print ("On the stack's sshd (the login shell runs root's ~/.bashrc):\n  ");
      bench_latency (session, runs);
      g_print ("On the same sshd with an empty HOME (no ~/.bashrc: the client's own latency):\n  ");
      bench_latency (bare_session, runs);
      g_clear_object (&bare_session);
      kill_cmd = g_strdup_printf ("kill $(cat '%s') 2>/dev/null; true", pid_file);
      g_free (sn_test_run (kill_cmd));
    }
  if (mb > 0)
    bench_stream (session, mb);

  g_clear_object (&session);
  return 0;
}
