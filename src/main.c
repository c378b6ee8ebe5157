/* main.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "narcisse-admin"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sn-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SnApplication) app = NULL;
  const char *localedir;

  /* SN_LOCALEDIR lets tests use the catalogues in the build tree. */
  localedir = g_getenv ("SN_LOCALEDIR");
  if (localedir == NULL || *localedir == '\0')
    localedir = LOCALEDIR;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Narcisse Admin"));

  app = sn_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
