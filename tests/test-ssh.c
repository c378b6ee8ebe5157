/* test-ssh.c: SnKnownHosts and SnSshSession against a real local sshd
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <libssh2.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "sn-test-sshd.h"
#include "sn-audit-log.h"
#include "sn-host.h"
#include "sn-known-hosts.h"
#include "sn-net.h"
#include "sn-profile.h"
#include "sn-secret-store.h"
#include "sn-ssh-session.h"

/*
 * Most cases run on the shared stack's sshd (sn-test-stack.h). A private sshd
 * (sn-test-sshd.h) serves the cases that need its own keys or config: an
 * encrypted and an RSA client key, an ECDSA host key next to the ed25519 one,
 * and killing it mid-command. The ssh-agent cases are in test-ssh-agent.c.
 */
static const SnTestSshd *sshd;

/* A shell command's stdout, stripped; fails the test if it fails. */
static char *
run (const char *command)
{
  return g_strstrip (sn_test_run (command));
}

static GBytes *
pubkey_blob (const char *pub_path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) parts = NULL;
  gsize len;
  guchar *blob;

  g_assert_true (g_file_get_contents (pub_path, &contents, NULL, NULL));
  parts = g_strsplit (contents, " ", 3);
  blob = g_base64_decode (parts[1], &len);
  return g_bytes_new_take (blob, len);
}

static char *
keygen_fingerprint (const char *pub_path)
{
  g_autofree char *cmd = g_strdup_printf ("ssh-keygen -lf %s | cut -d' ' -f2", pub_path);
  return run (cmd);
}

static guint
count_threads (void)
{
  g_autoptr(GDir) d = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static gboolean
remote_process_gone (const char *pattern,
                     guint       timeout_ms)
{
  g_autofree char *cmd = g_strdup_printf (
    "for i in $(seq %u); do pgrep -f '%s' >/dev/null || { echo gone; exit 0; }; sleep 0.05; done; echo running",
    timeout_ms / 50, pattern);
  g_autofree char *out = run (cmd);

  return g_str_equal (out, "gone");
}

/* Tests */

static void
test_known_hosts (void)
{
  g_autoptr(GBytes) key = pubkey_blob (sshd->host_pub);
  g_autofree char *other_pub = g_build_filename (sshd->dir, "otherkey_ed25519.pub", NULL);
  g_autoptr(GBytes) other = pubkey_blob (other_pub);
  g_autofree char *ecdsa_pub = g_build_filename (sshd->dir, "hostkey_ecdsa.pub", NULL);
  g_autoptr(GBytes) ecdsa = pubkey_blob (ecdsa_pub);
  g_autofree char *expected = keygen_fingerprint (sshd->host_pub);
  g_autofree char *fingerprint = sn_ssh_key_fingerprint (key);
  g_autofree char *path = g_build_filename (sshd->dir, "kh-unit", "known_hosts", NULL);
  g_autofree char *hashed = g_build_filename (sshd->dir, "kh-hashed", NULL);
  g_autofree char *cmd = NULL;
  g_autoptr(SnKnownHosts) kh = sn_known_hosts_new (path);
  g_autoptr(SnKnownHosts) khh = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpstr (fingerprint, ==, expected);
  g_assert_true (g_str_has_prefix (fingerprint, "SHA256:"));
  g_assert_null (strchr (fingerprint, '='));
  g_assert_cmpint (sn_ssh_key_type_from_blob (key), ==, SN_SSH_KEY_TYPE_ED25519);
  g_assert_cmpstr (sn_ssh_key_type_to_name (SN_SSH_KEY_TYPE_ED25519), ==, "ED25519");
  g_assert_cmpstr (sn_ssh_key_type_to_name (SN_SSH_KEY_TYPE_ECDSA_256), ==, "ECDSA");

  /* missing file, then add, then other key */
  g_assert_cmpint (sn_known_hosts_check (kh, "127.0.0.1", 2222, key, 0, &error), ==, SN_KNOWN_HOSTS_NOT_FOUND);
  g_assert_no_error (error);
  g_assert_true (sn_known_hosts_add (kh, "127.0.0.1", 2222, key, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (sn_known_hosts_check (kh, "127.0.0.1", 2222, key, 0, &error), ==, SN_KNOWN_HOSTS_MATCH);
  g_assert_cmpint (sn_known_hosts_check (kh, "127.0.0.1", 2223, key, 0, &error), ==, SN_KNOWN_HOSTS_NOT_FOUND);
  g_assert_cmpint (sn_known_hosts_check (kh, "127.0.0.1", 2222, other, 0, &error), ==, SN_KNOWN_HOSTS_MISMATCH);
  g_assert_true (sn_known_hosts_add (kh, "example.org", 22, other, &error));
  g_assert_cmpint (sn_known_hosts_check (kh, "example.org", 22, other, 0, &error), ==, SN_KNOWN_HOSTS_MATCH);
  g_assert_cmpint (sn_known_hosts_check (kh, "127.0.0.1", 2222, key, 0, &error), ==, SN_KNOWN_HOSTS_MATCH);
  g_assert_no_error (error);

  /* OpenSSH itself accepts what we wrote, and we read its hashed form */
  cmd = g_strdup_printf ("ssh-keygen -F '[127.0.0.1]:2222' -f %s | grep -c ssh-ed25519", path);
  g_free (run (cmd));
  g_free (cmd);
  cmd = g_strdup_printf ("cp %s %s && ssh-keygen -q -H -f %s && rm -f %s.old && grep -c '^|1|' %s",
                         path, hashed, hashed, hashed, hashed);
  g_free (run (cmd));
  khh = sn_known_hosts_new (hashed);
  g_assert_cmpint (sn_known_hosts_check (khh, "127.0.0.1", 2222, key, 0, &error), ==, SN_KNOWN_HOSTS_MATCH);
  g_assert_cmpint (sn_known_hosts_check (khh, "127.0.0.1", 2222, other, 0, &error), ==, SN_KNOWN_HOSTS_MISMATCH);
  g_assert_no_error (error);

  /* known with ed25519, offered ECDSA: another key type, never "not found" */
  g_assert_cmpint (sn_known_hosts_check (kh, "127.0.0.1", 2222, ecdsa, 0, &error), ==, SN_KNOWN_HOSTS_OTHER_TYPE);
  g_assert_cmpint (sn_known_hosts_check (khh, "127.0.0.1", 2222, ecdsa, 0, &error), ==, SN_KNOWN_HOSTS_OTHER_TYPE);
  g_assert_cmpint (sn_known_hosts_check (kh, "127.0.0.1", 2223, ecdsa, 0, &error), ==, SN_KNOWN_HOSTS_NOT_FOUND);
  g_assert_no_error (error);
}

static void
test_ed25519 (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-ed");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  g_assert_true (sn_test_ssh_connect (session, &error));
  g_assert_no_error (error);
  g_assert_true (sn_ssh_session_is_connected (session));
  res = sn_test_ssh_exec (session, "echo hello; whoami", 0, &error);
  g_assert_no_error (error);
  out = sn_ssh_exec_result_dup_stdout_text (res);
  g_assert_cmpstr (out, ==, "hello\nroot\n");
}

static void
test_passphrase (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-locked", "client_locked", "root");
  g_autoptr(SnSecretStore) secrets = sn_secret_store_new ();
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;

  sn_secret_store_remember (secrets, profile, SN_SECRET_KIND_SSH_PASSPHRASE, "sesame 42");
  session = sn_test_ssh_session (profile, secrets, sshd->known_hosts);
  res = sn_test_ssh_exec (session, "echo unlocked", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sn_ssh_exec_result_get_exit_status (res), ==, 0);
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-wrong", "client_locked", "root");
  g_autoptr(SnSecretStore) secrets = sn_secret_store_new ();
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnProfile) profile2 = NULL;
  g_autoptr(SnSshSession) session2 = NULL;
  g_autofree char *creds = g_build_filename (sshd->dir, "creds", NULL);
  g_autoptr(GError) error = NULL;

  sn_secret_store_remember (secrets, profile, SN_SECRET_KIND_SSH_PASSPHRASE, "not it");
  session = sn_test_ssh_session (profile, secrets, sshd->known_hosts);
  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE);
  g_assert_nonnull (strstr (error->message, "client_locked"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* no passphrase stored at all (a credentials file without one, no keyring asked) */
  g_assert_true (g_file_set_contents (creds, "db-password=x\n", -1, NULL));
  g_chmod (creds, 0600);
  profile2 = sn_test_sshd_profile ("t-nopass", "client_locked", "root");
  g_object_set (profile2, "credentials-file", creds, NULL);
  session2 = sn_test_ssh_session (profile2, secrets, sshd->known_hosts);
  g_assert_false (sn_test_ssh_connect (session2, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE);
  g_test_message ("%s", error->message);
}

static void
test_rsa (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-rsa", "client_rsa", "root");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, sshd->known_hosts);
  g_autoptr(GError) error = NULL;

  /* libssh2 1.11 (the Flatpak's) signs with rsa-sha2-256: the key just works */
  if (libssh2_version (0x010b00) != NULL)
    {
      g_assert_no_error (error);
      g_assert_true (sn_test_ssh_connect (session, &error));
      g_assert_no_error (error);
      return;
    }
  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "cannot sign with RSA keys against OpenSSH 8.8+"));
  g_assert_nonnull (strstr (error->message, "ssh-keygen -t ed25519 -f ~/.ssh/narcisse_ed25519"));
  g_test_message ("%s", error->message);
}

static void
test_wrong_user (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-user", "client_ed25519", "sn-no-such-user");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, sshd->known_hosts);
  g_autoptr(GError) error = NULL;
  g_autofree char *where = g_strdup_printf ("127.0.0.1:%u", sshd->port);

  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "sn-no-such-user"));
  g_assert_nonnull (strstr (error->message, where));
  g_test_message ("%s", error->message);
}

