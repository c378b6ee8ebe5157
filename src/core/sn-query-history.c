/* sn-query-history.c: the SQL editor's history and saved queries, per profile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One JSON file per profile, $XDG_DATA_HOME/narcisse-admin/sql-history/<profile>.json:
 * {"history": [{"sql", "time"}...], "saved": [{"name", "sql"}...]}, newest
 * history first, written 0600 (statements can hold customer data). Members
 * it does not know are kept as they are. Both lists are GListModels of
 * SnQueryHistoryItem, for the editor's popovers. */

#define G_LOG_DOMAIN "sn-query-history"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-query-history.h"

/* ------------------------------------------------------------------------ */
/* SnQueryHistoryItem                                                       */

struct _SnQueryHistoryItem
{
  GObject  parent_instance;

  char    *name;
  char    *sql;
  char    *summary;
  char    *time;
};

enum {
  ITEM_PROP_0,
  ITEM_PROP_NAME,
  ITEM_PROP_SQL,
  ITEM_PROP_SUMMARY,
  ITEM_PROP_TIME,
  ITEM_N_PROPS
};

G_DEFINE_FINAL_TYPE (SnQueryHistoryItem, sn_query_history_item, G_TYPE_OBJECT)

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
sn_query_history_item_finalize (GObject *object)
{
  SnQueryHistoryItem *self = (SnQueryHistoryItem *)object;

  g_free (self->name);
  g_free (self->sql);
  g_free (self->summary);
  g_free (self->time);

  G_OBJECT_CLASS (sn_query_history_item_parent_class)->finalize (object);
}

