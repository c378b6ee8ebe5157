/* sn-maintenance-jobs.c: the host's scheduled backups, restore tests and rotations
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * target-system.md §10.2: the jobs are set up either as root's crontab (the
 * cron example, output to /var/log/sweet-narcisse/cron.log) or as systemd
 * timers (db-backup, restore-test, secret-rotation). Cron keeps no result;
 * systemd does (Result, ExecMainStatus of the timer's service).
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sn-maintenance-jobs.h"

#define TIMEOUT_MS (60 * 1000)

struct _SnScheduledJob
{
  GObject    parent_instance;
  char      *source;
  char      *name;
  char      *schedule;
  char      *last;
  char      *result;
  char      *service;       /* systemd: the unit the timer activates */
  SnJobKind  kind;
  gboolean   failed;
};

G_DEFINE_FINAL_TYPE (SnScheduledJob, sn_scheduled_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND_LABEL,
  PROP_SOURCE,
  PROP_NAME,
  PROP_SCHEDULE,
  PROP_LAST,
  PROP_RESULT,
  PROP_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
kind_label (SnJobKind kind)
{
  switch (kind)
    {
    case SN_JOB_BACKUP: return _("Database backup");
    case SN_JOB_RESTORE_TEST: return _("Restore test");
    case SN_JOB_SECRET_ROTATION: return _("Secret rotation");
    default: return "";
    }
}

static void
sn_scheduled_job_finalize (GObject *object)
{
  SnScheduledJob *self = SN_SCHEDULED_JOB (object);

  g_free (self->source);
  g_free (self->name);
  g_free (self->schedule);
  g_free (self->last);
  g_free (self->result);
  g_free (self->service);
  G_OBJECT_CLASS (sn_scheduled_job_parent_class)->finalize (object);
}

static void
sn_scheduled_job_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnScheduledJob *self = SN_SCHEDULED_JOB (object);

  switch (prop_id)
    {
    case PROP_KIND_LABEL: g_value_set_string (value, kind_label (self->kind)); break;
    case PROP_SOURCE: g_value_set_string (value, self->source); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_SCHEDULE: g_value_set_string (value, self->schedule); break;
    case PROP_LAST: g_value_set_string (value, self->last); break;
    case PROP_RESULT: g_value_set_string (value, self->result); break;
    case PROP_FAILED: g_value_set_boolean (value, self->failed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_scheduled_job_class_init (SnScheduledJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_scheduled_job_finalize;
  object_class->get_property = sn_scheduled_job_get_property;

  properties[PROP_KIND_LABEL] = g_param_spec_string ("kind-label", NULL, NULL, NULL, flags);
  properties[PROP_SOURCE] = g_param_spec_string ("source", NULL, NULL, NULL, flags);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_SCHEDULE] = g_param_spec_string ("schedule", NULL, NULL, NULL, flags);
  properties[PROP_LAST] = g_param_spec_string ("last", NULL, NULL, NULL, flags);
  properties[PROP_RESULT] = g_param_spec_string ("result", NULL, NULL, NULL, flags);
  properties[PROP_FAILED] = g_param_spec_boolean ("failed", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_scheduled_job_init (SnScheduledJob *self)
{
}

SnJobKind sn_scheduled_job_get_kind (SnScheduledJob *self) { g_return_val_if_fail (SN_IS_SCHEDULED_JOB (self), 0); return self->kind; }
const char *sn_scheduled_job_get_source (SnScheduledJob *self) { g_return_val_if_fail (SN_IS_SCHEDULED_JOB (self), NULL); return self->source; }
const char *sn_scheduled_job_get_name (SnScheduledJob *self) { g_return_val_if_fail (SN_IS_SCHEDULED_JOB (self), NULL); return self->name; }
const char *sn_scheduled_job_get_schedule (SnScheduledJob *self) { g_return_val_if_fail (SN_IS_SCHEDULED_JOB (self), NULL); return self->schedule; }
const char *sn_scheduled_job_get_last (SnScheduledJob *self) { g_return_val_if_fail (SN_IS_SCHEDULED_JOB (self), NULL); return self->last; }
const char *sn_scheduled_job_get_result (SnScheduledJob *self) { g_return_val_if_fail (SN_IS_SCHEDULED_JOB (self), NULL); return self->result; }
gboolean sn_scheduled_job_get_failed (SnScheduledJob *self) { g_return_val_if_fail (SN_IS_SCHEDULED_JOB (self), FALSE); return self->failed; }

/* Which of the jobs this is, or FALSE for another job (purge, log rotation, …). */
static gboolean
classify (const char *text,
          SnJobKind  *kind)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  if (strstr (lower, "restore") != NULL)
    *kind = SN_JOB_RESTORE_TEST;
  else if (strstr (lower, "backup") != NULL)
    *kind = SN_JOB_BACKUP;
  else if (strstr (lower, "secret") != NULL)
    *kind = SN_JOB_SECRET_ROTATION;
  else
    return FALSE;
  return TRUE;
}

/**
 * sn_maintenance_parse_crontab:
 * @text: a crontab (`crontab -l`)
 *
 * Returns: (transfer full) (element-type SnScheduledJob): the backup,
 *   restore test and secret rotation lines
 */
GPtrArray *
sn_maintenance_parse_crontab (const char *text)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      g_auto(GStrv) fields = NULL;
      SnScheduledJob *job;
      SnJobKind kind;
      guint n_time;

      if (*line == '\0' || *line == '#' || (strchr (line, '=') != NULL && strchr (line, ' ') == NULL) ||
          !classify (line, &kind))
        continue;
      fields = g_regex_split_simple ("\\s+", line, 0, 0);
      n_time = fields[0] != NULL && fields[0][0] == '@' ? 1 : 5;
      if (g_strv_length (fields) <= n_time)
        continue;

      job = g_object_new (SN_TYPE_SCHEDULED_JOB, NULL);
      job->kind = kind;
      job->source = g_strdup ("cron");
      {
        GString *schedule = g_string_new (NULL);
        const char *rest = line;

        /* The time fields, then the command as written (its own spacing kept). */
        for (guint f = 0; f < n_time; f++)
          {
            rest = strstr (rest, fields[f]) + strlen (fields[f]);
            g_string_append_printf (schedule, "%s%s", f > 0 ? " " : "", fields[f]);
          }
        job->schedule = g_string_free (schedule, FALSE);
        job->name = g_strstrip (g_strdup (rest));
      }
      job->last = g_strdup (_("Not recorded by cron"));
      job->result = g_strdup (_("Unknown: see /var/log/sweet-narcisse/cron.log"));
      g_ptr_array_add (jobs, job);
    }
  return jobs;
}

static char *
format_usec (JsonObject *timer,
             const char *member)
{
  JsonNode *node = json_object_get_member (timer, member);
  g_autoptr(GDateTime) time = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) <= 0)
    return NULL;
  time = g_date_time_new_from_unix_utc (json_node_get_int (node) / G_USEC_PER_SEC);
  return time != NULL ? g_date_time_format (time, "%Y-%m-%d %H:%M UTC") : NULL;
}

