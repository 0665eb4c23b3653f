/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for bk-text: one-line diagnostics, newline normalisation,
 * address clean-up, RFC 822 comment removal, VERP decoding and HTML to
 * text. All table-driven.
 */
#include "analyze/bk-analyze-private.h"

#include <string.h>

/* ---- bk_text_one_line ---- */

typedef struct {
  const char *name;
  const char *input;
  gsize max;
  const char *expected;
} OneLineCase;

static const OneLineCase one_line_cases[] = {
  { "collapse-blanks", "a  b\n\tc\r\n d", 100, "a b c d" },
  { "trim", "  \r\n lead and trail \t\n", 100, "lead and trail" },
  { "vertical-tab-form-feed", "a\vb\fc", 100, "a b c" },
  { "control-chars-dropped", "a\x01" "b\x1b[31mc\x7f d", 100, "ab[31mc d" },
  { "control-between-blanks", "a \x02 b", 100, "a b" },
  { "utf8-kept", "caf\xc3\xa9  cr\xc3\xa8me", 100, "caf\xc3\xa9 cr\xc3\xa8me" },
  { "truncate-ascii", "abcdef", 3, "abc" },
  { "truncate-exact", "abc", 3, "abc" },
  { "truncate-inside-2-byte", "a\xc3\xa9\xc3\xa9", 4, "a\xc3\xa9" },
  { "truncate-inside-3-byte", "ab\xe2\x82\xac", 4, "ab" },
  { "truncate-inside-4-byte", "a\xf0\x9f\x98\x80", 3, "a" },
  { "truncate-only-partial-char", "\xe2\x82\xac", 2, NULL },
  /* the cut falls right after the first byte of a sequence */
  { "truncate-after-lead-byte", "a\xc3\xa9", 2, "a" },
  /* a blank collapsed before the cut must not push past @max */
  { "truncate-at-blank", "ab cd", 3, "ab" },
  { "only-blanks", " \t\r\n ", 100, NULL },
  { "only-controls", "\x01\x02", 100, NULL },
  { "empty", "", 100, NULL },
  { "null", NULL, 100, NULL },
};

static void
test_one_line (gconstpointer data)
{
  const OneLineCase *c = data;
  g_autofree char *got = bk_text_one_line (c->input, c->max);
  g_assert_cmpstr (got, ==, c->expected);
  if (got)
    {
      g_assert_cmpuint (strlen (got), <=, c->max);
      g_assert_true (g_utf8_validate (got, -1, NULL));
    }
}

/* every cut of a mixed UTF-8 string stays within @max and valid */
static void
test_one_line_every_cut (void)
{
  const char *text = "x \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 y\xc3\xa9";
  for (gsize max = 1; max <= strlen (text) + 1; max++)
    {
      g_autofree char *got = bk_text_one_line (text, max);
      g_test_message ("max %" G_GSIZE_FORMAT, max);
      if (got)
        {
          g_assert_cmpuint (strlen (got), <=, max);
          g_assert_true (g_utf8_validate (got, -1, NULL));
          g_assert_true (g_str_has_prefix (text, got));
        }
    }
}

/* ---- bk_text_normalize_newlines ---- */

typedef struct {
  const char *name;
  const char *input;
  gsize len;
  const char *expected;
} NewlineCase;

static const NewlineCase newline_cases[] = {
  { "crlf", "a\r\nb\r\n", 6, "a\nb\n" },
  { "cr", "a\rb\r", 4, "a\nb\n" },
  { "mixed", "a\r\r\nb\n\rc", 9, "a\n\nb\n\nc" },
  { "lf-untouched", "a\nb", 3, "a\nb" },
  { "length-bounds", "a\r\nbXXX", 4, "a\nb" },
  { "cr-at-end-of-length", "a\r\n", 2, "a\n" },
  { "empty", "", 0, "" },
};

static void
test_normalize_newlines (gconstpointer data)
{
  const NewlineCase *c = data;
  g_autofree char *got = bk_text_normalize_newlines (c->input, c->len);
  g_assert_cmpstr (got, ==, c->expected);
}

/* ---- bk_text_clean_address ---- */

typedef struct {
  const char *name;
  const char *input;
  const char *expected;
} StrCase;

