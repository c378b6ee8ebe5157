/* test-audit-reader.c: SnAuditReader, the audit log read back as a GListModel
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-audit-reader"

#include "config.h"

#include <glib/gstdio.h>

#include "sn-audit-log.h"
#include "sn-audit-reader.h"
#include "sn-test-stack.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
  guint count;
} Changed;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Changed *changed = user_data;

  changed->position = position;
  changed->removed = removed;
  changed->added = added;
  changed->count++;
}

static SnAuditEntry *
item (SnAuditReader *reader,
      guint          i)
{
  SnAuditEntry *entry = g_list_model_get_item (G_LIST_MODEL (reader), i);

  g_assert_nonnull (entry);
  g_object_unref (entry);   /* the reader keeps it */
  return entry;
}

/* Lines written by hand: two entries, a monitoring hour, and three lines
 * that are not audit entries (garbage, an array, an object without action). */
static const char log_text[] =
  "{\"time\":\"2026-01-02T09:00:00.000Z\",\"profile\":\"demo\",\"user\":\"ann\","
  "\"action\":\"host.exec\",\"command\":\"df -h\",\"exit_status\":0,\"duration_ms\":12.5,\"bytes\":300}\n"
  "not json at all\n"
  "\n"
  "[1,2,3]\n"
  "{\"time\":\"2026-01-02T10:00:00.000Z\",\"profile\":\"prod\",\"user\":\"bob\","
  "\"action\":\"monitoring\",\"origin\":\"monitoring\",\"command\":\"3 reads\",\"exit_status\":0,"
  "\"duration_ms\":1,\"bytes\":0,\"count\":3}\n"
  "{\"profile\":\"demo\",\"command\":\"no action here\"}\n"
  "  {\"time\":\"2026-01-02T11:00:00.000Z\",\"profile\":\"demo\",\"user\":\"ann\","
  "\"action\":\"db.query\",\"command\":\"SELECT 1\",\"exit_status\":3,\"duration_ms\":7,\"bytes\":9}  \n";

