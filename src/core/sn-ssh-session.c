/* sn-ssh-session.c
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
#include <libssh2.h>
#include <libssh2_sftp.h>

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
 */

#define READ_BUFFER_SIZE     (256 * 1024)
#define EXEC_WINDOW_SIZE     (8 * 1024 * 1024)
#define CONNECT_TIMEOUT_MS   15000
#define STDERR_STREAM_LIMIT  (1024 * 1024)
/* A line for a line callback is cut into pieces this long, each but the
 * last ending in LINE_CUT_MARKER, so memory stays bounded (L9). */
#define LINE_LIMIT           (1024 * 1024)
#define LINE_CUT_MARKER      " […]"
#define INPUT_BUFFER_SIZE    (256 * 1024)
#define SFTP_WRITE_SLICE     (1024 * 1024)

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

/* ------------------------------------------------------------------------ */
/* Jobs and the worker                                                      */

typedef enum
{
  JOB_CONNECT,
  JOB_EXEC,
  JOB_LISTEN,     /* SnSshTunnel: probe a direct-tcpip channel, then accept on a socket */
  JOB_UNLISTEN,   /* SnSshTunnel: close the socket and its connections */
  JOB_SFTP,       /* read a file, or write one (a new file, never an existing one) */
} JobKind;

typedef enum
{
  SFTP_READ,
  SFTP_WRITE,
} SftpOp;

typedef enum
{
  SFTP_INIT,
  SFTP_OPEN,
  SFTP_FSTAT,
  SFTP_IO,
  SFTP_FSYNC,
  SFTP_CLOSE,
  SFTP_FINISH,
} SftpState;

/* What a JOB_SFTP returns. */
typedef struct
{
  GBytes   *data;      /* SFTP_READ */
  guint     mode;      /* SFTP_READ: permission bits */
  gboolean  fsynced;   /* SFTP_WRITE: fsync@openssh.com ran */
} SftpResult;

static void
sftp_result_free (SftpResult *result)
{
  g_clear_pointer (&result->data, g_bytes_unref);
  g_free (result);
}

typedef enum
{
  EXEC_BUFFER,
  EXEC_LINES,
  EXEC_STREAM,
} ExecMode;

typedef enum
{
  CH_OPEN,
  CH_EXEC,
  CH_RUN,
  CH_CLOSE,
  CH_WAIT_CLOSED,
  CH_ABORT_EOF,
  CH_ABORT_KILL,   /* exec_with_input: hang the command up through a second exec */
  CH_ABORT_CLOSE,
  CH_FREE,
  CH_DONE,
} ChannelState;

typedef struct
{
  SnSshLineFunc   func;
  gpointer        data;
  GDestroyNotify  destroy;
} LineSink;

/* Someone waiting for a job without a GTask (tunnel close). */
typedef struct
{
  GMutex   lock;
  GCond    cond;
  gboolean done;
} JobDone;

static void
job_done_clear (JobDone *done)
{
  g_mutex_clear (&done->lock);
  g_cond_clear (&done->cond);
}

typedef struct _Job
{
  JobKind          kind;
  GTask           *task;
  JobDone         *done;          /* g_atomic_rc_box, or NULL */

  /* listen / unlisten */
  int              listen_fd;
  guint            listener_id;
  char            *target_host;
  guint            target_port;
  GCancellable    *cancellable;
  gulong           cancel_id;

  /* exec */
  char            *command;
  char            *wrapped;
  ExecMode         mode;
  GOutputStream   *stream;
  GMainContext    *context;
  LineSink        *sink;
  LIBSSH2_CHANNEL *channel;
  GByteArray      *out;
  GByteArray      *err;
  GPtrArray       *pending_lines;
  ChannelState     state;
  guint            timeout_ms;
  gint64           deadline;
  gint64           started;
  gboolean         aborting;
  guint64          out_size;
  guint64          err_size;

  /* exec_with_input */
  GInputStream    *input;
  guchar          *in_buf;
  gsize            in_len;
  gsize            in_off;
  guint64          in_size;
  char            *token;         /* names the pid file */
  struct _Job     *killer;        /* the exec hanging this one up, while it runs */
  struct _Job     *parent;        /* for a killer: the job it hangs up */
  gboolean         input_eof;
  gboolean         eof_sent;
  gboolean         kill_started;

  /* sftp */
  SftpOp               sftp_op;
  SftpState            sftp_state;
  char                *path;
  GBytes              *data;
  gsize                data_off;
  guint                file_mode;
  LIBSSH2_SFTP_HANDLE *handle;
  SftpResult          *sftp_result;
  GError              *error;
} Job;

typedef struct _Worker Worker;

struct _Worker
{
  gatomicrefcount   ref_count;

  GAsyncQueue      *jobs;
  GThread          *thread;
  int               wake_fd;

  /* configuration, copied at creation */
  SnProfile        *profile;
  SnSecretStore    *secrets;
  SnKnownHosts     *known_hosts;
  char             *host;
  char             *user;
  char             *key_file;
  guint             port;
  guint             keepalive;

  /* shared, under lock */
  GMutex            lock;
  GBytes           *host_key;
  SnKnownHostsResult host_key_result;  /* of checking host_key */
  gboolean          dead;
  gboolean          connected;
  gboolean          quit;

  /* worker thread only */
  int               sock;
  LIBSSH2_SESSION  *session;
  GPtrArray        *active;      /* Job*: channels in flight, including closing ones */
  GQueue            waiting;     /* Job*: execs waiting for a free channel slot */
  guchar           *buffer;
  gpointer          opening;     /* Job* or Forward*: libssh2 opens one channel at a time */
  GPtrArray        *listeners;   /* Listener*: tunnels' listening sockets */
  GPtrArray        *forwards;    /* Forward*: connections accepted on them */
  guint64           received;    /* bytes read from the socket, to notice queued packets */
  LIBSSH2_SFTP     *sftp;        /* opened at the first file transfer */
  gpointer          sftp_owner;  /* Job*: libssh2's SFTP state allows one operation at a time */
  gboolean          sftp_unavailable;
};

typedef struct
{
  guint  id;
  int    fd;
  char  *host;
  guint  port;
} Listener;

typedef enum
{
  FW_OPEN,
  FW_RUN,
  FW_CLOSE,
  FW_FREE,
  FW_DONE,
} ForwardState;

#define FORWARD_BUFFER_SIZE (64 * 1024)

typedef struct
{
  guint            listener_id;
  int              fd;
  char            *host;
  guint            port;
  guint            peer_port;
  LIBSSH2_CHANNEL *channel;
  ForwardState     state;
  guchar          *to_remote;
  gsize            to_remote_len;
  gsize            to_remote_off;
  guchar          *to_local;
  gsize            to_local_len;
  gsize            to_local_off;
  guint            local_eof : 1;
  guint            remote_eof : 1;
  guint            eof_sent : 1;
  guint            local_shut : 1;
} Forward;

static void
listener_free (Listener *listener)
{
  if (listener->fd >= 0)
    close (listener->fd);
  g_free (listener->host);
  g_free (listener);
}

static void
forward_free (Forward *fw)
{
  if (fw->fd >= 0)
    close (fw->fd);
  g_free (fw->host);
  g_free (fw->to_remote);
  g_free (fw->to_local);
  g_free (fw);
}

static void job_free (Job *job);
static gboolean listen_job_pump (Worker *worker,
                                 Job    *job,
                                 int    *fatal);

static Worker *
worker_ref (Worker *worker)
{
  g_atomic_ref_count_inc (&worker->ref_count);
  return worker;
}

static void
worker_unref (Worker *worker)
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

static void
worker_wake (Worker *worker)
{
  guint64 one = 1;

  if (write (worker->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
    g_warning ("Could not wake the SSH worker: %s", g_strerror (errno));
}

static void
on_job_cancelled (GCancellable *cancellable,
                  gpointer      user_data)
{
  worker_wake (user_data);
}

static Job *
job_new (JobKind       kind,
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

static void
job_free (Job *job)
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
  g_clear_pointer (&job->sftp_result, sftp_result_free);
  g_clear_error (&job->error);
  if (job->listen_fd >= 0)
    close (job->listen_fd);
  if (job->done != NULL)
    {
      g_mutex_lock (&job->done->lock);
      job->done->done = TRUE;
      g_cond_broadcast (&job->done->cond);
      g_mutex_unlock (&job->done->lock);
      g_atomic_rc_box_release_full (job->done, (GDestroyNotify)job_done_clear);
    }
  g_assert (job->channel == NULL);
  g_assert (job->handle == NULL);
  g_free (job);
}

static void
job_return_error (Job    *job,
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

static gboolean
job_is_cancelled (Job *job)
{
  return job->cancellable != NULL && g_cancellable_is_cancelled (job->cancellable);
}

/* ------------------------------------------------------------------------ */
/* Connecting (worker thread, blocking with a timeout)                      */

static ssize_t
worker_recv (libssh2_socket_t   fd,
             void              *buffer,
             size_t             length,
             int                flags,
             void             **abstract)
{
  Worker *worker = *abstract;
  ssize_t rc = recv (fd, buffer, length, flags);

  if (rc < 0)
    return -errno;
  worker->received += rc;

  return rc;
}

static int
open_socket (Worker  *worker,
             GError **error)
{
  struct addrinfo hints = { 0 };
  struct addrinfo *res = NULL;
  struct addrinfo *ai;
  g_autofree char *port_str = g_strdup_printf ("%u", worker->port);
  int last_errno = 0;
  int rc;

  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = AF_UNSPEC;

  rc = getaddrinfo (worker->host, port_str, &hints, &res);
  if (rc != 0)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("Could not find the address of %s: %s. Check the host name in the profile."),
                   worker->host, gai_strerror (rc));
      return -1;
    }

  for (ai = res; ai != NULL; ai = ai->ai_next)
    {
      struct pollfd pfd[2];
      int fd = socket (ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                       ai->ai_protocol);
      int one = 1;
      socklen_t len = sizeof last_errno;

      if (fd < 0)
        {
          last_errno = errno;
          continue;
        }

      if (connect (fd, ai->ai_addr, ai->ai_addrlen) == 0)
        {
          freeaddrinfo (res);
          setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          return fd;
        }

      if (errno != EINPROGRESS)
        {
          last_errno = errno;
          close (fd);
          continue;
        }

      pfd[0].fd = fd;
      pfd[0].events = POLLOUT;
      pfd[1].fd = worker->wake_fd;
      pfd[1].events = POLLIN;
      rc = poll (pfd, 1, CONNECT_TIMEOUT_MS);
      if (rc == 0)
        {
          last_errno = ETIMEDOUT;
          close (fd);
          continue;
        }

      last_errno = 0;
      getsockopt (fd, SOL_SOCKET, SO_ERROR, &last_errno, &len);
      if (last_errno != 0)
        {
          close (fd);
          continue;
        }

      freeaddrinfo (res);
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return fd;
    }

  freeaddrinfo (res);

  g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
               _("Could not connect to %s:%u: %s. Check the host and port in the profile, "
                 "and that the server and its SSH service are running."),
               worker->host, worker->port, g_strerror (last_errno));
  return -1;
}

