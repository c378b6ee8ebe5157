/* sn-runbook.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-runbook"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n-lib.h>

#include "sn-action.h"
#include "sn-core-enums.h"
#include "sn-runbook.h"
#include "sn-gate.h"

struct _SnRunbook
{
  GObject        parent_instance;

  char          *id;
  char          *title;
  char          *description;
  char          *origin;
  gboolean       builtin;
  GPtrArray     *params;          /* SnRunbookParam */
  GPtrArray     *steps;           /* SnRunbookStep */

  SnSafetyLevel  safety_level;
  SnGateFlags    gates;
  guint          backup_max_age_minutes;
};

G_DEFINE_FINAL_TYPE (SnRunbook, sn_runbook, G_TYPE_OBJECT)

G_DEFINE_QUARK (sn-runbook-error-quark, sn_runbook_error)

static void
sn_runbook_param_free (SnRunbookParam *param)
{
  g_free (param->id);
  g_free (param->label);
  g_free (param->description);
  g_free (param->default_value);
  g_strfreev (param->choices);
  g_free (param->pattern);
  g_free (param);
}

static void
sn_runbook_call_free (SnRunbookCall *call)
{
  if (call == NULL)
    return;
  g_free (call->action);
  g_clear_pointer (&call->args, json_object_unref);
  g_free (call);
}

static void
sn_runbook_step_free (SnRunbookStep *step)
{
  g_free (step->id);
  g_free (step->title);
  g_free (step->parallel_group);
  sn_runbook_call_free (step->call);
  sn_runbook_call_free (step->verify);
  sn_runbook_call_free (step->revert);
  g_free (step);
}

static void
sn_runbook_finalize (GObject *object)
{
  SnRunbook *self = (SnRunbook *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->origin, g_free);
  g_clear_pointer (&self->params, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);

  G_OBJECT_CLASS (sn_runbook_parent_class)->finalize (object);
}

static void
sn_runbook_class_init (SnRunbookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_runbook_finalize;
}

static void
sn_runbook_init (SnRunbook *self)
{
  self->params = g_ptr_array_new_with_free_func ((GDestroyNotify)sn_runbook_param_free);
  self->steps = g_ptr_array_new_with_free_func ((GDestroyNotify)sn_runbook_step_free);
  self->safety_level = SN_SAFETY_LEVEL_OPERATOR;
  self->backup_max_age_minutes = 60;
}

/* Parsing. Every error names the origin (file), and the step when there is one. */

typedef struct
{
  const char *origin;
  const char *where;   /* "step 2 (“stop-app”)" or NULL */
} ParseScope;

G_GNUC_PRINTF (3, 4) static gboolean
invalid (const ParseScope  *scope,
         GError           **error,
         const char        *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  if (scope->where != NULL)
    g_set_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_INVALID,
                 /* Translators: file name, step, what is wrong */
                 _("%s: %s: %s"), scope->origin, scope->where, what);
  else
    g_set_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_INVALID,
                 _("%s: %s"), scope->origin, what);
  return FALSE;
}

static gboolean
get_string_member (const ParseScope  *scope,
                   JsonObject        *object,
                   const char        *name,
                   gboolean           required,
                   char             **out,
                   GError           **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (scope, error, _("the field “%s” is missing"), name);
      *out = NULL;
      return TRUE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (scope, error, _("the field “%s” must be a string"), name);

  *out = g_strdup (json_node_get_string (node));
  if (required && **out == '\0')
    return invalid (scope, error, _("the field “%s” is empty"), name);

  return TRUE;
}

static gboolean
get_uint_member (const ParseScope  *scope,
                 JsonObject        *object,
                 const char        *name,
                 guint              fallback,
                 guint             *out,
                 GError           **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  *out = fallback;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return invalid (scope, error, _("the field “%s” must be a whole number"), name);

  value = json_node_get_int (node);
  if (value < 0 || value > G_MAXINT)
    return invalid (scope, error, _("the field “%s” is out of range"), name);

  *out = (guint)value;
  return TRUE;
}

