/* sn-sql-console-page.c: the Database view's SQL editor
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The editor, its history and saved queries (SnQueryHistory), the rows
 * (SnResultGrid), CSV exports and the "Allow writes" switch. What may run
 * is decided in core (sn-sql-console.c): this page asks the person for the
 * confirmations core wants, and shows what core says. The Database view
 * owns the connection; failures go out through the "error" signal. */

#define G_LOG_DOMAIN "sn-sql-console-page"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <gtksourceview/gtksource.h>

#include "sn-audit-log.h"
#include "sn-data-file.h"
#include "sn-gui-util.h"
#include "sn-query-history.h"
#include "sn-result-grid.h"
#include "sn-sql-console.h"
#include "sn-sql-console-page.h"

#define ELAPSED_INTERVAL 100

struct _SnSqlConsolePage
{
  GtkWidget            parent_instance;

  SnDatabaseConnector *connector;
  SnQueryHistory      *history;
  GCancellable        *query_cancellable;
  GCancellable        *export_cancellable;
  SnQueryResult       *result;
  GFile               *export_file;
  char                *running_sql;
  char                *status;

  /* Template children */
  GtkSourceView       *source_view;
  GtkSpinner          *query_spinner;
  GtkLabel            *elapsed_label;
  GtkMenuButton       *history_button;
  GtkStack            *history_stack;
  GtkNoSelection      *history_model;
  GtkMenuButton       *saved_button;
  GtkPopover          *saved_popover;
  GtkEntry            *save_name_entry;
  GtkStack            *saved_stack;
  GtkNoSelection      *saved_model;
  GtkMenuButton       *export_menu_button;
  GtkToggleButton     *writes_toggle;
  GtkStack            *results_stack;
  AdwStatusPage       *results_status;
  SnResultGrid        *results_grid;
  GtkLabel            *status_label;
  GtkProgressBar      *export_progress;
  GtkWidget           *export_cancel_button;

  /* Borrowed: the confirmation dialog open now, destroyed in dispose */
  GtkWindow           *dialog;

  gint64               query_started;
  guint                elapsed_id;

  guint                cancelled : 1;
  guint                syncing_toggle : 1;
};

enum {
  ERROR,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SnSqlConsolePage, sn_sql_console_page, GTK_TYPE_WIDGET)

static guint signals[N_SIGNALS];

static void execute (SnSqlConsolePage *self,
                     const char       *sql,
                     gboolean          confirmed,
                     const char       *typed_name);

static void
show_error (SnSqlConsolePage *self,
            const GError     *error)
{
  g_signal_emit (self, signals[ERROR], 0, error);
}

static void
set_status (SnSqlConsolePage *self,
            const char       *text)
{
  g_free (self->status);
  self->status = g_strdup (text);
  gtk_label_set_text (self->status_label, text != NULL ? text : "");
}

static SnProfile *
get_profile (SnSqlConsolePage *self)
{
  return self->connector != NULL ? sn_database_connector_get_profile (self->connector) : NULL;
}

static void
update_actions (SnSqlConsolePage *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean connected = self->connector != NULL &&
                       sn_database_connector_get_path (self->connector) != SN_DATABASE_PATH_NONE;
  gboolean running = self->result != NULL && sn_query_result_get_loading (self->result);
  gboolean exporting = self->export_cancellable != NULL;

  gtk_widget_action_set_enabled (widget, "sql.run", connected && !running);
  gtk_widget_action_set_enabled (widget, "sql.explain", connected && !running);
  gtk_widget_action_set_enabled (widget, "sql.cancel", running);
  gtk_widget_action_set_enabled (widget, "sql.export-result",
                                 self->result != NULL && !running &&
                                 sn_query_result_get_n_columns (self->result) > 0);
  gtk_widget_action_set_enabled (widget, "sql.export-query",
                                 connected && !exporting && self->running_sql != NULL);
  gtk_widget_action_set_enabled (widget, "sql.cancel-export", exporting);
}

