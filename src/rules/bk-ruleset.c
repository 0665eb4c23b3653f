/* SPDX-License-Identifier: MIT */
/*
 * bk-ruleset - load and compile a rules directory.
 *
 * Input: the *.rules files of one directory, UTF-8 text, LF or CRLF, in the
 * syntax of rules/README.md. Files load in byte order of their names, rules
 * keep file order: the first matching reason or format wins at run time.
 * Every pattern is compiled here, once, with CASELESS | UTF |
 * MATCH_INVALID_UTF and JIT-compiled; nothing is compiled later. A syntax or
 * regex error fails the whole load with "file:line: message" so a broken
 * rule is never silently skipped. Limits: BK_MAX_RULES rules, ids unique.
 * Format lines are named FORMAT.DIRECTIVE.N (N counts that directive's
 * lines in the stanza). `use NAME` makes a stanza share the layout and
 * reason rules of an earlier one; a stanza without match or sign lines is
 * a part, kept only for `use` and left out of rules->formats.
 * The ruleset owns every pcre2_code and is read-only after loading, hence
 * safe to share between threads.
 */
#include "rules/bk-rules-private.h"

#include "rules/bk-prefilter-cache.h"
#include "rules/bk-ruleset-blob.h"
#include "rules/bk-pattern-cache.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static void
rule_free (BkRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->id);
  g_free (rule->file);
  g_free (rule->pattern);
  g_free (rule->header);
  g_free (rule->reason);
  if (rule->code)
    pcre2_code_free (rule->code);
  if (rule->jit_code)
    pcre2_code_free (rule->jit_code);
  g_free (rule);
}

static void
format_free (BkFormat *fmt)
{
  if (fmt == NULL)
    return;
  g_free (fmt->name);
  g_free (fmt->file);
  g_ptr_array_unref (fmt->match);
  g_ptr_array_unref (fmt->require);
  g_ptr_array_unref (fmt->begin);
  g_ptr_array_unref (fmt->end);
  g_ptr_array_unref (fmt->recipient);
  g_ptr_array_unref (fmt->diag);
  g_ptr_array_unref (fmt->skip);
  g_ptr_array_unref (fmt->delayed);
  g_ptr_array_unref (fmt->reasons);
  g_ptr_array_unref (fmt->signs);
  g_ptr_array_unref (fmt->needs);
  g_free (fmt);
}

/* The reasons a `reason` rule may name: the DESIGN vocabulary. */
static const char *const known_reasons[] = {
  "userunknown", "hostunknown", "hasmoved", "notaccept", "mailboxfull",
  "exceedlimit", "mesgtoobig", "expired", "networkerror", "systemerror",
  "systemfull", "toomanyconn", "speeding", "mailererror", "onhold", "suspend",
  "syntaxerror", "undefined", "blocked", "spamdetected", "policyviolation",
  "rejected", "norelaying", "securityerror", "virusdetected", "authfailure",
  "badreputation", "requireptr", "notcompliantrfc", "contenterror", "filtered",
  "failedstarttls", "delivered", "vacation", "feedback", NULL,
};

/* bk_reason_intern - the static copy of a known reason name, or NULL */
const char *
bk_reason_intern (const char *reason)
{
  for (guint i = 0; known_reasons[i]; i++)
    if (g_strcmp0 (known_reasons[i], reason) == 0)
      return known_reasons[i];
  return NULL;
}

typedef struct {
  BkRuleset *rules;
  const char *file;       /* basename */
  guint line;
  GHashTable *ids;        /* id -> "file:line" */
  BkFormat *format;       /* open format stanza, or NULL */
  guint format_rule_n[16];  /* per directive of the open stanza: lines so far */
  GPtrArray *parts;       /* BkFormat*, owning: formats for `use` only */
  pcre2_code **cached;    /* decoded from the cache, in rule order, or NULL */
  gint32 ncached;
  gint32 next_cached;
} Loader;

static gboolean G_GNUC_PRINTF (3, 4)
fail (Loader *ld, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_SYNTAX, "%s:%u: %s",
               ld->file, ld->line, msg);
  return FALSE;
}

static gboolean
valid_id (const char *id)
{
  if (*id == '\0')
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

/* next_word - split the first blank-separated word off *line */
static char *
next_word (char **line)
{
  char *p = *line;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '\0')
    return NULL;
  char *start = p;
  while (*p && *p != ' ' && *p != '\t')
    p++;
  char *word = g_strndup (start, p - start);
  *line = p;
  return word;
}

static gboolean
parse_field (Loader *ld, const char *word, BkRule *rule, GError **error)
{
  if (g_ascii_strcasecmp (word, "from") == 0)
    rule->field = BK_FIELD_FROM;
  else if (g_ascii_strcasecmp (word, "subject") == 0)
    rule->field = BK_FIELD_SUBJECT;
  else if (g_ascii_strcasecmp (word, "body") == 0)
    rule->field = BK_FIELD_BODY;
  else if (g_ascii_strcasecmp (word, "returned") == 0)
    rule->field = BK_FIELD_RETURNED;
  else if (g_ascii_strncasecmp (word, "header:", 7) == 0 && word[7] != '\0')
    {
      rule->field = BK_FIELD_HEADER;
      rule->header = g_strdup (word + 7);
    }
  else
    return fail (ld, error, "unknown field '%s' (from, subject, body, returned or header:NAME)", word);
  return TRUE;
}

/* jit_safe - @pattern with \S, \W and \D outside character classes
 * written as [^\s], [^\w] and [^\d]. PCRE2's JIT (10.42, with
 * MATCH_INVALID_UTF) lets those three escapes match no non-ASCII
 * character, where the interpreter matches them: the same rule would read
 * a message differently in `check` (interpreted) and `scan` (JIT). The
 * bracketed forms match the same in both. NULL when nothing changes. */
