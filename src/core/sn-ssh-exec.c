/* sn-ssh-exec.c: exec channels (worker thread, non-blocking) and the exec API
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-ssh-session"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-ssh-session-private.h"

/* ------------------------------------------------------------------------ */
/* SnSshExecResult                                                            */

struct _SnSshExecResult
{
  GObject  parent_instance;

  char    *command;
  GBytes  *stdout_bytes;
  GBytes  *stderr_bytes;
  char    *exit_signal;

  int      exit_status;
  guint64  stdout_size;
  guint64  stderr_size;
  guint64  stdin_size;
  gint64   duration_us;
};

G_DEFINE_FINAL_TYPE (SnSshExecResult, sn_ssh_exec_result, G_TYPE_OBJECT)

static void
sn_ssh_exec_result_finalize (GObject *object)
{
  SnSshExecResult *self = (SnSshExecResult *)object;

  g_clear_pointer (&self->command, g_free);
  g_clear_pointer (&self->stdout_bytes, g_bytes_unref);
  g_clear_pointer (&self->stderr_bytes, g_bytes_unref);
  g_clear_pointer (&self->exit_signal, g_free);

  G_OBJECT_CLASS (sn_ssh_exec_result_parent_class)->finalize (object);
}

static void
sn_ssh_exec_result_class_init (SnSshExecResultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_ssh_exec_result_finalize;
}

static void
sn_ssh_exec_result_init (SnSshExecResult *self)
{
}

const char *
sn_ssh_exec_result_get_command (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), NULL);
  return self->command;
}

int
sn_ssh_exec_result_get_exit_status (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), -1);
  return self->exit_status;
}

const char *
sn_ssh_exec_result_get_exit_signal (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), NULL);
  return self->exit_signal;
}

gboolean
sn_ssh_exec_result_get_success (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), FALSE);
  return self->exit_signal == NULL && self->exit_status == 0;
}

GBytes *
sn_ssh_exec_result_get_stdout (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), NULL);
  return self->stdout_bytes;
}

GBytes *
sn_ssh_exec_result_get_stderr (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), NULL);
  return self->stderr_bytes;
}

static char *
bytes_to_text (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_strndup (data != NULL ? data : "", len);
}

char *
sn_ssh_exec_result_dup_stdout_text (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), NULL);
  return bytes_to_text (self->stdout_bytes);
}

char *
sn_ssh_exec_result_dup_stderr_text (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), NULL);
  return bytes_to_text (self->stderr_bytes);
}

guint64
sn_ssh_exec_result_get_stdout_bytes (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), 0);
  return self->stdout_size;
}

guint64
sn_ssh_exec_result_get_stderr_bytes (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), 0);
  return self->stderr_size;
}

guint64
sn_ssh_exec_result_get_stdin_bytes (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), 0);
  return self->stdin_size;
}

gint64
sn_ssh_exec_result_get_duration_us (SnSshExecResult *self)
{
  g_return_val_if_fail (SN_IS_SSH_EXEC_RESULT (self), 0);
  return self->duration_us;
}


static char *
wrap_command (const char *command)
{
  /* See the design note at the top. The command keeps the login shell's syntax. */
  /* The command is a function body, parsed while stderr still goes to the
   * channel (syntax errors are shown); the shell's own stderr is then quiet
   * while job control is on, else a job that ends before `set +m` makes bash
   * print "[1]+ Exit 7 ..." into the command's stderr. */
  return g_strdup_printf ("sn_cmd() {\n%s\n}\n"
                          "exec 4>&2 2>/dev/null\n"
                          "set -m\n"
                          "exec 3<&0\n"
                          "sn_cmd </dev/null 3<&- 2>&4 4>&- &\n"
                          "sn_p=$!\n"
                          "set +m\n"
                          "{ cat <&3 >/dev/null 2>&1; kill -HUP -$sn_p 2>/dev/null || kill -HUP $sn_p; }"
                          " >/dev/null 2>&1 4>&- &\n"
                          "sn_w=$!\n"
                          "exec 3<&-\n"
                          "wait $sn_p\n"
                          "sn_r=$?\n"
                          "kill $sn_w 2>/dev/null\n"
                          "exec 2>&4 4>&-\n"
                          "if [ $sn_r -gt 128 ] && [ $sn_r -lt 160 ]; then kill -$((sn_r - 128)) $$; fi\n"
                          "exit $sn_r\n",
                          command);
}

