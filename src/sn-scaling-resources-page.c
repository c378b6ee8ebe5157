/* sn-scaling-resources-page.c: the Scaling view's "Resources" page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-scaling-resources-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-runbook-catalog.h"
#include "sn-runbook-wizard.h"
#include "sn-scaling-resources-page.h"

/*
 * docker-compose.yml's resources per service as a form: what the file
 * says now, the new values, the check of them and the exact change to the
 * file as a unified diff, all computed by the core from the file read over
 * the connection (the runbook computes and checks it again when it runs).
 * Apply opens the runbook scaling-apply in the wizard. Only an operator
 * profile sees this page; the runbook refuses others in core anyway.
 */

struct _SnScalingResourcesPage
{
  SnAreaPage      parent_instance;

  SnComposeFile  *file;
  SnHostCapacity  capacity;
  GPtrArray      *resources;     /* SnServiceResources, in the combo's order */
  char           *nginx_text;    /* nginx.conf, for the upstream of a change of instances */
  GError         *nginx_error;   /* or why it could not be read */
  GCancellable   *nginx_cancellable;
  GtkWidget      *wizard;        /* weak pointer */
  gboolean        valid;

  GtkStack       *stack;
  GtkSpinner     *spinner;
  AdwStatusPage  *error_page;
  AdwComboRow    *service_row;
  GtkStringList  *services;
  AdwActionRow   *current_row;
  AdwActionRow   *capacity_row;
  AdwEntryRow    *cpus_row;
  AdwEntryRow    *memory_row;
  AdwEntryRow    *cpus_res_row;
  AdwEntryRow    *memory_res_row;
  AdwEntryRow    *replicas_row;
  GtkLabel       *validation_label;
  GtkTextView    *diff_view;
};

G_DEFINE_FINAL_TYPE (SnScalingResourcesPage, sn_scaling_resources_page, SN_TYPE_AREA_PAGE)

static gboolean
may_change (SnScalingResourcesPage *self)
{
  return sn_area_page_may_change (SN_AREA_PAGE (self));
}

static void
resources_page_update_actions (SnAreaPage *page)
{
  SnScalingResourcesPage *self = SN_SCALING_RESOURCES_PAGE (page);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling-resources.apply",
                                 !sn_area_page_get_busy (page) && self->valid && may_change (self));
  /* Only an operator profile sees the page. */
  gtk_widget_set_visible (GTK_WIDGET (self), may_change (self));
}

static void
update_actions (SnScalingResourcesPage *self)
{
  sn_area_page_update_actions (SN_AREA_PAGE (self));
}

static const char *
entry_or_null (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return text;
  return NULL;
}

static SnServiceResources *
selected_service (SnScalingResourcesPage *self)
{
  guint selected = adw_combo_row_get_selected (self->service_row);

  if (self->resources == NULL || selected >= self->resources->len)
    return NULL;
  return self->resources->pdata[selected];
}

static void
set_diff (SnScalingResourcesPage *self,
          const char             *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->diff_view), text, -1);
}

