/* sn-contacts-page.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-contacts-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-contacts.h"
#include "sn-contacts-page.h"
#include "sn-gui-util.h"

#define SAVE_DELAY_MS 600

typedef struct
{
  SnContactRole  role;
  GtkEditable   *name;
  GtkEditable   *address;
  GtkSpinButton *from_hour;
  GtkSpinButton *to_hour;
} RoleRows;

struct _SnContactsPage
{
  AdwPreferencesPage    parent_instance;

  /* Template children */
  AdwPreferencesGroup  *on_call_group;
  AdwPreferencesGroup  *escalation_group;
  AdwPreferencesGroup  *provider_group;

  RoleRows              rows[3];
  guint                 save_source;
  guint                 loading : 1;
};

G_DEFINE_FINAL_TYPE (SnContactsPage, sn_contacts_page, ADW_TYPE_PREFERENCES_PAGE)

static gboolean
save_now (gpointer data)
{
  SnContactsPage *self = data;
  SnContactBook *book = sn_contact_book_get_default ();
  g_autoptr(GError) error = NULL;

  self->save_source = 0;

  for (guint i = 0; i < G_N_ELEMENTS (self->rows); i++)
    {
      RoleRows *rows = &self->rows[i];
      g_autoptr(SnContact) contact = NULL;
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (rows->name)));
      g_autofree char *address = g_strstrip (g_strdup (gtk_editable_get_text (rows->address)));

      contact = sn_contact_new (rows->role, name, address,
                                gtk_spin_button_get_value_as_int (rows->from_hour),
                                gtk_spin_button_get_value_as_int (rows->to_hour));
      sn_contact_book_set (book, contact);
    }

  if (!sn_contact_book_save (book, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Contacts not saved: %s"), error->message);

      sn_gui_toast (GTK_WIDGET (self), message);
    }

  return G_SOURCE_REMOVE;
}

static void
changed_cb (SnContactsPage *self)
{
  if (self->loading)
    return;

  /* Typing saves a moment after the last key, atomically. */
  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (SAVE_DELAY_MS, save_now, self);
}

static void
load (SnContactsPage *self)
{
  SnContactBook *book = sn_contact_book_get_default ();

  self->loading = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->rows); i++)
    {
      RoleRows *rows = &self->rows[i];
      SnContact *contact = sn_contact_book_lookup (book, rows->role);

      if (contact == NULL)
        continue;
      gtk_editable_set_text (rows->name, sn_contact_get_name (contact));
      gtk_editable_set_text (rows->address, sn_contact_get_address (contact));
      gtk_spin_button_set_value (rows->from_hour, sn_contact_get_from_hour (contact));
      gtk_spin_button_set_value (rows->to_hour, sn_contact_get_to_hour (contact));
    }
  self->loading = FALSE;
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SnContactsPage *self = SN_CONTACTS_PAGE (widget);
  g_autoptr(SnContactBook) defaults = sn_contact_book_new ("/nonexistent");

  /* A book that reads no file holds the runbook's contacts. */
  for (guint i = 0; i < G_N_ELEMENTS (self->rows); i++)
    {
      SnContact *contact = sn_contact_book_lookup (defaults, self->rows[i].role);

      if (contact != NULL)
        sn_contact_book_set (sn_contact_book_get_default (), contact);
    }
  load (self);
  changed_cb (self);
}

static GtkSpinButton *
add_hour_spin (GtkWidget  *box,
               const char *accessible_name)
{
  GtkWidget *spin = gtk_spin_button_new_with_range (0, 24, 1);

  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_name, -1);
  gtk_box_append (GTK_BOX (box), spin);
  return GTK_SPIN_BUTTON (spin);
}

static void
build_rows (SnContactsPage      *self,
            AdwPreferencesGroup *group,
            SnContactRole        role,
            RoleRows            *rows)
{
  const char *role_label = sn_contact_role_get_label (role);
  g_autofree char *name_label = g_strdup_printf (_("%s: name"), role_label);
  g_autofree char *address_label = g_strdup_printf (_("%s: address"), role_label);
  g_autofree char *from_label = g_strdup_printf (_("%s: from hour"), role_label);
  g_autofree char *to_label = g_strdup_printf (_("%s: to hour"), role_label);
  GtkWidget *row;
  GtkWidget *box;

  rows->role = role;

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name_label, -1);
  adw_preferences_group_add (group, row);
  rows->name = GTK_EDITABLE (row);

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("E-mail, Phone or Web Page"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, address_label, -1);
  adw_preferences_group_add (group, row);
  rows->address = GTK_EDITABLE (row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Available"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("From … to …, Paris hours"));
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  rows->from_hour = add_hour_spin (box, from_label);
  gtk_box_append (GTK_BOX (box), gtk_label_new ("–"));
  rows->to_hour = add_hour_spin (box, to_label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  adw_preferences_group_add (group, row);

  g_signal_connect_object (rows->name, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rows->address, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rows->from_hour, "value-changed", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (rows->to_hour, "value-changed", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
}

static void
sn_contacts_page_dispose (GObject *object)
{
  SnContactsPage *self = (SnContactsPage *)object;

  /* What was typed last is not lost when the window closes. */
  if (self->save_source != 0)
    {
      g_clear_handle_id (&self->save_source, g_source_remove);
      save_now (self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_CONTACTS_PAGE);

  G_OBJECT_CLASS (sn_contacts_page_parent_class)->dispose (object);
}

static void
sn_contacts_page_class_init (SnContactsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_contacts_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-contacts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SnContactsPage, on_call_group);
  gtk_widget_class_bind_template_child (widget_class, SnContactsPage, escalation_group);
  gtk_widget_class_bind_template_child (widget_class, SnContactsPage, provider_group);
  gtk_widget_class_install_action (widget_class, "contacts.reset", NULL, reset_action);
}

static void
sn_contacts_page_init (SnContactsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  build_rows (self, self->on_call_group, SN_CONTACT_ROLE_ON_CALL, &self->rows[0]);
  build_rows (self, self->escalation_group, SN_CONTACT_ROLE_ESCALATION, &self->rows[1]);
  build_rows (self, self->provider_group, SN_CONTACT_ROLE_PROVIDER, &self->rows[2]);
  load (self);
}

GtkWidget *
sn_contacts_page_new (void)
{
  return g_object_new (SN_TYPE_CONTACTS_PAGE, NULL);
}
