/* sn-incident-panel.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-incident-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-contacts.h"
#include "sn-format.h"
#include "sn-gui-util.h"
#include "sn-incident-panel.h"
#include "sn-window.h"
#include "sn-postmortem.h"
#include "sn-runbook-wizard.h"
#include "sn-timeline-row.h"

#define SOON_SECONDS (5 * 60)

struct _SnIncidentPanel
{
  GtkWidget        parent_instance;

  SnProfile       *profile;
  SnIncidentStore *store;
  SnHealthHistory *history;
  SnContactBook   *contacts;
  SnIncident      *incident;
  char           **secrets;          /* the profile's, for redaction */
  GCancellable    *secrets_cancellable;
  GTimeZone       *paris;
  char            *clock_text;

  /* Template children */
  GtkStack        *stack;
  GtkWidget       *header_card;
  GtkLabel        *severity_label;
  GtkLabel        *title_label;
  GtkLabel        *declared_label;
  GtkWidget       *clock_box;
  GtkLabel        *countdown_label;
  GtkLabel        *target_label;
  GtkLabel        *elapsed_label;
  GtkLabel        *paris_label;
  GtkLabel        *contacts_label;
  GtkEntry        *note_entry;
  GtkWidget       *redaction_label;
  GtkListView     *timeline_view;
  GtkScrolledWindow *timeline_scroller;
  GtkStack        *past_stack;
  GtkListBox      *past_list;
  GtkWidget       *incident_change_severity_button;
  GtkWidget       *incident_close_button;

  SnHealthState    last_state;
  guint            tick_id;
  guint            clock_missed : 1;
  guint            notified_soon : 1;
  guint            notified_missed : 1;
};

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_STORE,
  PROP_HISTORY,
  PROP_INCIDENT,
  PROP_CLOCK_TEXT,
  PROP_CLOCK_MISSED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnIncidentPanel, sn_incident_panel, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char * const severity_classes[] = { "sev-none", "sev1", "sev2", "sev3", "sev4" };

static void sn_incident_panel_update (SnIncidentPanel *self);

static void
notify_person (SnIncidentPanel *self,
               const char      *id,
               const char      *title,
               const char      *body,
               gboolean         urgent)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GNotification) notification = NULL;

  if (app == NULL || !g_application_get_is_registered (app))
    return;

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, urgent ? G_NOTIFICATION_PRIORITY_URGENT
                                                    : G_NOTIFICATION_PRIORITY_HIGH);
  g_application_send_notification (app, id, notification);
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

static gboolean
save (SnIncidentPanel  *self,
      SnIncident       *incident,
      GError          **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!sn_incident_store_save (self->store, incident, &local_error))
    {
      sn_gui_toast (GTK_WIDGET (self), local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* The clock ---------------------------------------------------------------- */

static void
set_clock (SnIncidentPanel *self,
           const char      *text,
           gboolean         missed)
{
  if (g_strcmp0 (self->clock_text, text) != 0)
    {
      g_free (self->clock_text);
      self->clock_text = g_strdup (text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_TEXT]);
    }
  if (self->clock_missed != !!missed)
    {
      self->clock_missed = !!missed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLOCK_MISSED]);
    }
}

static char *
format_clock (gint64 seconds)
{
  gint64 s = ABS (seconds);

  if (s >= 3600)
    return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02d:%02d", seconds < 0 ? "−" : "",
                            s / 3600, (int) (s % 3600) / 60, (int) (s % 60));
  return g_strdup_printf ("%s%02d:%02d", seconds < 0 ? "−" : "", (int) (s / 60), (int) (s % 60));
}

static void tick (SnIncidentPanel *self);

static void
contacts_changed_cb (SnIncidentPanel *self)
{
  if (self->incident != NULL)
    tick (self);
}

