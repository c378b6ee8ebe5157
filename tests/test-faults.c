/* test-faults.c: the fault matrix, on the real local stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each case injects one fault into a real operation (SSH dropped mid-transfer,
 * PostgreSQL or Redis stopped, a full disk, a wrong key, a changed host key, a
 * corrupt dump, a malformed health answer, a cancel at every step of every
 * built-in runbook) and checks four things: the error is a sentence a person
 * can act on, nothing half-written is left (here or on the host), the
 * production state is as before or reverted, and the audit log says what
 * happened. The matrix and its results are printed as a table at the end.
 *
 * Sync points, not sleeps: the SSH drop lands on the first progress callback
 * of a transfer that lasts seconds; PostgreSQL stops once pg_stat_activity
 * shows the statement running; a runbook step is cancelled on its RUNNING
 * notification while its action is held at a barrier.
 */

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <glib/gstdio.h>

#include "sn-actions-builtin.h"
#include "sn-audit-log.h"
#include "sn-backup-service.h"
#include "sn-core.h"
#include "sn-database-connector.h"
#include "sn-known-hosts.h"
#include "sn-query-result.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-sql-console.h"
#include "sn-ssh-session.h"
#include "sn-test-stack.h"
#include "test-faults.h"

static const char * const tables[] = { "Booking", "Boat", "Payment", "User", NULL };

SnProfile *fault_profile;
SnSshSession *fault_session;
SnBackupService *fault_service;
SnRunbookCatalog *fault_catalog;

/* The matrix ---------------------------------------------------------------- */

typedef struct
{
  char *fault;
  char *operation;
  char *error;
  char *leftovers;
  char *state;
  char *audit;
} Row;

static GPtrArray *rows;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->fault);
  g_free (row->operation);
  g_free (row->error);
  g_free (row->leftovers);
  g_free (row->state);
  g_free (row->audit);
  g_free (row);
}

/* One line of the table; the first line of @error, cut. */
void
fault_record (const char *fault,
        const char *operation,
        const char *error,
        const char *leftovers,
        const char *state,
        const char *audit)
{
  Row *row = g_new0 (Row, 1);
  g_autofree char *first = g_strdup (error != NULL ? error : "(none)");
  char *newline = strchr (first, '\n');

  if (newline != NULL)
    *newline = '\0';
  if (g_utf8_strlen (first, -1) > 90)
    {
      g_autofree char *cut = g_utf8_substring (first, 0, 89);

      g_free (first);
      first = g_strconcat (cut, "…", NULL);
    }
  row->fault = g_strdup (fault);
  row->operation = g_strdup (operation);
  row->error = g_steal_pointer (&first);
  row->leftovers = g_strdup (leftovers);
  row->state = g_strdup (state);
  row->audit = g_strdup (audit);
  g_ptr_array_add (rows, row);
  g_test_message ("%s | %s | %s | %s | %s | %s", row->fault, row->operation, row->error,
                  row->leftovers, row->state, row->audit);
}

static void
print_table (void)
{
  const char *head[] = { "fault", "operation", "error seen", "leftovers", "state", "audit" };
  guint width[6] = { 0 };

  for (guint c = 0; c < 6; c++)
    width[c] = g_utf8_strlen (head[c], -1);
  for (guint i = 0; i < rows->len; i++)
    {
      Row *row = g_ptr_array_index (rows, i);
      const char *cells[] = { row->fault, row->operation, row->error, row->leftovers, row->state, row->audit };

      for (guint c = 0; c < 6; c++)
        width[c] = MAX (width[c], (guint)g_utf8_strlen (cells[c], -1));
    }

  g_print ("# Fault matrix: %u cases\n", rows->len);
  for (gint i = -1; i < (gint)rows->len; i++)
    {
      Row *row = i >= 0 ? g_ptr_array_index (rows, i) : NULL;
      const char *cells[6];
      g_autoptr(GString) line = g_string_new ("# ");

      if (row == NULL)
        memcpy (cells, head, sizeof cells);
      else
        {
          cells[0] = row->fault;
          cells[1] = row->operation;
          cells[2] = row->error;
          cells[3] = row->leftovers;
          cells[4] = row->state;
          cells[5] = row->audit;
        }
      for (guint c = 0; c < 6; c++)
        {
          g_string_append (line, cells[c]);
          if (c < 5)
            {
              for (guint k = g_utf8_strlen (cells[c], -1); k < width[c]; k++)
                g_string_append_c (line, ' ');
              g_string_append (line, " | ");
            }
        }
      g_print ("%s\n", line->str);
    }
}

/* Checks shared by every case ------------------------------------------------ */

/* A sentence a person can act on: long enough to say what and why, naming
 * @needle (what failed), and not a bare C library message. */
static gboolean
error_is_clear (const char *message,
                const char *needle)
{
  g_autofree char *folded = NULL;
  g_autofree char *folded_needle = NULL;

  if (message == NULL || g_utf8_strlen (message, -1) < 25 || strchr (message, ' ') == NULL)
    return FALSE;
  for (int e = 1; e < 134; e++)
    if (g_str_has_prefix (message, g_strerror (e)))
      return FALSE;
  folded = g_utf8_casefold (message, -1);
  folded_needle = g_utf8_casefold (needle, -1);
  return strstr (folded, folded_needle) != NULL;
}

static void
assert_clear (const char *message,
              const char *needle)
{
  if (!error_is_clear (message, needle))
    g_error ("not a clear error (wanted a sentence naming “%s”): %s", needle,
             message != NULL ? message : "(none)");
}