static char *
jit_safe (const char *pattern)
{
  if (strchr (pattern, 0x5c) == NULL)
    return NULL;
  GString *out = NULL;
  gboolean in_class = FALSE;
  for (const char *p = pattern; *p; p++)
    {
      if (*p == '\\' && p[1] == 'Q')
        {
          /* \Q...\E is literal */
          const char *e = strstr (p + 2, "\\E");
          const char *end = e ? e + 1 : p + strlen (p) - 1;   /* its last character */
          if (out)
            g_string_append_len (out, p, end - p + 1);
          p = end;
          continue;
        }
      if (*p == '\\' && p[1])
        {
          char c = p[1];
          if (!in_class && (c == 'S' || c == 'W' || c == 'D'))
            {
              if (out == NULL)
                out = g_string_new_len (pattern, p - pattern);
              g_string_append_printf (out, "[^\\%c]", g_ascii_tolower (c));
            }
          else if (out)
            g_string_append_len (out, p, 2);
          p++;
          continue;
        }
      if (!in_class && *p == '[')
        {
          in_class = TRUE;
          if (out)
            g_string_append_c (out, *p);
          /* a ']' first in a class ("[]", "[^]") is a member */
          if (p[1] == '^')
            {
              p++;
              if (out)
                g_string_append_c (out, *p);
            }
          if (p[1] == ']')
            {
              p++;
              if (out)
                g_string_append_c (out, *p);
            }
          continue;
        }
      if (in_class && *p == '[' && p[1] == ':')
        {
          /* a POSIX class [:alpha:] inside a class */
          const char *e = strstr (p + 2, ":]");
          if (e)
            {
              if (out)
                g_string_append_len (out, p, e + 2 - p);
              p = e + 1;
              continue;
            }
        }
      if (in_class && *p == ']')
        in_class = FALSE;
      if (out)
        g_string_append_c (out, *p);
    }
  return out ? g_string_free (out, FALSE) : NULL;
}

/* bk_rule_compile - @pattern compiled as a rule of @field is, or NULL */
pcre2_code *
bk_rule_compile (const char *pattern, BkField field, int *errcode, PCRE2_SIZE *erroffset)
{
  uint32_t opts = PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (field == BK_FIELD_BODY)
    opts |= PCRE2_MULTILINE;
  g_autofree char *safe = jit_safe (pattern);
  pcre2_code *code = pcre2_compile ((PCRE2_SPTR) (safe ? safe : pattern), PCRE2_ZERO_TERMINATED, opts, errcode,
                                    erroffset, NULL);
  if (code == NULL && safe)
    /* the error and its offset as the rule's own text has them */
    return pcre2_compile ((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED, opts, errcode, erroffset, NULL);
  return code;
}

/* compile_rule - @pattern compiled into @rule; @per_line: a format's
 * line pattern, matched against one line at a time */
static gboolean
compile_rule (Loader *ld, BkRule *rule, const char *pattern, gboolean per_line, GError **error)
{
  int errcode = 0;
  PCRE2_SIZE erroffset = 0;

  if (*pattern == '\0')
    return fail (ld, error, "rule '%s' has no pattern", rule->id);
  /* every rule runs in time linear in its text (bk-linear.c) */
  const char *why = bk_pattern_nonlinear (pattern, rule->field == BK_FIELD_BODY, per_line);
  if (why)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_NONLINEAR, "%s:%u: rule '%s': %s",
                   ld->file, ld->line, rule->id, why);
      return FALSE;
    }
  rule->pattern = g_strdup (pattern);
  if (ld->cached && ld->next_cached < ld->ncached)
    {
      /* the cache holds this very pattern, compiled: same files, same order */
      rule->code = ld->cached[ld->next_cached];
      ld->cached[ld->next_cached++] = NULL;
    }
  else
    rule->code = bk_rule_compile (pattern, rule->field, &errcode, &erroffset);
  if (rule->code == NULL)
    {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message (errcode, buf, sizeof buf);
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_REGEX,
                   "%s:%u: rule '%s': %s at offset %zu", ld->file, ld->line,
                   rule->id, (const char *) buf, (size_t) erroffset);
      return FALSE;
    }
  uint32_t captures = 0;
  pcre2_pattern_info (rule->code, PCRE2_INFO_CAPTURECOUNT, &captures);
  if (captures > ld->rules->max_captures)
    ld->rules->max_captures = captures;
  rule->group_addr = pcre2_substring_number_from_name (rule->code, (PCRE2_SPTR) "addr");
  rule->group_diag = pcre2_substring_number_from_name (rule->code, (PCRE2_SPTR) "diag");
  rule->group_reply = pcre2_substring_number_from_name (rule->code, (PCRE2_SPTR) "reply");
  rule->group_status = pcre2_substring_number_from_name (rule->code, (PCRE2_SPTR) "status");
  if (rule->group_addr < 0) rule->group_addr = -1;
  if (rule->group_diag < 0) rule->group_diag = -1;
  if (rule->group_reply < 0) rule->group_reply = -1;
  if (rule->group_status < 0) rule->group_status = -1;
  return TRUE;
}

static BkRule *
rule_new (Loader *ld, const char *id)
{
  BkRule *rule = g_new0 (BkRule, 1);
  rule->id = g_strdup (id);
  rule->file = g_strdup (ld->file);
  rule->line = ld->line;
  rule->group_addr = rule->group_diag = rule->group_reply = rule->group_status = -1;
  return rule;
}

/* file_line - "FILE:LINE", where a rule is defined (or any "TEXT:N");
 * made for every rule at every load, so without printf's cost */
static char *
file_line (const char *file, guint line)
{
  char digits[16];
  guint n = 0;
  do
    digits[n++] = '0' + line % 10;
  while ((line /= 10) > 0);
  gsize flen = strlen (file);
  char *out = g_malloc (flen + 1 + n + 1);
  memcpy (out, file, flen);
  out[flen] = ':';
  for (guint i = 0; i < n; i++)
    out[flen + 1 + i] = digits[n - 1 - i];
  out[flen + 1 + n] = '\0';
  return out;
}

/* utf8_valid - g_utf8_validate() of @len bytes, with the plain ASCII that
 * makes up most rule files checked eight bytes at a time. Every byte of a
 * multi-byte character has its high bit set, so each run of such bytes is
 * validated on its own. NUL bytes are the caller's to reject. */
