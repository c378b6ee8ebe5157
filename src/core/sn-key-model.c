/* sn-key-model.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-format.h"
#include "sn-key-model.h"

/* Pages the main context may have waiting before the scan waits for it. */
#define MAX_PENDING_PAGES 16
#define TTL_UNKNOWN G_MININT64

/* One key, compact: a million of them must fit in little memory. */
typedef struct
{
  gint64  ttl_ms;
  gint64  memory;
  guint   index;
  guint8  type;
  guint8  family;
  guint8  loaded;
  guint8  loading;
  char    key[];
} Entry;

static Entry *
entry_new (const char *key)
{
  gsize len = strlen (key);
  Entry *entry = g_malloc (sizeof (Entry) + len + 1);

  entry->ttl_ms = TTL_UNKNOWN;
  entry->memory = -1;
  entry->index = 0;
  entry->type = SN_KEY_TYPE_UNKNOWN;
  entry->family = sn_key_family_for_key (key);
  entry->loaded = FALSE;
  entry->loading = FALSE;
  memcpy (entry->key, key, len + 1);
  return entry;
}

/* ------------------------------------------------------------------------ */
/* SnCacheKey                                                               */

struct _SnCacheKey
{
  GObject  parent_instance;

  char    *key;
  gint64   ttl_ms;
  gint64   memory;
  guint    position;
  guint8   type;
  guint8   family;
};

enum {
  KEY_PROP_0,
  KEY_PROP_KEY,
  KEY_PROP_FAMILY,
  KEY_PROP_TYPE,
  KEY_PROP_TTL_MS,
  KEY_PROP_TTL_TEXT,
  KEY_PROP_MEMORY,
  KEY_PROP_SIZE_TEXT,
  KEY_PROP_POSITION,
  KEY_N_PROPS
};

G_DEFINE_FINAL_TYPE (SnCacheKey, sn_cache_key, G_TYPE_OBJECT)

static GParamSpec *key_properties[KEY_N_PROPS];

static void
sn_cache_key_finalize (GObject *object)
{
  g_free (SN_CACHE_KEY (object)->key);

  G_OBJECT_CLASS (sn_cache_key_parent_class)->finalize (object);
}

static char *
ttl_text (gint64 ttl_ms)
{
  if (ttl_ms == TTL_UNKNOWN)
    return g_strdup ("");
  if (ttl_ms == -1)
    return g_strdup (_("none"));
  if (ttl_ms == -2)
    return g_strdup (_("gone"));
  if (ttl_ms < 1000)
    return g_strdup_printf (_("%lld ms"), (long long) ttl_ms);
  if (ttl_ms < 3600 * 1000)
    return g_strdup_printf (_("%lld s"), (long long) (ttl_ms / 1000));
  return g_strdup_printf (_("%lld h %lld min"),
                          (long long) (ttl_ms / 3600000), (long long) ((ttl_ms / 60000) % 60));
}

static void
sn_cache_key_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnCacheKey *self = SN_CACHE_KEY (object);

  switch (prop_id)
    {
    case KEY_PROP_KEY:
      g_value_set_string (value, self->key);
      break;
    case KEY_PROP_FAMILY:
      g_value_set_string (value, sn_key_family_to_label (self->family));
      break;
    case KEY_PROP_TYPE:
      g_value_set_string (value, sn_key_type_to_string (self->type));
      break;
    case KEY_PROP_TTL_MS:
      g_value_set_int64 (value, self->ttl_ms);
      break;
    case KEY_PROP_TTL_TEXT:
      g_value_take_string (value, ttl_text (self->ttl_ms));
      break;
    case KEY_PROP_MEMORY:
      g_value_set_int64 (value, self->memory);
      break;
    case KEY_PROP_SIZE_TEXT:
      g_value_take_string (value, self->memory >= 0 ? g_format_size (self->memory) : g_strdup (""));
      break;
    case KEY_PROP_POSITION:
      g_value_set_uint (value, self->position);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_cache_key_class_init (SnCacheKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_cache_key_finalize;
  object_class->get_property = sn_cache_key_get_property;

  key_properties[KEY_PROP_KEY] = g_param_spec_string ("key", NULL, NULL, NULL, flags);
  key_properties[KEY_PROP_FAMILY] = g_param_spec_string ("family", NULL, NULL, NULL, flags);
  key_properties[KEY_PROP_TYPE] = g_param_spec_string ("type", NULL, NULL, NULL, flags);
  key_properties[KEY_PROP_TTL_MS] = g_param_spec_int64 ("ttl-ms", NULL, NULL, G_MININT64, G_MAXINT64,
                                                        TTL_UNKNOWN, flags);
  key_properties[KEY_PROP_TTL_TEXT] = g_param_spec_string ("ttl-text", NULL, NULL, NULL, flags);
  key_properties[KEY_PROP_MEMORY] = g_param_spec_int64 ("memory", NULL, NULL, -1, G_MAXINT64, -1, flags);
  key_properties[KEY_PROP_SIZE_TEXT] = g_param_spec_string ("size-text", NULL, NULL, NULL, flags);
  key_properties[KEY_PROP_POSITION] = g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, KEY_N_PROPS, key_properties);
}

