/* sn-test-stack.c: start the local stack of real servers for one test binary
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "sn-test-stack.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sn-profile-store.h"

static char       *stack_script;
static char       *stack_dir;
static char       *home_dir;
static GHashTable *stack_env;
static int         watchdog_fd = -1;
static SnProfile  *demo_profile;
static SnProfile  *ro_profile;

static const char *
script_path (void)
{
  const char *s = g_getenv ("SN_STACK_SCRIPT");

  if (s == NULL || *s == '\0')
    {
      const char *src = g_getenv ("SN_SOURCE_DIR");
      static char *fallback;

      if (fallback == NULL)
        fallback = g_build_filename (src ? src : ".", "tests", "stack", "stack", NULL);
      return fallback;
    }
  return s;
}

/* `stack down`, then the scratch HOME goes too (its stack holds a database
 * cluster and backups: hundreds of MiB a test), unless SN_TEST_KEEP is set
 * to look at it. The watchdog runs the same script. */
#define DOWN_SCRIPT "\"$0\" down; [ -n \"$SN_TEST_KEEP\" ] || rm -rf \"$1\""

static void
run_stack_down (void)
{
  char *argv[] = { (char *) "/bin/sh", (char *) "-c", (char *) DOWN_SCRIPT, stack_script, home_dir, NULL };

  if (stack_dir == NULL)
    return;
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, NULL, NULL);
}

static void
stack_atexit (void)
{
  run_stack_down ();
  if (watchdog_fd >= 0)
    {
      /* tell the watchdog the stack is already down */
      (void) !write (watchdog_fd, "q", 1);
      close (watchdog_fd);
      watchdog_fd = -1;
    }
}

/*
 * A tiny process that outlives a crashed test (SIGABRT from g_assert, SIGTRAP
 * from g_error, SIGKILL from a meson timeout): it blocks on a pipe whose write
 * end only the test holds. EOF without the "q" byte means the test died
 * without running its atexit handler, so the watchdog runs `stack down`.
 * It is in its own session, so a signal to the test's process group does not
 * reach it.
 */
static void
start_watchdog (void)
{
  int fds[2];
  pid_t pid;

  if (pipe (fds) != 0)
    g_error ("pipe: %s", g_strerror (errno));

  pid = fork ();
  if (pid < 0)
    g_error ("fork: %s", g_strerror (errno));

  if (pid == 0)
    {
      char c = 0;
      ssize_t n;
      int devnull;

      close (fds[1]);
      setsid ();
      signal (SIGINT, SIG_IGN);
      signal (SIGTERM, SIG_IGN);
      signal (SIGHUP, SIG_IGN);
      devnull = open ("/dev/null", O_RDWR);
      if (devnull >= 0)
        {
          dup2 (devnull, 0);
          dup2 (devnull, 1);
          dup2 (devnull, 2);
        }
      for (int fd = 3; fd < 1024; fd++)
        if (fd != fds[0])
          close (fd);
      do
        n = read (fds[0], &c, 1);
      while (n < 0 && errno == EINTR);
      if (n == 1 && c == 'q')
        _exit (0);
      execl ("/bin/sh", "sh", "-c", DOWN_SCRIPT, stack_script, home_dir, (char *) NULL);
      _exit (127);
    }

  close (fds[0]);
  fcntl (fds[1], F_SETFD, FD_CLOEXEC);
  watchdog_fd = fds[1];
}

static void
parse_env_file (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &error))
    g_error ("cannot read %s: %s", path, error->message);

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *eq = strchr (lines[i], '=');

      if (lines[i][0] == '\0' || lines[i][0] == '#' || eq == NULL)
        continue;
      g_hash_table_replace (stack_env, g_strndup (lines[i], eq - lines[i]), g_strdup (eq + 1));
    }
}

