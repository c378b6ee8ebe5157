/* sn-types.h
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>

#include "sn-core.h"

G_BEGIN_DECLS

typedef struct _SnApplication        SnApplication;
typedef struct _SnFirstRunPage       SnFirstRunPage;
typedef struct _SnHealthPanel        SnHealthPanel;
typedef struct _SnIncidentsView      SnIncidentsView;
typedef struct _SnPreferencesWindow  SnPreferencesWindow;
typedef struct _SnProfileEditor      SnProfileEditor;
typedef struct _SnSettings           SnSettings;
typedef struct _SnWindow             SnWindow;

G_END_DECLS
