/* sn-secret-store.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-secret-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sn-core-enums.h"
#include "sn-secret-store.h"

struct _SnSecretStore
{
  GObject     parent_instance;

  GMutex      mutex;
  GHashTable *remembered;   /* "profile\x1fkind" → secret, wiped on removal */
};

G_DEFINE_FINAL_TYPE (SnSecretStore, sn_secret_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (sn-secret-error-quark, sn_secret_error)

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "com.sweet_narcisse.Admin.Secret", SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static void
wipe_free (gpointer data)
{
  char *str = data;

  if (str != NULL)
    {
      explicit_bzero (str, strlen (str));
      g_free (str);
    }
}

static void
sn_secret_store_finalize (GObject *object)
{
  SnSecretStore *self = (SnSecretStore *)object;

  g_clear_pointer (&self->remembered, g_hash_table_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sn_secret_store_parent_class)->finalize (object);
}

static void
sn_secret_store_class_init (SnSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_secret_store_finalize;
}

static void
sn_secret_store_init (SnSecretStore *self)
{
  g_mutex_init (&self->mutex);
  self->remembered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_free);
}

/**
 * sn_secret_store_get_default:
 *
 * Returns: (transfer none): the process-wide store
 */
SnSecretStore *
sn_secret_store_get_default (void)
{
  static SnSecretStore *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, sn_secret_store_new ());

  return instance;
}

SnSecretStore *
sn_secret_store_new (void)
{
  return g_object_new (SN_TYPE_SECRET_STORE, NULL);
}

/**
 * sn_secret_kind_to_key:
 * @kind: a #SnSecretKind
 *
 * Returns: the nick, e.g. "db-password": the credentials file key and the
 *   keyring "kind" attribute
 */
const char *
sn_secret_kind_to_key (SnSecretKind kind)
{
  g_autoptr(GEnumClass) enum_class = g_type_class_ref (SN_TYPE_SECRET_KIND);
  GEnumValue *value = g_enum_get_value (enum_class, kind);

  g_return_val_if_fail (value != NULL, NULL);

  return value->value_nick;
}

static char *
remember_key (SnProfile    *profile,
              SnSecretKind  kind)
{
  return g_strdup_printf ("%s\x1f%s", sn_profile_get_name (profile), sn_secret_kind_to_key (kind));
}

static char *
lookup_remembered (SnSecretStore *self,
                   SnProfile     *profile,
                   SnSecretKind   kind)
{
  g_autofree char *key = remember_key (profile, kind);
  char *ret;

  g_mutex_lock (&self->mutex);
  ret = g_strdup (g_hash_table_lookup (self->remembered, key));
  g_mutex_unlock (&self->mutex);

  return ret;
}

static void
forget (SnSecretStore *self,
        SnProfile     *profile,
        SnSecretKind   kind)
{
  g_autofree char *key = remember_key (profile, kind);

  g_mutex_lock (&self->mutex);
  g_hash_table_remove (self->remembered, key);
  g_mutex_unlock (&self->mutex);
}

/**
 * sn_secret_store_remember:
 * @self: a #SnSecretStore
 * @profile: whose secret
 * @kind: which secret
 * @value: (nullable): what the person typed; %NULL forgets it
 *
 * Kept in memory only, until the store is finalized; lookups return it
 * before asking the credentials file or the keyring.
 */
void
sn_secret_store_remember (SnSecretStore *self,
                          SnProfile     *profile,
                          SnSecretKind   kind,
                          const char    *value)
{
  g_return_if_fail (SN_IS_SECRET_STORE (self));
  g_return_if_fail (SN_IS_PROFILE (profile));

  if (value == NULL)
    {
      forget (self, profile, kind);
      return;
    }

  g_mutex_lock (&self->mutex);
  g_hash_table_insert (self->remembered, remember_key (profile, kind), g_strdup (value));
  g_mutex_unlock (&self->mutex);
}

/* ------------------------------------------------------------------ */
/* The credentials file                                               */

