/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

/* BK_API marks the symbols the shared library exports; everything else is
 * hidden (the library is built with -fvisibility=hidden). */
#define BK_API __attribute__((visibility ("default")))
