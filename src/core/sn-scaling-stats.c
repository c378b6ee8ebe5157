/* sn-scaling-stats.c: per container CPU and memory now (`docker stats`)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sn-await.h"
#include "sn-host-command.h"
#include "sn-scaling.h"

#define STATS_TIMEOUT_MS (60 * 1000)

G_DEFINE_QUARK (sn-scaling-error-quark, sn_scaling_error)

struct _SnContainerStats
{
  GObject  parent_instance;

  char    *name;
  double   cpu_percent;
  guint64  mem_usage;
  guint64  mem_limit;
  double   mem_percent;
  guint    pids;
};

enum
{
  PROP_0,
  PROP_NAME,
  PROP_CPU_PERCENT,
  PROP_MEM_USAGE,
  PROP_MEM_LIMIT,
  PROP_MEM_PERCENT,
  PROP_PIDS,
  PROP_CPU_TEXT,
  PROP_MEMORY_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SnContainerStats, sn_container_stats, G_TYPE_OBJECT)

static void
sn_container_stats_finalize (GObject *object)
{
  SnContainerStats *self = SN_CONTAINER_STATS (object);

  g_free (self->name);
  G_OBJECT_CLASS (sn_container_stats_parent_class)->finalize (object);
}

static void
sn_container_stats_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SnContainerStats *self = SN_CONTAINER_STATS (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_CPU_PERCENT:
      g_value_set_double (value, self->cpu_percent);
      break;
    case PROP_MEM_USAGE:
      g_value_set_uint64 (value, self->mem_usage);
      break;
    case PROP_MEM_LIMIT:
      g_value_set_uint64 (value, self->mem_limit);
      break;
    case PROP_MEM_PERCENT:
      g_value_set_double (value, self->mem_percent);
      break;
    case PROP_PIDS:
      g_value_set_uint (value, self->pids);
      break;
    case PROP_CPU_TEXT:
      g_value_take_string (value, g_strdup_printf ("%.1f %%", self->cpu_percent));
      break;
    case PROP_MEMORY_TEXT:
      {
        g_autofree char *usage = g_format_size_full (self->mem_usage, G_FORMAT_SIZE_IEC_UNITS);
        g_autofree char *limit = g_format_size_full (self->mem_limit, G_FORMAT_SIZE_IEC_UNITS);

        /* Translators: a container's memory use: used / limit (percent) */
        g_value_take_string (value, g_strdup_printf (_("%s / %s (%.1f %%)"), usage, limit, self->mem_percent));
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_container_stats_class_init (SnContainerStatsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_container_stats_finalize;
  object_class->get_property = sn_container_stats_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_CPU_PERCENT] = g_param_spec_double ("cpu-percent", NULL, NULL,
                                                      0, G_MAXDOUBLE, 0, flags);
  properties[PROP_MEM_USAGE] = g_param_spec_uint64 ("mem-usage", NULL, NULL,
                                                    0, G_MAXUINT64, 0, flags);
  properties[PROP_MEM_LIMIT] = g_param_spec_uint64 ("mem-limit", NULL, NULL,
                                                    0, G_MAXUINT64, 0, flags);
  properties[PROP_MEM_PERCENT] = g_param_spec_double ("mem-percent", NULL, NULL,
                                                      0, G_MAXDOUBLE, 0, flags);
  properties[PROP_PIDS] = g_param_spec_uint ("pids", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_CPU_TEXT] = g_param_spec_string ("cpu-text", NULL, NULL, NULL, flags);
  properties[PROP_MEMORY_TEXT] = g_param_spec_string ("memory-text", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_container_stats_init (SnContainerStats *self)
{
}

const char *
sn_container_stats_get_name (SnContainerStats *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER_STATS (self), NULL);
  return self->name;
}

double
sn_container_stats_get_cpu_percent (SnContainerStats *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER_STATS (self), 0);
  return self->cpu_percent;
}

guint64
sn_container_stats_get_mem_usage (SnContainerStats *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER_STATS (self), 0);
  return self->mem_usage;
}

guint64
sn_container_stats_get_mem_limit (SnContainerStats *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER_STATS (self), 0);
  return self->mem_limit;
}

double
sn_container_stats_get_mem_percent (SnContainerStats *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER_STATS (self), 0);
  return self->mem_percent;
}

guint
sn_container_stats_get_pids (SnContainerStats *self)
{
  g_return_val_if_fail (SN_IS_CONTAINER_STATS (self), 0);
  return self->pids;
}

/* Parsing ------------------------------------------------------------------ */

/**
 * sn_scaling_parse_docker_size:
 * @text: "42.1MiB", "1GiB", "1.2MB", "0B" (docker's binary or decimal units)
 *
 * Returns: %TRUE when @text is a size
 */
