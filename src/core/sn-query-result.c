/* sn-query-result.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-query-result"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-query-result-private.h"

/* ------------------------------------------------------------------------ */
/* SnQueryRow: an index and a reference, nothing else                       */

struct _SnQueryRow
{
  GObject        parent_instance;

  SnQueryResult *result;
  guint          index;
};

G_DEFINE_FINAL_TYPE (SnQueryRow, sn_query_row, G_TYPE_OBJECT)

static void
sn_query_row_finalize (GObject *object)
{
  SnQueryRow *self = (SnQueryRow *)object;

  g_clear_object (&self->result);

  G_OBJECT_CLASS (sn_query_row_parent_class)->finalize (object);
}

static void
sn_query_row_class_init (SnQueryRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_query_row_finalize;
}

static void
sn_query_row_init (SnQueryRow *self)
{
}

/**
 * sn_query_row_get_result:
 *
 * Returns: (transfer none): the result the row belongs to
 */
SnQueryResult *
sn_query_row_get_result (SnQueryRow *self)
{
  g_return_val_if_fail (SN_IS_QUERY_ROW (self), NULL);

  return self->result;
}

/**
 * sn_query_row_get_index:
 *
 * Returns: the row's index in the result as the server sent it (not the
 *   position after sorting)
 */
guint
sn_query_row_get_index (SnQueryRow *self)
{
  g_return_val_if_fail (SN_IS_QUERY_ROW (self), 0);

  return self->index;
}

const char *
sn_query_row_get_value (SnQueryRow *self,
                        guint       column)
{
  g_return_val_if_fail (SN_IS_QUERY_ROW (self), NULL);

  return sn_query_result_get_value (self->result, self->index, column);
}

char *
sn_query_row_dup_display (SnQueryRow *self,
                          guint       column,
                          guint       max_chars)
{
  g_return_val_if_fail (SN_IS_QUERY_ROW (self), NULL);

  return sn_query_result_dup_display (self->result, self->index, column, max_chars);
}

/* ------------------------------------------------------------------------ */
/* SnQueryResult                                                            */

typedef struct
{
  char         *name;
  guint         type_oid;
  SnColumnKind  kind;
} Column;

struct _SnQueryResult
{
  GObject       parent_instance;

  GMainContext *context;        /* where chunks are appended; NULL = synchronous */
  GPtrArray    *chunks;         /* PGresult*, in order */
  GArray       *offsets;        /* guint: first row of each chunk */
  GArray       *columns;        /* Column */
  guint        *permutation;    /* position → row, or NULL */
  char         *command_tag;
  GError       *error;
  GList        *waiters;        /* GTask* */

  gint64        rows_affected;
  gint64        elapsed_usec;
  guint         n_rows;
  guint         n_forgotten;    /* rows before this one were freed (streaming readers) */
  guint         first_chunk;    /* the first chunk still held */

  guint         loading : 1;
};

