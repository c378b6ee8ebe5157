/* sn-incident-declare-dialog.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-incident-declare-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-gui-util.h"
#include "sn-incident-declare-dialog.h"
#include "sn-secret-prompt.h"

#define CHECK_TIMEOUT_SECONDS 10

struct _SnIncidentDeclareDialog
{
  AdwWindow        parent_instance;

  SnProfile       *profile;
  SnIncidentStore *store;
  SnHealthHistory *history;
  SnHealthReport  *report;
  SnHealthService *service;
  GCancellable    *cancellable;
  char            *reason;
  char            *seen;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkWidget       *declare_button;
  GtkSpinner      *spinner;
  GtkWidget       *proposal_box;
  GtkLabel        *severity_badge;
  GtkLabel        *impact_label;
  GtkLabel        *target_label;
  GtkLabel        *reason_label;
  GtkLabel        *seen_label;
  AdwEntryRow     *title_row;
  AdwComboRow     *site_row;
  AdwComboRow     *database_row;
  AdwComboRow     *bookings_row;
  AdwComboRow     *payments_row;
  AdwComboRow     *data_row;
  AdwComboRow     *degraded_row;
  AdwComboRow     *users_row;
  AdwComboRow     *severity_row;
  AdwEntryRow     *override_row;
  AdwActionRow    *sev1_row;
  AdwActionRow    *sev2_row;
  AdwActionRow    *sev3_row;
  AdwActionRow    *sev4_row;

  SnTriageAnswers  answers;
  SnSeverity       proposed;
  guint            touched;     /* bit per question the operator changed */
  guint            busy : 1;
  guint            seeding : 1;
  guint            infrastructure : 1;
};