static char *
credentials_path (SnProfile *profile)
{
  const char *path = sn_profile_get_credentials_file (profile);

  if (path == NULL || *path == '\0')
    return NULL;

  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);

  return g_strdup (path);
}

/* "DB_PASSWORD", "db_password" and "db-password" are the same key. */
static char *
normalize_key (const char *key,
               gsize       len)
{
  char *ret = g_ascii_strdown (key, len);

  g_strdelimit (ret, "_", '-');
  return ret;
}

static gboolean
key_is_valid (const char *key,
              gsize       len)
{
  if (len == 0)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (key[i]) && key[i] != '_' && key[i] != '-' && key[i] != '.')
      return FALSE;

  return TRUE;
}

/* Reads the whole file after checking it is ours and private. Returns
 * NULL with SN_SECRET_ERROR_FILE (with G_FILE_ERROR_NOENT kept in
 * @missing) when it does not exist. */
static char *
read_credentials_file (const char  *path,
                       gboolean    *missing,
                       GError     **error)
{
  g_autoptr(GString) contents = NULL;
  struct stat st;
  char buffer[4096];
  int fd;

  if (missing != NULL)
    *missing = FALSE;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT && missing != NULL)
        *missing = TRUE;

      if (saved_errno == ENOENT)
        g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE,
                     _("The credentials file “%s” does not exist. Create it (KEY=VALUE lines, "
                       "chmod 600 %s) or remove it from the profile."),
                     path, path);
      else
        g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE,
                     _("Cannot open the credentials file “%s”: %s."),
                     path, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE,
                   _("Cannot read the credentials file “%s”: %s."),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_PERMISSIONS,
                   _("The credentials file “%s” is not a regular file. Point the profile at "
                     "a plain file with KEY=VALUE lines."),
                   path);
      return NULL;
    }

  if (st.st_uid != geteuid ())
    {
      close (fd);
      g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_PERMISSIONS,
                   _("The credentials file “%s” belongs to another user, so it is not used. "
                     "Make it yours (chown) and run: chmod 600 %s"),
                   path, path);
      return NULL;
    }

  if ((st.st_mode & 077) != 0)
    {
      close (fd);
      g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_PERMISSIONS,
                   _("The credentials file “%s” can be read by other users (mode %03o), so it "
                     "is not used. Run: chmod 600 %s"),
                   path, (guint)(st.st_mode & 0777), path);
      return NULL;
    }

  contents = g_string_new (NULL);
  for (;;)
    {
      gssize n = read (fd, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;

      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          explicit_bzero (buffer, sizeof buffer);
          g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE,
                       _("Cannot read the credentials file “%s”: %s."),
                       path, g_strerror (saved_errno));
          return NULL;
        }

      if (n == 0)
        break;

      g_string_append_len (contents, buffer, n);
    }

  close (fd);
  explicit_bzero (buffer, sizeof buffer);

  return g_string_free (g_steal_pointer (&contents), FALSE);
}

typedef struct
{
  char *key;     /* normalized, NULL for comments and blank lines */
  char *value;
  char *raw;     /* the line as written */
} CredLine;

static void
cred_line_free (gpointer data)
{
  CredLine *line = data;

  g_free (line->key);
  wipe_free (line->value);
  wipe_free (line->raw);
  g_free (line);
}

static char *
unquote (const char *value)
{
  gsize len = strlen (value);

  if (len >= 2 &&
      ((value[0] == '"' && value[len - 1] == '"') ||
       (value[0] == '\'' && value[len - 1] == '\'')))
    return g_strndup (value + 1, len - 2);

  return g_strdup (value);
}

