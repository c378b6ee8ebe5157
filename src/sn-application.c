/* sn-application.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-application"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sn-application.h"
#include "sn-preferences-window.h"
#include "sn-window.h"

struct _SnApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (SnApplication, sn_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "profile", 'p', 0, G_OPTION_ARG_STRING, NULL,
    N_("Open on the profile named NAME"), N_("NAME") },
  { NULL }
};

static SnWindow *
sn_application_get_main_window (SnApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    {
      if (SN_IS_WINDOW (l->data))
        return l->data;
    }

  return NULL;
}

/* SN_EXIT_AFTER_FIRST_FRAME=1 (tests/bench/bench-start): print
 * "first-frame PEAK_RSS_KIB" once the window's first frame is painted, then
 * quit, so start-up is measured the same way as a minimal window's. */
static void
first_frame_cb (GdkFrameClock *clock,
                GApplication  *app)
{
  g_autofree char *status = NULL;
  const char *hwm;

  g_signal_handlers_disconnect_by_func (clock, first_frame_cb, app);
  if (g_file_get_contents ("/proc/self/status", &status, NULL, NULL) &&
      (hwm = strstr (status, "VmHWM:")) != NULL)
    g_print ("first-frame %ld\n", strtol (hwm + strlen ("VmHWM:"), NULL, 10));
  else
    g_print ("first-frame 0\n");
  fflush (stdout);
  g_application_quit (app);
}

static void
sn_application_open_window (SnApplication *self,
                            const char    *profile)
{
  SnWindow *window = sn_application_get_main_window (self);

  if (window == NULL)
    window = sn_window_new (GTK_APPLICATION (self), NULL, profile);
  else if (profile != NULL && !sn_window_select_profile (window, profile))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is a profile name given on the command line */
      message = g_strdup_printf (_("No profile is named “%s”"), profile);
      sn_window_show_error (window, message);
    }

  gtk_window_present (GTK_WINDOW (window));

  if (g_strcmp0 (g_getenv ("SN_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
    g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                      G_CALLBACK (first_frame_cb), self);
}

static void
sn_application_activate (GApplication *app)
{
  sn_application_open_window (SN_APPLICATION (app), NULL);
}

static int
sn_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *profile = NULL;

  g_variant_dict_lookup (options, "profile", "&s", &profile);
  sn_application_open_window (SN_APPLICATION (app), profile);

  return EXIT_SUCCESS;
}

static void
sn_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  SnApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Close the windows so they save their size, then quit. */
  for (GList *l = windows; l != NULL; l = windows)
    {
      windows = l->next;
      gtk_window_close (l->data);
    }

  g_application_quit (G_APPLICATION (self));
}

static void
sn_application_preferences_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  SnApplication *self = user_data;
  SnPreferencesWindow *preferences;

  preferences = sn_preferences_window_new (sn_application_get_main_window (self));
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
sn_application_shortcuts_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  SnApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkApplicationWindow *app_window;

  if (!GTK_IS_APPLICATION_WINDOW (window))
    return;

  /* Built the first time it is asked for: as gtk/help-overlay.ui,
   * GtkApplication would build it with every window, before its first
   * frame (~15 ms, #21). */
  app_window = GTK_APPLICATION_WINDOW (window);
  if (gtk_application_window_get_help_overlay (app_window) == NULL)
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE "/ui/sn-shortcuts-window.ui");

      gtk_application_window_set_help_overlay (app_window,
                                               GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder,
                                                                                             "help_overlay")));
    }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
sn_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  static const char *developers[] = { "Sweet Narcisse", NULL };
  SnApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", _("Narcisse Admin"),
                         "application-icon", APP_ID,
                         "developer-name", "Sweet Narcisse",
                         "version", PACKAGE_VERSION,
                         "comments", _("Run the Sweet Narcisse runbooks without a terminal: "
                                       "health, deployments, database, cache and incidents."),
                         "website", "https://www.sweet-narcisse.com",
                         "developers", developers,
                         "copyright", "© 2026 Sweet Narcisse",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", sn_application_quit_action },
  { "preferences", sn_application_preferences_action },
  { "shortcuts", sn_application_shortcuts_action },
  { "about", sn_application_about_action },
};

static void
sn_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Primary>q", NULL };
  static const char *preferences_accels[] = { "<Primary>comma", NULL };
  static const char *refresh_accels[] = { "F5", "<Primary>r", NULL };
  static const char *shortcuts_accels[] = { "<Primary>question", NULL };
  SnApplication *self = SN_APPLICATION (app);

  G_APPLICATION_CLASS (sn_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", shortcuts_accels);
}

static void
sn_application_class_init (SnApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = sn_application_activate;
  app_class->command_line = sn_application_command_line;
  app_class->startup = sn_application_startup;
}

static void
sn_application_init (SnApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Administer the Sweet Narcisse booking site."));
}

SnApplication *
sn_application_new (void)
{
  return g_object_new (SN_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}
