/* sn-result-grid.c: the rows of a query, as a table
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One column per result column, made when the columns are known; NULL
 * shown dimmed; a click on a header sorts in core (sn_query_result_sort());
 * a right click copies a cell or a row, Ctrl+C the selected row. */

#define G_LOG_DOMAIN "sn-result-grid"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-gui-util.h"
#include "sn-result-grid.h"

#define MAX_CELL_CHARS 200
/* A column's width, in characters: from its title and first rows. */
#define MIN_COLUMN_CHARS 4
#define MAX_COLUMN_CHARS 48
#define WIDTH_SAMPLE_ROWS 100

struct _SnResultGrid
{
  GtkWidget      parent_instance;

  SnQueryResult *result;
  GObject       *sentinel_a;
  GObject       *sentinel_b;

  /* Template children */
  GtkColumnView *column_view;

  int            sort_probe;
};

enum {
  PROP_0,
  PROP_RESULT,
  N_PROPS
};

enum {
  MESSAGE,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SnResultGrid, sn_result_grid, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/*
 * Cells are GtkInscriptions: their size comes from a width in characters
 * fixed for the column, not from measuring each text, so scrolling binds
 * and draws the visible cells and lays out nothing else, and the columns
 * keep their widths as rows pass. The width is the widest of the title
 * and the first rows bound, between MIN and MAX_COLUMN_CHARS; wider text is
 * ellipsized, whole in the copy.
 */
static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *cell = gtk_inscription_new (NULL);

  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (cell), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_widget_set_margin_start (cell, 4);
  gtk_widget_set_margin_end (cell, 4);
  gtk_list_item_set_child (item, cell);
}

/* Measured once a column, at its first cell (@first, a row still held). */
static guint
column_chars (GtkListItemFactory *factory,
              SnQueryResult      *result,
              guint               column,
              guint               first)
{
  guint chars = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "chars"));
  guint end;

  if (chars > 0)
    return chars;

  chars = (guint) g_utf8_strlen (sn_query_result_get_column_name (result, column), -1) + 2;
  end = MIN (sn_query_result_get_n_rows (result), first + WIDTH_SAMPLE_ROWS);
  for (guint r = first; r < end && chars < MAX_COLUMN_CHARS; r++)
    {
      g_autofree char *text = sn_query_result_dup_display (result, r, column, MAX_COLUMN_CHARS);

      chars = MAX (chars, (guint) g_utf8_strlen (text, -1));
    }
  chars = CLAMP (chars, MIN_COLUMN_CHARS, MAX_COLUMN_CHARS);
  g_object_set_data (G_OBJECT (factory), "chars", GUINT_TO_POINTER (chars));
  return chars;
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkInscription *cell = GTK_INSCRIPTION (gtk_list_item_get_child (item));
  SnQueryRow *row = gtk_list_item_get_item (item);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  SnQueryResult *result = sn_query_row_get_result (row);
  guint index = sn_query_row_get_index (row);
  SnColumnKind kind = sn_query_result_get_column_kind (result, column);
  g_autofree char *text = NULL;

  gtk_inscription_set_nat_chars (cell, column_chars (GTK_LIST_ITEM_FACTORY (factory), result, column, index));
  if (sn_query_result_is_null (result, index, column))
    {
      gtk_inscription_set_text (cell, "NULL");
      gtk_widget_add_css_class (GTK_WIDGET (cell), "database-null");
    }
  else
    {
      /* Numbers and times are shown as sent: no copy. */
      if (kind == SN_COLUMN_KIND_NUMBER || kind == SN_COLUMN_KIND_TIMESTAMP)
        gtk_inscription_set_text (cell, sn_query_result_get_value (result, index, column));
      else
        {
          text = sn_query_row_dup_display (row, column, MAX_CELL_CHARS);
          gtk_inscription_set_text (cell, text);
        }
      gtk_widget_remove_css_class (GTK_WIDGET (cell), "database-null");
    }

  gtk_inscription_set_xalign (cell, kind == SN_COLUMN_KIND_NUMBER ? 1.0 : 0.0);
  g_object_set_data (G_OBJECT (cell), "sn-row", GUINT_TO_POINTER (index + 1));
  g_object_set_data (G_OBJECT (cell), "sn-column", GUINT_TO_POINTER (column + 1));
}