typedef struct
{
  SnSshKeyType type;
  gboolean     encrypted;
  gboolean     readable;
} KeyFileInfo;

static guint32
read_u32 (const guchar *p)
{
  return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

/* Reads just enough of a private key file to know its type and whether it is encrypted. */
static KeyFileInfo
inspect_key_file (const char *path)
{
  KeyFileInfo info = { SN_SSH_KEY_TYPE_UNKNOWN, FALSE, FALSE };
  g_autofree char *contents = NULL;
  static const char openssh_begin[] = "-----BEGIN OPENSSH PRIVATE KEY-----";

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return info;

  info.readable = TRUE;

  if (strstr (contents, openssh_begin) != NULL)
    {
      const char *body = strstr (contents, openssh_begin) + strlen (openssh_begin);
      const char *end = strstr (body, "-----END");
      g_autofree char *b64 = g_strndup (body, end != NULL ? (gsize)(end - body) : strlen (body));
      g_autofree guchar *blob = NULL;
      gsize len = 0;
      gsize pos = sizeof "openssh-key-v1";   /* includes the NUL */
      guint32 n;
      int i;

      blob = g_base64_decode (g_strstrip (b64), &len);
      if (blob == NULL || len < pos + 4)
        return info;

      /* ciphername, kdfname, kdfoptions, then nkeys and the first public key */
      for (i = 0; i < 3; i++)
        {
          if (pos + 4 > len)
            return info;
          n = read_u32 (blob + pos);
          if (n > len - pos - 4)
            return info;
          if (i == 0)
            info.encrypted = !(n == 4 && memcmp (blob + pos + 4, "none", 4) == 0);
          pos += 4 + n;
        }
      pos += 4;  /* nkeys */
      if (pos + 4 <= len)
        {
          n = read_u32 (blob + pos);
          if (n <= len - pos - 4)
            {
              g_autoptr(GBytes) pub = g_bytes_new (blob + pos + 4, n);
              info.type = sn_ssh_key_type_from_blob (pub);
            }
        }
      return info;
    }

  if (strstr (contents, "BEGIN RSA PRIVATE KEY") != NULL)
    info.type = SN_SSH_KEY_TYPE_RSA;
  else if (strstr (contents, "BEGIN EC PRIVATE KEY") != NULL)
    info.type = SN_SSH_KEY_TYPE_ECDSA_256;

  if (strstr (contents, "ENCRYPTED") != NULL)
    info.encrypted = TRUE;

  return info;
}

static char *
lookup_secret (Worker       *worker,
               SnSecretKind  kind)
{
  g_autoptr(GError) error = NULL;
  char *value;

  if (worker->secrets == NULL || worker->profile == NULL)
    return NULL;

  value = sn_secret_store_lookup_sync (worker->secrets, worker->profile, kind, NULL, &error);
  if (error != NULL)
    g_debug ("No %s secret: %s", sn_secret_kind_to_key (kind), error->message);

  return value;
}

static gboolean
authenticate (Worker  *worker,
              GError **error)
{
  LIBSSH2_SESSION *s = worker->session;
  const char *methods;
  g_autoptr(GString) tried = g_string_new (NULL);
  gboolean rsa_refused = FALSE;
  gboolean agent_rsa_refused = FALSE;
  gboolean passphrase_missing = FALSE;
  int rc;

  methods = libssh2_userauth_list (s, worker->user, strlen (worker->user));
  if (methods == NULL)
    {
      if (libssh2_userauth_authenticated (s))
        return TRUE;
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("The SSH server %s:%u closed the connection before the login. "
                     "It may have banned this address (fail2ban); wait or ask the host's administrator."),
                   worker->host, worker->port);
      return FALSE;
    }

  /* 1. the profile's key file */
  if (worker->key_file != NULL && *worker->key_file != '\0' && strstr (methods, "publickey") != NULL)
    {
      KeyFileInfo info = inspect_key_file (worker->key_file);
      g_autofree char *passphrase = NULL;

      if (!info.readable)
        {
          g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                       _("Cannot read the SSH key file “%s” of the profile. Check the path "
                         "and that the file is readable by you."),
                       worker->key_file);
          return FALSE;
        }

      if (info.encrypted)
        {
          passphrase = lookup_secret (worker, SN_SECRET_KIND_SSH_PASSPHRASE);
          if (passphrase == NULL)
            passphrase_missing = TRUE;
        }

      if (!passphrase_missing)
        {
          g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", _("key file"));
          rc = libssh2_userauth_publickey_fromfile_ex (s, worker->user, strlen (worker->user),
                                                       NULL, worker->key_file,
                                                       passphrase != NULL ? passphrase : "");
          if (passphrase != NULL)
            memset (passphrase, 0, strlen (passphrase));

          if (rc == 0)
            return TRUE;

          if (info.encrypted &&
              (rc == LIBSSH2_ERROR_FILE || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED ||
               rc == LIBSSH2_ERROR_KEYFILE_AUTH_FAILED))
            {
              g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE,
                           _("The passphrase stored for the SSH key “%s” is wrong: the key could "
                             "not be unlocked. Enter the right passphrase in the profile. "
                             "Nothing was sent to %s:%u."),
                           worker->key_file, worker->host, worker->port);
              return FALSE;
            }

          if (rc == LIBSSH2_ERROR_FILE || rc == LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED)
            {
              g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                           _("The SSH key file “%s” could not be used (libssh2 error %d). "
                             "Use an ed25519 or ECDSA key in OpenSSH format."),
                           worker->key_file, rc);
              return FALSE;
            }

          if (rc == LIBSSH2_ERROR_AUTHENTICATION_FAILED && info.type == SN_SSH_KEY_TYPE_RSA)
            rsa_refused = TRUE;
          else if (rc != LIBSSH2_ERROR_AUTHENTICATION_FAILED &&
                   rc != LIBSSH2_ERROR_PUBLICKEY_UNRECOGNIZED)
            {
              g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_DISCONNECTED,
                           _("The connection to %s:%u failed during the login (libssh2 error %d)."),
                           worker->host, worker->port, rc);
              return FALSE;
            }
        }
    }

  /* 2. ssh-agent */
  if (g_getenv ("SSH_AUTH_SOCK") != NULL && strstr (methods, "publickey") != NULL)
    {
      LIBSSH2_AGENT *agent = libssh2_agent_init (s);

      if (agent != NULL && libssh2_agent_connect (agent) == 0 &&
          libssh2_agent_list_identities (agent) == 0)
        {
          struct libssh2_agent_publickey *identity = NULL;
          struct libssh2_agent_publickey *prev = NULL;
          gboolean ok = FALSE;
          guint n = 0;

          while (!ok && n < 5 && libssh2_agent_get_identity (agent, &identity, prev) == 0)
            {
              n++;
              if (libssh2_agent_userauth (agent, worker->user, identity) == 0)
                ok = TRUE;
              else
                {
                  g_autoptr(GBytes) blob = g_bytes_new (identity->blob, identity->blob_len);

                  if (sn_ssh_key_type_from_blob (blob) == SN_SSH_KEY_TYPE_RSA)
                    agent_rsa_refused = TRUE;
                }
              prev = identity;
            }
          if (n > 0)
            g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", _("ssh-agent"));
          libssh2_agent_disconnect (agent);
          libssh2_agent_free (agent);
          if (ok)
            return TRUE;
        }
      else if (agent != NULL)
        libssh2_agent_free (agent);
    }

  /* 3. password */
  if (strstr (methods, "password") != NULL)
    {
      g_autofree char *password = lookup_secret (worker, SN_SECRET_KIND_SSH_PASSWORD);

      if (password != NULL)
        {
          g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", _("password"));
          rc = libssh2_userauth_password_ex (s, worker->user, strlen (worker->user),
                                             password, strlen (password), NULL);
          memset (password, 0, strlen (password));
          if (rc == 0)
            return TRUE;
        }
    }

  if (rsa_refused)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                   _("%s:%u refused the RSA key “%s”: this libssh2 cannot sign with RSA keys "
                     "against OpenSSH 8.8+ servers. Make an ed25519 key: "
                     "`ssh-keygen -t ed25519 -f ~/.ssh/narcisse_ed25519`, add the .pub to the "
                     "server's authorized_keys, and select it in the profile."),
                   worker->host, worker->port, worker->key_file);
      return FALSE;
    }

  if (agent_rsa_refused)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
                   _("%s:%u refused the RSA key offered by ssh-agent: this libssh2 cannot sign "
                     "with RSA keys against OpenSSH 8.8+ servers. Make an ed25519 key: "
                     "`ssh-keygen -t ed25519 -f ~/.ssh/narcisse_ed25519`, add the .pub to the "
                     "server's authorized_keys, then `ssh-add ~/.ssh/narcisse_ed25519` (or select "
                     "it in the profile)."),
                   worker->host, worker->port);
      return FALSE;
    }

  if (passphrase_missing)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_PASSPHRASE,
                   _("The SSH key “%s” is protected by a passphrase and none is stored. "
                     "Enter the passphrase in the profile to log in to %s:%u."),
                   worker->key_file, worker->host, worker->port);
      return FALSE;
    }

  g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_AUTH,
               _("%s:%u refused the login as “%s” (tried: %s; the server accepts: %s). Check the "
                 "user name, and that the profile's public key is in that user's "
                 "~/.ssh/authorized_keys on the server. The app does not retry, so that fail2ban "
                 "does not ban you."),
               worker->host, worker->port, worker->user,
               tried->len ? tried->str : _("nothing usable"), methods);
  return FALSE;
}

