/* sn-ctl-backup.c: narcisse-ctl backup create|list|verify|download|upload,
 *                  restore --from FILE, restore-test
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include <unistd.h>

#include <glib-unix.h>

#include "sn-backup-service.h"
#include "sn-ctl.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"

typedef struct
{
  SnProfile       *profile;
  SnSshSession    *session;
  SnBackupService *service;
  GCancellable    *cancellable;
  SnAwait          await;       /* for the one async call of the command */
  guint            sigint;
  gboolean         show_progress;
} Ctx;

static void
ctx_clear (Ctx *ctx)
{
  if (ctx->sigint != 0)
    g_source_remove (ctx->sigint);
  g_clear_object (&ctx->service);
  g_clear_object (&ctx->session);
  g_clear_object (&ctx->profile);
  g_clear_object (&ctx->cancellable);
  sn_await_clear (&ctx->await);
}

static void
on_progress (SnBackupService *service,
             const char      *operation,
             guint64          done,
             guint64          total,
             double           rate,
             gint64           eta,
             gpointer         user_data)
{
  g_autofree char *done_text = sn_format_size (done);
  g_autofree char *rate_text = sn_format_size ((guint64)rate);

  if (eta >= 0)
    g_printerr ("\r%s: %s, %s/s, %" G_GINT64_FORMAT " s left   ", operation, done_text, rate_text, eta);
  else
    g_printerr ("\r%s: %s, %s/s   ", operation, done_text, rate_text);
  if (total > 0 && done >= total)
    g_printerr ("\n");
}

static gboolean
ctx_init (Ctx     *ctx,
          SnCtl   *ctl)
{
  ctx->cancellable = g_cancellable_new ();
  if (!(ctx->profile = sn_ctl_open_profile (ctl)))
    return FALSE;

  ctx->session = sn_ssh_session_new (ctx->profile, sn_secret_store_get_default ());
  ctx->service = sn_backup_service_new (ctx->profile, ctx->session);
  ctx->sigint = sn_ctl_cancel_on_interrupt (ctx->cancellable);
  if (isatty (STDERR_FILENO))
    g_signal_connect (ctx->service, "progress", G_CALLBACK (on_progress), ctx);
  return TRUE;
}

static void
print_backup (SnBackup *backup)
{
  g_autofree char *size = sn_format_size (sn_backup_get_size (backup));
  g_autofree char *created = sn_backup_get_created (backup) != NULL
                             ? g_date_time_format (sn_backup_get_created (backup), "%Y-%m-%d %H:%M UTC")
                             : g_strdup ("?");
  const char *state;

  switch (sn_backup_get_state (backup))
    {
    case SN_BACKUP_STATE_VERIFIED: state = _("verified"); break;
    case SN_BACKUP_STATE_FAILED: state = _("FAILED"); break;
    case SN_BACKUP_STATE_UNVERIFIED:
    default: state = _("not verified"); break;
    }

  g_print ("%-40s  %s  %9s  %-12s  %s%s%s\n", sn_backup_get_name (backup), created, size,
           sn_backup_get_location (backup) == SN_BACKUP_LOCATION_LOCAL ? state : _("remote"),
           sn_backup_get_has_manifest (backup) ? _("manifest") : _("no manifest"),
           sn_backup_get_state_message (backup) != NULL ? ": " : "",
           sn_backup_get_state_message (backup) != NULL ? sn_backup_get_state_message (backup) : "");
}

/* backup ... ------------------------------------------------------------ */