enum {
  DECLARED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (SnIncidentDeclareDialog, sn_incident_declare_dialog, ADW_TYPE_WINDOW)

static const char * const severity_classes[] = { "sev-none", "sev1", "sev2", "sev3", "sev4" };

/* AdwComboRow index <-> SnAnswer: Don't know, Yes, No. */
static guint
answer_to_index (SnAnswer answer)
{
  return answer == SN_ANSWER_YES ? 1 : answer == SN_ANSWER_NO ? 2 : 0;
}

static SnAnswer
index_to_answer (guint index)
{
  return index == 1 ? SN_ANSWER_YES : index == 2 ? SN_ANSWER_NO : SN_ANSWER_UNKNOWN;
}

static AdwComboRow **
question_rows (SnIncidentDeclareDialog *self,
               guint                   *n)
{
  static AdwComboRow *rows[7];

  rows[0] = self->site_row;
  rows[1] = self->database_row;
  rows[2] = self->bookings_row;
  rows[3] = self->payments_row;
  rows[4] = self->data_row;
  rows[5] = self->degraded_row;
  rows[6] = self->users_row;
  *n = G_N_ELEMENTS (rows);
  return rows;
}

static SnAnswer *
answers_slot (SnTriageAnswers *answers,
              guint            i)
{
  SnAnswer *slots[] = {
    &answers->site_reachable, &answers->database_down, &answers->bookings_failing,
    &answers->payments_failing, &answers->data_at_risk, &answers->degraded,
  };

  return i < G_N_ELEMENTS (slots) ? slots[i] : NULL;
}

static SnAnswer *
answer_slot (SnIncidentDeclareDialog *self,
             guint                    i)
{
  return answers_slot (&self->answers, i);
}

static void
set_severity_look (GtkWidget  *widget,
                   SnSeverity  severity)
{
  for (guint i = 0; i < G_N_ELEMENTS (severity_classes); i++)
    gtk_widget_remove_css_class (widget, severity_classes[i]);
  if ((guint) severity < G_N_ELEMENTS (severity_classes))
    gtk_widget_add_css_class (widget, severity_classes[severity]);
}

static void
update_view (SnIncidentDeclareDialog *self)
{
  SnSeverity severity = sn_incident_declare_dialog_get_severity (self);
  AdwActionRow *sev_rows[] = { self->sev1_row, self->sev2_row, self->sev3_row, self->sev4_row };
  g_autofree char *target = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *seen = NULL;
  gboolean overridden = severity != self->proposed;
  g_autofree char *override_reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->override_row))));
  gboolean valid = !overridden || *override_reason != '\0';

  gtk_label_set_label (self->severity_badge, sn_severity_to_string (severity));
  set_severity_look (GTK_WIDGET (self->severity_badge), severity);
  set_severity_look (self->proposal_box, severity);
  gtk_label_set_label (self->impact_label, sn_severity_get_impact (severity));
  duration = sn_format_duration (sn_severity_get_target_seconds (severity));
  /* Translators: %s is a duration such as "15 min" */
  target = g_strdup_printf (_("Respond within %s"), duration);
  gtk_label_set_label (self->target_label, target);

  if (overridden)
    {
      /* Translators: the triage proposed one severity, the operator chose another */
      g_autofree char *text = g_strdup_printf (_("Proposed %s: %s"),
                                               sn_severity_to_string (self->proposed),
                                               self->reason != NULL ? self->reason : "");
      gtk_label_set_label (self->reason_label, text);
    }
  else
    gtk_label_set_label (self->reason_label, self->reason != NULL ? self->reason : "");

  if (self->busy)
    seen = g_strdup (_("Checking the site now…"));
  else if (self->seen != NULL && (self->reason == NULL || strstr (self->reason, self->seen) == NULL))
    /* Translators: %s is what the health checks saw */
    seen = g_strdup_printf (_("The checks saw: %s"), self->seen);
  gtk_label_set_label (self->seen_label, seen != NULL ? seen : "");
  gtk_widget_set_visible (GTK_WIDGET (self->seen_label), seen != NULL);

  gtk_widget_set_visible (GTK_WIDGET (self->override_row), overridden);
  gtk_spinner_set_spinning (self->spinner, self->busy);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "declare.declare", valid);

  for (guint i = 0; i < G_N_ELEMENTS (sev_rows); i++)
    {
      SnSeverity s = (SnSeverity) (i + 1);
      g_autofree char *within = sn_format_duration (sn_severity_get_target_seconds (s));
      g_autofree char *title = g_strdup_printf ("%s — %s", sn_severity_to_string (s), sn_severity_get_impact (s));
      /* Translators: the response target and examples of a severity */
      g_autofree char *subtitle = g_strdup_printf (_("Respond within %s · %s"), within,
                                                   sn_severity_get_examples (s));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (sev_rows[i]), title);
      adw_action_row_set_subtitle (sev_rows[i], subtitle);
      if (s == severity)
        gtk_widget_add_css_class (GTK_WIDGET (sev_rows[i]), "current-severity");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (sev_rows[i]), "current-severity");
    }
}

static void
propose (SnIncidentDeclareDialog *self)
{
  g_clear_pointer (&self->reason, g_free);
  self->proposed = sn_triage_propose (&self->answers, &self->reason);
  update_view (self);
}

static void
show_answers (SnIncidentDeclareDialog *self)
{
  guint n;
  AdwComboRow **rows = question_rows (self, &n);

  self->seeding = TRUE;
  for (guint i = 0; i < n; i++)
    {
      SnAnswer *slot = answer_slot (self, i);

      if (slot != NULL)
        adw_combo_row_set_selected (rows[i], answer_to_index (*slot));
      else
        adw_combo_row_set_selected (rows[i], (guint) self->answers.users);
    }
  self->seeding = FALSE;
}

/* Seeds the answers from @report, keeping what the operator changed. */
static void
seed (SnIncidentDeclareDialog *self,
      SnHealthReport          *report)
{
  SnTriageAnswers fresh;
  guint n;

  question_rows (self, &n);
  sn_triage_answers_init (&fresh);
  sn_triage_seed (&fresh, report, NULL);

  for (guint i = 0; i < n; i++)
    {
      SnAnswer *slot = answer_slot (self, i);

      if (self->touched & (1u << i))
        continue;
      if (slot != NULL)
        *slot = *answers_slot (&fresh, i);
      else
        self->answers.users = fresh.users;
    }
  self->answers.infrastructure = fresh.infrastructure;
  g_free (self->answers.seen);
  self->answers.seen = g_strdup (fresh.seen);
  g_free (self->seen);
  self->seen = g_strdup (fresh.seen);
  sn_triage_answers_clear (&fresh);

  show_answers (self);
  propose (self);
}