/* The host is saved with keys of other types only: a server does not lose
 * its saved key by itself, so this is treated like a changed key. */
static void
set_other_type_error (Worker       *worker,
                      SnSshKeyType  key_type,
                      const char   *fingerprint,
                      GError      **error)
{
  g_autofree char *pattern = sn_known_hosts_host_pattern (worker->host, worker->port);
  g_autofree char *saved = sn_known_hosts_dup_saved_algorithms (worker->known_hosts,
                                                                worker->host, worker->port);

  g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE,
               _("%s:%u is known with another key type: %s saves %s for it, but the server "
                 "now presents an %s key (%s) and none of the saved type. A server does not "
                 "lose its host key by itself: someone may be intercepting the connection "
                 "(a man-in-the-middle attack) with a key type they control. The connection "
                 "was stopped and nothing was sent. Ask your hosting provider which host keys "
                 "the server has; only if this fingerprint is one of them, remove the lines "
                 "for %s from %s and connect again to save the new key."),
               worker->host, worker->port, sn_known_hosts_get_path (worker->known_hosts),
               saved != NULL ? saved : _("a key"), sn_ssh_key_type_to_name (key_type),
               fingerprint, pattern, sn_known_hosts_get_path (worker->known_hosts));
}

static gboolean
check_host_key (Worker  *worker,
                GError **error)
{
  const char *key;
  size_t len = 0;
  int type = 0;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) local_error = NULL;
  SnKnownHostsResult result;
  SnSshKeyType key_type;

  key = libssh2_session_hostkey (worker->session, &len, &type);
  if (key == NULL)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("%s:%u sent no host key."), worker->host, worker->port);
      return FALSE;
    }

  bytes = g_bytes_new (key, len);
  key_type = sn_ssh_key_type_from_blob (bytes);
  fingerprint = sn_ssh_key_fingerprint (bytes);

  result = sn_known_hosts_check (worker->known_hosts, worker->host, worker->port,
                                 bytes, key_type, &local_error);

  g_mutex_lock (&worker->lock);
  g_clear_pointer (&worker->host_key, g_bytes_unref);
  worker->host_key = g_bytes_ref (bytes);
  worker->host_key_result = result;
  g_mutex_unlock (&worker->lock);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  switch (result)
    {
    case SN_KNOWN_HOSTS_MATCH:
      return TRUE;

    case SN_KNOWN_HOSTS_NOT_FOUND:
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN,
                   _("First connection to %s:%u: its host key is not known yet. The server's "
                     "%s key fingerprint is %s. Compare it with the one your hosting provider "
                     "shows (or `ssh-keygen -lf /etc/ssh/ssh_host_%s_key.pub` on the server's "
                     "console) before you trust it."),
                   worker->host, worker->port, sn_ssh_key_type_to_name (key_type), fingerprint,
                   key_type == SN_SSH_KEY_TYPE_ED25519 ? "ed25519" : "ecdsa");
      return FALSE;

    case SN_KNOWN_HOSTS_OTHER_TYPE:
      set_other_type_error (worker, key_type, fingerprint, error);
      return FALSE;

    case SN_KNOWN_HOSTS_MISMATCH:
    default:
      {
        g_autofree char *pattern = sn_known_hosts_host_pattern (worker->host, worker->port);

        g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_CHANGED,
                     _("The host key of %s:%u has CHANGED. The server now presents the %s key "
                       "%s, which is not the one saved in %s. Either the server was reinstalled, "
                       "or someone is intercepting the connection (a man-in-the-middle attack). "
                       "The connection was stopped and nothing was sent. Ask your hosting provider "
                       "which host key the server has; only once it matches %s, remove the line "
                       "for %s from %s and connect again to save the new key."),
                     worker->host, worker->port, sn_ssh_key_type_to_name (key_type), fingerprint,
                     sn_known_hosts_get_path (worker->known_hosts), fingerprint, pattern,
                     sn_known_hosts_get_path (worker->known_hosts));
        return FALSE;
      }
    }
}

/* The saved host key types first, then the usual order: the server then
 * presents the key the known_hosts file holds. */
static char *
host_key_preference (Worker *worker)
{
  g_autofree char *saved = sn_known_hosts_dup_saved_algorithms (worker->known_hosts,
                                                                worker->host, worker->port);
  g_auto(GStrv) defaults = g_strsplit (SN_SSH_SESSION_HOST_KEY_ALGORITHMS, ",", -1);
  g_autoptr(GString) prefs = g_string_new (saved);
  g_auto(GStrv) saved_list = g_strsplit (saved != NULL ? saved : "", ",", -1);

  for (guint i = 0; defaults[i] != NULL; i++)
    {
      if (g_strv_contains ((const char * const *)saved_list, defaults[i]))
        continue;
      g_string_append_printf (prefs, "%s%s", prefs->len > 0 ? "," : "", defaults[i]);
    }

  return g_string_free (g_steal_pointer (&prefs), FALSE);
}

static gboolean
worker_connect (Worker  *worker,
                GError **error)
{
  g_autofree char *host_key_prefs = NULL;
  int rc;
  int timeout_ms;

  worker->sock = open_socket (worker, error);
  if (worker->sock < 0)
    return FALSE;

  /* Unacknowledged keepalives break the socket after two intervals. */
  timeout_ms = worker->keepalive > 0 ? (int)(worker->keepalive * 2000 + 500) : 0;
  if (timeout_ms > 0)
    setsockopt (worker->sock, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout_ms, sizeof timeout_ms);

  worker->session = libssh2_session_init_ex (NULL, NULL, NULL, worker);
  if (worker->session == NULL)
    {
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED, _("Could not start an SSH session."));
      return FALSE;
    }

  libssh2_session_callback_set (worker->session, LIBSSH2_CALLBACK_RECV, (void *)worker_recv);
  host_key_prefs = host_key_preference (worker);
  libssh2_session_method_pref (worker->session, LIBSSH2_METHOD_HOSTKEY, host_key_prefs);
  libssh2_session_set_blocking (worker->session, 1);
  libssh2_session_set_timeout (worker->session, CONNECT_TIMEOUT_MS);

  rc = libssh2_session_handshake (worker->session, worker->sock);
  if (rc != 0)
    {
      char *msg = NULL;

      libssh2_session_last_error (worker->session, &msg, NULL, 0);
      g_set_error (error, SN_SSH_ERROR, SN_SSH_ERROR_CONNECT,
                   _("The SSH handshake with %s:%u failed: %s (libssh2 error %d). Check that the "
                     "port is the SSH port and that the server offers an ed25519 or ECDSA host key."),
                   worker->host, worker->port, msg != NULL ? msg : "", rc);
      return FALSE;
    }

  if (!check_host_key (worker, error))
    return FALSE;

  if (!authenticate (worker, error))
    return FALSE;

  libssh2_session_set_timeout (worker->session, 0);
  libssh2_session_set_blocking (worker->session, 0);
  if (worker->keepalive > 0)
    libssh2_keepalive_config (worker->session, 0, worker->keepalive);

  return TRUE;
}

static void
worker_close_session (Worker   *worker,
                      gboolean  polite)
{
  if (worker->session != NULL)
    {
      if (polite)
        {
          libssh2_session_set_blocking (worker->session, 1);
          libssh2_session_set_timeout (worker->session, 2000);
          if (worker->sftp != NULL)
            libssh2_sftp_shutdown (worker->sftp);
          worker->sftp = NULL;
          libssh2_session_disconnect (worker->session, "Narcisse Admin closed the session");
        }
      /* not polite: the SFTP state is dropped with the session (a small leak
       * on a lost connection: freeing it would talk to a dead socket) */
      worker->sftp = NULL;
      libssh2_session_free (worker->session);
      worker->session = NULL;
    }
  if (worker->sock >= 0)
    {
      close (worker->sock);
      worker->sock = -1;
    }
}

/* ------------------------------------------------------------------------ */
/* Exec channels (worker thread, non-blocking)                              */

