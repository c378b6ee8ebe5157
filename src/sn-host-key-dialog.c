/* sn-host-key-dialog.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-host-key-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-host-key-dialog.h"

struct _SnHostKeyDialog
{
  AdwMessageDialog  parent_instance;

  char             *fingerprint;

  guint             changed : 1;
};

G_DEFINE_FINAL_TYPE (SnHostKeyDialog, sn_host_key_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
sn_host_key_dialog_finalize (GObject *object)
{
  SnHostKeyDialog *self = (SnHostKeyDialog *)object;

  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (sn_host_key_dialog_parent_class)->finalize (object);
}

static void
sn_host_key_dialog_class_init (SnHostKeyDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_host_key_dialog_finalize;
}

static void
sn_host_key_dialog_init (SnHostKeyDialog *self)
{
}

/**
 * sn_host_key_error_is_host_key:
 * @error: (nullable): an error from connecting
 *
 * Returns: whether @error is one that SnHostKeyDialog explains
 */
gboolean
sn_host_key_error_is_host_key (const GError *error)
{
  return g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_UNKNOWN) ||
         sn_ssh_error_is_host_key_stop (error);
}

/* One fact about the key: a caption and its value, one above the other. */
static void
add_fact (GtkBox     *facts,
          const char *title,
          const char *value,
          const char *name,
          gboolean    monospace)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_widget_add_css_class (title_label, "caption-heading");
  gtk_widget_add_css_class (title_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_CHAR);
  gtk_widget_set_name (value_label, name);
  if (monospace)
    gtk_widget_add_css_class (value_label, "monospace");
  /* The selectable value is read with its title. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL,
                                  -1);
  gtk_box_append (GTK_BOX (box), title_label);
  gtk_box_append (GTK_BOX (box), value_label);
  gtk_box_append (facts, box);
}

/**
 * sn_host_key_dialog_new:
 * @parent: (nullable): the window it is modal for
 * @session: the session whose last attempt saw the key
 * @error: %SN_SSH_ERROR_HOST_KEY_UNKNOWN, %SN_SSH_ERROR_HOST_KEY_CHANGED or
 *   %SN_SSH_ERROR_HOST_KEY_OTHER_TYPE
 *
 * For an unknown key: the host, the key type and its SHA256 fingerprint as
 * OpenSSH prints it, with "Trust and Connect" and "Cancel". For a changed
 * key or a host known with another key type: a hard stop with only "Close",
 * saying how to fix it.
 *
 * Returns: (transfer floating): the dialog, not shown yet
 */
