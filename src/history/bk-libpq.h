/* SPDX-License-Identifier: MIT */
/* bk-libpq - libpq, loaded the first time a PostgreSQL history is opened
 * (bk-libpq.c). Linking it would load libpq and its Kerberos, LDAP and TLS
 * libraries into every run, doubling the start-up of a one-message
 * `check` in a procmail recipe that never touches PostgreSQL. The calls of
 * bk-history-pg.c go through this table under their own names. */
#pragma once

#include <glib.h>
#include <libpq-fe.h>

typedef struct {
#define BK_PQ_FUNCTIONS(X) \
  X (PGconn *, PQconnectdb, (const char *)) \
  X (PGconn *, PQconnectdbParams, (const char *const *, const char *const *, int)) \
  X (ConnStatusType, PQstatus, (const PGconn *)) \
  X (char *, PQerrorMessage, (const PGconn *)) \
  X (void, PQfinish, (PGconn *)) \
  X (PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *, PQnoticeProcessor, void *)) \
  X (PGTransactionStatusType, PQtransactionStatus, (const PGconn *)) \
  X (PGresult *, PQexec, (PGconn *, const char *)) \
  X (PGresult *, PQprepare, (PGconn *, const char *, const char *, int, const Oid *)) \
  X (PGresult *, PQexecPrepared, (PGconn *, const char *, int, const char *const *, const int *, const int *, int)) \
  X (ExecStatusType, PQresultStatus, (const PGresult *)) \
  X (char *, PQresultErrorField, (const PGresult *, int)) \
  X (void, PQclear, (PGresult *)) \
  X (int, PQntuples, (const PGresult *)) \
  X (int, PQnfields, (const PGresult *)) \
  X (char *, PQgetvalue, (const PGresult *, int, int)) \
  X (int, PQgetisnull, (const PGresult *, int, int)) \
  X (char *, PQcmdTuples, (PGresult *)) \
  X (char *, PQcmdStatus, (PGresult *)) \
  X (PQconninfoOption *, PQconninfoParse, (const char *, char **)) \
  X (void, PQconninfoFree, (PQconninfoOption *))
#define BK_PQ_MEMBER(ret, name, args) ret (*name) args;
  BK_PQ_FUNCTIONS (BK_PQ_MEMBER)
#undef BK_PQ_MEMBER
} BkLibpq;

/* bk_libpq - the table, loaded once; NULL with @error when libpq cannot
 * be loaded (the message names the library) */
G_GNUC_INTERNAL const BkLibpq *bk_libpq (GError **error);
