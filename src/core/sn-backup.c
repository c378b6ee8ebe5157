/* sn-backup.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-backup"

#include "config.h"

#include "sn-backup-private.h"

/* SnBackup ------------------------------------------------------------- */

struct _SnBackup
{
  GObject           parent_instance;

  char             *name;
  char             *path;
  char             *remote_path;
  GDateTime        *created;
  JsonObject       *manifest;
  char             *state_message;

  SnBackupLocation  location;
  SnBackupState     state;
  guint64           size;
  guint             has_manifest : 1;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_PATH,
  PROP_LOCATION,
  PROP_SIZE,
  PROP_CREATED,
  PROP_CREATED_UNIX,
  PROP_STATE,
  PROP_STATE_MESSAGE,
  PROP_HAS_MANIFEST,
  PROP_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SnBackup, sn_backup, G_TYPE_OBJECT)

static void
sn_backup_finalize (GObject *object)
{
  SnBackup *self = (SnBackup *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->remote_path, g_free);
  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->manifest, json_object_unref);
  g_clear_pointer (&self->state_message, g_free);

  G_OBJECT_CLASS (sn_backup_parent_class)->finalize (object);
}

static void
sn_backup_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SnBackup *self = SN_BACKUP (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_LOCATION:
      g_value_set_int (value, self->location);
      break;
    case PROP_SIZE:
      g_value_set_uint64 (value, self->size);
      break;
    case PROP_CREATED:
      g_value_set_boxed (value, self->created);
      break;
    case PROP_CREATED_UNIX:
      g_value_set_int64 (value, self->created != NULL ? g_date_time_to_unix (self->created) : 0);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_STATE_MESSAGE:
      g_value_set_string (value, self->state_message);
      break;
    case PROP_HAS_MANIFEST:
      g_value_set_boolean (value, self->has_manifest);
      break;
    case PROP_LABEL:
      g_value_set_string (value, sn_backup_get_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_backup_class_init (SnBackupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sn_backup_finalize;
  object_class->get_property = sn_backup_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL, flags);
  properties[PROP_LOCATION] = g_param_spec_int ("location", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_SIZE] = g_param_spec_uint64 ("size", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  properties[PROP_CREATED] = g_param_spec_boxed ("created", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /* The same as seconds since the epoch (0: unknown), for numeric sorters. */
  properties[PROP_CREATED_UNIX] = g_param_spec_int64 ("created-unix", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, 2, 0, flags);
  properties[PROP_STATE_MESSAGE] = g_param_spec_string ("state-message", NULL, NULL, NULL, flags);
  properties[PROP_HAS_MANIFEST] = g_param_spec_boolean ("has-manifest", NULL, NULL, FALSE, flags);
  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_backup_init (SnBackup *self)
{
}

SnBackup *
_sn_backup_new (SnBackupLocation  location,
                const char       *name)
{
  SnBackup *self = g_object_new (SN_TYPE_BACKUP, NULL);

  self->location = location;
  self->name = g_strdup (name);
  self->created = _sn_backup_parse_name_time (name);
  return self;
}

GDateTime *
_sn_backup_parse_name_time (const char *name)
{
  g_autoptr(GRegex) regex = g_regex_new ("(\\d{4})(\\d{2})(\\d{2})_(\\d{2})(\\d{2})(\\d{2})", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  int parts[6];

  if (name == NULL || !g_regex_match (regex, name, 0, &match))
    return NULL;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *part = g_match_info_fetch (match, i + 1);

      parts[i] = atoi (part);
    }

  return g_date_time_new_utc (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
}

#define SETTER_STRING(field, prop)                                     \
  void                                                                  \
  _sn_backup_set_##field (SnBackup   *self,                             \
                          const char *value)                            \
  {                                                                     \
    g_return_if_fail (SN_IS_BACKUP (self));                             \
    if (g_strcmp0 (self->field, value) == 0)                            \
      return;                                                           \
    g_free (self->field);                                               \
    self->field = g_strdup (value);                                     \
    if (prop != 0)                                                      \
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);     \
  }

SETTER_STRING (path, PROP_PATH)
SETTER_STRING (remote_path, 0)

void
_sn_backup_set_size (SnBackup *self,
                     guint64   size)
{
  g_return_if_fail (SN_IS_BACKUP (self));
  if (self->size == size)
    return;
  self->size = size;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
}

void
_sn_backup_set_created (SnBackup  *self,
                        GDateTime *created)
{
  g_return_if_fail (SN_IS_BACKUP (self));
  if (created == NULL)
    return;
  g_clear_pointer (&self->created, g_date_time_unref);
  self->created = g_date_time_to_utc (created);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_UNIX]);
}

void
_sn_backup_set_manifest (SnBackup   *self,
                         JsonObject *manifest)
{
  const char *created;

  g_return_if_fail (SN_IS_BACKUP (self));

  g_clear_pointer (&self->manifest, json_object_unref);
  self->manifest = manifest != NULL ? json_object_ref (manifest) : NULL;
  _sn_backup_set_has_manifest (self, manifest != NULL);

  if (manifest != NULL &&
      (created = json_object_get_string_member_with_default (manifest, "created", NULL)) != NULL)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (created, NULL);

      _sn_backup_set_created (self, time);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

void
_sn_backup_set_has_manifest (SnBackup *self,
                             gboolean  has_manifest)
{
  g_return_if_fail (SN_IS_BACKUP (self));
  if (self->has_manifest == !!has_manifest)
    return;
  self->has_manifest = !!has_manifest;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_MANIFEST]);
}

