/* sn-test-sshd.c: a private sshd and SnSshSession helpers for the SSH tests
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sn-test-sshd.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libssh2.h>

#include "sn-known-hosts.h"

static SnTestSshd sshd;
static GPid       sshd_pid;   /* the listener, a child of this process; 0 when not running */

static guint
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, addr, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Between fork and exec (only async-signal-safe calls): SIGKILL sshd when the
 * thread that spawned it ends, and end at once if that already happened. */
static void
die_with_parent (gpointer user_data)
{
  if (prctl (PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid () != (pid_t) GPOINTER_TO_INT (user_data))
    _exit (127);
}

static void
sshd_reap (void)
{
  while (waitpid (sshd_pid, NULL, 0) < 0 && errno == EINTR)
    ;
  g_spawn_close_pid (sshd_pid);
  sshd_pid = 0;
}

void
sn_test_sshd_start (void)
{
  g_autofree char *config = g_build_filename (sshd.dir, "sshd_config", NULL);
  g_autofree char *log = g_build_filename (sshd.dir, "sshd.log", NULL);
  g_autofree char *wait = NULL;
  g_autoptr(GError) error = NULL;
  GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                      | G_SPAWN_STDERR_TO_DEV_NULL;
  /* -D: no daemon, so it stays our child and keeps its death signal */
  const char *argv[] = { "/usr/sbin/sshd", "-D", "-f", config, "-E", log, NULL };

  g_assert_cmpint (sshd_pid, ==, 0);
  if (!g_spawn_async (sshd.dir, (char **) argv, NULL, flags, die_with_parent,
                      GINT_TO_POINTER (getpid ()), &sshd_pid, &error))
    g_error ("cannot start /usr/sbin/sshd: %s", error->message);
  wait = g_strdup_printf (
    "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/%u) 2>/dev/null && exit 0; "
    "sleep 0.05; done; echo 'sshd does not listen; its log:' >&2; cat %s >&2; exit 1",
    sshd.port, log);
  g_free (sn_test_run (wait));
}

void
sn_test_sshd_kill (void)
{
  g_autofree char *cmd = g_strdup_printf ("kill -9 $(pgrep -P %d) %d 2>/dev/null; true",
                                          (int) sshd_pid, (int) sshd_pid);

  g_assert_cmpint (sshd_pid, !=, 0);
  g_free (sn_test_run (cmd));
  sshd_reap ();
}

const SnTestSshd *
sn_test_sshd_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *line = NULL;

  if (sshd.dir != NULL)
    return &sshd;

  sshd.dir = g_dir_make_tmp ("sn-test-ssh-XXXXXX", &error);
  g_assert_no_error (error);
  sshd.port = free_port ();
  cmd = g_strdup_printf (
    "set -e; mkdir -p -m 0755 /run/sshd; cd %s; "
    "ssh-keygen -q -t ed25519 -N '' -C host -f hostkey_ed25519; "
    "ssh-keygen -q -t ecdsa -b 256 -N '' -C host -f hostkey_ecdsa; "
    "ssh-keygen -q -t ed25519 -N '' -C other -f otherkey_ed25519; "
    "ssh-keygen -q -t ed25519 -N '' -C client -f client_ed25519; "
    "ssh-keygen -q -t ed25519 -N 'sesame 42' -C locked -f client_locked; "
    "ssh-keygen -q -t rsa -b 2048 -N '' -C rsa -f client_rsa; "
    "cat client_ed25519.pub client_locked.pub client_rsa.pub > authorized_keys; "
    "printf '%%s\\n' 'Port %u' 'ListenAddress 127.0.0.1' \"HostKey $PWD/hostkey_ed25519\" "
    "\"HostKey $PWD/hostkey_ecdsa\" \"PidFile $PWD/sshd.pid\" \"AuthorizedKeysFile $PWD/authorized_keys\" "
    "'PubkeyAuthentication yes' 'PasswordAuthentication no' 'KbdInteractiveAuthentication no' "
    "'PermitRootLogin prohibit-password' 'StrictModes no' 'UsePAM no' 'AllowTcpForwarding yes' "
    "'X11Forwarding no' 'PrintMotd no' 'MaxSessions 20' 'MaxStartups 50:30:100' 'LogLevel VERBOSE' "
    "'Match User sn-test-pw' '  PasswordAuthentication yes' > sshd_config; "
    "/usr/sbin/sshd -t -f $PWD/sshd_config",
    sshd.dir, sshd.port);
  g_free (sn_test_run (cmd));
  sn_test_sshd_start ();

  sshd.host_pub = g_build_filename (sshd.dir, "hostkey_ed25519.pub", NULL);
  sshd.known_hosts = g_build_filename (sshd.dir, "app_known_hosts", NULL);
  g_free (cmd);
  cmd = g_strdup_printf ("printf '[127.0.0.1]:%u %%s\\n' \"$(cut -d' ' -f1,2 %s)\"",
                         sshd.port, sshd.host_pub);
  line = g_strstrip (sn_test_run (cmd));
  g_assert_true (g_file_set_contents (sshd.known_hosts, line, -1, NULL));
  return &sshd;
}

