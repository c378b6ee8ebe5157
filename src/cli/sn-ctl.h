/* sn-ctl.h: what the commands of narcisse-ctl share
 *
 * Copyright 2026 Sweet Narcisse
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib/gi18n.h>

#include "sn-backup-service.h"
#include "sn-connection.h"
#include "sn-core.h"
#include "sn-query-result.h"
#include "sn-runbook-catalog.h"

G_BEGIN_DECLS

/* Exit statuses: the health command maps states onto 0/1/2; every error is 2. */
#define SN_CTL_EXIT_OK       0
#define SN_CTL_EXIT_DEGRADED 1
#define SN_CTL_EXIT_FAILURE  2
/* Runbook runs: 1 failed and every revert worked, 3 refused before anything ran. */
#define SN_CTL_EXIT_FAILED_REVERTED 1
#define SN_CTL_EXIT_REFUSED         3

/* What the global options set, handed to every command. */
typedef struct _SnCtl
{
  char *profile_name;   /* --profile, or NULL */
} SnCtl;

/**
 * SnCtlCommandFunc:
 * @ctl: the global options
 * @argc: the count of @argv
 * @argv: (array length=argc): the command's arguments, argv[0] being
 *   "narcisse-ctl COMMAND"
 *
 * Returns: the exit status
 */
typedef int (*SnCtlCommandFunc) (SnCtl  *ctl,
                                 int     argc,
                                 char  **argv);

typedef struct _SnCtlCommand
{
  const char       *name;
  const char       *summary;   /* N_() */
  SnCtlCommandFunc  run;
} SnCtlCommand;

/* One entry each in narcisse-ctl.c's command table. */
int        sn_ctl_profiles              (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_health                (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_runbook               (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_backup                (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_restore               (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_restore_test          (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_deploy                (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_release               (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_incident              (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_report                (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_sql                   (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
/* sn-ctl-host.c */
int        sn_ctl_containers            (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_logs                  (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_disk                  (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_activity              (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_trust_host            (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
/* The profile's connection, up (sn-ctl-host.c); NULL after printing why not. */
SnConnection *
           sn_ctl_open_host             (SnCtl          *ctl,
                                         SnProfile     **out_profile);

/* sn-ctl-secret.c */
int        sn_ctl_secret                (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
/* sn-ctl-env.c */
int        sn_ctl_env                   (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);

/* sn-ctl-maintenance*.c */
int        sn_ctl_maintenance           (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_maintenance_disk      (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_maintenance_volume_rm (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_maintenance_audit     (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);
int        sn_ctl_maintenance_jobs      (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);

/* sn-ctl-scaling.c */
int        sn_ctl_scaling               (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);

/* sn-ctl-cache.c */
int        sn_ctl_cache                 (SnCtl          *ctl,
                                         int             argc,
                                         char          **argv);

/* sn-ctl-runbook.c: the one driver of every command that runs a runbook. */
typedef struct _SnCtlRunOptions
{
  const char      *confirm;        /* --confirm NAME as typed, or NULL: never filled in */
  const char      *reason;         /* --reason TEXT, or NULL */
  const char      *warning;        /* said before the questions, or NULL */
  const char      *backup_source;  /* the backup a restore restores, for its gate */
  SnSshSession    *session;        /* NULL: one is made */
  SnBackupService *backups;        /* NULL: one is made when the runbook is gated on a backup */
  gboolean         yes;            /* --yes: do not ask (never types the name) */
  gboolean         dry_run;
  gboolean         quiet;          /* the caller prints the plan, steps and verdict */
} SnCtlRunOptions;

/* The catalog, saying which files were left out; a built-in runbook by id
 * (a user file is never run in its place), or NULL, saying why. */
SnRunbookCatalog *
           sn_ctl_load_runbooks         (void);
SnRunbook *sn_ctl_lookup_builtin_runbook (SnRunbookCatalog      *catalog,
                                         const char             *id);
int        sn_ctl_run_runbook           (SnRunbook              *runbook,
                                         SnProfile              *profile,
                                         GHashTable             *params,
                                         const SnCtlRunOptions  *options,
                                         SnRunner              **out_runner);

/* A command with subcommands ("runbook list|show|run") dispatches through a table. */
typedef struct _SnCtlSubcommand
{
  const char       *name;
  SnCtlCommandFunc  run;
} SnCtlSubcommand;

/* sn-ctl-util.c */
const SnCtlSubcommand *
           sn_ctl_lookup_subcommand     (const char            *command,
                                         const char            *usage,
                                         const SnCtlSubcommand *subcommands,
                                         guint                  n_subcommands,
                                         int                    argc,
                                         char                 **argv,
                                         int                   *exit_status);
int        sn_ctl_run_subcommand        (SnCtl                 *ctl,
                                         const char            *command,
                                         const char            *usage,
                                         const SnCtlSubcommand *subcommands,
                                         guint                  n_subcommands,
                                         int                    argc,
                                         char                 **argv);
void       sn_ctl_printerr              (const char     *format,
                                         ...) G_GNUC_PRINTF (1, 2);
void       sn_ctl_print_error           (const GError   *error);
int        sn_ctl_usage_error           (const char     *command,
                                         const char     *message);
GOptionContext *
           sn_ctl_option_context_new    (const char     *command,
                                         const char     *parameter_string,
                                         const char     *summary,
                                         const GOptionEntry *entries);
gboolean   sn_ctl_parse_options         (GOptionContext *context,
                                         const char     *command,
                                         int            *argc,
                                         char         ***argv,
                                         int            *exit_status);
SnProfileStore *
           sn_ctl_load_profile_store    (gboolean        strict,
                                         GError        **error);
SnProfile *sn_ctl_resolve_profile       (SnCtl          *ctl,
                                         SnProfileStore *store,
                                         GError        **error);
SnProfile *sn_ctl_open_profile          (SnCtl          *ctl);
guint      sn_ctl_cancel_on_interrupt   (GCancellable   *cancellable);
gboolean   sn_ctl_no_arguments          (const char     *command,
                                         int             argc,
                                         char          **argv,
                                         int            *exit_status);
const char *sn_ctl_safety_level_nick    (SnSafetyLevel   level);
void       sn_ctl_print_padded          (const char     *text,
                                         guint           width);
guint      sn_ctl_text_width            (const char     *text);
void       sn_ctl_print_json            (JsonNode       *node);

/* narcisse-ctl sql's output, written as rows arrive (sn-ctl-sql-output.c) */
typedef enum
{
  SN_CTL_FORMAT_TABLE,
  SN_CTL_FORMAT_CSV,
  SN_CTL_FORMAT_JSON,
} SnCtlFormat;

typedef struct _SnCtlRowWriter SnCtlRowWriter;

SnCtlRowWriter *sn_ctl_row_writer_new      (SnCtlFormat     format);
void            sn_ctl_row_writer_add_rows (SnCtlRowWriter *self,
                                            SnQueryResult  *result,
                                            guint           first,
                                            guint           n);
void            sn_ctl_row_writer_finish   (SnCtlRowWriter *self,
                                            SnQueryResult  *result,
                                            gboolean        complete);
void            sn_ctl_row_writer_free     (SnCtlRowWriter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnCtlRowWriter, sn_ctl_row_writer_free)

G_END_DECLS
