/* sn-cache-view.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-cache-view.h"
#include "sn-cache-stats.h"
#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"

/*
 * The cache browser: a pattern (or a family of the real key formats) is
 * scanned into an SnKeyModel by throttled SCAN pages; the list shows the
 * keys as they come, with type, TTL and size loaded for the visible rows
 * only. The details pane reads the start of a value (64 KiB), never the
 * whole of a big one; Copy reads it all on request. Deletes show the exact
 * count first and go through the core service, which checks the profile's
 * level and audits; clearing a date and emptying the cache open their
 * runbooks in the wizard. A read-only profile sees the stats and browses.
 */

#define DETAILS_BYTES (64 * 1024)
#define STATS_PERIOD_S 10
#define TYPING_DEBOUNCE_MS 300
#define SAMPLE 20

struct _SnCacheView
{
  GtkWidget          parent_instance;

  AdwToastOverlay   *toast_overlay;
  GtkLabel          *backend_label;
  GtkLabel          *stats_label;
  SnCacheStats      *stats_chart;
  GtkSearchEntry    *pattern_entry;
  GtkButton         *cancel_button;
  GtkSpinner        *spinner;
  GtkMenuButton     *changes_button;
  GtkLabel          *count_label;
  GtkFilterListModel *filter_model;
  GtkMultiSelection *selection;
  GtkScrolledWindow *scroller;
  GtkStack          *list_stack;
  GtkListBox        *family_list;
  GtkEveryFilter    *every_filter;
  GtkCustomFilter   *family_filter;
  GtkLabel          *family_labels[SN_KEY_FAMILY_N + 1];   /* the last: all keys */
  int                shown_family;                        /* -1: all */
  AdwStatusPage     *error_page;
  GtkLabel          *details_title;
  GtkLabel          *details_meta;
  GtkTextView       *value_view;
  GtkLabel          *truncated_label;
  GtkButton         *delete_button;
  GtkButton         *ttl_button;

  SnProfile         *profile;
  SnCacheBackend    *backend;
  SnKeyModel        *keys;
  SnCacheKeyDetails *details;
  GCancellable      *cancellable;      /* connect, scan, preview, delete: cancelled by Cancel */
  GCancellable      *details_cancellable;
  guint              stats_source;
  guint              load_source;
  guint              typing_source;    /* the debounce of a pattern being typed */
  gboolean           connected;
  gboolean           connecting;
  gboolean           deleting;
  gboolean           reading;
};

enum {
  PROP_0,
  PROP_PROFILE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnCacheView, sn_cache_view, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static void start_scan (SnCacheView *self);
static void schedule_load (SnCacheView *self);

static GtkWindow *
parent_window (SnCacheView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (SnCacheView *self,
       const char  *text)
{
  AdwToast *t = adw_toast_new (text);

  adw_toast_set_timeout (t, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, t);
}

static gboolean
can_change (SnCacheView *self)
{
  return self->profile != NULL && sn_profile_get_safety_level (self->profile) >= SN_SAFETY_LEVEL_OPERATOR;
}

/* Only an admin changes a key's TTL (checked again in core). */
static gboolean
can_edit_ttl (SnCacheView *self)
{
  return self->profile != NULL && sn_profile_get_safety_level (self->profile) >= SN_SAFETY_LEVEL_ADMIN;
}

/* ---- the families sidebar: the real key formats, by known prefix ---------------- */

static gboolean
family_match (gpointer item,
              gpointer user_data)
{
  SnCacheView *self = user_data;

  return self->shown_family < 0 || (int) sn_cache_key_get_family (item) == self->shown_family;
}

static void
update_family_counts (SnCacheView *self)
{
  guint all = self->keys != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->keys)) : 0;

  for (int f = 0; f <= SN_KEY_FAMILY_N; f++)
    {
      guint n = f == SN_KEY_FAMILY_N ? all : (self->keys != NULL ? sn_key_model_get_family_count (self->keys, f) : 0);
      const char *name = f == SN_KEY_FAMILY_N ? _("All keys") : sn_key_family_to_label (f);
      /* Translators: a key family in the sidebar and how many of its keys are listed */
      g_autofree char *text = g_strdup_printf (_("%s (%u)"), name, n);

      gtk_label_set_text (self->family_labels[f], text);
    }
}

