/* sn-health-history.c: the last 24 hours of health checks of a profile
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-health-history"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-health-history.h"

#define DEFAULT_WINDOW (24 * 3600)
#define MAX_SAMPLES 20000

struct _SnHealthHistory
{
  GObject  parent_instance;
  GArray  *samples;    /* SnHealthSample, oldest first */
  char    *path;
  gint64   window;
};

G_DEFINE_FINAL_TYPE (SnHealthHistory, sn_health_history, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *probe_names[] = { "database", "redis", "storage" };

const char *
sn_health_probe_get_name (SnHealthProbe probe)
{
  g_return_val_if_fail (probe < SN_HEALTH_N_PROBES, NULL);
  return probe_names[probe];
}

static void
sn_health_history_finalize (GObject *object)
{
  SnHealthHistory *self = SN_HEALTH_HISTORY (object);

  g_clear_pointer (&self->samples, g_array_unref);
  g_free (self->path);
  G_OBJECT_CLASS (sn_health_history_parent_class)->finalize (object);
}

static void
sn_health_history_class_init (SnHealthHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_health_history_finalize;

  /**
   * SnHealthHistory::changed:
   *
   * A sample was added or old ones pruned.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sn_health_history_init (SnHealthHistory *self)
{
  self->samples = g_array_new (FALSE, TRUE, sizeof (SnHealthSample));
  self->window = DEFAULT_WINDOW;
}

/**
 * sn_health_history_new:
 * @directory: (nullable): where the files are; the default when NULL
 */
SnHealthHistory *
sn_health_history_new (const char *profile,
                       const char *directory)
{
  SnHealthHistory *self;
  g_autofree char *name = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (profile != NULL && *profile != '\0' && strchr (profile, '/') == NULL, NULL);

  self = g_object_new (SN_TYPE_HEALTH_HISTORY, NULL);
  dir = directory != NULL ? g_strdup (directory)
                          : g_build_filename (g_get_user_data_dir (), "narcisse-admin",
                                              "health-history", NULL);
  name = g_strconcat (profile, ".jsonl", NULL);
  self->path = g_build_filename (dir, name, NULL);
  return self;
}

const char *
sn_health_history_get_path (SnHealthHistory *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_HISTORY (self), NULL);
  return self->path;
}

void
sn_health_history_set_window (SnHealthHistory *self,
                              gint64           seconds)
{
  g_return_if_fail (SN_IS_HEALTH_HISTORY (self));
  self->window = MAX (seconds, 1);
}

static char *
sample_to_line (const SnHealthSample *sample)
{
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "{\"t\":%" G_GINT64_FORMAT ",\"s\":%d,\"rt\":%" G_GINT64_FORMAT,
                          sample->time, sample->state, sample->round_trip_ms);
  for (guint i = 0; i < SN_HEALTH_N_PROBES; i++)
    if (sample->probe_state[i] != SN_HEALTH_STATE_UNKNOWN || sample->probe_latency_ms[i] >= 0)
      g_string_append_printf (line, ",\"%s\":[%d,%" G_GINT64_FORMAT "]", probe_names[i],
                              sample->probe_state[i], sample->probe_latency_ms[i]);
  g_string_append (line, "}\n");
  return g_string_free (line, FALSE);
}

