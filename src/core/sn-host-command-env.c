/* sn-host-command-env.c: the builders of the commands that touch the env file
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host"

#include "config.h"

#include "sn-host-command.h"

/*
 * The secret rotation and the environment audit read and change
 * DEPLOY/.env.production.local. No value ever appears in these commands (a
 * new value reaches the host through SFTP, never a command line that `ps` or
 * the audit log would show) nor in what they print: the host prints
 * SHA-256s and variable names only. Values stay in shell variables of the
 * remote shell, handed to shell functions and builtins (`printf`), never as
 * an argument of another program.
 */

/* Shell functions (a printf format: %% for %): the last value of $1 in file $2 (quotes removed), and the
 * SHA-256 of $1 ("missing" when empty). */
#define SHELL_FUNCTIONS \
  "sn_val() { v=$(sed -n \"s/^[[:space:]]*\\(export[[:space:]][[:space:]]*\\)\\{0,1\\}$1[[:space:]]*=//p\" \"$2\" " \
  "| tail -n 1 | tr -d '\\r'); " \
  "case \"$v\" in \\\"*\\\") v=${v#\\\"}; v=${v%%\\\"} ;; \\'*\\') v=${v#\\'}; v=${v%%\\'} ;; esac; printf %%s \"$v\"; }; " \
  "sn_cval() { printf '%%s\\n' \"$2\" | sed -n \"s/^$1=//p\" | tail -n 1; }; " \
  "sn_sha() { if [ -n \"$1\" ]; then printf %%s \"$1\" | sha256sum | cut -c1-64; else echo missing; fi; }; "

static gboolean
is_name (const char *name)
{
  if (name == NULL || !(g_ascii_isalpha (*name) || *name == '_'))
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_'))
      return FALSE;
  return TRUE;
}

/**
 * sn_host_command_env_path:
 *
 * Returns: (transfer full): "DEPLOY/.env.production.local"
 */
char *
sn_host_command_env_path (SnProfile *profile)
{
  const char *path;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  path = sn_profile_get_deploy_path (profile);
  return g_build_filename (path != NULL && *path != '\0' ? path : SN_HOST_DEFAULT_DEPLOY_PATH,
                           SN_HOST_ENV_FILE, NULL);
}

/**
 * sn_host_command_env_backup:
 * @stamp: the UTC time stamp of the backup's name, "YYYYMMDDTHHMMSSZ"
 *
 * Copies the env file to `ENV.STAMP.bak` (mode 600, never over an existing
 * file). Prints `backup=PATH`, `mode=OCTAL` and `owner=UID:GID` of the env
 * file.
 */
