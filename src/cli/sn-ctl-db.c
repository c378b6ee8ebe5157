/* sn-ctl-db.c: narcisse-ctl report and narcisse-ctl sql
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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sn-audit-log.h"
#include "sn-await.h"
#include "sn-ctl.h"
#include "sn-database-connector.h"
#include "sn-sql-console.h"

#define MAX_CELL_CHARS 60
#define EXIT_REFUSED   3

static gboolean
parse_path (const char     *text,
            SnDatabasePath *path)
{
  if (text == NULL || g_str_equal (text, "auto"))
    *path = SN_DATABASE_PATH_NONE;
  else if (g_str_equal (text, "direct"))
    *path = SN_DATABASE_PATH_DIRECT;
  else if (g_str_equal (text, "tunnel"))
    *path = SN_DATABASE_PATH_TUNNEL;
  else if (g_str_equal (text, "psql"))
    *path = SN_DATABASE_PATH_PSQL_EXEC;
  else
    return FALSE;

  return TRUE;
}

/* French conventions ("1 234,50 €") when the locale writes a decimal comma. */
static gboolean
french_locale (void)
{
  return sn_format_uses_decimal_comma ();
}

/* Loads the profile and connects; prints the error and returns NULL on failure. */
static SnDatabaseConnector *
open_connector (SnCtl          *ctl,
                SnDatabasePath  path,
                SnProfile     **profile_out)
{
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnProfile) profile = NULL;

  if (!(profile = sn_ctl_open_profile (ctl)))
    return NULL;

  connector = sn_database_connector_new (profile, sn_secret_store_get_default ());
  sn_database_connector_set_forced_path (connector, path);

  sn_database_connector_connect_async (connector, NULL, sn_await_callback, &await);
  if (!sn_database_connector_connect_finish (connector, sn_await_result (&await), &error))
    {
      g_autofree char *advice = sn_database_error_dup_advice (error);

      sn_ctl_printerr ("%s", advice);
      return NULL;
    }

  g_debug ("Database path: %s", sn_database_connector_get_path_label (connector));
  *profile_out = g_object_ref (profile);

  return g_steal_pointer (&connector);
}

static gboolean
parse_day (const char *text,
           GDate      *date)
{
  g_date_clear (date, 1);

  if (text == NULL)
    return TRUE;

  if (g_str_equal (text, "today"))
    {
      sn_reports_paris_today (date);
      return TRUE;
    }

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;

  g_date_set_parse (date, text);
  if (!g_date_valid (date))
    return FALSE;

  /* g_date_set_parse follows the locale's order; ISO is unambiguous. */
  g_date_set_dmy (date, (GDateDay)atoi (text + 8), (GDateMonth)atoi (text + 5),
                  (GDateYear)atoi (text));

  return g_date_valid (date);
}

/* ------------------------------------------------------------------------ */
/* Table output                                                             */

static void
print_table (GPtrArray *header,
             GPtrArray *rows,      /* GPtrArray of GPtrArray of char* */
             GPtrArray *footer,    /* nullable */
             gboolean  *right)
{
  g_autofree guint *widths = g_new0 (guint, MAX (header->len, 1));

  for (guint c = 0; c < header->len; c++)
    {
      widths[c] = sn_ctl_text_width (g_ptr_array_index (header, c));
      for (guint r = 0; r < rows->len; r++)
        widths[c] = MAX (widths[c], sn_ctl_text_width (g_ptr_array_index ((GPtrArray *)g_ptr_array_index (rows, r), c)));
      if (footer != NULL)
        widths[c] = MAX (widths[c], sn_ctl_text_width (g_ptr_array_index (footer, c)));
    }

  for (int part = 0; part < 3; part++)
    {
      guint n = part == 1 ? rows->len : 1;

      if (part == 2 && footer == NULL)
        break;

      for (guint r = 0; r < n; r++)
        {
          GPtrArray *cells = part == 0 ? header : part == 1 ? g_ptr_array_index (rows, r) : footer;

          for (guint c = 0; c < header->len; c++)
            {
              const char *text = g_ptr_array_index (cells, c);
              guint width = sn_ctl_text_width (text);
              gboolean last = c + 1 == header->len;

              if (right[c] && part != 0)
                {
                  for (guint i = width; i < widths[c]; i++)
                    g_print (" ");
                  g_print ("%s%s", text, last ? "" : "  ");
                }
              else if (last)
                g_print ("%s", text);
              else
                sn_ctl_print_padded (text, widths[c] + 2);
            }
          g_print ("\n");
        }
    }
}

/* ------------------------------------------------------------------------ */
/* narcisse-ctl report                                                      */

