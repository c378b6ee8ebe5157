/* test-secret-rotation.c: the NEXTAUTH_SECRET rotation's core: the env file
 * edit, the status parser, the level check in the service, and the async
 * rotation on the local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sn-await.h"
#include "sn-maintenance-secrets-private.h"
#include "sn-test-stack.h"

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static char *
text_of (GBytes *bytes)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  return g_strndup (data, size);
}

static void
test_set_value (void)
{
  g_autoptr(GBytes) in = bytes_of ("# production\nNODE_ENV=production\n\nexport NEXTAUTH_SECRET=\"old one\"\n"
                                   "DATABASE_URL=postgresql://u:p@db/x\nNEXTAUTH_SECRET=older\n");
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) appended = NULL;
  g_autoptr(GBytes) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *old = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  g_autofree char *none = NULL;

  out = sn_maintenance_env_set_value (in, "NEXTAUTH_SECRET", "N3w+/=", &old, &error);
  g_assert_no_error (error);
  text = text_of (out);
  /* Every assignment of the name replaced, the rest byte for byte; the last value was the one in force. */
  g_assert_cmpstr (text, ==, "# production\nNODE_ENV=production\n\nNEXTAUTH_SECRET=N3w+/=\n"
                             "DATABASE_URL=postgresql://u:p@db/x\nNEXTAUTH_SECRET=N3w+/=\n");
  g_assert_cmpstr (old, ==, "older");

  /* Absent, and no newline at the end: appended on its own line. */
  g_clear_pointer (&in, g_bytes_unref);
  in = bytes_of ("A=1\nB=2");
  appended = sn_maintenance_env_set_value (in, "NEXTAUTH_SECRET", "x", &none, &error);
  g_assert_no_error (error);
  text2 = text_of (appended);
  g_assert_cmpstr (text2, ==, "A=1\nB=2\nNEXTAUTH_SECRET=x\n");
  g_assert_null (none);

  /* An empty file gets the line. */
  {
    g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
    g_autoptr(GBytes) filled = sn_maintenance_env_set_value (empty, "NEXTAUTH_SECRET", "y", NULL, &error);
    g_autofree char *filled_text = NULL;

    g_assert_no_error (error);
    filled_text = text_of (filled);
    g_assert_cmpstr (filled_text, ==, "NEXTAUTH_SECRET=y\n");
  }

  /* A line that is not NAME=VALUE: refused, saying which. */
  g_clear_pointer (&in, g_bytes_unref);
  in = bytes_of ("A=1\nthis is not an assignment\n");
  bad = sn_maintenance_env_set_value (in, "NEXTAUTH_SECRET", "x", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "Line 2"));
}

static void
test_fingerprint (void)
{
  g_autofree char *fp = sn_maintenance_secret_fingerprint ("secret");
  g_autofree char *full = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "secret", -1);

  g_assert_cmpuint (strlen (fp), ==, 8);
  g_assert_true (g_str_has_prefix (full, fp));
}

static void
test_status_parse (void)
{
  const char *sha = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";
  g_autofree char *text = g_strdup_printf ("backup=/opt/s/.env.production.local.20260101T030000Z.bak\n"
                                           "backup=/opt/s/.env.production.local.20260203T040506Z.bak\n"
                                           "marker=1767000000\nmode=600\nfile=%s\ncontainer=%s\n", sha, sha);
  g_autoptr(SnSecretStatus) status = _sn_secret_status_parse (text);
  g_autoptr(SnSecretStatus) apart = _sn_secret_status_parse ("file=missing\ncontainer=unreachable\n");
  g_autoptr(GDateTime) newest = g_date_time_new_utc (2026, 2, 3, 4, 5, 6);

  g_assert_cmpint (sn_secret_status_get_last_rotation (status), ==, g_date_time_to_unix (newest));
  g_assert_nonnull (strstr (sn_secret_status_get_source (status), "20260203T040506Z"));
  g_assert_cmpuint (sn_secret_status_get_n_backups (status), ==, 2);
  g_assert_cmpstr (sn_secret_status_get_file_fingerprint (status), ==, "2bb80d53");
  g_assert_true (sn_secret_status_get_in_sync (status));
  g_assert_cmpstr (sn_secret_status_get_file_mode (status), ==, "600");

  g_assert_cmpint (sn_secret_status_get_last_rotation (apart), ==, 0);
  g_assert_null (sn_secret_status_get_file_fingerprint (apart));
  g_assert_false (sn_secret_status_get_container_reachable (apart));
  g_assert_false (sn_secret_status_get_in_sync (apart));
}

static char *
env_file_text (void)
{
  g_autofree char *path = g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), ".env.production.local", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static guint