/* The "Allow writes" switch: admins only, on when the session may write. */
static void
connector_changed_cb (SnSqlConsolePage *self)
{
  SnProfile *profile = get_profile (self);
  gboolean read_only = self->connector == NULL || sn_database_connector_get_read_only (self->connector);

  gtk_widget_set_visible (GTK_WIDGET (self->writes_toggle),
                          profile != NULL && sn_profile_get_safety_level (profile) == SN_SAFETY_LEVEL_ADMIN);

  self->syncing_toggle = TRUE;
  gtk_toggle_button_set_active (self->writes_toggle, !read_only);
  self->syncing_toggle = FALSE;

  update_actions (self);
}

/* ------------------------------------------------------------------------ */
/* History and saved queries                                                */

/* The popovers' lists are in the .ui; here only which of list or hint shows. */
static void
update_list_stacks (SnSqlConsolePage *self)
{
  gtk_stack_set_visible_child_name (self->history_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->history_model)) > 0
                                      ? "list" : "empty");
  gtk_stack_set_visible_child_name (self->saved_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->saved_model)) > 0
                                      ? "list" : "empty");
}

static void
load_history (SnSqlConsolePage *self)
{
  SnProfile *profile = get_profile (self);

  if (self->history != NULL)
    {
      g_signal_handlers_disconnect_by_data (sn_query_history_get_history (self->history), self);
      g_signal_handlers_disconnect_by_data (sn_query_history_get_saved (self->history), self);
    }
  g_clear_object (&self->history);
  self->history = sn_query_history_new (profile != NULL ? sn_profile_get_name (profile) : NULL);
  gtk_no_selection_set_model (self->history_model, sn_query_history_get_history (self->history));
  gtk_no_selection_set_model (self->saved_model, sn_query_history_get_saved (self->history));
  g_signal_connect_object (sn_query_history_get_history (self->history), "items-changed",
                           G_CALLBACK (update_list_stacks), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sn_query_history_get_saved (self->history), "items-changed",
                           G_CALLBACK (update_list_stacks), self, G_CONNECT_SWAPPED);
  update_list_stacks (self);
}

static void
add_history (SnSqlConsolePage *self,
             const char       *sql)
{
  g_autoptr(GError) error = NULL;

  if (!sn_query_history_add (self->history, sql, &error))
    g_warning ("Could not save the SQL history: %s", error->message);
}

static char *
editor_text (SnSqlConsolePage *self,
             gboolean          selection_only)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view));
  GtkTextIter start, end;

  if (!selection_only || !gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    gtk_text_buffer_get_bounds (buffer, &start, &end);

  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

static void
save_query_cb (SnSqlConsolePage *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->save_name_entry));
  g_autofree char *sql = editor_text (self, FALSE);
  g_autoptr(GError) error = NULL;

  if (name == NULL || *name == '\0' || *sql == '\0')
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->save_name_entry));
      return;
    }

  if (!sn_query_history_save_query (self->history, name, sql, &error))
    g_warning ("Could not save the SQL history: %s", error->message);
  gtk_editable_set_text (GTK_EDITABLE (self->save_name_entry), "");
  sn_gui_toast (GTK_WIDGET (self), _("Query saved"));
}

static void
load_query (SnSqlConsolePage *self,
            GListModel       *model,
            guint             position,
            GtkWidget        *list)
{
  g_autoptr(SnQueryHistoryItem) item = g_list_model_get_item (model, position);
  GtkWidget *popover;

  if (item == NULL)
    return;

  sn_sql_console_page_set_sql (self, sn_query_history_item_get_sql (item));
  popover = gtk_widget_get_ancestor (list, GTK_TYPE_POPOVER);
  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_widget_grab_focus (GTK_WIDGET (self->source_view));
}

static void
history_activate_cb (SnSqlConsolePage *self,
                     guint             position,
                     GtkListView      *list)
{
  load_query (self, G_LIST_MODEL (self->history_model), position, GTK_WIDGET (list));
}

static void
saved_activate_cb (SnSqlConsolePage *self,
                   guint             position,
                   GtkListView      *list)
{
  load_query (self, G_LIST_MODEL (self->saved_model), position, GTK_WIDGET (list));
}

