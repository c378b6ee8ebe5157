/* test-contacts-page.c: the emergency contacts, edited in Preferences
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sn-contacts.h"
#include "sn-contacts-page.h"
#include "sn-test-stack.h"

static char *contacts_path;

static GtkWidget *
find_entry_row (GtkWidget  *root,
                const char *title)
{
  if (ADW_IS_ENTRY_ROW (root) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry_row (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
file_holds (const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (contacts_path, &contents, NULL, NULL) && strstr (contents, text) != NULL;
}

static gboolean
file_holds_cb (gpointer text)
{
  return file_holds (text);
}

static void
wait_for_file (const char *text)
{
  g_assert_true (sn_test_wait_until (file_holds_cb, (gpointer) text, 10000));
}

static void
test_edit_and_reset (void)
{
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = sn_contacts_page_new ();
  GtkWidget *name;
  SnContact *on_call;

  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));

  /* The runbook's contacts to start with (§1.4). */
  name = find_entry_row (page, "E-mail, Phone or Web Page");
  g_assert_nonnull (name);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "alerte@sweet-narcisse.com");

  /* Typing saves to the file and to the book the incident view reads. */
  gtk_editable_set_text (GTK_EDITABLE (name), "+33 3 89 00 00 00");
  wait_for_file ("+33 3 89 00 00 00");
  on_call = sn_contact_book_lookup (sn_contact_book_get_default (), SN_CONTACT_ROLE_ON_CALL);
  g_assert_cmpstr (sn_contact_get_address (on_call), ==, "+33 3 89 00 00 00");

  /* And back to the runbook's. */
  g_assert_true (gtk_widget_activate_action (page, "contacts.reset", NULL));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name)), ==, "alerte@sweet-narcisse.com");
  wait_for_file ("alerte@sweet-narcisse.com");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmpdir = g_dir_make_tmp ("sn-contacts-XXXXXX", NULL);

  /* A private config dir, set before GLib reads it. */
  g_setenv ("XDG_CONFIG_HOME", tmpdir, TRUE);
  contacts_path = g_build_filename (tmpdir, "narcisse-admin", "contacts.json", NULL);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sn/contacts-page/edit-and-reset", test_edit_and_reset);

  return g_test_run ();
}
