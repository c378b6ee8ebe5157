/* sn-deployments-view.c: the "Deployments" view
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-deployments-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-deployments-view.h"

/*
 * What runs on the profile's server and how to change it (runbook §2,
 * target-system.md §9): the deployed version (tag checked out, version the
 * site reports, age of the app's image), the release tags with the changelog
 * to the selected one, the deploy workflow's runs on GitHub; buttons open the
 * release, manual deploy and rollback runbooks in the one wizard. Everything
 * is read through SnDeployService over the window's connection; the profile's
 * level hides the buttons (the runbooks and the service refuse in core).
 */

struct _SnDeploymentsView
{
  SnAreaPage         parent_instance;

  SnDeployService   *service;
  GCancellable      *changelog_cancellable;
  SnDeployStatus    *status;
  GListModel        *tags;
  GListModel        *runs;

  /* Template children */
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkLabel          *level_label;
  AdwActionRow      *tag_row;
  AdwActionRow      *version_row;
  AdwActionRow      *image_row;
  GtkLabel          *warnings_label;
  GtkWidget         *actions_box;
  GtkWidget         *migration_button;
  GtkWidget         *release_button;
  GtkColumnView     *tags_view;
  GtkSingleSelection *tags_selection;
  GtkSortListModel  *tags_sort;
  GtkLabel          *tags_empty;
  GtkLabel          *changelog_title;
  GtkWidget         *changelog_frame;
  GListStore        *changelog;
  GtkSortListModel  *runs_sort;
  GtkLabel          *runs_status;
};

G_DEFINE_FINAL_TYPE (SnDeploymentsView, sn_deployments_view, SN_TYPE_AREA_PAGE)

static gboolean
may_change (SnDeploymentsView *self)
{
  return sn_area_page_may_change (SN_AREA_PAGE (self));
}

static gboolean
is_admin (SnDeploymentsView *self)
{
  SnProfile *profile = sn_area_page_get_profile (SN_AREA_PAGE (self));

  return profile != NULL && sn_profile_get_safety_level (profile) >= SN_SAFETY_LEVEL_ADMIN;
}

static void
deployments_update_actions (SnAreaPage *page)
{
  SnDeploymentsView *self = SN_DEPLOYMENTS_VIEW (page);
  gboolean busy = sn_area_page_get_busy (page);
  gboolean change = may_change (self) && !busy;

  if (self->tags_selection == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deployments.release", change && self->tags != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deployments.release-next", change && self->tags != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deployments.manual",
                                 change && gtk_single_selection_get_selected_item (self->tags_selection) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deployments.rollback", change && self->status != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "deployments.migration-rollback", change && is_admin (self));
  gtk_widget_set_visible (self->actions_box, may_change (self));
  gtk_widget_set_visible (self->migration_button, is_admin (self));
  gtk_widget_set_visible (GTK_WIDGET (self->level_label),
                          sn_area_page_get_profile (page) != NULL && !may_change (self));
}

static void
update_actions (SnDeploymentsView *self)
{
  sn_area_page_update_actions (SN_AREA_PAGE (self));
}

static void
show_status (SnDeploymentsView *self)
{
  SnDeployStatus *status = self->status;
  g_autofree char *tag_text = NULL;
  g_autofree char *version_text = NULL;
  g_autofree char *age = NULL;
  g_autofree char *image_text = NULL;
  g_autofree char *warnings = NULL;

  if (status == NULL)
    return;

  tag_text = g_strdup_printf ("%s — %.7s%s%s",
                              sn_deploy_status_get_tag (status) != NULL ? sn_deploy_status_get_tag (status)
                                                                        : _("no release tag"),
                              sn_deploy_status_get_commit (status),
                              sn_deploy_status_get_branch (status) != NULL ? _(", branch ") : _(", detached"),
                              sn_deploy_status_get_branch (status) != NULL ? sn_deploy_status_get_branch (status) : "");
  /* the commit's subject is git's text, in its authors' language */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->tag_row), sn_deploy_status_get_subject (status));
  adw_action_row_set_subtitle (self->tag_row, tag_text);

  version_text = g_strdup_printf (_("%s — %s"),
                                  sn_deploy_status_get_health_version (status) != NULL
                                  ? sn_deploy_status_get_health_version (status) : _("unknown"),
                                  sn_deploy_status_get_health_state (status) != NULL
                                  ? sn_deploy_status_get_health_state (status) : _("no answer"));
  adw_action_row_set_subtitle (self->version_row, version_text);

  age = sn_deploy_status_dup_image_age (status);
  /* Translators: %s is a duration such as "3 days" */
  image_text = age != NULL ? g_strdup_printf (_("%s ago"), age) : g_strdup (_("unknown"));
  adw_action_row_set_subtitle (self->image_row, image_text);

  warnings = g_strjoinv ("\n", (char **)sn_deploy_status_get_warnings (status));
  gtk_label_set_label (self->warnings_label, warnings);
  gtk_widget_set_visible (GTK_WIDGET (self->warnings_label), *warnings != '\0');
}

