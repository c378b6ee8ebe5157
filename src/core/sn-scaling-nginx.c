/* sn-scaling-nginx.c: the nginx side of a change of instances (runbook §5.2)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sn-scaling.h"

/*
 * The runbook's upstream lists app1..appN:3000. Those names do not exist
 * under Docker Compose: the instances of service S in project P are the
 * containers P-S-1..P-S-N, and Docker's DNS resolves those names on the
 * project's network (target-system.md §1.1, §10.5). So the block lists the
 * real names, with the port the block used before (3000 by default).
 *
 * Only the bytes of the `upstream S { ... }` block change; the text before
 * and after it stays byte for byte. The real nginx.conf has no upstream
 * block (it proxies straight to http://app:3000): then the edit is refused
 * with a message saying so.
 */

#define DEFAULT_PORT 3000

typedef struct
{
  gsize start;      /* offset of "upstream" */
  gsize open;       /* offset just after '{' */
  gsize close;      /* offset of the matching '}' */
  char *indent;     /* the whitespace before "upstream" on its line */
} Block;

static void
skip_space_and_comments (const char *text,
                         gsize      *i)
{
  for (;;)
    {
      while (text[*i] != '\0' && g_ascii_isspace (text[*i]))
        (*i)++;
      if (text[*i] != '#')
        return;
      while (text[*i] != '\0' && text[*i] != '\n')
        (*i)++;
    }
}

/* One token: a word (quotes kept), or one of ; { }. Returns its length. */
static gsize
token_at (const char *text,
          gsize       i)
{
  gsize j = i;

  if (text[i] == ';' || text[i] == '{' || text[i] == '}')
    return 1;
  while (text[j] != '\0' && !g_ascii_isspace (text[j]) && text[j] != ';' && text[j] != '{' &&
         text[j] != '}' && text[j] != '#')
    {
      if (text[j] == '"' || text[j] == '\'')
        {
          char quote = text[j++];

          while (text[j] != '\0' && text[j] != quote)
            j += text[j] == '\\' && text[j + 1] != '\0' ? 2 : 1;
          if (text[j] != '\0')
            j++;
          continue;
        }
      j++;
    }
  return j - i;
}

static guint
line_of (const char *text,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset && text[i] != '\0'; i++)
    if (text[i] == '\n')
      line++;
  return line;
}

static gboolean
token_is (const char *text,
          gsize       i,
          gsize       len,
          const char *word)
{
  return len == strlen (word) && strncmp (text + i, word, len) == 0;
}

/* Whether a proxy_pass target (http://HOST[:PORT]/...) names @service. */
static gboolean
proxies_to (const char *target,
            const char *service)
{
  const char *host = strstr (target, "://");
  gsize len = strlen (service);

  host = host != NULL ? host + 3 : target;
  return strncmp (host, service, len) == 0 &&
         (host[len] == ':' || host[len] == '/' || host[len] == ';' || host[len] == '\0' ||
          g_ascii_isspace (host[len]));
}

/* Finds `upstream NAME {` at any depth and its matching brace. Also
 * remembers the first proxy_pass target, for the refusal's message. */
static gboolean
find_block (const char  *text,
            const char  *name,
            Block       *block,
            char       **proxy_pass,
            GError     **error)
{
  gsize i = 0;
  int depth = 0;
  int block_depth = -1;
  guint n_words = 0;               /* words in the statement so far */
  gsize first = 0, first_len = 0, second = 0, second_len = 0;

  memset (block, 0, sizeof *block);
  for (;;)
    {
      gsize len;

      skip_space_and_comments (text, &i);
      if (text[i] == '\0')
        break;
      len = MAX (token_at (text, i), 1);
      if (text[i] == '{')
        {
          if (block_depth < 0 && n_words == 2 && token_is (text, first, first_len, "upstream") &&
              token_is (text, second, second_len, name))
            {
              block->start = first;
              block->open = i + 1;
              block_depth = depth;
            }
          depth++;
        }
      else if (text[i] == '}')
        {
          if (--depth < 0)
            {
              g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE,
                           _("nginx.conf line %u: a “}” closes nothing. Fix the file on the server first."),
                           line_of (text, i));
              return FALSE;
            }
          if (block_depth >= 0 && depth == block_depth && block->close == 0)
            block->close = i;
        }
      if (text[i] == '{' || text[i] == '}' || text[i] == ';')
        n_words = 0;
      else
        {
          if (n_words == 0)
            {
              first = i;
              first_len = len;
            }
          else if (n_words == 1)
            {
              second = i;
              second_len = len;
              if (proxy_pass != NULL && token_is (text, first, first_len, "proxy_pass") &&
                  (*proxy_pass == NULL || (!proxies_to (*proxy_pass, name) && proxies_to (text + i, name))))
                {
                  g_free (*proxy_pass);
                  *proxy_pass = g_strndup (text + i, len);
                }
            }
          n_words++;
        }
      i += len;
    }
  if (depth != 0)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE,
                   _("nginx.conf ends with %d “{” not closed. Fix the file on the server first."), depth);
      return FALSE;
    }
  if (block->close == 0)
    return TRUE;
  {
    gsize line = block->start;

    while (line > 0 && text[line - 1] != '\n')
      line--;
    block->indent = g_strndup (text + line, block->start - line);
    for (char *c = block->indent; *c != '\0'; c++)
      if (*c != ' ' && *c != '\t')
        {
          g_free (block->indent);
          block->indent = g_strdup ("");
          break;
        }
  }
  return TRUE;
}