/* ------------------------------------------------------------------------ */
/* Running                                                                  */

static void
update_result_status (SnSqlConsolePage *self)
{
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;
  guint n_rows;

  if (self->result == NULL)
    return;

  n_rows = sn_query_result_get_n_rows (self->result);
  count = sn_format_count (n_rows);

  if (sn_query_result_get_loading (self->result))
    /* Translators: while rows arrive; %s is a number. The total is not known yet. */
    text = g_strdup_printf (_("%s of ? rows…"), count);
  else if (self->cancelled)
    text = g_strdup_printf (_("Cancelled after %s rows"), count);
  else
    {
      g_autofree char *seconds = sn_gui_format_seconds (sn_query_result_get_elapsed_usec (self->result));

      if (sn_query_result_get_n_columns (self->result) == 0)
        text = g_strdup_printf ("%s — %s",
                                sn_query_result_get_command_tag (self->result) != NULL
                                  ? sn_query_result_get_command_tag (self->result) : _("Done"),
                                seconds);
      else
        /* Translators: %s rows in %s (a duration) */
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row in %s", "%s rows in %s", n_rows),
                                count, seconds);
    }

  set_status (self, text);
}

static void
columns_cb (SnSqlConsolePage *self)
{
  if (sn_query_result_get_n_columns (self->result) > 0)
    gtk_stack_set_visible_child_name (self->results_stack, "results");
}

static void
grid_message_cb (SnSqlConsolePage *self,
                 const char       *text,
                 SnResultGrid     *grid)
{
  set_status (self, text);
}

static gboolean
elapsed_cb (gpointer data)
{
  SnSqlConsolePage *self = data;
  g_autofree char *text = sn_gui_format_seconds (g_get_monotonic_time () - self->query_started);

  gtk_label_set_text (self->elapsed_label, text);

  return G_SOURCE_CONTINUE;
}

static void
stop_running_ui (SnSqlConsolePage *self)
{
  g_clear_handle_id (&self->elapsed_id, g_source_remove);
  gtk_spinner_set_spinning (self->query_spinner, FALSE);
  if (self->query_started > 0)
    elapsed_cb (self);
}

static void
show_outcome (SnSqlConsolePage *self,
              const char       *icon,
              const char       *title,
              const char       *description)
{
  adw_status_page_set_icon_name (self->results_status, icon);
  adw_status_page_set_title (self->results_status, title);
  adw_status_page_set_description (self->results_status, description);
  gtk_stack_set_visible_child_name (self->results_stack, "empty");
}

static void
query_failed (SnSqlConsolePage *self,
              SnQueryResult    *query,
              const GError     *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->cancelled)
    {
      self->cancelled = TRUE;
      if (sn_query_result_get_n_rows (query) == 0)
        show_outcome (self, "process-stop-symbolic", _("Cancelled"),
                      _("The statement was stopped. Nothing it would have written was kept."));
      update_result_status (self);
      if (sn_query_result_get_n_rows (query) == 0)
        set_status (self, _("Cancelled"));
      return;
    }

  /* The error once: in place of the results when there are none, else in
   * the bar above the rows that came; the status line only says it failed. */
  set_status (self, _("The statement failed"));
  if (sn_query_result_get_n_rows (query) == 0)
    {
      g_autofree char *advice = sn_database_error_dup_advice (error);

      show_error (self, NULL);
      show_outcome (self, "dialog-error-symbolic", _("The Statement Failed"), advice);
    }
  else
    show_error (self, error);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SnSqlConsolePage) self = user_data;
  g_autoptr(GError) error = NULL;
  SnQueryResult *query = SN_QUERY_RESULT (object);

  if (query != self->result)
    return;

  stop_running_ui (self);

  if (!sn_query_result_wait_finish (query, result, &error))
    query_failed (self, query, error);
  else
    {
      show_error (self, NULL);
      update_result_status (self);
      if (sn_query_result_get_n_columns (query) == 0)
        show_outcome (self, "emblem-ok-symbolic",
                      sn_query_result_get_command_tag (query) != NULL
                        ? sn_query_result_get_command_tag (query) : _("Done"),
                      NULL);
    }

  /* The audit lines, before and after, come from sn_sql_console_start(). */
  update_actions (self);
}