enum {
  PROP_0,
  PROP_N_COLUMNS,
  PROP_N_ROWS,
  PROP_LOADING,
  PROP_COMMAND_TAG,
  PROP_ROWS_AFFECTED,
  PROP_ELAPSED_USEC,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
sn_query_result_get_item_type (GListModel *model)
{
  return SN_TYPE_QUERY_ROW;
}

static guint
sn_query_result_get_n_items (GListModel *model)
{
  return SN_QUERY_RESULT (model)->n_rows;
}

static gpointer
sn_query_result_get_item (GListModel *model,
                          guint       position)
{
  SnQueryResult *self = SN_QUERY_RESULT (model);
  SnQueryRow *row;

  if (position >= self->n_rows)
    return NULL;

  row = g_object_new (SN_TYPE_QUERY_ROW, NULL);
  row->result = g_object_ref (self);
  row->index = self->permutation != NULL ? self->permutation[position] : position;

  return row;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = sn_query_result_get_item_type;
  iface->get_n_items = sn_query_result_get_n_items;
  iface->get_item = sn_query_result_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SnQueryResult, sn_query_result, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
clear_column (gpointer data)
{
  Column *column = data;

  g_free (column->name);
}

static void
sn_query_result_finalize (GObject *object)
{
  SnQueryResult *self = (SnQueryResult *)object;

  g_assert (self->waiters == NULL);

  g_clear_pointer (&self->chunks, g_ptr_array_unref);
  g_clear_pointer (&self->offsets, g_array_unref);
  g_clear_pointer (&self->columns, g_array_unref);
  g_clear_pointer (&self->permutation, g_free);
  g_clear_pointer (&self->command_tag, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sn_query_result_parent_class)->finalize (object);
}

static void
sn_query_result_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SnQueryResult *self = SN_QUERY_RESULT (object);

  switch (prop_id)
    {
    case PROP_N_COLUMNS:
      g_value_set_uint (value, self->columns->len);
      break;

    case PROP_N_ROWS:
      g_value_set_uint (value, self->n_rows);
      break;

    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_COMMAND_TAG:
      g_value_set_string (value, self->command_tag);
      break;

    case PROP_ROWS_AFFECTED:
      g_value_set_int64 (value, self->rows_affected);
      break;

    case PROP_ELAPSED_USEC:
      g_value_set_int64 (value, self->elapsed_usec);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_query_result_class_init (SnQueryResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_query_result_finalize;
  object_class->get_property = sn_query_result_get_property;

  properties[PROP_N_COLUMNS] =
    g_param_spec_uint ("n-columns", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_N_ROWS] =
    g_param_spec_uint ("n-rows", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_COMMAND_TAG] =
    g_param_spec_string ("command-tag", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ROWS_AFFECTED] =
    g_param_spec_int64 ("rows-affected", NULL, NULL, -1, G_MAXINT64, -1,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ELAPSED_USEC] =
    g_param_spec_int64 ("elapsed-usec", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_query_result_init (SnQueryResult *self)
{
  self->chunks = g_ptr_array_new_with_free_func ((GDestroyNotify)PQclear);
  self->offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  self->columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_array_set_clear_func (self->columns, clear_column);
  self->rows_affected = -1;
  self->loading = TRUE;
}

SnQueryResult *
_sn_query_result_new (GMainContext *context)
{
  SnQueryResult *self = g_object_new (SN_TYPE_QUERY_RESULT, NULL);

  if (context != NULL)
    self->context = g_main_context_ref (context);

  return self;
}

static void
take_chunk_in_context (SnQueryResult *self,
                       PGresult      *chunk)
{
  guint n_tuples = (guint)PQntuples (chunk);
  guint first = self->n_rows;

  if (self->columns->len == 0 && self->chunks->len == 0)
    {
      int n_fields = PQnfields (chunk);

      for (int i = 0; i < n_fields; i++)
        {
          Column column;

          column.name = g_strdup (PQfname (chunk, i));
          column.type_oid = PQftype (chunk, i);
          column.kind = sn_query_column_kind_for_oid (column.type_oid);
          g_array_append_val (self->columns, column);
        }

      if (n_fields > 0)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_COLUMNS]);
    }

  if (n_tuples == 0 && self->chunks->len > 0)
    {
      PQclear (chunk);
      return;
    }

  g_ptr_array_add (self->chunks, chunk);
  g_array_append_val (self->offsets, first);
  self->n_rows += n_tuples;

  if (n_tuples > 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), first, 0, n_tuples);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ROWS]);
    }
}

typedef struct
{
  SnQueryResult *self;
  PGresult      *chunk;
  char          *command_tag;
  GError        *error;
  gint64         rows_affected;
  gint64         elapsed_usec;
  guint          is_finish : 1;
} Delivery;

static void
finish_in_context (SnQueryResult *self,
                   const char    *command_tag,
                   gint64         rows_affected,
                   gint64         elapsed_usec,
                   const GError  *error)
{
  GList *waiters;

  g_free (self->command_tag);
  self->command_tag = g_strdup (command_tag);
  self->rows_affected = rows_affected;
  self->elapsed_usec = elapsed_usec;
  g_clear_error (&self->error);
  if (error != NULL)
    self->error = g_error_copy (error);
  self->loading = FALSE;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMMAND_TAG]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROWS_AFFECTED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ELAPSED_USEC]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  waiters = g_steal_pointer (&self->waiters);
  for (const GList *l = waiters; l != NULL; l = l->next)
    {
      GTask *task = l->data;

      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_boolean (task, TRUE);
    }
  g_list_free_full (waiters, g_object_unref);
}

static gboolean
deliver_cb (gpointer data)
{
  Delivery *delivery = data;

  if (delivery->is_finish)
    finish_in_context (delivery->self, delivery->command_tag, delivery->rows_affected,
                       delivery->elapsed_usec, delivery->error);
  else
    take_chunk_in_context (delivery->self, g_steal_pointer (&delivery->chunk));

  return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer data)
{
  Delivery *delivery = data;

  g_clear_pointer (&delivery->chunk, PQclear);
  g_clear_pointer (&delivery->command_tag, g_free);
  g_clear_error (&delivery->error);
  g_clear_object (&delivery->self);
  g_free (delivery);
}

