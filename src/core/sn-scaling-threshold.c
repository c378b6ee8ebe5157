/* sn-scaling-threshold.c: one runbook threshold (§5.4), its PromQL and state
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sn-scaling-private.h"

/* What the real system lacks for each (target-system.md §3, §10.5). */
static const struct
{
  const char *id;
  const char *title;
  const char *advice;
  const char *missing;
  const char *unit;
} kinds[SN_THRESHOLD_N] = {
  { "cpu", N_("App CPU"), N_("Add an instance (runbook §5.2)."),
    N_("Prometheus has no process_cpu_seconds_total from the app: its scrape of app:3000/api/metrics "
       "sends no key and is refused (403) unless Prometheus’ address passes the internal-IP test; "
       "host CPU (node_*) is not scraped at all (target-system §3.3)."), "%" },
  { "ram", N_("App memory"), N_("Add memory (runbook §5.1)."),
    N_("Prometheus has no process_resident_memory_bytes from the app: its scrape is refused (403) "
       "without the monitoring key; host memory (node_*) is not scraped (target-system §3.3)."), "%" },
  { "p95", N_("P95 latency"), N_("Investigate: the slowest routes, the database, the logs."),
    N_("http_request_duration_ms is never observed: the middleware that fed it is no longer "
       "loaded by Next.js (target-system §3.2)."), "s" },
  { "errors", N_("Error rate"), N_("Declare a SEV1 incident (runbook §1.3)."),
    N_("http_requests_total is never incremented: the middleware that fed it is no longer "
       "loaded by Next.js (target-system §3.2)."), "%" },
  { "db", N_("Database connections"), N_("Use a connection pool (runbook §5.4)."),
    N_("No metric of database connections exists: no postgres-exporter job is scraped and the "
       "app exports none (target-system §3.3, §10.5)."), "%" },
};

struct _SnThreshold
{
  GObject           parent_instance;

  SnThresholdKind   kind;
  char             *promql;
  double            limit;
  guint             duration;
  SnThresholdState  state;
  double            value;
  gint64            since;
  char             *reason;
  GArray           *times;    /* gint64 */
  GArray           *values;   /* double */
};