static gboolean
sample_from_line (const char     *line,
                  SnHealthSample *sample)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o;

  if (!json_parser_load_from_data (parser, line, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  o = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (o, "t"))
    return FALSE;

  memset (sample, 0, sizeof *sample);
  sample->time = json_object_get_int_member (o, "t");
  sample->state = (SnHealthState) json_object_get_int_member_with_default (o, "s", 0);
  sample->round_trip_ms = json_object_get_int_member_with_default (o, "rt", -1);
  for (guint i = 0; i < SN_HEALTH_N_PROBES; i++)
    {
      JsonNode *node = json_object_get_member (o, probe_names[i]);

      sample->probe_state[i] = SN_HEALTH_STATE_UNKNOWN;
      sample->probe_latency_ms[i] = -1;
      if (node != NULL && JSON_NODE_HOLDS_ARRAY (node) &&
          json_array_get_length (json_node_get_array (node)) == 2)
        {
          sample->probe_state[i] = (SnHealthState) json_array_get_int_element (json_node_get_array (node), 0);
          sample->probe_latency_ms[i] = json_array_get_int_element (json_node_get_array (node), 1);
        }
    }
  return TRUE;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Drops the expired samples from memory; TRUE if any. */
static guint
prune_memory (SnHealthHistory *self,
              gint64           now)
{
  guint n = 0;

  while (n < self->samples->len &&
         g_array_index (self->samples, SnHealthSample, n).time < now - self->window)
    n++;
  if (self->samples->len - n > MAX_SAMPLES)
    n = self->samples->len - MAX_SAMPLES;
  if (n > 0)
    g_array_remove_range (self->samples, 0, n);
  return n;
}

static gboolean
rewrite (SnHealthHistory  *self,
         GError          **error)
{
  g_autoptr(GString) data = g_string_new (NULL);

  for (guint i = 0; i < self->samples->len; i++)
    {
      g_autofree char *line = sample_to_line (&g_array_index (self->samples, SnHealthSample, i));

      g_string_append (data, line);
    }
  return g_file_set_contents_full (self->path, data->str, data->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
sn_health_history_load (SnHealthHistory  *self,
                        GError          **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_file = 0;

  g_return_val_if_fail (SN_IS_HEALTH_HISTORY (self), FALSE);

  g_array_set_size (self->samples, 0);
  if (!g_file_get_contents (self->path, &contents, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      SnHealthSample sample;

      if (*lines[i] == '\0')
        continue;
      n_file++;
      /* A torn last line (crash mid-append) is skipped. */
      if (sample_from_line (lines[i], &sample))
        g_array_append_val (self->samples, sample);
    }

  if (prune_memory (self, now_seconds ()) > 0 || n_file != self->samples->len)
    return rewrite (self, error);
  return TRUE;
}

gboolean
sn_health_history_add_sample (SnHealthHistory       *self,
                              const SnHealthSample  *sample,
                              GError               **error)
{
  g_autofree char *line = NULL;
  g_autofree char *dir = NULL;
  gint64 oldest;
  gsize done = 0;
  gsize len;
  int fd;

  g_return_val_if_fail (SN_IS_HEALTH_HISTORY (self), FALSE);
  g_return_val_if_fail (sample != NULL, FALSE);

  g_array_append_val (self->samples, *sample);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", dir, g_strerror (saved));
      return FALSE;
    }

  /* Rewrite once an hour's worth of samples has expired, else append. */
  oldest = g_array_index (self->samples, SnHealthSample, 0).time;
  if (oldest < sample->time - self->window - MIN (3600, self->window) ||
      self->samples->len > MAX_SAMPLES + MAX_SAMPLES / 10)
    {
      prune_memory (self, sample->time);
      if (!rewrite (self, error))
        return FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
      return TRUE;
    }

  line = sample_to_line (sample);
  len = strlen (line);
  fd = g_open (self->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s",
                   self->path, g_strerror (saved));
      return FALSE;
    }
  while (done < len)
    {
      gssize n = write (fd, line + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s",
                       self->path, g_strerror (saved));
          return FALSE;
        }
      done += n;
    }
  close (fd);

  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
sn_health_history_record (SnHealthHistory  *self,
                          SnHealthReport   *report,
                          GError          **error)
{
  SnHealthSample sample;
  GDateTime *checked;

  g_return_val_if_fail (SN_IS_HEALTH_HISTORY (self), FALSE);
  g_return_val_if_fail (SN_IS_HEALTH_REPORT (report), FALSE);

  memset (&sample, 0, sizeof sample);
  checked = sn_health_report_get_checked_at (report);
  sample.time = checked != NULL ? g_date_time_to_unix (checked) : now_seconds ();
  sample.state = sn_health_report_get_state (report);
  sample.round_trip_ms = sn_health_report_get_round_trip_ms (report);
  for (guint i = 0; i < SN_HEALTH_N_PROBES; i++)
    {
      SnServiceHealth *service = sn_health_report_find_service (report, probe_names[i]);

      sample.probe_state[i] = service != NULL ? sn_service_health_get_status (service) : SN_HEALTH_STATE_UNKNOWN;
      sample.probe_latency_ms[i] = service != NULL ? sn_service_health_get_latency_ms (service) : -1;
    }

  return sn_health_history_add_sample (self, &sample, error);
}

guint
sn_health_history_get_n_samples (SnHealthHistory *self)
{
  g_return_val_if_fail (SN_IS_HEALTH_HISTORY (self), 0);
  return self->samples->len;
}

const SnHealthSample *
sn_health_history_get_sample (SnHealthHistory *self,
                              guint            index)
{
  g_return_val_if_fail (SN_IS_HEALTH_HISTORY (self), NULL);
  g_return_val_if_fail (index < self->samples->len, NULL);
  return &g_array_index (self->samples, SnHealthSample, index);
}

static gboolean
is_fine (SnHealthState state)
{
  return state == SN_HEALTH_STATE_HEALTHY || state == SN_HEALTH_STATE_DEGRADED ||
         state == SN_HEALTH_STATE_OPERATIONAL;
}

GDateTime *
sn_health_history_dup_trouble_start (SnHealthHistory *self)
{
  guint i;

  g_return_val_if_fail (SN_IS_HEALTH_HISTORY (self), NULL);

  if (self->samples->len == 0 ||
      is_fine (g_array_index (self->samples, SnHealthSample, self->samples->len - 1).state))
    return NULL;

  for (i = self->samples->len; i > 0; i--)
    if (is_fine (g_array_index (self->samples, SnHealthSample, i - 1).state))
      break;
  return g_date_time_new_from_unix_utc (g_array_index (self->samples, SnHealthSample, i).time);
}
