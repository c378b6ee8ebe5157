/* sn-contacts-page.h: who to call during an incident, editable (runbook §1.4)
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SN_TYPE_CONTACTS_PAGE (sn_contacts_page_get_type ())

G_DECLARE_FINAL_TYPE (SnContactsPage, sn_contacts_page, SN, CONTACTS_PAGE, AdwPreferencesPage)

GtkWidget *sn_contacts_page_new (void);

G_END_DECLS
