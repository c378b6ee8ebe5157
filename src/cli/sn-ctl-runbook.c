/* sn-ctl-runbook.c: narcisse-ctl runbook list|show|run, and the one runbook driver
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
#include "sn-deployments.h"
#include "sn-gate.h"
#include "sn-incident-store.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"

SnRunbookCatalog *
sn_ctl_load_runbooks (void)
{
  SnRunbookCatalog *catalog = sn_runbook_catalog_new (NULL);
  const char * const *errors;

  sn_runbook_catalog_load (catalog, NULL);
  errors = sn_runbook_catalog_get_errors (catalog);
  for (guint i = 0; errors[i] != NULL; i++)
    sn_ctl_printerr (_("Left out a runbook: %s"), errors[i]);

  return catalog;
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

  catalog = sn_ctl_load_runbooks ();

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
          json_builder_set_member_name (builder, "builtin");
          json_builder_add_boolean_value (builder, sn_runbook_is_builtin (runbook));
          if (!sn_runbook_is_builtin (runbook))
            {
              json_builder_set_member_name (builder, "file");
              json_builder_add_string_value (builder, sn_runbook_get_origin (runbook));
            }
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
      g_print ("%s  [%s%s]", sn_runbook_get_title (runbook),
               sn_safety_level_to_label (sn_runbook_get_safety_level (runbook)),
               sn_runbook_is_destructive (runbook) ? _(", changes the system") : "");
      if (!sn_runbook_is_builtin (runbook))
        g_print (_("  user runbook: %s"), sn_runbook_get_origin (runbook));
      g_print ("\n");
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

SnRunbook *
sn_ctl_lookup_builtin_runbook (SnRunbookCatalog *catalog,
                               const char       *id)
{
  SnRunbook *runbook = sn_runbook_catalog_lookup (catalog, id);

  if (runbook == NULL)
    {
      sn_ctl_printerr (_("The runbook “%s” is missing: reinstall Narcisse Admin."), id);
      return NULL;
    }
  if (!sn_runbook_is_builtin (runbook))
    {
      sn_ctl_printerr (_("The runbook “%s” is a user runbook (%s), not the one shipped with the app; "
                         "nothing was run. Rename or remove that file."),
                       id, sn_runbook_get_origin (runbook));
      return NULL;
    }
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

  catalog = sn_ctl_load_runbooks ();
  if (!(runbook = find_runbook (catalog, argv[1])))
    return SN_CTL_EXIT_FAILURE;

  g_print ("%s (%s)\n", sn_runbook_get_title (runbook), sn_runbook_get_id (runbook));
  if (!sn_runbook_is_builtin (runbook))
    g_print (_("User runbook, from %s\n"), sn_runbook_get_origin (runbook));
  if (*sn_runbook_get_description (runbook) != '\0')
    g_print ("%s\n", sn_runbook_get_description (runbook));
  g_print (_("Needs a profile of level: %s\n"), sn_safety_level_to_label (sn_runbook_get_safety_level (runbook)));

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

/* run: the one runbook driver ------------------------------------------- */