static gboolean
utf8_valid (const char *bytes, gsize len)
{
  gsize i = 0;
  while (i < len)
    {
      guint64 w;
      if (i + 8 <= len && (memcpy (&w, bytes + i, 8), (w & G_GUINT64_CONSTANT (0x8080808080808080)) == 0))
        {
          i += 8;
          continue;
        }
      if (!((guchar) bytes[i] & 0x80))
        {
          i++;
          continue;
        }
      gsize j = i;
      while (j < len && ((guchar) bytes[j] & 0x80))
        j++;
      if (!g_utf8_validate_len (bytes + i, j - i, NULL))
        return FALSE;
      i = j;
    }
  return TRUE;
}

static gboolean
register_rule (Loader *ld, BkRule *rule, GError **error)
{
  const char *prev = g_hash_table_lookup (ld->ids, rule->id);
  if (prev)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_DUPLICATE,
                   "%s:%u: rule id '%s' already defined at %s", ld->file,
                   ld->line, rule->id, prev);
      rule_free (rule);
      return FALSE;
    }
  if (ld->rules->all->len >= BK_MAX_RULES)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_LIMIT,
                   "%s:%u: more than %d rules", ld->file, ld->line, BK_MAX_RULES);
      rule_free (rule);
      return FALSE;
    }
  g_hash_table_insert (ld->ids, g_strdup (rule->id), file_line (ld->file, ld->line));
  rule->index = ld->rules->all->len;
  g_ptr_array_add (ld->rules->all, rule);
  return TRUE;
}

static gboolean
parse_top (Loader *ld, char *line, GError **error)
{
  g_autofree char *kind = next_word (&line);
  g_autofree char *id = next_word (&line);

  if (g_strcmp0 (kind, "format") == 0)
    {
      if (id == NULL || !valid_id (id))
        return fail (ld, error, "format needs a name of [a-z0-9._-]");
      g_autofree char *rest = g_strstrip (g_strdup (line));
      if (*rest)
        return fail (ld, error, "unexpected text after format name: '%s'", rest);
      for (guint i = 0; i < ld->rules->formats->len; i++)
        {
          BkFormat *other = g_ptr_array_index (ld->rules->formats, i);
          if (g_strcmp0 (other->name, id) == 0)
            {
              g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_DUPLICATE,
                           "%s:%u: format '%s' already defined at %s:%u",
                           ld->file, ld->line, id, other->file, other->line);
              return FALSE;
            }
        }
      ld->format = bk_format_new (id, ld->file, ld->line);
      memset (ld->format_rule_n, 0, sizeof ld->format_rule_n);
      g_ptr_array_add (ld->rules->formats, ld->format);
      return TRUE;
    }

  ld->format = NULL;
  if (kind == NULL || id == NULL)
    return fail (ld, error, "expected 'KIND ID ...'");
  if (!valid_id (id))
    return fail (ld, error, "invalid rule id '%s' (use a-z, 0-9, '.', '_', '-')", id);

  BkRule *rule = rule_new (ld, id);
  GPtrArray *dest = NULL;
  if (strcmp (kind, "code") == 0)
    dest = ld->rules->codes;
  else if (strcmp (kind, "reason") == 0)
    {
      g_autofree char *reason = next_word (&line);
      if (reason == NULL || bk_reason_intern (reason) == NULL)
        {
          rule_free (rule);
          return fail (ld, error, "unknown reason '%s'", reason ? reason : "");
        }
      rule->reason = g_strdup (reason);
      dest = ld->rules->reasons;
    }
  else if (strcmp (kind, "command") == 0)
    {
      static const char *const names[] = { "connect", "helo", "mail", "rcpt", "data", NULL };
      g_autofree char *cmd = next_word (&line);
      if (cmd == NULL || !g_strv_contains (names, cmd))
        {
          rule_free (rule);
          return fail (ld, error, "unknown SMTP command '%s' (connect, helo, mail, rcpt, data)", cmd ? cmd : "");
        }
      rule->reason = g_strdup (cmd);
      dest = ld->rules->commands;
    }
  else if (strcmp (kind, "autoreply") == 0)
    {
      g_autofree char *field = next_word (&line);
      if (field == NULL || !parse_field (ld, field, rule, error))
        {
          rule_free (rule);
          return field ? FALSE : fail (ld, error, "autoreply needs a FIELD");
        }
      dest = ld->rules->autoreply;
    }
  else if (strcmp (kind, "complaint") == 0)
    {
      /* complaint ID FEEDBACK-TYPE FIELD PATTERN: a complaint or opt-out
       * that is no RFC 5965 report (Apple Mail's unsubscribe, ...) */
      g_autofree char *type = next_word (&line);
      g_autofree char *field = next_word (&line);
      if (type == NULL || field == NULL)
        {
          rule_free (rule);
          return fail (ld, error, "complaint needs a FEEDBACK-TYPE and a FIELD");
        }
      if (!parse_field (ld, field, rule, error))
        {
          rule_free (rule);
          return FALSE;
        }
      rule->reason = g_ascii_strdown (type, -1);
      dest = ld->rules->complaints;
    }
  else
    {
      rule_free (rule);
      return fail (ld, error, "unknown rule kind '%s' (code, command, reason, autoreply, complaint, format)", kind);
    }

  g_strstrip (line);
  if (!compile_rule (ld, rule, line, FALSE, error))
    {
      rule_free (rule);
      return FALSE;
    }
  if (dest == ld->rules->codes && rule->group_reply < 0 && rule->group_status < 0)
    {
      rule_free (rule);
      return fail (ld, error, "code rule '%s' needs a (?<reply>) or (?<status>) group", id);
    }
  if (!register_rule (ld, rule, error))
    return FALSE;
  g_ptr_array_add (dest, rule);
  return TRUE;
}

/* parse_weight - the signed integer weight of a `sign` line */
static gboolean
parse_weight (Loader *ld, char **line, int *out, GError **error)
{
  g_autofree char *word = next_word (line);
  char *end = NULL;
  gint64 v = word ? g_ascii_strtoll (word, &end, 10) : 0;
  if (word == NULL || *end != '\0' || v < -100 || v > 100)
    return fail (ld, error, "'sign' needs a weight, an integer from -100 to 100");
  *out = (int) v;
  return TRUE;
}

