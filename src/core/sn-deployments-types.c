/* sn-deployments-types.c: tags, commits, deploy status and workflow runs
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-deploy"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "sn-deployments-private.h"

G_DEFINE_QUARK (sn-deploy-error-quark, sn_deploy_error)

/* Tags ------------------------------------------------------------------- */

static gboolean
parse_tag (const char *tag,
           guint64     parts[3])
{
  g_auto(GStrv) fields = NULL;

  if (tag == NULL || !g_regex_match_simple ("^v[0-9]+\\.[0-9]+\\.[0-9]+$", tag, 0, 0))
    return FALSE;

  fields = g_strsplit (tag + 1, ".", 3);
  for (guint i = 0; i < 3; i++)
    if (!g_ascii_string_to_unsigned (fields[i], 10, 0, G_MAXUINT32, &parts[i], NULL))
      return FALSE;
  return TRUE;
}

/**
 * sn_deploy_tag_is_valid:
 *
 * Whether @tag is one the deploy workflow accepts (target-system.md §9.2:
 * a tag such as `v1.2.3-rc1` starts the workflow, which then fails).
 */
gboolean
sn_deploy_tag_is_valid (const char  *tag,
                        GError     **error)
{
  guint64 parts[3];

  if (parse_tag (tag, parts))
    return TRUE;

  g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_INVALID_TAG,
               _("“%s” is not a release tag: the deploy workflow only accepts "
                 "vMAJOR.MINOR.PATCH, such as v1.0.7."),
               tag != NULL ? tag : "");
  return FALSE;
}

int
sn_deploy_tag_compare (const char *a,
                       const char *b)
{
  guint64 pa[3], pb[3];
  gboolean va = parse_tag (a, pa);
  gboolean vb = parse_tag (b, pb);

  if (va != vb)
    return va ? -1 : 1;
  if (!va)
    return g_strcmp0 (a, b);
  for (guint i = 0; i < 3; i++)
    if (pa[i] != pb[i])
      return pa[i] < pb[i] ? -1 : 1;
  return 0;
}