/* The check and the diff of what the form says now. */
static void
update_preview (SnScalingResourcesPage *self)
{
  SnServiceResources *service = selected_service (self);
  SnResourcesChange change = { NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *diff = NULL;
  g_autofree char *path = NULL;
  const char *replicas = entry_or_null (self->replicas_row);

  self->valid = FALSE;
  set_diff (self, "");
  gtk_widget_remove_css_class (GTK_WIDGET (self->validation_label), "error");
  if (service == NULL || self->file == NULL)
    {
      update_actions (self);
      return;
    }
  change.cpus_limit = entry_or_null (self->cpus_row);
  change.memory_limit = entry_or_null (self->memory_row);
  change.cpus_reservation = entry_or_null (self->cpus_res_row);
  change.memory_reservation = entry_or_null (self->memory_res_row);
  if (replicas != NULL)
    {
      guint64 value = 0;

      if (!g_ascii_string_to_unsigned (replicas, 10, 1, 1000, &value, NULL))
        {
          gtk_label_set_text (self->validation_label,
                              _("The number of instances is a whole number from 1."));
          gtk_widget_add_css_class (GTK_WIDGET (self->validation_label), "error");
          update_actions (self);
          return;
        }
      change.replicas = (int)value;
    }
  if (change.cpus_limit == NULL && change.memory_limit == NULL && change.cpus_reservation == NULL &&
      change.memory_reservation == NULL && change.replicas == 0)
    {
      gtk_label_set_text (self->validation_label,
                          _("Type a new value to see the change to docker-compose.yml."));
      update_actions (self);
      return;
    }

  text = sn_compose_file_apply (self->file, service->name, &change, &self->capacity, &error);
  if (text == NULL)
    {
      gtk_label_set_text (self->validation_label, error->message);
      gtk_widget_add_css_class (GTK_WIDGET (self->validation_label), "error");
      update_actions (self);
      return;
    }
  path = sn_scaling_dup_compose_path (sn_area_page_get_profile (SN_AREA_PAGE (self)));
  diff = sn_scaling_unified_diff (sn_compose_file_get_text (self->file), text, path, path);
  if (*diff == '\0')
    gtk_label_set_text (self->validation_label, _("docker-compose.yml already has these values."));
  else
    {
      gtk_label_set_text (self->validation_label,
                          _("Valid. Apply opens the runbook: backup, write, check, restart, "
                            "and the old file back if anything fails."));
      self->valid = TRUE;
    }
  if (change.replicas > 0 && (self->nginx_text != NULL || self->nginx_error != NULL))
    {
      /* the nginx part, in the same review: its diff, or why it is refused */
      SnProfile *profile = sn_area_page_get_profile (SN_AREA_PAGE (self));
      g_autofree char *nginx_new = NULL;
      g_autofree char *message = sn_scaling_nginx_preview (profile, self->file, self->nginx_text,
                                                           self->nginx_error, service->name,
                                                           (guint)change.replicas, &nginx_new);
      g_autofree char *nginx_path = sn_scaling_dup_nginx_path (profile);
      g_autofree char *nginx_diff = nginx_new != NULL
        ? sn_scaling_unified_diff (self->nginx_text, nginx_new, nginx_path, nginx_path) : g_strdup ("");
      char *both = g_strdup_printf ("%s\n# nginx: %s\n%s", diff, message, nginx_diff);

      g_free (diff);
      diff = both;
    }
  set_diff (self, diff);
  update_actions (self);
}

static void
read_nginx_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SnScalingResourcesPage) self = user_data;
  g_autoptr(GError) error = NULL;
  char *text = sn_scaling_read_nginx_finish (SN_HOST (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_free (self->nginx_text);
  g_clear_error (&self->nginx_error);
  self->nginx_text = text;
  self->nginx_error = g_steal_pointer (&error);
  update_preview (self);
}

static char *
cpus_text (double cpus)
{
  return cpus < 0 ? g_strdup (_("none")) : g_strdup_printf ("%g", cpus);
}

static void
show_service (SnScalingResourcesPage *self)
{
  SnServiceResources *r = selected_service (self);
  g_autofree char *c1 = NULL;
  g_autofree char *m1 = NULL;
  g_autofree char *c2 = NULL;
  g_autofree char *m2 = NULL;
  g_autofree char *text = NULL;

  if (r == NULL)
    return;
  c1 = cpus_text (r->cpus_limit);
  m1 = sn_scaling_format_memory (r->memory_limit);
  c2 = cpus_text (r->cpus_reservation);
  m2 = sn_scaling_format_memory (r->memory_reservation);
  /* Translators: a service's resources: CPU limit, memory limit, reservations, instances */
  text = g_strdup_printf (_("Limits: %s CPU, %s — reservations: %s CPU, %s — %d instance(s)"),
                          c1, m1, c2, m2, MAX (r->replicas, 1));
  adw_action_row_set_subtitle (self->current_row, text);
  update_preview (self);
}

static void
resources_page_load (SnAreaPage          *page,
                     SnConnection        *connection,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  sn_scaling_read_compose_async (sn_connection_get_host (connection), cancellable, callback, user_data);
}

static gboolean
resources_page_load_finish (SnAreaPage    *page,
                            GObject       *source,
                            GAsyncResult  *result,
                            GError       **error)
{
  SnScalingResourcesPage *self = SN_SCALING_RESOURCES_PAGE (page);
  g_autofree char *memory = NULL;
  g_autofree char *capacity = NULL;
  SnHostCapacity host_capacity = { 0 };
  SnComposeFile *file = sn_scaling_read_compose_finish (SN_HOST (source), result, &host_capacity, error);
  guint app = 0;

  if (file == NULL)
    return FALSE;
  self->capacity = host_capacity;
  g_clear_pointer (&self->file, sn_compose_file_free);
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  self->file = file;
  self->resources = sn_compose_file_list_services (file);
  gtk_string_list_splice (self->services, 0, g_list_model_get_n_items (G_LIST_MODEL (self->services)), NULL);
  for (guint i = 0; i < self->resources->len; i++)
    {
      const char *name = ((SnServiceResources *)self->resources->pdata[i])->name;

      gtk_string_list_append (self->services, name);
      if (g_str_equal (name, "app"))
        app = i;
    }
  memory = sn_scaling_format_memory ((gint64)self->capacity.memory);
  capacity = g_strdup_printf (_("%u CPUs, %s of memory"), self->capacity.cpus, memory);
  adw_action_row_set_subtitle (self->capacity_row, capacity);
  adw_combo_row_set_selected (self->service_row, app);
  show_service (self);
  /* nginx.conf follows, for the upstream of a change of instances. */
  g_cancellable_cancel (self->nginx_cancellable);
  g_clear_object (&self->nginx_cancellable);
  self->nginx_cancellable = g_cancellable_new ();
  sn_scaling_read_nginx_async (SN_HOST (source), self->nginx_cancellable, read_nginx_cb, g_object_ref (self));
  return TRUE;
}

static gboolean
resources_page_has_content (SnAreaPage *page)
{
  return SN_SCALING_RESOURCES_PAGE (page)->file != NULL;
}

/**
 * sn_scaling_resources_page_reload:
 *
 * Reads docker-compose.yml and the host's capacity again.
 */
void
sn_scaling_resources_page_reload (SnScalingResourcesPage *self)
{
  g_return_if_fail (SN_IS_SCALING_RESOURCES_PAGE (self));
  sn_area_page_refresh (SN_AREA_PAGE (self));
}

static void
wizard_finished_cb (SnScalingResourcesPage *self)
{
  /* Whatever happened, the file may have changed: read it again. */
  sn_scaling_resources_page_reload (self);
}

static void
apply_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SnScalingResourcesPage *self = SN_SCALING_RESOURCES_PAGE (widget);
  SnServiceResources *service = selected_service (self);
  g_autoptr(SnRunbookCatalog) catalog = NULL;
  SnRunbook *runbook;
  SnRunbookWizard *wizard;
  GtkRoot *root = gtk_widget_get_root (widget);
  const char *ids[] = { "cpus", "memory", "cpus-reservation", "memory-reservation", "replicas" };
  AdwEntryRow *rows[] = { self->cpus_row, self->memory_row, self->cpus_res_row, self->memory_res_row,
                          self->replicas_row };

  if (!self->valid || service == NULL || !may_change (self))
    return;
  catalog = sn_runbook_catalog_new (NULL);
  sn_runbook_catalog_load (catalog, NULL);
  if (!(runbook = sn_runbook_catalog_lookup (catalog, "scaling-apply")))
    return;

  wizard = sn_runbook_wizard_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, runbook,
                                  sn_area_page_get_profile (SN_AREA_PAGE (self)));
  sn_runbook_wizard_set_param (wizard, "service", service->name);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    sn_runbook_wizard_set_param (wizard, ids[i], entry_or_null (rows[i]) != NULL ? entry_or_null (rows[i]) : "");
  g_signal_connect_object (wizard, "finished", G_CALLBACK (wizard_finished_cb), self, G_CONNECT_SWAPPED);
  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *)&self->wizard);
  self->wizard = GTK_WIDGET (wizard);
  g_object_add_weak_pointer (G_OBJECT (self->wizard), (gpointer *)&self->wizard);
  gtk_window_present (GTK_WINDOW (wizard));
}