/* The production data: count + md5 of every row of the app's tables, the
 * roles, and the databases (a temporary one left behind shows here). */
static char *
fingerprint (void)
{
  g_autofree char *data = sn_test_tables_fingerprint (tables);
  g_autoptr(GString) text = g_string_new (data);

  {
    g_autofree char *roles = sn_test_psql ("SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles");
    g_autofree char *dbs = sn_test_psql ("SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_database");

    g_string_append_printf (text, "roles=%s\ndatabases=%s\n", roles, dbs);
  }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
read_stack_file (const char *relative)
{
  g_autofree char *path = g_build_filename (sn_test_stack_dir (), relative, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return g_strstrip (contents);
}

static gboolean
app_running (void)
{
  g_autofree char *pid = read_stack_file ("app/app.pid");
  g_autofree char *proc = g_strdup_printf ("/proc/%s", pid);

  return *pid != '\0' && g_file_test (proc, G_FILE_TEST_IS_DIR);
}

void
fault_snapshot_take (FaultSnapshot *snap)
{
  snap->data = fingerprint ();
  snap->app_pid = read_stack_file ("app/app.pid");
  snap->authorized_keys = read_stack_file ("ssh/authorized_keys");
}

void
fault_snapshot_clear (FaultSnapshot *snap)
{
  g_clear_pointer (&snap->data, g_free);
  g_clear_pointer (&snap->app_pid, g_free);
  g_clear_pointer (&snap->authorized_keys, g_free);
}

/* "as before", "reverted (app restarted)" or what differs. */
char *
fault_snapshot_compare (FaultSnapshot *before,
                  gboolean  app_may_restart)
{
  g_autofree char *data = fingerprint ();
  g_autofree char *pid = read_stack_file ("app/app.pid");
  g_autofree char *keys = read_stack_file ("ssh/authorized_keys");

  if (g_strcmp0 (data, before->data) != 0)
    return g_strdup_printf ("DATA CHANGED:\n%s\nwas:\n%s", data, before->data);
  if (g_strcmp0 (keys, before->authorized_keys) != 0)
    return g_strdup ("AUTHORIZED_KEYS CHANGED");
  if (!app_running ())
    return g_strdup ("APP NOT RUNNING");
  if (g_strcmp0 (pid, before->app_pid) != 0)
    return app_may_restart ? g_strdup ("reverted (app restarted)") : g_strdup ("APP RESTARTED");
  return g_strdup ("as before");
}

static gboolean
state_ok (const char *state)
{
  return g_str_equal (state, "as before") || g_str_has_prefix (state, "reverted");
}

/* Leftovers ----------------------------------------------------------------- */

static gboolean
is_half_written (const char *name)
{
  static const char * const suffixes[] = { ".part", ".tmp", ".up", ".dl", ".rc", NULL };
  const char *dot = strrchr (name, '.');

  for (guint i = 0; suffixes[i] != NULL; i++)
    if (g_str_has_suffix (name, suffixes[i]))
      return TRUE;
  /* g_file_set_contents' temp files: NAME.XXXXXX */
  if (dot != NULL && strlen (dot + 1) == 6 && !g_str_equal (dot + 1, "jsonl"))
    return strchr (dot + 1, '_') == NULL && !g_str_has_suffix (name, ".manifest");
  return FALSE;
}

static void
scan_leftovers (const char *directory,
                GString    *found)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (is_half_written (name))
      g_string_append_printf (found, "%s%s/%s", found->len > 0 ? ", " : "", directory, name);
}

static char *
host_stage_dir (void)
{
  return g_build_filename (sn_test_stack_get ("DEPLOY_PATH"), "backups", "narcisse-admin", NULL);
}

/* Half-written files in the local backups folder, the host's stage folder,
 * the bucket, the reports and @extra (may be NULL): "" when none. */
static char *
leftovers (const char *extra)
{
  g_autoptr(GString) found = g_string_new (NULL);
  g_autofree char *stage = host_stage_dir ();
  g_autofree char *bucket = g_build_filename (sn_test_stack_get ("MINIO_DIR"), "sweet-backups", "backups", NULL);
  g_autofree char *reports = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "reports", NULL);

  scan_leftovers (sn_backup_service_get_directory (fault_service), found);
  scan_leftovers (stage, found);
  scan_leftovers (bucket, found);
  scan_leftovers (reports, found);
  if (extra != NULL)
    scan_leftovers (extra, found);
  return g_string_free (g_steal_pointer (&found), FALSE);
}

static gboolean
no_leftovers (gpointer data)
{
  g_autofree char *found = leftovers (data);

  return *found == '\0';
}

/* The host finishes its side (a shell cleaning up after its stream broke)
 * a moment after the client saw the error: wait for it, with a deadline. */
char *
fault_wait_no_leftovers (const char *extra)
{
  sn_test_wait_until (no_leftovers, (gpointer)extra, 30000);
  {
    char *found = leftovers (extra);

    if (*found == '\0')
      {
        g_free (found);
        return g_strdup ("none");
      }
    {
      /* What is still at work on the host, to tell why. */
      g_autofree char *command = g_strdup_printf ("ps -eo pid,ppid,pgid,stat,wchan:16,args | grep -F '%s' | "
                                                   "grep -v grep | cut -c1-200; ls -la %s/opt/sweetnarcisse/backups/narcisse-admin; grep -i -E \"session|closed|disconnect|signal\" %s/ssh/sshd.log | tail -8 || true", sn_test_stack_dir (), sn_test_stack_dir (), sn_test_stack_dir ());
      g_autofree char *ps = sn_test_run (command);

      g_test_message ("processes of the stack:\n%s", ps);
    }
    return found;
  }
}