void
_sn_backup_set_state (SnBackup      *self,
                      SnBackupState  state,
                      const char    *message)
{
  g_return_if_fail (SN_IS_BACKUP (self));

  if (g_strcmp0 (self->state_message, message) != 0)
    {
      g_free (self->state_message);
      self->state_message = g_strdup (message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE_MESSAGE]);
    }
  if (self->state != state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

const char *
sn_backup_get_name (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  return self->name;
}

const char *
sn_backup_get_path (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  return self->path;
}

const char *
sn_backup_get_remote_path (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  return self->remote_path;
}

SnBackupLocation
sn_backup_get_location (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), 0);
  return self->location;
}

guint64
sn_backup_get_size (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), 0);
  return self->size;
}

GDateTime *
sn_backup_get_created (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  return self->created;
}

gint64
sn_backup_get_age_seconds (SnBackup *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (SN_IS_BACKUP (self), -1);

  if (self->created == NULL)
    return -1;
  return g_date_time_difference (now, self->created) / G_TIME_SPAN_SECOND;
}

SnBackupState
sn_backup_get_state (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), 0);
  return self->state;
}

const char *
sn_backup_get_state_message (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  return self->state_message;
}

gboolean
sn_backup_get_has_manifest (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), FALSE);
  return self->has_manifest;
}

const char *
sn_backup_get_label (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  if (self->manifest == NULL)
    return NULL;
  return json_object_get_string_member_with_default (self->manifest, "label", NULL);
}

JsonObject *
sn_backup_get_manifest (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  return self->manifest;
}

const char *
sn_backup_get_sha256 (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  if (self->manifest == NULL)
    return NULL;
  return json_object_get_string_member_with_default (self->manifest, "sha256", NULL);
}

const char *
sn_backup_get_database (SnBackup *self)
{
  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);
  if (self->manifest == NULL)
    return NULL;
  return json_object_get_string_member_with_default (self->manifest, "database", NULL);
}

