/* sn-scaling-compose.c: reading and editing docker-compose.yml's resources
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <yaml.h>

#include "sn-scaling.h"

/*
 * libyaml parses the file into a document whose nodes keep their marks
 * (line and column of their first and last character). The editor never
 * re-emits the document: it replaces the bytes of the scalars concerned
 * and inserts the missing keys as text at the end of their mapping, with
 * the file's own indentation. Every other byte (comments, order, quoting,
 * blank lines) stays as it was. The result is parsed again and read back
 * before it is returned.
 */

#define MIN_MEMORY_BYTES (6 * 1024 * 1024)   /* Docker refuses less than 6 MB */
#define MAX_REPLICAS 32

struct _SnComposeFile
{
  char            *text;
  gsize            length;
  GArray          *line_starts;   /* gsize: byte offset of each line */
  yaml_document_t  document;
  int              services;      /* node index of the services mapping */
  guint            indent_unit;
};

void
sn_service_resources_free (SnServiceResources *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self);
}

/* Nodes ------------------------------------------------------------------- */

static yaml_node_t *
node_at (SnComposeFile *self,
         int            index)
{
  return index > 0 ? yaml_document_get_node (&self->document, index) : NULL;
}

static gboolean
is_scalar (yaml_node_t *node)
{
  return node != NULL && node->type == YAML_SCALAR_NODE;
}

static gboolean
is_block_mapping (yaml_node_t *node)
{
  return node != NULL && node->type == YAML_MAPPING_NODE &&
         node->data.mapping.style != YAML_FLOW_MAPPING_STYLE &&
         node->data.mapping.pairs.top > node->data.mapping.pairs.start;
}

/* The value node of @key in @mapping (0 if absent); *@key_index its key. */
static int
mapping_lookup (SnComposeFile *self,
                yaml_node_t   *mapping,
                const char    *key,
                int           *key_index)
{
  if (mapping == NULL || mapping->type != YAML_MAPPING_NODE)
    return 0;
  for (yaml_node_pair_t *pair = mapping->data.mapping.pairs.start;
       pair < mapping->data.mapping.pairs.top; pair++)
    {
      yaml_node_t *k = node_at (self, pair->key);

      if (is_scalar (k) && g_str_equal ((const char *)k->data.scalar.value, key))
        {
          if (key_index != NULL)
            *key_index = pair->key;
          return pair->value;
        }
    }
  return 0;
}

static yaml_node_t *
lookup_path (SnComposeFile      *self,
             yaml_node_t        *mapping,
             const char * const *path)
{
  for (guint i = 0; mapping != NULL && path[i] != NULL; i++)
    mapping = node_at (self, mapping_lookup (self, mapping, path[i], NULL));
  return mapping;
}

static const char *
scalar_at (SnComposeFile      *self,
           yaml_node_t        *mapping,
           const char * const *path)
{
  yaml_node_t *node = lookup_path (self, mapping, path);

  return is_scalar (node) ? (const char *)node->data.scalar.value : NULL;
}

static gsize
mark_offset (SnComposeFile     *self,
             const yaml_mark_t *mark)
{
  const char *line;
  const char *end = self->text + self->length;
  const char *p;

  if (mark->line >= self->line_starts->len)
    return self->length;
  line = self->text + g_array_index (self->line_starts, gsize, mark->line);
  /* libyaml's columns count characters */
  p = line;
  for (gsize c = 0; c < mark->column && p < end && *p != '\n'; c++)
    p = g_utf8_next_char (p);
  return (gsize)(MIN (p, end) - self->text);
}

/* Parsing ------------------------------------------------------------------- */

void
sn_compose_file_free (SnComposeFile *self)
{
  if (self == NULL)
    return;
  yaml_document_delete (&self->document);
  g_array_unref (self->line_starts);
  g_free (self->text);
  g_free (self);
}

const char *
sn_compose_file_get_text (SnComposeFile *self)
{
  return self->text;
}

