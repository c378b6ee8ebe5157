/* sn-ssh-worker.c: the worker thread that alone touches libssh2, its jobs and its poll loop
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-ssh-session"

#include "config.h"

#ifndef _GNU_SOURCE
# define _GNU_SOURCE   /* POLLRDHUP */
#endif

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "sn-ssh-session-private.h"

void
sn_ssh_sftp_result_free (SftpResult *result)
{
  g_clear_pointer (&result->data, g_bytes_unref);
  g_free (result);
}

void
sn_ssh_job_done_clear (JobDone *done)
{
  g_mutex_clear (&done->lock);
  g_cond_clear (&done->cond);
}

Worker *
sn_ssh_worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

void
sn_ssh_worker_unref (Worker *worker)
{
  if (!g_atomic_ref_count_dec (&worker->ref_count))
    return;

  g_assert (worker->session == NULL);
  g_clear_pointer (&worker->jobs, g_async_queue_unref);
  if (worker->wake_fd >= 0)
    close (worker->wake_fd);
  g_clear_object (&worker->profile);
  g_clear_object (&worker->secrets);
  g_clear_object (&worker->known_hosts);
  g_clear_pointer (&worker->host, g_free);
  g_clear_pointer (&worker->user, g_free);
  g_clear_pointer (&worker->key_file, g_free);
  g_clear_pointer (&worker->host_key, g_bytes_unref);
  g_clear_pointer (&worker->active, g_ptr_array_unref);
  g_clear_pointer (&worker->listeners, g_ptr_array_unref);
  g_clear_pointer (&worker->forwards, g_ptr_array_unref);
  g_clear_pointer (&worker->buffer, g_free);
  g_mutex_clear (&worker->lock);
  g_free (worker);
}

void
sn_ssh_worker_wake (Worker *worker)
{
  guint64 one = 1;

  if (write (worker->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_warning ("Could not wake the SSH worker: %s", g_strerror (errno));
}

Job *
sn_ssh_job_new (JobKind       kind,
         GTask        *task)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->task = task;
  job->listen_fd = -1;
  job->cancellable = task != NULL ? g_task_get_cancellable (task) : NULL;
  if (job->cancellable != NULL)
    g_object_ref (job->cancellable);

  return job;
}

static void
invoke_sink_destroy (gpointer data)
{
  LineSink *sink = data;

  if (sink->destroy != NULL)
    sink->destroy (sink->data);
  g_free (sink);
}

static gboolean
sink_destroy_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

void
sn_ssh_job_free (Job *job)
{
  if (job->cancel_id != 0)
    g_cancellable_disconnect (job->cancellable, job->cancel_id);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->task);
  g_clear_pointer (&job->command, g_free);
  g_clear_pointer (&job->wrapped, g_free);
  g_clear_object (&job->stream);
  if (job->sink != NULL)
    {
      /* Runs after every line batch already queued in that context. */
      g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT,
                                  sink_destroy_cb, g_steal_pointer (&job->sink),
                                  invoke_sink_destroy);
    }
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_pointer (&job->out, g_byte_array_unref);
  g_clear_pointer (&job->err, g_byte_array_unref);
  g_clear_pointer (&job->pending_lines, g_ptr_array_unref);
  g_clear_pointer (&job->target_host, g_free);
  g_clear_object (&job->input);
  g_clear_pointer (&job->in_buf, g_free);
  g_clear_pointer (&job->token, g_free);
  if (job->parent != NULL)
    job->parent->killer = NULL;
  if (job->killer != NULL)
    job->killer->parent = NULL;
  g_clear_pointer (&job->path, g_free);
  g_clear_pointer (&job->data, g_bytes_unref);
  g_clear_pointer (&job->sftp_result, sn_ssh_sftp_result_free);
  g_clear_error (&job->error);
  if (job->listen_fd >= 0)
    close (job->listen_fd);
  if (job->done != NULL)
    {
      g_mutex_lock (&job->done->lock);
      job->done->done = TRUE;
      g_cond_broadcast (&job->done->cond);
      g_mutex_unlock (&job->done->lock);
      g_atomic_rc_box_release_full (job->done, (GDestroyNotify)sn_ssh_job_done_clear);
    }
  g_assert (job->channel == NULL);
  g_assert (job->handle == NULL);
  g_free (job);
}

