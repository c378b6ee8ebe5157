/* test-audit-log.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
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
  g_test_add_func ("/audit-log/disk-full", test_disk_full);

  return g_test_run ();
}
