/* sn-incident.c: an incident: severity, response clock, timeline
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-incident"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-audit-log.h"
#include "sn-core-enums.h"
#include "sn-incident-private.h"

/* Severity ----------------------------------------------------------------- */

const char *
sn_severity_to_string (SnSeverity severity)
{
  switch (severity)
    {
    case SN_SEVERITY_SEV1: return "SEV1";
    case SN_SEVERITY_SEV2: return "SEV2";
    case SN_SEVERITY_SEV3: return "SEV3";
    case SN_SEVERITY_SEV4: return "SEV4";
    case SN_SEVERITY_NONE:
    default: return "none";
    }
}

SnSeverity
sn_severity_from_string (const char *text)
{
  if (text == NULL)
    return SN_SEVERITY_NONE;
  if (g_ascii_strncasecmp (text, "sev", 3) == 0)
    text += 3;
  if (text[0] >= '1' && text[0] <= '4' && text[1] == '\0')
    return (SnSeverity) (text[0] - '0');
  return SN_SEVERITY_NONE;
}

const char *
sn_severity_get_impact (SnSeverity severity)
{
  switch (severity)
    {
    case SN_SEVERITY_SEV1: return _("Service down");
    case SN_SEVERITY_SEV2: return _("Major degradation");
    case SN_SEVERITY_SEV3: return _("Minor degradation");
    case SN_SEVERITY_SEV4: return _("Minor bug");
    case SN_SEVERITY_NONE:
    default: return _("Not classified");
    }
}

const char *
sn_severity_get_examples (SnSeverity severity)
{
  switch (severity)
    {
    case SN_SEVERITY_SEV1: return _("Site unreachable, database down");
    case SN_SEVERITY_SEV2: return _("Payments impossible");
    case SN_SEVERITY_SEV3: return _("Cache down, slowness");
    case SN_SEVERITY_SEV4: return _("Wrong display");
    case SN_SEVERITY_NONE:
    default: return "";
    }
}

gint64
sn_severity_get_target_seconds (SnSeverity severity)
{
  switch (severity)
    {
    case SN_SEVERITY_SEV1: return 15 * 60;
    case SN_SEVERITY_SEV2: return 30 * 60;
    case SN_SEVERITY_SEV3: return 2 * 3600;
    case SN_SEVERITY_SEV4: return 24 * 3600;
    case SN_SEVERITY_NONE:
    default: return 24 * 3600;
    }
}

char *
sn_format_duration (gint64 seconds)
{
  const char *sign = seconds < 0 ? "-" : "";
  guint64 s = (guint64) ABS (seconds);

  if (s >= 3600)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT " h %02u min", sign, s / 3600,
                            (guint) ((s % 3600) / 60));
  if (s >= 60)
    return g_strdup_printf ("%s%u min %02u s", sign, (guint) (s / 60), (guint) (s % 60));
  return g_strdup_printf ("%s%u s", sign, (guint) s);
}

static const char *kind_nicks[] = { "check", "runbook", "command", "note", "severity", "state" };

const char *
sn_timeline_kind_to_string (SnTimelineKind kind)
{
  g_return_val_if_fail (kind <= SN_TIMELINE_KIND_STATE, "note");
  return kind_nicks[kind];
}

