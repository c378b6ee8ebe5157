/* sn-ssh-session.c: the session object, its host key API, and handing jobs to a worker
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-ssh-session"

#include "config.h"

#include <string.h>
#include <sys/eventfd.h>

#include <glib/gi18n-lib.h>

#include "sn-net.h"
#include "sn-ssh-session-private.h"

/*
 * Design
 *
 * Each connection is served by one worker thread (struct Worker) that alone
 * touches libssh2. Callers push jobs into an async queue and wake the worker
 * through an eventfd. The worker connects (blocking, with a timeout), then
 * switches libssh2 to non-blocking mode and runs a poll loop over the
 * socket, the eventfd and every channel's state machine, so up to
 * SN_SSH_SESSION_MAX_CHANNELS commands run at once. Results go back through
 * GTask, which completes in the caller's thread-default main context.
 *
 * A dead connection (error on the socket, or unanswered keepalives: the
 * socket has TCP_USER_TIMEOUT = 2 keepalive intervals) fails every job with
 * SN_SSH_ERROR_DISCONNECTED and ends the thread; the next call starts a new
 * worker, which reconnects.
 *
 * OpenSSH does not kill a command when its channel closes unless it has a
 * pty, and libssh2 1.10 cannot send the "signal" request on a channel that
 * already ran exec. So each command is wrapped: it runs in its own process
 * group with stdin from /dev/null, and a watchdog reading the channel's
 * stdin sends SIGHUP to that group when stdin reaches EOF, which is what
 * cancelling does (send EOF, then close). A dropped connection also closes
 * stdin, so nothing keeps running on the server after we are gone.
 *
 * A command fed through sn_ssh_session_exec_with_input_async() owns the
 * channel's stdin, so EOF means "end of input" there and cannot mean
 * "cancel". Its wrapper writes the process group's id to a pid file named by
 * a random token (${TMPDIR:-/tmp}/sn-exec-TOKEN.pid); cancelling (or a
 * timeout) runs a second exec on the same connection that sends SIGHUP to
 * that group, and only once it has run is the first channel closed (closing
 * it first would hand the command an EOF that looks like a complete input).
 * A watchdog polls the wrapper's parent, the sshd session process, once a
 * second and hangs the group up when the connection is gone. Commands that
 * commit what they read must still check it is whole (size, checksum):
 * a dropped link gives them EOF up to a second before the hang-up.
 *
 * Files travel over SFTP (libssh2_sftp_*, non-blocking, one SFTP job at a
 * time in the same poll loop), or `cat` over exec when the server has no
 * SFTP subsystem (noticed once per connection). libssh2 1.10 has no
 * posix-rename@openssh.com and OpenSSH's SFTP v3 RENAME never overwrites, so
 * the atomic replace renames with `mv -f` (rename(2) in the same directory)
 * in one exec that also keeps the backup (`cp -p`).
 *
 * The code is split on these seams: see sn-ssh-session-private.h.
 */

G_DEFINE_QUARK (sn-ssh-error-quark, sn_ssh_error)

/**
 * sn_ssh_error_is_host_key_stop:
 * @error: (nullable): an error from connecting
 *
 * Returns: whether @error is a host key hard stop (a changed key, or a host
 *   known with another key type): nothing may trust the key from there
 */
gboolean
sn_ssh_error_is_host_key_stop (const GError *error)
{
  return g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED) ||
         g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE);
}


static void
on_job_cancelled (GCancellable *cancellable,
                  gpointer      user_data)
{
  sn_ssh_worker_wake (user_data);
}

/* ------------------------------------------------------------------------ */
/* SnSshSession                                                             */

struct _SnSshSession
{
  GObject        parent_instance;

  SnProfile     *profile;
  SnSecretStore *secrets;
  SnKnownHosts  *known_hosts;
  Worker        *worker;     /* the current or the last connection */
  GMutex         lock;

  guint          keepalive;
};

G_DEFINE_FINAL_TYPE (SnSshSession, sn_ssh_session, G_TYPE_OBJECT)

static void
worker_stop (Worker *worker)
{
  GThread *thread;

  g_mutex_lock (&worker->lock);
  worker->quit = TRUE;
  thread = g_steal_pointer (&worker->thread);
  g_mutex_unlock (&worker->lock);

  sn_ssh_worker_wake (worker);
  if (thread == NULL)
    return;

  /* The last reference to the session can go away on the worker thread
   * itself (a GTask it completes holds one): it then ends on its own. */
  if (thread == g_thread_self ())
    g_thread_unref (thread);
  else
    g_thread_join (thread);
}

