/* sn-ctl-util.c: errors, option parsing and profile lookup for narcisse-ctl
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

#include <stdio.h>

#include <glib-unix.h>

#include "sn-ctl.h"

/**
 * sn_ctl_printerr:
 *
 * Prints "narcisse-ctl: MESSAGE" and a newline on stderr: one plain
 * sentence, no GLib prefix.
 */
void
sn_ctl_printerr (const char *format,
                 ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("narcisse-ctl: %s\n", message);
}

void
sn_ctl_print_error (const GError *error)
{
  g_autofree char *message = NULL;
  char *newline;

  g_return_if_fail (error != NULL);

  /* One line, whatever a library put in the message. */
  message = g_strstrip (g_strdup (error->message));
  while ((newline = strchr (message, '\n')) != NULL)
    *newline = ' ';

  sn_ctl_printerr ("%s", message);
}

/**
 * sn_ctl_usage_error:
 *
 * Prints @message and the hint to read the help of @command (or of the
 * program when @command is %NULL).
 *
 * Returns: %SN_CTL_EXIT_FAILURE
 */
int
sn_ctl_usage_error (const char *command,
                    const char *message)
{
  g_autofree char *help = NULL;

  if (command != NULL)
    help = g_strdup_printf ("narcisse-ctl %s --help", command);
  else
    help = g_strdup ("narcisse-ctl --help");

  /* Translators: the first %s is an error such as "Unknown option --foo",
   * the second a command line. */
  sn_ctl_printerr (_("%s. Run “%s” for usage."), message, help);

  return SN_CTL_EXIT_FAILURE;
}

GOptionContext *
sn_ctl_option_context_new (const char         *command,
                           const char         *parameter_string,
                           const char         *summary,
                           const GOptionEntry *entries)
{
  GOptionContext *context;

  context = g_option_context_new (parameter_string);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return context;
}

/**
 * sn_ctl_parse_options:
 * @exit_status: (out): the status to exit with when this returns %FALSE
 *
 * Parses a command's options. "--help" prints the help and exits 0 inside
 * GOption; a usage error prints one line and returns %FALSE with
 * @exit_status set to 2.
 */
gboolean
sn_ctl_parse_options (GOptionContext   *context,
                      const char       *command,
                      int              *argc,
                      char           ***argv,
                      int              *exit_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (context != NULL, FALSE);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      message = g_strdup (error->message);
      /* GOption ends some messages with a period; the hint adds its own. */
      if (g_str_has_suffix (message, "."))
        message[strlen (message) - 1] = '\0';
      *exit_status = sn_ctl_usage_error (command, message);
      return FALSE;
    }

  *exit_status = SN_CTL_EXIT_OK;
  return TRUE;
}

/**
 * sn_ctl_load_profile_store:
 * @strict: whether a malformed profile file is an error
 *
 * Loads the profiles from the default directory. A missing directory is
 * an empty store. When not @strict, a malformed file is reported on stderr
 * and the good profiles are still listed.
 */
SnProfileStore *
sn_ctl_load_profile_store (gboolean   strict,
                           GError   **error)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *directory = NULL;

  directory = sn_profile_store_default_directory ();
  store = sn_profile_store_new (directory);

  if (!sn_profile_store_load (store, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&store);

      if (strict || !g_error_matches (local_error, SN_PROFILE_STORE_ERROR,
                                      SN_PROFILE_STORE_ERROR_MALFORMED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      sn_ctl_print_error (local_error);
    }

  return g_steal_pointer (&store);
}

/**
 * sn_ctl_resolve_profile:
 *
 * The profile named by --profile, else the only profile there is.
 *
 * Returns: (transfer full): the profile, or %NULL with @error set
 */
SnProfile *
sn_ctl_resolve_profile (SnCtl           *ctl,
                        SnProfileStore  *store,
                        GError         **error)
{
  SnProfile *profile;
  guint n_profiles;

  g_return_val_if_fail (ctl != NULL, NULL);
  g_return_val_if_fail (SN_IS_PROFILE_STORE (store), NULL);

  n_profiles = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (ctl->profile_name != NULL)
    {
      profile = sn_profile_store_lookup (store, ctl->profile_name);
      if (profile == NULL)
        {
          g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_NOT_FOUND,
                       _("No profile named “%s”. Run “narcisse-ctl profiles” to list them."),
                       ctl->profile_name);
          return NULL;
        }
      return g_object_ref (profile);
    }

  if (n_profiles == 1)
    return g_list_model_get_item (G_LIST_MODEL (store), 0);

  if (n_profiles == 0)
    g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_NOT_FOUND,
                 _("No profile yet. Create one in Narcisse Admin, or add a profile file to %s."),
                 sn_profile_store_get_directory (store));
  else
    g_set_error (error, SN_PROFILE_STORE_ERROR, SN_PROFILE_STORE_ERROR_NOT_FOUND,
                 _("There are %u profiles. Choose one with --profile NAME; "
                   "“narcisse-ctl profiles” lists them."),
                 n_profiles);

  return NULL;
}

