/* sn-step-run.c: one step of a run, as the runner sees it (SnStepRun)
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

/* SnStepRun ------------------------------------------------------------ */

static GParamSpec *step_properties[STEP_N_PROPS];

G_DEFINE_FINAL_TYPE (SnStepRun, sn_step_run, G_TYPE_OBJECT)

/* For the runner's notifications (sn-runner.c). */
GParamSpec *
_sn_step_run_get_pspec (guint prop)
{
  g_return_val_if_fail (prop > STEP_PROP_0 && prop < STEP_N_PROPS, NULL);
  return step_properties[prop];
}

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

SnStepRun *
_sn_step_run_new (const SnRunbookStep *step,
                 guint                index)
{
  SnStepRun *self = g_object_new (SN_TYPE_STEP_RUN, NULL);

  self->step = step;
  self->index = index;

  return self;
}

/* Replace a string field, keeping the old value alive for readers. */
void
_sn_step_run_set_string (SnStepRun  *self,
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
