/* test-french.c: the main views in French, as the direction reads them
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs the window in fr_FR.UTF-8 (a French desktop: LANG, not only
 * LANGUAGE), on the operator's profile and on the direction's read-only one,
 * with an incident and run reports recorded in English beforehand (as
 * narcisse-ctl run by an English-speaking operator leaves them). It visits
 * every page of the window, the Runbooks window and the profile editor and
 * fails on any English word in the visible text: a word of the app's English
 * messages (po/fr.po msgids) that no French translation uses, English dates
 * ("7 Dec 2026"), sizes ("637.3 kB") and decimal points. Proper nouns and the
 * demo's data are allowed by name. It also fails when a safety level label is
 * cut ("Lectur…").
 */

#define G_LOG_DOMAIN "test-french"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sn-incident-store.h"
#include "sn-test-gui.h"
#include "sn-test-stack.h"
#include "sn-types.h"
#include "sn-window.h"

/* Names, data and words that read the same in French. Lower case. */
static const char * const allowed[] = {
  "narcisse", "admin", "sweet", "postgresql", "postgres", "redis", "upstash", "ssh", "sshd",
  "docker", "compose", "next", "nextjs", "node", "github", "prometheus", "minio", "vps", "sql",
  "json", "csv", "markdown", "url", "http", "https", "api", "tls", "cpu", "ram", "demo", "localhost",
  "sev", "root", "stripe", "paypal", "sumup", "cron", "backup", "restore", "readonly", "app",
  "test", "web", "ping", "logs", "bookings", "booking", "boat", "boats", "total",
  NULL
};

/* What the server says in its own words, shown as it says it: the site's
 * health messages, `docker ps` states, the app's log lines. Not the app's
 * English: listed here so that anything else is caught. */
static const char * const server_texts[] = { "Database connected", "Redis connected", NULL };
/* The stack's tunnel-only key answers any command with this (stderr, quoted in a French error). */
#define SERVER_STDERR "narcisse: this SSH key only opens the database tunnel"
#define DOCKER_STATE "· (Up|Exited|Restarting|Created|Paused|Dead)\\b"

static GHashTable *english;    /* lower-case words only the English messages use */
static GPtrArray  *found;      /* "where: text" of each English find */

/* The catalog ------------------------------------------------------------- */

static void
add_words (GHashTable *words,
           const char *text)
{
  g_autofree char *plain = g_strdup (text);
  const char *p = plain;
  GString *word = g_string_new (NULL);

  /* Escapes and format codes are not words: "\nThe" is "The", "%s" nothing. */
  for (char *q = plain; *q != '\0'; q++)
    if ((*q == '\\' || *q == '%') && q[1] != '\0')
      q[0] = ' ', q[1] = ' ';

  for (;;)
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0 && g_unichar_isalpha (c))
        g_string_append_unichar (word, c);
      else
        {
          if (g_utf8_strlen (word->str, -1) >= 3)
            g_hash_table_add (words, g_utf8_strdown (word->str, -1));
          g_string_truncate (word, 0);
        }
      if (c == 0)
        break;
      p = g_utf8_next_char (p);
    }
  g_string_free (word, TRUE);
}

/* The words of the msgids that no msgstr has. */
static void
load_english_words (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("SN_SOURCE_DIR"), "po", "fr.po", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) strs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTable *current = NULL;
  GHashTableIter iter;
  gpointer word;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (g_str_has_prefix (line, "msgid"))
        current = ids;
      else if (g_str_has_prefix (line, "msgstr"))
        current = strs;
      else if (g_str_has_prefix (line, "msgctxt") || line[0] == '#')
        {
          current = NULL;
          continue;
        }
      if (current != NULL && strchr (line, '"') != NULL)
        add_words (current, strchr (line, '"'));
    }

  english = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_iter_init (&iter, ids);
  while (g_hash_table_iter_next (&iter, &word, NULL))
    if (!g_hash_table_contains (strs, word) && !g_strv_contains (allowed, word))
      g_hash_table_add (english, g_strdup (word));
  g_assert_cmpuint (g_hash_table_size (english), >, 200);
}

