/* sn-secret-prompt.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-secret-prompt"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "sn-secret-prompt.h"

typedef struct
{
  GtkWidget    *parent;      /* borrowed through a weak pointer */
  SnProfile    *profile;
  SnSecretKind  kind;
  GtkWidget    *entry;
} Prompt;

static void
prompt_free (Prompt *prompt)
{
  g_clear_weak_pointer (&prompt->parent);
  g_clear_object (&prompt->profile);
  g_free (prompt);
}

static const char *
kind_label (SnSecretKind kind)
{
  switch (kind)
    {
    case SN_SECRET_KIND_SSH_PASSPHRASE: return _("the passphrase of the SSH key");
    case SN_SECRET_KIND_SSH_PASSWORD: return _("the SSH password");
    case SN_SECRET_KIND_DB_PASSWORD: return _("the database password");
    case SN_SECRET_KIND_MONITORING_KEY: return _("the monitoring API key");
    case SN_SECRET_KIND_REDIS_PASSWORD: return _("the Redis password");
    case SN_SECRET_KIND_UPSTASH_TOKEN: return _("the Upstash token");
    case SN_SECRET_KIND_GITHUB_TOKEN: return _("the GitHub token");
    case SN_SECRET_KIND_APP_SESSION_COOKIE: return _("the site’s session cookie");
    default: return _("a secret");
    }
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             GTask            *task)
{
  Prompt *prompt = g_task_get_task_data (task);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (prompt->entry));

  if (g_strcmp0 (response, "use") == 0 && text != NULL && *text != '\0')
    {
      sn_secret_store_remember (sn_secret_store_get_default (), prompt->profile, prompt->kind, text);
      g_task_return_pointer (task, g_strdup (text), g_free);
    }
  else
    {
      /* Going without is remembered too: not asked again every refresh. */
      sn_secret_store_remember (sn_secret_store_get_default (), prompt->profile, prompt->kind, "");
      g_task_return_pointer (task, NULL, NULL);
    }

  g_object_unref (task);
}

static void
ask (GTask *task)
{
  Prompt *prompt = g_task_get_task_data (task);
  GtkRoot *root = prompt->parent != NULL ? gtk_widget_get_root (prompt->parent) : NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  body = g_strdup_printf (_("No keyring is running, so Narcisse Admin cannot keep secrets. "
                            "Enter %s for “%s”: it is kept in memory until you quit, and asked "
                            "again next time."),
                          kind_label (prompt->kind), sn_profile_get_name (prompt->profile));

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("No Keyring"), body);
  prompt->entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (prompt->entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (prompt->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, kind_label (prompt->kind), -1);
  g_object_set (prompt->entry, "activates-default", TRUE, NULL);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), prompt->entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "skip", _("Go _Without"),
                                    "use", _("_Use"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "use",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "use");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "skip");
  g_signal_connect (dialog, "response", G_CALLBACK (on_response), task);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (prompt->entry);
}

static void
on_lookup (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *value;

  value = sn_secret_store_lookup_finish (SN_SECRET_STORE (object), result, &error);

  if (g_error_matches (error, SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING) &&
      !g_task_return_error_if_cancelled (task))
    {
      ask (g_steal_pointer (&task));
      return;
    }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (value != NULL && *value == '\0')
    g_task_return_pointer (task, (g_free (value), NULL), NULL);
  else
    g_task_return_pointer (task, value, g_free);
}

void
sn_secret_prompt_lookup_async (GtkWidget           *parent,
                               SnProfile           *profile,
                               SnSecretKind         kind,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Prompt *prompt;

  g_return_if_fail (SN_IS_PROFILE (profile));

  prompt = g_new0 (Prompt, 1);
  g_set_weak_pointer (&prompt->parent, parent);
  prompt->profile = g_object_ref (profile);
  prompt->kind = kind;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sn_secret_prompt_lookup_async);
  g_task_set_task_data (task, prompt, (GDestroyNotify)prompt_free);

  sn_secret_store_lookup_async (sn_secret_store_get_default (), profile, kind, cancellable,
                                on_lookup, task);
}

char *
sn_secret_prompt_lookup_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
