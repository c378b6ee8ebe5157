/* sn-host-command.c: the builders of every command the app runs on the host
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host"

#include "config.h"

#include "sn-host-command.h"

/**
 * sn_host_shell_word:
 * @word: (nullable): one argument
 *
 * Quotes @word for a POSIX shell only when it needs it, so plans stay
 * readable: plain words (letters, digits, `_./:=@%+,-`) as they are, anything
 * else (spaces, quotes, `$`, `;`, an empty word) in single quotes.
 *
 * Returns: (transfer full): one shell word that expands to exactly @word
 */
char *
sn_host_shell_word (const char *word)
{
  if (word != NULL && *word != '\0' &&
      g_regex_match_simple ("^[A-Za-z0-9_./:=@%+,-]+$", word, 0, 0))
    return g_strdup (word);
  return g_shell_quote (word != NULL ? word : "");
}

/**
 * sn_host_shell_words:
 * @argv: (nullable) (array zero-terminated=1): arguments
 *
 * Returns: (transfer full): the words of @argv, each sn_host_shell_word(),
 *   separated by one space ("" for none)
 */
char *
sn_host_shell_words (const char * const *argv)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; argv != NULL && argv[i] != NULL; i++)
    {
      g_autofree char *word = sn_host_shell_word (argv[i]);

      if (i > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, word);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * sn_host_command_in_deploy_path:
 * @script: shell text to run in the profile's deploy path
 *
 * Returns: (transfer full): "cd DEPLOY && SCRIPT"
 */
char *
sn_host_command_in_deploy_path (SnProfile  *profile,
                                const char *script)
{
  const char *path;
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (script != NULL, NULL);

  path = sn_profile_get_deploy_path (profile);
  quoted = sn_host_shell_word (path != NULL && *path != '\0' ? path : SN_HOST_DEFAULT_DEPLOY_PATH);
  return g_strdup_printf ("cd %s && %s", quoted, script);
}

/**
 * sn_host_command_compose_words:
 * @argv: (nullable): the compose command and its arguments
 *
 * To be run in the deploy path (sn_host_command_in_deploy_path()), as the
 * deploy workflow does (target-system.md §9.5).
 *
 * Returns: (transfer full): "docker compose --env-file .env.production.local ARGV"
 */
char *
sn_host_command_compose_words (const char * const *argv)
{
  g_autofree char *words = sn_host_shell_words (argv);

  return g_strdup_printf ("docker compose --env-file " SN_HOST_ENV_FILE "%s%s",
                          *words != '\0' ? " " : "", words);
}

/**
 * sn_host_command_compose:
 * @argv: (nullable): the compose command and its arguments, e.g. {"ps", "-a"}
 *
 * Returns: (transfer full): "cd DEPLOY && docker compose --env-file
 *   .env.production.local ARGV"; with no @argv, the prefix alone
 */
char *
sn_host_command_compose (SnProfile          *profile,
                         const char * const *argv)
{
  g_autofree char *compose = sn_host_command_compose_words (argv);

  return sn_host_command_in_deploy_path (profile, compose);
}

/**
 * sn_host_command_compose_logs:
 * @service: (nullable): one service, or %NULL for all
 * @tail: the last @tail lines, or -1 for all
 * @since: (nullable): `--since`
 * @keep_prefix: keep Compose's "service-1  | " in front of each line (always
 *   kept when @service is %NULL)
 */
char *
sn_host_command_compose_logs (SnProfile  *profile,
                              const char *service,
                              int         tail,
                              gboolean    follow,
                              const char *since,
                              gboolean    keep_prefix)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup ("logs"));
  g_ptr_array_add (argv, g_strdup ("--no-color"));
  if (service != NULL && !keep_prefix)
    g_ptr_array_add (argv, g_strdup ("--no-log-prefix"));
  if (tail >= 0)
    {
      g_ptr_array_add (argv, g_strdup ("--tail"));
      g_ptr_array_add (argv, g_strdup_printf ("%d", tail));
    }
  if (follow)
    g_ptr_array_add (argv, g_strdup ("--follow"));
  if (since != NULL && *since != '\0')
    {
      g_ptr_array_add (argv, g_strdup ("--since"));
      g_ptr_array_add (argv, g_strdup (since));
    }
  if (service != NULL)
    g_ptr_array_add (argv, g_strdup (service));
  g_ptr_array_add (argv, NULL);

  return sn_host_command_compose (profile, (const char * const *)argv->pdata);
}

