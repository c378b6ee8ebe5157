/* sn-activity-window.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-activity-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-activity-window.h"
#include "sn-audit-log.h"
#include "sn-audit-reader.h"
#include "sn-csv.h"

static char *
format_duration (double ms)
{
  if (ms < 1000)
    /* Translators: a duration in milliseconds */
    return g_strdup_printf (_("%.0f ms"), ms);
  if (ms < 60000)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_("%.1f s"), ms / 1000.);
  /* Translators: a duration in minutes and seconds */
  return g_strdup_printf (_("%u min %02u s"), (guint)(ms / 60000), ((guint)(ms / 1000)) % 60);
}

/* The window ------------------------------------------------------------ */

struct _SnActivityWindow
{
  AdwWindow            parent_instance;

  SnAuditReader       *entries;
  GtkCustomFilter     *filter;
  GtkFilterListModel  *filtered;
  GCancellable        *cancellable;
  GtkFileChooserNative *chooser;
  char                *needle;
  char                *profile_filter;

  /* Template children */
  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkDropDown         *profile_dropdown;
  GtkStringList       *profile_names;
  GtkSearchEntry      *action_entry;
  GtkToggleButton     *failures_button;
  GtkToggleButton     *monitoring_button;
  GtkStack            *stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *empty_page;
  GtkColumnView       *column_view;
  GtkLabel            *status_label;

  guint                skipped;
  guint                loading : 1;
  guint                syncing_profiles : 1;
};

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnActivityWindow, sn_activity_window, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];

typedef enum
{
  COLUMN_TIME,
  COLUMN_PROFILE,
  COLUMN_USER,
  COLUMN_ACTION,
  COLUMN_COMMAND,
  COLUMN_EXIT,
  COLUMN_DURATION,
  COLUMN_BYTES,
} Column;

static const struct {
  const char *title;
  const char *name;
  gboolean    expand;
  gboolean    numeric;
} columns[] = {
  { N_("Time"), "time", FALSE, TRUE },
  { N_("Profile"), "profile", FALSE, FALSE },
  { N_("User"), "user", FALSE, FALSE },
  { N_("Action"), "action", FALSE, FALSE },
  { N_("Command"), "command", TRUE, FALSE },
  { N_("Exit"), "exit", FALSE, TRUE },
  { N_("Duration"), "duration", FALSE, TRUE },
  { N_("Bytes"), "bytes", FALSE, TRUE },
};

static gboolean
filter_entry (gpointer item,
              gpointer user_data)
{
  SnActivityWindow *self = user_data;
  SnAuditEntry *entry = item;

  if (gtk_toggle_button_get_active (self->failures_button) && sn_audit_entry_get_exit_status (entry) == 0)
    return FALSE;

  /* The window opens on what people did; the timers' routine reads, one
   * line an hour, only when asked for. */
  if (sn_audit_entry_get_monitoring (entry) && !gtk_toggle_button_get_active (self->monitoring_button))
    return FALSE;

  if (self->profile_filter != NULL && g_strcmp0 (sn_audit_entry_get_profile (entry), self->profile_filter) != 0)
    return FALSE;

  if (self->needle != NULL)
    {
      g_autofree char *action = g_utf8_casefold (sn_audit_entry_get_action (entry), -1);
      g_autofree char *command = g_utf8_casefold (sn_audit_entry_get_command (entry), -1);

      if (strstr (action, self->needle) == NULL && strstr (command, self->needle) == NULL)
        return FALSE;
    }

  return TRUE;
}

static void
update_status (SnActivityWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *subtitle = NULL;

  if (self->loading)
    g_string_append (text, _("Reading the audit log…"));
  else if (shown == total)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", total), total);
  else
    /* Translators: entries that match the filters, out of all */
    g_string_append_printf (text, _("%u of %u entries"), shown, total);

  if (self->skipped > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u unreadable line skipped",
                                                 "%u unreadable lines skipped", self->skipped),
                              self->skipped);
    }
  g_string_append (text, " · ");
  g_string_append (text, sn_audit_log_get_path (sn_audit_log_get_default ()));
  gtk_label_set_label (self->status_label, text->str);

  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u entry", "%u entries", shown), shown);
  adw_window_title_set_subtitle (self->window_title, self->loading ? NULL : subtitle);

  if (self->loading && total == 0)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else if (shown == 0)
    {
      if (total == 0)
        {
          adw_status_page_set_title (self->empty_page, _("No Activity Yet"));
          adw_status_page_set_description (self->empty_page,
                                           _("Every command the app runs on a server is recorded "
                                             "here, with its result, its duration and the data it "
                                             "moved. Secrets are never recorded."));
        }
      else
        {
          adw_status_page_set_title (self->empty_page, _("No Matching Activity"));
          adw_status_page_set_description (self->empty_page,
                                           _("No entry matches the filters. Choose another "
                                             "profile, clear the search or show successes too."));
        }
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "list");

  gtk_spinner_set_spinning (self->spinner, self->loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.export", shown > 0 && !self->loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "activity.reload", !self->loading);
}

