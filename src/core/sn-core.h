/* sn-core.h
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-core-types.h"
#include "sn-core-enums.h"
#include "sn-net.h"
#include "sn-profile.h"
#include "sn-profile-store.h"
#include "sn-secret-store.h"
#include "sn-health-service.h"
#include "sn-format.h"
#include "sn-await.h"
#include "sn-csv.h"
#include "sn-cache-backend.h"
#include "sn-cache-keys.h"
#include "sn-key-model.h"
#include "sn-cache-service.h"
#include "sn-maintenance-secrets.h"
#include "sn-maintenance-env.h"
#include "sn-maintenance-disk.h"
#include "sn-maintenance-audit.h"
#include "sn-maintenance-jobs.h"