static gboolean
get_bool_member (const ParseScope  *scope,
                 JsonObject        *object,
                 const char        *name,
                 gboolean          *out,
                 GError           **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = FALSE;
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return invalid (scope, error, _("the field “%s” must be true or false"), name);

  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
check_known_members (const ParseScope   *scope,
                     JsonObject         *object,
                     const char * const *known,
                     GError            **error)
{
  g_autoptr(GList) members = json_object_get_members (object);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        return invalid (scope, error, _("unknown field “%s”"), (const char *)l->data);
    }

  return TRUE;
}

static SnRunbookCall *
parse_call (const ParseScope  *scope,
            JsonNode          *node,
            const char        *field,
            GError           **error)
{
  static const char * const known[] = { "action", "args", "retries", "interval-ms", NULL };
  g_autoptr(GError) local_error = NULL;
  SnRunbookCall *call;
  const SnActionInfo *info;
  JsonObject *object;
  JsonNode *args;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (scope, error, _("“%s” must be an object with an “action”"), field);
      return NULL;
    }

  object = json_node_get_object (node);
  if (!check_known_members (scope, object, known, error))
    return NULL;

  call = g_new0 (SnRunbookCall, 1);
  if (!get_string_member (scope, object, "action", TRUE, &call->action, error) ||
      !get_uint_member (scope, object, "retries", 0, &call->retries, error) ||
      !get_uint_member (scope, object, "interval-ms", 1000, &call->interval_ms, error))
    goto failed;

  args = json_object_get_member (object, "args");
  if (args != NULL && !JSON_NODE_HOLDS_OBJECT (args))
    {
      invalid (scope, error, _("the “args” of “%s” must be an object"), field);
      goto failed;
    }
  call->args = args != NULL ? json_object_ref (json_node_get_object (args)) : json_object_new ();

  info = sn_action_lookup (call->action);
  if (info == NULL)
    {
      g_auto(GStrv) names = sn_action_list_names ();
      g_autofree char *list = g_strjoinv (", ", names);

      invalid (scope, error, _("unknown action “%s” (known actions: %s)"), call->action, list);
      goto failed;
    }

  if (info->check != NULL && !info->check (call->args, &local_error))
    {
      invalid (scope, error, _("action “%s”: %s"), call->action, local_error->message);
      goto failed;
    }

  return call;

failed:
  sn_runbook_call_free (call);
  return NULL;
}

static gboolean
parse_param_type (const char  *name,
                  SnParamType *type)
{
  static const struct { const char *name; SnParamType type; } types[] = {
    { "string", SN_PARAM_TYPE_STRING },
    { "tag", SN_PARAM_TYPE_TAG },
    { "date", SN_PARAM_TYPE_DATE },
    { "choice", SN_PARAM_TYPE_CHOICE },
    { "secret", SN_PARAM_TYPE_SECRET },
    { "integer", SN_PARAM_TYPE_INTEGER },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (g_strcmp0 (types[i].name, name) == 0)
        {
          *type = types[i].type;
          return TRUE;
        }
    }

  return FALSE;
}

