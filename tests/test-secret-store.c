/* test-secret-store.c: SnSecretStore against a real Secret Service
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * main() makes a private world before any test runs: a temp HOME with its
 * XDG directories, two private session buses without service files, and on one of
 * them a gnome-keyring-daemon unlocked with the password "test". The
 * "no keyring" case runs in a subprocess pointed at the other bus, since
 * libsecret keeps one connection per process.
 */

#define G_LOG_DOMAIN "test-secret-store"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "sn-core.h"
#include "sn-test-stack.h"

static char        *tmp_home;
static GSubprocess *keyring_bus;
static GSubprocess *empty_bus;
static GSubprocess *keyring_daemon;
static char        *keyring_bus_address;
static char        *empty_bus_address;

/* ------------------------------------------------------------------ */
/* The private world                                                  */

/* Our daemons die with us, even when an assertion aborts the test. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocessLauncher *
make_launcher (GSubprocessFlags  flags,
               const char       *bus_address,
               const char       *log_name)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* gnome-keyring-daemon warns on replacing an item; our fatal-warnings
   * would abort it. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  if (bus_address != NULL)
    g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS", bus_address, TRUE);
  if (log_name != NULL)
    {
      g_autofree char *log = g_build_filename (tmp_home, log_name, NULL);

      if (!(flags & G_SUBPROCESS_FLAGS_STDOUT_PIPE))
        g_subprocess_launcher_set_stdout_file_path (launcher, log);
      g_subprocess_launcher_set_stderr_file_path (launcher, log);
    }

  return launcher;
}

/* A session bus with no service files: nothing gets activated on it. */
static GSubprocess *
start_bus (const char  *name,
           char       **address)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) input = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *config = NULL;
  g_autofree char *log = NULL;
  g_autofree char *line = NULL;
  GSubprocess *bus;

  config_path = g_strdup_printf ("%s/%s.conf", tmp_home, name);
  config = g_strdup_printf ("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus "
                            "Configuration 1.0//EN\" "
                            "\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                            "<busconfig>\n"
                            "  <type>session</type>\n"
                            "  <listen>unix:dir=%s</listen>\n"
                            "  <auth>EXTERNAL</auth>\n"
                            "  <policy context=\"default\">\n"
                            "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                            "    <allow eavesdrop=\"true\"/>\n"
                            "    <allow own=\"*\"/>\n"
                            "  </policy>\n"
                            "</busconfig>\n",
                            g_get_tmp_dir ());
  g_file_set_contents (config_path, config, -1, &error);
  g_assert_no_error (error);

  log = g_strdup_printf ("%s.log", name);
  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDOUT_PIPE, NULL, log);
  bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--nofork", "--nopidfile",
                                     "--print-address=1", "--config-file", config_path, NULL);
  g_assert_no_error (error);

  input = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  line = g_data_input_stream_read_line_utf8 (input, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  *address = g_strdup (g_strstrip (line));

  return bus;
}

static gboolean
name_has_owner (GDBusConnection *connection,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, 2000, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner;
}

static void
start_keyring (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDBusConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *input;
  gint64 deadline;

  /* As in RECIPES §9, but in the foreground so it is ours to stop:
   * unlocked login keyring (password from stdin), secrets only. */
  launcher = make_launcher (G_SUBPROCESS_FLAGS_STDIN_PIPE, keyring_bus_address, "keyring.log");
  keyring_daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon",
                                                "--foreground", "--unlock",
                                                "--components=secrets", NULL);
  g_assert_no_error (error);
  input = g_subprocess_get_stdin_pipe (keyring_daemon);
  g_output_stream_write_all (input, "test", 4, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (input, NULL, &error);
  g_assert_no_error (error);

  connection = g_dbus_connection_new_for_address_sync (keyring_bus_address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (!name_has_owner (connection, "org.freedesktop.secrets"))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("gnome-keyring-daemon did not take org.freedesktop.secrets within 15 s");
      g_usleep (50 * 1000);
    }

  g_dbus_connection_close_sync (connection, NULL, NULL);
}

