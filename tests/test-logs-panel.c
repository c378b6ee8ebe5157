/* test-logs-panel.c: the Logs panel follows the newest line while lines
 * stream from the stack's app, stops when the person scrolls up and resumes
 * at the bottom
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sn-incidents-view.h"
#include "sn-logs-panel.h"
#include "sn-window.h"
#include "sn-test-gui.h"
#include "sn-test-stack.h"

typedef struct
{
  SnLogsPanel *panel;
  guint        count;
} Wait;

/* Appends @n numbered lines to the app's log: `docker compose logs --follow`
 * (tail -F on the stack) streams them to the panel over SSH. */
static void
append_lines (guint *next,
              guint  n)
{
  FILE *log = fopen (sn_test_stack_get ("APP_LOG"), "a");

  g_assert_nonnull (log);
  for (guint i = 0; i < n; i++, (*next)++)
    fprintf (log, "follow-test line %05u GET /follow/%u 200\n", *next, *next);
  fclose (log);
}

static guint
count_test_lines (SnLogsPanel *panel)
{
  GListModel *model = G_LIST_MODEL (sn_logs_panel_get_model (panel));
  guint n = g_list_model_get_n_items (model);
  guint count = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnLogLine) line = g_list_model_get_item (model, i);

      if (strstr (sn_log_line_get_text (line), "follow-test line") != NULL)
        count++;
    }
  return count;
}

static gboolean
lines_arrived (gpointer data)
{
  Wait *wait = data;

  return count_test_lines (wait->panel) >= wait->count;
}

static GtkAdjustment *
vadjustment (SnLogsPanel *panel)
{
  GtkWidget *list = sn_test_find_named (panel, "logs-list");
  GtkWidget *scroller = list != NULL ? gtk_widget_get_parent (list) : NULL;

  g_assert_true (GTK_IS_SCROLLED_WINDOW (scroller));
  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
}

static double
distance_to_bottom (SnLogsPanel *panel)
{
  GtkAdjustment *adj = vadjustment (panel);

  return gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj) - gtk_adjustment_get_value (adj);
}