enum
{
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_PROMQL,
  PROP_STATE_LABEL,
  PROP_VALUE_TEXT,
  PROP_LIMIT_TEXT,
  PROP_ADVICE,
  PROP_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (SnThreshold, sn_threshold, G_TYPE_OBJECT)

static void
sn_threshold_finalize (GObject *object)
{
  SnThreshold *self = SN_THRESHOLD (object);

  g_free (self->promql);
  g_free (self->reason);
  g_array_unref (self->times);
  g_array_unref (self->values);
  G_OBJECT_CLASS (sn_threshold_parent_class)->finalize (object);
}

static char *
dup_limit_text (SnThreshold *self)
{
  g_autofree char *value = NULL;

  value = g_strdup_printf ("> %g %s", self->limit, kinds[self->kind].unit);
  if (self->duration == 0)
    return g_steal_pointer (&value);
  if (self->duration % 60 == 0)
    return g_strdup_printf (_("%s for %u min"), value, self->duration / 60);
  return g_strdup_printf (_("%s for %u s"), value, self->duration);
}

static void
sn_threshold_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnThreshold *self = SN_THRESHOLD (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, kinds[self->kind].id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, sn_threshold_get_title (self));
      break;
    case PROP_PROMQL:
      g_value_set_string (value, self->promql);
      break;
    case PROP_STATE_LABEL:
      g_value_set_string (value, sn_threshold_state_to_label (self->state));
      break;
    case PROP_VALUE_TEXT:
      g_value_take_string (value, sn_threshold_dup_value_text (self));
      break;
    case PROP_LIMIT_TEXT:
      g_value_take_string (value, dup_limit_text (self));
      break;
    case PROP_ADVICE:
      g_value_set_string (value, sn_threshold_get_advice (self));
      break;
    case PROP_REASON:
      g_value_set_string (value, self->reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_threshold_class_init (SnThresholdClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_threshold_finalize;
  object_class->get_property = sn_threshold_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_PROMQL] = g_param_spec_string ("promql", NULL, NULL, NULL, flags);
  properties[PROP_STATE_LABEL] = g_param_spec_string ("state-label", NULL, NULL, NULL, flags);
  properties[PROP_VALUE_TEXT] = g_param_spec_string ("value-text", NULL, NULL, NULL, flags);
  properties[PROP_LIMIT_TEXT] = g_param_spec_string ("limit-text", NULL, NULL, NULL, flags);
  properties[PROP_ADVICE] = g_param_spec_string ("advice", NULL, NULL, NULL, flags);
  properties[PROP_REASON] = g_param_spec_string ("reason", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_threshold_init (SnThreshold *self)
{
  self->value = NAN;
  self->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
}

SnThreshold *
_sn_threshold_new (SnThresholdKind          kind,
                   const SnScalingSettings *settings)
{
  SnThreshold *self = g_object_new (SN_TYPE_THRESHOLD, NULL);

  self->kind = kind;
  self->promql = sn_scaling_dup_promql (kind, settings);
  self->limit = settings->limit[kind];
  self->duration = settings->duration[kind];
  self->state = SN_THRESHOLD_STATE_UNAVAILABLE;
  return self;
}

void
_sn_threshold_set_unavailable (SnThreshold *self,
                               const char  *reason)
{
  self->state = SN_THRESHOLD_STATE_UNAVAILABLE;
  self->value = NAN;
  self->since = 0;
  g_free (self->reason);
  self->reason = g_strdup (reason != NULL ? reason : _(kinds[self->kind].missing));
}

void
_sn_threshold_set_result (SnThreshold  *self,
                          double        value,
                          GArray       *times,
                          GArray       *values,
                          gint64        now,
                          guint         step,
                          double        warning_ratio)
{
  self->value = value;
  g_array_set_size (self->times, 0);
  g_array_set_size (self->values, 0);
  g_array_append_vals (self->times, times->data, times->len);
  g_array_append_vals (self->values, values->data, values->len);
  g_clear_pointer (&self->reason, g_free);
  self->state = sn_scaling_evaluate ((const gint64 *)(gpointer)times->data,
                                     (const double *)(gpointer)values->data, times->len,
                                     now, step, self->limit, self->duration, warning_ratio,
                                     &self->since);
  /* The instant value decides "above now" when the range lags behind it. */
  if (self->state == SN_THRESHOLD_STATE_OK && isfinite (value) &&
      value >= self->limit * warning_ratio)
    self->state = SN_THRESHOLD_STATE_WARNING;
}

SnThresholdKind
sn_threshold_get_kind (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), 0);
  return self->kind;
}

const char *
sn_threshold_get_title (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);
  return _(kinds[self->kind].title);
}

const char *
sn_threshold_get_promql (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);
  return self->promql;
}

double
sn_threshold_get_limit (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), 0);
  return self->limit;
}

guint
sn_threshold_get_duration (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), 0);
  return self->duration;
}

SnThresholdState
sn_threshold_get_state (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), SN_THRESHOLD_STATE_UNAVAILABLE);
  return self->state;
}

double
sn_threshold_get_value (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NAN);
  return self->value;
}

gint64
sn_threshold_get_since (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), 0);
  return self->since;
}

char *
sn_threshold_dup_value_text (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);

  if (self->state == SN_THRESHOLD_STATE_UNAVAILABLE || !isfinite (self->value))
    return g_strdup ("—");
  if (g_str_equal (kinds[self->kind].unit, "s"))
    return g_strdup_printf ("%.2f s", self->value);
  return g_strdup_printf ("%.1f %%", self->value);
}

