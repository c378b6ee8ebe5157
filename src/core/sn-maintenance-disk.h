/* sn-maintenance-disk.h: disk cleanup on the host without data loss
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-host.h"
#include "sn-profile.h"

G_BEGIN_DECLS

#define SN_MAINTENANCE_DISK_ERROR (sn_maintenance_disk_error_quark ())

/**
 * SnMaintenanceDiskError:
 * @SN_MAINTENANCE_DISK_ERROR_INVALID: an argument is not valid (a size)
 * @SN_MAINTENANCE_DISK_ERROR_CONFIRM: the typed confirmation does not match
 * @SN_MAINTENANCE_DISK_ERROR_IN_USE: a container still uses the volume
 * @SN_MAINTENANCE_DISK_ERROR_FAILED: a command on the host failed
 * @SN_MAINTENANCE_DISK_ERROR_PARSE: a command printed what the app did not expect
 */
typedef enum
{
  SN_MAINTENANCE_DISK_ERROR_INVALID,
  SN_MAINTENANCE_DISK_ERROR_CONFIRM,
  SN_MAINTENANCE_DISK_ERROR_IN_USE,
  SN_MAINTENANCE_DISK_ERROR_FAILED,
  SN_MAINTENANCE_DISK_ERROR_PARSE,
} SnMaintenanceDiskError;

GQuark sn_maintenance_disk_error_quark (void);

/* The runbook's `journalctl --vacuum-size=500M`, and the least the app accepts. */
#define SN_MAINTENANCE_JOURNAL_DEFAULT_SIZE "500M"
#define SN_MAINTENANCE_JOURNAL_MIN_BYTES    (G_GUINT64_CONSTANT (50) * 1024 * 1024)

/**
 * SnDiskItemKind:
 *
 * What a line of the dry run is.
 */
typedef enum
{
  SN_DISK_ITEM_CONTAINER,
  SN_DISK_ITEM_IMAGE,
  SN_DISK_ITEM_BUILD_CACHE,
  SN_DISK_ITEM_VOLUME,
  SN_DISK_ITEM_JOURNAL,
  SN_DISK_ITEM_NPM_CACHE,
} SnDiskItemKind;

const char *sn_disk_item_kind_to_label (SnDiskItemKind kind);

/* One thing the cleanup would free, or keeps, and why. Properties (for .ui
 * bindings): kind, kind-label, name, detail, size, size-text, freed, fate. */
#define SN_TYPE_DISK_ITEM (sn_disk_item_get_type ())
G_DECLARE_FINAL_TYPE (SnDiskItem, sn_disk_item, SN, DISK_ITEM, GObject)

SnDiskItemKind sn_disk_item_get_kind       (SnDiskItem *self);
const char    *sn_disk_item_get_kind_label (SnDiskItem *self);
const char    *sn_disk_item_get_name       (SnDiskItem *self);
const char    *sn_disk_item_get_detail     (SnDiskItem *self);   /* image of a container, links of a volume */
guint64        sn_disk_item_get_size       (SnDiskItem *self);
const char    *sn_disk_item_get_size_text  (SnDiskItem *self);
gboolean       sn_disk_item_get_freed      (SnDiskItem *self);   /* the cleanup removes it */
const char    *sn_disk_item_get_fate       (SnDiskItem *self);   /* "Removed by the prune", "Kept: …" */
/* Volumes: whether it holds the site's data (database, MinIO), and how many containers use it. */
gboolean       sn_disk_item_get_data       (SnDiskItem *self);
guint          sn_disk_item_get_links      (SnDiskItem *self);

/* The dry run: df, what each action would free, and the volumes apart. */
#define SN_TYPE_DISK_SURVEY (sn_disk_survey_get_type ())
G_DECLARE_FINAL_TYPE (SnDiskSurvey, sn_disk_survey, SN, DISK_SURVEY, GObject)

