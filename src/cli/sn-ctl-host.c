/* sn-ctl-host.c: narcisse-ctl containers, logs, disk, activity and trust-host
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

#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "sn-connection.h"
#include "sn-ctl.h"
#include "sn-audit-log.h"
#include "sn-audit-reader.h"
#include "sn-await.h"
#include "sn-host.h"
#include "sn-known-hosts.h"
#include "sn-ssh-session.h"

/* ------------------------------------------------------------------------ */
/* The host-key policy of the command line                                  */

static gboolean
on_a_terminal (void)
{
  return isatty (STDIN_FILENO) && isatty (STDERR_FILENO);
}

static gboolean
ask_yes_no (const char *question)
{
  char answer[16] = { 0 };
  g_autofree char *lower = NULL;

  g_printerr ("%s ", question);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  lower = g_ascii_strdown (g_strstrip (answer), -1);
  /* Translators: "y" and "yes" are accepted too, whatever the language. */
  return g_str_equal (lower, "y") || g_str_equal (lower, "yes") ||
         g_str_equal (lower, _("y")) || g_str_equal (lower, _("yes"));
}

/* What OpenSSH prints on first contact, for the fingerprint the
 * connection's policy offers (sn_connection_dup_unknown_host_fingerprint()). */
static void
print_unknown_host (SnConnection *connection,
                    const char   *fingerprint)
{
  SnProfile *profile = sn_connection_get_profile (connection);
  g_autoptr(GBytes) key = sn_ssh_session_dup_host_key (sn_connection_get_session (connection));
  g_autofree char *pattern = sn_known_hosts_host_pattern (sn_profile_get_ssh_host (profile),
                                                          sn_profile_get_ssh_port (profile));

  g_printerr (_("The authenticity of host “%s” can’t be established.\n"), pattern);
  g_printerr (_("%s key fingerprint is %s.\n"),
              sn_ssh_key_type_to_name (sn_ssh_key_type_from_blob (key)), fingerprint);
}

/*
 * Connects. An unknown host key is shown with its fingerprint; on a terminal
 * the person may trust it, otherwise the command stops and names
 * `trust-host`. A changed key always stops (SnConnection's policy, as in the
 * app). Returns FALSE after printing.
 */
static gboolean
connect_with_policy (SnConnection *connection)
{
  SnProfile *profile = sn_connection_get_profile (connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;

  if (sn_connection_connect_sync (connection, NULL, &error))
    return TRUE;

  if (!(fingerprint = sn_connection_dup_unknown_host_fingerprint (connection)))
    {
      sn_ctl_print_error (error);
      return FALSE;
    }

  print_unknown_host (connection, fingerprint);
  if (!on_a_terminal ())
    {
      sn_ctl_printerr (_("Not connecting to a host whose key is unknown without a terminal to ask. "
                         "Compare the fingerprint above with the one your hosting provider shows, "
                         "then run “narcisse-ctl --profile %s trust-host”."),
                       sn_profile_get_name (profile));
      return FALSE;
    }

  if (!ask_yes_no (_("Trust this host key? [y/N]")))
    {
      sn_ctl_printerr (_("Host key not trusted; nothing was done."));
      return FALSE;
    }

  g_clear_error (&error);
  if (!sn_connection_trust_host_key (connection, fingerprint, &error) ||
      !sn_connection_connect_sync (connection, NULL, &error))
    {
      sn_ctl_print_error (error);
      return FALSE;
    }

  return TRUE;
}

/**
 * sn_ctl_open_host:
 * @out_profile: (out) (optional): the profile
 *
 * The profile's connection, up, with its host (sn_connection_get_host()),
 * under the command line's host-key policy; NULL after printing why not.
 */
SnConnection *
sn_ctl_open_host (SnCtl      *ctl,
                  SnProfile **out_profile)
{
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnConnection) connection = NULL;

  if (!(profile = sn_ctl_open_profile (ctl)))
    return NULL;

  connection = sn_connection_new (profile);
  if (!connect_with_policy (connection))
    return NULL;

  if (out_profile != NULL)
    *out_profile = g_object_ref (profile);
  return g_steal_pointer (&connection);
}

static void
print_row (const char * const *cells,
           const guint        *widths,
           guint               n)
{
  for (guint c = 0; c + 1 < n; c++)
    sn_ctl_print_padded (cells[c] != NULL ? cells[c] : "", widths[c] + 2);
  g_print ("%s\n", cells[n - 1] != NULL ? cells[n - 1] : "");
}

/* ------------------------------------------------------------------------ */
/* containers                                                                */