/* The audit log --------------------------------------------------------------- */

goffset
fault_audit_mark (void)
{
  GStatBuf st;

  if (g_stat (sn_audit_log_get_path (sn_audit_log_get_default ()), &st) != 0)
    return 0;
  return st.st_size;
}

/* The first line since @mark whose command holds @needle (and, for
 * FAULT_AUDIT_FAILED, whose exit status is not 0), as "action (exit N)"; or NULL. */
char *
fault_audit_find (goffset     mark,
            const char *needle,
            FaultAuditWant   want)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length = 0;

  if (!g_file_get_contents (sn_audit_log_get_path (sn_audit_log_get_default ()), &contents, &length, NULL) ||
      (gsize)mark > length)
    return NULL;
  lines = g_strsplit (contents + mark, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonNode) node = NULL;
      JsonObject *object;
      const char *command;
      gint64 status;

      if (*lines[i] == '\0' || !(node = json_from_string (lines[i], NULL)) || !JSON_NODE_HOLDS_OBJECT (node))
        continue;
      object = json_node_get_object (node);
      command = json_object_get_string_member_with_default (object, "command", "");
      status = json_object_get_int_member_with_default (object, "exit_status", 0);
      if (strstr (command, needle) == NULL || (want == FAULT_AUDIT_FAILED && status == 0))
        continue;
      return g_strdup_printf ("%s (exit %" G_GINT64_FORMAT ")",
                              json_object_get_string_member_with_default (object, "action", "?"), status);
    }
  return NULL;
}

static guint
audit_count (goffset mark)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  guint n = 0;

  if (!g_file_get_contents (sn_audit_log_get_path (sn_audit_log_get_default ()), &contents, &length, NULL))
    return 0;
  for (gsize i = (gsize)mark; i < length; i++)
    if (contents[i] == '\n')
      n++;
  return n;
}

/* The checks of one case, recorded then asserted (so the table shows it). */
void
fault_conclude (const char *fault,
          const char *operation,
          const char *error,
          const char *needle,
          const char *left,
          const char *state,
          const char *audit)
{
  fault_record (fault, operation, error, left, state, audit != NULL ? audit : "MISSING");
  assert_clear (error, needle);
  g_assert_cmpstr (left, ==, "none");
  if (!state_ok (state))
    g_error ("%s / %s: state not as before: %s", fault, operation, state);
  g_assert_nonnull (audit);
}

/* Stack helpers ---------------------------------------------------------------- */

/* A table big enough that a dump, an upload or a restore lasts seconds. */
static void
add_scratch_rows (guint n_rows)
{
  g_autofree char *sql = g_strdup_printf ("CREATE TABLE IF NOT EXISTS sn_fault_scratch AS SELECT g AS id, "
                                          "md5(random()::text) || md5(random()::text) || md5(random()::text) AS t "
                                          "FROM generate_series(1, %u) g", n_rows);
  g_autofree char *output = sn_test_psql (sql);
}

static void
add_scratch (void)
{
  add_scratch_rows (600000);
}

static void
drop_scratch (void)
{
  g_autofree char *output = sn_test_psql ("DROP TABLE IF EXISTS sn_fault_scratch");
}

/* The inodes of the TCP connections to the stack's sshd (local port SSH_PORT). */
static GHashTable *
ssh_socket_inodes (void)
{
  GHashTable *inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char * const tables_path[] = { "/proc/net/tcp", "/proc/net/tcp6", NULL };
  g_autofree char *port = g_strdup_printf (":%04X", sn_test_stack_get_port ("SSH_PORT"));

  for (guint t = 0; tables_path[t] != NULL; t++)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      if (!g_file_get_contents (tables_path[t], &contents, NULL, NULL))
        continue;
      lines = g_strsplit (contents, "\n", -1);
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) words = g_ptr_array_new ();

          for (guint k = 0; fields[k] != NULL; k++)
            if (*fields[k] != '\0')
              g_ptr_array_add (words, fields[k]);
          /* sl local remote st tx:rx tr:when retrnsmt uid timeout inode */
          if (words->len > 9 && g_str_has_suffix (g_ptr_array_index (words, 1), port))
            g_hash_table_add (inodes, g_strdup_printf ("socket:[%s]", (char *)g_ptr_array_index (words, 9)));
        }
    }
  return inodes;
}