void
sn_ssh_job_return_error (Job    *job,
                  GError *error)
{
  if (job->task != NULL)
    {
      GTask *task = g_steal_pointer (&job->task);

      g_task_return_error (task, error);
      g_object_unref (task);
    }
  else
    g_error_free (error);
}

gboolean
sn_ssh_job_is_cancelled (Job *job)
{
  return job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable);
}

gboolean
sn_ssh_rc_is_fatal (int rc)
{
  switch (rc)
    {
    case LIBSSH2_ERROR_SOCKET_NONE:
    case LIBSSH2_ERROR_BANNER_RECV:
    case LIBSSH2_ERROR_BANNER_SEND:
    case LIBSSH2_ERROR_INVALID_MAC:
    case LIBSSH2_ERROR_KEX_FAILURE:
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_KEY_EXCHANGE_FAILURE:
    case LIBSSH2_ERROR_TIMEOUT:
    case LIBSSH2_ERROR_DECRYPT:
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_PROTO:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_ENCRYPT:
    case LIBSSH2_ERROR_BAD_SOCKET:
      return TRUE;
    default:
      return FALSE;
    }
}

static void
worker_fail_all (Worker       *worker,
                 const GError *error)
{
  Job *job;
  guint i;

  /* Refuse new jobs first, then drain what is queued. */
  g_mutex_lock (&worker->lock);
  worker->dead = TRUE;
  worker->connected = FALSE;
  g_mutex_unlock (&worker->lock);

  if (worker->active != NULL)
    {
      for (i = 0; i < worker->active->len; i++)
        {
          job = g_ptr_array_index (worker->active, i);
          if (job->mode == EXEC_LINES && job->pending_lines != NULL)
            sn_ssh_job_flush_all_lines (job);
          sn_ssh_job_return_error (job, g_error_copy (error));
          /* the session is gone: libssh2_session_free releases the channel */
          job->channel = NULL;
          job->handle = NULL;
          sn_ssh_job_free (job);
        }
      g_ptr_array_set_size (worker->active, 0);
    }

  while ((job = g_queue_pop_head (&worker->waiting)) != NULL)
    {
      sn_ssh_job_return_error (job, g_error_copy (error));
      sn_ssh_job_free (job);
    }

  /* the session is gone: libssh2_session_free releases the channels */
  if (worker->forwards != NULL)
    {
      for (i = 0; i < worker->forwards->len; i++)
        ((Forward *)g_ptr_array_index (worker->forwards, i))->channel = NULL;
      g_ptr_array_set_size (worker->forwards, 0);
    }
  if (worker->listeners != NULL)
    g_ptr_array_set_size (worker->listeners, 0);
  worker->sftp_owner = NULL;

  while ((job = g_async_queue_try_pop (worker->jobs)) != NULL)
    {
      sn_ssh_job_return_error (job, g_error_copy (error));
      sn_ssh_job_free (job);
    }
}

static void
worker_take_job (Worker *worker,
                 Job    *job)
{
  if (job->kind == JOB_CONNECT)
    {
      GTask *task = g_steal_pointer (&job->task);

      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      sn_ssh_job_free (job);
      return;
    }

  if (job->kind == JOB_UNLISTEN)
    {
      sn_ssh_worker_unlisten (worker, job->listener_id);
      sn_ssh_job_free (job);
      return;
    }

  g_queue_push_tail (&worker->waiting, job);
}

static void live_workers_remove (Worker *worker);

/* Sends each job to the pump of its kind. Returns TRUE on progress. */
static gboolean
job_pump (Worker  *worker,
          Job     *job,
          int     *fatal)
{
  if (job->kind == JOB_LISTEN)
    return sn_ssh_listen_job_pump (worker, job, fatal);
  if (job->kind == JOB_SFTP)
    return sn_ssh_sftp_job_pump (worker, job, fatal);
  return sn_ssh_exec_job_pump (worker, job, fatal);
}