static void
set_up_world (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = NULL;

  tmp_home = g_dir_make_tmp ("sn-secret-store-XXXXXX", &error);
  g_assert_no_error (error);

  runtime = g_build_filename (tmp_home, "run", NULL);
  g_mkdir_with_parents (runtime, 0700);

  g_setenv ("HOME", tmp_home, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  {
    g_autofree char *data = g_build_filename (tmp_home, ".local", "share", NULL);
    g_autofree char *cache = g_build_filename (tmp_home, ".cache", NULL);
    g_autofree char *config = g_build_filename (tmp_home, ".config", NULL);

    g_setenv ("XDG_DATA_HOME", data, TRUE);
    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
    g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  }
  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  g_unsetenv ("GNOME_KEYRING_CONTROL");

  empty_bus = start_bus ("empty-bus", &empty_bus_address);
  keyring_bus = start_bus ("keyring-bus", &keyring_bus_address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", keyring_bus_address, TRUE);

  start_keyring ();
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
stop (GSubprocess **process)
{
  if (*process == NULL)
    return;

  g_subprocess_send_signal (*process, SIGTERM);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
}

static void
tear_down_world (void)
{
  stop (&keyring_daemon);
  stop (&keyring_bus);
  stop (&empty_bus);
  if (tmp_home != NULL)
    remove_tree (tmp_home);
}

/* ------------------------------------------------------------------ */
/* Helpers                                                            */

static char *
unique_value (const char *prefix)
{
  return g_strdup_printf ("%s-%08x%08x", prefix, g_random_int (), g_random_int ());
}

/* What the Secret Service itself holds, asked through secret-tool. */
static char *
secret_tool_lookup (const char *profile,
                    const char *kind)
{
  g_autoptr(GSubprocess) tool = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  tool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, "secret-tool", "lookup", "profile", profile, "kind", kind, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (tool, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);

  if (out != NULL && *out == '\0')
    g_clear_pointer (&out, g_free);

  return out;
}

static gboolean
tree_contains (const char *path,
               const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          !g_file_get_contents (path, &contents, &length, NULL))
        return FALSE;

      for (gsize i = 0; i + strlen (needle) <= length; i++)
        if (memcmp (contents + i, needle, strlen (needle)) == 0)
          return TRUE;

      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (tree_contains (child, needle))
        return TRUE;
    }

  return FALSE;
}

static char *
write_credentials (const char *name,
                   const char *contents,
                   int         mode)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp_home, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);

  return path;
}

/* ------------------------------------------------------------------ */
/* Tests                                                              */

static void
test_kind_keys (void)
{
  g_assert_cmpstr (sn_secret_kind_to_key (SN_SECRET_KIND_DB_PASSWORD), ==, "db-password");
  g_assert_cmpstr (sn_secret_kind_to_key (SN_SECRET_KIND_MONITORING_KEY), ==, "monitoring-key");
  g_assert_cmpstr (sn_secret_kind_to_key (SN_SECRET_KIND_SSH_PASSPHRASE), ==, "ssh-passphrase");
  g_assert_cmpstr (sn_secret_kind_to_key (SN_SECRET_KIND_GITHUB_TOKEN), ==, "github-token");
  g_assert_true (sn_secret_store_get_default () == sn_secret_store_get_default ());
}