static SnRunbookParam *
parse_param (SnRunbook   *self,
             JsonNode    *node,
             guint        index,
             GError     **error)
{
  static const char * const known[] = {
    "id", "type", "label", "description", "default", "choices", "pattern", "required", NULL
  };
  g_autofree char *where = g_strdup_printf (_("parameter %u"), index + 1);
  ParseScope scope = { self->origin, where };
  g_autofree char *type = NULL;
  SnRunbookParam *param;
  JsonObject *object;
  JsonNode *choices;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (&scope, error, _("must be an object"));
      return NULL;
    }

  object = json_node_get_object (node);
  if (!check_known_members (&scope, object, known, error))
    return NULL;

  param = g_new0 (SnRunbookParam, 1);
  param->required = TRUE;

  if (!get_string_member (&scope, object, "id", TRUE, &param->id, error) ||
      !get_string_member (&scope, object, "type", TRUE, &type, error) ||
      !get_string_member (&scope, object, "label", TRUE, &param->label, error) ||
      !get_string_member (&scope, object, "description", FALSE, &param->description, error) ||
      !get_string_member (&scope, object, "default", FALSE, &param->default_value, error) ||
      !get_string_member (&scope, object, "pattern", FALSE, &param->pattern, error))
    goto failed;

  /* A parameter with a default, even "", is optional unless it says otherwise:
   * "Empty for the newest backup" is a value. */
  param->required = !json_object_has_member (object, "default");
  if (json_object_has_member (object, "required") &&
      !get_bool_member (&scope, object, "required", &param->required, error))
    goto failed;

  if (!parse_param_type (type, &param->type))
    {
      invalid (&scope, error, _("unknown type “%s” (string, tag, date, choice, secret, integer)"),
               type);
      goto failed;
    }

  if (param->pattern != NULL)
    {
      g_autoptr(GRegex) regex = NULL;
      g_autoptr(GError) regex_error = NULL;

      regex = g_regex_new (param->pattern, 0, 0, &regex_error);
      if (regex == NULL)
        {
          invalid (&scope, error, _("the pattern is not a valid regular expression: %s"),
                   regex_error->message);
          goto failed;
        }
    }

  choices = json_object_get_member (object, "choices");
  if (param->type == SN_PARAM_TYPE_CHOICE)
    {
      JsonArray *array;
      GStrvBuilder *builder;

      if (choices == NULL || !JSON_NODE_HOLDS_ARRAY (choices) ||
          json_array_get_length (json_node_get_array (choices)) == 0)
        {
          invalid (&scope, error, _("a choice needs a non-empty “choices” list"));
          goto failed;
        }

      array = json_node_get_array (choices);
      builder = g_strv_builder_new ();
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          const char *choice = json_array_get_string_element (array, i);

          if (choice == NULL)
            {
              g_strv_builder_unref (builder);
              invalid (&scope, error, _("every choice must be a string"));
              goto failed;
            }
          g_strv_builder_add (builder, choice);
        }
      param->choices = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
    }
  else if (choices != NULL)
    {
      invalid (&scope, error, _("only a parameter of type choice has “choices”"));
      goto failed;
    }

  if (sn_runbook_find_param (self, param->id) != NULL)
    {
      invalid (&scope, error, _("the id “%s” is used twice"), param->id);
      goto failed;
    }

  return param;

failed:
  sn_runbook_param_free (param);
  return NULL;
}

/* ${raw:NAME} pastes a value into a shell command unquoted: only for values
 * the parser already constrains (tag, date, integer, choice), never for a
 * string or a secret a person types. */
static gboolean
check_raw_variables (SnRunbook           *self,
                     const ParseScope    *scope,
                     const SnActionInfo  *info,
                     JsonObject          *args,
                     GError             **error)
{
  g_autoptr(GList) members = json_object_get_members (args);

  for (const GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (args, l->data);
      const char *text;
      const char *p;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      text = json_node_get_string (node);

      for (p = strstr (text, "${raw:"); p != NULL; p = strstr (p + 1, "${raw:"))
        {
          const char *end = strchr (p, '}');
          g_autofree char *name = NULL;
          const SnRunbookParam *param;

          if (end == NULL)
            break;
          name = g_strndup (p + strlen ("${raw:"), end - p - strlen ("${raw:"));
          param = sn_runbook_find_param (self, name);

          if (!sn_action_is_shell_arg (info, l->data))
            continue;
          if (param == NULL ||
              param->type == SN_PARAM_TYPE_STRING || param->type == SN_PARAM_TYPE_SECRET)
            return invalid (scope, error,
                            _("“${raw:%s}” in “%s” would paste text unquoted into a shell "
                              "command; only tag, date, integer and choice parameters may be "
                              "raw. Write ${%s}: it is quoted for you."),
                            name, (const char *)l->data, name);
        }
    }

  return TRUE;
}

