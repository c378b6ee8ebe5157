/* sn-profile-store.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-profile-store"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sn-audit-log.h"
#include "sn-core-enums.h"
#include "sn-profile-store.h"

struct _SnProfileStore
{
  GObject    parent_instance;

  char       *directory;
  GPtrArray  *profiles;  /* SnProfile, sorted by name */
  SnAuditLog *audit;     /* NULL: the default one, when first needed */
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnProfileStore, sn_profile_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

G_DEFINE_QUARK (sn-profile-store-error-quark, sn_profile_store_error)

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
sn_profile_store_get_item_type (GListModel *model)
{
  return SN_TYPE_PROFILE;
}

static guint
sn_profile_store_get_n_items (GListModel *model)
{
  return SN_PROFILE_STORE (model)->profiles->len;
}

static gpointer
sn_profile_store_get_item (GListModel *model,
                           guint       position)
{
  SnProfileStore *self = SN_PROFILE_STORE (model);

  if (position >= self->profiles->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->profiles, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sn_profile_store_get_item_type;
  iface->get_n_items = sn_profile_store_get_n_items;
  iface->get_item = sn_profile_store_get_item;
}

static void
sn_profile_store_finalize (GObject *object)
{
  SnProfileStore *self = (SnProfileStore *)object;

  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->directory, g_free);
  g_clear_object (&self->audit);

  G_OBJECT_CLASS (sn_profile_store_parent_class)->finalize (object);
}

static void
sn_profile_store_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnProfileStore *self = SN_PROFILE_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->profiles->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_profile_store_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SnProfileStore *self = SN_PROFILE_STORE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_free (self->directory);
      self->directory = g_value_dup_string (value);
      if (self->directory == NULL)
        self->directory = sn_profile_store_default_directory ();
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_profile_store_class_init (SnProfileStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_profile_store_finalize;
  object_class->get_property = sn_profile_store_get_property;
  object_class->set_property = sn_profile_store_set_property;

  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_profile_store_init (SnProfileStore *self)
{
  self->profiles = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * sn_profile_store_default_directory:
 *
 * Returns: (transfer full): $XDG_CONFIG_HOME/narcisse-admin/profiles
 */
char *
sn_profile_store_default_directory (void)
{
  return g_build_filename (g_get_user_config_dir (), "narcisse-admin", "profiles", NULL);
}

/**
 * sn_profile_store_new:
 * @directory: (nullable): where the profiles live, %NULL for the default
 *
 * Nothing is read until sn_profile_store_load().
 *
 * Returns: (transfer full): a new, empty store
 */
SnProfileStore *
sn_profile_store_new (const char *directory)
{
  return g_object_new (SN_TYPE_PROFILE_STORE, "directory", directory, NULL);
}

const char *
sn_profile_store_get_directory (SnProfileStore *self)
{
  g_return_val_if_fail (SN_IS_PROFILE_STORE (self), NULL);

  return self->directory;
}

/* Names are valid (no '/'), but escape everything outside [A-Za-z0-9._-]
 * and non-ASCII letters anyway so the file name is always plain. */
static char *
file_name_for (const char *name)
{
  g_autofree char *escaped = g_uri_escape_string (name, NULL, FALSE);

  return g_strconcat (escaped, ".json", NULL);
}

static char *
path_for (SnProfileStore *self,
          const char     *name)
{
  g_autofree char *file_name = file_name_for (name);

  return g_build_filename (self->directory, file_name, NULL);
}

static int
compare_names (const char *a,
               const char *b)
{
  g_autofree char *ka = g_utf8_collate_key (a != NULL ? a : "", -1);
  g_autofree char *kb = g_utf8_collate_key (b != NULL ? b : "", -1);
  int ret = strcmp (ka, kb);

  return ret != 0 ? ret : g_strcmp0 (a, b);
}

static int
compare_profiles (gconstpointer a,
                  gconstpointer b)
{
  SnProfile *pa = *(SnProfile * const *)a;
  SnProfile *pb = *(SnProfile * const *)b;

  return compare_names (sn_profile_get_name (pa), sn_profile_get_name (pb));
}

static gboolean
find_name (SnProfileStore *self,
           const char     *name,
           guint          *position)
{
  for (guint i = 0; i < self->profiles->len; i++)
    {
      if (g_strcmp0 (sn_profile_get_name (g_ptr_array_index (self->profiles, i)), name) == 0)
        {
          if (position != NULL)
            *position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static guint
sorted_position (SnProfileStore *self,
                 const char     *name)
{
  guint i;

  for (i = 0; i < self->profiles->len; i++)
    if (compare_names (name, sn_profile_get_name (g_ptr_array_index (self->profiles, i))) < 0)
      break;

  return i;
}

static void
emit_items_changed (SnProfileStore *self,
                    guint           position,
                    guint           removed,
                    guint           added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

static SnProfile *
load_file (const char  *path,
           const char  *file_name,
           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *name_from_file = NULL;
  JsonNode *root;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_IO,
                   _("Cannot read the profile file “%s”: %s. Check its permissions, "
                     "or remove it."),
                   path, local_error->message);
      return NULL;
    }

  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      /* json-glib's message is "<data>:LINE:COL: Parse error: …" */
      const char *message = local_error->message;
      guint line = 0, column = 0;
      int consumed = 0;

      if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) == 2 && consumed > 0)
        g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                     _("The profile file “%s” is not valid JSON: line %u, column %u: %s. "
                       "Fix or remove the file."),
                     path, line, column, message + consumed);
      else
        g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                     _("The profile file “%s” is not valid JSON: %s. Fix or remove the file."),
                     path, message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                   _("The profile file “%s” is empty. Fix or remove the file."),
                   path);
      return NULL;
    }

  profile = sn_profile_new_from_json (root, &local_error);
  if (profile == NULL)
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                   _("The profile file “%s” is wrong: %s Fix or remove the file."),
                   path, local_error->message);
      return NULL;
    }

  stem = g_strndup (file_name, strlen (file_name) - strlen (".json"));
  name_from_file = g_uri_unescape_string (stem, NULL);

  if (sn_profile_get_name (profile) == NULL && name_from_file != NULL)
    g_object_set (profile, "name", name_from_file, NULL);

  if (!sn_profile_name_is_valid (sn_profile_get_name (profile)))
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                   _("The profile file “%s” has an unusable name “%s”. Fix the “name” key "
                     "or remove the file."),
                   path, sn_profile_get_name (profile) ? sn_profile_get_name (profile) : "");
      return NULL;
    }

  if (g_strcmp0 (name_from_file, sn_profile_get_name (profile)) != 0)
    {
      g_autofree char *expected = file_name_for (sn_profile_get_name (profile));

      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_MALFORMED,
                   _("The profile file “%s” holds the profile “%s”. Fix the “name” key "
                     "or rename the file to “%s”."),
                   path, sn_profile_get_name (profile), expected);
      return NULL;
    }

  return g_steal_pointer (&profile);
}