gboolean
sn_timeline_kind_from_string (const char     *text,
                              SnTimelineKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (kind_nicks); i++)
    if (g_strcmp0 (text, kind_nicks[i]) == 0)
      {
        *kind = (SnTimelineKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
sn_timeline_kind_get_label (SnTimelineKind kind)
{
  switch (kind)
    {
    case SN_TIMELINE_KIND_CHECK: return _("Check");
    case SN_TIMELINE_KIND_RUNBOOK: return _("Runbook");
    case SN_TIMELINE_KIND_COMMAND: return _("Command");
    case SN_TIMELINE_KIND_NOTE: return _("Note");
    case SN_TIMELINE_KIND_SEVERITY: return _("Severity");
    case SN_TIMELINE_KIND_STATE: return _("State");
    default: return "";
    }
}

char *
sn_incident_redact (const char *text)
{
  static gsize initialized;
  static GRegex *headers;
  g_autofree char *step1 = NULL;

  if (text == NULL)
    return NULL;

  if (g_once_init_enter (&initialized))
    {
      headers = g_regex_new ("((?:x-)?(?:api|cron|monitoring)[-_]?key\\s*:\\s*)[^'\"\\s]+",
                             G_REGEX_CASELESS, 0, NULL);
      g_once_init_leave (&initialized, 1);
    }

  step1 = sn_audit_redact (text);
  return g_regex_replace (headers, step1, -1, 0, "\\1[REDACTED]", 0, NULL);
}

char *
sn_incident_replace_values (const char         *text,
                            const char * const *secrets)
{
  g_autoptr(GString) out = NULL;
  guint replaced = 0;

  if (text == NULL)
    return NULL;
  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++)
    {
      if (strlen (secrets[i]) < 4 || strstr (out != NULL ? out->str : text, secrets[i]) == NULL)
        continue;
      if (out == NULL)
        out = g_string_new (text);
      replaced += g_string_replace (out, secrets[i], "[REDACTED]", 0);
    }
  return replaced > 0 ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

static gboolean
replace_field (char               **field,
               const char * const  *secrets)
{
  char *redacted = sn_incident_replace_values (*field, secrets);

  if (redacted == NULL)
    return FALSE;
  g_free (*field);
  *field = redacted;
  return TRUE;
}

/* Incident ----------------------------------------------------------------- */

struct _SnIncident
{
  GObject          parent_instance;

  GListStore      *timeline;
  GDateTime       *declared_at;
  GDateTime       *detected_at;
  GDateTime       *responded_at;
  GDateTime       *resolved_at;
  char            *id;
  char            *profile;
  char            *title;
  char            *override_reason;
  char            *resolution;

  SnSeverity       severity;
  SnSeverity       proposed;
  SnIncidentState  state;
};

G_DEFINE_FINAL_TYPE (SnIncident, sn_incident, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PROFILE,
  PROP_TITLE,
  PROP_SEVERITY,
  PROP_PROPOSED_SEVERITY,
  PROP_OVERRIDE_REASON,
  PROP_DECLARED_AT,
  PROP_DETECTED_AT,
  PROP_RESPONDED_AT,
  PROP_RESOLVED_AT,
  PROP_RESOLUTION,
  PROP_STATE,
  PROP_TIMELINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
sn_incident_finalize (GObject *object)
{
  SnIncident *self = SN_INCIDENT (object);

  g_clear_object (&self->timeline);
  g_clear_pointer (&self->declared_at, g_date_time_unref);
  g_clear_pointer (&self->detected_at, g_date_time_unref);
  g_clear_pointer (&self->responded_at, g_date_time_unref);
  g_clear_pointer (&self->resolved_at, g_date_time_unref);
  g_free (self->id);
  g_free (self->profile);
  g_free (self->title);
  g_free (self->override_reason);
  g_free (self->resolution);

  G_OBJECT_CLASS (sn_incident_parent_class)->finalize (object);
}

static void
sn_incident_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SnIncident *self = SN_INCIDENT (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_PROFILE: g_value_set_string (value, self->profile); break;
    case PROP_TITLE: g_value_set_string (value, self->title); break;
    case PROP_SEVERITY: g_value_set_int (value, self->severity); break;
    case PROP_PROPOSED_SEVERITY: g_value_set_int (value, self->proposed); break;
    case PROP_OVERRIDE_REASON: g_value_set_string (value, self->override_reason); break;
    case PROP_DECLARED_AT: g_value_set_boxed (value, self->declared_at); break;
    case PROP_DETECTED_AT: g_value_set_boxed (value, self->detected_at); break;
    case PROP_RESPONDED_AT: g_value_set_boxed (value, self->responded_at); break;
    case PROP_RESOLVED_AT: g_value_set_boxed (value, self->resolved_at); break;
    case PROP_RESOLUTION: g_value_set_string (value, self->resolution); break;
    case PROP_STATE: g_value_set_int (value, self->state); break;
    case PROP_TIMELINE: g_value_set_object (value, self->timeline); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_incident_class_init (SnIncidentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = sn_incident_finalize;
  object_class->get_property = sn_incident_get_property;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_PROFILE] = g_param_spec_string ("profile", NULL, NULL, NULL, flags);
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  properties[PROP_SEVERITY] = g_param_spec_int ("severity", NULL, NULL, 0, 4, 0, flags);
  properties[PROP_PROPOSED_SEVERITY] = g_param_spec_int ("proposed-severity", NULL, NULL, 0, 4, 0, flags);
  properties[PROP_OVERRIDE_REASON] = g_param_spec_string ("override-reason", NULL, NULL, NULL, flags);
  properties[PROP_DECLARED_AT] = g_param_spec_boxed ("declared-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_DETECTED_AT] = g_param_spec_boxed ("detected-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_RESPONDED_AT] = g_param_spec_boxed ("responded-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_RESOLVED_AT] = g_param_spec_boxed ("resolved-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_RESOLUTION] = g_param_spec_string ("resolution", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, 1, 0, flags);
  properties[PROP_TIMELINE] = g_param_spec_object ("timeline", NULL, NULL, G_TYPE_LIST_MODEL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_incident_init (SnIncident *self)
{
  self->timeline = g_list_store_new (SN_TYPE_TIMELINE_ENTRY);
}

static GDateTime *
now_or (GDateTime *time)
{
  return time != NULL ? g_date_time_to_utc (time) : g_date_time_new_now_utc ();
}

static void
set_time (SnIncident  *self,
          GDateTime  **field,
          GDateTime   *value,
          guint        prop)
{
  g_clear_pointer (field, g_date_time_unref);
  *field = value != NULL ? g_date_time_to_utc (value) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

/* Takes @params. */
static SnTimelineEntry *
append_event (SnIncident      *self,
              SnTimelineKind   kind,
              SnTimelineEvent  event,
              JsonObject      *params,
              const char      *evidence,
              GDateTime       *time)
{
  g_autoptr(GDateTime) at = now_or (time);
  g_autoptr(SnTimelineEntry) entry = sn_timeline_entry_new (at, g_get_user_name (), kind, event,
                                                            params, evidence);

  g_list_store_append (self->timeline, entry);
  return entry;
}

/* A JSON object of the string parameters: name, value, …, NULL. NULL values are left out. */
static JsonObject *
params_new (const char *first_name,
            ...)
{
  JsonObject *params = json_object_new ();
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        json_object_set_string_member (params, name, value);
      name = va_arg (args, const char *);
    }
  va_end (args);
  return params;
}

/* Entries that are a person's action set responded-at: the first one. */
static SnTimelineEntry *
add_event (SnIncident      *self,
           SnTimelineKind   kind,
           SnTimelineEvent  event,
           JsonObject      *params,
           const char      *evidence,
           GDateTime       *time)
{
  SnTimelineEntry *entry = append_event (self, kind, event, params, evidence, time);

  if (self->responded_at == NULL && kind <= SN_TIMELINE_KIND_NOTE)
    set_time (self, &self->responded_at, sn_timeline_entry_get_time (entry), PROP_RESPONDED_AT);
  return entry;
}

static char *
make_id (GDateTime *declared_at)
{
  g_autofree char *stamp = g_date_time_format (declared_at, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s-%04x", stamp, g_random_int_range (0, 0x10000));
}

/**
 * sn_incident_new:
 * @declared_at: (nullable): when it was declared; now if NULL
 *
 * Declares an incident: the timeline starts with the declaration and, if
 * the severity differs from the proposed one, the reason for the override.
 */
SnIncident *
sn_incident_new (const char *profile,
                 const char *title,
                 SnSeverity  severity,
                 SnSeverity  proposed,
                 const char *override_reason,
                 GDateTime  *declared_at)
{
  SnIncident *self;

  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (severity >= SN_SEVERITY_SEV1 && severity <= SN_SEVERITY_SEV4, NULL);

  self = g_object_new (SN_TYPE_INCIDENT, NULL);
  self->declared_at = now_or (declared_at);
  self->id = make_id (self->declared_at);
  self->profile = g_strdup (profile);
  self->title = sn_incident_redact (title != NULL && *title != '\0' ? title : _("Incident"));
  self->severity = severity;
  self->proposed = proposed;
  self->override_reason = override_reason != NULL && *override_reason != '\0'
                          ? sn_incident_redact (override_reason) : NULL;
  self->state = SN_INCIDENT_STATE_OPEN;

  append_event (self, SN_TIMELINE_KIND_STATE, SN_TIMELINE_EVENT_DECLARED,
                params_new ("severity", sn_severity_to_string (severity), "title", self->title, NULL),
                NULL, self->declared_at);
  if (proposed != SN_SEVERITY_NONE && proposed != severity)
    append_event (self, SN_TIMELINE_KIND_SEVERITY, SN_TIMELINE_EVENT_SEVERITY_OVERRIDE,
                  params_new ("proposed", sn_severity_to_string (proposed),
                              "severity", sn_severity_to_string (severity),
                              "reason", self->override_reason, NULL),
                  NULL, self->declared_at);

  return self;
}

const char *
sn_incident_get_id (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->id;
}

const char *
sn_incident_get_profile (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->profile;
}

const char *
sn_incident_get_title (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->title;
}

SnSeverity
sn_incident_get_severity (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), SN_SEVERITY_NONE);
  return self->severity;
}

SnSeverity
sn_incident_get_proposed_severity (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), SN_SEVERITY_NONE);
  return self->proposed;
}

const char *
sn_incident_get_override_reason (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->override_reason;
}

GDateTime *
sn_incident_get_declared_at (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->declared_at;
}

GDateTime *
sn_incident_get_detected_at (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->detected_at != NULL ? self->detected_at : self->declared_at;
}

GDateTime *
sn_incident_get_responded_at (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->responded_at;
}

GDateTime *
sn_incident_get_resolved_at (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->resolved_at;
}

const char *
sn_incident_get_resolution (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return self->resolution;
}

SnIncidentState
sn_incident_get_state (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), SN_INCIDENT_STATE_OPEN);
  return self->state;
}

