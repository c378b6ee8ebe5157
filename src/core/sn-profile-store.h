/* sn-profile-store.h: the profiles on disk, as a GListModel of SnProfile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-audit-log.h"
#include "sn-profile.h"

G_BEGIN_DECLS

#define SN_PROFILE_STORE_ERROR (sn_profile_store_error_quark ())

typedef enum
{
  SN_PROFILE_STORE_ERROR_MALFORMED,
  SN_PROFILE_STORE_ERROR_NOT_FOUND,
  SN_PROFILE_STORE_ERROR_INVALID,
  SN_PROFILE_STORE_ERROR_IO,
} SnProfileStoreError;

#define SN_TYPE_PROFILE_STORE (sn_profile_store_get_type ())

G_DECLARE_FINAL_TYPE (SnProfileStore, sn_profile_store, SN, PROFILE_STORE, GObject)

/*
 * One JSON file per profile in DIRECTORY/NAME.json; the default directory is
 * $XDG_CONFIG_HOME/narcisse-admin/profiles. Writes are atomic (temp file,
 * fsync, rename). The model is sorted by name and holds the profiles that
 * loaded; sn_profile_store_load() fails with the first malformed file named,
 * but still lists every good one.
 */
GQuark          sn_profile_store_error_quark       (void);
char           *sn_profile_store_default_directory (void);
SnProfileStore *sn_profile_store_new               (const char      *directory);
const char     *sn_profile_store_get_directory     (SnProfileStore  *self);
gboolean        sn_profile_store_load              (SnProfileStore  *self,
                                                    GError         **error);
SnProfile      *sn_profile_store_lookup            (SnProfileStore  *self,
                                                    const char      *name);
gboolean        sn_profile_store_save              (SnProfileStore  *self,
                                                    SnProfile       *profile,
                                                    GError         **error);
gboolean        sn_profile_store_rename            (SnProfileStore  *self,
                                                    SnProfile       *profile,
                                                    const char      *old_name,
                                                    GError         **error);
/* Where level changes go (tests); NULL: the default audit log. */
void            sn_profile_store_set_audit_log     (SnProfileStore  *self,
                                                    SnAuditLog      *audit);
gboolean        sn_profile_store_remove            (SnProfileStore  *self,
                                                    const char      *name,
                                                    GError         **error);

G_END_DECLS
