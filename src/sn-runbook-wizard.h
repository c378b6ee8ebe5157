/* sn-runbook-wizard.h: the one wizard that runs any runbook
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-runbook.h"
#include "sn-runner.h"

G_BEGIN_DECLS

#define SN_TYPE_RUNBOOK_WIZARD (sn_runbook_wizard_get_type ())

G_DECLARE_FINAL_TYPE (SnRunbookWizard, sn_runbook_wizard, SN, RUNBOOK_WIZARD, AdwWindow)

SnRunbookWizard *sn_runbook_wizard_new               (GtkWindow       *parent,
                                                      SnRunbook       *runbook,
                                                      SnProfile       *profile);
SnRunbook       *sn_runbook_wizard_get_runbook       (SnRunbookWizard *self);
SnProfile       *sn_runbook_wizard_get_profile       (SnRunbookWizard *self);
/* The runner of the current attempt, once the parameters are in (nullable). */
SnRunner        *sn_runbook_wizard_get_runner        (SnRunbookWizard *self);
/* "params", "plan", "gates", "run" or "result". */
const char      *sn_runbook_wizard_get_page          (SnRunbookWizard *self);
SnRunOutcome     sn_runbook_wizard_get_outcome       (SnRunbookWizard *self);
/* The check behind the backup-verified gate; without one the gate blocks. */
void             sn_runbook_wizard_set_backup_check  (SnRunbookWizard *self,
                                                      SnGateFunc       func);
/* Fills in parameter @id on the parameters page (e.g. the backup to restore,
 * chosen in the Database view); FALSE when the runbook has no such one. */
gboolean         sn_runbook_wizard_set_param         (SnRunbookWizard *self,
                                                      const char      *id,
                                                      const char      *value);
/* The value of parameter @id as the parameters page holds it now, or NULL. */
char            *sn_runbook_wizard_dup_param         (SnRunbookWizard *self,
                                                      const char      *id);

/* private: shared with sn-runbooks-window.c */
void             _sn_runbooks_load_css               (GtkWidget       *widget);

G_END_DECLS