static void
family_row_selected_cb (GtkListBox    *box,
                        GtkListBoxRow *row,
                        SnCacheView   *self)
{
  int family = row != NULL ? GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "family")) : SN_KEY_FAMILY_N;

  if (self->family_filter == NULL)
    return;
  self->shown_family = family == SN_KEY_FAMILY_N ? -1 : family;
  /* No function for all keys: the list then needs no filtering pass. */
  if (self->shown_family < 0)
    gtk_custom_filter_set_filter_func (self->family_filter, NULL, NULL, NULL);
  else
    gtk_custom_filter_set_filter_func (self->family_filter, family_match, self, NULL);
}

static void
build_family_list (SnCacheView *self)
{
  self->shown_family = -1;
  self->family_filter = gtk_custom_filter_new (NULL, NULL, NULL);
  gtk_multi_filter_append (GTK_MULTI_FILTER (self->every_filter), g_object_ref (GTK_FILTER (self->family_filter)));
  for (int i = 0; i <= SN_KEY_FAMILY_N; i++)
    {
      /* "All keys" first, then each family */
      int f = i == 0 ? SN_KEY_FAMILY_N : i - 1;
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *label = gtk_label_new (NULL);
      g_autofree char *name = f == SN_KEY_FAMILY_N ? g_strdup ("cache-family-all")
                                                   : g_strdup_printf ("cache-family-%d", f);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_widget_set_name (row, name);
      g_object_set_data (G_OBJECT (row), "family", GINT_TO_POINTER (f));
      self->family_labels[f] = GTK_LABEL (label);
      gtk_list_box_append (self->family_list, row);
      if (f == SN_KEY_FAMILY_N)
        gtk_list_box_select_row (self->family_list, GTK_LIST_BOX_ROW (row));
    }
  g_signal_connect (self->family_list, "row-selected", G_CALLBACK (family_row_selected_cb), self);
  /* A family shown: its visible rows get their columns once filtered. */
  g_signal_connect_swapped (self->filter_model, "items-changed", G_CALLBACK (schedule_load), self);
  update_family_counts (self);
}

static void
update_state (SnCacheView *self)
{
  gboolean scanning = self->keys != NULL && sn_key_model_get_scanning (self->keys);
  gboolean busy = self->connecting || scanning || self->deleting;
  gboolean changes = can_change (self);
  guint n = self->keys != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->keys)) : 0;
  guint selected = 0;
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));

  selected = (guint) gtk_bitset_get_size (set);

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), busy && !self->connecting);

  /* The direction browses and reads; nothing that changes the server shows. */
  gtk_widget_set_visible (GTK_WIDGET (self->changes_button), changes);
  gtk_widget_set_visible (GTK_WIDGET (self->delete_button), changes);
  gtk_widget_set_visible (GTK_WIDGET (self->ttl_button), can_edit_ttl (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.scan", self->connected && !self->deleting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.cancel", busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.copy", self->details != NULL &&
                                 self->details->type != SN_KEY_TYPE_NONE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.delete-selected",
                                 changes && self->connected && !busy && selected > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.delete-matching", changes && self->connected && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.invalidate-date", changes);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.flush", changes);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "cache.edit-ttl",
                                 can_edit_ttl (self) && self->connected && !self->deleting &&
                                 self->details != NULL && self->details->type != SN_KEY_TYPE_NONE);

  update_family_counts (self);
  if (self->keys == NULL || self->deleting)
    return;

  if (scanning)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Scanning… %u key found",
                                                            "Scanning… %u keys found", n), n);

      gtk_label_set_text (self->count_label, text);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u key", "%u keys", n), n);

      gtk_label_set_text (self->count_label, text);
    }

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->list_stack), "error") != 0 || self->connected)
    gtk_stack_set_visible_child_name (self->list_stack, n == 0 && !scanning ? "empty" : "keys");
}

static void
show_error (SnCacheView  *self,
            const GError *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->list_stack, "error");
}

/* ---- stats ---------------------------------------------------------------- */

