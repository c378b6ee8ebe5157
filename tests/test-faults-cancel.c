/* test-faults-cancel.c: the fault matrix, cancel at every step of every built-in runbook
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sync point: every action the runbooks use is wrapped, for the length of
 * a case, by a trap that holds the worker until the main loop has handled
 * what came before it, the step's RUNNING notification included. The case
 * cancels the run's GCancellable from that notification, so the cancel
 * always lands while the chosen step is RUNNING, whatever the speed of the
 * machine; then the real action runs and meets it.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "sn-test-stack.h"
#include "test-faults.h"

#define MAX_TRAPS 32

typedef struct
{
  const SnActionInfo *real;
  SnActionInfo        trap;
} Trap;

static Trap traps[MAX_TRAPS];
static guint n_traps;

typedef struct
{
  GMutex   mutex;
  GCond    cond;
  gboolean released;
} Barrier;

static gboolean
release_barrier (gpointer data)
{
  Barrier *barrier = data;

  g_mutex_lock (&barrier->mutex);
  barrier->released = TRUE;
  g_cond_signal (&barrier->cond);
  g_mutex_unlock (&barrier->mutex);
  return G_SOURCE_REMOVE;
}

static gboolean
trap_run (guint             index,
          SnActionContext  *context,
          JsonObject       *args,
          GError          **error)
{
  Barrier barrier = { 0 };

  g_mutex_init (&barrier.mutex);
  g_cond_init (&barrier.cond);
  /* Queued after the step's notifications: released once they are handled. */
  g_main_context_invoke (NULL, release_barrier, &barrier);
  g_mutex_lock (&barrier.mutex);
  while (!barrier.released)
    g_cond_wait (&barrier.cond, &barrier.mutex);
  g_mutex_unlock (&barrier.mutex);
  g_mutex_clear (&barrier.mutex);
  g_cond_clear (&barrier.cond);

  return traps[index].real->run (context, args, error);
}

#define TRAP(n) \
  static gboolean \
  trap_run_##n (SnActionContext *c, JsonObject *a, GError **e) \
  { \
    return trap_run (n, c, a, e); \
  }

TRAP (0) TRAP (1) TRAP (2) TRAP (3) TRAP (4) TRAP (5) TRAP (6) TRAP (7)
TRAP (8) TRAP (9) TRAP (10) TRAP (11) TRAP (12) TRAP (13) TRAP (14) TRAP (15)
TRAP (16) TRAP (17) TRAP (18) TRAP (19) TRAP (20) TRAP (21) TRAP (22) TRAP (23)
TRAP (24) TRAP (25) TRAP (26) TRAP (27) TRAP (28) TRAP (29) TRAP (30) TRAP (31)

static gboolean (* const trap_funcs[MAX_TRAPS]) (SnActionContext *, JsonObject *, GError **) = {
  trap_run_0, trap_run_1, trap_run_2, trap_run_3, trap_run_4, trap_run_5, trap_run_6, trap_run_7,
  trap_run_8, trap_run_9, trap_run_10, trap_run_11, trap_run_12, trap_run_13, trap_run_14, trap_run_15,
  trap_run_16, trap_run_17, trap_run_18, trap_run_19, trap_run_20, trap_run_21, trap_run_22, trap_run_23,
  trap_run_24, trap_run_25, trap_run_26, trap_run_27, trap_run_28, trap_run_29, trap_run_30, trap_run_31,
};

static void
trap_action (const char *name)
{
  const SnActionInfo *real = sn_action_lookup (name);

  g_assert_nonnull (real);
  for (guint i = 0; i < n_traps; i++)
    if (g_str_equal (traps[i].real->name, name))
      return;
  g_assert_cmpuint (n_traps, <, MAX_TRAPS);
  traps[n_traps].real = real;
  traps[n_traps].trap = *real;
  traps[n_traps].trap.run = trap_funcs[n_traps];
  n_traps++;
}

/* Every action a built-in runbook calls, verifies or reverts with. */
static void
collect_actions (void)
{
  const char * const ids[] = { "backup", "restart-app", "restore-test", "restore",
                               "setup-readonly-access", "sev1-checklist", NULL };

  for (guint r = 0; ids[r] != NULL; r++)
    {
      SnRunbook *runbook = sn_runbook_catalog_lookup (fault_catalog, ids[r]);

      g_assert_nonnull (runbook);
      for (guint s = 0; s < sn_runbook_get_n_steps (runbook); s++)
        {
          const SnRunbookStep *step = sn_runbook_get_step (runbook, s);

          trap_action (step->call->action);
          if (step->verify != NULL)
            trap_action (step->verify->action);
          if (step->revert != NULL)
            trap_action (step->revert->action);
        }
    }
}