static void
question_changed_cb (SnIncidentDeclareDialog *self,
                     GParamSpec              *pspec,
                     AdwComboRow             *row)
{
  guint n;
  AdwComboRow **rows = question_rows (self, &n);

  if (self->seeding)
    return;

  for (guint i = 0; i < n; i++)
    {
      SnAnswer *slot;

      if (rows[i] != row)
        continue;
      self->touched |= 1u << i;
      slot = answer_slot (self, i);
      if (slot != NULL)
        *slot = index_to_answer (adw_combo_row_get_selected (row));
      else
        self->answers.users = (SnUsersAffected) adw_combo_row_get_selected (row);
    }
  propose (self);
}

static void
check_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SnIncidentDeclareDialog) self = user_data;
  g_autoptr(SnHealthReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = sn_health_service_check_finish (SN_HEALTH_SERVICE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  if (report != NULL)
    {
      g_set_object (&self->report, report);
      seed (self, report);
    }
  else if (error != NULL)
    {
      g_free (self->seen);
      self->seen = g_strdup (error->message);
      update_view (self);
    }
  else
    update_view (self);
}

static void
key_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(SnIncidentDeclareDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = sn_secret_prompt_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  sn_health_service_check_async (self->service,
                                 sn_profile_get_site_url (self->profile),
                                 key,
                                 CHECK_TIMEOUT_SECONDS,
                                 self->cancellable,
                                 check_cb,
                                 g_object_ref (self));
}

static void
start_check (SnIncidentDeclareDialog *self)
{
  const char *site_url = sn_profile_get_site_url (self->profile);

  if (site_url == NULL || *site_url == '\0')
    return;

  self->busy = TRUE;
  update_view (self);
  sn_secret_prompt_lookup_async (GTK_WIDGET (self), self->profile, SN_SECRET_KIND_MONITORING_KEY,
                                 self->cancellable, key_cb, g_object_ref (self));
}

static void
declare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  SnIncidentDeclareDialog *self = SN_INCIDENT_DECLARE_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  SnIncident *incident = sn_incident_declare_dialog_declare (self, &error);

  if (incident == NULL)
    sn_gui_toast (GTK_WIDGET (self->toast_overlay), error->message);
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
sn_incident_declare_dialog_dispose (GObject *object)
{
  SnIncidentDeclareDialog *self = (SnIncidentDeclareDialog *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_INCIDENT_DECLARE_DIALOG);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->profile);
  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_object (&self->report);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (sn_incident_declare_dialog_parent_class)->dispose (object);
}

static void
sn_incident_declare_dialog_finalize (GObject *object)
{
  SnIncidentDeclareDialog *self = (SnIncidentDeclareDialog *)object;

  sn_triage_answers_clear (&self->answers);
  g_clear_pointer (&self->reason, g_free);
  g_clear_pointer (&self->seen, g_free);

  G_OBJECT_CLASS (sn_incident_declare_dialog_parent_class)->finalize (object);
}