static void
update_contacts (SnIncidentPanel *self,
                 GDateTime       *now,
                 gint64           elapsed)
{
  g_autoptr(GPtrArray) advice = NULL;
  g_autoptr(GString) markup = g_string_new (NULL);

  advice = sn_contact_book_who_to_call (self->contacts, sn_incident_get_severity (self->incident),
                                        elapsed, now, FALSE);
  for (guint i = 0; advice != NULL && i < advice->len; i++)
    {
      SnContactAdvice *a = g_ptr_array_index (advice, i);
      g_autofree char *line = NULL;

      line = g_markup_printf_escaped ("%s<b>%s</b> · %s%s%s",
                                      markup->len > 0 ? "\n" : "",
                                      sn_contact_get_address (a->contact),
                                      sn_contact_role_get_label (sn_contact_get_role (a->contact)),
                                      a->now ? "" : " — ",
                                      a->now ? "" : a->why);
      g_string_append (markup, line);
    }
  if (g_strcmp0 (gtk_label_get_label (self->contacts_label), markup->str) != 0)
    gtk_label_set_markup (self->contacts_label, markup->str);
}

static void
tick (SnIncidentPanel *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) paris = NULL;
  g_autofree char *paris_text = NULL;
  g_autofree char *clock = NULL;
  g_autofree char *elapsed_text = NULL;
  g_autofree char *target = NULL;
  g_autofree char *within = NULL;
  gint64 remaining, elapsed;
  gboolean missed, responded;

  if (self->incident == NULL)
    {
      set_clock (self, "", FALSE);
      return;
    }

  remaining = sn_incident_get_remaining_seconds (self->incident, now);
  elapsed = g_date_time_difference (now, sn_incident_get_declared_at (self->incident)) / G_USEC_PER_SEC;
  missed = sn_incident_is_response_missed (self->incident, now);
  responded = sn_incident_get_responded_at (self->incident) != NULL;
  within = sn_format_duration (sn_severity_get_target_seconds (sn_incident_get_severity (self->incident)));

  if (responded && !missed)
    {
      clock = g_strdup (_("Responded"));
      /* Translators: %s is the response target, e.g. "15 min" */
      target = g_strdup_printf (_("First action within the %s target"), within);
    }
  else if (remaining >= 0)
    {
      clock = format_clock (remaining);
      /* Translators: %s is the response target, e.g. "15 min" */
      target = g_strdup_printf (_("left of the %s response target"), within);
    }
  else
    {
      clock = format_clock (remaining);
      /* Translators: %s is the response target, e.g. "15 min" */
      target = g_strdup_printf (_("Response target of %s missed"), within);
    }

  gtk_label_set_label (self->countdown_label, clock);
  gtk_label_set_label (self->target_label, target);
  if (missed)
    gtk_widget_add_css_class (self->clock_box, "missed");
  else
    gtk_widget_remove_css_class (self->clock_box, "missed");
  if (!missed && !responded && remaining <= SOON_SECONDS)
    gtk_widget_add_css_class (self->clock_box, "soon");
  else
    gtk_widget_remove_css_class (self->clock_box, "soon");

  elapsed_text = sn_format_duration (MAX (elapsed, 0));
  gtk_label_set_label (self->elapsed_label, elapsed_text);
  paris = g_date_time_to_timezone (now, self->paris);
  paris_text = g_date_time_format (paris, "%H:%M:%S");
  gtk_label_set_label (self->paris_label, paris_text);
  update_contacts (self, now, elapsed);

  {
    /* Translators: the compact clock in the header bar; %s is the countdown or "Responded" */
    g_autofree char *header = g_strdup_printf ("%s %s", sn_severity_to_string (sn_incident_get_severity (self->incident)),
                                               clock);
    set_clock (self, header, missed);
  }

  /* Tell the person, once each, when the target is near and when it is missed. */
  if (!responded && !missed && remaining <= SOON_SECONDS && !self->notified_soon)
    {
      g_autofree char *body = NULL;

      self->notified_soon = TRUE;
      /* Translators: %s is the incident's title */
      body = g_strdup_printf (_("“%s”: 5 minutes left to respond. Run the checklist or add a note."),
                              sn_incident_get_title (self->incident));
      notify_person (self, "incident-response-soon", _("Response Target in 5 Minutes"), body, FALSE);
    }
  if (missed && !self->notified_missed)
    {
      g_autofree char *body = NULL;

      self->notified_missed = TRUE;
      /* Translators: %s is the incident's title */
      body = g_strdup_printf (_("“%s”: the response target was missed. Call the on-call contact now."),
                              sn_incident_get_title (self->incident));
      notify_person (self, "incident-response-missed", _("Response Target Missed"), body, TRUE);
    }
}