GListModel  *sn_disk_survey_get_filesystems   (SnDiskSurvey *self);   /* SnFilesystem */
GListModel  *sn_disk_survey_get_items         (SnDiskSurvey *self);   /* SnDiskItem, volumes excluded */
GListModel  *sn_disk_survey_get_volumes       (SnDiskSurvey *self);   /* SnDiskItem of kind VOLUME */
/* Bytes each action would free. */
guint64      sn_disk_survey_get_docker_freed  (SnDiskSurvey *self);
guint64      sn_disk_survey_get_journal_usage (SnDiskSurvey *self);
guint64      sn_disk_survey_get_journal_freed (SnDiskSurvey *self);
gboolean     sn_disk_survey_get_npm_available (SnDiskSurvey *self);
guint64      sn_disk_survey_get_npm_freed     (SnDiskSurvey *self);
guint64      sn_disk_survey_get_total_freed   (SnDiskSurvey *self);
/* Everything Docker holds (images, containers, volumes, build cache). */
guint64      sn_disk_survey_get_docker_total  (SnDiskSurvey *self);
/* Free bytes of the filesystem holding @path ("/" or "/var/lib/docker"), 0 if unknown. */
guint64      sn_disk_survey_get_avail         (SnDiskSurvey *self,
                                               const char   *path);
/* The dry run in words, one line per action and per item freed (for plans and the CLI). */
char        *sn_disk_survey_dup_text          (SnDiskSurvey *self);
char        *sn_disk_survey_dup_docker_text   (SnDiskSurvey *self);

/* What a cleanup freed, measured on the host before and after. */
typedef struct
{
  guint64 docker_freed;
  guint64 journal_freed;
  guint64 npm_freed;
  guint64 avail_before;   /* on the filesystem holding / */
  guint64 avail_after;
} SnDiskCleanResult;

guint64 sn_disk_clean_result_get_total (const SnDiskCleanResult *result);

/* Validation and parsing, public for the runbook action, the CLI and the tests. */
gboolean     sn_maintenance_parse_journal_size   (const char  *text,
                                                  guint64     *bytes,
                                                  GError     **error);
guint64      sn_maintenance_parse_systemd_size   (const char  *text);
gboolean     sn_maintenance_volume_is_data       (const char  *name);
SnDiskSurvey *sn_maintenance_parse_survey        (const char  *docker_json,
                                                  const char  *journal_text,
                                                  const char  *npm_text,
                                                  const char  *compose_project,
                                                  guint64      journal_limit,
                                                  GError     **error);
/* The commands, exactly as they run (sn-host-command.h builders). */
char       **sn_maintenance_disk_prune_commands  (SnProfile   *profile);
char        *sn_maintenance_disk_vacuum_command  (const char  *size);

/* The dry run. READ: any profile. */
void          sn_maintenance_disk_survey_async   (SnHost              *host,
                                                  const char          *journal_size,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
SnDiskSurvey *sn_maintenance_disk_survey_finish  (SnHost              *host,
                                                  GAsyncResult        *result,
                                                  GError             **error);
SnDiskSurvey *sn_maintenance_disk_survey_sync    (SnHost              *host,
                                                  const char          *journal_size,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

/* The changes: each checks the profile's level first (operator), and says
 * how many bytes it freed, measured before and after. They never pass
 * --volumes: no volume goes with a prune. */
gboolean sn_maintenance_disk_prune_docker_sync  (SnHost        *host,
                                                 GCancellable  *cancellable,
                                                 guint64       *freed,
                                                 GError       **error);
gboolean sn_maintenance_disk_vacuum_journal_sync (SnHost       *host,
                                                 const char    *size,
                                                 GCancellable  *cancellable,
                                                 guint64       *freed,
                                                 GError       **error);
gboolean sn_maintenance_disk_clean_npm_sync     (SnHost        *host,
                                                 GCancellable  *cancellable,
                                                 guint64       *freed,
                                                 GError       **error);

/* All three, with df before and after. */
void     sn_maintenance_disk_clean_async        (SnHost              *host,
                                                 const char          *journal_size,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean sn_maintenance_disk_clean_finish       (SnHost              *host,
                                                 GAsyncResult        *result,
                                                 SnDiskCleanResult   *out_result,
                                                 GError             **error);

/* One volume, picked by name: refused unless @typed_name is exactly @volume
 * (checked here, in core), unless the profile is at least an operator (an
 * admin for a data volume), and by Docker while a container uses it. */
gboolean sn_maintenance_disk_remove_volume_sync (SnHost        *host,
                                                 const char    *volume,
                                                 const char    *typed_name,
                                                 GCancellable  *cancellable,
                                                 GError       **error);
void     sn_maintenance_disk_remove_volume_async (SnHost             *host,
                                                 const char          *volume,
                                                 const char          *typed_name,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean sn_maintenance_disk_remove_volume_finish (SnHost            *host,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* The runbook actions maintenance.disk-* and maintenance.volume-remove. */
void     sn_maintenance_disk_actions_register   (void);

G_END_DECLS
