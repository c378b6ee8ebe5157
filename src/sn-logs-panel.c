/* sn-logs-panel.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-logs-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sn-gui-util.h"
#include "sn-logs-panel.h"
#include "sn-ssh-session.h"
#include "sn-window.h"

struct _SnLogsPanel
{
  GtkWidget           parent_instance;

  SnProfile          *profile;
  SnSshSession       *session;
  gboolean            session_shared;
  SnLogModel         *model;
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkMultiSelection  *selection;
  GCancellable       *cancellable;
  char               *needle;
  char               *error_message;

  /* Template children */
  GtkDropDown        *service_dropdown;
  GtkSpinButton      *tail_spin;
  GtkToggleButton    *follow_button;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *level_dropdown;
  GtkStack           *stack;
  GtkScrolledWindow  *scroller;
  GtkListView        *list_view;
  GtkSpinner         *spinner;
  GtkLabel           *status_label;
  GtkToggleButton    *pause_button;

  /* The frame clock watched while mapped, to tell layout from the person,
   * and to publish the lines that arrived, once a frame */
  GdkFrameClock      *frame_clock;
  gulong              before_paint_id;
  gulong              update_id;
  gulong              layout_id;
  gulong              after_paint_id;

  /* Rows hold no more characters than the list's width shows (0: all) */
  int                 row_width;
  int                 char_width;         /* Pango units, the rows' font */
  guint               row_chars;

  SnLogLevel          min_level;
  guint               started : 1;
  guint               stick_to_end : 1;
  guint               in_frame : 1;
};

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnLogsPanel, sn_logs_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const SnLogLevel level_choices[] = {
  SN_LOG_LEVEL_UNKNOWN, SN_LOG_LEVEL_DEBUG, SN_LOG_LEVEL_INFO, SN_LOG_LEVEL_WARN, SN_LOG_LEVEL_ERROR,
};

static const char * const level_classes[] = {
  "log-unknown", "log-trace", "log-debug", "log-info", "log-warn", "log-error", "log-fatal",
};

static gboolean
filter_line (gpointer item,
             gpointer user_data)
{
  SnLogsPanel *self = user_data;

  return sn_log_line_matches (item, self->needle, self->min_level);
}

static void
update_status (SnLogsPanel *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint total = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  guint pending = sn_log_model_get_n_pending (self->model);
  guint64 skipped = sn_log_model_get_n_skipped (self->model);
  gboolean streaming = sn_log_model_get_streaming (self->model);

  if (shown == total)
    /* Translators: %u is a number of log lines */
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u line", "%u lines", total), total);
  else
    /* Translators: log lines that match the filters, out of all */
    g_string_append_printf (text, _("%u of %u lines"), shown, total);

  if (sn_log_model_get_paused (self->model))
    {
      g_string_append (text, " · ");
      /* Translators: lines kept aside while the view is paused */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Paused: %u line held",
                                                 "Paused: %u lines held", pending), pending);
    }
  if (skipped > 0)
    {
      g_string_append (text, " · ");
      /* Translators: lines that came too fast to be kept */
      g_string_append_printf (text, _("%llu skipped"), (unsigned long long) skipped);
    }
  if (streaming)
    {
      g_string_append (text, " · ");
      g_string_append (text, gtk_toggle_button_get_active (self->follow_button)
                             ? _("Following") : _("Loading…"));
    }
  else if (self->error_message != NULL)
    {
      g_string_append (text, " · ");
      g_string_append (text, self->error_message);
    }

  gtk_label_set_label (self->status_label, text->str);
  gtk_spinner_set_spinning (self->spinner, streaming);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), streaming);
  gtk_stack_set_visible_child_name (self->stack, total > 0 ? "lines" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.copy", shown > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.save", shown > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "logs.reload", self->profile != NULL);
}

