/* test-format.c: values and timeline entries in the reader's locale
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-format"

#include "config.h"

#include <locale.h>

#include <glib/gi18n-lib.h>

#include "sn-format.h"
#include "sn-incident.h"

static void
use_locale (const char *lang,
            const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  if (setlocale (LC_ALL, lang) == NULL)
    g_error ("The %s locale is missing: tools/test generates it "
             "(localedef -i fr_FR -f UTF-8 fr_FR.UTF-8, as root)", lang);
  /* Makes gettext forget what it looked up in the other language. */
  textdomain (textdomain (NULL));
}

#define CHECK_FORMAT(expr, expected) \
  G_STMT_START { g_autofree char *got_ = (expr); g_assert_cmpstr (got_, ==, (expected)); } G_STMT_END

static void
test_format_c (void)
{
  g_autoptr(GDateTime) day = g_date_time_new_local (2026, 12, 7, 14, 5, 0);

  use_locale ("C.UTF-8", "C");
  CHECK_FORMAT (sn_format_count (1234567), "1,234,567");
  CHECK_FORMAT (sn_format_count (-1000), "-1,000");
  CHECK_FORMAT (sn_format_decimal (1234.56, 1), "1,234.6");
  CHECK_FORMAT (sn_format_size (999), "999 bytes");
  CHECK_FORMAT (sn_format_size (1), "1 byte");
  CHECK_FORMAT (sn_format_size (637300), "637.3 kB");
  CHECK_FORMAT (sn_format_size (999960), "1.0 MB");
  CHECK_FORMAT (sn_format_money (123450), "€1,234.50");
  CHECK_FORMAT (sn_format_money (-5), "-€0.05");
  CHECK_FORMAT (sn_format_date (day), "7 Dec 2026");
  CHECK_FORMAT (sn_format_time (day), "14:05:00");
  g_assert_false (sn_format_uses_decimal_comma ());
}

static void
test_format_french (void)
{
  g_autoptr(GDateTime) day = g_date_time_new_local (2026, 12, 7, 14, 5, 0);
  g_autofree char *size = NULL;

  use_locale ("fr_FR.UTF-8", "fr");
  CHECK_FORMAT (sn_format_count (1234567), "1\u202f234\u202f567");
  CHECK_FORMAT (sn_format_decimal (0.5, 2), "0,50");
  CHECK_FORMAT (sn_format_money (123450), "1\u202f234,50\u00a0€");
  CHECK_FORMAT (sn_format_money (-5), "-0,05\u00a0€");
  CHECK_FORMAT (sn_format_date (day), "7 déc. 2026");
  /* The unit is the translation's ("ko"); the decimal comma is the locale's. */
  size = sn_format_size (637300);
  g_assert_true (g_str_has_prefix (size, "637,3 "));
  g_assert_true (sn_format_uses_decimal_comma ());
  use_locale ("C.UTF-8", "C");
}

static SnTimelineEntry *
entry_at (SnIncident *incident,
          guint       i)
{
  g_autoptr(SnTimelineEntry) entry = g_list_model_get_item (sn_incident_get_timeline (incident), i);

  return entry;   /* the incident keeps it */
}

static void
test_timeline_language (void)
{
  g_autoptr(SnIncident) incident = NULL;
  g_autoptr(SnIncident) loaded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *declared = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *resolved = NULL;

  /* Recorded by someone reading English… */
  use_locale ("C.UTF-8", "C");
  incident = sn_incident_new ("demo", "Réservations lentes", SN_SEVERITY_SEV3, SN_SEVERITY_SEV4,
                              "clients mécontents", NULL);
  sn_incident_set_severity (incident, SN_SEVERITY_SEV2, NULL, NULL);
  sn_incident_resolve (incident, "cache vidé", NULL);
  declared = sn_timeline_entry_dup_text (entry_at (incident, 0));
  g_assert_cmpstr (declared, ==, "Declared SEV3 (Minor degradation): Réservations lentes");

  /* …stored as events, not as English sentences. */
  node = sn_incident_to_json (incident);
  json = json_to_string (node, FALSE);
  g_assert_null (strstr (json, "Declared"));
  g_assert_null (strstr (json, "Minor degradation"));
  g_assert_null (strstr (json, "no reason given"));
  g_assert_nonnull (strstr (json, "\"event\":{\"kind\":\"declared\""));

  /* …and read in French. */
  use_locale ("fr_FR.UTF-8", "fr");
  loaded = sn_incident_new_from_json (node, &error);
  g_assert_no_error (error);
  g_clear_pointer (&declared, g_free);
  declared = sn_timeline_entry_dup_text (entry_at (loaded, 0));
  changed = sn_timeline_entry_dup_text (entry_at (loaded, 2));
  resolved = sn_timeline_entry_dup_text (entry_at (loaded, 3));
  g_assert_cmpstr (declared, ==, "SEV3 déclaré (Dégradation mineure)\u00a0: Réservations lentes");
  g_assert_cmpint (sn_timeline_entry_get_event (entry_at (loaded, 2)), ==, SN_TIMELINE_EVENT_SEVERITY_CHANGED);
  g_assert_null (strstr (changed, "changed"));
  g_assert_nonnull (strstr (changed, "SEV2"));
  g_assert_nonnull (strstr (resolved, "cache vidé"));
  use_locale ("C.UTF-8", "C");
}