static SnRunbookStep *
parse_step (SnRunbook   *self,
            JsonNode    *node,
            guint        index,
            GError     **error)
{
  static const char * const known[] = {
    "id", "title", "action", "args", "verify", "revert", "destructive", "parallel-group",
    "timeout", "continue-on-failure", "revert-if-failed", NULL
  };
  g_autofree char *where = g_strdup_printf (_("step %u"), index + 1);
  g_autofree char *named = NULL;
  ParseScope scope = { self->origin, where };
  SnRunbookStep *step;
  JsonObject *object;
  JsonNode *member;
  gboolean flag;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (&scope, error, _("must be an object"));
      return NULL;
    }

  object = json_node_get_object (node);
  step = g_new0 (SnRunbookStep, 1);

  if (!get_string_member (&scope, object, "id", TRUE, &step->id, error))
    goto failed;

  /* From here on, errors name the step by its id too. */
  named = g_strdup_printf (_("step %u (“%s”)"), index + 1, step->id);
  scope.where = named;

  if (!check_known_members (&scope, object, known, error) ||
      !get_string_member (&scope, object, "title", TRUE, &step->title, error) ||
      !get_string_member (&scope, object, "parallel-group", FALSE, &step->parallel_group, error) ||
      !get_uint_member (&scope, object, "timeout", 0, &step->timeout_seconds, error))
    goto failed;

  if (!get_bool_member (&scope, object, "destructive", &flag, error))
    goto failed;
  step->destructive = flag;
  if (!get_bool_member (&scope, object, "continue-on-failure", &flag, error))
    goto failed;
  step->continue_on_failure = flag;
  if (!get_bool_member (&scope, object, "revert-if-failed", &flag, error))
    goto failed;
  step->revert_if_failed = flag;

  for (guint i = 0; i < self->steps->len; i++)
    {
      const SnRunbookStep *other = g_ptr_array_index (self->steps, i);

      if (g_strcmp0 (other->id, step->id) == 0)
        {
          invalid (&scope, error, _("the id “%s” is used twice"), step->id);
          goto failed;
        }
    }

  /* The step's own action: "action" + "args" at the step's top level. */
  {
    g_autoptr(JsonObject) call = json_object_new ();

    member = json_object_get_member (object, "action");
    if (member == NULL)
      {
        invalid (&scope, error, _("the field “%s” is missing"), "action");
        goto failed;
      }
    json_object_set_member (call, "action", json_node_copy (member));
    if ((member = json_object_get_member (object, "args")) != NULL)
      json_object_set_member (call, "args", json_node_copy (member));

    {
      g_autoptr(JsonNode) call_node = json_node_init_object (json_node_alloc (), call);

      if (!(step->call = parse_call (&scope, call_node, "action", error)))
        goto failed;
    }
  }

  if ((member = json_object_get_member (object, "verify")) != NULL &&
      !(step->verify = parse_call (&scope, member, "verify", error)))
    goto failed;

  if ((member = json_object_get_member (object, "revert")) != NULL &&
      !(step->revert = parse_call (&scope, member, "revert", error)))
    goto failed;

  /* Risk belongs to the actions: the step's flag can raise it, never lower it. */
  step->risk = step->destructive ? SN_RISK_DESTROY : SN_RISK_READ;
  step->level = SN_SAFETY_LEVEL_READ_ONLY;
  {
    const SnRunbookCall *calls[] = { step->call, step->verify, step->revert };

    for (guint i = 0; i < G_N_ELEMENTS (calls); i++)
      {
        const SnActionInfo *info;

        if (calls[i] == NULL)
          continue;
        info = sn_action_lookup (calls[i]->action);
        step->risk = sn_risk_max (step->risk, sn_action_get_risk (info, calls[i]->args));
        step->level = MAX (step->level, sn_action_get_level (info, calls[i]->args));
        if (!check_raw_variables (self, &scope, info, calls[i]->args, error))
          goto failed;
      }
    step->destructive = step->risk == SN_RISK_DESTROY;
  }

  if (step->parallel_group != NULL && (step->destructive || step->revert != NULL))
    {
      invalid (&scope, error, _("only read-only steps without a revert may run in parallel"));
      goto failed;
    }

  return step;

failed:
  sn_runbook_step_free (step);
  return NULL;
}

