/* sn-maintenance-secrets.c: NEXTAUTH_SECRET rotation, atomic and verified
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <string.h>
#include <sys/random.h>

#include <glib/gi18n-lib.h>

#include "sn-audit-reader.h"
#include "sn-await.h"
#include "sn-health-service.h"
#include "sn-maintenance-secrets-private.h"

/*
 * The rotation, in the order it runs (target-system.md §8 says what the
 * real script gets wrong: a plain restart does not re-read the env file, no
 * verification, no rollback):
 *
 *  1. read the env file (SFTP) and make the new value here: 48 bytes of
 *     getrandom(), base64. It is never shown, logged, audited nor put on a
 *     command line: only its fingerprint (8 hex digits of its SHA-256) is;
 *  2. back the file up on the host as ENV.YYYYMMDDTHHMMSSZ.bak (UTC, mode
 *     600), keeping the newest SN_SECRET_ROTATION_KEEP;
 *  3. write the new file through SFTP to a temp file beside it and rename it
 *     over (SnHost's replace: same mode and owner);
 *  4. check it parses (every line, and `compose config`) and holds the value;
 *  5. recreate the app container (`up -d app` with the env file: a restart
 *     would keep the old environment);
 *  6. verify: the site answers, and the SHA-256 of the running container's
 *     value equals the file's, both computed on the host;
 *  7. on any failure after 3: put the backup back (same mode and owner),
 *     recreate, verify with the previous value, and say so.
 */

#define HEALTH_TRIES        30
#define HEALTH_INTERVAL_MS  1000
#define COMPARE_TRIES       5
#define COMMAND_TIMEOUT_MS  60000
#define RECREATE_TIMEOUT_MS 300000

G_DEFINE_QUARK (sn-secret-rotation-error-quark, sn_secret_rotation_error)

/* A step's report to the caller ------------------------------------------ */

typedef struct
{
  SnSecretProgressFunc  func;
  gpointer              data;
} Progress;

static void
say (Progress   *progress,
     const char *format,
     ...) G_GNUC_PRINTF (2, 3);

static void
say (Progress   *progress,
     const char *format,
     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (progress == NULL || progress->func == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  progress->func (message, progress->data);
}

/* Secrets in memory ------------------------------------------------------- */

static void
wipe_free (gpointer data)
{
  char *text = data;

  if (text != NULL)
    explicit_bzero (text, strlen (text));
  g_free (text);
}

typedef char SnWipedString;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnWipedString, wipe_free)

static char *
sha256_hex (const char *value)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, value, -1);
}

/**
 * sn_maintenance_secret_fingerprint:
 *
 * Returns: (transfer full): the first 8 hex digits of the SHA-256 of
 *   @value: enough to tell two values apart, nothing to guess one from (the
 *   app itself logs the first 8 characters of the value, target-system §8)
 */
char *
sn_maintenance_secret_fingerprint (const char *value)
{
  g_autofree char *hex = NULL;

  g_return_val_if_fail (value != NULL, NULL);

  hex = sha256_hex (value);
  return g_strndup (hex, 8);
}

/* 48 bytes from the kernel's CSPRNG, base64: 64 characters. */
static char *
generate_secret (GError **error)
{
  guchar bytes[SN_SECRET_ROTATION_BYTES];
  gsize done = 0;
  char *text;

  while (done < sizeof bytes)
    {
      ssize_t got = getrandom (bytes + done, sizeof bytes - done, 0);

      if (got < 0 && errno == EINTR)
        continue;
      if (got <= 0)
        {
          int saved = errno;

          explicit_bzero (bytes, sizeof bytes);
          g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_UNCHANGED,
                       _("This computer could not provide random bytes (%s): nothing was changed."),
                       g_strerror (saved));
          return NULL;
        }
      done += got;
    }

  text = g_base64_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);
  return text;
}

const char *
sn_maintenance_secret_impact (void)
{
  return _("Everyone is logged out: the sessions of the web site (staff and customers) and of the "
           "mobile app stop working, and people sign in again. Every cancel link and QR code already "
           "e-mailed to customers stops working too (they are signed with this secret): customers "
           "who want to cancel must ask the office. The site is unavailable for a few seconds "
           "while the app restarts. Rotate outside opening hours.");
}

/* The env file ------------------------------------------------------------ */

static gboolean
line_is_assignment (const char  *line,
                    char       **name,
                    const char **value)
{
  const char *p = line;
  const char *start;

  while (*p == ' ' || *p == '\t')
    p++;
  if (g_str_has_prefix (p, "export") && (p[6] == ' ' || p[6] == '\t'))
    {
      p += 6;
      while (*p == ' ' || *p == '\t')
        p++;
    }
  start = p;
  if (!(g_ascii_isalpha (*p) || *p == '_'))
    return FALSE;
  while (g_ascii_isalnum (*p) || *p == '_')
    p++;
  if (name != NULL)
    *name = g_strndup (start, p - start);
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '=')
    {
      if (name != NULL)
        g_clear_pointer (name, g_free);
      return FALSE;
    }
  if (value != NULL)
    *value = p + 1;
  return TRUE;
}