char *
sn_deploy_next_tag (const char * const *tags,
                    SnDeployBump        bump)
{
  guint64 best[3] = { 0, 0, 0 };
  gboolean found = FALSE;

  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    {
      guint64 parts[3];
      gboolean higher = !found;

      if (!parse_tag (tags[i], parts))
        continue;
      for (guint k = 0; !higher && k < 3; k++)
        if (parts[k] != best[k])
          {
            higher = parts[k] > best[k];
            break;
          }
      if (higher)
        memcpy (best, parts, sizeof best);
      found = TRUE;
    }

  if (!found)
    return g_strdup ("v1.0.0");

  switch (bump)
    {
    case SN_DEPLOY_BUMP_MAJOR:
      return g_strdup_printf ("v%" G_GUINT64_FORMAT ".0.0", best[0] + 1);
    case SN_DEPLOY_BUMP_MINOR:
      return g_strdup_printf ("v%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".0", best[0], best[1] + 1);
    case SN_DEPLOY_BUMP_PATCH:
    default:
      return g_strdup_printf ("v%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT ".%" G_GUINT64_FORMAT,
                              best[0], best[1], best[2] + 1);
    }
}

gboolean
sn_deploy_check_new_tag (const char          *tag,
                         const char * const  *existing,
                         GError             **error)
{
  if (!sn_deploy_tag_is_valid (tag, error))
    return FALSE;

  if (existing != NULL && g_strv_contains (existing, tag))
    {
      g_autofree char *next = sn_deploy_next_tag (existing, SN_DEPLOY_BUMP_PATCH);

      g_set_error (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_TAG_EXISTS,
                   _("The tag %s already exists: a release is never made twice. "
                     "Choose a new version, such as %s."),
                   tag, next);
      return FALSE;
    }

  return TRUE;
}

/* SnDeployCommit --------------------------------------------------------- */

struct _SnDeployCommit
{
  GObject    parent_instance;
  char      *tag;
  char      *hash;
  char      *short_hash;
  GDateTime *date;
  char      *subject;
};

enum
{
  COMMIT_PROP_0,
  COMMIT_PROP_TAG,
  COMMIT_PROP_HASH,
  COMMIT_PROP_SHORT_HASH,
  COMMIT_PROP_DATE_TEXT,
  COMMIT_PROP_SUBJECT,
  COMMIT_N_PROPS
};

static GParamSpec *commit_props[COMMIT_N_PROPS];

G_DEFINE_FINAL_TYPE (SnDeployCommit, sn_deploy_commit, G_TYPE_OBJECT)

static void
sn_deploy_commit_finalize (GObject *object)
{
  SnDeployCommit *self = SN_DEPLOY_COMMIT (object);

  g_free (self->tag);
  g_free (self->hash);
  g_free (self->short_hash);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_free (self->subject);
  G_OBJECT_CLASS (sn_deploy_commit_parent_class)->finalize (object);
}

static void
sn_deploy_commit_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnDeployCommit *self = SN_DEPLOY_COMMIT (object);

  switch (prop_id)
    {
    case COMMIT_PROP_TAG: g_value_set_string (value, self->tag); break;
    case COMMIT_PROP_HASH: g_value_set_string (value, self->hash); break;
    case COMMIT_PROP_SHORT_HASH: g_value_set_string (value, self->short_hash); break;
    case COMMIT_PROP_DATE_TEXT: g_value_take_string (value, sn_deploy_commit_dup_date_text (self)); break;
    case COMMIT_PROP_SUBJECT: g_value_set_string (value, self->subject); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_deploy_commit_class_init (SnDeployCommitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_deploy_commit_finalize;
  object_class->get_property = sn_deploy_commit_get_property;

  commit_props[COMMIT_PROP_TAG] = g_param_spec_string ("tag", NULL, NULL, NULL, flags);
  commit_props[COMMIT_PROP_HASH] = g_param_spec_string ("hash", NULL, NULL, NULL, flags);
  commit_props[COMMIT_PROP_SHORT_HASH] = g_param_spec_string ("short-hash", NULL, NULL, NULL, flags);
  commit_props[COMMIT_PROP_DATE_TEXT] = g_param_spec_string ("date-text", NULL, NULL, NULL, flags);
  commit_props[COMMIT_PROP_SUBJECT] = g_param_spec_string ("subject", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, COMMIT_N_PROPS, commit_props);
}

static void
sn_deploy_commit_init (SnDeployCommit *self)
{
}

SnDeployCommit *
_sn_deploy_commit_new (const char *tag,
                       const char *hash,
                       const char *date,
                       const char *subject)
{
  SnDeployCommit *self = g_object_new (SN_TYPE_DEPLOY_COMMIT, NULL);

  self->tag = tag != NULL && *tag != '\0' ? g_strdup (tag) : NULL;
  self->hash = g_strdup (hash);
  self->short_hash = g_strndup (hash, 7);
  self->date = date != NULL ? g_date_time_new_from_iso8601 (date, NULL) : NULL;
  self->subject = g_strdup (subject != NULL ? subject : "");
  return self;
}

const char *sn_deploy_commit_get_tag (SnDeployCommit *self) { return self->tag; }
const char *sn_deploy_commit_get_hash (SnDeployCommit *self) { return self->hash; }
const char *sn_deploy_commit_get_short_hash (SnDeployCommit *self) { return self->short_hash; }
GDateTime *sn_deploy_commit_get_date (SnDeployCommit *self) { return self->date; }
const char *sn_deploy_commit_get_subject (SnDeployCommit *self) { return self->subject; }

char *
sn_deploy_commit_dup_date_text (SnDeployCommit *self)
{
  g_autoptr(GDateTime) utc = NULL;

  if (self->date == NULL)
    return g_strdup ("");
  utc = g_date_time_to_utc (self->date);
  return g_date_time_format (utc, "%Y-%m-%d %H:%M");
}

/* One field separator (0x1f) between fields, as the format strings ask. */
static char **
split_fields (const char *line,
              guint       n)
{
  char **fields = g_strsplit (line, "\x1f", (int)n);

  if (g_strv_length (fields) != n)
    g_clear_pointer (&fields, g_strfreev);
  return fields;
}

static int
compare_commit_tags (gconstpointer a,
                     gconstpointer b)
{
  SnDeployCommit *ca = *(SnDeployCommit **)a;
  SnDeployCommit *cb = *(SnDeployCommit **)b;

  guint64 parts[3];
  gboolean va = parse_tag (ca->tag, parts);
  gboolean vb = parse_tag (cb->tag, parts);

  /* newest version first, then the tags the workflow would refuse */
  if (va != vb)
    return va ? -1 : 1;
  return va ? -sn_deploy_tag_compare (ca->tag, cb->tag) : g_strcmp0 (ca->tag, cb->tag);
}

/**
 * sn_deploy_parse_tags:
 * @text: the output of SN_DEPLOY_TAG_FORMAT lines: name, peeled commit, tag
 *   object, peeled date, date, peeled subject, subject
 *
 * Returns: (transfer full): a GListModel of #SnDeployCommit with a tag,
 *   newest version first (tags that are not vX.Y.Z last)
 */
GListModel *
sn_deploy_parse_tags (const char  *text,
                      GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  GListStore *store = g_list_store_new (SN_TYPE_DEPLOY_COMMIT);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;

      if (*lines[i] == '\0')
        continue;
      if ((f = split_fields (lines[i], 7)) == NULL)
        {
          g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                       _("Unexpected line in the list of tags: “%s”"), lines[i]);
          g_object_unref (store);
          return NULL;
        }
      /* an annotated tag: the peeled (*) fields are its commit's */
      g_ptr_array_add (items, _sn_deploy_commit_new (f[0], *f[1] != '\0' ? f[1] : f[2],
                                                     *f[3] != '\0' ? f[3] : f[4],
                                                     *f[1] != '\0' ? f[5] : f[6]));
    }

  g_ptr_array_sort (items, compare_commit_tags);
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return G_LIST_MODEL (store);
}

