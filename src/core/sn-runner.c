/* sn-runner.c
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
#include "sn-runner.h"
#include "sn-gate.h"

#define MAX_OUTPUT_LINES 200
#define REDACTED "[REDACTED]"

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

/* SnStepRun ------------------------------------------------------------ */

struct _SnStepRun
{
  GObject              parent_instance;

  /* Written by the runner's worker thread under @mutex; strings that are
   * replaced are kept in @retired until finalize so getters stay valid. */
  GMutex               mutex;
  char                *command;
  char                *impact;
  char                *revert_command;
  char                *verify_command;
  char                *message;
  GQueue               output;
  GPtrArray           *retired;

  const SnRunbookStep *step;       /* borrowed from the runbook, which the runner holds */
  guint                index;
  SnStepState          state;
  gint64               elapsed_ms;
  int                  exit_status;
  GHashTable          *outputs;    /* what the step published for later steps */
};

enum {
  STEP_PROP_0,
  STEP_PROP_STATE,
  STEP_PROP_MESSAGE,
  STEP_PROP_ELAPSED_MS,
  STEP_PROP_COMMAND,
  STEP_N_PROPS
};

static GParamSpec *step_properties[STEP_N_PROPS];

G_DEFINE_FINAL_TYPE (SnStepRun, sn_step_run, G_TYPE_OBJECT)

static void
sn_step_run_finalize (GObject *object)
{
  SnStepRun *self = (SnStepRun *)object;

  g_free (self->command);
  g_free (self->impact);
  g_free (self->revert_command);
  g_free (self->verify_command);
  g_free (self->message);
  g_queue_clear_full (&self->output, g_free);
  g_ptr_array_unref (self->retired);
  g_hash_table_unref (self->outputs);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (sn_step_run_parent_class)->finalize (object);
}

