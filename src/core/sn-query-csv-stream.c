/* sn-query-csv-stream.c: psql's CSV, parsed into an SnQueryResult as it arrives
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-query-result"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sn-query-result-private.h"

/*
 * The psql-over-SSH path writes psql's stdout into this stream (from the SSH
 * worker thread). Whole records are cut into chunks of @rows_per_chunk rows,
 * each parsed with the same reader as a whole output (the header line put
 * before it) and handed to the result, which shows them on its own context:
 * memory holds one chunk of text, not the whole output. A record ends at a
 * newline outside quotes; `""` inside quotes toggles twice, so counting
 * quotes is enough to know where one is.
 */

struct _SnQueryCsvStream
{
  GOutputStream  parent_instance;

  SnQueryResult *target;
  GString       *header;      /* the header line, newline included */
  GString       *pending;     /* records not handed over yet */
  gsize          scanned;     /* bytes of pending already scanned */
  gsize          cut;         /* end of the last whole record in pending */
  guint          records;     /* whole records in pending[0, cut) */
  guint          rows_per_chunk;
  guint          n_rows;
  gboolean       in_quotes;
  gboolean       failed;
};

G_DEFINE_FINAL_TYPE (SnQueryCsvStream, _sn_query_csv_stream, G_TYPE_OUTPUT_STREAM)

static gboolean
hand_over (SnQueryCsvStream  *self,
           GError           **error)
{
  g_autoptr(GString) text = NULL;
  PGresult *chunk;

  if (self->cut == 0 || self->header == NULL)
    return TRUE;

  text = g_string_sized_new (self->header->len + self->cut);
  g_string_append_len (text, self->header->str, (gssize)self->header->len);
  g_string_append_len (text, self->pending->str, (gssize)self->cut);
  chunk = _sn_query_result_parse_csv (text->str, (gssize)text->len, error);
  if (chunk == NULL)
    return FALSE;

  self->n_rows += (guint)PQntuples (chunk);
  _sn_query_result_take_chunk (self->target, chunk);

  g_string_erase (self->pending, 0, (gssize)self->cut);
  self->scanned -= self->cut;
  self->cut = 0;
  self->records = 0;
  return TRUE;
}

static gboolean
feed (SnQueryCsvStream  *self,
      const char        *data,
      gsize              len,
      GError           **error)
{
  g_string_append_len (self->pending, data, (gssize)len);

  for (gsize i = self->scanned; i < self->pending->len; i++)
    {
      char c = self->pending->str[i];

      if (c == '"')
        self->in_quotes = !self->in_quotes;
      else if (c == '\n' && !self->in_quotes)
        {
          if (self->header == NULL)
            {
              self->header = g_string_new_len (self->pending->str, (gssize)i + 1);
              g_string_erase (self->pending, 0, (gssize)i + 1);
              i = (gsize)-1;   /* the loop's i++ makes it 0 */
              continue;
            }
          self->cut = i + 1;
          if (++self->records >= self->rows_per_chunk)
            {
              self->scanned = i + 1;
              if (!hand_over (self, error))
                return FALSE;
              i = self->scanned - 1;
            }
        }
    }
  self->scanned = self->pending->len;

  return TRUE;
}

static gssize
sn_query_csv_stream_write (GOutputStream  *stream,
                           const void     *buffer,
                           gsize           count,
                           GCancellable   *cancellable,
                           GError        **error)
{
  SnQueryCsvStream *self = (SnQueryCsvStream *)stream;

  if (self->failed)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("psql’s output could not be read as CSV."));
      return -1;
    }

  if (!feed (self, buffer, count, error))
    {
      self->failed = TRUE;
      return -1;
    }

  return (gssize)count;
}

static void
sn_query_csv_stream_finalize (GObject *object)
{
  SnQueryCsvStream *self = (SnQueryCsvStream *)object;

  g_clear_object (&self->target);
  if (self->header != NULL)
    g_string_free (self->header, TRUE);
  g_string_free (self->pending, TRUE);

  G_OBJECT_CLASS (_sn_query_csv_stream_parent_class)->finalize (object);
}

static void
_sn_query_csv_stream_class_init (SnQueryCsvStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = sn_query_csv_stream_finalize;
  stream_class->write_fn = sn_query_csv_stream_write;
}

static void
_sn_query_csv_stream_init (SnQueryCsvStream *self)
{
  self->pending = g_string_new (NULL);
}

/**
 * _sn_query_csv_stream_new:
 * @target: the result the rows go to
 * @rows_per_chunk: rows per chunk handed over
 *
 * Returns: (transfer full): a stream to write `psql --csv`'s stdout into
 */
GOutputStream *
_sn_query_csv_stream_new (SnQueryResult *target,
                          guint          rows_per_chunk)
{
  SnQueryCsvStream *self = g_object_new (_sn_query_csv_stream_get_type (), NULL);

  self->target = g_object_ref (target);
  self->rows_per_chunk = MAX (rows_per_chunk, 1);

  return G_OUTPUT_STREAM (self);
}

/**
 * _sn_query_csv_stream_finish:
 * @n_rows: (out): rows handed over in all
 * @has_columns: (out): whether psql printed a header (a statement without
 *   rows prints nothing)
 *
 * Hands over the last records, once psql has ended well.
 */
gboolean
_sn_query_csv_stream_finish (SnQueryCsvStream  *self,
                             guint             *n_rows,
                             gboolean          *has_columns,
                             GError           **error)
{
  g_return_val_if_fail (!self->failed, FALSE);

  /* The last record may lack its newline. */
  if (self->header == NULL && self->pending->len > 0)
    {
      self->header = g_string_new_len (self->pending->str, (gssize)self->pending->len);
      g_string_append_c (self->header, '\n');
      g_string_truncate (self->pending, 0);
      self->scanned = 0;
    }
  if (self->pending->len > self->cut)
    {
      if (self->pending->str[self->pending->len - 1] != '\n')
        g_string_append_c (self->pending, '\n');
      self->cut = self->pending->len;
    }

  if (self->header != NULL && self->n_rows == 0 && self->cut == 0)
    {
      /* A header and no rows: one empty chunk carries the columns. */
      PGresult *chunk = _sn_query_result_parse_csv (self->header->str, (gssize)self->header->len, error);

      if (chunk == NULL)
        return FALSE;
      _sn_query_result_take_chunk (self->target, chunk);
    }
  else if (!hand_over (self, error))
    return FALSE;

  *n_rows = self->n_rows;
  *has_columns = self->header != NULL;
  return TRUE;
}