static void
sn_ssh_session_dispose (GObject *object)
{
  SnSshSession *self = (SnSshSession *)object;

  if (self->worker != NULL)
    {
      worker_stop (self->worker);
      g_clear_pointer (&self->worker, sn_ssh_worker_unref);
    }

  G_OBJECT_CLASS (sn_ssh_session_parent_class)->dispose (object);
}

static void
sn_ssh_session_finalize (GObject *object)
{
  SnSshSession *self = (SnSshSession *)object;

  g_clear_object (&self->profile);
  g_clear_object (&self->secrets);
  g_clear_object (&self->known_hosts);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sn_ssh_session_parent_class)->finalize (object);
}

static void
sn_ssh_session_class_init (SnSshSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sn_ssh_session_dispose;
  object_class->finalize = sn_ssh_session_finalize;
}

static void
sn_ssh_session_init (SnSshSession *self)
{
  g_mutex_init (&self->lock);
  self->keepalive = 15;
}

/**
 * sn_ssh_session_new:
 * @profile: where to connect: ssh-host, ssh-port, ssh-user, ssh-key-file
 * @secrets: (nullable): where the key's passphrase and the password live
 *
 * Nothing connects until the first call; the profile is copied at each connect.
 */
SnSshSession *
sn_ssh_session_new (SnProfile     *profile,
                    SnSecretStore *secrets)
{
  SnSshSession *self;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (secrets == NULL || SN_IS_SECRET_STORE (secrets), NULL);

  self = g_object_new (SN_TYPE_SSH_SESSION, NULL);
  self->profile = g_object_ref (profile);
  self->secrets = secrets != NULL ? g_object_ref (secrets) : NULL;
  self->known_hosts = sn_known_hosts_new (NULL);

  return self;
}

SnProfile *
sn_ssh_session_get_profile (SnSshSession *self)
{
  g_return_val_if_fail (SN_IS_SSH_SESSION (self), NULL);
  return self->profile;
}

SnKnownHosts *
sn_ssh_session_get_known_hosts (SnSshSession *self)
{
  g_return_val_if_fail (SN_IS_SSH_SESSION (self), NULL);
  return self->known_hosts;
}

/**
 * sn_ssh_session_set_known_hosts:
 *
 * Replaces the app's default known_hosts file (tests use their own). Takes
 * effect at the next connection.
 */
void
sn_ssh_session_set_known_hosts (SnSshSession *self,
                                SnKnownHosts *known_hosts)
{
  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (SN_IS_KNOWN_HOSTS (known_hosts));

  g_set_object (&self->known_hosts, known_hosts);
}

guint
sn_ssh_session_get_keepalive_interval (SnSshSession *self)
{
  g_return_val_if_fail (SN_IS_SSH_SESSION (self), 0);
  return self->keepalive;
}

/**
 * sn_ssh_session_set_keepalive_interval:
 * @seconds: 0 to disable; default 15. A dead link is noticed within 2 intervals.
 *
 * Takes effect at the next connection.
 */
void
sn_ssh_session_set_keepalive_interval (SnSshSession *self,
                                       guint         seconds)
{
  g_return_if_fail (SN_IS_SSH_SESSION (self));
  self->keepalive = seconds;
}

char *
sn_ssh_session_dup_display_name (SnSshSession *self)
{
  g_return_val_if_fail (SN_IS_SSH_SESSION (self), NULL);

  return g_strdup_printf ("%s@%s:%u",
                          sn_profile_get_ssh_user (self->profile),
                          sn_profile_get_ssh_host (self->profile),
                          sn_profile_get_ssh_port (self->profile));
}

gboolean
sn_ssh_session_is_connected (SnSshSession *self)
{
  gboolean connected = FALSE;

  g_return_val_if_fail (SN_IS_SSH_SESSION (self), FALSE);

  g_mutex_lock (&self->lock);
  if (self->worker != NULL)
    {
      g_mutex_lock (&self->worker->lock);
      connected = self->worker->connected && !self->worker->dead;
      g_mutex_unlock (&self->worker->lock);
    }
  g_mutex_unlock (&self->lock);

  return connected;
}

/**
 * sn_ssh_session_disconnect:
 *
 * Closes the connection (waits for the worker thread). Commands in flight fail
 * with %G_IO_ERROR_CANCELLED. The next call connects again.
 */
void
sn_ssh_session_disconnect (SnSshSession *self)
{
  Worker *worker;

  g_return_if_fail (SN_IS_SSH_SESSION (self));

  g_mutex_lock (&self->lock);
  worker = self->worker != NULL ? sn_ssh_worker_ref (self->worker) : NULL;
  g_mutex_unlock (&self->lock);

  if (worker != NULL)
    {
      worker_stop (worker);
      sn_ssh_worker_unref (worker);
    }
}