static void
deliver (SnQueryResult *self,
         Delivery      *delivery)
{
  GSource *source;

  /* An idle source per chunk, same priority: sources of one priority are
   * dispatched in the order they were attached, so chunks and the final
   * notification arrive in order. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_static_name (source, "[sn-query-result-deliver]");
  g_source_set_callback (source, deliver_cb, delivery, delivery_free);
  g_source_attach (source, self->context);
  g_source_unref (source);
}

/*
 * _sn_query_result_take_chunk:
 *
 * Called from the worker thread (or the caller's, for a synchronous query).
 * The rows become visible on the result's context.
 */
void
_sn_query_result_take_chunk (SnQueryResult *self,
                             PGresult      *chunk)
{
  Delivery *delivery;

  g_return_if_fail (SN_IS_QUERY_RESULT (self));
  g_return_if_fail (chunk != NULL);

  if (self->context == NULL)
    {
      take_chunk_in_context (self, chunk);
      return;
    }

  delivery = g_new0 (Delivery, 1);
  delivery->self = g_object_ref (self);
  delivery->chunk = chunk;
  deliver (self, delivery);
}

void
_sn_query_result_finish (SnQueryResult *self,
                         const char    *command_tag,
                         gint64         rows_affected,
                         gint64         elapsed_usec,
                         const GError  *error)
{
  Delivery *delivery;

  g_return_if_fail (SN_IS_QUERY_RESULT (self));

  if (self->context == NULL)
    {
      finish_in_context (self, command_tag, rows_affected, elapsed_usec, error);
      return;
    }

  delivery = g_new0 (Delivery, 1);
  delivery->self = g_object_ref (self);
  delivery->is_finish = TRUE;
  delivery->command_tag = g_strdup (command_tag);
  delivery->rows_affected = rows_affected;
  delivery->elapsed_usec = elapsed_usec;
  delivery->error = error != NULL ? g_error_copy (error) : NULL;
  deliver (self, delivery);
}

/**
 * sn_query_result_wait_async:
 *
 * Completes when every row has arrived (at once if that is already so),
 * with the query's error if it failed. Rows that arrived before an error
 * or a cancellation stay in the model.
 */
void
sn_query_result_wait_async (SnQueryResult       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_QUERY_RESULT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_query_result_wait_async);

  if (!self->loading)
    {
      if (self->error != NULL)
        g_task_return_error (task, g_error_copy (self->error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  self->waiters = g_list_append (self->waiters, g_steal_pointer (&task));
}

gboolean
sn_query_result_wait_finish (SnQueryResult  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * sn_query_result_get_error:
 *
 * Returns: (nullable): why loading stopped, once it has
 */
const GError *
sn_query_result_get_error (SnQueryResult *self)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), NULL);

  return self->error;
}

guint
sn_query_result_get_n_columns (SnQueryResult *self)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), 0);

  return self->columns->len;
}

const char *
sn_query_result_get_column_name (SnQueryResult *self,
                                 guint          column)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), NULL);
  g_return_val_if_fail (column < self->columns->len, NULL);

  return g_array_index (self->columns, Column, column).name;
}

/**
 * sn_query_result_get_column_type:
 *
 * Returns: the PostgreSQL type OID of @column
 */
guint
sn_query_result_get_column_type (SnQueryResult *self,
                                 guint          column)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), 0);
  g_return_val_if_fail (column < self->columns->len, 0);

  return g_array_index (self->columns, Column, column).type_oid;
}

SnColumnKind
sn_query_result_get_column_kind (SnQueryResult *self,
                                 guint          column)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), SN_COLUMN_KIND_TEXT);
  g_return_val_if_fail (column < self->columns->len, SN_COLUMN_KIND_TEXT);

  return g_array_index (self->columns, Column, column).kind;
}

/**
 * sn_query_result_find_column:
 *
 * Returns: the index of the first column called @name, or -1
 */
int
sn_query_result_find_column (SnQueryResult *self,
                             const char    *name)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), -1);

  for (guint i = 0; i < self->columns->len; i++)
    if (g_strcmp0 (g_array_index (self->columns, Column, i).name, name) == 0)
      return (int)i;

  return -1;
}