static void
resources_page_reset (SnAreaPage *page)
{
  SnScalingResourcesPage *self = SN_SCALING_RESOURCES_PAGE (page);

  g_clear_pointer (&self->file, sn_compose_file_free);
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  g_clear_pointer (&self->nginx_text, g_free);
  g_clear_error (&self->nginx_error);
  g_cancellable_cancel (self->nginx_cancellable);
  g_clear_object (&self->nginx_cancellable);
  self->valid = FALSE;
  gtk_string_list_splice (self->services, 0, g_list_model_get_n_items (G_LIST_MODEL (self->services)), NULL);
  set_diff (self, "");
}

void
sn_scaling_resources_page_set_profile (SnScalingResourcesPage *self,
                                       SnProfile              *profile)
{
  g_return_if_fail (SN_IS_SCALING_RESOURCES_PAGE (self));
  sn_area_page_set_profile (SN_AREA_PAGE (self), profile);
}

void
sn_scaling_resources_page_set_connection (SnScalingResourcesPage *self,
                                          SnConnection           *connection)
{
  g_return_if_fail (SN_IS_SCALING_RESOURCES_PAGE (self));
  sn_area_page_set_connection (SN_AREA_PAGE (self), connection);
}

static void
sn_scaling_resources_page_dispose (GObject *object)
{
  SnScalingResourcesPage *self = SN_SCALING_RESOURCES_PAGE (object);

  if (self->wizard != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->wizard), (gpointer *)&self->wizard);
  self->wizard = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_SCALING_RESOURCES_PAGE);
  g_clear_pointer (&self->file, sn_compose_file_free);
  g_clear_pointer (&self->resources, g_ptr_array_unref);
  g_clear_pointer (&self->nginx_text, g_free);
  g_clear_error (&self->nginx_error);
  g_cancellable_cancel (self->nginx_cancellable);
  g_clear_object (&self->nginx_cancellable);

  G_OBJECT_CLASS (sn_scaling_resources_page_parent_class)->dispose (object);
}