static void
test_unknown_host_key (void)
{
  g_autofree char *path = g_build_filename (sshd->dir, "kh-first", NULL);
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-first");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, path);
  g_autofree char *stack_pub = g_build_filename (sn_test_stack_dir (), "ssh", "hostkey_ed25519.pub", NULL);
  g_autofree char *expected = keygen_fingerprint (stack_pub);
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN);
  g_assert_nonnull (strstr (error->message, expected));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (sn_ssh_session_is_connected (session));

  fingerprint = sn_ssh_session_dup_host_key_fingerprint (session);
  g_assert_cmpstr (fingerprint, ==, expected);

  /* only the key the person was shown is saved */
  g_assert_false (sn_ssh_session_trust_host_key (session, NULL, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (sn_ssh_session_trust_host_key (session, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                 &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "NOT saved"));
  g_assert_nonnull (strstr (error->message, expected));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  g_assert_true (sn_ssh_session_trust_host_key (session, fingerprint, &error));
  g_assert_no_error (error);
  g_assert_true (sn_test_ssh_connect (session, &error));
  g_assert_no_error (error);
}

/* The key blob the person was shown works as well as its fingerprint. */
static void
test_trust_by_blob (void)
{
  g_autofree char *path = g_build_filename (sshd->dir, "kh-blob", NULL);
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-blob");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, path);
  g_autofree char *stack_pub = g_build_filename (sn_test_stack_dir (), "ssh", "hostkey_ed25519.pub", NULL);
  g_autofree char *other_pub = g_build_filename (sshd->dir, "otherkey_ed25519.pub", NULL);
  g_autoptr(GBytes) key = pubkey_blob (stack_pub);
  g_autoptr(GBytes) other = pubkey_blob (other_pub);
  g_autofree char *b64 = g_base64_encode (g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  g_autofree char *other_b64 = g_base64_encode (g_bytes_get_data (other, NULL), g_bytes_get_size (other));
  g_autoptr(GError) error = NULL;

  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN);
  g_clear_error (&error);
  g_assert_false (sn_ssh_session_trust_host_key (session, other_b64, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (sn_ssh_session_trust_host_key (session, b64, &error));
  g_assert_no_error (error);
  g_assert_true (sn_test_ssh_connect (session, &error));
  g_assert_no_error (error);
}

/* How many logins sshd has accepted so far, from its log. */
static char *
accepted_logins (void)
{
  g_autofree char *cmd = g_strdup_printf ("grep -c 'Accepted publickey' '%s' || true",
                                          sn_test_stack_get ("SSH_LOG"));

  return run (cmd);
}

/* After a host-key stop: even the exact key the session was shown is never
 * trusted (@code), the known-hosts file @path still holds @saved, and sshd
 * has accepted no login since it counted @logins. */
static void
assert_stopped_for_good (SnSshSession *session,
                         int           code,
                         const char   *path,
                         const char   *saved,
                         const char   *logins)
{
  g_autofree char *fingerprint = sn_ssh_session_dup_host_key_fingerprint (session);
  g_autofree char *saved_after = NULL;
  g_autofree char *logins_after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (fingerprint);
  g_assert_false (sn_ssh_session_trust_host_key (session, fingerprint, &error));
  g_assert_error (error, SN_SSH_ERROR, code);
  g_assert_true (g_file_get_contents (path, &saved_after, NULL, NULL));
  g_assert_cmpstr (saved, ==, saved_after);

  g_usleep (100000);
  logins_after = accepted_logins ();
  g_assert_cmpstr (logins, ==, logins_after);   /* never logged in */
}

static void
test_changed_host_key (void)
{
  g_autofree char *path = g_build_filename (sshd->dir, "kh-changed", NULL);
  g_autofree char *other_pub = g_build_filename (sshd->dir, "otherkey_ed25519.pub", NULL);
  g_autoptr(GBytes) other = pubkey_blob (other_pub);
  g_autoptr(SnKnownHosts) kh = sn_known_hosts_new (path);
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-changed");
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *logins = accepted_logins ();
  g_autofree char *saved = NULL;

  g_assert_true (sn_known_hosts_add (kh, "127.0.0.1", sn_test_stack_get_port ("SSH_PORT"), other, &error));
  session = sn_test_ssh_session (profile, NULL, path);
  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED);
  g_assert_nonnull (strstr (error->message, "CHANGED"));
  g_assert_nonnull (strstr (error->message, "man-in-the-middle"));
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
  g_assert_false (sn_ssh_session_is_connected (session));
  g_clear_error (&error);

  /* even the exact key shown is never trusted over a changed one */
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  assert_stopped_for_good (session, SN_SSH_ERROR_HOST_KEY_CHANGED, path, saved, logins);
}

/*
 * The stack's sshd offers only ed25519; the app's file knows the host by an
 * ECDSA key (a man in the middle offering only a key type of their own looks
 * like this): a hard stop, never a first-contact question.
 */
static void
test_other_key_type (void)
{
  g_autofree char *path = g_build_filename (sshd->dir, "kh-other-type", NULL);
  g_autofree char *ecdsa_pub = g_build_filename (sshd->dir, "hostkey_ecdsa.pub", NULL);
  g_autofree char *line = g_strdup_printf ("printf '[127.0.0.1]:%u %%s\\n' \"$(cut -d' ' -f1,2 %s)\" > %s",
                                           sn_test_stack_get_port ("SSH_PORT"), ecdsa_pub, path);
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-other-type");
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *logins = accepted_logins ();

  g_free (run (line));
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  session = sn_test_ssh_session (profile, NULL, path);
  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE);
  g_assert_true (sn_ssh_error_is_host_key_stop (error));
  g_assert_nonnull (strstr (error->message, "known with another key type"));
  g_assert_nonnull (strstr (error->message, "ecdsa-sha2-nistp256"));
  g_assert_nonnull (strstr (error->message, path));
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  g_assert_false (sn_ssh_session_is_connected (session));

  assert_stopped_for_good (session, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE, path, saved, logins);
}

/* A host saved with its ECDSA key, offering ed25519 too, is recognised. */
static void
test_ecdsa_saved (void)
{
  g_autofree char *path = g_build_filename (sshd->dir, "kh-ecdsa", NULL);
  g_autofree char *pub = g_build_filename (sshd->dir, "hostkey_ecdsa.pub", NULL);
  g_autofree char *cmd = g_strdup_printf ("printf '[127.0.0.1]:%u %%s\\n' \"$(cut -d' ' -f1,2 %s)\" > %s",
                                          sshd->port, pub, path);
  g_autofree char *expected = keygen_fingerprint (pub);
  g_autofree char *fingerprint = NULL;
  g_autofree char *saved = NULL;
  g_autoptr(SnKnownHosts) kh = sn_known_hosts_new (path);
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-ecdsa", "client_ed25519", "root");
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(GError) error = NULL;

  g_free (run (cmd));
  saved = sn_known_hosts_dup_saved_algorithms (kh, "127.0.0.1", sshd->port);
  g_assert_cmpstr (saved, ==, "ecdsa-sha2-nistp256");
  g_assert_null (sn_known_hosts_dup_saved_algorithms (kh, "127.0.0.1", sshd->port + 1));

  session = sn_test_ssh_session (profile, NULL, path);
  g_assert_true (sn_test_ssh_connect (session, &error));
  g_assert_no_error (error);
  fingerprint = sn_ssh_session_dup_host_key_fingerprint (session);
  g_assert_cmpstr (fingerprint, ==, expected);
  g_clear_object (&session);

  /* hashed host names too */
  g_free (cmd);
  cmd = g_strdup_printf ("ssh-keygen -q -H -f %s && rm -f %s.old", path, path);
  g_free (run (cmd));
  g_free (saved);
  saved = sn_known_hosts_dup_saved_algorithms (kh, "127.0.0.1", sshd->port);
  g_assert_cmpstr (saved, ==, "ecdsa-sha2-nistp256");
  session = sn_test_ssh_session (profile, NULL, path);
  g_assert_true (sn_test_ssh_connect (session, &error));
  g_assert_no_error (error);
}

static void
test_exec_status (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-exec");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  res = sn_test_ssh_exec (session, "echo out; echo err >&2; exit 7", 0, &error);
  g_assert_no_error (error);
  out = sn_ssh_exec_result_dup_stdout_text (res);
  err = sn_ssh_exec_result_dup_stderr_text (res);
  g_assert_cmpstr (out, ==, "out\n");
  g_assert_cmpstr (err, ==, "err\n");
  g_assert_cmpint (sn_ssh_exec_result_get_exit_status (res), ==, 7);
  g_assert_null (sn_ssh_exec_result_get_exit_signal (res));
  g_assert_false (sn_ssh_exec_result_get_success (res));
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (res), ==, 4);
  g_assert_cmpuint (sn_ssh_exec_result_get_stderr_bytes (res), ==, 4);
  g_assert_cmpint (sn_ssh_exec_result_get_duration_us (res), >, 0);
  g_clear_object (&res);

  /* a command that reads stdin gets EOF at once, and a trailing comment is harmless */
  res = sn_test_ssh_exec (session, "cat; echo done # comment", 5000, &error);
  g_assert_no_error (error);
  g_free (out);
  out = sn_ssh_exec_result_dup_stdout_text (res);
  g_assert_cmpstr (out, ==, "done\n");
  g_assert_true (sn_ssh_exec_result_get_success (res));
  g_clear_object (&res);

  /* a syntax error in the command is reported, not swallowed */
  res = sn_test_ssh_exec (session, "echo (", 5000, &error);
  g_assert_no_error (error);
  g_free (err);
  err = sn_ssh_exec_result_dup_stderr_text (res);
  g_assert_false (sn_ssh_exec_result_get_success (res));
  g_assert_nonnull (strstr (err, "syntax error"));
}