static GPtrArray *
parse_credentials (const char  *path,
                   const char  *contents,
                   GError     **error)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (cred_line_free);
  const char *p = contents;
  guint number = 0;

  while (*p != '\0')
    {
      const char *end = strchr (p, '\n');
      gsize len = end != NULL ? (gsize)(end - p) : strlen (p);
      CredLine *line = g_new0 (CredLine, 1);
      const char *start;
      const char *eq;
      const char *key_end;

      number++;
      line->raw = g_strndup (p, len);
      /* Move on before the CR is cut: a last line "x\r" with no newline
       * used to leave p on the CR, and the loop never ended (found by fuzzing). */
      p = end != NULL ? end + 1 : p + len;
      if (len > 0 && line->raw[len - 1] == '\r')
        line->raw[--len] = '\0';
      g_ptr_array_add (lines, line);

      start = line->raw;
      while (g_ascii_isspace (*start))
        start++;

      if (*start == '\0' || *start == '#')
        continue;

      if (g_str_has_prefix (start, "export "))
        start += strlen ("export ");

      eq = strchr (start, '=');
      key_end = eq;
      while (key_end != NULL && key_end > start && g_ascii_isspace (key_end[-1]))
        key_end--;

      if (eq == NULL || !key_is_valid (start, key_end - start))
        {
          /* Never quote the line: it may hold a secret. */
          g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE_SYNTAX,
                       _("%s:%u: this line is not KEY=VALUE. Fix it, or put “#” in front "
                         "of it to make it a comment."),
                       path, number);
          return NULL;
        }

      line->key = normalize_key (start, key_end - start);
      {
        /* KEY = value: spaces around the value go, quotes keep them. */
        g_autofree char *value = g_strstrip (g_strdup (eq + 1));

        line->value = unquote (value);
        explicit_bzero (value, strlen (value));
      }
    }

  return g_steal_pointer (&lines);
}

static char *
lookup_in_file (const char    *path,
                SnSecretKind   kind,
                GError       **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *contents = NULL;
  const char *key = sn_secret_kind_to_key (kind);
  char *ret = NULL;

  contents = read_credentials_file (path, NULL, error);
  if (contents == NULL)
    return NULL;

  lines = parse_credentials (path, contents, error);
  explicit_bzero (contents, strlen (contents));
  if (lines == NULL)
    return NULL;

  /* The last assignment wins, as in a shell. */
  for (guint i = 0; i < lines->len; i++)
    {
      CredLine *line = g_ptr_array_index (lines, i);

      if (g_strcmp0 (line->key, key) == 0)
        {
          g_free (ret);
          ret = g_strdup (line->value);
        }
    }

  return ret;
}

static char *
quote_if_needed (const char *value)
{
  gsize len = strlen (value);

  if (len > 0 &&
      (g_ascii_isspace (value[0]) || g_ascii_isspace (value[len - 1]) ||
       value[0] == '"' || value[0] == '\''))
    return g_strdup_printf ("\"%s\"", value);

  return g_strdup (value);
}

/* Replaces (or with @value NULL removes) the key, keeps every other line. */
static gboolean
update_file (const char    *path,
             SnSecretKind   kind,
             const char    *value,
             GError       **error)
{
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) out = NULL;
  g_autofree char *contents = NULL;
  const char *key = sn_secret_kind_to_key (kind);
  gboolean missing = FALSE;
  gboolean written = FALSE;
  gboolean ok;

  if (value != NULL && (strchr (value, '\n') != NULL || strchr (value, '\r') != NULL))
    {
      g_set_error_literal (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FAILED,
                           _("A secret kept in a credentials file cannot contain a line break."));
      return FALSE;
    }

  contents = read_credentials_file (path, &missing, &local_error);
  if (contents == NULL)
    {
      if (!missing)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (value == NULL)
        return TRUE;
      g_clear_error (&local_error);
      contents = g_strdup ("");
    }

  lines = parse_credentials (path, contents, error);
  explicit_bzero (contents, strlen (contents));
  if (lines == NULL)
    return FALSE;

  out = g_string_new (NULL);
  for (guint i = 0; i < lines->len; i++)
    {
      CredLine *line = g_ptr_array_index (lines, i);

      if (g_strcmp0 (line->key, key) == 0)
        {
          if (value != NULL && !written)
            {
              g_autofree char *quoted = quote_if_needed (value);

              g_string_append_printf (out, "%s=%s\n", key, quoted);
              explicit_bzero (quoted, strlen (quoted));
              written = TRUE;
            }
          continue;
        }

      g_string_append (out, line->raw);
      g_string_append_c (out, '\n');
    }

  if (value != NULL && !written)
    {
      g_autofree char *quoted = quote_if_needed (value);

      g_string_append_printf (out, "%s=%s\n", key, quoted);
      explicit_bzero (quoted, strlen (quoted));
    }

  ok = g_file_set_contents_full (path, out->str, out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error);
  explicit_bzero (out->str, out->len);

  if (!ok)
    {
      g_set_error (error, SN_SECRET_ERROR, SN_SECRET_ERROR_FILE,
                   _("Cannot write the credentials file “%s”: %s."),
                   path, local_error->message);
      return FALSE;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The keyring                                                        */

static gboolean
is_no_keyring_error (const GError *error)
{
  if (error == NULL)
    return FALSE;

  if (error->domain == G_DBUS_ERROR)
    return error->code != G_DBUS_ERROR_ACCESS_DENIED;

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_NO_SUCH_OBJECT))
    return TRUE;

  /* No session bus at all (g_bus_get: "Cannot autolaunch D-Bus…",
   * "Could not connect…"). */
  if (error->domain == G_IO_ERROR &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TRUE;

  return FALSE;
}

