/* sn-test-gui.c: widget lookups, waits and screenshots shared by the GUI tests
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-test-gui"

#include "config.h"

#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-window.h"

static void
collect_named (GtkWidget  *root,
               const char *name,
               GPtrArray  *found)
{
  if (g_strcmp0 (gtk_widget_get_name (root), name) == 0)
    g_ptr_array_add (found, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_named (child, name, found);
}

GPtrArray *
sn_test_find_all_named (gpointer    root,
                        const char *name)
{
  GPtrArray *found = g_ptr_array_new ();

  collect_named (GTK_WIDGET (root), name, found);
  return found;
}

GtkWidget *
sn_test_find_named (gpointer    root,
                    const char *name)
{
  GtkWidget *widget = GTK_WIDGET (root);

  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = sn_test_find_named (child, name);

      if (found != NULL)
        return found;
    }

  return NULL;
}

const char *
sn_test_label_text (gpointer    root,
                    const char *name)
{
  GtkWidget *label = sn_test_find_named (root, name);

  g_assert_nonnull (label);
  g_assert_true (GTK_IS_LABEL (label));
  return gtk_label_get_label (GTK_LABEL (label));
}

GtkWindow *
sn_test_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *found = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (item, type))
        found = GTK_WINDOW (item);
    }

  return found;
}

gboolean
sn_test_window_gone (gpointer data)
{
  return *(GtkWidget **) data == NULL;
}

void
sn_test_destroy_window (gpointer window)
{
  GtkWidget *weak = window;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&weak);
  gtk_window_destroy (GTK_WINDOW (window));
  /* 10 s: a window holding an SSH connection closes it first. */
  g_assert_true (sn_test_wait_until (sn_test_window_gone, &weak, 10000));
}

void
sn_test_screenshot (gpointer    window,
                    const char *name)
{
  const char *directory = g_getenv ("SN_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  gint64 until;
  int width, height;

  if (directory == NULL || *directory == '\0')
    return;

  /* Let transitions and spinners settle. */
  until = g_get_monotonic_time () + 700 * 1000;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);

  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (directory, 0755);
  path = g_build_filename (directory, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

SnWindow *
sn_test_open_direction_window (SnProfileStore *store)
{
  g_autoptr(SnProfile) ro = sn_profile_copy (sn_test_stack_profile ());
  g_autoptr(GError) error = NULL;
  SnWindow *window;

  g_assert_true (sn_profile_store_load (store, NULL));
  g_object_set (ro, "name", "direction", "safety-level", SN_SAFETY_LEVEL_READ_ONLY, NULL);
  g_assert_true (sn_profile_store_save (store, ro, &error));
  g_assert_no_error (error);

  window = sn_window_new (NULL, store, "direction");
  gtk_window_present (GTK_WINDOW (window));
  return window;
}