guint
sn_query_result_get_n_rows (SnQueryResult *self)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), 0);

  return self->n_rows;
}

static inline PGresult *
locate (SnQueryResult *self,
        guint          row,
        int           *tuple)
{
  const guint *offsets = (const guint *)(gpointer)self->offsets->data;
  guint lo = self->first_chunk;
  guint hi = self->offsets->len;

  /* Chunks have the same size except the last: guess, then bisect. */
  if (hi > 1)
    {
      guint size = offsets[1];
      guint guess = size > 0 ? MIN (row / size, hi - 1) : 0;

      if (offsets[guess] <= row && (guess + 1 == hi || offsets[guess + 1] > row))
        {
          *tuple = (int)(row - offsets[guess]);
          return g_ptr_array_index (self->chunks, guess);
        }
    }

  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (offsets[mid] <= row)
        lo = mid;
      else
        hi = mid;
    }

  *tuple = (int)(row - offsets[lo]);
  return g_ptr_array_index (self->chunks, lo);
}

/**
 * sn_query_result_get_value:
 * @row: a row index as the server sent them (see sn_query_result_get_source_row())
 *
 * Returns: (nullable): the value in PostgreSQL's text form, %NULL for SQL NULL
 */
const char *
sn_query_result_get_value (SnQueryResult *self,
                           guint          row,
                           guint          column)
{
  PGresult *chunk;
  int tuple;

  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);
  g_return_val_if_fail (column < self->columns->len, NULL);
  g_return_val_if_fail (row >= self->n_forgotten, NULL);

  chunk = locate (self, row, &tuple);
  if (PQgetisnull (chunk, tuple, (int)column))
    return NULL;

  return PQgetvalue (chunk, tuple, (int)column);
}

guint
sn_query_result_get_value_length (SnQueryResult *self,
                                  guint          row,
                                  guint          column)
{
  PGresult *chunk;
  int tuple;

  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), 0);
  g_return_val_if_fail (row < self->n_rows, 0);
  g_return_val_if_fail (column < self->columns->len, 0);
  g_return_val_if_fail (row >= self->n_forgotten, 0);

  chunk = locate (self, row, &tuple);
  return (guint)PQgetlength (chunk, tuple, (int)column);
}

gboolean
sn_query_result_is_null (SnQueryResult *self,
                         guint          row,
                         guint          column)
{
  PGresult *chunk;
  int tuple;

  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), TRUE);
  g_return_val_if_fail (row < self->n_rows, TRUE);
  g_return_val_if_fail (column < self->columns->len, TRUE);
  g_return_val_if_fail (row >= self->n_forgotten, TRUE);

  chunk = locate (self, row, &tuple);
  return PQgetisnull (chunk, tuple, (int)column);
}

/**
 * sn_query_result_dup_display:
 * @max_chars: longest text shown, in characters, before an ellipsis; 0 for no limit
 *
 * Returns: (transfer full): the text a table cell shows; "NULL" for SQL NULL
 *   (check sn_query_result_is_null() to show it differently from the string)
 */
char *
sn_query_result_dup_display (SnQueryResult *self,
                             guint          row,
                             guint          column,
                             guint          max_chars)
{
  PGresult *chunk;
  int tuple;

  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), NULL);
  g_return_val_if_fail (row < self->n_rows, NULL);
  g_return_val_if_fail (column < self->columns->len, NULL);
  g_return_val_if_fail (row >= self->n_forgotten, NULL);

  chunk = locate (self, row, &tuple);
  if (PQgetisnull (chunk, tuple, (int)column))
    return sn_query_format_value (NULL, 0, SN_COLUMN_KIND_TEXT, max_chars);

  return sn_query_format_value (PQgetvalue (chunk, tuple, (int)column),
                                (gsize)PQgetlength (chunk, tuple, (int)column),
                                g_array_index (self->columns, Column, column).kind,
                                max_chars);
}

/**
 * sn_query_result_forget_rows:
 * @before: rows before this index are no longer needed
 *
 * For readers that consume rows as they arrive (narcisse-ctl streams them to
 * its output from #GListModel::items-changed): frees every fetched chunk whose
 * rows are all before @before, so memory stays flat however many rows the
 * query returns. Those rows can no longer be read, and the result can no
 * longer be sorted; n-rows still counts them. Not for a result shown in a view.
 */