static void
sn_query_history_item_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  SnQueryHistoryItem *self = SN_QUERY_HISTORY_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case ITEM_PROP_SQL:
      g_value_set_string (value, self->sql);
      break;

    case ITEM_PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    case ITEM_PROP_TIME:
      g_value_set_string (value, self->time);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_query_history_item_class_init (SnQueryHistoryItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_query_history_item_finalize;
  object_class->get_property = sn_query_history_item_get_property;

  /* The saved query's name; %NULL in the history. */
  item_properties[ITEM_PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  item_properties[ITEM_PROP_SQL] =
    g_param_spec_string ("sql", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* The statement on one line, for a list row. */
  item_properties[ITEM_PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* When it ran (ISO 8601, UTC); %NULL for saved queries. */
  item_properties[ITEM_PROP_TIME] =
    g_param_spec_string ("time", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
sn_query_history_item_init (SnQueryHistoryItem *self)
{
}

static SnQueryHistoryItem *
item_new (const char *name,
          const char *sql,
          const char *time)
{
  SnQueryHistoryItem *self = g_object_new (SN_TYPE_QUERY_HISTORY_ITEM, NULL);

  self->name = g_strdup (name);
  self->sql = g_strdup (sql);
  self->summary = g_strdelimit (g_strdup (sql), "\n\t", ' ');
  self->time = g_strdup (time);

  return self;
}

const char *
sn_query_history_item_get_name (SnQueryHistoryItem *self)
{
  g_return_val_if_fail (SN_IS_QUERY_HISTORY_ITEM (self), NULL);

  return self->name;
}

const char *
sn_query_history_item_get_sql (SnQueryHistoryItem *self)
{
  g_return_val_if_fail (SN_IS_QUERY_HISTORY_ITEM (self), NULL);

  return self->sql;
}

const char *
sn_query_history_item_get_summary (SnQueryHistoryItem *self)
{
  g_return_val_if_fail (SN_IS_QUERY_HISTORY_ITEM (self), NULL);

  return self->summary;
}

const char *
sn_query_history_item_get_time (SnQueryHistoryItem *self)
{
  g_return_val_if_fail (SN_IS_QUERY_HISTORY_ITEM (self), NULL);

  return self->time;
}

/* ------------------------------------------------------------------------ */
/* SnQueryHistory                                                           */

struct _SnQueryHistory
{
  GObject     parent_instance;

  JsonNode   *store;
  GListStore *history;
  GListStore *saved;
  char       *path;
};

G_DEFINE_FINAL_TYPE (SnQueryHistory, sn_query_history, G_TYPE_OBJECT)

static void
sn_query_history_finalize (GObject *object)
{
  SnQueryHistory *self = (SnQueryHistory *)object;

  g_clear_pointer (&self->store, json_node_unref);
  g_clear_object (&self->history);
  g_clear_object (&self->saved);
  g_free (self->path);

  G_OBJECT_CLASS (sn_query_history_parent_class)->finalize (object);
}

static void
sn_query_history_class_init (SnQueryHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_query_history_finalize;
}

static void
sn_query_history_init (SnQueryHistory *self)
{
  self->history = g_list_store_new (SN_TYPE_QUERY_HISTORY_ITEM);
  self->saved = g_list_store_new (SN_TYPE_QUERY_HISTORY_ITEM);
}

static JsonArray *
store_array (SnQueryHistory *self,
             const char     *member)
{
  JsonObject *object = json_node_get_object (self->store);

  if (!json_object_has_member (object, member) ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, member)))
    json_object_set_array_member (object, member, json_array_new ());

  return json_object_get_array_member (object, member);
}

/* The list models follow the JSON: one item per entry that has its SQL. */
static void
fill_list (SnQueryHistory *self,
           GListStore     *list,
           const char     *member,
           gboolean        named)
{
  JsonArray *array = store_array (self, member);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *entry;
      const char *sql;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      sql = json_object_get_string_member_with_default (entry, "sql", NULL);
      if (sql == NULL)
        continue;
      g_ptr_array_add (items,
                       item_new (named ? json_object_get_string_member_with_default (entry, "name", "") : NULL,
                                 sql,
                                 json_object_get_string_member_with_default (entry, "time", NULL)));
    }

  g_list_store_splice (list, 0, g_list_model_get_n_items (G_LIST_MODEL (list)), items->pdata, items->len);
}

static void
load (SnQueryHistory *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  /* A missing or unreadable file is an empty history, as on first use. */
  if (self->path != NULL &&
      json_parser_load_from_file (parser, self->path, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    self->store = json_node_copy (json_parser_get_root (parser));

  if (self->store == NULL)
    {
      self->store = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (self->store, json_object_new ());
    }

  fill_list (self, self->history, "history", FALSE);
  fill_list (self, self->saved, "saved", TRUE);
}

static gboolean
save (SnQueryHistory  *self,
      GError         **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;

  if (self->path == NULL)
    return TRUE;

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   /* Translators: %s is a folder, then the system's reason */
                   _("Could not create %s: %s. Check that the folder can be written."),
                   dir, g_strerror (saved_errno));
      return FALSE;
    }

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, self->store);
  text = json_generator_to_data (generator, NULL);

  return g_file_set_contents_full (self->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/**
 * sn_query_history_dup_default_path:
 *
 * Returns: (transfer full): where the history of @profile_name lives
 */
char *
sn_query_history_dup_default_path (const char *profile_name)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (profile_name != NULL, NULL);

  name = g_strdup_printf ("%s.json", profile_name);

  return g_build_filename (g_get_user_data_dir (), "narcisse-admin", "sql-history", name, NULL);
}

/**
 * sn_query_history_new:
 * @profile_name: (nullable): the profile whose history to load; %NULL for
 *   one kept in memory only
 *
 * Returns: (transfer full): the history, loaded
 */
SnQueryHistory *
sn_query_history_new (const char *profile_name)
{
  g_autofree char *path = profile_name != NULL ? sn_query_history_dup_default_path (profile_name) : NULL;

  return sn_query_history_new_for_path (path);
}

/**
 * sn_query_history_new_for_path:
 * @path: (nullable): the JSON file; %NULL for a history kept in memory only
 *
 * Returns: (transfer full): the history, loaded
 */
SnQueryHistory *
sn_query_history_new_for_path (const char *path)
{
  SnQueryHistory *self = g_object_new (SN_TYPE_QUERY_HISTORY, NULL);

  self->path = g_strdup (path);
  load (self);

  return self;
}

const char *
sn_query_history_get_path (SnQueryHistory *self)
{
  g_return_val_if_fail (SN_IS_QUERY_HISTORY (self), NULL);

  return self->path;
}

/**
 * sn_query_history_get_history:
 *
 * Returns: (transfer none): the statements run, newest first, each once
 */
GListModel *
sn_query_history_get_history (SnQueryHistory *self)
{
  g_return_val_if_fail (SN_IS_QUERY_HISTORY (self), NULL);

  return G_LIST_MODEL (self->history);
}

/**
 * sn_query_history_get_saved:
 *
 * Returns: (transfer none): the named queries, in the order they were saved
 */
GListModel *
sn_query_history_get_saved (SnQueryHistory *self)
{
  g_return_val_if_fail (SN_IS_QUERY_HISTORY (self), NULL);

  return G_LIST_MODEL (self->saved);
}

/**
 * sn_query_history_add:
 *
 * Puts @sql first in the history (once: an older copy goes), keeps the
 * newest %SN_QUERY_HISTORY_MAX, and writes the file.
 *
 * Returns: %FALSE if the file could not be written (the list has it anyway)
 */
gboolean
sn_query_history_add (SnQueryHistory  *self,
                      const char      *sql,
                      GError         **error)
{
  JsonArray *history;
  JsonArray *updated;
  JsonObject *entry;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *time = NULL;

  g_return_val_if_fail (SN_IS_QUERY_HISTORY (self), FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  history = store_array (self, "history");
  updated = json_array_new ();
  time = g_date_time_format_iso8601 (now);
  entry = json_object_new ();
  json_object_set_string_member (entry, "sql", sql);
  json_object_set_string_member (entry, "time", time);
  json_array_add_object_element (updated, entry);

  for (guint i = 0; i < json_array_get_length (history) && json_array_get_length (updated) < SN_QUERY_HISTORY_MAX; i++)
    {
      JsonNode *node = json_array_get_element (history, i);

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      if (g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (node), "sql", NULL), sql) != 0)
        json_array_add_element (updated, json_node_copy (node));
    }

  json_object_set_array_member (json_node_get_object (self->store), "history", updated);
  fill_list (self, self->history, "history", FALSE);

  return save (self, error);
}

/**
 * sn_query_history_save_query:
 *
 * Keeps @sql under @name among the saved queries, and writes the file.
 *
 * Returns: %FALSE if the name or the statement is empty, or the file could
 *   not be written
 */
gboolean
sn_query_history_save_query (SnQueryHistory  *self,
                             const char      *name,
                             const char      *sql,
                             GError         **error)
{
  JsonObject *entry;

  g_return_val_if_fail (SN_IS_QUERY_HISTORY (self), FALSE);

  if (name == NULL || *name == '\0' || sql == NULL || *sql == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("A saved query needs a name and a statement."));
      return FALSE;
    }

  entry = json_object_new ();
  json_object_set_string_member (entry, "name", name);
  json_object_set_string_member (entry, "sql", sql);
  json_array_add_object_element (store_array (self, "saved"), entry);
  fill_list (self, self->saved, "saved", TRUE);

  return save (self, error);
}