static void
show_tags (SnDeploymentsView *self)
{
  guint n = self->tags != NULL ? g_list_model_get_n_items (self->tags) : 0;

  gtk_sort_list_model_set_model (self->tags_sort, self->tags);
  gtk_widget_set_visible (GTK_WIDGET (self->tags_empty), n == 0);
  if (n == 0)
    gtk_label_set_label (self->tags_empty, _("The server’s checkout has no release tag."));
}

/* One reading: three calls in parallel, each shown when back. */
static gboolean
part_is_stale (GTask  *task,
               GObject *service)
{
  SnDeploymentsView *self = g_task_get_source_object (task);

  return g_cancellable_is_cancelled (g_task_get_cancellable (task)) || SN_DEPLOY_SERVICE (service) != self->service;
}

static void
part_done (GTask *task)
{
  guint pending = GPOINTER_TO_UINT (g_task_get_task_data (task)) - 1;

  g_task_set_task_data (task, GUINT_TO_POINTER (pending), NULL);
  if (pending == 0)
    g_task_return_boolean (task, TRUE);
}

static void
status_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDeploymentsView *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  SnDeployStatus *status = sn_deploy_service_status_finish (SN_DEPLOY_SERVICE (object), result, &error);

  if (part_is_stale (task, object))
    {
      g_clear_object (&status);
      part_done (task);
      return;
    }

  g_clear_object (&self->status);
  self->status = status;
  if (status != NULL)
    show_status (self);
  else
    {
      g_autofree char *text = g_strdup_printf (_("Not readable: %s"), error->message);

      adw_action_row_set_subtitle (self->tag_row, text);
      adw_action_row_set_subtitle (self->version_row, "");
      adw_action_row_set_subtitle (self->image_row, "");
    }
  part_done (task);
}

static void
tags_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDeploymentsView *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GListModel *tags = sn_deploy_service_list_tags_finish (SN_DEPLOY_SERVICE (object), result, &error);

  if (part_is_stale (task, object))
    {
      g_clear_object (&tags);
      part_done (task);
      return;
    }

  g_clear_object (&self->tags);
  self->tags = tags;
  show_tags (self);
  if (tags == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The tags cannot be read: %s"), error->message);

      gtk_label_set_label (self->tags_empty, text);
    }
  part_done (task);
}

static void
runs_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SnDeploymentsView *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GListModel *runs = sn_deploy_service_list_runs_finish (SN_DEPLOY_SERVICE (object), result, &error);

  if (part_is_stale (task, object))
    {
      g_clear_object (&runs);
      part_done (task);
      return;
    }

  g_clear_object (&self->runs);
  self->runs = runs;
  gtk_sort_list_model_set_model (self->runs_sort, runs);
  if (runs == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("GitHub cannot be read: %s"), error->message);

      gtk_label_set_label (self->runs_status, text);
    }
  else
    gtk_label_set_label (self->runs_status, _("The deploy workflow has not run yet."));
  gtk_widget_set_visible (GTK_WIDGET (self->runs_status), runs == NULL || g_list_model_get_n_items (runs) == 0);
  part_done (task);
}

static void
deployments_load (SnAreaPage          *page,
                  SnConnection        *connection,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  SnDeploymentsView *self = SN_DEPLOYMENTS_VIEW (page);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, deployments_load);
  g_task_set_task_data (task, GUINT_TO_POINTER (3), NULL);
  g_clear_object (&self->service);
  self->service = sn_deploy_service_new (sn_area_page_get_profile (page), sn_connection_get_host (connection));
  sn_deploy_service_status_async (self->service, cancellable, status_cb, g_object_ref (task));
  /* Fetching changes the checkout's refs: only a profile that may. */
  sn_deploy_service_list_tags_async (self->service, may_change (self), cancellable, tags_cb, g_object_ref (task));
  sn_deploy_service_list_runs_async (self->service, 10, cancellable, runs_cb, g_object_ref (task));
}