int
sn_ctl_report (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(SnReportResult) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *format = NULL;
  g_autofree char *path_text = NULL;
  g_autofree char *summary = NULL;
  const char * const *ids = sn_reports_get_ids ();
  SnDatabasePath path;
  gboolean french = french_locale ();
  GDate from, to;
  int status;
  const GOptionEntry entries[] = {
    { "date", 'd', 0, G_OPTION_ARG_STRING, &from_text, N_("The Paris day (default: today in Paris)"), N_("YYYY-MM-DD") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("The last Paris day of a range, inclusive"), N_("YYYY-MM-DD") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Output format: table (column widths from the first 10,000 rows), csv or json; rows are written as they arrive"), N_("FORMAT") },
    { "path", 0, 0, G_OPTION_ARG_STRING, &path_text, N_("How to reach the database: auto, direct, tunnel or psql"), N_("PATH") },
    { NULL }
  };
  GString *names = g_string_new (NULL);

  for (guint i = 0; ids[i] != NULL; i++)
    g_string_append_printf (names, "\n  %-22s %s", ids[i], sn_reports_get_title (ids[i]));
  summary = g_strdup_printf (_("Run one of the business reports. Money is in euros, days are Paris days.\n"
                               "Reports:%s"), names->str);
  g_string_free (names, TRUE);

  context = sn_ctl_option_context_new ("report", _("NAME"), summary, entries);
  if (!sn_ctl_parse_options (context, "report", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("report", _("Name one report"));
  if (sn_reports_get_title (argv[1]) == NULL)
    {
      sn_ctl_printerr (_("No report “%s”. Run “narcisse-ctl report --help” to see them."), argv[1]);
      return SN_CTL_EXIT_FAILURE;
    }
  if (format == NULL)
    format = g_strdup ("table");
  if (!g_str_equal (format, "table") && !g_str_equal (format, "csv") && !g_str_equal (format, "json"))
    return sn_ctl_usage_error ("report", _("--format must be table, csv or json"));
  if (!parse_day (from_text, &from) || !parse_day (to_text, &to))
    return sn_ctl_usage_error ("report", _("Write days as YYYY-MM-DD"));
  if (!parse_path (path_text, &path))
    return sn_ctl_usage_error ("report", _("--path must be auto, direct, tunnel or psql"));

  if (!(connector = open_connector (ctl, path, &profile)))
    return SN_CTL_EXIT_FAILURE;

  sn_database_connector_run_report_async (connector, argv[1],
                                          g_date_valid (&from) ? &from : NULL,
                                          g_date_valid (&to) ? &to : NULL,
                                          NULL, sn_await_callback, &await);
  report = sn_database_connector_run_report_finish (connector, sn_await_result (&await), &error);
  if (report == NULL)
    {
      g_autofree char *advice = sn_database_error_dup_advice (error);

      sn_ctl_printerr ("%s", advice);
      return SN_CTL_EXIT_FAILURE;
    }

  if (g_str_equal (format, "json"))
    {
      g_autoptr(JsonNode) root = sn_report_result_to_json (report);

      sn_ctl_print_json (root);
    }
  else if (g_str_equal (format, "csv"))
    {
      g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

      if (!sn_report_result_write_csv (report, sn_csv_flags_for_profile (profile), out, NULL, &error) ||
          !g_output_stream_close (out, NULL, &error))
        {
          sn_ctl_print_error (error);
          return SN_CTL_EXIT_FAILURE;
        }
      fwrite (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (out)), 1,
              g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out)), stdout);
    }
  else
    {
      g_autoptr(GPtrArray) header = g_ptr_array_new ();
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_ptr_array_unref);
      g_autoptr(GPtrArray) footer = g_ptr_array_new_with_free_func (g_free);
      guint n_columns = sn_report_result_get_n_columns (report);
      g_autofree gboolean *right = g_new0 (gboolean, MAX (n_columns, 1));
      gboolean any_total = FALSE;
      char first[16], last[16];

      sn_report_result_get_from (report, &from);
      sn_report_result_get_to (report, &to);
      g_date_strftime (first, sizeof first, "%Y-%m-%d", &from);
      g_date_strftime (last, sizeof last, "%Y-%m-%d", &to);
      if (g_date_compare (&from, &to) == 0)
        /* Translators: a report's title and its Paris day */
        g_print (_("%s — %s (Paris)\n\n"), sn_report_result_get_title (report), first);
      else
        /* Translators: a report's title and its first and last Paris days */
        g_print (_("%s — %s to %s (Paris)\n\n"), sn_report_result_get_title (report), first, last);

      for (guint c = 0; c < n_columns; c++)
        {
          SnReportValueKind kind = sn_report_result_get_column_kind (report, c);

          g_ptr_array_add (header, (gpointer)sn_report_result_get_column_label (report, c));
          right[c] = kind == SN_REPORT_VALUE_INT || kind == SN_REPORT_VALUE_CENTS ||
                     kind == SN_REPORT_VALUE_RATIO;
        }
      for (guint r = 0; r < sn_report_result_get_n_rows (report); r++)
        {
          GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);

          for (guint c = 0; c < n_columns; c++)
            g_ptr_array_add (cells, sn_report_result_dup_display (report, r, c, french));
          g_ptr_array_add (rows, cells);
        }
      for (guint c = 0; c < n_columns; c++)
        {
          char *total = sn_report_result_dup_total_display (report, c, french);

          any_total = any_total || *total != '\0';
          if (c == 0 && *total == '\0')
            {
              g_free (total);
              total = g_strdup (_("Total"));
            }
          g_ptr_array_add (footer, total);
        }

      print_table (header, rows, any_total ? footer : NULL, right);
    }

  return SN_CTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* narcisse-ctl sql                                                         */

