/* sn-cache-details.c: what one key holds, for the details pane and `cache get`
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-cache-keys.h"

/* Items shown of a hash, list, set, sorted set; entries of a stream. */
#define MAX_ITEMS "200"
#define MAX_STREAM_ENTRIES "50"

G_DEFINE_BOXED_TYPE (SnCacheKeyDetails, sn_cache_key_details,
                     sn_cache_key_details_copy, sn_cache_key_details_free)

void
sn_cache_key_details_free (SnCacheKeyDetails *details)
{
  if (details == NULL)
    return;
  g_free (details->key);
  g_free (details->text);
  g_free (details);
}

SnCacheKeyDetails *
sn_cache_key_details_copy (SnCacheKeyDetails *details)
{
  SnCacheKeyDetails *copy = g_memdup2 (details, sizeof *details);

  copy->key = g_strdup (details->key);
  copy->text = g_strdup (details->text);
  return copy;
}

static JsonNode *
run (SnCacheBackend  *backend,
     GCancellable    *cancellable,
     GError         **error,
     const char      *a,
     const char      *b,
     const char      *c,
     const char      *d,
     const char      *e)
{
  const char *argv[] = { a, b, c, d, e, NULL };

  return sn_cache_backend_command_sync (backend, argv, cancellable, error);
}

/* Appends a JSON scalar's text. */
static void
append_value (GString  *out,
              JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    g_string_append (out, "(nil)");
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    g_string_append (out, json_node_get_string (node));
  else if (JSON_NODE_HOLDS_VALUE (node))
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else
    {
      g_autofree char *text = json_to_string (node, FALSE);

      g_string_append (out, text);
    }
}

/* Pairs (hash: field value; zset WITHSCORES: member score) or singles, one per line. */
static void
format_items (GString   *out,
              JsonArray *items,
              gboolean   pairs,
              gboolean   score_first,
              gsize      max_bytes,
              gboolean  *truncated)
{
  guint n = json_array_get_length (items);
  guint step = pairs ? 2 : 1;

  for (guint i = 0; i + step - 1 < n; i += step)
    {
      if (out->len >= max_bytes)
        {
          *truncated = TRUE;
          return;
        }
      if (pairs && score_first)
        {
          append_value (out, json_array_get_element (items, i + 1));
          g_string_append (out, "  ");
          append_value (out, json_array_get_element (items, i));
        }
      else if (pairs)
        {
          append_value (out, json_array_get_element (items, i));
          g_string_append (out, ": ");
          append_value (out, json_array_get_element (items, i + 1));
        }
      else
        append_value (out, json_array_get_element (items, i));
      g_string_append_c (out, '\n');
    }
}

static void
format_stream (GString   *out,
               JsonArray *entries,
               gsize      max_bytes,
               gboolean  *truncated)
{
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonNode *entry = json_array_get_element (entries, i);
      JsonArray *pair;

      if (out->len >= max_bytes)
        {
          *truncated = TRUE;
          return;
        }
      if (!JSON_NODE_HOLDS_ARRAY (entry) || json_array_get_length (pair = json_node_get_array (entry)) != 2)
        continue;
      append_value (out, json_array_get_element (pair, 0));
      g_string_append (out, "  ");
      if (JSON_NODE_HOLDS_ARRAY (json_array_get_element (pair, 1)))
        {
          JsonArray *fields = json_array_get_array_element (pair, 1);

          for (guint j = 0; j + 1 < json_array_get_length (fields); j += 2)
            {
              append_value (out, json_array_get_element (fields, j));
              g_string_append_c (out, '=');
              append_value (out, json_array_get_element (fields, j + 1));
              g_string_append_c (out, ' ');
            }
        }
      g_string_append_c (out, '\n');
    }
}