/* Lets layout and the list's own scrolling settle (about half a second). */
static void
settle (void)
{
  gint64 end = g_get_monotonic_time () + 300 * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/* Streams @n more lines and waits until the panel has them all. */
static void
stream (Wait  *wait,
        guint *next,
        guint  n)
{
  append_lines (next, n);
  wait->count += n;
  g_assert_true (sn_test_wait_until (lines_arrived, wait, 60000));
  settle ();
}

static void
assert_at_bottom (SnLogsPanel *panel,
                  const char  *when)
{
  GtkAdjustment *adj = vadjustment (panel);

  g_test_message ("%s: %.0f px above the bottom (value %.0f, upper %.0f, page %.0f)", when,
                  distance_to_bottom (panel), gtk_adjustment_get_value (adj),
                  gtk_adjustment_get_upper (adj), gtk_adjustment_get_page_size (adj));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
  g_assert_cmpfloat (distance_to_bottom (panel), <=, 2);
}

static void
test_follow (void)
{
  g_autofree char *directory = sn_profile_store_default_directory ();
  g_autoptr(SnProfileStore) store = sn_profile_store_new (directory);
  SnWindow *window = sn_window_new (NULL, store, "demo");
  SnIncidentsView *view;
  SnLogsPanel *panel;
  GtkToggleButton *follow;
  Wait wait = { NULL, 0 };
  guint next = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 600);
  gtk_window_present (GTK_WINDOW (window));
  view = SN_INCIDENTS_VIEW (gtk_widget_get_ancestor (sn_test_find_named (window, "sev1-checklist"),
                                                     SN_TYPE_INCIDENTS_VIEW));
  g_assert_nonnull (view);
  panel = wait.panel = sn_incidents_view_get_logs_panel (view);
  follow = GTK_TOGGLE_BUTTON (sn_test_find_named (panel, "logs-follow"));
  g_assert_nonnull (follow);
  g_assert_true (gtk_toggle_button_get_active (follow));

  /* The person opens the page on a short log; then lines come a few at a
   * time, as a live app writes them, until they fill more than a screen. */
  append_lines (&next, 1);
  wait.count = 1;
  sn_incidents_view_show_page (view, "logs");
  g_assert_true (sn_test_wait_until (lines_arrived, &wait, 60000));
  settle ();
  for (guint batch = 0; batch < 30; batch++)
    {
      GtkAdjustment *adj = vadjustment (panel);

      stream (&wait, &next, 1 + batch % 3);
      if (gtk_adjustment_get_upper (adj) > gtk_adjustment_get_page_size (adj))
        assert_at_bottom (panel, "following");
    }
  assert_at_bottom (panel, "filled");

  /* The person scrolls up to read: new lines no longer move the view. */
  gtk_adjustment_set_value (vadjustment (panel), 0);
  settle ();
  for (guint batch = 0; batch < 3; batch++)
    {
      stream (&wait, &next, 5);
      g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment (panel)), <=, 2);
    }

  /* Back at the bottom, it follows again. */
  {
    GtkAdjustment *adj = vadjustment (panel);

    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
  }
  settle ();
  for (guint batch = 0; batch < 3; batch++)
    {
      stream (&wait, &next, 5);
      assert_at_bottom (panel, "resumed");
    }

  /* Another page and back: still on the newest line. */
  sn_incidents_view_show_page (view, "health");
  settle ();
  stream (&wait, &next, 20);
  sn_incidents_view_show_page (view, "logs");
  settle ();
  assert_at_bottom (panel, "back on the page");

  /* Follow turned off and on again reloads the same last 500 lines: the view
   * starts on the newest one and keeps following. */
  append_lines (&next, 600);
  wait.count += 600;
  g_assert_true (sn_test_wait_until (lines_arrived, &wait, 60000));
  settle ();
  assert_at_bottom (panel, "long log");
  gtk_toggle_button_set_active (follow, FALSE);
  settle ();
  gtk_toggle_button_set_active (follow, TRUE);
  wait.count = 400;
  g_assert_true (sn_test_wait_until (lines_arrived, &wait, 60000));
  settle ();
  assert_at_bottom (panel, "follow again");
  for (guint batch = 0; batch < 3; batch++)
    {
      stream (&wait, &next, 2);
      assert_at_bottom (panel, "following again");
    }

  sn_logs_panel_stop (panel);
  sn_test_destroy_window (window);
}

/* Once a frame ------------------------------------------------------------ */

typedef struct
{
  GArray  *added;      /* lines added by each items-changed of the model */
  GArray  *per_frame;  /* additions signalled within each painted frame */
  guint    in_frame;   /* additions since the last frame */
  guint    frames;
} Frames;

static void
model_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Frames     *frames)
{
  if (added > 0)
    {
      g_array_append_val (frames->added, added);
      frames->in_frame++;
    }
}

static void
frame_painted_cb (GdkFrameClock *clock,
                  Frames        *frames)
{
  g_array_append_val (frames->per_frame, frames->in_frame);
  frames->in_frame = 0;
  frames->frames++;
}

static gboolean
frames_painted (gpointer data)
{
  Frames *frames = ((gpointer *) data)[0];
  guint until = GPOINTER_TO_UINT (((gpointer *) data)[1]);

  return frames->frames >= until;
}

/* Waits for the next painted frame of @widget (a draw is asked for, so
 * there is one even if nothing else asks). */
static void
wait_frame (GtkWidget *widget,
            Frames    *frames)
{
  gpointer data[2] = { frames, GUINT_TO_POINTER (frames->frames + 1) };

  gtk_widget_queue_draw (widget);
  g_assert_true (sn_test_wait_until (frames_painted, data, 10000));
}

/* Lines 0..n-1 of the model are "batch line NNNNNN" in order, from @first. */
static void
assert_in_order (SnLogModel *model,
                 guint       first,
                 guint       n)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SnLogLine) line = g_list_model_get_item (G_LIST_MODEL (model), i);
      g_autofree char *expected = g_strdup_printf ("batch line %06u", first + i);

      g_assert_cmpstr (sn_log_line_get_text (line), ==, expected);
    }
}

/*
 * Lines that arrive in many batches between two frames are published in the
 * next frame, in one model change, in order; a burst bigger than a frame's
 * share spreads over frames, one change each, never more than the share.
 */