static void
print_plan (SnRunner *runner)
{
  SnRunbook *runbook = sn_runner_get_runbook (runner);
  GListModel *steps = sn_runner_get_steps (runner);

  g_print ("%s — %s\n", sn_runbook_get_title (runbook), sn_profile_get_name (sn_runner_get_profile (runner)));
  if (!sn_runbook_is_builtin (runbook))
    g_print (_("User runbook, from %s\n"), sn_runbook_get_origin (runbook));
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

/* A release or deploy that failed once it had changed the server: the
 * command that goes back to the version that ran before (core decides). */
static void
print_rollback_offer (SnRunner *runner)
{
  g_autofree char *tag = sn_deploy_dup_rollback_tag (runner);
  g_autofree char *name = NULL;

  if (tag == NULL)
    return;
  name = g_strdup (sn_profile_get_name (sn_runner_get_profile (runner)));
  if (!g_regex_match_simple ("^[A-Za-z0-9._-]+$", name, 0, 0))
    {
      g_autofree char *plain = g_steal_pointer (&name);

      name = g_shell_quote (plain);
    }
  g_print (_("The server may be left on the failed version. To go back to %s, the version "
             "that ran before:\n  narcisse-ctl --profile %s deploy rollback %s\n"),
           tag, name, tag);
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

  if ((open = sn_incident_store_record_run (incidents, runner, outcome, &error)) != NULL)
    g_print (_("Added to incident %s.\n"), sn_incident_get_id (open));
  else if (error != NULL)
    sn_ctl_print_error (error);
}

/* Whether the run asks for a confirmation: as the runner planned it, so a
 * step whose action changes the system counts even if the file forgot to
 * flag it. */
static gboolean
run_changes_system (SnRunner *runner)
{
  GListModel *steps = sn_runner_get_steps (runner);

  if (sn_runbook_is_destructive (sn_runner_get_runbook (runner)) ||
      sn_runner_get_required_gates (runner) != SN_GATE_NONE)
    return TRUE;

  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      if (sn_step_run_get_destructive (step))
        return TRUE;
    }
  return FALSE;
}

/* Asks what the gates need (one registry: sn-gate.h) on a terminal without
 * --yes; @typed_name and @reason hold what the person gave, never a value
 * filled in for them. */
static gboolean
ask_gates (SnRunner               *runner,
           const SnCtlRunOptions  *options,
           char                  **typed_name,
           char                  **reason)
{
  SnProfile *profile = sn_runner_get_profile (runner);
  SnGateFlags gates = sn_runner_get_required_gates (runner);
  const SnGateInfo * const *list = sn_gate_list ();

  if (options->warning != NULL)
    g_print ("%s\n", options->warning);

  for (guint i = 0; list[i] != NULL; i++)
    {
      g_autofree char *prompt = NULL;
      char **answer;

      if ((gates & list[i]->flag) == 0)
        continue;
      answer = list[i]->flag == SN_GATE_TYPED_NAME ? typed_name
               : list[i]->flag == SN_GATE_REASON ? reason : NULL;
      if (answer == NULL || *answer != NULL)
        continue;
      if (!(prompt = sn_gate_dup_prompt (list[i]->flag, profile, sn_runner_get_runbook (runner))))
        continue;
      *answer = ask (prompt);
      if (*answer == NULL)
        return FALSE;
    }

  /* Without a typed name, a plain yes. */
  if ((gates & SN_GATE_TYPED_NAME) == 0)
    {
      g_autofree char *question = g_strdup_printf (_("Run these steps on “%s”? Type yes to go on:"),
                                                   sn_profile_get_name (profile));
      g_autofree char *answer = ask (question);

      if (answer == NULL ||
          (g_ascii_strcasecmp (answer, _("yes")) != 0 && g_ascii_strcasecmp (answer, "yes") != 0))
        return FALSE;
    }

  return TRUE;
}

