/* test-log-model.c: the bounded log window, its batches, pause, levels,
 * filters, and a live stream from the stack's compose logs
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-core.h"
#include "sn-log-model.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"

static void
test_levels (void)
{
  static const struct { const char *line; SnLogLevel level; } cases[] = {
    { "{\"level\":\"INFO\",\"time\":\"2026-01-02T09:00:00.000Z\",\"msg\":\"Server started\"}", SN_LOG_LEVEL_INFO },
    { "{\"level\":\"WARN\",\"msg\":\"Health check degraded\"}", SN_LOG_LEVEL_WARN },
    { "{\"level\":\"ERROR\",\"msg\":\"boom\"}", SN_LOG_LEVEL_ERROR },
    { "{\"level\":30,\"msg\":\"numeric info\"}", SN_LOG_LEVEL_INFO },
    { "{\"level\":40,\"msg\":\"numeric warn\"}", SN_LOG_LEVEL_WARN },
    { "{\"level\":50,\"msg\":\"numeric error\"}", SN_LOG_LEVEL_ERROR },
    { "{\"level\":60,\"msg\":\"numeric fatal\"}", SN_LOG_LEVEL_FATAL },
    { "{\"level\": \"debug\", \"msg\":\"x\"}", SN_LOG_LEVEL_DEBUG },
    { "2026-01-02 09:00:00.000 UTC [42] ERROR:  relation \"x\" does not exist", SN_LOG_LEVEL_ERROR },
    { "2026-01-02 09:00:00.000 UTC [42] FATAL:  the database system is shutting down", SN_LOG_LEVEL_FATAL },
    { "2026-01-02 09:00:00.000 UTC [42] LOG:  database system is ready", SN_LOG_LEVEL_INFO },
    { "ts=2026-01-02T09:00:00.000Z caller=main.go:1234 level=info msg=\"ready\"", SN_LOG_LEVEL_INFO },
    { "ts=x level=warn msg=y", SN_LOG_LEVEL_WARN },
    { "[AVAILABILITY DEBUG] slots computed", SN_LOG_LEVEL_DEBUG },
    { "[cache] Error: connection refused", SN_LOG_LEVEL_ERROR },
    { "[booking-token] WARN token expired", SN_LOG_LEVEL_WARN },
    { "[planningNotify] sent 3 notifications", SN_LOG_LEVEL_UNKNOWN },
    { "0 errors, WARNINGS none, INFORMATION", SN_LOG_LEVEL_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].line);
      g_assert_cmpint (sn_log_level_parse (cases[i].line), ==, cases[i].level);
    }
}

static void
test_prefix (void)
{
  g_autoptr(SnLogModel) model = sn_log_model_new (10);
  g_autoptr(SnLogLine) a = NULL;
  g_autoptr(SnLogLine) b = NULL;
  g_autoptr(SnLogLine) c = NULL;

  sn_log_model_append (model, "app-1  | {\"level\":\"WARN\",\"msg\":\"x | y\"}");
  sn_log_model_append (model, "db-1     | 2026 LOG:  ready");
  sn_log_model_append (model, "plain line | with a bar");
  sn_log_model_flush (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 3);
  a = g_list_model_get_item (G_LIST_MODEL (model), 0);
  b = g_list_model_get_item (G_LIST_MODEL (model), 1);
  c = g_list_model_get_item (G_LIST_MODEL (model), 2);
  g_assert_cmpstr (sn_log_line_get_service (a), ==, "app");
  g_assert_cmpstr (sn_log_line_get_text (a), ==, "{\"level\":\"WARN\",\"msg\":\"x | y\"}");
  g_assert_cmpint (sn_log_line_get_level (a), ==, SN_LOG_LEVEL_WARN);
  g_assert_cmpstr (sn_log_line_get_service (b), ==, "db");
  g_assert_cmpint (sn_log_line_get_level (b), ==, SN_LOG_LEVEL_INFO);
  /* Not a compose prefix (has a space inside): kept as is. */
  g_assert_cmpstr (sn_log_line_get_service (c), ==, "plain line");
}