GListModel *
sn_incident_get_timeline (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return G_LIST_MODEL (self->timeline);
}

void
sn_incident_set_detected_at (SnIncident *self,
                             GDateTime  *detected_at)
{
  g_return_if_fail (SN_IS_INCIDENT (self));
  set_time (self, &self->detected_at, detected_at, PROP_DETECTED_AT);
}

/**
 * sn_incident_add_entry:
 * @text: what happened; secrets are redacted
 * @evidence: (nullable): a report file backing it
 * @time: (nullable): when; now if NULL
 *
 * Returns: (transfer none): the new entry
 */
SnTimelineEntry *
sn_incident_add_entry (SnIncident     *self,
                       SnTimelineKind  kind,
                       const char     *text,
                       const char     *evidence,
                       GDateTime      *time)
{
  g_autofree char *redacted = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);

  redacted = sn_incident_redact (text != NULL ? text : "");
  return add_event (self, kind, SN_TIMELINE_EVENT_TEXT, params_new ("text", redacted, NULL),
                    evidence, time);
}

/**
 * sn_incident_add_observation:
 * @text: what was seen; secrets are redacted
 * @evidence: (nullable): a report file backing it
 * @time: (nullable): when; now if NULL
 *
 * Like sn_incident_add_entry() for what nobody did: the response clock
 * keeps running.
 *
 * Returns: (transfer none): the new entry
 */