gboolean
sn_scaling_parse_docker_size (const char *text,
                              guint64    *bytes)
{
  static const struct { const char *unit; double factor; } units[] = {
    { "B", 1 }, { "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "TB", 1e12 },
    { "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 }, { "TiB", 1099511627776.0 },
  };
  g_autofree char *copy = NULL;
  char *end = NULL;
  double value;

  if (text == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  value = g_ascii_strtod (copy, &end);
  if (end == copy || !isfinite (value) || value < 0)
    return FALSE;
  while (*end == ' ')
    end++;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_str_equal (end, units[i].unit))
      {
        *bytes = (guint64)(value * units[i].factor + 0.5);
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_percent (const char *text,
               double     *value)
{
  char *end = NULL;

  if (text == NULL)
    return FALSE;
  if (g_str_equal (text, "--"))   /* a container starting or stopping */
    {
      *value = 0;
      return TRUE;
    }
  *value = g_ascii_strtod (text, &end);
  return end != text && g_str_equal (end, "%") && isfinite (*value) && *value >= 0;
}

static SnContainerStats *
parse_stats_line (const char  *line,
                  guint        number,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(SnContainerStats) stats = NULL;
  g_auto(GStrv) mem = NULL;
  JsonObject *object;
  const char *name;
  const char *pids;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto bad;
  object = json_node_get_object (json_parser_get_root (parser));
  name = json_object_get_string_member_with_default (object, "Name", NULL);
  if (name == NULL || *name == '\0')
    goto bad;

  stats = g_object_new (SN_TYPE_CONTAINER_STATS, NULL);
  stats->name = g_strdup (name);
  mem = g_strsplit (json_object_get_string_member_with_default (object, "MemUsage", ""), " / ", 2);
  if (!parse_percent (json_object_get_string_member_with_default (object, "CPUPerc", NULL),
                      &stats->cpu_percent) ||
      !parse_percent (json_object_get_string_member_with_default (object, "MemPerc", NULL),
                      &stats->mem_percent) ||
      g_strv_length (mem) != 2 ||
      !sn_scaling_parse_docker_size (mem[0], &stats->mem_usage) ||
      !sn_scaling_parse_docker_size (mem[1], &stats->mem_limit))
    goto bad;
  pids = json_object_get_string_member_with_default (object, "PIDs", "0");
  stats->pids = (guint)g_ascii_strtoull (pids, NULL, 10);
  return g_steal_pointer (&stats);

bad:
  g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE,
               _("Line %u of `docker stats` is not what the app expects: %.80s. "
                 "Check the Docker version on the host."), number, line);
  return NULL;
}

/**
 * sn_scaling_parse_docker_stats:
 * @text: the output of `docker stats --no-stream --format '{{json .}}'`
 *
 * Returns: (transfer full): a #GListModel of #SnContainerStats, or %NULL
 */
GListModel *
sn_scaling_parse_docker_stats (const char  *text,
                               GError     **error)
{
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_CONTAINER_STATS);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(SnContainerStats) stats = NULL;
      char *line = g_strstrip (lines[i]);

      if (*line == '\0')
        continue;
      if (!(stats = parse_stats_line (line, i + 1, error)))
        return NULL;
      g_list_store_append (store, stats);
    }
  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* Over SSH ----------------------------------------------------------------- */

static void
stats_exec_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  GListModel *model;

  if (!(exec = sn_host_exec_finish (SN_HOST (object), result, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!sn_ssh_exec_result_get_success (exec))
    {
      g_autofree char *err = sn_ssh_exec_result_dup_stderr_text (exec);

      g_task_return_new_error (task, SN_HOST_ERROR, SN_HOST_ERROR_FAILED,
                               _("`docker stats` failed on the host (exit status %d): %s"),
                               sn_ssh_exec_result_get_exit_status (exec),
                               err != NULL ? g_strstrip (err) : "");
      return;
    }
  out = sn_ssh_exec_result_dup_stdout_text (exec);
  if (!(model = sn_scaling_parse_docker_stats (out, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, model, g_object_unref);
}

/**
 * sn_scaling_stats_async:
 *
 * Each running container's CPU and memory use against its limit, now
 * (`docker stats --no-stream --format '{{json .}}'`). Reads only.
 */
void
sn_scaling_stats_async (SnHost              *host,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  static const char * const argv[] = { "stats", "--no-stream", "--format", "{{json .}}", NULL };
  g_autoptr(GTask) task = NULL;
  g_autofree char *command = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_scaling_stats_async);
  command = sn_host_command_docker (argv);
  sn_host_exec_async (host, "scaling.stats", command, NULL, STATS_TIMEOUT_MS,
                      NULL, NULL, NULL, cancellable, stats_exec_cb, g_steal_pointer (&task));
}

/**
 * sn_scaling_stats_finish:
 *
 * Returns: (transfer full): a #GListModel of #SnContainerStats
 */
GListModel *
sn_scaling_stats_finish (SnHost        *host,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
