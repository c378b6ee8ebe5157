/* sn-area-page.c: a page of an area that reads from the profile's server
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-area-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-area-page.h"
#include "sn-runbook-catalog.h"

/*
 * What every page of the Maintenance, Scaling and Deployments areas did by
 * hand: on the profile and the window's connection (SnAreaView), it
 * refreshes by connecting, then calling its class's load() (one service call, or a GTask
 * over several) with a cancellable that the next refresh, a new profile or
 * connection, Cancel and dispose cancel. A stale or cancelled load is
 * dropped before load_finish(), so a page never shows another profile's data.
 *
 * The states are the subclass's own template children, given with
 * sn_area_page_set_states(): a GtkStack with "empty", "loading", "content"
 * and "error" pages, the spinner of "loading" and the AdwStatusPage of
 * "error". A page without a stack (the Environment and Login Secret forms)
 * overrides show_error() and cancelled().
 *
 * sn_area_page_open_runbook() opens a runbook in the wizard for the page's
 * profile, and reads the page again when the wizard is done.
 *
 * Actions: "page.refresh" and "page.cancel" (Escape). Mapping a page without
 * content loads it; with sn_area_page_set_refresh_interval() it also reloads
 * itself, in place, while it is mapped: the next load is scheduled when one
 * succeeds, so two never overlap and a failed one waits for the operator.
 */

typedef struct
{
  GCancellable  *cancellable;
  GDateTime     *updated;
  GtkWidget     *wizard;          /* weak pointer */
  gboolean       busy;
  guint          refresh_interval;
  guint          refresh_source;

  /* The subclass's template children (not owned) */
  GtkStack      *stack;
  GtkSpinner    *spinner;
  AdwStatusPage *error_page;
} SnAreaPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SnAreaPage, sn_area_page, SN_TYPE_AREA_VIEW)

enum
{
  PROP_0,
  PROP_BUSY,
  PROP_REFRESH_INTERVAL,
  PROP_UPDATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_state (SnAreaPage *self,
            const char *name)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  if (priv->stack != NULL)
    gtk_stack_set_visible_child_name (priv->stack, name);
}

static gboolean
has_content (SnAreaPage *self)
{
  SnAreaPageClass *klass = SN_AREA_PAGE_GET_CLASS (self);

  return klass->has_content != NULL && klass->has_content (self);
}

/**
 * sn_area_page_may_change:
 *
 * Whether the profile may change the server (operator and up): what the
 * pages show their change buttons for. Core refuses the rest anyway.
 */
gboolean
sn_area_page_may_change (SnAreaPage *self)
{
  SnProfile *profile = sn_area_page_get_profile (self);

  g_return_val_if_fail (SN_IS_AREA_PAGE (self), FALSE);
  return profile != NULL && sn_profile_get_safety_level (profile) >= SN_SAFETY_LEVEL_OPERATOR;
}

void
sn_area_page_update_actions (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);
  SnAreaPageClass *klass = SN_AREA_PAGE_GET_CLASS (self);

  g_return_if_fail (SN_IS_AREA_PAGE (self));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.refresh",
                                 sn_area_page_get_profile (self) != NULL && sn_area_page_get_connection (self) != NULL &&
                                 !priv->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.cancel", priv->busy);
  if (klass->update_actions != NULL)
    klass->update_actions (self);
}

/* Auto-refresh --------------------------------------------------------------- */

static void
unschedule (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_clear_handle_id (&priv->refresh_source, g_source_remove);
}

static gboolean
refresh_tick_cb (gpointer user_data)
{
  SnAreaPage *self = user_data;
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  priv->refresh_source = 0;
  sn_area_page_refresh (self);
  return G_SOURCE_REMOVE;
}

/* The next automatic load, an interval after the last that succeeded (at
 * once if that is past), while mapped and idle. */
static void
schedule (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);
  g_autoptr(GDateTime) now = NULL;
  gint64 due_ms;

  unschedule (self);
  if (priv->refresh_interval == 0 || priv->updated == NULL || priv->busy ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  now = g_date_time_new_now_local ();
  due_ms = (gint64) priv->refresh_interval * 1000 - g_date_time_difference (now, priv->updated) / 1000;
  priv->refresh_source = g_timeout_add ((guint) CLAMP (due_ms, 0, (gint64) priv->refresh_interval * 1000),
                                        refresh_tick_cb, self);
  g_source_set_name_by_id (priv->refresh_source, "[sn] area page refresh");
}