SnTimelineEntry *
sn_incident_add_observation (SnIncident     *self,
                             SnTimelineKind  kind,
                             const char     *text,
                             const char     *evidence,
                             GDateTime      *time)
{
  g_autofree char *redacted = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);

  redacted = sn_incident_redact (text != NULL ? text : "");
  return append_event (self, kind, SN_TIMELINE_EVENT_TEXT, params_new ("text", redacted, NULL),
                       evidence, time);
}

/**
 * sn_incident_respond:
 * @note: (nullable): what the person is doing
 * @time: (nullable): when; now if NULL
 *
 * Returns: whether this was the first response
 */
gboolean
sn_incident_respond (SnIncident *self,
                     const char *note,
                     GDateTime  *time)
{
  g_autoptr(GDateTime) at = now_or (time);
  g_autofree char *redacted = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (self), FALSE);

  if (self->responded_at != NULL || self->state == SN_INCIDENT_STATE_RESOLVED)
    return FALSE;

  redacted = note != NULL && *note != '\0' ? sn_incident_redact (note) : NULL;
  append_event (self, SN_TIMELINE_KIND_NOTE, SN_TIMELINE_EVENT_RESPONDED,
                params_new ("note", redacted, NULL), NULL, at);
  set_time (self, &self->responded_at, at, PROP_RESPONDED_AT);
  return TRUE;
}