static void
refilter (SnActivityWindow *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_status (self);
}

static void
search_changed_cb (SnActivityWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->action_entry));

  g_clear_pointer (&self->needle, g_free);
  if (text != NULL && *text != '\0')
    self->needle = g_utf8_casefold (text, -1);
  refilter (self);
}

static void
profile_selected_cb (SnActivityWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->profile_dropdown);

  if (self->syncing_profiles)
    return;

  g_clear_pointer (&self->profile_filter, g_free);
  if (selected != 0 && selected != GTK_INVALID_LIST_POSITION)
    self->profile_filter = g_strdup (gtk_string_list_get_string (self->profile_names, selected));
  refilter (self);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

/* The dropdown lists "All Profiles" and every profile found in the log. */
static void
update_profiles (SnActivityWindow *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->entries));
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->profile_names));
  guint selected = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnAuditEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);
      /* owned by the entry, which the reader keeps */
      const char *profile = sn_audit_entry_get_profile (entry);

      if (*profile != '\0' && g_hash_table_add (seen, (gpointer)profile))
        g_ptr_array_add (names, (gpointer)profile);
    }
  if (self->profile_filter != NULL && g_hash_table_add (seen, self->profile_filter))
    g_ptr_array_add (names, self->profile_filter);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  self->syncing_profiles = TRUE;
  gtk_string_list_splice (self->profile_names, 0, old, NULL);
  gtk_string_list_append (self->profile_names, _("All Profiles"));
  for (guint i = 0; names->pdata[i] != NULL; i++)
    {
      gtk_string_list_append (self->profile_names, names->pdata[i]);
      if (g_strcmp0 (names->pdata[i], self->profile_filter) == 0)
        selected = i + 1;
    }
  gtk_drop_down_set_selected (self->profile_dropdown, selected);
  self->syncing_profiles = FALSE;
}

/* Loading, in a thread ---------------------------------------------------- */

static void
load_cb (GObject      *object,
         GAsyncResult *res,
         gpointer      user_data)
{
  SnActivityWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = sn_audit_reader_load_finish (SN_AUDIT_READER (object), res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }

  self->loading = FALSE;
  if (!ok)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
  else
    self->skipped = sn_audit_reader_get_skipped (self->entries);

  update_profiles (self);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_object_unref (self);
}

/**
 * sn_activity_window_reload:
 * @self: a #SnActivityWindow
 *
 * Reads the audit log again, in a thread.
 */
void
sn_activity_window_reload (SnActivityWindow *self)
{
  g_return_if_fail (SN_IS_ACTIVITY_WINDOW (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  self->loading = TRUE;
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  sn_audit_reader_load_async (self->entries, self->cancellable, load_cb, g_object_ref (self));
}

/* CSV ----------------------------------------------------------------- */

/* Profile names, commands and actions come from the log: a value such as
 * "=HYPERLINK(…)" is written as text for the spreadsheet (M9). */
static void
append_csv_field (GString    *csv,
                  const char *value,
                  gboolean    last)
{
  sn_csv_append_field (csv, value != NULL ? value : "", SN_CSV_SPREADSHEET_SAFE);
  g_string_append (csv, last ? "\r\n" : ",");
}

/**
 * sn_activity_window_dup_csv:
 * @self: a #SnActivityWindow
 *
 * The entries shown (filters applied), newest first, as RFC 4180 CSV with
 * a header line. Times are the stored UTC ones; commands as redacted; cells
 * a spreadsheet would run as formulas are written as text.
 *
 * Returns: (transfer full): the CSV text
 */
char *
sn_activity_window_dup_csv (SnActivityWindow *self)
{
  GString *csv;
  guint n;

  g_return_val_if_fail (SN_IS_ACTIVITY_WINDOW (self), NULL);

  csv = g_string_new ("time,profile,user,action,command,exit_status,duration_ms,bytes\r\n");
  n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnAuditEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->filtered), i);
      char number[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *exit_text = g_strdup_printf ("%d", sn_audit_entry_get_exit_status (entry));
      g_autofree char *bytes_text = g_strdup_printf ("%" G_GINT64_FORMAT, sn_audit_entry_get_bytes (entry));

      append_csv_field (csv, sn_audit_entry_get_time (entry), FALSE);
      append_csv_field (csv, sn_audit_entry_get_profile (entry), FALSE);
      append_csv_field (csv, sn_audit_entry_get_user (entry), FALSE);
      append_csv_field (csv, sn_audit_entry_get_action (entry), FALSE);
      append_csv_field (csv, sn_audit_entry_get_command (entry), FALSE);
      append_csv_field (csv, exit_text, FALSE);
      append_csv_field (csv, g_ascii_formatd (number, sizeof number, "%.3f", sn_audit_entry_get_duration_ms (entry)), FALSE);
      append_csv_field (csv, bytes_text, TRUE);
    }

  return g_string_free (csv, FALSE);
}