static void
traps_install (void)
{
  for (guint i = 0; i < n_traps; i++)
    sn_action_register (&traps[i].trap);
}

static void
traps_remove (void)
{
  for (guint i = 0; i < n_traps; i++)
    sn_action_register (traps[i].real);
}

/* One case -------------------------------------------------------------------------- */

typedef struct
{
  char  *runbook;
  guint  step;
  char  *step_id;
} CancelCase;

static void
cancel_case_free (gpointer data)
{
  CancelCase *c = data;

  g_free (c->runbook);
  g_free (c->step_id);
  g_free (c);
}

typedef struct
{
  guint         target;
  GCancellable *cancellable;
  gboolean      landed;
} CancelAt;

static void
on_step_state (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
  SnStepRun *step = SN_STEP_RUN (object);
  CancelAt *at = user_data;

  if (!at->landed && sn_step_run_get_index (step) == at->target &&
      sn_step_run_get_state (step) == SN_STEP_STATE_RUNNING)
    {
      at->landed = TRUE;
      g_cancellable_cancel (at->cancellable);
    }
}

typedef struct
{
  SnRunOutcome outcome;
  GError      *error;
  gboolean     done;
} RunWait;

static void
on_executed (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunWait *wait = user_data;

  wait->outcome = sn_runner_execute_finish (SN_RUNNER (object), result, &wait->error);
  wait->done = TRUE;
}

static gboolean
run_done (gpointer data)
{
  return ((RunWait *)data)->done;
}

/* The runner of @id with what it needs on the stack. */
static SnRunner *
make_runner (const char  *id,
             const char  *backup_path,
             const char  *export_path,
             GHashTable **params_out)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GError) error = NULL;
  SnRunner *runner;

  if (g_str_equal (id, "backup"))
    g_hash_table_insert (params, (gpointer)"upload", g_strdup ("no"));
  else if (g_str_equal (id, "restore"))
    g_hash_table_insert (params, (gpointer)"backup", g_strdup (backup_path));
  else if (g_str_equal (id, "setup-readonly-access"))
    {
      g_autofree char *key_path = g_build_filename (sn_test_stack_dir (), "fault_direction_key", NULL);
      g_autofree char *command = g_strdup_printf ("rm -f '%s' '%s.pub'; ssh-keygen -q -t ed25519 -N '' -C direction "
                                                  "-f '%s' && cat '%s.pub'", key_path, key_path, key_path, key_path);
      g_autofree char *pub = g_strstrip (sn_test_run (command));

      g_hash_table_insert (params, (gpointer)"role", g_strdup ("fault_ro"));
      g_hash_table_insert (params, (gpointer)"password", g_strdup ("Fault-matrix-pass-1"));
      g_hash_table_insert (params, (gpointer)"ssh-public-key", g_steal_pointer (&pub));
      g_hash_table_insert (params, (gpointer)"authorized-keys",
                           g_build_filename (sn_test_stack_dir (), "ssh", "authorized_keys", NULL));
      g_hash_table_insert (params, (gpointer)"profile-name", g_strdup ("fault-direction"));
      g_hash_table_insert (params, (gpointer)"export", g_strdup (export_path));
    }

  runner = sn_runner_new (sn_runbook_catalog_lookup (fault_catalog, id), fault_profile, params, &error);
  g_assert_no_error (error);
  sn_runner_set_service (runner, "ssh", G_OBJECT (fault_session));
  sn_backup_service_setup_runner (fault_service, runner, backup_path);
  sn_runner_set_typed_name (runner, sn_profile_get_name (fault_profile));
  sn_runner_set_reason (runner, "fault matrix: cancel at every step");
  *params_out = params;
  return runner;
}

/* "target cancelled, later skipped", or what went wrong. */
static char *
check_steps (SnRunner *runner,
             guint     target)
{
  GListModel *steps = sn_runner_get_steps (runner);
  g_autoptr(SnStepRun) cancelled = g_list_model_get_item (steps, target);

  if (sn_step_run_get_state (cancelled) != SN_STEP_STATE_CANCELLED &&
      sn_step_run_get_state (cancelled) != SN_STEP_STATE_REVERTED)
    return g_strdup_printf ("STEP %s ENDED IN STATE %d", sn_step_run_get_id (cancelled),
                            sn_step_run_get_state (cancelled));
  for (guint i = target + 1; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) later = g_list_model_get_item (steps, i);

      if (sn_step_run_get_state (later) != SN_STEP_STATE_SKIPPED &&
          sn_step_run_get_state (later) != SN_STEP_STATE_CANCELLED)
        return g_strdup_printf ("STEP %s RAN AFTER THE CANCEL", sn_step_run_get_id (later));
    }
  return NULL;
}