static void
test_once_a_frame (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *panel = sn_logs_panel_new ();
  SnLogModel *model = sn_logs_panel_get_model (SN_LOGS_PANEL (panel));
  Frames frames = { g_array_new (FALSE, FALSE, sizeof (guint)), g_array_new (FALSE, FALSE, sizeof (guint)) };
  guint next = 0, burst = SN_LOGS_PANEL_MAX_LINES_PER_FRAME * 5 / 2;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 400);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (frame_painted_cb), &frames);
  g_signal_connect (model, "items-changed", G_CALLBACK (model_changed_cb), &frames);
  wait_frame (window, &frames);
  wait_frame (window, &frames);

  /* The first lines of an empty window come a few dozen a frame (see
   * test_first_rows); then a frame publishes what arrived. */
  for (; next < SN_LOGS_PANEL_FIRST_ROWS; next++)
    {
      g_autofree char *text = g_strdup_printf ("app-1  | batch line %06u", next);

      sn_log_model_append (model, text);
    }
  while (sn_log_model_get_n_pending (model) > 0)
    wait_frame (window, &frames);
  g_array_set_size (frames.added, 0);
  g_array_set_size (frames.per_frame, 0);

  /* Ten batches of 100 before a frame: the next frame has them all, in one change. */
  for (guint batch = 0; batch < 10; batch++)
    for (guint i = 0; i < 100; i++, next++)
      {
        g_autofree char *text = g_strdup_printf ("app-1  | batch line %06u", next);

        sn_log_model_append (model, text);
      }
  wait_frame (window, &frames);
  g_assert_cmpuint (frames.added->len, ==, 1);
  g_assert_cmpuint (g_array_index (frames.added, guint, 0), ==, 1000);
  assert_in_order (model, 0, SN_LOGS_PANEL_FIRST_ROWS + 1000);

  /* A burst of two and a half frames' share: three frames, one change each. */
  g_array_set_size (frames.added, 0);
  g_array_set_size (frames.per_frame, 0);
  for (guint i = 0; i < burst; i++, next++)
    {
      g_autofree char *text = g_strdup_printf ("app-1  | batch line %06u", next);

      sn_log_model_append (model, text);
    }
  while (sn_log_model_get_n_pending (model) > 0)
    wait_frame (window, &frames);
  wait_frame (window, &frames);
  g_assert_cmpuint (frames.added->len, ==, 3);
  for (guint i = 0; i < frames.added->len; i++)
    g_assert_cmpuint (g_array_index (frames.added, guint, i), <=, SN_LOGS_PANEL_MAX_LINES_PER_FRAME);
  for (guint i = 0; i < frames.per_frame->len; i++)
    g_assert_cmpuint (g_array_index (frames.per_frame, guint, i), <=, 1);
  assert_in_order (model, 0, SN_LOGS_PANEL_FIRST_ROWS + 1000 + burst);

  g_signal_handlers_disconnect_by_data (model, &frames);
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (window), &frames);
  g_array_unref (frames.added);
  g_array_unref (frames.per_frame);
  sn_test_destroy_window (window);
}

/* First rows and following, row by row -------------------------------------- */

/* Appends lines "batch line NNNNNN" from *next. */
static void
append_batch (SnLogModel *model,
              guint      *next,
              guint       n)
{
  for (guint i = 0; i < n; i++, (*next)++)
    {
      g_autofree char *text = g_strdup_printf ("app-1  | batch line %06u", *next);

      sn_log_model_append (model, text);
    }
}

/* The number in "batch line NNNNNN" of each row drawn whole inside the
 * scroller: the first and last rows a person sees. */
static void
collect_shown (GtkWidget *widget,
               GtkWidget *scroller,
               int       *first,
               int       *last)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;
      const char *text;

      if (!gtk_widget_get_child_visible (child) || !gtk_widget_get_mapped (child))
        continue;
      if (!GTK_IS_INSCRIPTION (child))
        {
          collect_shown (child, scroller, first, last);
          continue;
        }
      text = gtk_inscription_get_text (GTK_INSCRIPTION (child));
      if (text == NULL || !g_str_has_prefix (text, "batch line ") ||
          !gtk_widget_compute_bounds (child, scroller, &bounds) ||
          bounds.origin.y < 0 || bounds.origin.y + bounds.size.height > gtk_widget_get_height (scroller))
        continue;
      *first = MIN (*first, atoi (text + strlen ("batch line ")));
      *last = MAX (*last, atoi (text + strlen ("batch line ")));
    }
}

