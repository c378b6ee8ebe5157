/* test-query-history.c: the SQL editor's history and saved queries
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-query-history"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "sn-query-history.h"

static char *
scratch_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sn-query-history-XXXXXX", &error);

  g_assert_no_error (error);

  return g_build_filename (dir, "sub", "profile.json", NULL);
}

static const char *
item_sql (GListModel *model,
          guint       position)
{
  g_autoptr(SnQueryHistoryItem) item = g_list_model_get_item (model, position);

  g_assert_nonnull (item);
  /* Owned by the history, which holds the item. */
  return sn_query_history_item_get_sql (item);
}

/* Newest first, each statement once, kept across a reload, written 0600. */
static void
test_history (void)
{
  g_autofree char *path = scratch_path ();
  g_autoptr(SnQueryHistory) history = sn_query_history_new_for_path (path);
  g_autoptr(SnQueryHistory) again = NULL;
  g_autoptr(SnQueryHistoryItem) first = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *list = sn_query_history_get_history (history);
  GStatBuf st;

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 0);
  g_assert_true (sn_query_history_add (history, "SELECT 1", &error));
  g_assert_no_error (error);
  g_assert_true (sn_query_history_add (history, "SELECT\n\t2", &error));
  g_assert_true (sn_query_history_add (history, "SELECT 1", &error));
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  g_assert_cmpstr (item_sql (list, 0), ==, "SELECT 1");
  g_assert_cmpstr (item_sql (list, 1), ==, "SELECT\n\t2");
  first = g_list_model_get_item (list, 1);
  g_assert_cmpstr (sn_query_history_item_get_summary (first), ==, "SELECT  2");
  g_assert_null (sn_query_history_item_get_name (first));
  g_assert_nonnull (sn_query_history_item_get_time (first));

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  again = sn_query_history_new_for_path (path);
  list = sn_query_history_get_history (again);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 2);
  g_assert_cmpstr (item_sql (list, 0), ==, "SELECT 1");
  g_assert_cmpstr (item_sql (list, 1), ==, "SELECT\n\t2");
}

static void
test_limit (void)
{
  g_autoptr(SnQueryHistory) history = sn_query_history_new_for_path (NULL);
  GListModel *list = sn_query_history_get_history (history);

  for (guint i = 0; i < SN_QUERY_HISTORY_MAX + 10; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT %u", i);
      g_autoptr(GError) error = NULL;

      g_assert_true (sn_query_history_add (history, sql, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, SN_QUERY_HISTORY_MAX);
  g_assert_cmpstr (item_sql (list, 0), ==, "SELECT 209");
  g_assert_cmpstr (item_sql (list, SN_QUERY_HISTORY_MAX - 1), ==, "SELECT 10");
}

/* Saved queries keep their names and their order, and members the history
 * does not know survive a write. */
static void
test_saved (void)
{
  g_autofree char *path = scratch_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = NULL;
  g_autoptr(SnQueryHistory) history = NULL;
  g_autoptr(SnQueryHistory) again = NULL;
  g_autoptr(SnQueryHistoryItem) item = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *saved;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path,
                                      "{\"saved\": [{\"name\": \"boats\", \"sql\": \"SELECT * FROM \\\"Boat\\\"\"},"
                                      " {\"name\": \"no sql\"}], \"other\": 42}", -1, &error));
  history = sn_query_history_new_for_path (path);
  saved = sn_query_history_get_saved (history);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 1);

  g_assert_false (sn_query_history_save_query (history, "", "SELECT 1", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (sn_query_history_save_query (history, "one", "SELECT 1", &error));
  g_assert_no_error (error);

  again = sn_query_history_new_for_path (path);
  saved = sn_query_history_get_saved (again);
  g_assert_cmpuint (g_list_model_get_n_items (saved), ==, 2);
  item = g_list_model_get_item (saved, 1);
  g_assert_cmpstr (sn_query_history_item_get_name (item), ==, "one");
  g_assert_cmpstr (sn_query_history_item_get_sql (item), ==, "SELECT 1");
  g_assert_cmpstr (item_sql (saved, 0), ==, "SELECT * FROM \"Boat\"");
  g_assert_cmpuint (g_list_model_get_n_items (sn_query_history_get_history (again)), ==, 0);

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_nonnull (strstr (text, "\"other\" : 42"));
}

/* A file that is not JSON is an empty history, as before; the next write
 * replaces it. A folder that cannot be made is an error, with its reason. */
static void
test_bad_files (void)
{
  g_autofree char *path = scratch_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *blocked = NULL;
  g_autoptr(SnQueryHistory) history = NULL;
  g_autoptr(SnQueryHistory) nowhere = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "not json", -1, &error));
  history = sn_query_history_new_for_path (path);
  g_assert_cmpuint (g_list_model_get_n_items (sn_query_history_get_history (history)), ==, 0);
  g_assert_true (sn_query_history_add (history, "SELECT 1", &error));
  g_assert_no_error (error);

  /* "profile.json/x/h.json": the parent is a file. */
  blocked = g_build_filename (path, "x", "h.json", NULL);
  nowhere = sn_query_history_new_for_path (blocked);
  g_assert_false (sn_query_history_add (nowhere, "SELECT 1", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "x"));
  g_assert_cmpuint (g_list_model_get_n_items (sn_query_history_get_history (nowhere)), ==, 1);
}

static void
test_default_path (void)
{
  g_autofree char *path = sn_query_history_dup_default_path ("prod");
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "sql-history",
                                                "prod.json", NULL);
  g_autoptr(SnQueryHistory) history = sn_query_history_new ("prod");

  g_assert_cmpstr (path, ==, expected);
  g_assert_cmpstr (sn_query_history_get_path (history), ==, expected);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/QueryHistory/history", test_history);
  g_test_add_func ("/core/QueryHistory/limit", test_limit);
  g_test_add_func ("/core/QueryHistory/saved", test_saved);
  g_test_add_func ("/core/QueryHistory/bad-files", test_bad_files);
  g_test_add_func ("/core/QueryHistory/default-path", test_default_path);

  return g_test_run ();
}