/* The key of the last attempt and what checking it found. */
static GBytes *
dup_host_key_and_result (SnSshSession       *self,
                         SnKnownHostsResult *result)
{
  GBytes *key = NULL;

  *result = SN_KNOWN_HOSTS_NOT_FOUND;
  g_mutex_lock (&self->lock);
  if (self->worker != NULL)
    {
      g_mutex_lock (&self->worker->lock);
      if (self->worker->host_key != NULL)
        {
          key = g_bytes_ref (self->worker->host_key);
          *result = self->worker->host_key_result;
        }
      g_mutex_unlock (&self->worker->lock);
    }
  g_mutex_unlock (&self->lock);

  return key;
}

/**
 * sn_ssh_session_dup_host_key:
 *
 * Returns: (nullable): the host key blob the server presented at the last
 *   connection attempt, e.g. after %SN_SSH_ERROR_HOST_KEY_UNKNOWN
 */
GBytes *
sn_ssh_session_dup_host_key (SnSshSession *self)
{
  SnKnownHostsResult result;

  g_return_val_if_fail (SN_IS_SSH_SESSION (self), NULL);

  return dup_host_key_and_result (self, &result);
}

/**
 * sn_ssh_session_dup_host_key_fingerprint:
 *
 * Returns: (nullable): "SHA256:..." of the last host key seen, as ssh-keygen -l prints it
 */
char *
sn_ssh_session_dup_host_key_fingerprint (SnSshSession *self)
{
  g_autoptr(GBytes) key = sn_ssh_session_dup_host_key (self);

  return key != NULL ? sn_ssh_key_fingerprint (key) : NULL;
}

/* Whether @shown, a "SHA256:..." fingerprint or a base64 key blob, is @key. */
static gboolean
key_is_shown (GBytes     *key,
              const char *shown)
{
  g_autofree char *fingerprint = sn_ssh_key_fingerprint (key);
  g_autofree char *wanted = g_strstrip (g_strdup (shown));
  g_autofree guchar *blob = NULL;
  gsize len = 0;

  if (g_str_has_prefix (wanted, "SHA256:"))
    return g_str_equal (wanted, fingerprint);

  blob = g_base64_decode (wanted, &len);
  return len > 0 && len == g_bytes_get_size (key) &&
         memcmp (blob, g_bytes_get_data (key, NULL), len) == 0;
}

/**
 * sn_ssh_session_trust_host_key:
 * @shown: the key the person compared: its "SHA256:..." fingerprint as
 *   sn_ssh_session_dup_host_key_fingerprint() gave it, or the base64 key blob
 *
 * Saves the host key seen at the last attempt in the session's known_hosts,
 * only if it is the key in @shown (a reconnection in between may have seen
 * another one) and only after a first contact: a changed key or a host known
 * with another key type is refused, whatever the caller asks.
 */
gboolean
sn_ssh_session_trust_host_key (SnSshSession  *self,
                               const char    *shown,
                               GError       **error)
{
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *fingerprint = NULL;
  SnKnownHostsResult result;
  const char *host;
  guint port;

  g_return_val_if_fail (SN_IS_SSH_SESSION (self), FALSE);

  host = sn_profile_get_ssh_host (self->profile);
  port = sn_profile_get_ssh_port (self->profile);
  key = dup_host_key_and_result (self, &result);
  if (key == NULL)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                   _("No host key was received from %s:%u yet; connect first."), host, port);
      return FALSE;
    }

  fingerprint = sn_ssh_key_fingerprint (key);
  if (shown == NULL || !key_is_shown (key, shown))
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                   _("The host key of %s:%u is now %s, not the key you were shown (%s): it was "
                     "NOT saved. Connect again and compare the new fingerprint."),
                   host, port, fingerprint, shown != NULL ? shown : _("none"));
      return FALSE;
    }

  /* Checked again now: the file may have changed since the attempt. */
  if (result == SN_KNOWN_HOSTS_NOT_FOUND)
    {
      result = sn_known_hosts_check (self->known_hosts, host, port, key,
                                     SN_SSH_KEY_TYPE_UNKNOWN, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  switch (result)
    {
    case SN_KNOWN_HOSTS_MATCH:
      return TRUE;

    case SN_KNOWN_HOSTS_NOT_FOUND:
      return sn_known_hosts_add (self->known_hosts, host, port, key, error);

    case SN_KNOWN_HOSTS_OTHER_TYPE:
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE,
                   _("%s:%u is known with another key type: its key %s was NOT saved. Ask your "
                     "hosting provider which host keys the server has before you change %s."),
                   host, port, fingerprint, sn_known_hosts_get_path (self->known_hosts));
      return FALSE;

    case SN_KNOWN_HOSTS_MISMATCH:
    default:
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED,
                   _("The host key of %s:%u has CHANGED (now %s): it was NOT saved. A changed "
                     "key is never trusted from here; ask your hosting provider which host key "
                     "the server has."),
                   host, port, fingerprint);
      return FALSE;
    }
}