/*
 * Following shows the newest rows, not only the scrollbar at the bottom:
 * the list is anchored on its last row, and the frame that publishes lines
 * shows the last one whole. (The adjustment's value set while the list laid
 * out moved the scrollbar, and the list kept showing its first rows until
 * they left the window.)
 */
static void
test_follow_rows (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *panel = sn_logs_panel_new ();
  SnLogModel *model = sn_logs_panel_get_model (SN_LOGS_PANEL (panel));
  Frames frames = { g_array_new (FALSE, FALSE, sizeof (guint)), g_array_new (FALSE, FALSE, sizeof (guint)) };
  GtkWidget *scroller;
  guint next = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 400);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (frame_painted_cb), &frames);
  wait_frame (window, &frames);
  scroller = gtk_widget_get_parent (sn_test_find_named (panel, "logs-list"));
  g_assert_true (GTK_IS_SCROLLED_WINDOW (scroller));

  for (guint round = 0; round < 6; round++)
    {
      int first = G_MAXINT, last = -1;

      /* Checked right after the frame that published the last lines. */
      append_batch (model, &next, 500);
      while (sn_log_model_get_n_pending (model) > 0)
        wait_frame (window, &frames);
      collect_shown (scroller, scroller, &first, &last);
      g_test_message ("after %u lines, rows %d to %d are shown", next, first, last);
      g_assert_cmpint (last, ==, (int) next - 1);
      g_assert_cmpint (first, >, (int) next - 60);
    }

  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (window), &frames);
  g_array_unref (frames.added);
  g_array_unref (frames.per_frame);
  sn_test_destroy_window (window);
}

/*
 * Into an empty window (a reload), lines come SN_LOGS_PANEL_FIRST_LINES_PER_FRAME
 * a frame until the window holds SN_LOGS_PANEL_FIRST_ROWS, so the list
 * view builds its row widgets over several frames; then a frame takes its
 * full share again. Every line is kept, in order.
 */
static void
test_first_rows (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *panel = sn_logs_panel_new ();
  SnLogModel *model = sn_logs_panel_get_model (SN_LOGS_PANEL (panel));
  Frames frames = { g_array_new (FALSE, FALSE, sizeof (guint)), g_array_new (FALSE, FALSE, sizeof (guint)) };
  guint next = 0, total = 0;
  gboolean full_share = FALSE;

  gtk_window_set_default_size (GTK_WINDOW (window), 800, 400);
  gtk_window_set_child (GTK_WINDOW (window), panel);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (frame_painted_cb), &frames);
  g_signal_connect (model, "items-changed", G_CALLBACK (model_changed_cb), &frames);
  wait_frame (window, &frames);

  for (guint reload = 0; reload < 2; reload++)
    {
      sn_log_model_clear (model);
      next = total = 0;
      full_share = FALSE;
      wait_frame (window, &frames);
      g_array_set_size (frames.added, 0);
      append_batch (model, &next, 1000);
      while (sn_log_model_get_n_pending (model) > 0)
        wait_frame (window, &frames);

      for (guint i = 0; i < frames.added->len; i++)
        {
          guint added = g_array_index (frames.added, guint, i);

          if (total < SN_LOGS_PANEL_FIRST_ROWS)
            g_assert_cmpuint (added, <=, SN_LOGS_PANEL_FIRST_LINES_PER_FRAME);
          else
            full_share = TRUE;
          total += added;
        }
      g_assert_cmpuint (frames.added->len, >=, SN_LOGS_PANEL_FIRST_ROWS / SN_LOGS_PANEL_FIRST_LINES_PER_FRAME);
      /* The rest came in one frame's share, not 40 at a time. */
      g_assert_true (full_share);
      g_assert_cmpuint (frames.added->len, <=, SN_LOGS_PANEL_FIRST_ROWS / SN_LOGS_PANEL_FIRST_LINES_PER_FRAME + 2);
      assert_in_order (model, 0, 1000);
    }

  g_signal_handlers_disconnect_by_data (model, &frames);
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (window), &frames);
  g_array_unref (frames.added);
  g_array_unref (frames.per_frame);
  sn_test_destroy_window (window);
}