/**
 * sn_host_command_db_words:
 * @argv: the program run in the db container and its arguments
 *
 * To be run in the deploy path. Reads stdin, no terminal.
 *
 * Returns: (transfer full): "docker compose --env-file .env.production.local
 *   exec -T db ARGV"
 */
char *
sn_host_command_db_words (const char * const *argv)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  g_ptr_array_add (all, (gpointer)"exec");
  g_ptr_array_add (all, (gpointer)"-T");
  g_ptr_array_add (all, (gpointer)"db");
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (all, (gpointer)argv[i]);
  g_ptr_array_add (all, NULL);

  return sn_host_command_compose_words ((const char * const *)all->pdata);
}

/**
 * sn_host_command_psql_words:
 * @user: (nullable): the database role, %NULL for the profile's db-user
 * @database: (nullable): the database, %NULL for the profile's db-name
 * @options: (nullable): psql options after `-X` ("--csv", "-q", ...)
 * @commands: each one a `-c` (a statement, or several)
 *
 * psql in the db container, stopping at the first error; to be run in the
 * deploy path.
 *
 * Returns: (transfer full): "docker compose … exec -T db psql -X OPTIONS -v
 *   ON_ERROR_STOP=1 -U USER -d DATABASE -c COMMAND…"
 */
char *
sn_host_command_psql_words (SnProfile          *profile,
                            const char         *user,
                            const char         *database,
                            const char * const *options,
                            const char * const *commands)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (commands != NULL && commands[0] != NULL, NULL);

  g_ptr_array_add (argv, (gpointer)"psql");
  g_ptr_array_add (argv, (gpointer)"-X");
  for (guint i = 0; options != NULL && options[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)options[i]);
  g_ptr_array_add (argv, (gpointer)"-v");
  g_ptr_array_add (argv, (gpointer)"ON_ERROR_STOP=1");
  g_ptr_array_add (argv, (gpointer)"-U");
  g_ptr_array_add (argv, (gpointer)(user != NULL ? user : sn_profile_get_db_user (profile)));
  g_ptr_array_add (argv, (gpointer)"-d");
  g_ptr_array_add (argv, (gpointer)(database != NULL ? database : sn_profile_get_db_name (profile)));
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_ptr_array_add (argv, (gpointer)"-c");
      g_ptr_array_add (argv, (gpointer)commands[i]);
    }
  g_ptr_array_add (argv, NULL);

  return sn_host_command_db_words ((const char * const *)argv->pdata);
}

/**
 * sn_host_command_psql:
 *
 * sn_host_command_psql_words() run in the deploy path.
 */
char *
sn_host_command_psql (SnProfile          *profile,
                      const char         *user,
                      const char         *database,
                      const char * const *options,
                      const char * const *commands)
{
  g_autofree char *words = sn_host_command_psql_words (profile, user, database, options, commands);

  return words != NULL ? sn_host_command_in_deploy_path (profile, words) : NULL;
}

/**
 * sn_host_command_git:
 * @argv: the git command and its arguments, e.g. {"fetch", "--all", "--tags"}
 *
 * git in the deploy path (the server's checkout of the app, target-system.md
 * §9.2), with the pager off and no prompt for credentials.
 *
 * Returns: (transfer full): "cd DEPLOY && GIT_TERMINAL_PROMPT=0 git --no-pager ARGV"
 */
char *
sn_host_command_git (SnProfile          *profile,
                     const char * const *argv)
{
  g_autofree char *words = sn_host_shell_words (argv);
  g_autofree char *git = NULL;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  git = g_strdup_printf ("GIT_TERMINAL_PROMPT=0 git --no-pager %s", words);
  return sn_host_command_in_deploy_path (profile, git);
}

