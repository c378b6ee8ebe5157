/* sn-runner.c: the runner object, its notifications, planning and the async forms
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
#include "sn-await.h"
#include "sn-core-enums.h"
#include "sn-runner-private.h"
#include "sn-gate.h"

#define MAX_OUTPUT_LINES 200

/* g_set_str() is GLib 2.76; we build against 2.74. */
static gboolean
set_str (char       **str_pointer,
         const char  *new_str)
{
  char *copy;

  if (*str_pointer == new_str || g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;

  return TRUE;
}

/* SnRunner ------------------------------------------------------------- */

enum {
  PROP_0,
  PROP_OUTCOME,
  PROP_SUMMARY,
  PROP_BUSY,
  N_PROPS
};

enum {
  OUTPUT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SnRunner, sn_runner, G_TYPE_OBJECT)

G_DEFINE_QUARK (sn-runner-error-quark, sn_runner_error)

static void
sn_runner_finalize (GObject *object)
{
  SnRunner *self = (SnRunner *)object;

  g_clear_object (&self->runbook);
  g_clear_object (&self->profile);
  g_clear_pointer (&self->params, g_hash_table_unref);
  g_clear_object (&self->steps);
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_pointer (&self->secrets, g_ptr_array_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->typed_name, g_free);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->report_path, g_free);
  g_clear_pointer (&self->report_error, g_free);
  g_clear_pointer (&self->report_dir, g_free);
  g_clear_pointer (&self->gate_evidence, g_free);
  g_clear_pointer (&self->retired, g_ptr_array_unref);
  g_mutex_clear (&self->retired_mutex);
  g_clear_pointer (&self->run_id, g_free);
  g_clear_pointer (&self->started_at, g_date_time_unref);
  g_clear_pointer (&self->finished_at, g_date_time_unref);
  g_mutex_clear (&self->secrets_mutex);

  G_OBJECT_CLASS (sn_runner_parent_class)->finalize (object);
}

static void
sn_runner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  SnRunner *self = SN_RUNNER (object);

  switch (prop_id)
    {
    case PROP_OUTCOME:
      g_value_set_enum (value, self->outcome);
      break;

    case PROP_SUMMARY:
      g_value_set_string (value, self->summary);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_runner_class_init (SnRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_runner_finalize;
  object_class->get_property = sn_runner_get_property;

  properties[PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL,
                       SN_TYPE_RUN_OUTCOME, SN_RUN_OUTCOME_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SUMMARY] =
    g_param_spec_string ("summary", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SnRunner::output:
   * @self: the runner
   * @step: the #SnStepRun the line belongs to
   * @kind: an #SnOutputKind
   * @line: the line, secrets redacted
   *
   * A line of output, delivered in the runner's main context as it arrives.
   */
  signals[OUTPUT] =
    g_signal_new ("output",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, SN_TYPE_STEP_RUN, G_TYPE_INT, G_TYPE_STRING);
}

static void
sn_runner_init (SnRunner *self)
{
  self->steps = g_list_store_new (SN_TYPE_STEP_RUN);
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->secrets = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->secrets_mutex);
  g_mutex_init (&self->retired_mutex);
  self->retired = g_ptr_array_new_with_free_func (g_free);
  self->context = g_main_context_ref_thread_default ();
}

static int
compare_length_desc (gconstpointer a,
                     gconstpointer b)
{
  gsize la = strlen (*(char * const *)a);
  gsize lb = strlen (*(char * const *)b);

  return la < lb ? 1 : la > lb ? -1 : 0;
}

void
sn_runner_add_secret (SnRunner   *self,
                      const char *secret)
{
  g_return_if_fail (SN_IS_RUNNER (self));

  /* Very short values would redact ordinary words; they are not secrets worth the name. */
  if (secret == NULL || strlen (secret) < 4)
    return;

  g_mutex_lock (&self->secrets_mutex);
  g_ptr_array_add (self->secrets, g_strdup (secret));
  g_ptr_array_sort (self->secrets, compare_length_desc);
  g_mutex_unlock (&self->secrets_mutex);
}

/**
 * sn_runner_redact:
 *
 * Returns: (transfer full): @text with every known secret replaced
 */
char *
sn_runner_redact (SnRunner   *self,
                  const char *text)
{
  g_autoptr(GString) result = NULL;

  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);

  if (text == NULL)
    return NULL;

  result = g_string_new (text);

  g_mutex_lock (&self->secrets_mutex);
  for (guint i = 0; i < self->secrets->len; i++)
    g_string_replace (result, g_ptr_array_index (self->secrets, i), REDACTED, 0);
  g_mutex_unlock (&self->secrets_mutex);

  /* And what looks like a secret though nobody told us: PASSWORD=…, tokens,
   * credentials in URLs, Authorization headers. */
  {
    g_autofree char *known = g_string_free (g_steal_pointer (&result), FALSE);

    return sn_audit_redact (known);
  }
}

