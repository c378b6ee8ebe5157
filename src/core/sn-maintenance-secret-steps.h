/* sn-maintenance-secret-steps.h: the critical secrets rotated by hand, and how
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * SnSecretSteps:
 * @name: the variable of the env file
 * @also: (nullable): the variables that change with it, " "-separated
 * @automated: %TRUE for NEXTAUTH_SECRET, which the rotation wizard does
 * @why: (translatable): why no automation is safe (or what does it)
 * @steps: (translatable): the manual steps, one a line: provider, file, recreate, verify;
 *   "{recreate}" stands for the recreate command (sn_maintenance_secret_steps_dup_text())
 *
 * The strings are N_(): translate them with _() when shown.
 */
typedef struct
{
  const char *name;
  const char *also;
  gboolean    automated;
  const char *why;
  const char *steps;
} SnSecretSteps;

const SnSecretSteps *sn_maintenance_secret_steps        (guint      *n_steps);
const SnSecretSteps *sn_maintenance_secret_steps_lookup (const char *variable);

char                *sn_maintenance_secret_steps_dup_text (const SnSecretSteps *entry);

G_END_DECLS