SnHostKeyDialog *
sn_host_key_dialog_new (GtkWindow    *parent,
                        SnSshSession *session,
                        const GError *error)
{
  SnHostKeyDialog *self;
  SnProfile *profile;
  g_autoptr(GBytes) key = NULL;
  g_autofree char *address = NULL;
  g_autofree char *pattern = NULL;
  const char *known_hosts_path;
  const char *key_type = "";
  GtkWidget *box;
  GtkWidget *facts;
  GtkWidget *card;
  guint port;

  g_return_val_if_fail (SN_IS_SSH_SESSION (session), NULL);
  g_return_val_if_fail (sn_host_key_error_is_host_key (error), NULL);

  profile = sn_ssh_session_get_profile (session);
  port = sn_profile_get_ssh_port (profile) != 0 ? sn_profile_get_ssh_port (profile) : 22;
  address = g_strdup_printf ("%s:%u", sn_profile_get_ssh_host (profile), port);
  pattern = sn_known_hosts_host_pattern (sn_profile_get_ssh_host (profile), port);
  known_hosts_path = sn_known_hosts_get_path (sn_ssh_session_get_known_hosts (session));
  key = sn_ssh_session_dup_host_key (session);

  self = g_object_new (SN_TYPE_HOST_KEY_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       NULL);
  self->changed = sn_ssh_error_is_host_key_stop (error);
  if (key != NULL)
    {
      self->fingerprint = sn_ssh_key_fingerprint (key);
      key_type = sn_ssh_key_type_to_name (sn_ssh_key_type_from_blob (key));
    }

  facts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_set_name (facts, "host-key-facts");
  gtk_widget_set_margin_top (facts, 12);
  gtk_widget_set_margin_bottom (facts, 12);
  gtk_widget_set_margin_start (facts, 12);
  gtk_widget_set_margin_end (facts, 12);
  add_fact (GTK_BOX (facts), _("Host"), address, "host-key-address", FALSE);
  add_fact (GTK_BOX (facts), _("Key Type"), key_type, "host-key-type", FALSE);
  add_fact (GTK_BOX (facts), _("Fingerprint (SHA256)"),
            self->fingerprint != NULL ? self->fingerprint : _("Unknown"),
            "host-key-fingerprint", TRUE);

  card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_add_css_class (card, "card");
  gtk_box_append (GTK_BOX (card), facts);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), card);

  if (!self->changed)
    {
      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Unknown Host Key"));
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                      /* Translators: %s is host:port */
                                      _("This is the first connection to %s. Before trusting it, "
                                        "compare the fingerprint below with the one your hosting "
                                        "provider shows for the server (or that "
                                        "“ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub” prints "
                                        "on its console). Trust it only if they are the same."),
                                      address);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                        "cancel", _("_Cancel"),
                                        SN_HOST_KEY_RESPONSE_TRUST, _("_Trust and Connect"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self),
                                                  SN_HOST_KEY_RESPONSE_TRUST,
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
    }
  else
    {
      GtkWidget *fix;
      g_autofree char *fix_text = NULL;

      if (g_error_matches (error, SN_SSH_ERROR, SN_SSH_ERROR_HOST_KEY_OTHER_TYPE))
        {
          adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                          _("Host Known with Another Key Type"));
          adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                          /* Translators: %s is host:port */
                                          _("The server at %s presents a host key of another type "
                                            "than the one saved at the first connection. A server "
                                            "does not lose its key by itself: someone may be "
                                            "intercepting the connection (a man-in-the-middle "
                                            "attack) with a key type they control. The connection "
                                            "was stopped and nothing was sent."),
                                          address);
        }
      else
        {
          adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("Host Key Changed"));
          adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                          /* Translators: %s is host:port */
                                          _("The server at %s presents a different host key from the "
                                            "one saved at the first connection. Either the server was "
                                            "reinstalled, or someone is intercepting the connection "
                                            "(a man-in-the-middle attack). The connection was stopped "
                                            "and nothing was sent."),
                                          address);
        }

      /* Translators: the first %s is a known_hosts pattern such as [1.2.3.4]:5522,
       * the second the path of the app's known_hosts file */
      fix_text = g_strdup_printf (_("To fix it: ask your hosting provider which host key the "
                                    "server has. Only if it matches the fingerprint above, remove "
                                    "the line starting with “%s” from %s, then connect again and "
                                    "trust the new key."),
                                  pattern, known_hosts_path);
      fix = gtk_label_new (fix_text);
      gtk_widget_set_name (fix, "host-key-fix");
      gtk_label_set_wrap (GTK_LABEL (fix), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (fix), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (fix), TRUE);
      gtk_label_set_xalign (GTK_LABEL (fix), 0);
      gtk_box_append (GTK_BOX (box), fix);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (self), "close", _("_Close"));
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "close");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "close");
      gtk_widget_add_css_class (GTK_WIDGET (self), "host-key-changed");
    }

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), box);

  return self;
}

gboolean
sn_host_key_dialog_get_changed (SnHostKeyDialog *self)
{
  g_return_val_if_fail (SN_IS_HOST_KEY_DIALOG (self), FALSE);
  return self->changed;
}

const char *
sn_host_key_dialog_get_fingerprint (SnHostKeyDialog *self)
{
  g_return_val_if_fail (SN_IS_HOST_KEY_DIALOG (self), NULL);
  return self->fingerprint;
}
