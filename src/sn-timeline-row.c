/* sn-timeline-row.c: one entry of an incident's timeline
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The time, an icon for the kind of entry, what happened and "kind · who
 * [· evidence]". The incident panel's list binds each row's "entry" to its
 * item in sn-incident-panel.ui. */

#define G_LOG_DOMAIN "sn-timeline-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sn-timeline-row.h"

struct _SnTimelineRow
{
  GtkWidget        parent_instance;

  SnTimelineEntry *entry;

  /* Template children */
  GtkLabel        *time_label;
  GtkImage        *icon;
  GtkLabel        *text_label;
  GtkLabel        *meta_label;
};

enum {
  PROP_0,
  PROP_ENTRY,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnTimelineRow, sn_timeline_row, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static const char *
kind_icon (SnTimelineKind kind)
{
  switch (kind)
    {
    case SN_TIMELINE_KIND_CHECK: return "network-server-symbolic";
    case SN_TIMELINE_KIND_RUNBOOK: return "view-list-bullet-symbolic";
    case SN_TIMELINE_KIND_COMMAND: return "utilities-terminal-symbolic";
    case SN_TIMELINE_KIND_NOTE: return "document-edit-symbolic";
    case SN_TIMELINE_KIND_SEVERITY: return "dialog-warning-symbolic";
    case SN_TIMELINE_KIND_STATE: return "object-select-symbolic";
    default: return "emblem-documents-symbolic";
    }
}

static void
show_entry (SnTimelineRow *self)
{
  SnTimelineEntry *entry = self->entry;
  g_autofree char *time_label = NULL;
  g_autofree char *kind_label = NULL;
  g_autofree char *meta_text = NULL;
  g_autofree char *entry_text = NULL;
  const char *evidence;

  if (entry == NULL)
    return;

  entry_text = sn_timeline_entry_dup_text (entry);
  evidence = sn_timeline_entry_get_evidence (entry);
  g_object_get (entry, "time-label", &time_label, "kind-label", &kind_label, NULL);
  gtk_label_set_label (self->time_label, time_label);
  gtk_image_set_from_icon_name (self->icon, kind_icon (sn_timeline_entry_get_kind (entry)));
  gtk_label_set_label (self->text_label, entry_text);
  if (evidence != NULL)
    /* Translators: a timeline entry's kind, who, and the report it refers to */
    meta_text = g_strdup_printf (_("%s · %s · %s"), kind_label, sn_timeline_entry_get_operator (entry), evidence);
  else
    /* Translators: a timeline entry's kind and who */
    meta_text = g_strdup_printf (_("%s · %s"), kind_label, sn_timeline_entry_get_operator (entry));
  gtk_label_set_label (self->meta_label, meta_text);
}

static void
sn_timeline_row_dispose (GObject *object)
{
  SnTimelineRow *self = (SnTimelineRow *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), SN_TYPE_TIMELINE_ROW);
  /* The template's root is not bound to a field: unparent it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->entry);

  G_OBJECT_CLASS (sn_timeline_row_parent_class)->dispose (object);
}

static void
sn_timeline_row_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SnTimelineRow *self = SN_TIMELINE_ROW (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_timeline_row_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SnTimelineRow *self = SN_TIMELINE_ROW (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      sn_timeline_row_set_entry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_timeline_row_class_init (SnTimelineRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sn_timeline_row_dispose;
  object_class->get_property = sn_timeline_row_get_property;
  object_class->set_property = sn_timeline_row_set_property;

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL, SN_TYPE_TIMELINE_ENTRY,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/ui/sn-timeline-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SnTimelineRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, SnTimelineRow, icon);
  gtk_widget_class_bind_template_child (widget_class, SnTimelineRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, SnTimelineRow, meta_label);
}

static void
sn_timeline_row_init (SnTimelineRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sn_timeline_row_get_entry:
 *
 * Returns: (transfer none) (nullable): the entry shown
 */
SnTimelineEntry *
sn_timeline_row_get_entry (SnTimelineRow *self)
{
  g_return_val_if_fail (SN_IS_TIMELINE_ROW (self), NULL);

  return self->entry;
}

void
sn_timeline_row_set_entry (SnTimelineRow   *self,
                           SnTimelineEntry *entry)
{
  g_return_if_fail (SN_IS_TIMELINE_ROW (self));
  g_return_if_fail (entry == NULL || SN_IS_TIMELINE_ENTRY (entry));

  if (!g_set_object (&self->entry, entry))
    return;

  show_entry (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
}