typedef struct
{
  GPtrArray *lines;
  gint64     first_at;
  gboolean   destroyed;
} Lines;

static void
on_line (const char *line,
         gboolean    is_stderr,
         gpointer    user_data)
{
  Lines *l = user_data;

  if (l->lines->len == 0)
    l->first_at = g_get_monotonic_time ();
  g_ptr_array_add (l->lines, g_strdup_printf ("%s%s", is_stderr ? "E:" : "", line));
}

static void
on_lines_destroy (gpointer user_data)
{
  ((Lines *)user_data)->destroyed = TRUE;
}

/* The line sink is freed after the last line batch, in a source of its own
 * that may come after the result's: wait for it. */
static gboolean
lines_destroyed (gpointer data)
{
  return ((Lines *)data)->destroyed;
}

static void
test_exec_lines (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-lines");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  Lines l = { g_ptr_array_new_with_free_func (g_free), 0, FALSE };
  GAsyncResult *w = NULL;
  gint64 done_at;

  g_assert_true (sn_test_ssh_connect (session, &error));
  sn_ssh_session_exec_lines_async (session, "for i in 1 2 3; do echo $i; sleep 0.3; done; echo oops >&2; printf tail",
                                   0, on_line, &l, on_lines_destroy, NULL, sn_test_store_result_cb, &w);
  sn_test_wait_for_result (&w, 10000);
  done_at = g_get_monotonic_time ();
  res = sn_ssh_session_exec_finish (session, w, &error);
  g_object_unref (w);
  g_assert_no_error (error);
  g_assert_true (sn_test_wait_until (lines_destroyed, &l, 5000));
  g_assert_cmpuint (l.lines->len, ==, 5);
  g_assert_cmpstr (l.lines->pdata[0], ==, "1");
  g_assert_cmpstr (l.lines->pdata[2], ==, "3");
  g_assert_cmpstr (l.lines->pdata[3], ==, "E:oops");
  g_assert_cmpstr (l.lines->pdata[4], ==, "tail");
  /* the first line arrived well before the end (the command runs 0.9 s) */
  g_test_message ("first line %.0f ms before the end", (done_at - l.first_at) / 1000.0);
  g_assert_cmpint (done_at - l.first_at, >, 600000);
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (res), ==, 10);
  g_ptr_array_unref (l.lines);
}