static gboolean
tick_cb (gpointer user_data)
{
  tick (user_data);
  return G_SOURCE_CONTINUE;
}

/* Past incidents ---------------------------------------------------------------- */

static void
export_incident (SnIncidentPanel *self,
                 SnIncident      *incident);

static void
past_export_clicked_cb (GtkButton *button,
                        SnIncidentPanel *self)
{
  SnIncident *incident = g_object_get_data (G_OBJECT (button), "incident");

  export_incident (self, incident);
}

static GtkWidget *
create_past_row (gpointer item,
                 gpointer user_data)
{
  SnIncidentPanel *self = user_data;
  SnIncident *incident = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge = gtk_label_new (sn_severity_to_string (sn_incident_get_severity (incident)));
  GtkWidget *state;
  GtkWidget *button;
  g_autofree char *when = sn_format_date_time (sn_incident_get_declared_at (incident));
  g_autofree char *subtitle = NULL;
  gboolean open = sn_incident_get_state (incident) == SN_INCIDENT_STATE_OPEN;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sn_incident_get_title (incident));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: when an incident was declared, and its profile */
  subtitle = g_strdup_printf (_("%s · %s"), when, sn_incident_get_profile (incident));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_name (row, sn_incident_get_id (incident));

  gtk_widget_add_css_class (badge, "severity-badge");
  gtk_widget_add_css_class (badge, "small");
  set_severity_look (badge, sn_incident_get_severity (incident));
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), badge);

  state = gtk_label_new (open ? _("Open") : _("Resolved"));
  gtk_widget_add_css_class (state, "caption");
  gtk_widget_add_css_class (state, open ? "incident-open" : "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), state);

  button = gtk_button_new_from_icon_name ("document-save-as-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Export the postmortem…"));
  {
    /* Translators: the accessible name of a past incident's export button; %s is its title */
    g_autofree char *label = g_strdup_printf (_("Export postmortem of “%s”"), sn_incident_get_title (incident));

    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  }
  g_object_set_data_full (G_OBJECT (button), "incident", g_object_ref (incident), g_object_unref);
  g_signal_connect_object (button, "clicked", G_CALLBACK (past_export_clicked_cb), self, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
store_changed_cb (SnIncidentPanel *self)
{
  gboolean any = g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0;

  gtk_stack_set_visible_child_name (self->past_stack, any ? "list" : "none");
}

/* The view ------------------------------------------------------------------- */

static void
set_incident (SnIncidentPanel *self,
              SnIncident      *incident)
{
  if (self->incident != incident)
    {
      if (self->incident != NULL)
        g_signal_handlers_disconnect_by_data (self->incident, self);
      g_set_object (&self->incident, incident);
      self->notified_soon = FALSE;
      self->notified_missed = FALSE;
      if (incident != NULL)
        {
          GtkNoSelection *selection;

          g_signal_connect_object (incident, "notify", G_CALLBACK (sn_incident_panel_update), self,
                                   G_CONNECT_SWAPPED);
          selection = gtk_no_selection_new (g_object_ref (sn_incident_get_timeline (incident)));
          gtk_list_view_set_model (self->timeline_view, GTK_SELECTION_MODEL (selection));
          g_object_unref (selection);
        }
      else
        gtk_list_view_set_model (self->timeline_view, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCIDENT]);
    }

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (incident != NULL)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  sn_incident_panel_update (self);
}

/* What the profile's level may do, as the store decides: what it may not
 * is insensitive, with the store's reason as tooltip. */
static void
update_manage (SnIncidentPanel *self)
{
  g_autoptr(GError) error = NULL;
  gboolean open = self->incident != NULL;
  gboolean can;

  can = self->profile == NULL || sn_incident_store_check_manage (self->store, self->profile, &error);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "incident.change-severity", open && can);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "incident.close", open && can);
  gtk_widget_set_tooltip_text (self->incident_change_severity_button,
                               can ? _("Change the severity…") : error->message);
  gtk_widget_set_tooltip_text (self->incident_close_button,
                               can ? _("Close the incident with its resolution") : error->message);
}