char *
sn_host_command_env_backup (SnProfile  *profile,
                            const char *stamp)
{
  g_autofree char *script = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (stamp != NULL && strspn (stamp, "0123456789TZ") == strlen (stamp), NULL);

  script = g_strdup_printf (
    "{ T=" SN_HOST_ENV_FILE "; B=\"$T.%s.bak\"; "
    "[ -f \"$T\" ] || { echo \"$PWD/$T does not exist\" >&2; exit 2; }; "
    "[ ! -e \"$B\" ] || { echo \"$PWD/$B already exists\" >&2; exit 3; }; "
    "m=$(stat -c %%a -- \"$T\") && o=$(stat -c %%u:%%g -- \"$T\") || exit 4; "
    "( umask 077 && cp -- \"$T\" \"$B\" ) && chmod 600 -- \"$B\" && sync -- \"$B\" "
    "|| { rm -f -- \"$B\"; exit 5; }; "
    "echo \"backup=$PWD/$B\"; echo \"mode=$m\"; echo \"owner=$o\"; }",
    stamp);

  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_env_prune:
 * @keep: how many backups of the env file (`ENV.STAMP.bak`) to keep
 *
 * Removes the oldest backups beyond @keep; prints `pruned=PATH` for each.
 */
char *
sn_host_command_env_prune (SnProfile *profile,
                           guint      keep)
{
  g_autofree char *script = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (keep > 0, NULL);

  script = g_strdup_printf (
    "{ T=" SN_HOST_ENV_FILE "; ls -1 -- \"$T\".*Z.bak 2>/dev/null | LC_ALL=C sort -r | tail -n +%u | "
    "while IFS= read -r f; do rm -f -- \"$f\" && echo \"pruned=$PWD/$f\"; done; }",
    keep + 1);

  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_env_restore:
 * @backup: the backup's absolute path
 * @mode: (nullable): the env file's permission bits before ("600")
 * @owner: (nullable): its owner before ("UID:GID")
 *
 * Copies @backup back over the env file atomically (a temp copy beside it,
 * its mode and owner set, synced, renamed). The backup is kept.
 */
char *
sn_host_command_env_restore (SnProfile  *profile,
                             const char *backup,
                             const char *mode,
                             const char *owner)
{
  g_autofree char *quoted = NULL;
  g_autofree char *quoted_mode = NULL;
  g_autofree char *quoted_owner = NULL;
  g_autofree char *script = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (backup != NULL, NULL);

  if (mode == NULL || *mode == '\0' || strspn (mode, "01234567") != strlen (mode))
    mode = "600";
  if (owner != NULL && strspn (owner, "0123456789:") != strlen (owner))
    owner = NULL;
  quoted = sn_host_shell_word (backup);
  quoted_mode = sn_host_shell_word (mode);
  quoted_owner = sn_host_shell_word (owner != NULL ? owner : "");
  script = g_strdup_printf (
    "{ T=" SN_HOST_ENV_FILE "; B=%s; P=\"$T.sn-restore.$$.tmp\"; "
    "[ -f \"$B\" ] || { echo \"$B does not exist\" >&2; exit 2; }; "
    "( umask 077 && cp -- \"$B\" \"$P\" ) && chmod %s -- \"$P\" "
    "&& { [ -z %s ] || chown %s -- \"$P\" 2>/dev/null || true; } "
    "&& sync -- \"$P\" && mv -f -- \"$P\" \"$T\" || { rm -f -- \"$P\"; exit 1; }; "
    "sync -- . 2>/dev/null; echo \"restored=$PWD/$T\"; }",
    quoted, quoted_mode, quoted_owner, quoted_owner);

  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_env_check:
 * @name: the variable whose value's SHA-256 is printed
 *
 * Checks the env file parses: every line empty, a comment or
 * `[export ]NAME=VALUE` (prints `bad-lines=N`), and that Compose accepts it
 * (`config --quiet`); prints `file=SHA256` of @name's value.
 */
char *
sn_host_command_env_check (SnProfile  *profile,
                           const char *name)
{
  static const char awk_program[] =
    "NF && $0 !~ /^[[:space:]]*#/ && $0 !~ /^[[:space:]]*(export[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=/ "
    "{ n++ } END { print n + 0 }";
  static const char * const config[] = { "config", "--quiet", NULL };
  g_autofree char *awk = sn_host_shell_word (awk_program);
  g_autofree char *compose = sn_host_command_compose_words (config);
  g_autofree char *script = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (is_name (name), NULL);

  script = g_strdup_printf (
    "{ " SHELL_FUNCTIONS "T=" SN_HOST_ENV_FILE "; "
    "[ -r \"$T\" ] || { echo \"cannot read $PWD/$T\" >&2; exit 2; }; "
    "bad=$(awk %s \"$T\") || exit 2; echo \"bad-lines=$bad\"; "
    "echo \"file=$(sn_sha \"$(sn_val %s \"$T\")\")\"; "
    "%s >/dev/null || exit 3; }",
    awk, name, compose);

  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_env_compare:
 * @name: the variable
 * @service: the compose service whose running container is asked
 *
 * Prints `file=SHA256` of @name's value in the env file and
 * `container=SHA256` of its value in the running container of @service
 * (`missing` when unset or empty, `unreachable` when the container does not
 * answer). The values never leave the host.
 */
char *
sn_host_command_env_compare (SnProfile  *profile,
                             const char *name,
                             const char *service)
{
  g_autofree char *exec = NULL;
  g_autofree char *script = NULL;
  const char *argv[] = { "exec", "-T", service, "env", NULL };

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (is_name (name), NULL);
  g_return_val_if_fail (service != NULL, NULL);

  exec = sn_host_command_compose_words (argv);
  script = g_strdup_printf (
    "{ " SHELL_FUNCTIONS "T=" SN_HOST_ENV_FILE "; "
    "echo \"file=$(sn_sha \"$(sn_val %s \"$T\")\")\"; "
    "if c=$(%s 2>/dev/null); then echo \"container=$(sn_sha \"$(sn_cval %s \"$c\")\")\"; "
    "else echo container=unreachable; fi; }",
    name, exec, name);

  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_env_rotation_status:
 *
 * What says when @name was last rotated, and whether the container runs the
 * file's value: `backup=PATH` per rotation backup (`ENV.STAMP.bak`),
 * `marker=EPOCH` (scripts/rotate-secrets.sh's backups/secrets/.last_rotation),
 * `script-backup=EPOCH` per backup of that script, `mode=OCTAL` of the env
 * file, then the lines of sn_host_command_env_compare().
 */
char *
sn_host_command_env_rotation_status (SnProfile  *profile,
                                     const char *name,
                                     const char *service)
{
  g_autofree char *compare = NULL;
  g_autofree char *script = NULL;
  const char *path;
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  path = sn_profile_get_deploy_path (profile);
  quoted = sn_host_shell_word (path != NULL && *path != '\0' ? path : SN_HOST_DEFAULT_DEPLOY_PATH);
  compare = sn_host_command_env_compare (profile, name, service);
  g_return_val_if_fail (compare != NULL, NULL);

  script = g_strdup_printf (
    "cd %s || exit 2; T=" SN_HOST_ENV_FILE "; "
    "for f in \"$T\".*Z.bak; do [ -e \"$f\" ] && echo \"backup=$PWD/$f\"; done; "
    "[ -r backups/secrets/.last_rotation ] && echo \"marker=$(head -n 1 backups/secrets/.last_rotation)\"; "
    "for f in backups/secrets/env.*.bak; do [ -e \"$f\" ] && echo \"script-backup=$(stat -c %%Y -- \"$f\")\"; done; "
    "[ -e \"$T\" ] && echo \"mode=$(stat -c %%a -- \"$T\")\"; "
    "%s",
    quoted, compare);
  return g_steal_pointer (&script);
}

/**
 * sn_host_command_remove_file:
 *
 * Returns: (transfer full): "rm -f -- PATH"
 */
char *
sn_host_command_remove_file (const char *path)
{
  g_autofree char *quoted = NULL;

  g_return_val_if_fail (path != NULL && *path != '\0', NULL);

  quoted = sn_host_shell_word (path);
  return g_strdup_printf ("rm -f -- %s", quoted);
}

/**
 * sn_host_command_env_presence:
 * @service: the compose service whose running container is asked
 *
 * Which variables the env file and the running container of @service hold,
 * by name only: `file NAME set|empty` per assignment of the file, then
 * `container NAME set|empty` per variable of the container, or the line
 * `container-unreachable` when it does not answer.
 */
char *
sn_host_command_env_presence (SnProfile  *profile,
                              const char *service)
{
  static const char awk_file[] =
    "/^[[:space:]]*#/ { next } "
    "/^[[:space:]]*(export[[:space:]]+)?[A-Za-z_][A-Za-z0-9_]*[[:space:]]*=/ { "
    "k = $0; sub(/=.*/, \"\", k); sub(/^[[:space:]]*(export[[:space:]]+)?/, \"\", k); sub(/[[:space:]]+$/, \"\", k); "
    "v = substr($0, index($0, \"=\") + 1); gsub(/^[[:space:]\"']+|[[:space:]\"'\\r]+$/, \"\", v); "
    "print \"file\", k, (v == \"\" ? \"empty\" : \"set\") }";
  static const char awk_container[] =
    "/^[A-Za-z_][A-Za-z0-9_]*=/ { k = $0; sub(/=.*/, \"\", k); v = substr($0, index($0, \"=\") + 1); "
    "print \"container\", k, (v == \"\" ? \"empty\" : \"set\") }";
  g_autofree char *file = sn_host_shell_word (awk_file);
  g_autofree char *container = sn_host_shell_word (awk_container);
  g_autofree char *exec = NULL;
  g_autofree char *script = NULL;
  const char *argv[] = { "exec", "-T", service, "env", NULL };

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (service != NULL, NULL);

  exec = sn_host_command_compose_words (argv);
  script = g_strdup_printf (
    "{ T=" SN_HOST_ENV_FILE "; "
    "if [ -r \"$T\" ]; then awk %s \"$T\"; else echo file-unreadable; fi; "
    "if c=$(%s 2>/dev/null); then printf '%%s\\n' \"$c\" | awk %s; else echo container-unreachable; fi; }",
    file, exec, container);

  return sn_host_command_in_deploy_path (profile, script);
}

/**
 * sn_host_command_listening_ports:
 *
 * Returns: (transfer full): "ss -ltnH": the host's listening TCP sockets
 */
char *
sn_host_command_listening_ports (void)
{
  return g_strdup ("ss -ltnH");
}

/**
 * sn_host_command_paths_exist:
 * @paths: absolute paths
 *
 * Prints `yes PATH` or `no PATH` for each of @paths.
 */
char *
sn_host_command_paths_exist (const char * const *paths)
{
  g_autofree char *words = sn_host_shell_words (paths);

  g_return_val_if_fail (paths != NULL && paths[0] != NULL, NULL);

  return g_strdup_printf ("for p in %s; do if [ -e \"$p\" ]; then echo \"yes $p\"; else echo \"no $p\"; fi; done",
                          words);
}