/* A 3 MB line without a newline comes as bounded pieces, nothing lost (L9). */
static void
test_exec_long_line (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-long-line");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  Lines l = { g_ptr_array_new_with_free_func (g_free), 0, FALSE };
  GAsyncResult *w = NULL;
  gsize total = 0;
  guint i;

  g_assert_true (sn_test_ssh_connect (session, &error));
  sn_ssh_session_exec_lines_async (session, "head -c 3000000 /dev/zero | tr '\\0' x",
                                   0, on_line, &l, on_lines_destroy, NULL, sn_test_store_result_cb, &w);
  sn_test_wait_for_result (&w, 30000);
  res = sn_ssh_session_exec_finish (session, w, &error);
  g_object_unref (w);
  g_assert_no_error (error);
  g_assert_true (sn_test_wait_until (lines_destroyed, &l, 5000));
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (res), ==, 3000000);
  g_assert_cmpuint (l.lines->len, ==, 3);
  for (i = 0; i < l.lines->len; i++)
    {
      const char *line = l.lines->pdata[i];
      gsize len = strlen (line);

      g_assert_cmpuint (len, <=, 1024 * 1024 + strlen (" […]"));
      if (i + 1 < l.lines->len)
        {
          g_assert_true (g_str_has_suffix (line, " […]"));
          len -= strlen (" […]");
        }
      g_assert_cmpuint (strspn (line, "x"), ==, len);
      total += len;
    }
  g_assert_cmpuint (total, ==, 3000000);
  g_ptr_array_unref (l.lines);
}

static void
test_exec_parallel (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-par");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autoptr(GError) error = NULL;
  GAsyncResult *w[8] = { NULL };
  gint64 start;
  guint i;

  g_assert_true (sn_test_ssh_connect (session, &error));
  start = g_get_monotonic_time ();
  for (i = 0; i < 8; i++)
    {
      g_autofree char *cmd = g_strdup_printf ("sleep 1; echo job%u", i);
      sn_ssh_session_exec_async (session, cmd, 0, NULL, sn_test_store_result_cb, &w[i]);
    }
  for (i = 0; i < 8; i++)
    {
      g_autoptr(SnSshExecResult) res = NULL;
      g_autofree char *out = NULL;
      g_autofree char *expected = g_strdup_printf ("job%u\n", i);

      res = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&w[i], 10000), &error);
      g_assert_no_error (error);
      g_test_message ("job %u done at %.3f s, ran %.3f s", i, (g_get_monotonic_time () - start) / 1e6,
                      sn_ssh_exec_result_get_duration_us (res) / 1e6);
      out = sn_ssh_exec_result_dup_stdout_text (res);
      g_assert_cmpstr (out, ==, expected);
      g_object_unref (w[i]);
    }
  g_test_message ("8 x sleep 1 in %.2f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_exec_cancel (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-cancel");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncResult *w = NULL;
  gint64 start;

  g_assert_true (sn_test_ssh_connect (session, &error));
  sn_ssh_session_exec_async (session, "sleep 31.4159; echo never", 0, cancellable, sn_test_store_result_cb, &w);
  g_usleep (300000);
  g_main_context_iteration (NULL, FALSE);
  g_assert_false (remote_process_gone ("[s]leep 31.4159", 1000));
  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  res = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&w, 5000), &error);
  g_object_unref (w);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC / 2);
  g_assert_true (remote_process_gone ("[s]leep 31.4159", 2000));
  g_clear_error (&error);

  /* the session is still usable */
  res = sn_test_ssh_exec (session, "echo still here", 0, &error);
  g_assert_no_error (error);
}

