/* sn-runner-execute.c: running the steps: calls, verifies, timeouts, reverts
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

/* Execute -------------------------------------------------------------- */

typedef struct
{
  SnRunner     *runner;
  SnStepRun    *step;
  GCancellable *cancellable;
  GError       *error;
  gboolean      ok;
} StepJob;

static gboolean
sleep_cancellable (guint         ms,
                   GCancellable *cancellable)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      g_usleep (20 * 1000);
    }

  return TRUE;
}

static gboolean
on_step_timeout (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
cancel_linked (GCancellable *cancellable,
               gpointer      other)
{
  g_cancellable_cancel (other);
}

/* Run one call (action, verify or revert) of a step, with its timeout. */
static gboolean
run_call (SnRunner             *self,
          SnStepRun            *step,
          const SnRunbookCall  *call,
          GCancellable         *cancellable,
          gboolean             *timed_out,
          GError              **error)
{
  const SnActionInfo *info = sn_action_lookup (call->action);
  g_autoptr(SnActionContext) context = NULL;
  g_autoptr(GCancellable) step_cancellable = g_cancellable_new ();
  g_autoptr(JsonObject) args = NULL;
  g_autoptr(GSource) timeout = NULL;
  gulong handler = 0;
  gboolean ok;

  if (!(args = _sn_runner_resolve_args (self, call, FALSE, error)))
    return FALSE;

  /* The values are in now: what the call does with them may not exceed
   * what the plan and the gates were for, nor the profile's level. */
  if (sn_action_get_risk (info, args) > step->step->risk ||
      sn_action_get_level (info, args) > sn_profile_get_safety_level (self->profile))
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED,
                   _("With its parameters filled in, “%s” would %s, more than its plan and "
                     "this profile allow. Nothing was run for this step."),
                   call->action,
                   sn_action_get_risk (info, args) == SN_RISK_DESTROY
                   ? _("change or destroy something on the server")
                   : _("change something on the server"));
      return FALSE;
    }

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_linked),
                                     g_object_ref (step_cancellable), g_object_unref);

  context = _sn_runner_new_context (self, step_cancellable);
  _sn_action_context_set_timeout (context, step->step->timeout_seconds);
  g_object_set_data (G_OBJECT (step), "sn-runner", self);
  sn_action_context_set_line_func (context, _sn_runner_on_action_line, step);

  if (step->step->timeout_seconds > 0)
    {
      timeout = g_timeout_source_new_seconds (step->step->timeout_seconds);
      g_source_set_callback (timeout, on_step_timeout, g_object_ref (step_cancellable),
                             g_object_unref);
      g_source_attach (timeout, self->context);
    }

  ok = info->run (context, args, error);

  /* Errors reach summaries, the CLI and incidents: no secret in them (L3). */
  if (!ok && error != NULL && *error != NULL)
    {
      g_autofree char *redacted = sn_runner_redact (self, (*error)->message);

      g_free ((*error)->message);
      (*error)->message = g_steal_pointer (&redacted);
    }

  if (timeout != NULL)
    g_source_destroy (timeout);
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  /* A timeout is our cancel, not the person's. */
  if (!ok && timed_out != NULL && g_cancellable_is_cancelled (step_cancellable) &&
      (cancellable == NULL || !g_cancellable_is_cancelled (cancellable)))
    *timed_out = TRUE;

  /* A failed call that changed the system anyway: the step is not "as before". */
  if (!ok && call == step->step->call && _sn_action_context_changed (context))
    g_object_set_data (G_OBJECT (step), "sn-done", GINT_TO_POINTER (TRUE));

  g_mutex_lock (&step->mutex);
  step->exit_status = _sn_action_context_exit_status (context);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, _sn_action_context_outputs (context));
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (step->outputs, g_strdup (key), g_strdup (value));
  }
  g_mutex_unlock (&step->mutex);

  /* Secrets an action learnt (a generated password, say) stay out of logs. */
  if (g_hash_table_contains (step->outputs, "secret"))
    sn_runner_add_secret (self, g_hash_table_lookup (step->outputs, "secret"));

  return ok;
}

