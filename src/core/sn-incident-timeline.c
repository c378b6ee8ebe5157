/* sn-incident-timeline.c: an incident's timeline entries, stored as events
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An entry records what happened as an event and its parameters ("declared",
 * severity SEV3, title …), never as a sentence: the sentence is written when
 * the entry is shown, in the reader's language. Free notes, and the entries
 * of files written before events existed, are "text" events shown as typed.
 */

#define G_LOG_DOMAIN "sn-incident"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-core-enums.h"
#include "sn-health-service.h"
#include "sn-incident-private.h"

static const char *event_nicks[] = {
  [SN_TIMELINE_EVENT_TEXT] = "text",
  [SN_TIMELINE_EVENT_DECLARED] = "declared",
  [SN_TIMELINE_EVENT_SEVERITY_OVERRIDE] = "severity-override",
  [SN_TIMELINE_EVENT_SEVERITY_CHANGED] = "severity-changed",
  [SN_TIMELINE_EVENT_RESOLVED] = "resolved",
  [SN_TIMELINE_EVENT_TRIAGE] = "triage",
  [SN_TIMELINE_EVENT_RUNBOOK_RUN] = "runbook-run",
  [SN_TIMELINE_EVENT_CHECKLIST] = "checklist",
  [SN_TIMELINE_EVENT_HEALTH_CHANGED] = "health-changed",
  [SN_TIMELINE_EVENT_RESPONDED] = "responded",
};

const char *
sn_timeline_event_to_string (SnTimelineEvent event)
{
  g_return_val_if_fail ((guint) event < G_N_ELEMENTS (event_nicks), "text");
  return event_nicks[event];
}

gboolean
sn_timeline_event_from_string (const char      *text,
                               SnTimelineEvent *event)
{
  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (event_nicks); i++)
    if (g_strcmp0 (text, event_nicks[i]) == 0)
      {
        *event = (SnTimelineEvent) i;
        return TRUE;
      }
  return FALSE;
}

struct _SnTimelineEntry
{
  GObject          parent_instance;
  GDateTime       *time;
  char            *operator_name;
  JsonObject      *params;     /* never NULL */
  char            *evidence;
  char            *text;       /* the rendering, made on first use */
  SnTimelineKind   kind;
  SnTimelineEvent  event;
};

G_DEFINE_FINAL_TYPE (SnTimelineEntry, sn_timeline_entry, G_TYPE_OBJECT)

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_TIME,
  ENTRY_PROP_OPERATOR,
  ENTRY_PROP_KIND,
  ENTRY_PROP_KIND_LABEL,
  ENTRY_PROP_TEXT,
  ENTRY_PROP_EVIDENCE,
  ENTRY_PROP_TIME_LABEL,
  ENTRY_N_PROPS
};

static GParamSpec *entry_properties[ENTRY_N_PROPS];

static void
sn_timeline_entry_finalize (GObject *object)
{
  SnTimelineEntry *self = SN_TIMELINE_ENTRY (object);

  g_clear_pointer (&self->time, g_date_time_unref);
  g_clear_pointer (&self->params, json_object_unref);
  g_free (self->operator_name);
  g_free (self->evidence);
  g_free (self->text);

  G_OBJECT_CLASS (sn_timeline_entry_parent_class)->finalize (object);
}

static void
sn_timeline_entry_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SnTimelineEntry *self = SN_TIMELINE_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_TIME:
      g_value_set_boxed (value, self->time);
      break;
    case ENTRY_PROP_OPERATOR:
      g_value_set_string (value, self->operator_name);
      break;
    case ENTRY_PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case ENTRY_PROP_KIND_LABEL:
      g_value_set_string (value, sn_timeline_kind_get_label (self->kind));
      break;
    case ENTRY_PROP_TEXT:
      g_value_take_string (value, sn_timeline_entry_dup_text (self));
      break;
    case ENTRY_PROP_EVIDENCE:
      g_value_set_string (value, self->evidence);
      break;
    case ENTRY_PROP_TIME_LABEL:
      {
        g_autoptr(GDateTime) local = g_date_time_to_local (self->time);

        g_value_take_string (value, g_date_time_format (local, "%H:%M:%S"));
      }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_timeline_entry_class_init (SnTimelineEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_timeline_entry_finalize;
  object_class->get_property = sn_timeline_entry_get_property;

  entry_properties[ENTRY_PROP_TIME] = g_param_spec_boxed ("time", NULL, NULL, G_TYPE_DATE_TIME, flags);
  entry_properties[ENTRY_PROP_OPERATOR] = g_param_spec_string ("operator", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL, 0, SN_TIMELINE_KIND_STATE, 0, flags);
  entry_properties[ENTRY_PROP_KIND_LABEL] = g_param_spec_string ("kind-label", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_EVIDENCE] = g_param_spec_string ("evidence", NULL, NULL, NULL, flags);
  entry_properties[ENTRY_PROP_TIME_LABEL] = g_param_spec_string ("time-label", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, ENTRY_N_PROPS, entry_properties);
}

