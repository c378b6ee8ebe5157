/* sn-ctl-sql-output.c: narcisse-ctl sql writes rows as the cursor fetches them
 *
 * Copyright 2026 Sweet Narcisse
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sn-csv.h"
#include "sn-ctl.h"

/*
 * Rows are written from SnQueryResult's items-changed, one fetched chunk
 * (10,000 rows: sn_database_set_fetch_rows()) at a time, and freed once written: memory stays
 * flat however many rows come back. CSV and JSON need nothing ahead; the
 * table's column widths come from the first chunk, as `psql`'s would from
 * the whole result (a longer value further down pushes its row out of line).
 */

#define MAX_CELL_CHARS 60
#define FLUSH_BYTES    (256 * 1024)

struct _SnCtlRowWriter
{
  SnCtlFormat  format;
  GString     *out;
  guint       *widths;
  gboolean    *right;
  guint        n_columns;
  guint        n_written;
  gboolean     started;
};

SnCtlRowWriter *
sn_ctl_row_writer_new (SnCtlFormat format)
{
  SnCtlRowWriter *self = g_new0 (SnCtlRowWriter, 1);

  self->format = format;
  self->out = g_string_sized_new (FLUSH_BYTES + 4096);

  return self;
}

void
sn_ctl_row_writer_free (SnCtlRowWriter *self)
{
  if (self == NULL)
    return;

  g_string_free (self->out, TRUE);
  g_free (self->widths);
  g_free (self->right);
  g_free (self);
}

static void
flush (SnCtlRowWriter *self,
       gboolean        force)
{
  if (self->out->len == 0 || (!force && self->out->len < FLUSH_BYTES))
    return;

  fwrite (self->out->str, 1, self->out->len, stdout);
  g_string_truncate (self->out, 0);
  if (force)
    fflush (stdout);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar)*p;

      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char)c);
        }
    }
  g_string_append_c (out, '"');
}