/* use_format - `use NAME`: append the layout and reason lines of the
 * earlier format NAME to @fmt's, at this point of its stanza. The rules
 * are shared, not copied: they keep NAME's ids, files and lines. */
static gboolean
use_format (Loader *ld, BkFormat *fmt, const char *name, GError **error)
{
  const BkFormat *other = NULL;
  for (guint i = 0; i < ld->rules->formats->len && other == NULL; i++)
    {
      const BkFormat *f = g_ptr_array_index (ld->rules->formats, i);
      if (strcmp (f->name, name) == 0)
        other = f;
    }
  if (other == fmt)
    return fail (ld, error, "format '%s' cannot use itself", name);
  if (other == NULL)
    return fail (ld, error, "unknown format '%s' (a format can only use one defined before it)", name);
  GPtrArray *const from[] = { other->begin, other->end, other->recipient, other->diag,
                              other->skip, other->delayed, other->reasons };
  GPtrArray *const to[] = { fmt->begin, fmt->end, fmt->recipient, fmt->diag,
                            fmt->skip, fmt->delayed, fmt->reasons };
  for (guint i = 0; i < G_N_ELEMENTS (from); i++)
    for (guint j = 0; j < from[i]->len; j++)
      g_ptr_array_add (to[i], g_ptr_array_index (from[i], j));
  fmt->paragraphs |= other->paragraphs;
  return TRUE;
}

/* parse_setting - the directives that are no pattern: `threshold N`,
 * `need NAME`, `paragraphs` and `use NAME` */
static gboolean
parse_setting (Loader *ld, BkFormat *fmt, const char *word, char *line, GError **error)
{
  g_strstrip (line);
  if (strcmp (word, "need") == 0 || strcmp (word, "use") == 0)
    {
      if (*line == '\0' || strpbrk (line, " \t"))
        return fail (ld, error, "'%s' takes one %s name", word, *word == 'n' ? "sign" : "format");
      if (*word == 'u')
        return use_format (ld, fmt, line, error);
      g_ptr_array_add (fmt->needs, g_strdup (line));
      return TRUE;
    }
  if (strcmp (word, "paragraphs") == 0)
    {
      if (*line != '\0')
        return fail (ld, error, "'paragraphs' takes no argument");
      fmt->paragraphs = TRUE;
      return TRUE;
    }
  char *end = NULL;
  gint64 v = g_ascii_strtoll (line, &end, 10);
  if (*line == '\0' || *end != '\0' || v < 1 || v > 1000)
    return fail (ld, error, "'threshold' needs a number from 1 to 1000");
  fmt->threshold = (int) v;
  return TRUE;
}

/* The pattern directives of a format stanza: where each one's rules go,
 * and whether a FIELD comes before the pattern. A rule's id is
 * FORMAT.DIRECTIVE.N, N counting that directive's lines in the stanza
 * from 1, so adding a line renumbers only its own directive's later
 * lines. */
static const struct {
  const char *word;
  gsize offset;       /* of the GPtrArray* in BkFormat */
  gboolean has_field;
} directives[] = {
  { "match", G_STRUCT_OFFSET (BkFormat, match), TRUE },
  { "require", G_STRUCT_OFFSET (BkFormat, require), TRUE },
  { "sign", G_STRUCT_OFFSET (BkFormat, signs), TRUE },
  { "delayed", G_STRUCT_OFFSET (BkFormat, delayed), TRUE },
  { "begin", G_STRUCT_OFFSET (BkFormat, begin), FALSE },
  { "end", G_STRUCT_OFFSET (BkFormat, end), FALSE },
  { "recipient", G_STRUCT_OFFSET (BkFormat, recipient), FALSE },
  { "diag", G_STRUCT_OFFSET (BkFormat, diag), FALSE },
  { "skip", G_STRUCT_OFFSET (BkFormat, skip), FALSE },
  { "reason", G_STRUCT_OFFSET (BkFormat, reasons), FALSE },
};
G_STATIC_ASSERT (G_N_ELEMENTS (directives) <= G_SIZEOF_MEMBER (Loader, format_rule_n) / sizeof (guint));

static gboolean
parse_directive (Loader *ld, char *line, GError **error)
{
  BkFormat *fmt = ld->format;
  g_autofree char *word = next_word (&line);
  guint d = 0;

  if (fmt == NULL)
    return fail (ld, error, "indented line outside a format stanza");
  if (strcmp (word, "threshold") == 0 || strcmp (word, "paragraphs") == 0
      || strcmp (word, "need") == 0 || strcmp (word, "use") == 0)
    return parse_setting (ld, fmt, word, line, error);
  while (d < G_N_ELEMENTS (directives) && strcmp (word, directives[d].word) != 0)
    d++;
  if (d == G_N_ELEMENTS (directives))
    return fail (ld, error, "unknown format directive '%s'", word);
  GPtrArray *dest = G_STRUCT_MEMBER (GPtrArray *, fmt, directives[d].offset);

  g_autofree char *prefix = g_strconcat (fmt->name, ".", word, NULL);
  g_autofree char *id = file_line (prefix, ++ld->format_rule_n[d]);
  id[strlen (prefix)] = '.';   /* NAME.WORD.N */
  BkRule *rule = rule_new (ld, id);
  if (dest == fmt->reasons)
    {
      g_autofree char *reason = next_word (&line);
      if (reason == NULL || bk_reason_intern (reason) == NULL)
        {
          rule_free (rule);
          return fail (ld, error, "unknown reason '%s'", reason ? reason : "");
        }
      rule->reason = g_strdup (reason);
    }
  if (dest == fmt->signs)
    {
      /* sign NAME WEIGHT FIELD PATTERN: signs of one NAME count once */
      rule->reason = next_word (&line);
      if (rule->reason == NULL || !parse_weight (ld, &line, &rule->weight, error))
        {
          gboolean named = rule->reason != NULL;
          rule_free (rule);
          return named ? FALSE : fail (ld, error, "'sign' needs NAME WEIGHT FIELD PATTERN");
        }
    }
  if (directives[d].has_field)
    {
      g_autofree char *field = next_word (&line);
      if (field == NULL)
        {
          rule_free (rule);
          return fail (ld, error, "'%s' needs a FIELD and a pattern", word);
        }
      if (!parse_field (ld, field, rule, error))
        {
          rule_free (rule);
          return FALSE;
        }
    }
  else
    rule->field = BK_FIELD_BODY;   /* line patterns: ^ and $ per line anyway */
  g_strstrip (line);
  if (!compile_rule (ld, rule, line, !directives[d].has_field, error))
    {
      rule_free (rule);
      return FALSE;
    }
  if (dest == fmt->recipient && rule->group_addr < 0)
    {
      rule_free (rule);
      return fail (ld, error, "recipient pattern needs a (?<addr>) group");
    }
  if (!register_rule (ld, rule, error))
    return FALSE;
  g_ptr_array_add (dest, rule);
  return TRUE;
}

