/* sn-contacts.c: emergency contacts (runbook §1.4) and who to call now
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-contacts"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sn-contacts.h"

struct _SnContact
{
  GObject        parent_instance;
  char          *name;
  char          *address;
  SnContactRole  role;
  guint          from_hour;
  guint          to_hour;
};

G_DEFINE_FINAL_TYPE (SnContact, sn_contact, G_TYPE_OBJECT)

enum {
  CONTACT_PROP_0,
  CONTACT_PROP_ROLE,
  CONTACT_PROP_ROLE_LABEL,
  CONTACT_PROP_NAME,
  CONTACT_PROP_ADDRESS,
  CONTACT_PROP_FROM_HOUR,
  CONTACT_PROP_TO_HOUR,
  CONTACT_PROP_AVAILABILITY,
  CONTACT_N_PROPS
};

static GParamSpec *contact_properties[CONTACT_N_PROPS];

static const char *role_nicks[] = { "on-call", "escalation", "provider" };

const char *
sn_contact_role_get_label (SnContactRole role)
{
  switch (role)
    {
    case SN_CONTACT_ROLE_ON_CALL: return _("Primary on-call");
    case SN_CONTACT_ROLE_ESCALATION: return _("Escalation");
    case SN_CONTACT_ROLE_PROVIDER: return _("Hosting provider");
    default: return "";
    }
}

static void
sn_contact_finalize (GObject *object)
{
  SnContact *self = SN_CONTACT (object);

  g_free (self->name);
  g_free (self->address);
  G_OBJECT_CLASS (sn_contact_parent_class)->finalize (object);
}

static void
sn_contact_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SnContact *self = SN_CONTACT (object);

  switch (prop_id)
    {
    case CONTACT_PROP_ROLE: g_value_set_int (value, self->role); break;
    case CONTACT_PROP_ROLE_LABEL: g_value_set_string (value, sn_contact_role_get_label (self->role)); break;
    case CONTACT_PROP_NAME: g_value_set_string (value, self->name); break;
    case CONTACT_PROP_ADDRESS: g_value_set_string (value, self->address); break;
    case CONTACT_PROP_FROM_HOUR: g_value_set_uint (value, self->from_hour); break;
    case CONTACT_PROP_TO_HOUR: g_value_set_uint (value, self->to_hour); break;
    case CONTACT_PROP_AVAILABILITY: g_value_take_string (value, sn_contact_dup_availability (self)); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sn_contact_class_init (SnContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = sn_contact_finalize;
  object_class->get_property = sn_contact_get_property;

  contact_properties[CONTACT_PROP_ROLE] = g_param_spec_int ("role", NULL, NULL, 0, 2, 0, flags);
  contact_properties[CONTACT_PROP_ROLE_LABEL] = g_param_spec_string ("role-label", NULL, NULL, NULL, flags);
  contact_properties[CONTACT_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  contact_properties[CONTACT_PROP_ADDRESS] = g_param_spec_string ("address", NULL, NULL, NULL, flags);
  contact_properties[CONTACT_PROP_FROM_HOUR] = g_param_spec_uint ("from-hour", NULL, NULL, 0, 24, 0, flags);
  contact_properties[CONTACT_PROP_TO_HOUR] = g_param_spec_uint ("to-hour", NULL, NULL, 0, 24, 24, flags);
  contact_properties[CONTACT_PROP_AVAILABILITY] = g_param_spec_string ("availability", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, CONTACT_N_PROPS, contact_properties);
}

static void
sn_contact_init (SnContact *self)
{
}

SnContact *
sn_contact_new (SnContactRole  role,
                const char    *name,
                const char    *address,
                guint          from_hour,
                guint          to_hour)
{
  SnContact *self;

  g_return_val_if_fail (role <= SN_CONTACT_ROLE_PROVIDER, NULL);
  g_return_val_if_fail (from_hour <= 24 && to_hour <= 24, NULL);

  self = g_object_new (SN_TYPE_CONTACT, NULL);
  self->role = role;
  self->name = g_strdup (name != NULL ? name : "");
  self->address = g_strdup (address != NULL ? address : "");
  self->from_hour = from_hour;
  self->to_hour = to_hour;
  return self;
}

SnContactRole sn_contact_get_role (SnContact *self) { return self->role; }
const char *sn_contact_get_name (SnContact *self) { return self->name; }
const char *sn_contact_get_address (SnContact *self) { return self->address; }
guint sn_contact_get_from_hour (SnContact *self) { return self->from_hour; }
guint sn_contact_get_to_hour (SnContact *self) { return self->to_hour; }

static gboolean
around_the_clock (SnContact *self)
{
  return self->from_hour == self->to_hour || (self->from_hour == 0 && self->to_hour == 24);
}

char *
sn_contact_dup_availability (SnContact *self)
{
  g_return_val_if_fail (SN_IS_CONTACT (self), NULL);

  if (around_the_clock (self))
    return g_strdup (_("24/7"));
  /* TRANSLATORS: office hours, Paris time, e.g. "9h–18h (Paris)" */
  return g_strdup_printf (_("%uh–%uh (Paris)"), self->from_hour, self->to_hour);
}