static GError *
translate_keyring_error (GError *error)
{
  GError *ret;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return error;

  if (is_no_keyring_error (error))
    ret = g_error_new (SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING,
                       _("No keyring (Secret Service) is running, so secrets cannot be kept: "
                         "Narcisse Admin will ask for them each time. Start GNOME Keyring or "
                         "KeePassXC to keep them (%s)."),
                       error->message);
  else
    ret = g_error_new (SN_SECRET_ERROR, SN_SECRET_ERROR_FAILED,
                       _("The keyring refused the request: %s. Unlock the keyring and try "
                         "again."),
                       error->message);

  g_error_free (error);
  return ret;
}

static char *
keyring_label (SnProfile    *profile,
               SnSecretKind  kind)
{
  /* Translators: shown in Seahorse; "db-password for production" */
  return g_strdup_printf (_("Narcisse Admin: %s for %s"),
                          sn_secret_kind_to_key (kind), sn_profile_get_name (profile));
}

/* ------------------------------------------------------------------ */
/* Lookup                                                             */

typedef struct
{
  SnProfile    *profile;
  char         *path;
  char         *value;
  SnSecretKind  kind;
} Request;

static void
request_free (gpointer data)
{
  Request *request = data;

  g_clear_object (&request->profile);
  g_clear_pointer (&request->path, g_free);
  g_clear_pointer (&request->value, wipe_free);
  g_free (request);
}

static Request *
request_new (SnProfile    *profile,
             SnSecretKind  kind,
             const char   *value)
{
  Request *request = g_new0 (Request, 1);

  request->profile = g_object_ref (profile);
  request->path = credentials_path (profile);
  request->kind = kind;
  request->value = g_strdup (value);

  return request;
}

static void
lookup_file_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;
  char *value;

  value = lookup_in_file (request->path, request->kind, &error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, value, wipe_free);
}

static void
lookup_keyring_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *value;

  value = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, translate_keyring_error (error));
      return;
    }

  /* libsecret's value lives in its own non-pageable memory: copy it into
   * ordinary memory the caller frees with g_free(). */
  g_task_return_pointer (task, value != NULL ? g_strdup (value) : NULL, wipe_free);
  secret_password_free (value);
}

/**
 * sn_secret_store_lookup_async:
 * @self: a #SnSecretStore
 * @profile: whose secret
 * @kind: which secret
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: for @callback
 *
 * Looks in what the person typed this session, then in the profile's
 * credentials file if it names one, else in the keyring.
 */