static void
sn_step_run_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SnStepRun *self = SN_STEP_RUN (object);

  switch (prop_id)
    {
    case STEP_PROP_STATE:
      g_value_set_enum (value, sn_step_run_get_state (self));
      break;

    case STEP_PROP_MESSAGE:
      g_value_set_string (value, sn_step_run_get_message (self));
      break;

    case STEP_PROP_ELAPSED_MS:
      g_value_set_int64 (value, sn_step_run_get_elapsed_ms (self));
      break;

    case STEP_PROP_COMMAND:
      g_value_set_string (value, sn_step_run_get_command (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_step_run_class_init (SnStepRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_step_run_finalize;
  object_class->get_property = sn_step_run_get_property;

  step_properties[STEP_PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       SN_TYPE_STEP_STATE, SN_STEP_STATE_PENDING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  step_properties[STEP_PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  step_properties[STEP_PROP_ELAPSED_MS] =
    g_param_spec_int64 ("elapsed-ms", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  step_properties[STEP_PROP_COMMAND] =
    g_param_spec_string ("command", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, STEP_N_PROPS, step_properties);
}

static void
sn_step_run_init (SnStepRun *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->output);
  self->retired = g_ptr_array_new_with_free_func (g_free);
  self->outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->exit_status = -1;
}

static SnStepRun *
sn_step_run_new (const SnRunbookStep *step,
                 guint                index)
{
  SnStepRun *self = g_object_new (SN_TYPE_STEP_RUN, NULL);

  self->step = step;
  self->index = index;

  return self;
}

/* What the worker thread sets on the runner (summary, report path, gate
 * evidence): the old value stays alive until finalize, so a getter called on
 * the main thread meanwhile never reads freed memory (L13). */
static void
runner_set_string (SnRunner    *self,
                   char       **field,
                   const char  *value);

/* Replace a string field, keeping the old value alive for readers. */
static void
step_set_string (SnStepRun  *self,
                 char      **field,
                 const char *value)
{
  g_mutex_lock (&self->mutex);
  if (*field != NULL)
    g_ptr_array_add (self->retired, *field);
  *field = g_strdup (value);
  g_mutex_unlock (&self->mutex);
}

guint
sn_step_run_get_index (SnStepRun *self)
{
  g_return_val_if_fail (SN_IS_STEP_RUN (self), 0);
  return self->index;
}

const char *
sn_step_run_get_id (SnStepRun *self)
{
  g_return_val_if_fail (SN_IS_STEP_RUN (self), NULL);
  return self->step->id;
}

const char *
sn_step_run_get_title (SnStepRun *self)
{
  g_return_val_if_fail (SN_IS_STEP_RUN (self), NULL);
  return g_dgettext (GETTEXT_PACKAGE, self->step->title);
}

/* The title as the runbook has it, for records translated when shown. */
const char *
sn_step_run_get_untranslated_title (SnStepRun *self)
{
  g_return_val_if_fail (SN_IS_STEP_RUN (self), NULL);
  return self->step->title;
}

SnStepState
sn_step_run_get_state (SnStepRun *self)
{
  SnStepState state;

  g_return_val_if_fail (SN_IS_STEP_RUN (self), SN_STEP_STATE_PENDING);

  g_mutex_lock (&self->mutex);
  state = self->state;
  g_mutex_unlock (&self->mutex);

  return state;
}

#define STRING_GETTER(name)                                   \
const char *                                                  \
sn_step_run_get_##name (SnStepRun *self)                      \
{                                                             \
  const char *value;                                          \
  g_return_val_if_fail (SN_IS_STEP_RUN (self), NULL);         \
  g_mutex_lock (&self->mutex);                                \
  value = self->name;                                         \
  g_mutex_unlock (&self->mutex);                              \
  return value;                                               \
}

STRING_GETTER (command)
STRING_GETTER (impact)
STRING_GETTER (revert_command)
STRING_GETTER (verify_command)
STRING_GETTER (message)

#undef STRING_GETTER

gint64
sn_step_run_get_elapsed_ms (SnStepRun *self)
{
  gint64 value;

  g_return_val_if_fail (SN_IS_STEP_RUN (self), 0);

  g_mutex_lock (&self->mutex);
  value = self->elapsed_ms;
  g_mutex_unlock (&self->mutex);

  return value;
}

int
sn_step_run_get_exit_status (SnStepRun *self)
{
  int value;

  g_return_val_if_fail (SN_IS_STEP_RUN (self), -1);

  g_mutex_lock (&self->mutex);
  value = self->exit_status;
  g_mutex_unlock (&self->mutex);

  return value;
}

gboolean
sn_step_run_get_destructive (SnStepRun *self)
{
  g_return_val_if_fail (SN_IS_STEP_RUN (self), TRUE);
  return self->step->destructive;
}

char *
sn_step_run_dup_output (SnStepRun *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (SN_IS_STEP_RUN (self), NULL);

  g_mutex_lock (&self->mutex);
  for (const GList *l = self->output.head; l != NULL; l = l->next)
    {
      g_string_append (text, l->data);
      g_string_append_c (text, '\n');
    }
  g_mutex_unlock (&self->mutex);

  return g_string_free (text, FALSE);
}

/* SnRunner ------------------------------------------------------------- */

struct _SnRunner
{
  GObject       parent_instance;

  SnRunbook    *runbook;
  SnProfile    *profile;
  GHashTable   *params;           /* id → value, resolved */
  GListStore   *steps;            /* SnStepRun */
  GHashTable   *services;         /* name → GObject */
  GPtrArray    *secrets;          /* strings to redact, longest first */
  GMutex        secrets_mutex;
  GMutex        retired_mutex;  /* strings the worker replaced, kept for readers */
  GPtrArray    *retired;
  GMainContext *context;          /* where notifications go */
  char         *typed_name;
  char         *reason;
  char         *summary;
  char         *report_path;
  char         *report_error;    /* why the report could not be written */
  char         *report_dir;
  char         *gate_evidence;
  char         *run_id;
  GDateTime    *started_at;
  GDateTime    *finished_at;
  SnGateFunc    backup_gate;

  SnRunOutcome  outcome;
  guint         busy : 1;
  guint         planned : 1;
  guint         executed : 1;
};

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
      g_autoptr(SnStepRun) step = sn_step_run_new (sn_runbook_get_step (runbook, i), i);

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

static void
runner_set_string (SnRunner    *self,
                   char       **field,
                   const char  *value)
{
  g_mutex_lock (&self->retired_mutex);
  if (*field != NULL)
    g_ptr_array_add (self->retired, *field);
  *field = g_strdup (value);
  g_mutex_unlock (&self->retired_mutex);
}

static void
notify_later (SnRunner   *self,
              gpointer    object,
              GParamSpec *pspec)
{
  Notify *notify = g_new0 (Notify, 1);

  notify->object = g_object_ref (object);
  notify->pspec = pspec;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                              notify_in_context, notify, notify_free);
}

static void
step_set_state (SnRunner    *self,
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

      step_set_string (step, &step->message, redacted);
      notify_later (self, step, step_properties[STEP_PROP_MESSAGE]);
    }

  notify_later (self, step, step_properties[STEP_PROP_STATE]);
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

static void
on_action_line (SnActionContext *context,
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

/* Variables ------------------------------------------------------------ */

static char *
lookup_variable (SnRunner    *self,
                 const char  *name,
                 gboolean     planning,
                 GError     **error)
{
  const char *value;

  if ((value = g_hash_table_lookup (self->params, name)))
    return g_strdup (value);

  if (g_str_has_prefix (name, "profile."))
    {
      const char *property = name + strlen ("profile.");
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self->profile),
                                                        property);

      if (pspec != NULL && g_str_equal (property, "credentials-file") == FALSE)
        {
          g_auto(GValue) gvalue = G_VALUE_INIT;
          g_auto(GValue) as_string = G_VALUE_INIT;

          g_value_init (&gvalue, pspec->value_type);
          g_object_get_property (G_OBJECT (self->profile), property, &gvalue);

          if (G_VALUE_HOLDS_ENUM (&gvalue))
            {
              g_autoptr(GEnumClass) klass = g_type_class_ref (pspec->value_type);
              GEnumValue *ev = g_enum_get_value (klass, g_value_get_enum (&gvalue));

              return g_strdup (ev != NULL ? ev->value_nick : "");
            }

          g_value_init (&as_string, G_TYPE_STRING);
          if (g_value_transform (&gvalue, &as_string))
            return g_strdup (g_value_get_string (&as_string) != NULL
                             ? g_value_get_string (&as_string) : "");
        }
    }
  else if (g_str_equal (name, "run.id"))
    {
      return g_strdup (self->run_id);
    }
  else if (g_str_has_prefix (name, "steps."))
    {
      g_auto(GStrv) parts = g_strsplit (name + strlen ("steps."), ".", 2);

      if (g_strv_length (parts) == 2)
        {
          for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->steps)); i++)
            {
              g_autoptr(SnStepRun) step = g_list_model_get_item (G_LIST_MODEL (self->steps), i);

              if (g_strcmp0 (step->step->id, parts[0]) != 0)
                continue;

              g_mutex_lock (&step->mutex);
              value = g_hash_table_lookup (step->outputs, parts[1]);
              g_mutex_unlock (&step->mutex);

              if (value != NULL)
                return g_strdup (value);
              if (planning)
                return g_strdup_printf ("<%s.%s>", parts[0], parts[1]);

              g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED,
                           _("The step “%s” did not produce “%s”, which a later step needs."),
                           parts[0], parts[1]);
              return NULL;
            }
        }
    }

  g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED,
               _("Unknown variable ${%s} in runbook “%s”."), name,
               sn_runbook_get_id (self->runbook));
  return NULL;
}