static gboolean
load_data (Loader *ld, const char *bytes, gsize len, GError **error)
{
  /* @bytes need not be NUL-terminated (a buffer from memory) */
  g_autofree char *data = g_strndup (bytes, len);
  if (memchr (bytes, '\0', len) || !utf8_valid (bytes, len))
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_SYNTAX,
                   "%s: not valid UTF-8", ld->file);
      return FALSE;
    }
  ld->format = NULL;
  ld->line = 0;
  /* lines cut in place: no copy of each */
  char *next = data;
  for (guint i = 0; next; i++)
    {
      char *line = next;
      char *nl = strchr (line, '\n');
      next = nl ? nl + 1 : NULL;
      if (nl)
        *nl = '\0';
      ld->line = i + 1;
      gsize l = strlen (line);
      if (l > 0 && line[l - 1] == '\r')
        line[--l] = '\0';
      const char *p = line;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0' || *p == '#')
        continue;
      gboolean indented = p != line;
      if (!(indented ? parse_directive (ld, line, error) : parse_top (ld, line, error)))
        return FALSE;
    }
  return TRUE;
}

/* check_formats - what only the complete stanza shows. A format without
 * `match` or `sign` lines is a part: never detected, it exists for other
 * formats to `use`, so it leaves the list the engine runs (its rules stay
 * in `all`, owned there, and in the formats that use them). */
static gboolean
check_formats (Loader *ld, GError **error)
{
  for (guint i = 0; i < ld->rules->formats->len; i++)
    {
      BkFormat *fmt = g_ptr_array_index (ld->rules->formats, i);
      if (fmt->match->len == 0 && fmt->signs->len == 0)
        {
          const char *what = fmt->require->len ? "require" : fmt->needs->len ? "need"
                             : fmt->threshold ? "threshold" : NULL;
          if (what)
            {
              g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_SYNTAX,
                           "%s:%u: format '%s' has a '%s' line but no 'match' or 'sign' line",
                           fmt->file, fmt->line, fmt->name, what);
              return FALSE;
            }
          g_ptr_array_add (ld->parts, g_ptr_array_steal_index (ld->rules->formats, i--));
          continue;
        }
      int positive = 0;
      for (guint j = 0; j < fmt->signs->len; j++)
        positive += MAX (((BkRule *) g_ptr_array_index (fmt->signs, j))->weight, 0);
      for (guint j = 0; j < fmt->needs->len; j++)
        {
          gboolean known = FALSE;
          for (guint k = 0; k < fmt->signs->len && !known; k++)
            known = strcmp (((BkRule *) g_ptr_array_index (fmt->signs, k))->reason,
                            g_ptr_array_index (fmt->needs, j)) == 0;
          if (!known)
            {
              g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_SYNTAX,
                           "%s:%u: format '%s' needs sign '%s', which it does not define", fmt->file,
                           fmt->line, fmt->name, (char *) g_ptr_array_index (fmt->needs, j));
              return FALSE;
            }
        }
      if (fmt->signs->len && positive < MAX (fmt->threshold, 1))
        {
          g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_SYNTAX,
                       "%s:%u: format '%s': its signs can never reach threshold %d", fmt->file,
                       fmt->line, fmt->name, fmt->threshold);
          return FALSE;
        }
    }
  return TRUE;
}

/* header_slot - the slot of the header named @key (lower case), a new
 * one if no rule read it before; @slots maps names to slot + 1 */
static guint
header_slot (BkRuleset *rules, GHashTable *slots, const char *key)
{
  gpointer slot = g_hash_table_lookup (slots, key);
  if (slot == NULL)
    {
      g_ptr_array_add (rules->header_names, g_strdup (key));
      slot = GUINT_TO_POINTER (rules->header_names->len);
      g_hash_table_insert (slots, g_strdup (key), slot);
    }
  return GPOINTER_TO_UINT (slot) - 1;
}

/* assign_header_slots - number the distinct headers rules read, so that
 * a message's are looked up once and found by index (bk_header_slots_new);
 * rules that read no header get the From slot, which they never use */
