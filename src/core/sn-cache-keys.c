/* sn-cache-keys.c
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sn-cache"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "sn-cache-keys.h"

static const struct
{
  const char *prefix;
  SnKeyFamily family;
  const char *pattern;
  const char *label;
} families[] = {
  { "rate:", SN_KEY_FAMILY_RATE, "rate:*", N_("Rate limits") },
  { "availability:", SN_KEY_FAMILY_AVAILABILITY, "availability:*", N_("Availability") },
  { "bookings:", SN_KEY_FAMILY_BOOKINGS, "bookings:*", N_("Bookings") },
  { "planning:", SN_KEY_FAMILY_PLANNING, "planning:*", N_("Planning") },
  { "boats:", SN_KEY_FAMILY_BOATS, "boats:*", N_("Boats") },
};

SnKeyFamily
sn_key_family_for_key (const char *key)
{
  g_return_val_if_fail (key != NULL, SN_KEY_FAMILY_OTHER);

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    if (g_str_has_prefix (key, families[i].prefix))
      return families[i].family;

  return SN_KEY_FAMILY_OTHER;
}

const char *
sn_key_family_to_label (SnKeyFamily family)
{
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    if (families[i].family == family)
      return _(families[i].label);

  return _("Other keys");
}

/* The MATCH pattern of a family; "*" for the other keys. */
const char *
sn_key_family_to_pattern (SnKeyFamily family)
{
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    if (families[i].family == family)
      return families[i].pattern;

  return "*";
}

static const char * const type_names[] = {
  [SN_KEY_TYPE_UNKNOWN] = "",
  [SN_KEY_TYPE_NONE] = "none",
  [SN_KEY_TYPE_STRING] = "string",
  [SN_KEY_TYPE_HASH] = "hash",
  [SN_KEY_TYPE_LIST] = "list",
  [SN_KEY_TYPE_SET] = "set",
  [SN_KEY_TYPE_ZSET] = "zset",
  [SN_KEY_TYPE_STREAM] = "stream",
  [SN_KEY_TYPE_OTHER] = "other",
};

SnKeyType
sn_key_type_from_string (const char *type)
{
  if (type == NULL || *type == '\0')
    return SN_KEY_TYPE_UNKNOWN;

  for (guint i = SN_KEY_TYPE_NONE; i < SN_KEY_TYPE_OTHER; i++)
    if (g_ascii_strcasecmp (type, type_names[i]) == 0)
      return i;

  return SN_KEY_TYPE_OTHER;
}

const char *
sn_key_type_to_string (SnKeyType type)
{
  return type <= SN_KEY_TYPE_OTHER ? type_names[type] : "";
}

/* Rate-limit buckets (§4.3): prefix, then what follows the address. */
typedef enum { AFTER_NOTHING, AFTER_HASH, BEFORE_USER } BucketShape;

static const struct
{
  const char *kind;
  BucketShape shape;
} buckets[] = {
  { "availability:fp", AFTER_HASH },
  { "availability:ip", AFTER_NOTHING },
  { "booking:create:fp", AFTER_HASH },
  { "booking:create:ip", AFTER_NOTHING },
  { "booking:release", AFTER_NOTHING },
  { "block:create", AFTER_NOTHING },
  { "block:update", AFTER_NOTHING },
  { "block:delete", AFTER_NOTHING },
  { "auth:pwchange", AFTER_NOTHING },
  { "auth:profile", AFTER_NOTHING },
  { "profile:update", BEFORE_USER },
  { "contact:group", AFTER_NOTHING },
};

/**
 * sn_rate_key_parse:
 * @kind: (out) (optional): the bucket kind, e.g. "availability:fp"
 * @address: (out) (optional): the client address as the app saw it
 * @extra: (out) (optional) (nullable): the fingerprint hash or the user id
 * @suffix: (out) (optional): "tokens" or "ts"
 *
 * Returns: %TRUE when @key is a rate-limit key of a known bucket
 */
