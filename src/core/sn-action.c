/* sn-action.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-action"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-action-private.h"

G_DEFINE_QUARK (sn-action-error-quark, sn_action_error)

static GMutex registry_mutex;
static GHashTable *registry;   /* name → const SnActionInfo * */

/**
 * sn_action_register:
 * @info: a static description of the action
 *
 * Makes an action available to runbooks. A later registration of the same
 * name replaces the earlier one.
 */
void
sn_action_register (const SnActionInfo *info)
{
  g_return_if_fail (info != NULL);
  g_return_if_fail (info->name != NULL);
  g_return_if_fail (info->run != NULL);

  g_mutex_lock (&registry_mutex);
  if (registry == NULL)
    registry = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (registry, (gpointer)info->name, (gpointer)info);
  g_mutex_unlock (&registry_mutex);
}

const SnActionInfo *
sn_action_lookup (const char *name)
{
  const SnActionInfo *info = NULL;

  g_mutex_lock (&registry_mutex);
  if (registry != NULL && name != NULL)
    info = g_hash_table_lookup (registry, name);
  g_mutex_unlock (&registry_mutex);

  return info;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  /* g_ptr_array_sort passes pointers to the elements. */
  return g_strcmp0 (*(char * const *)a, *(char * const *)b);
}

/**
 * sn_action_list_names:
 *
 * Returns: (transfer full): the registered names, sorted
 */
char **
sn_action_list_names (void)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  g_mutex_lock (&registry_mutex);
  if (registry != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, registry);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_ptr_array_add (names, g_strdup (key));
    }
  g_mutex_unlock (&registry_mutex);

  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return (char **)g_ptr_array_steal (names, NULL);
}

/**
 * sn_action_get_risk:
 * @info: an action
 * @args: its arguments
 *
 * Returns: what the action does with these arguments; an action that does not
 *   declare its risk is taken as %SN_RISK_DESTROY.
 */
SnRisk
sn_action_get_risk (const SnActionInfo *info,
                    JsonObject         *args)
{
  g_return_val_if_fail (info != NULL, SN_RISK_DESTROY);

  if (info->risk == NULL)
    return SN_RISK_DESTROY;
  return info->risk (args);
}

/**
 * sn_action_get_level:
 *
 * Returns: the lowest profile level that may run @info with @args: its own
 *   minimum, and at least an operator for anything that is not a read.
 */
SnSafetyLevel
sn_action_get_level (const SnActionInfo *info,
                     JsonObject         *args)
{
  SnSafetyLevel level;

  g_return_val_if_fail (info != NULL, SN_SAFETY_LEVEL_ADMIN);

  level = info->min_level;
  if (sn_action_get_risk (info, args) > SN_RISK_READ)
    level = MAX (level, SN_SAFETY_LEVEL_OPERATOR);
  return level;
}

gboolean
sn_action_is_shell_arg (const SnActionInfo *info,
                        const char         *name)
{
  return info != NULL && info->shell_args != NULL && name != NULL &&
         g_strv_contains ((const char * const *)info->shell_args, name);
}

SnRisk
sn_action_risk_read (JsonObject *args)
{
  return SN_RISK_READ;
}

SnRisk
sn_action_risk_change (JsonObject *args)
{
  return SN_RISK_CHANGE;
}

SnRisk
sn_action_risk_destroy (JsonObject *args)
{
  return SN_RISK_DESTROY;
}

const char *
sn_risk_to_string (SnRisk risk)
{
  switch (risk)
    {
    case SN_RISK_READ:
      return "read";
    case SN_RISK_CHANGE:
      return "change";
    case SN_RISK_DESTROY:
    default:
      return "destroy";
    }
}

SnRisk
sn_risk_max (SnRisk a,
             SnRisk b)
{
  return MAX (a, b);
}

SnActionContext *
sn_action_context_new (SnProfile    *profile,
                       GCancellable *cancellable)
{
  SnActionContext *self;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  self = g_new0 (SnActionContext, 1);
  self->profile = g_object_ref (profile);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  self->services = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->exit_status = -1;
  g_mutex_init (&self->mutex);

  return self;
}

void
sn_action_context_free (SnActionContext *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->profile);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->services, g_hash_table_unref);
  g_clear_pointer (&self->outputs, g_hash_table_unref);
  g_mutex_clear (&self->mutex);
  g_free (self);
}

SnProfile *
sn_action_context_get_profile (SnActionContext *self)
{
  return self->profile;
}

GCancellable *
sn_action_context_get_cancellable (SnActionContext *self)
{
  return self->cancellable;
}

