/* test-ssh-agent.c: SnSshSession authenticating through ssh-agent
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libssh2.h>

#include "sn-test-sshd.h"

/*
 * The session finds the agent through SSH_AUTH_SOCK, which a worker thread
 * reads: each case sets it, and unsets it once its session is gone. The RSA
 * case's result depends on libssh2's version (1.10 cannot ask the agent for
 * an rsa-sha2 signature, 1.11 can): tests/meson.build also runs this file on
 * the Flatpak's libssh2 (test-ssh-agent-flatpak-libssh2).
 */
static const SnTestSshd *sshd;   /* the private sshd (sn-test-sshd.h), for the RSA key */

static char *
agent_start (const char *name,
             const char *key)
{
  g_autofree char *sock = g_build_filename (sshd->dir, name, NULL);
  g_autofree char *cmd = g_strdup_printf (
    "rm -f %s; eval \"$(ssh-agent -s -a %s)\" >/dev/null && echo $SSH_AGENT_PID > %s.pid && "
    "SSH_AUTH_SOCK=%s ssh-add -q %s 2>&1",
    sock, sock, sock, sock, key);

  g_free (sn_test_run (cmd));
  return g_steal_pointer (&sock);
}

static void
agent_stop (const char *sock)
{
  g_autofree char *cmd = g_strdup_printf ("kill $(cat %s.pid) 2>/dev/null; rm -f %s %s.pid; true",
                                          sock, sock, sock);
  g_free (sn_test_run (cmd));
}

static void
test_agent_ed25519 (void)
{
  g_autofree char *sock = agent_start ("agent-ed.sock", sn_test_stack_get ("SSH_KEY"));
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-agent");
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_object_set (profile, "ssh-key-file", "", NULL);
  g_setenv ("SSH_AUTH_SOCK", sock, TRUE);
  session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  res = sn_test_ssh_exec (session, "echo via-agent", 0, &error);
  /* The session's worker thread reads the environment: it ends before the
   * environment changes (setenv/unsetenv are not thread-safe). */
  g_clear_object (&session);
  g_unsetenv ("SSH_AUTH_SOCK");
  agent_stop (sock);
  g_assert_no_error (error);
  out = sn_ssh_exec_result_dup_stdout_text (res);
  g_assert_cmpstr (out, ==, "via-agent\n");
}

static void
test_agent_rsa (void)
{
  g_autofree char *key = g_build_filename (sshd->dir, "client_rsa", NULL);
  g_autofree char *sock = agent_start ("agent-rsa.sock", key);
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-agent-rsa", "client_rsa", "root");
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(GError) error = NULL;
  gboolean connected;

  g_object_set (profile, "ssh-key-file", "", NULL);
  g_setenv ("SSH_AUTH_SOCK", sock, TRUE);
  session = sn_test_ssh_session (profile, NULL, sshd->known_hosts);
  connected = sn_test_ssh_connect (session, &error);
  g_clear_object (&session);   /* its worker ends before the environment changes */
  g_unsetenv ("SSH_AUTH_SOCK");
  agent_stop (sock);
  /* libssh2 1.11 (the Flatpak's) asks the agent for an rsa-sha2-256 signature */
  if (libssh2_version (0x010b00) != NULL)
    {
      g_assert_no_error (error);
      g_assert_true (connected);
      return;
    }
  g_assert_false (connected);
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "ssh-agent"));
  g_assert_nonnull (strstr (error->message, "cannot sign with RSA keys"));
  g_assert_nonnull (strstr (error->message, "ssh-keygen -t ed25519"));
  g_test_message ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  sshd = sn_test_sshd_init (&argc, &argv);

  g_test_add_func ("/ssh/auth/agent-ed25519", test_agent_ed25519);
  g_test_add_func ("/ssh/auth/agent-rsa-refused", test_agent_rsa);

  ret = g_test_run ();

  sn_test_sshd_down ();
  return ret;
}