/* For exec_with_input: the command reads the channel's stdin; see the design note. */
static char *
wrap_command_with_input (const char *command,
                         const char *token)
{
  return g_strdup_printf ("sn_cmd() {\n%s\n}\n"
                          "sn_pf=${TMPDIR:-/tmp}/sn-exec-%s.pid\n"
                          "sn_pp=$PPID\n"
                          "exec 4>&2 2>/dev/null\n"
                          "set -m\n"
                          "sn_cmd 2>&4 4>&- &\n"
                          "sn_p=$!\n"
                          "set +m\n"
                          "echo $sn_p > \"$sn_pf\"\n"
                          "{ while kill -0 $sn_pp; do sleep 1; done; kill -HUP -$sn_p || kill -HUP $sn_p; }"
                          " </dev/null >/dev/null 2>&1 4>&- &\n"
                          "sn_w=$!\n"
                          "wait $sn_p\n"
                          "sn_r=$?\n"
                          "kill $sn_w 2>/dev/null\n"
                          "rm -f \"$sn_pf\"\n"
                          "exec 2>&4 4>&-\n"
                          "if [ $sn_r -gt 128 ] && [ $sn_r -lt 160 ]; then kill -$((sn_r - 128)) $$; fi\n"
                          "exit $sn_r\n",
                          command, token);
}

/* Run on another channel: hangs up the process group of the command whose
 * wrapper wrote the pid file named by @token (waiting up to 5 s for it). */
static char *
kill_command (const char *token)
{
  return g_strdup_printf ("f=${TMPDIR:-/tmp}/sn-exec-%s.pid; i=0; "
                          "while [ ! -s \"$f\" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; "
                          "if [ -s \"$f\" ]; then p=$(cat \"$f\"); rm -f \"$f\"; "
                          "kill -HUP -\"$p\" 2>/dev/null || kill -HUP \"$p\" 2>/dev/null; fi; exit 0",
                          token);
}

typedef struct
{
  GPtrArray *lines;   /* "O..." or "E..." */
  LineSink  *sink;    /* borrowed: freed after us in the same context */
} LineBatch;

static void
line_batch_free (gpointer data)
{
  LineBatch *batch = data;

  g_ptr_array_unref (batch->lines);
  g_free (batch);
}

static gboolean
line_batch_dispatch (gpointer data)
{
  LineBatch *batch = data;
  guint i;

  for (i = 0; i < batch->lines->len; i++)
    {
      const char *line = g_ptr_array_index (batch->lines, i);
      batch->sink->func (line + 1, line[0] == 'E', batch->sink->data);
    }

  return G_SOURCE_REMOVE;
}

static void
split_lines (Job        *job,
             GByteArray *buf,
             gboolean    is_stderr,
             gboolean    flush)
{
  gsize start = 0;
  gsize i;

  for (i = 0; i < buf->len; i++)
    {
      if (buf->data[i] == '\n')
        {
          gsize end = i;

          if (end > start && buf->data[end - 1] == '\r')
            end--;
          g_ptr_array_add (job->pending_lines,
                           g_strdup_printf ("%c%.*s", is_stderr ? 'E' : 'O',
                                            (int)(end - start), buf->data + start));
          start = i + 1;
        }
    }

  /* No newline for over LINE_LIMIT bytes: pass it on in pieces, cut
   * between UTF-8 characters. */
  while (buf->len - start > LINE_LIMIT)
    {
      gsize cut = start + LINE_LIMIT;

      while (cut > start + LINE_LIMIT - 4 && (buf->data[cut] & 0xC0) == 0x80)
        cut--;
      g_ptr_array_add (job->pending_lines,
                       g_strdup_printf ("%c%.*s%s", is_stderr ? 'E' : 'O',
                                        (int)(cut - start), buf->data + start, LINE_CUT_MARKER));
      start = cut;
    }

  if (flush && start < buf->len)
    {
      g_ptr_array_add (job->pending_lines,
                       g_strdup_printf ("%c%.*s", is_stderr ? 'E' : 'O',
                                        (int)(buf->len - start), buf->data + start));
      start = buf->len;
    }

  if (start > 0)
    g_byte_array_remove_range (buf, 0, start);
}