static void
sn_cache_key_init (SnCacheKey *self)
{
}

static SnCacheKey *
sn_cache_key_new_from_entry (const Entry *entry,
                             guint        position)
{
  SnCacheKey *self = g_object_new (SN_TYPE_CACHE_KEY, NULL);

  self->key = g_strdup (entry->key);
  self->ttl_ms = entry->ttl_ms;
  self->memory = entry->memory;
  self->type = entry->type;
  self->family = entry->family;
  self->position = position;
  return self;
}

const char  *sn_cache_key_get_key      (SnCacheKey *self) { return self->key; }
SnKeyFamily  sn_cache_key_get_family   (SnCacheKey *self) { return self->family; }
SnKeyType    sn_cache_key_get_key_type (SnCacheKey *self) { return self->type; }
gint64       sn_cache_key_get_ttl_ms   (SnCacheKey *self) { return self->ttl_ms; }
gint64       sn_cache_key_get_memory   (SnCacheKey *self) { return self->memory; }
guint        sn_cache_key_get_position (SnCacheKey *self) { return self->position; }

/* ------------------------------------------------------------------------ */
/* SnKeyModel                                                               */

struct _SnKeyModel
{
  GObject         parent_instance;

  GPtrArray      *entries;       /* Entry*, owned */
  GHashTable     *seen;          /* entry->key → Entry* (SCAN may repeat a key) */
  SnCacheBackend *loader;        /* the backend of the last scan, for load_range */
  GTask          *scan;          /* the scan running now */
  char           *error;
  guint           generation;    /* bumped by clear(): late pages are dropped */
  guint           pages;
  guint           family_counts[SN_KEY_FAMILY_N];
  gint            pending;       /* pages posted, not taken yet (atomic) */
  gint64          started_us;
  gint64          first_page_us;
  gint64          paused_us;     /* written by the scan thread, read after */
};

enum {
  PROP_0,
  PROP_SCANNING,
  PROP_N_ITEMS,
  PROP_PAGES,
  PROP_ERROR,
  N_PROPS
};

static void sn_key_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnKeyModel, sn_key_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, sn_key_model_list_model_init))

static GParamSpec *properties[N_PROPS];

static GType
sn_key_model_get_item_type (GListModel *model)
{
  return SN_TYPE_CACHE_KEY;
}

static guint
sn_key_model_get_n_items (GListModel *model)
{
  return SN_KEY_MODEL (model)->entries->len;
}

static gpointer
sn_key_model_get_item (GListModel *model,
                       guint       position)
{
  SnKeyModel *self = SN_KEY_MODEL (model);

  if (position >= self->entries->len)
    return NULL;

  return sn_cache_key_new_from_entry (self->entries->pdata[position], position);
}

static void
sn_key_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sn_key_model_get_item_type;
  iface->get_n_items = sn_key_model_get_n_items;
  iface->get_item = sn_key_model_get_item;
}

static void
sn_key_model_dispose (GObject *object)
{
  SnKeyModel *self = SN_KEY_MODEL (object);

  if (self->scan != NULL)
    g_cancellable_cancel (g_task_get_cancellable (self->scan));
  g_clear_object (&self->loader);

  G_OBJECT_CLASS (sn_key_model_parent_class)->dispose (object);
}

static void
sn_key_model_finalize (GObject *object)
{
  SnKeyModel *self = SN_KEY_MODEL (object);

  g_hash_table_unref (self->seen);
  g_ptr_array_unref (self->entries);
  g_free (self->error);

  G_OBJECT_CLASS (sn_key_model_parent_class)->finalize (object);
}