/* @shell: @text is shell command text, so each substituted value is quoted
 * as one word, unless written ${raw:NAME} (the parser allows that only for
 * values it constrains). */
static char *
resolve_string (SnRunner    *self,
                const char  *text,
                gboolean     planning,
                gboolean     shell,
                GError     **error)
{
  GString *result = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start = strstr (p, "${");
      const char *end;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;
      gboolean raw;

      if (start == NULL)
        {
          g_string_append (result, p);
          break;
        }

      g_string_append_len (result, p, start - p);
      end = strchr (start + 2, '}');
      if (end == NULL)
        {
          g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED,
                       _("An unclosed ${ in “%s”."), text);
          g_string_free (result, TRUE);
          return NULL;
        }

      name = g_strndup (start + 2, end - start - 2);
      raw = g_str_has_prefix (name, "raw:");
      if (!(value = lookup_variable (self, raw ? name + strlen ("raw:") : name, planning, error)))
        {
          g_string_free (result, TRUE);
          return NULL;
        }

      if (shell && !raw)
        {
          g_autofree char *quoted = g_shell_quote (value);

          g_string_append (result, quoted);
        }
      else
        {
          g_string_append (result, value);
        }
      p = end + 1;
    }

  return g_string_free (result, FALSE);
}

static JsonNode *
resolve_node (SnRunner    *self,
              JsonNode    *node,
              gboolean     planning,
              gboolean     shell,
              GError     **error)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(JsonObject) copy = json_object_new ();
        g_autoptr(GList) members = json_object_get_members (object);

        for (const GList *l = members; l != NULL; l = l->next)
          {
            JsonNode *member = resolve_node (self, json_object_get_member (object, l->data),
                                             planning, shell, error);

            if (member == NULL)
              return NULL;
            json_object_set_member (copy, l->data, member);
          }

        return json_node_init_object (json_node_alloc (), copy);
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        g_autoptr(JsonArray) copy = json_array_new ();

        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = resolve_node (self, json_array_get_element (array, i),
                                              planning, shell, error);

            if (element == NULL)
              return NULL;
            json_array_add_element (copy, element);
          }

        return json_node_init_array (json_node_alloc (), copy);
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *value = resolve_string (self, json_node_get_string (node),
                                                   planning, shell, error);

          if (value == NULL)
            return NULL;
          return json_node_init_string (json_node_alloc (), value);
        }
      return json_node_copy (node);

    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

