/* sn-ctl-profiles.c: narcisse-ctl profiles
 *
 * Copyright 2026 Sweet Narcisse
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation, either version 3 of the License, or
 * (at your option) any later version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-ctl"

#include "config.h"

#include "sn-ctl.h"

static JsonNode *
profiles_to_json (GListModel *profiles)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint n_items = g_list_model_get_n_items (profiles);

  json_builder_begin_array (builder);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SnProfile) profile = g_list_model_get_item (profiles, i);
      g_auto(GStrv) warnings = sn_profile_dup_credential_warnings (profile);
      const char *site_url = sn_profile_get_site_url (profile);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, sn_profile_get_name (profile));
      json_builder_set_member_name (builder, "production");
      json_builder_add_boolean_value (builder, sn_profile_get_production (profile));
      json_builder_set_member_name (builder, "safety-level");
      json_builder_add_string_value (builder,
                                     sn_ctl_safety_level_nick (sn_profile_get_safety_level (profile)));
      json_builder_set_member_name (builder, "site-url");
      if (site_url != NULL)
        json_builder_add_string_value (builder, site_url);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "credential-warnings");
      json_builder_begin_array (builder);
      for (guint w = 0; warnings[w] != NULL; w++)
        json_builder_add_string_value (builder, warnings[w]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
print_profiles_table (GListModel *profiles)
{
  const char *headers[4];
  guint widths[4];
  guint n_items = g_list_model_get_n_items (profiles);

  /* Translators: column headers of "narcisse-ctl profiles". */
  headers[0] = _("NAME");
  headers[1] = _("PRODUCTION");
  headers[2] = _("SAFETY LEVEL");
  headers[3] = _("SITE URL");
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    widths[c] = sn_ctl_text_width (headers[c]);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SnProfile) profile = g_list_model_get_item (profiles, i);
      const char *nick = sn_ctl_safety_level_nick (sn_profile_get_safety_level (profile));

      widths[0] = MAX (widths[0], sn_ctl_text_width (sn_profile_get_name (profile)));
      widths[1] = MAX (widths[1], sn_ctl_text_width (sn_profile_get_production (profile)
                                                     ? _("yes") : _("no")));
      widths[2] = MAX (widths[2], sn_ctl_text_width (nick));
    }

  for (guint c = 0; c < 3; c++)
    {
      sn_ctl_print_padded (headers[c], widths[c] + 2);
    }
  g_print ("%s\n", headers[3]);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SnProfile) profile = g_list_model_get_item (profiles, i);
      const char *site_url = sn_profile_get_site_url (profile);

      sn_ctl_print_padded (sn_profile_get_name (profile), widths[0] + 2);
      sn_ctl_print_padded (sn_profile_get_production (profile) ? _("yes") : _("no"),
                           widths[1] + 2);
      sn_ctl_print_padded (sn_ctl_safety_level_nick (sn_profile_get_safety_level (profile)),
                           widths[2] + 2);
      g_print ("%s\n", site_url != NULL && *site_url != '\0' ? site_url : "—");
    }
}

/* A read-only level is only as strong as the credentials behind it. */
static void
print_credential_warnings (GListModel *profiles)
{
  guint n_items = g_list_model_get_n_items (profiles);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(SnProfile) profile = g_list_model_get_item (profiles, i);
      g_auto(GStrv) warnings = sn_profile_dup_credential_warnings (profile);

      for (guint w = 0; warnings[w] != NULL; w++)
        /* Translators: a profile's name, then a sentence about its credentials */
        g_print (_("\nWarning, “%s”: %s\n"), sn_profile_get_name (profile), warnings[w]);
    }
}

int
sn_ctl_profiles (SnCtl  *ctl,
                 int     argc,
                 char  **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean as_json = FALSE;
  int status;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json,
      N_("Print the profiles as a JSON array"), NULL },
    { NULL }
  };

  context = sn_ctl_option_context_new ("profiles", NULL,
                                       _("List the profiles: name, production flag, "
                                         "safety level and site URL."),
                                       entries);
  if (!sn_ctl_parse_options (context, "profiles", &argc, &argv, &status))
    return status;

  if (!sn_ctl_no_arguments ("profiles", argc, argv, &status))
    return status;

  store = sn_ctl_load_profile_store (FALSE, &error);
  if (store == NULL)
    {
      sn_ctl_print_error (error);
      return SN_CTL_EXIT_FAILURE;
    }

  if (as_json)
    {
      g_autoptr(JsonNode) node = profiles_to_json (G_LIST_MODEL (store));

      sn_ctl_print_json (node);
    }
  else if (g_list_model_get_n_items (G_LIST_MODEL (store)) == 0)
    {
      g_print (_("No profile yet. Create one in Narcisse Admin, or add a profile file to %s.\n"),
               sn_profile_store_get_directory (store));
    }
  else
    {
      print_profiles_table (G_LIST_MODEL (store));
      print_credential_warnings (G_LIST_MODEL (store));
    }

  return SN_CTL_EXIT_OK;
}