/* A panel alone in a window, the frames it paints counted. */
typedef struct
{
  GtkWidget  *window;
  GtkWidget  *panel;
  SnLogModel *model;
  Frames      frames;
} Panel;

static void
panel_open (Panel *p,
            int    width,
            int    height)
{
  p->window = gtk_window_new ();
  p->panel = sn_logs_panel_new ();
  p->model = sn_logs_panel_get_model (SN_LOGS_PANEL (p->panel));
  p->frames = (Frames) { g_array_new (FALSE, FALSE, sizeof (guint)), g_array_new (FALSE, FALSE, sizeof (guint)) };
  gtk_window_set_default_size (GTK_WINDOW (p->window), width, height);
  gtk_window_set_child (GTK_WINDOW (p->window), p->panel);
  gtk_window_present (GTK_WINDOW (p->window));
  g_signal_connect (gtk_widget_get_frame_clock (p->window), "after-paint", G_CALLBACK (frame_painted_cb), &p->frames);
  wait_frame (p->window, &p->frames);
}

static void
panel_close (Panel *p)
{
  g_signal_handlers_disconnect_by_data (gtk_widget_get_frame_clock (p->window), &p->frames);
  g_array_unref (p->frames.added);
  g_array_unref (p->frames.per_frame);
  sn_test_destroy_window (p->window);
}

/* Waits until the lines appended so far are published and drawn. */
static void
panel_publish (Panel *p)
{
  while (sn_log_model_get_n_pending (p->model) > 0)
    wait_frame (p->window, &p->frames);
  wait_frame (p->window, &p->frames);
}

/* "app-1  | long line é0000 é0001 …": far wider than any window. */
static GString *
long_line_new (void)
{
  GString *line = g_string_new ("app-1  | long line");

  for (guint i = 0; i < 600; i++)
    g_string_append_printf (line, " é%04u", i);
  return line;
}

/* Ten short lines, then the long one: it is the 11th (index 10) row. */
static void
append_long_after_short (Panel      *p,
                         const char *line)
{
  guint next = 0;

  /* The rows bound before the list's first layout get whole lines. */
  append_batch (p->model, &next, 10);
  panel_publish (p);
  sn_log_model_append (p->model, line);
  panel_publish (p);
}

/* The row widget (an inscription) whose text starts with @prefix. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *prefix)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *text;
      GtkWidget *row;

      if (!GTK_IS_INSCRIPTION (child))
        {
          if ((row = find_row (child, prefix)) != NULL)
            return row;
          continue;
        }
      text = gtk_inscription_get_text (GTK_INSCRIPTION (child));
      if (text != NULL && g_str_has_prefix (text, prefix))
        return child;
    }
  return NULL;
}

/* The text of the row widget showing the line that starts with @prefix. */
static const char *
find_row_text (GtkWidget  *widget,
               const char *prefix)
{
  GtkWidget *row = find_row (widget, prefix);

  return row != NULL ? gtk_inscription_get_text (GTK_INSCRIPTION (row)) : NULL;
}

/*
 * A line far wider than the list is given to its row only as far as the
 * list's width shows (the rest would be laid out for nothing at every
 * draw); it still ends in an ellipsis, and the row gets more of it when the
 * window gets wider. The model keeps the whole line.
 */
static void
test_long_lines (void)
{
  Panel p;
  g_autoptr(GString) line = long_line_new ();
  g_autoptr(SnLogLine) kept = NULL;
  const char *shown;
  gsize narrow;

  panel_open (&p, 500, 400);
  append_long_after_short (&p, line->str);

  kept = g_list_model_get_item (G_LIST_MODEL (p.model), 10);
  g_assert_cmpstr (sn_log_line_get_text (kept), ==, line->str + strlen ("app-1  | "));
  shown = find_row_text (p.panel, "long line");
  g_assert_nonnull (shown);
  g_test_message ("500 px wide: %zu of %zu bytes given to the row", strlen (shown), strlen (sn_log_line_get_text (kept)));
  g_assert_true (g_utf8_validate (shown, -1, NULL));
  g_assert_true (g_str_has_prefix (sn_log_line_get_text (kept), shown));
  g_assert_cmpuint (strlen (shown), <, strlen (sn_log_line_get_text (kept)) / 4);
  /* Still more than fits: the row ends in an ellipsis. */
  g_assert_cmpuint (g_utf8_strlen (shown, -1), >, 500 / 20);
  narrow = strlen (shown);

  gtk_window_set_default_size (GTK_WINDOW (p.window), 1200, 400);
  for (guint i = 0; i < 5; i++)
    wait_frame (p.window, &p.frames);
  g_assert_cmpint (gtk_widget_get_width (p.panel), >, 1000);
  shown = find_row_text (p.panel, "long line");
  g_assert_nonnull (shown);
  g_test_message ("1200 px wide: %zu bytes", strlen (shown));
  g_assert_true (g_str_has_prefix (sn_log_line_get_text (kept), shown));
  g_assert_cmpuint (strlen (shown), >, narrow * 3 / 2);

  panel_close (&p);
}