/* The statements inside the block, trimmed, without their ';'. */
static GPtrArray *
block_statements (const char  *text,
                  const Block *block)
{
  GPtrArray *statements = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *inner = g_strndup (text + block->open, block->close - block->open);
  GString *current = g_string_new (NULL);
  gsize i = 0;

  for (;;)
    {
      gsize len;

      skip_space_and_comments (inner, &i);
      if (inner[i] == '\0')
        break;
      len = token_at (inner, i);
      if (inner[i] == ';' || len == 0)
        {
          if (current->len > 0)
            g_ptr_array_add (statements, g_strdup (current->str));
          g_string_truncate (current, 0);
          i += MAX (len, 1);
          continue;
        }
      if (current->len > 0)
        g_string_append_c (current, ' ');
      g_string_append_len (current, inner + i, len);
      i += len;
    }
  g_string_free (current, TRUE);
  return statements;
}

static char *
inner_indent (const char  *text,
              const Block *block)
{
  const char *p = text + block->open;
  const char *end = text + block->close;

  /* the indentation of the first line inside that has something on it */
  while (p < end)
    {
      const char *line = memchr (p, '\n', end - p);
      const char *q;

      if (line == NULL)
        break;
      q = line + 1;
      while (q < end && (*q == ' ' || *q == '\t'))
        q++;
      if (q < end && *q != '\n')
        return g_strndup (line + 1, q - line - 1);
      p = q;
    }
  return g_strconcat (block->indent, "    ", NULL);
}

/**
 * sn_scaling_dup_project_name:
 *
 * Returns: (transfer full): the compose project's name, which Compose
 *   derives from the directory: "sweetnarcisse" for /opt/sweetnarcisse
 */
char *
sn_scaling_dup_project_name (SnProfile *profile)
{
  const char *deploy = profile != NULL ? sn_profile_get_deploy_path (profile) : NULL;
  g_autofree char *base = g_path_get_basename (deploy != NULL && *deploy != '\0' ? deploy : "/opt/sweetnarcisse");
  GString *name = g_string_new (NULL);

  for (const char *c = base; *c != '\0'; c++)
    if (g_ascii_isalnum (*c) || *c == '_' || *c == '-')
      g_string_append_c (name, g_ascii_tolower (*c));
  return g_string_free (name, FALSE);
}

/**
 * sn_scaling_dup_nginx_path:
 *
 * Returns: (transfer full): DEPLOY/nginx/nginx.conf, the file the nginx
 *   container mounts as /etc/nginx/nginx.conf
 */
char *
sn_scaling_dup_nginx_path (SnProfile *profile)
{
  const char *deploy = sn_profile_get_deploy_path (profile);

  return g_build_filename (deploy != NULL && *deploy != '\0' ? deploy : "/opt/sweetnarcisse",
                           "nginx", "nginx.conf", NULL);
}

/**
 * sn_scaling_nginx_upstream:
 * @params: (nullable): what follows the address on each server line, such
 *   as "max_fails=3 fail_timeout=30s"
 * @extra: (nullable): other statements to keep (without ';'), such as
 *   "keepalive 32"
 *
 * Returns: (transfer full): the block `upstream SERVICE { least_conn;
 *   server PROJECT-SERVICE-i:PORT; ... }`, its first line not indented,
 *   its last line (the brace) indented with @indent, no final newline
 */
