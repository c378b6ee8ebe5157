/* sn-runner-variables.c: ${…} variables, resolved arguments and the actions' context
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

char *
sn_runner_dup_value (SnRunner   *self,
                     const char *name)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return lookup_variable (self, name, FALSE, NULL);
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

JsonObject *
_sn_runner_resolve_args (SnRunner             *self,
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

SnActionContext *
_sn_runner_new_context (SnRunner     *self,
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

char *
_sn_runner_describe_call (SnRunner             *self,
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
