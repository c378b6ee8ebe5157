/* sn-audit-log.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-audit-log"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sn-audit-log.h"

struct _SnAuditLog
{
  GObject  parent_instance;

  char    *path;
};

G_DEFINE_FINAL_TYPE (SnAuditLog, sn_audit_log, G_TYPE_OBJECT)

static GMutex append_mutex;

static void
sn_audit_log_finalize (GObject *object)
{
  SnAuditLog *self = (SnAuditLog *)object;

  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sn_audit_log_parent_class)->finalize (object);
}

static void
sn_audit_log_class_init (SnAuditLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_audit_log_finalize;
}

static void
sn_audit_log_init (SnAuditLog *self)
{
}

/**
 * sn_audit_log_default_path:
 *
 * Returns: `$XDG_DATA_HOME/narcisse-admin/audit.jsonl`
 */
char *
sn_audit_log_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "narcisse-admin", "audit.jsonl", NULL);
}

/**
 * sn_audit_log_get_default:
 *
 * The app's audit log at sn_audit_log_default_path(), shared by every
 * service (SnHost, the runbook actions, the CLI).
 *
 * Returns: (transfer none): the default audit log
 */
SnAuditLog *
sn_audit_log_get_default (void)
{
  static SnAuditLog *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, sn_audit_log_new (NULL));

  return instance;
}

/**
 * sn_audit_log_new:
 * @path: (nullable): the JSONL file, or %NULL for the default one
 */
SnAuditLog *
sn_audit_log_new (const char *path)
{
  SnAuditLog *self = g_object_new (SN_TYPE_AUDIT_LOG, NULL);

  self->path = path != NULL ? g_strdup (path) : sn_audit_log_default_path ();

  return self;
}

const char *
sn_audit_log_get_path (SnAuditLog *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_LOG (self), NULL);
  return self->path;
}

/**
 * sn_audit_redact:
 * @command: a command line as it will run
 *
 * Replaces secrets with "[REDACTED]": values of variables and options whose
 * name contains SECRET, KEY, PASSWORD, PASSWD, PASS or TOKEN (any case), as
 * NAME=value, `--password value` and JSON `"password": "value"`; psql/mysql
 * style `-pVALUE`; the password part of URLs such as postgres://user:pass@host
 * (a password may hold "@" or "/"), and the value of Authorization headers.
 * This is the net under redaction by value (sn_runner_redact()), which knows
 * the actual secrets.
 *
 * Returns: (transfer full): the redacted command
 */