static void
test_reader_lines (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-audit-reader-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "audit.jsonl", NULL);
  g_autoptr(SnAuditReader) oldest = sn_audit_reader_new (path, SN_AUDIT_ORDER_OLDEST_FIRST);
  g_autoptr(SnAuditReader) newest = sn_audit_reader_new (path, SN_AUDIT_ORDER_NEWEST_FIRST);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expected = NULL;
  Changed changed = { 0 };
  SnAuditEntry *entry;

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (oldest)) == SN_TYPE_AUDIT_ENTRY);

  /* No log yet: empty, not an error, nothing changed. */
  g_signal_connect (oldest, "items-changed", G_CALLBACK (on_items_changed), &changed);
  g_assert_true (sn_audit_reader_load_sync (oldest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (oldest)), ==, 0);
  g_assert_cmpuint (changed.count, ==, 0);

  g_assert_true (g_file_set_contents (path, log_text, -1, &error));
  g_assert_true (sn_audit_reader_load_sync (oldest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (oldest)), ==, 3);
  g_assert_cmpuint (sn_audit_reader_get_skipped (oldest), ==, 3);
  g_assert_cmpuint (changed.count, ==, 1);
  g_assert_cmpuint (changed.position, ==, 0);
  g_assert_cmpuint (changed.removed, ==, 0);
  g_assert_cmpuint (changed.added, ==, 3);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (oldest), 3));

  entry = item (oldest, 0);
  g_assert_cmpstr (sn_audit_entry_get_time (entry), ==, "2026-01-02T09:00:00.000Z");
  g_assert_cmpstr (sn_audit_entry_get_profile (entry), ==, "demo");
  g_assert_cmpstr (sn_audit_entry_get_user (entry), ==, "ann");
  g_assert_cmpstr (sn_audit_entry_get_action (entry), ==, "host.exec");
  g_assert_cmpstr (sn_audit_entry_get_command (entry), ==, "df -h");
  g_assert_cmpint (sn_audit_entry_get_exit_status (entry), ==, 0);
  g_assert_cmpfloat (sn_audit_entry_get_duration_ms (entry), ==, 12.5);
  g_assert_cmpint (sn_audit_entry_get_bytes (entry), ==, 300);
  g_assert_false (sn_audit_entry_get_monitoring (entry));
  expected = g_date_time_new_utc (2026, 1, 2, 9, 0, 0);
  g_assert_nonnull (sn_audit_entry_get_date_time (entry));
  g_assert_true (g_date_time_equal (sn_audit_entry_get_date_time (entry), expected));
  {
    g_autoptr(GDateTime) local = g_date_time_to_local (expected);
    g_autofree char *text = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

    g_assert_cmpstr (sn_audit_entry_get_local_time (entry), ==, text);
  }
  g_assert_cmpint (json_object_get_int_member (sn_audit_entry_get_json (entry), "bytes"), ==, 300);

  entry = item (oldest, 1);
  g_assert_true (sn_audit_entry_get_monitoring (entry));
  g_assert_cmpint (json_object_get_int_member (sn_audit_entry_get_json (entry), "count"), ==, 3);

  entry = item (oldest, 2);   /* the padded last line */
  g_assert_cmpstr (sn_audit_entry_get_action (entry), ==, "db.query");
  g_assert_cmpint (sn_audit_entry_get_exit_status (entry), ==, 3);

  /* Newest first: the same entries the other way round. */
  g_assert_true (sn_audit_reader_load_sync (newest, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (newest)), ==, 3);
  g_assert_cmpstr (sn_audit_entry_get_action (item (newest, 0)), ==, "db.query");
  g_assert_cmpstr (sn_audit_entry_get_action (item (newest, 2)), ==, "host.exec");

  /* A reload replaces everything, in one change. */
  changed.count = 0;
  g_assert_true (g_file_set_contents (path, "{\"action\":\"x\",\"time\":\"soon\"}\n", -1, &error));
  g_assert_true (sn_audit_reader_load_sync (oldest, NULL, &error));
  g_assert_cmpuint (changed.count, ==, 1);
  g_assert_cmpuint (changed.removed, ==, 3);
  g_assert_cmpuint (changed.added, ==, 1);
  g_assert_cmpuint (sn_audit_reader_get_skipped (oldest), ==, 0);
  entry = item (oldest, 0);
  g_assert_null (sn_audit_entry_get_date_time (entry));
  g_assert_cmpstr (sn_audit_entry_get_local_time (entry), ==, "soon");
  g_assert_cmpstr (sn_audit_entry_get_profile (entry), ==, "");

  /* Not readable: an error that names the file, and the model is kept. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  g_assert_false (sn_audit_reader_load_sync (oldest, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (oldest)), ==, 1);

  g_rmdir (path);
  g_rmdir (dir);
}

/* What SnAuditLog writes, read back (async), secrets already redacted. */
static void
test_reader_round_trip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-audit-reader-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "audit.jsonl", NULL);
  g_autoptr(SnAuditLog) log = sn_audit_log_new (path);
  g_autoptr(SnAuditReader) reader = sn_audit_reader_new (path, SN_AUDIT_ORDER_NEWEST_FIRST);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) loaded = NULL;
  SnAuditEntry *entry;

  g_assert_true (sn_audit_log_append (log, "production", "host.exec", "PGPASSWORD=hunter2 psql",
                                      0, 1500, 42, &error));
  g_assert_true (sn_audit_log_append (log, "production", "host.exec", "false", 1, 1000, 0, &error));
  g_assert_no_error (error);

  sn_audit_reader_load_async (reader, NULL, sn_test_store_result_cb, &loaded);
  g_assert_true (sn_audit_reader_load_finish (reader, sn_test_wait_for_result (&loaded, SN_TEST_WAIT_MS),
                                              &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, 2);

  entry = item (reader, 0);
  g_assert_cmpstr (sn_audit_entry_get_command (entry), ==, "false");
  g_assert_cmpint (sn_audit_entry_get_exit_status (entry), ==, 1);
  entry = item (reader, 1);
  g_assert_cmpstr (sn_audit_entry_get_profile (entry), ==, "production");
  g_assert_cmpstr (sn_audit_entry_get_command (entry), ==, "PGPASSWORD=[REDACTED] psql");
  g_assert_cmpint (sn_audit_entry_get_bytes (entry), ==, 42);
  g_assert_cmpfloat (sn_audit_entry_get_duration_ms (entry), ==, 1.5);
  g_assert_nonnull (sn_audit_entry_get_date_time (entry));

  /* Cancelled before it ran: an error, and the model stays as it was. */
  g_cancellable_cancel (cancellable);
  g_assert_false (sn_audit_reader_load_sync (reader, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reader)), ==, 2);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audit-reader/lines", test_reader_lines);
  g_test_add_func ("/audit-reader/round-trip", test_reader_round_trip);

  return g_test_run ();
}