void
sn_query_result_forget_rows (SnQueryResult *self,
                             guint          before)
{
  const guint *offsets;

  g_return_if_fail (SN_IS_QUERY_RESULT (self));
  g_return_if_fail (self->permutation == NULL);

  before = MIN (before, self->n_rows);
  offsets = (const guint *)(gpointer)self->offsets->data;

  while (self->first_chunk < self->chunks->len)
    {
      guint end = self->first_chunk + 1 < self->offsets->len
                    ? offsets[self->first_chunk + 1] : self->n_rows;

      if (end > before)
        break;

      g_clear_pointer (&g_ptr_array_index (self->chunks, self->first_chunk), PQclear);
      self->first_chunk++;
    }

  self->n_forgotten = self->first_chunk < self->offsets->len ? offsets[self->first_chunk] : self->n_rows;
}

gboolean
sn_query_result_get_loading (SnQueryResult *self)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), FALSE);

  return self->loading;
}

/**
 * sn_query_result_get_command_tag:
 *
 * Returns: (nullable): e.g. "SELECT 1000000", "INSERT 0 3"
 */
const char *
sn_query_result_get_command_tag (SnQueryResult *self)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), NULL);

  return self->command_tag;
}

/**
 * sn_query_result_get_rows_affected:
 *
 * Returns: rows inserted, updated, deleted or fetched; -1 when the command
 *   does not say (e.g. CREATE TABLE)
 */
gint64
sn_query_result_get_rows_affected (SnQueryResult *self)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), -1);

  return self->rows_affected;
}

gint64
sn_query_result_get_elapsed_usec (SnQueryResult *self)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), 0);

  return self->elapsed_usec;
}

/* ------------------------------------------------------------------------ */
/* Sorting: a permutation over the chunks, rows never move                  */

typedef struct
{
  SnQueryResult *self;
  const char   **texts;
  double        *numbers;
  guint          column;
  int            direction;
} SortData;

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const SortData *data = user_data;
  guint ra = *(const guint *)a;
  guint rb = *(const guint *)b;
  const char *ta = data->texts[ra];
  const char *tb = data->texts[rb];
  int cmp;

  /* NULLs last whatever the direction, as people expect in a table. */
  if (ta == NULL || tb == NULL)
    return (ta == NULL) - (tb == NULL);

  if (data->numbers != NULL)
    {
      double na = data->numbers[ra];
      double nb = data->numbers[rb];

      cmp = (na > nb) - (na < nb);
      if (cmp == 0)
        cmp = strcmp (ta, tb);
    }
  else
    cmp = g_utf8_collate (ta, tb);

  return cmp * data->direction;
}

/**
 * sn_query_result_sort:
 * @column: the column to sort on, or -1 for the server's order
 * @descending: reverse the order (NULLs stay last)
 *
 * Reorders the model's items (numbers compare as numbers) by building a
 * permutation; the rows themselves are not copied. Emits items-changed over
 * the whole model. Refused while loading.
 *
 * Returns: %TRUE if the order was applied
 */
gboolean
sn_query_result_sort (SnQueryResult *self,
                      int            column,
                      gboolean       descending)
{
  SortData data = { 0 };
  guint *permutation;

  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), FALSE);
  g_return_val_if_fail (column < (int)self->columns->len, FALSE);

  if (self->loading || self->n_forgotten > 0)
    return FALSE;

  if (column < 0)
    {
      g_clear_pointer (&self->permutation, g_free);
      if (self->n_rows > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, self->n_rows, self->n_rows);
      return TRUE;
    }

  data.self = self;
  data.column = (guint)column;
  data.direction = descending ? -1 : 1;
  data.texts = g_new (const char *, MAX (self->n_rows, 1));
  for (guint i = 0; i < self->n_rows; i++)
    data.texts[i] = sn_query_result_get_value (self, i, data.column);

  if (g_array_index (self->columns, Column, column).kind == SN_COLUMN_KIND_NUMBER)
    {
      data.numbers = g_new (double, MAX (self->n_rows, 1));
      for (guint i = 0; i < self->n_rows; i++)
        data.numbers[i] = data.texts[i] != NULL ? g_ascii_strtod (data.texts[i], NULL) : 0;
    }

  permutation = g_new (guint, MAX (self->n_rows, 1));
  for (guint i = 0; i < self->n_rows; i++)
    permutation[i] = i;

  /* g_qsort_with_data is a stable merge sort. */
  g_qsort_with_data (permutation, (gint)self->n_rows, sizeof (guint), compare_rows, &data);

  g_free (data.texts);
  g_free (data.numbers);
  g_free (self->permutation);
  self->permutation = permutation;

  if (self->n_rows > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, self->n_rows, self->n_rows);

  return TRUE;
}