static gboolean
load_document (SnComposeFile  *self,
               GError        **error)
{
  yaml_parser_t parser;
  yaml_node_t *root;
  yaml_node_t *services;
  gboolean ok;

  yaml_parser_initialize (&parser);
  yaml_parser_set_input_string (&parser, (const unsigned char *)self->text, self->length);
  ok = yaml_parser_load (&parser, &self->document);
  if (!ok)
    {
      const yaml_mark_t *mark = parser.problem != NULL ? &parser.problem_mark : &parser.context_mark;

      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_YAML,
                   _("docker-compose.yml is not valid YAML at line %zu, column %zu: %s%s%s. "
                     "Nothing was written; fix the file on the host first."),
                   mark->line + 1, mark->column + 1,
                   parser.problem != NULL ? parser.problem : _("unknown error"),
                   parser.context != NULL ? ", " : "", parser.context != NULL ? parser.context : "");
      yaml_parser_delete (&parser);
      memset (&self->document, 0, sizeof self->document);
      return FALSE;
    }
  yaml_parser_delete (&parser);

  root = yaml_document_get_root_node (&self->document);
  services = root != NULL ? node_at (self, mapping_lookup (self, root, "services", NULL)) : NULL;
  if (!is_block_mapping (services))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                   _("docker-compose.yml has no “services:” block mapping. Nothing was written."));
      return FALSE;
    }
  self->services = mapping_lookup (self, root, "services", NULL);
  {
    int key_index = 0;
    yaml_node_t *first_key = node_at (self, services->data.mapping.pairs.start->key);

    mapping_lookup (self, root, "services", &key_index);
    if (first_key->start_mark.column > node_at (self, key_index)->start_mark.column)
      self->indent_unit = first_key->start_mark.column - node_at (self, key_index)->start_mark.column;
    else
      self->indent_unit = 2;
  }
  return TRUE;
}

/**
 * sn_compose_file_new_from_bytes:
 *
 * Returns: (transfer full): the parsed file, or %NULL with an error that
 *   says where (line and column) the YAML is broken
 */
SnComposeFile *
sn_compose_file_new_from_bytes (GBytes  *bytes,
                                GError **error)
{
  g_autoptr(SnComposeFile) self = g_new0 (SnComposeFile, 1);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  self->text = g_strndup (data != NULL ? data : "", size);
  self->length = size;
  self->line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  if (strlen (self->text) != size || !g_utf8_validate (self->text, size, NULL))
    {
      memset (&self->document, 0, sizeof self->document);
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_YAML,
                   _("docker-compose.yml is not UTF-8 text. Nothing was written."));
      return NULL;
    }
  {
    gsize zero = 0;

    g_array_append_val (self->line_starts, zero);
    for (gsize i = 0; i < size; i++)
      if (self->text[i] == '\n')
        {
          gsize next = i + 1;

          g_array_append_val (self->line_starts, next);
        }
  }
  if (!load_document (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* Values -------------------------------------------------------------------- */

/**
 * sn_scaling_parse_cpus:
 *
 * Returns: %TRUE when @text is a number of CPUs above 0 ("0.5", "2")
 */
gboolean
sn_scaling_parse_cpus (const char  *text,
                       double      *cpus,
                       GError     **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));
  char *end = NULL;
  double value = g_ascii_strtod (copy, &end);

  if (*copy == '\0' || end == copy || *end != '\0' || !isfinite (value) || value <= 0 ||
      value > 1024 || !g_ascii_isdigit (*copy))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("“%s” is not a number of CPUs: write a number above 0 such as 0.5 or 2."),
                   text != NULL ? text : "");
      return FALSE;
    }
  *cpus = value;
  return TRUE;
}

/**
 * sn_scaling_parse_memory:
 *
 * Compose's memory units (RAMInBytes): a number, optionally followed by
 * k, m, g, t (with or without "b" or "ib", any case): "512M", "1g", "2GiB".
 */
gboolean
sn_scaling_parse_memory (const char  *text,
                         gint64      *bytes,
                         GError     **error)
{
  g_autoptr(GRegex) regex = g_regex_new ("^([0-9]+(\\.[0-9]+)?) ?([kmgt])?(i?b)?$",
                                         G_REGEX_CASELESS, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *copy = g_strstrip (g_strdup (text != NULL ? text : ""));

  if (g_regex_match (regex, copy, 0, &match))
    {
      g_autofree char *number = g_match_info_fetch (match, 1);
      g_autofree char *unit = g_match_info_fetch (match, 3);
      double value = g_ascii_strtod (number, NULL);
      double factor = 1;

      switch (g_ascii_tolower (unit != NULL && *unit != '\0' ? *unit : 'b'))
        {
        case 'k': factor = 1024.0; break;
        case 'm': factor = 1048576.0; break;
        case 'g': factor = 1073741824.0; break;
        case 't': factor = 1099511627776.0; break;
        default: break;
        }
      if (isfinite (value * factor) && value * factor < 9.0e18)
        {
          *bytes = (gint64)(value * factor);
          return TRUE;
        }
    }
  g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
               _("“%s” is not an amount of memory: write a number and a unit such as 512M or 2G."),
               text != NULL ? text : "");
  return FALSE;
}