/**
 * sn_maintenance_parse_timers:
 * @json: `systemctl list-timers --all --output=json` (systemd 252)
 *
 * Returns: (transfer full) (element-type SnScheduledJob): the backup,
 *   restore test and secret rotation timers
 */
GPtrArray *
sn_maintenance_parse_timers (const char  *json,
                             GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *timers;

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                   _("systemctl list-timers did not print a JSON list; is systemd 251 or newer on the host?"));
      return NULL;
    }
  timers = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (timers); i++)
    {
      JsonObject *timer = json_array_get_object_element (timers, i);
      const char *unit = timer != NULL ? json_object_get_string_member_with_default (timer, "unit", NULL) : NULL;
      g_autofree char *next = NULL;
      g_autofree char *last = NULL;
      SnScheduledJob *job;
      SnJobKind kind;

      if (unit == NULL || !classify (unit, &kind))
        continue;
      job = g_object_new (SN_TYPE_SCHEDULED_JOB, NULL);
      job->kind = kind;
      job->source = g_strdup ("systemd");
      job->name = g_strdup (unit);
      job->service = g_strdup (json_object_get_string_member_with_default (timer, "activates", ""));
      next = format_usec (timer, "next");
      last = format_usec (timer, "last");
      job->schedule = next != NULL ? g_strdup_printf (_("next %s"), next) : g_strdup (_("not scheduled"));
      job->last = last != NULL ? g_steal_pointer (&last) : g_strdup (_("Never ran"));
      job->result = g_strdup (_("Unknown"));
      g_ptr_array_add (jobs, job);
    }
  return g_steal_pointer (&jobs);
}

/**
 * sn_maintenance_apply_results:
 * @jobs: (element-type SnScheduledJob): jobs from sn_maintenance_parse_timers()
 * @text: `systemctl show -p Id -p Result -p ExecMainStatus -p ExecMainExitTimestamp SERVICE…`
 */
