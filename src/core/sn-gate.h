/* sn-gate.h: the gates a risky run passes, in one registry for the wizard and the CLI
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-profile.h"
#include "sn-runbook.h"

G_BEGIN_DECLS

/**
 * SnGateInfo:
 * @flag: the gate's flag in #SnGateFlags
 * @id: its name in runbook files ("backup-verified", "typed-name", "reason")
 * @title: a short translatable title ("Verified backup")
 *
 * The runner decides which gates a run needs (sn_runner_get_required_gates())
 * and checks them in core; the wizard and `narcisse-ctl` ask the person with
 * the prompts given here and check answers with sn_gate_check_answer(), so the
 * rule is written once.
 */
typedef struct
{
  SnGateFlags  flag;
  const char  *id;
  const char  *title;
} SnGateInfo;

/* The shortest break-glass reason accepted, in characters. */
#define SN_GATE_REASON_MIN_CHARS 10

const SnGateInfo *sn_gate_lookup          (const char   *id);
const SnGateInfo *sn_gate_from_flag       (SnGateFlags   flag);
/* Every gate, in the order a person answers them; NULL-terminated. */
const SnGateInfo * const *sn_gate_list    (void);
/* What to ask the person for @flag on @profile ("Type the profile name “prod”"). */
char             *sn_gate_dup_prompt      (SnGateFlags   flag,
                                           SnProfile    *profile,
                                           SnRunbook    *runbook);
/* Whether @answer satisfies the person-answered gate @flag (typed name or
 * reason); with the error a person can act on when it does not. */
gboolean          sn_gate_check_answer    (SnGateFlags   flag,
                                           SnProfile    *profile,
                                           const char   *answer,
                                           GError      **error);

G_END_DECLS