void
sn_incident_set_severity (SnIncident *self,
                          SnSeverity  severity,
                          const char *reason,
                          GDateTime  *time)
{
  g_autofree char *redacted = NULL;
  SnTimelineEntry *entry;
  JsonObject *params;

  g_return_if_fail (SN_IS_INCIDENT (self));
  g_return_if_fail (severity >= SN_SEVERITY_SEV1 && severity <= SN_SEVERITY_SEV4);

  if (severity == self->severity)
    return;

  redacted = reason != NULL && *reason != '\0' ? sn_incident_redact (reason) : NULL;
  params = params_new ("from", sn_severity_to_string (self->severity),
                       "to", sn_severity_to_string (severity), "reason", redacted, NULL);
  self->severity = severity;
  entry = append_event (self, SN_TIMELINE_KIND_SEVERITY, SN_TIMELINE_EVENT_SEVERITY_CHANGED, params,
                        NULL, time);
  /* Re-grading is a person looking at the incident: a response. */
  if (self->responded_at == NULL)
    set_time (self, &self->responded_at, sn_timeline_entry_get_time (entry), PROP_RESPONDED_AT);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEVERITY]);
}

void
sn_incident_resolve (SnIncident *self,
                     const char *resolution,
                     GDateTime  *time)
{
  g_autoptr(GDateTime) at = now_or (time);

  g_return_if_fail (SN_IS_INCIDENT (self));

  if (self->state == SN_INCIDENT_STATE_RESOLVED)
    return;

  g_free (self->resolution);
  self->resolution = sn_incident_redact (resolution != NULL ? resolution : "");
  append_event (self, SN_TIMELINE_KIND_STATE, SN_TIMELINE_EVENT_RESOLVED,
                params_new ("resolution", self->resolution, NULL), NULL, at);
  if (self->responded_at == NULL)
    set_time (self, &self->responded_at, at, PROP_RESPONDED_AT);
  set_time (self, &self->resolved_at, at, PROP_RESOLVED_AT);
  self->state = SN_INCIDENT_STATE_RESOLVED;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLUTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

GDateTime *
sn_incident_dup_deadline (SnIncident *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  return g_date_time_add_seconds (self->declared_at,
                                  (gdouble) sn_severity_get_target_seconds (self->severity));
}

char *
sn_incident_dup_deadline_label (SnIncident *self,
                                GDateTime  *now)
{
  g_autoptr(GDateTime) deadline = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) current = NULL;
  gboolean same_day;

  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);

  deadline = sn_incident_dup_deadline (self);
  local = g_date_time_to_local (deadline);
  current = now != NULL ? g_date_time_to_local (now) : g_date_time_new_now_local ();
  same_day = g_date_time_get_year (local) == g_date_time_get_year (current) &&
             g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (current);
  return g_date_time_format (local, same_day ? "%H:%M" : "%Y-%m-%d %H:%M");
}

gint64
sn_incident_get_remaining_seconds (SnIncident *self,
                                   GDateTime  *now)
{
  g_autoptr(GDateTime) deadline = NULL;
  g_autoptr(GDateTime) current = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (self), 0);

  deadline = sn_incident_dup_deadline (self);
  current = now_or (now);
  return g_date_time_difference (deadline, current) / G_TIME_SPAN_SECOND;
}