/**
 * sn_activity_window_write_csv:
 * @self: a #SnActivityWindow
 * @file: where to write
 * @error: where to put the reason it failed
 *
 * Writes sn_activity_window_dup_csv() atomically (a temporary file renamed
 * over @file), mode 0600 for a new file: the log says who did what.
 */
gboolean
sn_activity_window_write_csv (SnActivityWindow  *self,
                              GFile             *file,
                              GError           **error)
{
  g_autofree char *csv = NULL;

  g_return_val_if_fail (SN_IS_ACTIVITY_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  csv = sn_activity_window_dup_csv (self);

  return g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE,
                                  G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                  NULL, NULL, error);
}

typedef struct
{
  SnActivityWindow *self;
  GFile            *file;
  guint             count;
} ExportOp;

static void
export_op_free (ExportOp *op)
{
  g_clear_object (&op->self);
  g_clear_object (&op->file);
  g_free (op);
}

static void
export_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ExportOp *op = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = g_file_get_parse_name (op->file);

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    /* Translators: %s is a file, then the reason */
    message = g_strdup_printf (_("Could not export to %s: %s"), name, error->message);
  else
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Exported %u entry to %s",
                                            "Exported %u entries to %s", op->count),
                               op->count, name);

  adw_toast_overlay_add_toast (op->self->toast_overlay, adw_toast_new (message));
  export_op_free (op);
}

static void
chooser_response_cb (SnActivityWindow     *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  char *csv;
  ExportOp *op;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  csv = sn_activity_window_dup_csv (self);
  bytes = g_bytes_new_take (csv, strlen (csv));
  op = g_new0 (ExportOp, 1);
  op->self = g_object_ref (self);
  op->file = g_object_ref (file);
  op->count = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       NULL, export_cb, op);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnActivityWindow *self = SN_ACTIVITY_WINDOW (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M");
  g_autofree char *name = g_strdup_printf ("narcisse-activity-%s.csv", stamp);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Export Activity"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_file_filter_set_name (filter, _("CSV Files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  sn_activity_window_reload (SN_ACTIVITY_WINDOW (widget));
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  gtk_window_close (GTK_WINDOW (widget));
}

/* Columns ----------------------------------------------------------------- */

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), columns[column].numeric && column != COLUMN_TIME ? 1 : 0);
  gtk_label_set_single_line_mode (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), column == COLUMN_COMMAND ? PANGO_ELLIPSIZE_END
                                                                        : PANGO_ELLIPSIZE_NONE);
  if (columns[column].numeric)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COLUMN_COMMAND)
    gtk_widget_add_css_class (label, "monospace");
  gtk_list_item_set_child (item, label);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (user_data);
  SnAuditEntry *entry = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  g_autofree char *text = NULL;
  const char *value = NULL;

  gtk_widget_remove_css_class (label, "error");
  gtk_widget_set_tooltip_text (label, NULL);

  switch (column)
    {
    case COLUMN_TIME:
      value = sn_audit_entry_get_local_time (entry);
      gtk_widget_set_tooltip_text (label, sn_audit_entry_get_time (entry));
      break;
    case COLUMN_PROFILE:
      value = sn_audit_entry_get_profile (entry);
      break;
    case COLUMN_USER:
      value = sn_audit_entry_get_user (entry);
      break;
    case COLUMN_ACTION:
      value = sn_audit_entry_get_action (entry);
      break;
    case COLUMN_COMMAND:
      value = sn_audit_entry_get_command (entry);
      gtk_widget_set_tooltip_text (label, sn_audit_entry_get_command (entry));
      break;
    case COLUMN_EXIT:
      text = g_strdup_printf ("%d", sn_audit_entry_get_exit_status (entry));
      if (sn_audit_entry_get_exit_status (entry) != 0)
        gtk_widget_add_css_class (label, "error");
      break;
    case COLUMN_DURATION:
      text = format_duration (sn_audit_entry_get_duration_ms (entry));
      break;
    case COLUMN_BYTES:
      text = sn_format_size (sn_audit_entry_get_bytes (entry));
      break;
    default:
      g_assert_not_reached ();
    }

  gtk_label_set_label (GTK_LABEL (label), text != NULL ? text : value);
}

