/* SPDX-License-Identifier: MIT */
#pragma once

#if !defined(BK_INSIDE) && !defined(BK_COMPILATION)
#error "Only <bouncekit/bouncekit.h> can be included directly."
#endif

#include <glib.h>
#include <bouncekit/bk-export.h>

G_BEGIN_DECLS

#define BK_RULES_ERROR (bk_rules_error_quark ())
#define BK_INPUT_ERROR (bk_input_error_quark ())

/**
 * BkRulesError:
 * @BK_RULES_ERROR_SYNTAX: a line of a rule file is not valid rule syntax
 * @BK_RULES_ERROR_REGEX: a pattern does not compile
 * @BK_RULES_ERROR_DUPLICATE: two rules share an id
 * @BK_RULES_ERROR_LIMIT: too many rules or a pattern too long
 * @BK_RULES_ERROR_EMPTY: the directory holds no rule file
 *
 * Errors while loading rules. May be extended later.
 */
typedef enum {
  BK_RULES_ERROR_SYNTAX,
  BK_RULES_ERROR_REGEX,
  BK_RULES_ERROR_DUPLICATE,
  BK_RULES_ERROR_LIMIT,
  BK_RULES_ERROR_EMPTY,
} BkRulesError;

/**
 * BkInputError:
 * @BK_INPUT_ERROR_NOT_A_MESSAGE: the input does not parse as a message
 * @BK_INPUT_ERROR_TOO_LARGE: the input is over a size limit
 * @BK_INPUT_ERROR_UNSUPPORTED: the path is neither file nor directory
 *
 * Errors while reading input. May be extended later.
 */
typedef enum {
  BK_INPUT_ERROR_NOT_A_MESSAGE,
  BK_INPUT_ERROR_TOO_LARGE,
  BK_INPUT_ERROR_UNSUPPORTED,
} BkInputError;

BK_API GQuark bk_rules_error_quark (void);
BK_API GQuark bk_input_error_quark (void);

G_END_DECLS
