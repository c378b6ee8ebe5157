/* test-audit-log.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <json-glib/json-glib.h>

#include "sn-audit-log.h"

static void
check (const char *in,
       const char *expected)
{
  g_autofree char *out = sn_audit_redact (in);
  g_assert_cmpstr (out, ==, expected);
}

static void
test_redact (void)
{
  check ("docker compose ps", "docker compose ps");
  check ("NEXTAUTH_SECRET=abc123 npm run build", "NEXTAUTH_SECRET=[REDACTED] npm run build");
  check ("export API_KEY='x y z'; run", "export API_KEY=[REDACTED]; run");
  check ("PGPASSWORD=\"s3cr3t\" psql -U snarcisse", "PGPASSWORD=[REDACTED] psql -U snarcisse");
  check ("UPSTASH_REDIS_REST_TOKEN=tok&&x", "UPSTASH_REDIS_REST_TOKEN=[REDACTED]&&x");
  check ("psql postgres://snarcisse:hunter2@127.0.0.1:5432/snarcisse -c 'select 1'",
         "psql postgres://snarcisse:[REDACTED]@127.0.0.1:5432/snarcisse -c 'select 1'");
  check ("DATABASE_URL=postgresql://u:p@db/x node",
         "DATABASE_URL=postgresql://u:[REDACTED]@db/x node");
  check ("curl -H 'Authorization: Bearer eyJhbGciOi.abc' http://127.0.0.1:3000/api/health",
         "curl -H 'Authorization: Bearer [REDACTED]' http://127.0.0.1:3000/api/health");
  check ("curl -H \"authorization: Basic dXNlcjpwYXNz\" x", "curl -H \"authorization: Basic [REDACTED]\" x");
  check ("mc alias set local http://127.0.0.1:9000 --secret-key=abc", "mc alias set local http://127.0.0.1:9000 --secret-key=[REDACTED]");
  check ("git log --oneline -5", "git log --oneline -5");
  check ("https://example.org/path@v1", "https://example.org/path@v1");
  /* L5: what the first patterns missed. */
  check ("psql --password hunter22 -c x", "psql --password [REDACTED] -c x");
  check ("tool --api-key 'a b' --verbose", "tool --api-key [REDACTED] --verbose");
  check ("psql --no-password -c 'select 1'", "psql --no-password -c 'select 1'");
  check ("mysql -u root -pS3cret db", "mysql -u root -p[REDACTED] db");
  check ("find /x -maxdepth 1 -printf '%p'", "find /x -maxdepth 1 -printf '%p'");
  check ("curl -d '{\"user\":\"a\",\"password\":\"p4ss\\\"w\"}'",
         "curl -d '{\"user\":\"a\",\"password\":\"[REDACTED]\"}'");
  check ("psql postgres://u:p@ss/w0rd@db.local:5432/x", "psql postgres://u:[REDACTED]@db.local:5432/x");
}

/* A write cut short (the disk filled mid-line) is taken back: the next line
 * is whole, and no line is torn. RLIMIT_FSIZE makes the short write happen. */