const char *
sn_threshold_get_reason (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);
  return self->reason;
}

const char *
sn_threshold_get_advice (SnThreshold *self)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);
  return _(kinds[self->kind].advice);
}

const double *
sn_threshold_get_series (SnThreshold *self,
                         guint       *n_points)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);
  *n_points = self->values->len;
  return (const double *)(gpointer)self->values->data;
}

const gint64 *
sn_threshold_get_times (SnThreshold *self,
                        guint       *n_points)
{
  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);
  *n_points = self->times->len;
  return (const gint64 *)(gpointer)self->times->data;
}

/**
 * sn_threshold_to_json:
 *
 * Returns: (transfer full): { "id", "title", "promql", "limit", "duration",
 *   "state", "value" (null when unavailable), "since" (ISO 8601 or null),
 *   "reason", "advice", "series": [[unix, value], ...] }
 */
JsonNode *
sn_threshold_to_json (SnThreshold *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (SN_IS_THRESHOLD (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, kinds[self->kind].id);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, sn_threshold_get_title (self));
  json_builder_set_member_name (builder, "promql");
  json_builder_add_string_value (builder, self->promql);
  json_builder_set_member_name (builder, "limit");
  json_builder_add_double_value (builder, self->limit);
  json_builder_set_member_name (builder, "duration");
  json_builder_add_int_value (builder, self->duration);
  json_builder_set_member_name (builder, "state");
  json_builder_add_string_value (builder, sn_threshold_state_to_string (self->state));
  json_builder_set_member_name (builder, "value");
  if (self->state != SN_THRESHOLD_STATE_UNAVAILABLE && isfinite (self->value))
    json_builder_add_double_value (builder, self->value);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "since");
  if (self->since > 0)
    {
      g_autoptr(GDateTime) since = g_date_time_new_from_unix_utc (self->since);
      g_autofree char *iso = g_date_time_format_iso8601 (since);

      json_builder_add_string_value (builder, iso);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "reason");
  if (self->reason != NULL)
    json_builder_add_string_value (builder, self->reason);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "advice");
  json_builder_add_string_value (builder, sn_threshold_get_advice (self));
  json_builder_set_member_name (builder, "series");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->values->len; i++)
    {
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, g_array_index (self->times, gint64, i));
      json_builder_add_double_value (builder, g_array_index (self->values, double, i));
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Kinds, states, settings -------------------------------------------------- */

const char *
sn_threshold_kind_to_id (SnThresholdKind kind)
{
  g_return_val_if_fail (kind < SN_THRESHOLD_N, NULL);
  return kinds[kind].id;
}

const char *
sn_threshold_state_to_string (SnThresholdState state)
{
  switch (state)
    {
    case SN_THRESHOLD_STATE_OK:
      return "ok";
    case SN_THRESHOLD_STATE_WARNING:
      return "warning";
    case SN_THRESHOLD_STATE_FIRING:
      return "firing";
    case SN_THRESHOLD_STATE_UNAVAILABLE:
    default:
      return "unavailable";
    }
}

const char *
sn_threshold_state_to_label (SnThresholdState state)
{
  switch (state)
    {
    case SN_THRESHOLD_STATE_OK:
      return _("OK");
    case SN_THRESHOLD_STATE_WARNING:
      return _("Warning");
    case SN_THRESHOLD_STATE_FIRING:
      return _("Firing");
    case SN_THRESHOLD_STATE_UNAVAILABLE:
    default:
      return _("Unavailable");
    }
}

/**
 * sn_scaling_settings_init:
 *
 * The runbook's thresholds (§5.4): CPU > 80 % for 5 min, RAM > 85 % for
 * 5 min, P95 > 2 s for 5 min, error rate > 5 % for 1 min, DB connections
 * > 80 % of the pool; the app's memory limit of the real compose file
 * (`mem_limit 1g`); a 6-hour series at one point a minute.
 */