int
sn_ctl_containers (SnCtl  *ctl,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  SnHost *host;
  g_autoptr(GListModel) model = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) error = NULL;
  gboolean as_json = FALSE;
  guint n;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the containers as JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("containers", NULL,
                                       _("List the containers of the site’s docker compose "
                                         "project on the host, stopped ones included."),
                                       entries);
  if (!sn_ctl_parse_options (context, "containers", &argc, &argv, &status))
    return status;
  if (!sn_ctl_no_arguments ("containers", argc, argv, &status))
    return status;

  connection = sn_ctl_open_host (ctl, NULL);
  if (connection == NULL)
    return SN_CTL_EXIT_FAILURE;
  host = sn_connection_get_host (connection);

  sn_host_compose_ps_async (host, NULL, sn_await_callback, &await);
  model = sn_host_compose_ps_finish (host, sn_await_result (&await), &error);
  sn_await_clear (&await);
  if (model == NULL)
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  n = g_list_model_get_n_items (model);
  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SnContainer) c = g_list_model_get_item (model, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, sn_container_get_name (c));
          json_builder_set_member_name (builder, "service");
          json_builder_add_string_value (builder, sn_container_get_service (c));
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, sn_container_get_state (c));
          json_builder_set_member_name (builder, "health");
          json_builder_add_string_value (builder, sn_container_get_health (c));
          json_builder_set_member_name (builder, "status");
          json_builder_add_string_value (builder, sn_container_get_status (c));
          json_builder_set_member_name (builder, "image");
          json_builder_add_string_value (builder, sn_container_get_image (c));
          json_builder_set_member_name (builder, "exit_code");
          json_builder_add_int_value (builder, sn_container_get_exit_code (c));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      sn_ctl_print_json (root);
    }
  else
    {
      const char *headers[5];
      guint widths[5];

      /* Translators: column headers of "narcisse-ctl containers". */
      headers[0] = _("SERVICE");
      headers[1] = _("STATE");
      headers[2] = _("HEALTH");
      headers[3] = _("STATUS");
      headers[4] = _("IMAGE");
      for (guint c = 0; c < 5; c++)
        widths[c] = sn_ctl_text_width (headers[c]);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SnContainer) c = g_list_model_get_item (model, i);

          widths[0] = MAX (widths[0], sn_ctl_text_width (sn_container_get_service (c)));
          widths[1] = MAX (widths[1], sn_ctl_text_width (sn_container_get_state (c)));
          widths[2] = MAX (widths[2], sn_ctl_text_width (sn_container_get_health (c)));
          widths[3] = MAX (widths[3], sn_ctl_text_width (sn_container_get_status (c)));
        }
      print_row (headers, widths, 5);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SnContainer) c = g_list_model_get_item (model, i);
          const char *cells[5] = {
            sn_container_get_service (c), sn_container_get_state (c),
            *sn_container_get_health (c) != '\0' ? sn_container_get_health (c) : "—",
            sn_container_get_status (c), sn_container_get_image (c),
          };

          print_row (cells, widths, 5);
        }
    }

  return SN_CTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* logs                                                                      */

