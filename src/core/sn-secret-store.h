/* sn-secret-store.h: passwords, passphrases, keys and tokens of a profile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-profile.h"

G_BEGIN_DECLS

#define SN_SECRET_ERROR (sn_secret_error_quark ())

typedef enum
{
  SN_SECRET_ERROR_NO_KEYRING,          /* no Secret Service: ask the person each time */
  SN_SECRET_ERROR_FILE_PERMISSIONS,    /* credentials file readable by others */
  SN_SECRET_ERROR_FILE,                /* credentials file missing or unreadable */
  SN_SECRET_ERROR_FILE_SYNTAX,         /* a line that is not KEY=VALUE */
  SN_SECRET_ERROR_FAILED,
} SnSecretError;

#define SN_TYPE_SECRET_STORE (sn_secret_store_get_type ())

G_DECLARE_FINAL_TYPE (SnSecretStore, sn_secret_store, SN, SECRET_STORE, GObject)

/*
 * Where a secret lives: the profile's credentials file when it names one
 * (KEY=VALUE lines, keys are the SnSecretKind nicks such as "db-password";
 * refused unless mode 0600 and owned by the user), else the system keyring
 * through libsecret (attributes: profile, kind). Never clear text elsewhere.
 * A lookup that finds nothing returns NULL without an error.
 */
GQuark         sn_secret_error_quark              (void);
SnSecretStore *sn_secret_store_get_default        (void);
SnSecretStore *sn_secret_store_new                (void);
const char    *sn_secret_kind_to_key              (SnSecretKind    kind);
void           sn_secret_store_lookup_async       (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   SnSecretKind    kind,
                                                   GCancellable   *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer        user_data);
char          *sn_secret_store_lookup_finish      (SnSecretStore  *self,
                                                   GAsyncResult   *result,
                                                   GError        **error);
char          *sn_secret_store_lookup_sync        (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   SnSecretKind    kind,
                                                   GCancellable   *cancellable,
                                                   GError        **error);
void           sn_secret_store_store_async        (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   SnSecretKind    kind,
                                                   const char     *value,
                                                   GCancellable   *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer        user_data);
gboolean       sn_secret_store_store_finish       (SnSecretStore  *self,
                                                   GAsyncResult   *result,
                                                   GError        **error);
gboolean       sn_secret_store_store_sync         (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   SnSecretKind    kind,
                                                   const char     *value,
                                                   GCancellable   *cancellable,
                                                   GError        **error);
gboolean       sn_secret_store_clear_sync         (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   SnSecretKind    kind,
                                                   GCancellable   *cancellable,
                                                   GError        **error);
/* Every secret value the profile has, for redacting what people type and
 * export. The async form looks them up in a thread (keyring calls block).
 * @complete (nullable) says whether every lookup worked: FALSE when the
 * keyring or credentials file could not be read for at least one kind. */
char         **sn_secret_store_dup_values_sync    (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   GCancellable   *cancellable,
                                                   gboolean       *complete);
void           sn_secret_store_dup_values_async   (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   GCancellable   *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer        user_data);
char         **sn_secret_store_dup_values_finish  (SnSecretStore  *self,
                                                   GAsyncResult   *result,
                                                   gboolean       *complete,
                                                   GError        **error);
/* Secrets typed by the person when no keyring runs; kept in memory only. */
void           sn_secret_store_remember           (SnSecretStore  *self,
                                                   SnProfile      *profile,
                                                   SnSecretKind    kind,
                                                   const char     *value);

/* For the fuzz targets: whether @text reads as a credentials file. */
gboolean _sn_secret_store_check_credentials_text (const char  *text,
                                                  GError     **error);

G_END_DECLS