static void
stats_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(JsonNode) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObject *object_;

  stats = sn_cache_stats_finish (SN_CACHE_BACKEND (object), result, &error);
  if (stats == NULL || self->backend != SN_CACHE_BACKEND (object))
    return;

  object_ = json_node_get_object (stats);
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " key",
                                             "%" G_GINT64_FORMAT " keys",
                                             json_object_get_int_member (object_, "dbsize")),
                          json_object_get_int_member (object_, "dbsize"));
  if (json_object_has_member (object_, "used_memory"))
    {
      g_autofree char *size = g_format_size (json_object_get_int_member (object_, "used_memory"));

      g_string_append_printf (text, " · %s", size);
    }
  if (json_object_has_member (object_, "hit_rate"))
    g_string_append_printf (text, _(" · hit rate %.1f %%"),
                            100.0 * json_object_get_double_member (object_, "hit_rate"));
  if (json_object_has_member (object_, "instantaneous_ops_per_sec"))
    g_string_append_printf (text, _(" · %lld ops/s"),
                            (long long) json_object_get_int_member (object_, "instantaneous_ops_per_sec"));
  if (json_object_has_member (object_, "connected_clients"))
    g_string_append_printf (text, _(" · %lld clients"),
                            (long long) json_object_get_int_member (object_, "connected_clients"));
  if (json_object_has_member (object_, "evicted_keys"))
    g_string_append_printf (text, _(" · %lld evicted"),
                            (long long) json_object_get_int_member (object_, "evicted_keys"));
  gtk_label_set_text (self->stats_label, text->str);
  sn_cache_stats_add (self->stats_chart, object_);
}

static gboolean
refresh_stats (gpointer user_data)
{
  SnCacheView *self = user_data;

  if (self->backend != NULL && self->connected && gtk_widget_get_mapped (GTK_WIDGET (self)))
    sn_cache_stats_async (self->backend, NULL, stats_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/* ---- lazy columns for the visible rows ------------------------------------------ */

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static gboolean
load_visible (gpointer user_data)
{
  SnCacheView *self = user_data;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
  GListModel *shown = G_LIST_MODEL (self->selection);
  guint n = g_list_model_get_n_items (shown);
  double upper = gtk_adjustment_get_upper (adj);
  guint first, count;
  g_autoptr(GArray) positions = g_array_new (FALSE, FALSE, sizeof (guint));

  self->load_source = 0;
  if (n == 0 || self->keys == NULL)
    return G_SOURCE_REMOVE;

  first = upper > 0 ? (guint) (n * gtk_adjustment_get_value (adj) / upper) : 0;
  count = upper > 0 ? (guint) (n * gtk_adjustment_get_page_size (adj) / upper) + 8 : 40;
  count = MIN (MAX (count, 20), 200);

  for (guint i = first; i < n && i < first + count; i++)
    {
      g_autoptr(SnCacheKey) key = g_list_model_get_item (shown, i);
      guint position = sn_cache_key_get_position (key);

      if (sn_cache_key_get_key_type (key) == SN_KEY_TYPE_UNKNOWN)
        g_array_append_val (positions, position);
    }
  g_array_sort (positions, compare_uint);

  /* contiguous runs, one pipelined round trip each */
  for (guint i = 0; i < positions->len;)
    {
      guint start = g_array_index (positions, guint, i), j = i + 1;

      while (j < positions->len && g_array_index (positions, guint, j) == start + (j - i))
        j++;
      sn_key_model_load_range (self->keys, start, j - i);
      i = j;
    }
  return G_SOURCE_REMOVE;
}

static void
schedule_load (SnCacheView *self)
{
  if (self->load_source == 0)
    self->load_source = g_timeout_add (80, load_visible, self);
}

/* ---- scanning ---------------------------------------------------------------- */

static void
scan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sn_key_model_scan_finish (SN_KEY_MODEL (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* A newer pattern replaced this scan: nothing to say. */
          if (!sn_key_model_get_scanning (SN_KEY_MODEL (object)))
            toast (self, _("Scan stopped: the keys found so far stay listed."));
        }
      else
        {
          g_autofree char *text = g_strdup_printf (_("The scan stopped: %s"), error->message);

          toast (self, text);
          if (g_list_model_get_n_items (G_LIST_MODEL (object)) == 0)
            show_error (self, error);
        }
    }
  update_state (self);
  schedule_load (self);
}

static const char *
current_pattern (SnCacheView *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->pattern_entry));

  return text != NULL && *text != '\0' ? text : "*";
}

static void
start_scan (SnCacheView *self)
{
  if (self->backend == NULL || !self->connected)
    return;

  /* Enter, F5, a family or the debounce: one scan, the newest pattern. */
  g_clear_handle_id (&self->typing_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  sn_key_model_scan_async (self->keys, self->backend, current_pattern (self), 1000, self->cancellable,
                           scan_cb, g_object_ref (self));
  update_state (self);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;

  if (SN_CACHE_BACKEND (object) != self->backend)
    return;
  self->connecting = FALSE;
  if (!sn_cache_backend_connect_finish (SN_CACHE_BACKEND (object), result, &error))
    {
      gtk_label_set_text (self->backend_label, _("Not connected"));
      show_error (self, error);
      update_state (self);
      return;
    }

  self->connected = TRUE;
  description = sn_cache_backend_describe (self->backend);
  gtk_label_set_text (self->backend_label, description);
  refresh_stats (self);
  start_scan (self);
}

static void
disconnect_backend (SnCacheView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->details_cancellable);
  if (self->backend != NULL)
    sn_cache_backend_disconnect (self->backend);
  g_clear_object (&self->backend);
  g_clear_pointer (&self->details, sn_cache_key_details_free);
  self->connected = FALSE;
  self->connecting = FALSE;
}

