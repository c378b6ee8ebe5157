/* sn-runner-report.c: the run's report file and its audit line
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-runner"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "sn-action-private.h"
#include "sn-audit-log.h"
#include "sn-core-enums.h"
#include "sn-gate.h"
#include "sn-runner-private.h"

/* Report --------------------------------------------------------------- */

static const char * const outcome_msgids[] = {
  [SN_RUN_OUTCOME_NONE] = N_("Not run"),
  [SN_RUN_OUTCOME_PLANNED] = N_("Dry run (nothing was changed)"),
  [SN_RUN_OUTCOME_SUCCEEDED] = N_("Succeeded"),
  [SN_RUN_OUTCOME_FAILED_REVERTED] = N_("Failed, and reverted"),
  [SN_RUN_OUTCOME_FAILED] = N_("Failed: needs attention"),
  [SN_RUN_OUTCOME_REFUSED] = N_("Refused before any step ran"),
};

/**
 * sn_run_outcome_get_label:
 *
 * Returns: how the run ended, translated now ("Succeeded"): show this,
 *   never a label stored in whatever language the run had
 */
const char *
sn_run_outcome_get_label (SnRunOutcome outcome)
{
  if ((guint) outcome >= G_N_ELEMENTS (outcome_msgids))
    outcome = SN_RUN_OUTCOME_NONE;
  return _(outcome_msgids[outcome]);
}

/**
 * sn_run_outcome_from_label:
 * @label: a label written by sn_run_outcome_get_label() (a report's
 *   "Result" line), in English or in the current language
 * @outcome: (out): the outcome
 *
 * Returns: whether @label is one
 */
gboolean
sn_run_outcome_from_label (const char   *label,
                           SnRunOutcome *outcome)
{
  g_return_val_if_fail (outcome != NULL, FALSE);

  for (guint i = 0; label != NULL && i < G_N_ELEMENTS (outcome_msgids); i++)
    if (g_strcmp0 (label, outcome_msgids[i]) == 0 || g_strcmp0 (label, _(outcome_msgids[i])) == 0)
      {
        *outcome = (SnRunOutcome) i;
        return TRUE;
      }
  return FALSE;
}

static const char *
outcome_label (SnRunOutcome outcome)
{
  return sn_run_outcome_get_label (outcome);
}

static const char *
step_state_label (SnStepState state)
{
  switch (state)
    {
    case SN_STEP_STATE_PENDING: return _("pending");
    case SN_STEP_STATE_RUNNING: return _("running");
    case SN_STEP_STATE_VERIFYING: return _("verifying");
    case SN_STEP_STATE_SUCCEEDED: return _("succeeded");
    case SN_STEP_STATE_FAILED: return _("failed");
    case SN_STEP_STATE_CANCELLED: return _("cancelled");
    case SN_STEP_STATE_SKIPPED: return _("not run");
    case SN_STEP_STATE_REVERTING: return _("reverting");
    case SN_STEP_STATE_REVERTED: return _("reverted");
    case SN_STEP_STATE_REVERT_FAILED: return _("revert failed");
    default: return "?";
    }
}