static JsonObject *
resolve_args (SnRunner             *self,
              const SnRunbookCall  *call,
              gboolean              planning,
              GError              **error)
{
  const SnActionInfo *info = sn_action_lookup (call->action);
  g_autoptr(JsonObject) resolved = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (call->args);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *member = resolve_node (self, json_object_get_member (call->args, l->data), planning,
                                       sn_action_is_shell_arg (info, l->data), error);

      if (member == NULL)
        return NULL;
      json_object_set_member (resolved, l->data, member);
    }

  return g_steal_pointer (&resolved);
}

static char *
redact_func (const char *text,
             gpointer    user_data)
{
  return sn_runner_redact (user_data, text);
}

static SnActionContext *
new_context (SnRunner     *self,
             GCancellable *cancellable)
{
  SnActionContext *context = sn_action_context_new (self->profile, cancellable);
  GHashTableIter iter;
  gpointer key, value;

  sn_action_context_set_redact_func (context, redact_func, self);
  g_hash_table_iter_init (&iter, self->services);
  while (g_hash_table_iter_next (&iter, &key, &value))
    sn_action_context_set_service (context, key, value);

  return context;
}

static char *
describe_call (SnRunner             *self,
               SnActionContext      *context,
               const SnRunbookCall  *call,
               JsonObject           *args)
{
  const SnActionInfo *info = sn_action_lookup (call->action);
  g_autofree char *text = NULL;

  if (info != NULL && info->describe != NULL)
    text = info->describe (context, args);

  if (text == NULL)
    {
      g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), args);
      g_autofree char *json = json_to_string (node, FALSE);

      text = g_strdup_printf ("%s %s", call->action, json);
    }

  return sn_runner_redact (self, text);
}

/* Plan ----------------------------------------------------------------- */