static void
assign_header_slots (BkRuleset *rules)
{
  g_autoptr (GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint from = header_slot (rules, slots, "from");
  guint subject = header_slot (rules, slots, "subject");
  guint returned = header_slot (rules, slots, ":returned");
  for (guint i = 0; i < rules->all->len; i++)
    {
      BkRule *rule = g_ptr_array_index (rules->all, i);
      if (rule->field == BK_FIELD_HEADER)
        {
          g_autofree char *key = g_ascii_strdown (rule->header, -1);
          rule->slot = header_slot (rules, slots, key);
        }
      else
        rule->slot = rule->field == BK_FIELD_SUBJECT ? subject : rule->field == BK_FIELD_RETURNED ? returned : from;
    }
}

static BkRuleset *
ruleset_new (const char *dir)
{
  BkRuleset *rules = g_new0 (BkRuleset, 1);
  g_atomic_ref_count_init (&rules->ref);
  rules->dir = g_strdup (dir);
  rules->all = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  rules->codes = g_ptr_array_new ();
  rules->reasons = g_ptr_array_new ();
  rules->autoreply = g_ptr_array_new ();
  rules->commands = g_ptr_array_new ();
  rules->complaints = g_ptr_array_new ();
  rules->formats = g_ptr_array_new_with_free_func ((GDestroyNotify) format_free);
  rules->header_names = g_ptr_array_new_with_free_func (g_free);
  return rules;
}

/**
 * bk_ruleset_load_buffer: (skip)
 * @name: the file name to use in messages
 * @data: the contents of one rule file
 * @len: its length
 *
 * Loads rules from memory (the rule-loader fuzzer and tests).
 */
BkRuleset *
bk_ruleset_load_buffer (const char *name, const char *data, gsize len, GError **error)
{
  g_autoptr (BkRuleset) rules = ruleset_new ("(memory)");
  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) format_free);
  Loader ld = { .rules = rules, .file = name, .ids = ids, .parts = parts };
  if (!load_data (&ld, data, len, error) || !check_formats (&ld, error))
    return NULL;
  assign_header_slots (rules);
  rules->prefilter = bk_prefilter_new (rules->all);
  return g_steal_pointer (&rules);
}

/* rules_stamp - what a cache entry is keyed by: the program and PCRE2
 * versions and, in load order, every file's path and stat data (size,
 * device and inode, modification and change times in nanoseconds), as
 * bytes. Reading stat data costs a system call per file where hashing the
 * rules' bytes cost more than the rest of a one-message run; an edit
 * changes the size or the times (the change time cannot be set back), a
 * replaced file its inode. */
static GByteArray *
rules_stamp (char **files, GError **error)
{
  GByteArray *stamp = g_byte_array_new ();
  /* patterns compiled with \S, \W, \D rewritten (jit_safe): a cache
   * written before holds codes compiled from the text as written */
  static const char rewrite[] = "jit-safe-escapes-1";
  g_byte_array_append (stamp, (const guint8 *) rewrite, sizeof rewrite);
  char version[64] = "";
  pcre2_config (PCRE2_CONFIG_VERSION, version);
  g_byte_array_append (stamp, (const guint8 *) version, strlen (version) + 1);
  g_byte_array_append (stamp, (const guint8 *) BK_VERSION, sizeof BK_VERSION);
  /* a cache written before rules were checked for linear time holds
   * rules never checked: not to be used */
  static const char checks[] = "linear-1";
  g_byte_array_append (stamp, (const guint8 *) checks, sizeof checks);
  for (guint i = 0; files[i]; i++)
    {
      struct stat st;
      if (stat (files[i], &st) != 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e),
                       "cannot read '%s': %s", files[i], g_strerror (e));
          g_byte_array_unref (stamp);
          return NULL;
        }
      gint64 fields[] = { st.st_size, st.st_dev, st.st_ino, st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                          st.st_ctim.tv_sec, st.st_ctim.tv_nsec };
      g_byte_array_append (stamp, (const guint8 *) files[i], strlen (files[i]) + 1);
      g_byte_array_append (stamp, (const guint8 *) fields, sizeof fields);
    }
  return stamp;
}

/* cache_read - every compiled pattern the cache file @path holds, or NULL
 * (a cold load whose rule files the cache still matches: each rule
 * takes its pattern instead of compiling it) */
static pcre2_code **
cache_read (const char *path, gint32 *out_n)
{
  g_autoptr (GBytes) map = bk_pattern_cache_map (path, 0);
  if (map == NULL)
    return NULL;
  guint32 n = bk_pattern_cache_count (map);
  pcre2_code **codes = g_new0 (pcre2_code *, n);
  for (guint32 i = 0; i < n; i++)
    {
      gsize len = 0;
      const guint8 *bytes = bk_pattern_cache_entry (map, i, &len);
      if ((codes[i] = bk_pattern_cache_decode (bytes, len)) == NULL)
        {
          for (guint32 j = 0; j < i; j++)
            pcre2_code_free (codes[j]);
          g_free (codes);
          return NULL;
        }
    }
  *out_n = (gint32) n;
  return codes;
}

/* CACHE_KEEP - cache files kept: a key names a directory's files as they
 * are (paths, times), so every edit, and every temporary copy of a rules
 * directory, makes a new entry; the newest few are the ones worth
 * keeping */
#define CACHE_KEEP 32

typedef struct {
  char *path;
  gint64 mtime;
} CacheFile;

static int
newest_first (gconstpointer a, gconstpointer b)
{
  const CacheFile *x = a, *y = b;
  return x->mtime < y->mtime ? 1 : x->mtime > y->mtime ? -1 : strcmp (x->path, y->path);
}

/* cache_prune - remove all but the CACHE_KEEP newest "rules-*" files of
 * @cache_dir; run after writing an entry, so never on a warm start */
static void
cache_prune (const char *cache_dir)
{
  g_autoptr (GDir) d = g_dir_open (cache_dir, 0, NULL);
  if (d == NULL)
    return;
  g_autoptr (GArray) files = g_array_new (FALSE, FALSE, sizeof (CacheFile));
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      struct stat st;
      if (!g_str_has_prefix (name, "rules-"))
        continue;
      char *path = g_build_filename (cache_dir, name, NULL);
      if (stat (path, &st) != 0)
        {
          g_free (path);
          continue;
        }
      CacheFile f = { path, (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec };
      g_array_append_val (files, f);
    }
  g_array_sort (files, newest_first);
  for (guint i = 0; i < files->len; i++)
    {
      CacheFile *f = &g_array_index (files, CacheFile, i);
      if (i >= CACHE_KEEP)
        g_unlink (f->path);
      g_free (f->path);
    }
}

/* attach_prefilter - the prefilter from @path (the cache) when it is
 * there, else built when @build, and then kept at @path */