/* The sort order the person clicked, found through the column sorters:
 * comparing two sentinels calls the primary column's sorter first. */
static int
column_sorter_compare (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  SnResultGrid *self = g_object_get_data (G_OBJECT (user_data), "grid");

  if (self != NULL && a == (gpointer)self->sentinel_a && self->sort_probe < 0)
    {
      self->sort_probe = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (user_data), "column"));
      return GTK_ORDERING_SMALLER;
    }

  return GTK_ORDERING_EQUAL;
}

static void
sorter_changed_cb (SnResultGrid    *self,
                   GtkSorterChange  change,
                   GtkSorter       *sorter)
{
  GtkOrdering order;
  int column;

  if (self->result == NULL)
    return;

  self->sort_probe = -1;
  order = gtk_sorter_compare (sorter, self->sentinel_a, self->sentinel_b);
  column = self->sort_probe;
  self->sort_probe = -1;

  if (!sn_query_result_sort (self->result, column, order == GTK_ORDERING_LARGER))
    g_signal_emit (self, signals[MESSAGE], 0, _("Wait for every row before sorting."));
}

static void
build_columns (SnResultGrid *self)
{
  guint n_columns = sn_query_result_get_n_columns (self->result);

  sn_gui_clear_columns (self->column_view);
  for (guint c = 0; c < n_columns; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkCustomSorter *sorter;
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), NULL);
      column = gtk_column_view_column_new (sn_query_result_get_column_name (self->result, c), factory);
      sorter = gtk_custom_sorter_new (column_sorter_compare, NULL, NULL);
      g_object_set_data (G_OBJECT (sorter), "grid", self);
      g_object_set_data (G_OBJECT (sorter), "column", GINT_TO_POINTER (c));
      gtk_custom_sorter_set_sort_func (sorter, column_sorter_compare, sorter, NULL);
      gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (sorter);
      g_object_unref (column);
    }
}

static void
columns_cb (SnResultGrid *self)
{
  if (sn_query_result_get_n_columns (self->result) > 0)
    build_columns (self);
}

/* ------------------------------------------------------------------------ */
/* Copy                                                                     */

static char *
row_text (SnQueryResult *result,
          guint          index)
{
  GString *text = g_string_new (NULL);

  for (guint c = 0; c < sn_query_result_get_n_columns (result); c++)
    {
      const char *value = sn_query_result_get_value (result, index, c);

      if (c > 0)
        g_string_append_c (text, '\t');
      g_string_append (text, value != NULL ? value : "NULL");
    }

  return g_string_free (text, FALSE);
}

static void
copy_text (SnResultGrid *self,
           const char   *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  sn_gui_toast (GTK_WIDGET (self), _("Copied"));
}

static void
copy_row_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnResultGrid *self = SN_RESULT_GRID (widget);
  GtkSelectionModel *model = gtk_column_view_get_model (self->column_view);
  g_autofree char *text = NULL;
  guint position;

  if (self->result == NULL || model == NULL)
    return;

  if (param != NULL)
    position = g_variant_get_uint32 (param);
  else
    {
      position = gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model));
      if (position == GTK_INVALID_LIST_POSITION)
        return;
      position = sn_query_result_get_source_row (self->result, position);
    }

  if (position >= sn_query_result_get_n_rows (self->result))
    return;

  text = row_text (self->result, position);
  copy_text (self, text);
}