typedef struct
{
  guint n;          /* the count the signals say */
  guint emissions;
  guint front_removals;
} Mirror;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Mirror     *mirror)
{
  mirror->emissions++;
  /* Only two shapes: removed at the front, added at the end. */
  if (removed > 0)
    {
      g_assert_cmpuint (position, ==, 0);
      g_assert_cmpuint (added, ==, 0);
      mirror->front_removals++;
    }
  else
    g_assert_cmpuint (position, ==, mirror->n);
  mirror->n = mirror->n - removed + added;
  g_assert_cmpuint (mirror->n, ==, g_list_model_get_n_items (model));
}

static char *
make_line (guint i)
{
  if (i % 50 == 0)
    return g_strdup_printf ("app-1  | {\"level\":\"ERROR\",\"msg\":\"payment failed %u\"}", i);
  if (i % 10 == 0)
    return g_strdup_printf ("app-1  | {\"level\":40,\"msg\":\"planning slow %u\"}", i);
  if (i % 3 == 0)
    return g_strdup_printf ("app-1  | [planningNotify] tick %u", i);
  return g_strdup_printf ("app-1  | {\"level\":\"INFO\",\"msg\":\"request completed %u\"}", i);
}

static void
test_window (void)
{
  g_autoptr(SnLogModel) model = sn_log_model_new (50000);
  g_autoptr(SnLogLine) first = NULL;
  g_autoptr(SnLogLine) last = NULL;
  Mirror mirror = { 0 };
  guint n_error = 0, n_warn_up = 0, n_planning = 0, n_planning_warn = 0;
  guint got_error = 0, got_warn_up = 0, got_planning = 0, got_planning_warn = 0;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &mirror);

  for (guint i = 0; i < 100000; i++)
    {
      g_autofree char *line = make_line (i);

      sn_log_model_append (model, line);
      if (i % 1000 == 999)
        sn_log_model_flush (model);
      if (i >= 50000)
        {
          gboolean error = i % 50 == 0, warn = !error && i % 10 == 0;
          gboolean planning = !error && (warn || i % 3 == 0);

          n_error += error;
          n_warn_up += error || warn;
          n_planning += planning;
          n_planning_warn += planning && warn;
        }
    }
  sn_log_model_flush (model);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 50000);
  g_assert_cmpuint (mirror.n, ==, 50000);
  g_assert_cmpuint (sn_log_model_get_n_received (model), ==, 100000);
  g_assert_cmpuint (sn_log_model_get_n_trimmed (model), ==, 50000);
  g_assert_cmpuint (sn_log_model_get_n_skipped (model), ==, 0);
  g_assert_cmpuint (mirror.front_removals, ==, 50);
  first = g_list_model_get_item (G_LIST_MODEL (model), 0);
  last = g_list_model_get_item (G_LIST_MODEL (model), 49999);
  g_assert_cmpuint (sn_log_line_get_seq (first), ==, 50000);
  g_assert_cmpuint (sn_log_line_get_seq (last), ==, 99999);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), 50000));

  /* Filters, as the view's GtkCustomFilter calls them. */
  for (guint i = 0; i < 50000; i++)
    {
      g_autoptr(SnLogLine) line = g_list_model_get_item (G_LIST_MODEL (model), i);

      got_error += sn_log_line_matches (line, NULL, SN_LOG_LEVEL_ERROR);
      got_warn_up += sn_log_line_matches (line, "", SN_LOG_LEVEL_WARN);
      got_planning += sn_log_line_matches (line, "PLANNING", SN_LOG_LEVEL_UNKNOWN);
      got_planning_warn += sn_log_line_matches (line, "planning", SN_LOG_LEVEL_WARN);
    }
  g_assert_cmpuint (got_error, ==, n_error);
  g_assert_cmpuint (got_warn_up, ==, n_warn_up);
  g_assert_cmpuint (got_planning, ==, n_planning);
  g_assert_cmpuint (got_planning_warn, ==, n_planning_warn);
  g_assert_cmpuint (n_error, ==, 1000);

  /* One batch bigger than the window: the older part is skipped, and counted. */
  for (guint i = 0; i < 60000; i++)
    {
      g_autofree char *line = make_line (i);

      sn_log_model_append (model, line);
    }
  sn_log_model_flush (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 50000);
  g_assert_cmpuint (sn_log_model_get_n_skipped (model), ==, 10000);
  g_assert_cmpuint (sn_log_model_get_n_trimmed (model), ==, 100000);
}

