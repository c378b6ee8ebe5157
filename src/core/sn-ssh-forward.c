/* sn-ssh-forward.c: TCP forwarding for SnSshTunnel (worker thread, non-blocking)
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
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "sn-ssh-session-private.h"

void
sn_ssh_listener_free (Listener *listener)
{
  if (listener->fd >= 0)
    close (listener->fd);
  g_free (listener->host);
  g_free (listener);
}

void
sn_ssh_forward_free (Forward *fw)
{
  if (fw->fd >= 0)
    close (fw->fd);
  g_free (fw->host);
  g_free (fw->to_remote);
  g_free (fw->to_local);
  g_free (fw);
}

/* ------------------------------------------------------------------------ */
/* Forwarding for SnSshTunnel (worker thread, non-blocking)                 */

static GError *
forward_open_error (Worker     *worker,
                    const char *host,
                    guint       port,
                    const char *msg)
{
  if (msg != NULL && strstr (msg, "prohibited") != NULL)
    return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_FORWARDING_DISABLED,
                        _("%s:%u does not allow TCP forwarding (sshd has “AllowTcpForwarding "
                          "no”), so no tunnel to %s:%u can be opened. Nothing else is lost: "
                          "reports still work through psql over SSH; HTTP through curl on the "
                          "host."),
                        worker->host, worker->port, host, port);

  if (msg != NULL && strstr (msg, "connect failed") != NULL)
    return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                        _("%s:%u could not connect to %s:%u for the tunnel: nothing listens "
                          "there. Check that the service runs on the server and the port in "
                          "the profile."),
                        worker->host, worker->port, host, port);

  return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                      _("%s:%u refused the tunnel to %s:%u: %s."),
                      worker->host, worker->port, host, port,
                      msg != NULL ? msg : _("unknown reason"));
}

/* JOB_LISTEN: opens one direct-tcpip channel to check that forwarding is
 * allowed and the target answers, closes it, then starts accepting. */
gboolean
sn_ssh_listen_job_pump (Worker  *worker,
                 Job     *job,
                 int     *fatal)
{
  LIBSSH2_SESSION *s = worker->session;
  int rc;

  for (;;)
    {
      switch (job->state)
        {
        case CH_OPEN:
          if (worker->opening != NULL && worker->opening != job)
            return FALSE;
          if (worker->opening == NULL && sn_ssh_job_is_cancelled (job))
            {
              sn_ssh_job_return_error (job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("Opening the tunnel was cancelled.")));
              job->state = CH_DONE;
              return TRUE;
            }
          worker->opening = job;
          job->channel = libssh2_channel_direct_tcpip_ex (s, job->target_host, (int)job->target_port,
                                                          "127.0.0.1", 0);
          if (job->channel == NULL)
            {
              char *msg = NULL;

              rc = libssh2_session_last_error (s, &msg, NULL, 0);
              if (rc == LIBSSH2_ERROR_EAGAIN)
                return FALSE;
              worker->opening = NULL;
              if (sn_ssh_rc_is_fatal (rc))
                {
                  *fatal = rc;
                  return FALSE;
                }
              sn_ssh_job_return_error (job, forward_open_error (worker, job->target_host,
                                                         job->target_port, msg));
              job->state = CH_DONE;
              return TRUE;
            }
          worker->opening = NULL;
          job->state = CH_FREE;
          break;

        case CH_FREE:
          rc = libssh2_channel_free (job->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return TRUE;
          job->channel = NULL;
          if (job->task != NULL)
            {
              Listener *listener = g_new0 (Listener, 1);
              GTask *task = g_steal_pointer (&job->task);

              listener->id = job->listener_id;
              listener->fd = job->listen_fd;
              job->listen_fd = -1;
              listener->host = g_strdup (job->target_host);
              listener->port = job->target_port;
              g_ptr_array_add (worker->listeners, listener);
              g_task_return_boolean (task, TRUE);
              g_object_unref (task);
            }
          job->state = CH_DONE;
          return TRUE;

        case CH_DONE:
        default:
          return FALSE;
        }
    }
}

static void
forward_close_local (Forward *fw)
{
  if (fw->fd >= 0)
    {
      close (fw->fd);
      fw->fd = -1;
    }
}

/* The steps of a forwarded connection. PUMP_AGAIN: the pump goes round
 * again if @again was set. */

static PumpStep
forward_open (Worker   *worker,
              Forward  *fw,
              int      *fatal,
              gboolean *progress,
              gboolean *again)
{
  LIBSSH2_SESSION *s = worker->session;
  int rc;

  if (worker->opening != NULL && worker->opening != fw)
    return PUMP_WAIT;
  if (fw->fd < 0 && worker->opening != fw)
    {
      /* the tunnel was closed before the channel was asked for */
      fw->state = FW_DONE;
      return PUMP_PROGRESS;
    }
  worker->opening = fw;
  fw->channel = libssh2_channel_direct_tcpip_ex (s, fw->host, (int)fw->port,
                                                 "127.0.0.1", (int)fw->peer_port);
  if (fw->channel == NULL)
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
      g_debug ("Tunnel connection to %s:%u refused: %s", fw->host, fw->port, msg);
      forward_close_local (fw);
      fw->state = FW_DONE;
      return PUMP_PROGRESS;
    }
  worker->opening = NULL;
  fw->state = fw->fd >= 0 ? FW_RUN : FW_CLOSE;
  *progress = *again = TRUE;
  return PUMP_AGAIN;
}