static gboolean
parse_gates (SnRunbook  *self,
             JsonNode   *node,
             GError    **error)
{
  ParseScope scope = { self->origin, NULL };
  JsonArray *array;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (&scope, error, _("“gates” must be a list"));

  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *name = NULL;

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        {
          name = json_node_get_string (element);
        }
      else if (JSON_NODE_HOLDS_OBJECT (element))
        {
          JsonObject *gate = json_node_get_object (element);

          name = json_object_get_string_member_with_default (gate, "gate", NULL);
          if (g_strcmp0 (name, "backup-verified") == 0 &&
              !get_uint_member (&scope, gate, "max-age-minutes", 60,
                                &self->backup_max_age_minutes, error))
            return FALSE;
        }

      if (sn_gate_lookup (name) != NULL)
        self->gates |= sn_gate_lookup (name)->flag;
      else
        return invalid (&scope, error,
                        _("unknown gate “%s” (backup-verified, typed-name, reason)"),
                        name != NULL ? name : "?");
    }

  return TRUE;
}

static gboolean
sn_runbook_parse (SnRunbook  *self,
                  JsonNode   *root,
                  GError    **error)
{
  static const char * const known[] = {
    "id", "title", "description", "safety-level", "gates", "parameters", "steps", NULL
  };
  ParseScope scope = { self->origin, NULL };
  g_autofree char *safety = NULL;
  JsonObject *object;
  JsonNode *member;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_SYNTAX,
                   _("%s: a runbook must be a JSON object"), self->origin);
      return FALSE;
    }

  object = json_node_get_object (root);
  if (!check_known_members (&scope, object, known, error) ||
      !get_string_member (&scope, object, "id", TRUE, &self->id, error) ||
      !get_string_member (&scope, object, "title", TRUE, &self->title, error) ||
      !get_string_member (&scope, object, "description", FALSE, &self->description, error) ||
      !get_string_member (&scope, object, "safety-level", FALSE, &safety, error))
    return FALSE;

  if (safety != NULL)
    {
      g_autoptr(GEnumClass) enum_class = g_type_class_ref (SN_TYPE_SAFETY_LEVEL);
      GEnumValue *value = g_enum_get_value_by_nick (enum_class, safety);

      if (value == NULL)
        return invalid (&scope, error,
                        _("unknown safety level “%s” (read-only, operator, admin)"), safety);
      self->safety_level = value->value;
    }

  if ((member = json_object_get_member (object, "gates")) != NULL &&
      !parse_gates (self, member, error))
    return FALSE;

  if ((member = json_object_get_member (object, "parameters")) != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (member))
        return invalid (&scope, error, _("“parameters” must be a list"));

      array = json_node_get_array (member);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          SnRunbookParam *param = parse_param (self, json_array_get_element (array, i), i, error);

          if (param == NULL)
            return FALSE;
          g_ptr_array_add (self->params, param);
        }
    }

  member = json_object_get_member (object, "steps");
  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member) ||
      json_array_get_length (json_node_get_array (member)) == 0)
    return invalid (&scope, error, _("“steps” must be a non-empty list"));

  for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (member), i);
      SnRunbookStep *step = parse_step (self, element, i, error);

      if (step == NULL)
        return FALSE;
      g_ptr_array_add (self->steps, step);
    }

  if (self->safety_level == SN_SAFETY_LEVEL_READ_ONLY && sn_runbook_is_destructive (self))
    return invalid (&scope, error, _("a read-only runbook cannot have destructive steps"));

  return TRUE;
}

SnRunbook *
sn_runbook_new_from_data (const char  *data,
                          gssize       length,
                          const char  *origin,
                          GError     **error)
{
  g_autoptr(SnRunbook) self = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) parse_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (SN_TYPE_RUNBOOK, NULL);
  self->origin = g_strdup (origin != NULL ? origin : "runbook");

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, length, &parse_error))
    {
      /* json-glib's message carries the line and column. */
      g_set_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_SYNTAX,
                   _("%s: not valid JSON: %s"), self->origin, parse_error->message);
      return NULL;
    }

  if (!sn_runbook_parse (self, json_parser_get_root (parser), error))
    return NULL;

  return g_steal_pointer (&self);
}