void
sn_action_context_set_service (SnActionContext *self,
                               const char      *name,
                               GObject         *service)
{
  g_return_if_fail (name != NULL);

  g_mutex_lock (&self->mutex);
  if (service != NULL)
    g_hash_table_insert (self->services, g_strdup (name), g_object_ref (service));
  else
    g_hash_table_remove (self->services, name);
  g_mutex_unlock (&self->mutex);
}

/**
 * sn_action_context_get_service:
 *
 * Returns: (transfer none) (nullable): the service registered under @name
 */
gpointer
sn_action_context_get_service (SnActionContext *self,
                               const char      *name)
{
  gpointer service;

  g_mutex_lock (&self->mutex);
  service = g_hash_table_lookup (self->services, name);
  g_mutex_unlock (&self->mutex);

  return service;
}

void
sn_action_context_set_redact_func (SnActionContext *self,
                                   SnRedactFunc     func,
                                   gpointer         user_data)
{
  self->redact_func = func;
  self->redact_data = user_data;
}

/**
 * sn_action_context_redact:
 *
 * Returns: (transfer full): @text with the run's secrets replaced; the text
 *   itself when the context has no redaction (outside a runner)
 */
char *
sn_action_context_redact (SnActionContext *self,
                          const char      *text)
{
  if (text == NULL)
    return NULL;
  if (self->redact_func == NULL)
    return g_strdup (text);
  return self->redact_func (text, self->redact_data);
}

void
sn_action_context_set_line_func (SnActionContext  *self,
                                 SnActionLineFunc  func,
                                 gpointer          user_data)
{
  self->line_func = func;
  self->line_data = user_data;
}

void
sn_action_context_emit (SnActionContext *self,
                        SnOutputKind     kind,
                        const char      *format,
                        ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  if (self->line_func != NULL)
    self->line_func (self, kind, line, self->line_data);
}

void
sn_action_context_set_output (SnActionContext *self,
                              const char      *key,
                              const char      *value)
{
  g_return_if_fail (key != NULL);

  g_mutex_lock (&self->mutex);
  g_hash_table_insert (self->outputs, g_strdup (key), g_strdup (value != NULL ? value : ""));
  g_mutex_unlock (&self->mutex);
}

void
sn_action_context_set_exit_status (SnActionContext *self,
                                   int              exit_status)
{
  self->exit_status = exit_status;
}

void
sn_action_context_set_changed (SnActionContext *self)
{
  self->changed = TRUE;
}

gboolean
_sn_action_context_changed (SnActionContext *self)
{
  return self->changed;
}

guint
sn_action_context_get_timeout (SnActionContext *self)
{
  return self->timeout_seconds;
}

void
_sn_action_context_set_timeout (SnActionContext *self,
                                guint            timeout_seconds)
{
  self->timeout_seconds = timeout_seconds;
}

int
_sn_action_context_exit_status (SnActionContext *self)
{
  return self->exit_status;
}

GHashTable *
_sn_action_context_outputs (SnActionContext *self)
{
  return self->outputs;
}

/* Prepare the context for the next call: fresh outputs, exit status, cancellable. */
void
_sn_action_context_reset (SnActionContext *self,
                          GCancellable    *cancellable)
{
  g_mutex_lock (&self->mutex);
  g_hash_table_remove_all (self->outputs);
  self->exit_status = -1;
  self->changed = FALSE;
  if (cancellable != NULL)
    g_set_object (&self->cancellable, cancellable);
  g_mutex_unlock (&self->mutex);
}

const char *
sn_action_args_get_string (JsonObject  *args,
                           const char  *name,
                           gboolean     required,
                           GError     **error)
{
  JsonNode *node = json_object_get_member (args, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                     _("the argument “%s” is missing"), name);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                   _("the argument “%s” must be a string"), name);
      return NULL;
    }

  return json_node_get_string (node);
}

/**
 * sn_action_args_get_strv:
 *
 * Accepts a list of strings, or a single string as a list of one.
 *
 * Returns: (transfer full) (nullable):
 */
char **
sn_action_args_get_strv (JsonObject  *args,
                         const char  *name,
                         gboolean     required,
                         GError     **error)
{
  JsonNode *node = json_object_get_member (args, name);
  g_autoptr(GStrvBuilder) builder = NULL;
  JsonArray *array;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
                     _("the argument “%s” is missing"), name);
      return NULL;
    }

  builder = g_strv_builder_new ();

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_strv_builder_add (builder, json_node_get_string (node));
      return g_strv_builder_end (builder);
    }

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto wrong_type;

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        goto wrong_type;
      g_strv_builder_add (builder, json_node_get_string (element));
    }

  return g_strv_builder_end (builder);

wrong_type:
  g_set_error (error, SN_ACTION_ERROR, SN_ACTION_ERROR_ARGS,
               _("the argument “%s” must be a list of strings"), name);
  return NULL;
}
