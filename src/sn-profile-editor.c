/* sn-profile-editor.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-profile-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-audit-log.h"
#include "sn-host.h"
#include "sn-host-key-dialog.h"
#include "sn-profile-editor.h"
#include "sn-ssh-session.h"

#define N_SECRETS 8

struct _SnProfileEditor
{
  AdwWindow           parent_instance;

  SnProfileStore     *profile_store;
  SnProfile          *original;
  SnProfile          *working;
  GCancellable       *cancellable;
  char               *original_name;
  char               *loaded_secrets[N_SECRETS];
  gboolean            forget_github_token;
  GtkFileChooserNative *chooser;
  SnSshSession       *test_session;
  GCancellable       *test_cancellable;

  /* Template children */
  AdwWindowTitle     *window_title;
  GtkRevealer        *keyring_revealer;
  AdwEntryRow        *name_row;
  GtkColorButton     *color_button;
  AdwComboRow        *safety_row;
  GtkSwitch          *production_switch;
  AdwActionRow       *credentials_warning_row;
  AdwEntryRow        *ssh_host_row;
  GtkSpinButton      *ssh_port_spin;
  AdwEntryRow        *ssh_user_row;
  AdwEntryRow        *ssh_key_file_row;
  AdwPasswordEntryRow *ssh_passphrase_row;
  AdwPasswordEntryRow *ssh_password_row;
  AdwEntryRow        *deploy_path_row;
  AdwEntryRow        *site_url_row;
  AdwPasswordEntryRow *monitoring_key_row;
  AdwPasswordEntryRow *session_cookie_row;
  AdwEntryRow        *prometheus_url_row;
  AdwEntryRow        *db_name_row;
  AdwEntryRow        *db_user_row;
  AdwPasswordEntryRow *db_password_row;
  AdwEntryRow        *db_host_row;
  GtkSpinButton      *db_port_spin;
  GtkSwitch          *db_direct_switch;
  AdwEntryRow        *db_ssl_root_cert_row;
  AdwActionRow       *db_transport_row;
  AdwComboRow        *cache_backend_row;
  AdwEntryRow        *redis_host_row;
  AdwActionRow       *redis_port_row;
  GtkSpinButton      *redis_port_spin;
  AdwPasswordEntryRow *redis_password_row;
  AdwEntryRow        *upstash_url_row;
  AdwPasswordEntryRow *upstash_token_row;
  AdwEntryRow        *github_repo_row;
  AdwPasswordEntryRow *github_token_row;
  AdwEntryRow        *github_api_url_row;
  GtkButton          *github_token_forget_button;
  AdwEntryRow        *credentials_file_row;
  GtkLabel           *error_label;
  GtkButton          *save_button;
  GtkSpinner         *test_spinner;
  GtkLabel           *test_result_label;

  gint64              test_started;
  guint               pending;
  guint               is_new : 1;
  guint               no_keyring : 1;
  guint               saved : 1;
  guint               edited : 1;   /* the person changed a field */
};

enum {
  PROP_0,
  PROP_PROFILE_STORE,
  PROP_PROFILE,
  PROP_IS_NEW,
  N_PROPS
};

enum {
  SAVED,
  ERROR,
  N_SIGNALS
};

G_DEFINE_FINAL_TYPE (SnProfileEditor, sn_profile_editor, ADW_TYPE_WINDOW)

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static AdwPasswordEntryRow *
secret_row (SnProfileEditor *self,
            SnSecretKind     kind)
{
  switch (kind)
    {
    case SN_SECRET_KIND_SSH_PASSPHRASE: return self->ssh_passphrase_row;
    case SN_SECRET_KIND_SSH_PASSWORD: return self->ssh_password_row;
    case SN_SECRET_KIND_DB_PASSWORD: return self->db_password_row;
    case SN_SECRET_KIND_MONITORING_KEY: return self->monitoring_key_row;
    case SN_SECRET_KIND_REDIS_PASSWORD: return self->redis_password_row;
    case SN_SECRET_KIND_UPSTASH_TOKEN: return self->upstash_token_row;
    case SN_SECRET_KIND_GITHUB_TOKEN: return self->github_token_row;
    case SN_SECRET_KIND_APP_SESSION_COOKIE: return self->session_cookie_row;
    default: g_assert_not_reached ();
    }
}