static int
backup_create (Ctx    *ctx,
               int     argc,
               char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  gboolean upload = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "upload", 'u', 0, G_OPTION_ARG_NONE, &upload, N_("Copy it to the bucket too"), NULL },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_("manual (default) or safety"), N_("LABEL") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("backup create", NULL,
                                       _("Dump the database inside the db container, download and verify it."),
                                       entries);
  if (!sn_ctl_parse_options (context, "backup create", &argc, &argv, &status))
    return status;

  sn_backup_service_create_async (ctx->service, label != NULL ? label : "manual",
                                  upload ? SN_BACKUP_CREATE_UPLOAD : SN_BACKUP_CREATE_NONE,
                                  ctx->cancellable, sn_await_callback, &ctx->await);
  if (!(backup = sn_backup_service_create_finish (ctx->service, sn_await_result (&ctx->await), &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  g_print ("%s\n", sn_backup_get_path (backup));
  g_print (_("%llu bytes, sha256 %s, verified%s\n"), (unsigned long long) sn_backup_get_size (backup),
           sn_backup_get_sha256 (backup), upload ? _(", uploaded") : "");
  return SN_CTL_EXIT_OK;
}

static int
backup_list (Ctx    *ctx,
             int     argc,
             char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean remote = FALSE;
  GListModel *model;
  int status;
  const GOptionEntry entries[] = {
    { "remote", 'r', 0, G_OPTION_ARG_NONE, &remote, N_("List the bucket instead"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("backup list", NULL, _("List the backups, newest first."), entries);
  if (!sn_ctl_parse_options (context, "backup list", &argc, &argv, &status))
    return status;

  if (remote)
    {
      sn_backup_service_list_remote_async (ctx->service, ctx->cancellable, sn_await_callback, &ctx->await);
          if (!sn_backup_service_list_remote_finish (ctx->service, sn_await_result (&ctx->await), &error))
        {
          sn_ctl_print_error (error);
          return SN_CTL_EXIT_FAILURE;
        }
      model = sn_backup_service_get_remote_backups (ctx->service);
    }
  else
    {
      if (!sn_backup_service_reload_local (ctx->service, &error))
        {
          sn_ctl_print_error (error);
          return SN_CTL_EXIT_FAILURE;
        }
      model = sn_backup_service_get_local_backups (ctx->service);
    }

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnBackup) backup = g_list_model_get_item (model, i);

      print_backup (backup);
    }
  if (g_list_model_get_n_items (model) == 0)
    g_print ("%s\n", remote ? _("The bucket holds no backup.") : _("No local backup."));

  return SN_CTL_EXIT_OK;
}

static int
backup_verify_or_upload (Ctx        *ctx,
                         const char *command,
                         gboolean    upload,
                         int         argc,
                         char      **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = { { NULL } };

  context = sn_ctl_option_context_new (command, _("FILE"),
                                       upload ? _("Copy a verified backup to the bucket.")
                                              : _("Check a backup: size, checksum against its manifest, "
                                                  "pg_restore inside the db container."),
                                       entries);
  if (!sn_ctl_parse_options (context, command, &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error (command, _("Name one backup file"));

  if (!(backup = sn_backup_service_find_sync (ctx->service, argv[1], ctx->cancellable, &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  if (upload)
    sn_backup_service_upload_async (ctx->service, backup, ctx->cancellable, sn_await_callback, &ctx->await);
  else
    sn_backup_service_verify_async (ctx->service, backup, ctx->cancellable, sn_await_callback, &ctx->await);

  if (upload ? !sn_backup_service_upload_finish (ctx->service, sn_await_result (&ctx->await), &error)
             : !sn_backup_service_verify_finish (ctx->service, sn_await_result (&ctx->await), &error))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  g_print (upload ? _("%s uploaded to %s\n") : _("%s verified (sha256 %s)\n"), sn_backup_get_name (backup),
           upload ? sn_backup_get_remote_path (backup) : sn_backup_get_sha256 (backup));
  return SN_CTL_EXIT_OK;
}

static int
backup_download (Ctx    *ctx,
                 int     argc,
                 char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnBackup) backup = NULL;
  g_autoptr(GError) error = NULL;
  int status;
  const GOptionEntry entries[] = { { NULL } };

  context = sn_ctl_option_context_new ("backup download", _("NAME"),
                                       _("Download a backup from the bucket and verify it."), entries);
  if (!sn_ctl_parse_options (context, "backup download", &argc, &argv, &status))
    return status;
  if (argc != 2)
    return sn_ctl_usage_error ("backup download", _("Name one remote backup"));

  sn_backup_service_download_async (ctx->service, argv[1], ctx->cancellable, sn_await_callback, &ctx->await);
  if (!(backup = sn_backup_service_download_finish (ctx->service, sn_await_result (&ctx->await), &error)))
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  g_print ("%s\n", sn_backup_get_path (backup));
  return SN_CTL_EXIT_OK;
}

int
sn_ctl_backup (SnCtl  *ctl,
               int     argc,
               char  **argv)
{
  /* The names only: each runs with the context made below. */
  static const SnCtlSubcommand subcommands[] = {
    { "create", NULL }, { "list", NULL }, { "verify", NULL }, { "upload", NULL }, { "download", NULL },
  };
  const SnCtlSubcommand *sub;
  Ctx ctx = { NULL };
  int status;

  sub = sn_ctl_lookup_subcommand ("backup",
                                  _("Usage: narcisse-ctl backup create [--upload] | list [--remote] | "
                                    "verify FILE | download NAME | upload FILE"),
                                  subcommands, G_N_ELEMENTS (subcommands), argc, argv, &status);
  if (sub == NULL)
    return status;

  if (!ctx_init (&ctx, ctl))
    {
      ctx_clear (&ctx);
      return SN_CTL_EXIT_FAILURE;
    }

  if (g_str_equal (sub->name, "create"))
    status = backup_create (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "list"))
    status = backup_list (&ctx, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "verify"))
    status = backup_verify_or_upload (&ctx, "backup verify", FALSE, argc - 1, argv + 1);
  else if (g_str_equal (sub->name, "upload"))
    status = backup_verify_or_upload (&ctx, "backup upload", TRUE, argc - 1, argv + 1);
  else
    status = backup_download (&ctx, argc - 1, argv + 1);

  ctx_clear (&ctx);
  return status;
}

/* restore, restore-test: thin calls of the runbook driver ------------------ */

/* @ctx: made with ctx_init(); cleared here */
static int
run_builtin (Ctx             *ctx,
             const char      *id,
             GHashTable      *params,
             SnCtlRunOptions *options)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_ctl_load_runbooks ();
  SnRunbook *runbook;
  int status;

  if (!(runbook = sn_ctl_lookup_builtin_runbook (catalog, id)))
    {
      ctx_clear (ctx);
      return SN_CTL_EXIT_FAILURE;
    }

  /* The driver handles Ctrl-C itself. */
  g_clear_handle_id (&ctx->sigint, g_source_remove);
  options->session = ctx->session;
  options->backups = ctx->service;
  status = sn_ctl_run_runbook (runbook, ctx->profile, params, options, NULL);
  ctx_clear (ctx);
  return status;
}

int
sn_ctl_restore (SnCtl  *ctl,
                int     argc,
                char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *from = NULL;
  g_autofree char *confirm = NULL;
  g_autofree char *warning = NULL;
  SnCtlRunOptions options = { NULL };
  Ctx ctx = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Backup file, or the name of a remote backup"), N_("FILE") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name (needed on production)"), N_("NAME") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("restore", NULL,
                                       _("Replace the database with a backup: verify it, make a safety backup, "
                                         "stop the app, pg_restore, start the app, compare row counts; the "
                                         "safety backup is restored if anything fails. Exit status: 0 "
                                         "restored, 1 failed and reverted, 2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "restore", &argc, &argv, &status))
    return status;
  if (from == NULL)
    return sn_ctl_usage_error ("restore", _("--from FILE is required"));

  /* The same run as "runbook run restore --param backup=FILE". */
  g_hash_table_insert (params, (char *)"backup", from);
  if (!ctx_init (&ctx, ctl))
    {
      ctx_clear (&ctx);
      return SN_CTL_EXIT_FAILURE;
    }
  warning = g_strdup_printf (_("This replaces ALL the data of %s."), sn_profile_get_db_name (ctx.profile));
  options.confirm = confirm;
  options.warning = warning;
  options.backup_source = from;
  return run_builtin (&ctx, "restore", params, &options);
}

int
sn_ctl_restore_test (SnCtl  *ctl,
                     int     argc,
                     char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *from = NULL;
  g_autofree char *confirm = NULL;
  SnCtlRunOptions options = { NULL };
  Ctx ctx = { NULL };
  int status;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Test this backup instead of the newest"), N_("FILE") },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &options.yes, N_("Do not ask (needed without a terminal)"), NULL },
    { "confirm", 0, 0, G_OPTION_ARG_STRING, &confirm, N_("The profile's name (needed on production)"), N_("NAME") },
    { NULL }
  };

  context = sn_ctl_option_context_new ("restore-test", NULL,
                                       _("Restore the newest backup into a temporary database, compare row "
                                         "counts, run the five reports, drop it. Exit status: 0 passed, "
                                         "2 failed, 3 refused."),
                                       entries);
  if (!sn_ctl_parse_options (context, "restore-test", &argc, &argv, &status))
    return status;

  /* The same run as "runbook run restore-test [--param backup=FILE]". */
  if (from != NULL)
    g_hash_table_insert (params, (char *)"backup", from);
  if (!ctx_init (&ctx, ctl))
    {
      ctx_clear (&ctx);
      return SN_CTL_EXIT_FAILURE;
    }
  options.confirm = confirm;
  status = run_builtin (&ctx, "restore-test", params, &options);

  /* A failed test reverts nothing: it failed. */
  return status == SN_CTL_EXIT_FAILED_REVERTED ? SN_CTL_EXIT_FAILURE : status;
}