static void
add_columns (SnActivityWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), GUINT_TO_POINTER (i));
      column = gtk_column_view_column_new (g_dgettext (GETTEXT_PACKAGE, columns[i].title), factory);
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }
}

/* GObject ----------------------------------------------------------------- */

static void
sn_activity_window_dispose (GObject *object)
{
  SnActivityWindow *self = (SnActivityWindow *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_ACTIVITY_WINDOW);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->entries);

  G_OBJECT_CLASS (sn_activity_window_parent_class)->dispose (object);
}

static void
sn_activity_window_finalize (GObject *object)
{
  SnActivityWindow *self = (SnActivityWindow *)object;

  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->profile_filter, g_free);

  G_OBJECT_CLASS (sn_activity_window_parent_class)->finalize (object);
}

static void
sn_activity_window_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  SnActivityWindow *self = SN_ACTIVITY_WINDOW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_activity_window_class_init (SnActivityWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_activity_window_dispose;
  object_class->finalize = sn_activity_window_finalize;
  object_class->get_property = sn_activity_window_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-activity-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, profile_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, profile_names);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, action_entry);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, failures_button);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, monitoring_button);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, column_view);
  gtk_widget_class_bind_template_child (widget_class, SnActivityWindow, status_label);

  gtk_widget_class_install_action (widget_class, "activity.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "activity.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "activity.close", NULL, close_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "activity.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "activity.reload", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "activity.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "activity.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "activity.close", NULL);
}

static void
sn_activity_window_init (SnActivityWindow *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  self->entries = sn_audit_reader_new (sn_audit_log_get_path (sn_audit_log_get_default ()),
                                       SN_AUDIT_ORDER_NEWEST_FIRST);
  self->filter = gtk_custom_filter_new (filter_entry, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->entries)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
  add_columns (self);

  gtk_string_list_append (self->profile_names, _("All Profiles"));
  gtk_drop_down_set_selected (self->profile_dropdown, 0);

  g_signal_connect_object (self->action_entry, "search-changed",
                           G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->failures_button, "toggled",
                           G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->monitoring_button, "toggled",
                           G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->profile_dropdown, "notify::selected",
                           G_CALLBACK (profile_selected_cb), self, G_CONNECT_SWAPPED);

  /* GtkDropDown's own button has no name for screen readers in GTK 4.8. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->profile_dropdown));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_TOGGLE_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Profile"),
                                        -1);
    }

  sn_activity_window_reload (self);
}

/**
 * sn_activity_window_new:
 * @transient_for: (nullable): the main window
 *
 * Opens on the app's audit log, read at once.
 */
SnActivityWindow *
sn_activity_window_new (GtkWindow *transient_for)
{
  return g_object_new (SN_TYPE_ACTIVITY_WINDOW,
                       "transient-for", transient_for,
                       NULL);
}

gboolean
sn_activity_window_get_loading (SnActivityWindow *self)
{
  g_return_val_if_fail (SN_IS_ACTIVITY_WINDOW (self), FALSE);
  return self->loading;
}

/**
 * sn_activity_window_get_entries:
 *
 * Returns: (transfer none): every entry read, newest first
 */
GListModel *
sn_activity_window_get_entries (SnActivityWindow *self)
{
  g_return_val_if_fail (SN_IS_ACTIVITY_WINDOW (self), NULL);
  return G_LIST_MODEL (self->entries);
}

/**
 * sn_activity_window_get_shown:
 *
 * Returns: (transfer none): the entries the filters let through
 */
GListModel *
sn_activity_window_get_shown (SnActivityWindow *self)
{
  g_return_val_if_fail (SN_IS_ACTIVITY_WINDOW (self), NULL);
  return G_LIST_MODEL (self->filtered);
}