/**
 * sn_runner_new:
 * @runbook: what to run
 * @profile: where
 * @params: (nullable): parameter id → value; defaults fill the rest
 * @error: why the parameters are not acceptable
 */
SnRunner *
sn_runner_new (SnRunbook   *runbook,
               SnProfile   *profile,
               GHashTable  *params,
               GError     **error)
{
  g_autoptr(SnRunner) self = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (SN_IS_RUNBOOK (runbook), NULL);
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  self = g_object_new (SN_TYPE_RUNNER, NULL);
  self->runbook = g_object_ref (runbook);
  self->profile = g_object_ref (profile);

  if (!(self->params = sn_runbook_resolve_params (runbook, params, error)))
    return NULL;

  for (guint i = 0; i < sn_runbook_get_n_params (runbook); i++)
    {
      const SnRunbookParam *param = sn_runbook_get_param (runbook, i);

      if (param->type == SN_PARAM_TYPE_SECRET)
        sn_runner_add_secret (self, g_hash_table_lookup (self->params, param->id));
    }

  for (guint i = 0; i < sn_runbook_get_n_steps (runbook); i++)
    {
      g_autoptr(SnStepRun) step = _sn_step_run_new (sn_runbook_get_step (runbook, i), i);

      g_list_store_append (self->steps, step);
    }

  now = g_date_time_new_now_local ();
  self->run_id = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_steal_pointer (&self);
}

SnRunbook *
sn_runner_get_runbook (SnRunner *self)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);
  return self->runbook;
}

SnProfile *
sn_runner_get_profile (SnRunner *self)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);
  return self->profile;
}

/**
 * sn_runner_get_steps:
 *
 * Returns: (transfer none): a #GListModel of #SnStepRun
 */
GListModel *
sn_runner_get_steps (SnRunner *self)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);
  return G_LIST_MODEL (self->steps);
}

SnRunOutcome
sn_runner_get_outcome (SnRunner *self)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), SN_RUN_OUTCOME_NONE);
  return self->outcome;
}

const char *
sn_runner_get_summary (SnRunner *self)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);
  return self->summary;
}

const char *
sn_runner_get_report_path (SnRunner *self)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);
  return self->report_path;
}

void
sn_runner_set_service (SnRunner   *self,
                       const char *name,
                       GObject    *service)
{
  g_return_if_fail (SN_IS_RUNNER (self));
  g_return_if_fail (name != NULL);

  if (service != NULL)
    g_hash_table_insert (self->services, g_strdup (name), g_object_ref (service));
  else
    g_hash_table_remove (self->services, name);
}

void
sn_runner_set_report_dir (SnRunner   *self,
                          const char *directory)
{
  g_return_if_fail (SN_IS_RUNNER (self));
  set_str (&self->report_dir, directory);
}

void
sn_runner_set_typed_name (SnRunner   *self,
                          const char *typed_name)
{
  g_return_if_fail (SN_IS_RUNNER (self));
  set_str (&self->typed_name, typed_name);
}

void
sn_runner_set_reason (SnRunner   *self,
                      const char *reason)
{
  g_return_if_fail (SN_IS_RUNNER (self));
  set_str (&self->reason, reason);
}

void
sn_runner_set_gate_func (SnRunner    *self,
                         SnGateFlags  gate,
                         SnGateFunc   func)
{
  g_return_if_fail (SN_IS_RUNNER (self));
  g_return_if_fail (gate == SN_GATE_BACKUP_VERIFIED);

  self->backup_gate = func;
}

/* Notifications from the worker thread ------------------------------------ */

typedef struct
{
  GObject    *object;
  GParamSpec *pspec;
} Notify;

static gboolean
notify_in_context (gpointer data)
{
  Notify *notify = data;

  g_object_notify_by_pspec (notify->object, notify->pspec);
  return G_SOURCE_REMOVE;
}

static void
notify_free (gpointer data)
{
  Notify *notify = data;

  g_object_unref (notify->object);
  g_free (notify);
}

void
_sn_runner_set_string (SnRunner    *self,
                   char       **field,
                   const char  *value)
{
  g_mutex_lock (&self->retired_mutex);
  if (*field != NULL)
    g_ptr_array_add (self->retired, *field);
  *field = g_strdup (value);
  g_mutex_unlock (&self->retired_mutex);
}