count_backups (void)
{
  g_autofree char *out = sn_test_run ("sh -c 'ls -a \"$DEPLOY_PATH\" | grep -c \"\\.bak$\" || true'");

  return (guint) g_ascii_strtoull (out, NULL, 10);
}

/* The service refuses a read-only profile itself, whoever calls it. */
static void
test_read_only_refused (void)
{
  SnProfile *ro = sn_test_stack_ro_profile ();
  g_autoptr(SnSshSession) session = sn_ssh_session_new (ro, NULL);
  g_autoptr(SnHost) host = sn_host_new (session, NULL);
  g_autofree char *before = env_file_text ();
  g_autofree char *after = NULL;
  g_autoptr(SnSecretRotation) rotation = NULL;
  g_autoptr(SnSecretRotation) async_rotation = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) async_error = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  guint backups = count_backups ();

  rotation = sn_maintenance_secret_rotate_sync (host, ro, NULL, NULL, NULL, &error);
  g_assert_null (rotation);
  g_assert_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);

  sn_maintenance_secret_rotate_async (host, ro, NULL, NULL, NULL, NULL, sn_await_callback, &await);
  async_rotation = sn_maintenance_secret_rotate_finish (host, sn_await_result (&await), &async_error);
  g_assert_null (async_rotation);
  g_assert_error (async_error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL);

  after = env_file_text ();
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_backups (), ==, backups);
}

static void
on_progress (const char *message,
             gpointer    user_data)
{
  GPtrArray *messages = user_data;

  /* Delivered in the caller's thread, the main one here. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_ptr_array_add (messages, g_strdup (message));
}

/* The async rotation: the new value in the file and the app, only fingerprints said. */
static void
test_rotate_async (void)
{
  SnProfile *profile = sn_test_stack_profile ();
  g_autoptr(SnSshSession) session = sn_ssh_session_new (profile, NULL);
  g_autoptr(SnHost) host = sn_host_new (session, NULL);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SnSecretRotation) rotation = NULL;
  g_autoptr(SnSecretStatus) status = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autofree char *before = env_file_text ();
  g_autofree char *after = NULL;
  g_autofree char *app_env_path = g_build_filename (sn_test_stack_dir (), "app", "app.env", NULL);
  g_autofree char *app_env = NULL;
  g_autofree char *line = NULL;
  g_autofree char *new_value = NULL;
  g_autofree char *fp = NULL;
  char *start;

  sn_maintenance_secret_rotate_async (host, profile, on_progress, g_ptr_array_ref (messages),
                                      (GDestroyNotify) g_ptr_array_unref, NULL, sn_await_callback, &await);
  rotation = sn_maintenance_secret_rotate_finish (host, sn_await_result (&await), &error);
  g_assert_no_error (error);
  g_assert_nonnull (rotation);
  sn_await_drain (&await);

  after = env_file_text ();
  g_assert_cmpstr (before, !=, after);
  start = strstr (after, "\nNEXTAUTH_SECRET=");
  g_assert_nonnull (start);
  line = g_strndup (start + 1, strcspn (start + 1, "\n"));
  new_value = g_strdup (line + strlen ("NEXTAUTH_SECRET="));
  fp = sn_maintenance_secret_fingerprint (new_value);
  g_assert_cmpstr (sn_secret_rotation_get_new_fingerprint (rotation), ==, fp);
  g_assert_true (g_str_has_suffix (sn_secret_rotation_get_backup (rotation), "Z.bak"));

  g_assert_true (g_file_get_contents (app_env_path, &app_env, NULL, NULL));
  g_assert_nonnull (strstr (app_env, line));

  g_assert_cmpuint (messages->len, >, 3);
  for (guint i = 0; i < messages->len; i++)
    g_assert_null (strstr (messages->pdata[i], new_value));

  status = sn_maintenance_secret_status_sync (host, profile, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sn_secret_status_get_file_fingerprint (status), ==, fp);
  g_assert_true (sn_secret_status_get_in_sync (status));
  g_assert_cmpint (g_get_real_time () / G_USEC_PER_SEC - sn_secret_status_get_last_rotation (status), <, 120);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/secret/set-value", test_set_value);
  g_test_add_func ("/secret/fingerprint", test_fingerprint);
  g_test_add_func ("/secret/status-parse", test_status_parse);

  sn_test_stack_up ();
  g_setenv ("DEPLOY_PATH", sn_test_stack_get ("DEPLOY_PATH"), TRUE);
  g_test_add_func ("/secret/read-only-refused", test_read_only_refused);
  g_test_add_func ("/secret/rotate-async", test_rotate_async);

  return g_test_run ();
}