static void
on_log_line (const char *line,
             gboolean    is_stderr,
             gpointer    user_data)
{
  FILE *out = is_stderr ? stderr : stdout;

  fputs (line, out);
  fputc ('\n', out);
  fflush (out);
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

int
sn_ctl_logs (SnCtl  *ctl,
             int     argc,
             char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  SnHost *host;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  gboolean follow = FALSE;
  int tail = -1;
  guint sigint_id;
  guint sigterm_id;
  gboolean ok;
  int status;
  const GOptionEntry entries[] = {
    { "tail", 'n', 0, G_OPTION_ARG_INT, &tail, N_("Only the last N lines"), N_("N") },
    { "follow", 'f', 0, G_OPTION_ARG_NONE, &follow,
      N_("Keep printing new lines until Ctrl+C"), NULL },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since,
      N_("Only lines since TIME (2026-01-02T09:00:00, or 10m, 2h)"), N_("TIME") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("logs", _("SERVICE"),
                                       _("Print the logs of a service of the docker compose "
                                         "project on the host (app, db, nginx, …)."),
                                       entries);
  if (!sn_ctl_parse_options (context, "logs", &argc, &argv, &status))
    return status;

  if (argc < 2)
    return sn_ctl_usage_error ("logs", _("Name the service, for example “app”"));
  if (argc > 2)
    {
      g_autofree char *message = g_strdup_printf (_("Unexpected argument “%s”"), argv[2]);
      return sn_ctl_usage_error ("logs", message);
    }
  if (tail < -1)
    return sn_ctl_usage_error ("logs", _("--tail needs a number of lines, 0 or more"));

  connection = sn_ctl_open_host (ctl, NULL);
  if (connection == NULL)
    return SN_CTL_EXIT_FAILURE;
  host = sn_connection_get_host (connection);

  cancellable = g_cancellable_new ();
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, cancellable);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, cancellable);

  sn_host_compose_logs_async (host, argv[1], tail, follow, since, on_log_line, NULL, NULL,
                              cancellable, sn_await_callback, &await);
  ok = sn_host_compose_logs_finish (host, sn_await_result (&await), &error);
  sn_await_clear (&await);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);

  if (!ok)
    {
      /* Ctrl+C is how --follow ends. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return SN_CTL_EXIT_OK;
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  return SN_CTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* disk                                                                      */

/* narcisse-ctl disk --json: the filesystems, and Docker's usage or null. */
static void
print_disk_json (GListModel *filesystems,
                 GListModel *docker)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "filesystems");
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (filesystems); i++)
    {
      g_autoptr(SnFilesystem) fs = g_list_model_get_item (filesystems, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, sn_filesystem_get_source (fs));
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, (gint64)sn_filesystem_get_size (fs));
      json_builder_set_member_name (builder, "used");
      json_builder_add_int_value (builder, (gint64)sn_filesystem_get_used (fs));
      json_builder_set_member_name (builder, "avail");
      json_builder_add_int_value (builder, (gint64)sn_filesystem_get_avail (fs));
      json_builder_set_member_name (builder, "percent");
      json_builder_add_int_value (builder, sn_filesystem_get_percent (fs));
      json_builder_set_member_name (builder, "mount");
      json_builder_add_string_value (builder, sn_filesystem_get_mount (fs));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "docker");
  if (docker == NULL)
    json_builder_add_null_value (builder);
  else
    {
      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (docker); i++)
        {
          g_autoptr(SnDockerUsage) usage = g_list_model_get_item (docker, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, sn_docker_usage_get_kind (usage));
          json_builder_set_member_name (builder, "total");
          json_builder_add_int_value (builder, sn_docker_usage_get_total (usage));
          json_builder_set_member_name (builder, "active");
          json_builder_add_int_value (builder, sn_docker_usage_get_active (usage));
          json_builder_set_member_name (builder, "size");
          json_builder_add_int_value (builder, (gint64)sn_docker_usage_get_size (usage));
          json_builder_set_member_name (builder, "reclaimable");
          json_builder_add_int_value (builder, (gint64)sn_docker_usage_get_reclaimable (usage));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  sn_ctl_print_json (root);
}

/* narcisse-ctl disk: a table like df's, then Docker's usage. */
static void
print_disk_table (GListModel *filesystems,
                  GListModel *docker)
{
  const char *headers[6];
  guint widths[6];
  guint n = g_list_model_get_n_items (filesystems);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

  /* Translators: column headers of "narcisse-ctl disk", like df's. */
  headers[0] = _("FILESYSTEM");
  headers[1] = _("SIZE");
  headers[2] = _("USED");
  headers[3] = _("AVAIL");
  headers[4] = _("USE%");
  headers[5] = _("MOUNTED ON");
  for (guint c = 0; c < 6; c++)
    widths[c] = sn_ctl_text_width (headers[c]);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnFilesystem) fs = g_list_model_get_item (filesystems, i);
      char **cells = g_new0 (char *, 7);

      cells[0] = g_strdup (sn_filesystem_get_source (fs));
      cells[1] = sn_format_size (sn_filesystem_get_size (fs));
      cells[2] = sn_format_size (sn_filesystem_get_used (fs));
      cells[3] = sn_format_size (sn_filesystem_get_avail (fs));
      cells[4] = g_strdup_printf ("%u%%", sn_filesystem_get_percent (fs));
      cells[5] = g_strdup (sn_filesystem_get_mount (fs));
      for (guint c = 0; c < 6; c++)
        widths[c] = MAX (widths[c], sn_ctl_text_width (cells[c]));
      g_ptr_array_add (rows, cells);
    }
  print_row (headers, widths, 6);
  for (guint i = 0; i < rows->len; i++)
    print_row ((const char * const *)g_ptr_array_index (rows, i), widths, 6);

  if (docker != NULL)
    {
      g_print ("\n%s\n", _("Docker:"));
      for (guint i = 0; i < g_list_model_get_n_items (docker); i++)
        {
          g_autoptr(SnDockerUsage) usage = g_list_model_get_item (docker, i);

          /* Translators: a row of Docker's disk usage: kind, size, what a prune reclaims. */
          g_print (_("  %-14s %10s, reclaimable %s\n"), sn_docker_usage_get_kind (usage),
                   sn_docker_usage_get_size_text (usage),
                   sn_docker_usage_get_reclaimable_text (usage));
        }
    }
}