/* The English in @text, or NULL. */
static char *
english_in (const char *text)
{
  static GRegex *formats;
  static GRegex *paths;
  g_autofree char *without_paths = NULL;
  g_autoptr(GHashTable) words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  GHashTableIter iter;
  gpointer word;

  if (formats == NULL)
    /* English dates, units and decimal points around French words. */
    formats = g_regex_new ("\\b\\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\\b"
                           "|\\d\\s?(kB|KB|MB|GB|TB|bytes)\\b"
                           "|\\b(Ko|KiB|MiB|GiB)\\b"
                           "|\\d\\.\\d+\\s?(ko|Mo|Go|To|%|€|s)(\\s|$)"
                           "|€\\s?\\d",
                           G_REGEX_OPTIMIZE, 0, NULL);

  if (g_regex_match (formats, text, 0, &match))
    return g_match_info_fetch (match, 0);

  /* Paths, addresses and quoted commands are data: "…/narcisse-admin/backups/demo",
   * "« docker compose ps » a échoué". */
  if (paths == NULL)
    paths = g_regex_new ("\\S*[/@]\\S*|«[^»]*»", G_REGEX_OPTIMIZE, 0, NULL);
  without_paths = g_regex_replace_literal (paths, text, -1, 0, " ", 0, NULL);
  add_words (words, without_paths);
  g_hash_table_iter_init (&iter, words);
  while (g_hash_table_iter_next (&iter, &word, NULL))
    if (g_hash_table_contains (english, word))
      return g_strdup (word);
  return NULL;
}

/* The visible text -------------------------------------------------------- */

static gboolean
is_level_label (const char *text)
{
  return g_strcmp0 (text, _("Read-only")) == 0 || g_strcmp0 (text, _("Operator")) == 0 ||
         g_strcmp0 (text, _("Admin")) == 0;
}

static void
check_text (const char *where,
            const char *text)
{
  g_autofree char *bad = NULL;
  g_autofree char *own = NULL;

  if (text == NULL || *text == '\0' || g_strv_contains (server_texts, text) ||
      g_regex_match_simple (DOCKER_STATE, text, 0, 0) || strstr (text, SERVER_STDERR) != NULL)
    return;
  /* The server's words quoted inside a sentence of ours (a degraded service's
   * message in the summary) are its data; the rest must be French. */
  own = g_strdup (text);
  for (guint i = 0; server_texts[i] != NULL; i++)
    {
      char *at;

      while ((at = strstr (own, server_texts[i])) != NULL)
        memmove (at, at + strlen (server_texts[i]), strlen (at + strlen (server_texts[i])) + 1);
    }
  if ((bad = english_in (own)) != NULL)
    {
      g_autofree char *line = g_strdup_printf ("%s: “%s” in “%s”", where, bad, text);

      /* Once per text. */
      for (guint i = 0; i < found->len; i++)
        if (strstr (found->pdata[i], bad) != NULL && strstr (found->pdata[i], text) != NULL)
          return;
      g_test_message ("English %s", line);
      g_ptr_array_add (found, g_steal_pointer (&line));
    }
}

static void
scan (GtkWidget  *widget,
      const char *where)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  /* The app's own log lines, as the server sends them. */
  if ((GTK_IS_LIST_VIEW (widget) || GTK_IS_COLUMN_VIEW (widget)) &&
      gtk_widget_get_ancestor (widget, g_type_from_name ("SnLogsPanel")) != NULL)
    return;
  /* Tags and commit subjects, as git and GitHub give them. */
  if ((GTK_IS_LIST_VIEW (widget) || GTK_IS_COLUMN_VIEW (widget)) &&
      gtk_widget_get_ancestor (widget, g_type_from_name ("SnDeploymentsView")) != NULL)
    return;

  /* What a server holds, shown as it is (cache keys, Redis type names). */
  if (gtk_widget_has_css_class (widget, "sn-data"))
    return;

  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      check_text (where, text);
      /* A safety level is never cut: "Lectur…" says nothing. */
      if (is_level_label (text) && gtk_label_get_ellipsize (GTK_LABEL (widget)) != PANGO_ELLIPSIZE_NONE &&
          pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
        {
          g_autofree char *line = g_strdup_printf ("%s: the level “%s” is cut", where, text);

          g_test_message ("%s", line);
          g_ptr_array_add (found, g_steal_pointer (&line));
        }
    }
  else if (GTK_IS_INSCRIPTION (widget))
    check_text (where, gtk_inscription_get_text (GTK_INSCRIPTION (widget)));
  else if (GTK_IS_EDITABLE (widget) && !GTK_IS_TEXT (widget))
    return;   /* what a person typed, and the data */

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    scan (child, where);
}