/**
 * sn_scaling_format_memory:
 *
 * Returns: (transfer full): "1.0 GiB", "512.0 MiB" (in the locale), or "—" for -1
 */
char *
sn_scaling_format_memory (gint64 bytes)
{
  if (bytes < 0)
    return g_strdup ("—");
  return g_format_size_full ((guint64)bytes, G_FORMAT_SIZE_IEC_UNITS);
}

static double
cpus_or_unset (const char *text)
{
  double value;

  return text != NULL && sn_scaling_parse_cpus (text, &value, NULL) ? value : -1;
}

static gint64
memory_or_unset (const char *text)
{
  gint64 value;

  return text != NULL && sn_scaling_parse_memory (text, &value, NULL) ? value : -1;
}

static SnServiceResources *
read_service (SnComposeFile *self,
              const char    *name,
              yaml_node_t   *service)
{
  static const char * const limits_cpus[] = { "deploy", "resources", "limits", "cpus", NULL };
  static const char * const limits_memory[] = { "deploy", "resources", "limits", "memory", NULL };
  static const char * const res_cpus[] = { "deploy", "resources", "reservations", "cpus", NULL };
  static const char * const res_memory[] = { "deploy", "resources", "reservations", "memory", NULL };
  static const char * const replicas[] = { "deploy", "replicas", NULL };
  static const char * const cpus[] = { "cpus", NULL };
  static const char * const mem_limit[] = { "mem_limit", NULL };
  static const char * const mem_reservation[] = { "mem_reservation", NULL };
  static const char * const container_name[] = { "container_name", NULL };
  SnServiceResources *res = g_new0 (SnServiceResources, 1);
  const char *text;

  res->name = g_strdup (name);
  res->cpus_limit = cpus_or_unset (scalar_at (self, service, limits_cpus));
  if (res->cpus_limit < 0)
    res->cpus_limit = cpus_or_unset (scalar_at (self, service, cpus));
  res->memory_limit = memory_or_unset (scalar_at (self, service, limits_memory));
  if (res->memory_limit < 0)
    res->memory_limit = memory_or_unset (scalar_at (self, service, mem_limit));
  res->cpus_reservation = cpus_or_unset (scalar_at (self, service, res_cpus));
  res->memory_reservation = memory_or_unset (scalar_at (self, service, res_memory));
  if (res->memory_reservation < 0)
    res->memory_reservation = memory_or_unset (scalar_at (self, service, mem_reservation));
  text = scalar_at (self, service, replicas);
  res->replicas = text != NULL ? (int)g_ascii_strtoll (text, NULL, 10) : -1;
  res->has_container_name = scalar_at (self, service, container_name) != NULL;
  return res;
}

/**
 * sn_compose_file_list_services:
 *
 * Returns: (transfer full) (element-type SnServiceResources): every
 *   service, in file order
 */
GPtrArray *
sn_compose_file_list_services (SnComposeFile *self)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify)sn_service_resources_free);
  yaml_node_t *services = node_at (self, self->services);

  for (yaml_node_pair_t *pair = services->data.mapping.pairs.start;
       pair < services->data.mapping.pairs.top; pair++)
    {
      yaml_node_t *key = node_at (self, pair->key);

      if (is_scalar (key))
        g_ptr_array_add (list, read_service (self, (const char *)key->data.scalar.value,
                                             node_at (self, pair->value)));
    }
  return list;
}

/**
 * sn_compose_file_get_service:
 *
 * Returns: (transfer full): @service's resources, or %NULL with an error
 *   naming the services there are
 */
SnServiceResources *
sn_compose_file_get_service (SnComposeFile  *self,
                             const char     *service,
                             GError        **error)
{
  yaml_node_t *services = node_at (self, self->services);
  yaml_node_t *node = node_at (self, mapping_lookup (self, services, service, NULL));

  if (node == NULL)
    {
      g_autoptr(GPtrArray) all = sn_compose_file_list_services (self);
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < all->len; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                                ((SnServiceResources *)all->pdata[i])->name);
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("docker-compose.yml has no service “%s”. Its services: %s."),
                   service, names->str);
      return NULL;
    }
  return read_service (self, service, node);
}

