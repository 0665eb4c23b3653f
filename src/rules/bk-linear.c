/* SPDX-License-Identifier: MIT */
/*
 * bk-linear - refuse patterns whose matching time can grow with the
 * square of the text.
 *
 * PCRE2 tries a pattern at every start position, and an unbounded
 * repeat that can run over many positions is scanned again from each of
 * them. On a body (multi-line mode) the shapes that do this on real
 * hostile input, and that the rule files used, are:
 *
 *  - "^\s*X": every line start of a run of blank lines is a start, and
 *    \s* runs over all the blank lines after it (256,000 newlines: three
 *    minutes). Written "^[ \t]*X" (or "^\h*") it stays on its line;
 *  - the same repeat after anything else that can match a line end
 *    ("\n\s*X", "$\s*X");
 *  - a lookaround holding a repeat across lines ("(?=[\s\S]*X)") in a
 *    pattern not anchored at "\A": the lookaround runs to the text's end
 *    from every start;
 *  - nested unbounded repeats whose group is repeats only ("(\w+\s?)+"):
 *    the ways to split a text among them multiply.
 *
 * The check reads the pattern text, not PCRE2's compiled form: it is
 * conservative where the text is unusual (it may refuse a pattern that
 * is in fact linear, never the reverse for the shapes above), and says
 * what to write instead.
 */
#include "rules/bk-rules-private.h"

#include <string.h>

/* One item of a pattern: an atom (with its quantifier) or a structural
 * token. */
typedef enum {
  TOK_ATOM,
  TOK_BOL,       /* ^ */
  TOK_EOL,       /* $ */
  TOK_START,     /* \A */
  TOK_OPEN,      /* ( of any kind */
  TOK_CLOSE,     /* ) with its quantifier */
  TOK_ALT,       /* | */
  TOK_ASSERT,    /* \b, \B, \z, \Z, \G and other zero-width escapes */
} TokKind;

typedef struct {
  TokKind kind;
  gboolean nl;          /* an atom that can match a line end */
  gboolean unbounded;   /* quantifier * + {n,} (and {n,m} with m > 1000) */
  gboolean quantified;  /* any quantifier that allows a repeat or zero */
  gboolean look;        /* TOK_OPEN: a lookaround */
  gboolean possessive;
} Tok;

/* escape_nl - can the escape "\c" match a newline? */
static gboolean
escape_nl (char c)
{
  return strchr ("sRvWDHXCnN", c) != NULL && c != 'N';
}

/* class_nl - can the class starting at p[i] ("[") match a newline?
 * Sets *end past it. */
static gboolean
class_nl (const char *p, gsize i, gsize *end)
{
  gsize stop = bk_pattern_skip_class (p, i);
  *end = stop;
  gsize j = i + 1;
  gboolean negated = p[j] == '^';
  if (negated)
    j++;
  gboolean has_nl = FALSE;
  for (; j + 1 < stop; j++)
    {
      if (p[j] == '\\' && j + 2 < stop + 1)
        {
          char c = p[j + 1];
          if (c == 's' || c == 'n' || c == 'v' || c == 'W' || c == 'D' || c == 'H' || c == 'S'
              || c == 'w' || c == 'd' || c == 'h' || c == 'V')
            {
              /* \S with \s in one class is everything; a class of \S, \w,
               * \d, \h, \V alone cannot match a newline */
              if (c == 's' || c == 'n' || c == 'v' || c == 'W' || c == 'D' || c == 'H')
                has_nl = TRUE;
            }
          else if (c == 'x' && (strncmp (p + j + 2, "0a", 2) == 0 || strncmp (p + j + 2, "0A", 2) == 0
                                || strncmp (p + j + 2, "{a}", 3) == 0 || strncmp (p + j + 2, "{0a}", 4) == 0))
            has_nl = TRUE;
          else if (c == 'x' && strncmp (p + j + 2, "00", 2) == 0)
            has_nl = TRUE;   /* a range from \x00 */
          j++;
        }
      else if (strncmp (p + j, "[:space:]", 9) == 0 || strncmp (p + j, "[:cntrl:]", 9) == 0
               || strncmp (p + j, "[:^", 3) == 0)
        has_nl = TRUE;
      else if (p[j] == '\n')
        has_nl = TRUE;
    }
  return negated ? !has_nl : has_nl;
}