/**
 * sn_profile_store_load:
 * @self: a #SnProfileStore
 * @error: the first file that could not be loaded, and what to do about it
 *
 * Reads every DIRECTORY/\*.json. A missing directory is an empty store.
 * Malformed files are skipped: the model still lists every good profile, and
 * the error names the first bad file.
 *
 * Returns: %TRUE when every file loaded
 */
gboolean
sn_profile_store_load (SnProfileStore  *self,
                       GError         **error)
{
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(GPtrArray) old = NULL;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  guint n_bad = 0;
  const char *file_name;

  g_return_val_if_fail (SN_IS_PROFILE_STORE (self), FALSE);

  loaded = g_ptr_array_new_with_free_func (g_object_unref);

  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_set_error (&first_error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_IO,
                   _("Cannot read the profile folder “%s”: %s. Check its permissions."),
                   self->directory, local_error->message);
      n_bad++;
    }

  while (dir != NULL && (file_name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) file_error = NULL;
      SnProfile *profile;

      /* Skips hidden files and the NAME.json.XXXXXX temp files of a write
       * that was interrupted. */
      if (file_name[0] == '.' || !g_str_has_suffix (file_name, ".json") ||
          strlen (file_name) == strlen (".json"))
        continue;

      path = g_build_filename (self->directory, file_name, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      profile = load_file (path, file_name, &file_error);
      if (profile == NULL)
        {
          g_debug ("%s", file_error->message);
          if (first_error == NULL)
            first_error = g_steal_pointer (&file_error);
          n_bad++;
          continue;
        }

      g_ptr_array_add (loaded, profile);
    }

  g_ptr_array_sort (loaded, compare_profiles);

  old = g_steal_pointer (&self->profiles);
  self->profiles = g_steal_pointer (&loaded);
  emit_items_changed (self, 0, old->len, self->profiles->len);

  if (first_error != NULL)
    {
      if (n_bad > 1)
        g_set_error (error, SN_PROFILE_STORE_ERROR, first_error->code,
                     /* Translators: %s is a sentence naming a file, %u how many more files */
                     g_dngettext (GETTEXT_PACKAGE, "%s (%u more file has a problem too.)",
                               "%s (%u more files have problems too.)", n_bad - 1),
                     first_error->message, n_bad - 1);
      else
        g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * sn_profile_store_lookup:
 * @self: a #SnProfileStore
 * @name: a profile name
 *
 * Returns: (transfer none) (nullable): the profile named @name, or %NULL
 */
SnProfile *
sn_profile_store_lookup (SnProfileStore *self,
                         const char     *name)
{
  guint position;

  g_return_val_if_fail (SN_IS_PROFILE_STORE (self), NULL);

  if (name == NULL || !find_name (self, name, &position))
    return NULL;

  return g_ptr_array_index (self->profiles, position);
}

static gboolean
write_profile (SnProfileStore  *self,
               SnProfile       *profile,
               GError         **error)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  gsize length;

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_IO,
                   _("Cannot create the profile folder “%s”: %s. Check the permissions "
                     "of its parent folder."),
                   self->directory, g_strerror (saved_errno));
      return FALSE;
    }

  node = sn_profile_to_json (profile);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);
  {
    /* End the file with a newline, as editors do. */
    char *with_newline = g_strconcat (data, "\n", NULL);

    g_free (data);
    data = with_newline;
    length++;
  }

  path = path_for (self, sn_profile_get_name (profile));

  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_IO,
                   _("Cannot save the profile “%s”: %s. Check the free space and the "
                     "permissions of “%s”."),
                   sn_profile_get_name (profile), local_error->message, self->directory);
      return FALSE;
    }

  return TRUE;
}