gboolean
sn_incident_panel_can_manage (SnIncidentPanel  *self,
                              GError          **error)
{
  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), FALSE);

  return self->profile == NULL || sn_incident_store_check_manage (self->store, self->profile, error);
}

static void
sn_incident_panel_update (SnIncidentPanel *self)
{
  gboolean open = self->incident != NULL;

  gtk_stack_set_visible_child_name (self->stack, open ? "open" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "incident.add-note", open);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "incident.export", open);
  update_manage (self);

  if (open)
    {
      SnSeverity severity = sn_incident_get_severity (self->incident);
      g_autoptr(GDateTime) local = g_date_time_to_local (sn_incident_get_declared_at (self->incident));
      g_autofree char *at = g_date_time_format (local, "%H:%M");
      g_autofree char *declared = NULL;

      gtk_label_set_label (self->severity_label, sn_severity_to_string (severity));
      set_severity_look (GTK_WIDGET (self->severity_label), severity);
      set_severity_look (self->header_card, severity);
      gtk_label_set_label (self->title_label, sn_incident_get_title (self->incident));
      /* Translators: "Declared at 14:02 · Service down · incident 20260102-140200-demo" */
      declared = g_strdup_printf (_("Declared at %s · %s · %s"), at, sn_severity_get_impact (severity),
                                  sn_incident_get_id (self->incident));
      gtk_label_set_label (self->declared_label, declared);
    }
  tick (self);
}

/* Actions -------------------------------------------------------------------- */

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  SnIncidentPanel *self = SN_INCIDENT_PANEL (widget);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->note_entry));

  if (sn_incident_panel_add_note (self, text, NULL))
    gtk_editable_set_text (GTK_EDITABLE (self->note_entry), "");
}

static void
severity_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      SnIncidentPanel  *self)
{
  GtkDropDown *dropdown = g_object_get_data (G_OBJECT (dialog), "dropdown");
  GtkEditable *reason = g_object_get_data (G_OBJECT (dialog), "reason");

  if (g_strcmp0 (response, "change") != 0)
    return;
  sn_incident_panel_change_severity (self, (SnSeverity) (gtk_drop_down_get_selected (dropdown) + 1),
                                     gtk_editable_get_text (reason), NULL);
}

static void
change_severity_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  SnIncidentPanel *self = SN_INCIDENT_PANEL (widget);
  GtkWidget *dialog, *box, *dropdown, *reason;
  const char * const severities[] = { "SEV1", "SEV2", "SEV3", "SEV4", NULL };

  if (self->incident == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Change the Severity?"),
                                   _("The response clock restarts from the declaration with the new "
                                     "target. Say why: it goes into the timeline."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  dropdown = gtk_drop_down_new_from_strings (severities);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), sn_incident_get_severity (self->incident) - 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Severity"), -1);
  reason = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (reason), _("Reason"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (reason), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reason"), -1);
  gtk_box_append (GTK_BOX (box), dropdown);
  gtk_box_append (GTK_BOX (box), reason);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "change", _("_Change Severity"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "change", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "dropdown", dropdown);
  g_object_set_data (G_OBJECT (dialog), "reason", reason);
  g_signal_connect_object (dialog, "response", G_CALLBACK (severity_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
close_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SnIncidentPanel  *self)
{
  GtkEditable *resolution = g_object_get_data (G_OBJECT (dialog), "resolution");

  if (g_strcmp0 (response, "resolve") != 0)
    return;
  sn_incident_panel_resolve (self, gtk_editable_get_text (resolution), NULL);
}

static void
resolution_changed_cb (GtkEditable      *editable,
                       AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));

  adw_message_dialog_set_response_enabled (dialog, "resolve", *text != '\0');
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SnIncidentPanel *self = SN_INCIDENT_PANEL (widget);
  GtkWidget *dialog, *entry;

  if (self->incident == NULL)
    return;

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), _("Resolve the Incident?"),
                                   _("Say how it was resolved. The clock stops and the incident "
                                     "moves to the past incidents, ready for its postmortem."));
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Resolution"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Resolution"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "resolve", _("_Resolve"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "resolve", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "resolve", FALSE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "resolution", entry);
  g_signal_connect_object (entry, "changed", G_CALLBACK (resolution_changed_cb), dialog, 0);
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(SnIncidentPanel) self = user_data;
  SnIncident *incident = g_object_get_data (G_OBJECT (chooser), "incident");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path == NULL)
        sn_gui_toast (GTK_WIDGET (self), _("Choose a local file"));
      else
        sn_incident_panel_export (self, incident, path, &error);
    }
  g_object_unref (chooser);
}