/**
 * sn_ctl_open_profile:
 *
 * The profile the command line names (sn_ctl_resolve_profile()), from the
 * default profile store.
 *
 * Returns: (transfer full) (nullable): the profile, or %NULL after printing why not
 */
SnProfile *
sn_ctl_open_profile (SnCtl *ctl)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SnProfile *profile;

  if (!(store = sn_ctl_load_profile_store (FALSE, &error)) ||
      !(profile = sn_ctl_resolve_profile (ctl, store, &error)))
    {
      sn_ctl_print_error (error);
      return NULL;
    }
  return profile;
}

static gboolean
on_interrupt (gpointer user_data)
{
  g_printerr ("%s\n", _("Cancelling…"));
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

/**
 * sn_ctl_cancel_on_interrupt:
 *
 * Ctrl+C (SIGINT) says "Cancelling…" and cancels @cancellable, which must
 * outlive the watch.
 *
 * Returns: the watch's source id, for g_source_remove()
 */
guint
sn_ctl_cancel_on_interrupt (GCancellable *cancellable)
{
  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), 0);

  return g_unix_signal_add (SIGINT, on_interrupt, cancellable);
}

/**
 * sn_ctl_no_arguments:
 * @command: the command, for the message ("scaling status")
 * @exit_status: (out): set when this returns %FALSE
 *
 * Whether argv holds nothing after the command's name; if not, prints the
 * usage error naming the first extra argument.
 */
gboolean
sn_ctl_no_arguments (const char  *command,
                     int          argc,
                     char       **argv,
                     int         *exit_status)
{
  g_autofree char *message = NULL;

  if (argc <= 1)
    return TRUE;

  message = g_strdup_printf (_("Unexpected argument “%s”"), argv[1]);
  *exit_status = sn_ctl_usage_error (command, message);
  return FALSE;
}

const char *
sn_ctl_safety_level_nick (SnSafetyLevel level)
{
  GEnumClass *klass;
  GEnumValue *value;

  klass = g_type_class_ref (SN_TYPE_SAFETY_LEVEL);
  value = g_enum_get_value (klass, level);
  g_type_class_unref (klass);

  /* Nicks are static strings owned by the type. */
  return value != NULL ? value->value_nick : "?";
}

/* Columns counted in characters, so translated headers line up. */
guint
sn_ctl_text_width (const char *text)
{
  return text != NULL ? (guint) g_utf8_strlen (text, -1) : 0;
}

void
sn_ctl_print_padded (const char *text,
                     guint       width)
{
  guint len = sn_ctl_text_width (text);

  g_print ("%s", text != NULL ? text : "");
  for (; len < width; len++)
    g_print (" ");
}

void
sn_ctl_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *text = NULL;

  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);

  g_print ("%s\n", text);
}

/**
 * sn_ctl_lookup_subcommand:
 * @command: the command, for messages ("runbook")
 * @usage: (nullable): the translated usage line, printed for --help or no subcommand
 * @exit_status: set when %NULL is returned
 *
 * Returns: (nullable): the subcommand named by argv[1], or %NULL after
 *   printing the usage (--help: exit 0; none: exit 2) or the error for an
 *   unknown one (exit 2)
 */
const SnCtlSubcommand *
sn_ctl_lookup_subcommand (const char            *command,
                          const char            *usage,
                          const SnCtlSubcommand *subcommands,
                          guint                  n_subcommands,
                          int                    argc,
                          char                 **argv,
                          int                   *exit_status)
{
  g_autofree char *message = NULL;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      if (usage != NULL)
        g_print ("%s\n", usage);
      *exit_status = argc < 2 ? SN_CTL_EXIT_FAILURE : SN_CTL_EXIT_OK;
      return NULL;
    }

  for (guint i = 0; i < n_subcommands; i++)
    {
      if (g_str_equal (subcommands[i].name, argv[1]))
        return &subcommands[i];
    }

  /* Translators: the first %s is a command such as "runbook", the second what followed it. */
  message = g_strdup_printf (_("Unknown %s command “%s”"), command, argv[1]);
  *exit_status = sn_ctl_usage_error (command, message);
  return NULL;
}

/**
 * sn_ctl_run_subcommand:
 *
 * Looks the subcommand up and runs it with argv shifted by one, so that
 * its argv[0] is the subcommand's name.
 */
int
sn_ctl_run_subcommand (SnCtl                 *ctl,
                       const char            *command,
                       const char            *usage,
                       const SnCtlSubcommand *subcommands,
                       guint                  n_subcommands,
                       int                    argc,
                       char                 **argv)
{
  const SnCtlSubcommand *sub;
  int status;

  sub = sn_ctl_lookup_subcommand (command, usage, subcommands, n_subcommands, argc, argv, &status);
  if (sub == NULL)
    return status;

  return sub->run (ctl, argc - 1, argv + 1);
}
