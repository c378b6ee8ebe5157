/* sn-incident-store.c: the incidents, one JSON file each, written atomically
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-incident-store"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sn-incident-store.h"
#include "sn-secret-store.h"

struct _SnIncidentStore
{
  GObject    parent_instance;
  GPtrArray *incidents;     /* SnIncident, newest declared first */
  GPtrArray *errors;        /* char*, NULL-terminated */
  char      *directory;
  GSettings *settings;      /* the application's, or NULL when not installed */
  GHashTable *secrets;      /* profile name → ProfileSecrets */
  gboolean   allow_read_only;
};

typedef struct
{
  char     **values;
  gboolean   complete;
} ProfileSecrets;

static void
profile_secrets_free (gpointer data)
{
  ProfileSecrets *secrets = data;

  g_strfreev (secrets->values);
  g_free (secrets);
}

enum {
  PROP_0,
  PROP_ALLOW_READ_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnIncidentStore, sn_incident_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
get_item_type (GListModel *model)
{
  return SN_TYPE_INCIDENT;
}

static guint
get_n_items (GListModel *model)
{
  return SN_INCIDENT_STORE (model)->incidents->len;
}

static gpointer
get_item (GListModel *model,
          guint       position)
{
  SnIncidentStore *self = SN_INCIDENT_STORE (model);

  if (position >= self->incidents->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->incidents, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = get_item_type;
  iface->get_n_items = get_n_items;
  iface->get_item = get_item;
}

static void
sn_incident_store_finalize (GObject *object)
{
  SnIncidentStore *self = SN_INCIDENT_STORE (object);

  g_clear_pointer (&self->incidents, g_ptr_array_unref);
  g_clear_pointer (&self->errors, g_ptr_array_unref);
  g_free (self->directory);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->secrets, g_hash_table_unref);

  G_OBJECT_CLASS (sn_incident_store_parent_class)->finalize (object);
}

static void
sn_incident_store_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SnIncidentStore *self = SN_INCIDENT_STORE (object);

  switch (prop_id)
    {
    case PROP_ALLOW_READ_ONLY:
      g_value_set_boolean (value, self->allow_read_only);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_incident_store_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SnIncidentStore *self = SN_INCIDENT_STORE (object);

  switch (prop_id)
    {
    case PROP_ALLOW_READ_ONLY:
      sn_incident_store_set_allow_read_only (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_incident_store_class_init (SnIncidentStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_incident_store_finalize;
  object_class->get_property = sn_incident_store_get_property;
  object_class->set_property = sn_incident_store_set_property;

  /* Whether read-only profiles may declare, resolve and re-grade. */
  properties[PROP_ALLOW_READ_ONLY] =
    g_param_spec_boolean ("allow-read-only", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_incident_store_init (SnIncidentStore *self)
{
  self->incidents = g_ptr_array_new_with_free_func (g_object_unref);
  self->errors = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->errors, NULL);
  self->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, profile_secrets_free);
}

char *
sn_incident_store_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "narcisse-admin", "incidents", NULL);
}

/* The team's choice, from the application's settings when installed (the
 * CLI may run where only the core is): followed while the store lives. */
static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, SN_INCIDENT_SETTINGS_KEY_ALLOW_READ_ONLY))
    return NULL;
  return g_settings_new_full (schema, NULL, NULL);
}

static void
settings_changed_cb (SnIncidentStore *self,
                     const char      *key,
                     GSettings       *settings)
{
  sn_incident_store_set_allow_read_only (self, g_settings_get_boolean (settings, key));
}

/**
 * sn_incident_store_new:
 * @directory: (nullable): where the files are; the default when NULL
 */
SnIncidentStore *
sn_incident_store_new (const char *directory)
{
  SnIncidentStore *self = g_object_new (SN_TYPE_INCIDENT_STORE, NULL);

  self->directory = directory != NULL ? g_strdup (directory) : sn_incident_store_default_directory ();
  if ((self->settings = open_settings ()) != NULL)
    {
      self->allow_read_only = g_settings_get_boolean (self->settings, SN_INCIDENT_SETTINGS_KEY_ALLOW_READ_ONLY);
      g_signal_connect_object (self->settings, "changed::" SN_INCIDENT_SETTINGS_KEY_ALLOW_READ_ONLY,
                               G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
    }
  return self;
}

const char *
sn_incident_store_get_directory (SnIncidentStore *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), NULL);
  return self->directory;
}

