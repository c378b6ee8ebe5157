/* sn-test-stack.h: start the local stack of real servers for one test binary
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-core.h"

G_BEGIN_DECLS

/*
 * sn_test_stack_up() runs `tests/stack/stack up` (path from $SN_STACK_SCRIPT)
 * in a fresh temp dir, with HOME, XDG_CONFIG_HOME and XDG_DATA_HOME pointed
 * into it, so the demo profile lands in a private profile store. It parses
 * $SN_STACK_DIR/stack.env and registers an atexit handler running `stack down`
 * (also on a failed assertion). Calling it twice returns the same stack.
 */
void        sn_test_stack_up        (void);
const char *sn_test_stack_get       (const char *key);       /* a stack.env value, asserts it exists */
guint       sn_test_stack_get_port  (const char *key);
const char *sn_test_stack_dir       (void);
void        sn_test_stack_stop      (const char *service);   /* postgres | redis | sshd | app */
void        sn_test_stack_start     (const char *service);
SnProfile  *sn_test_stack_profile   (void);                  /* the registered "demo" profile */
/* The stack's ready read-only profile ("demo-ro": the read-only role, the tunnel-only
 * SSH key), copied into the profile store on first use. */
SnProfile  *sn_test_stack_ro_profile (void);
/* Run a shell command, assert it exits 0, return its stdout. */
char       *sn_test_run             (const char *command_line);
/* One SQL command through psql on the stack's database, as the app's role;
 * its output (unaligned, tuples only), stripped. Fails the test on an error. */
char       *sn_test_psql            (const char *sql);
/* "Table=count:md5" of every row, a line for each of @tables (NULL-terminated),
 * ordered by id: equal fingerprints, equal data. */
char       *sn_test_tables_fingerprint (const char * const *tables);
/* Spin the default main context until @cond is TRUE or @timeout_ms passes. */
gboolean    sn_test_wait_until      (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms);

/* How long a test waits for one async call unless it says otherwise. */
#define SN_TEST_WAIT_MS (120 * 1000)

/* A GAsyncReadyCallback that keeps a reference to the result in the
 * GAsyncResult * its user data points at. */
void        sn_test_store_result_cb (GObject *object, GAsyncResult *result, gpointer slot);
/* Spin the default main context until *@slot is set (sn_test_store_result_cb)
 * and return it; after @timeout_ms, fail the test saying so. */
GAsyncResult *sn_test_wait_for_result (GAsyncResult **slot, guint timeout_ms);

G_END_DECLS