static void
export_incident (SnIncidentPanel *self,
                 SnIncident      *incident)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (incident == NULL)
    return;

  name = g_strdup_printf ("postmortem-%s.md", sn_incident_get_id (incident));
  chooser = gtk_file_chooser_native_new (_("Export the Postmortem"),
                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data_full (G_OBJECT (chooser), "incident", g_object_ref (incident), g_object_unref);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SnIncidentPanel *self = SN_INCIDENT_PANEL (widget);

  export_incident (self, self->incident);
}

/* Runbook wizards: whichever window opened them ------------------------------ */

static void
wizard_finished_cb (SnRunbookWizard *wizard,
                    int              outcome,
                    SnIncidentPanel *self)
{
  SnRunner *runner = sn_runbook_wizard_get_runner (wizard);

  if (runner == NULL || self->profile == NULL ||
      g_strcmp0 (sn_profile_get_name (sn_runbook_wizard_get_profile (wizard)),
                 sn_profile_get_name (self->profile)) != 0)
    return;
  /* One entry per run, even with several windows on the profile. */
  if (g_object_get_data (G_OBJECT (runner), "sn-incident-recorded") != NULL)
    return;
  g_object_set_data (G_OBJECT (runner), "sn-incident-recorded", GINT_TO_POINTER (1));

  sn_incident_panel_record_run (self, runner, (SnRunOutcome) outcome);
}

static void
toplevels_changed_cb (SnIncidentPanel *self,
                      guint            position,
                      guint            removed,
                      guint            added,
                      GListModel      *toplevels)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (SN_IS_RUNBOOK_WIZARD (window))
        g_signal_connect_object (window, "finished", G_CALLBACK (wizard_finished_cb), self, 0);
    }
}

/* Object ----------------------------------------------------------------------- */