/* Editing ------------------------------------------------------------------ */

typedef struct
{
  gsize  start;
  gsize  end;      /* == start for an insertion */
  guint  depth;    /* at one offset, the outer insertion goes in first */
  char  *text;
} Edit;

static void
edit_clear (gpointer data)
{
  g_free (((Edit *)data)->text);
}

static int
edit_compare (gconstpointer a,
              gconstpointer b)
{
  const Edit *ea = a;
  const Edit *eb = b;

  if (ea->start != eb->start)
    return ea->start > eb->start ? -1 : 1;
  return ea->depth < eb->depth ? -1 : ea->depth > eb->depth ? 1 : 0;
}

/* The byte offset just past the node's last character. */
static gsize
content_end (SnComposeFile *self,
             yaml_node_t   *node)
{
  if (node->type == YAML_MAPPING_NODE && is_block_mapping (node))
    return content_end (self, node_at (self, (node->data.mapping.pairs.top - 1)->value));
  if (node->type == YAML_SEQUENCE_NODE && node->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE &&
      node->data.sequence.items.top > node->data.sequence.items.start)
    return content_end (self, node_at (self, *(node->data.sequence.items.top - 1)));
  return mark_offset (self, &node->end_mark);
}

typedef struct
{
  const char * const *path;
  const char         *value;
  gboolean            quote;
} Want;

/* Replace one scalar's bytes, keeping its quoting style. */
static gboolean
replace_scalar (SnComposeFile  *self,
                GArray         *edits,
                yaml_node_t    *node,
                const char     *value,
                const char     *where,
                GError        **error)
{
  Edit edit = { 0 };

  if (!is_scalar (node))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                   _("“%s” at line %zu of docker-compose.yml is not a plain value; edit it by hand."),
                   where, node->start_mark.line + 1);
      return FALSE;
    }
  edit.start = mark_offset (self, &node->start_mark);
  edit.end = mark_offset (self, &node->end_mark);
  switch (node->data.scalar.style)
    {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
      edit.text = g_strdup_printf ("'%s'", value);
      break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
      edit.text = g_strdup_printf ("\"%s\"", value);
      break;
    case YAML_PLAIN_SCALAR_STYLE:
      edit.text = g_strdup (value);
      break;
    case YAML_ANY_SCALAR_STYLE:
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE:
    default:
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                   _("“%s” at line %zu of docker-compose.yml is a block scalar; edit it by hand."),
                   where, node->start_mark.line + 1);
      return FALSE;
    }
  g_array_append_val (edits, edit);
  return TRUE;
}

/* The lines for @wants' paths from @level on, under one mapping at @column. */
static void
render_missing (GString      *out,
                GPtrArray    *wants,
                guint         level,
                guint         column,
                guint         unit)
{
  g_autoptr(GPtrArray) done = g_ptr_array_new ();

  for (guint i = 0; i < wants->len; i++)
    {
      const Want *want = wants->pdata[i];
      const char *key = want->path[level];
      gboolean seen = FALSE;

      for (guint j = 0; j < done->len; j++)
        seen = seen || g_str_equal (done->pdata[j], key);
      if (seen)
        continue;
      g_ptr_array_add (done, (gpointer)key);

      if (want->path[level + 1] == NULL)
        {
          g_string_append_printf (out, "%*s%s: %s%s%s\n", (int)column, "", key,
                                  want->quote ? "'" : "", want->value, want->quote ? "'" : "");
          continue;
        }
      {
        g_autoptr(GPtrArray) below = g_ptr_array_new ();

        for (guint j = i; j < wants->len; j++)
          {
            const Want *other = wants->pdata[j];

            if (g_str_equal (other->path[level], key))
              g_ptr_array_add (below, (gpointer)other);
          }
        g_string_append_printf (out, "%*s%s:\n", (int)column, "", key);
        render_missing (out, below, level + 1, column + unit, unit);
      }
    }
}