static void
test_keyring_round_trip (void)
{
  g_autoptr(SnSecretStore) store = sn_secret_store_new ();
  g_autoptr(SnProfile) alpha = sn_profile_new ("alpha");
  g_autoptr(SnProfile) beta = sn_profile_new ("beta");
  g_autoptr(GError) error = NULL;
  static const SnSecretKind kinds[] = {
    SN_SECRET_KIND_SSH_PASSPHRASE, SN_SECRET_KIND_SSH_PASSWORD, SN_SECRET_KIND_DB_PASSWORD,
    SN_SECRET_KIND_MONITORING_KEY, SN_SECRET_KIND_REDIS_PASSWORD,
    SN_SECRET_KIND_UPSTASH_TOKEN, SN_SECRET_KIND_GITHUB_TOKEN, SN_SECRET_KIND_APP_SESSION_COOKIE,
  };
  g_auto(GStrv) alpha_values = g_new0 (char *, G_N_ELEMENTS (kinds) + 1);
  g_autofree char *beta_db = unique_value ("beta-db");

  /* Nothing yet: NULL without an error. */
  g_assert_null (sn_secret_store_lookup_sync (store, alpha, SN_SECRET_KIND_DB_PASSWORD, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      alpha_values[i] = unique_value (sn_secret_kind_to_key (kinds[i]));
      g_assert_true (sn_secret_store_store_sync (store, alpha, kinds[i], alpha_values[i],
                                                 NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (sn_secret_store_store_sync (store, beta, SN_SECRET_KIND_DB_PASSWORD, beta_db,
                                             NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *value = NULL;
      g_autofree char *in_keyring = NULL;

      value = sn_secret_store_lookup_sync (store, alpha, kinds[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (value, ==, alpha_values[i]);

      /* Really in the Secret Service, under our attributes. */
      in_keyring = secret_tool_lookup ("alpha", sn_secret_kind_to_key (kinds[i]));
      g_assert_cmpstr (in_keyring, ==, alpha_values[i]);
    }

  /* Profiles do not see each other's secrets. */
  {
    g_autofree char *value = NULL;

    value = sn_secret_store_lookup_sync (store, beta, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, beta_db);
    g_clear_pointer (&value, g_free);

    value = sn_secret_store_lookup_sync (store, beta, SN_SECRET_KIND_MONITORING_KEY, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (value);
  }

  /* Storing again replaces; clearing removes one profile's item only. */
  {
    g_autofree char *replaced = unique_value ("alpha-db-2");
    g_autofree char *value = NULL;

    g_assert_true (sn_secret_store_store_sync (store, alpha, SN_SECRET_KIND_DB_PASSWORD, replaced,
                                               NULL, &error));
    g_assert_no_error (error);
    value = sn_secret_store_lookup_sync (store, alpha, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
    g_assert_cmpstr (value, ==, replaced);
    g_clear_pointer (&value, g_free);

    g_assert_true (sn_secret_store_clear_sync (store, alpha, SN_SECRET_KIND_DB_PASSWORD, NULL, &error));
    g_assert_no_error (error);
    value = sn_secret_store_lookup_sync (store, alpha, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
    g_assert_no_error (error);
    g_assert_null (value);
    g_assert_null (secret_tool_lookup ("alpha", "db-password"));

    value = sn_secret_store_lookup_sync (store, beta, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
    g_assert_cmpstr (value, ==, beta_db);

    /* Clearing what is not there is fine. */
    g_assert_true (sn_secret_store_clear_sync (store, alpha, SN_SECRET_KIND_DB_PASSWORD, NULL, &error));
    g_assert_no_error (error);
  }
}

static void
test_keyring_async (void)
{
  g_autoptr(SnSecretStore) store = sn_secret_store_new ();
  g_autoptr(SnProfile) profile = sn_profile_new ("async profile");
  g_autoptr(GAsyncResult) stored = NULL;
  g_autoptr(GAsyncResult) looked_up = NULL;
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = unique_value ("async");
  g_autofree char *value = NULL;

  sn_secret_store_store_async (store, profile, SN_SECRET_KIND_UPSTASH_TOKEN, secret, NULL,
                               sn_test_store_result_cb, &stored);
  g_assert_true (sn_secret_store_store_finish (store, sn_test_wait_for_result (&stored, SN_TEST_WAIT_MS), &error));
  g_assert_no_error (error);

  sn_secret_store_lookup_async (store, profile, SN_SECRET_KIND_UPSTASH_TOKEN, NULL,
                                sn_test_store_result_cb, &looked_up);
  value = sn_secret_store_lookup_finish (store, sn_test_wait_for_result (&looked_up, SN_TEST_WAIT_MS), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, secret);

  g_cancellable_cancel (cancellable);
  sn_secret_store_lookup_async (store, profile, SN_SECRET_KIND_UPSTASH_TOKEN, cancellable,
                                sn_test_store_result_cb, &cancelled);
  g_clear_pointer (&value, g_free);
  value = sn_secret_store_lookup_finish (store, sn_test_wait_for_result (&cancelled, SN_TEST_WAIT_MS), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (value);
}

static void
test_remember (void)
{
  g_autoptr(SnSecretStore) store = sn_secret_store_new ();
  g_autoptr(SnSecretStore) other = sn_secret_store_new ();
  g_autoptr(SnProfile) profile = sn_profile_new ("typed");
  g_autoptr(GError) error = NULL;
  g_autofree char *typed = unique_value ("typed");
  g_autofree char *kept = unique_value ("kept");
  g_autofree char *value = NULL;

  sn_secret_store_remember (store, profile, SN_SECRET_KIND_SSH_PASSWORD, typed);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_SSH_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, typed);
  g_clear_pointer (&value, g_free);

  /* Memory only: not in the keyring, not in another store. */
  g_assert_null (secret_tool_lookup ("typed", "ssh-password"));
  value = sn_secret_store_lookup_sync (other, profile, SN_SECRET_KIND_SSH_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  /* A stored value replaces the typed one. */
  g_assert_true (sn_secret_store_store_sync (store, profile, SN_SECRET_KIND_SSH_PASSWORD, kept,
                                             NULL, &error));
  g_assert_no_error (error);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_SSH_PASSWORD, NULL, &error);
  g_assert_cmpstr (value, ==, kept);
  g_clear_pointer (&value, g_free);

  sn_secret_store_remember (store, profile, SN_SECRET_KIND_SSH_PASSWORD, typed);
  sn_secret_store_remember (store, profile, SN_SECRET_KIND_SSH_PASSWORD, NULL);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_SSH_PASSWORD, NULL, &error);
  g_assert_cmpstr (value, ==, kept);

  g_assert_true (sn_secret_store_clear_sync (store, profile, SN_SECRET_KIND_SSH_PASSWORD, NULL, &error));
  g_assert_no_error (error);
}

#define NO_KEYRING_SECRET_ENV "SN_TEST_NO_KEYRING_SECRET"

static void
no_keyring_child (void)
{
  g_autoptr(SnSecretStore) store = sn_secret_store_new ();
  g_autoptr(SnProfile) profile = sn_profile_new ("nokeyring");
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const char *secret = g_getenv (NO_KEYRING_SECRET_ENV);
  g_autofree char *value = NULL;

  g_assert_nonnull (secret);

  g_assert_false (sn_secret_store_store_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, secret,
                                              NULL, &error));
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING);
  g_assert_nonnull (strstr (error->message, "No keyring"));
  g_assert_nonnull (strstr (error->message, "ask for them each time"));
  g_printerr ("%s\n", error->message);
  g_clear_error (&error);

  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING);
  g_assert_null (value);
  g_clear_error (&error);

  sn_secret_store_lookup_async (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL,
                                sn_test_store_result_cb, &result);
  value = sn_secret_store_lookup_finish (store, sn_test_wait_for_result (&result, SN_TEST_WAIT_MS), &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING);
  g_assert_null (value);
  g_clear_error (&error);

  /* What the app does then: keep what the person typed, in memory. */
  sn_secret_store_remember (store, profile, SN_SECRET_KIND_DB_PASSWORD, secret);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, secret);
}

static void
test_no_keyring (void)
{
  g_autofree char *secret = unique_value ("never-on-disk");

  if (g_test_subprocess ())
    {
      no_keyring_child ();
      return;
    }

  g_setenv (NO_KEYRING_SECRET_ENV, secret, TRUE);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", empty_bus_address, TRUE);
  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, 0);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", keyring_bus_address, TRUE);
  g_unsetenv (NO_KEYRING_SECRET_ENV);

  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*No keyring*");

  /* No silent fallback to a file. */
  g_assert_false (tree_contains (tmp_home, secret));
}

static void
test_file_permissions (void)
{
  g_autoptr(SnSecretStore) store = sn_secret_store_new ();
  g_autoptr(SnProfile) profile = sn_profile_new ("with-file");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *hint = NULL;
  g_autofree char *value = NULL;
  g_autofree char *missing = g_build_filename (tmp_home, "no-such-file", NULL);

  path = write_credentials ("creds-perm", "db-password=s3cret\n", 0644);
  g_object_set (profile, "credentials-file", path, NULL);

  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_PERMISSIONS);
  hint = g_strdup_printf ("chmod 600 %s", path);
  g_assert_nonnull (strstr (error->message, hint));
  g_assert_null (strstr (error->message, "s3cret"));
  g_assert_null (value);
  g_clear_error (&error);

  /* Storing into it is refused too, and leaves it alone. */
  g_assert_false (sn_secret_store_store_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, "new",
                                              NULL, &error));
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_PERMISSIONS);
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_PERMISSIONS);
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "s3cret");
  g_clear_pointer (&value, g_free);

  /* Read fresh each time. */
  {
    g_autofree char *path2 = write_credentials ("creds-perm", "db-password=changed\n", 0600);

    value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "changed");
    g_clear_pointer (&value, g_free);
  }

  /* Written on Windows and cut short: a last line ending in CR and no
   * newline is read (it used to loop for ever). */
  {
    g_autofree char *path4 = write_credentials ("creds-perm", "db-password=crlf\r\nmonitoring-key=k\r", 0600);

    value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (value, ==, "crlf");
    g_clear_pointer (&value, g_free);
  }

  /* Every value of the profile, for redaction: here the file's two. */
  {
    g_autofree char *path3 = write_credentials ("creds-perm", "db-password=changed\nmonitoring-key=k3y-42\n",
                                                0600);
    gboolean complete = FALSE;
    g_auto(GStrv) values = sn_secret_store_dup_values_sync (store, profile, NULL, &complete);

    g_assert_cmpuint (g_strv_length (values), ==, 2);
    g_assert_true (complete);
    g_assert_true (g_strv_contains ((const char * const *) values, "changed"));
    g_assert_true (g_strv_contains ((const char * const *) values, "k3y-42"));
  }

  /* A directory is not a credentials file; a missing file says so. */
  g_object_set (profile, "credentials-file", tmp_home, NULL);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_PERMISSIONS);
  g_clear_error (&error);

  g_object_set (profile, "credentials-file", missing, NULL);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
}