static gboolean
run_verify (SnRunner      *self,
            SnStepRun     *step,
            GCancellable  *cancellable,
            GError       **error)
{
  const SnRunbookCall *verify = step->step->verify;
  g_autoptr(GError) last_error = NULL;

  for (guint attempt = 0; attempt <= verify->retries; attempt++)
    {
      g_clear_error (&last_error);

      if (attempt > 0)
        {
          _sn_runner_on_action_line (NULL, SN_OUTPUT_INFO,
                          _("Verification not yet satisfied; trying again…"), step);
          if (!sleep_cancellable (verify->interval_ms, cancellable))
            break;
        }

      if (run_call (self, step, verify, cancellable, NULL, &last_error))
        return TRUE;

      if (g_error_matches (last_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        break;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED,
               _("Verification failed: %s"),
               last_error != NULL ? last_error->message : _("no answer"));
  return FALSE;
}

static gpointer
run_step (gpointer data)
{
  StepJob *job = data;
  SnRunner *self = job->runner;
  SnStepRun *step = job->step;
  gint64 started = g_get_monotonic_time ();
  gboolean timed_out = FALSE;
  g_autoptr(GError) error = NULL;

  _sn_runner_step_set_state (self, step, SN_STEP_STATE_RUNNING, NULL);

  job->ok = run_call (self, step, step->step->call, job->cancellable, &timed_out, &error);

  if (job->ok && step->step->verify != NULL)
    {
      _sn_runner_step_set_state (self, step, SN_STEP_STATE_VERIFYING, NULL);
      job->ok = run_verify (self, step, job->cancellable, &error);
      /* The action did run: its revert applies even though verification failed. */
      if (!job->ok)
        g_object_set_data (G_OBJECT (step), "sn-done", GINT_TO_POINTER (TRUE));
    }

  g_mutex_lock (&step->mutex);
  step->elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_mutex_unlock (&step->mutex);
  _sn_runner_notify_later (self, step, _sn_step_run_get_pspec (STEP_PROP_ELAPSED_MS));

  /* Cancelled while it ran, by an action that finished anyway (it had
   * nothing left to wait for): the run still stops here, and this step,
   * done, is reverted with the others. */
  if (job->ok && g_cancellable_is_cancelled (job->cancellable))
    {
      g_object_set_data (G_OBJECT (step), "sn-done", GINT_TO_POINTER (TRUE));
      job->ok = FALSE;
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled"));
    }

  if (job->ok)
    {
      _sn_runner_step_set_state (self, step, SN_STEP_STATE_SUCCEEDED, _("Done"));
      g_object_set_data (G_OBJECT (step), "sn-done", GINT_TO_POINTER (TRUE));
    }
  else if (timed_out)
    {
      g_autofree char *message = g_strdup_printf (_("Timed out after %u s"),
                                                  step->step->timeout_seconds);

      _sn_runner_step_set_state (self, step, SN_STEP_STATE_FAILED, message);
      g_clear_error (&error);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, message);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      _sn_runner_step_set_state (self, step, SN_STEP_STATE_CANCELLED, _("Cancelled"));
    }
  else
    {
      _sn_runner_step_set_state (self, step, SN_STEP_STATE_FAILED,
                      error != NULL ? error->message : _("Failed"));
    }

  job->error = g_steal_pointer (&error);
  return NULL;
}

static gboolean
step_is_done (SnStepRun *step)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (step), "sn-done"));
}

/* Reverts of the steps done, newest first. Returns whether the system is
 * back where it was (every step that changed something was reverted). */