static void
test_cancel_step (gconstpointer data)
{
  const CancelCase *c = data;
  g_autofree char *export_dir = g_build_filename (sn_test_stack_dir (), "fault-export", NULL);
  g_autofree char *export_path = g_build_filename (export_dir, "direction.json", NULL);
  g_autoptr(SnBackup) source = NULL;
  g_autoptr(SnRunner) runner = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *fault = NULL;
  g_autofree char *operation = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *left = NULL;
  g_autofree char *state = NULL;
  g_autofree char *audit = NULL;
  g_autofree char *steps_wrong = NULL;
  const char *dir = sn_backup_service_get_directory (fault_service);
  gboolean touches_app = g_str_equal (c->runbook, "restart-app") || g_str_equal (c->runbook, "restore");
  FaultSnapshot before = { NULL };
  CancelAt at = { c->step, cancellable, FALSE };
  RunWait wait = { SN_RUN_OUTCOME_NONE, NULL, FALSE };
  GListModel *steps;
  guint dumps;
  goffset mark;

  g_assert_cmpint (g_mkdir_with_parents (export_dir, 0700), ==, 0);
  g_unlink (export_path);
  if (g_str_equal (c->runbook, "restore"))
    source = fault_make_backup ("manual");
  runner = make_runner (c->runbook, source != NULL ? sn_backup_get_path (source) : NULL, export_path, &params);
  steps = sn_runner_get_steps (runner);
  for (guint i = 0; i < g_list_model_get_n_items (steps); i++)
    {
      g_autoptr(SnStepRun) step = g_list_model_get_item (steps, i);

      g_signal_connect (step, "notify::state", G_CALLBACK (on_step_state), &at);
    }

  dumps = fault_count_dumps (dir);
  fault_snapshot_take (&before);
  mark = fault_audit_mark ();
  traps_install ();
  sn_runner_execute_async (runner, cancellable, on_executed, &wait);
  g_assert_true (sn_test_wait_until (run_done, &wait, 300000));
  traps_remove ();

  g_assert_true (at.landed);
  fault = g_strdup_printf ("cancel at step %u/%u", c->step + 1, g_list_model_get_n_items (steps));
  operation = g_strdup_printf ("runbook %s: %s", c->runbook, c->step_id);
  left = fault_wait_no_leftovers (export_dir);
  if (g_file_test (export_path, G_FILE_TEST_EXISTS))
    {
      g_free (left);
      left = g_strdup ("THE READ-ONLY PROFILE WAS EXPORTED");
    }
  if (g_str_equal (c->runbook, "backup") && fault_count_dumps (dir) != dumps)
    {
      g_free (left);
      left = g_strdup ("A NEW DUMP WAS LISTED");
    }
  state = fault_snapshot_compare (&before, touches_app);
  if ((steps_wrong = check_steps (runner, c->step)) != NULL)
    {
      g_free (state);
      state = g_strdup (steps_wrong);
    }
  else if (wait.outcome != SN_RUN_OUTCOME_FAILED_REVERTED)
    {
      g_free (state);
      state = g_strdup_printf ("OUTCOME %d, NOT REVERTED", wait.outcome);
    }
  needle = g_strdup_printf ("runbook run %s", c->runbook);
  audit = fault_audit_find (mark, needle, FAULT_AUDIT_FAILED);
  fault_conclude (fault, operation, wait.error != NULL ? wait.error->message : sn_runner_get_summary (runner),
                  "cancelled", left, state, audit);
  g_assert_error (wait.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&wait.error);
  fault_snapshot_clear (&before);
}

void
fault_add_cancel_tests (void)
{
  const char * const ids[] = { "sev1-checklist", "backup", "restart-app", "setup-readonly-access",
                               "restore-test", "restore", NULL };

  collect_actions ();
  for (guint r = 0; ids[r] != NULL; r++)
    {
      SnRunbook *runbook = sn_runbook_catalog_lookup (fault_catalog, ids[r]);

      for (guint s = 0; s < sn_runbook_get_n_steps (runbook); s++)
        {
          CancelCase *c = g_new0 (CancelCase, 1);
          g_autofree char *path = NULL;

          c->runbook = g_strdup (ids[r]);
          c->step = s;
          c->step_id = g_strdup (sn_runbook_get_step (runbook, s)->id);
          path = g_strdup_printf ("/faults/cancel/%s/%s", c->runbook, c->step_id);
          g_test_add_data_func_full (path, c, test_cancel_step, cancel_case_free);
        }
    }
}