static void
test_timeline_legacy_and_runs (void)
{
  const char *file =
    "{\"id\": \"20261207-140000-abcd\", \"profile\": \"demo\", \"title\": \"Site lent\","
    " \"severity\": \"SEV3\", \"declared-at\": \"2026-12-07T13:00:00Z\", \"state\": \"open\","
    " \"timeline\": ["
    "  {\"time\": \"2026-12-07T13:00:00Z\", \"operator\": \"ops\", \"kind\": \"runbook\","
    "   \"text\": \"Back up the database succeeded\", \"evidence\": \"/tmp/r.md\"},"
    "  {\"time\": \"2026-12-07T13:05:00Z\", \"operator\": \"ops\", \"kind\": \"runbook\","
    "   \"event\": {\"kind\": \"runbook-run\", \"runbook\": \"backup\", \"title\": \"Back up the database\","
    "   \"outcome\": \"refused\"}, \"evidence\": null},"
    "  {\"time\": \"2026-12-07T13:06:00Z\", \"operator\": \"ops\", \"kind\": \"check\","
    "   \"event\": {\"kind\": \"checklist\", \"total\": 5, \"failed\": [\"Containers\"]}},"
    "  {\"time\": \"2026-12-07T13:07:00Z\", \"operator\": \"ops\", \"kind\": \"note\","
    "   \"event\": {\"kind\": \"from-a-newer-version\"}, \"text\": \"kept\"}"
    " ]}";
  g_autoptr(JsonNode) node = json_from_string (file, NULL);
  g_autoptr(SnIncident) incident = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *run = NULL;
  g_autofree char *checklist = NULL;

  use_locale ("fr_FR.UTF-8", "fr");
  incident = sn_incident_new_from_json (node, &error);
  g_assert_no_error (error);

  /* An entry of an older file shows as it was stored, and is written back so. */
  g_assert_cmpint (sn_timeline_entry_get_event (entry_at (incident, 0)), ==, SN_TIMELINE_EVENT_TEXT);
  g_assert_cmpstr (sn_timeline_entry_get_text (entry_at (incident, 0)), ==, "Back up the database succeeded");
  g_assert_cmpstr (sn_timeline_entry_get_evidence (entry_at (incident, 0)), ==, "/tmp/r.md");

  /* A run: its title and its outcome, in French. */
  run = sn_timeline_entry_dup_text (entry_at (incident, 1));
  g_assert_cmpstr (run, ==, "Sauvegarder la base de données — Refusée avant toute étape");
  checklist = sn_timeline_entry_dup_text (entry_at (incident, 2));
  g_assert_nonnull (strstr (checklist, "1"));
  g_assert_nonnull (strstr (checklist, "5"));
  g_assert_null (strstr (checklist, "checklist:"));

  /* An event this version does not know: its text. */
  g_assert_cmpstr (sn_timeline_entry_get_text (entry_at (incident, 3)), ==, "kept");

  again = sn_incident_to_json (incident);
  json = json_to_string (again, FALSE);
  g_assert_nonnull (strstr (json, "\"text\":\"Back up the database succeeded\""));
  g_assert_nonnull (strstr (json, "\"outcome\":\"refused\""));
  use_locale ("C.UTF-8", "C");
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("SN_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* g_dgettext() decides once, on its first call, whether to translate at
   * all: make that call in French, or switching to French later does nothing. */
  use_locale ("fr_FR.UTF-8", "fr");
  g_assert_cmpstr (_("Not classified"), !=, "Not classified");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/format/c", test_format_c);
  g_test_add_func ("/core/format/french", test_format_french);
  g_test_add_func ("/core/incident/timeline-language", test_timeline_language);
  g_test_add_func ("/core/incident/timeline-legacy-and-runs", test_timeline_legacy_and_runs);

  return g_test_run ();
}
