/* sn-format.h: numbers, sizes, money and dates in the user's locale
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * One place for how the app and narcisse-ctl show values to a person, so
 * every view says the same thing the same way. The conventions come from the
 * locale (LC_NUMERIC, LC_MONETARY, LC_TIME: LANG=fr_FR.UTF-8 on a French
 * desktop), the words from the translation (LANGUAGE). In the C locale the
 * English conventions apply ("1,234", "€1,234.50", "637.3 kB").
 *
 * Never use these for files or commands a program reads: they are for people.
 */

/* "1,234" / "1 234" (the locale's thousands separator). */
char     *sn_format_count     (gint64       n);
/* @value with @digits decimals: "637.3" / "637,3". */
char     *sn_format_decimal   (double       value,
                               guint        digits);
/* A size in bytes, SI units (1 kB = 1000 bytes): "637.3 kB" / "637,3 ko". */
char     *sn_format_size      (guint64      bytes);
/* Euro cents, exact: "€1,234.50" / "1 234,50 €". */
char     *sn_format_money     (gint64       cents);
/* The local day: "7 Dec 2026" / "7 déc. 2026". */
char     *sn_format_date      (GDateTime   *time);
/* The local day and minute: "7 Dec 2026, 14:05" / "7 déc. 2026 à 14:05". */
char     *sn_format_date_time (GDateTime   *time);
/* The local time of day: "14:05:09". */
char     *sn_format_time      (GDateTime   *time);
/* Whether the locale writes decimals with a comma (French conventions, as
 * sn_report_result_dup_display() takes them). */
gboolean  sn_format_uses_decimal_comma (void);

G_END_DECLS