void
sn_scaling_settings_init (SnScalingSettings *settings)
{
  static const double limits[SN_THRESHOLD_N] = { 80, 85, 2, 5, 80 };
  static const guint durations[SN_THRESHOLD_N] = { 300, 300, 300, 60, 0 };

  for (guint i = 0; i < SN_THRESHOLD_N; i++)
    {
      settings->limit[i] = limits[i];
      settings->duration[i] = durations[i];
    }
  settings->warning_ratio = 0.9;
  settings->app_memory_mib = 1024;
  settings->range_hours = 6;
  settings->step_seconds = 60;
}

/**
 * sn_scaling_dup_promql:
 *
 * Returns: (transfer full): the PromQL evaluated for @kind
 */
char *
sn_scaling_dup_promql (SnThresholdKind          kind,
                       const SnScalingSettings *settings)
{
  switch (kind)
    {
    case SN_THRESHOLD_CPU:
      return g_strdup ("100 * rate(process_cpu_seconds_total{job=\"sweetnarcisse-app\"}[1m])");
    case SN_THRESHOLD_RAM:
      return g_strdup_printf ("100 * process_resident_memory_bytes{job=\"sweetnarcisse-app\"} / %"
                              G_GUINT64_FORMAT, (guint64)settings->app_memory_mib * 1048576);
    case SN_THRESHOLD_P95:
      return g_strdup ("histogram_quantile(0.95, sum by (le) (rate(http_request_duration_ms_bucket"
                       "{job=\"sweetnarcisse-app\"}[5m]))) / 1000");
    case SN_THRESHOLD_ERRORS:
      return g_strdup ("100 * sum(rate(http_requests_total{job=\"sweetnarcisse-app\",status=~\"5..\"}[1m]))"
                       " / sum(rate(http_requests_total{job=\"sweetnarcisse-app\"}[1m]))");
    case SN_THRESHOLD_DB_CONNECTIONS:
      return g_strdup ("100 * sum(pg_stat_activity_count) / sum(pg_settings_max_connections)");
    case SN_THRESHOLD_N:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * sn_scaling_evaluate:
 * @times: sample times, ascending, unix seconds
 * @step: the series' resolution: a gap longer than it breaks a run
 * @since: (out): when the values went above @limit and stayed there, or 0
 *
 * "firing" when the newest sample is above @limit and every sample of the
 * last @duration seconds was too (the run started @duration or more ago);
 * "warning" when it is above but not for long enough yet, or at
 * @warning_ratio of the limit or more; "ok" otherwise; "unavailable"
 * without a recent sample (none in the last two steps).
 */
SnThresholdState
sn_scaling_evaluate (const gint64 *times,
                     const double *values,
                     guint         n,
                     gint64        now,
                     guint         step,
                     double        limit,
                     guint         duration,
                     double        warning_ratio,
                     gint64       *since)
{
  gint64 start;
  guint i;

  *since = 0;
  if (n == 0 || times[n - 1] < now - 2 * (gint64)MAX (step, 1) - 1)
    return SN_THRESHOLD_STATE_UNAVAILABLE;
  if (!isfinite (values[n - 1]))
    return SN_THRESHOLD_STATE_UNAVAILABLE;
  if (values[n - 1] <= limit)
    return values[n - 1] >= limit * warning_ratio ? SN_THRESHOLD_STATE_WARNING
                                                   : SN_THRESHOLD_STATE_OK;

  /* Walk back over the run of samples above the limit, without gaps. */
  i = n - 1;
  start = times[i];
  while (i > 0 && isfinite (values[i - 1]) && values[i - 1] > limit &&
         times[i] - times[i - 1] <= (gint64)MAX (step, 1))
    {
      i--;
      start = times[i];
    }
  *since = start;
  if (now - start >= (gint64)duration)
    return SN_THRESHOLD_STATE_FIRING;
  return SN_THRESHOLD_STATE_WARNING;
}