void
sn_maintenance_apply_results (GPtrArray  *jobs,
                              const char *text)
{
  g_auto(GStrv) blocks = g_strsplit (text != NULL ? text : "", "\n\n", -1);

  for (guint b = 0; blocks[b] != NULL; b++)
    {
      g_auto(GStrv) lines = g_strsplit (blocks[b], "\n", -1);
      const char *id = NULL, *result = NULL, *status = NULL, *exited = NULL;

      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (g_str_has_prefix (lines[i], "Id="))
            id = lines[i] + 3;
          else if (g_str_has_prefix (lines[i], "Result="))
            result = lines[i] + 7;
          else if (g_str_has_prefix (lines[i], "ExecMainStatus="))
            status = lines[i] + 15;
          else if (g_str_has_prefix (lines[i], "ExecMainExitTimestamp="))
            exited = lines[i] + 22;
        }
      for (guint j = 0; id != NULL && j < jobs->len; j++)
        {
          SnScheduledJob *job = g_ptr_array_index (jobs, j);

          if (g_strcmp0 (job->service, id) != 0)
            continue;
          g_free (job->result);
          if (exited == NULL || *exited == '\0')
            job->result = g_strdup (_("Never ran"));
          else if (g_strcmp0 (result, "success") == 0)
            job->result = g_strdup (_("Succeeded"));
          else
            {
              job->failed = TRUE;
              job->result = g_strdup_printf (_("Failed (%s, exit status %s)"), result != NULL ? result : "?",
                                             status != NULL ? status : "?");
            }
        }
    }
}

/* Runs @command; its stdout, "" when the program is missing or has nothing
 * (status 1 or 127), NULL with @error when it could not run at all. */
static char *
read_text (SnHost        *host,
           const char    *action,
           const char    *command,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(SnSshExecResult) result = sn_host_exec_sync (host, action, command, NULL, TIMEOUT_MS, NULL, NULL,
                                                         cancellable, error);
  int status;

  if (result == NULL)
    return NULL;
  status = sn_ssh_exec_result_get_exit_status (result);
  if (status != 0)
    return g_strdup ("");
  return sn_ssh_exec_result_dup_stdout_text (result);
}

static void
jobs_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SnHost *host = source;
  static const char * const cron_argv[] = { "-l", NULL };
  static const char * const timers_argv[] = { "list-timers", "--all", "--output=json", NULL };
  g_autofree char *cron_cmd = sn_host_command_program ("crontab", cron_argv);
  g_autofree char *timers_cmd = sn_host_command_program ("systemctl", timers_argv);
  g_autofree char *cron = NULL;
  g_autofree char *timers = NULL;
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) systemd = NULL;
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_SCHEDULED_JOB);
  GError *error = NULL;

  if (!(cron = read_text (host, "maintenance.crontab", cron_cmd, cancellable, &error)) ||
      !(timers = read_text (host, "maintenance.timers", timers_cmd, cancellable, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  jobs = sn_maintenance_parse_crontab (cron);
  if (*g_strstrip (timers) != '\0' && !(systemd = sn_maintenance_parse_timers (timers, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  if (systemd != NULL && systemd->len > 0)
    {
      g_autoptr(GPtrArray) argv = g_ptr_array_new ();
      g_autofree char *show_cmd = NULL;
      g_autofree char *results = NULL;

      for (const char *const *p = (const char * const[]) { "show", "-p", "Id", "-p", "Result", "-p",
                                                           "ExecMainStatus", "-p", "ExecMainExitTimestamp",
                                                           NULL }; *p != NULL; p++)
        g_ptr_array_add (argv, (gpointer) *p);
      for (guint i = 0; i < systemd->len; i++)
        g_ptr_array_add (argv, ((SnScheduledJob *) g_ptr_array_index (systemd, i))->service);
      g_ptr_array_add (argv, NULL);
      show_cmd = sn_host_command_program ("systemctl", (const char * const *) argv->pdata);
      if (!(results = read_text (host, "maintenance.timers", show_cmd, cancellable, &error)))
        {
          g_task_return_error (task, error);
          return;
        }
      sn_maintenance_apply_results (systemd, results);
      for (guint i = 0; i < systemd->len; i++)
        g_ptr_array_add (jobs, g_object_ref (g_ptr_array_index (systemd, i)));
    }
  g_list_store_splice (store, 0, 0, jobs->pdata, jobs->len);
  g_task_return_pointer (task, g_steal_pointer (&store), g_object_unref);
}

void
sn_maintenance_jobs_async (SnHost              *host,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_maintenance_jobs_async);
  g_task_run_in_thread (task, jobs_thread);
}

/**
 * sn_maintenance_jobs_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnScheduledJob
 */
GListModel *
sn_maintenance_jobs_finish (SnHost        *host,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sn_maintenance_jobs_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