static gboolean
holds_socket (const char *pid,
              GHashTable *inodes)
{
  g_autofree char *fd_dir = g_strdup_printf ("/proc/%s/fd", pid);
  g_autoptr(GDir) dir = g_dir_open (fd_dir, 0, NULL);
  const char *fd;

  while (dir != NULL && (fd = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link_path = g_build_filename (fd_dir, fd, NULL);
      g_autofree char *target = g_file_read_link (link_path, NULL);

      if (target != NULL && g_hash_table_contains (inodes, target))
        return TRUE;
    }
  return FALSE;
}

/* The connection dropped, as the server sees it: sshd stops listening and
 * every sshd process holding a connection to its port ends (the session's
 * shell and its commands do not; they find their pipes closed). Stopping
 * sshd alone would leave open connections alive. */
static void
drop_ssh_connections (void)
{
  g_autoptr(GHashTable) inodes = NULL;
  g_autoptr(GDir) proc = NULL;
  const char *entry;

  sn_test_stack_stop ("sshd");
  inodes = ssh_socket_inodes ();
  proc = g_dir_open ("/proc", 0, NULL);
  while ((entry = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *comm_path = g_strdup_printf ("/proc/%s/comm", entry);
      g_autofree char *comm = NULL;
      int pid = atoi (entry);

      if (pid <= 1 || !g_file_get_contents (comm_path, &comm, NULL, NULL) ||
          !g_str_equal (g_strstrip (comm), "sshd") || !holds_socket (entry, inodes))
        continue;
      g_test_message ("dropping the connection: SIGKILL to sshd process %d", pid);
      kill (pid, SIGKILL);
    }
}

typedef struct
{
  const char *operation;   /* the progress to wait for */
  gboolean    dropped;
} Drop;

/* The sync point: the transfer has started (first bytes through). */
static void
on_progress_drop (SnBackupService *self,
                  const char      *operation,
                  guint64          done,
                  guint64          total,
                  double           rate,
                  gint64           eta,
                  gpointer         user_data)
{
  Drop *drop = user_data;

  if (!drop->dropped && g_str_equal (operation, drop->operation) && done > 0 && (total == 0 || done < total))
    {
      drop->dropped = TRUE;
      drop_ssh_connections ();
    }
}

typedef struct
{
  GObject  *value;
  gboolean  ok;
  GError   *error;
  gboolean  done;
} AsyncWait;

static gboolean
async_done (gpointer data)
{
  return ((AsyncWait *)data)->done;
}

static void
on_created (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->value = (GObject *)sn_backup_service_create_finish (SN_BACKUP_SERVICE (object), result, &wait->error);
  wait->done = TRUE;
}

static void
on_uploaded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->ok = sn_backup_service_upload_finish (SN_BACKUP_SERVICE (object), result, &wait->error);
  wait->done = TRUE;
}

SnBackup *
fault_make_backup (const char *label)
{
  g_autoptr(GError) error = NULL;
  SnBackup *backup = sn_backup_service_create_sync (fault_service, label, SN_BACKUP_CREATE_NONE, NULL, &error);

  g_assert_no_error (error);
  return backup;
}

guint
fault_count_dumps (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".dump"))
      n++;
  return n;
}

/* SSH dropped mid-transfer ------------------------------------------------------ */

static void
test_ssh_drop_mid_dump (void)
{
  const char *dir = sn_backup_service_get_directory (fault_service);
  guint dumps;
  FaultSnapshot before = { NULL };
  AsyncWait wait = { NULL };
  Drop drop = { "create", FALSE };
  g_autoptr(SnBackup) retry = NULL;
  g_autofree char *left = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  goffset mark;
  gulong handler;

  add_scratch ();
  dumps = fault_count_dumps (dir);
  fault_snapshot_take (&before);
  mark = fault_audit_mark ();

  handler = g_signal_connect (fault_service, "progress", G_CALLBACK (on_progress_drop), &drop);
  sn_backup_service_create_async (fault_service, "manual", SN_BACKUP_CREATE_NONE, NULL, on_created, &wait);
  g_assert_true (sn_test_wait_until (async_done, &wait, 180000));
  g_signal_handler_disconnect (fault_service, handler);
  sn_test_stack_start ("sshd");

  g_assert_true (drop.dropped);
  g_assert_null (wait.value);
  g_assert_nonnull (wait.error);
  if (fault_count_dumps (dir) != dumps)
    left = g_strdup ("A NEW DUMP WAS LISTED");
  /* The person tries again: whatever the broken dump left on the host
   * (the host removes its copy when hung up; else the retry does) is gone. */
  drop_scratch ();
  retry = fault_make_backup ("manual");
  if (left == NULL)
    left = fault_wait_no_leftovers (NULL);
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "pg_dump", FAULT_AUDIT_FAILED);
  fault_conclude ("SSH dropped", "backup: dump streaming (then a retry)", wait.error->message, "connection",
                  left, state, audit);
  g_assert_true (g_error_matches (wait.error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_STREAM));
  g_clear_error (&wait.error);
  fault_snapshot_clear (&before);
}

typedef struct
{
  char      *path;      /* the host's temporary copy */
  guint64    total;
  AsyncWait *wait;
  gboolean   dropped;
} UploadWatch;

static gboolean
upload_midway (gpointer data)
{
  UploadWatch *watch = data;
  GStatBuf st;

  if (watch->wait->done)
    return TRUE;
  if (g_stat (watch->path, &st) == 0 && st.st_size > 0 && (guint64)st.st_size < watch->total / 2)
    {
      watch->dropped = TRUE;
      drop_ssh_connections ();
      return TRUE;
    }
  return FALSE;
}

