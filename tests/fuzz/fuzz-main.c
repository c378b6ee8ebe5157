/* fuzz-main.c: a short, deterministic fuzz run for the test suite
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fuzz-TARGET CORPUS_DIR [ITERATIONS]: feeds every seed, then ITERATIONS
 * (default 3000, or $SN_FUZZ_ITERATIONS) inputs mutated from the seeds with a
 * fixed random seed: bit flips, byte changes, truncations, insertions of
 * interesting bytes, splices of two seeds. A crash fails the test; the long,
 * coverage-guided runs are tools/fuzz with libFuzzer.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static const char * const interesting[] = {
  "\"", "\\", "{", "}", "[", "]", ",", ":", "\n", "\r\n", "\0", "\xff", "\xc3", "=",
  "'", "0", "-1", "18446744073709551616", "1e309", "null", "true", "#", "@", " ",
};

static void
insert_bytes (GByteArray   *array,
              guint         pos,
              const guint8 *data,
              gsize         len)
{
  guint old = array->len;

  g_byte_array_set_size (array, old + len);
  memmove (array->data + pos + len, array->data + pos, old - pos);
  memcpy (array->data + pos, data, len);
}

static GBytes *
mutate (GRand         *rand,
        GPtrArray     *seeds)
{
  GBytes *seed = g_ptr_array_index (seeds, g_rand_int_range (rand, 0, seeds->len));
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (seed, &size);
  GByteArray *out = g_byte_array_new ();
  guint n = g_rand_int_range (rand, 1, 6);

  g_byte_array_append (out, data, size);

  for (guint i = 0; i < n; i++)
    {
      guint pos = out->len > 0 ? g_rand_int_range (rand, 0, out->len) : 0;

      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:   /* flip a bit */
          if (out->len > 0)
            out->data[pos] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1:   /* any byte */
          if (out->len > 0)
            out->data[pos] = g_rand_int_range (rand, 0, 256);
          break;
        case 2:   /* truncate */
          g_byte_array_set_size (out, pos);
          break;
        case 3:   /* insert something parsers care about */
          {
            const char *what = interesting[g_rand_int_range (rand, 0, G_N_ELEMENTS (interesting))];
            gsize len = *what == '\0' ? 1 : strlen (what);

            insert_bytes (out, pos, (const guint8 *)what, len);
          }
          break;
        case 4:   /* remove a run */
          if (out->len > 0)
            {
              guint run = g_rand_int_range (rand, 1, 16);

              g_byte_array_remove_range (out, pos, MIN (out->len - pos, run));
            }
          break;
        default:  /* splice another seed in */
          {
            GBytes *other = g_ptr_array_index (seeds, g_rand_int_range (rand, 0, seeds->len));
            gsize other_size = 0;
            const guint8 *other_data = g_bytes_get_data (other, &other_size);
            guint from = other_size > 0 ? g_rand_int_range (rand, 0, other_size) : 0;

            insert_bytes (out, pos, other_data + from, other_size - from);
          }
          break;
        }
    }

  return g_byte_array_free_to_bytes (out);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) seeds = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261207);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint64 iterations = 3000;
  const char *env = g_getenv ("SN_FUZZ_ITERATIONS");

  if (argc < 2)
    {
      fprintf (stderr, "usage: %s CORPUS_DIR [ITERATIONS]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    iterations = g_ascii_strtoull (argv[2], NULL, 10);
  else if (env != NULL)
    iterations = g_ascii_strtoull (env, NULL, 10);

  if (!(dir = g_dir_open (argv[1], 0, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (argv[1], name, NULL);
      char *contents = NULL;
      gsize size = 0;

      if (g_file_get_contents (path, &contents, &size, NULL))
        g_ptr_array_add (seeds, g_bytes_new_take (contents, size));
    }
  if (seeds->len == 0)
    {
      fprintf (stderr, "no seed in %s\n", argv[1]);
      return 2;
    }

  printf ("TAP version 13\n");
  for (guint i = 0; i < seeds->len; i++)
    {
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (seeds, i), &size);

      LLVMFuzzerTestOneInput (data, size);
    }
  printf ("ok 1 - %u seeds\n", seeds->len);

  for (guint64 i = 0; i < iterations; i++)
    {
      g_autoptr(GBytes) input = mutate (rand, seeds);
      gsize size = 0;
      const guint8 *data = g_bytes_get_data (input, &size);

      LLVMFuzzerTestOneInput (data, size);
    }
  printf ("ok 2 - %" G_GUINT64_FORMAT " mutated inputs, no crash\n1..2\n", iterations);
  return 0;
}