/*
 * Following. While it follows, the view stays on the newest line; scrolling
 * up stops it, and coming back to the bottom resumes it.
 *
 * The list view moves the adjustment itself when it lays rows out (it keeps
 * its anchor row in place, e.g. the first row after a reload), which looks
 * like scrolling up. So a move counts as the person's only outside a frame's
 * update/layout/paint: within one, being off the bottom never stops following,
 * and once the frame is painted the view goes back to the bottom.
 *
 * Following moves the list's anchor (the row it keeps in place) to the newest
 * line: in the frame's update phase, after lines are published, so the rows
 * laid out are the newest; and once the layout is done if the view is not at
 * the bottom then (the rows just added had no height yet when anchored, or the
 * window was resized), which lays the list out again within the same frame,
 * with the same rows. Setting the adjustment's value is not enough while the
 * list lays out: it configures the adjustment with its own value-changed
 * handler blocked, so a value set then (from notify::upper, as before) moved
 * the scrollbar but not the rows, and the list went on showing the first
 * lines it had laid out until they left the window; their ~200 row widgets
 * were then rebuilt within one frame.
 */
static gboolean
at_bottom (GtkAdjustment *adj)
{
  return gtk_adjustment_get_value (adj) >=
         gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - 2;
}

static void
scroll_to_end (SnLogsPanel *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

/* Anchors the list on its last row (aligned to the bottom if its height is
 * known, else its top at the bottom). */
static void
anchor_to_end (SnLogsPanel *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (n > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", n - 1);
}

static void update_row_chars (SnLogsPanel *self);

/* After the window's layout (connected after it): heights are known. */
static void
layout_cb (SnLogsPanel *self)
{
  update_row_chars (self);
  if (self->stick_to_end && !at_bottom (gtk_scrolled_window_get_vadjustment (self->scroller)))
    anchor_to_end (self);
}

static void
adjustment_value_cb (SnLogsPanel   *self,
                     GtkAdjustment *adj)
{
  if (at_bottom (adj))
    self->stick_to_end = TRUE;
  else if (!self->in_frame)
    self->stick_to_end = FALSE;
}

static void
before_paint_cb (SnLogsPanel *self)
{
  self->in_frame = TRUE;
}

static void
after_paint_cb (SnLogsPanel *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  self->in_frame = FALSE;
  if (self->stick_to_end && gtk_toggle_button_get_active (self->follow_button) && !at_bottom (adj))
    scroll_to_end (self);
}

/*
 * Lines are published in the frame's update phase, before layout: one
 * model change (and one filter and list update) a frame, however many
 * batches the stream delivered since the last one, and no more than
 * SN_LOGS_PANEL_MAX_LINES_PER_FRAME lines, so a burst (or a resume with
 * lines held) spreads over frames instead of stalling one. Following, the
 * list is then anchored on the newest line, so the layout that follows
 * lays out the rows that are shown, once.
 *
 * A new row widget costs far more than a recycled one (the item, its
 * accessible, its own Pango context and font metrics when the window
 * measures it): the first SN_LOGS_PANEL_FIRST_ROWS lines after the window
 * was empty (a reload) arrive SN_LOGS_PANEL_FIRST_LINES_PER_FRAME a frame,
 * so the ~205 rows the list view keeps are built over a few frames, not in
 * one of ~40 ms.
 */
static guint
lines_this_frame (SnLogsPanel *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) < SN_LOGS_PANEL_FIRST_ROWS)
    return SN_LOGS_PANEL_FIRST_LINES_PER_FRAME;
  return SN_LOGS_PANEL_MAX_LINES_PER_FRAME;
}

static void
update_cb (SnLogsPanel   *self,
           GdkFrameClock *clock)
{
  guint before = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));

  if (sn_log_model_flush_some (self->model, lines_this_frame (self)) > 0)
    gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
  if (self->stick_to_end && g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) != before)
    anchor_to_end (self);
}

static void
lines_pending_cb (SnLogsPanel *self)
{
  if (self->frame_clock != NULL)
    gdk_frame_clock_request_phase (self->frame_clock, GDK_FRAME_CLOCK_PHASE_UPDATE);
}

static void
watch_frames (SnLogsPanel *self,
              gboolean     watch)
{
  if (self->frame_clock != NULL)
    {
      g_clear_signal_handler (&self->before_paint_id, self->frame_clock);
      g_clear_signal_handler (&self->update_id, self->frame_clock);
      g_clear_signal_handler (&self->layout_id, self->frame_clock);
      g_clear_signal_handler (&self->after_paint_id, self->frame_clock);
      g_clear_object (&self->frame_clock);
    }
  self->in_frame = FALSE;

  if (watch && (self->frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (self))) != NULL)
    {
      g_object_ref (self->frame_clock);
      self->before_paint_id = g_signal_connect_swapped (self->frame_clock, "before-paint",
                                                        G_CALLBACK (before_paint_cb), self);
      self->update_id = g_signal_connect_swapped (self->frame_clock, "update",
                                                  G_CALLBACK (update_cb), self);
      self->layout_id = g_signal_connect_data (self->frame_clock, "layout", G_CALLBACK (layout_cb), self,
                                               NULL, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      self->after_paint_id = g_signal_connect_swapped (self->frame_clock, "after-paint",
                                                       G_CALLBACK (after_paint_cb), self);
    }
  /* Unmapped (another page shown), the model's own timer publishes. */
  if (self->model != NULL)
    sn_log_model_set_frame_driven (self->model, self->frame_clock != NULL);
}

