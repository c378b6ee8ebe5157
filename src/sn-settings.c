/* sn-settings.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-settings"

#include "config.h"

#include "sn-settings.h"

struct _SnSettings
{
  GObject    parent_instance;

  GSettings *settings;
};

enum {
  PROP_0,
  PROP_REFRESH_INTERVAL,
  PROP_LAST_PROFILE,
  PROP_WINDOW_WIDTH,
  PROP_WINDOW_HEIGHT,
  PROP_WINDOW_MAXIMIZED,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (SnSettings, sn_settings, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
sn_settings_changed_cb (SnSettings *self,
                        const char *key,
                        GSettings  *settings)
{
  GParamSpec *pspec;

  g_assert (SN_IS_SETTINGS (self));
  g_assert (G_IS_SETTINGS (settings));

  /* The property names are the keys. */
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), key);
  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

static void
sn_settings_finalize (GObject *object)
{
  SnSettings *self = (SnSettings *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sn_settings_parent_class)->finalize (object);
}

static void
sn_settings_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  SnSettings *self = SN_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_REFRESH_INTERVAL:
      g_value_set_uint (value, sn_settings_get_refresh_interval (self));
      break;

    case PROP_LAST_PROFILE:
      g_value_take_string (value, sn_settings_dup_last_profile (self));
      break;

    case PROP_WINDOW_WIDTH:
      g_value_set_int (value, sn_settings_get_window_width (self));
      break;

    case PROP_WINDOW_HEIGHT:
      g_value_set_int (value, sn_settings_get_window_height (self));
      break;

    case PROP_WINDOW_MAXIMIZED:
      g_value_set_boolean (value, sn_settings_get_window_maximized (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_settings_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  SnSettings *self = SN_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_REFRESH_INTERVAL:
      sn_settings_set_refresh_interval (self, g_value_get_uint (value));
      break;

    case PROP_LAST_PROFILE:
      sn_settings_set_last_profile (self, g_value_get_string (value));
      break;

    case PROP_WINDOW_WIDTH:
      g_settings_set_int (self->settings, SN_SETTINGS_KEY_WINDOW_WIDTH, g_value_get_int (value));
      break;

    case PROP_WINDOW_HEIGHT:
      g_settings_set_int (self->settings, SN_SETTINGS_KEY_WINDOW_HEIGHT, g_value_get_int (value));
      break;

    case PROP_WINDOW_MAXIMIZED:
      g_settings_set_boolean (self->settings, SN_SETTINGS_KEY_WINDOW_MAXIMIZED,
                              g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_settings_class_init (SnSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sn_settings_finalize;
  object_class->get_property = sn_settings_get_property;
  object_class->set_property = sn_settings_set_property;

  properties[PROP_REFRESH_INTERVAL] =
    g_param_spec_uint (SN_SETTINGS_KEY_REFRESH_INTERVAL, NULL, NULL,
                       5, 3600, 30,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LAST_PROFILE] =
    g_param_spec_string (SN_SETTINGS_KEY_LAST_PROFILE, NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_WINDOW_WIDTH] =
    g_param_spec_int (SN_SETTINGS_KEY_WINDOW_WIDTH, NULL, NULL,
                      G_MININT, G_MAXINT, 1100,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_WINDOW_HEIGHT] =
    g_param_spec_int (SN_SETTINGS_KEY_WINDOW_HEIGHT, NULL, NULL,
                      G_MININT, G_MAXINT, 760,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_WINDOW_MAXIMIZED] =
    g_param_spec_boolean (SN_SETTINGS_KEY_WINDOW_MAXIMIZED, NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sn_settings_init (SnSettings *self)
{
  self->settings = g_settings_new (APP_ID);

  g_signal_connect_object (self->settings,
                           "changed",
                           G_CALLBACK (sn_settings_changed_cb),
                           self,
                           G_CONNECT_SWAPPED);
}

SnSettings *
sn_settings_new (void)
{
  return g_object_new (SN_TYPE_SETTINGS, NULL);
}

/**
 * sn_settings_get_default:
 *
 * Returns: (transfer none): the settings shared by the whole process
 */
SnSettings *
sn_settings_get_default (void)
{
  static SnSettings *instance;

  if (g_once_init_enter (&instance))
    g_once_init_leave (&instance, sn_settings_new ());

  return instance;
}

GSettings *
sn_settings_get_gsettings (SnSettings *self)
{
  g_return_val_if_fail (SN_IS_SETTINGS (self), NULL);

  return self->settings;
}

guint
sn_settings_get_refresh_interval (SnSettings *self)
{
  g_return_val_if_fail (SN_IS_SETTINGS (self), 30);

  return g_settings_get_uint (self->settings, SN_SETTINGS_KEY_REFRESH_INTERVAL);
}

void
sn_settings_set_refresh_interval (SnSettings *self,
                                  guint       refresh_interval)
{
  g_return_if_fail (SN_IS_SETTINGS (self));

  g_settings_set_uint (self->settings, SN_SETTINGS_KEY_REFRESH_INTERVAL,
                       CLAMP (refresh_interval, 5, 3600));
}

char *
sn_settings_dup_last_profile (SnSettings *self)
{
  g_return_val_if_fail (SN_IS_SETTINGS (self), NULL);

  return g_settings_get_string (self->settings, SN_SETTINGS_KEY_LAST_PROFILE);
}

void
sn_settings_set_last_profile (SnSettings *self,
                              const char *last_profile)
{
  g_return_if_fail (SN_IS_SETTINGS (self));

  g_settings_set_string (self->settings, SN_SETTINGS_KEY_LAST_PROFILE,
                         last_profile != NULL ? last_profile : "");
}

int
sn_settings_get_window_width (SnSettings *self)
{
  g_return_val_if_fail (SN_IS_SETTINGS (self), 0);

  return g_settings_get_int (self->settings, SN_SETTINGS_KEY_WINDOW_WIDTH);
}

int
sn_settings_get_window_height (SnSettings *self)
{
  g_return_val_if_fail (SN_IS_SETTINGS (self), 0);

  return g_settings_get_int (self->settings, SN_SETTINGS_KEY_WINDOW_HEIGHT);
}

gboolean
sn_settings_get_window_maximized (SnSettings *self)
{
  g_return_val_if_fail (SN_IS_SETTINGS (self), FALSE);

  return g_settings_get_boolean (self->settings, SN_SETTINGS_KEY_WINDOW_MAXIMIZED);
}

void
sn_settings_set_window_state (SnSettings *self,
                              int         width,
                              int         height,
                              gboolean    maximized)
{
  g_return_if_fail (SN_IS_SETTINGS (self));

  g_settings_delay (self->settings);
  if (!maximized && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, SN_SETTINGS_KEY_WINDOW_WIDTH, width);
      g_settings_set_int (self->settings, SN_SETTINGS_KEY_WINDOW_HEIGHT, height);
    }
  g_settings_set_boolean (self->settings, SN_SETTINGS_KEY_WINDOW_MAXIMIZED, maximized);
  g_settings_apply (self->settings);
}

/**
 * sn_settings_get_scaling:
 *
 * Fills @scaling with the runbook's defaults, then the thresholds the
 * person set in the preferences (the scaling-* keys).
 */
void
sn_settings_get_scaling (SnSettings        *self,
                         SnScalingSettings *scaling)
{
  static const struct { const char *value; const char *minutes; } keys[SN_THRESHOLD_N] = {
    { "scaling-cpu-percent", "scaling-cpu-minutes" },
    { "scaling-ram-percent", "scaling-ram-minutes" },
    { "scaling-p95-seconds", "scaling-p95-minutes" },
    { "scaling-error-percent", "scaling-error-minutes" },
    { "scaling-db-percent", NULL },
  };

  g_return_if_fail (SN_IS_SETTINGS (self));

  sn_scaling_settings_init (scaling);
  for (guint i = 0; i < SN_THRESHOLD_N; i++)
    {
      scaling->limit[i] = g_settings_get_double (self->settings, keys[i].value);
      if (keys[i].minutes != NULL)
        scaling->duration[i] = 60 * g_settings_get_uint (self->settings, keys[i].minutes);
    }
  scaling->app_memory_mib = g_settings_get_uint (self->settings, "scaling-app-memory-mib");
}
