/* sn-application.h
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sn-types.h"

G_BEGIN_DECLS

#define SN_TYPE_APPLICATION (sn_application_get_type ())

G_DECLARE_FINAL_TYPE (SnApplication, sn_application, SN, APPLICATION, AdwApplication)

SnApplication *sn_application_new (void);

G_END_DECLS