static gboolean
plan_in_thread (SnRunner      *self,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(SnActionContext) context = new_context (self, cancellable);
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

      if (!(args = resolve_args (self, def->call, TRUE, error)))
        return FALSE;

      command = describe_call (self, context, def->call, args);
      step_set_string (step, &step->command, command);
      notify_later (self, step, step_properties[STEP_PROP_COMMAND]);

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

              step_set_string (step, &step->impact, redacted);
            }
        }

      if (def->verify != NULL)
        {
          g_autoptr(JsonObject) verify_args = resolve_args (self, def->verify, TRUE, error);
          g_autofree char *verify = NULL;

          if (verify_args == NULL)
            return FALSE;
          verify = describe_call (self, context, def->verify, verify_args);
          step_set_string (step, &step->verify_command, verify);
        }

      if (def->revert != NULL)
        {
          g_autoptr(JsonObject) revert_args = resolve_args (self, def->revert, TRUE, error);
          g_autofree char *revert = NULL;

          if (revert_args == NULL)
            return FALSE;
          revert = describe_call (self, context, def->revert, revert_args);
          step_set_string (step, &step->revert_command, revert);
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

  if (plan_in_thread (self, cancellable, &error))
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

/* Gates ---------------------------------------------------------------- */

/**
 * sn_runner_get_required_gates:
 *
 * Which gates this run needs, from what its steps' actions do (never only
 * from the runbook's own flags): the typed profile name before anything that
 * may destroy on production; the runbook's declared gates when it changes
 * something; a break-glass reason for an admin-level runbook that changes
 * something.
 */
SnGateFlags
sn_runner_get_required_gates (SnRunner *self)
{
  SnGateFlags gates = SN_GATE_NONE;
  SnRisk risk;

  g_return_val_if_fail (SN_IS_RUNNER (self), SN_GATE_NONE);

  risk = sn_runbook_get_risk (self->runbook);
  if (risk == SN_RISK_READ)
    return SN_GATE_NONE;

  gates = sn_runbook_get_gates (self->runbook);

  if (risk == SN_RISK_DESTROY && sn_profile_get_production (self->profile))
    gates |= SN_GATE_TYPED_NAME;

  if (sn_runbook_get_required_level (self->runbook) == SN_SAFETY_LEVEL_ADMIN)
    gates |= SN_GATE_REASON;

  return gates;
}

static const char *
level_name (SnSafetyLevel level)
{
  switch (level)
    {
    case SN_SAFETY_LEVEL_READ_ONLY:
      return _("read-only");
    case SN_SAFETY_LEVEL_OPERATOR:
      return _("operator");
    case SN_SAFETY_LEVEL_ADMIN:
    default:
      return _("admin");
    }
}

/**
 * sn_runbook_check_profile:
 *
 * The profile's level against what @runbook needs, in core: a runbook or
 * step above the profile's level is refused, whether it is destructive or
 * not. There is no way around it but a profile of that level.
 */
gboolean
sn_runbook_check_profile (SnRunbook  *runbook,
                          SnProfile  *profile,
                          GError    **error)
{
  SnSafetyLevel needed;
  SnSafetyLevel have;

  g_return_val_if_fail (SN_IS_RUNBOOK (runbook), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);

  needed = sn_runbook_get_required_level (runbook);
  have = sn_profile_get_safety_level (profile);
  if (needed <= have)
    return TRUE;

  if (have == SN_SAFETY_LEVEL_READ_ONLY)
    g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED,
                 _("The profile “%s” is read-only: it cannot run “%s”, which changes the "
                   "system and needs an %s profile. Ask an operator, or use an %s profile. "
                   "Nothing was run."),
                 sn_profile_get_name (profile), sn_runbook_get_title (runbook),
                 level_name (needed), level_name (needed));
  else
    g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED,
                 _("The profile “%s” is %s: “%s” needs an %s profile. Nothing was run."),
                 sn_profile_get_name (profile), level_name (have),
                 sn_runbook_get_title (runbook), level_name (needed));
  return FALSE;
}

gboolean
sn_runner_check_level (SnRunner  *self,
                       GError   **error)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), FALSE);

  return sn_runbook_check_profile (self->runbook, self->profile, error);
}