static void
test_ssh_drop_mid_upload (void)
{
  g_autoptr(SnBackup) backup = NULL;
  g_autofree char *stage = host_stage_dir ();
  g_autofree char *staged = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *left = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autoptr(GError) error = NULL;
  FaultSnapshot before = { NULL };
  AsyncWait wait = { NULL };
  UploadWatch watch = { NULL };
  goffset mark;

  /* Big enough that a loopback upload lasts a good second. */
  add_scratch_rows (1800000);
  backup = fault_make_backup ("manual");
  drop_scratch ();
  /* The host's own copy gone: the upload sends the whole file up. */
  staged = g_build_filename (stage, sn_backup_get_name (backup), NULL);
  g_assert_cmpint (g_unlink (staged), ==, 0);
  remote = g_build_filename (sn_test_stack_get ("MINIO_DIR"), "sweet-backups", "backups",
                             sn_backup_get_name (backup), NULL);
  fault_snapshot_take (&before);
  mark = fault_audit_mark ();

  /* The sync point: the host's temporary copy has its first bytes (the
   * progress ticks are too far apart for a fast loopback upload). */
  watch.path = g_strconcat (staged, ".up", NULL);
  watch.total = sn_backup_get_size (backup);
  watch.wait = &wait;
  sn_backup_service_upload_async (fault_service, backup, NULL, on_uploaded, &wait);
  g_assert_true (sn_test_wait_until (upload_midway, &watch, 180000));
  g_assert_true (sn_test_wait_until (async_done, &wait, 180000));
  sn_test_stack_start ("sshd");

  g_assert_true (watch.dropped);
  g_assert_false (wait.ok);
  g_assert_nonnull (wait.error);
  left = fault_wait_no_leftovers (NULL);
  /* Nothing in the bucket, nothing staged under the final name, and the
   * local backup is whole: it still verifies. */
  if (g_file_test (remote, G_FILE_TEST_EXISTS) || g_file_test (staged, G_FILE_TEST_EXISTS))
    {
      g_free (left);
      left = g_strdup ("A PARTIAL COPY UNDER THE FINAL NAME");
    }
  g_assert_true (sn_backup_service_verify_sync (fault_service, backup, NULL, &error));
  g_assert_no_error (error);
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "cat >", FAULT_AUDIT_FAILED);
  fault_conclude ("SSH dropped", "backup: upload streaming", wait.error->message, "connection",
            left, state, audit);
  g_clear_error (&wait.error);
  g_free (watch.path);
  fault_snapshot_clear (&before);
}

/* PostgreSQL stopped mid-query and mid-restore ---------------------------------- */

typedef struct
{
  const char *condition;
} Activity;

/* The sync point: pg_stat_activity shows the statement at work. */
static gboolean
statement_running (gpointer data)
{
  Activity *activity = data;
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM pg_stat_activity WHERE %s", activity->condition);
  g_autofree char *n = sn_test_psql (sql);

  return atoi (n) > 0;
}

static void
on_query_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->ok = sn_query_result_wait_finish (SN_QUERY_RESULT (object), result, &wait->error);
  wait->done = TRUE;
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->ok = sn_database_connector_connect_finish (SN_DATABASE_CONNECTOR (object), result, &wait->error);
  wait->done = TRUE;
}

static void
test_postgres_stop_mid_query (void)
{
  static const char *sql = "UPDATE \"Boat\" SET capacity = capacity + 1 RETURNING (SELECT 1 FROM pg_sleep(20))";
  g_autoptr(SnProfile) console_profile = sn_profile_copy (fault_profile);
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  g_autofree char *message = NULL;
  FaultSnapshot before = { NULL };
  AsyncWait wait = { NULL };
  Activity activity = { "query LIKE 'UPDATE \"Boat\"%pg_sleep(20)%' AND state = 'active'" };
  goffset mark;

  connector = sn_database_connector_new (console_profile, NULL);
  sn_database_connector_set_forced_path (connector, SN_DATABASE_PATH_DIRECT);
  sn_database_connector_connect_async (connector, NULL, on_connected, &wait);
  g_assert_true (sn_test_wait_until (async_done, &wait, 60000));
  g_assert_no_error (wait.error);
  g_assert_true (sn_database_connector_allow_writes (connector, "fault matrix: a write cut short", &error));
  g_assert_no_error (error);

  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  result = sn_sql_console_start (connector, sn_audit_log_get_default (), sql, TRUE,
                                 sn_profile_get_name (console_profile), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);

  /* The first row is updated (not committed) and the statement sleeps. */
  g_assert_true (sn_test_wait_until (statement_running, &activity, 30000));
  sn_test_stack_stop ("postgres");
  wait = (AsyncWait){ NULL };
  sn_query_result_wait_async (result, NULL, on_query_done, &wait);
  g_assert_true (sn_test_wait_until (async_done, &wait, 60000));
  sn_test_stack_start ("postgres");

  g_assert_false (wait.ok);
  g_assert_nonnull (wait.error);
  message = sn_database_error_dup_advice (wait.error);
  left = fault_wait_no_leftovers (NULL);
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "UPDATE \"Boat\"", FAULT_AUDIT_FAILED);
  fault_conclude ("PostgreSQL stopped", "SQL editor: UPDATE in flight", message, "database",
            left, state, audit);
  g_clear_error (&wait.error);
  sn_database_connector_disconnect (connector);
  fault_snapshot_clear (&before);
}

typedef struct
{
  SnBackup *backup;
  GError   *error;
  gboolean  ok;
  gboolean  done;
} RestoreJob;

static gpointer
restore_thread (gpointer data)
{
  RestoreJob *job = data;

  job->ok = sn_backup_service_restore_sync (fault_service, job->backup, NULL, NULL, &job->error);
  g_atomic_int_set (&job->done, TRUE);
  return NULL;
}

static gboolean
restore_done (gpointer data)
{
  return g_atomic_int_get (&((RestoreJob *)data)->done);
}