/* quantifier - read the quantifier at p[*i], if any */
static void
quantifier (const char *p, gsize *i, Tok *t)
{
  char c = p[*i];
  if (c == '*' || c == '+' || c == '?')
    {
      t->quantified = TRUE;
      t->unbounded = c != '?';
      (*i)++;
    }
  else if (c == '{' && g_ascii_isdigit (p[*i + 1]))
    {
      gsize j = *i + 1;
      while (g_ascii_isdigit (p[j]))
        j++;
      gint64 max = -1;
      if (p[j] == ',')
        {
          j++;
          if (g_ascii_isdigit (p[j]))
            {
              max = g_ascii_strtoll (p + j, NULL, 10);
              while (g_ascii_isdigit (p[j]))
                j++;
            }
          else
            max = G_MAXINT64;
        }
      else
        max = g_ascii_strtoll (p + *i + 1, NULL, 10);
      if (p[j] != '}')
        return;   /* a literal "{" */
      t->quantified = TRUE;
      /* a large bound is as bad as none on a 256 KiB text */
      t->unbounded = max > 1000;
      *i = j + 1;
    }
  else
    return;
  if (p[*i] == '+')
    {
      t->possessive = TRUE;
      (*i)++;
    }
  else if (p[*i] == '?')
    (*i)++;
}

/* tokenize - @p as tokens; FALSE for what it cannot read (then nothing
 * is refused) */
