/* sn-maintenance-secret-steps.c: the critical secrets rotated by hand, and how
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runbook §6 and annex A, target-system.md §6: only NEXTAUTH_SECRET is made
 * here and nowhere else, so only it is rotated by the app. Every other
 * critical secret is issued by someone else (Stripe, the mail provider) or
 * lives on both sides of a connection (the database's role, MinIO's keys,
 * this console's profiles): changing the env file alone would break the
 * site, so these are documented steps for a person, in order.
 */

#define G_LOG_DOMAIN "sn-maintenance"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-host-command.h"
#include "sn-maintenance-secret-steps.h"

static const SnSecretSteps steps[] = {
  { "NEXTAUTH_SECRET", "AUTH_SECRET", TRUE,
    N_("Made here and nowhere else: the rotation wizard (narcisse-ctl secret rotate) generates it, backs the env "
       "file up, writes it atomically, recreates the app and checks the running app uses it."),
    N_("1. Maintenance → Login secret → Rotate…, or narcisse-ctl secret rotate --yes.\n"
       "2. Everyone is logged out and e-mailed cancel links and QR codes stop working: warn the team first.") },
  { "POSTGRES_PASSWORD", "DATABASE_URL", FALSE,
    N_("The password lives inside the database: PostgreSQL reads POSTGRES_PASSWORD only when its volume is "
       "empty, and compose builds DATABASE_URL from it. Changing the file alone locks the app out of its "
       "database; the role’s password must change first, in the database, and the deploy workflow’s "
       "DB_PASSWORD too."),
    N_("1. Make a verified backup (Backups → Make Backup, or narcisse-ctl backup create).\n"
       "2. On the host, change the role’s password without putting it in the shell history: "
       "docker exec -it sweetnarcisse-db psql -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -c '\\password'\n"
       "3. Put the same value in POSTGRES_PASSWORD in <deploy path>/.env.production.local (keep mode 600; "
       "URL-encode it if DATABASE_URL is also written out in the file).\n"
       "4. GitHub → Settings → Secrets and variables → Actions: update DB_PASSWORD (the deploy’s migration "
       "fallback uses it).\n"
       "5. {recreate} (recreate: a restart keeps "
       "the old value).\n"
       "6. Verify: narcisse-ctl health shows the database up, and narcisse-ctl env check.") },
  { "STRIPE_SECRET_KEY", NULL, FALSE,
    N_("Issued by Stripe: only Stripe’s dashboard can roll it, and the old key keeps working until the "
       "expiry you choose there, so the switch is yours to time."),
    N_("1. Stripe Dashboard → Developers → API keys → Secret key → Roll key; choose when the old key expires "
       "(e.g. in 1 hour).\n"
       "2. Put the new sk_live_… in STRIPE_SECRET_KEY in <deploy path>/.env.production.local (mode 600).\n"
       "3. {recreate}\n"
       "4. Verify: narcisse-ctl env check; Stripe Dashboard → Developers → Logs shows the app’s requests "
       "succeeding after the recreate, before the old key expires.") },
  { "STRIPE_WEBHOOK_SECRET", NULL, FALSE,
    N_("Issued by Stripe for the webhook endpoint; Stripe signs with the new secret as soon as it is "
       "rolled, so the app must get it within the overlap Stripe gives."),
    N_("1. Stripe Dashboard → Developers → Webhooks → the site’s endpoint → Roll secret (keep the old one "
       "valid for a few hours).\n"
       "2. Put the new whsec_… in STRIPE_WEBHOOK_SECRET in <deploy path>/.env.production.local.\n"
       "3. {recreate}\n"
       "4. Verify: Send test webhook from the endpoint’s page answers 2xx; no paid booking stays "
       "pending.") },
  { "SMTP_PASS", "SMTP_USER", FALSE,
    N_("Issued by the mail provider; the old password usually stops at once when a new one is made, so "
       "every e-mail fails until the app is recreated with the new one."),
    N_("1. At the mail provider (its SMTP or API keys page): create a new SMTP password or key for SMTP_USER.\n"
       "2. Put it in SMTP_PASS (and SMTP_USER if it changed) in <deploy path>/.env.production.local.\n"
       "3. {recreate}\n"
       "4. Verify: send a test e-mail (a password reset to yourself) and check "
       "the app’s logs (Logs panel) for SMTP errors; then revoke the old "
       "password at the provider.") },
  { "STORAGE_SECRET_KEY", "STORAGE_ACCESS_KEY MINIO_ROOT_PASSWORD", FALSE,
    N_("A key pair that must exist in MinIO and in the app at the same time: removing the old key first "
       "breaks every upload and document; MINIO_ROOT_PASSWORD changes only by recreating MinIO."),
    N_("1. MinIO console (127.0.0.1:9001 over an SSH tunnel) → Access Keys → Create access key with the "
       "same policy as the app’s current one.\n"
       "2. Put the pair in STORAGE_ACCESS_KEY and STORAGE_SECRET_KEY in <deploy path>/.env.production.local.\n"
       "3. {recreate}\n"
       "4. Verify: open and upload a document in the site’s admin; narcisse-ctl health shows storage up.\n"
       "5. Then delete the old access key in the MinIO console.") },
  { "MONITORING_API_KEY", NULL, FALSE,
    N_("Shared with this console: every profile of Narcisse Admin holds the same key, so changing it on the "
       "server alone refuses the detailed health check and the metrics to every operator."),
    N_("1. Make a new key on your computer: openssl rand -base64 36\n"
       "2. Put it in MONITORING_API_KEY in <deploy path>/.env.production.local.\n"
       "3. {recreate}\n"
       "4. In Narcisse Admin, Profiles → each profile of this server → Monitoring API Key: the new key; tell "
       "the other operators.\n"
       "5. Verify: narcisse-ctl health shows the detailed probes (not the public form).") },
};

/**
 * sn_maintenance_secret_steps:
 * @n_steps: (out): how many
 *
 * Returns: (transfer none) (array length=n_steps): every critical secret
 */
const SnSecretSteps *
sn_maintenance_secret_steps (guint *n_steps)
{
  g_return_val_if_fail (n_steps != NULL, NULL);

  *n_steps = G_N_ELEMENTS (steps);
  return steps;
}

/**
 * sn_maintenance_secret_steps_lookup:
 * @variable: e.g. "DATABASE_URL"
 *
 * Returns: (transfer none) (nullable): the entry for @variable, as its name or
 *   among the variables that change with it
 */
const SnSecretSteps *
sn_maintenance_secret_steps_lookup (const char *variable)
{
  g_return_val_if_fail (variable != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_auto(GStrv) also = g_strsplit (steps[i].also != NULL ? steps[i].also : "", " ", -1);

      if (g_str_equal (steps[i].name, variable) || g_strv_contains ((const char * const *) also, variable))
        return &steps[i];
    }
  return NULL;
}

/**
 * sn_maintenance_secret_steps_dup_text:
 * @entry: an entry of sn_maintenance_secret_steps()
 *
 * The steps, translated, with the recreate command as SnHost builds it.
 *
 * Returns: (transfer full): the steps, one a line
 */
char *
sn_maintenance_secret_steps_dup_text (const SnSecretSteps *entry)
{
  static const char * const up[] = { "up", "-d", "app", NULL };
  g_autofree char *compose = NULL;
  g_autofree char *recreate = NULL;
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (entry != NULL, NULL);

  compose = sn_host_command_compose_words (up);
  recreate = g_strdup_printf ("cd <deploy path> && %s", compose);
  parts = g_strsplit (_(entry->steps), "{recreate}", -1);
  return g_strjoinv (recreate, parts);
}
