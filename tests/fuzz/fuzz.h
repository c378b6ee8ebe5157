/* fuzz.h: what every fuzz target provides
 *
 * Copyright 2026 Sweet Narcisse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each fuzz-*.c defines LLVMFuzzerTestOneInput() over one parser that reads
 * what a server or a file sends. Built with clang -fsanitize=fuzzer by
 * tools/fuzz (libFuzzer provides main), or with fuzz-main.c as a short,
 * deterministic run in the test suite.
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

/* A NUL-terminated copy of the input, for parsers that read C strings. */
static inline char *
fuzz_strndup (const uint8_t *data,
              size_t         size)
{
  return g_strndup ((const char *)data, size);
}
