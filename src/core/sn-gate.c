/* sn-gate.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-gate"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sn-gate.h"
#include "sn-runner.h"

static const SnGateInfo gates[] = {
  { SN_GATE_REASON,          "reason",          N_("Reason") },
  { SN_GATE_TYPED_NAME,      "typed-name",      N_("Typed profile name") },
  { SN_GATE_BACKUP_VERIFIED, "backup-verified", N_("Verified backup") },
};

const SnGateInfo *
sn_gate_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (gates); i++)
    if (g_strcmp0 (gates[i].id, id) == 0)
      return &gates[i];
  return NULL;
}

const SnGateInfo *
sn_gate_from_flag (SnGateFlags flag)
{
  for (guint i = 0; i < G_N_ELEMENTS (gates); i++)
    if (gates[i].flag == flag)
      return &gates[i];
  return NULL;
}

const SnGateInfo * const *
sn_gate_list (void)
{
  static const SnGateInfo *list[G_N_ELEMENTS (gates) + 1];

  if (list[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (gates); i++)
      list[i] = &gates[i];
  return list;
}

/**
 * sn_gate_dup_prompt:
 *
 * Returns: (transfer full): the question for the person, or %NULL for a gate
 *   the person does not answer (the verified backup is checked, not asked)
 */
char *
sn_gate_dup_prompt (SnGateFlags  flag,
                    SnProfile   *profile,
                    SnRunbook   *runbook)
{
  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);

  switch (flag)
    {
    case SN_GATE_TYPED_NAME:
      return g_strdup_printf (_("This is PRODUCTION. Type the profile name “%s” to run “%s”:"),
                              sn_profile_get_name (profile),
                              runbook != NULL ? sn_runbook_get_title (runbook) : "");
    case SN_GATE_REASON:
      return g_strdup_printf (_("Why are you running this? At least %d characters; it goes to "
                                "the audit log and the report:"), SN_GATE_REASON_MIN_CHARS);
    case SN_GATE_BACKUP_VERIFIED:
    case SN_GATE_NONE:
    default:
      return NULL;
    }
}

gboolean
sn_gate_check_answer (SnGateFlags   flag,
                      SnProfile    *profile,
                      const char   *answer,
                      GError      **error)
{
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);

  switch (flag)
    {
    case SN_GATE_TYPED_NAME:
      /* Exactly what the person typed: never filled in from the profile. */
      if (g_strcmp0 (answer, sn_profile_get_name (profile)) == 0)
        return TRUE;
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("“%s” is a production profile: type its name “%s” to confirm."),
                   sn_profile_get_name (profile), sn_profile_get_name (profile));
      return FALSE;

    case SN_GATE_REASON:
      {
        g_autofree char *reason = g_strstrip (g_strdup (answer != NULL ? answer : ""));

        if (g_utf8_strlen (reason, -1) >= SN_GATE_REASON_MIN_CHARS)
          return TRUE;
        g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                     _("A reason is required for this run (at least %d characters). It goes "
                       "into the audit log and the report."), SN_GATE_REASON_MIN_CHARS);
        return FALSE;
      }

    case SN_GATE_BACKUP_VERIFIED:
    case SN_GATE_NONE:
    default:
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("This gate is checked by the app, not answered."));
      return FALSE;
    }
}
