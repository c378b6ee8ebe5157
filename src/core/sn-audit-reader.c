/* sn-audit-reader.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-audit"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-audit-reader.h"

/*
 * The one reader of the audit log (sn-audit-log.c writes it): the Activity
 * window and `narcisse-ctl activity` both list its SnAuditEntry objects.
 * A line that is not a JSON object with an "action" is skipped and counted.
 */

/* SnAuditEntry ----------------------------------------------------------- */

struct _SnAuditEntry
{
  GObject     parent_instance;

  JsonNode   *node;        /* the line, parsed */
  GDateTime  *date_time;   /* NULL when "time" is not ISO 8601 */
  char       *time;        /* as stored: ISO 8601 UTC */
  char       *local_time;  /* local, for people */
  char       *profile;
  char       *user;
  char       *action;
  char       *command;     /* redacted when it was written */
  double      duration_ms;
  gint64      bytes;
  int         exit_status;
  gboolean    monitoring;  /* a folded hour of routine reads by timers */
};

G_DEFINE_FINAL_TYPE (SnAuditEntry, sn_audit_entry, G_TYPE_OBJECT)

static void
sn_audit_entry_finalize (GObject *object)
{
  SnAuditEntry *self = (SnAuditEntry *)object;

  g_clear_pointer (&self->node, json_node_unref);
  g_clear_pointer (&self->date_time, g_date_time_unref);
  g_free (self->time);
  g_free (self->local_time);
  g_free (self->profile);
  g_free (self->user);
  g_free (self->action);
  g_free (self->command);

  G_OBJECT_CLASS (sn_audit_entry_parent_class)->finalize (object);
}

static void
sn_audit_entry_class_init (SnAuditEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_audit_entry_finalize;
}

static void
sn_audit_entry_init (SnAuditEntry *self)
{
}

/* A string member, "" when missing or not a string. */
static char *
dup_member (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("");
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return g_strdup ("");
}

/* A number member, 0 when missing or not a number. */
static double
number_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double)json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  return 0;
}

/* A whole number member within [@min, @max]: a hand-edited or hostile line
 * (1e300) must not reach a cast that is undefined out of range. */
static gint64
clamped_member (JsonObject *object,
                const char *name,
                gint64      min,
                gint64      max)
{
  double value = number_member (object, name);

  if (!(value > (double)min))   /* also NaN */
    return value != value ? 0 : min;
  if (value >= (double)max)
    return max;
  return (gint64)value;
}

/**
 * sn_audit_entry_new_from_line:
 * @line: one line of the audit log, without its newline
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL when @line is
 *   not a JSON object with an "action"
 */
SnAuditEntry *
sn_audit_entry_new_from_line (const char *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  SnAuditEntry *self;
  JsonNode *root;
  JsonObject *object;

  g_return_val_if_fail (line != NULL, NULL);

  if (!json_parser_load_from_data (parser, line, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "action"))
    return NULL;

  self = g_object_new (SN_TYPE_AUDIT_ENTRY, NULL);
  self->node = json_node_copy (root);
  self->time = dup_member (object, "time");
  self->profile = dup_member (object, "profile");
  self->user = dup_member (object, "user");
  self->action = dup_member (object, "action");
  self->command = dup_member (object, "command");
  self->exit_status = (int)clamped_member (object, "exit_status", G_MININT, G_MAXINT);
  self->duration_ms = number_member (object, "duration_ms");
  self->bytes = clamped_member (object, "bytes", 0, G_MAXINT64 / 2);
  self->monitoring = g_strcmp0 (json_object_get_string_member_with_default (object, "origin", NULL),
                                "monitoring") == 0;

  self->date_time = g_date_time_new_from_iso8601 (self->time, utc);
  if (self->date_time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (self->date_time);

      self->local_time = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
    }
  else
    self->local_time = g_strdup (self->time);

  return self;
}

const char *
sn_audit_entry_get_time (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return self->time;
}

/* "YYYY-MM-DD HH:MM:SS" in local time, or the stored text if it is not a time. */
const char *
sn_audit_entry_get_local_time (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return self->local_time;
}

/* Returns: (transfer none) (nullable): when, or %NULL if "time" is not ISO 8601 */
GDateTime *
sn_audit_entry_get_date_time (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return self->date_time;
}

const char *
sn_audit_entry_get_profile (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return self->profile;
}

const char *
sn_audit_entry_get_user (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return self->user;
}

const char *
sn_audit_entry_get_action (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return self->action;
}

const char *
sn_audit_entry_get_command (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return self->command;
}

int
sn_audit_entry_get_exit_status (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), 0);
  return self->exit_status;
}

double
sn_audit_entry_get_duration_ms (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), 0);
  return self->duration_ms;
}

gint64
sn_audit_entry_get_bytes (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), 0);
  return self->bytes;
}

gboolean
sn_audit_entry_get_monitoring (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), FALSE);
  return self->monitoring;
}

/* Returns: (transfer none): the whole line, every member as written */
JsonObject *
sn_audit_entry_get_json (SnAuditEntry *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_ENTRY (self), NULL);
  return json_node_get_object (self->node);
}

/* SnAuditReader ---------------------------------------------------------- */

struct _SnAuditReader
{
  GObject       parent_instance;