/* Bindings: NULL strings show as "" and an emptied field stores NULL. */
static gboolean
string_to_text (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  const char *str = g_value_get_string (from);

  g_value_set_string (to, str != NULL ? str : "");
  return TRUE;
}

static gboolean
text_to_string (GBinding     *binding,
                const GValue *from,
                GValue       *to,
                gpointer      user_data)
{
  const char *str = g_value_get_string (from);

  g_value_set_string (to, str != NULL && *str != '\0' ? str : NULL);
  return TRUE;
}

static gboolean
enum_to_uint (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  g_value_set_uint (to, g_value_get_enum (from));
  return TRUE;
}

static gboolean
uint_to_enum (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  guint value = g_value_get_uint (from);

  if (value == GTK_INVALID_LIST_POSITION)
    return FALSE;
  g_value_set_enum (to, value);
  return TRUE;
}

static gboolean
color_to_rgba (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  const char *str = g_value_get_string (from);
  GdkRGBA rgba;

  if (str == NULL || !gdk_rgba_parse (&rgba, str))
    gdk_rgba_parse (&rgba, "#3584e4");
  g_value_set_boxed (to, &rgba);
  return TRUE;
}

static gboolean
rgba_to_color (GBinding     *binding,
               const GValue *from,
               GValue       *to,
               gpointer      user_data)
{
  const GdkRGBA *rgba = g_value_get_boxed (from);

  if (rgba == NULL)
    return FALSE;
  g_value_take_string (to, g_strdup_printf ("#%02x%02x%02x",
                                            (guint)(CLAMP (rgba->red, 0., 1.) * 255. + .5),
                                            (guint)(CLAMP (rgba->green, 0., 1.) * 255. + .5),
                                            (guint)(CLAMP (rgba->blue, 0., 1.) * 255. + .5)));
  return TRUE;
}

static void
bind_text (SnProfileEditor *self,
           const char      *property,
           gpointer         row)
{
  g_object_bind_property_full (self->working, property, row, "text",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               string_to_text, text_to_string, NULL, NULL);
}