static void
execute (SnSqlConsolePage *self,
         const char       *sql,
         gboolean          confirmed,
         const char       *typed_name)
{
  g_autoptr(SnQueryResult) started = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  if (self->connector == NULL)
    return;

  /* Confirmations and the "started" audit line are checked in core first:
   * when they fail, nothing is sent and the editor says why. */
  started = sn_sql_console_start (self->connector, NULL, sql, confirmed, typed_name,
                                  cancellable, &error);
  if (started == NULL)
    {
      show_error (self, error);
      return;
    }

  g_free (self->running_sql);
  self->running_sql = g_strdup (sql);
  add_history (self, sql);

  if (self->result != NULL)
    g_signal_handlers_disconnect_by_data (self->result, self);
  g_clear_object (&self->result);
  g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
  self->query_cancellable = g_steal_pointer (&cancellable);
  self->cancelled = FALSE;
  show_error (self, NULL);

  self->query_started = g_get_monotonic_time ();
  self->result = g_steal_pointer (&started);
  sn_result_grid_set_result (self->results_grid, self->result);

  g_signal_connect_object (self->result, "notify::n-columns", G_CALLBACK (columns_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->result, "notify::n-rows", G_CALLBACK (update_result_status), self,
                           G_CONNECT_SWAPPED);
  if (sn_query_result_get_n_columns (self->result) > 0)
    columns_cb (self);

  adw_status_page_set_icon_name (self->results_status, "content-loading-symbolic");
  adw_status_page_set_title (self->results_status, _("Running…"));
  adw_status_page_set_description (self->results_status, _("Press Escape to stop the statement."));
  if (sn_query_result_get_n_columns (self->result) == 0)
    gtk_stack_set_visible_child_name (self->results_stack, "empty");

  gtk_spinner_set_spinning (self->query_spinner, TRUE);
  g_clear_handle_id (&self->elapsed_id, g_source_remove);
  self->elapsed_id = g_timeout_add (ELAPSED_INTERVAL, elapsed_cb, self);
  elapsed_cb (self);
  update_result_status (self);

  sn_query_result_wait_async (self->result, NULL, query_done_cb, g_object_ref (self));
  update_actions (self);
}

/* ------------------------------------------------------------------------ */
/* Confirmation of destructive statements                                   */

static void
confirm_entry_changed_cb (GtkEditable      *entry,
                          AdwMessageDialog *dialog)
{
  const char *expected = g_object_get_data (G_OBJECT (dialog), "expected");

  adw_message_dialog_set_response_enabled (dialog, "run",
                                           g_strcmp0 (gtk_editable_get_text (entry), expected) == 0);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SnSqlConsolePage *self)
{
  const char *sql = g_object_get_data (G_OBJECT (dialog), "sql");
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

  /* The typed name is what the person typed; core checks it again. */
  if (g_strcmp0 (response, "run") == 0)
    execute (self, sql, TRUE, GTK_IS_EDITABLE (entry) ? gtk_editable_get_text (GTK_EDITABLE (entry)) : NULL);

  if (self->dialog == GTK_WINDOW (dialog))
    self->dialog = NULL;
}

static void
add_typed_name_entry (SnSqlConsolePage *self,
                      AdwMessageDialog *dialog)
{
  SnProfile *profile = get_profile (self);
  GtkWidget *entry = gtk_entry_new ();
  g_autofree char *placeholder = NULL;

  /* Translators: %s is the profile name the person must type */
  placeholder = g_strdup_printf (_("Type “%s” to confirm"), sn_profile_get_name (profile));
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, placeholder, -1);
  g_object_set_data_full (G_OBJECT (dialog), "expected", g_strdup (sn_profile_get_name (profile)), g_free);
  g_signal_connect (entry, "changed", G_CALLBACK (confirm_entry_changed_cb), dialog);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_set_response_enabled (dialog, "run", FALSE);
}

