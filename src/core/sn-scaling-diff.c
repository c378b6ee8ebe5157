/* sn-scaling-diff.c: a unified diff of two texts (longest common subsequence)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "sn-scaling.h"

#define CONTEXT 3

/* One line of the edit script: ' ' kept, '-' removed, '+' added. */
typedef struct
{
  char        op;
  guint       old_line;   /* 0-based, of the old text (for ' ' and '-') */
  guint       new_line;   /* of the new text (for ' ' and '+') */
  const char *text;
} Op;

static char **
split_lines (const char *text,
             guint      *n)
{
  char **lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  guint len = g_strv_length (lines);

  /* a final newline ends the last line, it does not start an empty one */
  if (len > 0 && *lines[len - 1] == '\0')
    {
      g_free (lines[len - 1]);
      lines[--len] = NULL;
    }
  *n = len;
  return lines;
}

static GArray *
edit_script (char  **a,
             guint   n,
             char  **b,
             guint   m)
{
  GArray *ops = g_array_new (FALSE, FALSE, sizeof (Op));
  guint prefix = 0;
  guint suffix = 0;
  guint rows;
  guint cols;
  guint *table;
  guint i;
  guint j;

  /* the common head and tail cost nothing: the table covers the middle */
  while (prefix < n && prefix < m && g_str_equal (a[prefix], b[prefix]))
    prefix++;
  while (suffix < n - prefix && suffix < m - prefix &&
         g_str_equal (a[n - 1 - suffix], b[m - 1 - suffix]))
    suffix++;
  rows = n - prefix - suffix;
  cols = m - prefix - suffix;
  table = g_new0 (guint, (gsize)(rows + 1) * (cols + 1));
#define T(r, c) table[(gsize)(r) * (cols + 1) + (c)]
  for (i = rows; i-- > 0;)
    for (j = cols; j-- > 0;)
      T (i, j) = g_str_equal (a[prefix + i], b[prefix + j]) ? T (i + 1, j + 1) + 1
                                                            : MAX (T (i + 1, j), T (i, j + 1));

  for (i = 0; i < prefix; i++)
    {
      Op op = { ' ', i, i, a[i] };

      g_array_append_val (ops, op);
    }
  i = j = 0;
  while (i < rows || j < cols)
    {
      Op op = { 0 };

      if (i < rows && j < cols && g_str_equal (a[prefix + i], b[prefix + j]))
        {
          op = (Op) { ' ', prefix + i, prefix + j, a[prefix + i] };
          i++, j++;
        }
      else if (i < rows && (j == cols || T (i + 1, j) >= T (i, j + 1)))
        {
          op = (Op) { '-', prefix + i, prefix + j, a[prefix + i] };
          i++;
        }
      else
        {
          op = (Op) { '+', prefix + i, prefix + j, b[prefix + j] };
          j++;
        }
      g_array_append_val (ops, op);
    }
  for (guint k = 0; k < suffix; k++)
    {
      Op op = { ' ', prefix + rows + k, prefix + cols + k, a[prefix + rows + k] };

      g_array_append_val (ops, op);
    }
#undef T
  g_free (table);
  return ops;
}

static void
append_hunk (GString *out,
             GArray  *ops,
             guint    from,
             guint    to)
{
  guint old_start = 0;
  guint new_start = 0;
  guint old_count = 0;
  guint new_count = 0;
  gboolean first_old = TRUE;
  gboolean first_new = TRUE;

  for (guint k = from; k < to; k++)
    {
      const Op *op = &g_array_index (ops, Op, k);

      if (op->op != '+')
        {
          if (first_old)
            old_start = op->old_line, first_old = FALSE;
          old_count++;
        }
      if (op->op != '-')
        {
          if (first_new)
            new_start = op->new_line, first_new = FALSE;
          new_count++;
        }
    }
  if (first_old)
    old_start = g_array_index (ops, Op, from).old_line;
  if (first_new)
    new_start = g_array_index (ops, Op, from).new_line;
  g_string_append_printf (out, "@@ -%u,%u +%u,%u @@\n",
                          old_count > 0 ? old_start + 1 : old_start, old_count,
                          new_count > 0 ? new_start + 1 : new_start, new_count);
  for (guint k = from; k < to; k++)
    {
      const Op *op = &g_array_index (ops, Op, k);

      g_string_append_printf (out, "%c%s\n", op->op, op->text);
    }
}

/**
 * sn_scaling_unified_diff:
 *
 * Returns: (transfer full): the diff, "" when the texts are equal
 */
char *
sn_scaling_unified_diff (const char *old_text,
                         const char *new_text,
                         const char *old_label,
                         const char *new_label)
{
  g_auto(GStrv) a = NULL;
  g_auto(GStrv) b = NULL;
  g_autoptr(GArray) ops = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  guint n;
  guint m;
  guint k = 0;

  if (g_strcmp0 (old_text, new_text) == 0)
    return g_strdup ("");
  a = split_lines (old_text, &n);
  b = split_lines (new_text, &m);
  ops = edit_script (a, n, b, m);
  g_string_append_printf (out, "--- %s\n+++ %s\n", old_label, new_label);

  while (k < ops->len)
    {
      guint start;
      guint end;
      guint last_change;

      while (k < ops->len && g_array_index (ops, Op, k).op == ' ')
        k++;
      if (k == ops->len)
        break;
      start = k > CONTEXT ? k - CONTEXT : 0;
      last_change = k;
      end = k;
      /* extend while the next change is within 2 * CONTEXT kept lines */
      while (end < ops->len)
        {
          if (g_array_index (ops, Op, end).op != ' ')
            last_change = end;
          else if (end - last_change > 2 * CONTEXT)
            break;
          end++;
        }
      end = MIN (last_change + 1 + CONTEXT, ops->len);
      append_hunk (out, ops, start, end);
      k = end;
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
