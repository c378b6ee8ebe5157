/* sn-log-model.c: a bounded, throttled list of log lines, fed by a stream
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-log-model"
#define _GNU_SOURCE

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-host.h"
#include "sn-log-model.h"

#define BATCH_INTERVAL_MS 100

/* Levels ------------------------------------------------------------------- */

const char *
sn_log_level_to_string (SnLogLevel level)
{
  static const char *names[] = { "", "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL" };

  return level <= SN_LOG_LEVEL_FATAL ? names[level] : "";
}

static SnLogLevel
level_from_word (const char *word,
                 gsize       len)
{
  static const struct { const char *name; SnLogLevel level; } words[] = {
    { "trace", SN_LOG_LEVEL_TRACE }, { "debug", SN_LOG_LEVEL_DEBUG },
    { "info", SN_LOG_LEVEL_INFO }, { "log", SN_LOG_LEVEL_INFO }, { "notice", SN_LOG_LEVEL_INFO },
    { "warn", SN_LOG_LEVEL_WARN }, { "warning", SN_LOG_LEVEL_WARN },
    { "error", SN_LOG_LEVEL_ERROR }, { "err", SN_LOG_LEVEL_ERROR },
    { "fatal", SN_LOG_LEVEL_FATAL }, { "panic", SN_LOG_LEVEL_FATAL }, { "critical", SN_LOG_LEVEL_FATAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strlen (words[i].name) == len && g_ascii_strncasecmp (word, words[i].name, len) == 0)
      return words[i].level;
  return SN_LOG_LEVEL_UNKNOWN;
}

static SnLogLevel
level_from_number (gint64 n)
{
  /* pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal */
  if (n >= 60) return SN_LOG_LEVEL_FATAL;
  if (n >= 50) return SN_LOG_LEVEL_ERROR;
  if (n >= 40) return SN_LOG_LEVEL_WARN;
  if (n >= 30) return SN_LOG_LEVEL_INFO;
  if (n >= 20) return SN_LOG_LEVEL_DEBUG;
  if (n >= 10) return SN_LOG_LEVEL_TRACE;
  return SN_LOG_LEVEL_UNKNOWN;
}

static gboolean
is_word_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* An all-caps word (ERROR, WARN, ...) standing alone, or "Error:"/"error:". */
static SnLogLevel
plain_level (const char *line)
{
  static const struct { const char *word; SnLogLevel level; } caps[] = {
    { "FATAL", SN_LOG_LEVEL_FATAL }, { "PANIC", SN_LOG_LEVEL_FATAL },
    { "ERROR", SN_LOG_LEVEL_ERROR }, { "WARNING", SN_LOG_LEVEL_WARN }, { "WARN", SN_LOG_LEVEL_WARN },
    { "INFO", SN_LOG_LEVEL_INFO }, { "LOG", SN_LOG_LEVEL_INFO }, { "DEBUG", SN_LOG_LEVEL_DEBUG },
  };
  static const struct { const char *word; SnLogLevel level; } colon[] = {
    { "error:", SN_LOG_LEVEL_ERROR }, { "Error:", SN_LOG_LEVEL_ERROR },
    { "warning:", SN_LOG_LEVEL_WARN }, { "Warning:", SN_LOG_LEVEL_WARN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (caps); i++)
    {
      gsize len = strlen (caps[i].word);

      for (const char *p = strstr (line, caps[i].word); p != NULL; p = strstr (p + 1, caps[i].word))
        if ((p == line || !is_word_char (p[-1])) && !is_word_char (p[len]))
          return caps[i].level;
    }
  for (guint i = 0; i < G_N_ELEMENTS (colon); i++)
    if (strstr (line, colon[i].word) != NULL)
      return colon[i].level;
  return SN_LOG_LEVEL_UNKNOWN;
}

SnLogLevel
sn_log_level_parse (const char *line)
{
  const char *p;

  if (line == NULL)
    return SN_LOG_LEVEL_UNKNOWN;

  /* pino JSON: "level":"INFO" or "level":30 */
  if ((p = strstr (line, "\"level\"")) != NULL)
    {
      p += 7;
      while (*p == ' ' || *p == ':')
        p++;
      if (*p == '"')
        {
          const char *end = strchr (++p, '"');

          if (end != NULL)
            return level_from_word (p, end - p);
        }
      else if (g_ascii_isdigit (*p))
        return level_from_number (g_ascii_strtoll (p, NULL, 10));
    }

  /* logfmt: level=info */
  if ((p = strstr (line, "level=")) != NULL)
    {
      gsize len;

      p += 6;
      if (*p == '"')
        p++;
      for (len = 0; g_ascii_isalpha (p[len]); len++)
        ;
      if (len > 0)
        return level_from_word (p, len);
    }

  return plain_level (line);
}

/* Lines -------------------------------------------------------------------- */

struct _SnLogLine
{
  GObject     parent_instance;
  char       *text;       /* owns the service too: "text\0service\0" */
  const char *service;    /* into text's allocation */
  guint64     seq;
  SnLogLevel  level;
};

G_DEFINE_FINAL_TYPE (SnLogLine, sn_log_line, G_TYPE_OBJECT)

enum {
  LINE_PROP_0,
  LINE_PROP_TEXT,
  LINE_PROP_SERVICE,
  LINE_PROP_LEVEL,
  LINE_PROP_LEVEL_LABEL,
  LINE_PROP_SEQ,
  LINE_N_PROPS
};

static GParamSpec *line_properties[LINE_N_PROPS];

static void
sn_log_line_finalize (GObject *object)
{
  g_free (SN_LOG_LINE (object)->text);
  G_OBJECT_CLASS (sn_log_line_parent_class)->finalize (object);
}

static void
sn_log_line_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SnLogLine *self = SN_LOG_LINE (object);

  switch (prop_id)
    {
    case LINE_PROP_TEXT: g_value_set_string (value, self->text); break;
    case LINE_PROP_SERVICE: g_value_set_string (value, self->service); break;
    case LINE_PROP_LEVEL: g_value_set_int (value, self->level); break;
    case LINE_PROP_LEVEL_LABEL: g_value_set_static_string (value, sn_log_level_to_string (self->level)); break;
    case LINE_PROP_SEQ: g_value_set_uint64 (value, self->seq); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_log_line_class_init (SnLogLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_log_line_finalize;
  object_class->get_property = sn_log_line_get_property;

  line_properties[LINE_PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  line_properties[LINE_PROP_SERVICE] = g_param_spec_string ("service", NULL, NULL, NULL, flags);
  line_properties[LINE_PROP_LEVEL] = g_param_spec_int ("level", NULL, NULL, 0, SN_LOG_LEVEL_FATAL, 0, flags);
  line_properties[LINE_PROP_LEVEL_LABEL] = g_param_spec_string ("level-label", NULL, NULL, NULL, flags);
  line_properties[LINE_PROP_SEQ] = g_param_spec_uint64 ("seq", NULL, NULL, 0, G_MAXUINT64, 0, flags);
  g_object_class_install_properties (object_class, LINE_N_PROPS, line_properties);
}

static void
sn_log_line_init (SnLogLine *self)
{
}

/* "app-1  | text" → service "app", text "text" (Compose v2 prefix). */
static SnLogLine *
log_line_new (const char *raw,
              guint64     seq)
{
  SnLogLine *self = g_object_new (SN_TYPE_LOG_LINE, NULL);
  const char *bar = NULL;
  const char *text = raw;
  gsize service_len = 0;
  gsize text_len;

  for (guint i = 0; raw[i] != '\0' && i < 64; i++)
    {
      if (raw[i] == '|' && i > 0 && raw[i - 1] == ' ' && (raw[i + 1] == ' ' || raw[i + 1] == '\0'))
        {
          bar = raw + i;
          break;
        }
      if (raw[i] == '"' || raw[i] == '{' || raw[i] == '[')
        break;
    }

  if (bar != NULL)
    {
      const char *end = bar;
      const char *dash;

      while (end > raw && end[-1] == ' ')
        end--;
      /* Drop the replica number: "app-1" → "app". */
      dash = end;
      while (dash > raw && g_ascii_isdigit (dash[-1]))
        dash--;
      if (dash > raw && dash < end && dash[-1] == '-')
        end = dash - 1;
      service_len = end - raw;
      text = bar[1] == ' ' ? bar + 2 : bar + 1;
    }

  text_len = strlen (text);
  self->text = g_malloc (text_len + 1 + service_len + 1);
  memcpy (self->text, text, text_len + 1);
  memcpy (self->text + text_len + 1, raw, service_len);
  self->text[text_len + 1 + service_len] = '\0';
  self->service = self->text + text_len + 1;
  self->level = sn_log_level_parse (self->text);
  self->seq = seq;
  return self;
}

const char *
sn_log_line_get_text (SnLogLine *self)
{
  g_return_val_if_fail (SN_IS_LOG_LINE (self), NULL);
  return self->text;
}

const char *
sn_log_line_get_service (SnLogLine *self)
{
  g_return_val_if_fail (SN_IS_LOG_LINE (self), NULL);
  return self->service;
}

SnLogLevel
sn_log_line_get_level (SnLogLine *self)
{
  g_return_val_if_fail (SN_IS_LOG_LINE (self), SN_LOG_LEVEL_UNKNOWN);
  return self->level;
}

guint64
sn_log_line_get_seq (SnLogLine *self)
{
  g_return_val_if_fail (SN_IS_LOG_LINE (self), 0);
  return self->seq;
}

gboolean
sn_log_line_matches (SnLogLine  *self,
                     const char *needle,
                     SnLogLevel  min_level)
{
  g_return_val_if_fail (SN_IS_LOG_LINE (self), FALSE);

  if (min_level != SN_LOG_LEVEL_UNKNOWN && self->level < min_level)
    return FALSE;
  if (needle != NULL && *needle != '\0' && strcasestr (self->text, needle) == NULL)
    return FALSE;
  return TRUE;
}

/* Model -------------------------------------------------------------------- */

struct _SnLogModel
{
  GObject     parent_instance;

  SnLogLine **ring;         /* capacity slots; count used from head */
  GPtrArray  *pending;      /* SnLogLine, not yet published */

  guint       capacity;
  guint       head;
  guint       count;
  guint       flush_id;
  guint64     seq;
  guint64     n_received;
  guint64     n_skipped;
  guint64     n_trimmed;
  guint       n_streams;
  guint       paused : 1;
  guint       frame_driven : 1;   /* a frame clock flushes, not the timer */
};

static void log_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnLogModel, sn_log_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, log_model_iface_init))

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_PAUSED,
  PROP_N_RECEIVED,
  PROP_N_SKIPPED,
  PROP_N_TRIMMED,
  PROP_N_PENDING,
  PROP_STREAMING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LINES_PENDING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GType
model_get_item_type (GListModel *model)
{
  return SN_TYPE_LOG_LINE;
}

static guint
model_get_n_items (GListModel *model)
{
  return SN_LOG_MODEL (model)->count;
}

static gpointer
model_get_item (GListModel *model,
                guint       position)
{
  SnLogModel *self = SN_LOG_MODEL (model);

  if (position >= self->count)
    return NULL;
  return g_object_ref (self->ring[(self->head + position) % self->capacity]);
}

static void
log_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = model_get_item_type;
  iface->get_n_items = model_get_n_items;
  iface->get_item = model_get_item;
}

static void
release_ring (SnLogModel *self)
{
  for (guint i = 0; i < self->count; i++)
    g_object_unref (self->ring[(self->head + i) % self->capacity]);
  self->head = 0;
  self->count = 0;
}

static void
sn_log_model_finalize (GObject *object)
{
  SnLogModel *self = SN_LOG_MODEL (object);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  release_ring (self);
  g_free (self->ring);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (sn_log_model_parent_class)->finalize (object);
}

static void
sn_log_model_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnLogModel *self = SN_LOG_MODEL (object);

  switch (prop_id)
    {
    case PROP_CAPACITY: g_value_set_uint (value, self->capacity); break;
    case PROP_PAUSED: g_value_set_boolean (value, self->paused); break;
    case PROP_N_RECEIVED: g_value_set_uint64 (value, self->n_received); break;
    case PROP_N_SKIPPED: g_value_set_uint64 (value, self->n_skipped); break;
    case PROP_N_TRIMMED: g_value_set_uint64 (value, self->n_trimmed); break;
    case PROP_N_PENDING: g_value_set_uint (value, self->pending->len); break;
    case PROP_STREAMING: g_value_set_boolean (value, self->n_streams > 0); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_log_model_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SnLogModel *self = SN_LOG_MODEL (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      self->capacity = MAX (g_value_get_uint (value), 1);
      break;
    case PROP_PAUSED:
      sn_log_model_set_paused (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_log_model_constructed (GObject *object)
{
  SnLogModel *self = SN_LOG_MODEL (object);

  G_OBJECT_CLASS (sn_log_model_parent_class)->constructed (object);
  self->ring = g_new0 (SnLogLine *, self->capacity);
}

static void
sn_log_model_class_init (SnLogModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sn_log_model_finalize;
  object_class->get_property = sn_log_model_get_property;
  object_class->set_property = sn_log_model_set_property;
  object_class->constructed = sn_log_model_constructed;

  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL, 1, G_MAXUINT / 2, SN_LOG_MODEL_DEFAULT_CAPACITY,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_RECEIVED] = g_param_spec_uint64 ("n-received", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_SKIPPED] = g_param_spec_uint64 ("n-skipped", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_TRIMMED] = g_param_spec_uint64 ("n-trimmed", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  properties[PROP_STREAMING] = g_param_spec_boolean ("streaming", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SnLogModel::lines-pending:
   *
   * Frame-driven only: lines wait to be published (the first since the
   * last flush, or a resume with lines held). The driver flushes them.
   */
  signals[LINES_PENDING] = g_signal_new ("lines-pending", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
unref_if_set (gpointer data)
{
  if (data != NULL)
    g_object_unref (data);
}

static void
sn_log_model_init (SnLogModel *self)
{
  self->capacity = SN_LOG_MODEL_DEFAULT_CAPACITY;
  self->pending = g_ptr_array_new_with_free_func (unref_if_set);
}

SnLogModel *
sn_log_model_new (guint capacity)
{
  return g_object_new (SN_TYPE_LOG_MODEL,
                       "capacity", capacity > 0 ? capacity : SN_LOG_MODEL_DEFAULT_CAPACITY,
                       NULL);
}

guint
sn_log_model_get_capacity (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), 0);
  return self->capacity;
}

gboolean
sn_log_model_get_paused (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), FALSE);
  return self->paused;
}

guint64
sn_log_model_get_n_received (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), 0);
  return self->n_received;
}

guint64
sn_log_model_get_n_skipped (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), 0);
  return self->n_skipped;
}