/**
 * sn_host_command_df:
 * @paths: (nullable): limit to the filesystems holding these paths
 *
 * Returns: (transfer full): "df -P -h PATHS"
 */
char *
sn_host_command_df (const char * const *paths)
{
  g_autofree char *words = sn_host_shell_words (paths);

  return g_strdup_printf ("df -P -h%s%s", *words != '\0' ? " " : "", words);
}

/**
 * sn_host_command_capacity:
 *
 * The host's processors and memory: `nproc` then `free -b`.
 *
 * Returns: (transfer full): "nproc && free -b"
 */
char *
sn_host_command_capacity (void)
{
  return g_strdup ("nproc && free -b");
}

/**
 * sn_host_command_curl:
 * @url: an http:// address as the host sees it (a loopback service)
 *
 * For hosts that refuse TCP forwarding (AllowTcpForwarding no): the host
 * fetches the page itself and prints the body; a status of 400 or more
 * exits non-zero with the body kept.
 *
 * Returns: (transfer full): "curl -sS --max-time 15 --fail-with-body URL"
 */
char *
sn_host_command_curl (const char *url)
{
  g_autofree char *word = sn_host_shell_word (url);

  return g_strdup_printf ("curl -sS --max-time 15 --fail-with-body %s", word);
}

/**
 * sn_host_command_describe:
 * @command: a command built by the functions above
 *
 * What a person would type to run @command by hand, for plans and "Copy as
 * shell": the profile's values and @command are quoted, so the pasted line
 * runs exactly @command.
 *
 * Returns: (transfer full): "ssh -p PORT USER@HOST 'COMMAND'"
 */
char *
sn_host_command_describe (SnProfile  *profile,
                          const char *command)
{
  const char *user;
  g_autofree char *login = NULL;
  g_autofree char *quoted_login = NULL;
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (command != NULL, NULL);

  user = sn_profile_get_ssh_user (profile);
  login = g_strdup_printf ("%s@%s", user != NULL && *user != '\0' ? user : "root",
                           sn_profile_get_ssh_host (profile) != NULL ? sn_profile_get_ssh_host (profile) : "");
  quoted_login = sn_host_shell_word (login);
  quoted = g_shell_quote (command);

  return g_strdup_printf ("ssh -p %u %s %s", sn_profile_get_ssh_port (profile), quoted_login, quoted);
}

/* Maintenance ------------------------------------------------------------ */

static char *
program_words (const char         *program,
               const char * const *argv)
{
  g_autofree char *words = sn_host_shell_words (argv);

  return g_strdup_printf ("%s%s%s", program, *words != '\0' ? " " : "", words);
}

/**
 * sn_host_command_docker:
 * @argv: the docker command and its arguments, e.g. {"image", "prune", "--all", "--force"}
 *
 * Docker itself (not compose), for what concerns the whole host: disk usage,
 * prunes, volumes.
 *
 * Returns: (transfer full): "docker ARGV"
 */
char *
sn_host_command_docker (const char * const *argv)
{
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  return program_words ("docker", argv);
}

/**
 * sn_host_command_journalctl:
 * @argv: e.g. {"--disk-usage"}
 *
 * Returns: (transfer full): "journalctl ARGV"
 */
char *
sn_host_command_journalctl (const char * const *argv)
{
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  return program_words ("journalctl", argv);
}

/**
 * sn_host_command_npm:
 * @argv: e.g. {"cache", "clean", "--force"}
 *
 * The host's npm (not the app container's).
 *
 * Returns: (transfer full): "npm ARGV"
 */
char *
sn_host_command_npm (const char * const *argv)
{
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  return program_words ("npm", argv);
}

/**
 * sn_host_command_npm_cache_size:
 *
 * The bytes in the host's npm cache: `du -sb` of `$(npm config get cache)/_cacache`,
 * "0 DIR" when there is no cache yet; exit status 127 when the host has no npm.
 *
 * Returns: (transfer full): the shell text
 */