static void
connect_backend (SnCacheView *self)
{
  g_autoptr(GError) error = NULL;

  disconnect_backend (self);
  sn_key_model_clear (self->keys);
  gtk_label_set_text (self->stats_label, "");
  sn_cache_stats_clear (self->stats_chart);
  if (self->profile == NULL)
    {
      update_state (self);
      return;
    }

  if (!(self->backend = sn_cache_backend_new_for_profile (self->profile, NULL, &error)))
    {
      show_error (self, error);
      update_state (self);
      return;
    }

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->connecting = TRUE;
  gtk_label_set_text (self->backend_label, _("Connecting…"));
  sn_cache_backend_connect_async (self->backend, self->cancellable, connect_cb, g_object_ref (self));
  update_state (self);
}

/* ---- details ------------------------------------------------------------------- */

static void
show_details (SnCacheView *self)
{
  SnCacheKeyDetails *d = self->details;
  g_autoptr(GString) meta = g_string_new (NULL);

  gtk_label_set_text (self->details_title, d->key);
  gtk_widget_add_css_class (GTK_WIDGET (self->details_title), "sn-data");
  if (d->type == SN_KEY_TYPE_NONE)
    {
      gtk_label_set_text (self->details_meta, _("This key no longer exists (it expired or was deleted)."));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->value_view), "", -1);
      gtk_widget_set_visible (GTK_WIDGET (self->truncated_label), FALSE);
      return;
    }

  g_string_append_printf (meta, _("Type %s"), sn_key_type_to_string (d->type));
  g_string_append (meta, " · ");
  if (d->ttl_ms == -1)
    g_string_append (meta, _("no expiry"));
  else
    g_string_append_printf (meta, _("expires in %.1f s"), d->ttl_ms / 1000.0);
  g_string_append (meta, " · ");
  g_string_append_printf (meta, d->type == SN_KEY_TYPE_STRING ? _("%lld bytes")
                                                              : _("%lld items"), (long long) d->length);
  if (d->memory >= 0)
    {
      g_autofree char *size = g_format_size (d->memory);

      g_string_append_printf (meta, _(" · %s in memory"), size);
    }
  if (d->is_json)
    g_string_append (meta, _(" · JSON"));
  gtk_label_set_text (self->details_meta, meta->str);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->value_view), d->text, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->truncated_label), d->truncated);
}

static void
details_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(GError) error = NULL;
  SnCacheKeyDetails *details;

  details = sn_cache_fetch_details_finish (SN_CACHE_BACKEND (object), result, &error);
  if (details == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->reading = FALSE;
          gtk_label_set_text (self->details_meta, error->message);
        }
      return;
    }
  self->reading = FALSE;
  g_clear_pointer (&self->details, sn_cache_key_details_free);
  self->details = details;
  show_details (self);
  update_state (self);
}

static void
read_details (SnCacheView *self,
              const char  *key)
{
  g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->details_cancellable);
  self->details_cancellable = g_cancellable_new ();
  self->reading = TRUE;
  gtk_label_set_text (self->details_title, key);
  gtk_widget_add_css_class (GTK_WIDGET (self->details_title), "sn-data");
  gtk_label_set_text (self->details_meta, _("Reading…"));
  sn_cache_fetch_details_async (self->backend, key, DETAILS_BYTES,
                                self->details_cancellable, details_cb, g_object_ref (self));
}

static void
selection_changed_cb (SnCacheView *self)
{
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(SnCacheKey) key = NULL;

  update_state (self);
  if (gtk_bitset_is_empty (set) || self->backend == NULL || !self->connected)
    return;

  key = g_list_model_get_item (G_LIST_MODEL (self->selection), gtk_bitset_get_minimum (set));
  if (key == NULL)
    return;
  read_details (self, sn_cache_key_get_key (key));
}

static void
reread_details (SnCacheView *self)
{
  g_autofree char *key = NULL;

  if (self->details == NULL || self->backend == NULL || !self->connected)
    return;
  key = g_strdup (self->details->key);
  read_details (self, key);
}