static gboolean
deployments_load_finish (SnAreaPage    *page,
                         GObject       *source,
                         GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
deployments_has_content (SnAreaPage *page)
{
  return SN_DEPLOYMENTS_VIEW (page)->status != NULL;
}

/* Changelog --------------------------------------------------------------- */

static void
changelog_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SnDeploymentsView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) log = sn_deploy_service_changelog_finish (SN_DEPLOY_SERVICE (object), result, &error);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (log == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The changes cannot be read: %s"), error->message);

      gtk_label_set_label (self->changelog_title, text);
      g_list_store_remove_all (self->changelog);
      gtk_widget_set_visible (self->changelog_frame, FALSE);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (log); i++)
    g_ptr_array_add (items, g_list_model_get_item (log, i));
  g_list_store_splice (self->changelog, 0, g_list_model_get_n_items (G_LIST_MODEL (self->changelog)),
                       items->pdata, items->len);
  gtk_widget_set_visible (self->changelog_frame, items->len > 0);
}

static void
selection_changed_cb (SnDeploymentsView *self)
{
  SnDeployCommit *selected = gtk_single_selection_get_selected_item (self->tags_selection);
  const char *deployed = self->status != NULL ? sn_deploy_status_get_tag (self->status) : NULL;
  const char *tag;
  g_autofree char *title = NULL;

  update_actions (self);
  g_cancellable_cancel (self->changelog_cancellable);
  g_clear_object (&self->changelog_cancellable);
  g_list_store_remove_all (self->changelog);
  gtk_widget_set_visible (self->changelog_frame, FALSE);

  if (selected == NULL || self->service == NULL)
    {
      gtk_label_set_label (self->changelog_title,
                           _("Select a tag to see what changes between it and the deployed version."));
      return;
    }

  tag = sn_deploy_commit_get_tag (selected);
  if (deployed == NULL || g_strcmp0 (deployed, tag) == 0)
    {
      gtk_label_set_label (self->changelog_title, deployed == NULL
                           ? _("The server is on no release tag: no changelog to show.")
                           : _("This is the deployed version."));
      return;
    }

  self->changelog_cancellable = g_cancellable_new ();
  if (sn_deploy_tag_compare (tag, deployed) < 0)
    {
      title = g_strdup_printf (_("Going back from %s to %s removes:"), deployed, tag);
      sn_deploy_service_changelog_async (self->service, tag, deployed, self->changelog_cancellable,
                                         changelog_cb, g_object_ref (self));
    }
  else
    {
      title = g_strdup_printf (_("From %s to %s:"), deployed, tag);
      sn_deploy_service_changelog_async (self->service, deployed, tag, self->changelog_cancellable,
                                         changelog_cb, g_object_ref (self));
    }
  gtk_label_set_label (self->changelog_title, title);
}

/* The runbooks ------------------------------------------------------------- */

static void follow_up_cb (SnDeploymentsView *self,
                          SnRunbookWizard   *wizard);

/* The page's wizard, and the rollback a failed release's result opens after it. */
static void
track_wizard (SnDeploymentsView *self,
              SnRunbookWizard   *wizard)
{
  sn_area_page_track_wizard (SN_AREA_PAGE (self), wizard);
  g_signal_connect_object (wizard, "follow-up", G_CALLBACK (follow_up_cb), self, G_CONNECT_SWAPPED);
}

static void
follow_up_cb (SnDeploymentsView *self,
              SnRunbookWizard   *wizard)
{
  track_wizard (self, wizard);
}

static void
open_wizard (SnDeploymentsView *self,
             const char        *runbook_id,
             const char        *tag)
{
  SnRunbookWizard *wizard;

  if (!may_change (self) || (wizard = sn_area_page_open_runbook (SN_AREA_PAGE (self), runbook_id)) == NULL)
    return;
  if (tag != NULL)
    sn_runbook_wizard_set_param (wizard, "tag", tag);
  g_signal_connect_object (wizard, "follow-up", G_CALLBACK (follow_up_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (wizard));
}

static char **
tag_names (GListModel *tags)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; tags != NULL && i < g_list_model_get_n_items (tags); i++)
    {
      g_autoptr(SnDeployCommit) tag = g_list_model_get_item (tags, i);

      g_ptr_array_add (names, g_strdup (sn_deploy_commit_get_tag (tag)));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static void
open_release (SnDeploymentsView *self,
              SnDeployBump       bump)
{
  g_auto(GStrv) names = tag_names (self->tags);
  g_autofree char *next = sn_deploy_next_tag ((const char * const *)names, bump);

  open_wizard (self, "release", next);
}

static void
release_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  open_release (SN_DEPLOYMENTS_VIEW (widget), SN_DEPLOY_BUMP_PATCH);
}