static void
run_sql (SnSqlConsolePage *self,
         const char       *sql)
{
  g_autofree char *what = NULL;
  g_autofree char *body = NULL;
  g_autofree char *excerpt = NULL;
  SnSqlConfirm needs;
  gboolean destructive;
  GtkWidget *dialog;

  if (sql == NULL || *sql == '\0')
    return;

  /* M6: writes on production need the profile's name typed (sn-sql-console.c). */
  needs = self->connector != NULL ? sn_sql_console_get_confirm (self->connector, sql) : SN_SQL_CONFIRM_NONE;
  destructive = sn_sql_is_destructive (sql, &what);
  if (!destructive && needs == SN_SQL_CONFIRM_NONE)
    {
      execute (self, sql, FALSE, NULL);
      return;
    }

  excerpt = g_utf8_substring (sql, 0, MIN (g_utf8_strlen (sql, -1), 400));
  body = g_strdup_printf ("%s\n\n%s", destructive ? what : _("Writes are allowed on this production "
                                                                "profile: type its name to run the statement."),
                          excerpt);
  dialog = adw_message_dialog_new (sn_gui_parent_window (GTK_WIDGET (self)),
                                   destructive ? _("Run a Destructive Statement?") : _("Write to Production?"),
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "run", _("_Run It"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "run",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "sql", g_strdup (sql), g_free);

  if (sn_profile_get_production (get_profile (self)) || (needs & SN_SQL_CONFIRM_TYPED_NAME))
    add_typed_name_entry (self, ADW_MESSAGE_DIALOG (dialog));

  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  self->dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *param)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);
  g_autofree char *sql = editor_text (self, TRUE);

  run_sql (self, sql);
}

static void
explain_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);
  g_autofree char *sql = editor_text (self, TRUE);
  g_autofree char *explain = NULL;

  if (*sql == '\0')
    return;

  /* Plain EXPLAIN never runs the statement; when the session may write, core
   * still asks (EXPLAIN ANALYZE runs it), so go through the same dialog. */
  explain = g_strdup_printf ("EXPLAIN %s", sql);
  if (self->connector != NULL && sn_sql_console_get_confirm (self->connector, explain) != SN_SQL_CONFIRM_NONE)
    run_sql (self, explain);
  else
    execute (self, explain, FALSE, NULL);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);

  if (self->result == NULL || !sn_query_result_get_loading (self->result))
    return;

  self->cancelled = TRUE;
  set_status (self, _("Cancelling…"));
  sn_database_connector_cancel (self->connector);
}

/* ------------------------------------------------------------------------ */
/* Export of query results                                                  */

static void
export_result_to (GtkWidget *widget,
                  GFile     *file)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint n_columns, n_rows;

  if (self->result == NULL)
    return;

  n_columns = sn_query_result_get_n_columns (self->result);
  n_rows = sn_query_result_get_n_rows (self->result);
  for (guint r = 0; r <= n_rows; r++)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          const char *value = r == 0 ? sn_query_result_get_column_name (self->result, c)
                                     : sn_query_result_get_value (self->result,
                                                                  sn_query_result_get_source_row (self->result, r - 1), c);

          if (c > 0)
            g_string_append_c (out, ',');
          if (value == NULL)
            continue;
          if (*value != '\0' && strpbrk (value, ",\"\r\n") == NULL)
            g_string_append (out, value);
          else
            {
              g_string_append_c (out, '"');
              for (const char *p = value; *p != '\0'; p++)
                {
                  if (*p == '"')
                    g_string_append_c (out, '"');
                  g_string_append_c (out, *p);
                }
              g_string_append_c (out, '"');
            }
        }
      g_string_append_c (out, '\n');
    }

  /* Customer data: 0600, atomic and durable (sn_data_file_replace, M8). */
  if (!sn_data_file_replace (file, out->str, out->len, NULL, &error))
    {
      show_error (self, error);
      return;
    }

  sn_gui_toast_saved_rows (widget, file, n_rows);
}

