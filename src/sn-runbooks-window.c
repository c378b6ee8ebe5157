/* sn-runbooks-window.c: every runbook, its last run, and a Run button
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-runbooks-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-audit-log.h"
#include "sn-gui-util.h"
#include "sn-runbook-row.h"
#include "sn-runbook-wizard.h"
#include "sn-runbooks-window.h"

struct _SnRunbooksWindow
{
  AdwWindow            parent_instance;

  SnProfile           *profile;
  SnRunbookCatalog    *catalog;
  GPtrArray           *rows;            /* widgets added to the groups */

  /* Template children */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  AdwPreferencesGroup *runbooks_group;
  GtkListBox          *runbooks_list;
  AdwPreferencesGroup *errors_group;
};

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnRunbooksWindow, sn_runbooks_window, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

/* Reports are named YYYYMMDD-HHMMSS-<runbook>-<profile>[-dry-run].md */
#define STAMP_LENGTH 15

static gboolean
parse_stamp (const char  *name,
             GDateTime  **when)
{
  int y, mo, d, h, mi, s;

  if (strlen (name) <= STAMP_LENGTH || name[8] != '-' || name[STAMP_LENGTH] != '-')
    return FALSE;
  for (guint i = 0; i < STAMP_LENGTH; i++)
    {
      if (i != 8 && !g_ascii_isdigit (name[i]))
        return FALSE;
    }
  if (sscanf (name, "%4d%2d%2d-%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) != 6)
    return FALSE;

  *when = g_date_time_new_local (y, mo, d, h, mi, s);
  return *when != NULL;
}

/* The runbook id a report name is for: the longest known id it starts with. */
static const char *
match_runbook (const char         *rest,
               const char * const *all_ids)
{
  const char *best = NULL;

  for (guint i = 0; all_ids != NULL && all_ids[i] != NULL; i++)
    {
      gsize len = strlen (all_ids[i]);

      if (strncmp (rest, all_ids[i], len) == 0 && rest[len] == '-' &&
          (best == NULL || len > strlen (best)))
        best = all_ids[i];
    }

  return best;
}

static char *
read_result_line (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;

  lines = g_strsplit (contents, "\n", 40);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *start = strstr (lines[i], "| **");
      const char *end;

      /* "| Result | **Succeeded** |", the label translated or not. */
      if (g_str_has_prefix (lines[i], "| ") && start != NULL &&
          (end = strstr (start + 4, "**")) != NULL)
        return g_strndup (start + 4, end - (start + 4));
    }

  return NULL;
}

gboolean
sn_runbooks_find_last_run (const char         *directory,
                           const char         *runbook_id,
                           const char * const *all_ids,
                           GDateTime         **when,
                           char              **profile,
                           char              **result,
                           char              **path)
{
  g_autoptr(GDir) dir = NULL;
  g_autofree char *newest = NULL;
  const char *name;

  g_return_val_if_fail (directory != NULL, FALSE);
  g_return_val_if_fail (runbook_id != NULL, FALSE);

  if (!(dir = g_dir_open (directory, 0, NULL)))
    return FALSE;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GDateTime) stamp = NULL;
      const char *id;

      if (!g_str_has_suffix (name, ".md") || g_str_has_suffix (name, "-dry-run.md"))
        continue;
      if (!parse_stamp (name, &stamp))
        continue;
      id = match_runbook (name + STAMP_LENGTH + 1, all_ids);
      if (g_strcmp0 (id, runbook_id) != 0)
        continue;

      /* The stamps sort as text. */
      if (newest == NULL || strcmp (name, newest) > 0)
        {
          g_free (newest);
          newest = g_strdup (name);
        }
    }

  if (newest == NULL)
    return FALSE;

  {
    g_autofree char *full = g_build_filename (directory, newest, NULL);
    const char *profile_start = newest + STAMP_LENGTH + 1 + strlen (runbook_id) + 1;

    if (when != NULL)
      parse_stamp (newest, when);
    if (profile != NULL)
      *profile = g_strndup (profile_start, strlen (profile_start) - strlen (".md"));
    if (result != NULL)
      *result = read_result_line (full);
    if (path != NULL)
      *path = g_steal_pointer (&full);
  }

  return TRUE;
}