/* Insert the missing keys of @wants (all missing from @mapping at @level). */
static gboolean
insert_missing (SnComposeFile  *self,
                GArray         *edits,
                yaml_node_t    *mapping,
                GPtrArray      *wants,
                guint           level,
                GError        **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  Edit edit = { 0 };
  guint column;
  gsize end;

  if (!is_block_mapping (mapping))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                   _("The mapping at line %zu of docker-compose.yml is written inline ({…}); "
                     "write it as a block to edit it here."), mapping->start_mark.line + 1);
      return FALSE;
    }
  column = node_at (self, mapping->data.mapping.pairs.start->key)->start_mark.column;
  end = content_end (self, mapping);
  /* after the line the mapping's last value ends on, comments included */
  if (end > 0 && self->text[end - 1] != '\n')
    {
      const char *newline = memchr (self->text + end, '\n', self->length - end);

      if (newline == NULL)
        g_string_append_c (text, '\n');
      end = newline != NULL ? (gsize)(newline - self->text) + 1 : self->length;
    }
  render_missing (text, wants, level, column, self->indent_unit);
  edit.start = edit.end = end;
  edit.depth = level;
  edit.text = g_string_free (g_steal_pointer (&text), FALSE);
  g_array_append_val (edits, edit);
  return TRUE;
}

/* Plan the edits of @wants (all below @mapping from @level). */
static gboolean
plan_edits (SnComposeFile  *self,
            GArray         *edits,
            yaml_node_t    *mapping,
            GPtrArray      *wants,
            guint           level,
            GError        **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();

  for (guint i = 0; i < wants->len; i++)
    {
      const Want *want = wants->pdata[i];
      const char *key = want->path[level];
      yaml_node_t *value = node_at (self, mapping_lookup (self, mapping, key, NULL));
      gboolean seen = FALSE;

      if (value == NULL)
        {
          g_ptr_array_add (missing, (gpointer)want);
          continue;
        }
      if (want->path[level + 1] == NULL)
        {
          if (!replace_scalar (self, edits, value, want->value, key, error))
            return FALSE;
          continue;
        }
      for (guint j = 0; j < keys->len; j++)
        seen = seen || g_str_equal (keys->pdata[j], key);
      if (seen)
        continue;
      g_ptr_array_add (keys, (gpointer)key);
      {
        g_autoptr(GPtrArray) below = g_ptr_array_new ();

        for (guint j = i; j < wants->len; j++)
          if (g_str_equal (((const Want *)wants->pdata[j])->path[level], key))
            g_ptr_array_add (below, wants->pdata[j]);
        if (value->type != YAML_MAPPING_NODE)
          {
            g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                         _("“%s” at line %zu of docker-compose.yml is not a mapping; edit it by hand."),
                         key, value->start_mark.line + 1);
            return FALSE;
          }
        if (!plan_edits (self, edits, value, below, level + 1, error))
          return FALSE;
      }
    }
  if (missing->len > 0)
    return insert_missing (self, edits, mapping, missing, level, error);
  return TRUE;
}