static void
attach_prefilter (BkRuleset *rules, const char *path, gboolean build)
{
  if (path)
    {
      g_autoptr (GBytes) bytes = bk_cache_file_map (path);
      if (bytes)
        rules->prefilter = bk_prefilter_decode_bytes (bytes, rules->all);
    }
  if (rules->prefilter || !build)
    return;
  g_autoptr (GPtrArray) sets = bk_prefilter_derive (rules->all);
  rules->prefilter = bk_prefilter_new_from_sets (rules->all, sets);
  if (path && rules->prefilter)
    {
      g_autoptr (GBytes) bytes = bk_prefilter_encode (rules->prefilter);
      gsize len = 0;
      const char *data = g_bytes_get_data (bytes, &len);
      g_file_set_contents (path, data, len, NULL);
    }
}

/* from_cache - fill the empty @rules from the cache entry (compiled
 * patterns at @codes_path, the rest at @blob_path) without reading a
 * rule file; FALSE when the entry is missing or not whole */
static gboolean
from_cache (BkRuleset *rules, const char *codes_path, const char *blob_path)
{
  g_autoptr (GBytes) blob = bk_cache_file_map (blob_path);
  if (blob == NULL)
    return FALSE;
  g_autoptr (GBytes) patterns = bk_pattern_cache_map (codes_path, 0);
  return patterns && bk_ruleset_blob_decode (rules, blob, patterns);
}

/* blob_write - keep @rules for the next start; failures are silent */
static void
blob_write (const BkRuleset *rules, const char *path)
{
  g_autoptr (GBytes) bytes = bk_ruleset_blob_encode (rules);
  gsize len = 0;
  const char *data = g_bytes_get_data (bytes, &len);
  g_file_set_contents (path, data, len, NULL);
}

static BkRuleset *
load_files_full (const char *dir, char **files, BkRulesetFlags flags, const char *cache_dir,
                 GError **error)
{
  g_autoptr (BkRuleset) rules = ruleset_new (dir);
  /* JIT compilation happens once a rule has been matched against some
   * text (bk-scan.c): with the prefilter most rules never run on a given
   * batch, and a pipe filter would pay for all of them at start-up */
  rules->jit = !(flags & BK_RULESET_FLAGS_NO_JIT);
  g_autoptr (GByteArray) stamp = cache_dir ? rules_stamp (files, error) : NULL;
  if (cache_dir && stamp == NULL)
    return NULL;
  g_autofree char *cache_path = NULL, *prefilter_path = NULL, *blob_path = NULL;
  if (stamp)
    {
      /* a cache key, not a signature: the cache directory is the user's
       * own; MD5 is GLib's quickest 128-bit digest */
      g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_MD5, stamp->data, stamp->len);
      g_autofree char *name = g_strdup_printf ("rules-%s.patterns", digest);
      g_autofree char *prefilter_name = g_strdup_printf ("rules-%s.prefilter", digest);
      g_autofree char *blob_name = g_strdup_printf ("rules-%s.ruleset", digest);
      cache_path = g_build_filename (cache_dir, name, NULL);
      prefilter_path = g_build_filename (cache_dir, prefilter_name, NULL);
      blob_path = g_build_filename (cache_dir, blob_name, NULL);
      /* a warm start: the rules as they were loaded, not one file read */
      if (from_cache (rules, cache_path, blob_path))
        {
          assign_header_slots (rules);
          attach_prefilter (rules, prefilter_path, !(flags & BK_RULESET_FLAGS_NO_PREFILTER));
          return g_steal_pointer (&rules);
        }
    }

  g_autoptr (GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) format_free);
  Loader ld = { .rules = rules, .ids = ids, .parts = parts };
  guint nfiles = g_strv_length (files);
  g_auto (GStrv) contents = g_new0 (char *, nfiles + 1);
  g_autofree gsize *lengths = g_new0 (gsize, nfiles + 1);
  for (guint i = 0; i < nfiles; i++)
    if (!g_file_get_contents (files[i], &contents[i], &lengths[i], error))
      return NULL;
  /* a file edited while it was read: its bytes may belong to neither
   * stamp, so the cache is left alone this time */
  if (stamp)
    {
      g_autoptr (GByteArray) after = rules_stamp (files, error);
      if (after == NULL)
        return NULL;
      if (after->len != stamp->len || memcmp (after->data, stamp->data, stamp->len) != 0)
        {
          g_clear_pointer (&cache_path, g_free);
          g_clear_pointer (&prefilter_path, g_free);
          g_clear_pointer (&blob_path, g_free);
        }
    }
  if (cache_path)
    ld.cached = cache_read (cache_path, &ld.ncached);

  gboolean ok = TRUE;
  for (guint i = 0; ok && i < nfiles; i++)
    {
      g_autofree char *base = g_path_get_basename (files[i]);
      ld.file = base;
      ok = load_data (&ld, contents[i], lengths[i], error);
    }
  ok = ok && check_formats (&ld, error);
  gboolean cache_fit = ld.cached && ld.next_cached == ld.ncached && (guint) ld.ncached == rules->all->len;
  for (gint32 i = 0; ld.cached && i < ld.ncached; i++)
    if (ld.cached[i])
      pcre2_code_free (ld.cached[i]);
  g_free (ld.cached);
  if (!ok)
    return NULL;
  assign_header_slots (rules);
  /* the prefilter comes from the cache, as it was built, when it is
   * there; otherwise it is built and kept, except by a one-message run on
   * warm compiled patterns: deriving the literals costs that run more than
   * trying every rule once, so it leaves them to the next batch run */
  attach_prefilter (rules, prefilter_path, !(flags & BK_RULESET_FLAGS_NO_PREFILTER) || !cache_fit);
  if (cache_path)
    {
      if (!cache_fit)
        bk_pattern_cache_write (rules->all, cache_path);
      blob_write (rules, blob_path);
      cache_prune (cache_dir);
    }
  return g_steal_pointer (&rules);
}

/**
 * bk_ruleset_load_files: (skip)
 * @dir: directory the files are in (kept for messages)
 * @files: file paths, loaded in the order given
 */