static void
full_value_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(JsonNode) value = NULL;
  g_autoptr(GError) error = NULL;

  value = sn_cache_backend_command_finish (SN_CACHE_BACKEND (object), result, &error);
  if (value == NULL || sn_cache_reply_get_string (value) == NULL)
    {
      toast (self, error != NULL ? error->message : _("The key no longer holds a string value."));
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), sn_cache_reply_get_string (value));
  toast (self, _("Whole value copied."));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SnCacheView *self = SN_CACHE_VIEW (widget);

  if (self->details == NULL)
    return;

  if (self->details->truncated && self->details->type == SN_KEY_TYPE_STRING)
    {
      const char *argv[] = { "GET", self->details->key, NULL };

      sn_cache_backend_command_async (self->backend, argv, NULL, full_value_cb, g_object_ref (self));
      return;
    }
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->details->text);
  toast (self, self->details->truncated ? _("Copied what is shown (the first items).") : _("Value copied."));
}

/* ---- TTL (admin) ------------------------------------------------------------------ */

static void
ttl_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sn_cache_set_ttl_finish (SN_CACHE_BACKEND (object), result, &error))
    {
      toast (self, error->message);
      return;
    }
  toast (self, _("Time to live changed."));
  reread_details (self);
}

static void
ttl_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 SnCacheView      *self)
{
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "spin");
  GtkCheckButton *persist = g_object_get_data (G_OBJECT (dialog), "persist");
  const char *key = g_object_get_data (G_OBJECT (dialog), "key");
  gint64 seconds;

  if (g_strcmp0 (response, "set") != 0 || self->backend == NULL || !can_edit_ttl (self))
    return;
  seconds = gtk_check_button_get_active (persist) ? SN_CACHE_TTL_PERSIST
                                                  : (gint64) gtk_spin_button_get_value_as_int (spin);
  sn_cache_set_ttl_async (self->backend, key, seconds, NULL, ttl_cb, g_object_ref (self));
}

static void
persist_toggled_cb (GtkCheckButton *persist,
                    GtkWidget      *spin)
{
  gtk_widget_set_sensitive (spin, !gtk_check_button_get_active (persist));
}

static void
edit_ttl_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnCacheView *self = SN_CACHE_VIEW (widget);
  AdwMessageDialog *dialog;
  GtkWidget *box, *spin, *persist;
  g_autofree char *body = NULL;

  if (self->details == NULL || !can_edit_ttl (self))
    return;

  body = g_strdup_printf (_("How long “%s” lives from now, in seconds (EXPIRE), or no expiry at all "
                            "(PERSIST). Audited."), self->details->key);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (self), _("Edit Time to Live"), body));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  spin = gtk_spin_button_new_with_range (1, G_MAXINT32, 1);
  gtk_widget_set_name (spin, "cache-ttl-seconds");
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Time to live in seconds"), -1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin),
                             self->details->ttl_ms > 0 ? (double) ((self->details->ttl_ms + 999) / 1000) : 3600);
  persist = gtk_check_button_new_with_mnemonic (_("_No expiry (keep the key for good)"));
  gtk_widget_set_name (persist, "cache-ttl-persist");
  g_signal_connect (persist, "toggled", G_CALLBACK (persist_toggled_cb), spin);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (persist), self->details->ttl_ms == -1);
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), persist);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "set", _("_Set"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "set", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "set");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "spin", spin);
  g_object_set_data (G_OBJECT (dialog), "persist", persist);
  g_object_set_data_full (G_OBJECT (dialog), "key", g_strdup (self->details->key), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (ttl_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- deletes ---------------------------------------------------------------------- */

typedef struct
{
  SnCacheView *self;   /* weak: the main-context update checks it */
  guint64      done;
  guint64      total;
} Progress;

static gboolean
progress_idle (gpointer data)
{
  Progress *p = data;

  if (p->self != NULL && p->self->deleting)
    {
      g_autofree char *text = g_strdup_printf (_("Deleting… %llu of %llu keys"),
                                               (unsigned long long) p->done, (unsigned long long) p->total);

      gtk_label_set_text (p->self->count_label, text);
    }
  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *p = data;

  g_clear_weak_pointer (&p->self);
  g_free (p);
}

static void
on_delete_progress (guint64  done,
                    guint64  total,
                    gpointer user_data)
{
  Progress *shared = user_data;
  Progress *p = g_new0 (Progress, 1);

  g_set_weak_pointer (&p->self, shared->self);
  p->done = done;
  p->total = total;
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, progress_idle, p, progress_free);
}

static void
delete_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keys = g_object_steal_data (G_OBJECT (result), "keys");
  guint64 deleted = 0;
  g_autofree char *text = NULL;

  self->deleting = FALSE;
  if (!sn_cache_delete_keys_finish (SN_CACHE_BACKEND (object), result, &deleted, &error))
    text = g_strdup_printf (_("Stopped after %llu keys: %s"), (unsigned long long) deleted, error->message);
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GUINT64_FORMAT " key deleted",
                                         "%" G_GUINT64_FORMAT " keys deleted", deleted), deleted);
  toast (self, text);

  /* What is gone leaves the list: deleted all when it succeeded; else scan again. */
  if (error == NULL && keys != NULL)
    sn_key_model_remove_keys (self->keys, keys);
  else
    start_scan (self);
  update_state (self);
}

