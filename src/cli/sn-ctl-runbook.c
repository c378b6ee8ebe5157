/* sn-ctl-runbook.c: narcisse-ctl runbook list|show|run
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib-unix.h>

#include "sn-backup-service.h"
#include "sn-ctl.h"
#include "sn-incident-store.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"

/* Exit statuses of "runbook run". */
#define EXIT_SUCCEEDED       0
#define EXIT_FAILED_REVERTED 1
#define EXIT_FAILED          2
#define EXIT_REFUSED         3

static SnRunbookCatalog *
load_catalog (void)
{
  SnRunbookCatalog *catalog = sn_runbook_catalog_new (NULL);
  const char * const *errors;

  sn_runbook_catalog_load (catalog, NULL);
  errors = sn_runbook_catalog_get_errors (catalog);
  for (guint i = 0; errors[i] != NULL; i++)
    sn_ctl_printerr (_("Left out a runbook: %s"), errors[i]);

  return catalog;
}

static const char *
safety_label (SnSafetyLevel level)
{
  switch (level)
    {
    case SN_SAFETY_LEVEL_READ_ONLY: return _("read-only");
    case SN_SAFETY_LEVEL_OPERATOR: return _("operator");
    case SN_SAFETY_LEVEL_ADMIN: return _("admin");
    default: return "?";
    }
}

static int
runbook_list (SnCtl  *ctl,
              int     argc,
              char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnRunbookCatalog) catalog = NULL;
  gboolean json = FALSE;
  int status;
  guint width = 0;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("runbook list", NULL, _("List the runbooks."), entries);
  if (!sn_ctl_parse_options (context, "runbook list", &argc, &argv, &status))
    return status;

  catalog = load_catalog ();

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
        {
          g_autoptr(SnRunbook) runbook = g_list_model_get_item (G_LIST_MODEL (catalog), i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, sn_runbook_get_id (runbook));
          json_builder_set_member_name (builder, "title");
          json_builder_add_string_value (builder, sn_runbook_get_title (runbook));
          json_builder_set_member_name (builder, "safety_level");
          json_builder_add_string_value (builder, sn_ctl_safety_level_nick (sn_runbook_get_safety_level (runbook)));
          json_builder_set_member_name (builder, "destructive");
          json_builder_add_boolean_value (builder, sn_runbook_is_destructive (runbook));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      sn_ctl_print_json (root);
      return SN_CTL_EXIT_OK;
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(SnRunbook) runbook = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      width = MAX (width, sn_ctl_text_width (sn_runbook_get_id (runbook)));
    }

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (catalog)); i++)
    {
      g_autoptr(SnRunbook) runbook = g_list_model_get_item (G_LIST_MODEL (catalog), i);

      sn_ctl_print_padded (sn_runbook_get_id (runbook), width + 2);
      g_print ("%s  [%s%s]\n", sn_runbook_get_title (runbook),
               safety_label (sn_runbook_get_safety_level (runbook)),
               sn_runbook_is_destructive (runbook) ? _(", changes the system") : "");
    }

  return SN_CTL_EXIT_OK;
}

static SnRunbook *
find_runbook (SnRunbookCatalog *catalog,
              const char       *id)
{
  SnRunbook *runbook = sn_runbook_catalog_lookup (catalog, id);

  if (runbook == NULL)
    sn_ctl_printerr (_("No runbook “%s”. Run “narcisse-ctl runbook list” to see them."), id);

  return runbook;
}

static const char *
param_type_label (SnParamType type)
{
  switch (type)
    {
    case SN_PARAM_TYPE_TAG: return _("release tag, like v1.2.3");
    case SN_PARAM_TYPE_DATE: return _("date, like 2026-06-28");
    case SN_PARAM_TYPE_CHOICE: return _("one of");
    case SN_PARAM_TYPE_SECRET: return _("secret");
    case SN_PARAM_TYPE_INTEGER: return _("whole number");
    case SN_PARAM_TYPE_STRING:
    default: return _("text");
    }
}

