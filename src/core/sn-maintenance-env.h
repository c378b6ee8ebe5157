/* sn-maintenance-env.h: the environment audit (variables, ports, paths)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-host.h"
#include "sn-profile.h"

G_BEGIN_DECLS

/**
 * SnEnvState:
 * @SN_ENV_STATE_OK: as it should be
 * @SN_ENV_STATE_MISSING: a critical variable absent or empty where the app needs it
 * @SN_ENV_STATE_NOT_PASSED: set in the env file, but compose passes it to no container
 * @SN_ENV_STATE_WARNING: works, but not as the runbook says (a port exposed, a path elsewhere)
 * @SN_ENV_STATE_ABSENT: a port not listening or a path that does not exist
 * @SN_ENV_STATE_UNKNOWN: could not be checked (the container does not answer)
 */
typedef enum
{
  SN_ENV_STATE_OK,
  SN_ENV_STATE_MISSING,
  SN_ENV_STATE_NOT_PASSED,
  SN_ENV_STATE_WARNING,
  SN_ENV_STATE_ABSENT,
  SN_ENV_STATE_UNKNOWN,
} SnEnvState;

const char *sn_env_state_to_label (SnEnvState state);
const char *sn_env_state_to_nick  (SnEnvState state);   /* "ok", "missing", ... (JSON) */

/**
 * SnEnvPresence:
 *
 * Whether a variable is there: set, set but empty, absent, or not known.
 */
typedef enum
{
  SN_ENV_PRESENCE_ABSENT,
  SN_ENV_PRESENCE_EMPTY,
  SN_ENV_PRESENCE_SET,
  SN_ENV_PRESENCE_UNKNOWN,
} SnEnvPresence;

const char *sn_env_presence_to_label (SnEnvPresence presence);
const char *sn_env_presence_to_nick  (SnEnvPresence presence);

/* One row of the audit: a variable, a port or a path. Never a value. */
#define SN_TYPE_ENV_ITEM (sn_env_item_get_type ())
G_DECLARE_FINAL_TYPE (SnEnvItem, sn_env_item, SN, ENV_ITEM, GObject)

const char    *sn_env_item_get_name       (SnEnvItem *self);   /* NEXTAUTH_SECRET, "PostgreSQL 5432", a path */
SnEnvState     sn_env_item_get_state      (SnEnvItem *self);
const char    *sn_env_item_get_state_label (SnEnvItem *self);
SnEnvPresence  sn_env_item_get_in_file    (SnEnvItem *self);   /* variables */
SnEnvPresence  sn_env_item_get_in_container (SnEnvItem *self);
gboolean       sn_env_item_get_passed     (SnEnvItem *self);   /* compose passes it to the app */
const char    *sn_env_item_get_expected   (SnEnvItem *self);   /* what the runbook says */
const char    *sn_env_item_get_actual     (SnEnvItem *self);   /* what the real system does / what was seen */
const char    *sn_env_item_get_impact     (SnEnvItem *self);   /* what breaks, or a note */

#define SN_TYPE_ENV_AUDIT (sn_env_audit_get_type ())
G_DECLARE_FINAL_TYPE (SnEnvAudit, sn_env_audit, SN, ENV_AUDIT, GObject)

GListModel *sn_env_audit_get_variables        (SnEnvAudit *self);   /* of SnEnvItem */
GListModel *sn_env_audit_get_ports            (SnEnvAudit *self);
GListModel *sn_env_audit_get_paths            (SnEnvAudit *self);
gboolean    sn_env_audit_get_container_reachable (SnEnvAudit *self);
/* The worst state of the variables (ports and paths are informative). */
SnEnvState  sn_env_audit_get_state            (SnEnvAudit *self);

void        sn_maintenance_env_check_async  (SnHost               *host,
                                             SnProfile            *profile,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
SnEnvAudit *sn_maintenance_env_check_finish (SnHost               *host,
                                             GAsyncResult         *result,
                                             GError              **error);
SnEnvAudit *sn_maintenance_env_check_sync   (SnHost               *host,
                                             SnProfile            *profile,
                                             GCancellable         *cancellable,
                                             GError              **error);

/* Parsers, public for the tests: the names compose passes to @service (keys
 * of its `environment:`), and every variable the compose file interpolates
 * (${NAME}, ${NAME:-x}, $NAME; not $$NAME). */
gboolean    sn_maintenance_env_parse_compose (const char           *yaml,
                                              const char           *service,
                                              GHashTable          **passed,
                                              GHashTable          **interpolated,
                                              GError              **error);

/* The critical variables the audit checks that are secrets (S in
 * target-system.md §6), NULL-terminated: each has its rotation steps in
 * sn-maintenance-secret-steps.h. */
char      **sn_maintenance_env_critical_secrets (void);

G_END_DECLS