static void
sn_incident_panel_dispose (GObject *object)
{
  SnIncidentPanel *self = (SnIncidentPanel *)object;
  GtkWidget *child;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->past_list != NULL)
    gtk_list_box_bind_model (self->past_list, NULL, NULL, NULL, NULL);
  if (self->incident != NULL)
    g_signal_handlers_disconnect_by_data (self->incident, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_INCIDENT_PANEL);
  /* The children the template does not bind, like the separators. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->incident);
  g_clear_object (&self->profile);
  g_clear_object (&self->store);
  g_clear_object (&self->history);
  g_clear_object (&self->contacts);
  g_cancellable_cancel (self->secrets_cancellable);
  g_clear_object (&self->secrets_cancellable);
  g_clear_pointer (&self->secrets, g_strfreev);
  g_clear_pointer (&self->paris, g_time_zone_unref);

  G_OBJECT_CLASS (sn_incident_panel_parent_class)->dispose (object);
}

static void
sn_incident_panel_finalize (GObject *object)
{
  SnIncidentPanel *self = (SnIncidentPanel *)object;

  g_clear_pointer (&self->clock_text, g_free);

  G_OBJECT_CLASS (sn_incident_panel_parent_class)->finalize (object);
}

static void
sn_incident_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SnIncidentPanel *self = SN_INCIDENT_PANEL (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_INCIDENT:
      g_value_set_object (value, self->incident);
      break;
    case PROP_CLOCK_TEXT:
      g_value_set_string (value, self->clock_text != NULL ? self->clock_text : "");
      break;
    case PROP_CLOCK_MISSED:
      g_value_set_boolean (value, self->clock_missed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_incident_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SnIncidentPanel *self = SN_INCIDENT_PANEL (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      sn_incident_panel_set_profile (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_incident_panel_class_init (SnIncidentPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_incident_panel_dispose;
  object_class->finalize = sn_incident_panel_finalize;
  object_class->get_property = sn_incident_panel_get_property;
  object_class->set_property = sn_incident_panel_set_property;

  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, SN_TYPE_PROFILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SN_TYPE_INCIDENT_STORE,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, SN_TYPE_HEALTH_HISTORY,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_INCIDENT] =
    g_param_spec_object ("incident", NULL, NULL, SN_TYPE_INCIDENT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CLOCK_TEXT] =
    g_param_spec_string ("clock-text", NULL, NULL, "",
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CLOCK_MISSED] =
    g_param_spec_boolean ("clock-missed", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-incident-panel.ui");
  gtk_widget_class_set_css_name (widget_class, "snincidentpanel");
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, incident_change_severity_button);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, incident_close_button);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, header_card);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, severity_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, declared_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, clock_box);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, target_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, elapsed_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, paris_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, contacts_label);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, note_entry);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, timeline_view);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, timeline_scroller);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, past_stack);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, past_list);
  gtk_widget_class_bind_template_child (widget_class, SnIncidentPanel, redaction_label);

  gtk_widget_class_install_action (widget_class, "incident.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "incident.change-severity", NULL, change_severity_action);
  gtk_widget_class_install_action (widget_class, "incident.close", NULL, close_action);
  gtk_widget_class_install_action (widget_class, "incident.export", NULL, export_action);

  /* The timeline's rows, in sn-incident-panel.ui. */
  g_type_ensure (SN_TYPE_TIMELINE_ROW);
  g_type_ensure (SN_TYPE_TIMELINE_ENTRY);
}

static void
sn_incident_panel_init (SnIncidentPanel *self)
{
  GListModel *toplevels;
  g_autoptr(GError) error = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->last_state = SN_HEALTH_STATE_UNKNOWN;
  self->paris = g_time_zone_new_identifier ("Europe/Paris");
  if (self->paris == NULL)
    self->paris = g_time_zone_new_utc ();

  self->store = sn_incident_store_new (NULL);
  if (!sn_incident_store_load (self->store, &error))
    g_warning ("Incidents: %s", error->message);
  g_signal_connect_object (self->store, "notify::allow-read-only", G_CALLBACK (update_manage), self,
                           G_CONNECT_SWAPPED);
  /* Shared with Preferences, so edits there show here at once. */
  self->contacts = g_object_ref (sn_contact_book_get_default ());
  g_signal_connect_object (self->contacts, "items-changed", G_CALLBACK (contacts_changed_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_list_box_bind_model (self->past_list, G_LIST_MODEL (self->store), create_past_row, self, NULL);
  g_signal_connect_object (self->store, "items-changed", G_CALLBACK (store_changed_cb), self,
                           G_CONNECT_SWAPPED);
  store_changed_cb (self);

  g_signal_connect_object (self->note_entry, "activate", G_CALLBACK (add_note_action), self,
                           G_CONNECT_SWAPPED);

  toplevels = gtk_window_get_toplevels ();
  g_signal_connect_object (toplevels, "items-changed", G_CALLBACK (toplevels_changed_cb), self,
                           G_CONNECT_SWAPPED);
  toplevels_changed_cb (self, 0, 0, g_list_model_get_n_items (toplevels), toplevels);

  set_incident (self, NULL);
}

GtkWidget *
sn_incident_panel_new (void)
{
  return g_object_new (SN_TYPE_INCIDENT_PANEL, NULL);
}

SnProfile *
sn_incident_panel_get_profile (SnIncidentPanel *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), NULL);
  return self->profile;
}

/* The profile's secret values, looked up in a thread when the profile is
 * set (keyring calls block), go to the store: it redacts notes, reasons and
 * resolutions with them, and what was saved before they came is saved again
 * redacted. When some cannot be read the panel says so. */