/* Moves queued jobs in, and waiting ones onto free channel slots. */
static void
worker_start_jobs (Worker *worker)
{
  Job *job;

  while ((job = g_async_queue_try_pop (worker->jobs)) != NULL)
    worker_take_job (worker, job);

  while (worker->active->len < SN_SSH_SESSION_MAX_CHANNELS &&
         (job = g_queue_pop_head (&worker->waiting)) != NULL)
    {
      if (sn_ssh_job_is_cancelled (job))
        {
          sn_ssh_job_return_error (job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                     _("The command was cancelled.")));
          sn_ssh_job_free (job);
          continue;
        }
      job->started = g_get_monotonic_time ();
      if (job->timeout_ms > 0)
        job->deadline = job->started + (gint64)job->timeout_ms * 1000;
      g_ptr_array_add (worker->active, job);
    }
}

/* Pumps every job and every forwarded connection once; frees the finished
 * ones. Returns TRUE on progress. */
static gboolean
worker_pump_all (Worker *worker,
                 int    *fatal)
{
  gboolean progress = FALSE;
  guint i;

  for (i = 0; i < worker->active->len && *fatal == 0; )
    {
      Job *job = g_ptr_array_index (worker->active, i);

      if (job_pump (worker, job, fatal))
        progress = TRUE;
      if (job->state == CH_DONE)
        {
          g_ptr_array_remove_index (worker->active, i);
          sn_ssh_job_free (job);
        }
      else
        i++;
    }

  for (i = 0; i < worker->forwards->len && *fatal == 0; )
    {
      Forward *fw = g_ptr_array_index (worker->forwards, i);

      if (sn_ssh_forward_pump (worker, fw, fatal))
        progress = TRUE;
      if (fw->state == FW_DONE)
        g_ptr_array_remove_index (worker->forwards, i);
      else
        i++;
    }

  return progress;
}

/* Some libssh2 calls parse one packet and leave the rest in its buffer,
 * where poll() cannot see them: read a stream nobody sends on any open
 * channel, which makes libssh2 parse everything it holds. */
static void
worker_drain_libssh2 (Worker *worker,
                      int    *fatal)
{
  LIBSSH2_CHANNEL *any = NULL;
  guint i;

  for (i = 0; i < worker->active->len && any == NULL; i++)
    {
      Job *job = g_ptr_array_index (worker->active, i);

      if (job->kind == JOB_EXEC && job->channel != NULL &&
          job->state >= CH_RUN && job->state <= CH_WAIT_CLOSED)
        any = job->channel;
    }
  for (i = 0; i < worker->forwards->len && any == NULL; i++)
    {
      Forward *fw = g_ptr_array_index (worker->forwards, i);

      if (fw->state == FW_RUN)
        any = fw->channel;
    }
  if (any == NULL && worker->sftp != NULL && worker->sftp_owner != NULL)
    any = libssh2_sftp_get_channel (worker->sftp);
  if (any != NULL)
    {
      ssize_t rc = libssh2_channel_read_ex (any, 99, (char *)worker->buffer, 1);

      if (rc < 0 && rc != LIBSSH2_ERROR_EAGAIN && sn_ssh_rc_is_fatal ((int)rc))
        *fatal = (int)rc;
    }
}

/* How long poll() may sleep: until the next deadline or keepalive. */
static int
worker_poll_timeout (Worker *worker,
                     int     next_keepalive)
{
  gint64 now = g_get_monotonic_time ();
  int timeout = 1000;
  guint i;

  for (i = 0; i < worker->active->len; i++)
    {
      Job *job = g_ptr_array_index (worker->active, i);

      if (job->deadline != 0 && job->task != NULL)
        timeout = MIN (timeout, (int)MAX (0, (job->deadline - now) / 1000 + 1));
    }
  if (next_keepalive > 0)
    timeout = MIN (timeout, next_keepalive * 1000);
  if (worker->active->len > 0)
    timeout = MIN (timeout, 100);   /* safety net while channels are busy */

  return timeout;
}