void
sn_secret_store_lookup_async (SnSecretStore       *self,
                              SnProfile           *profile,
                              SnSecretKind         kind,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *remembered = NULL;
  Request *request;

  g_return_if_fail (SN_IS_SECRET_STORE (self));
  g_return_if_fail (SN_IS_PROFILE (profile));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_secret_store_lookup_async);

  remembered = lookup_remembered (self, profile, kind);
  if (remembered != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&remembered), wipe_free);
      return;
    }

  request = request_new (profile, kind, NULL);
  g_task_set_task_data (task, request, request_free);

  if (request->path != NULL)
    {
      g_task_run_in_thread (task, lookup_file_thread);
      return;
    }

  secret_password_lookup (get_schema (), cancellable, lookup_keyring_cb,
                          g_steal_pointer (&task),
                          "profile", sn_profile_get_name (profile),
                          "kind", sn_secret_kind_to_key (kind),
                          NULL);
}

/**
 * sn_secret_store_lookup_finish:
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL when none is
 *   stored (no error) or on error. Free it with g_free().
 */
char *
sn_secret_store_lookup_finish (SnSecretStore  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (SN_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sn_secret_store_lookup_sync:
 *
 * Same as sn_secret_store_lookup_async(), blocking; for the CLI and tests.
 *
 * Returns: (transfer full) (nullable): the secret or %NULL
 */
char *
sn_secret_store_lookup_sync (SnSecretStore  *self,
                             SnProfile      *profile,
                             SnSecretKind    kind,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autofree char *path = NULL;
  GError *local_error = NULL;
  char *value;

  g_return_val_if_fail (SN_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  value = lookup_remembered (self, profile, kind);
  if (value != NULL)
    return value;

  path = credentials_path (profile);
  if (path != NULL)
    return lookup_in_file (path, kind, error);

  value = secret_password_lookup_sync (get_schema (), cancellable, &local_error,
                                       "profile", sn_profile_get_name (profile),
                                       "kind", sn_secret_kind_to_key (kind),
                                       NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, translate_keyring_error (local_error));
      return NULL;
    }

  if (value != NULL)
    {
      char *ret = g_strdup (value);

      secret_password_free (value);
      return ret;
    }

  return NULL;
}

/* ------------------------------------------------------------------ */
/* Store                                                              */

static void
store_file_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Request *request = task_data;
  GError *error = NULL;

  if (!update_file (request->path, request->kind, request->value, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
store_keyring_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, translate_keyring_error (error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * sn_secret_store_store_async:
 * @self: a #SnSecretStore
 * @profile: whose secret
 * @kind: which secret
 * @value: the secret
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when stored
 * @user_data: for @callback
 *
 * Writes to the profile's credentials file (rewritten atomically, other
 * lines kept, mode 0600) or the default keyring collection. Without a
 * keyring this fails with %SN_SECRET_ERROR_NO_KEYRING and nothing is
 * written anywhere: use sn_secret_store_remember() then.
 */
void
sn_secret_store_store_async (SnSecretStore       *self,
                             SnProfile           *profile,
                             SnSecretKind         kind,
                             const char          *value,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *label = NULL;
  Request *request;

  g_return_if_fail (SN_IS_SECRET_STORE (self));
  g_return_if_fail (SN_IS_PROFILE (profile));
  g_return_if_fail (value != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_secret_store_store_async);

  /* A stale typed value must not shadow the new one. */
  forget (self, profile, kind);

  request = request_new (profile, kind, value);
  g_task_set_task_data (task, request, request_free);

  if (request->path != NULL)
    {
      g_task_run_in_thread (task, store_file_thread);
      return;
    }

  label = keyring_label (profile, kind);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, value,
                         cancellable, store_keyring_cb, g_steal_pointer (&task),
                         "profile", sn_profile_get_name (profile),
                         "kind", sn_secret_kind_to_key (kind),
                         NULL);
}

gboolean
sn_secret_store_store_finish (SnSecretStore  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (SN_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sn_secret_store_store_sync (SnSecretStore  *self,
                            SnProfile      *profile,
                            SnSecretKind    kind,
                            const char     *value,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autofree char *path = NULL;
  g_autofree char *label = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SN_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  forget (self, profile, kind);

  path = credentials_path (profile);
  if (path != NULL)
    return update_file (path, kind, value, error);

  label = keyring_label (profile, kind);
  if (!secret_password_store_sync (get_schema (), SECRET_COLLECTION_DEFAULT, label, value,
                                   cancellable, &local_error,
                                   "profile", sn_profile_get_name (profile),
                                   "kind", sn_secret_kind_to_key (kind),
                                   NULL))
    {
      g_propagate_error (error, translate_keyring_error (local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * sn_secret_store_clear_sync:
 *
 * Forgets the secret everywhere it may be: memory, then the credentials
 * file or the keyring. Clearing a secret that is not stored succeeds.
 */
gboolean
sn_secret_store_clear_sync (SnSecretStore  *self,
                            SnProfile      *profile,
                            SnSecretKind    kind,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autofree char *path = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (SN_IS_SECRET_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);

  forget (self, profile, kind);

  path = credentials_path (profile);
  if (path != NULL)
    return update_file (path, kind, NULL, error);

  secret_password_clear_sync (get_schema (), cancellable, &local_error,
                              "profile", sn_profile_get_name (profile),
                              "kind", sn_secret_kind_to_key (kind),
                              NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, translate_keyring_error (local_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * sn_secret_store_dup_values_sync:
 * @complete: (out) (optional): whether every lookup worked
 *
 * Returns: (transfer full): the non-empty secret values of @profile, of
 *   every kind, wherever they are kept; lookups that fail are skipped and
 *   make @complete FALSE
 */
char **
sn_secret_store_dup_values_sync (SnSecretStore *self,
                                 SnProfile     *profile,
                                 GCancellable  *cancellable,
                                 gboolean      *complete)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GEnumClass) kinds = g_type_class_ref (SN_TYPE_SECRET_KIND);
  gboolean all = TRUE;

  g_return_val_if_fail (SN_IS_SECRET_STORE (self), NULL);
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  for (guint i = 0; i < kinds->n_values; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *value = sn_secret_store_lookup_sync (self, profile, kinds->values[i].value,
                                                            cancellable, &error);

      if (error != NULL)
        {
          g_debug ("Secret %s of %s unavailable for redaction: %s",
                   kinds->values[i].value_nick, sn_profile_get_name (profile), error->message);
          all = FALSE;
        }
      if (value != NULL && *value != '\0')
        g_strv_builder_add (builder, value);
    }

  if (complete != NULL)
    *complete = all;
  return g_strv_builder_end (builder);
}

typedef struct
{
  char     **values;
  gboolean   complete;
} DupValues;

static void
dup_values_free (gpointer data)
{
  DupValues *dup = data;

  g_strfreev (dup->values);
  g_free (dup);
}

static void
dup_values_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  DupValues *dup = g_new0 (DupValues, 1);

  dup->values = sn_secret_store_dup_values_sync (source_object, task_data, cancellable, &dup->complete);
  g_task_return_pointer (task, dup, dup_values_free);
}

void
sn_secret_store_dup_values_async (SnSecretStore       *self,
                                  SnProfile           *profile,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_SECRET_STORE (self));
  g_return_if_fail (SN_IS_PROFILE (profile));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_secret_store_dup_values_async);
  g_task_set_task_data (task, sn_profile_copy (profile), g_object_unref);
  g_task_run_in_thread (task, dup_values_worker);
}

/**
 * sn_secret_store_dup_values_finish:
 * @complete: (out) (optional): whether every lookup worked
 */
char **
sn_secret_store_dup_values_finish (SnSecretStore  *self,
                                   GAsyncResult   *result,
                                   gboolean       *complete,
                                   GError        **error)
{
  DupValues *dup;
  char **values;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  dup = g_task_propagate_pointer (G_TASK (result), error);
  if (dup == NULL)
    return NULL;
  values = g_steal_pointer (&dup->values);
  if (complete != NULL)
    *complete = dup->complete;
  dup_values_free (dup);
  return values;
}

/**
 * _sn_secret_store_check_credentials_text: (skip)
 *
 * Whether @text reads as a credentials file (KEY=value lines, comments);
 * for the fuzz targets.
 */
gboolean
_sn_secret_store_check_credentials_text (const char  *text,
                                         GError     **error)
{
  g_autoptr(GPtrArray) lines = parse_credentials ("credentials", text, error);

  return lines != NULL;
}