static void
secrets_ready_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SnIncidentPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;
  char **values = sn_secret_store_dup_values_finish (SN_SECRET_STORE (object), result, &complete, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->profile == NULL)
    {
      g_strfreev (values);
      return;
    }
  g_strfreev (self->secrets);
  self->secrets = values != NULL ? values : g_new0 (char *, 1);
  if (!sn_incident_store_set_secrets (self->store, sn_profile_get_name (self->profile),
                                      (const char * const *) self->secrets, complete, &error))
    sn_gui_toast_error (GTK_WIDGET (self), error->message);
  gtk_widget_set_visible (self->redaction_label, !complete);
}

static void
load_secrets (SnIncidentPanel *self)
{
  g_cancellable_cancel (self->secrets_cancellable);
  g_clear_object (&self->secrets_cancellable);
  g_clear_pointer (&self->secrets, g_strfreev);
  gtk_widget_set_visible (self->redaction_label, FALSE);

  if (self->profile == NULL)
    return;

  self->secrets_cancellable = g_cancellable_new ();
  sn_secret_store_dup_values_async (sn_secret_store_get_default (), self->profile,
                                    self->secrets_cancellable, secrets_ready_cb,
                                    g_object_ref (self));
}

static void
load_profile_files (GtkWidget *widget)
{
  SnIncidentPanel *self = SN_INCIDENT_PANEL (widget);

  if (self->profile != NULL && self->history == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->history = sn_health_history_new (sn_profile_get_name (self->profile), NULL);
      if (!sn_health_history_load (self->history, &error))
        g_debug ("Health history: %s", error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
    }
  load_secrets (self);
  sn_incident_panel_reload (self);
}

void
sn_incident_panel_set_profile (SnIncidentPanel *self,
                               SnProfile       *profile)
{
  g_return_if_fail (SN_IS_INCIDENT_PANEL (self));
  g_return_if_fail (!profile || SN_IS_PROFILE (profile));

  if (!g_set_object (&self->profile, profile))
    return;

  g_clear_object (&self->history);
  self->last_state = SN_HEALTH_STATE_UNKNOWN;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
  /* The history and the incidents are read once the window is on screen. */
  sn_window_after_first_frame (GTK_WIDGET (self), load_profile_files);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
}

SnIncidentStore *
sn_incident_panel_get_store (SnIncidentPanel *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), NULL);
  return self->store;
}

SnHealthHistory *
sn_incident_panel_get_history (SnIncidentPanel *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), NULL);
  return self->history;
}

SnIncident *
sn_incident_panel_get_incident (SnIncidentPanel *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), NULL);
  return self->incident;
}

const char *
sn_incident_panel_get_clock_text (SnIncidentPanel *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), NULL);
  return self->clock_text != NULL ? self->clock_text : "";
}

gboolean
sn_incident_panel_get_clock_missed (SnIncidentPanel *self)
{
  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), FALSE);
  return self->clock_missed;
}

void
sn_incident_panel_reload (SnIncidentPanel *self)
{
  SnIncident *open = NULL;

  g_return_if_fail (SN_IS_INCIDENT_PANEL (self));

  if (self->profile != NULL)
    open = sn_incident_store_get_open (self->store, sn_profile_get_name (self->profile));
  set_incident (self, open);
}

void
sn_incident_panel_record_check (SnIncidentPanel *self,
                                SnHealthReport  *report)
{
  g_autoptr(GError) error = NULL;
  SnHealthState state;

  g_return_if_fail (SN_IS_INCIDENT_PANEL (self));
  g_return_if_fail (SN_IS_HEALTH_REPORT (report));

  if (self->history != NULL && !sn_health_history_record (self->history, report, &error))
    g_debug ("Health history: %s", error->message);

  state = sn_health_report_get_state (report);
  if (state != self->last_state && self->last_state != SN_HEALTH_STATE_UNKNOWN && self->incident != NULL)
    {
      /* A timed check is not a person responding: the clock keeps running. */
      sn_incident_add_health_change (self->incident, self->last_state, state,
                                     sn_health_report_get_summary (report));
      save (self, self->incident, NULL);
    }

  if (state == SN_HEALTH_STATE_UNHEALTHY && self->last_state != SN_HEALTH_STATE_UNHEALTHY)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

      if (root == NULL || !gtk_window_is_active (GTK_WINDOW (root)))
        {
          /* Translators: %s is a profile name */
          g_autofree char *title = g_strdup_printf (_("“%s” Is Unhealthy"),
                                                    self->profile != NULL ? sn_profile_get_name (self->profile) : "");

          notify_person (self, "health-unhealthy", title, sn_health_report_get_summary (report), TRUE);
        }
    }
  self->last_state = state;
}