SnRunbook *
sn_runbook_new_from_file (GFile   *file,
                          GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *origin = NULL;
  SnRunbook *self;
  gboolean builtin;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  builtin = g_file_has_uri_scheme (file, "resource");
  origin = builtin ? g_file_get_basename (file) : g_file_get_parse_name (file);

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, error))
    return NULL;

  self = sn_runbook_new_from_data (contents, length, origin, error);
  if (self != NULL)
    self->builtin = builtin;
  return self;
}

/**
 * sn_runbook_is_builtin:
 *
 * Returns: %TRUE for a runbook shipped inside the app; %FALSE for one read
 *   from the user's folder or from data, which lists, plans and reports mark
 *   as "user runbook"
 */
gboolean
sn_runbook_is_builtin (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), FALSE);
  return self->builtin;
}

const char *
sn_runbook_get_id (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);
  return self->id;
}

const char *
sn_runbook_get_title (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);
  return g_dgettext (GETTEXT_PACKAGE, self->title);
}

/* The title as written in the runbook, for records translated when shown. */
const char *
sn_runbook_get_untranslated_title (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);
  return self->title;
}

const char *
sn_runbook_get_description (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);
  return self->description != NULL ? g_dgettext (GETTEXT_PACKAGE, self->description) : "";
}

const char *
sn_runbook_get_origin (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);
  return self->origin;
}

SnSafetyLevel
sn_runbook_get_safety_level (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), SN_SAFETY_LEVEL_ADMIN);
  return self->safety_level;
}

SnGateFlags
sn_runbook_get_gates (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), SN_GATE_NONE);
  return self->gates;
}

guint
sn_runbook_get_backup_max_age_minutes (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), 0);
  return self->backup_max_age_minutes;
}

gboolean
sn_runbook_is_destructive (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), TRUE);

  for (guint i = 0; i < self->steps->len; i++)
    {
      const SnRunbookStep *step = g_ptr_array_index (self->steps, i);

      if (step->destructive)
        return TRUE;
    }

  return FALSE;
}

/**
 * sn_runbook_get_risk:
 *
 * Returns: the most any step may do, from its actions' own risk and its flag
 */
SnRisk
sn_runbook_get_risk (SnRunbook *self)
{
  SnRisk risk = SN_RISK_READ;

  g_return_val_if_fail (SN_IS_RUNBOOK (self), SN_RISK_DESTROY);

  for (guint i = 0; i < self->steps->len; i++)
    risk = sn_risk_max (risk, ((const SnRunbookStep *)g_ptr_array_index (self->steps, i))->risk);
  return risk;
}

/**
 * sn_runbook_get_required_level:
 *
 * Returns: the lowest profile level that may run the runbook: its declared
 *   "safety-level", raised by what its steps' actions need. A runbook cannot
 *   under-declare.
 */
SnSafetyLevel
sn_runbook_get_required_level (SnRunbook *self)
{
  SnSafetyLevel level;

  g_return_val_if_fail (SN_IS_RUNBOOK (self), SN_SAFETY_LEVEL_ADMIN);

  level = self->safety_level;
  for (guint i = 0; i < self->steps->len; i++)
    level = MAX (level, ((const SnRunbookStep *)g_ptr_array_index (self->steps, i))->level);
  return level;
}

guint
sn_runbook_get_n_params (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), 0);
  return self->params->len;
}

const SnRunbookParam *
sn_runbook_get_param (SnRunbook *self,
                      guint      index)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);
  g_return_val_if_fail (index < self->params->len, NULL);
  return g_ptr_array_index (self->params, index);
}

const SnRunbookParam *
sn_runbook_find_param (SnRunbook  *self,
                       const char *id)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);

  for (guint i = 0; i < self->params->len; i++)
    {
      const SnRunbookParam *param = g_ptr_array_index (self->params, i);

      if (g_strcmp0 (param->id, id) == 0)
        return param;
    }

  return NULL;
}

guint
sn_runbook_get_n_steps (SnRunbook *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), 0);
  return self->steps->len;
}