/**
 * sn_query_result_get_source_row:
 * @position: a position in the model
 *
 * Returns: the row index (as the server sent them) shown at @position
 */
guint
sn_query_result_get_source_row (SnQueryResult *self,
                                guint          position)
{
  g_return_val_if_fail (SN_IS_QUERY_RESULT (self), 0);
  g_return_val_if_fail (position < self->n_rows, 0);

  return self->permutation != NULL ? self->permutation[position] : position;
}

/* ------------------------------------------------------------------------ */
/* Display                                                                  */

/* Type OIDs from pg_type.dat; stable across PostgreSQL versions. */
#define OID_BOOL         16
#define OID_BYTEA        17
#define OID_INT8         20
#define OID_INT2         21
#define OID_INT4         23
#define OID_OID          26
#define OID_JSON         114
#define OID_FLOAT4       700
#define OID_FLOAT8       701
#define OID_MONEY        790
#define OID_DATE         1082
#define OID_TIME         1083
#define OID_TIMESTAMP    1114
#define OID_TIMESTAMPTZ  1184
#define OID_INTERVAL     1186
#define OID_TIMETZ       1266
#define OID_NUMERIC      1700
#define OID_JSONB        3802

SnColumnKind
sn_query_column_kind_for_oid (guint type_oid)
{
  switch (type_oid)
    {
    case OID_BOOL:
      return SN_COLUMN_KIND_BOOL;

    case OID_BYTEA:
      return SN_COLUMN_KIND_BYTEA;

    case OID_INT8:
    case OID_INT2:
    case OID_INT4:
    case OID_OID:
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_MONEY:
    case OID_NUMERIC:
      return SN_COLUMN_KIND_NUMBER;

    case OID_JSON:
    case OID_JSONB:
      return SN_COLUMN_KIND_JSON;

    case OID_DATE:
    case OID_TIME:
    case OID_TIMESTAMP:
    case OID_TIMESTAMPTZ:
    case OID_INTERVAL:
    case OID_TIMETZ:
      return SN_COLUMN_KIND_TIMESTAMP;

    default:
      return SN_COLUMN_KIND_TEXT;
    }
}

static void
append_truncated (GString    *out,
                  const char *text,
                  gsize       length,
                  guint       max_chars)
{
  const char *end = text + length;
  const char *p = text;
  gsize last_start = 0;
  guint n = 0;

  while (p < end && *p != '\0')
    {
      const char *next;

      if (max_chars > 0 && n == max_chars)
        {
          /* More is left: the last character gives way to the ellipsis, so the
           * cell is max_chars wide. */
          g_string_truncate (out, last_start);
          g_string_append (out, "…");
          return;
        }

      next = g_utf8_find_next_char (p, end);
      if (next == NULL)
        next = end;

      last_start = out->len;

      /* One line per cell: line breaks and tabs become visible marks. */
      if (*p == '\n')
        g_string_append (out, "↵");
      else if (*p == '\r')
        g_string_append (out, "␍");
      else if (*p == '\t')
        g_string_append_c (out, ' ');
      else
        g_string_append_len (out, p, next - p);

      p = next;
      n++;
    }
}

/**
 * sn_query_format_value:
 * @value: (nullable): a value in PostgreSQL's text form, %NULL for SQL NULL
 * @length: its length in bytes
 * @kind: how its column is shown
 * @max_chars: longest text, in characters, before "…"; 0 for no limit
 *
 * Returns: (transfer full): "NULL" for SQL NULL, "true"/"false" for booleans,
 *   "\x0102… (1234 bytes)" for bytea, JSON as the server sent it, text on one
 *   line (↵ marks line breaks) cut to @max_chars with an ellipsis.
 */