/* FW_RUN: from the local socket to the channel. */
static PumpStep
forward_to_remote (Worker   *worker,
                   Forward  *fw,
                   int      *fatal,
                   gboolean *progress,
                   gboolean *again)
{
  ssize_t n;
  int rc;

  if (fw->to_remote_off == fw->to_remote_len && !fw->local_eof)
    {
      n = recv (fw->fd, fw->to_remote, FORWARD_BUFFER_SIZE, 0);
      if (n > 0)
        {
          fw->to_remote_len = n;
          fw->to_remote_off = 0;
          *progress = *again = TRUE;
        }
      else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
        {
          fw->local_eof = TRUE;
          *progress = *again = TRUE;
        }
    }
  if (fw->to_remote_off < fw->to_remote_len)
    {
      n = libssh2_channel_write (fw->channel, (const char *)fw->to_remote + fw->to_remote_off,
                                 fw->to_remote_len - fw->to_remote_off);
      if (n > 0)
        {
          fw->to_remote_off += n;
          *progress = *again = TRUE;
        }
      else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
        {
          if (sn_ssh_rc_is_fatal ((int)n))
            {
              *fatal = (int)n;
              return PUMP_WAIT;
            }
          fw->state = FW_CLOSE;
          return PUMP_PROGRESS;
        }
    }
  if (fw->local_eof && fw->to_remote_off == fw->to_remote_len && !fw->eof_sent)
    {
      rc = libssh2_channel_send_eof (fw->channel);
      if (rc == 0)
        {
          fw->eof_sent = TRUE;
          *progress = *again = TRUE;
        }
      else if (rc != LIBSSH2_ERROR_EAGAIN)
        {
          fw->state = FW_CLOSE;
          return PUMP_PROGRESS;
        }
    }

  return PUMP_AGAIN;
}

/* FW_RUN: from the channel to the local socket. */
static PumpStep
forward_to_local (Worker   *worker,
                  Forward  *fw,
                  int      *fatal,
                  gboolean *progress,
                  gboolean *again)
{
  ssize_t n;

  if (fw->to_local_off == fw->to_local_len && !fw->remote_eof)
    {
      n = libssh2_channel_read (fw->channel, (char *)fw->to_local, FORWARD_BUFFER_SIZE);
      if (n > 0)
        {
          fw->to_local_len = n;
          fw->to_local_off = 0;
          *progress = *again = TRUE;
        }
      else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
        {
          if (sn_ssh_rc_is_fatal ((int)n))
            {
              *fatal = (int)n;
              return PUMP_WAIT;
            }
          fw->state = FW_CLOSE;
          return PUMP_PROGRESS;
        }
      else if (libssh2_channel_eof (fw->channel))
        {
          fw->remote_eof = TRUE;
          *progress = *again = TRUE;
        }
    }
  if (fw->to_local_off < fw->to_local_len)
    {
      n = send (fw->fd, fw->to_local + fw->to_local_off,
                fw->to_local_len - fw->to_local_off, MSG_NOSIGNAL);
      if (n > 0)
        {
          fw->to_local_off += n;
          *progress = *again = TRUE;
        }
      else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        {
          /* the local client went away */
          fw->state = FW_CLOSE;
          return PUMP_PROGRESS;
        }
    }
  if (fw->remote_eof && fw->to_local_off == fw->to_local_len && !fw->local_shut)
    {
      shutdown (fw->fd, SHUT_WR);
      fw->local_shut = TRUE;
      *progress = TRUE;
    }

  return PUMP_AGAIN;
}