char *
sn_scaling_nginx_upstream (const char         *project,
                           const char         *service,
                           guint               port,
                           guint               replicas,
                           const char         *params,
                           const char * const *extra,
                           const char         *indent,
                           const char         *inner)
{
  GString *block = g_string_new (NULL);

  g_return_val_if_fail (service != NULL && replicas > 0, NULL);

  g_string_append_printf (block, "upstream %s {\n%sleast_conn;\n", service, inner);
  for (guint i = 1; i <= replicas; i++)
    g_string_append_printf (block, "%sserver %s-%s-%u:%u%s%s;\n", inner, project, service, i, port,
                            params != NULL && *params != '\0' ? " " : "", params != NULL ? params : "");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_string_append_printf (block, "%s%s;\n", inner, extra[i]);
  g_string_append_printf (block, "%s}", indent);
  return g_string_free (block, FALSE);
}

static gboolean
is_balancing (const char *statement)
{
  static const char * const methods[] = { "least_conn", "ip_hash", "hash", "random", "least_time", NULL };

  for (guint i = 0; methods[i] != NULL; i++)
    {
      gsize len = strlen (methods[i]);

      if (strncmp (statement, methods[i], len) == 0 &&
          (statement[len] == '\0' || statement[len] == ' '))
        return TRUE;
    }
  return FALSE;
}

/* The first server line's port and parameters. */
static void
server_port_and_params (const char *statement,
                        guint      *port,
                        char      **params)
{
  g_auto(GStrv) words = g_strsplit (statement, " ", -1);
  const char *colon;
  guint64 value;

  if (g_strv_length (words) < 2)
    return;
  colon = strrchr (words[1], ':');
  if (colon != NULL && strchr (words[1], ']') <= colon &&
      g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
    *port = (guint)value;
  if (words[2] != NULL)
    *params = g_strjoinv (" ", words + 2);
}

/**
 * sn_scaling_nginx_apply:
 * @text: nginx.conf as read from the host
 * @project: the compose project (sn_scaling_dup_project_name())
 * @service: the compose service, such as "app"; the block edited is
 *   `upstream SERVICE`
 * @replicas: the new number of instances (>= 1)
 *
 * Rewrites the `upstream SERVICE { }` block for @replicas instances with
 * least_conn; keeps the port and the server parameters of its first server
 * line and its other statements (keepalive, ...). Every byte outside the
 * block stays.
 *
 * Returns: (transfer full): the new text, or %NULL with
 *   %SN_SCALING_ERROR_UNSUPPORTED when the file has no such block (the
 *   message says what nginx does instead), %SN_SCALING_ERROR_PARSE when its
 *   braces do not match
 */
char *
sn_scaling_nginx_apply (const char  *text,
                        const char  *project,
                        const char  *service,
                        guint        replicas,
                        GError     **error)
{
  Block block;
  g_autofree char *proxy_pass = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *params = NULL;
  g_autofree char *generated = NULL;
  g_autoptr(GPtrArray) statements = NULL;
  g_autoptr(GPtrArray) extra = g_ptr_array_new ();
  guint port = DEFAULT_PORT;
  gboolean have_server = FALSE;
  GString *out;

  g_return_val_if_fail (text != NULL && service != NULL, NULL);

  if (replicas < 1)
    {
      g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_INVALID,
                   _("At least one instance is needed: give a number of instances from 1."));
      return NULL;
    }
  if (!find_block (text, service, &block, &proxy_pass, error))
    return NULL;
  if (block.close == 0)
    {
      if (proxy_pass != NULL)
        g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                     _("nginx.conf has no “upstream %s” block: it sends requests straight to %s, so there "
                       "is no list of instances to edit, and the nginx part of the change is refused. nginx "
                       "finds every instance of “%s” through Docker’s DNS when it reloads; to balance them "
                       "with least_conn, add an “upstream %s” block to nginx.conf by hand first."),
                     service, proxy_pass, service, service);
      else
        g_set_error (error, SN_SCALING_ERROR, SN_SCALING_ERROR_UNSUPPORTED,
                     _("nginx.conf has no “upstream %s” block and no proxy_pass: the nginx part of the "
                       "change is refused. Add an “upstream %s” block to nginx.conf by hand first."),
                     service, service);
      return NULL;
    }

  statements = block_statements (text, &block);
  for (guint i = 0; i < statements->len; i++)
    {
      const char *s = statements->pdata[i];

      if (g_str_has_prefix (s, "server "))
        {
          if (!have_server)
            server_port_and_params (s, &port, &params);
          have_server = TRUE;
        }
      else if (!is_balancing (s))
        g_ptr_array_add (extra, (gpointer)s);
    }
  g_ptr_array_add (extra, NULL);

  inner = inner_indent (text, &block);
  generated = sn_scaling_nginx_upstream (project, service, port, replicas, params,
                                         (const char * const *)extra->pdata, block.indent, inner);
  out = g_string_new_len (text, block.start);
  g_string_append (out, generated);
  g_string_append (out, text + block.close + 1);
  g_free (block.indent);
  return g_string_free (out, FALSE);
}