static void
sn_key_model_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnKeyModel *self = SN_KEY_MODEL (object);

  switch (prop_id)
    {
    case PROP_SCANNING:
      g_value_set_boolean (value, self->scan != NULL);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->entries->len);
      break;
    case PROP_PAGES:
      g_value_set_uint (value, self->pages);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_key_model_class_init (SnKeyModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sn_key_model_dispose;
  object_class->finalize = sn_key_model_finalize;
  object_class->get_property = sn_key_model_get_property;

  properties[PROP_SCANNING] = g_param_spec_boolean ("scanning", NULL, NULL, FALSE, flags);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_PAGES] = g_param_spec_uint ("pages", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_key_model_init (SnKeyModel *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_free);
  self->seen = g_hash_table_new (g_str_hash, g_str_equal);
}

SnKeyModel *
sn_key_model_new (void)
{
  return g_object_new (SN_TYPE_KEY_MODEL, NULL);
}

void
sn_key_model_clear (SnKeyModel *self)
{
  guint n;

  g_return_if_fail (SN_IS_KEY_MODEL (self));

  n = self->entries->len;
  self->generation++;
  g_hash_table_remove_all (self->seen);
  g_ptr_array_set_size (self->entries, 0);
  memset (self->family_counts, 0, sizeof self->family_counts);
  self->pages = 0;
  g_clear_pointer (&self->error, g_free);
  if (n > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/* ---- the scan ---------------------------------------------------------- */

typedef struct
{
  SnKeyModel     *model;        /* strong */
  SnCacheBackend *backend;
  char           *pattern;
  guint           count;
  guint           generation;
  guint           found;
  GCancellable   *outer;        /* the caller's, linked to the scan's own */
  gulong          outer_id;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  if (data->outer != NULL)
    g_cancellable_disconnect (data->outer, data->outer_id);
  g_clear_object (&data->outer);
  g_object_unref (data->model);
  g_object_unref (data->backend);
  g_free (data->pattern);
  g_free (data);
}

typedef struct
{
  SnKeyModel *model;
  GPtrArray  *keys;
  guint       generation;
} Page;

static void
page_free (Page *page)
{
  g_object_unref (page->model);
  g_ptr_array_unref (page->keys);
  g_free (page);
}

static gboolean
take_page (gpointer user_data)
{
  Page *page = user_data;
  SnKeyModel *self = page->model;
  guint before = self->entries->len;

  g_atomic_int_dec_and_test (&self->pending);
  if (page->generation != self->generation)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < page->keys->len; i++)
    {
      const char *key = page->keys->pdata[i];
      Entry *entry;

      if (g_hash_table_contains (self->seen, key))
        continue;
      entry = entry_new (key);
      entry->index = self->entries->len;
      g_ptr_array_add (self->entries, entry);
      g_hash_table_insert (self->seen, entry->key, entry);
      self->family_counts[entry->family]++;
    }

  if (self->pages++ == 0)
    self->first_page_us = g_get_monotonic_time () - self->started_us;
  if (self->entries->len > before)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), before, 0, self->entries->len - before);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGES]);
  return G_SOURCE_REMOVE;
}

/* Sleeps @us in small steps; FALSE when cancelled meanwhile. */
static gboolean
pause_for (gint64        us,
           GCancellable *cancellable)
{
  while (us > 0 && !g_cancellable_is_cancelled (cancellable))
    {
      gint64 step = MIN (us, 5000);

      g_usleep (step);
      us -= step;
    }
  return !g_cancellable_is_cancelled (cancellable);
}

static void
scan_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  SnKeyModel *self = data->model;
  GMainContext *context = g_task_get_context (task);
  g_autofree char *cursor = g_strdup ("0");
  SnCacheThrottle throttle = { { 0 }, 0 };
  GError *error = NULL;

  do
    {
      g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
      char *next = NULL;
      gint64 t0, round_trip, pause;
      Page *page;

      /* Wait for the main context to take what it has. */
      while (g_atomic_int_get (&self->pending) >= MAX_PENDING_PAGES)
        if (!pause_for (1000, cancellable))
          break;
      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        break;

      t0 = g_get_monotonic_time ();
      if (!sn_cache_backend_scan_page_sync (data->backend, cursor, data->pattern, data->count,
                                            &next, keys, cancellable, &error))
        break;
      round_trip = g_get_monotonic_time () - t0;
      g_free (cursor);
      cursor = next;

      data->found += keys->len;
      page = g_new0 (Page, 1);
      page->model = g_object_ref (self);
      page->keys = g_steal_pointer (&keys);
      page->generation = data->generation;
      g_atomic_int_inc (&self->pending);
      g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, take_page, page, (GDestroyNotify) page_free);

      /* The throttle: full speed while the server answers as fast as it
       * did lately; a pause once it slows down (it is busy). */
      pause = sn_cache_throttle_pause_us (&throttle, round_trip);
      if (pause > 0)
        {
          self->paused_us += pause;
          if (!pause_for (pause, cancellable))
            {
              g_cancellable_set_error_if_cancelled (cancellable, &error);
              break;
            }
        }
    }
  while (g_strcmp0 (cursor, "0") != 0);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