/* The menu's "patch", "minor" or "major": the tag suggested from the tags. */
static void
release_next_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  const char *kind = g_variant_get_string (param, NULL);

  open_release (SN_DEPLOYMENTS_VIEW (widget),
                g_str_equal (kind, "major") ? SN_DEPLOY_BUMP_MAJOR
                : g_str_equal (kind, "minor") ? SN_DEPLOY_BUMP_MINOR : SN_DEPLOY_BUMP_PATCH);
}

static void
manual_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnDeploymentsView *self = SN_DEPLOYMENTS_VIEW (widget);
  SnDeployCommit *selected = gtk_single_selection_get_selected_item (self->tags_selection);

  open_wizard (self, "deploy", selected != NULL ? sn_deploy_commit_get_tag (selected) : NULL);
}

/* The selected tag when it is older than the deployed one, else the tag
 * right before the deployed one. */
static void
rollback_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnDeploymentsView *self = SN_DEPLOYMENTS_VIEW (widget);
  SnDeployCommit *selected = gtk_single_selection_get_selected_item (self->tags_selection);
  const char *deployed = self->status != NULL ? sn_deploy_status_get_tag (self->status) : NULL;
  const char *target = NULL;

  if (selected != NULL && deployed != NULL &&
      sn_deploy_tag_compare (sn_deploy_commit_get_tag (selected), deployed) < 0)
    target = sn_deploy_commit_get_tag (selected);

  for (guint i = 0; target == NULL && deployed != NULL && self->tags != NULL &&
                    i < g_list_model_get_n_items (self->tags); i++)
    {
      g_autoptr(SnDeployCommit) tag = g_list_model_get_item (self->tags, i);

      if (sn_deploy_tag_is_valid (sn_deploy_commit_get_tag (tag), NULL) &&
          sn_deploy_tag_compare (sn_deploy_commit_get_tag (tag), deployed) < 0)
        {
          /* kept alive by self->tags */
          target = sn_deploy_commit_get_tag (tag);
        }
    }

  open_wizard (self, "rollback", target);
}

static void
migration_rollback_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  SnDeploymentsView *self = SN_DEPLOYMENTS_VIEW (widget);

  if (is_admin (self))
    open_wizard (self, "migration-rollback", NULL);
}

/* Profile and connection ---------------------------------------------------- */

static void
deployments_reset (SnAreaPage *page)
{
  SnDeploymentsView *self = SN_DEPLOYMENTS_VIEW (page);

  g_cancellable_cancel (self->changelog_cancellable);
  g_clear_object (&self->service);
  g_clear_object (&self->status);
  g_clear_object (&self->tags);
  g_clear_object (&self->runs);
  gtk_sort_list_model_set_model (self->tags_sort, NULL);
  gtk_sort_list_model_set_model (self->runs_sort, NULL);
  g_list_store_remove_all (self->changelog);
}

void
sn_deployments_view_set_profile (SnDeploymentsView *self,
                                 SnProfile         *profile)
{
  g_return_if_fail (SN_IS_DEPLOYMENTS_VIEW (self));
  sn_area_page_set_profile (SN_AREA_PAGE (self), profile);
}

void
sn_deployments_view_set_connection (SnDeploymentsView *self,
                                    SnConnection      *connection)
{
  g_return_if_fail (SN_IS_DEPLOYMENTS_VIEW (self));
  sn_area_page_set_connection (SN_AREA_PAGE (self), connection);
}

static void
sn_deployments_view_dispose (GObject *object)
{
  SnDeploymentsView *self = SN_DEPLOYMENTS_VIEW (object);

  g_cancellable_cancel (self->changelog_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_DEPLOYMENTS_VIEW);
  g_clear_object (&self->service);
  g_clear_object (&self->status);
  g_clear_object (&self->tags);
  g_clear_object (&self->runs);
  g_clear_object (&self->changelog_cancellable);

  G_OBJECT_CLASS (sn_deployments_view_parent_class)->dispose (object);
}