static gboolean
quit_later (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
test_throttle_and_pause (void)
{
  g_autoptr(SnLogModel) model = sn_log_model_new (1000);
  g_autofree char *text = NULL;
  Mirror mirror = { 0 };
  gboolean done = FALSE;
  gint64 start;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &mirror);

  /* 300 ms of lines arriving continuously: a handful of batches, not 3000 signals. */
  start = g_get_monotonic_time ();
  for (guint i = 0; g_get_monotonic_time () - start < 300000; i++)
    {
      g_autofree char *line = make_line (i);

      sn_log_model_append (model, line);
      g_main_context_iteration (NULL, FALSE);
    }
  g_timeout_add (250, quit_later, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("%" G_GUINT64_FORMAT " lines in %u emissions",
                  sn_log_model_get_n_received (model), mirror.emissions);
  g_assert_cmpuint (sn_log_model_get_n_pending (model), ==, 0);
  g_assert_cmpuint (mirror.emissions, >=, 2);
  g_assert_cmpuint (mirror.emissions, <=, 2 * 7);   /* ≤ ~10 batches a second, each ≤ 2 signals */

  /* Paused: nothing moves, lines are kept aside up to the window, the rest counted. */
  sn_log_model_clear (model);
  mirror.n = 0;
  mirror.emissions = 0;
  sn_log_model_set_paused (model, TRUE);
  for (guint i = 0; i < 2500; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u", i);

      sn_log_model_append (model, line);
    }
  sn_log_model_flush (model);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
  g_assert_cmpuint (mirror.emissions, ==, 0);
  g_assert_cmpuint (sn_log_model_get_n_pending (model), ==, 1000);
  g_assert_cmpuint (sn_log_model_get_n_skipped (model), ==, 1500);
  sn_log_model_set_paused (model, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1000);
  {
    g_autoptr(SnLogLine) first = g_list_model_get_item (G_LIST_MODEL (model), 0);

    g_assert_cmpstr (sn_log_line_get_text (first), ==, "line 1500");
  }
  text = sn_log_model_dup_text (model);
  g_assert_true (g_str_has_prefix (text, "line 1500\nline 1501\n"));
  g_assert_true (g_str_has_suffix (text, "line 2499\n"));
}

static void
count_pending (SnLogModel *model,
               guint      *count)
{
  (*count)++;
}

static void
assert_lines (SnLogModel *model,
              guint       n)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnLogLine) line = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *expected = g_strdup_printf ("line %u", i);

      g_assert_cmpstr (sn_log_line_get_text (line), ==, expected);
    }
}

/* Frame-driven: no timer; the driver is told once, publishes a share at a
 * time in order, nothing while paused, and is told again on resume. */
static void
test_frame_driven (void)
{
  g_autoptr(SnLogModel) model = sn_log_model_new (1000);
  Mirror mirror = { 0 };
  guint told = 0;
  gboolean done = FALSE;

  g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), &mirror);
  g_signal_connect (model, "lines-pending", G_CALLBACK (count_pending), &told);
  sn_log_model_set_frame_driven (model, TRUE);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *line = g_strdup_printf ("line %u", i);

      sn_log_model_append (model, line);
    }
  g_assert_cmpuint (told, ==, 1);
  g_timeout_add (250, quit_later, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (mirror.emissions, ==, 0);
  g_assert_cmpuint (sn_log_model_flush_some (model, 2), ==, 3);
  g_assert_cmpuint (mirror.emissions, ==, 1);
  assert_lines (model, 2);

  sn_log_model_set_paused (model, TRUE);
  g_assert_cmpuint (sn_log_model_flush_some (model, 2), ==, 0);
  assert_lines (model, 2);
  sn_log_model_set_paused (model, FALSE);
  g_assert_cmpuint (told, ==, 2);
  g_assert_cmpuint (sn_log_model_flush_some (model, 100), ==, 0);
  assert_lines (model, 5);

  /* Back on the timer, what waits is published without a driver. */
  {
    g_autofree char *line = g_strdup ("line 5");

    sn_log_model_append (model, line);
  }
  sn_log_model_set_frame_driven (model, FALSE);
  done = FALSE;
  g_timeout_add (250, quit_later, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  assert_lines (model, 6);
}

typedef struct
{
  gboolean done;
  GError  *error;
} Stream;

static void
on_streamed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Stream *stream = user_data;

  sn_log_model_stream_finish (SN_LOG_MODEL (source), result, &stream->error);
  stream->done = TRUE;
}