/**
 * sn_deploy_parse_log:
 * @text: lines "HASH\x1fISO-DATE\x1fSUBJECT"
 *
 * Returns: (transfer full): a GListModel of #SnDeployCommit, in the order given
 */
GListModel *
sn_deploy_parse_log (const char  *text,
                     GError     **error)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_DEPLOY_COMMIT);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      g_autoptr(SnDeployCommit) commit = NULL;

      if (*lines[i] == '\0')
        continue;
      if ((f = split_fields (lines[i], 3)) == NULL)
        {
          g_set_error (error, SN_HOST_ERROR, SN_HOST_ERROR_PARSE,
                       _("Unexpected line in the history: “%s”"), lines[i]);
          return NULL;
        }
      commit = _sn_deploy_commit_new (NULL, f[0], f[1], f[2]);
      g_list_store_append (store, commit);
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}

/* SnDeployStatus --------------------------------------------------------- */

G_DEFINE_FINAL_TYPE (SnDeployStatus, sn_deploy_status, G_TYPE_OBJECT)

enum
{
  STATUS_PROP_0,
  STATUS_PROP_TAG,
  STATUS_PROP_COMMIT,
  STATUS_PROP_HEALTH_VERSION,
  STATUS_PROP_IMAGE_AGE,
  STATUS_N_PROPS
};

static GParamSpec *status_props[STATUS_N_PROPS];

static void
sn_deploy_status_finalize (GObject *object)
{
  SnDeployStatus *self = SN_DEPLOY_STATUS (object);

  g_free (self->tag);
  g_free (self->branch);
  g_free (self->commit);
  g_free (self->subject);
  g_free (self->health_version);
  g_free (self->health_state);
  g_clear_pointer (&self->image_created, g_date_time_unref);
  g_ptr_array_unref (self->warnings);
  G_OBJECT_CLASS (sn_deploy_status_parent_class)->finalize (object);
}