/* The rules before a run that changes the system; SN_CTL_EXIT_OK to go on. */
static int
confirm_run (SnRunner              *runner,
             const SnCtlRunOptions *options,
             gboolean               interactive,
             char                 **typed_name,
             char                 **reason)
{
  SnProfile *profile = sn_runner_get_profile (runner);
  SnRunbook *runbook = sn_runner_get_runbook (runner);
  SnGateFlags gates = sn_runner_get_required_gates (runner);
  const char *name = sn_profile_get_name (profile);
  const SnGateFlags answered[] = { SN_GATE_TYPED_NAME, SN_GATE_REASON };

  if (*typed_name != NULL && !sn_gate_check_answer (SN_GATE_TYPED_NAME, profile, *typed_name, NULL))
    {
      sn_ctl_printerr (_("--confirm “%s” does not match the profile “%s”; nothing was run."),
                       *typed_name, name);
      return SN_CTL_EXIT_REFUSED;
    }

  if (!options->yes && !interactive)
    {
      sn_ctl_printerr (_("“%s” changes the system and there is no terminal to ask: add --yes%s "
                         "to run it. Nothing was run."),
                       sn_runbook_get_id (runbook),
                       (gates & SN_GATE_TYPED_NAME) ? _(" and --confirm PROFILE") : "");
      return SN_CTL_EXIT_REFUSED;
    }

  /* --yes only skips the questions: it never types the name. */
  if ((gates & SN_GATE_TYPED_NAME) && *typed_name == NULL && options->yes)
    {
      sn_ctl_printerr (_("“%s” is a production profile: add --confirm %s to run “%s”. "
                         "Nothing was run."), name, name, sn_runbook_get_id (runbook));
      return SN_CTL_EXIT_REFUSED;
    }

  if (!options->yes && !ask_gates (runner, options, typed_name, reason))
    {
      g_printerr ("%s\n", _("Not confirmed: nothing was run."));
      return SN_CTL_EXIT_REFUSED;
    }

  /* Every answer, typed or given as an option, is checked by the registry. */
  for (guint i = 0; i < G_N_ELEMENTS (answered); i++)
    {
      g_autoptr(GError) error = NULL;
      const char *answer = answered[i] == SN_GATE_TYPED_NAME ? *typed_name : *reason;

      if ((gates & answered[i]) != 0 && !sn_gate_check_answer (answered[i], profile, answer, &error))
        {
          sn_ctl_print_error (error);
          if (answered[i] == SN_GATE_REASON && options->yes)
            sn_ctl_printerr (_("Give it with --reason TEXT. Nothing was run."));
          else
            g_printerr ("%s\n", _("Not confirmed: nothing was run."));
          return SN_CTL_EXIT_REFUSED;
        }
    }

  return SN_CTL_EXIT_OK;
}

static int
exit_status_for (SnRunOutcome outcome)
{
  switch (outcome)
    {
    case SN_RUN_OUTCOME_SUCCEEDED:
      return SN_CTL_EXIT_OK;
    case SN_RUN_OUTCOME_FAILED_REVERTED:
      return SN_CTL_EXIT_FAILED_REVERTED;
    case SN_RUN_OUTCOME_REFUSED:
      return SN_CTL_EXIT_REFUSED;
    case SN_RUN_OUTCOME_FAILED:
    case SN_RUN_OUTCOME_NONE:
    case SN_RUN_OUTCOME_PLANNED:
    default:
      return SN_CTL_EXIT_FAILURE;
    }
}