  char         *path;
  GPtrArray    *entries;    /* SnAuditEntry */
  SnAuditOrder  order;
  guint         skipped;
};

static void sn_audit_reader_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnAuditReader, sn_audit_reader, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      sn_audit_reader_list_model_init))

static GType
sn_audit_reader_get_item_type (GListModel *model)
{
  return SN_TYPE_AUDIT_ENTRY;
}

static guint
sn_audit_reader_get_n_items (GListModel *model)
{
  return SN_AUDIT_READER (model)->entries->len;
}

static gpointer
sn_audit_reader_get_item (GListModel *model,
                          guint       position)
{
  SnAuditReader *self = SN_AUDIT_READER (model);

  if (position >= self->entries->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->entries, position));
}

static void
sn_audit_reader_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sn_audit_reader_get_item_type;
  iface->get_n_items = sn_audit_reader_get_n_items;
  iface->get_item = sn_audit_reader_get_item;
}

static void
sn_audit_reader_finalize (GObject *object)
{
  SnAuditReader *self = (SnAuditReader *)object;

  g_free (self->path);
  g_clear_pointer (&self->entries, g_ptr_array_unref);

  G_OBJECT_CLASS (sn_audit_reader_parent_class)->finalize (object);
}

static void
sn_audit_reader_class_init (SnAuditReaderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_audit_reader_finalize;
}

static void
sn_audit_reader_init (SnAuditReader *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * sn_audit_reader_new:
 * @path: the audit log, such as sn_audit_log_get_path (sn_audit_log_get_default ())
 *
 * Empty until loaded.
 */
SnAuditReader *
sn_audit_reader_new (const char   *path,
                     SnAuditOrder  order)
{
  SnAuditReader *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (SN_TYPE_AUDIT_READER, NULL);
  self->path = g_strdup (path);
  self->order = order;

  return self;
}

const char *
sn_audit_reader_get_path (SnAuditReader *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_READER (self), NULL);
  return self->path;
}

/* Returns: how many non-blank lines of the last load were not audit lines */
guint
sn_audit_reader_get_skipped (SnAuditReader *self)
{
  g_return_val_if_fail (SN_IS_AUDIT_READER (self), 0);
  return self->skipped;
}

typedef struct
{
  GPtrArray *entries;
  guint      skipped;
} Loaded;

static void
loaded_free (Loaded *loaded)
{
  g_clear_pointer (&loaded->entries, g_ptr_array_unref);
  g_free (loaded);
}

/* Any thread. A missing file reads as empty. */
static Loaded *
read_entries (const char    *path,
              SnAuditOrder   order,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  Loaded *loaded = g_new0 (Loaded, 1);
  guint n;

  loaded->entries = g_ptr_array_new_with_free_func (g_object_unref);

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return loaded;
      loaded_free (loaded);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   /* Translators: %s is a path, then the reason */
                   _("Could not read the audit log “%s”: %s"), path, local_error->message);
      return NULL;
    }

  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines);
  for (guint k = 0; k < n; k++)
    {
      guint i = order == SN_AUDIT_ORDER_NEWEST_FIRST ? n - 1 - k : k;
      const char *line = g_strstrip (lines[i]);
      SnAuditEntry *entry;

      if (*line == '\0')
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          loaded_free (loaded);
          return NULL;
        }

      entry = sn_audit_entry_new_from_line (line);
      if (entry != NULL)
        g_ptr_array_add (loaded->entries, entry);
      else
        loaded->skipped++;
    }

  return loaded;
}

/* In the caller's thread: the model becomes what was read. */
static void
apply (SnAuditReader *self,
       Loaded        *loaded)
{
  guint removed = self->entries->len;

  g_ptr_array_unref (self->entries);
  self->entries = g_steal_pointer (&loaded->entries);
  self->skipped = loaded->skipped;
  loaded_free (loaded);

  if (removed > 0 || self->entries->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->entries->len);
}

/**
 * sn_audit_reader_load_sync:
 *
 * Reads the whole log again; the model changes only on success.
 */
gboolean
sn_audit_reader_load_sync (SnAuditReader  *self,
                           GCancellable   *cancellable,
                           GError        **error)
{
  Loaded *loaded;

  g_return_val_if_fail (SN_IS_AUDIT_READER (self), FALSE);

  if (!(loaded = read_entries (self->path, self->order, cancellable, error)))
    return FALSE;
  apply (self, loaded);
  return TRUE;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SnAuditReader *self = source_object;
  GError *error = NULL;
  Loaded *loaded;

  /* path and order never change after construction */
  loaded = read_entries (self->path, self->order, cancellable, &error);
  if (loaded == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, loaded, (GDestroyNotify)loaded_free);
}

/**
 * sn_audit_reader_load_async:
 *
 * Reads the whole log again in a thread. The model changes in
 * sn_audit_reader_load_finish(), on success only.
 */
void
sn_audit_reader_load_async (SnAuditReader       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_AUDIT_READER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_audit_reader_load_async);
  g_task_run_in_thread (task, load_thread);
}

gboolean
sn_audit_reader_load_finish (SnAuditReader  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  Loaded *loaded;

  g_return_val_if_fail (SN_IS_AUDIT_READER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!(loaded = g_task_propagate_pointer (G_TASK (result), error)))
    return FALSE;
  apply (self, loaded);
  return TRUE;
}