static void
sn_deployments_view_class_init (SnDeploymentsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SnAreaPageClass *page_class = SN_AREA_PAGE_CLASS (klass);

  object_class->dispose = sn_deployments_view_dispose;
  page_class->load = deployments_load;
  page_class->load_finish = deployments_load_finish;
  page_class->reset = deployments_reset;
  page_class->has_content = deployments_has_content;
  page_class->update_actions = deployments_update_actions;
  page_class->reload_in_place = TRUE;
  SN_AREA_VIEW_CLASS (klass)->follow_root_connection = TRUE;

  /* The list items' types, for the factories' bindings in the .ui. */
  g_type_ensure (SN_TYPE_DEPLOY_COMMIT);
  g_type_ensure (SN_TYPE_DEPLOY_RUN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-deployments-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, stack);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, error_page);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, level_label);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, tag_row);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, version_row);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, image_row);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, warnings_label);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, actions_box);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, migration_button);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, release_button);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, tags_view);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, tags_selection);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, tags_sort);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, tags_empty);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, changelog_title);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, changelog_frame);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, changelog);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, runs_sort);
  gtk_widget_class_bind_template_child (widget_class, SnDeploymentsView, runs_status);

  gtk_widget_class_install_action (widget_class, "deployments.release", NULL, release_action);
  gtk_widget_class_install_action (widget_class, "deployments.release-next", "s", release_next_action);
  gtk_widget_class_install_action (widget_class, "deployments.manual", NULL, manual_action);
  gtk_widget_class_install_action (widget_class, "deployments.rollback", NULL, rollback_action);
  gtk_widget_class_install_action (widget_class, "deployments.migration-rollback", NULL,
                                   migration_rollback_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "deployments.release", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_D, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "deployments.manual", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_B, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "deployments.rollback", NULL);
}

/* AdwSplitButton's arrow has no name for screen readers in libadwaita 1.2. */
static void
name_menu_buttons (GtkWidget  *widget,
                   const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_MENU_BUTTON (child) || GTK_IS_TOGGLE_BUTTON (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      name_menu_buttons (child, label);
    }
}

static void
sn_deployments_view_init (SnDeploymentsView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sn_area_page_set_states (SN_AREA_PAGE (self), self->stack, self->spinner, self->error_page);
  name_menu_buttons (self->release_button, _("Other releases: next feature or major version"));
  /* Their subtitles are the server's text (tags, versions, errors), not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->tag_row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->version_row), FALSE);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self->image_row), FALSE);
  g_signal_connect_swapped (self->tags_selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Deployments"), -1);
}

GtkWidget *
sn_deployments_view_new (void)
{
  return g_object_new (SN_TYPE_DEPLOYMENTS_VIEW, NULL);
}

SnProfile *sn_deployments_view_get_profile (SnDeploymentsView *self) { return sn_area_page_get_profile (SN_AREA_PAGE (self)); }
SnConnection *sn_deployments_view_get_connection (SnDeploymentsView *self) { return sn_area_page_get_connection (SN_AREA_PAGE (self)); }
gboolean sn_deployments_view_get_busy (SnDeploymentsView *self) { return sn_area_page_get_busy (SN_AREA_PAGE (self)); }
SnDeployStatus *sn_deployments_view_get_status (SnDeploymentsView *self) { return self->status; }
GListModel *sn_deployments_view_get_tags (SnDeploymentsView *self) { return self->tags; }
GListModel *sn_deployments_view_get_runs (SnDeploymentsView *self) { return self->runs; }
GListModel *sn_deployments_view_get_changelog (SnDeploymentsView *self) { return G_LIST_MODEL (self->changelog); }

GtkWindow *
sn_deployments_view_get_wizard (SnDeploymentsView *self)
{
  return sn_area_page_get_wizard (SN_AREA_PAGE (self));
}

gboolean
sn_deployments_view_select_tag (SnDeploymentsView *self,
                                const char        *tag)
{
  GListModel *model = G_LIST_MODEL (self->tags_selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnDeployCommit) item = g_list_model_get_item (model, i);

      if (g_strcmp0 (sn_deploy_commit_get_tag (item), tag) == 0)
        {
          gtk_single_selection_set_selected (self->tags_selection, i);
          return TRUE;
        }
    }
  return FALSE;
}