const SnRunbookStep *
sn_runbook_get_step (SnRunbook *self,
                     guint      index)
{
  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);
  return g_ptr_array_index (self->steps, index);
}

static gboolean
param_error (const SnRunbookParam  *param,
             GError               **error,
             const char            *what)
{
  g_set_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_PARAMETER,
               /* Translators: parameter label, then what is wrong with its value */
               _("%s: %s"), g_dgettext (GETTEXT_PACKAGE, param->label), what);
  return FALSE;
}

gboolean
sn_runbook_validate_param (SnRunbook   *self,
                           const char  *id,
                           const char  *value,
                           GError     **error)
{
  const SnRunbookParam *param;

  g_return_val_if_fail (SN_IS_RUNBOOK (self), FALSE);

  if (!(param = sn_runbook_find_param (self, id)))
    {
      g_set_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_PARAMETER,
                   _("This runbook has no parameter “%s”."), id);
      return FALSE;
    }

  if (value == NULL || *value == '\0')
    {
      if (param->required)
        return param_error (param, error, _("a value is required"));
      return TRUE;
    }

  switch (param->type)
    {
    case SN_PARAM_TYPE_TAG:
      if (!g_regex_match_simple ("^v[0-9]+\\.[0-9]+\\.[0-9]+\\z", value, 0, 0))
        return param_error (param, error, _("a release tag looks like v1.2.3"));
      break;

    case SN_PARAM_TYPE_DATE:
      {
        GDate date;

        g_date_clear (&date, 1);
        if (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}\\z", value, 0, 0))
          {
            int y, m, d;

            if (sscanf (value, "%d-%d-%d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
              break;
          }
        return param_error (param, error, _("a date looks like 2026-06-28"));
      }

    case SN_PARAM_TYPE_CHOICE:
      if (!g_strv_contains ((const char * const *)param->choices, value))
        {
          g_autofree char *list = g_strjoinv (", ", param->choices);
          g_autofree char *what = g_strdup_printf (_("choose one of %s"), list);

          return param_error (param, error, what);
        }
      break;

    case SN_PARAM_TYPE_INTEGER:
      {
        gint64 number;

        if (!g_ascii_string_to_signed (value, 10, 0, G_MAXINT, &number, NULL))
          return param_error (param, error, _("enter a whole number"));
      }
      break;

    case SN_PARAM_TYPE_STRING:
    case SN_PARAM_TYPE_SECRET:
    default:
      for (const char *p = value; *p != '\0'; p++)
        if ((guchar)*p < 0x20 || *p == 0x7f)
          return param_error (param, error, _("a single line without control characters is "
                                              "expected"));
      break;
    }

  if (param->pattern != NULL && !g_regex_match_simple (param->pattern, value, 0, 0))
    {
      g_autofree char *what = g_strdup_printf (_("does not match %s"), param->pattern);

      return param_error (param, error, what);
    }

  return TRUE;
}

GHashTable *
sn_runbook_resolve_params (SnRunbook   *self,
                           GHashTable  *given,
                           GError     **error)
{
  g_autoptr(GHashTable) resolved = NULL;

  g_return_val_if_fail (SN_IS_RUNBOOK (self), NULL);

  if (given != NULL)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, given);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          if (sn_runbook_find_param (self, key) == NULL)
            {
              g_set_error (error, SN_RUNBOOK_ERROR, SN_RUNBOOK_ERROR_PARAMETER,
                           _("This runbook has no parameter “%s”. Run “narcisse-ctl runbook "
                             "show %s” to see its parameters."),
                           (const char *)key, self->id);
              return NULL;
            }
        }
    }

  resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < self->params->len; i++)
    {
      const SnRunbookParam *param = g_ptr_array_index (self->params, i);
      const char *value = given != NULL ? g_hash_table_lookup (given, param->id) : NULL;

      if (value == NULL)
        value = param->default_value;

      if (!sn_runbook_validate_param (self, param->id, value, error))
        return NULL;

      g_hash_table_insert (resolved, g_strdup (param->id), g_strdup (value != NULL ? value : ""));
    }

  return g_steal_pointer (&resolved);
}