char *
sn_audit_redact (const char *command)
{
  static gsize initialized;
  static GRegex *patterns[7];
  static const char *replacements[7] = {
    "\\1'[REDACTED]'", "\\1:[REDACTED]@", "\\1[REDACTED]", "\\1=[REDACTED]",
    "\\1 [REDACTED]", "\\1[REDACTED]\\2", "\\1[REDACTED]",
  };
  char *text;

  if (command == NULL)
    return NULL;

  if (g_once_init_enter (&initialized))
    {
      /* CREATE/ALTER ROLE … PASSWORD '…' (a password or its SCRAM verifier) */
      patterns[0] = g_regex_new ("(\\bpassword\\s+)(?:'\\\\''[^']*'\\\\''|'(?:[^']|'')*')"
                                 "|SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+",
                                 G_REGEX_CASELESS, 0, NULL);
      /* scheme://user:password@host — the password runs to the LAST "@"
       * before the host, so "p@ss/word" is cut whole. */
      patterns[1] = g_regex_new ("([a-z][a-z0-9+.-]*://[^:/@\\s'\"]*):[^\\s'\"]+@(?=[^@\\s'\"]*(?:[\\s'\"/]|$))",
                                 G_REGEX_CASELESS, 0, NULL);
      patterns[2] = g_regex_new ("(authorization\\s*[:=]\\s*(?:(?:bearer|basic|token)\\s+)?)[^'\"\\s]+",
                                 G_REGEX_CASELESS, 0, NULL);
      patterns[3] = g_regex_new ("((?:--?)?[A-Za-z0-9_-]*(?:secret|key|passw(?:or)?d|pass|token)"
                                 "[A-Za-z0-9_-]*)=(\"[^\"]*\"|'[^']*'|[^\\s;&|]+)",
                                 G_REGEX_CASELESS, 0, NULL);
      /* --password VALUE, --api-key VALUE (not followed by another option) */
      patterns[4] = g_regex_new ("(--[A-Za-z0-9_-]*(?:secret|key|passw(?:or)?d|pass|token)[A-Za-z0-9_-]*)"
                                 "\\s+(?!-)(\"[^\"]*\"|'[^']*'|[^\\s;&|]+)",
                                 G_REGEX_CASELESS, 0, NULL);
      /* JSON: "password": "value" */
      patterns[5] = g_regex_new ("(\"[A-Za-z0-9_-]*(?:secret|key|passw(?:or)?d|pass|token)[A-Za-z0-9_-]*\"\\s*:\\s*\")"
                                 "(?:[^\"\\\\]|\\\\.)*(\")",
                                 G_REGEX_CASELESS, 0, NULL);
      /* mysql -pVALUE: -p glued to its value (only for the clients that read it so) */
      patterns[6] = g_regex_new ("(\\b(?:mysql|mysqldump|mariadb|mariadb-dump|mysqladmin)\\b[^;&|]*?\\s-p)"
                                 "(?=[^\\s])[^\\s;&|]+", 0, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }

  text = g_strdup (command);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      char *next = g_regex_replace (patterns[i], text, -1, 0, replacements[i], 0, NULL);

      if (next != NULL)
        {
          g_free (text);
          text = next;
        }
    }

  return text;
}

/* Past this size the log moves to audit.1.jsonl (the one before is dropped),
 * so it never fills the disk and readers never read more than twice this. */
#define ROTATE_BYTES (16 * 1024 * 1024)

static goffset rotate_bytes = ROTATE_BYTES;

/* For tests: rotate at @bytes instead. */
void
_sn_audit_log_set_rotate_bytes (goffset bytes)
{
  rotate_bytes = bytes > 0 ? bytes : ROTATE_BYTES;
}

char *
sn_audit_log_dup_rotated_path (SnAuditLog *self)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (SN_IS_AUDIT_LOG (self), NULL);

  base = g_str_has_suffix (self->path, ".jsonl")
         ? g_strndup (self->path, strlen (self->path) - strlen (".jsonl"))
         : g_strdup (self->path);
  return g_strconcat (base, ".1.jsonl", NULL);
}

/* Called with append_mutex held. */
static void
rotate_if_large (SnAuditLog *self)
{
  g_autofree char *rotated = NULL;
  GStatBuf st;

  if (g_stat (self->path, &st) != 0 || st.st_size < rotate_bytes)
    return;

  rotated = sn_audit_log_dup_rotated_path (self);
  if (g_rename (self->path, rotated) != 0)
    g_warning ("Could not rotate the audit log %s: %s", self->path, g_strerror (errno));
}

/* Appends @json and a newline to the log, fsynced; a torn write is taken back. */
static gboolean
write_line (SnAuditLog  *self,
            const char  *json,
            GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *line = NULL;
  gsize len;
  gsize done = 0;
  off_t start;
  int fd;
  int errsv;

  line = g_strconcat (json, "\n", NULL);
  len = strlen (line);
  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not create the folder of the audit log “%s”: %s"), dir, g_strerror (errsv));
      return FALSE;
    }

  g_mutex_lock (&append_mutex);

  rotate_if_large (self);

  fd = open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      errsv = errno;
      g_mutex_unlock (&append_mutex);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open the audit log “%s”: %s"), self->path, g_strerror (errsv));
      return FALSE;
    }

  /* Where the line starts: a write cut short (a full disk) is taken back, so
   * the next append does not merge into a torn line. */
  start = lseek (fd, 0, SEEK_END);

  while (done < len)
    {
      ssize_t n = write (fd, line + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          errsv = n < 0 ? errno : ENOSPC;
          if (start >= 0 && done > 0 && ftruncate (fd, start) != 0)
            g_warning ("Could not take back a torn audit line: %s", g_strerror (errno));
          close (fd);
          g_mutex_unlock (&append_mutex);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not write to the audit log “%s”: %s. Free some disk space."),
                       self->path, g_strerror (errsv));
          return FALSE;
        }
      done += n;
    }

  if (fsync (fd) != 0 && errno != EINVAL)
    {
      errsv = errno;
      close (fd);
      g_mutex_unlock (&append_mutex);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not save the audit log “%s” to disk: %s"), self->path, g_strerror (errsv));
      return FALSE;
    }

  close (fd);
  g_mutex_unlock (&append_mutex);

  return TRUE;
}

