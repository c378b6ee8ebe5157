/* sn-ctl-incident.c: narcisse-ctl incident check|declare|severity|respond|note|close|list|export
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"


#include "sn-ctl.h"
#include "sn-incident-store.h"
#include "sn-postmortem.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"
#include "sn-triage.h"

#define CHECKLIST_ID "sev1-checklist"

static GStrv profile_secrets (const char *profile_name);
static void  give_secrets    (SnIncidentStore *incidents,
                              const char      *profile_name);

static SnIncidentStore *
load_incidents (void)
{
  SnIncidentStore *store = sn_incident_store_new (NULL);
  g_autoptr(GError) error = NULL;
  const char * const *errors;

  if (!sn_incident_store_load (store, &error))
    sn_ctl_print_error (error);
  errors = sn_incident_store_get_errors (store);
  for (guint i = 0; errors[i] != NULL; i++)
    sn_ctl_printerr (_("Left out an incident file: %s"), errors[i]);
  return store;
}

static SnIncident *
find_incident (SnIncidentStore *store,
               const char      *id)
{
  SnIncident *incident = sn_incident_store_lookup (store, id);

  if (incident == NULL)
    sn_ctl_printerr (_("No incident “%s”. Run “narcisse-ctl incident list” to see them."), id);
  return incident;
}

/* check ---------------------------------------------------------------- */

static int
incident_check (SnCtl  *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnRunbookCatalog) catalog = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  g_autoptr(GError) error = NULL;
  SnCtlRunOptions options = { NULL };
  SnIncident *open;
  SnRunbook *runbook;
  GListModel *steps;
  guint n_failed = 0, n_steps, width = 0;
  int status;
  const GOptionEntry entries[] = { { NULL } };

  context = sn_ctl_option_context_new ("incident check", NULL,
                                       _("Run the SEV1 checklist (runbook §1.3: health, containers, "
                                         "app log, disk, database) at once and print each check. "
                                         "Exit status: 0 all passed, 2 any failed."),
                                       entries);
  if (!sn_ctl_parse_options (context, "incident check", &argc, &argv, &status))
    return status;
  if (!(profile = sn_ctl_open_profile (ctl)))
    return SN_CTL_EXIT_FAILURE;

  catalog = sn_ctl_load_runbooks ();
  if (!(runbook = sn_ctl_lookup_builtin_runbook (catalog, CHECKLIST_ID)))
    return SN_CTL_EXIT_FAILURE;
  session = sn_ssh_session_new (profile, sn_secret_store_get_default ());

  g_print (_("SEV1 checklist on “%s”…\n"), sn_profile_get_name (profile));
  /* The same driver as "runbook run"; the checks are printed below, and the
   * failed ones are in the steps: the run's own verdict adds nothing here. */
  options.session = session;
  options.quiet = TRUE;
  status = sn_ctl_run_runbook (runbook, profile, NULL, &options, &runner);
  sn_ssh_session_disconnect (session);
  if (runner == NULL)
    return status;

  steps = sn_runner_get_steps (runner);
  n_steps = g_list_model_get_n_items (steps);
  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      width = MAX (width, sn_ctl_text_width (sn_step_run_get_title (step)));
    }
  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);
      gboolean passed = sn_step_run_get_state (step) == SN_STEP_STATE_SUCCEEDED;
      const char *message = sn_step_run_get_message (step);

      n_failed += !passed;
      g_print ("%s ", passed ? "✓" : "✗");
      sn_ctl_print_padded (sn_step_run_get_title (step), width + 2);
      g_print ("%s  %6.1f s", passed ? _("pass") : _("FAIL"), sn_step_run_get_elapsed_ms (step) / 1000.0);
      if (!passed && message != NULL && *message != '\0')
        g_print ("  %s", message);
      g_print ("\n");
    }

  g_print ("\n");
  if (n_failed == 0)
    g_print (_("All %u checks passed.\n"), n_steps);
  else
    g_print (_("%u of %u checks failed.\n"), n_failed, n_steps);
  if (sn_runner_get_report_path (runner) != NULL)
    g_print (_("Report: %s\n"), sn_runner_get_report_path (runner));

  /* The open incident's timeline gets the check and its report. */
  incidents = load_incidents ();
  open = sn_incident_store_get_open (incidents, sn_profile_get_name (profile));
  if (open != NULL)
    {
      /* Recorded check by check, written in the reader's language when shown. */
      sn_incident_add_run (open, runner, sn_runner_get_outcome (runner));
      give_secrets (incidents, sn_incident_get_profile (open));
      if (!sn_incident_store_save (incidents, open, &error))
        sn_ctl_print_error (error);
      else
        g_print (_("Added to incident %s.\n"), sn_incident_get_id (open));
    }

  return n_failed == 0 && n_steps > 0 ? SN_CTL_EXIT_OK : SN_CTL_EXIT_FAILURE;
}