gint64
sn_backup_get_table_rows (SnBackup   *self,
                          const char *table)
{
  JsonObject *tables;

  g_return_val_if_fail (SN_IS_BACKUP (self), -1);

  if (self->manifest == NULL ||
      !json_object_has_member (self->manifest, "tables") ||
      (tables = json_object_get_object_member (self->manifest, "tables")) == NULL ||
      !json_object_has_member (tables, table))
    return -1;
  return json_object_get_int_member (tables, table);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

char **
sn_backup_dup_table_names (SnBackup *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  JsonObject *tables;

  g_return_val_if_fail (SN_IS_BACKUP (self), NULL);

  if (self->manifest != NULL && json_object_has_member (self->manifest, "tables") &&
      (tables = json_object_get_object_member (self->manifest, "tables")) != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (tables);

      for (const GList *l = members; l != NULL; l = l->next)
        g_ptr_array_add (names, g_strdup (l->data));
    }
  g_ptr_array_sort (names, compare_strings);

  return (char **)g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/* SnRestoreTestResult ---------------------------------------------------- */

struct _SnRestoreTestResult
{
  GObject    parent_instance;

  GDateTime *date;
  char      *backup_name;
  char      *database;
  char      *summary;
  char      *report_path;
  gboolean   passed;
};

G_DEFINE_FINAL_TYPE (SnRestoreTestResult, sn_restore_test_result, G_TYPE_OBJECT)

static void
sn_restore_test_result_finalize (GObject *object)
{
  SnRestoreTestResult *self = (SnRestoreTestResult *)object;

  g_clear_pointer (&self->date, g_date_time_unref);
  g_clear_pointer (&self->backup_name, g_free);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->report_path, g_free);

  G_OBJECT_CLASS (sn_restore_test_result_parent_class)->finalize (object);
}

static void
sn_restore_test_result_class_init (SnRestoreTestResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_restore_test_result_finalize;
}

static void
sn_restore_test_result_init (SnRestoreTestResult *self)
{
}

SnRestoreTestResult *
_sn_restore_test_result_new (GDateTime  *date,
                             gboolean    passed,
                             const char *backup_name,
                             const char *database,
                             const char *summary,
                             const char *report_path)
{
  SnRestoreTestResult *self = g_object_new (SN_TYPE_RESTORE_TEST_RESULT, NULL);

  self->date = date != NULL ? g_date_time_to_utc (date) : g_date_time_new_now_utc ();
  self->passed = passed;
  self->backup_name = g_strdup (backup_name);
  self->database = g_strdup (database);
  self->summary = g_strdup (summary);
  self->report_path = g_strdup (report_path);
  return self;
}

SnRestoreTestResult *
_sn_restore_test_result_new_from_json (JsonObject *object)
{
  const char *date_text = json_object_get_string_member_with_default (object, "date", NULL);
  g_autoptr(GDateTime) date = date_text != NULL ? g_date_time_new_from_iso8601 (date_text, NULL) : NULL;

  if (date == NULL)
    return NULL;

  return _sn_restore_test_result_new (date,
                                      g_strcmp0 (json_object_get_string_member_with_default (object, "result", NULL),
                                                 "passed") == 0,
                                      json_object_get_string_member_with_default (object, "backup", NULL),
                                      json_object_get_string_member_with_default (object, "database", NULL),
                                      json_object_get_string_member_with_default (object, "summary", NULL),
                                      json_object_get_string_member_with_default (object, "report", NULL));
}

GDateTime *
sn_restore_test_result_get_date (SnRestoreTestResult *self)
{
  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), NULL);
  return self->date;
}

gboolean
sn_restore_test_result_get_passed (SnRestoreTestResult *self)
{
  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), FALSE);
  return self->passed;
}

const char *
sn_restore_test_result_get_backup_name (SnRestoreTestResult *self)
{
  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), NULL);
  return self->backup_name;
}

const char *
sn_restore_test_result_get_database (SnRestoreTestResult *self)
{
  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), NULL);
  return self->database;
}

const char *
sn_restore_test_result_get_summary (SnRestoreTestResult *self)
{
  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), NULL);
  return self->summary;
}

const char *
sn_restore_test_result_get_report_path (SnRestoreTestResult *self)
{
  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), NULL);
  return self->report_path;
}

gboolean
sn_restore_test_result_is_stale (SnRestoreTestResult *self,
                                 GDateTime           *now)
{
  g_autoptr(GDateTime) current = NULL;

  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), TRUE);

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  return g_date_time_difference (current, self->date) > SN_RESTORE_TEST_STALE_DAYS * G_TIME_SPAN_DAY;
}

JsonNode *
sn_restore_test_result_to_json (SnRestoreTestResult *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *date = NULL;

  g_return_val_if_fail (SN_IS_RESTORE_TEST_RESULT (self), NULL);

  date = g_date_time_format_iso8601 (self->date);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, self->passed ? "passed" : "failed");
  json_builder_set_member_name (builder, "backup");
  json_builder_add_string_value (builder, self->backup_name);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, self->database);
  json_builder_set_member_name (builder, "summary");
  json_builder_add_string_value (builder, self->summary);
  json_builder_set_member_name (builder, "report");
  json_builder_add_string_value (builder, self->report_path);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