const char * const *
sn_incident_store_get_errors (SnIncidentStore *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), NULL);
  return (const char * const *) self->errors->pdata;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  SnIncident *ia = *(SnIncident **) a;
  SnIncident *ib = *(SnIncident **) b;
  int cmp = g_date_time_compare (sn_incident_get_declared_at (ib), sn_incident_get_declared_at (ia));

  return cmp != 0 ? cmp : g_strcmp0 (sn_incident_get_id (ib), sn_incident_get_id (ia));
}

static guint
sorted_position (SnIncidentStore *self,
                 SnIncident      *incident)
{
  guint i;

  for (i = 0; i < self->incidents->len; i++)
    if (compare_newest_first (&incident, &g_ptr_array_index (self->incidents, i)) < 0)
      break;
  return i;
}

gboolean
sn_incident_store_load (SnIncidentStore  *self,
                        GError          **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  guint old_n;
  const char *name;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);

  old_n = self->incidents->len;
  g_ptr_array_set_size (self->incidents, 0);
  g_ptr_array_set_size (self->errors, 0);

  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL && !g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      g_ptr_array_add (self->errors, NULL);
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, 0);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(JsonParser) parser = NULL;
      g_autoptr(GError) file_error = NULL;
      SnIncident *incident;

      /* Only ID.json: interrupted writes leave ID.json.XXXXXX. */
      if (!g_str_has_suffix (name, ".json"))
        continue;

      path = g_build_filename (self->directory, name, NULL);
      parser = json_parser_new ();
      if (!json_parser_load_from_mapped_file (parser, path, &file_error) ||
          !(incident = sn_incident_new_from_json (json_parser_get_root (parser), &file_error)))
        {
          g_ptr_array_add (self->errors, g_strdup_printf ("%s: %s", path, file_error->message));
          continue;
        }
      g_ptr_array_add (self->incidents, incident);
    }

  g_ptr_array_sort (self->incidents, compare_newest_first);
  g_ptr_array_add (self->errors, NULL);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->incidents->len);
  return TRUE;
}

char *
sn_incident_store_dup_path (SnIncidentStore *self,
                            SnIncident      *incident)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), NULL);
  g_return_val_if_fail (SN_IS_INCIDENT (incident), NULL);

  name = g_strconcat (sn_incident_get_id (incident), ".json", NULL);
  return g_build_filename (self->directory, name, NULL);
}

/* Value redaction: what patterns miss (a password typed into a note) is
 * caught by the profile's own secret values, given by the caller
 * (sn_incident_store_set_secrets); incidents saved before they are known are
 * redacted and saved again when they come. */
static void
redact_values (SnIncidentStore *self,
               SnIncident      *incident)
{
  const char *profile = sn_incident_get_profile (incident);
  ProfileSecrets *secrets = profile != NULL ? g_hash_table_lookup (self->secrets, profile) : NULL;

  if (secrets != NULL)
    sn_incident_redact_values (incident, (const char * const *) secrets->values);
}

gboolean
sn_incident_store_save (SnIncidentStore  *self,
                        SnIncident       *incident,
                        GError          **error)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data = NULL;
  g_autofree char *path = NULL;
  gsize length;
  guint position;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_INCIDENT (incident), FALSE);

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create the incident folder %s: %s"),
                   self->directory, g_strerror (saved));
      return FALSE;
    }

  redact_values (self, incident);
  root = sn_incident_to_json (incident);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  path = sn_incident_store_dup_path (self, incident);

  /* Temp file, fsync, rename, fsync: the old file stays whole until the rename. */
  if (!g_file_set_contents_full (path, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;

  if (!g_ptr_array_find (self->incidents, incident, NULL))
    {
      SnIncident *existing = sn_incident_store_lookup (self, sn_incident_get_id (incident));
      guint index;

      if (existing != NULL && g_ptr_array_find (self->incidents, existing, &index))
        {
          g_ptr_array_remove_index (self->incidents, index);
          g_list_model_items_changed (G_LIST_MODEL (self), index, 1, 0);
        }
      position = sorted_position (self, incident);
      g_ptr_array_insert (self->incidents, position, g_object_ref (incident));
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
    }

  return TRUE;
}

/**
 * sn_incident_store_lookup:
 *
 * Returns: (transfer none) (nullable): the incident
 */
SnIncident *
sn_incident_store_lookup (SnIncidentStore *self,
                          const char      *id)
{
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), NULL);

  for (guint i = 0; i < self->incidents->len; i++)
    {
      SnIncident *incident = g_ptr_array_index (self->incidents, i);

      if (g_strcmp0 (sn_incident_get_id (incident), id) == 0)
        return incident;
    }
  return NULL;
}