guint64
sn_log_model_get_n_trimmed (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), 0);
  return self->n_trimmed;
}

guint
sn_log_model_get_n_pending (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), 0);
  return self->pending->len;
}

gboolean
sn_log_model_get_streaming (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), FALSE);
  return self->n_streams > 0;
}

void
sn_log_model_flush (SnLogModel *self)
{
  g_return_if_fail (SN_IS_LOG_MODEL (self));

  sn_log_model_flush_some (self, G_MAXUINT);
}

guint
sn_log_model_flush_some (SnLogModel *self,
                         guint       max_lines)
{
  guint k, old_count, removed, keep_from = 0;
  guint64 old_skipped, old_trimmed;

  g_return_val_if_fail (SN_IS_LOG_MODEL (self), 0);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->paused)
    return 0;
  if (self->pending->len == 0 || max_lines == 0)
    return self->pending->len;

  /* The oldest lines first; the rest wait for the next call. */
  k = MIN (self->pending->len, max_lines);
  old_count = self->count;
  old_skipped = self->n_skipped;
  old_trimmed = self->n_trimmed;

  if (k >= self->capacity)
    {
      /* The batch alone fills the window: the older part of it is never shown. */
      keep_from = k - self->capacity;
      self->n_skipped += keep_from;
      removed = old_count;
    }
  else
    removed = old_count + k > self->capacity ? old_count + k - self->capacity : 0;

  /* Two steps, each signalled once the model is in that state: the oldest
   * lines leave at the front, then the batch arrives at the end. */
  for (guint i = 0; i < removed; i++)
    {
      g_clear_object (&self->ring[self->head]);
      self->head = (self->head + 1) % self->capacity;
    }
  self->count -= removed;
  self->n_trimmed += removed;
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);

  for (guint i = keep_from; i < k; i++)
    {
      guint slot = (self->head + self->count) % self->capacity;

      self->ring[slot] = g_steal_pointer (&self->pending->pdata[i]);
      self->count++;
    }
  g_ptr_array_remove_range (self->pending, 0, k);
  g_list_model_items_changed (G_LIST_MODEL (self), old_count - removed, 0, k - keep_from);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECEIVED]);
  if (self->n_skipped != old_skipped)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SKIPPED]);
  if (self->n_trimmed != old_trimmed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TRIMMED]);
  return self->pending->len;
}