static char *
unquote (const char *value)
{
  g_autofree char *text = g_strstrip (g_strdup (value));
  gsize length = strlen (text);

  if (length >= 2 && (text[0] == '"' || text[0] == '\'') && text[length - 1] == text[0])
    return g_strndup (text + 1, length - 2);
  return g_steal_pointer (&text);
}

/**
 * sn_maintenance_env_set_value:
 *
 * The env file with @name set to @value: every `[export ]NAME=` line
 * replaced (the value unquoted: base64 needs no quotes), or a line appended.
 * Every other line is kept byte for byte.
 */
GBytes *
sn_maintenance_env_set_value (GBytes      *contents,
                              const char  *name,
                              const char  *value,
                              char       **old_value,
                              GError     **error)
{
  g_autoptr(GString) out = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(SnWipedString) previous = NULL;
  gboolean found = FALSE;
  gsize size;
  const char *data;

  g_return_val_if_fail (contents != NULL && name != NULL && value != NULL, NULL);

  data = g_bytes_get_data (contents, &size);
  if (data == NULL)
    data = "";   /* an empty file */
  if (memchr (data, '\0', size) != NULL || !g_utf8_validate (data, size, NULL))
    {
      g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_PARSE,
                   _("The env file is not text (it holds a NUL byte or invalid UTF-8): it was not "
                     "changed. Look at it on the server before rotating."));
      return NULL;
    }

  text = g_strndup (data, size);
  lines = g_strsplit (text, "\n", -1);
  explicit_bzero (text, size);
  out = g_string_sized_new (size + strlen (value) + 32);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *stripped = line + strspn (line, " \t\r");
      g_autofree char *key = NULL;
      const char *rest = NULL;

      if (lines[i + 1] == NULL && *line == '\0')
        break;   /* the text after the last newline */

      if (*stripped == '\0' || *stripped == '#')
        g_string_append (out, line);
      else if (!line_is_assignment (line, &key, &rest))
        {
          g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_PARSE,
                       _("Line %u of the env file is not NAME=VALUE, a comment or empty: the file "
                         "was not changed. Fix that line on the server first."), i + 1);
          for (guint j = 0; lines[j] != NULL; j++)
            explicit_bzero (lines[j], strlen (lines[j]));
          explicit_bzero (out->str, out->len);
          g_string_free (g_steal_pointer (&out), TRUE);
          return NULL;
        }
      else if (g_str_equal (key, name))
        {
          g_clear_pointer (&previous, wipe_free);
          previous = unquote (rest);
          found = TRUE;
          g_string_append_printf (out, "%s=%s", name, value);
        }
      else
        g_string_append (out, line);
      g_string_append_c (out, '\n');
    }

  if (!found)
    g_string_append_printf (out, "%s=%s\n", name, value);

  for (guint i = 0; lines[i] != NULL; i++)
    explicit_bzero (lines[i], strlen (lines[i]));

  if (old_value != NULL)
    *old_value = g_steal_pointer (&previous);

  size = out->len;
  data = g_string_free (g_steal_pointer (&out), FALSE);
  /* The bytes end with a NUL (and hold none before): wipe_free sees them whole. */
  return g_bytes_new_with_free_func (data, size, wipe_free, (gpointer) data);
}

/* The host, synchronously (this runs in a worker thread) ---------------- */

static GBytes *
read_file (SnHost        *host,
           const char    *path,
           GCancellable  *cancellable,
           GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  sn_await_push_private (&await);
  sn_host_read_file_async (host, path, cancellable, sn_await_callback, &await);
  return sn_host_read_file_finish (host, sn_await_result (&await), error);
}

static gboolean
replace_file (SnHost        *host,
              const char    *path,
              GBytes        *contents,
              char         **backup,
              GCancellable  *cancellable,
              GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  sn_await_push_private (&await);
  sn_host_replace_file_async (host, path, contents, -1, cancellable, sn_await_callback, &await);
  return sn_host_replace_file_finish (host, sn_await_result (&await), backup, error);
}

/* Runs @command; its stdout, or NULL with an error naming @what. */
char *
_sn_maintenance_run (SnHost        *host,
                     const char    *action,
                     const char    *what,
                     const char    *command,
                     guint          timeout_ms,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(SnSshExecResult) result = NULL;
  g_autofree char *err = NULL;

  if (!(result = sn_host_exec_sync (host, action, command, NULL, timeout_ms, NULL, NULL, cancellable, error)))
    {
      g_prefix_error (error, "%s: ", what);
      return NULL;
    }

  if (!sn_ssh_exec_result_get_success (result))
    {
      err = sn_ssh_exec_result_dup_stderr_text (result);
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_FAILED, _("%s failed (exit status %d): %s"),
                   what, sn_ssh_exec_result_get_exit_status (result),
                   *g_strstrip (err) != '\0' ? err : _("no message"));
      return NULL;
    }

  return sn_ssh_exec_result_dup_stdout_text (result);
}