static char *
build_report (SnRunner *self)
{
  GString *md = g_string_new (NULL);
  g_autofree char *started = NULL;
  g_autofree char *finished = NULL;
  guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));

  started = self->started_at != NULL ? g_date_time_format_iso8601 (self->started_at) : g_strdup ("—");
  finished = self->finished_at != NULL ? g_date_time_format_iso8601 (self->finished_at) : g_strdup ("—");

  g_string_append_printf (md, "# %s\n\n", sn_runbook_get_title (self->runbook));
  g_string_append_printf (md, "| | |\n|---|---|\n");
  g_string_append_printf (md, _("| Runbook | `%s` |\n"), sn_runbook_get_id (self->runbook));
  if (!sn_runbook_is_builtin (self->runbook))
    g_string_append_printf (md, _("| Source | **user runbook**, not shipped with the app: %s |\n"),
                            sn_runbook_get_origin (self->runbook));
  g_string_append_printf (md, _("| Level needed | %s |\n"),
                          _sn_runner_level_name (sn_runbook_get_required_level (self->runbook)));
  g_string_append_printf (md, _("| Profile | %s%s |\n"), sn_profile_get_name (self->profile),
                          sn_profile_get_production (self->profile) ? _(" (production)") : "");
  g_string_append_printf (md, _("| Operator | %s |\n"), g_get_user_name ());
  g_string_append_printf (md, _("| Started | %s |\n"), started);
  g_string_append_printf (md, _("| Finished | %s |\n"), finished);
  g_string_append_printf (md, _("| Result | **%s** |\n\n"), outcome_label (self->outcome));

  if (self->summary != NULL)
    {
      g_autofree char *summary = sn_runner_redact (self, self->summary);

      g_string_append_printf (md, "%s\n\n", summary);
    }

  if (sn_runbook_get_n_params (self->runbook) > 0)
    {
      g_string_append_printf (md, _("## Parameters\n\n"));
      for (guint i = 0; i < sn_runbook_get_n_params (self->runbook); i++)
        {
          const SnRunbookParam *param = sn_runbook_get_param (self->runbook, i);
          const char *value = g_hash_table_lookup (self->params, param->id);

          g_string_append_printf (md, "- %s (`%s`): %s\n", g_dgettext (GETTEXT_PACKAGE, param->label),
                                  param->id,
                                  param->type == SN_PARAM_TYPE_SECRET ? REDACTED
                                  : (value != NULL && *value ? value : "—"));
        }
      g_string_append_c (md, '\n');
    }

  g_string_append_printf (md, _("## Gates\n\n"));
  {
    SnGateFlags gates = sn_runner_get_required_gates (self);

    if (gates == SN_GATE_NONE)
      g_string_append_printf (md, _("None: this runbook changes nothing, or the profile needs none.\n"));
    if (gates & SN_GATE_TYPED_NAME)
      g_string_append_printf (md, _("- Production name typed: %s\n"),
                              g_strcmp0 (self->typed_name, sn_profile_get_name (self->profile)) == 0
                              ? _("yes") : _("no"));
    if (gates & SN_GATE_REASON)
      {
        g_autofree char *reason = sn_runner_redact (self, self->reason != NULL ? self->reason : "—");

        g_string_append_printf (md, _("- Reason: %s\n"), reason);
      }
    if (gates & SN_GATE_BACKUP_VERIFIED)
      g_string_append_printf (md, _("- Verified backup: %s\n"),
                              self->gate_evidence != NULL ? self->gate_evidence : _("not verified"));
    g_string_append_c (md, '\n');
  }

  g_string_append_printf (md, _("## Steps\n\n"));
  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
      g_autofree char *output = sn_step_run_dup_output (step);
      const char *impact = sn_step_run_get_impact (step);
      const char *message = sn_step_run_get_message (step);

      g_string_append_printf (md, "### %u. %s — %s\n\n", i + 1, sn_step_run_get_title (step),
                              step_state_label (sn_step_run_get_state (step)));
      g_string_append_printf (md, "```\n%s\n```\n\n", sn_step_run_get_command (step) ?: "");
      if (step->step->risk == SN_RISK_DESTROY)
        g_string_append_printf (md, _("- Changes the system: may lose data or stop the site\n"));
      else if (step->step->risk == SN_RISK_CHANGE)
        g_string_append_printf (md, _("- Changes the system: adds or changes something that can be "
                                      "taken back\n"));
      if (impact != NULL)
        g_string_append_printf (md, _("- Impact: %s\n"), impact);
      if (sn_step_run_get_verify_command (step) != NULL)
        g_string_append_printf (md, _("- Verification: `%s`\n"), sn_step_run_get_verify_command (step));
      if (sn_step_run_get_revert_command (step) != NULL)
        g_string_append_printf (md, _("- Revert: `%s`\n"), sn_step_run_get_revert_command (step));
      if (sn_step_run_get_exit_status (step) >= 0)
        g_string_append_printf (md, _("- Exit status: %d\n"), sn_step_run_get_exit_status (step));
      if (sn_step_run_get_state (step) != SN_STEP_STATE_PENDING &&
          sn_step_run_get_state (step) != SN_STEP_STATE_SKIPPED)
        g_string_append_printf (md, _("- Time: %.1f s\n"), sn_step_run_get_elapsed_ms (step) / 1000.0);
      if (message != NULL)
        g_string_append_printf (md, _("- Result: %s\n"), message);
      if (*output != '\0')
        g_string_append_printf (md, _("\nOutput (last lines):\n\n```\n%s```\n"), output);
      g_string_append_c (md, '\n');
    }

  {
    g_autofree char *text = g_string_free (md, FALSE);

    /* A last pass: nothing that is a secret leaves through the report. */
    return sn_runner_redact (self, text);
  }
}