void
sn_test_stack_up (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *env_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg_config = NULL;
  g_autofree char *xdg_data = NULL;
  g_autofree char *xdg_cache = NULL;
  g_autofree char *xdg_runtime = NULL;
  int status = 0;
  char *argv[3];
  const char *s;

  if (stack_dir != NULL)
    return;

  stack_script = g_strdup (script_path ());

  /* Private HOME and XDG dirs, set BEFORE anything calls g_get_user_config_dir()
   * and friends: GLib caches those on first use. */
  home_dir = g_dir_make_tmp ("sn-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (home_dir, 0711);
  xdg_config = g_build_filename (home_dir, ".config", NULL);
  xdg_data = g_build_filename (home_dir, ".local", "share", NULL);
  xdg_cache = g_build_filename (home_dir, ".cache", NULL);
  g_setenv ("HOME", home_dir, TRUE);
  g_setenv ("XDG_CONFIG_HOME", xdg_config, TRUE);
  g_setenv ("XDG_DATA_HOME", xdg_data, TRUE);
  g_setenv ("XDG_CACHE_HOME", xdg_cache, TRUE);
  if (g_getenv ("XDG_RUNTIME_DIR") == NULL)
    {
      xdg_runtime = g_build_filename (home_dir, "run", NULL);
      g_mkdir_with_parents (xdg_runtime, 0700);
      g_setenv ("XDG_RUNTIME_DIR", xdg_runtime, TRUE);
    }

  stack_dir = g_build_filename (home_dir, "stack", NULL);
  g_mkdir_with_parents (stack_dir, 0711);
  g_setenv ("SN_STACK_DIR", stack_dir, TRUE);

  start_watchdog ();
  atexit (stack_atexit);

  argv[0] = stack_script;
  argv[1] = (char *) "up";
  argv[2] = NULL;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    g_error ("cannot run %s: %s", stack_script, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("`%s up` failed (%s):\n%s%s", stack_script, error->message, out ? out : "", err ? err : "");

  stack_env = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  env_path = g_build_filename (stack_dir, "stack.env", NULL);
  parse_env_file (env_path);

  s = g_hash_table_lookup (stack_env, "SN_STACK_DIR");
  g_assert_nonnull (s);
}

const char *
sn_test_stack_get (const char *key)
{
  const char *value;

  g_assert_nonnull (stack_env);
  value = g_hash_table_lookup (stack_env, key);
  if (value == NULL)
    g_error ("stack.env has no key %s", key);
  return value;
}

guint
sn_test_stack_get_port (const char *key)
{
  guint64 port = 0;
  g_autoptr(GError) error = NULL;

  if (!g_ascii_string_to_unsigned (sn_test_stack_get (key), 10, 1, 65535, &port, &error))
    g_error ("stack.env %s is not a port: %s", key, error->message);
  return (guint) port;
}

const char *
sn_test_stack_dir (void)
{
  g_assert_nonnull (stack_dir);
  return stack_dir;
}

static void
stack_service (const char *verb,
               const char *service)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  char *argv[] = { stack_script, (char *) verb, (char *) service, NULL };
  int status = 0;

  g_assert_nonnull (stack_dir);
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    g_error ("cannot run %s: %s", stack_script, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("`stack %s %s` failed: %s\n%s", verb, service, error->message, err ? err : "");
}

void
sn_test_stack_stop (const char *service)
{
  stack_service ("stop", service);
}

void
sn_test_stack_start (const char *service)
{
  stack_service ("start", service);
}

SnProfile *
sn_test_stack_profile (void)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  SnProfile *profile;

  if (demo_profile != NULL)
    return demo_profile;

  sn_test_stack_up ();
  dir = g_build_filename (g_get_user_config_dir (), "narcisse-admin", "profiles", NULL);
  store = sn_profile_store_new (dir);
  if (!sn_profile_store_load (store, &error))
    g_error ("cannot load the profile store %s: %s", dir, error->message);
  profile = sn_profile_store_lookup (store, sn_test_stack_get ("PROFILE_NAME"));
  g_assert_nonnull (profile);
  demo_profile = g_object_ref (profile);
  return demo_profile;
}

SnProfile *
sn_test_stack_ro_profile (void)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *target = NULL;
  gsize length = 0;
  SnProfile *profile;

  if (ro_profile != NULL)
    return ro_profile;

  sn_test_stack_up ();
  dir = g_build_filename (g_get_user_config_dir (), "narcisse-admin", "profiles", NULL);
  if (!g_file_get_contents (sn_test_stack_get ("RO_PROFILE_FILE"), &contents, &length, &error))
    g_error ("cannot read the stack's read-only profile: %s", error->message);
  target = g_strdup_printf ("%s/%s.json", dir, sn_test_stack_get ("RO_PROFILE_NAME"));
  if (!g_file_set_contents (target, contents, (gssize)length, &error))
    g_error ("cannot copy the read-only profile to %s: %s", target, error->message);
  store = sn_profile_store_new (dir);
  if (!sn_profile_store_load (store, &error))
    g_error ("cannot load the profile store %s: %s", dir, error->message);
  profile = sn_profile_store_lookup (store, sn_test_stack_get ("RO_PROFILE_NAME"));
  g_assert_nonnull (profile);
  g_assert_cmpint (sn_profile_get_safety_level (profile), ==, SN_SAFETY_LEVEL_READ_ONLY);
  ro_profile = g_object_ref (profile);
  return ro_profile;
}