/**
 * sn_scaling_nginx_names_note:
 *
 * Returns: (transfer full): what the UI and the CLI say about the names
 *   the block uses (the real system wins over the runbook)
 */
char *
sn_scaling_nginx_names_note (const char *project,
                             const char *service,
                             guint       replicas)
{
  return g_strdup_printf (_("The runbook lists app1…appN:3000; those names do not exist under Docker Compose. "
                            "The instances of “%s” are the containers %s-%s-1…%s-%s-%u, which Docker’s DNS "
                            "resolves for nginx, so the upstream block uses these names."),
                          service, project, service, project, service, MAX (replicas, 1));
}

/* Reading the file --------------------------------------------------------- */

static void
read_nginx_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = sn_host_read_file_finish (SN_HOST (object), result, &error);
  gsize size;
  const char *data;

  if (bytes == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (memchr (data != NULL ? data : "", '\0', size) != NULL || !g_utf8_validate (data, size, NULL))
    {
      g_task_return_new_error (task, SN_SCALING_ERROR, SN_SCALING_ERROR_PARSE,
                               _("nginx.conf on the host is not text: it is not edited."));
      return;
    }
  g_task_return_pointer (task, g_strndup (data, size), g_free);
}

/**
 * sn_scaling_read_nginx_async:
 *
 * Reads DEPLOY/nginx/nginx.conf through @host. Reads only.
 */
void
sn_scaling_read_nginx_async (SnHost              *host,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;

  g_return_if_fail (SN_IS_HOST (host));

  task = g_task_new (host, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_scaling_read_nginx_async);
  path = sn_scaling_dup_nginx_path (sn_ssh_session_get_profile (sn_host_get_session (host)));
  sn_host_read_file_async (host, path, cancellable, read_nginx_cb, task);
}

/**
 * sn_scaling_read_nginx_finish:
 *
 * Returns: (transfer full): the file's text, or %NULL
 */
char *
sn_scaling_read_nginx_finish (SnHost        *host,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, host), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * sn_scaling_nginx_preview:
 * @compose: the compose file (to know whether it has an nginx service)
 * @nginx_text: (nullable): nginx.conf, %NULL when it could not be read
 * @read_error: (nullable): why it could not be read
 * @new_text: (out) (transfer full) (nullable): the new nginx.conf, or %NULL
 *   when the nginx part is refused or nothing changes
 *
 * What a change to @replicas instances of @service does to nginx: a
 * message for people (the names used, or why the nginx part is refused).
 *
 * Returns: (transfer full): that message
 */
char *
sn_scaling_nginx_preview (SnProfile      *profile,
                          SnComposeFile  *compose,
                          const char     *nginx_text,
                          const GError   *read_error,
                          const char     *service,
                          guint           replicas,
                          char          **new_text)
{
  g_autofree char *project = sn_scaling_dup_project_name (profile);
  g_autoptr(SnServiceResources) nginx = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  *new_text = NULL;
  if (compose != NULL && !(nginx = sn_compose_file_get_service (compose, "nginx", NULL)))
    return g_strdup_printf (_("docker-compose.yml has no nginx service: nothing balances the instances of "
                              "“%s”, and the nginx part of the change is refused."), service);
  if (nginx_text == NULL)
    return g_strdup_printf (_("nginx.conf could not be read (%s): the nginx part of the change is refused."),
                            read_error != NULL ? read_error->message : _("unknown error"));
  text = sn_scaling_nginx_apply (nginx_text, project, service, replicas, &error);
  if (text == NULL)
    return g_strdup (error->message);
  if (g_str_equal (text, nginx_text))
    {
      g_free (text);
      return g_strdup_printf (_("nginx.conf already lists %u instances of “%s”: it does not change."),
                              replicas, service);
    }
  *new_text = text;
  return sn_scaling_nginx_names_note (project, service, replicas);
}