static char *
apply_edits (SnComposeFile *self,
             GArray        *edits)
{
  g_autoptr(GString) out = g_string_new_len (self->text, self->length);

  g_array_sort (edits, edit_compare);
  for (guint i = 0; i < edits->len; i++)
    {
      const Edit *edit = &g_array_index (edits, Edit, i);

      g_string_erase (out, edit->start, edit->end - edit->start);
      g_string_insert (out, edit->start, edit->text);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The values after the change: typed ones parsed, the others kept. */
typedef struct
{
  double cpus_limit;
  gint64 memory_limit;
  double cpus_reservation;
  gint64 memory_reservation;
  int    replicas;
} Values;

static gboolean
resolve_values (const SnServiceResources *now,
                const SnResourcesChange  *change,
                Values                   *v,
                GError                  **error)
{
  v->cpus_limit = now->cpus_limit;
  v->memory_limit = now->memory_limit;
  v->cpus_reservation = now->cpus_reservation;
  v->memory_reservation = now->memory_reservation;
  v->replicas = now->replicas;

  if ((change->cpus_limit != NULL && !sn_scaling_parse_cpus (change->cpus_limit, &v->cpus_limit, error)) ||
      (change->memory_limit != NULL &&
       !sn_scaling_parse_memory (change->memory_limit, &v->memory_limit, error)) ||
      (change->cpus_reservation != NULL &&
       !sn_scaling_parse_cpus (change->cpus_reservation, &v->cpus_reservation, error)) ||
      (change->memory_reservation != NULL &&
       !sn_scaling_parse_memory (change->memory_reservation, &v->memory_reservation, error)))
    return FALSE;
  if (change->replicas != 0)
    v->replicas = change->replicas;
  return TRUE;
}

static gboolean
validate_values (const SnServiceResources *now,
                 const Values             *v,
                 const SnHostCapacity     *capacity,
                 GError                  **error)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (v->memory_limit >= 0 && v->memory_limit < MIN_MEMORY_BYTES)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("A memory limit below 6 MB is refused by Docker: give %s at least 64M."),
                   now->name);
      return FALSE;
    }
  if (v->cpus_limit >= 0 && v->cpus_reservation >= 0 && v->cpus_reservation > v->cpus_limit)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("The CPU reservation of %s (%g) is above its limit (%g): the limit must be at "
                     "least the reservation."), now->name, v->cpus_reservation, v->cpus_limit);
      return FALSE;
    }
  if (v->memory_limit >= 0 && v->memory_reservation >= 0 && v->memory_reservation > v->memory_limit)
    {
      a = sn_scaling_format_memory (v->memory_reservation);
      b = sn_scaling_format_memory (v->memory_limit);
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("The memory reservation of %s (%s) is above its limit (%s): the limit must be "
                     "at least the reservation."), now->name, a, b);
      return FALSE;
    }
  if (v->replicas != -1 && (v->replicas < 1 || v->replicas > MAX_REPLICAS))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("%d instances of %s: give between 1 and %d."), v->replicas, now->name, MAX_REPLICAS);
      return FALSE;
    }
  if (v->replicas > 1 && now->has_container_name)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("%s has a fixed container_name, so Docker cannot run several instances of it. "
                     "Only a service without container_name (the app) can have replicas."), now->name);
      return FALSE;
    }
  if (capacity == NULL)
    return TRUE;
  if (v->cpus_limit > capacity->cpus || v->cpus_reservation > capacity->cpus)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("%s would get %g CPUs but the host has only %u."), now->name,
                   MAX (v->cpus_limit, v->cpus_reservation), capacity->cpus);
      return FALSE;
    }
  if ((guint64)MAX (v->memory_limit, 0) > capacity->memory ||
      (guint64)MAX (v->memory_reservation, 0) * (guint64)MAX (v->replicas, 1) > capacity->memory)
    {
      a = sn_scaling_format_memory ((gint64)capacity->memory);
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("%s would get more memory than the host has (%s in all). Lower the limit or "
                     "the reservation times the instances."), now->name, a);
      return FALSE;
    }
  return TRUE;
}

static char *
dup_cpus_text (double cpus)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%g", cpus));
}

/**
 * sn_compose_file_apply:
 *
 * Returns: (transfer full): the new text of the file, or %NULL with an
 *   error a person can act on (nothing is written here)
 */
char *
sn_compose_file_apply (SnComposeFile           *self,
                       const char              *service,
                       const SnResourcesChange *change,
                       const SnHostCapacity    *capacity,
                       GError                 **error)
{
  static const char * const p_lcpus[] = { "deploy", "resources", "limits", "cpus", NULL };
  static const char * const p_lmem[] = { "deploy", "resources", "limits", "memory", NULL };
  static const char * const p_rcpus[] = { "deploy", "resources", "reservations", "cpus", NULL };
  static const char * const p_rmem[] = { "deploy", "resources", "reservations", "memory", NULL };
  static const char * const p_replicas[] = { "deploy", "replicas", NULL };
  static const char * const p_cpus[] = { "cpus", NULL };
  static const char * const p_mem_limit[] = { "mem_limit", NULL };
  static const char * const p_mem_res[] = { "mem_reservation", NULL };
  g_autoptr(SnServiceResources) now = NULL;
  g_autoptr(GArray) edits = g_array_new (FALSE, TRUE, sizeof (Edit));
  g_autoptr(GPtrArray) wants = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SnComposeFile) check = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(SnServiceResources) after = NULL;
  g_autofree char *result = NULL;
  yaml_node_t *node;
  Values v;

  g_array_set_clear_func (edits, edit_clear);
  if (!(now = sn_compose_file_get_service (self, service, error)) ||
      !resolve_values (now, change, &v, error) ||
      !validate_values (now, &v, capacity, error))
    return NULL;

  node = node_at (self, mapping_lookup (self, node_at (self, self->services), service, NULL));
  if (!is_block_mapping (node))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                   _("The service %s is not written as a block mapping; edit it by hand."), service);
      return NULL;
    }