static void
sn_incident_declare_dialog_class_init (SnIncidentDeclareDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_incident_declare_dialog_dispose;
  object_class->finalize = sn_incident_declare_dialog_finalize;

  /**
   * SnIncidentDeclareDialog::declared:
   * @self: the dialog
   * @incident: the new incident, saved in the store
   */
  signals[DECLARED] =
    g_signal_new ("declared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SN_TYPE_INCIDENT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-incident-declare-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, declare_button);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, proposal_box);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, severity_badge);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, impact_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, target_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, reason_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, seen_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, site_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, database_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, bookings_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, payments_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, data_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, degraded_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, users_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, severity_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, override_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, sev1_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, sev2_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, sev3_row);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentDeclareDialog, sev4_row);

  gtk_widget_class_install_action (widget_class, "declare.declare", NULL, declare_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sn_incident_declare_dialog_init (SnIncidentDeclareDialog *self)
{
  guint n;
  AdwComboRow **rows;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->service = sn_health_service_new ();
  sn_triage_answers_init (&self->answers);

  rows = question_rows (self, &n);
  for (guint i = 0; i < n; i++)
    g_signal_connect_object (rows[i], "notify::selected", G_CALLBACK (question_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->severity_row, "notify::selected", G_CALLBACK (update_view), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->override_row, "changed", G_CALLBACK (update_view), self,
                           G_CONNECT_SWAPPED);
}

SnIncidentDeclareDialog *
sn_incident_declare_dialog_new (GtkWindow       *parent,
                                SnProfile       *profile,
                                SnIncidentStore *store,
                                SnHealthHistory *history,
                                SnHealthReport  *report)
{
  SnIncidentDeclareDialog *self;

  g_return_val_if_fail (SN_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (SN_IS_INCIDENT_STORE (store), NULL);

  self = g_object_new (SN_TYPE_INCIDENT_DECLARE_DIALOG, "transient-for", parent, NULL);
  self->profile = g_object_ref (profile);
  self->store = g_object_ref (store);
  if (history != NULL)
    self->history = g_object_ref (history);

  seed (self, report);
  start_check (self);

  return self;
}

gboolean
sn_incident_declare_dialog_get_busy (SnIncidentDeclareDialog *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_DECLARE_DIALOG (self), FALSE);
  return self->busy;
}

SnSeverity
sn_incident_declare_dialog_get_proposed (SnIncidentDeclareDialog *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_DECLARE_DIALOG (self), SN_SEVERITY_NONE);
  return self->proposed;
}

SnSeverity
sn_incident_declare_dialog_get_severity (SnIncidentDeclareDialog *self)
{
  guint index;

  g_return_val_if_fail (SN_IS_INCIDENT_DECLARE_DIALOG (self), SN_SEVERITY_NONE);

  index = adw_combo_row_get_selected (self->severity_row);
  if (index >= 1 && index <= 4)
    return (SnSeverity) index;
  return self->proposed;
}

const char *
sn_incident_declare_dialog_get_reason (SnIncidentDeclareDialog *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_DECLARE_DIALOG (self), NULL);
  return self->reason;
}

void
sn_incident_declare_dialog_set_severity (SnIncidentDeclareDialog *self,
                                         SnSeverity               severity,
                                         const char              *reason)
{
  g_return_if_fail (SN_IS_INCIDENT_DECLARE_DIALOG (self));

  adw_combo_row_set_selected (self->severity_row, (guint) severity);
  gtk_editable_set_text (GTK_EDITABLE (self->override_row), reason != NULL ? reason : "");
  update_view (self);
}

SnIncident *
sn_incident_declare_dialog_declare (SnIncidentDeclareDialog  *self,
                                    GError                  **error)
{
  g_autoptr(SnIncident) incident = NULL;
  g_autofree char *title = NULL;
  g_autofree char *override = NULL;
  SnSeverity severity;

  g_return_val_if_fail (SN_IS_INCIDENT_DECLARE_DIALOG (self), NULL);

  if (!sn_incident_store_check_manage (self->store, self->profile, error))
    return NULL;
  if (sn_incident_store_get_open (self->store, sn_profile_get_name (self->profile)) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("An incident is already open on “%s”: close it first."),
                   sn_profile_get_name (self->profile));
      return NULL;
    }

  severity = sn_incident_declare_dialog_get_severity (self);
  override = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->override_row))));
  if (severity != self->proposed && *override == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s differs from the proposed %s: say why."),
                   sn_severity_to_string (severity), sn_severity_to_string (self->proposed));
      return NULL;
    }

  title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  if (*title == '\0')
    {
      g_free (title);
      title = g_strdup (sn_severity_get_impact (severity));
    }

  incident = sn_incident_new (sn_profile_get_name (self->profile), title, severity, self->proposed,
                              severity != self->proposed ? override : NULL, NULL);
  if (self->history != NULL)
    {
      g_autoptr(GDateTime) start = sn_health_history_dup_trouble_start (self->history);

      if (start != NULL)
        sn_incident_set_detected_at (incident, start);
    }
  /* A state entry: the triage is not yet the response that stops the clock. */
  sn_incident_add_triage (incident, self->reason);

  if (!sn_incident_store_declare (self->store, self->profile, incident, error))
    return NULL;

  g_signal_emit (self, signals[DECLARED], 0, incident);
  return sn_incident_store_lookup (self->store, sn_incident_get_id (incident));
}
