/* sn-runbook.h: a declarative runbook, parsed and checked
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sn-action.h"
#include "sn-core-types.h"

G_BEGIN_DECLS

#define SN_RUNBOOK_ERROR (sn_runbook_error_quark ())

typedef enum
{
  SN_RUNBOOK_ERROR_SYNTAX,      /* not JSON, or not the shape of a runbook */
  SN_RUNBOOK_ERROR_INVALID,     /* a field, a step or an action is wrong */
  SN_RUNBOOK_ERROR_PARAMETER,   /* a parameter value does not validate */
  SN_RUNBOOK_ERROR_NOT_FOUND,
} SnRunbookError;

typedef enum
{
  SN_PARAM_TYPE_STRING,
  SN_PARAM_TYPE_TAG,            /* vMAJOR.MINOR.PATCH */
  SN_PARAM_TYPE_DATE,           /* YYYY-MM-DD */
  SN_PARAM_TYPE_CHOICE,
  SN_PARAM_TYPE_SECRET,
  SN_PARAM_TYPE_INTEGER,
} SnParamType;

typedef enum
{
  SN_GATE_NONE            = 0,
  SN_GATE_BACKUP_VERIFIED = 1 << 0,
  SN_GATE_TYPED_NAME      = 1 << 1,
  SN_GATE_REASON          = 1 << 2,
} SnGateFlags;

typedef struct _SnRunbookParam SnRunbookParam;
typedef struct _SnRunbookCall  SnRunbookCall;
typedef struct _SnRunbookStep  SnRunbookStep;

struct _SnRunbookParam
{
  char        *id;
  SnParamType  type;
  char        *label;
  char        *description;
  char        *default_value;
  char       **choices;           /* for SN_PARAM_TYPE_CHOICE */
  char        *pattern;           /* optional extra regex for strings */
  gboolean     required;
};

struct _SnRunbookCall
{
  char       *action;
  JsonObject *args;               /* with ${variables} unresolved */
  guint       retries;            /* verify: attempts after the first */
  guint       interval_ms;        /* verify: pause between attempts */
};

struct _SnRunbookStep
{
  char          *id;
  char          *title;
  char          *parallel_group;  /* adjacent steps with the same group run together */
  SnRunbookCall *call;
  SnRunbookCall *verify;          /* optional */
  SnRunbookCall *revert;          /* optional */
  guint          timeout_seconds; /* 0: the action's default */
  SnRisk         risk;            /* the most its calls may do, with the step's own flag */
  SnSafetyLevel  level;           /* the lowest profile level that may run it */
  guint          destructive : 1; /* risk == SN_RISK_DESTROY */
  guint          continue_on_failure : 1;
  guint          revert_if_failed : 1;
};

#define SN_TYPE_RUNBOOK (sn_runbook_get_type ())

G_DECLARE_FINAL_TYPE (SnRunbook, sn_runbook, SN, RUNBOOK, GObject)

GQuark                sn_runbook_error_quark       (void);
SnRunbook            *sn_runbook_new_from_data     (const char    *data,
                                                    gssize         length,
                                                    const char    *origin,
                                                    GError       **error);
SnRunbook            *sn_runbook_new_from_file     (GFile         *file,
                                                    GError       **error);
const char           *sn_runbook_get_id            (SnRunbook     *self);
const char           *sn_runbook_get_title         (SnRunbook     *self);
const char           *sn_runbook_get_untranslated_title (SnRunbook *self);
const char           *sn_runbook_get_description   (SnRunbook     *self);
const char           *sn_runbook_get_origin        (SnRunbook     *self);
gboolean              sn_runbook_is_builtin        (SnRunbook     *self);
SnSafetyLevel         sn_runbook_get_safety_level  (SnRunbook     *self);
SnGateFlags           sn_runbook_get_gates         (SnRunbook     *self);
guint                 sn_runbook_get_backup_max_age_minutes (SnRunbook *self);
gboolean              sn_runbook_is_destructive    (SnRunbook     *self);
SnRisk                sn_runbook_get_risk          (SnRunbook     *self);
SnSafetyLevel         sn_runbook_get_required_level (SnRunbook    *self);
guint                 sn_runbook_get_n_params      (SnRunbook     *self);
const SnRunbookParam *sn_runbook_get_param         (SnRunbook     *self,
                                                    guint          index);
const SnRunbookParam *sn_runbook_find_param        (SnRunbook     *self,
                                                    const char    *id);
guint                 sn_runbook_get_n_steps       (SnRunbook     *self);
const SnRunbookStep  *sn_runbook_get_step          (SnRunbook     *self,
                                                    guint          index);
gboolean              sn_runbook_validate_param    (SnRunbook     *self,
                                                    const char    *id,
                                                    const char    *value,
                                                    GError       **error);
/* Fill in defaults and validate every parameter; returns a new table. */
GHashTable           *sn_runbook_resolve_params    (SnRunbook     *self,
                                                    GHashTable    *given,
                                                    GError       **error);

G_END_DECLS
