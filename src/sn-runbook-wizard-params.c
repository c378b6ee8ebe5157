/* sn-runbook-wizard-params.c: the wizard's parameters page
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One row per runbook parameter (a combo for choices, a password row for
 * secrets, an entry otherwise), checked as it is typed by core
 * (sn_runbook_validate_param()), with the reason under the row. */

#define G_LOG_DOMAIN "sn-runbook-wizard"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-runbook-wizard-private.h"

static char *
dup_param_value (SnRunbookWizard      *self,
                 guint                 index)
{
  const SnRunbookParam *param = sn_runbook_get_param (self->runbook, index);
  GtkWidget *row = g_ptr_array_index (self->params.param_rows, index);

  if (ADW_IS_COMBO_ROW (row))
    {
      guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

      if (param->choices == NULL || selected >= g_strv_length (param->choices))
        return g_strdup ("");
      return g_strdup (param->choices[selected]);
    }

  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

void
_sn_runbook_wizard_validate_params (SnRunbookWizard *self)
{
  gboolean all_valid = TRUE;

  for (guint i = 0; i < self->params.param_rows->len; i++)
    {
      const SnRunbookParam *param = sn_runbook_get_param (self->runbook, i);
      GtkWidget *row = g_ptr_array_index (self->params.param_rows, i);
      GtkLabel *hint = g_ptr_array_index (self->params.param_hints, i);
      g_autofree char *value = dup_param_value (self, i);
      g_autoptr(GError) error = NULL;

      if (sn_runbook_validate_param (self->runbook, param->id, value, &error))
        {
          const char *description = param->description != NULL
                                    ? g_dgettext (GETTEXT_PACKAGE, param->description) : "";

          gtk_widget_remove_css_class (row, "error");
          gtk_widget_remove_css_class (GTK_WIDGET (hint), "error");
          gtk_widget_add_css_class (GTK_WIDGET (hint), "dim-label");
          gtk_label_set_label (hint, description);
          gtk_widget_set_visible (GTK_WIDGET (hint), *description != '\0');
          gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                          -1);
          gtk_accessible_reset_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID);
        }
      else
        {
          all_valid = FALSE;
          gtk_widget_add_css_class (row, "error");
          gtk_widget_remove_css_class (GTK_WIDGET (hint), "dim-label");
          gtk_widget_add_css_class (GTK_WIDGET (hint), "error");
          gtk_label_set_label (hint, error->message);
          gtk_widget_set_visible (GTK_WIDGET (hint), TRUE);
          gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, error->message,
                                          -1);
          gtk_accessible_update_state (GTK_ACCESSIBLE (row),
                                       GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                       -1);
        }
    }

  self->params.params_valid = all_valid;
  _sn_runbook_wizard_update_buttons (self);
}

void
_sn_runbook_wizard_entry_activated (SnRunbookWizard *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "wizard.next", NULL);
}