static gboolean
revert_done_steps (SnRunner *self,
                   guint     failed_index,
                   GString  *left)
{
  gboolean clean = TRUE;

  for (int i = (int)failed_index; i >= 0; i--)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
      g_autoptr(GError) error = NULL;
      gboolean is_failed_step = (guint)i == failed_index;
      gboolean applies;

      applies = step_is_done (step) || (is_failed_step && step->step->revert_if_failed);
      if (!applies)
        continue;

      if (step->step->revert == NULL)
        {
          if (step->step->destructive)
            {
              clean = FALSE;
              g_string_append_printf (left, _("• “%s” changed the system and has no revert.\n"),
                                      sn_step_run_get_title (step));
            }
          continue;
        }

      _sn_runner_step_set_state (self, step, SN_STEP_STATE_REVERTING, NULL);

      /* Reverts run to the end: they are not cancelled with the run. */
      if (run_call (self, step, step->step->revert, NULL, NULL, &error))
        {
          _sn_runner_step_set_state (self, step, SN_STEP_STATE_REVERTED, _("Reverted"));
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Revert failed: %s"), error->message);

          clean = FALSE;
          _sn_runner_step_set_state (self, step, SN_STEP_STATE_REVERT_FAILED, message);
          g_string_append_printf (left, _("• “%s” could not be reverted: %s\n"),
                                  sn_step_run_get_title (step), error->message);
        }
    }

  return clean;
}

/* A gate said no before anything changed: undo what the read-only steps
 * left (rarely anything) and stop. */
static SnRunOutcome
refuse_before_change (SnRunner  *self,
                      guint      next,
                      GError    *gate_error,
                      GError   **error)
{
  guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  g_autoptr(GString) left = g_string_new (NULL);
  g_autofree char *summary = NULL;

  for (guint k = next; k < n_steps; k++)
    {
      g_autoptr(SnStepRun) skipped = g_list_model_get_item (G_LIST_MODEL (self->steps), k);

      _sn_runner_step_set_state (self, skipped, SN_STEP_STATE_SKIPPED, _("Not run"));
    }

  if (next > 0)
    revert_done_steps (self, next - 1, left);

  summary = g_strdup_printf (_("Stopped before changing anything: %s"), gate_error->message);
  _sn_runner_set_string (self, &self->summary, summary);
  g_set_error_literal (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE, summary);

  return SN_RUN_OUTCOME_REFUSED;
}

/* The end (exclusive) of the steps from @i that run together: adjacent
 * steps of one parallel group. */
static guint
group_end (SnRunner *self,
           guint     i,
           guint     n_steps)
{
  g_autoptr(SnStepRun) first = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
  const char *group = first->step->parallel_group;
  guint end = i + 1;

  if (group == NULL)
    return end;

  while (end < n_steps)
    {
      g_autoptr(SnStepRun) next = g_list_model_get_item (G_LIST_MODEL (self->steps), end);

      if (g_strcmp0 (next->step->parallel_group, group) != 0)
        break;
      end++;
    }

  return end;
}

/* Runs steps @i to @end (exclusive), each in its own thread when there are
 * several. Returns: (transfer full): their StepJobs, done */
static GPtrArray *
run_steps (SnRunner     *self,
           guint         i,
           guint         end,
           GCancellable *cancellable)
{
  GPtrArray *jobs = g_ptr_array_new_with_free_func (g_free);

  for (guint j = i; j < end; j++)
    {
      StepJob *job = g_new0 (StepJob, 1);

      job->runner = self;
      job->step = g_list_model_get_item (G_LIST_MODEL (self->steps), j);
      job->cancellable = cancellable;
      g_ptr_array_add (jobs, job);
    }

  if (jobs->len == 1)
    {
      run_step (g_ptr_array_index (jobs, 0));
    }
  else
    {
      g_autoptr(GPtrArray) threads = g_ptr_array_new ();

      for (guint j = 0; j < jobs->len; j++)
        g_ptr_array_add (threads, g_thread_new ("sn-step", run_step,
                                                g_ptr_array_index (jobs, j)));
      for (guint j = 0; j < threads->len; j++)
        g_thread_join (g_ptr_array_index (threads, j));
    }

  return jobs;
}

/* @step, job @j of @jobs (the group ending at @end), failed and the run
 * stops there: the rest is skipped, what was done is undone newest first,
 * and the summary says where the system stands. */
