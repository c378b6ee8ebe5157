/* sn-backup-commands.c: the commands the backup service runs on the host
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-backup"

#include "config.h"

#include "sn-backup-private.h"
#include "sn-backup-service.h"
#include "sn-host.h"

/*
 * Built here once, from SnHost's builders: the service runs these, and the
 * backup actions describe these, so a plan shows what runs. Every name and
 * profile value is a quoted shell word; the scripts run in the deploy path
 * with D set to the stage folder, where the host keeps its copies.
 */

/* "cd DEPLOY && D=STAGE && " */
char *
_sn_backup_prologue (SnProfile *profile)
{
  return sn_host_command_in_deploy_path (profile, "D=" SN_BACKUP_STAGE_SUBDIR " && ");
}

/* STAGE/NAME, relative to the deploy path. */
char *
_sn_backup_stage_path (const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s", SN_BACKUP_STAGE_SUBDIR, name);

  return sn_host_shell_word (path);
}

/* ALIAS/BUCKET/PREFIX[NAME] for mc. */
char *
_sn_backup_mc_remote (SnBackupService *self,
                      const char      *name)
{
  g_autofree char *target = g_strdup_printf ("%s/%s/%s%s", sn_backup_service_get_mc_alias (self),
                                             sn_backup_service_get_bucket (self),
                                             sn_backup_service_get_prefix (self),
                                             name != NULL ? name : "");

  return sn_host_shell_word (target);
}

/**
 * sn_backup_service_dup_psql_command:
 * @database: (nullable): %NULL for the profile's
 * @read_only: run @sql in a read-only transaction
 *
 * The command the service runs for one psql query (unaligned, `|`
 * separated, no headers), in the deploy path.
 */
char *
sn_backup_service_dup_psql_command (SnProfile  *profile,
                                    const char *database,
                                    gboolean    read_only,
                                    const char *sql)
{
  static const char * const options[] = { "-q", "-A", "-t", "-F", "|", NULL };
  const char *commands[3] = { NULL };
  g_autofree char *prologue = NULL;
  g_autofree char *psql = NULL;
  guint n = 0;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  if (read_only)
    commands[n++] = "SET default_transaction_read_only = on";
  commands[n++] = sql;
  prologue = _sn_backup_prologue (profile);
  psql = sn_host_command_psql_words (profile, NULL, database, options, commands);
  return g_strconcat (prologue, psql, NULL);
}


/* The rc file a dump leaves on the host: pg_dump's exit status. */
char *
_sn_backup_dump_rc_path (const char *name)
{
  g_autofree char *rc = g_strdup_printf ("%s/%s.rc", SN_BACKUP_STAGE_SUBDIR, name);

  return sn_host_shell_word (rc);
}

/**
 * sn_backup_service_dup_dump_command:
 * @name: the backup's file name
 *
 * The command that makes a backup: pg_dump -Fc inside the db container,
 * its bytes kept on the host under the stage folder (tee) while they stream
 * to the app, which writes them to the local backup file.
 */
/*
 * Keeps the @keep newest staged dumps and deletes the others. Names travel
 * NUL-separated from find to rm, so a staged name with blanks, quotes or a
 * newline deletes itself and nothing else (L2).
 */
char *
_sn_backup_dup_prune_command (SnProfile *profile,
                              guint      keep)
{
  g_autofree char *prologue = _sn_backup_prologue (profile);

  return g_strdup_printf ("%sfind \"$D\" -maxdepth 1 -type f -name '*.dump' -printf '%%T@ %%p\\0' "
                          "2>/dev/null | sort -zrn | tail -zn +%u | cut -zd ' ' -f 2- | "
                          "xargs -0r rm -f --",
                          prologue, keep + 1);
}

char *
sn_backup_service_dup_dump_command (SnProfile  *profile,
                                    const char *name)
{
  g_autofree char *prologue = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *part_name = NULL;
  g_autofree char *part = NULL;
  g_autofree char *rc = NULL;
  g_autofree char *user = NULL;
  g_autofree char *dbname = NULL;
  const char *argv[] = { "pg_dump", "-Fc", NULL, NULL, NULL };

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  /* Options with their values attached: a name starting with "-" is never
   * read as another option (L1). */
  user = g_strconcat ("--username=", sn_profile_get_db_user (profile), NULL);
  dbname = g_strconcat ("--dbname=", sn_profile_get_db_name (profile), NULL);
  argv[2] = user;
  argv[3] = dbname;
  prologue = _sn_backup_prologue (profile);
  dump = sn_host_command_db_words (argv);
  part_name = g_strconcat (name, ".part", NULL);
  part = _sn_backup_stage_path (part_name);
  rc = _sn_backup_dump_rc_path (name);
  /* A stream cut short leaves nothing half-written on the host: the host
   * removes its copy itself, since the app may not reach it any more. A
   * dropped connection hangs the command up (SnSshSession); a full disk
   * on the host makes tee fail. */
  return g_strdup_printf ("%ssn_clean() { rm -f %s %s; }; trap 'sn_clean; exit 129' HUP TERM; "
                          "umask 077 && mkdir -p $D && chmod 700 $D && "
                          "find $D -name '*.part' -mmin +360 -delete 2>/dev/null; "
                          "if { %s; echo $? > %s; } | tee %s; then "
                          "exit \"$(cat %s)\"; fi; sn_clean; exit 1",
                          prologue, part, rc, dump, rc, part, rc);
}


