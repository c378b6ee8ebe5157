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
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <unistd.h>

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
 * name contains SECRET, KEY, PASSWORD, PASSWD, PASS or TOKEN (any case), the
 * password part of URLs such as postgres://user:pass@host, and the value of
 * Authorization headers.
 *
 * Returns: (transfer full): the redacted command
 */
char *
sn_audit_redact (const char *command)
{
  static gsize initialized;
  static GRegex *vars;
  static GRegex *urls;
  static GRegex *auth;
  static GRegex *sql_password;
  char *step0;
  char *step1;
  char *step2;
  char *step3;

  if (command == NULL)
    return NULL;

  if (g_once_init_enter (&initialized))
    {
      urls = g_regex_new ("([a-z][a-z0-9+.-]*://[^:/@\\s'\"]*):[^@\\s'\"/]+@",
                          G_REGEX_CASELESS, 0, NULL);
      auth = g_regex_new ("(authorization\\s*[:=]\\s*(?:(?:bearer|basic|token)\\s+)?)[^'\"\\s]+",
                          G_REGEX_CASELESS, 0, NULL);
      vars = g_regex_new ("((?:--?)?[A-Za-z0-9_-]*(?:secret|key|passw(?:or)?d|pass|token)"
                          "[A-Za-z0-9_-]*)=(\"[^\"]*\"|'[^']*'|[^\\s;&|]+)",
                          G_REGEX_CASELESS, 0, NULL);
      /* CREATE/ALTER ROLE … PASSWORD '…' (a password or its SCRAM verifier) */
      sql_password = g_regex_new ("(\\bpassword\\s+)(?:'\\\\''[^']*'\\\\''|'(?:[^']|'')*')"
                                  "|SCRAM-SHA-256\\$[0-9]+:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+",
                                  G_REGEX_CASELESS, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }

  step0 = g_regex_replace (sql_password, command, -1, 0, "\\1'[REDACTED]'", 0, NULL);
  step1 = g_regex_replace (urls, step0, -1, 0, "\\1:[REDACTED]@", 0, NULL);
  g_free (step0);
  step2 = g_regex_replace (auth, step1, -1, 0, "\\1[REDACTED]", 0, NULL);
  step3 = g_regex_replace (vars, step2, -1, 0, "\\1=[REDACTED]", 0, NULL);
  g_free (step1);
  g_free (step2);

  return step3;
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
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL;
  g_autofree char *line = NULL;
  gsize len;
  gsize done = 0;
  int fd;
  int errsv;

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

  fd = open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      errsv = errno;
      g_mutex_unlock (&append_mutex);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   _("Could not open the audit log “%s”: %s"), self->path, g_strerror (errsv));
      return FALSE;
    }

  while (done < len)
    {
      ssize_t n = write (fd, line + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          errsv = n < 0 ? errno : ENOSPC;
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