/**
 * sn_incident_store_get_open:
 *
 * Returns: (transfer none) (nullable): the newest open incident of @profile
 */
SnIncident *
sn_incident_store_get_open (SnIncidentStore *self,
                            const char      *profile)
{
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), NULL);

  for (guint i = 0; i < self->incidents->len; i++)
    {
      SnIncident *incident = g_ptr_array_index (self->incidents, i);

      if (sn_incident_get_state (incident) == SN_INCIDENT_STATE_OPEN &&
          g_strcmp0 (sn_incident_get_profile (incident), profile) == 0)
        return incident;
    }
  return NULL;
}

/**
 * sn_incident_store_record_run:
 * @runner: a run that ended
 * @outcome: how it ended
 *
 * Puts the run, with what it was asked ("tag=v1.0.7") and how it ended, into
 * the timeline of the open incident of its profile, if any, and saves it:
 * the one way the wizard's and narcisse-ctl's runs (deploys, rollbacks,
 * releases, migration rollbacks, any runbook) reach the incident.
 *
 * Returns: (transfer none) (nullable): the incident it went into; %NULL with
 *   no error when none is open
 */
SnIncident *
sn_incident_store_record_run (SnIncidentStore  *self,
                              SnRunner         *runner,
                              SnRunOutcome      outcome,
                              GError          **error)
{
  SnIncident *open;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), NULL);
  g_return_val_if_fail (SN_IS_RUNNER (runner), NULL);

  open = sn_incident_store_get_open (self, sn_profile_get_name (sn_runner_get_profile (runner)));
  if (open == NULL)
    return NULL;
  sn_incident_add_run (open, runner, outcome);
  if (!sn_incident_store_save (self, open, error))
    return NULL;
  return open;
}

gboolean
sn_incident_store_get_allow_read_only (SnIncidentStore *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  return self->allow_read_only;
}

void
sn_incident_store_set_allow_read_only (SnIncidentStore *self,
                                       gboolean         allow)
{
  g_return_if_fail (SN_IS_INCIDENT_STORE (self));

  allow = !!allow;
  if (self->allow_read_only == allow)
    return;
  self->allow_read_only = allow;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALLOW_READ_ONLY]);
}

gboolean
sn_incident_store_check_manage (SnIncidentStore  *self,
                                SnProfile        *profile,
                                GError          **error)
{
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);

  if (sn_profile_get_safety_level (profile) > SN_SAFETY_LEVEL_READ_ONLY || self->allow_read_only)
    return TRUE;
  g_set_error (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL,
               _("The profile “%s” is read-only: it cannot declare, resolve or re-grade incidents. "
                 "Use an operator profile, or ask an administrator to allow read-only profiles "
                 "to manage incidents (Preferences)."),
               sn_profile_get_name (profile));
  return FALSE;
}

static gboolean
check_incident_profile (SnProfile   *profile,
                        SnIncident  *incident,
                        GError     **error)
{
  if (g_strcmp0 (sn_profile_get_name (profile), sn_incident_get_profile (incident)) == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("Incident %s is on the profile “%s”, not “%s”: use that profile."),
               sn_incident_get_id (incident), sn_incident_get_profile (incident),
               sn_profile_get_name (profile));
  return FALSE;
}

gboolean
sn_incident_store_declare (SnIncidentStore  *self,
                           SnProfile        *profile,
                           SnIncident       *incident,
                           GError          **error)
{
  SnIncident *open;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (SN_IS_INCIDENT (incident), FALSE);

  if (!sn_incident_store_check_manage (self, profile, error) ||
      !check_incident_profile (profile, incident, error))
    return FALSE;
  open = sn_incident_store_get_open (self, sn_profile_get_name (profile));
  if (open != NULL && open != incident)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("Incident %s is still open on “%s”: resolve it first, or re-grade it if this "
                     "is the same problem."),
                   sn_incident_get_id (open), sn_profile_get_name (profile));
      return FALSE;
    }
  return sn_incident_store_save (self, incident, error);
}

