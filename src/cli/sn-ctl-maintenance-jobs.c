/* sn-ctl-maintenance-jobs.c: narcisse-ctl maintenance jobs
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include "sn-ctl.h"

static void
print_json (GListModel *jobs)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SnScheduledJob) job = g_list_model_get_item (jobs, i);
      static const char * const kinds[] = { "backup", "restore-test", "secret-rotation" };

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kinds[sn_scheduled_job_get_kind (job)]);
      json_builder_set_member_name (builder, "source");
      json_builder_add_string_value (builder, sn_scheduled_job_get_source (job));
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, sn_scheduled_job_get_name (job));
      json_builder_set_member_name (builder, "schedule");
      json_builder_add_string_value (builder, sn_scheduled_job_get_schedule (job));
      json_builder_set_member_name (builder, "last");
      json_builder_add_string_value (builder, sn_scheduled_job_get_last (job));
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, sn_scheduled_job_get_result (job));
      json_builder_set_member_name (builder, "failed");
      json_builder_add_boolean_value (builder, sn_scheduled_job_get_failed (job));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  sn_ctl_print_json (root);
}

static void
print_table (GListModel *jobs)
{
  guint n = g_list_model_get_n_items (jobs);

  if (n == 0)
    {
      g_print ("%s\n", _("No scheduled backup, restore test or secret rotation on the host (neither in root’s "
                         "crontab nor among the systemd timers)."));
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnScheduledJob) job = g_list_model_get_item (jobs, i);
      g_autofree char *kind = NULL;

      g_object_get (job, "kind-label", &kind, NULL);
      g_print ("%s (%s): %s\n", kind, sn_scheduled_job_get_source (job), sn_scheduled_job_get_name (job));
      g_print (_("  schedule: %s\n  last run: %s\n  result:   %s\n"), sn_scheduled_job_get_schedule (job),
               sn_scheduled_job_get_last (job), sn_scheduled_job_get_result (job));
    }
}

/**
 * sn_ctl_maintenance_jobs:
 *
 * `maintenance jobs [--json]`: the scheduled backups, restore tests and
 * secret rotations; exit status 1 when the last run of one failed.
 */
int
sn_ctl_maintenance_jobs (SnCtl  *ctl,
                         int     argc,
                         char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnConnection) connection = NULL;
  g_autoptr(GListModel) jobs = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  SnHost *host;
  gboolean as_json = FALSE, failed = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the jobs as JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("maintenance jobs", NULL,
                                       _("Show the host’s scheduled backups, restore tests and secret "
                                         "rotations (root’s crontab and systemd timers) with their last "
                                         "result where it is known. Exit status: 0, 1 when a last run "
                                         "failed, 2 when they cannot be read."),
                                       entries);
  if (!sn_ctl_parse_options (context, "maintenance jobs", &argc, &argv, &status))
    return status;
  if (argc != 1)
    return sn_ctl_usage_error ("maintenance jobs", _("No argument expected"));

  if (!(connection = sn_ctl_open_host (ctl, NULL)))
    return SN_CTL_EXIT_FAILURE;
  host = sn_connection_get_host (connection);

  sn_maintenance_jobs_async (host, NULL, sn_await_callback, &await);
  jobs = sn_maintenance_jobs_finish (host, sn_await_result (&await), &error);
  if (jobs == NULL)
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  if (as_json)
    print_json (jobs);
  else
    print_table (jobs);
  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SnScheduledJob) job = g_list_model_get_item (jobs, i);

      failed = failed || sn_scheduled_job_get_failed (job);
    }
  return failed ? SN_CTL_EXIT_DEGRADED : SN_CTL_EXIT_OK;
}