static gboolean
rc_is_fatal (int rc)
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
  job_return_error (job, error);
  job->aborting = TRUE;

  /* An open or exec in flight must complete inside libssh2 first. */
  if (job->state == CH_OPEN && worker->opening != job)
    job->state = CH_DONE;
  else if (job->state == CH_RUN)
    job->state = job->input != NULL ? CH_ABORT_KILL : CH_ABORT_EOF;
}

static gboolean sftp_job_pump (Worker *worker,
                               Job    *job,
                               int    *fatal);

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
          if (rc_is_fatal ((int)n))
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
          if (rc_is_fatal (rc))
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
  Job *killer = job_new (JOB_EXEC, NULL);

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

/* Returns TRUE when it made progress. Sets @fatal on a session-level error. */
static gboolean
job_pump (Worker  *worker,
          Job     *job,
          int     *fatal)
{
  LIBSSH2_SESSION *s = worker->session;
  gboolean progress = FALSE;
  int rc;

  if (job->kind == JOB_LISTEN)
    return listen_job_pump (worker, job, fatal);
  if (job->kind == JOB_SFTP)
    return sftp_job_pump (worker, job, fatal);

  if (job->task != NULL && job->state < CH_CLOSE)
    {
      if (job_is_cancelled (job))
        {
          job_abort (worker, job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                               _("The command was cancelled.")));
          progress = TRUE;
        }
      else if (job->deadline != 0 && g_get_monotonic_time () >= job->deadline)
        {
          job_abort (worker, job,
                     g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_TIMEOUT,
                                  _("The command did not finish within %.1f s on %s:%u and was "
                                    "stopped: %s"),
                                  job->timeout_ms / 1000.0, worker->host, worker->port,
                                  job->command));
          progress = TRUE;
        }
    }

  for (;;)
    {
      switch (job->state)
        {
        case CH_OPEN:
          if (worker->opening != NULL && worker->opening != job)
            return progress;
          worker->opening = job;
          job->channel = libssh2_channel_open_ex (s, "session", sizeof "session" - 1,
                                                  EXEC_WINDOW_SIZE, LIBSSH2_CHANNEL_PACKET_DEFAULT,
                                                  NULL, 0);
          if (job->channel == NULL)
            {
              char *msg = NULL;

              rc = libssh2_session_last_error (s, &msg, NULL, 0);
              if (rc == LIBSSH2_ERROR_EAGAIN)
                return progress;
              worker->opening = NULL;
              if (rc_is_fatal (rc))
                {
                  *fatal = rc;
                  return progress;
                }
              if (job->task != NULL)
                job_return_error (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                                                    _("%s:%u refused to open a session channel: %s. "
                                                      "The server may limit sessions (MaxSessions)."),
                                                    worker->host, worker->port, msg));
              job->state = CH_DONE;
              return TRUE;
            }
          worker->opening = NULL;
          job->state = job->aborting ? CH_FREE : CH_EXEC;
          progress = TRUE;
          break;

        case CH_EXEC:
          rc = libssh2_channel_exec (job->channel, job->wrapped);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          if (rc < 0)
            {
              if (rc_is_fatal (rc))
                {
                  *fatal = rc;
                  return progress;
                }
              if (job->task != NULL)
                job_return_error (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                                                    _("%s:%u refused to run the command (libssh2 error %d)."),
                                                    worker->host, worker->port, rc));
              job->state = CH_FREE;
              return TRUE;
            }
          if (job->aborting)
            job->state = job->input != NULL ? CH_ABORT_KILL : CH_ABORT_EOF;
          else
            job->state = CH_RUN;
          progress = TRUE;
          break;

        case CH_RUN:
          {
            gboolean got = FALSE;
            ssize_t n;

            if (job->input != NULL)
              {
                got = input_pump (worker, job, fatal);
                if (*fatal != 0 || job->aborting)
                  return TRUE;
              }

            n = libssh2_channel_read (job->channel, (char *)worker->buffer, READ_BUFFER_SIZE);
            if (n > 0)
              {
                job->out_size += n;
                got = TRUE;
                if (job->mode == EXEC_STREAM)
                  {
                    g_autoptr(GError) error = NULL;

                    if (!g_output_stream_write_all (job->stream, worker->buffer, n, NULL,
                                                    job->cancellable, &error))
                      {
                        g_prefix_error (&error, _("Could not write the output of the command: "));
                        job_abort (worker, job, g_steal_pointer (&error));
                        return TRUE;
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
                *fatal = rc_is_fatal ((int)n) ? (int)n : 0;
                if (*fatal == 0)
                  {
                    job_abort (worker, job,
                               g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_CHANNEL,
                                            _("Reading the output from %s:%u failed (libssh2 error %d)."),
                                            worker->host, worker->port, (int)n));
                    return TRUE;
                  }
                return progress;
              }

            n = libssh2_channel_read_stderr (job->channel, (char *)worker->buffer, READ_BUFFER_SIZE);
            if (n > 0)
              {
                job->err_size += n;
                got = TRUE;
                if (job->mode != EXEC_STREAM || job->err->len < STDERR_STREAM_LIMIT)
                  g_byte_array_append (job->err, worker->buffer, n);
                if (job->mode == EXEC_LINES)
                  split_lines (job, job->err, TRUE, FALSE);
              }
            else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN && rc_is_fatal ((int)n))
              {
                *fatal = (int)n;
                return progress;
              }

            if (got)
              {
                progress = TRUE;
                continue;
              }

            if (job->mode == EXEC_LINES)
              flush_lines (job);

            if (!libssh2_channel_eof (job->channel))
              return progress;

            if (job->mode == EXEC_LINES)
              {
                split_lines (job, job->out, FALSE, TRUE);
                split_lines (job, job->err, TRUE, TRUE);
                flush_lines (job);
              }
            job->state = CH_CLOSE;
            progress = TRUE;
          }
          break;

        case CH_CLOSE:
          rc = libssh2_channel_close (job->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          job->state = CH_WAIT_CLOSED;
          progress = TRUE;
          break;

        case CH_WAIT_CLOSED:
          rc = libssh2_channel_wait_closed (job->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          if (job->task != NULL)
            {
              GTask *task = g_steal_pointer (&job->task);

              g_task_return_pointer (task, job_make_result (worker, job), g_object_unref);
              g_object_unref (task);
            }
          job->state = CH_FREE;
          progress = TRUE;
          break;

        case CH_ABORT_EOF:
          /* EOF on stdin makes the remote watchdog hang up the command. */
          rc = libssh2_channel_send_eof (job->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          job->state = CH_ABORT_CLOSE;
          progress = TRUE;
          break;

        case CH_ABORT_KILL:
          if (!job->kill_started)
            {
              job->kill_started = TRUE;
              g_ptr_array_add (worker->active, killer_new (job));
              progress = TRUE;
            }
          if (job->killer != NULL)
            return progress;
          job->state = CH_ABORT_CLOSE;
          progress = TRUE;
          break;

        case CH_ABORT_CLOSE:
          rc = libssh2_channel_close (job->channel);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          job->state = CH_FREE;
          progress = TRUE;
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
    }
}

/* ------------------------------------------------------------------------ */
/* SFTP (worker thread, non-blocking)                                       */

static GError *
sftp_error (Worker     *worker,
            Job        *job,
            int         rc,
            const char *doing)
{
  unsigned long fx = LIBSSH2_FX_FAILURE;
  char *msg = NULL;

  if (rc == LIBSSH2_ERROR_SFTP_PROTOCOL && worker->sftp != NULL)
    fx = libssh2_sftp_last_error (worker->sftp);
  else
    libssh2_session_last_error (worker->session, &msg, NULL, 0);

  switch (fx)
    {
    case LIBSSH2_FX_NO_SUCH_FILE:
    case LIBSSH2_FX_NO_SUCH_PATH:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_NOT_FOUND,
                          _("%s on %s:%u failed: “%s” does not exist."),
                          doing, worker->host, worker->port, job->path);
    case LIBSSH2_FX_PERMISSION_DENIED:
    case LIBSSH2_FX_WRITE_PROTECT:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_PERMISSION,
                          _("%s on %s:%u failed: permission denied for “%s” (user %s)."),
                          doing, worker->host, worker->port, job->path, worker->user);
    case LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM:
    case LIBSSH2_FX_QUOTA_EXCEEDED:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_NO_SPACE,
                          _("%s on %s:%u failed: no space left for “%s”."),
                          doing, worker->host, worker->port, job->path);
    case LIBSSH2_FX_FILE_ALREADY_EXISTS:
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                          _("%s on %s:%u failed: “%s” already exists."),
                          doing, worker->host, worker->port, job->path);
    default:
      /* OpenSSH's SFTP v3 says only "Failure" for ENOSPC, EIO, ... */
      return g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                          _("%s on %s:%u failed for “%s”: %s (SFTP status %lu, libssh2 error %d)."),
                          doing, worker->host, worker->port, job->path,
                          msg != NULL && *msg != '\0' ? msg : _("the server reported a failure"),
                          fx, rc);
    }
}

static void
sftp_job_fail (Job    *job,
               GError *error)
{
  if (job->error == NULL)
    job->error = error;
  else
    g_error_free (error);
  job->sftp_state = job->handle != NULL ? SFTP_CLOSE : SFTP_FINISH;
}