static void
flush_lines (Job *job)
{
  LineBatch *batch;

  if (job->pending_lines == NULL || job->pending_lines->len == 0)
    return;

  batch = g_new0 (LineBatch, 1);
  batch->lines = g_steal_pointer (&job->pending_lines);
  batch->sink = job->sink;
  job->pending_lines = g_ptr_array_new_with_free_func (g_free);

  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT,
                              line_batch_dispatch, batch, line_batch_free);
}

/* Passes on every line left, the last one even without its newline. */
void
sn_ssh_job_flush_all_lines (Job *job)
{
  split_lines (job, job->out, FALSE, TRUE);
  split_lines (job, job->err, TRUE, TRUE);
  flush_lines (job);
}

static SnSshExecResult *
job_make_result (Worker *worker,
                 Job    *job)
{
  SnSshExecResult *result = g_object_new (SN_TYPE_SSH_EXEC_RESULT, NULL);
  char *signal_name = NULL;
  size_t signal_len = 0;

  result->command = g_strdup (job->command);
  result->exit_status = libssh2_channel_get_exit_status (job->channel);
  libssh2_channel_get_exit_signal (job->channel, &signal_name, &signal_len, NULL, NULL, NULL, NULL);
  if (signal_name != NULL)
    {
      result->exit_signal = g_strndup (signal_name, signal_len);
      result->exit_status = -1;
      libssh2_free (worker->session, signal_name);
    }

  result->stdout_size = job->out_size;
  result->stderr_size = job->err_size;
  result->stdin_size = job->in_size;
  result->duration_us = g_get_monotonic_time () - job->started;

  if (job->mode == EXEC_BUFFER)
    result->stdout_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&job->out));
  else
    result->stdout_bytes = g_bytes_new (NULL, 0);

  if (job->mode != EXEC_LINES)
    result->stderr_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&job->err));
  else
    result->stderr_bytes = g_bytes_new (NULL, 0);

  return result;
}

static void
job_abort (Worker *worker,
           Job    *job,
           GError *error)
{
  if (job->mode == EXEC_LINES && job->pending_lines != NULL)
    flush_lines (job);
  sn_ssh_job_return_error (job, error);
  job->aborting = TRUE;

  /* An open or exec in flight must complete inside libssh2 first. */
  if (job->state == CH_OPEN && worker->opening != job)
    job->state = CH_DONE;
  else if (job->state == CH_RUN)
    job->state = job->input != NULL ? CH_ABORT_KILL : CH_ABORT_EOF;
}

/* Feeds the command's stdin from job->input. Returns TRUE on progress;
 * FALSE with job->aborting set when it gave up on the job. */
static gboolean
input_pump (Worker  *worker,
            Job     *job,
            int     *fatal)
{
  gboolean progress = FALSE;
  ssize_t n;
  int rc;

  if (job->eof_sent)
    return FALSE;

  if (job->in_off == job->in_len && !job->input_eof)
    {
      g_autoptr(GError) error = NULL;
      gssize got;

      /* A blocking read on the worker thread: a file or memory stream. */
      got = g_input_stream_read (job->input, job->in_buf, INPUT_BUFFER_SIZE, job->cancellable, &error);
      if (got < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_prefix_error (&error, _("Could not read the input of the command: "));
          job_abort (worker, job, g_steal_pointer (&error));
          return TRUE;
        }
      if (got == 0)
        job->input_eof = TRUE;
      job->in_len = got;
      job->in_off = 0;
      progress = TRUE;
    }

  if (job->in_off < job->in_len)
    {
      n = libssh2_channel_write (job->channel, (const char *)job->in_buf + job->in_off,
                                 job->in_len - job->in_off);
      if (n > 0)
        {
          job->in_off += n;
          job->in_size += n;
          progress = TRUE;
        }
      else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
        {
          if (sn_ssh_rc_is_fatal ((int)n))
            {
              *fatal = (int)n;
              return progress;
            }
          /* the command stopped reading (it ended or closed stdin): keep its output */
          job->eof_sent = TRUE;
          return TRUE;
        }
    }

  if (job->input_eof && job->in_off == job->in_len)
    {
      rc = libssh2_channel_send_eof (job->channel);
      if (rc == 0)
        {
          job->eof_sent = TRUE;
          progress = TRUE;
        }
      else if (rc != LIBSSH2_ERROR_EAGAIN)
        {
          if (sn_ssh_rc_is_fatal (rc))
            *fatal = rc;
          else
            job->eof_sent = TRUE;
        }
    }

  return progress;
}