gboolean
sn_incident_is_response_missed (SnIncident *self,
                                GDateTime  *now)
{
  g_autoptr(GDateTime) deadline = NULL;
  g_autoptr(GDateTime) current = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (self), FALSE);

  deadline = sn_incident_dup_deadline (self);
  if (self->responded_at != NULL)
    return g_date_time_compare (self->responded_at, deadline) > 0;
  current = now_or (now);
  return g_date_time_compare (current, deadline) > 0;
}

/* JSON --------------------------------------------------------------------- */

static void
add_time (JsonBuilder *builder,
          const char  *name,
          GDateTime   *time)
{
  json_builder_set_member_name (builder, name);
  if (time == NULL)
    json_builder_add_null_value (builder);
  else
    {
      g_autofree char *text = g_date_time_format_iso8601 (time);

      json_builder_add_string_value (builder, text);
    }
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

JsonNode *
sn_incident_to_json (SnIncident *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n;

  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);

  json_builder_begin_object (builder);
  add_string (builder, "id", self->id);
  add_string (builder, "profile", self->profile);
  add_string (builder, "title", self->title);
  add_string (builder, "severity", sn_severity_to_string (self->severity));
  add_string (builder, "proposed-severity", self->proposed != SN_SEVERITY_NONE
                                            ? sn_severity_to_string (self->proposed) : NULL);
  add_string (builder, "override-reason", self->override_reason);
  add_time (builder, "declared-at", self->declared_at);
  add_time (builder, "detected-at", self->detected_at);
  add_time (builder, "responded-at", self->responded_at);
  add_time (builder, "resolved-at", self->resolved_at);
  add_string (builder, "resolution", self->resolution);
  add_string (builder, "state", self->state == SN_INCIDENT_STATE_OPEN ? "open" : "resolved");
  json_builder_set_member_name (builder, "timeline");
  json_builder_begin_array (builder);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->timeline));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->timeline), i);

      sn_timeline_entry_add_json (entry, builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
read_time (JsonObject  *object,
           const char  *name,
           gboolean     required,
           GDateTime  **out,
           GError     **error)
{
  const char *text = json_object_get_string_member_with_default (object, name, NULL);

  *out = NULL;
  if (text == NULL)
    {
      if (required)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                     _("The incident has no “%s” time"), name);
      return !required;
    }

  *out = g_date_time_new_from_iso8601 (text, NULL);
  if (*out == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not a time (%s)"), text, name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

SnIncident *
sn_incident_new_from_json (JsonNode  *node,
                           GError   **error)
{
  g_autoptr(SnIncident) self = NULL;
  JsonObject *object;
  JsonArray *timeline;
  const char *state;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("An incident is a JSON object"));
      return NULL;
    }
  object = json_node_get_object (node);

  self = g_object_new (SN_TYPE_INCIDENT, NULL);
  self->id = g_strdup (json_object_get_string_member_with_default (object, "id", NULL));
  self->profile = g_strdup (json_object_get_string_member_with_default (object, "profile", NULL));
  if (!valid_id (self->id) || self->profile == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The incident has no valid id or profile"));
      return NULL;
    }
  self->title = g_strdup (json_object_get_string_member_with_default (object, "title", ""));
  self->severity = sn_severity_from_string (json_object_get_string_member_with_default (object, "severity", NULL));
  if (self->severity == SN_SEVERITY_NONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The incident %s has no valid severity"), self->id);
      return NULL;
    }
  self->proposed = sn_severity_from_string (json_object_get_string_member_with_default (object, "proposed-severity", NULL));
  self->override_reason = g_strdup (json_object_get_string_member_with_default (object, "override-reason", NULL));
  self->resolution = g_strdup (json_object_get_string_member_with_default (object, "resolution", NULL));
  state = json_object_get_string_member_with_default (object, "state", "open");
  self->state = g_strcmp0 (state, "resolved") == 0 ? SN_INCIDENT_STATE_RESOLVED : SN_INCIDENT_STATE_OPEN;

  if (!read_time (object, "declared-at", TRUE, &self->declared_at, error) ||
      !read_time (object, "detected-at", FALSE, &self->detected_at, error) ||
      !read_time (object, "responded-at", FALSE, &self->responded_at, error) ||
      !read_time (object, "resolved-at", FALSE, &self->resolved_at, error))
    return NULL;

  timeline = json_object_has_member (object, "timeline")
             ? json_object_get_array_member (object, "timeline") : NULL;
  for (guint i = 0; timeline != NULL && i < json_array_get_length (timeline); i++)
    {
      JsonNode *item = json_array_get_element (timeline, i);
      g_autoptr(SnTimelineEntry) entry = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      if (!(entry = sn_timeline_entry_new_from_json (json_node_get_object (item), error)))
        return NULL;
      g_list_store_append (self->timeline, entry);
    }

  return g_steal_pointer (&self);
}