/* declare -------------------------------------------------------------- */

static SnHealthReport *
check_health (SnProfile *profile)
{
  g_autoptr(SnHealthService) service = sn_health_service_new ();
  g_autofree char *key = sn_secret_store_lookup_sync (sn_secret_store_get_default (), profile,
                                                      SN_SECRET_KIND_MONITORING_KEY, NULL, NULL);
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  sn_health_service_check_async (service, sn_profile_get_site_url (profile), key, 20, NULL,
                                 sn_await_callback, &await);
  return sn_health_service_check_finish (service, sn_await_result (&await), NULL);
}

/* The triage's answers given on the command line; unset ones stay unknown. */
typedef struct
{
  char     *users;        /* owned by the caller */
  gboolean  bookings_failing;
  gboolean  payments_failing;
  gboolean  data_at_risk;
  gboolean  slow;
} DeclareAnswers;

/* Adds @given to @answers; FALSE (with a usage error printed) on a bad --users.
 * *@any says whether anything was answered. */
static gboolean
apply_answers (const DeclareAnswers *given,
               SnTriageAnswers      *answers,
               gboolean             *any)
{
  static const struct { const char *nick; SnUsersAffected users; } users[] = {
    { "none", SN_USERS_NONE }, { "few", SN_USERS_FEW }, { "many", SN_USERS_MANY }, { "all", SN_USERS_ALL },
  };

  *any = FALSE;
  if (given->users != NULL)
    {
      guint i;

      for (i = 0; i < G_N_ELEMENTS (users); i++)
        if (g_ascii_strcasecmp (given->users, users[i].nick) == 0)
          break;
      if (i == G_N_ELEMENTS (users))
        {
          sn_ctl_usage_error ("incident declare", _("--users is none, few, many or all"));
          return FALSE;
        }
      answers->users = users[i].users;
      *any = TRUE;
    }
  if (given->bookings_failing)
    answers->bookings_failing = SN_ANSWER_YES;
  if (given->payments_failing)
    answers->payments_failing = SN_ANSWER_YES;
  if (given->data_at_risk)
    answers->data_at_risk = SN_ANSWER_YES;
  if (given->slow)
    answers->degraded = SN_ANSWER_YES;
  *any = *any || given->bookings_failing || given->payments_failing || given->data_at_risk || given->slow;
  return TRUE;
}

/* Refused read-only profiles exit 3 (refused), like refused runbooks. */
static int
manage_error (const GError *error)
{
  sn_ctl_print_error (error);
  return g_error_matches (error, SN_PROFILE_ERROR, SN_PROFILE_ERROR_LEVEL)
         ? SN_CTL_EXIT_REFUSED : SN_CTL_EXIT_FAILURE;
}

static void
print_respond_before (SnIncident *incident)
{
  g_autofree char *at = sn_incident_dup_deadline_label (incident, NULL);

  g_print (_("Respond before %s (%s target): run “narcisse-ctl incident respond”, a note, a check "
             "or a runbook.\n"), at,
           sn_severity_to_string (sn_incident_get_severity (incident)));
}