static void
sn_deploy_status_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SnDeployStatus *self = SN_DEPLOY_STATUS (object);

  switch (prop_id)
    {
    case STATUS_PROP_TAG: g_value_set_string (value, self->tag); break;
    case STATUS_PROP_COMMIT: g_value_set_string (value, self->commit); break;
    case STATUS_PROP_HEALTH_VERSION: g_value_set_string (value, self->health_version); break;
    case STATUS_PROP_IMAGE_AGE: g_value_take_string (value, sn_deploy_status_dup_image_age (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_deploy_status_class_init (SnDeployStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_deploy_status_finalize;
  object_class->get_property = sn_deploy_status_get_property;
  status_props[STATUS_PROP_TAG] = g_param_spec_string ("tag", NULL, NULL, NULL, flags);
  status_props[STATUS_PROP_COMMIT] = g_param_spec_string ("commit", NULL, NULL, NULL, flags);
  status_props[STATUS_PROP_HEALTH_VERSION] = g_param_spec_string ("health-version", NULL, NULL, NULL, flags);
  status_props[STATUS_PROP_IMAGE_AGE] = g_param_spec_string ("image-age", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, STATUS_N_PROPS, status_props);
}

static void
sn_deploy_status_init (SnDeployStatus *self)
{
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
}

void
_sn_deploy_status_add_warning (SnDeployStatus *self,
                               const char     *warning)
{
  g_ptr_array_insert (self->warnings, (int)self->warnings->len - 1, g_strdup (warning));
}

const char *sn_deploy_status_get_tag (SnDeployStatus *self) { return self->tag; }
const char *sn_deploy_status_get_branch (SnDeployStatus *self) { return self->branch; }
const char *sn_deploy_status_get_commit (SnDeployStatus *self) { return self->commit; }
const char *sn_deploy_status_get_subject (SnDeployStatus *self) { return self->subject; }
const char *sn_deploy_status_get_health_version (SnDeployStatus *self) { return self->health_version; }
const char *sn_deploy_status_get_health_state (SnDeployStatus *self) { return self->health_state; }
GDateTime *sn_deploy_status_get_image_created (SnDeployStatus *self) { return self->image_created; }
gboolean sn_deploy_status_get_site_answers (SnDeployStatus *self) { return self->health_ok; }

const char * const *
sn_deploy_status_get_warnings (SnDeployStatus *self)
{
  return (const char * const *)self->warnings->pdata;
}

/* "45 seconds", "3 minutes", "5 hours", "2 days" */
char *
_sn_deploy_age_text (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds", (gulong)MAX (seconds, 0)),
                            (int)MAX (seconds, 0));
  if (seconds < 3600)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", (gulong)(seconds / 60)),
                            (int)(seconds / 60));
  if (seconds < 2 * 86400)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (gulong)(seconds / 3600)),
                            (int)(seconds / 3600));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", (gulong)(seconds / 86400)),
                          (int)(seconds / 86400));
}

char *
sn_deploy_status_dup_image_age (SnDeployStatus *self)
{
  g_autoptr(GDateTime) now = NULL;

  if (self->image_created == NULL)
    return NULL;
  now = g_date_time_new_now_utc ();
  return _sn_deploy_age_text (g_date_time_difference (now, self->image_created) / G_TIME_SPAN_SECOND);
}

/* SnDeployRun ------------------------------------------------------------ */

G_DEFINE_FINAL_TYPE (SnDeployRun, sn_deploy_run, G_TYPE_OBJECT)

enum
{
  RUN_PROP_0,
  RUN_PROP_TAG,
  RUN_PROP_STATE_TEXT,
  RUN_PROP_STARTED_TEXT,
  RUN_PROP_DURATION_TEXT,
  RUN_PROP_URL,
  RUN_N_PROPS
};

static GParamSpec *run_props[RUN_N_PROPS];

