/* sn-report-total.c: one total of a report's result, as an item of a list
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Reports page shows a report's totals as cards: a model of them, with
 * "label" and "value" properties, that its flow box binds. */

#define G_LOG_DOMAIN "sn-report-total"

#include "config.h"

#include "sn-report-total.h"

struct _SnReportTotal
{
  GObject  parent_instance;

  char    *label;
  char    *value;
  guint    column;
};

enum {
  PROP_0,
  PROP_LABEL,
  PROP_VALUE,
  PROP_COLUMN,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnReportTotal, sn_report_total, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
sn_report_total_finalize (GObject *object)
{
  SnReportTotal *self = (SnReportTotal *)object;

  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->value, g_free);

  G_OBJECT_CLASS (sn_report_total_parent_class)->finalize (object);
}

static void
sn_report_total_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SnReportTotal *self = SN_REPORT_TOTAL (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;

    case PROP_COLUMN:
      g_value_set_uint (value, self->column);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_report_total_class_init (SnReportTotalClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_report_total_finalize;
  object_class->get_property = sn_report_total_get_property;

  properties[PROP_LABEL] = g_param_spec_string ("label", NULL, NULL, NULL, flags);
  properties[PROP_VALUE] = g_param_spec_string ("value", NULL, NULL, NULL, flags);
  properties[PROP_COLUMN] = g_param_spec_uint ("column", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_report_total_init (SnReportTotal *self)
{
}

const char *
sn_report_total_get_label (SnReportTotal *self)
{
  g_return_val_if_fail (SN_IS_REPORT_TOTAL (self), NULL);

  return self->label;
}

const char *
sn_report_total_get_value (SnReportTotal *self)
{
  g_return_val_if_fail (SN_IS_REPORT_TOTAL (self), NULL);

  return self->value;
}

guint
sn_report_total_get_column (SnReportTotal *self)
{
  g_return_val_if_fail (SN_IS_REPORT_TOTAL (self), 0);

  return self->column;
}

/**
 * sn_report_result_dup_totals:
 *
 * Returns: (transfer full): a model of SnReportTotal, empty when the report
 *   has no totals
 */
GListModel *
sn_report_result_dup_totals (SnReportResult *result,
                             gboolean        french)
{
  GListStore *store;
  guint n_columns;

  g_return_val_if_fail (SN_IS_REPORT_RESULT (result), NULL);

  store = g_list_store_new (SN_TYPE_REPORT_TOTAL);
  n_columns = sn_report_result_get_n_columns (result);
  for (guint c = 0; c < n_columns; c++)
    {
      g_autofree char *value = sn_report_result_dup_total_display (result, c, french);
      g_autoptr(SnReportTotal) total = NULL;

      if (*value == '\0')
        continue;

      total = g_object_new (SN_TYPE_REPORT_TOTAL, NULL);
      total->label = g_strdup (sn_report_result_get_column_label (result, c));
      total->value = g_steal_pointer (&value);
      total->column = c;
      g_list_store_append (store, total);
    }

  return G_LIST_MODEL (store);
}
