/* sn-maintenance-secrets.h: NEXTAUTH_SECRET rotation, atomic and verified
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

#define SN_SECRET_ROTATION_ERROR (sn_secret_rotation_error_quark ())

/**
 * SnSecretRotationError:
 * @SN_SECRET_ROTATION_ERROR_UNCHANGED: it failed before the env file changed:
 *   nothing changed on the server
 * @SN_SECRET_ROTATION_ERROR_RESTORED: it failed after the env file changed;
 *   the previous file was restored, the app recreated and verified with the
 *   previous secret
 * @SN_SECRET_ROTATION_ERROR_UNRESTORED: it failed, and putting the previous
 *   file back failed too: the message says what to do by hand
 * @SN_SECRET_ROTATION_ERROR_PARSE: the env file does not parse
 */
typedef enum
{
  SN_SECRET_ROTATION_ERROR_UNCHANGED,
  SN_SECRET_ROTATION_ERROR_RESTORED,
  SN_SECRET_ROTATION_ERROR_UNRESTORED,
  SN_SECRET_ROTATION_ERROR_PARSE,
} SnSecretRotationError;

GQuark sn_secret_rotation_error_quark (void);

/* The one secret rotated (target-system.md §8), its size and the backups kept. */
#define SN_SECRET_ROTATION_VARIABLE "NEXTAUTH_SECRET"
#define SN_SECRET_ROTATION_SERVICE  "app"
#define SN_SECRET_ROTATION_BYTES    48
#define SN_SECRET_ROTATION_KEEP     6

/* What the rotation and its status say: never a value, only fingerprints. */
#define SN_TYPE_SECRET_STATUS (sn_secret_status_get_type ())
G_DECLARE_FINAL_TYPE (SnSecretStatus, sn_secret_status, SN, SECRET_STATUS, GObject)

/* Unix time (UTC) of the last rotation, 0 when nothing records one. */
gint64      sn_secret_status_get_last_rotation         (SnSecretStatus *self);
/* Where that time comes from ("backup FILE", the script's marker, this computer's
 * audit log), or NULL. */
const char *sn_secret_status_get_source                (SnSecretStatus *self);
/* First 8 hex digits of the SHA-256 of the env file's value, NULL when unset. */
const char *sn_secret_status_get_file_fingerprint      (SnSecretStatus *self);
/* The same for the running container; NULL when unset or unreachable. */
const char *sn_secret_status_get_container_fingerprint (SnSecretStatus *self);
gboolean    sn_secret_status_get_container_reachable   (SnSecretStatus *self);
/* The container runs the file's value. */
gboolean    sn_secret_status_get_in_sync               (SnSecretStatus *self);
guint       sn_secret_status_get_n_backups             (SnSecretStatus *self);
/* The env file's permission bits ("600"), or NULL. */
const char *sn_secret_status_get_file_mode             (SnSecretStatus *self);
/* "12 days ago (backup …)" or "no rotation on record". */
char       *sn_secret_status_dup_age_text              (SnSecretStatus *self);

#define SN_TYPE_SECRET_ROTATION (sn_secret_rotation_get_type ())
G_DECLARE_FINAL_TYPE (SnSecretRotation, sn_secret_rotation, SN, SECRET_ROTATION, GObject)

const char *sn_secret_rotation_get_old_fingerprint (SnSecretRotation *self);  /* NULL: there was none */
const char *sn_secret_rotation_get_new_fingerprint (SnSecretRotation *self);
const char *sn_secret_rotation_get_backup          (SnSecretRotation *self);  /* on the host */
/* Backups removed to keep SN_SECRET_ROTATION_KEEP. */
const char * const *sn_secret_rotation_get_pruned  (SnSecretRotation *self);

/* A step of the rotation, in words; called in the thread that started it. */
typedef void (*SnSecretProgressFunc) (const char *message,
                                      gpointer    user_data);

void              sn_maintenance_secret_status_async  (SnHost               *host,
                                                       SnProfile            *profile,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
SnSecretStatus   *sn_maintenance_secret_status_finish (SnHost               *host,
                                                       GAsyncResult         *result,
                                                       GError              **error);
SnSecretStatus   *sn_maintenance_secret_status_sync   (SnHost               *host,
                                                       SnProfile            *profile,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

void              sn_maintenance_secret_rotate_async  (SnHost               *host,
                                                       SnProfile            *profile,
                                                       SnSecretProgressFunc  progress,
                                                       gpointer              progress_data,
                                                       GDestroyNotify        progress_destroy,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
SnSecretRotation *sn_maintenance_secret_rotate_finish (SnHost               *host,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* For worker threads (runbook actions): @progress is called in this thread. */
SnSecretRotation *sn_maintenance_secret_rotate_sync   (SnHost               *host,
                                                       SnProfile            *profile,
                                                       SnSecretProgressFunc  progress,
                                                       gpointer              progress_data,
                                                       GCancellable         *cancellable,
                                                       GError              **error);

/* What a rotation does to people, in plain words (for plans and the wizard). */
const char       *sn_maintenance_secret_impact        (void);
/* First 8 hex digits of the SHA-256 of @value. */
char             *sn_maintenance_secret_fingerprint   (const char           *value);
/* @contents with every NAME= line set to @value (appended when absent);
 * fails with SN_SECRET_ROTATION_ERROR_PARSE naming the line that does not
 * parse. @old_value: (out) (optional): the last value before. */
GBytes           *sn_maintenance_env_set_value        (GBytes               *contents,
                                                       const char           *name,
                                                       const char           *value,
                                                       char                **old_value,
                                                       GError              **error);

/* Runbook actions maintenance.secret.status and maintenance.secret.rotate. */
void              sn_maintenance_secret_actions_register (void);

G_END_DECLS