/* Rows ------------------------------------------------------------------ */

/*
 * A row is one GtkInscription, recycled by the list view: its size comes
 * from the font, not from the text, so binding a line lays out nothing but
 * the visible row; the full line is in its tooltip, asked for on hover only
 * (gtk_widget_set_tooltip_text() on every bind queries the pointer).
 */
static gboolean
row_query_tooltip_cb (GtkWidget   *row,
                      int          x,
                      int          y,
                      gboolean     keyboard,
                      GtkTooltip  *tooltip,
                      GtkListItem *item)
{
  SnLogLine *line = gtk_list_item_get_item (item);

  if (line == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, sn_log_line_get_text (line));
  return TRUE;
}

/*
 * A row is given no more of its line than the list's width can show (plus a
 * margin, so a longer line still ends in an ellipsis): the inscription lays
 * its whole text out when it is drawn, and a log line is often several times
 * wider than the window. Its accessible label stays the whole line, like its
 * tooltip. When the list gets wider, the rows shown are given more.
 */
#define ROW_CHARS_MARGIN 16

static void
set_row_text (SnLogsPanel *self,
              GtkWidget   *row,
              SnLogLine   *line)
{
  const char *text = sn_log_line_get_text (line);
  const char *end = text;
  g_autofree char *shown = NULL;

  /* Characters, not bytes; never past the end, even in broken UTF-8. */
  if (self->row_chars > 0 && strlen (text) > self->row_chars)
    for (guint i = 0; i < self->row_chars && *end != '\0'; i++)
      end = g_utf8_find_next_char (end, NULL);
  if (end == text || *end == '\0')
    {
      gtk_inscription_set_text (GTK_INSCRIPTION (row), text);
      /* The inscription labels itself with its text, but only when the text
       * changes: a recycled row given the very start of the longer line it
       * showed would keep that line as its label. Resetting the label would
       * leave the row no name at all. */
      if (g_object_get_data (G_OBJECT (row), "sn-long-label") != NULL)
        {
          gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
          g_object_set_data (G_OBJECT (row), "sn-long-label", NULL);
        }
      return;
    }
  shown = g_strndup (text, end - text);
  gtk_inscription_set_text (GTK_INSCRIPTION (row), shown);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  g_object_set_data (G_OBJECT (row), "sn-long-label", GINT_TO_POINTER (TRUE));
}