static Job *
killer_new (Job *parent)
{
  Job *killer = sn_ssh_job_new (JOB_EXEC, NULL);

  killer->command = kill_command (parent->token);
  killer->wrapped = g_strdup (killer->command);
  killer->mode = EXEC_BUFFER;
  killer->out = g_byte_array_new ();
  killer->err = g_byte_array_new ();
  killer->state = CH_OPEN;
  killer->started = g_get_monotonic_time ();
  killer->parent = parent;
  parent->killer = killer;

  return killer;
}

/* Cancelled, or past its deadline: the job is aborted. Returns TRUE if so. */
static gboolean
exec_check_deadline (Worker *worker,
                     Job    *job)
{
  if (job->task == NULL || job->state >= CH_CLOSE)
    return FALSE;

  if (sn_ssh_job_is_cancelled (job))
    {
      job_abort (worker, job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The command was cancelled.")));
      return TRUE;
    }

  if (job->deadline != 0 && g_get_monotonic_time () >= job->deadline)
    {
      job_abort (worker, job,
                 g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_TIMEOUT,
                              _("The command did not finish within %.1f s on %s:%u and was "
                                "stopped: %s"),
                              job->timeout_ms / 1000.0, worker->host, worker->port,
                              job->command));
      return TRUE;
    }

  return FALSE;
}

static PumpStep
exec_open (Worker *worker,
           Job    *job,
           int    *fatal)
{
  LIBSSH2_SESSION *s = worker->session;
  int rc;

  if (worker->opening != NULL && worker->opening != job)
    return PUMP_WAIT;
  worker->opening = job;
  job->channel = libssh2_channel_open_ex (s, "session", sizeof "session" - 1,
                                          EXEC_WINDOW_SIZE, LIBSSH2_CHANNEL_PACKET_DEFAULT,
                                          NULL, 0);
  if (job->channel == NULL)
    {
      char *msg = NULL;

      rc = libssh2_session_last_error (s, &msg, NULL, 0);
      if (rc == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      worker->opening = NULL;
      if (sn_ssh_rc_is_fatal (rc))
        {
          *fatal = rc;
          return PUMP_WAIT;
        }
      if (job->task != NULL)
        sn_ssh_job_return_error (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                                                   _("%s:%u refused to open a session channel: %s. "
                                                     "The server may limit sessions (MaxSessions)."),
                                                   worker->host, worker->port, msg));
      job->state = CH_DONE;
      return PUMP_PROGRESS;
    }
  worker->opening = NULL;
  job->state = job->aborting ? CH_FREE : CH_EXEC;
  return PUMP_AGAIN;
}

static PumpStep
exec_exec (Worker *worker,
           Job    *job,
           int    *fatal)
{
  int rc;

  rc = libssh2_channel_exec (job->channel, job->wrapped);
  if (rc == LIBSSH2_ERROR_EAGAIN)
    return PUMP_WAIT;
  if (rc < 0)
    {
      if (sn_ssh_rc_is_fatal (rc))
        {
          *fatal = rc;
          return PUMP_WAIT;
        }
      if (job->task != NULL)
        sn_ssh_job_return_error (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                                                   _("%s:%u refused to run the command (libssh2 error %d)."),
                                                   worker->host, worker->port, rc));
      job->state = CH_FREE;
      return PUMP_PROGRESS;
    }
  if (job->aborting)
    job->state = job->input != NULL ? CH_ABORT_KILL : CH_ABORT_EOF;
  else
    job->state = CH_RUN;
  return PUMP_AGAIN;
}