/* The value of `key=value` lines of @text; NULL when absent. */
char *
_sn_maintenance_field (const char *text,
                       const char *key)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  gsize length = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strncmp (lines[i], key, length) == 0 && lines[i][length] == '=')
        return g_strstrip (g_strdup (lines[i] + length + 1));
    }

  return NULL;
}

static gboolean
sleep_cancellable (guint          ms,
                   GCancellable  *cancellable,
                   GError       **error)
{
  for (guint waited = 0; waited < ms; waited += 100)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (100 * 1000);
    }
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* The site answers (its database too), within HEALTH_TRIES seconds. */
static gboolean
wait_reachable (SnProfile     *profile,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *last = NULL;

  for (guint i = 0; i < HEALTH_TRIES; i++)
    {
      g_auto(SnAwait) await = SN_AWAIT_INIT;
      g_autoptr(SnHealthService) service = NULL;
      g_autoptr(SnHealthReport) report = NULL;
      g_autoptr(GError) local_error = NULL;
      SnHealthState state;

      sn_await_push_private (&await);
      service = sn_health_service_new ();
      sn_health_service_check_async (service, sn_profile_get_site_url (profile), NULL, 5, cancellable,
                                     sn_await_callback, &await);
      report = sn_health_service_check_finish (service, sn_await_result (&await), &local_error);
      g_clear_object (&service);
      sn_await_clear (&await);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (report != NULL)
        {
          state = sn_health_report_get_state (report);
          if (state == SN_HEALTH_STATE_HEALTHY || state == SN_HEALTH_STATE_DEGRADED ||
              state == SN_HEALTH_STATE_OPERATIONAL)
            return TRUE;
          g_free (last);
          last = g_strdup (sn_health_report_get_summary (report));
        }
      else
        {
          g_free (last);
          last = g_strdup (local_error->message);
        }

      if (!sleep_cancellable (HEALTH_INTERVAL_MS, cancellable, error))
        return FALSE;
    }

  g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
               _("The site did not answer within %u seconds: %s"), HEALTH_TRIES * HEALTH_INTERVAL_MS / 1000,
               last != NULL ? last : _("no answer"));
  return FALSE;
}

/* The running container's value has @expected_sha (the file's too). */
static gboolean
verify_running (SnHost        *host,
                SnProfile     *profile,
                const char    *expected_sha,
                Progress      *progress,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autofree char *command = NULL;
  g_autofree char *file = NULL;
  g_autofree char *container = NULL;

  say (progress, _("Waiting for the site to answer…"));
  if (!wait_reachable (profile, cancellable, error))
    return FALSE;

  command = sn_host_command_env_compare (profile, SN_SECRET_ROTATION_VARIABLE, SN_SECRET_ROTATION_SERVICE);
  for (guint i = 0; i < COMPARE_TRIES; i++)
    {
      g_autofree char *out = _sn_maintenance_run (host, "maintenance.secret.verify",
                                                  _("Comparing the container’s secret with the file’s"),
                                                  command, COMMAND_TIMEOUT_MS, cancellable, error);

      if (out == NULL)
        return FALSE;
      g_free (file);
      g_free (container);
      file = _sn_maintenance_field (out, "file");
      container = _sn_maintenance_field (out, "container");
      if (g_strcmp0 (file, expected_sha) == 0 && g_strcmp0 (container, expected_sha) == 0)
        {
          say (progress, _("The running app uses the file’s secret (fingerprint %.8s)."), expected_sha);
          return TRUE;
        }
      if (!sleep_cancellable (HEALTH_INTERVAL_MS, cancellable, error))
        return FALSE;
    }

  if (g_strcmp0 (file, expected_sha) != 0)
    g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                 _("The env file does not hold the expected secret (fingerprint %.8s, expected %.8s)."),
                 file != NULL ? file : "?", expected_sha);
  else if (g_strcmp0 (container, "unreachable") == 0)
    g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                 _("The app container does not answer, so its secret cannot be checked."));
  else
    g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                 _("The running app does not use the file’s secret (fingerprint %.8s, the file’s is "
                   "%.8s): the container was not recreated with the env file."),
                 container != NULL ? container : "?", expected_sha);
  return FALSE;
}