const SnTestSshd *
sn_test_sshd_init (int    *argc,
                   char ***argv)
{
  g_setenv ("SN_LOOPBACK_ONLY", "1", TRUE);
  g_unsetenv ("SSH_AUTH_SOCK");
  g_test_init (argc, argv, NULL);
  if (g_getenv ("SN_EXPECT_LIBSSH2_FLATPAK") != NULL && libssh2_version (0x010b00) == NULL)
    g_error ("expected the Flatpak's libssh2 (1.11), got %s", libssh2_version (0));

  sn_test_stack_up ();
  return sn_test_sshd_up ();
}

void
sn_test_sshd_down (void)
{
  if (sshd_pid != 0)
    {
      kill (sshd_pid, SIGTERM);
      sshd_reap ();
    }
  if (sshd.dir != NULL && !g_getenv ("SN_TEST_KEEP"))
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf %s", sshd.dir);
      g_free (sn_test_run (cmd));
    }
}

SnProfile *
sn_test_sshd_profile (const char *name,
                      const char *key,
                      const char *user)
{
  g_autofree char *key_path = g_build_filename (sshd.dir, key, NULL);

  return g_object_new (SN_TYPE_PROFILE,
                       "name", name,
                       "ssh-host", "127.0.0.1",
                       "ssh-port", sshd.port,
                       "ssh-user", user,
                       "ssh-key-file", key_path,
                       NULL);
}

SnProfile *
sn_test_ssh_stack_profile (const char *name)
{
  SnProfile *profile = sn_profile_copy (sn_test_stack_profile ());

  g_object_set (profile, "name", name, NULL);
  return profile;
}

SnSshSession *
sn_test_ssh_session (SnProfile     *profile,
                     SnSecretStore *secrets,
                     const char    *known_hosts_path)
{
  SnSshSession *session = sn_ssh_session_new (profile, secrets);
  g_autoptr(SnKnownHosts) kh = sn_known_hosts_new (known_hosts_path);

  sn_ssh_session_set_known_hosts (session, kh);
  return session;
}

gboolean
sn_test_ssh_connect (SnSshSession  *session,
                     GError       **error)
{
  GAsyncResult *w = NULL;
  gboolean ok;

  sn_ssh_session_connect_async (session, NULL, sn_test_store_result_cb, &w);
  ok = sn_ssh_session_connect_finish (session, sn_test_wait_for_result (&w, 20000), error);
  g_object_unref (w);
  return ok;
}

SnSshExecResult *
sn_test_ssh_exec (SnSshSession  *session,
                  const char    *command,
                  guint          timeout_ms,
                  GError       **error)
{
  GAsyncResult *w = NULL;
  SnSshExecResult *res;

  sn_ssh_session_exec_async (session, command, timeout_ms, NULL, sn_test_store_result_cb, &w);
  res = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&w, 30000), error);
  g_object_unref (w);
  return res;
}