static void
sn_timeline_entry_init (SnTimelineEntry *self)
{
}

/* Everything written into an incident is redacted, whatever its way in. */
static void
redact_member (JsonObject  *object,
               const char  *name,
               JsonNode    *node,
               gpointer     user_data)
{
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *redacted = sn_incident_redact (json_node_get_string (node));

      json_node_set_string (node, redacted);
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        redact_member (NULL, NULL, json_array_get_element (array, i), NULL);
    }
}

static gboolean
redact_node_values (JsonNode           *node,
                    const char * const *secrets)
{
  gboolean changed = FALSE;

  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *redacted = sn_incident_replace_values (json_node_get_string (node), secrets);

      if (redacted != NULL)
        {
          json_node_set_string (node, redacted);
          changed = TRUE;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        changed |= redact_node_values (json_array_get_element (array, i), secrets);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr(GList) members = json_object_get_values (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        changed |= redact_node_values (l->data, secrets);
    }
  return changed;
}

gboolean
sn_timeline_entry_redact_values (SnTimelineEntry    *self,
                                 const char * const *secrets)
{
  g_autoptr(GList) members = NULL;
  g_autofree char *evidence = NULL;
  gboolean changed = FALSE;

  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), FALSE);

  members = json_object_get_values (self->params);
  for (GList *l = members; l != NULL; l = l->next)
    changed |= redact_node_values (l->data, secrets);

  evidence = self->evidence != NULL ? sn_incident_replace_values (self->evidence, secrets) : NULL;
  if (evidence != NULL)
    {
      g_free (self->evidence);
      self->evidence = g_steal_pointer (&evidence);
      changed = TRUE;
    }

  if (changed)
    g_clear_pointer (&self->text, g_free);   /* rendered again on next use */
  return changed;
}

SnTimelineEntry *
sn_timeline_entry_new (GDateTime       *time,
                       const char      *operator_name,
                       SnTimelineKind   kind,
                       SnTimelineEvent  event,
                       JsonObject      *params,
                       const char      *evidence)
{
  SnTimelineEntry *self = g_object_new (SN_TYPE_TIMELINE_ENTRY, NULL);

  self->time = g_date_time_to_utc (time);
  self->operator_name = g_strdup (operator_name);
  self->kind = kind;
  self->event = event;
  self->params = params != NULL ? params : json_object_new ();
  json_object_foreach_member (self->params, redact_member, NULL);
  self->evidence = g_strdup (evidence != NULL && *evidence != '\0' ? evidence : NULL);
  return self;
}

GDateTime *
sn_timeline_entry_get_time (SnTimelineEntry *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), NULL);
  return self->time;
}

const char *
sn_timeline_entry_get_operator (SnTimelineEntry *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), NULL);
  return self->operator_name;
}

SnTimelineKind
sn_timeline_entry_get_kind (SnTimelineEntry *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), SN_TIMELINE_KIND_NOTE);
  return self->kind;
}

SnTimelineEvent
sn_timeline_entry_get_event (SnTimelineEntry *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), SN_TIMELINE_EVENT_TEXT);
  return self->event;
}

const char *
sn_timeline_entry_get_param (SnTimelineEntry *self,
                             const char      *name)
{
  JsonNode *node;

  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), NULL);

  node = json_object_get_member (self->params, name);
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

const char *
sn_timeline_entry_get_evidence (SnTimelineEntry *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), NULL);
  return self->evidence;
}

/* Rendering ---------------------------------------------------------------- */

static const char *
param_or (SnTimelineEntry *self,
          const char      *name,
          const char      *fallback)
{
  const char *value = sn_timeline_entry_get_param (self, name);

  return value != NULL && *value != '\0' ? value : fallback;
}

static const char *
severity_param (SnTimelineEntry *self,
                const char      *name)
{
  return sn_severity_to_string (sn_severity_from_string (sn_timeline_entry_get_param (self, name)));
}