static gboolean
recreate (SnHost        *host,
          SnProfile     *profile,
          Progress      *progress,
          GCancellable  *cancellable,
          GError       **error)
{
  static const char * const up[] = { "up", "-d", SN_SECRET_ROTATION_SERVICE, NULL };
  g_autofree char *command = sn_host_command_compose (profile, up);
  g_autofree char *out = NULL;

  say (progress, _("Recreating the app container with the env file…"));
  out = _sn_maintenance_run (host, "maintenance.secret.recreate", _("Recreating the app container"),
                             command, RECREATE_TIMEOUT_MS, cancellable, error);
  return out != NULL;
}

/* The rotation ------------------------------------------------------------- */

struct _SnSecretRotation
{
  GObject   parent_instance;

  char     *old_fingerprint;
  char     *new_fingerprint;
  char     *backup;
  GStrv     pruned;
};

G_DEFINE_FINAL_TYPE (SnSecretRotation, sn_secret_rotation, G_TYPE_OBJECT)

static void
sn_secret_rotation_finalize (GObject *object)
{
  SnSecretRotation *self = SN_SECRET_ROTATION (object);

  g_free (self->old_fingerprint);
  g_free (self->new_fingerprint);
  g_free (self->backup);
  g_strfreev (self->pruned);
  G_OBJECT_CLASS (sn_secret_rotation_parent_class)->finalize (object);
}

static void
sn_secret_rotation_class_init (SnSecretRotationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_secret_rotation_finalize;
}

static void
sn_secret_rotation_init (SnSecretRotation *self)
{
}

const char *
sn_secret_rotation_get_old_fingerprint (SnSecretRotation *self)
{
  g_return_val_if_fail (SN_IS_SECRET_ROTATION (self), NULL);
  return self->old_fingerprint;
}

const char *
sn_secret_rotation_get_new_fingerprint (SnSecretRotation *self)
{
  g_return_val_if_fail (SN_IS_SECRET_ROTATION (self), NULL);
  return self->new_fingerprint;
}

const char *
sn_secret_rotation_get_backup (SnSecretRotation *self)
{
  g_return_val_if_fail (SN_IS_SECRET_ROTATION (self), NULL);
  return self->backup;
}

const char * const *
sn_secret_rotation_get_pruned (SnSecretRotation *self)
{
  g_return_val_if_fail (SN_IS_SECRET_ROTATION (self), NULL);
  return (const char * const *) self->pruned;
}

/* What a run keeps between its phases; no value, only hashes. */
typedef struct
{
  SnHost       *host;
  SnProfile    *profile;
  Progress     *progress;
  GCancellable *cancellable;
  char         *env_path;
  char         *old_sha;      /* NULL: the file had no value */
  char         *new_sha;
  char         *backup;
  char         *mode;
  char         *owner;
  GPtrArray    *pruned;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->env_path);
  g_free (run->old_sha);
  g_free (run->new_sha);
  g_free (run->backup);
  g_free (run->mode);
  g_free (run->owner);
  g_clear_pointer (&run->pruned, g_ptr_array_unref);
}

/* 1-3: new contents, backup, atomic write. Nothing changed when it fails. */
static gboolean
write_new_file (Run      *run,
                GError  **error)
{
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GBytes) updated = NULL;
  g_autoptr(SnWipedString) secret = NULL;
  g_autoptr(SnWipedString) old_value = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *extra_backup = NULL;
  g_autoptr(GError) local_error = NULL;

  say (run->progress, _("Reading %s…"), run->env_path);
  if (!(contents = read_file (run->host, run->env_path, run->cancellable, &local_error)) ||
      !(secret = generate_secret (&local_error)) ||
      !(updated = sn_maintenance_env_set_value (contents, SN_SECRET_ROTATION_VARIABLE, secret, &old_value,
                                                &local_error)))
    goto unchanged;

  run->new_sha = sha256_hex (secret);
  run->old_sha = old_value != NULL && *old_value != '\0' ? sha256_hex (old_value) : NULL;
  say (run->progress, _("New secret made here: %d random bytes, fingerprint %.8s (the previous one: %.8s)."),
       SN_SECRET_ROTATION_BYTES, run->new_sha, run->old_sha != NULL ? run->old_sha : _("none"));

  say (run->progress, _("Backing up the env file on the host…"));
  command = sn_host_command_env_backup (run->profile, stamp);
  if (!(out = _sn_maintenance_run (run->host, "maintenance.secret.backup", _("Backing up the env file"),
                                   command, COMMAND_TIMEOUT_MS, run->cancellable, &local_error)))
    goto unchanged;
  run->backup = _sn_maintenance_field (out, "backup");
  run->mode = _sn_maintenance_field (out, "mode");
  run->owner = _sn_maintenance_field (out, "owner");
  if (run->backup == NULL)
    {
      g_set_error (&local_error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE, _("The backup did not say where it went."));
      goto unchanged;
    }
  say (run->progress, _("Backup: %s (mode 600)."), run->backup);

  say (run->progress, _("Writing the new env file (temporary file, then rename)…"));
  if (!replace_file (run->host, run->env_path, updated, &extra_backup, run->cancellable, &local_error))
    goto unchanged;

  /* The replace keeps its own copy of the old file: ours is the one kept. */
  if (extra_backup != NULL)
    {
      g_autofree char *rm = sn_host_command_remove_file (extra_backup);
      g_autofree char *done = _sn_maintenance_run (run->host, "maintenance.secret.cleanup",
                                                   _("Removing the extra copy"), rm, COMMAND_TIMEOUT_MS,
                                                   NULL, NULL);
    }
  return TRUE;