static void
put_in_model (SnProfileStore *self,
              SnProfile      *profile)
{
  const char *name = sn_profile_get_name (profile);
  guint position;

  if (find_name (self, name, &position))
    {
      if (g_ptr_array_index (self->profiles, position) != (gpointer)profile)
        {
          g_object_unref (g_ptr_array_index (self->profiles, position));
          g_ptr_array_index (self->profiles, position) = g_object_ref (profile);
        }
      emit_items_changed (self, position, 1, 1);
      return;
    }

  position = sorted_position (self, name);
  g_ptr_array_insert (self->profiles, position, g_object_ref (profile));
  emit_items_changed (self, position, 0, 1);
}

/**
 * sn_profile_store_set_audit_log:
 * @self: a #SnProfileStore
 * @audit: (nullable): where level changes are recorded; %NULL for the
 *   default audit log
 */
void
sn_profile_store_set_audit_log (SnProfileStore *self,
                                SnAuditLog     *audit)
{
  g_return_if_fail (SN_IS_PROFILE_STORE (self));
  g_return_if_fail (audit == NULL || SN_IS_AUDIT_LOG (audit));

  g_set_object (&self->audit, audit);
}

static const char *
level_nick (SnSafetyLevel level)
{
  GEnumClass *klass = g_type_class_ref (SN_TYPE_SAFETY_LEVEL);
  GEnumValue *value = g_enum_get_value (klass, level);

  g_type_class_unref (klass);
  return value != NULL ? value->value_nick : "?";
}

/* A change of safety level is recorded before the file changes: a level
 * the person raised themselves leaves a trace. Read from the file, since
 * @profile may be the very object the model holds, already edited. */
static gboolean
audit_level_change (SnProfileStore  *self,
                    SnProfile       *profile,
                    const char      *stored_name,
                    char           **change,
                    GError         **error)
{
  g_autofree char *path = path_for (self, stored_name);
  g_autofree char *file_name = file_name_for (stored_name);
  g_autoptr(SnProfile) stored = NULL;
  g_autoptr(GError) local_error = NULL;
  SnAuditLog *audit = self->audit != NULL ? self->audit : sn_audit_log_get_default ();
  SnSafetyLevel was, now = sn_profile_get_safety_level (profile);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
      !(stored = load_file (path, file_name, NULL)) ||
      (was = sn_profile_get_safety_level (stored)) == now)
    return TRUE;

  if (g_strcmp0 (stored_name, sn_profile_get_name (profile)) != 0)
    *change = g_strdup_printf ("safety-level %s -> %s (renamed from %s)", level_nick (was), level_nick (now),
                               stored_name);
  else
    *change = g_strdup_printf ("safety-level %s -> %s", level_nick (was), level_nick (now));

  if (!sn_audit_log_append (audit, sn_profile_get_name (profile), "profile.safety-level", *change,
                            0, 0, 0, &local_error))
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_IO,
                   _("The profile “%s” was not saved: its change of safety level (%s to %s) cannot be "
                     "recorded in the audit log: %s. Check the free space and the permissions of “%s”."),
                   sn_profile_get_name (profile), sn_safety_level_to_label (was), sn_safety_level_to_label (now),
                   local_error->message, sn_audit_log_get_path (audit));
      g_clear_pointer (change, g_free);
      return FALSE;
    }

  return TRUE;
}

/* The level change was recorded, but the file could not be written. */
static void
audit_not_saved (SnProfileStore *self,
                 SnProfile      *profile,
                 const char     *change,
                 const GError   *error)
{
  g_autofree char *text = NULL;

  if (change == NULL)
    return;
  text = g_strdup_printf ("%s: not saved (%s)", change, error != NULL ? error->message : "");
  sn_audit_log_append (self->audit != NULL ? self->audit : sn_audit_log_get_default (),
                       sn_profile_get_name (profile), "profile.safety-level", text, 1, 0, 0, NULL);
}

