/* test-maintenance-pages.c: the login secret page and the environment audit page on the stack
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "test-maintenance-pages"

#include "config.h"

#include "sn-maintenance-env-page.h"
#include "sn-maintenance-secrets-page.h"
#include "sn-runbook-wizard.h"
#include "sn-test-gui.h"
#include "sn-test-stack.h"

static GtkWindow *
window_with (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1000, 700);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  return window;
}

static gboolean
status_loaded (gpointer data)
{
  return !sn_maintenance_secrets_page_get_busy (data) && sn_maintenance_secrets_page_get_status (data) != NULL;
}

static gboolean
not_busy (gpointer data)
{
  return !sn_maintenance_secrets_page_get_busy (data);
}

static void
test_secrets_page (void)
{
  SnProfile *profile = sn_test_stack_profile ();
  g_autoptr(SnConnection) connection = sn_connection_new (profile);
  SnMaintenanceSecretsPage *page = SN_MAINTENANCE_SECRETS_PAGE (sn_maintenance_secrets_page_new ());
  GtkWindow *window = window_with (GTK_WIDGET (page));
  g_autofree char *fingerprint = sn_maintenance_secret_fingerprint (sn_test_stack_get ("NEXTAUTH_SECRET"));
  GtkWidget *row;
  GtkWindow *wizard;

  sn_maintenance_secrets_page_set_profile (page, profile);
  sn_maintenance_secrets_page_set_connection (page, connection);
  sn_area_page_refresh (SN_AREA_PAGE (page));
  g_assert_true (sn_test_wait_until (status_loaded, page, 30000));

  g_assert_cmpstr (sn_secret_status_get_file_fingerprint (sn_maintenance_secrets_page_get_status (page)), ==,
                   fingerprint);
  row = sn_test_find_named (window, "secrets-file-row");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), fingerprint));
  row = sn_test_find_named (window, "secrets-app-row");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "the file’s"));
  row = sn_test_find_named (window, "secrets-rotation-row");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "no rotation on record"));
  sn_test_screenshot (window, "maintenance-secrets-page.png");

  /* The other critical secrets: one expander each, with the steps to follow by hand. */
  g_assert_nonnull (sn_test_find_named (window, "secrets-manual-steps"));
  row = sn_test_find_named (window, "STRIPE_SECRET_KEY");
  g_assert_true (ADW_IS_EXPANDER_ROW (row));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "Stripe"));
  g_assert_true (ADW_IS_EXPANDER_ROW (sn_test_find_named (window, "POSTGRES_PASSWORD")));
  g_assert_true (ADW_IS_EXPANDER_ROW (sn_test_find_named (window, "MONITORING_API_KEY")));

  /* An operator sees Rotate…, which opens the wizard on the runbook. */
  g_assert_true (gtk_widget_is_visible (sn_test_find_named (window, "secrets-rotate-button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "secrets.rotate", NULL));
  wizard = sn_maintenance_secrets_page_get_wizard (page);
  g_assert_nonnull (wizard);
  g_assert_cmpstr (sn_runbook_get_id (sn_runbook_wizard_get_runbook (SN_RUNBOOK_WIZARD (wizard))), ==,
                   "secret-rotate");
  sn_test_destroy_window (wizard);
  sn_test_destroy_window (window);
}

static void
test_secrets_page_read_only (void)
{
  SnProfile *profile = sn_test_stack_ro_profile ();
  g_autoptr(SnConnection) connection = sn_connection_new (profile);
  SnMaintenanceSecretsPage *page = SN_MAINTENANCE_SECRETS_PAGE (sn_maintenance_secrets_page_new ());
  GtkWindow *window = window_with (GTK_WIDGET (page));

  sn_maintenance_secrets_page_set_profile (page, profile);
  sn_maintenance_secrets_page_set_connection (page, connection);
  sn_area_page_refresh (SN_AREA_PAGE (page));
  g_assert_true (sn_test_wait_until (not_busy, page, 30000));

  /* Status only: no Rotate…, and the action does nothing. */
  g_assert_false (gtk_widget_is_visible (sn_test_find_named (window, "secrets-rotate-button")));
  gtk_widget_activate_action (GTK_WIDGET (page), "secrets.rotate", NULL);
  g_assert_null (sn_maintenance_secrets_page_get_wizard (page));
  sn_test_destroy_window (window);
}

static gboolean
audit_loaded (gpointer data)
{
  return !sn_maintenance_env_page_get_busy (data) && sn_maintenance_env_page_get_audit (data) != NULL;
}

static void
test_env_page (void)
{
  SnProfile *profile = sn_test_stack_profile ();
  g_autoptr(SnConnection) connection = sn_connection_new (profile);
  SnMaintenanceEnvPage *page = SN_MAINTENANCE_ENV_PAGE (sn_maintenance_env_page_new ());
  GtkWindow *window = window_with (GTK_WIDGET (page));
  GtkColumnView *variables;
  g_autoptr(GtkColumnViewColumn) name_column = NULL;
  GListModel *model;
  gboolean found = FALSE;

  sn_maintenance_env_page_set_profile (page, profile);
  sn_maintenance_env_page_set_connection (page, connection);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "page.refresh", NULL));
  g_assert_true (sn_test_wait_until (audit_loaded, page, 30000));

  variables = GTK_COLUMN_VIEW (sn_test_find_named (window, "env-variables"));
  g_assert_nonnull (variables);
  model = G_LIST_MODEL (gtk_column_view_get_model (variables));
  g_assert_cmpuint (g_list_model_get_n_items (model), >, 10);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(SnEnvItem) item = g_list_model_get_item (model, i);

      if (g_str_equal (sn_env_item_get_name (item), "NEXTAUTH_SECRET"))
        found = sn_env_item_get_state (item) == SN_ENV_STATE_OK;
    }
  g_assert_true (found);
  sn_test_screenshot (window, "maintenance-env-page.png");

  /* Sorting by the first column, from the .ui's sorter. */
  name_column = g_list_model_get_item (gtk_column_view_get_columns (variables), 0);
  g_assert_nonnull (gtk_column_view_column_get_sorter (name_column));
  gtk_column_view_sort_by_column (variables, name_column, GTK_SORT_ASCENDING);
  {
    g_autoptr(SnEnvItem) first = g_list_model_get_item (model, 0);
    g_autoptr(SnEnvItem) second = g_list_model_get_item (model, 1);

    g_assert_cmpint (g_strcmp0 (sn_env_item_get_name (first), sn_env_item_get_name (second)), <, 0);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (gtk_column_view_get_model (
                      GTK_COLUMN_VIEW (sn_test_find_named (window, "env-ports"))))), >, 5);
  sn_test_destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display\n");
      return 0;
    }

  g_setenv ("LANGUAGE", "C", TRUE);
  sn_test_stack_up ();

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/sn/maintenance/secrets-page", test_secrets_page);
  g_test_add_func ("/sn/maintenance/secrets-page-read-only", test_secrets_page_read_only);
  g_test_add_func ("/sn/maintenance/env-page", test_env_page);

  return g_test_run ();
}