/* RFC 8259's number grammar: what can go out as the server wrote it. */
static gboolean
is_json_number (const char *p)
{
  if (*p == '-')
    p++;
  if (*p == '0')
    p++;
  else if (g_ascii_isdigit (*p))
    while (g_ascii_isdigit (*p))
      p++;
  else
    return FALSE;

  if (*p == '.')
    {
      if (!g_ascii_isdigit (*++p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }

  return *p == '\0';
}

/* A value as JSON of its column's type: integers, numbers a double holds
 * exactly, booleans and json stay themselves; a big numeric stays text so a
 * reader parsing doubles cannot round it. */
static void
append_json_value (GString      *out,
                   SnColumnKind  kind,
                   const char   *value)
{
  if (value == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (kind)
    {
    case SN_COLUMN_KIND_NUMBER:
      if (is_json_number (value) &&
          (g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, NULL, NULL) || strlen (value) <= 16))
        {
          g_string_append (out, value);
          return;
        }
      break;

    case SN_COLUMN_KIND_BOOL:
      if (g_str_equal (value, "t") || g_str_equal (value, "true"))
        {
          g_string_append (out, "true");
          return;
        }
      if (g_str_equal (value, "f") || g_str_equal (value, "false"))
        {
          g_string_append (out, "false");
          return;
        }
      break;

    case SN_COLUMN_KIND_JSON:
      {
        g_autoptr(JsonNode) node = json_from_string (value, NULL);

        if (node != NULL)
          {
            g_autofree char *text = json_to_string (node, FALSE);

            g_string_append (out, text);
            return;
          }
      }
      break;

    case SN_COLUMN_KIND_TEXT:
    case SN_COLUMN_KIND_BYTEA:
    case SN_COLUMN_KIND_TIMESTAMP:
    default:
      break;
    }

  append_json_string (out, value);
}

static void
write_json_rows (SnCtlRowWriter *self,
                 SnQueryResult  *result,
                 guint           first,
                 guint           n)
{
  for (guint r = first; r < first + n; r++)
    {
      g_string_append (self->out, self->n_written == 0 && r == first ? "[\n  {" : ",\n  {");
      for (guint c = 0; c < self->n_columns; c++)
        {
          if (c > 0)
            g_string_append (self->out, ", ");
          append_json_string (self->out, sn_query_result_get_column_name (result, c));
          g_string_append (self->out, ": ");
          append_json_value (self->out, sn_query_result_get_column_kind (result, c),
                             sn_query_result_get_value (result, r, c));
        }
      g_string_append_c (self->out, '}');
      flush (self, FALSE);
    }
}

/* ------------------------------------------------------------------------ */
/* CSV                                                                      */

static void
write_csv_rows (SnCtlRowWriter *self,
                SnQueryResult  *result,
                guint           first,
                guint           n)
{
  for (guint r = first; r < first + n; r++)
    {
      for (guint c = 0; c < self->n_columns; c++)
        {
          const char *value = sn_query_result_get_value (result, r, c);

          if (c > 0)
            g_string_append_c (self->out, ',');
          /* SQL NULL is an empty cell, "" a quoted one: psql --csv's way. */
          if (value != NULL)
            sn_csv_append_field (self->out, value, SN_CSV_QUOTE_EMPTY);
        }
      g_string_append_c (self->out, '\n');
      flush (self, FALSE);
    }
}

/* ------------------------------------------------------------------------ */
/* Table                                                                    */

static void
append_cell (SnCtlRowWriter *self,
             guint           column,
             const char     *text)
{
  guint width = sn_ctl_text_width (text);
  gboolean last = column + 1 == self->n_columns;

  if (self->right[column])
    {
      for (guint i = width; i < self->widths[column]; i++)
        g_string_append_c (self->out, ' ');
      g_string_append (self->out, text);
      if (!last)
        g_string_append (self->out, "  ");
      return;
    }

  g_string_append (self->out, text);
  if (last)
    return;
  for (guint i = width; i < self->widths[column] + 2; i++)
    g_string_append_c (self->out, ' ');
}

static void
start_table (SnCtlRowWriter *self,
             SnQueryResult  *result,
             guint           first,
             guint           n)
{
  for (guint c = 0; c < self->n_columns; c++)
    {
      self->widths[c] = sn_ctl_text_width (sn_query_result_get_column_name (result, c));
      self->right[c] = sn_query_result_get_column_kind (result, c) == SN_COLUMN_KIND_NUMBER;
      for (guint r = first; r < first + n; r++)
        {
          g_autofree char *text = sn_query_result_dup_display (result, r, c, MAX_CELL_CHARS);

          self->widths[c] = MAX (self->widths[c], sn_ctl_text_width (text));
        }
    }

  for (guint c = 0; c < self->n_columns; c++)
    {
      gboolean right = self->right[c];

      /* The header is left-aligned, like the rows' text. */
      self->right[c] = FALSE;
      append_cell (self, c, sn_query_result_get_column_name (result, c));
      self->right[c] = right;
    }
  g_string_append_c (self->out, '\n');
}

static void
write_table_rows (SnCtlRowWriter *self,
                  SnQueryResult  *result,
                  guint           first,
                  guint           n)
{
  for (guint r = first; r < first + n; r++)
    {
      for (guint c = 0; c < self->n_columns; c++)
        {
          g_autofree char *text = sn_query_result_dup_display (result, r, c, MAX_CELL_CHARS);

          append_cell (self, c, text);
        }
      g_string_append_c (self->out, '\n');
      flush (self, FALSE);
    }
}

/* ------------------------------------------------------------------------ */

static void
start (SnCtlRowWriter *self,
       SnQueryResult  *result,
       guint           first,
       guint           n)
{
  self->started = TRUE;
  self->n_columns = sn_query_result_get_n_columns (result);
  self->widths = g_new0 (guint, MAX (self->n_columns, 1));
  self->right = g_new0 (gboolean, MAX (self->n_columns, 1));

  switch (self->format)
    {
    case SN_CTL_FORMAT_CSV:
      for (guint c = 0; c < self->n_columns; c++)
        {
          if (c > 0)
            g_string_append_c (self->out, ',');
          sn_csv_append_field (self->out, sn_query_result_get_column_name (result, c), SN_CSV_QUOTE_EMPTY);
        }
      g_string_append_c (self->out, '\n');
      break;

    case SN_CTL_FORMAT_TABLE:
      start_table (self, result, first, n);
      break;

    case SN_CTL_FORMAT_JSON:
    default:
      break;
    }
}

/**
 * sn_ctl_row_writer_add_rows:
 * @first: the first new row
 * @n: how many
 *
 * Writes rows @first … @first + @n − 1 of @result, then lets the result free
 * them (sn_query_result_forget_rows()).
 */
void
sn_ctl_row_writer_add_rows (SnCtlRowWriter *self,
                            SnQueryResult  *result,
                            guint           first,
                            guint           n)
{
  if (!self->started)
    start (self, result, first, n);

  switch (self->format)
    {
    case SN_CTL_FORMAT_CSV:
      write_csv_rows (self, result, first, n);
      break;

    case SN_CTL_FORMAT_JSON:
      write_json_rows (self, result, first, n);
      break;

    case SN_CTL_FORMAT_TABLE:
    default:
      write_table_rows (self, result, first, n);
      break;
    }

  self->n_written += n;
  sn_query_result_forget_rows (result, first + n);
}

static void
write_command (SnCtlRowWriter *self,
               SnQueryResult  *result)
{
  const char *tag = sn_query_result_get_command_tag (result);

  if (self->format != SN_CTL_FORMAT_JSON)
    {
      if (tag != NULL)
        g_string_append_printf (self->out, "%s\n", tag);
      return;
    }

  g_string_append (self->out, "{\n  \"command\": ");
  append_json_string (self->out, tag != NULL ? tag : "");
  g_string_append_printf (self->out, ",\n  \"rows_affected\": %lld\n}\n",
                          (long long)sn_query_result_get_rows_affected (result));
}

/**
 * sn_ctl_row_writer_finish:
 * @complete: %FALSE when the query failed part way: what was written stays,
 *   and JSON is not closed, so a reader sees it is cut
 *
 * Ends the output: the header of an empty result, JSON's closing bracket, the
 * table's row count, or a statement's command tag.
 */
void
sn_ctl_row_writer_finish (SnCtlRowWriter *self,
                          SnQueryResult  *result,
                          gboolean        complete)
{
  if (complete)
    {
      if (sn_query_result_get_n_columns (result) == 0)
        write_command (self, result);
      else
        {
          if (!self->started)
            start (self, result, 0, 0);

          switch (self->format)
            {
            case SN_CTL_FORMAT_JSON:
              g_string_append (self->out, self->n_written > 0 ? "\n]\n" : "[]\n");
              break;

            case SN_CTL_FORMAT_TABLE:
              /* Translators: after a table of query results */
              g_string_append_printf (self->out, g_dngettext (GETTEXT_PACKAGE, "(%u row)\n", "(%u rows)\n",
                                                              self->n_written), self->n_written);
              break;

            case SN_CTL_FORMAT_CSV:
            default:
              break;
            }
        }
    }

  flush (self, TRUE);
}