static void
export_result_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);

  if (self->result == NULL)
    return;

  sn_gui_choose_csv_file (widget, _("Export the Loaded Rows as CSV"), "query.csv", export_result_to);
}

static void
export_progress_cb (guint64  bytes,
                    guint64  rows,
                    gpointer user_data)
{
  SnSqlConsolePage *self = user_data;
  g_autofree char *count = sn_format_count ((gint64) MIN (rows, (guint64) G_MAXINT64));
  g_autofree char *text = NULL;

  /* Translators: during a CSV export; %s is a number of rows */
  text = g_strdup_printf (_("Exporting… %s rows written"), count);
  set_status (self, text);
  gtk_progress_bar_pulse (self->export_progress);
}

static void
export_query_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SnSqlConsolePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) target = g_steal_pointer (&self->export_file);
  guint64 rows = 0;

  gtk_widget_set_visible (GTK_WIDGET (self->export_progress), FALSE);
  gtk_widget_set_visible (self->export_cancel_button, FALSE);
  g_clear_object (&self->export_cancellable);

  if (!sn_database_connector_export_csv_finish (SN_DATABASE_CONNECTOR (object), result, &rows, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        set_status (self, _("Export cancelled; the file was not written."));
      else
        show_error (self, error);
    }
  else
    {
      set_status (self, NULL);
      if (target != NULL)
        sn_gui_toast_saved_rows (GTK_WIDGET (self), target, rows);
    }

  update_actions (self);
}

static void
export_query_to (GtkWidget *widget,
                 GFile     *file)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);

  if (self->connector == NULL || self->running_sql == NULL)
    return;

  g_clear_object (&self->export_cancellable);
  self->export_cancellable = g_cancellable_new ();
  g_set_object (&self->export_file, file);

  gtk_widget_set_visible (GTK_WIDGET (self->export_progress), TRUE);
  gtk_widget_set_visible (self->export_cancel_button, TRUE);
  set_status (self, _("Exporting…"));
  sn_database_connector_export_csv_async (self->connector, self->running_sql, file,
                                          export_progress_cb, g_object_ref (self), g_object_unref,
                                          self->export_cancellable, export_query_cb,
                                          g_object_ref (self));
  update_actions (self);
}

static void
export_query_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);

  if (self->running_sql == NULL)
    return;

  sn_gui_choose_csv_file (widget, _("Export the Whole Query as CSV"), "query.csv", export_query_to);
}

static void
cancel_export_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  SnSqlConsolePage *self = SN_SQL_CONSOLE_PAGE (widget);

  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
}

/* ------------------------------------------------------------------------ */
/* Allow writes                                                             */

static void
reason_changed_cb (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "allow", *text != '\0');
}

static void
writes_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SnSqlConsolePage *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  g_autoptr(GError) error = NULL;

  if (self->dialog == GTK_WINDOW (dialog))
    self->dialog = NULL;

  if (g_strcmp0 (response, "allow") == 0 && self->connector != NULL &&
      sn_database_connector_allow_writes (self->connector, gtk_editable_get_text (entry), &error))
    {
      g_autoptr(SnAuditLog) audit = sn_audit_log_new (NULL);
      g_autoptr(GError) audit_error = NULL;
      g_autofree char *line = g_strdup_printf ("reason: %s", gtk_editable_get_text (entry));

      if (!sn_audit_log_append (audit, sn_profile_get_name (get_profile (self)), "db.allow-writes",
                                line, 0, 0, 0, &audit_error))
        {
          /* Not audited, not allowed. */
          sn_database_connector_forbid_writes (self->connector);
          show_error (self, audit_error);
        }
      else
        sn_gui_toast (GTK_WIDGET (self), _("Writes allowed for this session; the reason is in the audit log."));
    }
  else if (error != NULL)
    show_error (self, error);

  connector_changed_cb (self);
}