/* A report that could not be written is said where the person looks: the
 * summary and the audit line of the run, not only a warning on stderr. */
static void
report_failed (SnRunner     *self,
               const char   *directory,
               const GError *error)
{
  g_autofree char *summary = g_strdup_printf (_("%s\nThe report of this run could not be written in %s (%s): "
                                                "free disk space there; the audit log keeps the outcome."),
                                              self->summary != NULL ? self->summary : "",
                                              directory, error->message);

  g_message ("Cannot write the report in %s: %s", directory, error->message);
  _sn_runner_set_string (self, &self->report_error, error->message);
  _sn_runner_set_string (self, &self->summary, summary);
}

void
_sn_runner_write_report (SnRunner *self)
{
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  g_autofree char *report = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) error = NULL;

  directory = self->report_dir != NULL
              ? g_strdup (self->report_dir)
              : g_build_filename (g_get_user_data_dir (), "narcisse-admin", "reports", NULL);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create %s: %s", directory, g_strerror (saved));
      report_failed (self, directory, error);
      return;
    }

  name = g_strdup_printf ("%s-%s-%s%s.md", self->run_id, sn_runbook_get_id (self->runbook),
                          sn_profile_get_name (self->profile),
                          self->executed ? "" : "-dry-run");
  g_strdelimit (name, "/\\ ", '_');
  path = g_build_filename (directory, name, NULL);
  report = build_report (self);

  if (!g_file_set_contents_full (path, report, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &error))
    {
      report_failed (self, directory, error);
      return;
    }

  _sn_runner_set_string (self, &self->report_path, path);
}

/* Every run goes to the audit log: who, what, with which parameters (secrets
 * redacted), the reason, the outcome and where the report is. A log that
 * cannot be written is said in the summary, never lost silently. */
void
_sn_runner_audit_run (SnRunner     *self,
           SnRunOutcome  outcome,
           gint64        duration_us)
{
  g_autoptr(GString) command = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *redacted = NULL;

  g_string_append_printf (command, "runbook run %s", sn_runbook_get_id (self->runbook));
  if (!sn_runbook_is_builtin (self->runbook))
    g_string_append_printf (command, " (user runbook %s)", sn_runbook_get_origin (self->runbook));
  for (guint i = 0; i < sn_runbook_get_n_params (self->runbook); i++)
    {
      const SnRunbookParam *param = sn_runbook_get_param (self->runbook, i);
      const char *value = g_hash_table_lookup (self->params, param->id);

      g_string_append_printf (command, " --param %s=%s", param->id,
                              param->type == SN_PARAM_TYPE_SECRET ? REDACTED : (value ? value : ""));
    }
  g_string_append_printf (command, " → %s", outcome_label (outcome));
  if (self->reason != NULL && *self->reason != '\0')
    g_string_append_printf (command, "; reason: %s", self->reason);
  if (self->report_path != NULL)
    g_string_append_printf (command, "; report: %s", self->report_path);
  else if (self->report_error != NULL)
    g_string_append_printf (command, "; report not written: %s", self->report_error);

  redacted = sn_runner_redact (self, command->str);
  if (!sn_audit_log_append (sn_audit_log_get_default (), sn_profile_get_name (self->profile),
                            "runbook.run", redacted,
                            outcome == SN_RUN_OUTCOME_SUCCEEDED ? 0 : (int)outcome,
                            duration_us, 0, &error))
    {
      g_autofree char *summary = g_strdup_printf (_("%s\nThe audit log could not be written (%s): "
                                                    "free disk space, then note this run by hand."),
                                                  self->summary != NULL ? self->summary : "",
                                                  error->message);

      g_warning ("%s", error->message);
      _sn_runner_set_string (self, &self->summary, summary);
    }
}