static int
incident_declare (SnCtl  *ctl,
                  int     argc,
                  char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  g_autoptr(SnIncident) incident = NULL;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *severity_arg = NULL;
  g_autofree char *title = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *why = NULL;
  g_autofree char *users = NULL;
  DeclareAnswers given = { NULL };
  SnTriageAnswers answers;
  SnSeverity proposed, severity;
  gboolean answered, seen;
  int status;
  const GOptionEntry entries[] = {
    { "title", 't', 0, G_OPTION_ARG_STRING, &title, N_("What is happening, in a few words (required)"), N_("TEXT") },
    { "severity", 's', 0, G_OPTION_ARG_STRING, &severity_arg, N_("SEV1 to SEV4; without it, the triage answers decide"), N_("SEVn") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the severity differs from the proposed one"), N_("TEXT") },
    { "users", 0, 0, G_OPTION_ARG_STRING, &users, N_("Triage: who is affected"), N_("none|few|many|all") },
    { "bookings-failing", 0, 0, G_OPTION_ARG_NONE, &given.bookings_failing, N_("Triage: bookings fail"), NULL },
    { "payments-failing", 0, 0, G_OPTION_ARG_NONE, &given.payments_failing, N_("Triage: payments fail"), NULL },
    { "data-at-risk", 0, 0, G_OPTION_ARG_NONE, &given.data_at_risk, N_("Triage: data may be lost or exposed"), NULL },
    { "slow", 0, 0, G_OPTION_ARG_NONE, &given.slow, N_("Triage: the site is slow or partly down"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("incident declare", NULL,
                                       _("Declare an incident: checks the site's health, proposes a "
                                         "severity (runbook §1.2) from the checks and the triage "
                                         "answers, and starts the response clock. Needs --title, and "
                                         "--severity unless the checks or the answers show the problem."),
                                       entries);
  if (!sn_ctl_parse_options (context, "incident declare", &argc, &argv, &status))
    return status;
  given.users = users;
  if (title != NULL)
    g_strstrip (title);
  if (title == NULL || *title == '\0')
    return sn_ctl_usage_error ("incident declare", _("Say what is happening with --title TEXT"));
  severity = severity_arg != NULL ? sn_severity_from_string (severity_arg) : SN_SEVERITY_NONE;
  if (severity_arg != NULL && severity == SN_SEVERITY_NONE)
    return sn_ctl_usage_error ("incident declare", _("--severity is SEV1, SEV2, SEV3 or SEV4"));
  if (!(profile = sn_ctl_open_profile (ctl)))
    return SN_CTL_EXIT_FAILURE;

  incidents = load_incidents ();
  /* Before anything else: a read-only profile, or one with an open incident, is told at once. */
  if (!sn_incident_store_check_manage (incidents, profile, &error))
    return manage_error (error);
  if (sn_incident_store_get_open (incidents, sn_profile_get_name (profile)) != NULL)
    {
      sn_ctl_printerr (_("Incident %s is still open on “%s”: resolve it first, or re-grade it with "
                         "“narcisse-ctl incident severity” if this is the same problem."),
                       sn_incident_get_id (sn_incident_store_get_open (incidents, sn_profile_get_name (profile))),
                       sn_profile_get_name (profile));
      return SN_CTL_EXIT_FAILURE;
    }

  report = check_health (profile);
  sn_triage_answers_init (&answers);
  sn_triage_seed (&answers, report, NULL);
  seen = answers.seen != NULL;
  if (!apply_answers (&given, &answers, &answered))
    {
      sn_triage_answers_clear (&answers);
      return SN_CTL_EXIT_FAILURE;
    }
  proposed = sn_triage_propose (&answers, &why);
  sn_triage_answers_clear (&answers);
  g_print (_("Proposed: %s\n"), why);

  /* Nothing seen and nothing answered: the proposal would be a guess (SEV4). */
  if (severity == SN_SEVERITY_NONE && !seen && !answered)
    {
      sn_ctl_printerr (_("The checks found nothing wrong, so there is nothing to grade the incident "
                         "on: give --severity SEVn, or answer the triage (--users, --bookings-failing, "
                         "--payments-failing, --data-at-risk, --slow)."));
      return SN_CTL_EXIT_FAILURE;
    }
  if (severity == SN_SEVERITY_NONE)
    severity = proposed;
  if (severity != proposed && (reason == NULL || *reason == '\0'))
    {
      sn_ctl_printerr (_("%s differs from the proposed %s: say why with --reason."),
                       sn_severity_to_string (severity), sn_severity_to_string (proposed));
      return SN_CTL_EXIT_FAILURE;
    }

  incident = sn_incident_new (sn_profile_get_name (profile), title, severity, proposed, reason, NULL);
  /* The triage is how the incident starts, not a first response: the clock runs. */
  sn_incident_add_triage (incident, why);
  give_secrets (incidents, sn_profile_get_name (profile));
  if (!sn_incident_store_declare (incidents, profile, incident, &error))
    return manage_error (error);
  g_print (_("Declared %s (%s).\n"), sn_incident_get_id (incident), sn_severity_to_string (severity));
  print_respond_before (incident);
  return SN_CTL_EXIT_OK;
}

/* severity, respond ---------------------------------------------------- */

/* "[ID] REST...": the named incident, or the open one of the profile when
 * the first argument is not an incident's id. */
static SnIncident *
pick_incident (SnCtl            *ctl,
               SnIncidentStore  *incidents,
               int              *argc,
               char           ***argv,
               SnProfile       **profile)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SnIncident *incident = NULL;

  if (*argc >= 2 && (incident = sn_incident_store_lookup (incidents, (*argv)[1])) != NULL)
    {
      *argc -= 1;
      *argv += 1;
    }

  if (!(store = sn_ctl_load_profile_store (FALSE, &error)))
    {
      sn_ctl_print_error (error);
      return NULL;
    }
  /* The incident's own profile decides what may be done with it. */
  if (incident != NULL && (*profile = sn_profile_store_lookup (store, sn_incident_get_profile (incident))))
    {
      g_object_ref (*profile);
      return incident;
    }
  if (!(*profile = sn_ctl_resolve_profile (ctl, store, &error)))
    {
      sn_ctl_print_error (error);
      return NULL;
    }
  if (incident != NULL)
    return incident;

  incident = sn_incident_store_get_open (incidents, sn_profile_get_name (*profile));
  if (incident == NULL)
    sn_ctl_printerr (_("No incident is open on “%s”. Name one (“narcisse-ctl incident list”) or "
                       "declare one."), sn_profile_get_name (*profile));
  return incident;
}

static int
incident_severity (SnCtl  *ctl,
                   int     argc,
                   char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  SnIncident *incident;
  SnSeverity severity, before;
  int status;
  const GOptionEntry entries[] = {
    { "reason", 'r', 0, G_OPTION_ARG_STRING, &reason, N_("Why the severity changes (required)"), N_("TEXT") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("incident severity", _("[ID] SEVn"),
                                       _("Re-grade an incident (the profile's open one without ID); "
                                         "the change and its reason go into the timeline and the "
                                         "response target follows the new severity."),
                                       entries);
  if (!sn_ctl_parse_options (context, "incident severity", &argc, &argv, &status))
    return status;
  if (argc < 2 || argc > 3)
    return sn_ctl_usage_error ("incident severity", _("Give the new severity, SEV1 to SEV4"));
  if (reason == NULL || *g_strstrip (reason) == '\0')
    return sn_ctl_usage_error ("incident severity", _("Say why with --reason TEXT"));

  incidents = load_incidents ();
  if (!(incident = pick_incident (ctl, incidents, &argc, &argv, &profile)))
    return SN_CTL_EXIT_FAILURE;
  if (argc != 2)
    return sn_ctl_usage_error ("incident severity", _("Give one incident and the new severity"));
  if ((severity = sn_severity_from_string (argv[1])) == SN_SEVERITY_NONE)
    return sn_ctl_usage_error ("incident severity", _("The severity is SEV1, SEV2, SEV3 or SEV4"));

  before = sn_incident_get_severity (incident);
  give_secrets (incidents, sn_incident_get_profile (incident));
  if (!sn_incident_store_set_severity (incidents, profile, incident, severity, reason, &error))
    return manage_error (error);
  if (before == severity)
    g_print (_("Incident %s is already %s.\n"), sn_incident_get_id (incident), sn_severity_to_string (severity));
  else
    {
      g_print (_("Incident %s: %s → %s.\n"), sn_incident_get_id (incident),
               sn_severity_to_string (before), sn_severity_to_string (severity));
      print_respond_before (incident);
    }
  return SN_CTL_EXIT_OK;
}

static int
incident_respond (SnCtl  *ctl,
                  int     argc,
                  char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;
  SnIncident *incident;
  int status;
  const GOptionEntry entries[] = {
    { "note", 'n', 0, G_OPTION_ARG_STRING, &note, N_("What you are doing"), N_("TEXT") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("incident respond", _("[ID]"),
                                       _("Record the first response to an incident (the profile's "
                                         "open one without ID): it stops the response clock."),
                                       entries);
  if (!sn_ctl_parse_options (context, "incident respond", &argc, &argv, &status))
    return status;
  if (argc > 2)
    return sn_ctl_usage_error ("incident respond", _("Name at most one incident"));

  incidents = load_incidents ();
  if (!(incident = pick_incident (ctl, incidents, &argc, &argv, &profile)))
    return SN_CTL_EXIT_FAILURE;
  if (argc != 1)
    {
      sn_ctl_printerr (_("No incident “%s”. Run “narcisse-ctl incident list” to see them."), argv[1]);
      return SN_CTL_EXIT_FAILURE;
    }
  if (sn_incident_get_state (incident) != SN_INCIDENT_STATE_OPEN)
    {
      sn_ctl_printerr (_("Incident %s is resolved."), sn_incident_get_id (incident));
      return SN_CTL_EXIT_FAILURE;
    }
  give_secrets (incidents, sn_incident_get_profile (incident));
  if (!sn_incident_respond (incident, note, NULL))
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (sn_incident_get_responded_at (incident));
      g_autofree char *at = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");

      g_print (_("Incident %s already had its first response at %s.\n"), sn_incident_get_id (incident), at);
      return SN_CTL_EXIT_OK;
    }
  if (!sn_incident_store_save (incidents, incident, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }
  {
    g_autofree char *took = sn_format_duration (g_date_time_difference (sn_incident_get_responded_at (incident),
                                                                        sn_incident_get_declared_at (incident))
                                                / G_TIME_SPAN_SECOND);

    g_print (_("First response to %s recorded, %s after it was declared%s.\n"), sn_incident_get_id (incident),
             took, sn_incident_is_response_missed (incident, NULL) ? _(" (target missed)") : "");
  }
  return SN_CTL_EXIT_OK;
}

/* note, close ---------------------------------------------------------- */

static int
incident_note (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  g_autoptr(GError) error = NULL;
  SnIncident *incident;
  int status;
  const GOptionEntry entries[] = { { NULL } };

  context = sn_ctl_option_context_new ("incident note", _("ID TEXT"),
                                       _("Add a note to an incident's timeline."), entries);
  if (!sn_ctl_parse_options (context, "incident note", &argc, &argv, &status))
    return status;
  if (argc != 3)
    return sn_ctl_usage_error ("incident note", _("Give an incident and the note"));

  incidents = load_incidents ();
  if (!(incident = find_incident (incidents, argv[1])))
    return SN_CTL_EXIT_FAILURE;
  give_secrets (incidents, sn_incident_get_profile (incident));
  sn_incident_add_entry (incident, SN_TIMELINE_KIND_NOTE, argv[2], NULL, NULL);
  if (!sn_incident_store_save (incidents, incident, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }
  return SN_CTL_EXIT_OK;
}

static int
incident_close (SnCtl  *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *resolution = NULL;
  g_autoptr(SnProfile) profile = NULL;
  SnIncident *incident;
  int status;
  const GOptionEntry entries[] = {
    { "resolution", 'r', 0, G_OPTION_ARG_STRING, &resolution, N_("How it was resolved"), N_("TEXT") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("incident close", _("ID"),
                                       _("Resolve an incident."), entries);
  if (!sn_ctl_parse_options (context, "incident close", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("incident close", _("Name one incident"));
  if (resolution == NULL || *resolution == '\0')
    return sn_ctl_usage_error ("incident close", _("Say how it was resolved with --resolution"));

  incidents = load_incidents ();
  if (!(incident = find_incident (incidents, argv[1])))
    return SN_CTL_EXIT_FAILURE;
  if (!(incident = pick_incident (ctl, incidents, &argc, &argv, &profile)))
    return SN_CTL_EXIT_FAILURE;
  give_secrets (incidents, sn_incident_get_profile (incident));
  if (!sn_incident_store_close (incidents, profile, incident, resolution, &error))
    return manage_error (error);
  return SN_CTL_EXIT_OK;
}

/* list ----------------------------------------------------------------- */

static char *
iso_or_null (GDateTime *time)
{
  return time != NULL ? g_date_time_format_iso8601 (time) : NULL;
}

static int
incident_list (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  gboolean json = FALSE;
  guint n;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("incident list", NULL, _("List the incidents, newest first."), entries);
  if (!sn_ctl_parse_options (context, "incident list", &argc, &argv, &status))
    return status;

  incidents = load_incidents ();
  n = g_list_model_get_n_items (G_LIST_MODEL (incidents));

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(SnIncident) incident = g_list_model_get_item (G_LIST_MODEL (incidents), i);
          g_autofree char *declared = iso_or_null (sn_incident_get_declared_at (incident));
          g_autofree char *responded = iso_or_null (sn_incident_get_responded_at (incident));
          g_autofree char *resolved = iso_or_null (sn_incident_get_resolved_at (incident));

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, sn_incident_get_id (incident));
          json_builder_set_member_name (builder, "profile");
          json_builder_add_string_value (builder, sn_incident_get_profile (incident));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, sn_incident_get_title (incident));
          json_builder_set_member_name (builder, "severity");
          json_builder_add_string_value (builder, sn_severity_to_string (sn_incident_get_severity (incident)));
          json_builder_set_member_name (builder, "state");
          json_builder_add_string_value (builder, sn_incident_get_state (incident) == SN_INCIDENT_STATE_OPEN
                                                  ? "open" : "resolved");
          json_builder_set_member_name (builder, "declared_at");
          json_builder_add_string_value (builder, declared);
          json_builder_set_member_name (builder, "responded_at");
          if (responded != NULL) json_builder_add_string_value (builder, responded);
          else json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "resolved_at");
          if (resolved != NULL) json_builder_add_string_value (builder, resolved);
          else json_builder_add_null_value (builder);
          json_builder_set_member_name (builder, "response_missed");
          json_builder_add_boolean_value (builder, sn_incident_is_response_missed (incident, NULL));
          json_builder_set_member_name (builder, "timeline_entries");
          json_builder_add_int_value (builder, g_list_model_get_n_items (sn_incident_get_timeline (incident)));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      sn_ctl_print_json (root);
      return SN_CTL_EXIT_OK;
    }

  if (n == 0)
    g_print ("%s\n", _("No incident."));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnIncident) incident = g_list_model_get_item (G_LIST_MODEL (incidents), i);
      g_autoptr(GDateTime) local = g_date_time_to_local (sn_incident_get_declared_at (incident));
      g_autofree char *when = g_date_time_format (local, "%Y-%m-%d %H:%M");

      g_print ("%s  %s  %s  %-8s  %s  %s\n", sn_incident_get_id (incident), when,
               sn_severity_to_string (sn_incident_get_severity (incident)),
               sn_incident_get_state (incident) == SN_INCIDENT_STATE_OPEN ? _("open") : _("resolved"),
               sn_incident_get_profile (incident), sn_incident_get_title (incident));
    }
  return SN_CTL_EXIT_OK;
}

/* export --------------------------------------------------------------- */

/* The profile's secrets, to be sure none reaches the postmortem. */
static GStrv
profile_secrets (const char *profile_name)
{
  g_autoptr(SnProfileStore) store = sn_ctl_load_profile_store (FALSE, NULL);
  SnProfile *profile = store != NULL ? sn_profile_store_lookup (store, profile_name) : NULL;

  if (profile == NULL)
    return g_new0 (char *, 1);
  return sn_secret_store_dup_values_sync (sn_secret_store_get_default (), profile, NULL, NULL);
}

/* What is written into an incident is redacted by the store with the
 * profile's secret values, besides the patterns; say so when they cannot
 * all be read rather than saving silently. */
static void
give_secrets (SnIncidentStore *incidents,
              const char      *profile_name)
{
  g_autoptr(SnProfileStore) store = sn_ctl_load_profile_store (FALSE, NULL);
  SnProfile *profile = store != NULL && profile_name != NULL
                       ? sn_profile_store_lookup (store, profile_name) : NULL;

  if (profile != NULL && sn_incident_store_load_secrets_sync (incidents, profile, NULL))
    return;
  sn_ctl_printerr (_("Warning: the secrets of the profile “%s” could not all be read (keyring locked or "
                     "unavailable, or the profile is gone): what is written into the incident is redacted "
                     "by pattern only. Do not paste passwords."),
                   profile_name != NULL ? profile_name : "");
}

static int
incident_export (SnCtl  *ctl,
                 int     argc,
                 char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnIncidentStore) incidents = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *markdown = NULL;
  g_auto(GStrv) secrets = NULL;
  SnIncident *incident;
  int status;
  const GOptionEntry entries[] = {
    { "markdown", 'm', 0, G_OPTION_ARG_FILENAME, &markdown, N_("Write the Markdown postmortem to FILE"), N_("FILE") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("incident export", _("ID"),
                                       _("Export an incident's postmortem (Markdown), secrets redacted."),
                                       entries);
  if (!sn_ctl_parse_options (context, "incident export", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("incident export", _("Name one incident"));
  if (markdown == NULL)
    return sn_ctl_usage_error ("incident export", _("Say where with --markdown FILE"));

  incidents = load_incidents ();
  if (!(incident = find_incident (incidents, argv[1])))
    return SN_CTL_EXIT_FAILURE;

  secrets = profile_secrets (sn_incident_get_profile (incident));
  if (!sn_postmortem_write (incident, markdown, (const char * const *) secrets, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }
  g_print (_("Wrote %s\n"), markdown);
  return SN_CTL_EXIT_OK;
}

int
sn_ctl_incident (SnCtl  *ctl,
                 int     argc,
                 char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "check", incident_check },
    { "declare", incident_declare },
    { "severity", incident_severity },
    { "respond", incident_respond },
    { "note", incident_note },
    { "close", incident_close },
    { "list", incident_list },
    { "export", incident_export },
  };

  return sn_ctl_run_subcommand (ctl, "incident",
                                _("Usage: narcisse-ctl incident check | declare --title TEXT [--severity SEVn] "
                                  "[--reason TEXT] [triage answers] | severity [ID] SEVn --reason TEXT | "
                                  "respond [ID] [--note TEXT] | note ID TEXT | close ID "
                                  "--resolution TEXT | list [--json] | export ID --markdown FILE"),
                                subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