char *
sn_query_format_value (const char   *value,
                       gsize         length,
                       SnColumnKind  kind,
                       guint         max_chars)
{
  GString *out;

  if (value == NULL)
    return g_strdup ("NULL");

  switch (kind)
    {
    case SN_COLUMN_KIND_BOOL:
      if (value[0] == 't')
        return g_strdup ("true");
      if (value[0] == 'f')
        return g_strdup ("false");
      return g_strdup (value);

    case SN_COLUMN_KIND_BYTEA:
      {
        gsize n_bytes;
        gsize hex_chars;

        if (length < 2 || value[0] != '\\' || value[1] != 'x')
          return g_strndup (value, length);   /* bytea_output = escape: show as is */

        n_bytes = (length - 2) / 2;
        hex_chars = length - 2;
        out = g_string_new ("\\x");
        if (max_chars > 0 && hex_chars > max_chars)
          {
            g_string_append_len (out, value + 2, max_chars & ~1u);
            g_string_append (out, "…");
          }
        else
          g_string_append_len (out, value + 2, hex_chars);
        g_string_append_printf (out,
                                g_dngettext (GETTEXT_PACKAGE, " (%zu byte)",
                                             " (%zu bytes)", n_bytes),
                                n_bytes);
        return g_string_free (out, FALSE);
      }

    case SN_COLUMN_KIND_NUMBER:
    case SN_COLUMN_KIND_TIMESTAMP:
      return g_strndup (value, length);

    case SN_COLUMN_KIND_JSON:
    case SN_COLUMN_KIND_TEXT:
    default:
      out = g_string_sized_new (MIN (length, 256) + 4);
      append_truncated (out, value, length, max_chars);
      return g_string_free (out, FALSE);
    }
}

/* ------------------------------------------------------------------------ */
/* Rows from CSV text                                                       */

typedef struct
{
  const char *p;
  const char *end;
} CsvReader;

/* Reads one field; *is_null is set for an unquoted empty field (how
 * `psql --csv` writes NULL; an empty string comes as ""). Returns FALSE at the
 * end of the input. *end_of_line says whether the record ended with it. */
static gboolean
csv_read_field (CsvReader  *reader,
                GString    *field,
                gboolean   *is_null,
                gboolean   *end_of_line,
                GError    **error)
{
  const char *p = reader->p;

  g_string_truncate (field, 0);
  *is_null = FALSE;
  *end_of_line = FALSE;

  if (p >= reader->end)
    return FALSE;

  if (*p == '"')
    {
      p++;
      for (;;)
        {
          if (p >= reader->end)
            {
              g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                   _("The CSV text ends inside a quoted field."));
              return FALSE;
            }
          if (*p == '"')
            {
              if (p + 1 < reader->end && p[1] == '"')
                {
                  g_string_append_c (field, '"');
                  p += 2;
                  continue;
                }
              p++;
              break;
            }
          g_string_append_c (field, *p++);
        }
      /* RFC 4180: the closing quote ends the field (L11). */
      if (p < reader->end && *p != ',' && *p != '\r' && *p != '\n')
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("The CSV text has characters after the closing quote of a field."));
          return FALSE;
        }
    }
  else
    {
      const char *start = p;

      while (p < reader->end && *p != ',' && *p != '\n' && *p != '\r')
        p++;
      g_string_append_len (field, start, p - start);
      *is_null = (p == start);
    }

  if (p < reader->end && *p == ',')
    p++;
  else
    {
      if (p < reader->end && *p == '\r')
        p++;
      if (p < reader->end && *p == '\n')
        p++;
      *end_of_line = TRUE;
    }

  reader->p = p;

  return TRUE;
}

static gboolean
looks_integer (const char *text)
{
  const char *p = text;

  if (*p == '-')
    p++;
  if (*p == '\0' || strlen (p) > 18)
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;

  return TRUE;
}

static gboolean
looks_numeric (const char *text)
{
  const char *p = text;
  gboolean digits = FALSE;
  gboolean dot = FALSE;

  if (*p == '-')
    p++;
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits = TRUE;
      else if (*p == '.' && !dot)
        dot = TRUE;
      else
        return FALSE;
    }

  return digits;
}

/*
 * _sn_query_result_parse_csv:
 *
 * Parses RFC 4180 CSV with a header line (what `psql --csv` prints) into a
 * PGresult built with libpq's own PQmakeEmptyPGresult()/PQsetvalue(), so the
 * rows are read exactly like the ones a server sent. Columns whose values are
 * all integers become int8, all decimal numbers numeric, the others text.
 */