static void
start_delete (SnCacheView *self,
              GPtrArray   *keys)
{
  Progress *shared = g_new0 (Progress, 1);

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->deleting = TRUE;
  g_set_weak_pointer (&shared->self, self);
  g_object_set_data_full (G_OBJECT (self), "sn-delete-keys", g_ptr_array_ref (keys),
                          (GDestroyNotify) g_ptr_array_unref);
  sn_cache_delete_keys_async (self->backend, keys, on_delete_progress, shared, progress_free,
                              self->cancellable, delete_cb, g_object_ref (self));
  update_state (self);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SnCacheView      *self)
{
  GPtrArray *keys = g_object_get_data (G_OBJECT (dialog), "keys");

  if (g_strcmp0 (response, "delete") == 0 && keys != NULL)
    start_delete (self, keys);
}

/* The exact list, counted and named, before anything goes. */
static void
confirm_delete (SnCacheView *self,
                GPtrArray   *keys,
                const char  *what)
{
  g_autoptr(GString) body = g_string_new (NULL);
  g_autofree char *heading = NULL;
  AdwMessageDialog *dialog;

  if (keys->len == 0)
    {
      toast (self, _("No key matches: nothing to delete."));
      return;
    }

  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Delete %u key?", "Delete %u keys?", keys->len),
                             keys->len);
  g_string_append_printf (body, "%s\n\n", what);
  for (guint i = 0; i < keys->len && i < SAMPLE; i++)
    g_string_append_printf (body, "%s\n", (const char *) keys->pdata[i]);
  if (keys->len > SAMPLE)
    g_string_append_printf (body, _("… and %u more\n"), keys->len - SAMPLE);
  g_string_append (body, _("\nExactly these keys are deleted, in batches that do not block the cache. "
                           "The app rebuilds what it needs."));

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (self), heading, body->str));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "keys", g_ptr_array_ref (keys), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
delete_selected_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  SnCacheView *self = SN_CACHE_VIEW (widget);
  g_autoptr(GtkBitset) set = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->selection));
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GtkBitsetIter iter;
  guint position;

  if (!can_change (self))
    return;
  for (gboolean ok = gtk_bitset_iter_init_first (&iter, set, &position); ok;
       ok = gtk_bitset_iter_next (&iter, &position))
    {
      g_autoptr(SnCacheKey) key = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

      g_ptr_array_add (keys, g_strdup (sn_cache_key_get_key (key)));
    }
  confirm_delete (self, keys, _("The selected keys:"));
}

static void
preview_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *keys = sn_cache_preview_sync (SN_CACHE_BACKEND (source), task_data, cancellable, &error);

  if (keys == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, keys, (GDestroyNotify) g_ptr_array_unref);
}

static void
preview_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SnCacheView) self = user_data;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *what = NULL;

  self->deleting = FALSE;
  keys = g_task_propagate_pointer (G_TASK (result), &error);
  update_state (self);
  if (keys == NULL)
    {
      toast (self, error->message);
      return;
    }
  what = g_strdup_printf (_("Every key matching %s, counted just now:"),
                          (const char *) g_task_get_task_data (G_TASK (result)));
  confirm_delete (self, keys, what);
}

static void
delete_matching_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  SnCacheView *self = SN_CACHE_VIEW (widget);
  g_autoptr(GTask) task = NULL;

  if (!can_change (self) || self->backend == NULL)
    return;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->deleting = TRUE;   /* busy: Cancel stops the count */
  gtk_label_set_text (self->count_label, _("Counting the matching keys…"));
  task = g_task_new (self->backend, self->cancellable, preview_cb, g_object_ref (self));
  g_task_set_task_data (task, g_strdup (current_pattern (self)), g_free);
  g_task_run_in_thread (task, preview_thread);
  update_state (self);
}