/**
 * sn_audit_log_append:
 * @profile: the profile's name
 * @action: what the person did ("host.compose", "db.dump", ...)
 * @command: (nullable): the command as run; redacted here
 * @exit_status: its exit status, -1 if it did not run to the end
 * @duration_us: how long it ran
 * @bytes: bytes transferred
 *
 * Appends one JSON line and fsyncs it. A full disk or an unwritable file
 * is an error: an action that cannot be audited should not go unnoticed.
 */
gboolean
sn_audit_log_append (SnAuditLog  *self,
                     const char  *profile,
                     const char  *action,
                     const char  *command,
                     int          exit_status,
                     gint64       duration_us,
                     guint64      bytes,
                     GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time_str = NULL;
  g_autofree char *seconds = NULL;
  g_autofree char *redacted = sn_audit_redact (command);
  g_autofree char *json = NULL;

  g_return_val_if_fail (SN_IS_AUDIT_LOG (self), FALSE);

  seconds = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  time_str = g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (now) / 1000);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, time_str);
  json_builder_set_member_name (builder, "profile");
  json_builder_add_string_value (builder, profile);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, g_get_user_name ());
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, action);
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, redacted);
  json_builder_set_member_name (builder, "exit_status");
  json_builder_add_int_value (builder, exit_status);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_double_value (builder, duration_us / 1000.0);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, (gint64)bytes);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);

  /* An hour of routine reads that ended is written before what follows it. */
  if (!sn_audit_log_flush_monitoring (self, FALSE, error))
    return FALSE;

  return write_line (self, json, error);
}

/* ------------------------------------------------------------------------ */
/* Monitoring: routine reads made by timers, folded                          */
/*
 * A dashboard reads the host every refresh (docker compose ps, df, uptime):
 * one line each would drown what people did. Such reads are still all
 * counted, but per profile and per hour (UTC) in a small state file beside
 * the log (audit.monitoring.json, rewritten atomically under a lock, fsynced),
 * and once the hour is over one "monitoring" line goes into the log: how many
 * reads, which, how many failed, the first and the last. The state file
 * survives a crash or a quit: the next append, from the app or narcisse-ctl,
 * writes the hours that ended. Only SnHost decides what is routine, and never
 * for a change (see sn_host_new_monitoring()).
 */

static GMutex monitoring_mutex;

/* The object member @name of @object, or NULL when there is none. */
static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

char *
sn_audit_log_dup_monitoring_path (SnAuditLog *self)
{
  g_autofree char *base = NULL;

  g_return_val_if_fail (SN_IS_AUDIT_LOG (self), NULL);

  base = g_str_has_suffix (self->path, ".jsonl")
         ? g_strndup (self->path, strlen (self->path) - strlen (".jsonl"))
         : g_strdup (self->path);
  return g_strconcat (base, ".monitoring.json", NULL);
}

static char *
format_time (GDateTime *time)
{
  g_autofree char *seconds = g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, g_date_time_get_microsecond (time) / 1000);
}

/* Holds the cross-process lock of the state file; -1 on failure. */
static int
lock_monitoring (const char  *state_path,
                 GError     **error)
{
  g_autofree char *lock_path = g_strconcat (state_path, ".lock", NULL);
  g_autofree char *dir = g_path_get_dirname (state_path);
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open the audit log’s monitoring record “%s”: %s"),
                   lock_path, g_strerror (errsv));
      return -1;
    }
  while (flock (fd, LOCK_EX) != 0 && errno == EINTR)
    ;
  return fd;
}

