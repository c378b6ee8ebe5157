/* sn-host-key-dialog.h: first contact with a host, or a host key that changed
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"
#include "sn-ssh-session.h"

G_BEGIN_DECLS

#define SN_TYPE_HOST_KEY_DIALOG (sn_host_key_dialog_get_type ())

G_DECLARE_FINAL_TYPE (SnHostKeyDialog, sn_host_key_dialog, SN, HOST_KEY_DIALOG, AdwMessageDialog)

/* Responses: "trust" (only for an unknown key), "cancel", "close". */
#define SN_HOST_KEY_RESPONSE_TRUST "trust"

gboolean         sn_host_key_error_is_host_key    (const GError    *error);
SnHostKeyDialog *sn_host_key_dialog_new           (GtkWindow       *parent,
                                                   SnSshSession    *session,
                                                   const GError    *error);
gboolean         sn_host_key_dialog_get_changed   (SnHostKeyDialog *self);
const char      *sn_host_key_dialog_get_fingerprint (SnHostKeyDialog *self);

G_END_DECLS
