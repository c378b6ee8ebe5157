/* sn-runner-gates.c: the profile's level, the input gates and the backup gate
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-runner"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>

#include "sn-action-private.h"
#include "sn-audit-log.h"
#include "sn-core-enums.h"
#include "sn-gate.h"
#include "sn-runner-private.h"

/* Gates ---------------------------------------------------------------- */

/**
 * sn_runner_get_required_gates:
 *
 * Which gates this run needs, from what its steps' actions do (never only
 * from the runbook's own flags): the typed profile name before anything that
 * may destroy on production; the runbook's declared gates when it changes
 * something; a break-glass reason for an admin-level runbook that changes
 * something.
 */
SnGateFlags
sn_runner_get_required_gates (SnRunner *self)
{
  SnGateFlags gates = SN_GATE_NONE;
  SnRisk risk;

  g_return_val_if_fail (SN_IS_RUNNER (self), SN_GATE_NONE);

  risk = sn_runbook_get_risk (self->runbook);
  if (risk == SN_RISK_READ)
    return SN_GATE_NONE;

  gates = sn_runbook_get_gates (self->runbook);

  if (risk == SN_RISK_DESTROY && sn_profile_get_production (self->profile))
    gates |= SN_GATE_TYPED_NAME;

  if (sn_runbook_get_required_level (self->runbook) == SN_SAFETY_LEVEL_ADMIN)
    gates |= SN_GATE_REASON;

  return gates;
}

const char *
_sn_runner_level_name (SnSafetyLevel level)
{
  switch (level)
    {
    case SN_SAFETY_LEVEL_READ_ONLY:
      return _("read-only");
    case SN_SAFETY_LEVEL_OPERATOR:
      return _("operator");
    case SN_SAFETY_LEVEL_ADMIN:
    default:
      return _("admin");
    }
}

/**
 * sn_runbook_check_profile:
 *
 * The profile's level against what @runbook needs, in core: a runbook or
 * step above the profile's level is refused, whether it is destructive or
 * not. There is no way around it but a profile of that level.
 */
gboolean
sn_runbook_check_profile (SnRunbook  *runbook,
                          SnProfile  *profile,
                          GError    **error)
{
  SnSafetyLevel needed;
  SnSafetyLevel have;

  g_return_val_if_fail (SN_IS_RUNBOOK (runbook), FALSE);
  g_return_val_if_fail (SN_IS_PROFILE (profile), FALSE);

  needed = sn_runbook_get_required_level (runbook);
  have = sn_profile_get_safety_level (profile);
  if (needed <= have)
    return TRUE;

  if (have == SN_SAFETY_LEVEL_READ_ONLY)
    g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED,
                 _("The profile “%s” is read-only: it cannot run “%s”, which changes the "
                   "system and needs an %s profile. Ask an operator, or use an %s profile. "
                   "Nothing was run."),
                 sn_profile_get_name (profile), sn_runbook_get_title (runbook),
                 _sn_runner_level_name (needed), _sn_runner_level_name (needed));
  else
    g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_REFUSED,
                 _("The profile “%s” is %s: “%s” needs an %s profile. Nothing was run."),
                 sn_profile_get_name (profile), _sn_runner_level_name (have),
                 sn_runbook_get_title (runbook), _sn_runner_level_name (needed));
  return FALSE;
}

gboolean
sn_runner_check_level (SnRunner  *self,
                       GError   **error)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), FALSE);

  return sn_runbook_check_profile (self->runbook, self->profile, error);
}

/* The level, and the gates a person answers: checked before anything runs. */
gboolean
_sn_runner_check_input_gates (SnRunner  *self,
                   GError   **error)
{
  SnGateFlags gates;

  if (!sn_runner_check_level (self, error))
    return FALSE;

  gates = sn_runner_get_required_gates (self);

  if ((gates & SN_GATE_TYPED_NAME) != 0 &&
      !sn_gate_check_answer (SN_GATE_TYPED_NAME, self->profile, self->typed_name, error))
    return FALSE;

  if ((gates & SN_GATE_REASON) != 0 &&
      !sn_gate_check_answer (SN_GATE_REASON, self->profile, self->reason, error))
    return FALSE;

  if ((gates & SN_GATE_BACKUP_VERIFIED) != 0 && self->backup_gate == NULL)
    {
      g_set_error (error, SN_RUNNER_ERROR, SN_RUNNER_ERROR_GATE,
                   _("This runbook needs a verified backup made in the last %u minutes, "
                     "and no backup check is available. Make and verify a backup first."),
                   sn_runbook_get_backup_max_age_minutes (self->runbook));
      return FALSE;
    }

  return TRUE;
}

/* The verified backup: checked right before the first destructive step, so
 * the read-only steps before it (a safety backup, say) can provide it. */
gboolean
_sn_runner_check_backup_gate (SnRunner      *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autofree char *evidence = NULL;

  if ((sn_runner_get_required_gates (self) & SN_GATE_BACKUP_VERIFIED) == 0)
    return TRUE;

  if (!self->backup_gate (self, self->profile,
                          sn_runbook_get_backup_max_age_minutes (self->runbook),
                          &evidence, cancellable, error))
    return FALSE;

  _sn_runner_set_string (self, &self->gate_evidence, evidence);
  return TRUE;
}

/**
 * sn_runner_check_gates:
 *
 * Every gate, as things stand now. During a run the verified-backup gate is
 * checked right before the first destructive step instead.
 */
gboolean
sn_runner_check_gates (SnRunner      *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (SN_IS_RUNNER (self), FALSE);

  return _sn_runner_check_input_gates (self, error) &&
         (sn_runbook_get_risk (self->runbook) == SN_RISK_READ ||
          _sn_runner_check_backup_gate (self, cancellable, error));
}