static void
rows_added_cb (GListModel     *model,
               guint           position,
               guint           removed,
               guint           added,
               SnCtlRowWriter *writer)
{
  if (added > 0)
    sn_ctl_row_writer_add_rows (writer, SN_QUERY_RESULT (model), position, added);
}

static char *
ask (const char *question)
{
  char buffer[512];

  g_print ("%s ", question);
  fflush (stdout);
  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  return g_strstrip (g_strdup (buffer));
}

/*
 * M6: what the person confirms before a write. The rule itself is in core
 * (sn_sql_console_get_confirm/check); here it is only asked. The typed name is
 * what the person typed: --confirm NAME or the answer on a terminal.
 * Returns SN_CTL_EXIT_OK to go on, else the exit status.
 */
static int
confirm_sql (SnDatabaseConnector  *connector,
             const char           *sql,
             gboolean              yes,
             const char           *confirm,
             gboolean             *confirmed,
             char                **typed_name)
{
  SnProfile *profile = sn_database_connector_get_profile (connector);
  const char *name = sn_profile_get_name (profile);
  SnSqlConfirm needs = sn_sql_console_get_confirm (connector, sql);
  gboolean interactive = isatty (STDIN_FILENO) && isatty (STDOUT_FILENO);
  g_autofree char *what = NULL;

  *confirmed = yes;
  *typed_name = g_strdup (confirm);
  if (needs == SN_SQL_CONFIRM_NONE)
    return SN_CTL_EXIT_OK;

  if (sn_sql_is_destructive (sql, &what))
    g_printerr ("%s\n", what);

  if (confirm != NULL && g_strcmp0 (confirm, name) != 0)
    {
      sn_ctl_printerr (_("--confirm “%s” does not match the profile “%s”; nothing was run."), confirm, name);
      return EXIT_REFUSED;
    }

  if (!interactive && !yes)
    {
      sn_ctl_printerr (_("This statement writes on “%s” and there is no terminal to ask: add --yes%s "
                         "to run it. Nothing was run."),
                       name, (needs & SN_SQL_CONFIRM_TYPED_NAME) ? _(" and --confirm PROFILE") : "");
      return EXIT_REFUSED;
    }

  if ((needs & SN_SQL_CONFIRM_TYPED_NAME) && confirm == NULL)
    {
      g_autofree char *question = NULL;
      g_autofree char *answer = NULL;

      if (!interactive)
        {
          sn_ctl_printerr (_("“%s” is a production profile: add --confirm %s to write to it. "
                             "Nothing was run."), name, name);
          return EXIT_REFUSED;
        }
      question = g_strdup_printf (_("This is PRODUCTION. Type the profile name “%s” to run the statement:"),
                                  name);
      answer = ask (question);
      if (answer == NULL || g_strcmp0 (answer, name) != 0)
        {
          g_printerr ("%s\n", _("Not confirmed: nothing was run."));
          return EXIT_REFUSED;
        }
      g_free (*typed_name);
      *typed_name = g_steal_pointer (&answer);
      *confirmed = TRUE;
    }
  else if (!yes)
    {
      g_autofree char *question = g_strdup_printf (_("Run this statement on “%s”? Type yes to go on:"), name);
      g_autofree char *answer = ask (question);

      if (answer == NULL ||
          (g_ascii_strcasecmp (answer, _("yes")) != 0 && g_ascii_strcasecmp (answer, "yes") != 0))
        {
          g_printerr ("%s\n", _("Not confirmed: nothing was run."));
          return EXIT_REFUSED;
        }
      *confirmed = TRUE;
    }

  return SN_CTL_EXIT_OK;
}