unchanged:
  /* A backup of an unchanged file would read as a rotation: it goes. */
  if (run->backup != NULL)
    {
      g_autofree char *rm = sn_host_command_remove_file (run->backup);
      g_autofree char *done = _sn_maintenance_run (run->host, "maintenance.secret.cleanup",
                                                   _("Removing the backup of the unchanged file"), rm,
                                                   COMMAND_TIMEOUT_MS, NULL, NULL);

      if (done != NULL)
        g_clear_pointer (&run->backup, g_free);
    }
  g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_UNCHANGED,
               _("The secret was not rotated and nothing changed on the server: %s"), local_error->message);
  return FALSE;
}

/* 4-6: the file parses and holds the new value; the app runs it. */
static gboolean
apply_new_file (Run      *run,
                GError  **error)
{
  g_autofree char *command = sn_host_command_env_check (run->profile, SN_SECRET_ROTATION_VARIABLE);
  g_autofree char *out = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *file = NULL;

  say (run->progress, _("Checking the new env file parses…"));
  if (!(out = _sn_maintenance_run (run->host, "maintenance.secret.check", _("Checking the env file"), command,
                                   COMMAND_TIMEOUT_MS, run->cancellable, error)))
    return FALSE;
  bad = _sn_maintenance_field (out, "bad-lines");
  file = _sn_maintenance_field (out, "file");
  if (g_strcmp0 (bad, "0") != 0)
    {
      g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_PARSE,
                   _("The new env file has %s lines that do not parse."), bad != NULL ? bad : "?");
      return FALSE;
    }
  if (g_strcmp0 (file, run->new_sha) != 0)
    {
      g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_PARSE,
                   _("The env file on the host does not hold the new secret (fingerprint %.8s)."),
                   file != NULL ? file : "?");
      return FALSE;
    }

  return recreate (run->host, run->profile, run->progress, run->cancellable, error) &&
         verify_running (run->host, run->profile, run->new_sha, run->progress, run->cancellable, error);
}

/* 7: the backup back, the app recreated and verified with the old value. */
static gboolean
restore_previous (Run      *run,
                  GError  **error)
{
  g_autofree char *command = sn_host_command_env_restore (run->profile, run->backup, run->mode, run->owner);
  g_autofree char *out = NULL;

  /* Not cancellable: a half-done rotation must not stay. */
  say (run->progress, _("Putting the previous env file back from %s…"), run->backup);
  if (!(out = _sn_maintenance_run (run->host, "maintenance.secret.restore", _("Restoring the env file"),
                                   command, COMMAND_TIMEOUT_MS, NULL, error)))
    return FALSE;
  if (!recreate (run->host, run->profile, run->progress, NULL, error))
    return FALSE;
  if (run->old_sha == NULL)
    return wait_reachable (run->profile, NULL, error);
  return verify_running (run->host, run->profile, run->old_sha, run->progress, NULL, error);
}

/* Once the rotation holds: the oldest backups beyond the number kept go. A
 * failure here leaves one backup too many, and is only said. */
static void
prune (Run *run)
{
  g_autofree char *command = sn_host_command_env_prune (run->profile, SN_SECRET_ROTATION_KEEP);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = _sn_maintenance_run (run->host, "maintenance.secret.prune", _("Removing old backups"),
                                              command, COMMAND_TIMEOUT_MS, NULL, &error);
  g_auto(GStrv) lines = NULL;

  if (out == NULL)
    {
      say (run->progress, "%s", error->message);
      return;
    }
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "pruned="))
      g_ptr_array_add (run->pruned, g_strdup (lines[i] + strlen ("pruned=")));
}

static void
audit (Run        *run,
       const char *text,
       int         status)
{
  g_autoptr(GError) error = NULL;

  if (!sn_audit_log_append (sn_host_get_audit_log (run->host), sn_profile_get_name (run->profile),
                            "maintenance.secret.rotate", text, status, 0, 0, &error))
    g_warning ("%s", error->message);
}