static GDateTime *
to_paris (GDateTime *time)
{
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("Europe/Paris");

  /* Without tzdata, fall back on CET: better an hour off in summer than nothing. */
  if (paris == NULL)
    paris = g_time_zone_new_identifier ("+01:00");
  return g_date_time_to_timezone (time, paris);
}

gboolean
sn_contact_is_available_at (SnContact *self,
                            GDateTime *time)
{
  g_autoptr(GDateTime) paris = NULL;
  guint hour;

  g_return_val_if_fail (SN_IS_CONTACT (self), FALSE);

  if (around_the_clock (self))
    return TRUE;

  paris = to_paris (time);
  hour = g_date_time_get_hour (paris);
  if (self->from_hour < self->to_hour)
    return hour >= self->from_hour && hour < self->to_hour;
  /* Overnight, e.g. 20h–8h. */
  return hour >= self->from_hour || hour < self->to_hour;
}

/* Book --------------------------------------------------------------------- */

struct _SnContactBook
{
  GObject    parent_instance;
  GPtrArray *contacts;   /* SnContact, by role */
  char      *path;
};

static void book_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SnContactBook, sn_contact_book, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, book_iface_init))

static GType
book_get_item_type (GListModel *model)
{
  return SN_TYPE_CONTACT;
}

static guint
book_get_n_items (GListModel *model)
{
  return SN_CONTACT_BOOK (model)->contacts->len;
}

static gpointer
book_get_item (GListModel *model,
               guint       position)
{
  SnContactBook *self = SN_CONTACT_BOOK (model);

  return position < self->contacts->len ? g_object_ref (g_ptr_array_index (self->contacts, position)) : NULL;
}

static void
book_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = book_get_item_type;
  iface->get_n_items = book_get_n_items;
  iface->get_item = book_get_item;
}

static void
sn_contact_book_finalize (GObject *object)
{
  SnContactBook *self = SN_CONTACT_BOOK (object);

  g_clear_pointer (&self->contacts, g_ptr_array_unref);
  g_free (self->path);
  G_OBJECT_CLASS (sn_contact_book_parent_class)->finalize (object);
}

static void
sn_contact_book_class_init (SnContactBookClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sn_contact_book_finalize;
}

static void
set_defaults (SnContactBook *self)
{
  g_ptr_array_set_size (self->contacts, 0);
  g_ptr_array_add (self->contacts, sn_contact_new (SN_CONTACT_ROLE_ON_CALL, _("Primary on-call"),
                                                   "alerte@sweet-narcisse.com", 0, 24));
  g_ptr_array_add (self->contacts, sn_contact_new (SN_CONTACT_ROLE_ESCALATION, _("Direction"),
                                                   "direction@sweet-narcisse.com", 9, 18));
  g_ptr_array_add (self->contacts, sn_contact_new (SN_CONTACT_ROLE_PROVIDER, _("OVH support"),
                                                   "support.ovh.com", 0, 24));
}