/* The newest run of each runbook, read in one pass over the reports folder
 * and the audit logs: the window has a row per runbook and reloads each time
 * it comes to the front, and the log can be 16 MiB. */
typedef struct
{
  char      *report_name;    /* the newest report's file name */
  GDateTime *audit_when;     /* the newest "runbook.run" line (local time) */
  char      *audit_profile;
  char      *audit_result;
} LastRun;

static void
last_run_free (gpointer data)
{
  LastRun *run = data;

  g_free (run->report_name);
  g_clear_pointer (&run->audit_when, g_date_time_unref);
  g_free (run->audit_profile);
  g_free (run->audit_result);
  g_free (run);
}

static LastRun *
last_run_for (GHashTable *runs,
              const char *id)
{
  LastRun *run = g_hash_table_lookup (runs, id);

  if (run == NULL)
    {
      run = g_new0 (LastRun, 1);
      g_hash_table_insert (runs, g_strdup (id), run);
    }
  return run;
}

static void
index_reports (GHashTable         *runs,
               const char         *directory,
               const char * const *all_ids)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GDateTime) stamp = NULL;
      const char *id;
      LastRun *run;

      if (!g_str_has_suffix (name, ".md") || g_str_has_suffix (name, "-dry-run.md") ||
          !parse_stamp (name, &stamp) ||
          (id = match_runbook (name + STAMP_LENGTH + 1, all_ids)) == NULL)
        continue;
      /* The stamps sort as text. */
      run = last_run_for (runs, id);
      if (run->report_name == NULL || strcmp (name, run->report_name) > 0)
        {
          g_free (run->report_name);
          run->report_name = g_strdup (name);
        }
    }
}

/* Every "runbook.run" line of the audit log at @path (dry runs left out):
 * every front end writes one for each run, whatever became of its report.
 * Runbooks in @skip (nullable) are left as they are. */
static void
index_audit_log (GHashTable *runs,
                 const char *path,
                 GHashTable *skip)
{
  static const char prefix[] = "runbook run ";
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = NULL;
      g_autoptr(GDateTime) time = NULL;
      g_autofree char *id = NULL;
      JsonObject *entry;
      const char *command;
      const char *arrow;
      LastRun *run;
      gsize len;

      /* Cheap filter first: the log is mostly other actions. */
      if (strstr (lines[i], "\"runbook.run\"") == NULL)
        continue;
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, lines[i], -1, NULL) ||
          !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        continue;
      entry = json_node_get_object (json_parser_get_root (parser));
      command = json_object_get_string_member_with_default (entry, "command", "");
      if (g_strcmp0 (json_object_get_string_member_with_default (entry, "action", NULL), "runbook.run") != 0 ||
          !g_str_has_prefix (command, prefix) ||
          json_object_get_int_member_with_default (entry, "exit_status", 0) == SN_RUN_OUTCOME_PLANNED)
        continue;
      len = strcspn (command + strlen (prefix), " ");
      if (len == 0)
        continue;
      id = g_strndup (command + strlen (prefix), len);
      time = g_date_time_new_from_iso8601 (json_object_get_string_member_with_default (entry, "time", ""), NULL);
      if (time == NULL)
        continue;
      if (skip != NULL && g_hash_table_contains (skip, id))
        continue;
      run = last_run_for (runs, id);
      if (run->audit_when != NULL && g_date_time_compare (time, run->audit_when) <= 0)
        continue;

      g_clear_pointer (&run->audit_when, g_date_time_unref);
      run->audit_when = g_date_time_to_local (time);
      g_free (run->audit_profile);
      run->audit_profile = g_strdup (json_object_get_string_member_with_default (entry, "profile", ""));
      g_clear_pointer (&run->audit_result, g_free);
      /* "runbook run ID [--param …] → OUTCOME[; reason: …][; report: …]" */
      if ((arrow = strstr (command, " → ")) != NULL)
        {
          const char *start = arrow + strlen (" → ");
          const char *end = strstr (start, "; ");

          run->audit_result = end != NULL ? g_strndup (start, end - start) : g_strdup (start);
        }
    }
}