SnSecretRotation *
sn_maintenance_secret_rotate_sync (SnHost                *host,
                                   SnProfile             *profile,
                                   SnSecretProgressFunc   progress_func,
                                   gpointer               progress_data,
                                   GCancellable          *cancellable,
                                   GError               **error)
{
  Progress progress = { progress_func, progress_data };
  Run run = { host, profile, &progress, cancellable };
  g_autoptr(GError) failure = NULL;
  g_autoptr(GError) restore_error = NULL;
  g_autoptr(SnSecretRotation) rotation = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (SN_IS_HOST (host), NULL);
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR,
                               _("rotate NEXTAUTH_SECRET (it logs everyone out)"), error))
    return NULL;

  run.env_path = sn_host_command_env_path (profile);
  run.pruned = g_ptr_array_new_with_free_func (g_free);

  if (!write_new_file (&run, error))
    {
      text = g_strdup_printf ("NEXTAUTH_SECRET not rotated, nothing changed%s%s",
                              run.backup != NULL ? "; backup " : "", run.backup != NULL ? run.backup : "");
      audit (&run, text, 1);
      run_clear (&run);
      return NULL;
    }

  if (!apply_new_file (&run, &failure))
    {
      if (restore_previous (&run, &restore_error))
        {
          /* The file is the backup again: a backup left would read as a rotation. */
          g_autofree char *rm = sn_host_command_remove_file (run.backup);
          g_autofree char *done = _sn_maintenance_run (host, "maintenance.secret.cleanup",
                                                       _("Removing the backup of the restored file"), rm,
                                                       COMMAND_TIMEOUT_MS, NULL, NULL);

          g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_RESTORED,
                       _("The rotation failed: %s The previous env file was put back from %s, the app "
                         "recreated and verified with the previous secret (fingerprint %.8s): nothing "
                         "changed for the users."),
                       failure->message, run.backup, run.old_sha != NULL ? run.old_sha : _("none"));
          text = g_strdup_printf ("NEXTAUTH_SECRET rotation failed, previous file restored from %s "
                                  "(fingerprint %.8s)", run.backup, run.old_sha != NULL ? run.old_sha : "none");
        }
      else
        {
          g_set_error (error, SN_SECRET_ROTATION_ERROR, SN_SECRET_ROTATION_ERROR_UNRESTORED,
                       _("The rotation failed: %s Putting the previous env file back failed too: %s Do it "
                         "by hand now: on the server, `cp -p %s %s` in the deploy directory, then recreate "
                         "the app container with the env file and check the site."),
                       failure->message, restore_error->message, run.backup, SN_HOST_ENV_FILE);
          text = g_strdup_printf ("NEXTAUTH_SECRET rotation failed and the restore from %s failed", run.backup);
        }
      audit (&run, text, 1);
      run_clear (&run);
      return NULL;
    }

  prune (&run);
  rotation = g_object_new (SN_TYPE_SECRET_ROTATION, NULL);
  rotation->old_fingerprint = run.old_sha != NULL ? g_strndup (run.old_sha, 8) : NULL;
  rotation->new_fingerprint = g_strndup (run.new_sha, 8);
  rotation->backup = g_strdup (run.backup);
  g_ptr_array_add (run.pruned, NULL);
  rotation->pruned = (GStrv) g_ptr_array_steal (run.pruned, NULL);
  text = g_strdup_printf ("NEXTAUTH_SECRET rotated: fingerprint %s -> %s, backup %s, verified in the running app",
                          rotation->old_fingerprint != NULL ? rotation->old_fingerprint : "none",
                          rotation->new_fingerprint, rotation->backup);
  audit (&run, text, 0);
  say (&progress, _("Rotated: the app runs the new secret (fingerprint %s)."), rotation->new_fingerprint);
  run_clear (&run);
  return g_steal_pointer (&rotation);
}

/* The status ---------------------------------------------------------------- */

struct _SnSecretStatus
{
  GObject   parent_instance;

  char     *source;
  char     *file_fingerprint;
  char     *container_fingerprint;
  char     *file_mode;
  gint64    last_rotation;
  guint     n_backups;
  guint     container_reachable : 1;
  guint     in_sync : 1;
};

G_DEFINE_FINAL_TYPE (SnSecretStatus, sn_secret_status, G_TYPE_OBJECT)

static void
sn_secret_status_finalize (GObject *object)
{
  SnSecretStatus *self = SN_SECRET_STATUS (object);

  g_free (self->source);
  g_free (self->file_fingerprint);
  g_free (self->container_fingerprint);
  g_free (self->file_mode);
  G_OBJECT_CLASS (sn_secret_status_parent_class)->finalize (object);
}

static void
sn_secret_status_class_init (SnSecretStatusClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_secret_status_finalize;
}

static void
sn_secret_status_init (SnSecretStatus *self)
{
}

gint64
sn_secret_status_get_last_rotation (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), 0);
  return self->last_rotation;
}

const char *
sn_secret_status_get_source (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), NULL);
  return self->source;
}

const char *
sn_secret_status_get_file_fingerprint (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), NULL);
  return self->file_fingerprint;
}