static void
test_exec_timeout (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-timeout");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_assert_true (sn_test_ssh_connect (session, &error));
  start = g_get_monotonic_time ();
  res = sn_test_ssh_exec (session, "sleep 27.1828", 500, &error);
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "sleep 27.1828"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 1500000);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 450000);
  g_assert_true (remote_process_gone ("[s]leep 27.1828", 2000));
}

static void
test_loopback_guard (void)
{
  g_autoptr(SnProfile) profile = g_object_new (SN_TYPE_PROFILE, "name", "t-prod",
                                               "ssh-host", "51.178.17.205", "ssh-port", 5522, NULL);
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, sshd->known_hosts);
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  guint threads;

  g_assert_true (sn_net_loopback_only ());
  g_assert_false (sn_test_ssh_connect (session, &error));
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  g_test_message ("%s", error->message);
  g_clear_error (&error);
  /* GLib may start its own helper threads once; count after that */
  threads = count_threads ();
  res = sn_test_ssh_exec (session, "true", 0, &error);
  g_assert_error (error, SN_NET_ERROR, SN_NET_ERROR_NOT_LOOPBACK);
  /* no worker thread was started, so no socket either */
  g_assert_cmpuint (count_threads (), ==, threads);
  g_assert_null (sn_ssh_session_dup_host_key (session));
}

static void
test_stream_100mb (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-stream");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autofree char *src = g_build_filename (sn_test_stack_dir (), "big.bin", NULL);
  g_autofree char *dst = g_build_filename (sn_test_stack_dir (), "big.out", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (dst);
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *sums = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *ssh_time = NULL;
  GAsyncResult *w = NULL;
  gint64 start;
  double secs;

  cmd = g_strdup_printf ("head -c 100M /dev/urandom > %s", src);
  g_free (run (cmd));
  g_free (cmd);

  g_assert_true (sn_test_ssh_connect (session, &error));
  out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, &error);
  g_assert_no_error (error);
  cmd = g_strdup_printf ("cat %s", src);
  start = g_get_monotonic_time ();
  sn_ssh_session_exec_to_stream_async (session, cmd, G_OUTPUT_STREAM (out), 0, NULL, sn_test_store_result_cb, &w);
  res = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&w, 60000), &error);
  secs = (g_get_monotonic_time () - start) / 1e6;
  g_object_unref (w);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (G_OUTPUT_STREAM (out), NULL, &error));
  g_assert_cmpuint (sn_ssh_exec_result_get_stdout_bytes (res), ==, 100 * 1024 * 1024);
  g_assert_cmpuint (g_bytes_get_size (sn_ssh_exec_result_get_stdout (res)), ==, 0);

  g_free (cmd);
  cmd = g_strdup_printf ("sha256sum %s %s | cut -d' ' -f1", src, dst);
  sums = run (cmd);
  lines = g_strsplit (sums, "\n", 2);
  g_assert_cmpstr (lines[0], ==, lines[1]);

  g_free (cmd);
  cmd = g_strdup_printf ("s=$(date +%%s.%%N); ssh -F /dev/null -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes "
                         "-o IdentitiesOnly=yes -o BatchMode=yes -i %s -p %s root@127.0.0.1 "
                         "cat %s > /dev/null; e=$(date +%%s.%%N); echo \"$e - $s\" | bc",
                         sn_test_stack_get ("SSH_KNOWN_HOSTS"), sn_test_stack_get ("SSH_KEY"),
                         sn_test_stack_get ("SSH_PORT"), src);
  ssh_time = run (cmd);
  g_test_message ("100 MiB through libssh2 into a GOutputStream: %.2f s = %.0f MB/s; OpenSSH ssh cat > /dev/null: %s s = %.0f MB/s",
                  secs, 104.8576 / secs, ssh_time, 104.8576 / g_ascii_strtod (ssh_time, NULL));
  g_unlink (src);
  g_unlink (dst);
}

static void
on_first_line_kill (const char *line,
                    gboolean    is_stderr,
                    gpointer    user_data)
{
  gboolean *killed = user_data;

  if (!*killed)
    {
      *killed = TRUE;
      sn_test_sshd_kill ();
    }
}

static void
test_disconnect (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-drop", "client_ed25519", "root");
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  SnSshSession *session;
  gboolean killed = FALSE;
  guint threads;
  GAsyncResult *w = NULL;
  gint64 start;

  threads = count_threads ();
  session = sn_test_ssh_session (profile, NULL, sshd->known_hosts);
  sn_ssh_session_set_keepalive_interval (session, 1);
  g_assert_true (sn_test_ssh_connect (session, &error));
  g_assert_cmpuint (count_threads (), ==, threads + 1);

  sn_ssh_session_exec_lines_async (session, "for i in $(seq 100); do echo $i; sleep 0.1; done",
                                   0, on_first_line_kill, &killed, NULL, NULL, sn_test_store_result_cb, &w);
  start = g_get_monotonic_time ();
  res = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&w, 5000), &error);
  g_object_unref (w);
  g_assert_true (killed);
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_DISCONNECTED);
  g_test_message ("%s (after %.0f ms)", error->message, (g_get_monotonic_time () - start) / 1000.0);
  g_clear_error (&error);
  g_assert_false (sn_ssh_session_is_connected (session));

  /* while the server is down: an actionable error, no hang */
  res = sn_test_ssh_exec (session, "true", 0, &error);
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT);
  g_clear_error (&error);

  /* the next call after the server is back reconnects */
  sn_test_sshd_start ();
  res = sn_test_ssh_exec (session, "echo back", 0, &error);
  g_assert_no_error (error);
  g_assert_true (sn_ssh_session_is_connected (session));

  g_object_unref (session);
  g_assert_cmpuint (count_threads (), ==, threads);
}