/* JOB_SFTP: one file read or written, start to end. Returns TRUE on progress. */
static gboolean
sftp_job_pump (Worker  *worker,
               Job     *job,
               int     *fatal)
{
  LIBSSH2_SESSION *s = worker->session;
  gboolean progress = FALSE;
  const char *doing = job->sftp_op == SFTP_READ ? _("Reading a file") : _("Writing a file");
  ssize_t n;
  int rc;

  if (worker->sftp_owner != NULL && worker->sftp_owner != job)
    return FALSE;
  worker->sftp_owner = job;

  for (;;)
    {
      if (job->error == NULL && job->sftp_state < SFTP_CLOSE && job_is_cancelled (job))
        {
          sftp_job_fail (job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           _("The file transfer was cancelled.")));
          progress = TRUE;
        }

      switch (job->sftp_state)
        {
        case SFTP_INIT:
          if (worker->sftp != NULL)
            {
              job->sftp_state = SFTP_OPEN;
              break;
            }
          if (worker->sftp_unavailable)
            {
              sftp_job_fail (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE,
                                               _("%s:%u has no SFTP subsystem."),
                                               worker->host, worker->port));
              break;
            }
          if (worker->opening != NULL && worker->opening != job)
            return progress;
          worker->opening = job;
          worker->sftp = libssh2_sftp_init (s);
          if (worker->sftp == NULL)
            {
              rc = libssh2_session_last_errno (s);
              if (rc == LIBSSH2_ERROR_EAGAIN)
                return progress;
              worker->opening = NULL;
              if (rc_is_fatal (rc))
                {
                  *fatal = rc;
                  return progress;
                }
              worker->sftp_unavailable = TRUE;
              g_debug ("No SFTP on %s:%u (libssh2 error %d): file transfers use exec",
                       worker->host, worker->port, rc);
              sftp_job_fail (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE,
                                               _("%s:%u has no SFTP subsystem."),
                                               worker->host, worker->port));
              progress = TRUE;
              break;
            }
          worker->opening = NULL;
          job->sftp_state = SFTP_OPEN;
          progress = TRUE;
          break;

        case SFTP_OPEN:
          if (job->sftp_op == SFTP_READ)
            job->handle = libssh2_sftp_open_ex (worker->sftp, job->path, strlen (job->path),
                                                LIBSSH2_FXF_READ, 0, LIBSSH2_SFTP_OPENFILE);
          else
            job->handle = libssh2_sftp_open_ex (worker->sftp, job->path, strlen (job->path),
                                                LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT |
                                                LIBSSH2_FXF_EXCL,
                                                job->file_mode, LIBSSH2_SFTP_OPENFILE);
          if (job->handle == NULL)
            {
              rc = libssh2_session_last_errno (s);
              if (rc == LIBSSH2_ERROR_EAGAIN)
                return progress;
              if (rc_is_fatal (rc))
                {
                  *fatal = rc;
                  return progress;
                }
              sftp_job_fail (job, sftp_error (worker, job, rc, doing));
              progress = TRUE;
              break;
            }
          job->sftp_state = job->sftp_op == SFTP_READ ? SFTP_FSTAT : SFTP_IO;
          progress = TRUE;
          break;

        case SFTP_FSTAT:
          {
            LIBSSH2_SFTP_ATTRIBUTES attrs = { 0 };

            rc = libssh2_sftp_fstat_ex (job->handle, &attrs, 0);
            if (rc == LIBSSH2_ERROR_EAGAIN)
              return progress;
            if (rc < 0)
              {
                if (rc_is_fatal (rc))
                  {
                    *fatal = rc;
                    return progress;
                  }
                sftp_job_fail (job, sftp_error (worker, job, rc, doing));
                progress = TRUE;
                break;
              }
            if (attrs.flags & LIBSSH2_SFTP_ATTR_PERMISSIONS)
              {
                job->file_mode = attrs.permissions & 07777;
                if (LIBSSH2_SFTP_S_ISDIR (attrs.permissions))
                  {
                    sftp_job_fail (job, g_error_new (SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                                                     _("“%s” on %s:%u is a directory, not a file."),
                                                     job->path, worker->host, worker->port));
                    progress = TRUE;
                    break;
                  }
              }
            if ((attrs.flags & LIBSSH2_SFTP_ATTR_SIZE) && attrs.filesize < G_MAXUINT32)
              {
                g_byte_array_unref (job->out);
                job->out = g_byte_array_sized_new ((guint)attrs.filesize);
              }
            job->sftp_state = SFTP_IO;
            progress = TRUE;
          }
          break;

        case SFTP_IO:
          if (job->sftp_op == SFTP_READ)
            {
              n = libssh2_sftp_read (job->handle, (char *)worker->buffer, READ_BUFFER_SIZE);
              if (n == LIBSSH2_ERROR_EAGAIN)
                return progress;
              if (n > 0)
                {
                  g_byte_array_append (job->out, worker->buffer, n);
                  job->out_size += n;
                  progress = TRUE;
                  break;
                }
              if (n == 0)
                {
                  job->sftp_state = SFTP_CLOSE;
                  progress = TRUE;
                  break;
                }
            }
          else
            {
              gsize size;
              const guchar *data = g_bytes_get_data (job->data, &size);

              if (job->data_off == size)
                {
                  job->sftp_state = SFTP_FSYNC;
                  progress = TRUE;
                  break;
                }
              /* Same pointer and length again after EAGAIN, as libssh2 wants. */
              n = libssh2_sftp_write (job->handle, (const char *)data + job->data_off,
                                      MIN (size - job->data_off, SFTP_WRITE_SLICE));
              if (n == LIBSSH2_ERROR_EAGAIN)
                return progress;
              if (n >= 0)
                {
                  job->data_off += n;
                  job->in_size += n;
                  progress = TRUE;
                  break;
                }
            }
          if (rc_is_fatal ((int)n))
            {
              *fatal = (int)n;
              return progress;
            }
          sftp_job_fail (job, sftp_error (worker, job, (int)n, doing));
          progress = TRUE;
          break;

        case SFTP_FSYNC:
          rc = libssh2_sftp_fsync (job->handle);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          if (rc == 0)
            job->sftp_result->fsynced = TRUE;
          else if (rc_is_fatal (rc))
            {
              *fatal = rc;
              return progress;
            }
          else if (!(rc == LIBSSH2_ERROR_SFTP_PROTOCOL &&
                     libssh2_sftp_last_error (worker->sftp) == LIBSSH2_FX_OP_UNSUPPORTED))
            {
              sftp_job_fail (job, sftp_error (worker, job, rc, doing));
              progress = TRUE;
              break;
            }
          job->sftp_state = SFTP_CLOSE;
          progress = TRUE;
          break;

        case SFTP_CLOSE:
          rc = libssh2_sftp_close_handle (job->handle);
          if (rc == LIBSSH2_ERROR_EAGAIN)
            return progress;
          job->handle = NULL;
          if (rc < 0 && rc_is_fatal (rc))
            {
              *fatal = rc;
              return progress;
            }
          if (rc < 0 && job->error == NULL && job->sftp_op == SFTP_WRITE)
            job->error = sftp_error (worker, job, rc, doing);
          job->sftp_state = SFTP_FINISH;
          progress = TRUE;
          break;

        case SFTP_FINISH:
        default:
          worker->sftp_owner = NULL;
          if (job->error != NULL)
            job_return_error (job, g_steal_pointer (&job->error));
          else if (job->task != NULL)
            {
              GTask *task = g_steal_pointer (&job->task);

              if (job->sftp_op == SFTP_READ)
                {
                  job->sftp_result->data = g_byte_array_free_to_bytes (g_steal_pointer (&job->out));
                  job->sftp_result->mode = job->file_mode;
                }
              g_task_return_pointer (task, g_steal_pointer (&job->sftp_result),
                                     (GDestroyNotify)sftp_result_free);
              g_object_unref (task);
            }
          job->state = CH_DONE;
          return TRUE;
        }
    }
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
static gboolean
listen_job_pump (Worker  *worker,
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
          if (worker->opening == NULL && job_is_cancelled (job))
            {
              job_return_error (job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
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
              if (rc_is_fatal (rc))
                {
                  *fatal = rc;
                  return FALSE;
                }
              job_return_error (job, forward_open_error (worker, job->target_host,
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

/* Returns TRUE when it made progress. */
static gboolean
forward_pump (Worker   *worker,
              Forward  *fw,
              int      *fatal)
{
  LIBSSH2_SESSION *s = worker->session;
  gboolean progress = FALSE;
  gboolean again = TRUE;
  ssize_t n;
  int rc;

  while (again)
    {
      again = FALSE;

      switch (fw->state)
        {
        case FW_OPEN:
          if (worker->opening != NULL && worker->opening != fw)
            return progress;
          if (fw->fd < 0 && worker->opening != fw)
            {
              /* the tunnel was closed before the channel was asked for */
              fw->state = FW_DONE;
              return TRUE;
            }
          worker->opening = fw;
          fw->channel = libssh2_channel_direct_tcpip_ex (s, fw->host, (int)fw->port,
                                                         "127.0.0.1", (int)fw->peer_port);
          if (fw->channel == NULL)
            {
              char *msg = NULL;

              rc = libssh2_session_last_error (s, &msg, NULL, 0);
              if (rc == LIBSSH2_ERROR_EAGAIN)
                return progress;
              worker->opening = NULL;
              if (rc_is_fatal (rc))
                {
                  *fatal = rc;
                  return progress;
                }
              g_debug ("Tunnel connection to %s:%u refused: %s", fw->host, fw->port, msg);
              forward_close_local (fw);
              fw->state = FW_DONE;
              return TRUE;
            }
          worker->opening = NULL;
          fw->state = fw->fd >= 0 ? FW_RUN : FW_CLOSE;
          progress = again = TRUE;
          break;

        case FW_RUN:
          /* local -> remote */
          if (fw->to_remote_off == fw->to_remote_len && !fw->local_eof)
            {
              n = recv (fw->fd, fw->to_remote, FORWARD_BUFFER_SIZE, 0);
              if (n > 0)
                {
                  fw->to_remote_len = n;
                  fw->to_remote_off = 0;
                  progress = again = TRUE;
                }
              else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
                {
                  fw->local_eof = TRUE;
                  progress = again = TRUE;
                }
            }
          if (fw->to_remote_off < fw->to_remote_len)
            {
              n = libssh2_channel_write (fw->channel, (const char *)fw->to_remote + fw->to_remote_off,
                                         fw->to_remote_len - fw->to_remote_off);
              if (n > 0)
                {
                  fw->to_remote_off += n;
                  progress = again = TRUE;
                }
              else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
                {
                  if (rc_is_fatal ((int)n))
                    {
                      *fatal = (int)n;
                      return progress;
                    }
                  fw->state = FW_CLOSE;
                  return TRUE;
                }
            }
          if (fw->local_eof && fw->to_remote_off == fw->to_remote_len && !fw->eof_sent)
            {
              rc = libssh2_channel_send_eof (fw->channel);
              if (rc == 0)
                {
                  fw->eof_sent = TRUE;
                  progress = again = TRUE;
                }
              else if (rc != LIBSSH2_ERROR_EAGAIN)
                {
                  fw->state = FW_CLOSE;
                  return TRUE;
                }
            }

          /* remote -> local */
          if (fw->to_local_off == fw->to_local_len && !fw->remote_eof)
            {
              n = libssh2_channel_read (fw->channel, (char *)fw->to_local, FORWARD_BUFFER_SIZE);
              if (n > 0)
                {
                  fw->to_local_len = n;
                  fw->to_local_off = 0;
                  progress = again = TRUE;
                }
              else if (n < 0 && n != LIBSSH2_ERROR_EAGAIN)
                {
                  if (rc_is_fatal ((int)n))
                    {
                      *fatal = (int)n;
                      return progress;
                    }
                  fw->state = FW_CLOSE;
                  return TRUE;
                }
              else if (libssh2_channel_eof (fw->channel))
                {
                  fw->remote_eof = TRUE;
                  progress = again = TRUE;
                }
            }
          if (fw->to_local_off < fw->to_local_len)
            {
              n = send (fw->fd, fw->to_local + fw->to_local_off,
                        fw->to_local_len - fw->to_local_off, MSG_NOSIGNAL);
              if (n > 0)
                {
                  fw->to_local_off += n;
                  progress = again = TRUE;
                }
              else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                {
                  /* the local client went away */
                  fw->state = FW_CLOSE;
                  return TRUE;
                }
            }
          if (fw->remote_eof && fw->to_local_off == fw->to_local_len && !fw->local_shut)
            {
              shutdown (fw->fd, SHUT_WR);
              fw->local_shut = TRUE;
              progress = TRUE;
            }
          if (fw->remote_eof && fw->local_shut && fw->local_eof && fw->eof_sent)
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
    }

  return progress;
}

static void
listener_accept (Worker   *worker,
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

static void
worker_unlisten (Worker *worker,
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
            {
              split_lines (job, job->out, FALSE, TRUE);
              split_lines (job, job->err, TRUE, TRUE);
              flush_lines (job);
            }
          job_return_error (job, g_error_copy (error));
          /* the session is gone: libssh2_session_free releases the channel */
          job->channel = NULL;
          job->handle = NULL;
          job_free (job);
        }
      g_ptr_array_set_size (worker->active, 0);
    }

  while ((job = g_queue_pop_head (&worker->waiting)) != NULL)
    {
      job_return_error (job, g_error_copy (error));
      job_free (job);
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
      job_return_error (job, g_error_copy (error));
      job_free (job);
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
      job_free (job);
      return;
    }

  if (job->kind == JOB_UNLISTEN)
    {
      worker_unlisten (worker, job->listener_id);
      job_free (job);
      return;
    }

  g_queue_push_tail (&worker->waiting, job);
}

static void live_workers_remove (Worker *worker);

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  g_autoptr(GError) error = NULL;
  int fatal = 0;
  Job *job;

  worker->sock = -1;
  worker->active = g_ptr_array_new ();
  worker->listeners = g_ptr_array_new_with_free_func ((GDestroyNotify)listener_free);
  worker->forwards = g_ptr_array_new_with_free_func ((GDestroyNotify)forward_free);
  worker->buffer = g_malloc (READ_BUFFER_SIZE);

  if (!worker_connect (worker, &error))
    {
      worker_close_session (worker, FALSE);
      worker_fail_all (worker, error);
      live_workers_remove (worker);
      worker_unref (worker);
      return NULL;
    }

  g_mutex_lock (&worker->lock);
  worker->connected = TRUE;
  g_mutex_unlock (&worker->lock);

  for (;;)
    {
      g_autofree struct pollfd *pfd = NULL;
      guint n_pfd;
      gboolean progress = FALSE;
      gboolean quit;
      int timeout = 1000;
      int next_keepalive = 0;
      int dirs;
      gint64 now;
      guint64 received_before = worker->received;
      guint i;

      g_mutex_lock (&worker->lock);
      quit = worker->quit;
      g_mutex_unlock (&worker->lock);
      if (quit)
        break;

      while ((job = g_async_queue_try_pop (worker->jobs)) != NULL)
        worker_take_job (worker, job);

      while (worker->active->len < SN_SSH_SESSION_MAX_CHANNELS &&
             (job = g_queue_pop_head (&worker->waiting)) != NULL)
        {
          if (job_is_cancelled (job))
            {
              job_return_error (job, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                  _("The command was cancelled.")));
              job_free (job);
              continue;
            }
          job->started = g_get_monotonic_time ();
          if (job->timeout_ms > 0)
            job->deadline = job->started + (gint64)job->timeout_ms * 1000;
          g_ptr_array_add (worker->active, job);
        }

      for (i = 0; i < worker->active->len && fatal == 0; )
        {
          job = g_ptr_array_index (worker->active, i);
          if (job_pump (worker, job, &fatal))
            progress = TRUE;
          if (job->state == CH_DONE)
            {
              g_ptr_array_remove_index (worker->active, i);
              job_free (job);
            }
          else
            i++;
        }

      for (i = 0; i < worker->forwards->len && fatal == 0; )
        {
          Forward *fw = g_ptr_array_index (worker->forwards, i);

          if (forward_pump (worker, fw, &fatal))
            progress = TRUE;
          if (fw->state == FW_DONE)
            g_ptr_array_remove_index (worker->forwards, i);
          else
            i++;
        }

      if (fatal == 0 && worker->keepalive > 0)
        {
          int rc = libssh2_keepalive_send (worker->session, &next_keepalive);

          if (rc != 0 && rc != LIBSSH2_ERROR_EAGAIN && rc_is_fatal (rc))
            fatal = rc;
        }

      if (fatal != 0)
        break;

      if (progress || worker->received != received_before)
        continue;

      /* Some libssh2 calls parse one packet and leave the rest in its buffer,
       * where poll() cannot see them: read a stream nobody sends on any open
       * channel, which makes libssh2 parse everything it holds. */
      {
        LIBSSH2_CHANNEL *any = NULL;

        for (i = 0; i < worker->active->len && any == NULL; i++)
          {
            job = g_ptr_array_index (worker->active, i);
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

            if (rc < 0 && rc != LIBSSH2_ERROR_EAGAIN && rc_is_fatal ((int)rc))
              fatal = (int)rc;
          }
      }
      if (fatal != 0)
        break;
      if (worker->received != received_before)
        continue;

      now = g_get_monotonic_time ();
      for (i = 0; i < worker->active->len; i++)
        {
          job = g_ptr_array_index (worker->active, i);
          if (job->deadline != 0 && job->task != NULL)
            timeout = MIN (timeout, (int)MAX (0, (job->deadline - now) / 1000 + 1));
        }
      if (next_keepalive > 0)
        timeout = MIN (timeout, next_keepalive * 1000);
      if (worker->active->len > 0)
        timeout = MIN (timeout, 100);   /* safety net while channels are busy */

      n_pfd = 2 + worker->listeners->len + worker->forwards->len;
      pfd = g_new0 (struct pollfd, n_pfd);
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

      if (poll (pfd, n_pfd, timeout) < 0 && errno != EINTR)
        break;

      for (i = 0; i < worker->listeners->len; i++)
        {
          if (pfd[2 + i].revents & POLLIN)
            listener_accept (worker, g_ptr_array_index (worker->listeners, i));
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
          fatal = LIBSSH2_ERROR_SOCKET_DISCONNECT;
          break;
        }
    }

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
      worker_close_session (worker, FALSE);
    }
  else
    {
      g_autoptr(GError) closed = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("The SSH session was closed."));

      worker_close_session (worker, TRUE);
      worker_fail_all (worker, closed);
    }

  live_workers_remove (worker);
  worker_unref (worker);
  return NULL;
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

  worker_wake (worker);
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
      g_clear_pointer (&self->worker, worker_unref);
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
  worker = self->worker != NULL ? worker_ref (self->worker) : NULL;
  g_mutex_unlock (&self->lock);

  if (worker != NULL)
    {
      worker_stop (worker);
      worker_unref (worker);
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
      worker_wake (worker);
    }
  while (live_workers->len > 0)
    if (!g_cond_wait_until (&live_cond, &live_lock, deadline))
      break;
  g_mutex_unlock (&live_lock);
}

static void
live_workers_add (Worker *worker)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      /* libssh2_init() initialises OpenSSL, which registers its own exit
       * handler; ours, registered after it, runs before it. */
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
static void
session_submit (SnSshSession *self,
                Job          *job)
{
  g_autoptr(GError) error = NULL;
  Worker *worker;

  /* The loopback guard runs before any socket is opened. */
  if (!sn_net_check_host (sn_profile_get_ssh_host (self->profile), &error))
    {
      job_return_error (job, g_steal_pointer (&error));
      job_free (job);
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
                                                    worker_ref (worker),
                                                    (GDestroyNotify)worker_unref);
          g_async_queue_push (worker->jobs, job);
          g_mutex_unlock (&worker->lock);
          g_mutex_unlock (&self->lock);
          worker_wake (worker);
          return;
        }
      g_mutex_unlock (&worker->lock);

      /* dead: reap its thread, which has finished or is finishing */
      worker_stop (worker);
      g_clear_pointer (&self->worker, worker_unref);
    }

  worker = worker_new (self);
  if (job->cancellable != NULL)
    job->cancel_id = g_cancellable_connect (job->cancellable, G_CALLBACK (on_job_cancelled),
                                            worker_ref (worker), (GDestroyNotify)worker_unref);
  g_async_queue_push (worker->jobs, job);
  self->worker = worker;
  live_workers_add (worker);
  worker->thread = g_thread_new ("sn-ssh-worker", worker_thread, worker_ref (worker));

  g_mutex_unlock (&self->lock);
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

  session_submit (self, job_new (JOB_CONNECT, g_steal_pointer (&task)));
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

  job = job_new (JOB_EXEC, g_steal_pointer (&task));
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

  session_submit (self, job);
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