void
_sn_runner_notify_later (SnRunner   *self,
              gpointer    object,
              GParamSpec *pspec)
{
  Notify *notify = g_new0 (Notify, 1);

  notify->object = g_object_ref (object);
  notify->pspec = pspec;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                              notify_in_context, notify, notify_free);
}

void
_sn_runner_step_set_state (SnRunner    *self,
                SnStepRun   *step,
                SnStepState  state,
                const char  *message)
{
  g_mutex_lock (&step->mutex);
  step->state = state;
  g_mutex_unlock (&step->mutex);

  if (message != NULL)
    {
      g_autofree char *redacted = sn_runner_redact (self, message);

      _sn_step_run_set_string (step, &step->message, redacted);
      _sn_runner_notify_later (self, step, _sn_step_run_get_pspec (STEP_PROP_MESSAGE));
    }

  _sn_runner_notify_later (self, step, _sn_step_run_get_pspec (STEP_PROP_STATE));
}

typedef struct
{
  SnRunner    *runner;
  SnStepRun   *step;
  SnOutputKind kind;
  char        *line;
} OutputLine;

static gboolean
emit_output_in_context (gpointer data)
{
  OutputLine *output = data;

  g_signal_emit (output->runner, signals[OUTPUT], 0, output->step, output->kind, output->line);
  return G_SOURCE_REMOVE;
}

static void
output_line_free (gpointer data)
{
  OutputLine *output = data;

  g_object_unref (output->runner);
  g_object_unref (output->step);
  g_free (output->line);
  g_free (output);
}

void
_sn_runner_on_action_line (SnActionContext *context,
                SnOutputKind     kind,
                const char      *line,
                gpointer         user_data)
{
  SnStepRun *step = user_data;
  SnRunner *self = g_object_get_data (G_OBJECT (step), "sn-runner");
  OutputLine *output;
  char *redacted = sn_runner_redact (self, line);

  g_mutex_lock (&step->mutex);
  g_queue_push_tail (&step->output, g_strdup (redacted));
  while (step->output.length > MAX_OUTPUT_LINES)
    g_free (g_queue_pop_head (&step->output));
  g_mutex_unlock (&step->mutex);

  output = g_new0 (OutputLine, 1);
  output->runner = g_object_ref (self);
  output->step = g_object_ref (step);
  output->kind = kind;
  output->line = redacted;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                              emit_output_in_context, output, output_line_free);
}

/* Plan ----------------------------------------------------------------- */

gboolean
_sn_runner_plan_in_thread (SnRunner      *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(SnActionContext) context = _sn_runner_new_context (self, cancellable);
  guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));

  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
      const SnRunbookStep *def = step->step;
      const SnActionInfo *info = sn_action_lookup (def->call->action);
      g_autoptr(JsonObject) args = NULL;
      g_autofree char *command = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!(args = _sn_runner_resolve_args (self, def->call, TRUE, error)))
        return FALSE;

      command = _sn_runner_describe_call (self, context, def->call, args);
      _sn_step_run_set_string (step, &step->command, command);
      _sn_runner_notify_later (self, step, _sn_step_run_get_pspec (STEP_PROP_COMMAND));

      if (info->impact != NULL)
        {
          g_autoptr(GError) impact_error = NULL;
          g_autofree char *impact = info->impact (context, args, &impact_error);

          if (impact == NULL && impact_error != NULL)
            impact = g_strdup_printf (_("Could not estimate what this touches: %s"),
                                      impact_error->message);

          if (impact != NULL)
            {
              g_autofree char *redacted = sn_runner_redact (self, impact);

              _sn_step_run_set_string (step, &step->impact, redacted);
            }
        }

      if (def->verify != NULL)
        {
          g_autoptr(JsonObject) verify_args = _sn_runner_resolve_args (self, def->verify, TRUE, error);
          g_autofree char *verify = NULL;

          if (verify_args == NULL)
            return FALSE;
          verify = _sn_runner_describe_call (self, context, def->verify, verify_args);
          _sn_step_run_set_string (step, &step->verify_command, verify);
        }

      if (def->revert != NULL)
        {
          g_autoptr(JsonObject) revert_args = _sn_runner_resolve_args (self, def->revert, TRUE, error);
          g_autofree char *revert = NULL;

          if (revert_args == NULL)
            return FALSE;
          revert = _sn_runner_describe_call (self, context, def->revert, revert_args);
          _sn_step_run_set_string (step, &step->revert_command, revert);
        }
    }

  return TRUE;
}

