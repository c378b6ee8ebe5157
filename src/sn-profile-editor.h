/* sn-profile-editor.h: edit every setting of a profile, secrets to the keyring
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_PROFILE_EDITOR (sn_profile_editor_get_type ())

G_DECLARE_FINAL_TYPE (SnProfileEditor, sn_profile_editor, SN, PROFILE_EDITOR, AdwWindow)

SnProfileEditor *sn_profile_editor_new         (GtkWindow       *transient_for,
                                                SnProfileStore  *profile_store,
                                                SnProfile       *profile,
                                                gboolean         is_new);
SnProfile       *sn_profile_editor_get_working (SnProfileEditor *self);

G_END_DECLS
