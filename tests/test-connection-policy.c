/* test-connection-policy.c: SnConnection's host-key policy, in core, as the
 * app and narcisse-ctl use it
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-connection-policy"

#include "config.h"

#include <glib/gstdio.h>

#include "sn-test-stack.h"
#include "sn-connection.h"
#include "sn-known-hosts.h"

static char *dir;

/* A connection to the stack's sshd that checks keys against @known_hosts_name in @dir. */
static SnConnection *
make_connection (const char    *known_hosts_name,
                 SnKnownHosts **known_hosts)
{
  g_autoptr(SnProfile) profile = sn_profile_copy (sn_test_stack_profile ());
  g_autofree char *path = g_build_filename (dir, known_hosts_name, NULL);
  SnConnection *connection = sn_connection_new (profile);

  *known_hosts = sn_known_hosts_new (path);
  sn_ssh_session_set_known_hosts (sn_connection_get_session (connection), *known_hosts);
  return connection;
}

static void
test_policy_first_contact (void)
{
  g_autoptr(SnKnownHosts) known_hosts = NULL;
  g_autoptr(SnConnection) connection = make_connection ("kh-first", &known_hosts);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *seen = NULL;

  /* Nothing is offered before an attempt. */
  g_assert_null (sn_connection_dup_unknown_host_fingerprint (connection));

  g_assert_false (sn_connection_connect_sync (connection, NULL, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN);
  g_clear_error (&error);
  g_assert_cmpint (sn_connection_get_state (connection), ==, SN_CONNECTION_STATE_FAILED);

  fingerprint = sn_connection_dup_unknown_host_fingerprint (connection);
  seen = sn_ssh_session_dup_host_key_fingerprint (sn_connection_get_session (connection));
  g_assert_nonnull (fingerprint);
  g_assert_true (g_str_has_prefix (fingerprint, "SHA256:"));
  g_assert_cmpstr (fingerprint, ==, seen);

  /* Blocked until the person acts: the same error at once. */
  g_assert_false (sn_connection_connect_sync (connection, NULL, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN);
  g_clear_error (&error);

  /* Only the key shown is saved. */
  g_assert_false (sn_connection_trust_host_key (connection,
                                                "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                                &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_true (sn_connection_trust_host_key (connection, fingerprint, &error));
  g_assert_no_error (error);
  g_assert_true (sn_connection_connect_sync (connection, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sn_connection_get_state (connection), ==, SN_CONNECTION_STATE_CONNECTED);
  g_assert_null (sn_connection_dup_unknown_host_fingerprint (connection));

  sn_connection_close (connection);
}

/* A changed key is never offered, and trusting is refused whatever is shown. */
static void
test_policy_changed_key (void)
{
  static const guchar other_blob[] = {
    0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9',
    0, 0, 0, 32,
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
  };
  g_autoptr(GBytes) other = g_bytes_new_static (other_blob, sizeof other_blob);
  g_autoptr(SnKnownHosts) known_hosts = NULL;
  g_autoptr(SnConnection) connection = make_connection ("kh-changed", &known_hosts);
  SnProfile *profile = sn_connection_get_profile (connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *seen = NULL;

  g_assert_true (sn_known_hosts_add (known_hosts, sn_profile_get_ssh_host (profile),
                                     sn_profile_get_ssh_port (profile), other, &error));
  g_assert_no_error (error);

  g_assert_false (sn_connection_connect_sync (connection, NULL, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED);
  g_clear_error (&error);

  g_assert_null (sn_connection_dup_unknown_host_fingerprint (connection));
  seen = sn_ssh_session_dup_host_key_fingerprint (sn_connection_get_session (connection));
  g_assert_nonnull (seen);
  g_assert_false (sn_connection_trust_host_key (connection, seen, &error));
  g_assert_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();
  dir = g_dir_make_tmp ("sn-connection-policy-XXXXXX", NULL);

  g_test_add_func ("/connection/policy/first-contact", test_policy_first_contact);
  g_test_add_func ("/connection/policy/changed-key", test_policy_changed_key);

  status = g_test_run ();
  g_free (dir);
  return status;
}