/* Reads what stdout holds. PUMP_AGAIN: go on (@got set if anything came). */
static PumpStep
exec_read_stdout (Worker   *worker,
                  Job      *job,
                  int      *fatal,
                  gboolean *got)
{
  ssize_t n;

  n = libssh2_channel_read (job->channel, (char *)worker->buffer, READ_BUFFER_SIZE);
  if (n > 0)
    {
      job->out_size += n;
      *got = TRUE;
      if (job->mode == EXEC_STREAM)
        {
          g_autoptr(GError) error = NULL;

          if (!g_output_stream_write_all (job->stream, worker->buffer, n, NULL,
                                          job->cancellable, &error))
            {
              g_prefix_error (&error, _("Could not write the output of the command: "));
              job_abort (worker, job, g_steal_pointer (&error));
              return PUMP_PROGRESS;
            }
        }
      else
        {
          g_byte_array_append (job->out, worker->buffer, n);
          if (job->mode == EXEC_LINES)
            split_lines (job, job->out, FALSE, FALSE);
        }
    }
  else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
    {
      *fatal = sn_ssh_rc_is_fatal ((int)n) ? (int)n : 0;
      if (*fatal == 0)
        {
          job_abort (worker, job,
                     g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                                  _("Reading the output from %s:%u failed (libssh2 error %d)."),
                                  worker->host, worker->port, (int)n));
          return PUMP_PROGRESS;
        }
      return PUMP_WAIT;
    }

  return PUMP_AGAIN;
}

/* Reads what stderr holds. PUMP_AGAIN: go on (@got set if anything came). */
static PumpStep
exec_read_stderr (Worker   *worker,
                  Job      *job,
                  int      *fatal,
                  gboolean *got)
{
  ssize_t n;

  n = libssh2_channel_read_stderr (job->channel, (char *)worker->buffer, READ_BUFFER_SIZE);
  if (n > 0)
    {
      job->err_size += n;
      *got = TRUE;
      if (job->mode != EXEC_STREAM || job->err->len < STDERR_STREAM_LIMIT)
        g_byte_array_append (job->err, worker->buffer, n);
      if (job->mode == EXEC_LINES)
        split_lines (job, job->err, TRUE, FALSE);
    }
  else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN && sn_ssh_rc_is_fatal ((int)n))
    {
      *fatal = (int)n;
      return PUMP_WAIT;
    }

  return PUMP_AGAIN;
}

/* CH_RUN: feeds stdin, reads stdout and stderr, until the command's EOF. */
static PumpStep
exec_run (Worker *worker,
          Job    *job,
          int    *fatal)
{
  gboolean got = FALSE;
  PumpStep step;

  if (job->input != NULL)
    {
      got = input_pump (worker, job, fatal);
      if (*fatal != 0 || job->aborting)
        return PUMP_PROGRESS;
    }

  step = exec_read_stdout (worker, job, fatal, &got);
  if (step != PUMP_AGAIN)
    return step;
  step = exec_read_stderr (worker, job, fatal, &got);
  if (step != PUMP_AGAIN)
    return step;

  if (got)
    return PUMP_AGAIN;

  if (job->mode == EXEC_LINES)
    flush_lines (job);

  if (!libssh2_channel_eof (job->channel))
    return PUMP_WAIT;

  if (job->mode == EXEC_LINES)
    sn_ssh_job_flush_all_lines (job);
  job->state = CH_CLOSE;
  return PUMP_AGAIN;
}