static gboolean
fetch_string (SnCacheBackend     *backend,
              SnCacheKeyDetails  *details,
              gsize               max_bytes,
              GCancellable       *cancellable,
              GError            **error)
{
  g_autoptr(JsonNode) len = NULL;
  g_autoptr(JsonNode) head = NULL;
  g_autofree char *last = g_strdup_printf ("%" G_GSIZE_FORMAT, max_bytes > 0 ? max_bytes - 1 : 0);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *text;

  if (!(len = run (backend, cancellable, error, "STRLEN", details->key, NULL, NULL, NULL)))
    return FALSE;
  details->length = sn_cache_reply_get_int (len, 0);

  /* Never the whole of a big value: its start only (a 50 MB value must not
   * freeze anything); "Copy" reads the rest on request. */
  if (!(head = run (backend, cancellable, error, "GETRANGE", details->key, "0", last, NULL)))
    return FALSE;
  text = sn_cache_reply_get_string (head);
  details->truncated = details->length > (gint64) max_bytes;

  if (!details->truncated && text != NULL &&
      (*text == '{' || *text == '[') && json_parser_load_from_data (parser, text, -1, NULL))
    {
      details->text = json_to_string (json_parser_get_root (parser), TRUE);
      details->is_json = TRUE;
    }
  else
    details->text = g_strdup (text != NULL ? text : "");

  return TRUE;
}

static gboolean
fetch_collection (SnCacheBackend     *backend,
                  SnCacheKeyDetails  *details,
                  gsize               max_bytes,
                  GCancellable       *cancellable,
                  GError            **error)
{
  g_autoptr(JsonNode) len = NULL;
  g_autoptr(JsonNode) items = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  JsonArray *array;
  const char *count_cmd;
  gboolean pairs = FALSE;
  guint shown;

  switch (details->type)
    {
    case SN_KEY_TYPE_HASH:
      count_cmd = "HLEN";
      items = run (backend, cancellable, error, "HSCAN", details->key, "0", "COUNT", MAX_ITEMS);
      pairs = TRUE;
      break;
    case SN_KEY_TYPE_LIST:
      count_cmd = "LLEN";
      items = run (backend, cancellable, error, "LRANGE", details->key, "0", "199", NULL);
      break;
    case SN_KEY_TYPE_SET:
      count_cmd = "SCARD";
      items = run (backend, cancellable, error, "SSCAN", details->key, "0", "COUNT", MAX_ITEMS);
      break;
    case SN_KEY_TYPE_ZSET:
      count_cmd = "ZCARD";
      {
        const char *argv[] = { "ZRANGE", details->key, "0", "199", "WITHSCORES", NULL };

        items = sn_cache_backend_command_sync (backend, argv, cancellable, error);
      }
      pairs = TRUE;
      break;
    case SN_KEY_TYPE_STREAM:
      count_cmd = "XLEN";
      {
        const char *argv[] = { "XRANGE", details->key, "-", "+", "COUNT", MAX_STREAM_ENTRIES, NULL };

        items = sn_cache_backend_command_sync (backend, argv, cancellable, error);
      }
      break;
    default:
      details->text = g_strdup ("");
      return TRUE;
    }

  if (items == NULL)
    return FALSE;
  if (!(len = run (backend, cancellable, error, count_cmd, details->key, NULL, NULL, NULL)))
    return FALSE;
  details->length = sn_cache_reply_get_int (len, 0);

  /* HSCAN/SSCAN answer [cursor, items] */
  if ((details->type == SN_KEY_TYPE_HASH || details->type == SN_KEY_TYPE_SET) &&
      JSON_NODE_HOLDS_ARRAY (items) && json_array_get_length (json_node_get_array (items)) == 2)
    array = json_array_get_array_element (json_node_get_array (items), 1);
  else
    array = JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : NULL;

  if (array == NULL)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_PROTOCOL,
                   _("The cache answered with something unexpected for the %s “%s”."),
                   sn_key_type_to_string (details->type), details->key);
      return FALSE;
    }

  if (details->type == SN_KEY_TYPE_STREAM)
    format_stream (out, array, max_bytes, &details->truncated);
  else
    format_items (out, array, pairs, details->type == SN_KEY_TYPE_ZSET, max_bytes, &details->truncated);

  shown = json_array_get_length (array) / (pairs ? 2 : 1);
  if ((gint64) shown < details->length)
    details->truncated = TRUE;

  details->text = g_string_free (g_steal_pointer (&out), FALSE);
  return TRUE;
}