/* The wake fd, the socket, the tunnels' listeners and their connections. */
static struct pollfd *
worker_poll_fds (Worker *worker,
                 guint  *n_pfd)
{
  struct pollfd *pfd;
  int dirs;
  guint i;

  *n_pfd = 2 + worker->listeners->len + worker->forwards->len;
  pfd = g_new0 (struct pollfd, *n_pfd);
  pfd[0].fd = worker->wake_fd;
  pfd[0].events = POLLIN;
  pfd[1].fd = worker->sock;
  dirs = libssh2_session_block_directions (worker->session);
  if (worker->active->len > 0 || worker->forwards->len > 0)
    pfd[1].events = POLLIN | POLLRDHUP;
  else
    pfd[1].events = POLLRDHUP;   /* idle: only notice the peer going away */
  if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND)
    pfd[1].events |= POLLOUT;
  for (i = 0; i < worker->listeners->len; i++)
    {
      pfd[2 + i].fd = ((Listener *)g_ptr_array_index (worker->listeners, i))->fd;
      pfd[2 + i].events = POLLIN;
    }
  for (i = 0; i < worker->forwards->len; i++)
    {
      Forward *fw = g_ptr_array_index (worker->forwards, i);
      struct pollfd *p = &pfd[2 + worker->listeners->len + i];

      /* a negative fd is ignored by poll() */
      p->fd = fw->state == FW_RUN ? fw->fd : -1;
      if (fw->to_remote_off == fw->to_remote_len && !fw->local_eof)
        p->events |= POLLIN;
      if (fw->to_local_off < fw->to_local_len)
        p->events |= POLLOUT;
      if (p->events == 0)
        p->fd = -1;
    }

  return pfd;
}

/* Sleeps until something happens, then accepts tunnel connections and
 * drains the wake fd. Returns FALSE when the loop must end (@fatal set if
 * the peer went away). */
static gboolean
worker_poll (Worker *worker,
             int     next_keepalive,
             int    *fatal)
{
  g_autofree struct pollfd *pfd = NULL;
  int timeout = worker_poll_timeout (worker, next_keepalive);
  guint n_pfd;
  guint i;

  pfd = worker_poll_fds (worker, &n_pfd);

  if (poll (pfd, n_pfd, timeout) < 0 && errno != EINTR)
    return FALSE;

  for (i = 0; i < worker->listeners->len; i++)
    {
      if (pfd[2 + i].revents & POLLIN)
        sn_ssh_listener_accept (worker, g_ptr_array_index (worker->listeners, i));
    }

  if (pfd[0].revents & POLLIN)
    {
      guint64 value;
      if (read (worker->wake_fd, &value, sizeof value) < 0)
        {
          /* EAGAIN: someone else drained it */
        }
    }

  if (worker->active->len == 0 && worker->forwards->len == 0 &&
      (pfd[1].revents & (POLLRDHUP | POLLHUP | POLLERR)))
    {
      *fatal = LIBSSH2_ERROR_SOCKET_DISCONNECT;
      return FALSE;
    }

  return TRUE;
}

/* The loop ended: on a lost connection (@fatal) or a close. */
static void
worker_finish (Worker *worker,
               int     fatal)
{
  if (fatal != 0)
    {
      g_autoptr(GError) lost = NULL;
      char *msg = NULL;

      libssh2_session_last_error (worker->session, &msg, NULL, 0);
      lost = g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_DISCONNECTED,
                          _("The connection to %s:%u was lost (%s). Check the network and the "
                            "server; the next action reconnects."),
                          worker->host, worker->port,
                          msg != NULL && *msg ? msg : _("the server stopped answering"));
      g_debug ("%s", lost->message);
      worker_fail_all (worker, lost);
      sn_ssh_worker_close_session (worker, FALSE);
    }
  else
    {
      g_autoptr(GError) closed = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("The SSH session was closed."));

      sn_ssh_worker_close_session (worker, TRUE);
      worker_fail_all (worker, closed);
    }
}