/* ------------------------------------------------------------------------ */
/* Files                                                                    */

const char *
sn_ssh_transport_to_string (SnSshTransport transport)
{
  return transport == SN_SSH_TRANSPORT_SFTP ? "sftp" : "exec";
}

static void
sftp_submit (SnSshSession        *self,
             SftpOp               op,
             const char          *path,
             GBytes              *data,
             guint                mode,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Job *job;

  g_task_set_source_tag (task, sftp_submit);
  job = job_new (JOB_SFTP, g_steal_pointer (&task));
  job->sftp_op = op;
  job->path = g_strdup (path);
  job->data = data != NULL ? g_bytes_ref (data) : NULL;
  job->file_mode = mode;
  job->out = g_byte_array_new ();
  job->sftp_result = g_new0 (SftpResult, 1);
  job->state = CH_OPEN;

  session_submit (self, job);
}

/* The last non-empty line of a command's stderr. */
static char *
stderr_last_line (SnSshExecResult *result)
{
  g_autofree char *text = sn_ssh_exec_result_dup_stderr_text (result);
  g_auto(GStrv) lines = g_strsplit (g_strstrip (text), "\n", -1);
  guint n = g_strv_length (lines);

  return g_strdup (n > 0 ? lines[n - 1] : "");
}

static GError *
exec_file_error (SnSshSession    *self,
                 SnSshExecResult *result,
                 const char      *doing,
                 const char      *path)
{
  g_autofree char *why = stderr_last_line (result);
  g_autofree char *where = sn_ssh_session_dup_display_name (self);
  SnSshError code = SN_SSH_ERROR_FAILED;

  if (strstr (why, "No such file") != NULL)
    code = SN_SSH_ERROR_NOT_FOUND;
  else if (strstr (why, "Permission denied") != NULL || strstr (why, "Read-only file system") != NULL)
    code = SN_SSH_ERROR_PERMISSION;
  else if (strstr (why, "No space left") != NULL || strstr (why, "Disk quota exceeded") != NULL)
    code = SN_SSH_ERROR_NO_SPACE;

  return g_error_new (SN_SSH_ERROR, code, _("%s “%s” on %s failed (exit status %d): %s"),
                      doing, path, where, sn_ssh_exec_result_get_exit_status (result),
                      *why != '\0' ? why : _("no message"));
}

