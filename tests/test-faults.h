/* test-faults.h: what the cases of the fault matrix share (tests/test-faults*.c)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-backup-service.h"
#include "sn-core.h"
#include "sn-runbook-catalog.h"
#include "sn-runner.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

extern SnProfile        *fault_profile;
extern SnSshSession     *fault_session;
extern SnBackupService  *fault_service;
extern SnRunbookCatalog *fault_catalog;

/* A row of the printed table (g_test_message too). */
void      fault_record         (const char *fault,
                                const char *operation,
                                const char *error,
                                const char *leftovers,
                                const char *state,
                                const char *audit);
/* Records the row, then asserts: @error is a clear sentence naming @needle,
 * @left is "none", @state "as before" or "reverted…", @audit not NULL. */
void      fault_conclude       (const char *fault,
                                const char *operation,
                                const char *error,
                                const char *needle,
                                const char *left,
                                const char *state,
                                const char *audit);

/* The production state: data (rows, roles, databases), the app's process,
 * the host's authorized_keys. */
typedef struct
{
  char *data;
  char *app_pid;
  char *authorized_keys;
} FaultSnapshot;

void      fault_snapshot_take    (FaultSnapshot *snap);
void      fault_snapshot_clear   (FaultSnapshot *snap);
/* "as before", "reverted (app restarted)" (if @app_may_restart), or what differs. */
char     *fault_snapshot_compare (FaultSnapshot *before,
                                  gboolean       app_may_restart);

/* Half-written files here, on the host, in the bucket and in @extra
 * (nullable), once the host is done: "none" or the list. */
char     *fault_wait_no_leftovers (const char *extra);

typedef enum
{
  FAULT_AUDIT_FAILED,    /* a line whose exit status is not 0 */
  FAULT_AUDIT_ANY,
} FaultAuditWant;

goffset   fault_audit_mark     (void);
/* The first line since @mark whose command holds @needle, as "action (exit N)". */
char     *fault_audit_find     (goffset         mark,
                                const char     *needle,
                                FaultAuditWant  want);
guint     fault_count_dumps    (const char *path);
SnBackup *fault_make_backup    (const char *label);

/* test-faults-corrupt.c: restore and restore test refuse a corrupt dump. */
void      fault_add_corrupt_tests (void);
/* test-faults-cancel.c: one case per step of every built-in runbook. */
void      fault_add_cancel_tests (void);

G_END_DECLS
