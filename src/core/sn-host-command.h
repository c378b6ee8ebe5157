/* sn-host-command.h: the builders of every command the app runs on the host
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "sn-profile.h"

G_BEGIN_DECLS

/*
 * One place builds the shell text of every remote command: the compose
 * prefix (`cd DEPLOY && docker compose --env-file .env.production.local`),
 * `exec -T db psql/pg_dump/pg_restore`, logs, df, and the dry-run form
 * ("ssh -p PORT USER@HOST 'COMMAND'"). Every value that comes from a profile
 * or an argument is a quoted shell word. What these return is what SnHost
 * runs and audits, and what plans and "Copy as shell" show.
 */

#define SN_HOST_ENV_FILE            ".env.production.local"
#define SN_HOST_DEFAULT_DEPLOY_PATH "/opt/sweetnarcisse"

char *sn_host_shell_word              (const char          *word);
char *sn_host_shell_words             (const char * const  *argv);

char *sn_host_command_in_deploy_path  (SnProfile           *profile,
                                       const char          *script);
char *sn_host_command_compose_words   (const char * const  *argv);
char *sn_host_command_compose         (SnProfile           *profile,
                                       const char * const  *argv);
char *sn_host_command_compose_logs    (SnProfile           *profile,
                                       const char          *service,
                                       int                  tail,
                                       gboolean             follow,
                                       const char          *since,
                                       gboolean             keep_prefix);
char *sn_host_command_db_words        (const char * const  *argv);
char *sn_host_command_psql_words      (SnProfile           *profile,
                                       const char          *user,
                                       const char          *database,
                                       const char * const  *options,
                                       const char * const  *commands);
char *sn_host_command_psql            (SnProfile           *profile,
                                       const char          *user,
                                       const char          *database,
                                       const char * const  *options,
                                       const char * const  *commands);
char *sn_host_command_git             (SnProfile           *profile,
                                       const char * const  *argv);
char *sn_host_command_df              (const char * const  *paths);

/* The env file and its secrets (sn-host-command-env.c): the values never
 * appear in these commands nor in what they print, only their SHA-256. */
char *sn_host_command_env_path        (SnProfile           *profile);
char *sn_host_command_env_backup      (SnProfile           *profile,
                                       const char          *stamp);
char *sn_host_command_env_prune       (SnProfile           *profile,
                                       guint                keep);
char *sn_host_command_env_restore     (SnProfile           *profile,
                                       const char          *backup,
                                       const char          *mode,
                                       const char          *owner);
char *sn_host_command_env_check       (SnProfile           *profile,
                                       const char          *name);
char *sn_host_command_env_compare     (SnProfile           *profile,
                                       const char          *name,
                                       const char          *service);
char *sn_host_command_env_rotation_status (SnProfile       *profile,
                                       const char          *name,
                                       const char          *service);
char *sn_host_command_remove_file     (const char          *path);
char *sn_host_command_env_presence    (SnProfile           *profile,
                                       const char          *service);
char *sn_host_command_listening_ports (void);
char *sn_host_command_paths_exist     (const char * const  *paths);
char *sn_host_command_docker          (const char * const  *argv);
char *sn_host_command_capacity        (void);
char *sn_host_command_curl            (const char          *url);
char *sn_host_command_describe        (SnProfile           *profile,
                                       const char          *command);
/* Maintenance (disk cleanup): docker, journalctl and npm on the host itself. */
char *sn_host_command_journalctl      (const char * const  *argv);
char *sn_host_command_npm             (const char * const  *argv);
char *sn_host_command_npm_cache_size  (void);
/* npm audit fix (maintenance): npm on the host, in the checkout the app image is built from. */
char *sn_host_command_npm_in_checkout (SnProfile           *profile,
                                       const char * const  *argv);
char *sn_host_command_npm_files_backup  (SnProfile         *profile,
                                         const char        *stamp);
char *sn_host_command_npm_files_restore (SnProfile         *profile,
                                         const char        *stamp);
char *sn_host_command_program         (const char          *program,
                                       const char * const  *argv);

G_END_DECLS