static void
bind_plain (SnProfileEditor *self,
            const char      *property,
            gpointer         widget,
            const char      *widget_property)
{
  g_object_bind_property (self->working, property, widget, widget_property,
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

static void
sn_profile_editor_validate (SnProfileEditor *self)
{
  g_autoptr(GError) error = NULL;
  const char *name;
  gboolean valid;

  g_assert (SN_IS_PROFILE_EDITOR (self));

  name = sn_profile_get_name (self->working);
  valid = sn_profile_validate (self->working, &error);

  if (valid &&
      name != NULL &&
      (self->is_new || g_strcmp0 (name, self->original_name) != 0) &&
      sn_profile_store_lookup (self->profile_store, name) != NULL)
    {
      /* Translators: %s is a profile name */
      g_set_error (&error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_INVALID,
                   _("A profile named “%s” already exists"), name);
      valid = FALSE;
    }

  /* Save stays disabled, but what is wrong shows only once the person has
   * typed: an empty new profile is not yet a mistake. */
  gtk_label_set_label (self->error_label, valid ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), !valid && self->edited);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", valid);
}

static void
sn_profile_editor_update_cache_rows (SnProfileEditor *self)
{
  gboolean upstash = sn_profile_get_cache_backend (self->working) == SN_CACHE_BACKEND_KIND_UPSTASH;

  gtk_widget_set_visible (GTK_WIDGET (self->redis_host_row), !upstash);
  gtk_widget_set_visible (GTK_WIDGET (self->redis_port_row), !upstash);
  gtk_widget_set_visible (GTK_WIDGET (self->redis_password_row), !upstash);
  gtk_widget_set_visible (GTK_WIDGET (self->upstash_url_row), upstash);
  gtk_widget_set_visible (GTK_WIDGET (self->upstash_token_row), upstash);
}

/* A read-only level is only as strong as the credentials behind it: say so
 * plainly when they can change the server (core decides which). */
static void
sn_profile_editor_update_credentials_warning (SnProfileEditor *self)
{
  g_auto(GStrv) warnings = sn_profile_dup_credential_warnings (self->working);
  g_autofree char *text = g_strjoinv ("\n", warnings);

  adw_action_row_set_subtitle (self->credentials_warning_row, text);
  gtk_widget_set_visible (GTK_WIDGET (self->credentials_warning_row), warnings[0] != NULL);
}

/* One line: how the database connection is protected (M7). */
static void
sn_profile_editor_update_db_transport (SnProfileEditor *self)
{
  adw_action_row_set_subtitle (self->db_transport_row,
                               sn_db_transport_to_description (sn_profile_get_db_transport (self->working)));
}

static void
sn_profile_editor_working_notify_cb (SnProfileEditor *self,
                                     GParamSpec      *pspec,
                                     SnProfile       *working)
{
  if (g_strcmp0 (pspec->name, "cache-backend") == 0)
    sn_profile_editor_update_cache_rows (self);
  if (g_strcmp0 (pspec->name, "safety-level") == 0 || g_strcmp0 (pspec->name, "ssh-user") == 0 ||
      g_strcmp0 (pspec->name, "db-user") == 0)
    sn_profile_editor_update_credentials_warning (self);
  self->edited = TRUE;
  if (g_str_has_prefix (pspec->name, "db-"))
    sn_profile_editor_update_db_transport (self);
  sn_profile_editor_validate (self);
}

static void
sn_profile_editor_show_no_keyring (SnProfileEditor *self)
{
  self->no_keyring = TRUE;
  gtk_revealer_set_reveal_child (self->keyring_revealer, TRUE);
}

typedef struct
{
  SnProfileEditor *self;
  SnSecretKind     kind;
  char            *value;
} SecretOp;

static void
secret_op_free (SecretOp *op)
{
  g_clear_object (&op->self);
  if (op->value != NULL)
    memset (op->value, 0, strlen (op->value));
  g_clear_pointer (&op->value, g_free);
  g_free (op);
}

/* The GitHub token is never put back in the field, even masked: the row
 * says one is stored and how it ends; a new one typed replaces it, Forget
 * removes it on Save, an empty field keeps it. */
static void
update_github_token_row (SnProfileEditor *self)
{
  const char *stored = self->loaded_secrets[SN_SECRET_KIND_GITHUB_TOKEN];
  g_autofree char *title = NULL;

  if (stored != NULL && self->forget_github_token)
    title = g_strdup (_("GitHub Token (forgotten when you save)"));
  else if (stored != NULL && g_utf8_strlen (stored, -1) > 12)
    /* Translators: %s is the last 4 characters of the stored token */
    title = g_strdup_printf (_("GitHub Token (stored, ends in “%s”: type a new one to replace it)"),
                             g_utf8_offset_to_pointer (stored, g_utf8_strlen (stored, -1) - 4));
  else if (stored != NULL)
    title = g_strdup (_("GitHub Token (stored: type a new one to replace it)"));
  else
    title = g_strdup (_("GitHub Token"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->github_token_row), title);
  gtk_widget_set_visible (GTK_WIDGET (self->github_token_forget_button),
                          stored != NULL && !self->forget_github_token);
}

static void
github_token_forget_cb (SnProfileEditor *self)
{
  self->forget_github_token = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->github_token_row), "");
  update_github_token_row (self);
}

static void
sn_profile_editor_lookup_cb (GObject      *object,
                             GAsyncResult *result,
                             gpointer      user_data)
{
  SecretOp *op = user_data;
  SnProfileEditor *self = op->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  value = sn_secret_store_lookup_finish (SN_SECRET_STORE (object), result, &error);

  if (error != NULL)
    {
      if (g_error_matches (error, SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING))
        sn_profile_editor_show_no_keyring (self);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[ERROR], 0, error->message);
    }
  else if (value != NULL)
    {
      AdwPasswordEntryRow *row = secret_row (self, op->kind);

      if (op->kind == SN_SECRET_KIND_GITHUB_TOKEN)
        {
          g_free (self->loaded_secrets[op->kind]);
          self->loaded_secrets[op->kind] = g_strdup (value);
          update_github_token_row (self);
        }
      /* Only fill a field the person has not typed into meanwhile. */
      else if (*gtk_editable_get_text (GTK_EDITABLE (row)) == '\0')
        {
          g_free (self->loaded_secrets[op->kind]);
          self->loaded_secrets[op->kind] = g_strdup (value);
          gtk_editable_set_text (GTK_EDITABLE (row), value);
        }
    }

  secret_op_free (op);
}