static gboolean
tokenize (const char *p, gboolean *multiline, gboolean *dotall, GArray *out)
{
  gsize n = strlen (p);
  gsize i = 0;
  while (i < n)
    {
      Tok t = { 0 };
      char c = p[i];
      if (c == '\\')
        {
          char e = p[i + 1];
          if (e == '\0')
            return FALSE;
          i += 2;
          if (e == 'A')
            t.kind = TOK_START;
          else if (strchr ("bBzZGK", e))
            t.kind = TOK_ASSERT;
          else if (e == 'Q')
            {
              const char *q = strstr (p + i, "\\E");
              i = q ? (gsize) (q - p) + 2 : n;
              t.kind = TOK_ATOM;
            }
          else if (e == 'x' && p[i] == '{')
            {
              const char *q = strchr (p + i, '}');
              if (q == NULL)
                return FALSE;
              t.nl = strncmp (p + i, "{a}", 3) == 0 || strncmp (p + i, "{0a}", 4) == 0;
              i = (gsize) (q - p) + 1;
              t.kind = TOK_ATOM;
            }
          else if ((e == 'p' || e == 'P') && p[i] == '{')
            {
              const char *q = strchr (p + i, '}');
              if (q == NULL)
                return FALSE;
              t.nl = e == 'P' || strncmp (p + i, "{Any}", 5) == 0 || strncmp (p + i, "{C", 2) == 0;
              i = (gsize) (q - p) + 1;
              t.kind = TOK_ATOM;
            }
          else
            {
              t.kind = TOK_ATOM;
              t.nl = escape_nl (e);
            }
        }
      else if (c == '[')
        {
          gsize end;
          t.kind = TOK_ATOM;
          t.nl = class_nl (p, i, &end);
          i = end;
        }
      else if (c == '(')
        {
          t.kind = TOK_OPEN;
          i++;
          if (p[i] == '?')
            {
              /* inline options (?m) (?s) (?-m) (?i:...) */
              gsize j = i + 1;
              gboolean on = TRUE, opts = FALSE;
              while (p[j] && (g_ascii_isalpha (p[j]) || p[j] == '-') && p[j] != ')' && p[j] != ':')
                {
                  opts = TRUE;
                  if (p[j] == '-')
                    on = FALSE;
                  else if (p[j] == 'm')
                    *multiline = on;
                  else if (p[j] == 's')
                    *dotall = on;
                  j++;
                }
              if (opts && p[j] == ')')
                {
                  i = j + 1;
                  continue;   /* an option setting, no group */
                }
              t.look = p[i + 1] == '=' || p[i + 1] == '!'
                       || (p[i + 1] == '<' && (p[i + 2] == '=' || p[i + 2] == '!'));
              if (p[i + 1] == '#')
                {
                  const char *q = strchr (p + i, ')');
                  i = q ? (gsize) (q - p) + 1 : n;
                  continue;   /* a comment */
                }
              /* past the group's kind: ?: ?= ?! ?<= ?<! ?> ?| ?<name> ?P<name> ?'name' ?i: */
              if (opts && p[j] == ':')
                i = j + 1;
              else if (p[i + 1] == '<' && (p[i + 2] == '=' || p[i + 2] == '!'))
                i += 3;
              else if (strchr (":=!>|", p[i + 1]))
                i += 2;
              else if (p[i + 1] == '<' || p[i + 1] == '\'' || (p[i + 1] == 'P' && p[i + 2] == '<'))
                {
                  const char *q = strpbrk (p + i + 2, ">'");
                  if (q == NULL)
                    return FALSE;
                  i = (gsize) (q - p) + 1;
                }
              else
                return FALSE;   /* (?R), (?(cond)...), callouts: not judged */
            }
          g_array_append_val (out, t);
          continue;
        }
      else if (c == ')')
        {
          t.kind = TOK_CLOSE;
          i++;
        }
      else if (c == '|')
        {
          t.kind = TOK_ALT;
          i++;
          g_array_append_val (out, t);
          continue;
        }
      else if (c == '^')
        {
          t.kind = TOK_BOL;
          i++;
          g_array_append_val (out, t);
          continue;
        }
      else if (c == '$')
        {
          t.kind = TOK_EOL;
          i++;
          g_array_append_val (out, t);
          continue;
        }
      else
        {
          t.kind = TOK_ATOM;
          t.nl = (c == '.' && *dotall) || c == '\n';
          /* one UTF-8 character */
          i++;
          while (i < n && ((guchar) p[i] & 0xc0) == 0x80)
            i++;
        }
      if (t.kind == TOK_ATOM || t.kind == TOK_CLOSE)
        quantifier (p, &i, &t);
      g_array_append_val (out, t);
    }
  return TRUE;
}

/* before - the token that comes before position @j + 1 in a match:
 * group openings are passed, and an alternative's "|" leads back to
 * what comes before its group; -1 for the pattern's start */
static gint
before (const Tok *t, gint j)
{
  for (;;)
    {
      while (j >= 0 && t[j].kind == TOK_OPEN && !t[j].look)
        j--;
      if (j < 0 || t[j].kind != TOK_ALT)
        return j;
      /* back to this group's opening */
      gint depth = 0;
      for (j--; j >= 0; j--)
        {
          if (t[j].kind == TOK_CLOSE)
            depth++;
          else if (t[j].kind == TOK_OPEN && depth-- == 0)
            break;
        }
      if (j >= 0 && t[j].look)
        return j;   /* the start of a lookaround: judged below */
    }
}

/**
 * bk_pattern_nonlinear: (skip)
 * @pattern: a rule's pattern
 * @multiline: compiled with PCRE2_MULTILINE (a body rule)
 * @per_line: matched against one line at a time (a format's line
 *   patterns): no line end to cross, one line start
 *
 * Returns: (nullable): why matching @pattern can take time growing with
 *   the square of the text, and what to write instead; %NULL when it
 *   does not have such a shape
 */