static const StrCase clean_address_cases[] = {
  { "angle-brackets", "<a@b.example>", "a@b.example" },
  { "trailing-colon", "a@b.example:", "a@b.example" },
  { "mailto", "mailto:a@b.example", "a@b.example" },
  { "mailto-upper-in-brackets", "<MAILTO:a@b.example>", "a@b.example" },
  { "single-quotes", "'a@b.example'", "a@b.example" },
  { "backquotes", "`a@b.example'", "a@b.example" },
  { "display-name", "Some User <user@example.com>", "user@example.com" },
  { "rcpt-to", "RCPT TO:<user@example.com>:", "user@example.com" },
  { "sentence-end", "user@example.com.", "user@example.com" },
  { "leading-blanks", "  \t<user@example.com> (comment)", "user@example.com" },
  { "case-kept", "User.Name@Example.COM", "User.Name@Example.COM" },
  { "utf8", "<j\xc3\xb6rg@example.de>", "j\xc3\xb6rg@example.de" },
  { "bare-local-part", "postmaster", "postmaster" },
  /* quoted local parts (RFC 5321 4.1.2) keep their quotes and domain */
  { "quoted-local-dots", "\"john..doe\"@example.com", "\"john..doe\"@example.com" },
  { "quoted-local-blank", "\"john doe\"@example.com", "\"john doe\"@example.com" },
  { "quoted-local-at", "\"john@doe\"@example.com", "\"john@doe\"@example.com" },
  { "quoted-local-escaped-quote", "\"john\\\"doe\"@example.com", "\"john\\\"doe\"@example.com" },
  { "quoted-local-angle", "John Doe <\"john..doe\"@example.com>", "\"john..doe\"@example.com" },
  { "quoted-local-at-angle", "<\"a@b\"@example.com>", "\"a@b\"@example.com" },
  { "quoted-local-trailing-dot", "\"john..doe\"@example.com.", "\"john..doe\"@example.com" },
  { "quoted-local-comment", "\"john..doe\"@example.com (John Doe)", "\"john..doe\"@example.com" },
  { "quoted-local-rcpt-to", "RCPT TO:<\"john doe\"@example.com>:", "\"john doe\"@example.com" },
  { "quoted-local-mailto", "mailto:\"john..doe\"@example.com", "\"john..doe\"@example.com" },
  { "quoted-local-no-domain", "\"john doe\"@", NULL },
  /* quoted display names */
  { "display-name-comma", "\"Doe, John\" <john@example.com>", "john@example.com" },
  { "display-name-comma-unquoted", "Doe, John <john@example.com>", "john@example.com" },
  { "display-name-with-at", "\"john@example.com\" <real@example.org>", "real@example.org" },
  { "display-name-with-angle", "\"Doe <JD>\" <john@example.com>", "john@example.com" },
  { "display-name-quoted-no-angle", "\"John Doe\" john@example.com", "john@example.com" },
  { "quoted-address-only", "\"john@example.com\"", "john@example.com" },
  { "quoted-bare-local-part", "\"postmaster\"", "postmaster" },
  /* comments */
  { "comment-after", "john@example.com (John Doe)", "john@example.com" },
  { "comment-before", "(John Doe) john@example.com", "john@example.com" },
  { "comment-with-at-before", "(sent by a@b.example) john@example.com", "john@example.com" },
  { "address-in-parens", "(john@example.com)", "john@example.com" },
  { "comment-in-angle", "<john@example.com> (Doe, John)", "john@example.com" },
  { "comment-before-bare-local-part", "(Mail Delivery) postmaster", "postmaster" },
  { "comment-after-bare-local-part", "postmaster (Mail Delivery)", "postmaster" },
  { "quoted-local-parens", "\"john (x)\"@example.com", "\"john (x)\"@example.com" },
  { "null-sender", "<>", NULL },
  { "no-domain", "user@", NULL },
  { "no-local-part", "@example.com", NULL },
  { "punctuation-only", " :.' ", NULL },
  { "blanks", "   ", NULL },
  { "empty", "", NULL },
  { "null", NULL, NULL },
};

static void
test_clean_address (gconstpointer data)
{
  const StrCase *c = data;
  g_autofree char *got = bk_text_clean_address (c->input);
  g_assert_cmpstr (got, ==, c->expected);
}

/* ---- bk_text_strip_comments ---- */

static const StrCase strip_comments_cases[] = {
  { "simple", "5.1.1 (user unknown)", "5.1.1" },
  { "inner", "a (b) c", "a  c" },
  { "nested", "x (a (b) c) y", "x  y" },
  { "leading", "(comment) failed", "failed" },
  { "quoted-paren-kept", "\"a (b)\" c", "\"a (b)\" c" },
  { "escaped-paren-in-comment", "a (b \\) c) d", "a  d" },
  { "escaped-quote-in-quotes", "\"a \\\" (b)\" c", "\"a \\\" (b)\" c" },
  { "stray-close", "a ) b", "a ) b" },
  { "unclosed", "a (b c", "a" },
  { "all-comment", "(only a comment)", "" },
  { "empty", "", "" },
  { "null", NULL, NULL },
};

static void
test_strip_comments (gconstpointer data)
{
  const StrCase *c = data;
  g_autofree char *got = bk_text_strip_comments (c->input);
  g_assert_cmpstr (got, ==, c->expected);
}