static GHashTable *
index_last_runs (const char         *directory,
                 const char         *audit_path,
                 const char * const *all_ids)
{
  GHashTable *runs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, last_run_free);

  index_reports (runs, directory, all_ids);
  if (audit_path != NULL)
    {
      /* As sn_audit_log_dup_rotated_path() names it: audit.1.jsonl */
      g_autofree char *rotated = g_str_has_suffix (audit_path, ".jsonl")
        ? g_strdup_printf ("%.*s.1.jsonl", (int) (strlen (audit_path) - strlen (".jsonl")), audit_path)
        : g_strconcat (audit_path, ".1.jsonl", NULL);

      g_autoptr(GHashTable) in_current = g_hash_table_new (g_str_hash, g_str_equal);
      GHashTableIter iter;
      gpointer id, value;

      index_audit_log (runs, audit_path, NULL);
      /* The rotated copy is older: the current log wins when both have one. */
      g_hash_table_iter_init (&iter, runs);
      while (g_hash_table_iter_next (&iter, &id, &value))
        if (((LastRun *) value)->audit_when != NULL)
          g_hash_table_add (in_current, id);
      index_audit_log (runs, rotated, in_current);
    }
  return runs;
}

/* The report, when it is as new as the audit line, says more (its result line). */
static gboolean
lookup_last_run (GHashTable  *runs,
                 const char  *directory,
                 const char  *runbook_id,
                 GDateTime  **when,
                 char       **profile,
                 char       **result)
{
  LastRun *run = g_hash_table_lookup (runs, runbook_id);
  g_autoptr(GDateTime) report_when = NULL;

  if (run == NULL)
    return FALSE;
  if (run->report_name != NULL)
    parse_stamp (run->report_name, &report_when);

  if (run->audit_when != NULL &&
      (report_when == NULL ||
       (g_date_time_compare (run->audit_when, report_when) > 0 &&
        g_date_time_difference (run->audit_when, report_when) > 5 * G_TIME_SPAN_SECOND)))
    {
      *when = g_date_time_ref (run->audit_when);
      *profile = g_strdup (run->audit_profile);
      *result = g_strdup (run->audit_result);
      return TRUE;
    }
  if (report_when == NULL)
    return FALSE;
  {
    g_autofree char *full = g_build_filename (directory, run->report_name, NULL);
    const char *profile_start = run->report_name + STAMP_LENGTH + 1 + strlen (runbook_id) + 1;

    *when = g_steal_pointer (&report_when);
    *profile = g_strndup (profile_start, strlen (profile_start) - strlen (".md"));
    *result = read_result_line (full);
  }
  return TRUE;
}

/**
 * sn_runbooks_find_last_run_anywhere:
 *
 * The newest run of @runbook_id from the reports in @directory or the audit
 * log (and its rotated copy): runs of narcisse-ctl, of this window and of
 * any other copy of the app count alike.
 */
gboolean
sn_runbooks_find_last_run_anywhere (const char         *directory,
                                    const char         *audit_path,
                                    const char         *runbook_id,
                                    const char * const *all_ids,
                                    GDateTime         **when,
                                    char              **profile,
                                    char              **result)
{
  g_autoptr(GHashTable) runs = index_last_runs (directory, audit_path, all_ids);

  return lookup_last_run (runs, directory, runbook_id, when, profile, result);
}