const char *
sn_secret_status_get_container_fingerprint (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), NULL);
  return self->container_fingerprint;
}

gboolean
sn_secret_status_get_container_reachable (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), FALSE);
  return self->container_reachable;
}

gboolean
sn_secret_status_get_in_sync (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), FALSE);
  return self->in_sync;
}

guint
sn_secret_status_get_n_backups (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), 0);
  return self->n_backups;
}

const char *
sn_secret_status_get_file_mode (SnSecretStatus *self)
{
  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), NULL);
  return self->file_mode;
}

char *
sn_secret_status_dup_age_text (SnSecretStatus *self)
{
  gint64 age;
  gint64 days;

  g_return_val_if_fail (SN_IS_SECRET_STATUS (self), NULL);

  if (self->last_rotation <= 0)
    return g_strdup (_("no rotation on record (no backup of the env file, no marker of "
                       "scripts/rotate-secrets.sh)"));

  age = MAX (0, g_get_real_time () / G_USEC_PER_SEC - self->last_rotation);
  days = age / 86400;
  if (days >= 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " day ago (%s)",
                                         "%" G_GINT64_FORMAT " days ago (%s)", days),
                            days, self->source);
  if (age >= 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " hour ago (%s)",
                                         "%" G_GINT64_FORMAT " hours ago (%s)", age / 3600),
                            age / 3600, self->source);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " minute ago (%s)",
                                       "%" G_GINT64_FORMAT " minutes ago (%s)", age / 60),
                          age / 60, self->source);
}

/* "…/.env.production.local.20261207T065012Z.bak" → its Unix time, or 0. */
static gint64
backup_time (const char *path)
{
  const char *end = g_str_has_suffix (path, "Z.bak") ? path + strlen (path) - strlen (".bak") : NULL;
  g_autofree char *stamp = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *iso = NULL;

  if (end == NULL || end - path < 16)
    return 0;
  stamp = g_strndup (end - 16, 16);
  if (stamp[8] != 'T')
    return 0;
  iso = g_strdup_printf ("%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6, stamp + 9,
                         stamp + 11, stamp + 13);
  time = g_date_time_new_from_iso8601 (iso, NULL);
  return time != NULL ? g_date_time_to_unix (time) : 0;
}

static void
set_string (char       **field,
            const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

static void
status_consider (SnSecretStatus *self,
                 gint64          when,
                 const char     *source)
{
  if (when <= self->last_rotation)
    return;
  self->last_rotation = when;
  g_free (self->source);
  self->source = g_strdup (source);
}

SnSecretStatus *
_sn_secret_status_parse (const char *text)
{
  g_autoptr(SnSecretStatus) self = g_object_new (SN_TYPE_SECRET_STATUS, NULL);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  g_autofree char *file = NULL;
  g_autofree char *container = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *value = strchr (line, '=');
      g_autofree char *key = value != NULL ? g_strndup (line, value - line) : NULL;
      g_autofree char *source = NULL;

      if (key == NULL)
        continue;
      value++;
      if (g_str_equal (key, "backup"))
        {
          self->n_backups++;
          source = g_strdup_printf (_("backup %s"), value);
          status_consider (self, backup_time (value), source);
        }
      else if (g_str_equal (key, "marker"))
        status_consider (self, g_ascii_strtoll (value, NULL, 10), _("marker of scripts/rotate-secrets.sh"));
      else if (g_str_equal (key, "script-backup"))
        status_consider (self, g_ascii_strtoll (value, NULL, 10), _("backup of scripts/rotate-secrets.sh"));
      else if (g_str_equal (key, "mode"))
        set_string (&self->file_mode, value);
      else if (g_str_equal (key, "file"))
        set_string (&file, value);
      else if (g_str_equal (key, "container"))
        set_string (&container, value);
    }

  if (file != NULL && strlen (file) == 64)
    self->file_fingerprint = g_strndup (file, 8);
  self->container_reachable = container != NULL && !g_str_equal (container, "unreachable");
  if (self->container_reachable && strlen (container) == 64)
    self->container_fingerprint = g_strndup (container, 8);
  self->in_sync = self->file_fingerprint != NULL && g_strcmp0 (file, container) == 0;

  return g_steal_pointer (&self);
}

/* The newest successful rotation this computer's audit log records for the
 * profile: it still counts when the host's backups are gone. */
