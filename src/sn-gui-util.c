/* sn-gui-util.c: the few helpers every page of the GUI shares
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-gui-util"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-gui-util.h"

/**
 * sn_gui_parent_window:
 *
 * Returns: (transfer none) (nullable): the window @widget is in, for dialogs
 */
GtkWindow *
sn_gui_parent_window (GtkWidget *widget)
{
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  root = gtk_widget_get_root (widget);

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
add_toast (GtkWidget  *widget,
           const char *text,
           gboolean    error)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *escaped = NULL;
  AdwToast *toast;

  if (overlay == NULL && !ADW_IS_PREFERENCES_WINDOW (root))
    {
      /* Not in a window yet: the log, so it is never lost. */
      if (error)
        g_warning ("%s", text);
      else
        g_message ("%s", text);
      return;
    }

  /* A toast's title is markup: a command in an error ("… && docker …") is not. */
  escaped = g_markup_escape_text (text, -1);
  toast = adw_toast_new (escaped);
  if (error)
    {
      adw_toast_set_timeout (toast, 0);
      adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
    }
  else
    adw_toast_set_timeout (toast, 5);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), toast);
}

/**
 * sn_gui_toast:
 *
 * Shows @text (plain text, not markup) for five seconds in the nearest
 * #AdwToastOverlay around @widget, or its preferences window. Without one
 * (a widget not in a window yet), @text goes to the log.
 */
void
sn_gui_toast (GtkWidget  *widget,
              const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  add_toast (widget, text, FALSE);
}

/**
 * sn_gui_toast_error:
 *
 * Like sn_gui_toast(), for what went wrong: the toast comes first and stays
 * until dismissed.
 */
void
sn_gui_toast_error (GtkWidget  *widget,
                    const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (text != NULL);

  add_toast (widget, text, TRUE);
}

/**
 * sn_gui_format_seconds:
 *
 * Returns: (transfer full): @usec as seconds with one decimal, "2.4 s"
 */
char *
sn_gui_format_seconds (gint64 usec)
{
  g_autofree char *number = sn_format_decimal (usec / 1e6, 1);

  /* Translators: a duration in seconds, e.g. "2.4 s" */
  return g_strdup_printf (_("%s s"), number);
}

/**
 * sn_gui_format_elapsed_ms:
 *
 * Returns: (transfer full): how long a step or a run took: "4.2 s" under a
 *   minute, then "12:05"
 */
char *
sn_gui_format_elapsed_ms (gint64 ms)
{
  gint64 seconds = ms / 1000;

  if (ms < 60 * 1000)
    /* Translators: a duration in seconds, with one decimal */
    return g_strdup_printf (_("%.1f s"), ms / 1000.0);

  /* Translators: a duration in minutes and seconds */
  return g_strdup_printf (_("%lld:%02d"), (long long) (seconds / 60), (int)(seconds % 60));
}

/**
 * sn_gui_name_menu_button:
 *
 * GTK 4.8 names a GtkMenuButton's inner button after its child only when
 * that is a plain label: name it for screen readers, from the tooltip or
 * the label.
 */
void
sn_gui_name_menu_button (GtkMenuButton *button)
{
  GtkWidget *inner;
  const char *name;

  g_return_if_fail (GTK_IS_MENU_BUTTON (button));

  inner = gtk_widget_get_first_child (GTK_WIDGET (button));
  name = gtk_widget_get_tooltip_text (GTK_WIDGET (button));
  if (name == NULL)
    name = gtk_menu_button_get_label (button);
  if (inner != NULL && name != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (inner), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* Removes every column of @view, for a table whose columns change. */
void
sn_gui_clear_columns (GtkColumnView *view)
{
  GListModel *columns;

  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  columns = gtk_column_view_get_columns (view);
  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (view, column);
    }
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     GtkWidget       *widget)
{
  SnGuiFileFunc func = g_object_get_data (G_OBJECT (dialog), "func");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      func (widget, file);
    }

  g_object_set_data (G_OBJECT (widget), "sn-csv-chooser", NULL);
}

/**
 * sn_gui_choose_csv_file:
 * @func: called with the file chosen, if one is
 *
 * Asks where to save a CSV file, suggesting @name. One chooser per widget
 * at a time: a second call replaces the first.
 */
void
sn_gui_choose_csv_file (GtkWidget     *widget,
                        const char    *title,
                        const char    *name,
                        SnGuiFileFunc  func)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  chooser = gtk_file_chooser_native_new (title, sn_gui_parent_window (widget),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  g_object_set_data_full (G_OBJECT (widget), "sn-csv-chooser", chooser, g_object_unref);
  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_object_set_data (G_OBJECT (chooser), "func", func);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), widget, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The toast after a CSV export. */
void
sn_gui_toast_saved_rows (GtkWidget *widget,
                         GFile     *file,
                         guint64    rows)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *count = sn_format_count ((gint64) MIN (rows, (guint64) G_MAXINT64));
  g_autofree char *message = NULL;

  /* Translators: a toast after a CSV export; %s is a number of rows, then a file path */
  message = g_strdup_printf (_("Saved %s rows to %s"), count, path);
  sn_gui_toast (widget, message);
}