char *
sn_host_command_npm_cache_size (void)
{
  return g_strdup ("command -v npm >/dev/null || exit 127; c=$(npm config get cache) || exit 1; "
                   "if [ -d \"$c/_cacache\" ]; then du -sb \"$c/_cacache\"; "
                   "else printf '0\\t%s/_cacache\\n' \"$c\"; fi");
}

/**
 * sn_host_command_npm_in_checkout:
 * @argv: e.g. {"audit", "fix"}
 *
 * The host's npm in the deploy path, the checkout the app image is built
 * from; exit status 127 when the host has no npm.
 *
 * Returns: (transfer full): "cd DEPLOY && command -v npm ... && npm ARGV"
 */
char *
sn_host_command_npm_in_checkout (SnProfile          *profile,
                                 const char * const *argv)
{
  g_autofree char *npm = NULL;
  g_autofree char *script = NULL;

  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  npm = program_words ("npm", argv);
  script = g_strdup_printf ("{ command -v npm >/dev/null || { echo 'npm is not installed on the host' >&2; "
                            "exit 127; }; } && %s", npm);
  return sn_host_command_in_deploy_path (profile, script);
}

static gboolean
stamp_is_valid (const char *stamp)
{
  if (stamp == NULL || *stamp == '\0')
    return FALSE;
  for (const char *p = stamp; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return TRUE;
}

/**
 * sn_host_command_npm_files_backup:
 * @stamp: the UTC time of the run, "20261207T081500Z" (letters and digits)
 *
 * Copies package.json and package-lock.json of the checkout to
 * "FILE.STAMP.bak" (cp -p: same mode and times), refusing to overwrite a
 * backup; fails when there is no lock file (npm audit fix needs one).
 *
 * Returns: (transfer full) (nullable): the shell text, %NULL for a bad stamp
 */
char *
sn_host_command_npm_files_backup (SnProfile  *profile,
                                  const char *stamp)
{
  g_autofree char *script = NULL;

  if (!stamp_is_valid (stamp))
    return NULL;
  script = g_strdup_printf ("for f in package.json package-lock.json; do "
                            "[ -f \"$f\" ] || { echo \"$f is missing in $(pwd)\" >&2; exit 1; }; "
                            "[ ! -e \"$f.%s.bak\" ] || { echo \"$f.%s.bak already exists\" >&2; exit 1; }; "
                            "done && cp -p package.json package.json.%s.bak && "
                            "cp -p package-lock.json package-lock.json.%s.bak",
                            stamp, stamp, stamp, stamp);
  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_npm_files_restore:
 * @stamp: the stamp of sn_host_command_npm_files_backup()
 *
 * Puts both files back from their backups, byte for byte (the backups stay).
 *
 * Returns: (transfer full) (nullable): the shell text, %NULL for a bad stamp
 */
char *
sn_host_command_npm_files_restore (SnProfile  *profile,
                                   const char *stamp)
{
  g_autofree char *script = NULL;

  if (!stamp_is_valid (stamp))
    return NULL;
  script = g_strdup_printf ("for f in package.json package-lock.json; do "
                            "[ -f \"$f.%s.bak\" ] || { echo \"$f.%s.bak is missing in $(pwd)\" >&2; exit 1; }; "
                            "done && cp -p package.json.%s.bak package.json && "
                            "cp -p package-lock.json.%s.bak package-lock.json",
                            stamp, stamp, stamp, stamp);
  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_program:
 * @program: a read-only program of the host, "crontab" or "systemctl"
 * @argv: its arguments
 *
 * Returns: (transfer full): "PROGRAM ARGV", every word quoted as needed
 */
char *
sn_host_command_program (const char         *program,
                         const char * const *argv)
{
  g_return_val_if_fail (program != NULL && argv != NULL, NULL);
  g_return_val_if_fail (g_regex_match_simple ("^[a-z][a-z0-9_-]*$", program, 0, 0), NULL);

  return program_words (program, argv);
}
