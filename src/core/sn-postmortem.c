/* sn-postmortem.c: an incident as a Markdown postmortem, secrets redacted
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-postmortem"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-audit-log.h"
#include "sn-postmortem.h"

#define INLINE_MAX_BYTES (32 * 1024)

char *
sn_postmortem_redact (const char         *text,
                      const char * const *secrets)
{
  g_autofree char *redacted = sn_incident_redact (text);
  GString *out = g_string_new (redacted);

  for (guint i = 0; secrets != NULL && secrets[i] != NULL; i++)
    if (strlen (secrets[i]) >= 4)
      g_string_replace (out, secrets[i], "[REDACTED]", 0);

  return g_string_free (out, FALSE);
}

static char *
format_local (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("—");
  local = g_date_time_to_local (time);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S %Z");
}

static char *
span (GDateTime *from,
      GDateTime *to)
{
  if (from == NULL || to == NULL)
    return g_strdup ("—");
  return sn_format_duration (g_date_time_difference (to, from) / G_TIME_SPAN_SECOND);
}

/* One line of a Markdown table cell: no newlines, no pipes. */
static char *
cell (const char *text)
{
  GString *s = g_string_new (text);

  g_string_replace (s, "\n", " ", 0);
  g_string_replace (s, "|", "\\|", 0);
  return g_string_free (s, FALSE);
}