static void
sn_scaling_resources_page_class_init (SnScalingResourcesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_scaling_resources_page_dispose;
  page_class->load = resources_page_load;
  page_class->load_finish = resources_page_load_finish;
  page_class->reset = resources_page_reset;
  page_class->has_content = resources_page_has_content;
  page_class->update_actions = resources_page_update_actions;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-scaling-resources-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, service_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, services);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, current_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, capacity_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, cpus_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, memory_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, cpus_res_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, memory_res_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, replicas_row);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, validation_label);
  gtk_widget_class_bind_template_child (widget_class, SnScalingResourcesPage, diff_view);

  gtk_widget_class_install_action (widget_class, "scaling-resources.apply", NULL, apply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_A, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "scaling-resources.apply", NULL);

}

static void
sn_scaling_resources_page_init (SnScalingResourcesPage *self)
{
  AdwEntryRow *rows[5];

  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), self->stack, self->spinner, self->error_page);
  rows[0] = self->cpus_row;
  rows[1] = self->memory_row;
  rows[2] = self->cpus_res_row;
  rows[3] = self->memory_res_row;
  rows[4] = self->replicas_row;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    g_signal_connect_swapped (rows[i], "changed", G_CALLBACK (update_preview), self);
  g_signal_connect_swapped (self->service_row, "notify::selected", G_CALLBACK (show_service), self);
  /* The file's values, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->current_row), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Service resources"), -1);
}

GtkWidget *
sn_scaling_resources_page_new (void)
{
  return g_object_new (SN_TYPE_SCALING_RESOURCES_PAGE, NULL);
}

gboolean sn_scaling_resources_page_get_busy (SnScalingResourcesPage *self) { return sn_area_page_get_busy (SN_AREA_PAGE (self)); }
SnComposeFile *sn_scaling_resources_page_get_file (SnScalingResourcesPage *self) { return self->file; }

char *
sn_scaling_resources_page_dup_diff (SnScalingResourcesPage *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->diff_view);
  GtkTextIter start;
  GtkTextIter end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

GtkWindow *
sn_scaling_resources_page_get_wizard (SnScalingResourcesPage *self)
{
  return self->wizard != NULL ? GTK_WINDOW (self->wizard) : NULL;
}