/* CH_CLOSE, CH_WAIT_CLOSED: the command ended; the result goes back. */
static PumpStep
exec_close (Worker *worker,
            Job    *job)
{
  int rc;

  if (job->state == CH_CLOSE)
    {
      rc = libssh2_channel_close (job->channel);
      if (rc == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      job->state = CH_WAIT_CLOSED;
      return PUMP_AGAIN;
    }

  rc = libssh2_channel_wait_closed (job->channel);
  if (rc == LIBSSH2_ERROR_EAGAIN)
    return PUMP_WAIT;
  if (job->task != NULL)
    {
      GTask *task = g_steal_pointer (&job->task);

      g_task_return_pointer (task, job_make_result (worker, job), g_object_unref);
      g_object_unref (task);
    }
  job->state = CH_FREE;
  return PUMP_AGAIN;
}

/* CH_ABORT_*: the job was given up; the command is hung up, the channel closed. */
static PumpStep
exec_abort (Worker *worker,
            Job    *job)
{
  int rc;

  switch (job->state)
    {
    case CH_ABORT_EOF:
      /* EOF on stdin makes the remote watchdog hang up the command. */
      rc = libssh2_channel_send_eof (job->channel);
      if (rc == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      job->state = CH_ABORT_CLOSE;
      return PUMP_AGAIN;

    case CH_ABORT_KILL:
      if (!job->kill_started)
        {
          job->kill_started = TRUE;
          g_ptr_array_add (worker->active, killer_new (job));
          if (job->killer != NULL)
            return PUMP_PROGRESS;   /* started; it ends the job's wait */
        }
      if (job->killer != NULL)
        return PUMP_WAIT;
      job->state = CH_ABORT_CLOSE;
      return PUMP_AGAIN;

    case CH_ABORT_CLOSE:
    default:
      rc = libssh2_channel_close (job->channel);
      if (rc == LIBSSH2_ERROR_EAGAIN)
        return PUMP_WAIT;
      job->state = CH_FREE;
      return PUMP_AGAIN;
    }
}

/* JOB_EXEC: one step of the channel's state machine after another, as far
 * as libssh2 lets it go. Returns TRUE when it made progress. Sets @fatal on
 * a session-level error. */
gboolean
sn_ssh_exec_job_pump (Worker  *worker,
                      Job     *job,
                      int     *fatal)
{
  gboolean progress = exec_check_deadline (worker, job);

  for (;;)
    {
      PumpStep step;
      int rc;

      switch (job->state)
        {
        case CH_OPEN:
          step = exec_open (worker, job, fatal);
          break;

        case CH_EXEC:
          step = exec_exec (worker, job, fatal);
          break;

        case CH_RUN:
          step = exec_run (worker, job, fatal);
          break;

        case CH_CLOSE:
        case CH_WAIT_CLOSED:
          step = exec_close (worker, job);
          break;

        case CH_ABORT_EOF:
        case CH_ABORT_KILL:
        case CH_ABORT_CLOSE:
          step = exec_abort (worker, job);
          break;

        case CH_FREE:
          rc = libssh2_channel_free (job->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          job->channel = NULL;
          job->state = CH_DONE;
          return TRUE;

        case CH_DONE:
        default:
          return progress;
        }

      if (step == PUMP_PROGRESS)
        return TRUE;
      if (step == PUMP_WAIT)
        return progress;
      progress = TRUE;
    }
}

static void
exec_common (SnSshSession        *self,
             const char          *command,
             ExecMode             mode,
             GOutputStream       *stream,
             GInputStream        *input,
             LineSink            *sink,
             guint                timeout_ms,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_ssh_session_exec_async);
  g_task_set_task_data (task, g_strdup (command), g_free);

  job = sn_ssh_job_new (JOB_EXEC, g_steal_pointer (&task));
  job->command = g_strdup (command);
  if (input != NULL)
    {
      job->input = g_object_ref (input);
      job->in_buf = g_malloc (INPUT_BUFFER_SIZE);
      job->token = g_uuid_string_random ();
      job->wrapped = wrap_command_with_input (command, job->token);
    }
  else
    job->wrapped = wrap_command (command);
  job->mode = mode;
  job->stream = stream != NULL ? g_object_ref (stream) : NULL;
  job->sink = sink;
  job->context = g_main_context_ref_thread_default ();
  job->timeout_ms = timeout_ms;
  job->out = g_byte_array_new ();
  job->err = g_byte_array_new ();
  if (mode == EXEC_LINES)
    job->pending_lines = g_ptr_array_new_with_free_func (g_free);
  job->state = CH_OPEN;

  sn_ssh_session_submit (self, job);
}

/**
 * sn_ssh_session_exec_async:
 * @command: a shell command line, run by the user's login shell on the server
 * @timeout_ms: stop the command after this long (0: no limit)
 *
 * Runs @command, keeping stdout and stderr apart in memory. Connects first
 * if needed. Cancelling sends EOF and closes the channel; the command's
 * process group on the server gets SIGHUP.
 */
void
sn_ssh_session_exec_async (SnSshSession        *self,
                           const char          *command,
                           guint                timeout_ms,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (command != NULL);

  exec_common (self, command, EXEC_BUFFER, NULL, NULL, NULL, timeout_ms,
               cancellable, callback, user_data);
}

/**
 * sn_ssh_session_exec_lines_async:
 * @line_func: called for each line of stdout or stderr as it arrives, in the
 *   caller's thread-default main context, before @callback
 * @line_data_destroy: (nullable): called once after the last line
 *
 * The result's stdout and stderr are empty: the lines went to @line_func.
 */
void
sn_ssh_session_exec_lines_async (SnSshSession        *self,
                                 const char          *command,
                                 guint                timeout_ms,
                                 SnSshLineFunc        line_func,
                                 gpointer             line_data,
                                 GDestroyNotify       line_data_destroy,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  LineSink *sink;

  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (command != NULL);
  g_return_if_fail (line_func != NULL);

  sink = g_new0 (LineSink, 1);
  sink->func = line_func;
  sink->data = line_data;
  sink->destroy = line_data_destroy;

  exec_common (self, command, EXEC_LINES, NULL, NULL, sink, timeout_ms,
               cancellable, callback, user_data);
}

/**
 * sn_ssh_session_exec_to_stream_async:
 * @stdout_stream: receives stdout as it arrives; written from the session's
 *   worker thread with blocking writes, so it must not be used elsewhere
 *   meanwhile and must not need the main loop (a file or memory stream)
 *
 * For large outputs (pg_dump): nothing of stdout is kept in memory; stderr is
 * kept up to 1 MiB. The stream is not closed.
 */
void
sn_ssh_session_exec_to_stream_async (SnSshSession        *self,
                                     const char          *command,
                                     GOutputStream       *stdout_stream,
                                     guint                timeout_ms,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (command != NULL);
  g_return_if_fail (G_IS_OUTPUT_STREAM (stdout_stream));

  exec_common (self, command, EXEC_STREAM, stdout_stream, NULL, NULL, timeout_ms,
               cancellable, callback, user_data);
}

/**
 * sn_ssh_session_exec_with_input_async:
 * @stdin_stream: what the command reads on its stdin, sent as it is read;
 *   read from the session's worker thread with blocking reads, so it must
 *   not be used elsewhere meanwhile and must not need the main loop (a file
 *   or memory stream). EOF is sent once it is exhausted. It is not closed.
 *
 * Like sn_ssh_session_exec_async(), with the command's stdin fed from
 * @stdin_stream (uploads, `psql -f -`, ...). Cancelling or a timeout sends
 * SIGHUP to the command's process group through a second exec before the
 * channel closes (see the design note in sn-ssh-session.c), so the command
 * never mistakes a cancel for the end of its input. The result's
 * sn_ssh_exec_result_get_stdin_bytes() says how much was sent.
 */
void
sn_ssh_session_exec_with_input_async (SnSshSession        *self,
                                      const char          *command,
                                      GInputStream        *stdin_stream,
                                      guint                timeout_ms,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (command != NULL);
  g_return_if_fail (G_IS_INPUT_STREAM (stdin_stream));

  exec_common (self, command, EXEC_BUFFER, NULL, stdin_stream, NULL, timeout_ms,
               cancellable, callback, user_data);
}

/**
 * sn_ssh_session_exec_finish:
 *
 * Returns: (transfer full): the result, also when the command exited non-zero;
 *   %NULL with @error when it could not run, was cancelled or timed out
 */
SnSshExecResult *
sn_ssh_session_exec_finish (SnSshSession  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (SN_IS_SSH_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