char *
sn_postmortem_render (SnIncident         *incident,
                      const char * const *secrets,
                      GDateTime          *now)
{
  g_autoptr(GString) md = g_string_new (NULL);
  g_autoptr(GDateTime) deadline = NULL;
  g_autoptr(GDateTime) current = NULL;
  g_autofree char *declared = NULL;
  g_autofree char *detected = NULL;
  g_autofree char *responded = NULL;
  g_autofree char *resolved = NULL;
  g_autofree char *to_detect = NULL;
  g_autofree char *to_respond = NULL;
  g_autofree char *to_resolve = NULL;
  g_autofree char *target = NULL;
  GListModel *timeline;
  SnSeverity severity;
  guint n;
  guint n_actions = 0;

  g_return_val_if_fail (SN_IS_INCIDENT (incident), NULL);

  current = now != NULL ? g_date_time_ref (now) : g_date_time_new_now_utc ();
  severity = sn_incident_get_severity (incident);
  deadline = sn_incident_dup_deadline (incident);
  declared = format_local (sn_incident_get_declared_at (incident));
  detected = format_local (sn_incident_get_detected_at (incident));
  responded = format_local (sn_incident_get_responded_at (incident));
  resolved = format_local (sn_incident_get_resolved_at (incident));
  to_detect = span (sn_incident_get_detected_at (incident), sn_incident_get_declared_at (incident));
  to_respond = span (sn_incident_get_declared_at (incident), sn_incident_get_responded_at (incident));
  to_resolve = span (sn_incident_get_declared_at (incident), sn_incident_get_resolved_at (incident));
  target = sn_format_duration (sn_severity_get_target_seconds (severity));
  timeline = sn_incident_get_timeline (incident);
  n = g_list_model_get_n_items (timeline);

  g_string_append_printf (md, "# %s — %s\n\n", _("Postmortem"), sn_incident_get_title (incident));

  g_string_append_printf (md, "## %s\n\n", _("Summary"));
  g_string_append_printf (md, "- **%s**: %s\n", _("Incident"), sn_incident_get_id (incident));
  g_string_append_printf (md, "- **%s**: %s\n", _("Profile"), sn_incident_get_profile (incident));
  g_string_append_printf (md, "- **%s**: %s\n", _("State"),
                          sn_incident_get_state (incident) == SN_INCIDENT_STATE_RESOLVED
                          ? _("resolved") : _("open"));
  g_string_append_printf (md, "- **%s**: %s\n", _("Resolution"),
                          sn_incident_get_resolution (incident) != NULL &&
                          *sn_incident_get_resolution (incident) != '\0'
                          ? sn_incident_get_resolution (incident) : "—");
  g_string_append_printf (md, "- **%s**: %s\n\n", _("Written"), g_get_user_name ());

  g_string_append_printf (md, "## %s\n\n", _("Severity"));
  g_string_append_printf (md, "**%s** — %s (%s). %s: %s.\n\n", sn_severity_to_string (severity),
                          sn_severity_get_impact (severity), sn_severity_get_examples (severity),
                          _("Response target"), target);
  if (sn_incident_get_proposed_severity (incident) != SN_SEVERITY_NONE &&
      sn_incident_get_proposed_severity (incident) != severity)
    g_string_append_printf (md, _("Triage proposed %s; declared %s because: %s\n\n"),
                            sn_severity_to_string (sn_incident_get_proposed_severity (incident)),
                            sn_severity_to_string (severity),
                            sn_incident_get_override_reason (incident) != NULL
                            ? sn_incident_get_override_reason (incident) : _("no reason given"));

  g_string_append_printf (md, "## %s\n\n", _("Times"));
  g_string_append_printf (md, "| %s | %s | %s |\n|---|---|---|\n", _("Milestone"), _("At"), _("After"));
  g_string_append_printf (md, "| %s | %s | |\n", _("Detected"), detected);
  g_string_append_printf (md, "| %s | %s | %s %s |\n", _("Declared"), declared, to_detect, _("to detect"));
  g_string_append_printf (md, "| %s | %s | %s %s |\n", _("First response"), responded, to_respond, _("to respond"));
  g_string_append_printf (md, "| %s | %s | %s %s |\n\n", _("Resolved"), resolved, to_resolve, _("to resolve"));
  if (sn_incident_is_response_missed (incident, current))
    g_string_append_printf (md, _("The response target (%s) was **missed**.\n\n"), target);
  else if (sn_incident_get_responded_at (incident) != NULL)
    g_string_append_printf (md, _("The response target (%s) was met.\n\n"), target);

  g_string_append_printf (md, "## %s\n\n", _("Timeline"));
  g_string_append_printf (md, "| %s | %s | %s | %s |\n|---|---|---|---|\n",
                          _("Time"), _("Who"), _("What"), _("Details"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (timeline, i);
      g_autofree char *when = format_local (sn_timeline_entry_get_time (entry));
      g_autofree char *what = sn_timeline_entry_dup_text (entry);
      g_autofree char *text = cell (what);
      g_autofree char *who = cell (sn_timeline_entry_get_operator (entry));

      g_string_append_printf (md, "| %s | %s | %s | %s", when, who,
                              sn_timeline_kind_get_label (sn_timeline_entry_get_kind (entry)), text);
      if (sn_timeline_entry_get_evidence (entry) != NULL)
        g_string_append_printf (md, " ([%s](%s))", _("report"), sn_timeline_entry_get_evidence (entry));
      g_string_append (md, " |\n");
    }
  g_string_append (md, "\n");

  g_string_append_printf (md, "## %s\n\n", _("Actions taken"));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (timeline, i);
      SnTimelineKind kind = sn_timeline_entry_get_kind (entry);

      if (kind == SN_TIMELINE_KIND_RUNBOOK || kind == SN_TIMELINE_KIND_COMMAND ||
          kind == SN_TIMELINE_KIND_CHECK)
        {
          g_autofree char *what = sn_timeline_entry_dup_text (entry);

          g_string_append_printf (md, "- %s\n", what);
          n_actions++;
        }
    }
  if (n_actions == 0)
    g_string_append_printf (md, "- %s\n", _("none recorded"));
  g_string_append (md, "\n");

  g_string_append_printf (md, "## %s\n\n", _("Reports"));
  {
    guint n_reports = 0;

    for (guint i = 0; i < n; i++)
      {
        g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (timeline, i);
        const char *path = sn_timeline_entry_get_evidence (entry);
        g_autofree char *contents = NULL;
        g_autofree char *what = NULL;
        gsize length = 0;

        if (path == NULL)
          continue;
        n_reports++;
        what = sn_timeline_entry_dup_text (entry);
        g_string_append_printf (md, "### %s\n\n", what);
        if (g_file_get_contents (path, &contents, &length, NULL) && length <= INLINE_MAX_BYTES &&
            g_utf8_validate (contents, length, NULL))
          g_string_append_printf (md, "<details><summary>%s</summary>\n\n````\n%s%s````\n\n</details>\n\n",
                                  path, contents,
                                  length > 0 && contents[length - 1] == '\n' ? "" : "\n");
        else
          g_string_append_printf (md, "[%s](%s)\n\n", path, path);
      }
    if (n_reports == 0)
      g_string_append_printf (md, "%s\n\n", _("No runbook report."));
  }

  g_string_append_printf (md, "## %s\n\n", _("Follow-up actions"));
  g_string_append_printf (md, "- [ ] %s\n- [ ] %s\n- [ ] %s\n",
                          _("Root cause:"), _("What would have detected it sooner:"),
                          _("What prevents it from happening again:"));

  return sn_postmortem_redact (md->str, secrets);
}

gboolean
sn_postmortem_write (SnIncident          *incident,
                     const char          *path,
                     const char * const  *secrets,
                     GError             **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT (incident), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  text = sn_postmortem_render (incident, secrets, NULL);
  return g_file_set_contents_full (path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}