static void
settle (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * G_TIME_SPAN_MILLISECOND;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

static void visit (GtkWidget *root, const char *where, guint depth);

/* Shows each page of @stack in turn, and what is inside it. */
static void
visit_pages (GtkWidget  *root,
             GtkWidget  *stack,
             const char *where,
             guint       depth)
{
  GtkSelectionModel *pages = ADW_IS_VIEW_STACK (stack)
                             ? adw_view_stack_get_pages (ADW_VIEW_STACK (stack))
                             : gtk_stack_get_pages (GTK_STACK (stack));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));
  GtkWidget *was = ADW_IS_VIEW_STACK (stack) ? adw_view_stack_get_visible_child (ADW_VIEW_STACK (stack))
                                             : gtk_stack_get_visible_child (GTK_STACK (stack));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child;
      const char *name;
      g_autofree char *here = NULL;

      if (ADW_IS_VIEW_STACK_PAGE (page))
        {
          child = adw_view_stack_page_get_child (ADW_VIEW_STACK_PAGE (page));
          name = adw_view_stack_page_get_name (ADW_VIEW_STACK_PAGE (page));
          if (!adw_view_stack_page_get_visible (ADW_VIEW_STACK_PAGE (page)))
            continue;
          adw_view_stack_set_visible_child (ADW_VIEW_STACK (stack), child);
        }
      else
        {
          child = gtk_stack_page_get_child (GTK_STACK_PAGE (page));
          name = gtk_stack_page_get_name (GTK_STACK_PAGE (page));
          if (!gtk_stack_page_get_visible (GTK_STACK_PAGE (page)))
            continue;
          gtk_stack_set_visible_child (GTK_STACK (stack), child);
        }
      here = g_strdup_printf ("%s/%s", where, name != NULL ? name : "?");
      settle (depth == 0 ? 3000 : 1500);
      visit (child, here, depth + 1);
    }
  g_object_unref (pages);

  if (was != NULL)
    {
      if (ADW_IS_VIEW_STACK (stack))
        adw_view_stack_set_visible_child (ADW_VIEW_STACK (stack), was);
      else
        gtk_stack_set_visible_child (GTK_STACK (stack), was);
    }
}

/* The navigable stacks under @widget: view stacks, and stacks whose pages have
 * titles (a switcher or sidebar shows them); other stacks are states. */