int
sn_ctl_disk (SnCtl  *ctl,
             int     argc,
             char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  SnHost *host;
  g_autoptr(GListModel) filesystems = NULL;
  g_autoptr(GListModel) docker = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) docker_error = NULL;
  gboolean as_json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the usage as JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("disk", NULL,
                                       _("Show the disk space of the host’s filesystems and "
                                         "what Docker uses (images, volumes, build cache)."),
                                       entries);
  if (!sn_ctl_parse_options (context, "disk", &argc, &argv, &status))
    return status;
  if (!sn_ctl_no_arguments ("disk", argc, argv, &status))
    return status;

  connection = sn_ctl_open_host (ctl, NULL);
  if (connection == NULL)
    return SN_CTL_EXIT_FAILURE;
  host = sn_connection_get_host (connection);

  sn_host_disk_usage_async (host, NULL, sn_await_callback, &await);
  filesystems = sn_host_disk_usage_finish (host, sn_await_result (&await), &error);
  sn_await_clear (&await);
  if (filesystems == NULL)
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  sn_host_docker_disk_usage_async (host, NULL, sn_await_callback, &await);
  docker = sn_host_docker_disk_usage_finish (host, sn_await_result (&await), &docker_error);
  sn_await_clear (&await);

  if (as_json)
    print_disk_json (filesystems, docker);
  else
    print_disk_table (filesystems, docker);

  if (docker == NULL)
    sn_ctl_print_error (docker_error);

  return SN_CTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* activity                                                                  */

static GDateTime *
parse_since (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  GDateTime *when;
  int y, m, d;

  when = g_date_time_new_from_iso8601 (text, utc);
  if (when != NULL)
    return when;
  if (sscanf (text, "%4d-%2d-%2d", &y, &m, &d) == 3 && strlen (text) == 10)
    return g_date_time_new_local (y, m, d, 0, 0, 0);
  return NULL;
}

int
sn_ctl_activity (SnCtl  *ctl,
                 int     argc,
                 char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) since = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnAuditReader) reader = NULL;
  g_autoptr(GPtrArray) entries_found = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *since_text = NULL;
  gboolean as_json = FALSE;
  gboolean profile_only = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_STRING, &since_text,
      N_("Only actions since DATE (2026-01-02 or 2026-01-02T09:00:00Z)"), N_("DATE") },
    { "profile-only", 0, 0, G_OPTION_ARG_NONE, &profile_only,
      N_("Only the actions on the profile (--profile, or the only one)"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the actions as JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("activity", NULL,
                                       _("Show what was done on the hosts, from the audit log "
                                         "(secrets are never recorded)."),
                                       entries);
  if (!sn_ctl_parse_options (context, "activity", &argc, &argv, &status))
    return status;
  if (!sn_ctl_no_arguments ("activity", argc, argv, &status))
    return status;

  if (since_text != NULL)
    {
      since = parse_since (since_text);
      if (since == NULL)
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not a date such as 2026-01-02"),
                                                      since_text);
          return sn_ctl_usage_error ("activity", message);
        }
    }

  if (profile_only)
    {
      if (!(profile = sn_ctl_open_profile (ctl)))
        return SN_CTL_EXIT_FAILURE;
    }

  reader = sn_audit_reader_new (sn_audit_log_get_path (sn_audit_log_get_default ()),
                                SN_AUDIT_ORDER_OLDEST_FIRST);
  if (!sn_audit_reader_load_sync (reader, NULL, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (reader)); i++)
    {
      g_autoptr(SnAuditEntry) entry = g_list_model_get_item (G_LIST_MODEL (reader), i);
      GDateTime *when = sn_audit_entry_get_date_time (entry);

      if (profile != NULL &&
          g_strcmp0 (sn_audit_entry_get_profile (entry), sn_profile_get_name (profile)) != 0)
        continue;
      if (since != NULL && (when == NULL || g_date_time_compare (when, since) < 0))
        continue;
      g_ptr_array_add (entries_found, g_steal_pointer (&entry));
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_sized_new (entries_found->len);

      for (guint i = 0; i < entries_found->len; i++)
        json_array_add_object_element (array,
                                       json_object_ref (sn_audit_entry_get_json (g_ptr_array_index (entries_found, i))));
      json_node_take_array (root, array);
      sn_ctl_print_json (root);
      return SN_CTL_EXIT_OK;
    }

  if (entries_found->len == 0)
    {
      g_print ("%s\n", _("No activity recorded."));
      return SN_CTL_EXIT_OK;
    }

  {
    const char *headers[5];
    guint widths[5];
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);

    /* Translators: column headers of "narcisse-ctl activity". */
    headers[0] = _("TIME");
    headers[1] = _("PROFILE");
    headers[2] = _("ACTION");
    headers[3] = _("EXIT");
    headers[4] = _("COMMAND");
    for (guint c = 0; c < 5; c++)
      widths[c] = sn_ctl_text_width (headers[c]);

    for (guint i = 0; i < entries_found->len; i++)
      {
        JsonObject *entry = sn_audit_entry_get_json (g_ptr_array_index (entries_found, i));
        char **cells = g_new0 (char *, 6);

        cells[0] = g_strdup (json_object_get_string_member_with_default (entry, "time", ""));
        cells[1] = g_strdup (json_object_get_string_member_with_default (entry, "profile", ""));
        cells[2] = g_strdup (json_object_get_string_member_with_default (entry, "action", ""));
        cells[3] = g_strdup_printf ("%" G_GINT64_FORMAT,
                                    json_object_get_int_member_with_default (entry, "exit_status", -1));
        cells[4] = g_strdup (json_object_get_string_member_with_default (entry, "command", ""));
        for (guint c = 0; c < 4; c++)
          widths[c] = MAX (widths[c], sn_ctl_text_width (cells[c]));
        g_ptr_array_add (rows, cells);
      }
    print_row (headers, widths, 5);
    for (guint i = 0; i < rows->len; i++)
      print_row ((const char * const *)g_ptr_array_index (rows, i), widths, 5);
  }

  return SN_CTL_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* trust-host                                                                */