gboolean
sn_incident_store_set_severity (SnIncidentStore  *self,
                                SnProfile        *profile,
                                SnIncident       *incident,
                                SnSeverity        severity,
                                const char       *reason,
                                GError          **error)
{
  g_autofree char *why = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (SN_IS_INCIDENT (incident), FALSE);

  if (!sn_incident_store_check_manage (self, profile, error) ||
      !check_incident_profile (profile, incident, error))
    return FALSE;
  if (sn_incident_get_state (incident) != SN_INCIDENT_STATE_OPEN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Incident %s is resolved: its severity stays as it was."),
                   sn_incident_get_id (incident));
      return FALSE;
    }
  if (severity < SN_SEVERITY_SEV1 || severity > SN_SEVERITY_SEV4)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("The severity is SEV1, SEV2, SEV3 or SEV4"));
      return FALSE;
    }
  why = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (*why == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Say why the severity changes"));
      return FALSE;
    }
  if (severity == sn_incident_get_severity (incident))
    return TRUE;

  sn_incident_set_severity (incident, severity, why, NULL);
  return sn_incident_store_save (self, incident, error);
}

gboolean
sn_incident_store_close (SnIncidentStore  *self,
                         SnProfile        *profile,
                         SnIncident       *incident,
                         const char       *resolution,
                         GError          **error)
{
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (SN_IS_INCIDENT (incident), FALSE);

  if (!sn_incident_store_check_manage (self, profile, error) ||
      !check_incident_profile (profile, incident, error))
    return FALSE;
  sn_incident_resolve (incident, resolution, NULL);
  return sn_incident_store_save (self, incident, error);
}

/**
 * sn_incident_store_set_secrets:
 * @values: (array zero-terminated=1): the profile's secret values
 * @complete: whether every value could be read
 *
 * Gives the store the secret values of @profile_name: every later save of
 * that profile's incidents replaces them in notes, reasons and resolutions.
 * Incidents already saved with one of them (before they were known, or
 * from older files) are redacted and saved again now; the first error, if
 * any, is returned and the others are logged.
 */
gboolean
sn_incident_store_set_secrets (SnIncidentStore    *self,
                               const char         *profile_name,
                               const char * const *values,
                               gboolean            complete,
                               GError            **error)
{
  ProfileSecrets *secrets;
  gboolean ok = TRUE;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  g_return_val_if_fail (profile_name != NULL, FALSE);

  secrets = g_new0 (ProfileSecrets, 1);
  secrets->values = g_strdupv ((char **) (values != NULL ? values : (const char * const []) { NULL }));
  secrets->complete = complete;
  g_hash_table_replace (self->secrets, g_strdup (profile_name), secrets);

  for (guint i = 0; i < self->incidents->len; i++)
    {
      SnIncident *incident = g_ptr_array_index (self->incidents, i);
      g_autoptr(GError) local_error = NULL;

      if (g_strcmp0 (sn_incident_get_profile (incident), profile_name) != 0 ||
          !sn_incident_redact_values (incident, (const char * const *) secrets->values))
        continue;
      if (sn_incident_store_save (self, incident, &local_error))
        continue;
      g_warning ("Incident %s: could not save it redacted: %s",
                 sn_incident_get_id (incident), local_error->message);
      if (ok)
        g_propagate_error (error, g_steal_pointer (&local_error));
      ok = FALSE;
    }
  return ok;
}

/**
 * sn_incident_store_load_secrets_sync:
 *
 * Looks up @profile's secret values (keyring or credentials file; this
 * blocks: the CLI's way) and gives them to the store.
 *
 * Returns: whether every value could be read
 */
gboolean
sn_incident_store_load_secrets_sync (SnIncidentStore *self,
                                     SnProfile       *profile,
                                     GCancellable    *cancellable)
{
  g_auto(GStrv) values = NULL;
  gboolean complete = FALSE;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);

  values = sn_secret_store_dup_values_sync (sn_secret_store_get_default (), profile, cancellable, &complete);
  sn_incident_store_set_secrets (self, sn_profile_get_name (profile), (const char * const *) values,
                                 complete, NULL);
  return complete;
}

/**
 * sn_incident_store_get_value_redaction:
 *
 * Returns: whether @profile_name's incidents are redacted with all of its
 *   secret values (FULL), some (PARTIAL: the keyring failed for some) or none
 *   yet (PATTERNS: only passwords that look like passwords are caught)
 */
SnValueRedaction
sn_incident_store_get_value_redaction (SnIncidentStore *self,
                                       const char      *profile_name)
{
  ProfileSecrets *secrets;

  g_return_val_if_fail (SN_IS_INCIDENT_STORE (self), SN_VALUE_REDACTION_PATTERNS);

  secrets = profile_name != NULL ? g_hash_table_lookup (self->secrets, profile_name) : NULL;
  if (secrets == NULL)
    return SN_VALUE_REDACTION_PATTERNS;
  return secrets->complete ? SN_VALUE_REDACTION_FULL : SN_VALUE_REDACTION_PARTIAL;
}