scan_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SnKeyModel *self = SN_KEY_MODEL (object);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;

  /* Pages posted before the end are delivered first (same context, FIFO). */
  while (g_atomic_int_get (&self->pending) > 0 &&
         g_main_context_iteration (g_task_get_context (G_TASK (result)), FALSE))
    ;

  if (self->scan == G_TASK (result))
    self->scan = NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  g_task_return_int (outer, self->entries->len);
}

static void
cancel_other (GCancellable *cancellable,
              gpointer      other)
{
  g_cancellable_cancel (other);
}

/**
 * sn_key_model_scan_async:
 * @pattern: a MATCH glob, "*" for every key
 * @count: the COUNT hint per page; 0 for 1000
 *
 * Clears the model, then fills it. One scan at a time: a new one cancels
 * the one running.
 */
void
sn_key_model_scan_async (SnKeyModel          *self,
                         SnCacheBackend      *backend,
                         const char          *pattern,
                         guint                count,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;
  ScanData *data;

  g_return_if_fail (SN_IS_KEY_MODEL (self));
  g_return_if_fail (SN_IS_CACHE_BACKEND (backend));

  if (self->scan != NULL)
    g_cancellable_cancel (g_task_get_cancellable (self->scan));

  sn_key_model_clear (self);
  g_set_object (&self->loader, backend);
  self->started_us = g_get_monotonic_time ();
  self->first_page_us = 0;
  self->paused_us = 0;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, sn_key_model_scan_async);

  data = g_new0 (ScanData, 1);
  data->model = g_object_ref (self);
  data->backend = g_object_ref (backend);
  data->pattern = g_strdup (pattern != NULL && *pattern != '\0' ? pattern : "*");
  data->count = count > 0 ? count : 1000;
  data->generation = self->generation;

  /* The inner task owns its own cancellable so a newer scan can stop it. */
  {
    g_autoptr(GCancellable) own = g_cancellable_new ();

    if (cancellable != NULL)
      {
        data->outer = g_object_ref (cancellable);
        data->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_other),
                                                g_object_ref (own), g_object_unref);
      }
    inner = g_task_new (self, own, scan_done, g_steal_pointer (&outer));
  }
  g_task_set_task_data (inner, data, (GDestroyNotify) scan_data_free);
  self->scan = inner;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
  g_task_run_in_thread (inner, scan_thread);
}

gboolean
sn_key_model_scan_finish (SnKeyModel    *self,
                          GAsyncResult  *result,
                          guint         *n_keys,
                          GError       **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (n < 0)
    return FALSE;
  if (n_keys != NULL)
    *n_keys = n;
  return TRUE;
}

gboolean
sn_key_model_get_scanning (SnKeyModel *self)
{
  g_return_val_if_fail (SN_IS_KEY_MODEL (self), FALSE);

  return self->scan != NULL;
}

const char *
sn_key_model_get_key (SnKeyModel *self,
                      guint       position)
{
  g_return_val_if_fail (SN_IS_KEY_MODEL (self), NULL);

  if (position >= self->entries->len)
    return NULL;
  return ((Entry *) self->entries->pdata[position])->key;
}

guint
sn_key_model_get_pages (SnKeyModel *self)
{
  return self->pages;
}

guint
sn_key_model_get_family_count (SnKeyModel  *self,
                               SnKeyFamily  family)
{
  g_return_val_if_fail (family < SN_KEY_FAMILY_N, 0);

  return self->family_counts[family];
}

gint64
sn_key_model_get_first_page_us (SnKeyModel *self)
{
  return self->first_page_us;
}

gint64
sn_key_model_get_paused_us (SnKeyModel *self)
{
  return self->paused_us;
}

/* ---- lazy columns ------------------------------------------------------ */