gboolean
sn_rate_key_parse (const char  *key,
                   char       **kind,
                   char       **address,
                   char       **extra,
                   char       **suffix)
{
  g_autofree char *bucket = NULL;
  const char *end;
  const char *tail;
  gsize len;

  g_return_val_if_fail (key != NULL, FALSE);

  if (!g_str_has_prefix (key, "rate:"))
    return FALSE;
  len = strlen (key);
  if (g_str_has_suffix (key, ":tokens"))
    end = key + len - strlen (":tokens");
  else if (g_str_has_suffix (key, ":ts"))
    end = key + len - strlen (":ts");
  else
    return FALSE;
  if (end <= key + 5)
    return FALSE;
  bucket = g_strndup (key + 5, end - (key + 5));

  for (guint i = 0; i < G_N_ELEMENTS (buckets); i++)
    {
      gsize klen = strlen (buckets[i].kind);
      g_autofree char *addr = NULL;
      g_autofree char *more = NULL;

      if (strncmp (bucket, buckets[i].kind, klen) != 0 || bucket[klen] != ':' || bucket[klen + 1] == '\0')
        continue;
      tail = bucket + klen + 1;

      if (buckets[i].shape == AFTER_HASH)
        {
          const char *colon = strrchr (tail, ':');

          if (colon == NULL || colon == tail || colon[1] == '\0')
            return FALSE;
          addr = g_strndup (tail, colon - tail);
          more = g_strdup (colon + 1);
        }
      else if (buckets[i].shape == BEFORE_USER)
        {
          const char *colon = strchr (tail, ':');

          if (colon == NULL || colon == tail || colon[1] == '\0')
            return FALSE;
          more = g_strndup (tail, colon - tail);
          addr = g_strdup (colon + 1);
        }
      else
        addr = g_strdup (tail);

      if (kind != NULL)
        *kind = g_strdup (buckets[i].kind);
      if (address != NULL)
        *address = g_steal_pointer (&addr);
      if (extra != NULL)
        *extra = g_steal_pointer (&more);
      if (suffix != NULL)
        *suffix = g_strdup (*end == ':' ? end + 1 : end);
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_date (const char *text)
{
  GDate date;
  guint y, m, d;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  g_date_clear (&date, 1);
  return g_date_valid_dmy (d, m, y);
}

/**
 * sn_cache_key_dup_date:
 *
 * Returns: (nullable): the tour date of an availability or bookings key
 */
char *
sn_cache_key_dup_date (const char *key)
{
  const char *rest;

  if (g_str_has_prefix (key, "availability:"))
    rest = key + strlen ("availability:");
  else if (g_str_has_prefix (key, "bookings:"))
    rest = key + strlen ("bookings:");
  else
    return NULL;

  if (strlen (rest) >= 10 && (rest[10] == ':' || rest[10] == '\0'))
    {
      g_autofree char *date = g_strndup (rest, 10);

      if (is_date (date))
        return g_steal_pointer (&date);
    }
  return NULL;
}

char *
sn_cache_glob_escape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (strchr ("*?[]\\", *p) != NULL)
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/**
 * sn_cache_date_patterns:
 *
 * Returns: (transfer full) (nullable): the two MATCH patterns
 */
char **
sn_cache_date_patterns (const char  *date,
                        GError     **error)
{
  char **patterns;

  if (date == NULL || !is_date (date))
    {
      g_set_error (error, SN_CACHE_ERROR, SN_CACHE_ERROR_CONFIG,
                   _("“%s” is not a date: write it as YYYY-MM-DD, e.g. 2025-06-28."),
                   date != NULL ? date : "");
      return NULL;
    }

  patterns = g_new0 (char *, 3);
  patterns[0] = g_strdup_printf ("availability:%s:*", date);
  patterns[1] = g_strdup_printf ("bookings:%s:*", date);
  return patterns;
}