/**
 * sn_profile_store_save:
 * @self: a #SnProfileStore
 * @profile: the profile to write; the store keeps a reference
 * @error: why it was not saved (SN_PROFILE_STORE_ERROR_INVALID says what to fix)
 *
 * Validates, writes DIRECTORY/NAME.json atomically (mode 0600) and puts the
 * profile in the model, replacing one of the same name. A change of its
 * safety level is first written to the audit log, with the old and new
 * level; if it cannot be, nothing is saved.
 */
gboolean
sn_profile_store_save (SnProfileStore  *self,
                       SnProfile       *profile,
                       GError         **error)
{
  g_autofree char *change = NULL;

  g_return_val_if_fail (SN_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);

  if (!sn_profile_validate (profile, error))
    return FALSE;

  if (!audit_level_change (self, profile, sn_profile_get_name (profile), &change, error))
    return FALSE;

  if (!write_profile (self, profile, error))
    {
      audit_not_saved (self, profile, change, error != NULL ? *error : NULL);
      return FALSE;
    }

  put_in_model (self, profile);

  return TRUE;
}

static gboolean
unlink_profile_file (SnProfileStore  *self,
                     const char      *name,
                     GError         **error)
{
  g_autofree char *path = path_for (self, name);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_IO,
                   _("Cannot remove the profile file “%s”: %s. Check the permissions of "
                     "“%s”."),
                   path, g_strerror (saved_errno), self->directory);
      return FALSE;
    }

  return TRUE;
}

/**
 * sn_profile_store_rename:
 * @self: a #SnProfileStore
 * @profile: the profile, already carrying its new name
 * @old_name: the name it is stored under
 * @error: why not
 *
 * Writes NEW.json, then removes OLD.json; the model moves the profile to
 * its new sorted place.
 */
gboolean
sn_profile_store_rename (SnProfileStore  *self,
                         SnProfile       *profile,
                         const char      *old_name,
                         GError         **error)
{
  g_autofree char *change = NULL;
  const char *new_name;
  guint old_position;

  g_return_val_if_fail (SN_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (old_name != NULL, FALSE);

  new_name = sn_profile_get_name (profile);

  /* The profile may be the very object the model holds, already renamed. */
  if (!g_ptr_array_find (self->profiles, profile, &old_position) &&
      !find_name (self, old_name, &old_position))
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_NOT_FOUND,
                   _("There is no profile named “%s” to rename. Reload the profiles."),
                   old_name);
      return FALSE;
    }

  if (!sn_profile_validate (profile, error))
    return FALSE;

  if (g_strcmp0 (new_name, old_name) == 0)
    return sn_profile_store_save (self, profile, error);

  for (guint i = 0; i < self->profiles->len; i++)
    {
      if (i != old_position &&
          g_strcmp0 (sn_profile_get_name (g_ptr_array_index (self->profiles, i)), new_name) == 0)
        {
          g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
                       _("A profile named “%s” already exists. Choose another name."),
                       new_name);
          return FALSE;
        }
    }

  if (!audit_level_change (self, profile, old_name, &change, error))
    return FALSE;

  if (!write_profile (self, profile, error))
    {
      audit_not_saved (self, profile, change, error != NULL ? *error : NULL);
      return FALSE;
    }

  if (!unlink_profile_file (self, old_name, error))
    {
      /* Do not leave two copies behind. */
      unlink_profile_file (self, new_name, NULL);
      audit_not_saved (self, profile, change, error != NULL ? *error : NULL);
      return FALSE;
    }

  g_ptr_array_remove_index (self->profiles, old_position);
  emit_items_changed (self, old_position, 1, 0);
  put_in_model (self, profile);

  return TRUE;
}

/**
 * sn_profile_store_remove:
 * @self: a #SnProfileStore
 * @name: the profile to delete
 * @error: why not
 *
 * Deletes DIRECTORY/NAME.json and drops the profile from the model. Its
 * secrets are not touched (see #SnSecretStore).
 */
gboolean
sn_profile_store_remove (SnProfileStore  *self,
                         const char      *name,
                         GError         **error)
{
  guint position;

  g_return_val_if_fail (SN_IS_PROFILE_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!find_name (self, name, &position))
    {
      g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_NOT_FOUND,
                   _("There is no profile named “%s”. Reload the profiles."), name);
      return FALSE;
    }

  if (!unlink_profile_file (self, name, error))
    return FALSE;

  g_ptr_array_remove_index (self->profiles, position);
  emit_items_changed (self, position, 1, 0);

  return TRUE;
}