static int
runbook_show (SnCtl  *ctl,
              int     argc,
              char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnRunbookCatalog) catalog = NULL;
  SnRunbook *runbook;
  int status;
  const GOptionEntry entries[] = { { NULL } };

  context = sn_ctl_option_context_new ("runbook show", _("ID"),
                                       _("Show what a runbook does, its parameters and steps."),
                                       entries);
  if (!sn_ctl_parse_options (context, "runbook show", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("runbook show", _("Name one runbook"));

  catalog = load_catalog ();
  if (!(runbook = find_runbook (catalog, argv[1])))
    return SN_CTL_EXIT_FAILURE;

  g_print ("%s (%s)\n", sn_runbook_get_title (runbook), sn_runbook_get_id (runbook));
  if (*sn_runbook_get_description (runbook) != '\0')
    g_print ("%s\n", sn_runbook_get_description (runbook));
  g_print (_("Needs a profile of level: %s\n"), safety_label (sn_runbook_get_safety_level (runbook)));

  if (sn_runbook_get_n_params (runbook) > 0)
    {
      g_print ("\n%s\n", _("Parameters (--param NAME=VALUE):"));
      for (guint i = 0; i < sn_runbook_get_n_params (runbook); i++)
        {
          const SnRunbookParam *param = sn_runbook_get_param (runbook, i);
          g_autofree char *choices = param->choices != NULL ? g_strjoinv (", ", param->choices) : NULL;

          g_print ("  %s: %s (%s%s%s)%s%s%s\n", param->id, g_dgettext (GETTEXT_PACKAGE, param->label),
                   param_type_label (param->type), choices != NULL ? " " : "",
                   choices != NULL ? choices : "",
                   param->default_value != NULL ? _(", default ") : "",
                   param->default_value != NULL ? param->default_value : "",
                   param->required && param->default_value == NULL ? _(", required") : "");
        }
    }

  g_print ("\n%s\n", _("Steps:"));
  for (guint i = 0; i < sn_runbook_get_n_steps (runbook); i++)
    {
      const SnRunbookStep *step = sn_runbook_get_step (runbook, i);

      g_print ("  %u. %s  [%s]%s%s%s\n", i + 1, g_dgettext (GETTEXT_PACKAGE, step->title),
               step->call->action,
               step->destructive ? _("  changes the system") : "",
               step->verify != NULL ? _(", verified") : "",
               step->revert != NULL ? _(", can be reverted") : "");
    }

  return SN_CTL_EXIT_OK;
}

/* run ------------------------------------------------------------------ */

static void
print_plan (SnRunner *runner)
{
  GListModel *steps = sn_runner_get_steps (runner);

  g_print ("%s — %s\n", sn_runbook_get_title (sn_runner_get_runbook (runner)),
           sn_profile_get_name (sn_runner_get_profile (runner)));
  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      g_print ("\n%u. %s%s\n", i + 1, sn_step_run_get_title (step),
               sn_step_run_get_destructive (step) ? _("  (changes the system)") : "");
      g_print ("   $ %s\n", sn_step_run_get_command (step));
      if (sn_step_run_get_impact (step) != NULL)
        g_print (_("   Impact: %s\n"), sn_step_run_get_impact (step));
      if (sn_step_run_get_verify_command (step) != NULL)
        g_print (_("   Verify: %s\n"), sn_step_run_get_verify_command (step));
      if (sn_step_run_get_revert_command (step) != NULL)
        g_print (_("   Undo:   %s\n"), sn_step_run_get_revert_command (step));
    }
  g_print ("\n");
}

static char *
ask (const char *question)
{
  char buffer[512];

  g_print ("%s ", question);
  fflush (stdout);
  if (fgets (buffer, sizeof buffer, stdin) == NULL)
    return NULL;
  return g_strstrip (g_strdup (buffer));
}

static void
on_output (SnRunner   *runner,
           SnStepRun  *step,
           int         kind,
           const char *line,
           gpointer    user_data)
{
  if (kind == SN_OUTPUT_STDERR)
    g_printerr ("  [%s] %s\n", sn_step_run_get_id (step), line);
  else
    g_print ("  [%s] %s\n", sn_step_run_get_id (step), line);
}