static void
find_stacks (GtkWidget *widget,
             GPtrArray *stacks)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (ADW_IS_VIEW_STACK (widget))
    {
      g_ptr_array_add (stacks, widget);
      return;
    }
  if (GTK_IS_STACK (widget))
    {
      GtkStackPage *page = gtk_stack_get_page (GTK_STACK (widget),
                                               gtk_stack_get_visible_child (GTK_STACK (widget)));

      if (page != NULL && gtk_stack_page_get_title (page) != NULL)
        {
          g_ptr_array_add (stacks, widget);
          return;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_stacks (child, stacks);
}

static void
visit (GtkWidget  *root,
       const char *where,
       guint       depth)
{
  g_autoptr(GPtrArray) stacks = g_ptr_array_new ();

  scan (root, where);
  if (depth >= 3)
    return;
  find_stacks (root, stacks);
  for (guint i = 0; i < stacks->len; i++)
    if (stacks->pdata[i] != root)
      visit_pages (root, stacks->pdata[i], where, depth);
}

/* What was recorded in English ----------------------------------------------- */

static void
use_language (const char *language)
{
  g_setenv ("LANGUAGE", language, TRUE);
  /* Makes gettext forget what it looked up in the other language. */
  textdomain (textdomain (NULL));
}

static void
record_in_english (const char *profile)
{
  g_autoptr(SnIncidentStore) store = sn_incident_store_new (NULL);
  g_autoptr(SnIncident) incident = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reports = g_build_filename (g_get_user_data_dir (), "narcisse-admin", "reports", NULL);
  g_autofree char *backup = g_build_filename (reports, "20261207-140500-backup-demo.md", NULL);
  g_autofree char *restart = g_build_filename (reports, "20261207-141000-restart-app-demo.md", NULL);

  use_language ("C");

  g_assert_true (sn_incident_store_load (store, NULL));
  /* What people type stays as typed: here, the team typed French. */
  incident = sn_incident_new (profile, "Réservations lentes", SN_SEVERITY_SEV3, SN_SEVERITY_SEV4,
                              "clients mécontents", NULL);
  sn_incident_set_severity (incident, SN_SEVERITY_SEV2, NULL, NULL);
  g_assert_true (sn_incident_store_save (store, incident, &error));
  g_assert_no_error (error);

  /* Two reports as a run in English writes them (sn-runner.c build_report). */
  g_assert_cmpint (g_mkdir_with_parents (reports, 0700), ==, 0);
  g_assert_true (g_file_set_contents (backup, "# Back up the database\n\n| | |\n|---|---|\n"
                                      "| Runbook | `backup` |\n| Result | **Succeeded** |\n", -1, NULL));
  g_assert_true (g_file_set_contents (restart, "# Restart the app\n\n| | |\n|---|---|\n"
                                      "| Runbook | `restart-app` |\n"
                                      "| Result | **Refused before any step ran** |\n", -1, NULL));

  use_language ("fr");
}

/* The tests --------------------------------------------------------------- */

static void
close_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  while (g_list_model_get_n_items (toplevels) > 0)
    {
      GtkWindow *window = g_list_model_get_item (toplevels, 0);

      /* The list of toplevels keeps it until it is destroyed. */
      g_object_unref (window);
      sn_test_destroy_window (window);
    }
}

static void
scan_toplevels (const char *where)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);
      g_autofree char *here = g_strdup_printf ("%s/%s", where, G_OBJECT_TYPE_NAME (window));

      if (gtk_widget_get_visible (GTK_WIDGET (window)))
        visit (GTK_WIDGET (window), here, 1);
    }
}

static void
run_french (SnProfile *profile)
{
  g_autoptr(SnProfileStore) store = NULL;
  g_autofree char *directory = sn_profile_store_default_directory ();
  const char *name = sn_profile_get_name (profile);
  SnWindow *window;

  found = g_ptr_array_new_with_free_func (g_free);
  record_in_english (name);

  store = sn_profile_store_new (directory);
  window = sn_window_new (NULL, store, name);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  settle (8000);   /* the first health check, the connections */

  visit (GTK_WIDGET (window), name, 0);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.runbooks", NULL);
  settle (2000);
  scan_toplevels (name);

  sn_window_edit_profile (window, sn_window_get_profile (window), FALSE);
  settle (2000);
  scan_toplevels (name);

  close_toplevels ();

  if (found->len > 0)
    {
      g_autofree char *all = NULL;

      g_ptr_array_add (found, NULL);
      all = g_strjoinv ("\n", (char **) found->pdata);
      g_error ("English in the French view of “%s”:\n%s", name, all);
    }
  g_clear_pointer (&found, g_ptr_array_unref);
}

static void
test_french_operator (void)
{
  g_autoptr(SnProfile) profile = sn_test_stack_profile ();

  run_french (profile);
}

static void
test_french_direction (void)
{
  g_autoptr(SnProfile) profile = sn_test_stack_ro_profile ();

  run_french (profile);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  /* A French desktop: the locale, not only the language. */
  g_setenv ("LANG", "fr_FR.UTF-8", TRUE);
  g_setenv ("LANGUAGE", "fr", TRUE);
  g_unsetenv ("LC_ALL");
  if (setlocale (LC_ALL, "") == NULL)
    g_error ("The fr_FR.UTF-8 locale is missing: tools/test generates it "
             "(localedef -i fr_FR -f UTF-8 fr_FR.UTF-8, as root)");
  localedir = g_getenv ("SN_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  sn_test_stack_up ();
  load_english_words ();

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init() sets a locale of its own (en_US.UTF-8 where it exists). */
  g_assert_nonnull (setlocale (LC_ALL, ""));
  adw_init ();

  g_test_add_func ("/sn/french/operator", test_french_operator);
  g_test_add_func ("/sn/french/direction", test_french_direction);

  return g_test_run ();
}