void
_sn_runbook_wizard_build_params (SnRunbookWizard *self)
{
  guint n_params = sn_runbook_get_n_params (self->runbook);

  for (guint i = 0; i < n_params; i++)
    {
      const SnRunbookParam *param = sn_runbook_get_param (self->runbook, i);
      const char *title = g_dgettext (GETTEXT_PACKAGE, param->label != NULL ? param->label : param->id);
      g_autofree char *row_name = g_strdup_printf ("param-%s", param->id);
      g_autofree char *hint_name = g_strdup_printf ("param-hint-%s", param->id);
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *row;
      GtkWidget *hint;

      switch (param->type)
        {
        case SN_PARAM_TYPE_CHOICE:
          {
            GtkStringList *choices = gtk_string_list_new ((const char * const *)param->choices);
            guint selected = 0;

            row = adw_combo_row_new ();
            adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
            for (guint j = 0; param->choices != NULL && param->choices[j] != NULL; j++)
              {
                if (g_strcmp0 (param->choices[j], param->default_value) == 0)
                  selected = j;
              }
            adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
            g_signal_connect_object (row, "notify::selected", G_CALLBACK (_sn_runbook_wizard_validate_params),
                                     self, G_CONNECT_SWAPPED);
            g_object_unref (choices);
            break;
          }

        case SN_PARAM_TYPE_SECRET:
          row = adw_password_entry_row_new ();
          break;

        case SN_PARAM_TYPE_INTEGER:
        case SN_PARAM_TYPE_STRING:
        case SN_PARAM_TYPE_TAG:
        case SN_PARAM_TYPE_DATE:
        default:
          row = adw_entry_row_new ();
          if (param->type == SN_PARAM_TYPE_INTEGER)
            adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_DIGITS);
          break;
        }

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_widget_set_name (row, row_name);

      if (ADW_IS_ENTRY_ROW (row))
        {
          if (param->default_value != NULL && param->type != SN_PARAM_TYPE_SECRET)
            gtk_editable_set_text (GTK_EDITABLE (row), param->default_value);
          g_signal_connect_object (row, "changed", G_CALLBACK (_sn_runbook_wizard_validate_params),
                                   self, G_CONNECT_SWAPPED);
          g_signal_connect_object (row, "entry-activated", G_CALLBACK (_sn_runbook_wizard_entry_activated),
                                   self, G_CONNECT_SWAPPED);
        }

      hint = gtk_label_new (NULL);
      gtk_widget_set_name (hint, hint_name);
      gtk_label_set_xalign (GTK_LABEL (hint), 0);
      gtk_label_set_wrap (GTK_LABEL (hint), TRUE);
      gtk_widget_set_margin_top (hint, 6);
      gtk_widget_add_css_class (hint, "caption");
      gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                      GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, hint, NULL,
                                      -1);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), hint);
      gtk_box_append (self->params.params_box, group);

      g_ptr_array_add (self->params.param_rows, row);
      g_ptr_array_add (self->params.param_hints, hint);
    }

  gtk_label_set_label (self->params.params_description,
                       _("Fill these in; the next page shows exactly what will run with them, "
                         "before anything changes."));
}

GHashTable *
_sn_runbook_wizard_collect_params (SnRunbookWizard *self)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < self->params.param_rows->len; i++)
    {
      const SnRunbookParam *param = sn_runbook_get_param (self->runbook, i);
      char *value = dup_param_value (self, i);

      if (*value == '\0')
        {
          g_free (value);
          continue;
        }

      g_hash_table_insert (params, g_strdup (param->id), value);
    }

  return params;
}

static int
find_param_index (SnRunbookWizard *self,
                  const char      *id)
{
  for (guint i = 0; i < self->params.param_rows->len; i++)
    {
      if (g_strcmp0 (sn_runbook_get_param (self->runbook, i)->id, id) == 0)
        return i;
    }

  return -1;
}

gboolean
sn_runbook_wizard_set_param (SnRunbookWizard *self,
                             const char      *id,
                             const char      *value)
{
  const SnRunbookParam *param;
  GtkWidget *row;
  int index;

  g_return_val_if_fail (SN_IS_RUNBOOK_WIZARD (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if ((index = find_param_index (self, id)) < 0)
    return FALSE;

  param = sn_runbook_get_param (self->runbook, index);
  row = g_ptr_array_index (self->params.param_rows, index);
  if (ADW_IS_COMBO_ROW (row))
    {
      for (guint j = 0; param->choices != NULL && param->choices[j] != NULL; j++)
        {
          if (g_strcmp0 (param->choices[j], value) == 0)
            {
              adw_combo_row_set_selected (ADW_COMBO_ROW (row), j);
              return TRUE;
            }
        }
      return FALSE;
    }

  gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
  _sn_runbook_wizard_validate_params (self);
  return TRUE;
}

char *
sn_runbook_wizard_dup_param (SnRunbookWizard *self,
                             const char      *id)
{
  int index;

  g_return_val_if_fail (SN_IS_RUNBOOK_WIZARD (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if ((index = find_param_index (self, id)) < 0)
    return NULL;

  return dup_param_value (self, index);
}