static void
writes_toggled_cb (SnSqlConsolePage *self,
                   GtkToggleButton  *toggle)
{
  GtkWidget *dialog, *entry;

  if (self->syncing_toggle || self->connector == NULL)
    return;

  if (!gtk_toggle_button_get_active (toggle))
    {
      sn_database_connector_forbid_writes (self->connector);
      connector_changed_cb (self);
      return;
    }

  dialog = adw_message_dialog_new (sn_gui_parent_window (GTK_WIDGET (self)), _("Allow Writes?"),
                                   _("Statements will be able to change and delete data in this "
                                     "session. Say why: the reason goes to the audit log, with every "
                                     "statement that writes."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "allow", _("_Allow Writes"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "allow",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "allow", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason (break-glass)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for allowing writes"), -1);
  g_signal_connect (entry, "changed", G_CALLBACK (reason_changed_cb), dialog);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_signal_connect_object (dialog, "response", G_CALLBACK (writes_response_cb), self, 0);
  self->dialog = GTK_WINDOW (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
style_changed_cb (SnSqlConsolePage *self,
                  GParamSpec       *pspec,
                  AdwStyleManager  *manager)
{
  GtkSourceStyleSchemeManager *schemes = gtk_source_style_scheme_manager_get_default ();
  GtkSourceBuffer *buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
  GtkSourceStyleScheme *scheme;

  scheme = gtk_source_style_scheme_manager_get_scheme (schemes, adw_style_manager_get_dark (manager)
                                                                  ? "Adwaita-dark" : "Adwaita");
  if (scheme != NULL)
    gtk_source_buffer_set_style_scheme (buffer, scheme);
}

static void
sn_sql_console_page_dispose (GObject *object)
{
  SnSqlConsolePage *self = (SnSqlConsolePage *)object;
  GtkWidget *child;

  g_cancellable_cancel (self->query_cancellable);
  g_cancellable_cancel (self->export_cancellable);
  g_clear_handle_id (&self->elapsed_id, g_source_remove);

  if (self->result != NULL)
    g_signal_handlers_disconnect_by_data (self->result, self);
  if (self->connector != NULL)
    g_signal_handlers_disconnect_by_data (self->connector, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_SQL_CONSOLE_PAGE);
  /* The template's root is not bound to a field: unparent it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  self->dialog = NULL;

  g_clear_object (&self->connector);
  g_clear_object (&self->history);
  g_clear_object (&self->result);
  g_clear_object (&self->export_file);
  g_clear_object (&self->query_cancellable);
  g_clear_object (&self->export_cancellable);

  G_OBJECT_CLASS (sn_sql_console_page_parent_class)->dispose (object);
}

static void
sn_sql_console_page_finalize (GObject *object)
{
  SnSqlConsolePage *self = (SnSqlConsolePage *)object;

  g_free (self->running_sql);
  g_free (self->status);

  G_OBJECT_CLASS (sn_sql_console_page_parent_class)->finalize (object);
}

static void
sn_sql_console_page_class_init (SnSqlConsolePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_sql_console_page_dispose;
  object_class->finalize = sn_sql_console_page_finalize;

  /**
   * SnSqlConsolePage::error:
   * @error: (nullable): what failed, or %NULL when it works again
   */
  signals[ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-sql-console-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, source_view);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, query_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, history_button);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, history_stack);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, history_model);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, saved_button);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, saved_popover);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, save_name_entry);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, saved_stack);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, saved_model);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, export_menu_button);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, writes_toggle);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, results_status);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, results_grid);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, export_progress);
  gtk_widget_class_bind_template_child (widget_class, SnSqlConsolePage, export_cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, history_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, saved_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_query_cb);
  gtk_widget_class_bind_template_callback (widget_class, writes_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, grid_message_cb);

  gtk_widget_class_install_action (widget_class, "sql.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "sql.explain", NULL, explain_action);
  gtk_widget_class_install_action (widget_class, "sql.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "sql.export-result", NULL, export_result_action);
  gtk_widget_class_install_action (widget_class, "sql.export-query", NULL, export_query_action);
  gtk_widget_class_install_action (widget_class, "sql.cancel-export", NULL, cancel_export_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "sql.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, "sql.run", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "sql.cancel", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  g_type_ensure (GTK_SOURCE_TYPE_VIEW);
  g_type_ensure (SN_TYPE_RESULT_GRID);
  g_type_ensure (SN_TYPE_QUERY_HISTORY_ITEM);
}

static void
sn_sql_console_page_init (SnSqlConsolePage *self)
{
  GtkSourceLanguageManager *languages;
  GtkSourceBuffer *buffer;
  AdwStyleManager *style = adw_style_manager_get_default ();

  gtk_source_init ();
  gtk_widget_init_template (GTK_WIDGET (self));

  languages = gtk_source_language_manager_get_default ();
  buffer = GTK_SOURCE_BUFFER (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)));
  gtk_source_buffer_set_language (buffer, gtk_source_language_manager_get_language (languages, "sql"));
  gtk_source_buffer_set_highlight_syntax (buffer, TRUE);
  g_signal_connect_object (style, "notify::dark", G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  style_changed_cb (self, NULL, style);

  sn_gui_name_menu_button (self->history_button);
  sn_gui_name_menu_button (self->saved_button);
  sn_gui_name_menu_button (self->export_menu_button);

  load_history (self);
  set_status (self, _("No query yet"));
  connector_changed_cb (self);
}

GtkWidget *
sn_sql_console_page_new (void)
{
  return g_object_new (SN_TYPE_SQL_CONSOLE_PAGE, NULL);
}

/* The connection statements run on; the Database view owns it. The history
 * is the connection's profile's. */
void
sn_sql_console_page_set_connector (SnSqlConsolePage    *self,
                                   SnDatabaseConnector *connector)
{
  g_return_if_fail (SN_IS_SQL_CONSOLE_PAGE (self));
  g_return_if_fail (connector == NULL || SN_IS_DATABASE_CONNECTOR (connector));

  if (self->connector == connector)
    return;

  if (self->connector != NULL)
    g_signal_handlers_disconnect_by_data (self->connector, self);
  g_set_object (&self->connector, connector);
  if (connector != NULL)
    {
      g_signal_connect_object (connector, "notify::read-only", G_CALLBACK (connector_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (connector, "notify::path", G_CALLBACK (connector_changed_cb), self,
                               G_CONNECT_SWAPPED);
    }

  load_history (self);
  connector_changed_cb (self);
}

void
sn_sql_console_page_set_sql (SnSqlConsolePage *self,
                             const char       *sql)
{
  g_return_if_fail (SN_IS_SQL_CONSOLE_PAGE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->source_view)),
                            sql != NULL ? sql : "", -1);
}

/**
 * sn_sql_console_page_get_result:
 *
 * Returns: (transfer none) (nullable): the rows of the last statement run
 */
SnQueryResult *
sn_sql_console_page_get_result (SnSqlConsolePage *self)
{
  g_return_val_if_fail (SN_IS_SQL_CONSOLE_PAGE (self), NULL);

  return self->result;
}

/**
 * sn_sql_console_page_get_results_view:
 *
 * Returns: (transfer none): the column view showing the rows
 */
GtkColumnView *
sn_sql_console_page_get_results_view (SnSqlConsolePage *self)
{
  g_return_val_if_fail (SN_IS_SQL_CONSOLE_PAGE (self), NULL);

  return sn_result_grid_get_column_view (self->results_grid);
}

const char *
sn_sql_console_page_get_status (SnSqlConsolePage *self)
{
  g_return_val_if_fail (SN_IS_SQL_CONSOLE_PAGE (self), NULL);

  return self->status;
}

/**
 * sn_sql_console_page_get_dialog:
 *
 * Returns: (transfer none) (nullable): the confirmation dialog open now
 */
GtkWindow *
sn_sql_console_page_get_dialog (SnSqlConsolePage *self)
{
  g_return_val_if_fail (SN_IS_SQL_CONSOLE_PAGE (self), NULL);

  return self->dialog;
}
