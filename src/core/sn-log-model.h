/* sn-log-model.h: a bounded, throttled list of log lines, fed by a stream
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sn-host.h"

G_BEGIN_DECLS

typedef enum
{
  SN_LOG_LEVEL_UNKNOWN,
  SN_LOG_LEVEL_TRACE,
  SN_LOG_LEVEL_DEBUG,
  SN_LOG_LEVEL_INFO,
  SN_LOG_LEVEL_WARN,
  SN_LOG_LEVEL_ERROR,
  SN_LOG_LEVEL_FATAL,
} SnLogLevel;

const char *sn_log_level_to_string   (SnLogLevel  level);   /* "INFO", ... "" for unknown */
/* From a line: pino JSON ("level":"WARN" or 40), PostgreSQL ("ERROR:"),
 * logfmt (level=warn), or plain words ([ERROR], WARN, Error:). */
SnLogLevel  sn_log_level_parse       (const char *line);

#define SN_TYPE_LOG_LINE (sn_log_line_get_type ())
G_DECLARE_FINAL_TYPE (SnLogLine, sn_log_line, SN, LOG_LINE, GObject)

/* Properties (read-only, for GtkExpression filters and labels): text (the
 * line without Compose's "service-1 | " prefix), service, level (int,
 * SnLogLevel), level-label, seq (guint64, the order received). */
const char *sn_log_line_get_text     (SnLogLine  *self);
const char *sn_log_line_get_service  (SnLogLine  *self);
SnLogLevel  sn_log_line_get_level    (SnLogLine  *self);
guint64     sn_log_line_get_seq      (SnLogLine  *self);
/* @needle: case-insensitive substring, NULL or "" for any; @min_level:
 * SN_LOG_LEVEL_UNKNOWN for any, else lines of that level and above. */
gboolean    sn_log_line_matches      (SnLogLine  *self,
                                      const char *needle,
                                      SnLogLevel  min_level);

#define SN_TYPE_LOG_MODEL (sn_log_model_get_type ())
G_DECLARE_FINAL_TYPE (SnLogModel, sn_log_model, SN, LOG_MODEL, GObject)

#define SN_LOG_MODEL_DEFAULT_CAPACITY 50000

/*
 * A GListModel of SnLogLine keeping the newest CAPACITY lines. Appended
 * lines are published in batches at most ~10 times a second, or once a
 * frame when frame-driven
 * (items-changed: the oldest removed at the front, the new at the end).
 * Paused, lines are kept aside (up to CAPACITY) and published on resume;
 * lines that never fit are counted in n-skipped, never dropped silently.
 *
 * Properties: capacity, paused, n-received, n-skipped (never shown: the
 * window overflowed), n-trimmed (shown, then scrolled out of the window),
 * n-pending, streaming.
 */
SnLogModel *sn_log_model_new            (guint         capacity);
guint       sn_log_model_get_capacity   (SnLogModel   *self);
gboolean    sn_log_model_get_paused     (SnLogModel   *self);
void        sn_log_model_set_paused     (SnLogModel   *self,
                                         gboolean      paused);
guint64     sn_log_model_get_n_received (SnLogModel   *self);
guint64     sn_log_model_get_n_skipped  (SnLogModel   *self);
guint64     sn_log_model_get_n_trimmed  (SnLogModel   *self);
guint       sn_log_model_get_n_pending  (SnLogModel   *self);
gboolean    sn_log_model_get_streaming  (SnLogModel   *self);
/* Queues one line (main context); published by the next batch. */
void        sn_log_model_append         (SnLogModel   *self,
                                         const char   *line);
/* Publishes what is queued now (unless paused). */
void        sn_log_model_flush          (SnLogModel   *self);
/* Publishes the oldest @max_lines queued at most (one removal and one
 * addition signalled); returns how many more are ready (0 while paused). */
guint       sn_log_model_flush_some     (SnLogModel   *self,
                                         guint         max_lines);
/*
 * Frame-driven: no timer; "lines-pending" is emitted when lines start to
 * wait (and on resume), and the driver (a view's frame clock) publishes
 * them with sn_log_model_flush_some(), at most once a frame. Turned off,
 * the timer publishes what waits.
 */
gboolean    sn_log_model_get_frame_driven (SnLogModel *self);
void        sn_log_model_set_frame_driven (SnLogModel *self,
                                           gboolean    frame_driven);
void        sn_log_model_clear          (SnLogModel   *self);
/* The window's lines, newline-terminated (for copy and save). */
char       *sn_log_model_dup_text       (SnLogModel   *self);

/*
 * Streams `docker compose logs --no-color --tail TAIL [--follow] SERVICE`,
 * run through @host (audited), into the model. Finishes when the command
 * ends (or is cancelled, e.g. to stop following).
 */
void        sn_log_model_stream_async   (SnLogModel          *self,
                                         SnHost              *host,
                                         const char          *service,
                                         guint                tail,
                                         gboolean             follow,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean    sn_log_model_stream_finish  (SnLogModel          *self,
                                         GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