/* Plans @runner and runs it with the CLI's rules. */
static int
drive (SnRunner              *runner,
       const SnCtlRunOptions *options)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *typed_name = g_strdup (options->confirm);
  g_autofree char *reason = g_strdup (options->reason);
  GListModel *steps = sn_runner_get_steps (runner);
  gboolean interactive = isatty (STDIN_FILENO) && isatty (STDOUT_FILENO);
  gboolean risky;
  SnRunOutcome outcome;
  guint sigint;
  int status;

  if (!sn_runner_plan_sync (runner, NULL, &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  risky = run_changes_system (runner);
  if (!options->quiet && (options->dry_run || interactive || !risky))
    print_plan (runner);

  if (options->dry_run)
    {
      g_print (_("Dry run: nothing was changed. Report: %s\n"), sn_runner_get_report_path (runner));
      return SN_CTL_EXIT_OK;
    }

  if (risky && (status = confirm_run (runner, options, interactive, &typed_name, &reason)) != SN_CTL_EXIT_OK)
    return status;

  /* Only what the person typed: the runner checks it again in core. */
  sn_runner_set_typed_name (runner, typed_name);
  sn_runner_set_reason (runner, reason);

  if (!options->quiet)
    {
      for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
        {
          g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

          g_signal_connect (step, "notify::state", G_CALLBACK (on_step_state), NULL);
        }
      g_signal_connect (runner, "output", G_CALLBACK (on_output), NULL);
    }
  sigint = g_unix_signal_add (SIGINT, on_interrupt, cancellable);

  outcome = sn_runner_execute_sync (runner, cancellable, &error);
  g_source_remove (sigint);

  /* Deliver what the worker queued before printing the verdict. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  if (outcome == SN_RUN_OUTCOME_REFUSED && error != NULL)
    sn_ctl_print_error (error);
  else if (!options->quiet)
    g_print ("\n%s\n", sn_runner_get_summary (runner) != NULL ? sn_runner_get_summary (runner) : "");
  if (options->quiet)
    return exit_status_for (outcome);

  if (sn_runner_get_report_path (runner) != NULL)
    g_print (_("Report: %s\n"), sn_runner_get_report_path (runner));
  print_rollback_offer (runner);
  record_in_open_incident (runner, outcome);

  return exit_status_for (outcome);
}

/**
 * sn_ctl_run_runbook:
 * @runbook: what to run
 * @profile: on which profile
 * @params: (nullable): NAME → VALUE as given
 * @options: the person's answers and how to print
 * @out_runner: (out) (optional): the runner when its steps ran (not when
 *   it could not start, was refused or was a dry run), for a caller that
 *   prints its own verdict; else %NULL
 *
 * The one driver of every command that runs a runbook ("runbook run",
 * "restore", "restore-test", "incident check"): plan, the confirmation
 * rules and gates, the run, the verdict. Exit status: 0 succeeded, 1 failed
 * and reverted, 2 failed (or could not start), 3 refused.
 */
int
sn_ctl_run_runbook (SnRunbook              *runbook,
                    SnProfile              *profile,
                    GHashTable             *params,
                    const SnCtlRunOptions  *options,
                    SnRunner              **out_runner)
{
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(SnSshSession) session = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_return_val_if_fail (SN_IS_RUNBOOK (runbook), SN_CTL_EXIT_FAILURE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), SN_CTL_EXIT_FAILURE);
  g_return_val_if_fail (options != NULL, SN_CTL_EXIT_FAILURE);

  if (!(runner = sn_runner_new (runbook, profile, params, &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  session = options->session != NULL ? g_object_ref (options->session)
                                     : sn_ssh_session_new (profile, sn_secret_store_get_default ());
  sn_runner_set_service (runner, "ssh", G_OBJECT (session));

  /* A runbook gated on a verified backup gets the backup service, whose
   * check runs right before its first destructive step. */
  if (options->backups != NULL || (sn_runbook_get_gates (runbook) & SN_GATE_BACKUP_VERIFIED))
    {
      g_autoptr(SnBackupService) backups = options->backups != NULL ? g_object_ref (options->backups)
                                                                    : sn_backup_service_new (profile, session);

      sn_backup_service_setup_runner (backups, runner, options->backup_source);
    }

  status = drive (runner, options);
  if (out_runner != NULL)
    {
      SnRunOutcome outcome = sn_runner_get_outcome (runner);

      *out_runner = outcome != SN_RUN_OUTCOME_NONE && outcome != SN_RUN_OUTCOME_PLANNED &&
                    outcome != SN_RUN_OUTCOME_REFUSED ? g_steal_pointer (&runner) : NULL;
    }
  return status;
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
  g_autoptr(SnProfile) profile = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) param_args = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *reason = NULL;
  SnCtlRunOptions options = { NULL };
  SnRunbook *runbook;
  int status;
  const GOptionEntry entries[] = {
    { "param", 0, 0, G_OPTION_ARG_STRING_ARRAY, &param_args, N_("Set a parameter"), N_("NAME=VALUE") },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &options.dry_run, N_("Show the plan only; change nothing"), NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask: run it (needed without a terminal)"), NULL },
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

  catalog = sn_ctl_load_runbooks ();
  if (!(runbook = find_runbook (catalog, argv[1])))
    return SN_CTL_EXIT_FAILURE;

  if (!(profile = sn_ctl_open_profile (ctl)))
    return SN_CTL_EXIT_FAILURE;

  options.confirm = confirm;
  options.reason = reason;
  return sn_ctl_run_runbook (runbook, profile, params, &options, NULL);
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