static gboolean flush_cb (gpointer data);

/* Lines wait: the timer publishes them, or the frame driver is told. */
static void
schedule_flush (SnLogModel *self)
{
  if (self->paused || self->pending->len == 0)
    return;
  if (self->frame_driven)
    g_signal_emit (self, signals[LINES_PENDING], 0);
  else if (self->flush_id == 0)
    self->flush_id = g_timeout_add (BATCH_INTERVAL_MS, flush_cb, self);
}

gboolean
sn_log_model_get_frame_driven (SnLogModel *self)
{
  g_return_val_if_fail (SN_IS_LOG_MODEL (self), FALSE);
  return self->frame_driven;
}

void
sn_log_model_set_frame_driven (SnLogModel *self,
                               gboolean    frame_driven)
{
  g_return_if_fail (SN_IS_LOG_MODEL (self));

  frame_driven = !!frame_driven;
  if (self->frame_driven == frame_driven)
    return;
  self->frame_driven = frame_driven;
  g_clear_handle_id (&self->flush_id, g_source_remove);
  schedule_flush (self);
}

static gboolean
flush_cb (gpointer data)
{
  SnLogModel *self = data;

  self->flush_id = 0;
  sn_log_model_flush (self);
  return G_SOURCE_REMOVE;
}

void
sn_log_model_set_paused (SnLogModel *self,
                         gboolean    paused)
{
  g_return_if_fail (SN_IS_LOG_MODEL (self));

  paused = !!paused;
  if (self->paused == paused)
    return;
  self->paused = paused;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  if (!paused && self->frame_driven)
    schedule_flush (self);
  else if (!paused)
    sn_log_model_flush (self);
}