static void
sn_profile_editor_load_secrets (SnProfileEditor *self)
{
  SnSecretStore *secrets = sn_secret_store_get_default ();

  for (guint kind = 0; kind < N_SECRETS; kind++)
    {
      SecretOp *op = g_new0 (SecretOp, 1);

      op->self = g_object_ref (self);
      op->kind = kind;
      sn_secret_store_lookup_async (secrets, self->working, kind, self->cancellable,
                                    sn_profile_editor_lookup_cb, op);
    }
}

static void
sn_profile_editor_pending_done (SnProfileEditor *self)
{
  g_assert (self->pending > 0);

  if (--self->pending == 0)
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
sn_profile_editor_store_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  SecretOp *op = user_data;
  SnProfileEditor *self = op->self;
  g_autoptr(GError) error = NULL;

  if (!sn_secret_store_store_finish (SN_SECRET_STORE (object), result, &error))
    {
      if (g_error_matches (error, SN_SECRET_ERROR, SN_SECRET_ERROR_NO_KEYRING))
        {
          sn_secret_store_remember (SN_SECRET_STORE (object), self->working, op->kind, op->value);
          g_signal_emit (self, signals[ERROR], 0,
                         _("No keyring is running: the app will ask for this each time"));
        }
      else
        {
          g_autofree char *message = NULL;

          /* Translators: %s is the technical reason */
          message = g_strdup_printf (_("Could not store a secret in the keyring: %s"), error->message);
          g_signal_emit (self, signals[ERROR], 0, message);
        }
    }

  sn_profile_editor_pending_done (self);
  secret_op_free (op);
}

static void
sn_profile_editor_save_secrets (SnProfileEditor *self)
{
  SnSecretStore *secrets = sn_secret_store_get_default ();

  for (guint kind = 0; kind < N_SECRETS; kind++)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (secret_row (self, kind)));
      const char *loaded = self->loaded_secrets[kind];
      g_autoptr(GError) error = NULL;
      SecretOp *op;

      if (g_strcmp0 (text, loaded != NULL ? loaded : "") == 0)
        continue;
      /* not shown back: empty keeps the stored token, unless forgotten */
      if (kind == SN_SECRET_KIND_GITHUB_TOKEN && *text == '\0' && !self->forget_github_token)
        continue;

      if (*text == '\0')
        {
          if (self->no_keyring)
            sn_secret_store_remember (secrets, self->working, kind, NULL);
          else if (!sn_secret_store_clear_sync (secrets, self->working, kind, NULL, &error))
            g_signal_emit (self, signals[ERROR], 0, error->message);
          continue;
        }

      if (self->no_keyring)
        {
          sn_secret_store_remember (secrets, self->working, kind, text);
          continue;
        }

      op = g_new0 (SecretOp, 1);
      op->self = g_object_ref (self);
      op->kind = kind;
      op->value = g_strdup (text);
      self->pending++;
      sn_secret_store_store_async (secrets, self->working, kind, text, NULL,
                                   sn_profile_editor_store_cb, op);
    }
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  SnProfileEditor *self = SN_PROFILE_EDITOR (widget);
  g_autoptr(GError) error = NULL;
  const char *name = sn_profile_get_name (self->working);
  gboolean ok;

  if (self->saved)
    return;

  if (!self->is_new && self->original_name != NULL && g_strcmp0 (name, self->original_name) != 0)
    ok = sn_profile_store_rename (self->profile_store, self->working, self->original_name, &error);
  else
    ok = sn_profile_store_save (self->profile_store, self->working, &error);

  if (!ok)
    {
      gtk_label_set_label (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  self->saved = TRUE;
  g_signal_emit (self, signals[SAVED], 0, self->working);

  /* The window goes at once; keyring writes finish in the background. */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  self->pending++;
  sn_profile_editor_save_secrets (self);
  sn_profile_editor_pending_done (self);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  gtk_window_destroy (GTK_WINDOW (widget));
}

static void
chooser_response_cb (SnProfileEditor      *self,
                     int                   response,
                     GtkFileChooserNative *chooser)
{
  AdwEntryRow *row = g_object_get_data (G_OBJECT (chooser), "row");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        gtk_editable_set_text (GTK_EDITABLE (row), path);
    }

  g_clear_object (&self->chooser);
}