/* ssh-agent, password, files, stdin ----------------------------------------- */
/* password, files, stdin ---------------------------------------------------- */

#define PW_USER "sn-test-pw"

static void
test_password (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-password", "client_ed25519", PW_USER);
  g_autoptr(SnSecretStore) secrets = sn_secret_store_new ();
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnSshSession) wrong = NULL;
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autoptr(SnProfile) profile2 = NULL;
  g_autoptr(SnSecretStore) secrets2 = sn_secret_store_new ();

  /* A private user with a password; only the private sshd lets it log in
   * with one (Match User), so the stack's key-only policy stays. */
  g_autofree char *created = run ("if id " PW_USER " >/dev/null 2>&1; then echo existing; "
                                  "else useradd -M -d /tmp -s /bin/sh " PW_USER " && echo created; fi; "
                                  "echo '" PW_USER ":open sesame 7' | chpasswd");
  g_object_set (profile, "ssh-key-file", "", NULL);
  sn_secret_store_remember (secrets, profile, SN_SECRET_KIND_SSH_PASSWORD, "open sesame 7");
  session = sn_test_ssh_session (profile, secrets, sshd->known_hosts);
  res = sn_test_ssh_exec (session, "whoami", 0, &error);
  g_assert_no_error (error);
  out = sn_ssh_exec_result_dup_stdout_text (res);
  g_assert_cmpstr (out, ==, PW_USER "\n");

  profile2 = sn_test_sshd_profile ("t-password-wrong", "client_ed25519", PW_USER);
  g_object_set (profile2, "ssh-key-file", "", NULL);
  sn_secret_store_remember (secrets2, profile2, SN_SECRET_KIND_SSH_PASSWORD, "not it");
  wrong = sn_test_ssh_session (profile2, secrets2, sshd->known_hosts);
  g_assert_false (sn_test_ssh_connect (wrong, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "password"));
  g_test_message ("%s", error->message);

  /* Leave the machine's accounts as they were. */
  sn_ssh_session_disconnect (session);
  if (strstr (created, "created") != NULL)
    g_free (run ("userdel " PW_USER " 2>/dev/null || true"));
}

static GBytes *
read_file_sync (SnSshSession    *session,
                const char      *path,
                SnSshTransport  *transport,
                GError         **error)
{
  GAsyncResult *w = NULL;
  GBytes *bytes;

  sn_ssh_session_read_file_async (session, path, NULL, sn_test_store_result_cb, &w);
  bytes = sn_ssh_session_read_file_finish (session, sn_test_wait_for_result (&w, 30000), transport, error);
  g_object_unref (w);
  return bytes;
}

static gboolean
replace_file_sync (SnSshSession    *session,
                   const char      *path,
                   GBytes          *contents,
                   int              mode,
                   char           **backup,
                   SnSshTransport  *transport,
                   GError         **error)
{
  GAsyncResult *w = NULL;
  gboolean ok;

  sn_ssh_session_replace_file_async (session, path, contents, mode, NULL, sn_test_store_result_cb, &w);
  ok = sn_ssh_session_replace_file_finish (session, sn_test_wait_for_result (&w, 60000), backup, transport, error);
  g_object_unref (w);
  return ok;
}

static GBytes *
random_bytes (gsize size)
{
  guchar *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = g_random_int_range (0, 256);
  return g_bytes_new_take (data, size);
}

static void
assert_file_equals (const char *path,
                    GBytes     *expected)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new (contents, len);
  g_assert_true (g_bytes_equal (bytes, expected));
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Files in @where besides @keep (temp files left over). */
static char *
leftovers (const char *where,
           const char *keep1,
           const char *keep2)
{
  g_autofree char *cmd = g_strdup_printf ("cd %s && ls -A | grep -v -x -e '%s' -e '%s' | grep -v '\\.bak$' || true",
                                          where, keep1, keep2);
  return run (cmd);
}

static char *
only_backup (const char *where)
{
  g_autofree char *cmd = g_strdup_printf ("ls %s/*.bak", where);
  return run (cmd);
}

static void
check_replace (SnSshSession   *session,
               const char     *sub,
               SnSshTransport  expected)
{
  g_autofree char *where = g_build_filename (sshd->dir, sub, NULL);
  g_autofree char *path = g_build_filename (where, "app.env", NULL);
  g_autoptr(GBytes) old = random_bytes (70000);
  g_autoptr(GBytes) new = random_bytes (123457);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *left = NULL;
  g_autofree char *base = NULL;
  SnSshTransport transport = 99;

  g_assert_cmpint (g_mkdir_with_parents (where, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (old, NULL), g_bytes_get_size (old), NULL));
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);

  /* read */
  got = read_file_sync (session, path, &transport, &error);
  g_assert_no_error (error);
  g_assert_cmpint (transport, ==, expected);
  g_assert_true (g_bytes_equal (got, old));

  /* replace keeps a .bak of the old bytes, same mode */
  transport = 99;
  g_assert_true (replace_file_sync (session, path, new, -1, &backup, &transport, &error));
  g_assert_no_error (error);
  g_assert_cmpint (transport, ==, expected);
  g_test_message ("replaced via %s; backup %s", sn_ssh_transport_to_string (transport), backup);
  assert_file_equals (path, new);
  g_assert_cmpuint (file_mode (path), ==, 0640);
  g_assert_nonnull (backup);
  base = g_path_get_basename (backup);
  g_assert_true (g_regex_match_simple ("^app\\.env\\.[0-9]{8}-[0-9]{6}\\.bak$", base, 0, 0));
  assert_file_equals (backup, old);
  g_assert_cmpuint (file_mode (backup), ==, 0640);
  listed = only_backup (where);
  g_assert_cmpstr (listed, ==, backup);
  left = leftovers (where, "app.env", "-");
  g_assert_cmpstr (left, ==, "");

  /* an explicit mode; a second replace in the same second gets its own .bak */
  g_clear_pointer (&backup, g_free);
  g_assert_true (replace_file_sync (session, path, old, 0600, &backup, NULL, &error));
  g_assert_no_error (error);
  assert_file_equals (path, old);
  assert_file_equals (backup, new);
  g_assert_cmpuint (file_mode (path), ==, 0600);

  /* a new file: no backup, owner-only (L4) */
  {
    g_autofree char *fresh = g_build_filename (where, "new.conf", NULL);
    g_autofree char *none = NULL;

    g_assert_true (replace_file_sync (session, fresh, new, -1, &none, NULL, &error));
    g_assert_no_error (error);
    g_assert_null (none);
    assert_file_equals (fresh, new);
    g_assert_cmpuint (file_mode (fresh), ==, 0600);
  }

  /* reading a missing file */
  {
    g_autofree char *missing = g_build_filename (where, "missing", NULL);
    g_autoptr(GBytes) nothing = read_file_sync (session, missing, NULL, &error);

    g_assert_null (nothing);
    g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_NOT_FOUND);
    g_test_message ("%s", error->message);
  }
}