static char *
reports_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "narcisse-admin", "reports", NULL);
}

static void
active_changed_cb (SnRunbooksWindow *self,
                   GParamSpec       *pspec,
                   gpointer          user_data)
{
  if (gtk_window_is_active (GTK_WINDOW (self)))
    sn_runbooks_window_reload (self);
}

static void
wizard_destroyed_cb (SnRunbooksWindow *self)
{
  sn_runbooks_window_reload (self);
}

static void
run_clicked_cb (SnRunbooksWindow *self,
                SnRunbookRow     *row)
{
  SnRunbook *runbook = sn_runbook_row_get_runbook (row);
  SnRunbookWizard *wizard;

  if (self->profile == NULL)
    {
      sn_gui_toast (GTK_WIDGET (self->toast_overlay),
                    _("Choose a profile in the main window first"));
      return;
    }

  wizard = sn_runbook_wizard_new (GTK_WINDOW (self), runbook, self->profile);
  g_signal_connect_object (wizard, "destroy", G_CALLBACK (wizard_destroyed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

static GtkWidget *
runbook_row_new (SnRunbooksWindow   *self,
                 SnRunbook          *runbook,
                 const char         *reports,
                 GHashTable         *last_runs)
{
  const char *id = sn_runbook_get_id (runbook);
  g_autofree char *last_text = NULL;
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *profile = NULL;
  g_autofree char *result = NULL;
  g_autoptr(GError) refusal = NULL;
  GtkWidget *row;

  if (self->profile != NULL)
    sn_runbook_check_profile (runbook, self->profile, &refusal);

  if (lookup_last_run (last_runs, reports, id, &when, &profile, &result))
    {
      g_autofree char *date = sn_format_date_time (when);
      SnRunOutcome outcome;

      /* The report says it in the language of the run: say it in the reader's. */
      if (result != NULL && sn_run_outcome_from_label (result, &outcome))
        {
          g_free (result);
          result = g_strdup (sn_run_outcome_get_label (outcome));
        }
      /* Translators: the last run of a runbook: a date, a profile name, and its result */
      last_text = g_strdup_printf (_("Last run %s on %s: %s"), date, profile,
                                   result != NULL ? result : _("unknown result"));
    }
  else
    last_text = g_strdup (_("Never run here"));

  row = sn_runbook_row_new (runbook, refusal, last_text);
  g_signal_connect_object (row, "run", G_CALLBACK (run_clicked_cb), self, G_CONNECT_SWAPPED);

  return row;
}

static void
clear_rows (SnRunbooksWindow *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *parent = gtk_widget_get_parent (row);

      if (parent == GTK_WIDGET (self->runbooks_list))
        gtk_list_box_remove (self->runbooks_list, row);
      else if (parent != NULL)
        adw_preferences_group_remove (self->errors_group, row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

void
sn_runbooks_window_reload (SnRunbooksWindow *self)
{
  g_autofree char *reports = reports_directory ();
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GHashTable) last_runs = NULL;
  g_autoptr(GError) error = NULL;
  const char * const *errors;
  GListModel *model;
  guint n_items;

  g_return_if_fail (SN_IS_RUNBOOKS_WINDOW (self));

  clear_rows (self);

  g_clear_object (&self->catalog);
  self->catalog = sn_runbook_catalog_new (NULL);
  if (!sn_runbook_catalog_load (self->catalog, &error))
    sn_gui_toast (GTK_WIDGET (self->toast_overlay), error->message);

  model = G_LIST_MODEL (self->catalog);
  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SnRunbook) runbook = g_list_model_get_item (model, i);

      g_ptr_array_add (ids, (gpointer)sn_runbook_get_id (runbook));
    }
  g_ptr_array_add (ids, NULL);
  last_runs = index_last_runs (reports, sn_audit_log_get_path (sn_audit_log_get_default ()),
                               (const char * const *) ids->pdata);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SnRunbook) runbook = g_list_model_get_item (model, i);
      GtkWidget *row = runbook_row_new (self, runbook, reports, last_runs);

      gtk_list_box_append (self->runbooks_list, row);
      g_ptr_array_add (self->rows, row);
    }

  errors = sn_runbook_catalog_get_errors (self->catalog);
  for (guint i = 0; errors != NULL && errors[i] != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
      const char *colon = strstr (errors[i], ": ");
      g_autofree char *file = colon != NULL ? g_strndup (errors[i], colon - errors[i])
                                            : g_strdup (errors[i]);
      g_autofree char *base = g_path_get_basename (file);

      gtk_widget_set_name (row, "runbook-error");
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), errors[i]);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (icon, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (self->errors_group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->errors_group), errors != NULL && errors[0] != NULL);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  sn_runbooks_window_reload (SN_RUNBOOKS_WINDOW (widget));
}