typedef struct
{
  char           *path;
  SnSshTransport  transport;
} ReadFile;

static void
read_file_free (ReadFile *rf)
{
  g_free (rf->path);
  g_free (rf);
}

static void
on_read_exec (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  ReadFile *rf = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  GError *error = NULL;

  if (!(exec = sn_ssh_session_exec_finish (self, result, &error)))
    g_task_return_error (task, error);
  else if (!sn_ssh_exec_result_get_success (exec))
    g_task_return_error (task, exec_file_error (self, exec, _("Reading"), rf->path));
  else
    g_task_return_pointer (task, g_bytes_ref (sn_ssh_exec_result_get_stdout (exec)),
                           (GDestroyNotify)g_bytes_unref);
}

static void
on_read_sftp (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  ReadFile *rf = g_task_get_task_data (task);
  SftpResult *res;
  GError *error = NULL;

  res = g_task_propagate_pointer (G_TASK (result), &error);
  if (res != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&res->data), (GDestroyNotify)g_bytes_unref);
      sftp_result_free (res);
      return;
    }

  if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE))
    {
      g_autofree char *quoted = g_shell_quote (rf->path);
      g_autofree char *command = g_strdup_printf ("cat -- %s", quoted);

      GCancellable *cancellable = g_task_get_cancellable (task);

      g_clear_error (&error);
      rf->transport = SN_SSH_TRANSPORT_EXEC;
      sn_ssh_session_exec_async (self, command, 0, cancellable,
                                 on_read_exec, g_steal_pointer (&task));
      return;
    }

  g_task_return_error (task, error);
}

/**
 * sn_ssh_session_read_file_async:
 * @path: an absolute path on the host
 *
 * Reads a whole remote file into memory: over SFTP, or `cat` over exec when
 * the server has no SFTP subsystem.
 */
void
sn_ssh_session_read_file_async (SnSshSession        *self,
                                const char          *path,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadFile *rf;

  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (path != NULL && *path != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_ssh_session_read_file_async);
  rf = g_new0 (ReadFile, 1);
  rf->path = g_strdup (path);
  rf->transport = SN_SSH_TRANSPORT_SFTP;
  g_task_set_task_data (task, rf, (GDestroyNotify)read_file_free);

  sftp_submit (self, SFTP_READ, path, NULL, 0, cancellable, on_read_sftp, g_steal_pointer (&task));
}

/**
 * sn_ssh_session_read_file_finish:
 * @transport: (out) (optional): which path the bytes took
 *
 * Returns: (transfer full): the file's bytes; errors: %SN_SSH_ERROR_NOT_FOUND,
 *   %SN_SSH_ERROR_PERMISSION, ...
 */
GBytes *
sn_ssh_session_read_file_finish (SnSshSession    *self,
                                 GAsyncResult    *result,
                                 SnSshTransport  *transport,
                                 GError         **error)
{
  ReadFile *rf;

  g_return_val_if_fail (SN_IS_SSH_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  rf = g_task_get_task_data (G_TASK (result));
  if (transport != NULL)
    *transport = rf->transport;
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  char           *path;
  char           *dir;
  char           *tmp;
  char           *backup;
  GBytes         *contents;
  GError         *error;        /* the failure being cleaned up after */
  int             mode;
  SnSshTransport  transport;
  gboolean        fsynced;
} Replace;

static void
replace_free (Replace *r)
{
  g_free (r->path);
  g_free (r->dir);
  g_free (r->tmp);
  g_free (r->backup);
  g_clear_pointer (&r->contents, g_bytes_unref);
  g_clear_error (&r->error);
  g_free (r);
}

static void
on_replace_cleaned (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autofree char *where = sn_ssh_session_dup_display_name (self);
  g_autofree char *out = NULL;
  guint64 avail = G_MAXUINT64;
  gsize size = g_bytes_get_size (r->contents);

  exec = sn_ssh_session_exec_finish (self, result, NULL);
  if (exec != NULL && sn_ssh_exec_result_get_success (exec))
    {
      out = sn_ssh_exec_result_dup_stdout_text (exec);
      if (*g_strstrip (out) != '\0')
        avail = g_ascii_strtoull (out, NULL, 10);
    }

  if (g_error_matches (r->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&r->error));
      return;
    }

  /* SFTP v3 reports a full disk as a plain "Failure": the free space tells. */
  if (g_error_matches (r->error, SN_SSH_ERROR, SN_SSH_ERROR_NO_SPACE) ||
      (g_error_matches (r->error, SN_SSH_ERROR, SN_SSH_ERROR_FAILED) && avail < size))
    {
      g_autofree char *need = g_format_size (size);
      g_autofree char *free_text = avail != G_MAXUINT64 ? g_format_size (avail) : g_strdup (_("unknown"));

      g_task_return_new_error (task, SN_SSH_ERROR, SN_SSH_ERROR_NO_SPACE,
                               _("No space left on %s for the new “%s”: it needs %s and %s holds %s "
                                 "free. “%s” was not changed and the temporary file was removed. "
                                 "Free some space there (`df -h %s`) and try again."),
                               where, r->path, need, r->dir, free_text, r->path, r->dir);
      return;
    }

  g_prefix_error (&r->error, _("“%s” was not changed (the temporary file was removed): "), r->path);
  g_task_return_error (task, g_steal_pointer (&r->error));
}

