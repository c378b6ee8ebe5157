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
char *sn_host_command_docker          (const char * const  *argv);
char *sn_host_command_capacity        (void);
char *sn_host_command_curl            (const char          *url);
char *sn_host_command_describe        (SnProfile           *profile,
                                       const char          *command);

G_END_DECLS