static void
sn_deploy_run_finalize (GObject *object)
{
  SnDeployRun *self = SN_DEPLOY_RUN (object);

  g_free (self->tag);
  g_free (self->status);
  g_free (self->conclusion);
  g_free (self->url);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->updated, g_date_time_unref);
  g_ptr_array_unref (self->steps);
  G_OBJECT_CLASS (sn_deploy_run_parent_class)->finalize (object);
}

static void
sn_deploy_run_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SnDeployRun *self = SN_DEPLOY_RUN (object);

  switch (prop_id)
    {
    case RUN_PROP_TAG: g_value_set_string (value, self->tag); break;
    case RUN_PROP_STATE_TEXT: g_value_take_string (value, sn_deploy_run_dup_state_text (self)); break;
    case RUN_PROP_STARTED_TEXT: g_value_take_string (value, sn_deploy_run_dup_started_text (self)); break;
    case RUN_PROP_DURATION_TEXT: g_value_take_string (value, sn_deploy_run_dup_duration_text (self)); break;
    case RUN_PROP_URL: g_value_set_string (value, self->url); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_deploy_run_class_init (SnDeployRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_deploy_run_finalize;
  object_class->get_property = sn_deploy_run_get_property;
  run_props[RUN_PROP_TAG] = g_param_spec_string ("tag", NULL, NULL, NULL, flags);
  run_props[RUN_PROP_STATE_TEXT] = g_param_spec_string ("state-text", NULL, NULL, NULL, flags);
  run_props[RUN_PROP_STARTED_TEXT] = g_param_spec_string ("started-text", NULL, NULL, NULL, flags);
  run_props[RUN_PROP_DURATION_TEXT] = g_param_spec_string ("duration-text", NULL, NULL, NULL, flags);
  run_props[RUN_PROP_URL] = g_param_spec_string ("url", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, RUN_N_PROPS, run_props);
}

static void
sn_deploy_run_init (SnDeployRun *self)
{
  self->steps = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->steps, NULL);
}

gint64 sn_deploy_run_get_id (SnDeployRun *self) { return self->id; }
const char *sn_deploy_run_get_tag (SnDeployRun *self) { return self->tag; }
const char *sn_deploy_run_get_status (SnDeployRun *self) { return self->status; }
const char *sn_deploy_run_get_conclusion (SnDeployRun *self) { return self->conclusion; }
const char *sn_deploy_run_get_url (SnDeployRun *self) { return self->url; }
GDateTime *sn_deploy_run_get_started (SnDeployRun *self) { return self->started; }

const char * const *
sn_deploy_run_get_steps (SnDeployRun *self)
{
  return (const char * const *)self->steps->pdata;
}

void
_sn_deploy_run_set_steps (SnDeployRun *self,
                          GPtrArray   *lines)
{
  g_ptr_array_set_size (self->steps, 0);
  for (guint i = 0; i < lines->len; i++)
    g_ptr_array_add (self->steps, g_strdup (g_ptr_array_index (lines, i)));
  g_ptr_array_add (self->steps, NULL);
}

gboolean
sn_deploy_run_is_completed (SnDeployRun *self)
{
  return g_strcmp0 (self->status, "completed") == 0;
}

gboolean
sn_deploy_run_succeeded (SnDeployRun *self)
{
  return sn_deploy_run_is_completed (self) && g_strcmp0 (self->conclusion, "success") == 0;
}

gint64
sn_deploy_run_get_duration (SnDeployRun *self)
{
  g_autoptr(GDateTime) now = NULL;

  if (self->started == NULL)
    return 0;
  if (sn_deploy_run_is_completed (self) && self->updated != NULL)
    return g_date_time_difference (self->updated, self->started) / G_TIME_SPAN_SECOND;
  now = g_date_time_new_now_utc ();
  return g_date_time_difference (now, self->started) / G_TIME_SPAN_SECOND;
}

