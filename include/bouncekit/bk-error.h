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
#define BK_HISTORY_ERROR (bk_history_error_quark ())

/**
 * BkRulesError:
 * @BK_RULES_ERROR_SYNTAX: a line of a rule file is not valid rule syntax
 * @BK_RULES_ERROR_REGEX: a pattern does not compile
 * @BK_RULES_ERROR_DUPLICATE: two rules share an id
 * @BK_RULES_ERROR_LIMIT: too many rules or a pattern too long
 * @BK_RULES_ERROR_EMPTY: the directory holds no rule file
 * @BK_RULES_ERROR_NONLINEAR: a pattern's matching time can grow with the
 *   square of the text (like "^\\s*" on a body)
 *
 * Errors while loading rules. May be extended later.
 *
 * Since: 0.1
 */
typedef enum {
  BK_RULES_ERROR_SYNTAX,
  BK_RULES_ERROR_REGEX,
  BK_RULES_ERROR_DUPLICATE,
  BK_RULES_ERROR_LIMIT,
  BK_RULES_ERROR_EMPTY,
  BK_RULES_ERROR_NONLINEAR,
} BkRulesError;

/**
 * BkInputError:
 * @BK_INPUT_ERROR_NOT_A_MESSAGE: the input does not parse as a message
 * @BK_INPUT_ERROR_TOO_LARGE: the input is over a size limit
 * @BK_INPUT_ERROR_UNSUPPORTED: the path is neither file nor directory
 *
 * Errors while reading input. May be extended later.
 *
 * Since: 0.1
 */
typedef enum {
  BK_INPUT_ERROR_NOT_A_MESSAGE,
  BK_INPUT_ERROR_TOO_LARGE,
  BK_INPUT_ERROR_UNSUPPORTED,
} BkInputError;

/**
 * BkHistoryError:
 * @BK_HISTORY_ERROR_DB: the database engine reported an error
 * @BK_HISTORY_ERROR_SCHEMA: the database has a schema this version does not know
 * @BK_HISTORY_ERROR_MISSING: no history there (no file, or no tables), and
 *   the caller asked not to create one
 * @BK_HISTORY_ERROR_CONNECT: the database server could not be reached or
 *   refused the login
 * @BK_HISTORY_ERROR_UNSUPPORTED: the target names an engine this build lacks
 * @BK_HISTORY_ERROR_TIMEOUT: the database did not answer, or another writer
 *   held it, for longer than the history's wait (bk_history_open_wait())
 *
 * Errors of the bounce history database. May be extended later.
 *
 * Since: 0.1
 */
typedef enum {
  BK_HISTORY_ERROR_DB,
  BK_HISTORY_ERROR_SCHEMA,
  BK_HISTORY_ERROR_MISSING,
  BK_HISTORY_ERROR_CONNECT,
  BK_HISTORY_ERROR_UNSUPPORTED,
  BK_HISTORY_ERROR_TIMEOUT,
} BkHistoryError;

BK_API GQuark bk_history_error_quark (void);
BK_API GQuark bk_rules_error_quark (void);
BK_API GQuark bk_input_error_quark (void);

G_END_DECLS