/* Loading -------------------------------------------------------------------- */

static void
set_busy (SnAreaPage *self,
          gboolean    busy)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  if (priv->busy == busy)
    return;
  priv->busy = busy;
  if (priv->spinner != NULL)
    gtk_spinner_set_spinning (priv->spinner, busy);
  sn_area_page_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
default_show_error (SnAreaPage   *self,
                    const GError *error)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  if (priv->error_page != NULL)
    adw_status_page_set_description (priv->error_page, error->message);
  show_state (self, "error");
}

/**
 * sn_area_page_show_error:
 *
 * Shows @error the page's way and ends the load (the page's own failures,
 * such as a missing runbook, go here too).
 */
void
sn_area_page_show_error (SnAreaPage   *self,
                         const GError *error)
{
  g_return_if_fail (SN_IS_AREA_PAGE (self));
  g_return_if_fail (error != NULL);

  SN_AREA_PAGE_GET_CLASS (self)->show_error (self, error);
  set_busy (self, FALSE);
}

/* One load: the page and its cancellable, to drop it once stale. */
typedef struct
{
  SnAreaPage   *self;
  GCancellable *cancellable;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_object_unref (load->cancellable);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

static gboolean
is_stale (Load *load)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (load->self);

  return load->cancellable != priv->cancellable || g_cancellable_is_cancelled (load->cancellable);
}

/* A load ended in @error: shown, unless the page has moved on. */
static void
load_failed (Load         *load,
             const GError *error)
{
  if (!is_stale (load) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sn_area_page_show_error (load->self, error);
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  SnAreaPage *self = load->self;
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);
  g_autoptr(GError) error = NULL;

  /* Dropped before load_finish(): a stale load never shows. */
  if (is_stale (load))
    return;
  if (!SN_AREA_PAGE_GET_CLASS (self)->load_finish (self, object, result, &error))
    {
      load_failed (load, error);
      return;
    }

  g_clear_pointer (&priv->updated, g_date_time_unref);
  priv->updated = g_date_time_new_now_local ();
  show_state (self, "content");
  set_busy (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED]);
  schedule (self);
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Load) load = user_data;
  SnAreaPage *self = load->self;
  GCancellable *cancellable = load->cancellable;
  SnConnection *connection = SN_CONNECTION (object);
  g_autoptr(GError) error = NULL;

  if (!sn_connection_connect_finish (connection, result, &error))
    {
      load_failed (load, error);
      return;
    }
  if (is_stale (load) || connection != sn_area_page_get_connection (self))
    return;
  /* The load owns its refs of the page and the cancellable until load_cb(). */
  SN_AREA_PAGE_GET_CLASS (self)->load (self, connection, cancellable, load_cb, g_steal_pointer (&load));
}

/**
 * sn_area_page_refresh:
 *
 * Reads the page's data again (nothing while a load runs; the "empty" page
 * without a profile or a connection).
 */
void
sn_area_page_refresh (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);
  Load *load;

  g_return_if_fail (SN_IS_AREA_PAGE (self));

  if (sn_area_page_get_profile (self) == NULL || sn_area_page_get_connection (self) == NULL)
    {
      show_state (self, "empty");
      return;
    }
  if (priv->busy)
    return;

  unschedule (self);
  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  if (!has_content (self) || (!SN_AREA_PAGE_GET_CLASS (self)->reload_in_place && priv->refresh_interval == 0))
    show_state (self, "loading");
  load = g_new0 (Load, 1);
  load->self = g_object_ref (self);
  load->cancellable = g_object_ref (priv->cancellable);
  sn_connection_connect_async (sn_area_page_get_connection (self), priv->cancellable, connect_cb, load);
}

static void
default_cancelled (SnAreaPage *self)
{
  show_state (self, has_content (self) ? "content" : "empty");
}

/**
 * sn_area_page_cancel:
 *
 * Cancels the running load and goes back to what was on show.
 */