static void
sn_contact_book_init (SnContactBook *self)
{
  self->contacts = g_ptr_array_new_with_free_func (g_object_unref);
  set_defaults (self);
}

/**
 * sn_contact_book_new:
 * @path: (nullable): the file; the default when NULL
 *
 * Starts with the runbook's contacts; sn_contact_book_load() reads the file.
 */
SnContactBook *
sn_contact_book_new (const char *path)
{
  SnContactBook *self = g_object_new (SN_TYPE_CONTACT_BOOK, NULL);

  self->path = path != NULL ? g_strdup (path)
                            : g_build_filename (g_get_user_config_dir (), "narcisse-admin",
                                                "contacts.json", NULL);
  return self;
}

/**
 * sn_contact_book_get_default:
 *
 * Returns: (transfer none): the book of $XDG_CONFIG_HOME/narcisse-admin/contacts.json
 */
SnContactBook *
sn_contact_book_get_default (void)
{
  static gsize instance;

  if (g_once_init_enter (&instance))
    {
      SnContactBook *book = sn_contact_book_new (NULL);
      g_autoptr(GError) error = NULL;

      if (!sn_contact_book_load (book, &error))
        g_warning ("Using the runbook's contacts: %s", error->message);
      g_once_init_leave (&instance, (gsize)book);
    }

  return (SnContactBook *)instance;
}

/* A missing file is not an error: the runbook's defaults stay. */
gboolean
sn_contact_book_load (SnContactBook  *self,
                      GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;
  JsonArray *array;

  g_return_val_if_fail (SN_IS_CONTACT_BOOK (self), FALSE);

  if (!json_parser_load_from_file (parser, self->path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", self->path);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      !json_object_has_member (json_node_get_object (root), "contacts") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "contacts")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s: expected {\"contacts\": [...]}"), self->path);
      return FALSE;
    }

  array = json_object_get_array_member (json_node_get_object (root), "contacts");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autoptr(SnContact) contact = NULL;
      const char *role;
      JsonObject *o;
      gint64 from, to;
      guint r;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      o = json_node_get_object (node);
      role = json_object_get_string_member_with_default (o, "role", "");
      for (r = 0; r < G_N_ELEMENTS (role_nicks); r++)
        if (g_str_equal (role, role_nicks[r]))
          break;
      from = json_object_get_int_member_with_default (o, "from-hour", 0);
      to = json_object_get_int_member_with_default (o, "to-hour", 24);
      if (r == G_N_ELEMENTS (role_nicks) || from < 0 || from > 24 || to < 0 || to > 24)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("%s: contact %u has an unknown role or hours out of 0–24"), self->path, i + 1);
          return FALSE;
        }
      contact = sn_contact_new (r, json_object_get_string_member_with_default (o, "name", ""),
                                json_object_get_string_member_with_default (o, "address", ""),
                                (guint) from, (guint) to);
      sn_contact_book_set (self, contact);
    }

  return TRUE;
}