static gboolean
stream_done (gpointer data)
{
  return ((Stream *) data)->done;
}

static gboolean
has_lines (gpointer data)
{
  return g_list_model_get_n_items (data) > 0;
}

/* The audit lines of @path, parsed. */
static GPtrArray *
audit_entries (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return entries;
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (*lines[i] == '\0')
        continue;
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      g_ptr_array_add (entries, json_object_ref (json_node_get_object (json_parser_get_root (parser))));
    }
  return entries;
}

/* Streaming leaves one audit line, like every other command on the host (L6). */
static void
assert_logs_audited (const char *path,
                     guint       index,
                     gboolean    follow)
{
  g_autoptr(GPtrArray) entries = audit_entries (path);
  JsonObject *entry;
  const char *command;

  g_assert_cmpuint (entries->len, ==, index + 1);
  entry = g_ptr_array_index (entries, index);
  command = json_object_get_string_member (entry, "command");
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "host.compose.logs");
  g_assert_cmpstr (json_object_get_string_member (entry, "profile"), ==, sn_test_stack_get ("PROFILE_NAME"));
  g_assert_nonnull (strstr (command, "--env-file .env.production.local logs --no-color --tail"));
  g_assert_nonnull (strstr (command, sn_test_stack_get ("DEPLOY_PATH")));
  g_assert_true (g_str_has_suffix (command, follow ? "--follow app (cancelled)" : " app"));
  if (!follow)
    g_assert_cmpint (json_object_get_int_member (entry, "exit_status"), ==, 0);
}

static void
test_live_stream (void)
{
  SnProfile *profile;
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnAuditLog) audit = NULL;
  g_autoptr(SnHost) host = NULL;
  g_autofree char *audit_path = NULL;
  g_autoptr(SnLogModel) model = sn_log_model_new (0);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Stream stream = { FALSE, NULL };
  guint n_info = 0, n;

  sn_test_stack_up ();
  profile = sn_test_stack_profile ();
  session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  audit_path = g_build_filename (sn_test_stack_dir (), "test-log-model-audit.jsonl", NULL);
  g_unlink (audit_path);
  audit = sn_audit_log_new (audit_path);
  host = sn_host_new (session, audit);

  sn_log_model_stream_async (model, host, "app", 20, FALSE, NULL, on_streamed, &stream);
  g_assert_true (sn_test_wait_until (stream_done, &stream, 60000));
  g_assert_no_error (stream.error);
  assert_logs_audited (audit_path, 0, FALSE);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, >, 0);
  g_assert_cmpuint (n, <=, 20);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnLogLine) line = g_list_model_get_item (G_LIST_MODEL (model), i);

      g_assert_cmpstr (sn_log_line_get_service (line), ==, "app");
      n_info += sn_log_line_get_level (line) == SN_LOG_LEVEL_INFO;
    }
  g_assert_cmpuint (n_info, >, 0);

  /* Following: lines arrive, then Cancel stops it cleanly. */
  sn_log_model_clear (model);
  stream.done = FALSE;
  sn_log_model_stream_async (model, host, "app", 5, TRUE, cancellable, on_streamed, &stream);
  g_assert_true (sn_log_model_get_streaming (model));
  g_assert_true (sn_test_wait_until (has_lines, model, 30000));
  g_assert_false (stream.done);
  g_cancellable_cancel (cancellable);
  g_assert_true (sn_test_wait_until (stream_done, &stream, 30000));
  g_assert_false (sn_log_model_get_streaming (model));
  g_clear_error (&stream.error);
  assert_logs_audited (audit_path, 1, TRUE);
  /* Join the worker from here: the last reference must not drop on it. */
  sn_ssh_session_disconnect (session);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/log-model/levels", test_levels);
  g_test_add_func ("/core/log-model/compose-prefix", test_prefix);
  g_test_add_func ("/core/log-model/100000-lines", test_window);
  g_test_add_func ("/core/log-model/throttle-and-pause", test_throttle_and_pause);
  g_test_add_func ("/core/log-model/frame-driven", test_frame_driven);
  g_test_add_func ("/core/log-model/live-stream", test_live_stream);

  return g_test_run ();
}