char *
sn_deploy_run_dup_state_text (SnDeployRun *self)
{
  if (g_strcmp0 (self->status, "queued") == 0 || g_strcmp0 (self->status, "waiting") == 0 ||
      g_strcmp0 (self->status, "pending") == 0 || g_strcmp0 (self->status, "requested") == 0)
    return g_strdup (_("Queued"));
  if (g_strcmp0 (self->status, "in_progress") == 0)
    return g_strdup (_("Running"));
  if (!sn_deploy_run_is_completed (self))
    return g_strdup (self->status != NULL ? self->status : "");
  if (g_strcmp0 (self->conclusion, "success") == 0)
    return g_strdup (_("Succeeded"));
  if (g_strcmp0 (self->conclusion, "failure") == 0)
    return g_strdup (_("Failed"));
  if (g_strcmp0 (self->conclusion, "cancelled") == 0)
    return g_strdup (_("Cancelled"));
  /* Translators: %s is GitHub's word for how a run ended, e.g. "timed_out" */
  return g_strdup_printf (_("Ended: %s"), self->conclusion != NULL ? self->conclusion : "?");
}

char *
sn_deploy_run_dup_started_text (SnDeployRun *self)
{
  g_autoptr(GDateTime) utc = NULL;

  if (self->started == NULL)
    return g_strdup ("");
  utc = g_date_time_to_utc (self->started);
  return g_date_time_format (utc, "%Y-%m-%d %H:%M");
}

char *
sn_deploy_run_dup_duration_text (SnDeployRun *self)
{
  gint64 seconds = sn_deploy_run_get_duration (self);

  return g_strdup_printf ("%d min %02d s", (int)(seconds / 60), (int)(seconds % 60));
}

static GDateTime *
member_date (JsonObject *object,
             const char *name)
{
  const char *text = json_object_get_string_member_with_default (object, name, NULL);

  return text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

SnDeployRun *
sn_deploy_parse_run (JsonNode  *node,
                     GError   **error)
{
  JsonObject *object;
  SnDeployRun *self;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !json_object_has_member ((object = json_node_get_object (node)), "id") ||
      !json_object_has_member (object, "status"))
    {
      g_set_error_literal (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_GITHUB,
                           _("GitHub answered with a workflow run that has no id or status."));
      return NULL;
    }

  self = g_object_new (SN_TYPE_DEPLOY_RUN, NULL);
  self->id = json_object_get_int_member (object, "id");
  self->tag = g_strdup (json_object_get_string_member_with_default (object, "head_branch", ""));
  self->status = g_strdup (json_object_get_string_member_with_default (object, "status", ""));
  self->conclusion = g_strdup (json_object_get_string_member_with_default (object, "conclusion", NULL));
  self->url = g_strdup (json_object_get_string_member_with_default (object, "html_url", ""));
  self->started = member_date (object, "run_started_at");
  if (self->started == NULL)
    self->started = member_date (object, "created_at");
  self->updated = member_date (object, "updated_at");
  return self;
}

/**
 * sn_deploy_parse_runs:
 * @json: the body of GET …/actions/workflows/deploy.yml/runs
 *
 * Returns: (transfer full): a GListModel of #SnDeployRun, in GitHub's order
 *   (newest first)
 */
GListModel *
sn_deploy_parse_runs (const char  *json,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GListStore) store = g_list_store_new (SN_TYPE_DEPLOY_RUN);
  JsonNode *root;
  JsonArray *runs;

  if (!json_parser_load_from_data (parser, json != NULL ? json : "", -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "workflow_runs") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "workflow_runs")))
    {
      g_set_error_literal (error, SN_DEPLOY_ERROR, SN_DEPLOY_ERROR_GITHUB,
                           _("GitHub’s list of workflow runs could not be read (not the JSON expected)."));
      return NULL;
    }

  runs = json_object_get_array_member (json_node_get_object (root), "workflow_runs");
  for (guint i = 0; i < json_array_get_length (runs); i++)
    {
      g_autoptr(SnDeployRun) run = sn_deploy_parse_run (json_array_get_element (runs, i), error);

      if (run == NULL)
        return NULL;
      g_list_store_append (store, run);
    }

  return G_LIST_MODEL (g_steal_pointer (&store));
}