void
sn_incident_panel_record_run (SnIncidentPanel *self,
                              SnRunner        *runner,
                              SnRunOutcome     outcome)
{
  g_return_if_fail (SN_IS_INCIDENT_PANEL (self));
  g_return_if_fail (SN_IS_RUNNER (runner));

  if (self->incident == NULL)
    return;

  sn_incident_add_run (self->incident, runner, outcome);
  save (self, self->incident, NULL);
  tick (self);
}

gboolean
sn_incident_panel_add_note (SnIncidentPanel  *self,
                            const char       *text,
                            GError          **error)
{
  g_autofree char *note = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), FALSE);

  note = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (self->incident == NULL || *note == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Write the note first"));
      return FALSE;
    }

  /* The store redacts it by value when saving. */
  sn_incident_add_entry (self->incident, SN_TIMELINE_KIND_NOTE, note, NULL, NULL);
  tick (self);
  return save (self, self->incident, error);
}

gboolean
sn_incident_panel_change_severity (SnIncidentPanel  *self,
                                   SnSeverity        severity,
                                   const char       *reason,
                                   GError          **error)
{
  g_autofree char *why = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), FALSE);

  why = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  if (self->incident == NULL || severity < SN_SEVERITY_SEV1 || severity > SN_SEVERITY_SEV4 || *why == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Choose a severity and say why"));
      sn_gui_toast (GTK_WIDGET (self), _("Choose a severity and say why"));
      return FALSE;
    }
  if (severity == sn_incident_get_severity (self->incident))
    return TRUE;

  /* The store checks the profile may re-grade, then saves. */
  if (!sn_incident_store_set_severity (self->store, self->profile, self->incident, severity, why, &local_error))
    {
      sn_gui_toast (GTK_WIDGET (self), local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  self->notified_soon = self->notified_missed = FALSE;
  sn_incident_panel_update (self);
  return TRUE;
}

gboolean
sn_incident_panel_resolve (SnIncidentPanel  *self,
                           const char       *resolution,
                           GError          **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SnIncident) incident = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), FALSE);

  text = g_strstrip (g_strdup (resolution != NULL ? resolution : ""));
  if (self->incident == NULL || *text == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Say how it was resolved"));
      return FALSE;
    }

  incident = g_object_ref (self->incident);
  if (!sn_incident_store_close (self->store, self->profile, incident, text, &local_error))
    {
      sn_gui_toast (GTK_WIDGET (self), local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  {
    /* Translators: %s is an incident id */
    g_autofree char *message = g_strdup_printf (_("Incident %s resolved"), sn_incident_get_id (incident));

    sn_gui_toast (GTK_WIDGET (self), message);
  }
  sn_incident_panel_reload (self);
  return TRUE;
}

gboolean
sn_incident_panel_export (SnIncidentPanel  *self,
                          SnIncident       *incident,
                          const char       *path,
                          GError          **error)
{
  g_auto(GStrv) secrets = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (SN_IS_INCIDENT_PANEL (self), FALSE);
  g_return_val_if_fail (SN_IS_INCIDENT (incident), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->profile != NULL &&
      g_strcmp0 (sn_profile_get_name (self->profile), sn_incident_get_profile (incident)) == 0)
    secrets = g_strdupv (self->secrets);

  if (!sn_postmortem_write (incident, path, (const char * const *) secrets, &local_error))
    {
      sn_gui_toast (GTK_WIDGET (self), local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  {
    /* Translators: %s is a file path */
    g_autofree char *message = g_strdup_printf (_("Postmortem saved to %s"), path);

    sn_gui_toast (GTK_WIDGET (self), message);
  }
  return TRUE;
}