/* The level, and the gates a person answers: checked before anything runs. */
static gboolean
check_input_gates (SnRunner  *self,
                   GError   **error)
{
  SnGateFlags gates;

  if (!sn_runner_check_level (self, error))
    return FALSE;

  gates = sn_runner_get_required_gates (self);

  if ((gates & SN_GATE_TYPED_NAME) != 0 &&
      !sn_gate_check_answer (SN_GATE_TYPED_NAME, self->profile, self->typed_name, error))
    return FALSE;

  if ((gates & SN_GATE_REASON) != 0 &&
      !sn_gate_check_answer (SN_GATE_REASON, self->profile, self->reason, error))
    return FALSE;

  if ((gates & SN_GATE_BACKUP_VERIFIED) != 0 && self->backup_gate == NULL)
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("This runbook needs a verified backup made in the last %u minutes, "
                     "and no backup check is available. Make and verify a backup first."),
                   sn_runbook_get_backup_max_age_minutes (self->runbook));
      return FALSE;
    }

  return TRUE;
}

/* The verified backup: checked right before the first destructive step, so
 * the read-only steps before it (a safety backup, say) can provide it. */
static gboolean
check_backup_gate (SnRunner      *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *evidence = NULL;

  if ((sn_runner_get_required_gates (self) & SN_GATE_BACKUP_VERIFIED) == 0)
    return TRUE;

  if (!self->backup_gate (self, self->profile,
                          sn_runbook_get_backup_max_age_minutes (self->runbook),
                          &evidence, cancellable, error))
    return FALSE;

  runner_set_string (self, &self->gate_evidence, evidence);
  return TRUE;
}

/**
 * sn_runner_check_gates:
 *
 * Every gate, as things stand now. During a run the verified-backup gate is
 * checked right before the first destructive step instead.
 */