/* The characters a row can show at the list's width, once it is known. */
static void
update_row_chars (SnLogsPanel *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->list_view));
  guint chars, old = self->row_chars;

  if (width == self->row_width || self->char_width <= 0)
    return;
  self->row_width = width;
  chars = (guint) (((gint64) width * PANGO_SCALE) / self->char_width) + ROW_CHARS_MARGIN;
  self->row_chars = chars;
  if (old == 0 || chars <= old)
    return;

  /* Wider: the rows already bound get the characters they now have room for. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);
      GtkListItem *item = row != NULL ? g_object_get_data (G_OBJECT (row), "sn-list-item") : NULL;
      gpointer line = item != NULL ? gtk_list_item_get_item (item) : NULL;

      if (SN_IS_LOG_LINE (line))
        set_row_text (self, row, line);
    }
}

static void
setup_row (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           SnLogsPanel              *self)
{
  GtkWidget *row = gtk_inscription_new (NULL);

  gtk_inscription_set_xalign (GTK_INSCRIPTION (row), 0);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (row), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (row), 80);
  gtk_widget_add_css_class (row, "monospace");
  gtk_widget_add_css_class (row, "log-line");
  gtk_widget_set_has_tooltip (row, TRUE);
  g_signal_connect (row, "query-tooltip", G_CALLBACK (row_query_tooltip_cb), item);
  g_object_set_data (G_OBJECT (row), "sn-list-item", item);
  gtk_list_item_set_child (item, row);
}

static void
bind_row (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          SnLogsPanel              *self)
{
  SnLogLine *line = gtk_list_item_get_item (item);
  GtkWidget *row = gtk_list_item_get_child (item);
  SnLogLevel level = sn_log_line_get_level (line);
  guint shown = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "sn-level")); /* level + 1 */

  /* The rows' font, measured once (the first row bound; again when mapped). */
  if (self->char_width == 0)
    {
      PangoFontMetrics *metrics = pango_context_get_metrics (gtk_widget_get_pango_context (row), NULL, NULL);

      self->char_width = MAX (1, MIN (pango_font_metrics_get_approximate_char_width (metrics),
                                      pango_font_metrics_get_approximate_digit_width (metrics)));
      pango_font_metrics_unref (metrics);
    }
  set_row_text (self, row, line);
  /* The level's class, changed only when the level does. */
  if (shown != (guint) level + 1 && (guint) level < G_N_ELEMENTS (level_classes))
    {
      if (shown > 0)
        gtk_widget_remove_css_class (row, level_classes[shown - 1]);
      gtk_widget_add_css_class (row, level_classes[level]);
      g_object_set_data (G_OBJECT (row), "sn-level", GUINT_TO_POINTER ((guint) level + 1));
    }
}

/* Streaming --------------------------------------------------------------- */

static void
stream_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnLogsPanel) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sn_log_model_stream_finish (SN_LOG_MODEL (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_pointer (&self->error_message, g_free);
      self->error_message = g_strdup (error->message);
      sn_gui_toast (GTK_WIDGET (self), error->message);
    }
  update_status (self);
}