static SnRunOutcome
stop_after_failure (SnRunner   *self,
                    GPtrArray  *jobs,
                    guint       j,
                    guint       end,
                    SnStepRun  *step,
                    GError     *step_error,
                    GString    *failures,
                    GError    **error)
{
  guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  g_autoptr(GString) left = g_string_new (NULL);
  gboolean cancelled = g_error_matches (step_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  gboolean clean;
  guint last = end - 1;

  for (guint k = end; k < n_steps; k++)
    {
      g_autoptr(SnStepRun) skipped = g_list_model_get_item (G_LIST_MODEL (self->steps), k);

      _sn_runner_step_set_state (self, skipped, SN_STEP_STATE_SKIPPED, _("Not run"));
    }

  /* Finish reading the other jobs before returning (they own refs). */
  for (guint k = j + 1; k < jobs->len; k++)
    {
      StepJob *other = g_ptr_array_index (jobs, k);

      g_clear_error (&other->error);
      g_clear_object (&other->step);
    }

  clean = revert_done_steps (self, last, left);

  if (clean)
    {
      g_autofree char *summary =
        g_strdup_printf (cancelled
                         ? _("Cancelled at “%s”. Everything done before was reverted: "
                             "the system is as it was before the run.")
                         : _("Failed at “%s”. Everything done before was reverted: the "
                             "system is as it was before the run."),
                         sn_step_run_get_title (step));

      _sn_runner_set_string (self, &self->summary, summary);
      if (cancelled)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, summary);
      else
        g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED, "%s\n%s",
                     summary, failures->str);
      return SN_RUN_OUTCOME_FAILED_REVERTED;
    }
  else
    {
      g_autofree char *summary =
        g_strdup_printf (cancelled
                         ? _("Cancelled at “%s”, and the system is NOT back where it was:\n%s"
                             "Check these by hand before anything else.")
                         : _("Failed at “%s”, and the system is NOT back where it was:\n%s"
                             "Check these by hand before anything else."),
                         sn_step_run_get_title (step), left->str);

      _sn_runner_set_string (self, &self->summary, summary);
      g_set_error_literal (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED, summary);
      return SN_RUN_OUTCOME_FAILED;
    }
}

SnRunOutcome
_sn_runner_execute_in_thread (SnRunner      *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  g_autoptr(GString) failures = g_string_new (NULL);
  gboolean backup_checked = FALSE;
  gboolean any_failed = FALSE;
  guint i = 0;

  if (!self->planned && !_sn_runner_plan_in_thread (self, cancellable, error))
    return SN_RUN_OUTCOME_REFUSED;

  if (!_sn_runner_check_input_gates (self, error))
    {
      _sn_runner_set_string (self, &self->summary, (*error)->message);
      return SN_RUN_OUTCOME_REFUSED;
    }

  while (i < n_steps)
    {
      g_autoptr(SnStepRun) first = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
      g_autoptr(GPtrArray) jobs = NULL;
      guint end = group_end (self, i, n_steps);

      if (first->step->destructive && !backup_checked)
        {
          g_autoptr(GError) gate_error = NULL;

          backup_checked = TRUE;
          if (!_sn_runner_check_backup_gate (self, cancellable, &gate_error))
            return refuse_before_change (self, i, gate_error, error);
        }

      jobs = run_steps (self, i, end, cancellable);

      for (guint j = 0; j < jobs->len; j++)
        {
          StepJob *job = g_ptr_array_index (jobs, j);
          g_autoptr(SnStepRun) step = job->step;
          g_autoptr(GError) step_error = job->error;

          if (job->ok)
            continue;

          any_failed = TRUE;
          g_string_append_printf (failures, "• %s: %s\n", sn_step_run_get_title (step),
                                  step_error != NULL ? step_error->message : _("failed"));

          if (step->step->continue_on_failure &&
              !g_error_matches (step_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            continue;

          /* Stop here: undo what was done, newest first. */
          return stop_after_failure (self, jobs, j, end, step, step_error, failures, error);
        }

      i = end;
    }

  if (any_failed)
    {
      g_autofree char *summary = g_strdup_printf (_("Finished with failures:\n%s"), failures->str);

      _sn_runner_set_string (self, &self->summary, summary);
      g_set_error_literal (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED, summary);
      return SN_RUN_OUTCOME_FAILED;
    }

  _sn_runner_set_string (self, &self->summary, _("Every step succeeded."));
  return SN_RUN_OUTCOME_SUCCEEDED;
}