gboolean
sn_runner_check_gates (SnRunner      *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), FALSE);

  return check_input_gates (self, error) &&
         (sn_runbook_get_risk (self->runbook) == SN_RISK_READ ||
          check_backup_gate (self, cancellable, error));
}

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

  if (!(args = resolve_args (self, call, FALSE, error)))
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

  context = new_context (self, step_cancellable);
  _sn_action_context_set_timeout (context, step->step->timeout_seconds);
  g_object_set_data (G_OBJECT (step), "sn-runner", self);
  sn_action_context_set_line_func (context, on_action_line, step);

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
          on_action_line (NULL, SN_OUTPUT_INFO,
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

  step_set_state (self, step, SN_STEP_STATE_RUNNING, NULL);

  job->ok = run_call (self, step, step->step->call, job->cancellable, &timed_out, &error);

  if (job->ok && step->step->verify != NULL)
    {
      step_set_state (self, step, SN_STEP_STATE_VERIFYING, NULL);
      job->ok = run_verify (self, step, job->cancellable, &error);
      /* The action did run: its revert applies even though verification failed. */
      if (!job->ok)
        g_object_set_data (G_OBJECT (step), "sn-done", GINT_TO_POINTER (TRUE));
    }

  g_mutex_lock (&step->mutex);
  step->elapsed_ms = (g_get_monotonic_time () - started) / 1000;
  g_mutex_unlock (&step->mutex);
  notify_later (self, step, step_properties[STEP_PROP_ELAPSED_MS]);

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
      step_set_state (self, step, SN_STEP_STATE_SUCCEEDED, _("Done"));
      g_object_set_data (G_OBJECT (step), "sn-done", GINT_TO_POINTER (TRUE));
    }
  else if (timed_out)
    {
      g_autofree char *message = g_strdup_printf (_("Timed out after %u s"),
                                                  step->step->timeout_seconds);

      step_set_state (self, step, SN_STEP_STATE_FAILED, message);
      g_clear_error (&error);
      g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, message);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      step_set_state (self, step, SN_STEP_STATE_CANCELLED, _("Cancelled"));
    }
  else
    {
      step_set_state (self, step, SN_STEP_STATE_FAILED,
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

      step_set_state (self, step, SN_STEP_STATE_REVERTING, NULL);

      /* Reverts run to the end: they are not cancelled with the run. */
      if (run_call (self, step, step->step->revert, NULL, NULL, &error))
        {
          step_set_state (self, step, SN_STEP_STATE_REVERTED, _("Reverted"));
        }
      else
        {
          g_autofree char *message = g_strdup_printf (_("Revert failed: %s"), error->message);

          clean = FALSE;
          step_set_state (self, step, SN_STEP_STATE_REVERT_FAILED, message);
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

      step_set_state (self, skipped, SN_STEP_STATE_SKIPPED, _("Not run"));
    }

  if (next > 0)
    revert_done_steps (self, next - 1, left);

  summary = g_strdup_printf (_("Stopped before changing anything: %s"), gate_error->message);
  runner_set_string (self, &self->summary, summary);
  g_set_error_literal (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE, summary);

  return SN_RUN_OUTCOME_REFUSED;
}

static SnRunOutcome
execute_in_thread (SnRunner      *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  guint n_steps = g_list_model_get_n_items (G_LIST_MODEL (self->steps));
  g_autoptr(GString) failures = g_string_new (NULL);
  gboolean backup_checked = FALSE;
  gboolean any_failed = FALSE;
  guint i = 0;

  if (!self->planned && !plan_in_thread (self, cancellable, error))
    return SN_RUN_OUTCOME_REFUSED;

  if (!check_input_gates (self, error))
    {
      runner_set_string (self, &self->summary, (*error)->message);
      return SN_RUN_OUTCOME_REFUSED;
    }

  while (i < n_steps)
    {
      g_autoptr(SnStepRun) first = g_list_model_get_item (G_LIST_MODEL (self->steps), i);
      const char *group = first->step->parallel_group;
      g_autoptr(GPtrArray) jobs = g_ptr_array_new_with_free_func (g_free);
      guint end = i + 1;

      /* Adjacent steps of one parallel group run together. */
      if (group != NULL)
        {
          while (end < n_steps)
            {
              g_autoptr(SnStepRun) next = g_list_model_get_item (G_LIST_MODEL (self->steps), end);

              if (g_strcmp0 (next->step->parallel_group, group) != 0)
                break;
              end++;
            }
        }

      if (first->step->destructive && !backup_checked)
        {
          g_autoptr(GError) gate_error = NULL;

          backup_checked = TRUE;
          if (!check_backup_gate (self, cancellable, &gate_error))
            return refuse_before_change (self, i, gate_error, error);
        }

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
          {
            g_autoptr(GString) left = g_string_new (NULL);
            gboolean cancelled = g_error_matches (step_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
            gboolean clean;
            guint last = end - 1;

            for (guint k = end; k < n_steps; k++)
              {
                g_autoptr(SnStepRun) skipped = g_list_model_get_item (G_LIST_MODEL (self->steps), k);

                step_set_state (self, skipped, SN_STEP_STATE_SKIPPED, _("Not run"));
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

                runner_set_string (self, &self->summary, summary);
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

                runner_set_string (self, &self->summary, summary);
                g_set_error_literal (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED, summary);
                return SN_RUN_OUTCOME_FAILED;
              }
          }
        }

      i = end;
    }

  if (any_failed)
    {
      g_autofree char *summary = g_strdup_printf (_("Finished with failures:\n%s"), failures->str);

      runner_set_string (self, &self->summary, summary);
      g_set_error_literal (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_FAILED, summary);
      return SN_RUN_OUTCOME_FAILED;
    }

  runner_set_string (self, &self->summary, _("Every step succeeded."));
  return SN_RUN_OUTCOME_SUCCEEDED;
}

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
                          level_name (sn_runbook_get_required_level (self->runbook)));
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
  runner_set_string (self, &self->report_error, error->message);
  runner_set_string (self, &self->summary, summary);
}

static void
write_report (SnRunner *self)
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

  runner_set_string (self, &self->report_path, path);
}

/* Every run goes to the audit log: who, what, with which parameters (secrets
 * redacted), the reason, the outcome and where the report is. A log that
 * cannot be written is said in the summary, never lost silently. */
static void
audit_run (SnRunner     *self,
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
      runner_set_string (self, &self->summary, summary);
    }
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
  outcome = execute_in_thread (self, cancellable, &error);
  self->finished_at = g_date_time_new_now_local ();
  self->outcome = outcome;
  write_report (self);
  audit_run (self, outcome, g_get_monotonic_time () - started);

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
  write_report (self);

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