typedef struct
{
  SnKeyModel *model;
  GPtrArray  *keys;      /* char* */
  GPtrArray  *replies;   /* JsonNode*, 2 or 3 per key */
  guint       per_key;
  guint       generation;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->model);
  g_ptr_array_unref (load->keys);
  g_clear_pointer (&load->replies, g_ptr_array_unref);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GPtrArray) commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  gboolean memory = sn_cache_backend_is_redis_server (load->model->loader);
  GError *error = NULL;

  load->per_key = memory ? 3 : 2;
  for (guint i = 0; i < load->keys->len; i++)
    {
      const char *key = load->keys->pdata[i];

      g_ptr_array_add (commands, g_strdupv ((char **) (const char *[]) { "TYPE", key, NULL }));
      g_ptr_array_add (commands, g_strdupv ((char **) (const char *[]) { "PTTL", key, NULL }));
      if (memory)
        g_ptr_array_add (commands, g_strdupv ((char **) (const char *[]) { "MEMORY", "USAGE", key, NULL }));
    }

  load->replies = sn_cache_backend_pipeline_sync (load->model->loader, commands, cancellable, &error);
  if (load->replies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
load_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  SnKeyModel *self = SN_KEY_MODEL (object);
  Load *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  for (guint i = 0; i < load->keys->len; i++)
    {
      Entry *entry;

      if (load->generation != self->generation ||
          !(entry = g_hash_table_lookup (self->seen, load->keys->pdata[i])))
        continue;
      entry->loading = FALSE;
      if (!ok)
        continue;
      entry->type = sn_key_type_from_string (sn_cache_reply_get_string (load->replies->pdata[i * load->per_key]));
      entry->ttl_ms = sn_cache_reply_get_int (load->replies->pdata[i * load->per_key + 1], TTL_UNKNOWN);
      if (load->per_key > 2)
        entry->memory = sn_cache_reply_get_int (load->replies->pdata[i * load->per_key + 2], -1);
      entry->loaded = TRUE;
      g_list_model_items_changed (G_LIST_MODEL (self), entry->index, 1, 1);
    }

  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Loading key details failed: %s", error->message);
}

void
sn_key_model_load_range (SnKeyModel *self,
                         guint       position,
                         guint       n)
{
  g_autoptr(GTask) task = NULL;
  Load *load;

  g_return_if_fail (SN_IS_KEY_MODEL (self));

  if (self->loader == NULL)
    return;

  load = g_new0 (Load, 1);
  load->model = g_object_ref (self);
  load->keys = g_ptr_array_new_with_free_func (g_free);
  load->generation = self->generation;
  for (guint i = position; i < self->entries->len && i < position + n; i++)
    {
      Entry *entry = self->entries->pdata[i];

      if (entry->loaded || entry->loading)
        continue;
      entry->loading = TRUE;
      g_ptr_array_add (load->keys, g_strdup (entry->key));
    }

  if (load->keys->len == 0)
    {
      load_free (load);
      return;
    }

  task = g_task_new (self, NULL, load_done, NULL);
  g_task_set_source_tag (task, sn_key_model_load_range);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  g_task_run_in_thread (task, load_thread);
}

/**
 * sn_key_model_remove_keys:
 * @keys: (element-type utf8): keys that are gone
 */
void
sn_key_model_remove_keys (SnKeyModel *self,
                          GPtrArray  *keys)
{
  g_autoptr(GHashTable) gone = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_before, kept = 0;

  g_return_if_fail (SN_IS_KEY_MODEL (self));

  for (guint i = 0; i < keys->len; i++)
    if (g_hash_table_contains (self->seen, keys->pdata[i]))
      g_hash_table_add (gone, keys->pdata[i]);
  if (g_hash_table_size (gone) == 0)
    return;

  n_before = self->entries->len;
  for (guint i = 0; i < n_before; i++)
    {
      Entry *entry = self->entries->pdata[i];

      if (g_hash_table_contains (gone, entry->key))
        {
          g_hash_table_remove (self->seen, entry->key);
          self->family_counts[entry->family]--;
          g_free (entry);
          continue;
        }
      entry->index = kept;
      self->entries->pdata[kept++] = entry;
    }
  g_ptr_array_set_free_func (self->entries, NULL);
  g_ptr_array_set_size (self->entries, kept);
  g_ptr_array_set_free_func (self->entries, g_free);
  /* one change for the whole range: simpler than one per run of rows */
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_before, kept);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