static void
test_postgres_stop_mid_restore (void)
{
  g_autoptr(SnBackup) backup = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  FaultSnapshot before = { NULL };
  RestoreJob job = { NULL };
  Activity activity = { "application_name = 'pg_restore' AND state <> 'idle'" };
  GThread *thread;
  goffset mark;

  add_scratch ();
  backup = fault_make_backup ("manual");
  drop_scratch ();
  fault_snapshot_take (&before);
  mark = fault_audit_mark ();

  job.backup = backup;
  thread = g_thread_new ("restore", restore_thread, &job);
  g_assert_true (sn_test_wait_until (statement_running, &activity, 60000));
  sn_test_stack_stop ("postgres");
  g_assert_true (sn_test_wait_until (restore_done, &job, 120000));
  g_thread_join (thread);
  sn_test_stack_start ("postgres");

  g_assert_false (job.ok);
  g_assert_nonnull (job.error);
  left = fault_wait_no_leftovers (NULL);
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "pg_restore", FAULT_AUDIT_FAILED);
  fault_conclude ("PostgreSQL stopped", "restore: pg_restore running", job.error->message, "rolled back",
            left, state, audit);
  g_clear_error (&job.error);
  fault_snapshot_clear (&before);
}

/* Health: Redis stopped, malformed JSON ------------------------------------------ */

static void
on_health (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->value = (GObject *)sn_health_service_check_finish (SN_HEALTH_SERVICE (object), result, &wait->error);
  wait->done = TRUE;
}

static SnHealthReport *
check_health (void)
{
  g_autoptr(SnHealthService) health = sn_health_service_new ();
  AsyncWait wait = { NULL };

  sn_health_service_check_async (health, sn_profile_get_site_url (fault_profile), sn_test_stack_get ("MONITORING_KEY"),
                                 15, NULL, on_health, &wait);
  g_assert_true (sn_test_wait_until (async_done, &wait, 60000));
  g_assert_no_error (wait.error);
  return SN_HEALTH_REPORT (wait.value);
}

/* A health check only reads: the audit log must not claim anything ran. */
static char *
audit_nothing (goffset mark)
{
  guint n = audit_count (mark);

  return n == 0 ? g_strdup ("no line (read-only check)") : NULL;
}

static void
test_redis_stopped (void)
{
  g_autoptr(SnHealthReport) report = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  g_autofree char *seen = NULL;
  SnServiceHealth *redis;
  FaultSnapshot before = { NULL };
  goffset mark;

  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  sn_test_stack_stop ("redis");
  report = check_health ();
  sn_test_stack_start ("redis");

  g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_DEGRADED);
  redis = sn_health_report_find_service (report, "redis");
  g_assert_nonnull (redis);
  g_assert_cmpint (sn_service_health_get_status (redis), !=, SN_HEALTH_STATE_HEALTHY);
  seen = g_strdup_printf ("%s — redis: %s", sn_health_report_get_summary (report),
                          sn_service_health_get_message (redis));
  left = fault_wait_no_leftovers (NULL);
  state = fault_snapshot_compare (&before, FALSE);
  audit = audit_nothing (mark);
  fault_conclude ("Redis stopped", "health check", seen, "redis", left, state, audit);
  fault_snapshot_clear (&before);
}

static void
test_malformed_health (void)
{
  g_autofree char *knob = g_build_filename (sn_test_stack_dir (), "app", "health.malformed", NULL);
  g_autoptr(SnHealthReport) report = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  g_autofree char *seen = NULL;
  FaultSnapshot before = { NULL };
  goffset mark;

  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  g_assert_true (g_file_set_contents (knob, "", 0, NULL));
  report = check_health ();
  g_assert_cmpint (g_unlink (knob), ==, 0);

  g_assert_cmpint (sn_health_report_get_state (report), ==, SN_HEALTH_STATE_MALFORMED);
  seen = g_strdup_printf ("%s %s", sn_health_report_get_summary (report),
                          sn_health_report_get_detail (report) != NULL ? sn_health_report_get_detail (report) : "");
  left = fault_wait_no_leftovers (NULL);
  state = fault_snapshot_compare (&before, FALSE);
  audit = audit_nothing (mark);
  fault_conclude ("malformed health JSON", "health check", seen, "JSON", left, state, audit);
  fault_snapshot_clear (&before);
}

/* A full disk ----------------------------------------------------------------------- */

/* A tmpfs of @size at @name under the stack (root, or a user namespace, can
 * mount one); FALSE when mounting is not allowed here. */
static gboolean
small_disk (const char  *name,
            const char  *size,
            char       **path)
{
  g_autofree char *options = g_strdup_printf ("size=%s,mode=0700", size);

  *path = g_build_filename (sn_test_stack_dir (), name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (*path, 0700), ==, 0);
  return mount ("tmpfs", *path, "tmpfs", 0, options) == 0;
}

/* Fills @dir up to @keep free bytes (no bigger than a page or so). */
static void
fill_disk (const char *dir,
           guint64     keep)
{
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  g_autofree char *block = g_malloc0 (4096);
  FILE *file = fopen (filler, "w");
  guint64 written = 0;

  g_assert_nonnull (file);
  setvbuf (file, NULL, _IONBF, 0);
  while (fwrite (block, 1, 4096, file) == 4096)
    written += 4096;
  clearerr (file);
  fclose (file);
  /* Give back what the case needs to start (a file, a header). */
  g_assert_cmpint (truncate (filler, written > keep ? written - keep : 0), ==, 0);
}