static void
on_step_state (SnStepRun  *step,
               GParamSpec *pspec,
               gpointer    user_data)
{
  const char *message = sn_step_run_get_message (step);

  switch (sn_step_run_get_state (step))
    {
    case SN_STEP_STATE_RUNNING:
      g_print ("→ %s\n", sn_step_run_get_title (step));
      break;
    case SN_STEP_STATE_SUCCEEDED:
      g_print ("✓ %s (%.1f s)\n", sn_step_run_get_title (step),
               sn_step_run_get_elapsed_ms (step) / 1000.0);
      break;
    case SN_STEP_STATE_FAILED:
    case SN_STEP_STATE_CANCELLED:
      g_print ("✗ %s: %s\n", sn_step_run_get_title (step), message != NULL ? message : "");
      break;
    case SN_STEP_STATE_REVERTING:
      g_print (_("↶ Reverting %s\n"), sn_step_run_get_title (step));
      break;
    case SN_STEP_STATE_REVERTED:
      g_print (_("↶ Reverted %s\n"), sn_step_run_get_title (step));
      break;
    case SN_STEP_STATE_REVERT_FAILED:
      g_print ("‼ %s: %s\n", sn_step_run_get_title (step), message != NULL ? message : "");
      break;
    case SN_STEP_STATE_PENDING:
    case SN_STEP_STATE_VERIFYING:
    case SN_STEP_STATE_SKIPPED:
    default:
      break;
    }
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_printerr ("%s\n", _("Cancelling: the steps already done are being reverted…"));
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/* A run on a profile with an open incident goes into its timeline. */
static void
record_in_open_incident (SnRunner     *runner,
                         SnRunOutcome  outcome)
{
  g_autoptr(SnIncidentStore) incidents = sn_incident_store_new (NULL);
  g_autoptr(GError) error = NULL;
  SnIncident *open;

  if (!sn_incident_store_load (incidents, NULL))
    return;

  open = sn_incident_store_get_open (incidents, sn_profile_get_name (sn_runner_get_profile (runner)));
  if (open == NULL)
    return;

  sn_incident_add_run (open, runner, outcome);
  if (!sn_incident_store_save (incidents, open, &error))
    sn_ctl_print_error (error);
  else
    g_print (_("Added to incident %s.\n"), sn_incident_get_id (open));
}

static gboolean
parse_params (char       **params,
              GHashTable  *table)
{
  for (guint i = 0; params != NULL && params[i] != NULL; i++)
    {
      const char *equal = strchr (params[i], '=');

      if (equal == NULL || equal == params[i])
        {
          g_autofree char *message = g_strdup_printf (_("“%s” is not NAME=VALUE"), params[i]);

          sn_ctl_usage_error ("runbook run", message);
          return FALSE;
        }

      g_hash_table_insert (table, g_strndup (params[i], equal - params[i]), g_strdup (equal + 1));
    }

  return TRUE;
}

static int
runbook_run (SnCtl  *ctl,
             int     argc,
             char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnRunbookCatalog) catalog = NULL;
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) param_args = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *reason = NULL;
  gboolean dry_run = FALSE;
  gboolean yes = FALSE;
  gboolean interactive;
  SnRunbook *runbook;
  SnGateFlags gates;
  SnRunOutcome outcome;
  guint sigint;
  int status;
  const GOptionEntry entries[] = {
    { "param", 0, 0, G_OPTION_ARG_STRING_ARRAY, &param_args, N_("Set a parameter"), N_("NAME=VALUE") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, N_("Show the plan only; change nothing"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, N_("Do not ask: run it (needed without a terminal)"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name, typed to confirm (needed on production)"), N_("NAME") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why (required above the profile's level; goes to the audit log)"), N_("TEXT") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("runbook run", _("ID"),
                                       _("Run a runbook: plan, gates, steps, verification, revert "
                                         "on failure, and a report. Exit status: 0 succeeded, 1 failed "
                                         "and reverted, 2 failed (needs attention), 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "runbook run", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("runbook run", _("Name one runbook"));
  if (!parse_params (param_args, params))
    return SN_CTL_EXIT_FAILURE;

  catalog = load_catalog ();
  if (!(runbook = find_runbook (catalog, argv[1])))
    return SN_CTL_EXIT_FAILURE;

  if (!(store = sn_ctl_load_profile_store (FALSE, &error)) ||
      !(profile = sn_ctl_resolve_profile (ctl, store, &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  if (!(runner = sn_runner_new (runbook, profile, params, &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  session = sn_ssh_session_new (profile, sn_secret_store_get_default ());
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));

  /* A runbook gated on a verified backup gets the backup service, whose
   * check runs right before its first destructive step. */
  if (sn_runbook_get_gates (runbook) & SN_GATE_BACKUP_VERIFIED)
    {
      g_autoptr(SnBackupService) backups = sn_backup_service_new (profile, session);

      sn_backup_service_setup_runner (backups, runner, NULL);
    }

  if (!sn_runner_plan_sync (runner, NULL, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  interactive = isatty (STDIN_FILENO) && isatty (STDOUT_FILENO);

  if (dry_run || interactive || !sn_runbook_is_destructive (runbook))
    print_plan (runner);

  if (dry_run)
    {
      g_print (_("Dry run: nothing was changed. Report: %s\n"), sn_runner_get_report_path (runner));
      return SN_CTL_EXIT_OK;
    }

  gates = sn_runner_get_required_gates (runner);

  if (sn_runbook_is_destructive (runbook))
    {
      if (confirm != NULL && g_strcmp0 (confirm, sn_profile_get_name (profile)) != 0)
        {
          sn_ctl_printerr (_("--confirm “%s” does not match the profile “%s”; nothing was run."),
                           confirm, sn_profile_get_name (profile));
          return EXIT_REFUSED;
        }

      if (!yes && !interactive)
        {
          sn_ctl_printerr (_("“%s” changes the system and there is no terminal to ask: add --yes%s "
                             "to run it. Nothing was run."),
                           sn_runbook_get_id (runbook),
                           (gates & SN_GATE_TYPED_NAME) ? _(" and --confirm PROFILE") : "");
          return EXIT_REFUSED;
        }

      if ((gates & SN_GATE_TYPED_NAME) && confirm == NULL && !interactive)
        {
          sn_ctl_printerr (_("“%s” is a production profile: add --confirm %s to run “%s”. "
                             "Nothing was run."),
                           sn_profile_get_name (profile), sn_profile_get_name (profile),
                           sn_runbook_get_id (runbook));
          return EXIT_REFUSED;
        }

      if (interactive && !yes && confirm == NULL)
        {
          g_autofree char *question = NULL;
          g_autofree char *answer = NULL;

          if (gates & SN_GATE_TYPED_NAME)
            question = g_strdup_printf (_("This is PRODUCTION. Type the profile name “%s” to run it:"),
                                        sn_profile_get_name (profile));
          else
            question = g_strdup_printf (_("Run these steps on “%s”? Type yes to go on:"),
                                        sn_profile_get_name (profile));

          answer = ask (question);
          if (answer == NULL ||
              ((gates & SN_GATE_TYPED_NAME) ? g_strcmp0 (answer, sn_profile_get_name (profile)) != 0
                                            : g_ascii_strcasecmp (answer, _("yes")) != 0 &&
                                              g_ascii_strcasecmp (answer, "yes") != 0))
            {
              g_printerr ("%s\n", _("Not confirmed: nothing was run."));
              return EXIT_REFUSED;
            }
          confirm = g_strdup (sn_profile_get_name (profile));
        }

      if ((gates & SN_GATE_REASON) && reason == NULL && interactive)
        reason = ask (_("Why are you running this? (goes to the audit log)"));
    }

  sn_runner_set_typed_name (runner, confirm);
  sn_runner_set_reason (runner, reason);

  {
    GListModel *steps = sn_runner_get_steps (runner);

    for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
      {
        g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

        g_signal_connect (step, "notify::state", G_CALLBACK (on_step_state), NULL);
      }
  }
  g_signal_connect (runner, "output", G_CALLBACK (on_output), NULL);
  sigint = g_unix_signal_add (SIGINT, on_interrupt, cancellable);

  outcome = sn_runner_execute_sync (runner, cancellable, &error);
  g_source_remove (sigint);

  /* Deliver what the worker queued before printing the verdict. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (outcome == SN_RUN_OUTCOME_REFUSED && error != NULL)
    sn_ctl_print_error (error);
  else
    g_print ("\n%s\n", sn_runner_get_summary (runner) != NULL ? sn_runner_get_summary (runner) : "");
  if (sn_runner_get_report_path (runner) != NULL)
    g_print (_("Report: %s\n"), sn_runner_get_report_path (runner));

  record_in_open_incident (runner, outcome);

  switch (outcome)
    {
    case SN_RUN_OUTCOME_SUCCEEDED:
      return EXIT_SUCCEEDED;
    case SN_RUN_OUTCOME_FAILED_REVERTED:
      return EXIT_FAILED_REVERTED;
    case SN_RUN_OUTCOME_REFUSED:
      return EXIT_REFUSED;
    case SN_RUN_OUTCOME_FAILED:
    case SN_RUN_OUTCOME_NONE:
    case SN_RUN_OUTCOME_PLANNED:
    default:
      return EXIT_FAILED;
    }
}

int
sn_ctl_runbook (SnCtl  *ctl,
                int     argc,
                char  **argv)
{
  static const SnCtlSubcommand subcommands[] = {
    { "list", runbook_list },
    { "show", runbook_show },
    { "run", runbook_run },
  };

  return sn_ctl_run_subcommand (ctl, "runbook",
                                _("Usage: narcisse-ctl runbook list | show ID | run ID "
                                  "[--param NAME=VALUE…] [--dry-run] [--yes] [--confirm PROFILE] "
                                  "[--reason TEXT]"),
                                subcommands, G_N_ELEMENTS (subcommands), argc, argv);
}