gboolean
sn_contact_book_save (SnContactBook  *self,
                      GError        **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (SN_IS_CONTACT_BOOK (self), FALSE);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "contacts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->contacts->len; i++)
    {
      SnContact *c = g_ptr_array_index (self->contacts, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, role_nicks[c->role]);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, c->name);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, c->address);
      json_builder_set_member_name (builder, "from-hour");
      json_builder_add_int_value (builder, c->from_hour);
      json_builder_set_member_name (builder, "to-hour");
      json_builder_add_int_value (builder, c->to_hour);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  return g_file_set_contents_full (self->path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/**
 * sn_contact_book_lookup:
 *
 * Returns: (transfer none) (nullable): the contact of @role
 */
SnContact *
sn_contact_book_lookup (SnContactBook *self,
                        SnContactRole  role)
{
  g_return_val_if_fail (SN_IS_CONTACT_BOOK (self), NULL);

  for (guint i = 0; i < self->contacts->len; i++)
    {
      SnContact *c = g_ptr_array_index (self->contacts, i);

      if (c->role == role)
        return c;
    }
  return NULL;
}

void
sn_contact_book_set (SnContactBook *self,
                     SnContact     *contact)
{
  g_return_if_fail (SN_IS_CONTACT_BOOK (self));
  g_return_if_fail (SN_IS_CONTACT (contact));

  for (guint i = 0; i < self->contacts->len; i++)
    {
      SnContact *c = g_ptr_array_index (self->contacts, i);

      if (c->role == contact->role)
        {
          g_ptr_array_index (self->contacts, i) = g_object_ref (contact);
          g_object_unref (c);
          g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
          return;
        }
    }
  g_ptr_array_add (self->contacts, g_object_ref (contact));
  g_list_model_items_changed (G_LIST_MODEL (self), self->contacts->len - 1, 0, 1);
}

void
sn_contact_advice_free (SnContactAdvice *advice)
{
  if (advice == NULL)
    return;
  g_clear_object (&advice->contact);
  g_free (advice->why);
  g_free (advice);
}

gint64
sn_severity_get_escalation_seconds (SnSeverity severity)
{
  return 2 * sn_severity_get_target_seconds (severity);
}

static void
advise (GPtrArray  *list,
        SnContact  *contact,
        gboolean    now,
        char       *why)
{
  SnContactAdvice *advice = g_new0 (SnContactAdvice, 1);

  advice->contact = g_object_ref (contact);
  advice->now = now;
  advice->why = why;
  g_ptr_array_add (list, advice);
}

GPtrArray *
sn_contact_book_who_to_call (SnContactBook *self,
                             SnSeverity     severity,
                             gint64         elapsed_seconds,
                             GDateTime     *now,
                             gboolean       infrastructure)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) sn_contact_advice_free);
  SnContact *on_call = sn_contact_book_lookup (self, SN_CONTACT_ROLE_ON_CALL);
  SnContact *direction = sn_contact_book_lookup (self, SN_CONTACT_ROLE_ESCALATION);
  SnContact *provider = sn_contact_book_lookup (self, SN_CONTACT_ROLE_PROVIDER);
  gint64 escalation = sn_severity_get_escalation_seconds (severity);
  g_autofree char *delay = sn_format_duration (escalation);
  gboolean escalate = elapsed_seconds >= escalation;

  g_return_val_if_fail (SN_IS_CONTACT_BOOK (self), list);

  if (on_call != NULL)
    advise (list, on_call, TRUE,
            g_strdup_printf (_("Alert the on-call now (%s): every %s incident."),
                             on_call->address, sn_severity_to_string (severity)));

  if (direction != NULL)
    {
      if (escalate && sn_contact_is_available_at (direction, now))
        advise (list, direction, TRUE,
                g_strdup_printf (_("Escalate to %s: not resolved after %s, and within its hours (%u h–%u h)."),
                                 direction->address, delay, direction->from_hour, direction->to_hour));
      else if (escalate)
        advise (list, direction, FALSE,
                g_strdup_printf (_("Escalate to %s at %u h: not resolved after %s, but outside its hours."),
                                 direction->address, direction->from_hour, delay));
      else if (severity <= SN_SEVERITY_SEV2)
        {
          g_autofree char *left = sn_format_duration (escalation - MAX (elapsed_seconds, 0));

          advise (list, direction, FALSE,
                  g_strdup_printf (_("Escalate to %s if not resolved after %s (%s left)."),
                                   direction->address, delay, left));
        }
    }

  if (provider != NULL && infrastructure)
    {
      if (escalate || severity == SN_SEVERITY_SEV1)
        advise (list, provider, TRUE,
                g_strdup_printf (_("Open a ticket with %s (%s): the problem is in the infrastructure."),
                                 provider->name, provider->address));
    }

  return list;
}