char *
sn_test_run (const char *command_line)
{
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;
  char *argv[] = { (char *) "/bin/bash", (char *) "-c", (char *) command_line, NULL };

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    g_error ("cannot run `%s`: %s", command_line, error->message);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("`%s` failed: %s\nstdout:\n%s\nstderr:\n%s", command_line, error->message,
             out ? out : "", err ? err : "");
  return out;
}

typedef struct
{
  gboolean timed_out;
} WaitData;

static gboolean
wait_timeout_cb (gpointer user_data)
{
  WaitData *w = user_data;

  w->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
wait_tick_cb (gpointer user_data)
{
  (void) user_data;
  return G_SOURCE_CONTINUE;
}

gboolean
sn_test_wait_until (gboolean (*cond) (gpointer),
                    gpointer   data,
                    guint      timeout_ms)
{
  WaitData w = { FALSE };
  guint id;
  guint tick;
  gboolean ok;

  id = g_timeout_add (timeout_ms, wait_timeout_cb, &w);
  /* wake every 20 ms, so conditions polled from outside (files, processes,
   * servers) are seen even when no source of their own fires */
  tick = g_timeout_add (20, wait_tick_cb, NULL);
  while (!(ok = cond (data)) && !w.timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (!w.timed_out)
    g_source_remove (id);
  return ok;
}

void
sn_test_store_result_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      slot)
{
  GAsyncResult **out = slot;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
result_is_set (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

GAsyncResult *
sn_test_wait_for_result (GAsyncResult **slot,
                         guint          timeout_ms)
{
  if (!sn_test_wait_until (result_is_set, slot, timeout_ms))
    g_error ("No async result after %u ms: the call never finished.", timeout_ms);
  return *slot;
}

char *
sn_test_psql (const char *sql)
{
  g_autofree char *quoted = g_shell_quote (sql);
  g_autofree char *command = g_strdup_printf ("env PGPASSWORD=%s %s/psql -X -q -A -t -h 127.0.0.1 -p %s "
                                              "-U snarcisse -d snarcisse -v ON_ERROR_STOP=1 -c %s",
                                              sn_test_stack_get ("PGPASSWORD"), sn_test_stack_get ("PG_BIN"),
                                              sn_test_stack_get ("PGPORT"), quoted);

  return g_strstrip (sn_test_run (command));
}

char *
sn_test_tables_fingerprint (const char * const *tables)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; tables[i] != NULL; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' "
                                              "ORDER BY t.id)), '') FROM \"%s\" t", tables[i]);
      g_autofree char *value = sn_test_psql (sql);

      g_string_append_printf (text, "%s=%s\n", tables[i], value);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