/* The SEV1 checklist's verdict, check by check; NULL if it did not run. */
static JsonObject *
checklist_params (SnRunner *runner)
{
  GListModel *steps = sn_runner_get_steps (runner);
  guint n_steps = g_list_model_get_n_items (steps);
  JsonArray *failed = json_array_new ();
  JsonObject *params = json_object_new ();
  gboolean ran = FALSE;

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);
      SnStepState state = sn_step_run_get_state (step);

      ran |= state != SN_STEP_STATE_PENDING && state != SN_STEP_STATE_SKIPPED;
      if (state != SN_STEP_STATE_SUCCEEDED)
        json_array_add_string_element (failed, sn_step_run_get_untranslated_title (step));
    }
  if (!ran)
    {
      json_array_unref (failed);
      json_object_unref (params);
      return NULL;
    }

  json_object_set_string_member (params, "runbook", sn_runbook_get_id (sn_runner_get_runbook (runner)));
  json_object_set_int_member (params, "total", n_steps);
  json_object_set_array_member (params, "failed", failed);
  return params;
}

/* What the run was asked to do, for the timeline: "tag=v1.0.7", the
 * parameters given that are not secret, not their default, and short enough
 * to read in one line (the report has the rest). NULL when none. */
static char *
run_parameters (SnRunner *runner)
{
  SnRunbook *runbook = sn_runner_get_runbook (runner);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *redacted = NULL;

  for (guint i = 0; i < sn_runbook_get_n_params (runbook); i++)
    {
      const SnRunbookParam *param = sn_runbook_get_param (runbook, i);
      g_autofree char *value = NULL;

      if (param->type == SN_PARAM_TYPE_SECRET ||
          (value = sn_runner_dup_value (runner, param->id)) == NULL || *value == '\0' ||
          g_strcmp0 (value, param->default_value) == 0 ||
          g_utf8_strlen (value, -1) > 80 || strchr (value, '\n') != NULL)
        continue;
      g_string_append_printf (text, "%s%s=%s", text->len > 0 ? ", " : "", param->id, value);
    }
  if (text->len == 0)
    return NULL;
  redacted = sn_runner_redact (runner, text->str);
  return sn_incident_redact (redacted);
}

/**
 * sn_incident_add_run:
 * @self: an open incident
 * @runner: a run that ended
 * @outcome: how it ended
 *
 * Puts the run in the timeline with its result and report, as the wizard
 * and narcisse-ctl do after every run on the incident's profile. The SEV1
 * checklist is recorded check by check.
 *
 * Returns: (transfer none): the entry
 */