/**
 * sn_backup_service_dup_upload_command:
 * @name: the backup's file name, staged on the host with its manifest
 *
 * The command that copies a staged backup and its manifest to the bucket.
 */
char *
sn_backup_service_dup_upload_command (SnBackupService *self,
                                      const char      *name)
{
  g_autofree char *prologue = NULL;
  g_autofree char *manifest_name = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *staged_manifest = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *remote_manifest = NULL;

  g_return_val_if_fail (SN_IS_BACKUP_SERVICE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  prologue = _sn_backup_prologue (sn_backup_service_get_profile (self));
  manifest_name = g_strconcat (name, SN_BACKUP_MANIFEST_SUFFIX, NULL);
  staged = _sn_backup_stage_path (name);
  staged_manifest = _sn_backup_stage_path (manifest_name);
  remote = _sn_backup_mc_remote (self, name);
  remote_manifest = _sn_backup_mc_remote (self, manifest_name);
  return g_strdup_printf ("%smc cp %s %s && mc cp %s %s && rm -f %s",
                          prologue, staged, remote, staged_manifest, remote_manifest, staged_manifest);
}


/**
 * sn_backup_service_dup_restore_command:
 * @name: the backup's file name, staged on the host
 * @database: (nullable): where to restore; %NULL for the profile's
 * @clean: drop the objects first (`--clean --if-exists`): a real restore;
 *   %FALSE for the restore test's new empty database
 *
 * The command that restores: pg_restore in one transaction inside the db
 * container, reading the staged copy on the host.
 */
char *
sn_backup_service_dup_restore_command (SnProfile  *profile,
                                       const char *name,
                                       const char *database,
                                       gboolean    clean)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *prologue = NULL;
  g_autofree char *restore = NULL;
  g_autofree char *staged = NULL;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  g_ptr_array_add (argv, (gpointer)"pg_restore");
  if (clean)
    {
      g_ptr_array_add (argv, (gpointer)"--clean");
      g_ptr_array_add (argv, (gpointer)"--if-exists");
    }
  g_ptr_array_add (argv, (gpointer)"--no-owner");
  g_ptr_array_add (argv, (gpointer)"--no-acl");
  g_ptr_array_add (argv, (gpointer)"--single-transaction");
  g_ptr_array_add (argv, (gpointer)"-U");
  g_ptr_array_add (argv, (gpointer)sn_profile_get_db_user (profile));
  g_ptr_array_add (argv, (gpointer)"-d");
  g_ptr_array_add (argv, (gpointer)(database != NULL ? database : sn_profile_get_db_name (profile)));
  g_ptr_array_add (argv, NULL);

  prologue = _sn_backup_prologue (profile);
  restore = sn_host_command_db_words ((const char * const *)argv->pdata);
  staged = _sn_backup_stage_path (name);
  return g_strdup_printf ("%s%s < %s", prologue, restore, staged);
}


char *
_sn_backup_restore_test_create_sql (const char *temp_db)
{
  return g_strdup_printf ("CREATE DATABASE \"%s\"", temp_db);
}

char *
_sn_backup_restore_test_drop_sql (const char *temp_db)
{
  return g_strdup_printf ("DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", temp_db);
}

/**
 * sn_backup_service_dup_restore_test_commands:
 * @name: the backup tested
 * @temp_db: the temporary database
 *
 * The three commands of a restore test that change the server, in order:
 * CREATE DATABASE @temp_db, pg_restore of @name into it, DROP DATABASE (run
 * whatever happened). Verification, row counts and reports only read.
 *
 * Returns: (transfer full) (array zero-terminated=1): the three commands
 */
char **
sn_backup_service_dup_restore_test_commands (SnProfile  *profile,
                                             const char *name,
                                             const char *temp_db)
{
  g_autofree char *create_sql = NULL;
  g_autofree char *drop_sql = NULL;
  char **commands;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (name != NULL && temp_db != NULL, NULL);

  create_sql = _sn_backup_restore_test_create_sql (temp_db);
  drop_sql = _sn_backup_restore_test_drop_sql (temp_db);
  commands = g_new0 (char *, 4);
  commands[0] = sn_backup_service_dup_psql_command (profile, NULL, FALSE, create_sql);
  commands[1] = sn_backup_service_dup_restore_command (profile, name, temp_db, FALSE);
  commands[2] = sn_backup_service_dup_psql_command (profile, NULL, FALSE, drop_sql);
  return commands;
}
