/* sn-report-info.c: one of the business reports, as an item of a list
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The reports of sn-reports.c as a GListModel, for a list in a .ui file to
 * bind: "id", "title" and "description" (both translated). */

#define G_LOG_DOMAIN "sn-report-info"

#include "config.h"

#include "sn-report-info.h"
#include "sn-reports.h"

struct _SnReportInfo
{
  GObject     parent_instance;

  const char *id;
};

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnReportInfo, sn_report_info, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
sn_report_info_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  SnReportInfo *self = SN_REPORT_INFO (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, sn_report_info_get_id (self));
      break;

    case PROP_TITLE:
      g_value_set_string (value, sn_report_info_get_title (self));
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, sn_report_info_get_description (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_report_info_class_init (SnReportInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sn_report_info_get_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_report_info_init (SnReportInfo *self)
{
}

/**
 * sn_report_info_list_new:
 *
 * Returns: (transfer full): every report, in the runbook's order, as
 *   #SnReportInfo items
 */
GListModel *
sn_report_info_list_new (void)
{
  const char * const *ids = sn_reports_get_ids ();
  GListStore *store = g_list_store_new (SN_TYPE_REPORT_INFO);

  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(SnReportInfo) info = g_object_new (SN_TYPE_REPORT_INFO, NULL);

      info->id = ids[i];
      g_list_store_append (store, info);
    }

  return G_LIST_MODEL (store);
}

const char *
sn_report_info_get_id (SnReportInfo *self)
{
  g_return_val_if_fail (SN_IS_REPORT_INFO (self), NULL);

  return self->id;
}

/* Translated, like sn_reports_get_title(). */
const char *
sn_report_info_get_title (SnReportInfo *self)
{
  g_return_val_if_fail (SN_IS_REPORT_INFO (self), NULL);

  return sn_reports_get_title (self->id);
}

const char *
sn_report_info_get_description (SnReportInfo *self)
{
  g_return_val_if_fail (SN_IS_REPORT_INFO (self), NULL);

  return sn_reports_get_description (self->id);
}