#define WANT(path_, text_, quote_) G_STMT_START {                                   \
    Want *w_ = g_new0 (Want, 1);                                                    \
    w_->path = (path_); w_->value = (text_); w_->quote = (quote_);                  \
    g_ptr_array_add (wants, w_);                                                    \
  } G_STMT_END
#define SAME_KEY(path_, text_) G_STMT_START {                                       \
    if (lookup_path (self, node, (path_)) != NULL)                                  \
      WANT ((path_), (text_), FALSE);                                               \
  } G_STMT_END

  if (change->cpus_limit != NULL)
    {
      char *text = dup_cpus_text (v.cpus_limit);

      g_ptr_array_add (texts, text);
      WANT (p_lcpus, text, TRUE);
      SAME_KEY (p_cpus, text);
    }
  if (change->memory_limit != NULL)
    {
      char *text = g_strstrip (g_strdup (change->memory_limit));

      g_ptr_array_add (texts, text);
      WANT (p_lmem, text, FALSE);
      SAME_KEY (p_mem_limit, text);
    }
  if (change->cpus_reservation != NULL)
    {
      char *text = dup_cpus_text (v.cpus_reservation);

      g_ptr_array_add (texts, text);
      WANT (p_rcpus, text, TRUE);
    }
  if (change->memory_reservation != NULL)
    {
      char *text = g_strstrip (g_strdup (change->memory_reservation));

      g_ptr_array_add (texts, text);
      WANT (p_rmem, text, FALSE);
      SAME_KEY (p_mem_res, text);
    }
  if (change->replicas != 0)
    {
      char *text = g_strdup_printf ("%d", v.replicas);

      g_ptr_array_add (texts, text);
      WANT (p_replicas, text, FALSE);
    }
#undef WANT
#undef SAME_KEY

  if (wants->len == 0)
    return g_strdup (self->text);

  /* mapping keys first, then the one-key paths that are replaced in place */
  if (!plan_edits (self, edits, node, wants, 0, error))
    return NULL;
  result = apply_edits (self, edits);

  /* Read the result back: it must parse and say what was asked. */
  bytes = g_bytes_new (result, strlen (result));
  if (!(check = sn_compose_file_new_from_bytes (bytes, NULL)) ||
      !(after = sn_compose_file_get_service (check, service, NULL)) ||
      (change->cpus_limit != NULL && fabs (after->cpus_limit - v.cpus_limit) > 1e-9) ||
      (change->memory_limit != NULL && after->memory_limit != v.memory_limit) ||
      (change->cpus_reservation != NULL && fabs (after->cpus_reservation - v.cpus_reservation) > 1e-9) ||
      (change->memory_reservation != NULL && after->memory_reservation != v.memory_reservation) ||
      (change->replicas != 0 && after->replicas != v.replicas))
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                   _("The edited docker-compose.yml did not read back as asked (an unusual layout "
                     "around %s?). Nothing was written; edit the file by hand."), service);
      return NULL;
    }
  return g_steal_pointer (&result);
}

/**
 * sn_scaling_dup_compose_path:
 *
 * Returns: (transfer full): DEPLOY/docker-compose.yml
 */
char *
sn_scaling_dup_compose_path (SnProfile *profile)
{
  const char *deploy = sn_profile_get_deploy_path (profile);

  return g_build_filename (deploy != NULL && *deploy != '\0' ? deploy : "/opt/sweetnarcisse",
                           "docker-compose.yml", NULL);
}

/**
 * sn_scaling_parse_capacity:
 * @text: the output of `nproc && free -b`
 */
gboolean
sn_scaling_parse_capacity (const char      *text,
                           SnHostCapacity  *capacity,
                           GError         **error)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  gboolean have_mem = FALSE;

  capacity->cpus = lines[0] != NULL ? (guint)g_ascii_strtoull (lines[0], NULL, 10) : 0;
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Mem:"))
      {
        capacity->memory = g_ascii_strtoull (lines[i] + 4, NULL, 10);
        have_mem = capacity->memory > 0;
      }
  if (capacity->cpus == 0 || !have_mem)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE,
                   _("`nproc && free -b` on the host did not give its CPUs and memory: %.80s"),
                   text != NULL ? text : "");
      return FALSE;
    }
  return TRUE;
}