/* Returns TRUE when it made progress. */
gboolean
sn_ssh_forward_pump (Worker   *worker,
                     Forward  *fw,
                     int      *fatal)
{
  gboolean progress = FALSE;
  gboolean again = TRUE;
  int rc;

  while (again)
    {
      PumpStep step = PUMP_AGAIN;

      again = FALSE;

      switch (fw->state)
        {
        case FW_OPEN:
          step = forward_open (worker, fw, fatal, &progress, &again);
          break;

        case FW_RUN:
          step = forward_to_remote (worker, fw, fatal, &progress, &again);
          if (step == PUMP_AGAIN)
            step = forward_to_local (worker, fw, fatal, &progress, &again);
          if (step == PUMP_AGAIN &&
              fw->remote_eof && fw->local_shut && fw->local_eof && fw->eof_sent)
            {
              fw->state = FW_CLOSE;
              progress = again = TRUE;
            }
          break;

        case FW_CLOSE:
          forward_close_local (fw);
          rc = libssh2_channel_close (fw->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          fw->state = FW_FREE;
          progress = again = TRUE;
          break;

        case FW_FREE:
          rc = libssh2_channel_free (fw->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          fw->channel = NULL;
          fw->state = FW_DONE;
          return TRUE;

        case FW_DONE:
        default:
          return progress;
        }

      if (step == PUMP_PROGRESS)
        return TRUE;
      if (step == PUMP_WAIT)
        return progress;
    }

  return progress;
}

void
sn_ssh_listener_accept (Worker   *worker,
                 Listener *listener)
{
  for (;;)
    {
      struct sockaddr_storage addr;
      socklen_t len = sizeof addr;
      int one = 1;
      Forward *fw;
      int fd;

      fd = accept4 (listener->fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0)
        {
          if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            g_debug ("accept on the tunnel to %s:%u: %s", listener->host, listener->port,
                     g_strerror (errno));
          return;
        }

      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fw = g_new0 (Forward, 1);
      fw->listener_id = listener->id;
      fw->fd = fd;
      fw->host = g_strdup (listener->host);
      fw->port = listener->port;
      fw->peer_port = addr.ss_family == AF_INET ? ntohs (((struct sockaddr_in *)&addr)->sin_port) : 0;
      fw->to_remote = g_malloc (FORWARD_BUFFER_SIZE);
      fw->to_local = g_malloc (FORWARD_BUFFER_SIZE);
      fw->state = FW_OPEN;
      g_ptr_array_add (worker->forwards, fw);
    }
}

void
sn_ssh_worker_unlisten (Worker *worker,
                 guint   id)
{
  guint i;

  for (i = 0; i < worker->listeners->len; i++)
    {
      Listener *listener = g_ptr_array_index (worker->listeners, i);

      if (listener->id == id)
        {
          g_ptr_array_remove_index (worker->listeners, i);   /* frees it */
          break;
        }
    }

  for (i = 0; i < worker->forwards->len; i++)
    {
      Forward *fw = g_ptr_array_index (worker->forwards, i);

      if (fw->listener_id != id)
        continue;
      forward_close_local (fw);
      if (fw->state == FW_RUN)
        fw->state = FW_CLOSE;
      /* FW_OPEN: ends once libssh2 has opened it (or at once if not started) */
    }
}


/* ------------------------------------------------------------------------ */
/* Forwarding, for SnSshTunnel                                              */

/**
 * _sn_ssh_session_listen_async:
 * @listen_fd: a listening, non-blocking TCP socket; the worker takes it
 *   (closes it on failure or at _sn_ssh_session_unlisten())
 * @id: a number naming this listener for _sn_ssh_session_unlisten()
 *
 * Connects if needed, opens one direct-tcpip channel to @host:@port to check
 * that the server allows forwarding and that something listens there, then
 * has the worker thread accept connections on @listen_fd and forward each
 * through its own direct-tcpip channel.
 */
void
_sn_ssh_session_listen_async (SnSshSession        *self,
                              int                  listen_fd,
                              guint                id,
                              const char          *host,
                              guint                port,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (listen_fd >= 0);
  g_return_if_fail (host != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _sn_ssh_session_listen_async);

  job = sn_ssh_job_new (JOB_LISTEN, g_steal_pointer (&task));
  job->listen_fd = listen_fd;
  job->listener_id = id;
  job->target_host = g_strdup (host);
  job->target_port = port;
  job->state = CH_OPEN;

  sn_ssh_session_submit (self, job);
}

gboolean
_sn_ssh_session_listen_finish (SnSshSession  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SN_IS_SSH_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * _sn_ssh_session_unlisten:
 * @id: what was given to _sn_ssh_session_listen_async()
 *
 * Closes the listening socket and every connection accepted on it. Waits
 * (at most 5 s) until the worker has done so, unless called from the worker
 * thread itself.
 */
void
_sn_ssh_session_unlisten (SnSshSession *self,
                          guint         id)
{
  Worker *worker;
  JobDone *done = NULL;
  gboolean wait = FALSE;
  Job *job;

  g_return_if_fail (SN_IS_SSH_SESSION (self));

  worker = sn_ssh_session_ref_worker (self);
  if (worker == NULL)
    return;

  g_mutex_lock (&worker->lock);
  if (!worker->dead && !worker->quit)
    {
      job = sn_ssh_job_new (JOB_UNLISTEN, NULL);
      job->listener_id = id;
      wait = worker->thread != g_thread_self ();
      if (wait)
        {
          done = g_atomic_rc_box_new0 (JobDone);
          g_mutex_init (&done->lock);
          g_cond_init (&done->cond);
          job->done = g_atomic_rc_box_acquire (done);
        }
      g_async_queue_push (worker->jobs, job);
    }
  g_mutex_unlock (&worker->lock);

  sn_ssh_worker_wake (worker);

  if (done != NULL)
    {
      gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      g_mutex_lock (&done->lock);
      while (!done->done)
        {
          if (!g_cond_wait_until (&done->cond, &done->lock, end))
            break;
        }
      g_mutex_unlock (&done->lock);
      g_atomic_rc_box_release_full (done, (GDestroyNotify)sn_ssh_job_done_clear);
    }

  sn_ssh_worker_unref (worker);
}
