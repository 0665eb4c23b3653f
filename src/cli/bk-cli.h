/* SPDX-License-Identifier: MIT */
/* Shared pieces of the command-line front end. The CLI never parses mail:
 * it reads options, asks the library, and prints. */
#pragma once

#include "config.h"

#include <bouncekit/bouncekit.h>

#include <stdio.h>

/* Exit codes of every command (documented in --help and the man page). */
enum {
  BK_EXIT_OK = 0,
  BK_EXIT_FAILURE = 1,   /* scan: an input failed; check: not a bounce */
  BK_EXIT_USAGE = 2,     /* bad command line (check: any error) */
  BK_EXIT_DB = 2,        /* the history database failed: unreachable, refused, newer */
};

typedef enum {
  BK_FORMAT_JSON,
  BK_FORMAT_TEXT,
  BK_FORMAT_CSV,
} BkOutputFormat;

typedef struct {
  const char *name;
  int (*fn) (int argc, char **argv);
  const char *summary;
} BkCommand;

int bk_cmd_scan (int argc, char **argv);
int bk_cmd_check (int argc, char **argv);
int bk_cmd_explain (int argc, char **argv);
int bk_cmd_rules (int argc, char **argv);
int bk_cmd_ingest (int argc, char **argv);
int bk_cmd_suppress (int argc, char **argv);
int bk_cmd_stats (int argc, char **argv);
int bk_cmd_forgive (int argc, char **argv);
int bk_cmd_report (int argc, char **argv);

/* bk-cmd-history.c */
gboolean bk_cli_record (BkHistory *h, const BkReport *report, GMimeMessage *msg,
                        const char *source, guint *out_added, GError **error);
BkHistory *bk_cli_open_history (const char *db, BkHistoryOpenFlags flags);

/* bk-cli.c */
void bk_cli_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
BkRuleset *bk_cli_load_rules (const char *option_dir, gboolean batch, GError **error);
char *bk_cli_default_rules_dir (void);
gboolean bk_cli_parse (GOptionContext *ctx, int *argc, char ***argv);
gboolean bk_cli_options (int *argc, char ***argv, const char *usage, const char *description,
                         const GOptionEntry *entries);
BkRuleset *bk_cli_rules (const char *option_dir, gboolean batch);
typedef gboolean (*BkCliMessageFn) (const BkReaderItem *item, BkReport *report, gpointer data);
gboolean bk_cli_each_message (BkAnalyzer *an, const char *path, BkCliMessageFn fn, gpointer data,
                              guint64 *failed);
int bk_cli_finish_stdout (void);
char *bk_cli_printable (const char *text);
char *bk_cli_count (guint64 n, const char *one, const char *many);

/* bk-csv.c */
typedef struct {
  GString *line;
  guint cells;
} BkCsvRow;
void bk_csv_row_init (BkCsvRow *row);
void bk_csv_add (BkCsvRow *row, const char *value);
void bk_csv_add_int (BkCsvRow *row, gint64 value);
void bk_csv_row_write (BkCsvRow *row, FILE *out);
void bk_csv_header (FILE *out, const char *const *names, guint n);

/* bk-alloc.c */
guint64 bk_cli_input_bytes (char **paths);
void bk_cli_prepare_allocator (int jobs, guint64 input_bytes);

/* bk-output.c */
gboolean bk_output_parse_format (const char *name, BkOutputFormat *out_format);
void bk_output_header (FILE *out, BkOutputFormat format);
char *bk_output_member_string (JsonObject *obj, const char *name);
void bk_output_csv_row (JsonObject *obj, const char *const *names, guint n, FILE *out);
void bk_output_recipient (FILE *out, BkOutputFormat format, const BkReport *report,
                          const BkRecipient *rcpt, const char *source, gint64 index);