static void
test_disk_full_dump (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *old_dir = g_strdup (sn_backup_service_get_directory (fault_service));
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  g_autoptr(SnBackup) failed = NULL;
  g_autoptr(GError) error = NULL;
  FaultSnapshot before = { NULL };
  gboolean mounted = small_disk ("disk-dump", "1m", &dir);
  goffset mark;

  if (!mounted)
    sn_backup_service_set_write_limit (fault_service, 1024 * 1024);
  add_scratch ();
  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  sn_backup_service_set_directory (fault_service, dir);
  failed = sn_backup_service_create_sync (fault_service, "manual", SN_BACKUP_CREATE_NONE, NULL, &error);
  g_assert_null (failed);
  g_assert_nonnull (error);
  left = fault_wait_no_leftovers (dir);
  if (fault_count_dumps (dir) != 0)
    {
      g_free (left);
      left = g_strdup ("A DUMP WAS LISTED");
    }
  sn_backup_service_set_directory (fault_service, old_dir);
  sn_backup_service_set_write_limit (fault_service, 0);
  drop_scratch ();
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "pg_dump", FAULT_AUDIT_FAILED);
  fault_conclude ("disk full", mounted ? "backup: dump to a 1 MiB tmpfs" : "backup: dump past a 1 MiB write limit",
            error->message, "disk", left, state, audit);
  g_assert_error (error, SN_BACKUP_ERROR, SN_BACKUP_ERROR_NO_SPACE);
  if (mounted)
    g_assert_cmpint (umount (dir), ==, 0);
  fault_snapshot_clear (&before);
}

static void
on_exported (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->ok = sn_database_connector_export_csv_finish (SN_DATABASE_CONNECTOR (object), result, NULL,
                                                      &wait->error);
  wait->done = TRUE;
}

/* An export is read-only: either no audit line, or one that does not say it worked. */
static char *
audit_read_only (goffset     mark,
                 const char *needle)
{
  char *failed = fault_audit_find (mark, needle, FAULT_AUDIT_FAILED);
  g_autofree char *any = NULL;

  if (failed != NULL)
    return failed;
  any = fault_audit_find (mark, needle, FAULT_AUDIT_ANY);
  return any == NULL ? g_strdup ("no line (read-only)") : NULL;
}

static void
test_disk_full_export (void)
{
  static const char *old_text = "id,t\n1,the export of yesterday\n";
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  FaultSnapshot before = { NULL };
  AsyncWait wait = { NULL };
  goffset mark;

  if (!small_disk ("disk-export", "1m", &dir))
    {
      fault_record ("disk full", "export CSV", "SKIPPED: no tmpfs can be mounted here", "-", "-", "-");
      g_test_skip ("no tmpfs can be mounted here");
      return;
    }
  path = g_build_filename (dir, "bookings.csv", NULL);
  g_assert_true (g_file_set_contents (path, old_text, -1, NULL));
  file = g_file_new_for_path (path);
  add_scratch ();

  connector = sn_database_connector_new (fault_profile, NULL);
  sn_database_connector_set_forced_path (connector, SN_DATABASE_PATH_DIRECT);
  sn_database_connector_connect_async (connector, NULL, on_connected, &wait);
  g_assert_true (sn_test_wait_until (async_done, &wait, 60000));
  g_assert_no_error (wait.error);

  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  wait = (AsyncWait){ NULL };
  sn_database_connector_export_csv_async (connector, "SELECT * FROM sn_fault_scratch", file, NULL, NULL, NULL,
                                          NULL, on_exported, &wait);
  g_assert_true (sn_test_wait_until (async_done, &wait, 120000));
  drop_scratch ();
  g_assert_false (wait.ok);
  g_assert_nonnull (wait.error);

  left = fault_wait_no_leftovers (dir);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  if (g_strcmp0 (contents, old_text) != 0)
    {
      g_free (left);
      left = g_strdup ("THE EARLIER EXPORT WAS OVERWRITTEN");
    }
  state = fault_snapshot_compare (&before, FALSE);
  audit = audit_read_only (mark, "sn_fault_scratch");
  fault_conclude ("disk full", "export CSV to a 1 MiB tmpfs", wait.error->message, "space", left, state, audit);
  g_clear_error (&wait.error);
  sn_database_connector_disconnect (connector);
  g_assert_cmpint (umount (dir), ==, 0);
  fault_snapshot_clear (&before);
}

static void
on_run_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncWait *wait = user_data;

  sn_runner_execute_finish (SN_RUNNER (object), result, &wait->error);
  wait->done = TRUE;
}

static void
test_disk_full_report (void)
{
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  const char *seen;
  FaultSnapshot before = { NULL };
  AsyncWait wait = { NULL };
  goffset mark;

  if (!small_disk ("disk-report", "64k", &dir))
    {
      fault_record ("disk full", "runbook report", "SKIPPED: no tmpfs can be mounted here", "-", "-", "-");
      g_test_skip ("no tmpfs can be mounted here");
      return;
    }
  fill_disk (dir, 0);

  runner = sn_runner_new (sn_runbook_catalog_lookup (fault_catalog, "sev1-checklist"), fault_profile, NULL, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "ssh", G_OBJECT (fault_session));
  sn_runner_set_report_dir (runner, dir);
  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  sn_runner_execute_async (runner, NULL, on_run_done, &wait);
  g_assert_true (sn_test_wait_until (async_done, &wait, 120000));
  g_clear_error (&wait.error);

  g_assert_null (sn_runner_get_report_path (runner));
  left = fault_wait_no_leftovers (dir);
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "report not written", FAULT_AUDIT_ANY);
  seen = strstr (sn_runner_get_summary (runner), "The report");
  fault_conclude ("disk full", "runbook report (sev1-checklist)",
                  seen != NULL ? seen : sn_runner_get_summary (runner), "report", left, state, audit);
  g_assert_nonnull (strstr (sn_runner_get_summary (runner), "could not be written"));
  g_assert_cmpint (umount (dir), ==, 0);
  fault_snapshot_clear (&before);
}

/* Wrong key, changed host key -------------------------------------------------------- */