static const char *
health_label (const char *nick)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SN_TYPE_HEALTH_STATE);
  GEnumValue *value = nick != NULL ? g_enum_get_value_by_nick (klass, nick) : NULL;

  return sn_health_state_to_label (value != NULL ? (SnHealthState) value->value : SN_HEALTH_STATE_UNKNOWN);
}

static char *
render_run (SnTimelineEntry *self)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (SN_TYPE_RUN_OUTCOME);
  GEnumValue *value = g_enum_get_value_by_nick (klass, param_or (self, "outcome", "none"));
  SnRunOutcome outcome = value != NULL ? (SnRunOutcome) value->value : SN_RUN_OUTCOME_NONE;
  /* The runbook's own title: builtin ones are translated, user ones as written. */
  const char *title = g_dgettext (GETTEXT_PACKAGE, param_or (self, "title", param_or (self, "runbook", "?")));
  const char *details = sn_timeline_entry_get_param (self, "details");
  const char *parameters = sn_timeline_entry_get_param (self, "parameters");
  g_autofree char *with_parameters = NULL;

  if (parameters != NULL && *parameters != '\0')
    /* Translators: a runbook's title and what it was asked ("tag=v1.0.7"), in an incident's timeline */
    title = with_parameters = g_strdup_printf (_("%s (%s)"), title, parameters);

  if (details != NULL && *details != '\0')
    /* Translators: a run in an incident's timeline: the runbook's title, how it
     * ended ("Failed: needs attention"), and what the run said */
    return g_strdup_printf (_("%s — %s. %s"), title, sn_run_outcome_get_label (outcome), details);
  /* Translators: a run in an incident's timeline: the runbook's title, how it ended ("Succeeded") */
  return g_strdup_printf (_("%s — %s"), title, sn_run_outcome_get_label (outcome));
}

static char *
render_checklist (SnTimelineEntry *self)
{
  JsonNode *failed_node = json_object_get_member (self->params, "failed");
  JsonArray *failed = failed_node != NULL && JSON_NODE_HOLDS_ARRAY (failed_node)
                      ? json_node_get_array (failed_node) : NULL;
  guint total = (guint) json_object_get_int_member_with_default (self->params, "total", 0);
  guint n_failed = failed != NULL ? json_array_get_length (failed) : 0;
  g_autoptr(GString) names = g_string_new (NULL);

  if (n_failed == 0)
    return g_strdup_printf (_("SEV1 checklist: all %u checks passed"), total);

  for (guint i = 0; i < n_failed; i++)
    {
      const char *title = json_array_get_string_element (failed, i);

      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                              title != NULL ? g_dgettext (GETTEXT_PACKAGE, title) : "?");
    }
  return g_strdup_printf (_("SEV1 checklist: %u of %u failed (%s)"), n_failed, total, names->str);
}

/**
 * sn_timeline_entry_dup_text:
 *
 * Returns: (transfer full): what happened, written now in the current
 *   language ("Déclaré SEV3 (Dégradation mineure) : …")
 */
char *
sn_timeline_entry_dup_text (SnTimelineEntry *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), NULL);

  switch (self->event)
    {
    case SN_TIMELINE_EVENT_DECLARED:
      {
        SnSeverity severity = sn_severity_from_string (sn_timeline_entry_get_param (self, "severity"));

        return g_strdup_printf (_("Declared %s (%s): %s"), sn_severity_to_string (severity),
                                sn_severity_get_impact (severity), param_or (self, "title", ""));
      }
    case SN_TIMELINE_EVENT_SEVERITY_OVERRIDE:
      return g_strdup_printf (_("Proposed %s, declared %s: %s"),
                              severity_param (self, "proposed"), severity_param (self, "severity"),
                              param_or (self, "reason", _("no reason given")));
    case SN_TIMELINE_EVENT_SEVERITY_CHANGED:
      return g_strdup_printf (_("Severity changed from %s to %s: %s"),
                              severity_param (self, "from"), severity_param (self, "to"),
                              param_or (self, "reason", _("no reason given")));
    case SN_TIMELINE_EVENT_RESOLVED:
      return g_strdup_printf (_("Resolved: %s"), param_or (self, "resolution", ""));
    case SN_TIMELINE_EVENT_TRIAGE:
      /* Translators: the first timeline entry; %s is the triage's reason */
      return g_strdup_printf (_("Triage: %s"), param_or (self, "reason", ""));
    case SN_TIMELINE_EVENT_RUNBOOK_RUN:
      return render_run (self);
    case SN_TIMELINE_EVENT_CHECKLIST:
      return render_checklist (self);
    case SN_TIMELINE_EVENT_HEALTH_CHANGED:
      /* Translators: a timeline entry when the health check changes; states, then the summary */
      return g_strdup_printf (_("Health check: %s → %s (%s)"),
                              health_label (sn_timeline_entry_get_param (self, "from")),
                              health_label (sn_timeline_entry_get_param (self, "to")),
                              param_or (self, "summary", ""));
    case SN_TIMELINE_EVENT_RESPONDED:
      if (sn_timeline_entry_get_param (self, "note") != NULL)
        /* Translators: a timeline entry; %s is what the person says they do */
        return g_strdup_printf (_("First response: %s"), sn_timeline_entry_get_param (self, "note"));
      return g_strdup (_("First response"));
    case SN_TIMELINE_EVENT_TEXT:
    default:
      return g_strdup (param_or (self, "text", ""));
    }
}