static void
sn_profile_editor_choose_file (SnProfileEditor *self,
                               AdwEntryRow     *row,
                               const char      *title)
{
  const char *current = gtk_editable_get_text (GTK_EDITABLE (row));

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                               _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (current != NULL && *current != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (current);
      gtk_file_chooser_set_file (GTK_FILE_CHOOSER (self->chooser), file, NULL);
    }
  else
    {
      g_autofree char *ssh_dir = g_build_filename (g_get_home_dir (), ".ssh", NULL);
      g_autoptr(GFile) folder = g_file_new_for_path (ssh_dir);

      if (g_file_test (ssh_dir, G_FILE_TEST_IS_DIR))
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
    }

  g_object_set_data (G_OBJECT (self->chooser), "row", row);
  g_signal_connect_object (self->chooser, "response",
                           G_CALLBACK (chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
choose_key_file_cb (SnProfileEditor *self)
{
  sn_profile_editor_choose_file (self, self->ssh_key_file_row, _("Choose the Private Key File"));
}

static void
choose_credentials_file_cb (SnProfileEditor *self)
{
  sn_profile_editor_choose_file (self, self->credentials_file_row, _("Choose the Credentials File"));
}

/* Test Connection ---------------------------------------------------------- */

static void sn_profile_editor_test_connect (SnProfileEditor *self);

static void
sn_profile_editor_test_finish (SnProfileEditor *self,
                               const char      *message,
                               gboolean         success)
{
  gtk_spinner_set_spinning (self->test_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.test-connection", TRUE);
  gtk_label_set_label (self->test_result_label, message);
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_result_label), success ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->test_result_label), success ? "success" : "error");
  gtk_widget_set_visible (GTK_WIDGET (self->test_result_label), TRUE);

  /* The temporary session ends here, on the main thread. */
  if (self->test_session != NULL)
    sn_ssh_session_disconnect (self->test_session);
  g_clear_object (&self->test_session);
}

static void
test_exec_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SnProfileEditor) self = user_data;
  g_autoptr(SnSshExecResult) exec = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  SnProfile *profile = sn_ssh_session_get_profile (sn_host_get_session (SN_HOST (object)));
  gint64 total_ms;

  /* SnHost wrote the audit line (ssh.test). */
  exec = sn_host_exec_finish (SN_HOST (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (exec == NULL)
    {
      sn_profile_editor_test_finish (self, error->message, FALSE);
      return;
    }

  if (!sn_ssh_exec_result_get_success (exec))
    {
      /* Translators: %d is an exit status */
      message = g_strdup_printf (_("Logged in, but the test command “true” failed with exit status %d: "
                                   "the account may have a restricted shell."),
                                 sn_ssh_exec_result_get_exit_status (exec));
      sn_profile_editor_test_finish (self, message, FALSE);
      return;
    }

  total_ms = (g_get_monotonic_time () - self->test_started) / 1000;
  /* Translators: the first %s is user@host:port; then the time to connect and log in,
   * and the round trip of one command, both in milliseconds */
  message = g_strdup_printf (_("Connected to %s@%s:%u in %d ms; a command round trip takes %d ms."),
                             sn_profile_get_ssh_user (profile) != NULL ? sn_profile_get_ssh_user (profile) : "root",
                             sn_profile_get_ssh_host (profile),
                             sn_profile_get_ssh_port (profile),
                             (int)total_ms,
                             (int)(sn_ssh_exec_result_get_duration_us (exec) / 1000));
  sn_profile_editor_test_finish (self, message, TRUE);
}

static void
test_host_key_response_cb (SnProfileEditor *self,
                           const char      *response,
                           SnHostKeyDialog *dialog)
{
  g_autoptr(GError) error = NULL;

  if (self->test_session == NULL)
    return;

  if (g_strcmp0 (response, SN_HOST_KEY_RESPONSE_TRUST) != 0)
    {
      sn_profile_editor_test_finish (self,
                                     sn_host_key_dialog_get_changed (dialog)
                                       ? _("The host key changed: the connection was stopped.")
                                       : _("The host key was not trusted: not connected."),
                                     FALSE);
      return;
    }

  if (!sn_ssh_session_trust_host_key (self->test_session,
                                      sn_host_key_dialog_get_fingerprint (dialog), &error))
    {
      sn_profile_editor_test_finish (self, error->message, FALSE);
      return;
    }

  sn_profile_editor_test_connect (self);
}

static void
test_connect_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SnProfileEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SnHost) host = NULL;

  if (!sn_ssh_session_connect_finish (SN_SSH_SESSION (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      if (sn_host_key_error_is_host_key (error))
        {
          SnHostKeyDialog *dialog = sn_host_key_dialog_new (GTK_WINDOW (self), SN_SSH_SESSION (object), error);

          g_signal_connect_object (dialog, "response",
                                   G_CALLBACK (test_host_key_response_cb), self,
                                   G_CONNECT_SWAPPED);
          gtk_window_present (GTK_WINDOW (dialog));
          gtk_label_set_label (self->test_result_label, error->message);
          return;
        }

      sn_profile_editor_test_finish (self, error->message, FALSE);
      return;
    }

  host = sn_host_new (SN_SSH_SESSION (object), NULL);
  sn_host_exec_async (host, "ssh.test", "true", NULL, 10000, NULL, NULL, NULL, self->test_cancellable,
                      test_exec_cb, g_object_ref (self));
}

static void
sn_profile_editor_test_connect (SnProfileEditor *self)
{
  self->test_started = g_get_monotonic_time ();
  sn_ssh_session_connect_async (self->test_session, self->test_cancellable,
                                test_connect_cb, g_object_ref (self));
}

static void
remember_typed_secret (SnProfileEditor *self,
                       SnSecretStore   *secrets,
                       SnProfile       *profile,
                       SnSecretKind     kind)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (secret_row (self, kind)));

  if (text != NULL && *text != '\0')
    sn_secret_store_remember (secrets, profile, kind, text);
}