/**
 * sn_cache_fetch_details_sync:
 *
 * Returns: (transfer full) (nullable): what @key holds; type NONE when it is gone
 */
SnCacheKeyDetails *
sn_cache_fetch_details_sync (SnCacheBackend  *backend,
                             const char      *key,
                             gsize            max_bytes,
                             GCancellable    *cancellable,
                             GError         **error)
{
  g_autoptr(SnCacheKeyDetails) details = g_new0 (SnCacheKeyDetails, 1);
  g_autoptr(GPtrArray) commands = g_ptr_array_new ();
  g_autoptr(GPtrArray) replies = NULL;
  const char *type_cmd[] = { "TYPE", key, NULL };
  const char *ttl_cmd[] = { "PTTL", key, NULL };
  const char *mem_cmd[] = { "MEMORY", "USAGE", key, NULL };
  gboolean ok;

  g_return_val_if_fail (SN_IS_CACHE_BACKEND (backend), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  details->key = g_strdup (key);
  details->memory = -1;
  g_ptr_array_add (commands, type_cmd);
  g_ptr_array_add (commands, ttl_cmd);
  if (sn_cache_backend_is_redis_server (backend))
    g_ptr_array_add (commands, mem_cmd);

  if (!(replies = sn_cache_backend_pipeline_sync (backend, commands, cancellable, error)))
    return NULL;
  if (sn_cache_reply_get_error (replies->pdata[0]) != NULL)
    {
      g_propagate_error (error, sn_cache_error_from_reply (sn_cache_reply_get_error (replies->pdata[0]), "TYPE"));
      return NULL;
    }

  details->type = sn_key_type_from_string (sn_cache_reply_get_string (replies->pdata[0]));
  details->ttl_ms = sn_cache_reply_get_int (replies->pdata[1], -2);
  if (replies->len > 2)
    details->memory = sn_cache_reply_get_int (replies->pdata[2], -1);

  if (details->type == SN_KEY_TYPE_NONE)
    {
      details->text = g_strdup ("");
      return g_steal_pointer (&details);
    }

  if (details->type == SN_KEY_TYPE_STRING)
    ok = fetch_string (backend, details, max_bytes, cancellable, error);
  else
    ok = fetch_collection (backend, details, max_bytes, cancellable, error);

  return ok ? g_steal_pointer (&details) : NULL;
}

typedef struct
{
  char  *key;
  gsize  max_bytes;
} DetailsData;

static void
details_data_free (DetailsData *data)
{
  g_free (data->key);
  g_free (data);
}

static void
details_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  DetailsData *data = task_data;
  GError *error = NULL;
  SnCacheKeyDetails *details;

  details = sn_cache_fetch_details_sync (source, data->key, data->max_bytes, cancellable, &error);
  if (details == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, details, (GDestroyNotify) sn_cache_key_details_free);
}

void
sn_cache_fetch_details_async (SnCacheBackend      *backend,
                              const char          *key,
                              gsize                max_bytes,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);
  DetailsData *data = g_new0 (DetailsData, 1);

  data->key = g_strdup (key);
  data->max_bytes = max_bytes;
  g_task_set_source_tag (task, sn_cache_fetch_details_async);
  g_task_set_task_data (task, data, (GDestroyNotify) details_data_free);
  g_task_run_in_thread (task, details_thread);
}

SnCacheKeyDetails *
sn_cache_fetch_details_finish (SnCacheBackend  *backend,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sn_cache_fetch_full_value_sync:
 *
 * Returns: (transfer full) (nullable): the whole string value
 */
char *
sn_cache_fetch_full_value_sync (SnCacheBackend  *backend,
                                const char      *key,
                                GCancellable    *cancellable,
                                GError         **error)
{
  g_autoptr(JsonNode) value = run (backend, cancellable, error, "GET", key, NULL, NULL, NULL);

  if (value == NULL)
    return NULL;
  if (sn_cache_reply_get_string (value) == NULL)
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_COMMAND,
                   _("“%s” no longer holds a string value."), key);
      return NULL;
    }
  return g_strdup (sn_cache_reply_get_string (value));
}