static void
update_subtitle (SnRunbooksWindow *self)
{
  g_autofree char *subtitle = NULL;

  if (self->profile != NULL)
    /* Translators: under the Runbooks title; %s is the profile they run on */
    subtitle = g_strdup_printf (_("Run on %s"), sn_profile_get_name (self->profile));
  adw_window_title_set_subtitle (self->window_title, subtitle);
}

static void
sn_runbooks_window_dispose (GObject *object)
{
  SnRunbooksWindow *self = (SnRunbooksWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_RUNBOOKS_WINDOW);

  g_clear_object (&self->profile);
  g_clear_object (&self->catalog);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (sn_runbooks_window_parent_class)->dispose (object);
}

static void
sn_runbooks_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SnRunbooksWindow *self = SN_RUNBOOKS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_runbooks_window_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  SnRunbooksWindow *self = SN_RUNBOOKS_WINDOW (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_runbooks_window_set_profile (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_runbooks_window_class_init (SnRunbooksWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_runbooks_window_dispose;
  object_class->get_property = sn_runbooks_window_get_property;
  object_class->set_property = sn_runbooks_window_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-runbooks-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SnRunbooksWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnRunbooksWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SnRunbooksWindow, runbooks_group);
  gtk_widget_class_bind_template_child (widget_class, SnRunbooksWindow, runbooks_list);
  gtk_widget_class_bind_template_child (widget_class, SnRunbooksWindow, errors_group);

  gtk_widget_class_install_action (widget_class, "runbooks.reload", NULL, reload_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "runbooks.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sn_runbooks_window_init (SnRunbooksWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _sn_runbooks_load_css (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  sn_runbooks_window_reload (self);
  /* Runs made elsewhere meanwhile (narcisse-ctl) show when the window is back. */
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed_cb), NULL);
}

/**
 * sn_runbooks_window_new:
 * @parent: (nullable): the main window
 * @profile: (nullable): the profile the Run buttons use
 */
SnRunbooksWindow *
sn_runbooks_window_new (GtkWindow *parent,
                        SnProfile *profile)
{
  return g_object_new (SN_TYPE_RUNBOOKS_WINDOW,
                       "transient-for", parent,
                       "profile", profile,
                       NULL);
}

SnProfile *
sn_runbooks_window_get_profile (SnRunbooksWindow *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOKS_WINDOW (self), NULL);

  return self->profile;
}

void
sn_runbooks_window_set_profile (SnRunbooksWindow *self,
                                SnProfile        *profile)
{
  g_return_if_fail (SN_IS_RUNBOOKS_WINDOW (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  update_subtitle (self);
  /* What the profile's level may run changes the rows' buttons. */
  if (self->rows != NULL && self->rows->len > 0)
    sn_runbooks_window_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnRunbookCatalog *
sn_runbooks_window_get_catalog (SnRunbooksWindow *self)
{
  g_return_val_if_fail (SN_IS_RUNBOOKS_WINDOW (self), NULL);

  return self->catalog;
}