const char *
bk_pattern_nonlinear (const char *pattern, gboolean multiline, gboolean per_line)
{
  gboolean dotall = FALSE;
  g_autoptr (GArray) toks = g_array_new (FALSE, TRUE, sizeof (Tok));
  if (!tokenize (pattern, &multiline, &dotall, toks))
    return NULL;
  const Tok *t = (const Tok *) toks->data;
  guint n = toks->len;

  /* anchored at \A at its top level: one start position only */
  gboolean anchored = n > 0 && t[0].kind == TOK_START;

  for (guint k = 0; k < n && !per_line; k++)
    {
      if (t[k].kind != TOK_ATOM || !t[k].nl || !t[k].unbounded || t[k].possessive)
        continue;
      gint j = before (t, (gint) k - 1);
      if (j >= 0 && t[j].kind == TOK_BOL && multiline)
        return "a repeat that crosses lines right after '^' (like ^\\s*) scans every following "
               "blank line again from each line start; keep it on the line: ^[ \\t]* or ^\\h*";
      if (j >= 0 && ((t[j].kind == TOK_ATOM && t[j].nl) || (t[j].kind == TOK_EOL && multiline)))
        return "a repeat that crosses lines right after a line end (like \\n\\s* or $\\s*) scans "
               "every following blank line again from each line end; keep it on the line: [ \\t]* or \\h*";
      if (j < 0 && !anchored)
        return "a pattern that starts with a repeat that crosses lines (like \\s*) scans the "
               "whole run again from each of its positions; start with something fixed, or use [ \\t]*";
    }

  /* lookarounds running across lines, from every start */
  if (!anchored && !per_line)
    {
      gint look_depth = -1, depth = 0;
      for (guint k = 0; k < n; k++)
        {
          if (t[k].kind == TOK_OPEN)
            {
              depth++;
              if (t[k].look && look_depth < 0)
                look_depth = depth;
            }
          else if (t[k].kind == TOK_CLOSE)
            {
              if (depth == look_depth)
                look_depth = -1;
              depth--;
            }
          else if (look_depth >= 0 && t[k].kind == TOK_ATOM && t[k].nl && t[k].unbounded)
            return "a lookaround holding a repeat across lines (like (?=[\\s\\S]*X)) runs to the "
                   "text's end from every start; anchor the pattern at \\A or bound the repeat ({0,N})";
        }
    }

  /* nested unbounded repeats: a repeated group of repeats only */
  for (guint k = 0; k < n; k++)
    {
      if (t[k].kind != TOK_CLOSE || !t[k].unbounded || t[k].possessive)
        continue;
      /* its opening, and whether every item inside is optional or repeated */
      gint depth = 0, j = (gint) k - 1;
      gboolean all_repeats = TRUE, inner_unbounded = FALSE;
      for (; j >= 0; j--)
        {
          if (t[j].kind == TOK_CLOSE)
            {
              if (depth == 0 && !(t[j].quantified))
                all_repeats = FALSE;
              if (t[j].unbounded)
                inner_unbounded = TRUE;
              depth++;
            }
          else if (t[j].kind == TOK_OPEN)
            {
              if (depth == 0)
                break;
              depth--;
            }
          else if (depth == 0 && t[j].kind == TOK_ATOM)
            {
              if (!t[j].quantified)
                all_repeats = FALSE;
              if (t[j].unbounded && !t[j].possessive)
                inner_unbounded = TRUE;
            }
          else if (depth == 0 && t[j].kind == TOK_ALT)
            all_repeats = FALSE;   /* alternatives: too hard to judge; let them be */
        }
      if (j >= 0 && all_repeats && inner_unbounded)
        return "an unbounded repeat of a group made only of repeats (like (\\w+\\s?)+) can split "
               "a text in more ways than it has characters; give each repetition a fixed part";
    }
  return NULL;
}