static void
test_connection_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  SnProfileEditor *self = SN_PROFILE_EDITOR (widget);
  g_autoptr(SnProfile) copy = NULL;
  g_autoptr(SnSecretStore) secrets = NULL;

  g_cancellable_cancel (self->test_cancellable);
  g_clear_object (&self->test_cancellable);
  if (self->test_session != NULL)
    sn_ssh_session_disconnect (self->test_session);
  g_clear_object (&self->test_session);

  /* The values being edited, with the passphrase and password as typed;
   * nothing is saved, and the session lives only for the test. */
  copy = sn_profile_copy (self->working);
  secrets = sn_secret_store_new ();
  remember_typed_secret (self, secrets, copy, SN_SECRET_KIND_SSH_PASSPHRASE);
  remember_typed_secret (self, secrets, copy, SN_SECRET_KIND_SSH_PASSWORD);
  self->test_session = sn_ssh_session_new (copy, secrets);
  self->test_cancellable = g_cancellable_new ();

  gtk_widget_action_set_enabled (widget, "editor.test-connection", FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->test_spinner), TRUE);
  gtk_spinner_set_spinning (self->test_spinner, TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_result_label), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->test_result_label), "error");
  gtk_label_set_label (self->test_result_label, _("Connecting…"));
  gtk_widget_set_visible (GTK_WIDGET (self->test_result_label), TRUE);

  sn_profile_editor_test_connect (self);
}