/* Removes the temp file, reads the free space, then fails with @error. */
static void
replace_fail (GTask  *task,
              GError *error)
{
  SnSshSession *self = g_task_get_source_object (task);
  Replace *r = g_task_get_task_data (task);
  g_autofree char *tmp = g_shell_quote (r->tmp);
  g_autofree char *dir = g_shell_quote (r->dir);
  g_autofree char *command = g_strdup_printf ("rm -f -- %s; df -P -B1 -- %s | awk 'NR==2 {print $4}'",
                                              tmp, dir);

  g_clear_error (&r->error);
  r->error = error;
  /* not cancellable: the temp file must go */
  sn_ssh_session_exec_async (self, command, 30000, NULL, on_replace_cleaned, task);
}

static void
on_replace_committed (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autofree char *out = NULL;
  GError *error = NULL;
  const char *line;

  if (!(exec = sn_ssh_session_exec_finish (self, result, &error)))
    {
      replace_fail (g_steal_pointer (&task), error);
      return;
    }
  if (!sn_ssh_exec_result_get_success (exec))
    {
      error = exec_file_error (self, exec, _("Replacing"), r->path);
      if (error->code == SN_SSH_ERROR_NO_SPACE || error->code == SN_SSH_ERROR_FAILED)
        replace_fail (g_steal_pointer (&task), error);
      else
        {
          g_prefix_error (&error, _("“%s” was not changed: "), r->path);
          g_task_return_error (task, error);
        }
      return;
    }

  out = sn_ssh_exec_result_dup_stdout_text (exec);
  line = strstr (out, "backup=");
  if (line != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (line + strlen ("backup="), "\n", 2);

      if (parts[0] != NULL && *parts[0] != '\0')
        r->backup = g_strdup (parts[0]);
    }
  g_task_return_boolean (task, TRUE);
}

/* Size check, backup, mode, sync, rename: one exec. */
static void
replace_commit (GTask *task)
{
  SnSshSession *self = g_task_get_source_object (task);
  Replace *r = g_task_get_task_data (task);
  g_autofree char *target = g_shell_quote (r->path);
  g_autofree char *tmp = g_shell_quote (r->tmp);
  g_autofree char *mode = r->mode >= 0 ? g_strdup_printf ("%04o", r->mode & 07777) : g_strdup ("");
  g_autofree char *command = NULL;

  command = g_strdup_printf (
    "T=%s; P=%s; N=%" G_GSIZE_FORMAT "; M=%s\n"
    "s=$(stat -c %%s -- \"$P\") || exit 10\n"
    "if [ \"$s\" != \"$N\" ]; then rm -f -- \"$P\"; echo \"the temporary file holds $s bytes, not $N\" >&2; exit 11; fi\n"
    "B=\n"
    "if [ -e \"$T\" ]; then\n"
    "  d=$(date +%%Y%%m%%d-%%H%%M%%S); B=\"$T.$d.bak\"; i=1\n"
    "  while [ -e \"$B\" ]; do B=\"$T.$d-$i.bak\"; i=$((i + 1)); done\n"
    "  cp -p -- \"$T\" \"$B\" || { rm -f -- \"$P\" \"$B\"; exit 12; }\n"
    "  chmod --reference=\"$T\" -- \"$P\"; chown --reference=\"$T\" -- \"$P\" 2>/dev/null\n"
    "fi\n"
    "if [ -n \"$M\" ]; then chmod \"$M\" -- \"$P\" || { rm -f -- \"$P\"; exit 13; }\n"
    "elif [ -z \"$B\" ]; then chmod 0600 -- \"$P\"; fi\n"
    "%s"
    "mv -f -- \"$P\" \"$T\" || { rm -f -- \"$P\"; exit 15; }\n"
    "sync -- \"$(dirname -- \"$T\")\" 2>/dev/null\n"
    "echo \"backup=$B\"\n",
    target, tmp, g_bytes_get_size (r->contents), mode,
    r->fsynced ? "" : "sync -- \"$P\" || { rm -f -- \"$P\"; exit 14; }\n");

  sn_ssh_session_exec_async (self, command, 120000, NULL, on_replace_committed, task);
}

static void
on_replace_uploaded (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  g_autoptr(SnSshExecResult) exec = NULL;
  GError *error = NULL;

  if (!(exec = sn_ssh_session_exec_finish (self, result, &error)))
    replace_fail (task, error);
  else if (!sn_ssh_exec_result_get_success (exec))
    replace_fail (task, exec_file_error (self, exec, _("Writing"), r->tmp));
  else if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    replace_fail (task, error);   /* nothing renamed yet: the temp file goes too (L4) */
  else
    replace_commit (task);
}

static void
on_replace_written (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  SnSshSession *self = SN_SSH_SESSION (object);
  Replace *r = g_task_get_task_data (task);
  SftpResult *res;
  GError *error = NULL;

  res = g_task_propagate_pointer (G_TASK (result), &error);
  if (res != NULL)
    {
      r->fsynced = res->fsynced;
      sftp_result_free (res);
      if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
        replace_fail (task, error);   /* cancelled before the rename: nothing left (L4) */
      else
        replace_commit (task);
      return;
    }

  if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_SFTP_UNAVAILABLE))
    {
      g_autoptr(GInputStream) input = g_memory_input_stream_new_from_bytes (r->contents);
      g_autofree char *tmp = g_shell_quote (r->tmp);
      g_autofree char *command = g_strdup_printf ("umask 077 && set -C && cat > %s", tmp);

      g_clear_error (&error);
      r->transport = SN_SSH_TRANSPORT_EXEC;
      sn_ssh_session_exec_with_input_async (self, command, input, 0, g_task_get_cancellable (task),
                                            on_replace_uploaded, task);
      return;
    }

  replace_fail (task, error);
}

/**
 * sn_ssh_session_replace_file_async:
 * @path: an absolute path on the host; its directory must exist
 * @contents: the new bytes
 * @mode: permission bits for the new file, or -1 to keep those of the file
 *   it replaces (0600 for a new file: it may hold secrets, such as a .env)
 *
 * Replaces @path atomically: the bytes go to a temp file beside it (SFTP,
 * or `cat` over exec without SFTP), synced (fsync@openssh.com, else `sync`),
 * the original is copied to `PATH.YYYYMMDD-HHMMSS.bak` with its mode and
 * owner, and the temp file is renamed over @path. On any failure (full disk,
 * permission, cancel before the rename) @path is untouched and the temp file
 * removed; a full disk is %SN_SSH_ERROR_NO_SPACE.
 */
void
sn_ssh_session_replace_file_async (SnSshSession        *self,
                                   const char          *path,
                                   GBytes              *contents,
                                   int                  mode,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *base = NULL;
  g_autofree char *token = NULL;
  g_autofree char *tmp_name = NULL;
  Replace *r;

  g_return_if_fail (SN_IS_SSH_SESSION (self));
  g_return_if_fail (path != NULL && *path != '\0');
  g_return_if_fail (contents != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_ssh_session_replace_file_async);
  r = g_new0 (Replace, 1);
  r->path = g_strdup (path);
  r->dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  token = g_strdup_printf ("%08x", g_random_int ());
  tmp_name = g_strdup_printf (".%s.sn-%s.tmp", base, token);
  r->tmp = g_build_filename (r->dir, tmp_name, NULL);
  r->contents = g_bytes_ref (contents);
  r->mode = mode;
  r->transport = SN_SSH_TRANSPORT_SFTP;
  g_task_set_task_data (task, r, (GDestroyNotify)replace_free);

  if (base[0] == '/' || base[0] == '.' || g_str_has_suffix (path, "/"))
    {
      g_task_return_new_error (task, SN_SSH_ERROR, SN_SSH_ERROR_FAILED,
                               _("“%s” does not name a file."), path);
      return;
    }

  sftp_submit (self, SFTP_WRITE, r->tmp, contents, 0600, cancellable,
               on_replace_written, g_steal_pointer (&task));
}

/**
 * sn_ssh_session_replace_file_finish:
 * @backup_path: (out) (optional) (transfer full): the backup of the old
 *   file, or %NULL when there was none
 * @transport: (out) (optional): which path the bytes took
 */
gboolean
sn_ssh_session_replace_file_finish (SnSshSession    *self,
                                    GAsyncResult    *result,
                                    char           **backup_path,
                                    SnSshTransport  *transport,
                                    GError         **error)
{
  Replace *r;

  g_return_val_if_fail (SN_IS_SSH_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  r = g_task_get_task_data (G_TASK (result));
  if (transport != NULL)
    *transport = r->transport;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    {
      if (backup_path != NULL)
        *backup_path = NULL;
      return FALSE;
    }
  if (backup_path != NULL)
    *backup_path = g_strdup (r->backup);
  return TRUE;
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

  job = job_new (JOB_LISTEN, g_steal_pointer (&task));
  job->listen_fd = listen_fd;
  job->listener_id = id;
  job->target_host = g_strdup (host);
  job->target_port = port;
  job->state = CH_OPEN;

  session_submit (self, job);
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
  Worker *worker = NULL;
  JobDone *done = NULL;
  gboolean wait = FALSE;
  Job *job;

  g_return_if_fail (SN_IS_SSH_SESSION (self));

  g_mutex_lock (&self->lock);
  if (self->worker != NULL)
    worker = worker_ref (self->worker);
  g_mutex_unlock (&self->lock);

  if (worker == NULL)
    return;

  g_mutex_lock (&worker->lock);
  if (!worker->dead && !worker->quit)
    {
      job = job_new (JOB_UNLISTEN, NULL);
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

  worker_wake (worker);

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
      g_atomic_rc_box_release_full (done, (GDestroyNotify)job_done_clear);
    }

  worker_unref (worker);
}
