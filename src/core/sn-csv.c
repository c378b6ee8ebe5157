/* sn-csv.c: the one CSV writer, safe for spreadsheets when asked
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reports, the SQL editor's exports (COPY and psql, through the filter) and
 * the activity export all write CSV here, so a customer named "=HYPERLINK(…)"
 * is text in every spreadsheet the direction opens (M9).
 */

#define G_LOG_DOMAIN "sn-csv"

#include "config.h"

#include <string.h>

#include "sn-csv.h"

/**
 * sn_csv_flags_for_profile:
 *
 * Returns: the default for @profile: safe for spreadsheets on a read-only
 *   (direction) profile, plain otherwise
 */
SnCsvFlags
sn_csv_flags_for_profile (SnProfile *profile)
{
  g_return_val_if_fail (SN_IS_PROFILE (profile), SN_CSV_SPREADSHEET_SAFE);

  return sn_profile_get_safety_level (profile) == SN_SAFETY_LEVEL_READ_ONLY
         ? SN_CSV_SPREADSHEET_SAFE : SN_CSV_PLAIN;
}

/* "-12", "+3.5", "-1e-3": left alone, they are numbers. */
static gboolean
is_number (const char *p,
           const char *end)
{
  gboolean digits = FALSE;

  if (p < end && (*p == '+' || *p == '-'))
    p++;
  while (p < end && g_ascii_isdigit (*p))
    p++, digits = TRUE;
  if (p < end && *p == '.')
    for (p++; p < end && g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (!digits)
    return FALSE;
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return FALSE;
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }
  return p == end;
}

/**
 * sn_csv_cell_is_risky:
 *
 * Returns: whether a spreadsheet could take @text as a formula: it starts
 *   with `=`, `+`, `-`, `@`, TAB or CR and is not a number
 */
gboolean
sn_csv_cell_is_risky (const char *text,
                      gsize       len)
{
  if (len == 0 || strchr ("=+-@\t\r", text[0]) == NULL)
    return FALSE;
  return !is_number (text, text + len);
}

static void
append_quoted (GString    *out,
               const char *text,
               gsize       len,
               gboolean    guard)
{
  g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, text[i]);
    }
  g_string_append_c (out, '"');
}

/**
 * sn_csv_append_field:
 * @out: the CSV being written
 * @text: the cell's text (not %NULL; "" for an empty cell)
 * @flags: #SN_CSV_SPREADSHEET_SAFE to neutralise formulas; #SN_CSV_QUOTE_EMPTY
 *   to write "" as `""`, so that an SQL NULL written as nothing stays apart
 *   (psql --csv's convention)
 *
 * Appends one cell, quoted when it holds `,`, `"`, CR or LF (RFC 4180) or
 * starts or ends with a space, which spreadsheets would trim.
 */
void
sn_csv_append_field (GString    *out,
                     const char *text,
                     SnCsvFlags  flags)
{
  gsize len = strlen (text);
  gboolean guard = (flags & SN_CSV_SPREADSHEET_SAFE) && sn_csv_cell_is_risky (text, len);

  if (!guard && strpbrk (text, ",\"\r\n") == NULL &&
      !(len == 0 && (flags & SN_CSV_QUOTE_EMPTY)) &&
      !(len > 0 && (g_ascii_isspace (text[0]) || g_ascii_isspace (text[len - 1]))))
    g_string_append_len (out, text, len);
  else
    append_quoted (out, text, len, guard);
}

/* The filter: CSV text in (COPY's or psql's), the same CSV out with risky
 * cells neutralised. A cell is held until its end to know whether it is a
 * number; safe cells go out byte for byte, so NULL and "" stay apart. */
struct _SnCsvFilter
{
  SnCsvFlags  flags;
  GString    *raw;       /* the cell as read, quotes included */
  GString    *value;     /* the cell's text */
  gboolean    in_quotes;
  gboolean    quote_seen;  /* a '"' inside quotes: escaped or the end */
};

/**
 * sn_csv_filter_new:
 *
 * Returns: (transfer full): a filter for one CSV stream
 */
SnCsvFilter *
sn_csv_filter_new (SnCsvFlags flags)
{
  SnCsvFilter *self = g_new0 (SnCsvFilter, 1);

  self->flags = flags;
  self->raw = g_string_new (NULL);
  self->value = g_string_new (NULL);
  return self;
}

void
sn_csv_filter_free (SnCsvFilter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->raw, TRUE);
  g_string_free (self->value, TRUE);
  g_free (self);
}

static void
end_cell (SnCsvFilter *self,
          GString     *out)
{
  if ((self->flags & SN_CSV_SPREADSHEET_SAFE) &&
      sn_csv_cell_is_risky (self->value->str, self->value->len))
    append_quoted (out, self->value->str, self->value->len, TRUE);
  else
    g_string_append_len (out, self->raw->str, self->raw->len);

  g_string_truncate (self->raw, 0);
  g_string_truncate (self->value, 0);
  self->in_quotes = self->quote_seen = FALSE;
}

/**
 * sn_csv_filter_feed:
 * @data: the next bytes of the CSV, cut anywhere
 * @out: where the filtered CSV goes (appended)
 */
void
sn_csv_filter_feed (SnCsvFilter *self,
                    const char  *data,
                    gsize        len,
                    GString     *out)
{
  g_return_if_fail (self != NULL);

  if (!(self->flags & SN_CSV_SPREADSHEET_SAFE))
    {
      g_string_append_len (out, data, len);
      return;
    }

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (self->in_quotes)
        {
          if (self->quote_seen && c == '"')
            {
              g_string_append_c (self->raw, c);
              g_string_append_c (self->value, c);
              self->quote_seen = FALSE;
              continue;
            }
          if (!self->quote_seen)
            {
              g_string_append_c (self->raw, c);
              if (c == '"')
                self->quote_seen = TRUE;
              else
                g_string_append_c (self->value, c);
              continue;
            }
          self->in_quotes = self->quote_seen = FALSE;   /* the closing quote */
        }

      if (c == ',' || c == '\n' || c == '\r')
        {
          end_cell (self, out);
          g_string_append_c (out, c);
        }
      else if (c == '"' && self->raw->len == 0)
        {
          self->in_quotes = TRUE;
          g_string_append_c (self->raw, c);
        }
      else
        {
          g_string_append_c (self->raw, c);
          g_string_append_c (self->value, c);
        }
    }
}

/**
 * sn_csv_filter_finish:
 *
 * Writes out the last cell when the CSV does not end with a newline.
 */
void
sn_csv_filter_finish (SnCsvFilter *self,
                      GString     *out)
{
  g_return_if_fail (self != NULL);

  if (self->raw->len > 0)
    end_cell (self, out);
}