int
sn_ctl_trust_host (SnCtl  *ctl,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  SnSshSession *session;
  g_autofree char *fingerprint = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "fingerprint", 0, 0, G_OPTION_ARG_STRING, &expected,
      N_("Trust the key only if its fingerprint is FINGERPRINT (no question asked)"),
      N_("SHA256:…") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("trust-host", NULL,
                                       _("Show the SSH host key of the profile’s server and save "
                                         "it as trusted, after you compared its fingerprint with "
                                         "the one your hosting provider shows."),
                                       entries);
  if (!sn_ctl_parse_options (context, "trust-host", &argc, &argv, &status))
    return status;
  if (!sn_ctl_no_arguments ("trust-host", argc, argv, &status))
    return status;

  if (!(profile = sn_ctl_open_profile (ctl)))
    return SN_CTL_EXIT_FAILURE;

  connection = sn_connection_new (profile);
  session = sn_connection_get_session (connection);
  if (sn_connection_connect_sync (connection, NULL, &error))
    {
      fingerprint = sn_ssh_session_dup_host_key_fingerprint (session);
      g_print (_("The host key of %s:%u is already trusted (%s).\n"),
               sn_profile_get_ssh_host (profile), sn_profile_get_ssh_port (profile), fingerprint);
      return SN_CTL_EXIT_OK;
    }

  if (!(fingerprint = sn_connection_dup_unknown_host_fingerprint (connection)))
    {
      /* a changed key stops here too: its message says what to do */
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  print_unknown_host (connection, fingerprint);

  if (expected != NULL)
    {
      if (!g_str_equal (g_strstrip (expected), fingerprint))
        {
          sn_ctl_printerr (_("The server’s key fingerprint is %s, not %s: the key was NOT saved. "
                             "Check the fingerprint with your hosting provider."),
                           fingerprint, expected);
          return SN_CTL_EXIT_FAILURE;
        }
    }
  else if (!on_a_terminal ())
    {
      sn_ctl_printerr (_("No terminal to ask on: compare the fingerprint above with your hosting "
                         "provider’s, then run “narcisse-ctl --profile %s trust-host "
                         "--fingerprint %s”."),
                       sn_profile_get_name (profile), fingerprint);
      return SN_CTL_EXIT_FAILURE;
    }
  else if (!ask_yes_no (_("Trust this host key? [y/N]")))
    {
      sn_ctl_printerr (_("Host key not trusted; nothing was saved."));
      return SN_CTL_EXIT_FAILURE;
    }

  g_clear_error (&error);
  if (!sn_connection_trust_host_key (connection, expected != NULL ? expected : fingerprint, &error) ||
      !sn_connection_connect_sync (connection, NULL, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  g_print (_("Saved the host key of %s:%u (%s) in %s.\n"),
           sn_profile_get_ssh_host (profile), sn_profile_get_ssh_port (profile), fingerprint,
           sn_known_hosts_get_path (sn_ssh_session_get_known_hosts (session)));
  return SN_CTL_EXIT_OK;
}