static void
test_file_syntax (void)
{
  g_autoptr(SnSecretStore) store = sn_secret_store_new ();
  g_autoptr(SnProfile) profile = sn_profile_new ("syntax");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *where = NULL;
  g_autofree char *value = NULL;

  path = write_credentials ("creds-syntax",
                            "# comment\n"
                            "\n"
                            "db-password=fine\n"
                            "this line leaks hunter2\n"
                            "monitoring-key=k\n",
                            0600);
  g_object_set (profile, "credentials-file", path, NULL);

  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_SYNTAX);
  where = g_strdup_printf ("%s:4:", path);
  g_assert_nonnull (strstr (error->message, where));
  g_assert_null (strstr (error->message, "hunter2"));
  g_assert_null (value);
  g_clear_error (&error);

  g_clear_pointer (&path, g_free);
  path = write_credentials ("creds-syntax", "=no-key\n", 0600);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_SYNTAX);
  g_clear_error (&error);
}

static void
test_file_store (void)
{
  g_autoptr(SnSecretStore) store = sn_secret_store_new ();
  g_autoptr(SnProfile) profile = sn_profile_new ("unattended");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *value = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  struct stat st;

  path = write_credentials ("creds-store",
                            "# Sweet Narcisse, staging\n"
                            "\n"
                            "DB_PASSWORD=old\n"
                            "  # indented comment\n"
                            "redis-password = \"  spaced  \"\n"
                            "github-token=ghp_x\n",
                            0600);
  g_object_set (profile, "credentials-file", path, NULL);

  /* Keys are the kind nicks; FOO_BAR and foo-bar are the same key. */
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "old");
  g_clear_pointer (&value, g_free);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_REDIS_PASSWORD, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, "  spaced  ");
  g_clear_pointer (&value, g_free);
  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_MONITORING_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (value);

  g_assert_true (sn_secret_store_store_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, "new-db",
                                             NULL, &error));
  g_assert_no_error (error);

  sn_secret_store_store_async (store, profile, SN_SECRET_KIND_MONITORING_KEY, " mk ", NULL,
                               sn_test_store_result_cb, &result);
  g_assert_true (sn_secret_store_store_finish (store, sn_test_wait_for_result (&result, SN_TEST_WAIT_MS), &error));
  g_assert_no_error (error);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==,
                   "# Sweet Narcisse, staging\n"
                   "\n"
                   "db-password=new-db\n"
                   "  # indented comment\n"
                   "redis-password = \"  spaced  \"\n"
                   "github-token=ghp_x\n"
                   "monitoring-key=\" mk \"\n");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (S_ISREG (st.st_mode));

  value = sn_secret_store_lookup_sync (store, profile, SN_SECRET_KIND_MONITORING_KEY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (value, ==, " mk ");
  g_clear_pointer (&value, g_free);

  /* Nothing went to the keyring for this profile. */
  g_assert_null (secret_tool_lookup ("unattended", "db-password"));

  g_assert_true (sn_secret_store_clear_sync (store, profile, SN_SECRET_KIND_GITHUB_TOKEN, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&contents, g_free);
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_null (strstr (contents, "ghp_x"));
  g_assert_nonnull (strstr (contents, "# Sweet Narcisse, staging\n"));

  /* A line break cannot be kept in a line-based file. */
  g_assert_false (sn_secret_store_store_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, "a\nb",
                                              NULL, &error));
  g_assert_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FAILED);
  g_clear_error (&error);

  /* Storing creates a missing file, private. */
  {
    g_autofree char *fresh = g_build_filename (tmp_home, "creds-new", NULL);

    g_object_set (profile, "credentials-file", fresh, NULL);
    g_assert_true (sn_secret_store_store_sync (store, profile, SN_SECRET_KIND_DB_PASSWORD, "x",
                                               NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (g_stat (fresh, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  if (!g_test_subprocess ())
    {
      g_autofree char *keyring = g_find_program_in_path ("gnome-keyring-daemon");
      g_autofree char *dbus = g_find_program_in_path ("dbus-daemon");

      if (keyring == NULL || dbus == NULL)
        {
          g_printerr ("gnome-keyring-daemon and dbus-daemon are needed (apt install gnome-keyring dbus)\n");
          return 1;
        }
      set_up_world ();
    }

  g_test_add_func ("/core/secret-store/kind-keys", test_kind_keys);
  g_test_add_func ("/core/secret-store/keyring/round-trip", test_keyring_round_trip);
  g_test_add_func ("/core/secret-store/keyring/async", test_keyring_async);
  g_test_add_func ("/core/secret-store/remember", test_remember);
  g_test_add_func ("/core/secret-store/no-keyring", test_no_keyring);
  g_test_add_func ("/core/secret-store/file/permissions", test_file_permissions);
  g_test_add_func ("/core/secret-store/file/syntax", test_file_syntax);
  g_test_add_func ("/core/secret-store/file/store", test_file_store);

  ret = g_test_run ();

  if (!g_test_subprocess ())
    tear_down_world ();

  return ret;
}