static void
test_torn_line (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("sn-audit-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "audit.jsonl", NULL);
      g_autoptr(SnAuditLog) log = sn_audit_log_new (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *big = g_strnfill (4000, 'x');
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      struct rlimit limit;
      GStatBuf st;

      g_assert_true (sn_audit_log_append (log, "p", "first", "one", 0, 0, 0, &error));
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      signal (SIGXFSZ, SIG_IGN);
      limit.rlim_cur = limit.rlim_max = st.st_size + 400;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);

      g_assert_false (sn_audit_log_append (log, "p", "second", big, 0, 0, 0, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
      g_assert_true (sn_audit_log_append (log, "p", "third", "three", 0, 0, 0, &error));
      g_assert_no_error (error);

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      lines = g_strsplit (contents, "\n", -1);
      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      for (guint i = 0; i < 2; i++)
        {
          g_autoptr(JsonNode) node = json_from_string (lines[i], &error);

          g_assert_no_error (error);
        }
      g_assert_nonnull (strstr (lines[1], "\"third\""));
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Past its size the log moves to audit.1.jsonl and starts again. */
static void
test_rotation (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-audit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "audit.jsonl", NULL);
  g_autoptr(SnAuditLog) log = sn_audit_log_new (path);
  g_autofree char *rotated = sn_audit_log_dup_rotated_path (log);
  g_autofree char *old = NULL;
  g_autofree char *now = NULL;
  g_autofree char *expected = g_build_filename (dir, "audit.1.jsonl", NULL);

  g_assert_cmpstr (rotated, ==, expected);
  _sn_audit_log_set_rotate_bytes (300);
  for (guint i = 0; i < 3; i++)
    g_assert_true (sn_audit_log_append (log, "p", "a", "some command here", 0, 0, 0, NULL));
  _sn_audit_log_set_rotate_bytes (0);

  g_assert_true (g_file_get_contents (rotated, &old, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &now, NULL, NULL));
  g_assert_cmpuint (strlen (now), <, 300);
  g_assert_nonnull (strstr (old, "some command here"));
}

static void
test_append (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-audit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sub", "audit.jsonl", NULL);
  g_autoptr(SnAuditLog) log = sn_audit_log_new (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *obj;

  g_assert_true (sn_audit_log_append (log, "production", "host.exec",
                                      "PGPASSWORD=pw pg_dump -U snarcisse", 0, 1500000, 1234, &error));
  g_assert_no_error (error);
  g_assert_true (sn_audit_log_append (log, "production", "host.exec", "false", 1, 1000, 0, &error));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_null (strstr (contents, "pw pg_dump"));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[2], ==, "");

  node = json_from_string (lines[0], &error);
  g_assert_no_error (error);
  obj = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (obj, "profile"), ==, "production");
  g_assert_cmpstr (json_object_get_string_member (obj, "user"), ==, g_get_user_name ());
  g_assert_cmpstr (json_object_get_string_member (obj, "command"), ==, "PGPASSWORD=[REDACTED] pg_dump -U snarcisse");
  g_assert_cmpint (json_object_get_int_member (obj, "exit_status"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (obj, "bytes"), ==, 1234);
  g_assert_cmpfloat (json_object_get_double_member (obj, "duration_ms"), ==, 1500.0);
  g_assert_true (g_str_has_suffix (json_object_get_string_member (obj, "time"), "Z"));
}

/* Routine reads fold into one line per profile and hour; an hour left in the
 * record by a run that ended (or crashed) is written by the next append,
 * before it. */
static void
test_monitoring_fold (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sn-audit-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "audit.jsonl", NULL);
  g_autoptr(SnAuditLog) log = sn_audit_log_new (path);
  g_autofree char *state = sn_audit_log_dup_monitoring_path (log);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autoptr(JsonNode) folded = NULL;
  JsonObject *obj;

  for (guint i = 0; i < 120; i++)
    g_assert_true (sn_audit_log_append_monitoring (log, "production", i % 2 ? "host.df" : "host.compose.ps",
                                                   i == 7 ? 255 : 0, 2000, 10, &error));
  g_assert_no_error (error);
  g_assert_true (sn_audit_log_append_monitoring (log, "staging", "host.uptime", 0, 1000, 5, &error));
  /* Nothing in the log yet: the hour is under way; the record has it. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (state, G_FILE_TEST_EXISTS));

  /* The app stopped; the hour is long over when someone acts again. */
  g_assert_true (g_file_get_contents (state, &contents, NULL, NULL));
  {
    g_autoptr(GRegex) hour = g_regex_new ("\"hour\":\"[^\"]*\"", 0, 0, NULL);
    g_autofree char *old = g_regex_replace_literal (hour, contents, -1, 0, "\"hour\":\"2000-01-01T10\"", 0, NULL);

    g_assert_true (g_file_set_contents (state, old, -1, NULL));
  }
  g_clear_pointer (&contents, g_free);
  g_assert_true (sn_audit_log_append (log, "production", "backup.create", "pg_dump", 0, 1000, 0, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (state, G_FILE_TEST_EXISTS));

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_test_message ("%s", contents);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  first = json_from_string (lines[0], &error);
  g_assert_no_error (error);
  obj = json_node_get_object (first);
  if (g_strcmp0 (json_object_get_string_member (obj, "profile"), "production") != 0)
    {
      folded = json_from_string (lines[1], &error);
      obj = json_node_get_object (folded);
    }
  g_assert_cmpstr (json_object_get_string_member (obj, "action"), ==, "monitoring");
  g_assert_cmpstr (json_object_get_string_member (obj, "profile"), ==, "production");
  g_assert_cmpint (json_object_get_int_member (obj, "count"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (obj, "failures"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "exit_status"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "bytes"), ==, 1200);
  g_assert_nonnull (strstr (json_object_get_string_member (obj, "command"), "host.compose.ps ×60"));
  g_assert_nonnull (strstr (json_object_get_string_member (obj, "command"), "host.df ×60"));
  g_assert_cmpstr (json_object_get_string_member (obj, "first"), <=, json_object_get_string_member (obj, "last"));
  g_assert_nonnull (strstr (lines[0], "\"monitoring\""));
  g_assert_nonnull (strstr (lines[1], "\"monitoring\""));
  g_assert_nonnull (strstr (lines[1], "\"staging\"") != NULL ? lines[1] : strstr (lines[0], "\"staging\""));
  g_assert_nonnull (strstr (lines[2], "backup.create"));

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_disk_full (void)
{
  g_autoptr(SnAuditLog) log = sn_audit_log_new ("/dev/full");
  g_autoptr(GError) error = NULL;

  g_assert_false (sn_audit_log_append (log, "p", "a", "c", 0, 0, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_test_message ("%s", error->message);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audit-log/redact", test_redact);
  g_test_add_func ("/audit-log/append", test_append);
  g_test_add_func ("/audit-log/monitoring-fold", test_monitoring_fold);
  g_test_add_func ("/audit-log/disk-full", test_disk_full);
  g_test_add_func ("/audit-log/torn-line", test_torn_line);
  g_test_add_func ("/audit-log/rotation", test_rotation);

  return g_test_run ();
}