static void
open_runbook (SnCacheView *self,
              const char  *id)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  SnRunbook *runbook;

  if (self->profile == NULL)
    return;
  if (!sn_runbook_catalog_load (catalog, &error) || (runbook = sn_runbook_catalog_lookup (catalog, id)) == NULL)
    {
      toast (self, error != NULL ? error->message : _("The runbook is missing from this build."));
      return;
    }
  gtk_window_present (GTK_WINDOW (sn_runbook_wizard_new (parent_window (self), runbook, self->profile)));
}

static void
invalidate_date_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  if (can_change (SN_CACHE_VIEW (widget)))
    open_runbook (SN_CACHE_VIEW (widget), "cache-invalidate-date");
}

static void
flush_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  if (can_change (SN_CACHE_VIEW (widget)))
    open_runbook (SN_CACHE_VIEW (widget), "cache-flush");
}

/* ---- the other actions ------------------------------------------------------------- */

static void
scan_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  start_scan (SN_CACHE_VIEW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  g_cancellable_cancel (SN_CACHE_VIEW (widget)->cancellable);
}

static void
reconnect_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  connect_backend (SN_CACHE_VIEW (widget));
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnCacheView *self = SN_CACHE_VIEW (widget);

  if (self->connected)
    {
      refresh_stats (self);
      start_scan (self);
    }
  else
    connect_backend (self);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  gtk_widget_grab_focus (GTK_WIDGET (SN_CACHE_VIEW (widget)->pattern_entry));
}

static void
family_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnCacheView *self = SN_CACHE_VIEW (widget);

  gtk_editable_set_text (GTK_EDITABLE (self->pattern_entry), g_variant_get_string (param, NULL));
  start_scan (self);
}

static void
pattern_activate_cb (SnCacheView *self)
{
  start_scan (self);
}

static gboolean
typing_done (gpointer user_data)
{
  SnCacheView *self = user_data;

  self->typing_source = 0;
  start_scan (self);
  return G_SOURCE_REMOVE;
}

/* Typing restarts the scan once the pattern rests for a moment: the count
 * then rises live as the pages come in. */
static void
pattern_changed_cb (SnCacheView *self)
{
  if (self->backend == NULL || !self->connected || self->deleting)
    return;
  g_clear_handle_id (&self->typing_source, g_source_remove);
  self->typing_source = g_timeout_add (TYPING_DEBOUNCE_MS, typing_done, self);
}

static void
keys_changed_cb (SnCacheView *self)
{
  update_state (self);
  schedule_load (self);
}

/* ---- GObject --------------------------------------------------------------------- */

static void
sn_cache_view_map (GtkWidget *widget)
{
  SnCacheView *self = SN_CACHE_VIEW (widget);

  GTK_WIDGET_CLASS (sn_cache_view_parent_class)->map (widget);
  if (self->profile != NULL && self->backend == NULL)
    connect_backend (self);
}

static void
sn_cache_view_dispose (GObject *object)
{
  SnCacheView *self = SN_CACHE_VIEW (object);

  if (self->family_list != NULL)
    g_signal_handlers_disconnect_by_data (self->family_list, self);
  if (self->filter_model != NULL)
    g_signal_handlers_disconnect_by_data (self->filter_model, self);
  disconnect_backend (self);
  g_clear_handle_id (&self->stats_source, g_source_remove);
  g_clear_handle_id (&self->typing_source, g_source_remove);
  g_clear_handle_id (&self->load_source, g_source_remove);
  g_clear_object (&self->family_filter);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_CACHE_VIEW);
  g_clear_object (&self->keys);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->details_cancellable);

  G_OBJECT_CLASS (sn_cache_view_parent_class)->dispose (object);
}

static void
sn_cache_view_finalize (GObject *object)
{
  g_clear_object (&SN_CACHE_VIEW (object)->profile);

  G_OBJECT_CLASS (sn_cache_view_parent_class)->finalize (object);
}

