/* sn-format.c: numbers, sizes, money and dates in the user's locale
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-format"

#include "config.h"

#include <limits.h>
#include <locale.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-format.h"

#define NO_BREAK_SPACE "\u00a0"

/* The locale's decimal point and thousands separator, never empty: the C
 * locale has no separator, and gets the English comma. */
static void
numeric_conventions (const char **decimal,
                     const char **thousands,
                     gboolean     monetary)
{
  const struct lconv *lc = localeconv ();
  const char *d = monetary ? lc->mon_decimal_point : lc->decimal_point;
  const char *t = monetary ? lc->mon_thousands_sep : lc->thousands_sep;

  if (d == NULL || *d == '\0')
    d = monetary ? lc->decimal_point : ".";
  if (d == NULL || *d == '\0')
    d = ".";
  if (t == NULL || *t == '\0')
    t = strcmp (d, ".") == 0 ? "," : "\u202f";

  *decimal = d;
  *thousands = t;
}

/* Appends @digits (ASCII digits only) grouped by three. */
static void
append_grouped (GString    *out,
                const char *digits,
                const char *thousands)
{
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, thousands);
      g_string_append_c (out, digits[i]);
    }
}

char *
sn_format_count (gint64 n)
{
  g_autofree char *digits = NULL;
  const char *decimal, *thousands;
  GString *out = g_string_new (NULL);
  guint64 magnitude = n < 0 ? (guint64) (-(n + 1)) + 1 : (guint64) n;

  numeric_conventions (&decimal, &thousands, FALSE);
  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude);
  if (n < 0)
    g_string_append_c (out, '-');
  append_grouped (out, digits, thousands);
  return g_string_free (out, FALSE);
}

static char *
format_decimal (double    value,
                guint     digits,
                gboolean  group)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 32];
  char format[16];
  const char *decimal, *thousands;
  const char *start = buf;
  char *dot;
  GString *out = g_string_new (NULL);

  numeric_conventions (&decimal, &thousands, FALSE);
  g_snprintf (format, sizeof format, "%%.%uf", MIN (digits, 9u));
  g_ascii_formatd (buf, sizeof buf, format, value);

  if (*start == '-')
    {
      g_string_append_c (out, '-');
      start++;
    }
  dot = strchr (start, '.');
  if (dot != NULL)
    *dot = '\0';
  if (group)
    append_grouped (out, start, thousands);
  else
    g_string_append (out, start);
  if (dot != NULL)
    {
      g_string_append (out, decimal);
      g_string_append (out, dot + 1);
    }
  return g_string_free (out, FALSE);
}

char *
sn_format_decimal (double value,
                   guint  digits)
{
  return format_decimal (value, digits, TRUE);
}

char *
sn_format_size (guint64 bytes)
{
  g_autofree char *number = NULL;
  double value;
  guint unit = 0;

  if (bytes < 1000)
    {
      number = sn_format_count ((gint64) bytes);
      /* Translators: a size under a kilobyte; %s is the number */
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s byte", "%s bytes", (gulong) bytes),
                              number);
    }

  value = (double) bytes / 1000.0;
  /* 999.96 kB would print "1000.0 kB": that is 1.0 MB. */
  while (value >= 999.95 && unit < 5)
    {
      value /= 1000.0;
      unit++;
    }
  number = format_decimal (value, 1, FALSE);
  /* Translators: sizes; %s is a number already formatted ("637,3").
   * French writes the units "ko", "Mo", "Go", "To", "Po", "Eo" (octets). */
  switch (unit)
    {
    case 0: return g_strdup_printf (_("%s kB"), number);
    case 1: return g_strdup_printf (_("%s MB"), number);
    case 2: return g_strdup_printf (_("%s GB"), number);
    case 3: return g_strdup_printf (_("%s TB"), number);
    case 4: return g_strdup_printf (_("%s PB"), number);
    default: return g_strdup_printf (_("%s EB"), number);
    }
}

char *
sn_format_money (gint64 cents)
{
  const struct lconv *lc = localeconv ();
  const char *decimal, *thousands;
  g_autofree char *digits = NULL;
  guint64 magnitude = cents < 0 ? (guint64) (-(cents + 1)) + 1 : (guint64) cents;
  gboolean before, spaced;
  GString *out = g_string_new (NULL);

  numeric_conventions (&decimal, &thousands, TRUE);
  /* The C locale leaves these unset (CHAR_MAX): "€1,234.50". */
  before = lc->p_cs_precedes == CHAR_MAX ? TRUE : lc->p_cs_precedes != 0;
  spaced = lc->p_sep_by_space != CHAR_MAX && lc->p_sep_by_space != 0;

  if (cents < 0)
    g_string_append_c (out, '-');
  if (before)
    g_string_append (out, spaced ? "€" NO_BREAK_SPACE : "€");
  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, magnitude / 100);
  append_grouped (out, digits, thousands);
  g_string_append_printf (out, "%s%02u", decimal, (guint) (magnitude % 100));
  if (!before)
    g_string_append (out, spaced ? NO_BREAK_SPACE "€" : "€");
  return g_string_free (out, FALSE);
}

static char *
format_local (GDateTime  *time,
              const char *format)
{
  g_autoptr(GDateTime) local = NULL;
  char *text;

  g_return_val_if_fail (time != NULL, NULL);

  local = g_date_time_to_local (time);
  text = g_date_time_format (local, format);
  if (text == NULL)
    return g_strdup ("");
  /* "%e" pads with a figure space (U+2007), not g_strstrip()'s ASCII one. */
  while (g_str_has_prefix (text, "\u2007"))
    memmove (text, text + strlen ("\u2007"), strlen (text) - strlen ("\u2007") + 1);
  return g_strstrip (text);
}

char *
sn_format_date (GDateTime *time)
{
  /* Translators: a day, in g_date_time_format() codes: "7 Dec 2026" */
  return format_local (time, _("%e %b %Y"));
}

char *
sn_format_date_time (GDateTime *time)
{
  /* Translators: a day and a time, in g_date_time_format() codes: "7 Dec 2026, 14:05" */
  return format_local (time, _("%e %b %Y, %H:%M"));
}

char *
sn_format_time (GDateTime *time)
{
  return format_local (time, "%H:%M:%S");
}

gboolean
sn_format_uses_decimal_comma (void)
{
  const char *decimal;
  const char *thousands;

  numeric_conventions (&decimal, &thousands, FALSE);
  return strcmp (decimal, ",") == 0;
}