/* ---- bk_text_verp_decode ---- */

static const StrCase verp_cases[] = {
  { "mailman", "list-bounces+user=example.com@lists.example.org", "user@example.com" },
  { "subdomain", "bounce+john.doe=mail.example.co.uk@example.net", "john.doe@mail.example.co.uk" },
  { "plain-address", "user@example.com", NULL },
  { "plus-tag-without-equals", "user+tag@example.com", NULL },
  { "domain-without-dot", "bounce+user=localhost@example.org", NULL },
  { "empty-local", "bounce+=example.com@example.org", NULL },
  { "empty-domain", "bounce+user=@example.org", NULL },
  { "plus-after-at", "user@example+x=y.com", NULL },
  { "no-at", "bounce+user=example.com", NULL },
  { "null", NULL, NULL },
};

static void
test_verp_decode (gconstpointer data)
{
  const StrCase *c = data;
  g_autofree char *got = bk_text_verp_decode (c->input);
  g_assert_cmpstr (got, ==, c->expected);
}

/* ---- bk_text_from_html ---- */

static const StrCase html_cases[] = {
  { "tags-dropped", "<b>bold</b> and <i>italic</i>", "bold and italic" },
  { "paragraphs", "<p>one</p><p>two</p>", "\none\n\ntwo\n" },
  { "breaks", "a<br>b<BR/>c", "a\nb\nc" },
  { "div-and-rows", "<div>x</div><table><tr><td>a</td><td>b</td></tr></table>", "x\na b \n" },
  { "entities", "&lt;user@example.com&gt; &amp; &quot;q&quot; &#39;s&apos;&nbsp;end",
    "<user@example.com> & \"q\" 's' end" },
  { "unknown-entity-kept", "&copy; 2024 &amp", "&copy; 2024 &amp" },
  { "script-dropped", "a<script type=\"x\">if (a < b) alert(1)</script>b", "ab" },
  { "style-dropped", "a<STYLE>p { color: red }</STYLE>b", "ab" },
  { "unclosed-tag", "text <b", "text " },
  { "unclosed-script", "text <script>never closed", "text " },
  { "heading-and-list", "<h1>T</h1><ul><li>x</li><li>y</li></ul>", "T\nx\ny\n" },
  { "plain-text", "no markup at all", "no markup at all" },
  { "empty", "", "" },
  { "null", NULL, "" },
};

static void
test_from_html (gconstpointer data)
{
  const StrCase *c = data;
  g_autofree char *got = bk_text_from_html (c->input);
  g_assert_cmpstr (got, ==, c->expected);
}

#define ADD_TABLE(prefix, table, func)                                          \
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)                              \
    {                                                                           \
      g_autofree char *path = g_strconcat (prefix, (table)[i].name, NULL);      \
      g_test_add_data_func (path, &(table)[i], func);                           \
    }

typedef struct {
  const char *in;
  const char *out;
} JoinCase;

static const JoinCase join_cases[] = {
  { "550-5.7.1 first part 550-5.7.1 of the 550 5.7.1 message", "550-5.7.1 first part of the message" },
  { "552-5.2.2 inbox full 552-5.2.2 please retry", "552-5.2.2 inbox full please retry" },
  { "550 5.1.1 user unknown, 550 5.1.1 again", "550 5.1.1 user unknown, 550 5.1.1 again" },
  { "451-greylisted 451-try again", "451-greylisted try again" },
  { "no codes at all", "no codes at all" },
  { "host 192.0.2.1 said: 550-5.7.1 a 550-5.7.1 b", "host 192.0.2.1 said: 550-5.7.1 a b" },
};

static void
test_join_reply_lines (gconstpointer data)
{
  const JoinCase *c = data;
  g_autofree char *got = bk_text_join_reply_lines (c->in);
  g_assert_cmpstr (got, ==, c->out);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* a failed check fails its test and the others still run */
  g_test_set_nonfatal_assertions ();

  ADD_TABLE ("/text/one-line/", one_line_cases, test_one_line);
  g_test_add_func ("/text/one-line/every-cut", test_one_line_every_cut);
  for (guint i = 0; i < G_N_ELEMENTS (join_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/text/join-reply-lines/%u", i);
      g_test_add_data_func (path, &join_cases[i], test_join_reply_lines);
    }
  ADD_TABLE ("/text/normalize-newlines/", newline_cases, test_normalize_newlines);
  ADD_TABLE ("/text/clean-address/", clean_address_cases, test_clean_address);
  ADD_TABLE ("/text/strip-comments/", strip_comments_cases, test_strip_comments);
  ADD_TABLE ("/text/verp-decode/", verp_cases, test_verp_decode);
  ADD_TABLE ("/text/from-html/", html_cases, test_from_html);

  return g_test_run ();
}