static void
sn_cache_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, SN_CACHE_VIEW (object)->profile);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_cache_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_cache_view_set_profile (SN_CACHE_VIEW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_cache_view_class_init (SnCacheViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_cache_view_dispose;
  object_class->finalize = sn_cache_view_finalize;
  object_class->get_property = sn_cache_view_get_property;
  object_class->set_property = sn_cache_view_set_property;
  widget_class->map = sn_cache_view_map;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SN_TYPE_CACHE_KEY);
  g_type_ensure (SN_TYPE_CACHE_STATS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-cache-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, backend_label);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, stats_label);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, stats_chart);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, pattern_entry);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, changes_button);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, count_label);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, filter_model);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, selection);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, scroller);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, family_list);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, every_filter);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, details_title);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, details_meta);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, value_view);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, truncated_label);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, delete_button);
  gtk_widget_class_bind_template_child (widget_class, SnCacheView, ttl_button);
  gtk_widget_class_bind_template_callback (widget_class, pattern_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, pattern_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, selection_changed_cb);

  gtk_widget_class_install_action (widget_class, "cache.scan", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "cache.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "cache.reconnect", NULL, reconnect_action);
  gtk_widget_class_install_action (widget_class, "cache.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "cache.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "cache.family", "s", family_action);
  gtk_widget_class_install_action (widget_class, "cache.delete-selected", NULL, delete_selected_action);
  gtk_widget_class_install_action (widget_class, "cache.delete-matching", NULL, delete_matching_action);
  gtk_widget_class_install_action (widget_class, "cache.invalidate-date", NULL, invalidate_date_action);
  gtk_widget_class_install_action (widget_class, "cache.flush", NULL, flush_action);
  gtk_widget_class_install_action (widget_class, "cache.edit-ttl", NULL, edit_ttl_action);
  gtk_widget_class_install_action (widget_class, "view.refresh", NULL, refresh_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "cache.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "cache.scan", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "cache.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "cache.delete-selected", NULL);

  gtk_widget_class_set_css_name (widget_class, "cache-view");
}

static void
sn_cache_view_init (SnCacheView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->keys = sn_key_model_new ();
  gtk_filter_list_model_set_model (self->filter_model, G_LIST_MODEL (self->keys));
  build_family_list (self);
  g_signal_connect_object (self->keys, "notify::n-items", G_CALLBACK (keys_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->keys, "notify::scanning", G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->scroller), "value-changed",
                           G_CALLBACK (schedule_load), self, G_CONNECT_SWAPPED);
  self->stats_source = g_timeout_add_seconds (STATS_PERIOD_S, refresh_stats, self);
  gtk_stack_set_visible_child_name (self->list_stack, "empty");
  update_state (self);
}

GtkWidget *
sn_cache_view_new (void)
{
  return g_object_new (SN_TYPE_CACHE_VIEW, NULL);
}

SnProfile *
sn_cache_view_get_profile (SnCacheView *self)
{
  g_return_val_if_fail (SN_IS_CACHE_VIEW (self), NULL);

  return self->profile;
}

void
sn_cache_view_set_profile (SnCacheView *self,
                           SnProfile   *profile)
{
  g_return_if_fail (SN_IS_CACHE_VIEW (self));

  if (!g_set_object (&self->profile, profile))
    return;
  /* Connect when shown: a window that never opens the view opens no tunnel. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    connect_backend (self);
  else
    {
      disconnect_backend (self);
      sn_key_model_clear (self->keys);
      gtk_label_set_text (self->backend_label, _("Not connected"));
      update_state (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnKeyModel *
sn_cache_view_get_keys (SnCacheView *self)
{
  g_return_val_if_fail (SN_IS_CACHE_VIEW (self), NULL);

  return self->keys;
}

gboolean
sn_cache_view_get_busy (SnCacheView *self)
{
  g_return_val_if_fail (SN_IS_CACHE_VIEW (self), FALSE);

  return self->connecting || self->deleting || self->reading || sn_key_model_get_scanning (self->keys);
}

void
sn_cache_view_scan (SnCacheView *self,
                    const char  *pattern)
{
  g_return_if_fail (SN_IS_CACHE_VIEW (self));

  gtk_editable_set_text (GTK_EDITABLE (self->pattern_entry), pattern);
  g_signal_emit_by_name (self->pattern_entry, "activate");
}

gboolean
sn_cache_view_select_key (SnCacheView *self,
                          const char  *key)
{
  GListModel *shown = G_LIST_MODEL (self->selection);

  g_return_val_if_fail (SN_IS_CACHE_VIEW (self), FALSE);

  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(SnCacheKey) item = g_list_model_get_item (shown, i);

      if (g_strcmp0 (sn_cache_key_get_key (item), key) == 0)
        return gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), i, TRUE);
    }
  return FALSE;
}

char *
sn_cache_view_dup_value_text (SnCacheView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->value_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}