/* Worker threads still running, so the process can end them before
 * OpenSSL's exit handler frees what libssh2 uses: a worker closing its
 * session while exit() runs would crash (seen after a CLI run). */

static Worker *
worker_new (SnSshSession *self)
{
  Worker *worker = g_new0 (Worker, 1);
  const char *key_file = sn_profile_get_ssh_key_file (self->profile);
  const char *user = sn_profile_get_ssh_user (self->profile);

  g_atomic_ref_count_init (&worker->ref_count);
  g_mutex_init (&worker->lock);
  worker->jobs = g_async_queue_new ();
  worker->wake_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  worker->sock = -1;
  worker->profile = sn_profile_copy (self->profile);
  worker->secrets = self->secrets != NULL ? g_object_ref (self->secrets) : NULL;
  worker->known_hosts = g_object_ref (self->known_hosts);
  worker->host = g_strdup (sn_profile_get_ssh_host (self->profile));
  worker->port = sn_profile_get_ssh_port (self->profile);
  if (worker->port == 0)
    worker->port = 22;
  worker->user = g_strdup (user != NULL && *user != '\0' ? user : "root");
  if (key_file != NULL && *key_file != '\0')
    {
      if (key_file[0] == '~' && key_file[1] == '/')
        worker->key_file = g_build_filename (g_get_home_dir (), key_file + 2, NULL);
      else
        worker->key_file = g_strdup (key_file);
    }
  worker->keepalive = self->keepalive;

  return worker;
}

/* Hands @job to the live worker, starting one (which connects) if needed. */
void
sn_ssh_session_submit (SnSshSession *self,
                Job          *job)
{
  g_autoptr(GError) error = NULL;
  Worker *worker;

  /* The loopback guard runs before any socket is opened. */
  if (!sn_net_check_host (sn_profile_get_ssh_host (self->profile), &error))
    {
      sn_ssh_job_return_error (job, g_steal_pointer (&error));
      sn_ssh_job_free (job);
      return;
    }

  g_mutex_lock (&self->lock);

  worker = self->worker;
  if (worker != NULL)
    {
      g_mutex_lock (&worker->lock);
      if (!worker->dead && !worker->quit)
        {
          if (job->cancellable != NULL)
            job->cancel_id = g_cancellable_connect (job->cancellable, G_CALLBACK (on_job_cancelled),
                                                    sn_ssh_worker_ref (worker),
                                                    (GDestroyNotify)sn_ssh_worker_unref);
          g_async_queue_push (worker->jobs, job);
          g_mutex_unlock (&worker->lock);
          g_mutex_unlock (&self->lock);
          sn_ssh_worker_wake (worker);
          return;
        }
      g_mutex_unlock (&worker->lock);

      /* dead: reap its thread, which has finished or is finishing */
      worker_stop (worker);
      g_clear_pointer (&self->worker, sn_ssh_worker_unref);
    }

  worker = worker_new (self);
  if (job->cancellable != NULL)
    job->cancel_id = g_cancellable_connect (job->cancellable, G_CALLBACK (on_job_cancelled),
                                            sn_ssh_worker_ref (worker), (GDestroyNotify)sn_ssh_worker_unref);
  g_async_queue_push (worker->jobs, job);
  self->worker = worker;
  sn_ssh_live_workers_add (worker);
  worker->thread = g_thread_new ("sn-ssh-worker", sn_ssh_worker_thread, sn_ssh_worker_ref (worker));

  g_mutex_unlock (&self->lock);
}

/* The current or the last connection's worker, if any (any thread). */
Worker *
sn_ssh_session_ref_worker (SnSshSession *self)
{
  Worker *worker = NULL;

  g_mutex_lock (&self->lock);
  if (self->worker != NULL)
    worker = sn_ssh_worker_ref (self->worker);
  g_mutex_unlock (&self->lock);

  return worker;
}

/**
 * sn_ssh_session_connect_async:
 *
 * Connects if not connected yet: loopback guard, TCP, handshake, host key
 * check against the app's known_hosts, then one login attempt per method
 * (key file, ssh-agent, password). Failed logins are never retried.
 */
void
sn_ssh_session_connect_async (SnSshSession        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_ssh_session_connect_async);

  sn_ssh_session_submit (self, sn_ssh_job_new (JOB_CONNECT, g_steal_pointer (&task)));
}

gboolean
sn_ssh_session_connect_finish (SnSshSession  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (SN_IS_SSH_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