PGresult *
_sn_query_result_parse_csv (const char  *csv,
                            gssize       length,
                            GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  g_autofree PGresAttDesc *attrs = NULL;
  g_autofree gboolean *integer = NULL;
  g_autofree gboolean *numeric = NULL;
  g_autoptr(GError) local_error = NULL;
  CsvReader reader;
  PGresult *result;
  gboolean is_null;
  gboolean end_of_line;
  guint n_columns;
  guint n_rows;
  guint column = 0;

  g_return_val_if_fail (csv != NULL || length == 0, NULL);

  if (length < 0)
    length = (gssize)strlen (csv);

  reader.p = csv;
  reader.end = csv + length;

  /* Header */
  /* A local error: malformed text is refused even when the caller passes
   * no GError (L11). */
  while (csv_read_field (&reader, field, &is_null, &end_of_line, &local_error))
    {
      g_ptr_array_add (names, g_strdup (field->str));
      if (end_of_line)
        break;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  n_columns = names->len;

  /* Data: NULL stays NULL in the cells array (a NULL pointer). */
  while (csv_read_field (&reader, field, &is_null, &end_of_line, &local_error))
    {
      if (column == 0 && end_of_line && is_null && n_columns > 1)
        continue;   /* a blank line */

      if (column >= n_columns)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("A CSV line has more fields than the header’s %u."), n_columns);
          return NULL;
        }

      g_ptr_array_add (cells, is_null ? NULL : g_strndup (field->str, field->len));
      column++;

      if (end_of_line)
        {
          if (column != n_columns)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("A CSV line has %u fields where the header has %u."),
                           column, n_columns);
              return NULL;
            }
          column = 0;
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (column != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("A CSV line has %u fields where the header has %u."), column, n_columns);
      return NULL;
    }

  n_rows = n_columns > 0 ? cells->len / n_columns : 0;

  integer = g_new (gboolean, MAX (n_columns, 1));
  numeric = g_new (gboolean, MAX (n_columns, 1));
  for (guint c = 0; c < n_columns; c++)
    {
      gboolean any = FALSE;

      integer[c] = numeric[c] = TRUE;
      for (guint r = 0; r < n_rows && (integer[c] || numeric[c]); r++)
        {
          const char *text = g_ptr_array_index (cells, r * n_columns + c);

          if (text == NULL)
            continue;
          any = TRUE;
          integer[c] = integer[c] && looks_integer (text);
          numeric[c] = numeric[c] && looks_numeric (text);
        }
      if (!any)
        integer[c] = numeric[c] = FALSE;
    }

  result = PQmakeEmptyPGresult (NULL, PGRES_TUPLES_OK);
  if (result == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("Out of memory"));
      return NULL;
    }

  attrs = g_new0 (PGresAttDesc, MAX (n_columns, 1));
  for (guint c = 0; c < n_columns; c++)
    {
      attrs[c].name = g_ptr_array_index (names, c);
      attrs[c].tableid = 0;
      attrs[c].columnid = 0;
      attrs[c].format = 0;
      attrs[c].typid = integer[c] ? 20 : numeric[c] ? 1700 : 25;
      attrs[c].typlen = -1;
      attrs[c].atttypmod = -1;
    }

  if (n_columns > 0 && !PQsetResultAttrs (result, (int)n_columns, attrs))
    {
      PQclear (result);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("Out of memory"));
      return NULL;
    }

  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_columns; c++)
      {
        char *text = g_ptr_array_index (cells, r * n_columns + c);

        if (!PQsetvalue (result, (int)r, (int)c, text, text != NULL ? (int)strlen (text) : -1))
          {
            PQclear (result);
            g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("Out of memory"));
            return NULL;
          }
      }

  return result;
}

/**
 * sn_query_result_new_from_csv:
 * @csv: CSV text with a header line; an unquoted empty field is NULL
 * @length: its length, or -1 when it ends with a NUL
 *
 * Builds a finished result from the output of `psql --csv` (the database path
 * used when the SSH server forbids port forwarding), so reports and views read
 * it like rows sent by the server.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
SnQueryResult *
sn_query_result_new_from_csv (const char  *csv,
                              gssize       length,
                              GError     **error)
{
  g_autoptr(SnQueryResult) self = NULL;
  g_autofree char *tag = NULL;
  PGresult *chunk;
  guint n_rows;

  chunk = _sn_query_result_parse_csv (csv, length, error);
  if (chunk == NULL)
    return NULL;

  n_rows = (guint)PQntuples (chunk);
  self = _sn_query_result_new (NULL);
  take_chunk_in_context (self, chunk);
  tag = g_strdup_printf ("SELECT %u", n_rows);
  finish_in_context (self, tag, n_rows, 0, NULL);

  return g_steal_pointer (&self);
}