void
sn_logs_panel_stop (SnLogsPanel *self)
{
  g_return_if_fail (SN_IS_LOGS_PANEL (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
}

void
sn_logs_panel_reload (SnLogsPanel *self)
{
  g_autoptr(SnHost) host = NULL;

  g_return_if_fail (SN_IS_LOGS_PANEL (self));

  sn_logs_panel_stop (self);
  sn_log_model_clear (self->model);
  g_clear_pointer (&self->error_message, g_free);
  self->stick_to_end = TRUE;

  if (self->profile == NULL)
    {
      update_status (self);
      return;
    }

  if (self->session == NULL)
    self->session = sn_window_dup_ssh_session (GTK_WIDGET (self), self->profile,
                                               &self->session_shared);

  self->started = TRUE;
  self->cancellable = g_cancellable_new ();
  host = sn_host_new (self->session, NULL);
  sn_log_model_stream_async (self->model,
                             host,
                             sn_logs_panel_get_service (self),
                             (guint) gtk_spin_button_get_value_as_int (self->tail_spin),
                             gtk_toggle_button_get_active (self->follow_button),
                             self->cancellable,
                             stream_cb,
                             g_object_ref (self));
  update_status (self);
}

static void
drop_session (SnLogsPanel *self)
{
  sn_logs_panel_stop (self);
  /* Disconnect here, on the main thread: the worker must not drop the last
   * reference. The window's own session stays up for the other views. */
  if (self->session != NULL && !self->session_shared)
    sn_ssh_session_disconnect (self->session);
  g_clear_object (&self->session);
}

static void
options_changed_cb (SnLogsPanel *self)
{
  if (self->started)
    sn_logs_panel_reload (self);
}

static void
filter_changed_cb (SnLogsPanel *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint index = gtk_drop_down_get_selected (self->level_dropdown);
  SnLogLevel level = index < G_N_ELEMENTS (level_choices) ? level_choices[index] : SN_LOG_LEVEL_UNKNOWN;

  g_free (self->needle);
  self->needle = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
  self->min_level = level;
  /* No filter at all when nothing is asked: the filter model then passes
   * the lines through without keeping (and shifting, as the window moves,
   * once a frame) a bitset of the whole window. */
  if (self->needle == NULL && self->min_level == SN_LOG_LEVEL_UNKNOWN)
    gtk_filter_list_model_set_filter (self->filtered, NULL);
  else if (gtk_filter_list_model_get_filter (self->filtered) == NULL)
    gtk_filter_list_model_set_filter (self->filtered, GTK_FILTER (self->filter));
  else
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_status (self);
}

static void
pause_toggled_cb (SnLogsPanel *self)
{
  sn_log_model_set_paused (self->model, gtk_toggle_button_get_active (self->pause_button));
  update_status (self);
}

static void
sn_logs_panel_map (GtkWidget *widget)
{
  SnLogsPanel *self = SN_LOGS_PANEL (widget);

  GTK_WIDGET_CLASS (sn_logs_panel_parent_class)->map (widget);
  watch_frames (self, TRUE);
  /* The rows' font and width measured again (the font may have changed). */
  self->char_width = 0;
  self->row_width = 0;

  /* Connect only when someone looks at the logs. */
  if (!self->started && self->profile != NULL)
    sn_logs_panel_reload (self);
}

static void
sn_logs_panel_unmap (GtkWidget *widget)
{
  watch_frames (SN_LOGS_PANEL (widget), FALSE);

  GTK_WIDGET_CLASS (sn_logs_panel_parent_class)->unmap (widget);
}

/* Actions ------------------------------------------------------------------ */

static char *
dup_shown_text (SnLogsPanel *self,
                gboolean     selected_only)
{
  GListModel *model = G_LIST_MODEL (self->filtered);
  GString *text = g_string_new (NULL);
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnLogLine) line = NULL;

      if (selected_only && !gtk_selection_model_is_selected (GTK_SELECTION_MODEL (self->selection), i))
        continue;
      line = g_list_model_get_item (model, i);
      g_string_append (text, sn_log_line_get_text (line));
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SnLogsPanel *self = SN_LOGS_PANEL (widget);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  gboolean any = !gtk_bitset_is_empty (selected);
  g_autofree char *text = dup_shown_text (self, any);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  sn_gui_toast (GTK_WIDGET (self), any ? _("Selected lines copied") : _("All shown lines copied"));
}

static void
jump_to_end_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SnLogsPanel *self = SN_LOGS_PANEL (widget);

  self->stick_to_end = TRUE;
  scroll_to_end (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  sn_logs_panel_reload (SN_LOGS_PANEL (widget));
}

static void
save_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  gpointer         user_data)
{
  g_autoptr(SnLogsPanel) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = g_file_get_path (file);
      text = dup_shown_text (self, FALSE);
      if (path == NULL || !g_file_set_contents_full (path, text, -1,
                                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
        sn_gui_toast (GTK_WIDGET (self), error != NULL ? error->message : _("Cannot save there"));
      else
        {
          /* Translators: %s is a file path */
          g_autofree char *message = g_strdup_printf (_("Logs saved to %s"), path);

          sn_gui_toast (GTK_WIDGET (self), message);
        }
    }
  g_object_unref (dialog);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SnLogsPanel *self = SN_LOGS_PANEL (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("%s-%s.log", sn_logs_panel_get_service (self), stamp);

  chooser = gtk_file_chooser_native_new (_("Save Logs"),
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Object ------------------------------------------------------------------ */

static void
sn_logs_panel_dispose (GObject *object)
{
  SnLogsPanel *self = (SnLogsPanel *)object;
  GtkWidget *child;

  drop_session (self);
  watch_frames (self, FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_LOGS_PANEL);
  /* The children the template does not bind, like the separators. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->model);
  g_clear_object (&self->profile);

  G_OBJECT_CLASS (sn_logs_panel_parent_class)->dispose (object);
}

static void
sn_logs_panel_finalize (GObject *object)
{
  SnLogsPanel *self = (SnLogsPanel *)object;

  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->error_message, g_free);

  G_OBJECT_CLASS (sn_logs_panel_parent_class)->finalize (object);
}

static void
sn_logs_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SnLogsPanel *self = SN_LOGS_PANEL (object);

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
sn_logs_panel_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SnLogsPanel *self = SN_LOGS_PANEL (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_logs_panel_set_profile (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_logs_panel_class_init (SnLogsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_logs_panel_dispose;
  object_class->finalize = sn_logs_panel_finalize;
  object_class->get_property = sn_logs_panel_get_property;
  object_class->set_property = sn_logs_panel_set_property;
  widget_class->map = sn_logs_panel_map;
  widget_class->unmap = sn_logs_panel_unmap;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-logs-panel.ui");
  gtk_widget_class_set_css_name (widget_class, "snlogspanel");
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, service_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, tail_spin);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, follow_button);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, list_view);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, SnLogsPanel, pause_button);

  gtk_widget_class_install_action (widget_class, "logs.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "logs.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "logs.jump-to-end", NULL, jump_to_end_action);
  gtk_widget_class_install_action (widget_class, "logs.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, GDK_CONTROL_MASK, "logs.jump-to-end", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "logs.save", NULL);
}

static void
sn_logs_panel_init (SnLogsPanel *self)
{
  GtkListItemFactory *factory;
  GtkAdjustment *adj;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->stick_to_end = TRUE;
  self->model = sn_log_model_new (SN_LOG_MODEL_DEFAULT_CAPACITY);
  self->filter = gtk_custom_filter_new (filter_line, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->model)), NULL);
  self->selection = gtk_multi_selection_new (G_LIST_MODEL (g_object_ref (self->filtered)));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::n-pending", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::streaming", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::n-skipped", G_CALLBACK (update_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "lines-pending", G_CALLBACK (lines_pending_cb), self,
                           G_CONNECT_SWAPPED);

  adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  g_signal_connect_object (adj, "value-changed", G_CALLBACK (adjustment_value_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->service_dropdown, "notify::selected", G_CALLBACK (options_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->follow_button, "toggled", G_CALLBACK (options_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tail_spin, "value-changed", G_CALLBACK (options_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (filter_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->level_dropdown, "notify::selected", G_CALLBACK (filter_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pause_button, "toggled", G_CALLBACK (pause_toggled_cb),
                           self, G_CONNECT_SWAPPED);

  /* GtkDropDown's own button has no name for screen readers in GTK 4.8. */
  {
    GtkWidget *dropdowns[] = { GTK_WIDGET (self->service_dropdown), GTK_WIDGET (self->level_dropdown) };
    const char *names[] = { _("Service"), _("Minimum level") };

    for (guint i = 0; i < G_N_ELEMENTS (dropdowns); i++)
      for (GtkWidget *child = gtk_widget_get_first_child (dropdowns[i]);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (GTK_IS_TOGGLE_BUTTON (child))
          gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          names[i], -1);
  }

  update_status (self);
}

GtkWidget *
sn_logs_panel_new (void)
{
  return g_object_new (SN_TYPE_LOGS_PANEL, NULL);
}

SnProfile *
sn_logs_panel_get_profile (SnLogsPanel *self)
{
  g_return_val_if_fail (SN_IS_LOGS_PANEL (self), NULL);
  return self->profile;
}

void
sn_logs_panel_set_profile (SnLogsPanel *self,
                           SnProfile   *profile)
{
  g_return_if_fail (SN_IS_LOGS_PANEL (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (self->profile == profile)
    return;

  drop_session (self);
  g_set_object (&self->profile, profile);
  sn_log_model_clear (self->model);
  self->started = FALSE;
  if (profile != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_logs_panel_reload (self);
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnLogModel *
sn_logs_panel_get_model (SnLogsPanel *self)
{
  g_return_val_if_fail (SN_IS_LOGS_PANEL (self), NULL);
  return self->model;
}

GListModel *
sn_logs_panel_get_shown (SnLogsPanel *self)
{
  g_return_val_if_fail (SN_IS_LOGS_PANEL (self), NULL);
  return G_LIST_MODEL (self->filtered);
}

const char *
sn_logs_panel_get_service (SnLogsPanel *self)
{
  GObject *item;

  g_return_val_if_fail (SN_IS_LOGS_PANEL (self), NULL);

  item = gtk_drop_down_get_selected_item (self->service_dropdown);
  return item != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : "app";
}

void
sn_logs_panel_set_service (SnLogsPanel *self,
                           const char  *service)
{
  GListModel *services;
  guint n;

  g_return_if_fail (SN_IS_LOGS_PANEL (self));

  services = gtk_drop_down_get_model (self->service_dropdown);
  n = g_list_model_get_n_items (services);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (services, i);

      if (g_strcmp0 (gtk_string_object_get_string (item), service) == 0)
        {
          gtk_drop_down_set_selected (self->service_dropdown, i);
          return;
        }
    }
  gtk_string_list_append (GTK_STRING_LIST (services), service);
  gtk_drop_down_set_selected (self->service_dropdown, n);
}