SnTimelineEntry *
sn_incident_add_run (SnIncident   *self,
                     SnRunner     *runner,
                     SnRunOutcome  outcome)
{
  g_autoptr(GEnumClass) outcomes = g_type_class_ref (SN_TYPE_RUN_OUTCOME);
  g_autofree char *details = NULL;
  g_autofree char *parameters = NULL;
  GEnumValue *nick;
  SnRunbook *runbook;
  const char *summary;
  JsonObject *params;
  gboolean checklist;

  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);
  g_return_val_if_fail (SN_IS_RUNNER (runner), NULL);

  runbook = sn_runner_get_runbook (runner);
  summary = sn_runner_get_summary (runner);
  checklist = g_strcmp0 (sn_runbook_get_id (runbook), "sev1-checklist") == 0;

  if (checklist && outcome != SN_RUN_OUTCOME_REFUSED && (params = checklist_params (runner)) != NULL)
    return add_event (self, SN_TIMELINE_KIND_CHECK, SN_TIMELINE_EVENT_CHECKLIST, params,
                      sn_runner_get_report_path (runner), NULL);

  nick = g_enum_get_value (outcomes, outcome);
  /* What a run that did not succeed said: the error, as the system wrote it. */
  if (outcome != SN_RUN_OUTCOME_SUCCEEDED && outcome != SN_RUN_OUTCOME_PLANNED &&
      summary != NULL && *summary != '\0')
    details = sn_incident_redact (summary);
  /* which version a deploy, release or rollback was for, say */
  parameters = run_parameters (runner);
  params = params_new ("runbook", sn_runbook_get_id (runbook),
                       "title", sn_runbook_get_untranslated_title (runbook),
                       "outcome", nick != NULL ? nick->value_nick : "none",
                       "parameters", parameters,
                       "details", details, NULL);
  return add_event (self, checklist ? SN_TIMELINE_KIND_CHECK : SN_TIMELINE_KIND_RUNBOOK,
                    SN_TIMELINE_EVENT_RUNBOOK_RUN, params, sn_runner_get_report_path (runner), NULL);
}

SnTimelineEntry *
sn_incident_add_triage (SnIncident *self,
                        const char *reason)
{
  g_autofree char *redacted = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);

  redacted = sn_incident_redact (reason != NULL ? reason : "");
  return append_event (self, SN_TIMELINE_KIND_STATE, SN_TIMELINE_EVENT_TRIAGE,
                       params_new ("reason", redacted, NULL), NULL, NULL);
}

SnTimelineEntry *
sn_incident_add_health_change (SnIncident    *self,
                               SnHealthState  from,
                               SnHealthState  to,
                               const char    *summary)
{
  g_autoptr(GEnumClass) states = g_type_class_ref (SN_TYPE_HEALTH_STATE);
  GEnumValue *from_value = g_enum_get_value (states, from);
  GEnumValue *to_value = g_enum_get_value (states, to);
  g_autofree char *redacted = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (self), NULL);

  redacted = sn_incident_redact (summary != NULL ? summary : "");
  /* A timer noticed it: nobody acted, the response clock keeps running. */
  return append_event (self, SN_TIMELINE_KIND_CHECK, SN_TIMELINE_EVENT_HEALTH_CHANGED,
                    params_new ("from", from_value != NULL ? from_value->value_nick : "unknown",
                                "to", to_value != NULL ? to_value->value_nick : "unknown",
                                "summary", redacted, NULL),
                    NULL, NULL);
}

/**
 * sn_incident_redact_values:
 * @secrets: (array zero-terminated=1) (nullable): the profile's secret values
 *
 * Replaces every secret value (of at least 4 characters) wherever free text
 * is kept: title, reasons, resolution and every timeline entry. Patterns are
 * redacted on the way in; this catches what only the values can.
 *
 * Returns: whether anything was replaced
 */
gboolean
sn_incident_redact_values (SnIncident         *self,
                           const char * const *secrets)
{
  gboolean changed = FALSE;
  guint n;

  g_return_val_if_fail (SN_IS_INCIDENT (self), FALSE);

  if (secrets == NULL || secrets[0] == NULL)
    return FALSE;

  if (replace_field (&self->title, secrets))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
      changed = TRUE;
    }
  if (replace_field (&self->override_reason, secrets))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OVERRIDE_REASON]);
      changed = TRUE;
    }
  if (replace_field (&self->resolution, secrets))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOLUTION]);
      changed = TRUE;
    }

  n = g_list_model_get_n_items (G_LIST_MODEL (self->timeline));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->timeline), i);

      if (sn_timeline_entry_redact_values (entry, secrets))
        {
          g_list_model_items_changed (G_LIST_MODEL (self->timeline), i, 1, 1);
          changed = TRUE;
        }
    }
  return changed;
}