void
sn_log_model_append (SnLogModel *self,
                     const char *line)
{
  g_return_if_fail (SN_IS_LOG_MODEL (self));
  g_return_if_fail (line != NULL);

  self->n_received++;
  g_ptr_array_add (self->pending, log_line_new (line, self->seq++));

  /* Kept aside while paused, but no more than a window's worth. */
  if (self->pending->len > self->capacity)
    {
      guint extra = self->pending->len - self->capacity;

      g_ptr_array_remove_range (self->pending, 0, extra);
      self->n_skipped += extra;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SKIPPED]);
    }

  /* The first line of a batch schedules it (not once a line). */
  if (self->pending->len == 1)
    schedule_flush (self);
  else if (!self->frame_driven && !self->paused && self->flush_id == 0)
    self->flush_id = g_timeout_add (BATCH_INTERVAL_MS, flush_cb, self);
}

void
sn_log_model_clear (SnLogModel *self)
{
  guint old_count;

  g_return_if_fail (SN_IS_LOG_MODEL (self));

  old_count = self->count;
  g_clear_handle_id (&self->flush_id, g_source_remove);
  release_ring (self);
  g_ptr_array_set_size (self->pending, 0);
  self->n_received = self->n_skipped = self->n_trimmed = 0;
  if (old_count > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_count, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECEIVED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_SKIPPED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_TRIMMED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

char *
sn_log_model_dup_text (SnLogModel *self)
{
  GString *text;

  g_return_val_if_fail (SN_IS_LOG_MODEL (self), NULL);

  text = g_string_new (NULL);
  for (guint i = 0; i < self->count; i++)
    {
      SnLogLine *line = self->ring[(self->head + i) % self->capacity];

      if (*line->service != '\0')
        g_string_append_printf (text, "%s | ", line->service);
      g_string_append (text, line->text);
      g_string_append_c (text, '\n');
    }
  return g_string_free (text, FALSE);
}

/* Streaming ---------------------------------------------------------------- */

static void
on_stream_line (const char *line,
                gboolean    is_stderr,
                gpointer    user_data)
{
  SnLogModel *self = user_data;

  sn_log_model_append (self, line);
  /* n-received notifies once a batch, from flush, not once a line. */
}

static void
on_stream_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnLogModel *self = g_task_get_source_object (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  GError *error = NULL;

  exec = sn_host_exec_finish (SN_HOST (source), result, &error);
  self->n_streams--;
  sn_log_model_flush (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_RECEIVED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAMING]);

  if (exec == NULL)
    g_task_return_error (task, error);
  else if (!sn_ssh_exec_result_get_success (exec) &&
           !g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    g_task_return_new_error (task, SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                             _("“%s” exited with status %d"),
                             sn_ssh_exec_result_get_command (exec),
                             sn_ssh_exec_result_get_exit_status (exec));
  else
    g_task_return_boolean (task, TRUE);
}

/*
 * Streams `docker compose logs --no-color --tail TAIL [--follow] SERVICE`
 * (Compose's "service-1  | " prefix kept) through @host, which audits it as
 * host.compose.logs when it ends.
 */
void
sn_log_model_stream_async (SnLogModel          *self,
                           SnHost              *host,
                           const char          *service,
                           guint                tail,
                           gboolean             follow,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;

  g_return_if_fail (SN_IS_LOG_MODEL (self));
  g_return_if_fail (SN_IS_HOST (host));
  g_return_if_fail (service != NULL && *service != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_log_model_stream_async);

  command = sn_host_command_compose_logs (sn_ssh_session_get_profile (sn_host_get_session (host)),
                                          service, (int)MIN (tail, G_MAXINT), follow, NULL, TRUE);
  self->n_streams++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAMING]);
  sn_host_exec_async (host, "host.compose.logs", command, NULL, follow ? 0 : 120000,
                      on_stream_line, g_object_ref (self), g_object_unref,
                      cancellable, on_stream_done, g_steal_pointer (&task));
}

gboolean
sn_log_model_stream_finish (SnLogModel    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
