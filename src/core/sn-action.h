/* sn-action.h: the typed actions runbook steps are made of
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "sn-profile.h"

G_BEGIN_DECLS

#define SN_ACTION_ERROR (sn_action_error_quark ())

typedef enum
{
  SN_ACTION_ERROR_ARGS,          /* an argument is missing or has the wrong type */
  SN_ACTION_ERROR_FAILED,        /* the action ran and failed (exit status, check) */
  SN_ACTION_ERROR_UNAVAILABLE,   /* a service it needs is not there */
} SnActionError;

typedef enum
{
  SN_OUTPUT_STDOUT,
  SN_OUTPUT_STDERR,
  SN_OUTPUT_INFO,
} SnOutputKind;

/**
 * SnRisk:
 * @SN_RISK_READ: looks only: reads files, lists containers, queries
 * @SN_RISK_CHANGE: changes something that is easy to take back or adds
 *   something (a backup file, a staged dump, a test database)
 * @SN_RISK_DESTROY: can lose data or stop the site: stops or recreates
 *   containers, restores, replaces files, runs arbitrary commands
 *
 * What an action does, computed from its arguments. The runner ORs it with a
 * step's own "destructive" flag: a runbook can raise a step's risk, never
 * lower it.
 */
typedef enum
{
  SN_RISK_READ,
  SN_RISK_CHANGE,
  SN_RISK_DESTROY,
} SnRisk;

typedef struct _SnActionContext SnActionContext;

/*
 * Actions run in a worker thread of the runner, synchronously, and must
 * return promptly when @cancellable is cancelled. Arguments reach them with
 * every ${variable} already resolved.
 */
typedef struct
{
  const char *name;
  /* Static check of the arguments (unresolved variables are strings). */
  gboolean  (*check)    (JsonObject       *args,
                         GError          **error);
  /* The command or request as a person would type it; may be NULL. */
  char     *(*describe) (SnActionContext  *context,
                         JsonObject       *args);
  /* What it will touch, found by read-only means (rows, keys, bytes, files,
   * containers); NULL when there is nothing to say. Optional. */
  char     *(*impact)   (SnActionContext  *context,
                         JsonObject       *args,
                         GError          **error);
  /* Do it. */
  gboolean  (*run)      (SnActionContext  *context,
                         JsonObject       *args,
                         GError          **error);
  /* Its risk from its (unresolved) arguments. NULL means SN_RISK_DESTROY:
   * an action that does not say is treated as the most dangerous. */
  SnRisk    (*risk)     (JsonObject       *args);
  /* The lowest profile level allowed to run it, whatever its risk. An
   * action of risk CHANGE or DESTROY needs at least an operator anyway. */
  SnSafetyLevel min_level;
  /* Arguments that are shell command text: a ${variable} substituted into
   * them is shell-quoted, unless written ${raw:NAME}, which the parser
   * refuses for parameters of type string or secret. NULL-terminated. */
  const char * const *shell_args;
} SnActionInfo;

typedef void (*SnActionLineFunc) (SnActionContext *context,
                                  SnOutputKind     kind,
                                  const char      *line,
                                  gpointer         user_data);

GQuark              sn_action_error_quark              (void);
void                sn_action_register                 (const SnActionInfo *info);
const SnActionInfo *sn_action_lookup                   (const char         *name);
char              **sn_action_list_names               (void);
SnRisk              sn_action_get_risk                 (const SnActionInfo *info,
                                                        JsonObject         *args);
SnSafetyLevel       sn_action_get_level                (const SnActionInfo *info,
                                                        JsonObject         *args);
gboolean            sn_action_is_shell_arg             (const SnActionInfo *info,
                                                        const char         *name);
/* For SnActionInfo.risk, when an action's risk does not depend on its arguments. */
SnRisk              sn_action_risk_read                (JsonObject         *args);
SnRisk              sn_action_risk_change              (JsonObject         *args);
SnRisk              sn_action_risk_destroy             (JsonObject         *args);
const char         *sn_risk_to_string                  (SnRisk              risk);
SnRisk              sn_risk_max                        (SnRisk              a,
                                                        SnRisk              b);

SnActionContext    *sn_action_context_new              (SnProfile          *profile,
                                                        GCancellable       *cancellable);
void                sn_action_context_free             (SnActionContext    *self);
SnProfile          *sn_action_context_get_profile      (SnActionContext    *self);
GCancellable       *sn_action_context_get_cancellable  (SnActionContext    *self);
/* Services (SnSshSession, SnDatabase, ...) by name; borrowed, thread-safe lookup. */
void                sn_action_context_set_service      (SnActionContext    *self,
                                                        const char         *name,
                                                        GObject            *service);
gpointer            sn_action_context_get_service      (SnActionContext    *self,
                                                        const char         *name);
void                sn_action_context_set_line_func    (SnActionContext    *self,
                                                        SnActionLineFunc    func,
                                                        gpointer            user_data);
void                sn_action_context_emit             (SnActionContext    *self,
                                                        SnOutputKind        kind,
                                                        const char         *format,
                                                        ...) G_GNUC_PRINTF (3, 4);
/* Values a step publishes for later steps as ${steps.ID.KEY}. */
void                sn_action_context_set_output       (SnActionContext    *self,
                                                        const char         *key,
                                                        const char         *value);
/* Exit status of what ran, when there is one (-1 otherwise). */
void                sn_action_context_set_exit_status  (SnActionContext    *self,
                                                        int                 exit_status);
guint               sn_action_context_get_timeout      (SnActionContext    *self);
/* Says that the call has changed the system, so that if it then fails the
 * run does not claim the system is as it was (a release whose tag was
 * created on GitHub, say): the step counts as done, and without a revert
 * it is left for the person to check. */
void                sn_action_context_set_changed      (SnActionContext    *self);
/* @text with every secret of the run (secret parameters, the profile's
 * secrets) replaced by [REDACTED]: use it for anything that reaches the audit
 * log, an error or a report. Never NULL for a non-NULL @text. */
char               *sn_action_context_redact           (SnActionContext    *self,
                                                        const char         *text);
typedef char      *(*SnRedactFunc)                     (const char         *text,
                                                        gpointer            user_data);
void                sn_action_context_set_redact_func  (SnActionContext    *self,
                                                        SnRedactFunc        func,
                                                        gpointer            user_data);

/* Argument helpers for actions: a missing required argument is an error that names it. */
const char         *sn_action_args_get_string          (JsonObject         *args,
                                                        const char         *name,
                                                        gboolean            required,
                                                        GError            **error);
char              **sn_action_args_get_strv            (JsonObject         *args,
                                                        const char         *name,
                                                        gboolean            required,
                                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SnActionContext, sn_action_context_free)

G_END_DECLS