gpointer
sn_ssh_worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GError) error = NULL;
  int fatal = 0;

  worker->sock = -1;
  worker->active = g_ptr_array_new ();
  worker->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify)sn_ssh_listener_free);
  worker->forwards = g_ptr_array_new_with_free_func ((GDestroyNotify)sn_ssh_forward_free);
  worker->buffer = g_malloc (READ_BUFFER_SIZE);

  if (!sn_ssh_worker_connect (worker, &error))
    {
      sn_ssh_worker_close_session (worker, FALSE);
      worker_fail_all (worker, error);
      live_workers_remove (worker);
      sn_ssh_worker_unref (worker);
      return NULL;
    }

  g_mutex_lock (&worker->lock);
  worker->connected = TRUE;
  g_mutex_unlock (&worker->lock);

  for (;;)
    {
      gboolean progress;
      gboolean quit;
      int next_keepalive = 0;
      guint64 received_before = worker->received;

      g_mutex_lock (&worker->lock);
      quit = worker->quit;
      g_mutex_unlock (&worker->lock);
      if (quit)
        break;

      worker_start_jobs (worker);
      progress = worker_pump_all (worker, &fatal);

      if (fatal == 0 && worker->keepalive > 0)
        {
          int rc = libssh2_keepalive_send (worker->session, &next_keepalive);

          if (rc != 0 && rc != LIBSSH2_ERROR_EAGAIN && sn_ssh_rc_is_fatal (rc))
            fatal = rc;
        }

      if (fatal != 0)
        break;

      if (progress || worker->received != received_before)
        continue;

      worker_drain_libssh2 (worker, &fatal);
      if (fatal != 0)
        break;
      if (worker->received != received_before)
        continue;

      if (!worker_poll (worker, next_keepalive, &fatal))
        break;
    }

  worker_finish (worker, fatal);
  live_workers_remove (worker);
  sn_ssh_worker_unref (worker);
  return NULL;
}


static GMutex live_lock;
static GCond live_cond;
static GPtrArray *live_workers;   /* Worker *, borrowed: removed by the thread itself */

static void
stop_live_workers_at_exit (void)
{
  gint64 deadline = g_get_monotonic_time () + 3 * G_TIME_SPAN_SECOND;

  g_mutex_lock (&live_lock);
  for (guint i = 0; i < live_workers->len; i++)
    {
      Worker *worker = g_ptr_array_index (live_workers, i);

      g_mutex_lock (&worker->lock);
      worker->quit = TRUE;
      g_mutex_unlock (&worker->lock);
      sn_ssh_worker_wake (worker);
    }
  while (live_workers->len > 0)
    if (!g_cond_wait_until (&live_cond, &live_lock, deadline))
      break;
  g_mutex_unlock (&live_lock);
}

void
sn_ssh_live_workers_add (Worker *worker)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      /* Our exit handler must run before OpenSSL's, so OpenSSL registers
       * its own first: handlers run in reverse order. libssh2 1.10's
       * libssh2_init() happened to initialise OpenSSL; 1.11's does not
       * (OpenSSL then starts on the worker's first random padding, and
       * tears itself down before a worker says goodbye: a crash at exit).
       * With no options OpenSSL returns at once and registers nothing. */
      OPENSSL_init_crypto (OPENSSL_INIT_ADD_ALL_CIPHERS | OPENSSL_INIT_ADD_ALL_DIGESTS, NULL);
      libssh2_init (0);
      live_workers = g_ptr_array_new ();
      atexit (stop_live_workers_at_exit);
      g_once_init_leave (&initialized, 1);
    }

  g_mutex_lock (&live_lock);
  g_ptr_array_add (live_workers, worker);
  g_mutex_unlock (&live_lock);
}

static void
live_workers_remove (Worker *worker)
{
  g_mutex_lock (&live_lock);
  g_ptr_array_remove_fast (live_workers, worker);
  g_cond_broadcast (&live_cond);
  g_mutex_unlock (&live_lock);
}