static void
sn_profile_editor_constructed (GObject *object)
{
  SnProfileEditor *self = (SnProfileEditor *)object;

  G_OBJECT_CLASS (sn_profile_editor_parent_class)->constructed (object);

  if (self->original != NULL)
    self->working = sn_profile_copy (self->original);
  else
    self->working = sn_profile_new ("");

  if (!self->is_new)
    self->original_name = g_strdup (sn_profile_get_name (self->working));

  adw_window_title_set_title (self->window_title,
                              self->is_new ? _("New Profile") : _("Edit Profile"));
  adw_window_title_set_subtitle (self->window_title, self->original_name);
  gtk_window_set_title (GTK_WINDOW (self), self->is_new ? _("New Profile") : _("Edit Profile"));

  bind_text (self, "name", self->name_row);
  g_object_bind_property_full (self->working, "color", self->color_button, "rgba",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               color_to_rgba, rgba_to_color, NULL, NULL);
  g_object_bind_property_full (self->working, "safety-level", self->safety_row, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               enum_to_uint, uint_to_enum, NULL, NULL);
  bind_plain (self, "production", self->production_switch, "active");
  bind_text (self, "ssh-host", self->ssh_host_row);
  bind_plain (self, "ssh-port", self->ssh_port_spin, "value");
  bind_text (self, "ssh-user", self->ssh_user_row);
  bind_text (self, "ssh-key-file", self->ssh_key_file_row);
  bind_text (self, "deploy-path", self->deploy_path_row);
  bind_text (self, "site-url", self->site_url_row);
  bind_text (self, "prometheus-url", self->prometheus_url_row);
  bind_text (self, "db-name", self->db_name_row);
  bind_text (self, "db-user", self->db_user_row);
  bind_text (self, "db-host", self->db_host_row);
  bind_plain (self, "db-port", self->db_port_spin, "value");
  bind_plain (self, "db-direct", self->db_direct_switch, "active");
  bind_text (self, "db-ssl-root-cert", self->db_ssl_root_cert_row);
  g_object_bind_property_full (self->working, "cache-backend", self->cache_backend_row, "selected",
                               G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                               enum_to_uint, uint_to_enum, NULL, NULL);
  bind_text (self, "redis-host", self->redis_host_row);
  bind_plain (self, "redis-port", self->redis_port_spin, "value");
  bind_text (self, "upstash-url", self->upstash_url_row);
  bind_text (self, "github-repo", self->github_repo_row);
  bind_text (self, "github-api-url", self->github_api_url_row);
  bind_text (self, "credentials-file", self->credentials_file_row);

  g_signal_connect_object (self->working, "notify",
                           G_CALLBACK (sn_profile_editor_working_notify_cb),
                           self, G_CONNECT_SWAPPED);

  sn_profile_editor_update_cache_rows (self);
  sn_profile_editor_update_credentials_warning (self);
  sn_profile_editor_update_db_transport (self);
  sn_profile_editor_validate (self);

  if (!self->is_new || self->original != NULL)
    sn_profile_editor_load_secrets (self);

  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
sn_profile_editor_dispose (GObject *object)
{
  SnProfileEditor *self = (SnProfileEditor *)object;

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->test_cancellable);
  if (self->test_session != NULL)
    sn_ssh_session_disconnect (self->test_session);
  g_clear_object (&self->test_session);
  g_clear_object (&self->test_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_PROFILE_EDITOR);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->profile_store);
  g_clear_object (&self->original);
  g_clear_object (&self->working);

  G_OBJECT_CLASS (sn_profile_editor_parent_class)->dispose (object);
}

static void
sn_profile_editor_finalize (GObject *object)
{
  SnProfileEditor *self = (SnProfileEditor *)object;

  for (guint i = 0; i < N_SECRETS; i++)
    {
      if (self->loaded_secrets[i] != NULL)
        memset (self->loaded_secrets[i], 0, strlen (self->loaded_secrets[i]));
      g_clear_pointer (&self->loaded_secrets[i], g_free);
    }
  g_clear_pointer (&self->original_name, g_free);

  G_OBJECT_CLASS (sn_profile_editor_parent_class)->finalize (object);
}