static void
copy_cell_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SnResultGrid *self = SN_RESULT_GRID (widget);
  guint row, column;
  const char *value;

  g_variant_get (param, "(uu)", &row, &column);
  if (self->result == NULL || row >= sn_query_result_get_n_rows (self->result) ||
      column >= sn_query_result_get_n_columns (self->result))
    return;

  value = sn_query_result_get_value (self->result, row, column);
  copy_text (self, value != NULL ? value : "NULL");
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            SnResultGrid    *self)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *picked = gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autofree char *cell_action = NULL;
  g_autofree char *row_action = NULL;
  GtkWidget *popover;
  GdkRectangle rect = { (int)x, (int)y, 1, 1 };
  guint row = 0, column = 0;

  for (; picked != NULL && picked != view; picked = gtk_widget_get_parent (picked))
    {
      row = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picked), "sn-row"));
      column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (picked), "sn-column"));
      if (row > 0 && column > 0)
        break;
    }
  if (row == 0 || column == 0)
    return;

  cell_action = g_strdup_printf ("grid.copy-cell((uint32 %u, uint32 %u))", row - 1, column - 1);
  row_action = g_strdup_printf ("grid.copy-row(uint32 %u)", row - 1);
  g_menu_append (menu, _("Copy _Cell"), cell_action);
  g_menu_append (menu, _("Copy _Row"), row_action);

  popover = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (popover, view);
  gtk_popover_set_pointing_to (GTK_POPOVER (popover), &rect);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  g_signal_connect (popover, "closed", G_CALLBACK (gtk_widget_unparent), NULL);
  gtk_popover_popup (GTK_POPOVER (popover));
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
sn_result_grid_dispose (GObject *object)
{
  SnResultGrid *self = (SnResultGrid *)object;
  GtkWidget *child;

  if (self->result != NULL)
    g_signal_handlers_disconnect_by_data (self->result, self);
  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_RESULT_GRID);
  /* The template's root is not bound to a field: unparent it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->result);
  g_clear_object (&self->sentinel_a);
  g_clear_object (&self->sentinel_b);

  G_OBJECT_CLASS (sn_result_grid_parent_class)->dispose (object);
}

static void
sn_result_grid_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SnResultGrid *self = SN_RESULT_GRID (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      g_value_set_object (value, self->result);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_result_grid_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  SnResultGrid *self = SN_RESULT_GRID (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      sn_result_grid_set_result (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_result_grid_class_init (SnResultGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_result_grid_dispose;
  object_class->get_property = sn_result_grid_get_property;
  object_class->set_property = sn_result_grid_set_property;

  properties[PROP_RESULT] =
    g_param_spec_object ("result", NULL, NULL, SN_TYPE_QUERY_RESULT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SnResultGrid::message:
   * @text: what the status line should say
   *
   * Something the table could not do, for the page's status line.
   */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-result-grid.ui");
  gtk_widget_class_bind_template_child (widget_class, SnResultGrid, column_view);
  gtk_widget_class_bind_template_callback (widget_class, pressed_cb);

  gtk_widget_class_install_action (widget_class, "grid.copy-row", "u", copy_row_action);
  gtk_widget_class_install_action (widget_class, "grid.copy-cell", "(uu)", copy_cell_action);
  gtk_widget_class_install_action (widget_class, "grid.copy-selected-row", NULL, copy_row_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sn_result_grid_init (SnResultGrid *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->sentinel_a = g_object_new (G_TYPE_OBJECT, NULL);
  self->sentinel_b = g_object_new (G_TYPE_OBJECT, NULL);
  self->sort_probe = -1;

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sn_result_grid_new (void)
{
  return g_object_new (SN_TYPE_RESULT_GRID, NULL);
}

/**
 * sn_result_grid_get_result:
 *
 * Returns: (transfer none) (nullable): the rows shown
 */
SnQueryResult *
sn_result_grid_get_result (SnResultGrid *self)
{
  g_return_val_if_fail (SN_IS_RESULT_GRID (self), NULL);

  return self->result;
}

/* Shows @result: its columns as soon as they are known, its rows as they come. */
void
sn_result_grid_set_result (SnResultGrid  *self,
                           SnQueryResult *result)
{
  g_autoptr(GtkSingleSelection) selection = NULL;

  g_return_if_fail (SN_IS_RESULT_GRID (self));
  g_return_if_fail (result == NULL || SN_IS_QUERY_RESULT (result));

  if (self->result == result)
    return;

  if (self->result != NULL)
    g_signal_handlers_disconnect_by_data (self->result, self);
  g_set_object (&self->result, result);

  gtk_column_view_set_model (self->column_view, NULL);
  sn_gui_clear_columns (self->column_view);

  if (result != NULL)
    {
      selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (result)));
      gtk_single_selection_set_autoselect (selection, FALSE);
      gtk_single_selection_set_can_unselect (selection, TRUE);
      gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (selection));
      g_signal_connect_object (result, "notify::n-columns", G_CALLBACK (columns_cb), self, G_CONNECT_SWAPPED);
      columns_cb (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

/**
 * sn_result_grid_get_column_view:
 *
 * Returns: (transfer none): the table
 */
GtkColumnView *
sn_result_grid_get_column_view (SnResultGrid *self)
{
  g_return_val_if_fail (SN_IS_RESULT_GRID (self), NULL);

  return self->column_view;
}
