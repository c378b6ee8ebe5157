/* sn-test-sshd.h: a private sshd and SnSshSession helpers for the SSH tests
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-core.h"
#include "sn-secret-store.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

G_BEGIN_DECLS

/*
 * Most SSH cases run on the shared stack's sshd (sn-test-stack.h). A private
 * sshd (RECIPES.md §6) serves the cases that need its own keys or config: in
 * its dir, host keys hostkey_ed25519 and hostkey_ecdsa, an unrelated
 * otherkey_ed25519, and client keys client_ed25519, client_locked (passphrase
 * "sesame 42") and client_rsa, all three allowed for any user; user
 * sn-test-pw may also log in with a password.
 *
 * Its sshd is a child of the test process that gets SIGKILL when the thread
 * that started it ends (PR_SET_PDEATHSIG): call sn_test_sshd_up() and
 * sn_test_sshd_start() from the main thread, so it dies with the test however
 * the test ends (a failed assertion, g_error, a timeout's SIGKILL).
 */
typedef struct
{
  char  *dir;
  guint  port;
  char  *host_pub;      /* hostkey_ed25519.pub */
  char  *known_hosts;   /* the app's known_hosts, with the host key */
} SnTestSshd;

/* The start of an SSH test's main(): loopback only, no ssh-agent from the
 * environment, g_test_init(), the libssh2 the run expects (1.11 when
 * SN_EXPECT_LIBSSH2_FLATPAK is set, tests/with-flatpak-libssh2.sh), the stack,
 * then sn_test_sshd_up(). */
const SnTestSshd *sn_test_sshd_init  (int    *argc,
                                      char ***argv);
/* Make the keys and config and start sshd; the second call returns the same. */
const SnTestSshd *sn_test_sshd_up    (void);
/* Stop sshd and remove its dir (kept if SN_TEST_KEEP is set). */
void              sn_test_sshd_down  (void);
/* Start sshd again after sn_test_sshd_kill(); returns once it accepts connections. */
void              sn_test_sshd_start (void);
/* SIGKILL the listener and every per-connection sshd it forked. */
void              sn_test_sshd_kill  (void);
/* A profile for the private sshd: @key is a file name in its dir. */
SnProfile        *sn_test_sshd_profile (const char *name,
                                        const char *key,
                                        const char *user);

/* The stack's "demo" profile under another name; its host key is in the stack's known_hosts. */
SnProfile        *sn_test_ssh_stack_profile (const char *name);
#define SN_TEST_STACK_KNOWN_HOSTS (sn_test_stack_get ("APP_KNOWN_HOSTS"))

SnSshSession     *sn_test_ssh_session (SnProfile     *profile,
                                       SnSecretStore *secrets,
                                       const char    *known_hosts_path);
/* Run async calls to completion; fail the test after 20 s (connect) or 30 s (exec). */
gboolean          sn_test_ssh_connect (SnSshSession  *session,
                                       GError       **error);
SnSshExecResult  *sn_test_ssh_exec    (SnSshSession  *session,
                                       const char    *command,
                                       guint          timeout_ms,
                                       GError       **error);

G_END_DECLS