static void
set_busy (SnRunner *self,
          gboolean  busy)
{
  self->busy = !!busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
plan_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SnRunner *self = source_object;
  GError *error = NULL;

  if (_sn_runner_plan_in_thread (self, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
sn_runner_plan_async (SnRunner            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_RUNNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_runner_plan_async);

  if (self->busy)
    {
      g_task_return_new_error (task, SN_RUNNER_ERROR, SN_RUNNER_ERROR_BUSY,
                               _("This runbook is already running."));
      return;
    }

  set_busy (self, TRUE);
  g_task_run_in_thread (task, plan_worker);
}

gboolean
sn_runner_plan_finish (SnRunner      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  gboolean ret;

  g_return_val_if_fail (SN_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  set_busy (self, FALSE);
  ret = g_task_propagate_boolean (G_TASK (result), error);
  if (ret)
    {
      self->planned = TRUE;
      if (self->outcome == SN_RUN_OUTCOME_NONE)
        {
          self->outcome = SN_RUN_OUTCOME_PLANNED;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
        }
    }

  return ret;
}

/**
 * sn_runner_dup_shell_script:
 *
 * The plan as commands a person could type by hand, for "Copy as shell".
 */
char *
sn_runner_dup_shell_script (SnRunner *self)
{
  GString *script;
  guint n_steps;

  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);

  script = g_string_new (NULL);
  g_string_append_printf (script, "# %s — %s\n", sn_runbook_get_title (self->runbook),
                          sn_profile_get_name (self->profile));
  g_string_append (script, _("# Manual fallback generated by Narcisse Admin. Read each line before running it.\n"));

  n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  for (guint i = 0; i < n_steps; i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
      const char *command = sn_step_run_get_command (step);
      const char *verify = sn_step_run_get_verify_command (step);
      const char *revert = sn_step_run_get_revert_command (step);

      g_string_append_printf (script, "\n# %u. %s%s\n", i + 1, sn_step_run_get_title (step),
                              step->step->destructive ? _(" (changes the system)") : "");
      g_string_append_printf (script, "%s\n", command != NULL ? command : "");
      if (verify != NULL)
        g_string_append_printf (script, _("#    verify: %s\n"), verify);
      if (revert != NULL)
        g_string_append_printf (script, _("#    to undo: %s\n"), revert);
    }

  return g_string_free (script, FALSE);
}

static void
execute_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  SnRunner *self = source_object;
  GError *error = NULL;
  SnRunOutcome outcome;
  gint64 started = g_get_monotonic_time ();

  self->started_at = g_date_time_new_now_local ();
  self->executed = TRUE;
  outcome = _sn_runner_execute_in_thread (self, cancellable, &error);
  self->finished_at = g_date_time_new_now_local ();
  self->outcome = outcome;
  _sn_runner_write_report (self);
  _sn_runner_audit_run (self, outcome, g_get_monotonic_time () - started);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, outcome);
}

void
sn_runner_execute_async (SnRunner            *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_RUNNER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_runner_execute_async);
  /* Cancel is ours to handle: the reverts must run before we return. */
  g_task_set_check_cancellable (task, FALSE);

  if (self->busy || self->executed)
    {
      g_task_return_new_error (task, SN_RUNNER_ERROR, SN_RUNNER_ERROR_BUSY,
                               self->busy ? _("This runbook is already running.")
                                          : _("This run is over; start a new one."));
      return;
    }

  set_busy (self, TRUE);
  g_task_run_in_thread (task, execute_worker);
}

SnRunOutcome
sn_runner_execute_finish (SnRunner      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize ret;

  g_return_val_if_fail (SN_IS_RUNNER (self), SN_RUN_OUTCOME_NONE);
  g_return_val_if_fail (g_task_is_valid (result, self), SN_RUN_OUTCOME_NONE);

  set_busy (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUMMARY]);

  ret = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return self->outcome;
    }

  return (SnRunOutcome)ret;
}

/* Synchronous forms ----------------------------------------------------- */

gboolean
sn_runner_plan_sync (SnRunner      *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;
  gboolean ret;

  g_return_val_if_fail (SN_IS_RUNNER (self), FALSE);

  sn_await_use_context (&await, self->context);
  sn_runner_plan_async (self, cancellable, sn_await_callback, &await);
  ret = sn_runner_plan_finish (self, sn_await_result (&await), error);
  sn_await_clear (&await);

  /* A dry run leaves evidence too. */
  _sn_runner_write_report (self);

  return ret;
}

SnRunOutcome
sn_runner_execute_sync (SnRunner      *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_auto(SnAwait) await = SN_AWAIT_INIT;

  g_return_val_if_fail (SN_IS_RUNNER (self), SN_RUN_OUTCOME_NONE);

  sn_await_use_context (&await, self->context);
  sn_runner_execute_async (self, cancellable, sn_await_callback, &await);
  return sn_runner_execute_finish (self, sn_await_result (&await), error);
}