static JsonObject *
load_monitoring (const char *state_path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!g_file_test (state_path, G_FILE_TEST_EXISTS) ||
      !json_parser_load_from_mapped_file (parser, state_path, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return json_object_new ();
  return json_object_ref (json_node_get_object (root));
}

static gboolean
save_monitoring (const char  *state_path,
                 JsonObject  *state,
                 GError     **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  if (json_object_get_size (state) == 0)
    {
      if (g_unlink (state_path) != 0 && errno != ENOENT)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       _("Could not update the audit log’s monitoring record “%s”: %s"),
                       state_path, g_strerror (errsv));
          return FALSE;
        }
      return TRUE;
    }

  json_node_set_object (root, state);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_file_set_contents_full (state_path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/* The log line of one profile's folded hour. */
static char *
monitoring_line (const char *profile,
                 JsonObject *bucket)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  JsonObject *actions = object_member (bucket, "actions");
  g_autoptr(GList) names = actions != NULL ? json_object_get_members (actions) : NULL;
  gint64 count = json_object_get_int_member_with_default (bucket, "count", 0);
  gint64 failures = json_object_get_int_member_with_default (bucket, "failures", 0);

  for (GList *l = names; l != NULL; l = l->next)
    g_string_append_printf (summary, "%s%s ×%" G_GINT64_FORMAT, summary->len > 0 ? ", " : "",
                            (const char *) l->data, json_object_get_int_member (actions, l->data));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, json_object_get_string_member_with_default (bucket, "last", ""));
  json_builder_set_member_name (builder, "profile");
  json_builder_add_string_value (builder, profile);
  json_builder_set_member_name (builder, "user");
  json_builder_add_string_value (builder, json_object_get_string_member_with_default (bucket, "user",
                                                                                       g_get_user_name ()));
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "monitoring");
  json_builder_set_member_name (builder, "origin");
  json_builder_add_string_value (builder, "monitoring");
  json_builder_set_member_name (builder, "command");
  json_builder_add_string_value (builder, summary->str);
  json_builder_set_member_name (builder, "exit_status");
  json_builder_add_int_value (builder, failures > 0 ? 1 : 0);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_double_value (builder, json_object_get_double_member_with_default (bucket, "duration_ms", 0));
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, json_object_get_int_member_with_default (bucket, "bytes", 0));
  json_builder_set_member_name (builder, "count");
  json_builder_add_int_value (builder, count);
  json_builder_set_member_name (builder, "failures");
  json_builder_add_int_value (builder, failures);
  json_builder_set_member_name (builder, "first");
  json_builder_add_string_value (builder, json_object_get_string_member_with_default (bucket, "first", ""));
  json_builder_set_member_name (builder, "last");
  json_builder_add_string_value (builder, json_object_get_string_member_with_default (bucket, "last", ""));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* With the lock held: writes (and drops) the buckets of hours before @hour,
 * or all of them when @hour is NULL. */
static gboolean
flush_buckets (SnAuditLog  *self,
               JsonObject  *state,
               const char  *hour,
               gboolean    *changed,
               GError     **error)
{
  g_autoptr(GList) profiles = json_object_get_members (state);

  for (GList *l = profiles; l != NULL; l = l->next)
    {
      JsonObject *bucket = object_member (state, l->data);
      g_autofree char *line = NULL;

      if (bucket != NULL && hour != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (bucket, "hour", ""), hour) == 0)
        continue;
      if (bucket != NULL && json_object_get_int_member_with_default (bucket, "count", 0) > 0)
        {
          line = monitoring_line (l->data, bucket);
          if (!write_line (self, line, error))
            return FALSE;
        }
      json_object_remove_member (state, l->data);
      *changed = TRUE;
    }
  return TRUE;
}

static char *
hour_of (GDateTime *time)
{
  return g_date_time_format (time, "%Y-%m-%dT%H");
}

/**
 * sn_audit_log_flush_monitoring:
 * @all: also the hour under way (the app quits), not only the hours that ended
 *
 * Writes the folded "monitoring" lines due. sn_audit_log_append() calls it
 * first, so the lines stay in time order.
 */