static void
test_file_sftp (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-files");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);

  check_replace (session, "files-sftp", SN_SSH_TRANSPORT_SFTP);
}

/* The private sshd has no Subsystem line: everything goes through exec. */
static void
test_file_no_sftp (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-files-exec", "client_ed25519", "root");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, sshd->known_hosts);

  check_replace (session, "files-exec", SN_SSH_TRANSPORT_EXEC);
}

static char *tmpfs_dir;

static void
tmpfs_teardown (void)
{
  if (tmpfs_dir != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("umount %s; rmdir %s; true", tmpfs_dir, tmpfs_dir);
      g_free (run (cmd));
      g_clear_pointer (&tmpfs_dir, g_free);
    }
}

static void
check_disk_full (SnSshSession *session,
                 const char   *name)
{
  g_autofree char *cmd = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) old = random_bytes (4096);
  g_autoptr(GBytes) new = random_bytes (256 * 1024);
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *left = NULL;
  SnSshTransport transport;

  tmpfs_dir = g_build_filename (sshd->dir, name, NULL);
  cmd = g_strdup_printf ("mkdir -p %s && mount -t tmpfs -o size=1m tmpfs %s", tmpfs_dir, tmpfs_dir);
  g_free (run (cmd));
  path = g_build_filename (tmpfs_dir, "settings.conf", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (old, NULL), g_bytes_get_size (old), NULL));
  g_free (cmd);
  cmd = g_strdup_printf ("dd if=/dev/zero of=%s/fill bs=4k 2>/dev/null; df -B1 --output=avail %s | tail -1",
                         tmpfs_dir, tmpfs_dir);
  g_free (run (cmd));

  g_assert_false (replace_file_sync (session, path, new, -1, &backup, &transport, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_NO_SPACE);
  g_assert_nonnull (strstr (error->message, "No space left"));
  g_assert_nonnull (strstr (error->message, "was not changed"));
  g_test_message ("via %s: %s", sn_ssh_transport_to_string (transport), error->message);
  g_assert_null (backup);
  assert_file_equals (path, old);
  left = leftovers (tmpfs_dir, "settings.conf", "fill");
  g_assert_cmpstr (left, ==, "");
  g_free (cmd);
  cmd = g_strdup_printf ("ls %s/*.bak 2>/dev/null | wc -l", tmpfs_dir);
  g_free (left);
  left = run (cmd);
  g_assert_cmpstr (left, ==, "0");
  tmpfs_teardown ();
}

static void
test_file_disk_full (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-full");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);

  check_disk_full (session, "full-sftp");
}

static void
test_file_disk_full_no_sftp (void)
{
  g_autoptr(SnProfile) profile = sn_test_sshd_profile ("t-full-exec", "client_ed25519", "root");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, sshd->known_hosts);

  check_disk_full (session, "full-exec");
}

static void
test_file_audit (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-audit");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autofree char *log_path = g_build_filename (sshd->dir, "audit-files.jsonl", NULL);
  g_autoptr(SnAuditLog) audit = sn_audit_log_new (log_path);
  g_autoptr(SnHost) host = sn_host_new (session, audit);
  g_autofree char *path = g_build_filename (sshd->dir, "audited.env", NULL);
  const char *secret = "APP_SECRET=do-not-log-me-4242\n";
  g_autoptr(GBytes) contents = g_bytes_new_static (secret, strlen (secret));
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *log = NULL;
  GAsyncResult *w = NULL;

  g_assert_true (g_file_set_contents (path, "APP_SECRET=old-value-1717\n", -1, NULL));
  sn_host_replace_file_async (host, path, contents, 0600, NULL, sn_test_store_result_cb, &w);
  g_assert_true (sn_host_replace_file_finish (host, sn_test_wait_for_result (&w, 30000), &backup, &error));
  g_assert_no_error (error);
  g_clear_object (&w);
  sn_host_read_file_async (host, path, NULL, sn_test_store_result_cb, &w);
  got = sn_host_read_file_finish (host, sn_test_wait_for_result (&w, 30000), &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, contents));
  g_clear_object (&w);
  sn_host_restore_file_async (host, path, backup, NULL, sn_test_store_result_cb, &w);
  g_assert_true (sn_host_restore_file_finish (host, sn_test_wait_for_result (&w, 30000), &error));
  g_assert_no_error (error);
  g_clear_object (&w);
  g_assert_true (g_file_get_contents (path, &log, NULL, NULL));
  g_assert_cmpstr (log, ==, "APP_SECRET=old-value-1717\n");
  g_clear_pointer (&log, g_free);

  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "host.file.replace"));
  g_assert_nonnull (strstr (log, "host.file.read"));
  g_assert_nonnull (strstr (log, "host.file.restore"));
  g_assert_nonnull (strstr (log, "30 bytes"));
  g_assert_null (strstr (log, "do-not-log-me"));
  g_assert_null (strstr (log, "old-value-1717"));
}

static SnSshExecResult *
exec_input_sync (SnSshSession  *session,
                 const char    *command,
                 GInputStream  *input,
                 GCancellable  *cancellable,
                 guint          cancel_after_ms,
                 GError       **error)
{
  GAsyncResult *w = NULL;
  SnSshExecResult *res;

  sn_ssh_session_exec_with_input_async (session, command, input, 0, cancellable, sn_test_store_result_cb, &w);
  if (cancel_after_ms > 0)
    {
      g_usleep (cancel_after_ms * 1000);
      g_cancellable_cancel (cancellable);
    }
  res = sn_ssh_session_exec_finish (session, sn_test_wait_for_result (&w, 120000), error);
  g_object_unref (w);
  return res;
}