int
sn_ctl_sql (SnCtl  *ctl,
            int     argc,
            char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnDatabaseConnector) connector = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnQueryResult) result = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autofree char *format = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *path_text = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *typed_name = NULL;
  g_autoptr(SnCtlRowWriter) writer = NULL;
  SnCtlFormat output;
  gboolean ok;
  gboolean allow_writes = FALSE;
  gboolean yes = FALSE;
  gboolean confirmed = FALSE;
  SnDatabasePath path;
  const char *sql;
  int status;
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("Output format: table (column widths from the first 10,000 rows), csv or json; rows are written as they arrive"), N_("FORMAT") },
    { "allow-writes", 0, 0, G_OPTION_ARG_NONE, &allow_writes, N_("Let the statement write (admin profiles only; needs --reason)"), NULL },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why writes are needed (goes to the audit log)"), N_("TEXT") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Run a destructive or production write without asking"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name, typed to confirm (needed to write on production)"), N_("NAME") },
    { "path", 0, 0, G_OPTION_ARG_STRING, &path_text, N_("How to reach the database: auto, direct, tunnel or psql"), N_("PATH") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("sql", _("QUERY"),
                                       _("Run SQL on the profile’s database. The session is read-only "
                                         "unless --allow-writes --reason is given on an admin profile. "
                                         "A destructive write needs --yes, and a write on production "
                                         "--yes --confirm PROFILE. Every statement is audited."),
                                       entries);
  if (!sn_ctl_parse_options (context, "sql", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("sql", _("Give one query, quoted"));
  if (format == NULL || g_str_equal (format, "table"))
    output = SN_CTL_FORMAT_TABLE;
  else if (g_str_equal (format, "csv"))
    output = SN_CTL_FORMAT_CSV;
  else if (g_str_equal (format, "json"))
    output = SN_CTL_FORMAT_JSON;
  else
    return sn_ctl_usage_error ("sql", _("--format must be table, csv or json"));
  if (!parse_path (path_text, &path))
    return sn_ctl_usage_error ("sql", _("--path must be auto, direct, tunnel or psql"));
  sql = argv[1];

  if (allow_writes && (reason == NULL || *g_strstrip (reason) == '\0'))
    {
      sn_ctl_printerr (_("--allow-writes needs --reason TEXT: say why, it goes to the audit log. "
                         "Nothing was run."));
      return SN_CTL_EXIT_FAILURE;
    }

  if (!(connector = open_connector (ctl, path, &profile)))
    return SN_CTL_EXIT_FAILURE;
  /* Rows are written and freed chunk by chunk: small chunks, flat memory. */
  if (sn_database_connector_get_database (connector) != NULL)
    sn_database_set_fetch_rows (sn_database_connector_get_database (connector), 10000);

  if (allow_writes && !sn_database_connector_allow_writes (connector, reason, &error))
    {
      sn_ctl_printerr (_("%s Nothing was run."), error->message);
      return SN_CTL_EXIT_FAILURE;
    }

  status = confirm_sql (connector, sql, yes, confirm, &confirmed, &typed_name);
  if (status != SN_CTL_EXIT_OK)
    return status;

  result = sn_sql_console_start (connector, NULL, sql, confirmed, typed_name, NULL, &error);
  if (result == NULL)
    {
      sn_ctl_printerr ("%s", error->message);
      return g_error_matches (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_REFUSED)
               ? EXIT_REFUSED : SN_CTL_EXIT_FAILURE;
    }

  /* Rows go out as the cursor fetches them, and are freed once written. */
  writer = sn_ctl_row_writer_new (output);
  g_signal_connect (result, "items-changed", G_CALLBACK (rows_added_cb), writer);
  if (sn_query_result_get_n_rows (result) > 0)
    sn_ctl_row_writer_add_rows (writer, result, 0, sn_query_result_get_n_rows (result));

  sn_query_result_wait_async (result, NULL, sn_await_callback, &await);
  ok = sn_query_result_wait_finish (result, sn_await_result (&await), &error);
  g_signal_handlers_disconnect_by_func (result, rows_added_cb, writer);
  sn_ctl_row_writer_finish (writer, result, ok);
  if (!ok)
    {
      if (g_error_matches (error, SN_DATABASE_ERROR, SN_DATABASE_ERROR_READ_ONLY))
        sn_ctl_printerr (_("The database refused to write: this session is read-only. To change "
                           "data, add --allow-writes --reason TEXT on an admin profile."));
      else
        {
          g_autofree char *advice = sn_database_error_dup_advice (error);

          sn_ctl_printerr ("%s", advice);
        }
      return SN_CTL_EXIT_FAILURE;
    }

  return SN_CTL_EXIT_OK;
}