gboolean
sn_audit_log_flush_monitoring (SnAuditLog  *self,
                               gboolean     all,
                               GError     **error)
{
  g_autofree char *state_path = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *hour = hour_of (now);
  gboolean changed = FALSE;
  gboolean ok;
  int lock;

  g_return_val_if_fail (SN_IS_AUDIT_LOG (self), FALSE);

  state_path = sn_audit_log_dup_monitoring_path (self);
  if (!g_file_test (state_path, G_FILE_TEST_EXISTS))
    return TRUE;

  g_mutex_lock (&monitoring_mutex);
  if ((lock = lock_monitoring (state_path, error)) < 0)
    {
      g_mutex_unlock (&monitoring_mutex);
      return FALSE;
    }
  state = load_monitoring (state_path);
  ok = flush_buckets (self, state, all ? NULL : hour, &changed, error);
  if (ok && changed)
    ok = save_monitoring (state_path, state, error);
  close (lock);
  g_mutex_unlock (&monitoring_mutex);
  return ok;
}

/**
 * sn_audit_log_append_monitoring:
 * @profile: the profile's name
 * @action: the routine read ("host.compose.ps", "host.df", ...)
 * @exit_status: its exit status, -1 if it did not run to the end
 * @duration_us: how long it ran
 * @bytes: bytes transferred
 *
 * Counts one routine read made by a timer into the hour's "monitoring" line
 * of @profile (written when the hour is over). Only for reads: SnHost calls
 * it, and only for the reads it knows as routine.
 */
gboolean
sn_audit_log_append_monitoring (SnAuditLog  *self,
                                const char  *profile,
                                const char  *action,
                                int          exit_status,
                                gint64       duration_us,
                                guint64      bytes,
                                GError     **error)
{
  g_autofree char *state_path = NULL;
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *hour = hour_of (now);
  g_autofree char *time_str = format_time (now);
  JsonObject *bucket;
  JsonObject *actions;
  gboolean changed = FALSE;
  gboolean ok;
  int lock;

  g_return_val_if_fail (SN_IS_AUDIT_LOG (self), FALSE);
  g_return_val_if_fail (profile != NULL && action != NULL, FALSE);

  state_path = sn_audit_log_dup_monitoring_path (self);
  g_mutex_lock (&monitoring_mutex);
  if ((lock = lock_monitoring (state_path, error)) < 0)
    {
      g_mutex_unlock (&monitoring_mutex);
      return FALSE;
    }

  state = load_monitoring (state_path);
  ok = flush_buckets (self, state, hour, &changed, error);
  if (ok)
    {
      if ((bucket = object_member (state, profile)) == NULL)
        {
          bucket = json_object_new ();
          json_object_set_string_member (bucket, "hour", hour);
          json_object_set_string_member (bucket, "first", time_str);
          json_object_set_string_member (bucket, "user", g_get_user_name ());
          json_object_set_object_member (bucket, "actions", json_object_new ());
          json_object_set_object_member (state, profile, bucket);
        }
      actions = object_member (bucket, "actions");
      json_object_set_string_member (bucket, "last", time_str);
      json_object_set_int_member (bucket, "count", json_object_get_int_member_with_default (bucket, "count", 0) + 1);
      if (exit_status != 0)
        json_object_set_int_member (bucket, "failures",
                                    json_object_get_int_member_with_default (bucket, "failures", 0) + 1);
      json_object_set_double_member (bucket, "duration_ms",
                                     json_object_get_double_member_with_default (bucket, "duration_ms", 0) +
                                     duration_us / 1000.0);
      json_object_set_int_member (bucket, "bytes",
                                  json_object_get_int_member_with_default (bucket, "bytes", 0) + (gint64) bytes);
      json_object_set_int_member (actions, action, json_object_get_int_member_with_default (actions, action, 0) + 1);
      ok = save_monitoring (state_path, state, error);
    }

  close (lock);
  g_mutex_unlock (&monitoring_mutex);
  return ok;
}
