/* SPDX-License-Identifier: MIT */
/*
 * bk-history-driver - the result cells an engine hands back to the
 * history's logic (bk-history-driver.h).
 */
#include "history/bk-history-driver.h"

/* ---- result cells ---- */

BkSqlRows *
bk_sql_rows_new (guint n_cols)
{
  BkSqlRows *rows = g_new0 (BkSqlRows, 1);
  rows->n_cols = n_cols;
  rows->cells = g_ptr_array_new_with_free_func (g_free);
  return rows;
}

void
bk_sql_rows_free (BkSqlRows *rows)
{
  if (rows == NULL)
    return;
  g_ptr_array_unref (rows->cells);
  g_free (rows);
}

const char *
bk_sql_rows_get (const BkSqlRows *rows, guint row, guint col)
{
  g_return_val_if_fail (row < rows->n_rows && col < rows->n_cols, NULL);
  return g_ptr_array_index (rows->cells, (gsize) row * rows->n_cols + col);
}

/* bk_sql_rows_int - a cell as an integer; NULL is 0 (an empty MIN/MAX) */
gint64
bk_sql_rows_int (const BkSqlRows *rows, guint row, guint col)
{
  const char *v = bk_sql_rows_get (rows, row, col);
  return v ? g_ascii_strtoll (v, NULL, 10) : 0;
}