/* Every row bound under @widget is labelled with the whole line it shows
 * (its list item's, as the panel keeps it on the row), cut short or not;
 * returns how many rows were checked. */
static guint
assert_rows_labelled (GtkWidget *widget)
{
  guint checked = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkListItem *item;
      SnLogLine *line;

      if (!GTK_IS_INSCRIPTION (child))
        {
          checked += assert_rows_labelled (child);
          continue;
        }
      item = g_object_get_data (G_OBJECT (child), "sn-list-item");
      g_assert_nonnull (item);
      line = gtk_list_item_get_item (item);
      if (line == NULL)
        continue;
      gtk_test_accessible_assert_property (child, GTK_ACCESSIBLE_PROPERTY_LABEL, sn_log_line_get_text (line));
      checked++;
    }
  return checked;
}

/*
 * A row shown part of a long line is labelled with the whole line for
 * screen readers. Recycled for a line that fits, it is labelled with that
 * line: even when the line is the very text the row showed (the inscription
 * relabels itself only when its text changes), and never with no label.
 */
static void
test_long_line_label (void)
{
  Panel p;
  g_autoptr(GString) line = long_line_new ();
  const char *whole = line->str + strlen ("app-1  | ");
  g_autofree char *start = NULL;
  g_autofree char *short_line = NULL;
  g_autofree char *label = NULL;
  GtkWidget *row;

  panel_open (&p, 500, 400);
  append_long_after_short (&p, line->str);
  row = find_row (p.panel, "long line");
  g_assert_nonnull (row);
  start = g_strdup (gtk_inscription_get_text (GTK_INSCRIPTION (row)));
  g_assert_cmpuint (strlen (start), <, strlen (whole));
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, whole);
  g_assert_cmpuint (assert_rows_labelled (p.panel), ==, 11);
  g_object_add_weak_pointer (G_OBJECT (row), (gpointer *) &row);

  /* Lines that are the start of the long one, whole: following them
   * scrolls the long line away, and the list view binds its row to one. */
  short_line = g_strconcat ("app-1  | ", start, NULL);
  for (guint i = 0; i < 500; i++)
    sn_log_model_append (p.model, short_line);
  panel_publish (&p);
  panel_publish (&p);
  g_assert_nonnull (row);
  g_object_remove_weak_pointer (G_OBJECT (row), (gpointer *) &row);
  g_assert_cmpstr (gtk_inscription_get_text (GTK_INSCRIPTION (row)), ==, start);
  g_assert_cmpstr (sn_log_line_get_text (gtk_list_item_get_item (g_object_get_data (G_OBJECT (row), "sn-list-item"))),
                   ==, start);

  label = gtk_test_accessible_check_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, whole);
  g_test_message ("the recycled row's label: %s", label != NULL ? label : "still the long line");
  g_assert_nonnull (label);
  g_assert_cmpuint (assert_rows_labelled (p.panel), >, 10);

  panel_close (&p);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sn/logs-panel/once-a-frame", test_once_a_frame);
  g_test_add_func ("/sn/logs-panel/follow", test_follow);
  g_test_add_func ("/sn/logs-panel/follow-rows", test_follow_rows);
  g_test_add_func ("/sn/logs-panel/first-rows", test_first_rows);
  g_test_add_func ("/sn/logs-panel/long-lines", test_long_lines);
  g_test_add_func ("/sn/logs-panel/long-line-label", test_long_line_label);

  return g_test_run ();
}