static void
consider_audit_log (SnSecretStatus *self,
                    SnHost         *host,
                    SnProfile      *profile,
                    GCancellable   *cancellable)
{
  SnAuditLog *log = sn_host_get_audit_log (host);
  g_autoptr(SnAuditReader) reader = NULL;
  GListModel *entries;

  if (log == NULL)
    return;
  reader = sn_audit_reader_new (sn_audit_log_get_path (log), SN_AUDIT_ORDER_NEWEST_FIRST);
  if (!sn_audit_reader_load_sync (reader, cancellable, NULL))
    return;

  entries = G_LIST_MODEL (reader);
  for (guint i = 0; i < g_list_model_get_n_items (entries); i++)
    {
      g_autoptr(SnAuditEntry) entry = g_list_model_get_item (entries, i);
      GDateTime *when;

      if (g_strcmp0 (sn_audit_entry_get_action (entry), "maintenance.secret.rotate") != 0 ||
          sn_audit_entry_get_exit_status (entry) != 0 ||
          g_strcmp0 (sn_audit_entry_get_profile (entry), sn_profile_get_name (profile)) != 0)
        continue;
      if ((when = sn_audit_entry_get_date_time (entry)) != NULL)
        status_consider (self, g_date_time_to_unix (when), _("the audit log of this computer"));
      return;
    }
}

SnSecretStatus *
sn_maintenance_secret_status_sync (SnHost        *host,
                                   SnProfile     *profile,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  SnSecretStatus *status;

  g_return_val_if_fail (SN_IS_HOST (host), NULL);
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  command = sn_host_command_env_rotation_status (profile, SN_SECRET_ROTATION_VARIABLE,
                                                 SN_SECRET_ROTATION_SERVICE);
  if (!(out = _sn_maintenance_run (host, "maintenance.secret.status", _("Reading the secret’s status"),
                                   command, COMMAND_TIMEOUT_MS, cancellable, error)))
    return NULL;
  status = _sn_secret_status_parse (out);
  consider_audit_log (status, host, profile, cancellable);
  return status;
}

/* Async forms: the sync ones in a thread ---------------------------------- */

typedef struct
{
  SnProfile            *profile;
  SnSecretProgressFunc  func;
  gpointer              data;
  GDestroyNotify        destroy;
  GMainContext         *context;
} AsyncData;

static void
async_data_free (AsyncData *data)
{
  g_clear_object (&data->profile);
  if (data->destroy != NULL)
    data->destroy (data->data);
  g_clear_pointer (&data->context, g_main_context_unref);
  g_free (data);
}

static void
status_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  SnSecretStatus *status = sn_maintenance_secret_status_sync (source_object, data->profile, cancellable, &error);

  if (status == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, status, g_object_unref);
}

void
sn_maintenance_secret_status_async (SnHost              *host,
                                    SnProfile           *profile,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AsyncData *data;

  g_return_if_fail (SN_IS_HOST (host));
  g_return_if_fail (SN_IS_PROFILE (profile));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_secret_status_async);
  data = g_new0 (AsyncData, 1);
  data->profile = g_object_ref (profile);
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);
  g_task_run_in_thread (task, status_thread);
}

SnSecretStatus *
sn_maintenance_secret_status_finish (SnHost        *host,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_secret_status_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  AsyncData *data;
  char      *message;
} Message;

static gboolean
deliver_message (gpointer user_data)
{
  Message *message = user_data;

  message->data->func (message->message, message->data->data);
  return G_SOURCE_REMOVE;
}

static void
message_free (gpointer user_data)
{
  Message *message = user_data;

  g_free (message->message);
  g_free (message);
}

/* From the worker thread to the caller's context (the task keeps data alive). */
static void
forward_progress (const char *text,
                  gpointer    user_data)
{
  AsyncData *data = user_data;
  Message *message = g_new0 (Message, 1);

  message->data = data;
  message->message = g_strdup (text);
  g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, deliver_message, message, message_free);
}

static void
rotate_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  AsyncData *data = task_data;
  GError *error = NULL;
  SnSecretRotation *rotation;

  rotation = sn_maintenance_secret_rotate_sync (source_object, data->profile,
                                                data->func != NULL ? forward_progress : NULL, data,
                                                cancellable, &error);
  if (rotation == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rotation, g_object_unref);
}

void
sn_maintenance_secret_rotate_async (SnHost               *host,
                                    SnProfile            *profile,
                                    SnSecretProgressFunc  progress,
                                    gpointer              progress_data,
                                    GDestroyNotify        progress_destroy,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  AsyncData *data;

  g_return_if_fail (SN_IS_HOST (host));
  g_return_if_fail (SN_IS_PROFILE (profile));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_secret_rotate_async);
  data = g_new0 (AsyncData, 1);
  data->profile = g_object_ref (profile);
  data->func = progress;
  data->data = progress_data;
  data->destroy = progress_destroy;
  data->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, data, (GDestroyNotify) async_data_free);

  /* The level before a thread is even started. */
  if (!sn_profile_check_level (profile, SN_SAFETY_LEVEL_OPERATOR,
                               _("rotate NEXTAUTH_SECRET (it logs everyone out)"), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_run_in_thread (task, rotate_thread);
}

SnSecretRotation *
sn_maintenance_secret_rotate_finish (SnHost        *host,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_secret_rotate_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