static char *
new_key (const char *name)
{
  g_autofree char *path = g_build_filename (sn_test_stack_dir (), name, NULL);
  g_autofree char *command = g_strdup_printf ("rm -f '%s' '%s.pub'; ssh-keygen -q -t ed25519 -N '' -C %s -f '%s'",
                                              path, path, name, path);
  g_autofree char *out = sn_test_run (command);

  return g_steal_pointer (&path);
}

static guint
sshd_logins (void)
{
  g_autofree char *command = g_strdup_printf ("grep -c 'Accepted publickey' '%s' || true", sn_test_stack_get ("SSH_LOG"));
  g_autofree char *out = sn_test_run (command);

  return atoi (out);
}

/* A backup through @other_session: refused before anything ran. */
static void
refused_backup (const char   *fault,
                SnSshSession *other_session,
                const char   *needle)
{
  g_autoptr(SnBackupService) other = sn_backup_service_new (sn_ssh_session_get_profile (other_session),
                                                            other_session);
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *left = NULL;
  const char *dir = sn_backup_service_get_directory (fault_service);
  guint dumps = fault_count_dumps (dir);
  guint logins = sshd_logins ();
  FaultSnapshot before = { NULL };
  goffset mark;

  sn_backup_service_set_directory (other, dir);
  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  backup = sn_backup_service_create_sync (other, "manual", SN_BACKUP_CREATE_NONE, NULL, &error);
  g_assert_null (backup);
  g_assert_nonnull (error);
  left = fault_wait_no_leftovers (NULL);
  if (fault_count_dumps (dir) != dumps)
    {
      g_free (left);
      left = g_strdup ("A DUMP WAS LISTED");
    }
  state = fault_snapshot_compare (&before, FALSE);
  audit = fault_audit_find (mark, "pg_database_size", FAULT_AUDIT_FAILED);
  fault_conclude (fault, "backup: connect", error->message, needle, left, state, audit);
  g_assert_cmpuint (sshd_logins (), ==, logins);
  fault_snapshot_clear (&before);
}

static void
test_wrong_key (void)
{
  g_autoptr(SnProfile) wrong = sn_profile_copy (fault_profile);
  g_autofree char *key = new_key ("fault_wrong_key");
  g_autoptr(SnSshSession) other = NULL;

  g_object_set (wrong, "ssh-key-file", key, NULL);
  other = sn_ssh_session_new (wrong, sn_secret_store_get_default ());
  refused_backup ("wrong SSH key", other, "key");
}

static GBytes *
public_key_blob (const char *pub_path)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  guchar *blob;
  gsize length;

  g_assert_true (g_file_get_contents (pub_path, &text, NULL, NULL));
  fields = g_strsplit (g_strstrip (text), " ", 3);
  blob = g_base64_decode (fields[1], &length);
  return g_bytes_new_take (blob, length);
}

static void
test_changed_host_key (void)
{
  g_autofree char *key = new_key ("fault_other_host_key");
  g_autofree char *pub = g_strconcat (key, ".pub", NULL);
  g_autofree char *path = g_build_filename (sn_test_stack_dir (), "fault_known_hosts", NULL);
  g_autoptr(GBytes) blob = public_key_blob (pub);
  g_autoptr(SnKnownHosts) known = sn_known_hosts_new (path);
  g_autoptr(SnSshSession) other = sn_ssh_session_new (fault_profile, sn_secret_store_get_default ());
  g_autoptr(GError) error = NULL;

  g_unlink (path);
  g_assert_true (sn_known_hosts_add (known, "127.0.0.1", sn_test_stack_get_port ("SSH_PORT"), blob, &error));
  g_assert_no_error (error);
  sn_ssh_session_set_known_hosts (other, known);
  refused_backup ("changed host key", other, "CHANGED");
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  sn_test_stack_up ();
  sn_actions_register_builtin ();
  rows = g_ptr_array_new_with_free_func (row_free);

  fault_profile = g_object_ref (sn_test_stack_profile ());
  fault_session = sn_ssh_session_new (fault_profile, sn_secret_store_get_default ());
  fault_service = sn_backup_service_new (fault_profile, fault_session);
  fault_catalog = sn_runbook_catalog_new (NULL);
  g_assert_true (sn_runbook_catalog_load (fault_catalog, NULL));

  g_test_add_func ("/faults/ssh-dropped/mid-dump", test_ssh_drop_mid_dump);
  g_test_add_func ("/faults/ssh-dropped/mid-upload", test_ssh_drop_mid_upload);
  g_test_add_func ("/faults/postgres-stopped/mid-query", test_postgres_stop_mid_query);
  g_test_add_func ("/faults/postgres-stopped/mid-restore", test_postgres_stop_mid_restore);
  g_test_add_func ("/faults/redis-stopped/health", test_redis_stopped);
  g_test_add_func ("/faults/malformed-health-json", test_malformed_health);
  g_test_add_func ("/faults/disk-full/dump", test_disk_full_dump);
  g_test_add_func ("/faults/disk-full/export", test_disk_full_export);
  g_test_add_func ("/faults/disk-full/report", test_disk_full_report);
  g_test_add_func ("/faults/wrong-ssh-key", test_wrong_key);
  g_test_add_func ("/faults/changed-host-key", test_changed_host_key);
  fault_add_corrupt_tests ();
  fault_add_cancel_tests ();

  status = g_test_run ();
  print_table ();

  g_ptr_array_unref (rows);
  g_clear_object (&fault_service);
  g_clear_object (&fault_session);
  g_clear_object (&fault_catalog);
  g_clear_object (&fault_profile);
  return status;
}