BkRuleset *
bk_ruleset_load_files (const char *dir, char **files, GError **error)
{
  return load_files_full (dir, files, BK_RULESET_FLAGS_NONE, NULL, error);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/**
 * bk_ruleset_load_dir: (constructor)
 * @dir: a rules directory
 * @error: return location for a #GError
 *
 * Loads and compiles every `*.rules` file of @dir, in byte order of the
 * file names.
 *
 * Returns: (transfer full) (nullable): the ruleset, or %NULL with @error set
 *
 * Since: 0.1
 */
BkRuleset *
bk_ruleset_load_dir (const char *dir, GError **error)
{
  return bk_ruleset_load_dir_full (dir, BK_RULESET_FLAGS_NONE, NULL, error);
}

/**
 * bk_ruleset_load_dir_full: (constructor)
 * @dir: a rules directory
 * @flags: %BK_RULESET_FLAGS_NO_JIT to skip JIT compilation (one message
 *   analysed per process: JIT costs more than it saves)
 * @cache_dir: (nullable): a private directory where compiled patterns are
 *   kept between runs, keyed by a digest of the rule files and the PCRE2
 *   version; %NULL compiles every time. Only the user should be able to
 *   write there: the cache holds compiled code.
 * @error: return location for a #GError
 *
 * Like bk_ruleset_load_dir(). With a cache, a second load of unchanged
 * rules decodes the compiled patterns instead of compiling them.
 *
 * Returns: (transfer full) (nullable): the ruleset, or %NULL with @error set
 *
 * Since: 0.1
 */
BkRuleset *
bk_ruleset_load_dir_full (const char *dir, BkRulesetFlags flags, const char *cache_dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);

  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".rules"))
      g_ptr_array_add (names, g_strdup (name));
  if (names->len == 0)
    {
      g_set_error (error, BK_RULES_ERROR, BK_RULES_ERROR_EMPTY,
                   "%s: no *.rules file", dir);
      return NULL;
    }
  g_ptr_array_sort (names, compare_names);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (paths, g_build_filename (dir, g_ptr_array_index (names, i), NULL));
  g_ptr_array_add (paths, NULL);
  return load_files_full (dir, (char **) paths->pdata, flags, cache_dir, error);
}

/**
 * BkRuleset:
 *
 * The compiled rules of one rules directory (see rules/README.md). Read-only
 * once loaded, so one ruleset may be shared by analyzers in several threads.
 * Reference counted.
 *
 * Since: 0.1
 */
G_DEFINE_BOXED_TYPE (BkRuleset, bk_ruleset, bk_ruleset_ref, bk_ruleset_unref)

/**
 * bk_ruleset_get_default_dir:
 *
 * The rules directory installed with the library
 * (`$datadir/bouncekit/rules` of the prefix it was built for). The library
 * reads no environment variable; a program that honours `BOUNCEKIT_RULES`
 * (as the `bouncekit` command does) checks it itself.
 *
 * Returns: (transfer none) (type filename): the installed rules directory
 *
 * Since: 0.1
 */
const char *
bk_ruleset_get_default_dir (void)
{
  return BK_RULES_DIR;
}

/**
 * bk_ruleset_new_default:
 * @error: return location for a #GError
 *
 * Loads the rules installed with the library
 * ([func@Bouncekit.Ruleset.get_default_dir]), so that a program needs no
 * rules path of its own.
 *
 * Returns: (transfer full) (nullable): the ruleset, or %NULL with @error set
 *
 * Since: 0.1
 */
BkRuleset *
bk_ruleset_new_default (GError **error)
{
  return bk_ruleset_load_dir (BK_RULES_DIR, error);
}

/**
 * bk_ruleset_ref:
 * @rules: a #BkRuleset
 *
 * Takes a reference to @rules.
 *
 * Returns: (transfer full): @rules
 *
 * Since: 0.1
 */
BkRuleset *
bk_ruleset_ref (BkRuleset *rules)
{
  g_return_val_if_fail (rules != NULL, NULL);
  g_atomic_ref_count_inc (&rules->ref);
  return rules;
}

/**
 * bk_ruleset_unref:
 * @rules: (transfer full) (nullable): a #BkRuleset
 *
 * Drops a reference to @rules; the last one frees it.
 *
 * Since: 0.1
 */
void
bk_ruleset_unref (BkRuleset *rules)
{
  if (rules == NULL || !g_atomic_ref_count_dec (&rules->ref))
    return;
  g_free (rules->dir);
  g_ptr_array_unref (rules->codes);
  g_ptr_array_unref (rules->reasons);
  g_ptr_array_unref (rules->autoreply);
  g_ptr_array_unref (rules->commands);
  g_ptr_array_unref (rules->complaints);
  bk_prefilter_free (rules->prefilter);
  g_ptr_array_unref (rules->formats);
  if (rules->rule_block)
    {
      /* read from the cache: the strings are the blob's */
      for (guint i = 0; i < rules->all->len; i++)
        {
          if (rules->rule_block[i].code)
            pcre2_code_free (rules->rule_block[i].code);
          if (rules->rule_block[i].jit_code)
            pcre2_code_free (rules->rule_block[i].jit_code);
        }
      g_free (rules->rule_block);
      g_bytes_unref (rules->blob);
      g_bytes_unref (rules->patterns);
    }
  g_ptr_array_unref (rules->all);
  g_ptr_array_unref (rules->header_names);
  g_free (rules);
}

/**
 * bk_ruleset_count:
 * @rules: a #BkRuleset
 *
 * The number of rules of @rules.
 *
 * Returns: the number of compiled patterns
 *
 * Since: 0.1
 */
guint
bk_ruleset_count (const BkRuleset *rules)
{
  return rules->all->len;
}

/**
 * bk_ruleset_count_formats:
 * @rules: a #BkRuleset
 *
 * The number of free-text formats of @rules.
 *
 * Returns: the number of free-text formats
 *
 * Since: 0.1
 */
guint
bk_ruleset_count_formats (const BkRuleset *rules)
{
  return rules->formats->len;
}

/**
 * bk_ruleset_get_dir:
 * @rules: a #BkRuleset
 *
 * The directory @rules was loaded from.
 *
 * Returns: (transfer none) (type filename): the directory the rules came from
 *
 * Since: 0.1
 */
const char *
bk_ruleset_get_dir (const BkRuleset *rules)
{
  return rules->dir;
}