static void
test_exec_input (void)
{
  g_autoptr(SnProfile) profile = sn_test_ssh_stack_profile ("t-input");
  g_autoptr(SnSshSession) session = sn_test_ssh_session (profile, NULL, SN_TEST_STACK_KNOWN_HOSTS);
  g_autofree char *src = g_build_filename (sn_test_stack_dir (), "in.bin", NULL);
  g_autofree char *dst = g_build_filename (sn_test_stack_dir (), "in.out", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (src);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GInputStream) small = NULL;
  g_autoptr(SnSshExecResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *sums = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 start;
  double secs;

  /* small: stdin, stdout and stderr apart, exit status */
  small = g_memory_input_stream_new_from_data ("b\na\nc\n", 6, NULL);
  res = exec_input_sync (session, "sort; echo note >&2; exit 3", small, NULL, 0, &error);
  g_assert_no_error (error);
  out = sn_ssh_exec_result_dup_stdout_text (res);
  g_assert_cmpstr (out, ==, "a\nb\nc\n");
  g_assert_cmpint (sn_ssh_exec_result_get_exit_status (res), ==, 3);
  g_assert_cmpuint (sn_ssh_exec_result_get_stdin_bytes (res), ==, 6);
  g_clear_object (&res);

  /* 100 MiB intact */
  cmd = g_strdup_printf ("head -c 100M /dev/urandom > %s", src);
  g_free (run (cmd));
  g_assert_true (sn_test_ssh_connect (session, &error));
  in = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  g_free (cmd);
  cmd = g_strdup_printf ("cat > %s", dst);
  start = g_get_monotonic_time ();
  res = exec_input_sync (session, cmd, G_INPUT_STREAM (in), NULL, 0, &error);
  secs = (g_get_monotonic_time () - start) / 1e6;
  g_assert_no_error (error);
  g_assert_true (sn_ssh_exec_result_get_success (res));
  g_assert_cmpuint (sn_ssh_exec_result_get_stdin_bytes (res), ==, 100 * 1024 * 1024);
  g_free (cmd);
  cmd = g_strdup_printf ("sha256sum %s %s | cut -d' ' -f1", src, dst);
  sums = run (cmd);
  lines = g_strsplit (sums, "\n", 2);
  g_assert_cmpstr (lines[0], ==, lines[1]);
  g_test_message ("100 MiB into a remote command's stdin: %.2f s = %.0f MB/s", secs, 104.8576 / secs);
  g_clear_object (&res);
  g_clear_object (&in);
  g_unlink (dst);

  /* cancel stops the command mid-stream, and it did not see EOF first */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *marker = g_build_filename (sn_test_stack_dir (), "in.done", NULL);

    in = g_file_read (file, NULL, &error);
    g_free (cmd);
    /* a slow reader: the input stalls on the SSH window, mid-stream */
    cmd = g_strdup_printf ("head -c 999999999 | { sleep 30.5; cat; } > /dev/null && touch %s", marker);
    start = g_get_monotonic_time ();
    res = exec_input_sync (session, cmd, G_INPUT_STREAM (in), cancellable, 1500, &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_true (remote_process_gone ("[h]ead -c 999999999", 3000));
    g_assert_true (remote_process_gone ("[s]leep 30.5", 1000));
    g_test_message ("cancelled: command gone %.2f s after the start",
                    (g_get_monotonic_time () - start) / 1e6);
    g_usleep (200000);
    g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
    g_clear_error (&error);
    res = sn_test_ssh_exec (session, "echo still here", 0, &error);
    g_assert_no_error (error);
  }
  g_unlink (src);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  sshd = sn_test_sshd_init (&argc, &argv);

  g_test_add_func ("/ssh/known-hosts/check-add-fingerprint", test_known_hosts);
  g_test_add_func ("/ssh/net/loopback-guard", test_loopback_guard);
  g_test_add_func ("/ssh/auth/ed25519", test_ed25519);
  g_test_add_func ("/ssh/auth/passphrase", test_passphrase);
  g_test_add_func ("/ssh/auth/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/ssh/auth/rsa-refused", test_rsa);
  g_test_add_func ("/ssh/auth/wrong-user", test_wrong_user);
  g_test_add_func ("/ssh/host-key/unknown", test_unknown_host_key);
  g_test_add_func ("/ssh/host-key/changed", test_changed_host_key);
  g_test_add_func ("/ssh/host-key/trust-by-blob", test_trust_by_blob);
  g_test_add_func ("/ssh/host-key/other-key-type", test_other_key_type);
  g_test_add_func ("/ssh/host-key/ecdsa-saved-ed25519-offered", test_ecdsa_saved);
  g_test_add_func ("/ssh/exec/status", test_exec_status);
  g_test_add_func ("/ssh/exec/lines", test_exec_lines);
  g_test_add_func ("/ssh/exec/long-line", test_exec_long_line);
  g_test_add_func ("/ssh/exec/parallel", test_exec_parallel);
  g_test_add_func ("/ssh/exec/cancel", test_exec_cancel);
  g_test_add_func ("/ssh/exec/timeout", test_exec_timeout);
  g_test_add_func ("/ssh/exec/stream-100mb", test_stream_100mb);
  g_test_add_func ("/ssh/exec/disconnect", test_disconnect);
  g_test_add_func ("/ssh/auth/password", test_password);
  g_test_add_func ("/ssh/file/sftp", test_file_sftp);
  g_test_add_func ("/ssh/file/no-sftp", test_file_no_sftp);
  g_test_add_func ("/ssh/file/disk-full", test_file_disk_full);
  g_test_add_func ("/ssh/file/disk-full-no-sftp", test_file_disk_full_no_sftp);
  g_test_add_func ("/ssh/file/audit", test_file_audit);
  g_test_add_func ("/ssh/exec/input-100mb-cancel", test_exec_input);

  ret = g_test_run ();

  tmpfs_teardown ();
  sn_test_sshd_down ();
  return ret;
}