void
sn_area_page_cancel (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_if_fail (SN_IS_AREA_PAGE (self));

  g_cancellable_cancel (priv->cancellable);
  set_busy (self, FALSE);
  SN_AREA_PAGE_GET_CLASS (self)->cancelled (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  sn_area_page_refresh (SN_AREA_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  sn_area_page_cancel (SN_AREA_PAGE (widget));
}

/* Profile and connection ------------------------------------------------------ */

static void
reset (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);
  SnAreaPageClass *klass = SN_AREA_PAGE_GET_CLASS (self);

  unschedule (self);
  g_cancellable_cancel (priv->cancellable);
  g_clear_pointer (&priv->updated, g_date_time_unref);
  if (klass->reset != NULL)
    klass->reset (self);
  set_busy (self, FALSE);
  sn_area_page_update_actions (self);
  show_state (self, "empty");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPDATED]);
}

/* SnAreaView: a new profile or connection, the data goes (and comes back if shown). */
static void
sn_area_page_changed (SnAreaView *view)
{
  SnAreaPage *self = SN_AREA_PAGE (view);

  reset (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && SN_AREA_PAGE_GET_CLASS (self)->refresh_on_map)
    sn_area_page_refresh (self);
}

void
sn_area_page_set_profile (SnAreaPage *self,
                          SnProfile  *profile)
{
  sn_area_view_set_profile (SN_AREA_VIEW (self), profile);
}

void
sn_area_page_set_connection (SnAreaPage   *self,
                             SnConnection *connection)
{
  sn_area_view_set_connection (SN_AREA_VIEW (self), connection);
}

SnProfile *
sn_area_page_get_profile (SnAreaPage *self)
{
  return sn_area_view_get_profile (SN_AREA_VIEW (self));
}

SnConnection *
sn_area_page_get_connection (SnAreaPage *self)
{
  return sn_area_view_get_connection (SN_AREA_VIEW (self));
}

gboolean
sn_area_page_get_busy (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_val_if_fail (SN_IS_AREA_PAGE (self), FALSE);
  return priv->busy;
}

GDateTime *
sn_area_page_get_updated (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_val_if_fail (SN_IS_AREA_PAGE (self), NULL);
  return priv->updated;
}

guint
sn_area_page_get_refresh_interval (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_val_if_fail (SN_IS_AREA_PAGE (self), 0);
  return priv->refresh_interval;
}

/**
 * sn_area_page_set_refresh_interval:
 * @seconds: between the end of a successful load and the next, 0 for never
 *
 * Makes the page reload itself, in place, while it is mapped.
 */
void
sn_area_page_set_refresh_interval (SnAreaPage *self,
                                   guint       seconds)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_if_fail (SN_IS_AREA_PAGE (self));

  if (priv->refresh_interval == seconds)
    return;
  priv->refresh_interval = seconds;
  schedule (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESH_INTERVAL]);
}

/**
 * sn_area_page_set_states:
 * @stack: (nullable): with "empty", "loading", "content" and "error" pages
 * @spinner: (nullable): spins while a load runs
 * @error_page: (nullable): its description shows a load's error
 *
 * Gives the page its template children, from the subclass's init.
 */
void
sn_area_page_set_states (SnAreaPage    *self,
                         GtkStack      *stack,
                         GtkSpinner    *spinner,
                         AdwStatusPage *error_page)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_if_fail (SN_IS_AREA_PAGE (self));

  priv->stack = stack;
  priv->spinner = spinner;
  priv->error_page = error_page;
  sn_area_page_update_actions (self);
}

/* The runbooks ----------------------------------------------------------------- */

/**
 * sn_area_page_track_wizard:
 *
 * Makes @wizard the page's (sn_area_page_get_wizard()) while it is open;
 * the page reads its data again when the wizard is done.
 */
void
sn_area_page_track_wizard (SnAreaPage      *self,
                           SnRunbookWizard *wizard)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_if_fail (SN_IS_AREA_PAGE (self));
  g_return_if_fail (SN_IS_RUNBOOK_WIZARD (wizard));

  g_signal_connect_object (wizard, "finished", G_CALLBACK (sn_area_page_refresh), self, G_CONNECT_SWAPPED);
  if (priv->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (priv->wizard), (gpointer *) &priv->wizard);
  priv->wizard = GTK_WIDGET (wizard);
  g_object_add_weak_pointer (G_OBJECT (priv->wizard), (gpointer *) &priv->wizard);
}

