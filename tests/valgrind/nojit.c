/* SPDX-License-Identifier: MIT */
/*
 * LD_PRELOAD shim for valgrind runs only: PCRE2's JIT-compiled code reads
 * past the subject in wide loads that are safe but that valgrind cannot
 * tell from bugs. Making pcre2_jit_compile fail sends every match through
 * the interpreter, which valgrind checks cleanly. Never used otherwise.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

int
pcre2_jit_compile_8 (pcre2_code_8 *code, uint32_t options)
{
  (void) code;
  (void) options;
  return PCRE2_ERROR_JIT_BADOPTION;
}