static void
sn_profile_editor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SnProfileEditor *self = SN_PROFILE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROFILE_STORE:
      g_value_set_object (value, self->profile_store);
      break;

    case PROP_PROFILE:
      g_value_set_object (value, self->original);
      break;

    case PROP_IS_NEW:
      g_value_set_boolean (value, self->is_new);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_profile_editor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SnProfileEditor *self = SN_PROFILE_EDITOR (object);

  switch (prop_id)
    {
    case PROP_PROFILE_STORE:
      self->profile_store = g_value_dup_object (value);
      break;

    case PROP_PROFILE:
      self->original = g_value_dup_object (value);
      break;

    case PROP_IS_NEW:
      self->is_new = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_profile_editor_class_init (SnProfileEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = sn_profile_editor_constructed;
  object_class->dispose = sn_profile_editor_dispose;
  object_class->finalize = sn_profile_editor_finalize;
  object_class->get_property = sn_profile_editor_get_property;
  object_class->set_property = sn_profile_editor_set_property;

  properties[PROP_PROFILE_STORE] =
    g_param_spec_object ("profile-store", NULL, NULL,
                         SN_TYPE_PROFILE_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL,
                         SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_IS_NEW] =
    g_param_spec_boolean ("is-new", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SnProfileEditor::saved:
   * @self: a #SnProfileEditor
   * @profile: the profile as saved in the store
   *
   * Emitted once the profile file is written.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SN_TYPE_PROFILE);

  /**
   * SnProfileEditor::error:
   * @self: a #SnProfileEditor
   * @message: a sentence for a toast
   *
   * Emitted when something went wrong after the editor closed, such as
   * storing a secret.
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-profile-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, keyring_revealer);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, name_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, color_button);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, safety_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, credentials_warning_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, production_switch);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, ssh_host_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, ssh_port_spin);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, ssh_user_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, ssh_key_file_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, ssh_passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, ssh_password_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, deploy_path_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, site_url_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, monitoring_key_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, session_cookie_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, prometheus_url_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_name_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_user_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_password_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_host_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_port_spin);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_direct_switch);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_ssl_root_cert_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, db_transport_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, cache_backend_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, redis_host_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, redis_port_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, redis_port_spin);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, redis_password_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, upstash_url_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, upstash_token_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, github_repo_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, github_token_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, github_api_url_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, github_token_forget_button);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, credentials_file_row);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, error_label);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, test_spinner);
  gtk_widget_class_bind_template_child (widget_class, SnProfileEditor, test_result_label);
  gtk_widget_class_bind_template_callback (widget_class, choose_key_file_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_credentials_file_cb);
  gtk_widget_class_bind_template_callback (widget_class, github_token_forget_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "editor.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "editor.test-connection", NULL, test_connection_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "editor.cancel", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

/* libadwaita 1.2 and GTK 4.8 leave inner controls without a name for screen
 * readers: the password rows' show-text and apply buttons (named after their
 * tooltips here) and the colour button. */
static void
name_inner_controls (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (GTK_IS_BUTTON (widget) && GTK_IS_COLOR_BUTTON (parent))
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose the colour"),
                                    -1);
  else if (GTK_IS_BUTTON (widget) &&
           gtk_button_get_label (GTK_BUTTON (widget)) == NULL &&
           tooltip != NULL &&
           gtk_widget_get_ancestor (widget, ADW_TYPE_PASSWORD_ENTRY_ROW) != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                    -1);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    name_inner_controls (child);
}

static void
sn_profile_editor_init (SnProfileEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  name_inner_controls (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
}

/**
 * sn_profile_editor_new:
 * @transient_for: (nullable): the window it is modal for
 * @profile_store: where to save
 * @profile: (nullable): the profile to edit, or the start of a new one
 * @is_new: whether saving creates a new profile
 *
 * The editor works on a copy: nothing changes until Save.
 */
SnProfileEditor *
sn_profile_editor_new (GtkWindow      *transient_for,
                       SnProfileStore *profile_store,
                       SnProfile      *profile,
                       gboolean        is_new)
{
  g_return_val_if_fail (SN_IS_PROFILE_STORE (profile_store), NULL);
  g_return_val_if_fail (!profile || SN_IS_PROFILE (profile), NULL);

  return g_object_new (SN_TYPE_PROFILE_EDITOR,
                       "transient-for", transient_for,
                       "profile-store", profile_store,
                       "profile", profile,
                       "is-new", is_new,
                       NULL);
}

SnProfile *
sn_profile_editor_get_working (SnProfileEditor *self)
{
  g_return_val_if_fail (SN_IS_PROFILE_EDITOR (self), NULL);

  return self->working;
}