/**
 * sn_area_page_open_runbook:
 * @runbook_id: the runbook's id in the catalog
 *
 * Opens the wizard on @runbook_id for the page's profile, tracked as with
 * sn_area_page_track_wizard(); the caller sets its parameters and presents
 * it. The runbook and the runner refuse a profile below its level anyway.
 *
 * Returns: (transfer none) (nullable): the wizard, or %NULL with the error
 *   shown when this build lacks the runbook
 */
SnRunbookWizard *
sn_area_page_open_runbook (SnAreaPage *self,
                           const char *runbook_id)
{
  g_autoptr(SnRunbookCatalog) catalog = sn_runbook_catalog_new (NULL);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  SnRunbookWizard *wizard;
  SnRunbook *runbook;

  g_return_val_if_fail (SN_IS_AREA_PAGE (self), NULL);

  if (!sn_runbook_catalog_load (catalog, &error) ||
      (runbook = sn_runbook_catalog_lookup (catalog, runbook_id)) == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("The runbook is missing from this build."));
      sn_area_page_show_error (self, error);
      return NULL;
    }
  wizard = sn_runbook_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, runbook,
                                  sn_area_page_get_profile (self));
  sn_area_page_track_wizard (self, wizard);
  return wizard;
}

GtkWindow *
sn_area_page_get_wizard (SnAreaPage *self)
{
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  g_return_val_if_fail (SN_IS_AREA_PAGE (self), NULL);
  return priv->wizard != NULL ? GTK_WINDOW (priv->wizard) : NULL;
}

/* GtkWidget ------------------------------------------------------------------- */

static void
sn_area_page_map (GtkWidget *widget)
{
  SnAreaPage *self = SN_AREA_PAGE (widget);
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  GTK_WIDGET_CLASS (sn_area_page_parent_class)->map (widget);
  if (priv->busy)
    return;
  if (!has_content (self) && SN_AREA_PAGE_GET_CLASS (self)->refresh_on_map)
    sn_area_page_refresh (self);
  else
    schedule (self);
}

static void
sn_area_page_unmap (GtkWidget *widget)
{
  unschedule (SN_AREA_PAGE (widget));
  GTK_WIDGET_CLASS (sn_area_page_parent_class)->unmap (widget);
}

/* The subclass has disposed of its template (and the states) by now. */
static void
sn_area_page_dispose (GObject *object)
{
  SnAreaPage *self = SN_AREA_PAGE (object);
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  unschedule (self);
  g_cancellable_cancel (priv->cancellable);
  if (priv->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (priv->wizard), (gpointer *) &priv->wizard);
  priv->wizard = NULL;
  priv->stack = NULL;
  priv->spinner = NULL;
  priv->error_page = NULL;
  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->updated, g_date_time_unref);
  G_OBJECT_CLASS (sn_area_page_parent_class)->dispose (object);
}

static void
sn_area_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SnAreaPage *self = SN_AREA_PAGE (object);
  SnAreaPagePrivate *priv = sn_area_page_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_BUSY: g_value_set_boolean (value, priv->busy); break;
    case PROP_REFRESH_INTERVAL: g_value_set_uint (value, priv->refresh_interval); break;
    case PROP_UPDATED: g_value_set_boxed (value, priv->updated); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_area_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SnAreaPage *self = SN_AREA_PAGE (object);

  switch (prop_id)
    {
    case PROP_REFRESH_INTERVAL: sn_area_page_set_refresh_interval (self, g_value_get_uint (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_area_page_class_init (SnAreaPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_area_page_dispose;
  object_class->get_property = sn_area_page_get_property;
  object_class->set_property = sn_area_page_set_property;
  widget_class->map = sn_area_page_map;
  widget_class->unmap = sn_area_page_unmap;
  SN_AREA_VIEW_CLASS (klass)->changed = sn_area_page_changed;
  klass->show_error = default_show_error;
  klass->cancelled = default_cancelled;
  klass->refresh_on_map = TRUE;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REFRESH_INTERVAL] =
    g_param_spec_uint ("refresh-interval", NULL, NULL, 0, G_MAXUINT / 1000, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPDATED] =
    g_param_spec_boxed ("updated", NULL, NULL, G_TYPE_DATE_TIME, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "page.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "page.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "page.cancel", NULL);
}

static void
sn_area_page_init (SnAreaPage *self)
{
}