/**
 * sn_timeline_entry_get_text:
 *
 * Returns: sn_timeline_entry_dup_text() as it was on the first call
 */
const char *
sn_timeline_entry_get_text (SnTimelineEntry *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ENTRY (self), NULL);

  if (self->text == NULL)
    self->text = sn_timeline_entry_dup_text (self);
  return self->text;
}

/* JSON --------------------------------------------------------------------- */

static void
add_member (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

static void
copy_member (JsonObject  *from,
             const char  *name,
             JsonNode    *node,
             gpointer     user_data)
{
  if (g_strcmp0 (name, "kind") != 0)
    json_object_set_member (user_data, name, json_node_copy (node));
}

/* {"time", "operator", "kind" (the category, as older files have it),
 *  "event": {"kind": "declared", parameters…}, "evidence"}; a text event
 *  is written as older files have it: {"kind": "note", "text": …}. */
void
sn_timeline_entry_add_json (SnTimelineEntry *self,
                            JsonBuilder     *builder)
{
  g_autofree char *time = g_date_time_format_iso8601 (self->time);

  json_builder_begin_object (builder);
  add_member (builder, "time", time);
  add_member (builder, "operator", self->operator_name);
  add_member (builder, "kind", sn_timeline_kind_to_string (self->kind));
  if (self->event == SN_TIMELINE_EVENT_TEXT)
    add_member (builder, "text", param_or (self, "text", ""));
  else
    {
      g_autoptr(JsonNode) params = json_node_new (JSON_NODE_OBJECT);
      JsonObject *event = json_object_new ();

      json_object_set_string_member (event, "kind", sn_timeline_event_to_string (self->event));
      json_object_foreach_member (self->params, copy_member, event);
      json_node_take_object (params, event);
      json_builder_set_member_name (builder, "event");
      json_builder_add_value (builder, g_steal_pointer (&params));
    }
  add_member (builder, "evidence", self->evidence);
  json_builder_end_object (builder);
}

SnTimelineEntry *
sn_timeline_entry_new_from_json (JsonObject  *object,
                                 GError     **error)
{
  const char *time_text = json_object_get_string_member_with_default (object, "time", NULL);
  const char *text = json_object_get_string_member_with_default (object, "text", NULL);
  JsonNode *event_node = json_object_get_member (object, "event");
  g_autoptr(GDateTime) time = NULL;
  SnTimelineKind kind;
  SnTimelineEvent event = SN_TIMELINE_EVENT_TEXT;
  JsonObject *params = json_object_new ();

  time = time_text != NULL ? g_date_time_new_from_iso8601 (time_text, NULL) : NULL;
  if (time == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("A timeline entry has no valid time (“%s”)"), time_text != NULL ? time_text : "");
      json_object_unref (params);
      return NULL;
    }
  if (!sn_timeline_kind_from_string (json_object_get_string_member_with_default (object, "kind", NULL), &kind))
    kind = SN_TIMELINE_KIND_NOTE;

  if (event_node != NULL && JSON_NODE_HOLDS_OBJECT (event_node) &&
      sn_timeline_event_from_string (json_object_get_string_member_with_default (
                                       json_node_get_object (event_node), "kind", NULL), &event))
    json_object_foreach_member (json_node_get_object (event_node), copy_member, params);
  else
    /* An older file, or an event this version does not know: its text, as stored. */
    event = SN_TIMELINE_EVENT_TEXT;

  if (event == SN_TIMELINE_EVENT_TEXT && !json_object_has_member (params, "text"))
    json_object_set_string_member (params, "text", text != NULL ? text : "");

  return sn_timeline_entry_new (time, json_object_get_string_member_with_default (object, "operator", ""),
                                kind, event, params,
                                json_object_get_string_member_with_default (object, "evidence", NULL));
}
