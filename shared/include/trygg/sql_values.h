/*
 * sql_values.h — the engine-neutral half of the statement helpers: a
 * statement's parameters as a list of typed values
 * (TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name), TRYGG_SQL_INT(id))) and a field
 * table that reads a result row into a struct (TRYGG_SQL_FTEXT/FINT).
 * Both store backends use them: SQLite through trygg/sqlite_util.h,
 * PostgreSQL through shared/src/store_pg_internal.h.
 */
#ifndef TRYGG_SQL_VALUES_H
#define TRYGG_SQL_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* One value for a statement parameter: text (NULL binds ""), a 64-bit
 * integer, a blob (NULL or length 0 binds SQL NULL) or SQL NULL. */
enum trygg_sql_kind { TRYGG_SQLV_TEXT, TRYGG_SQLV_INT, TRYGG_SQLV_BLOB, TRYGG_SQLV_NULL };
typedef struct {
    enum trygg_sql_kind kind;
    const void *p; /* the text or the blob */
    int64_t i;     /* the integer, or the blob's length in bytes */
} trygg_sql_val;

#define TRYGG_SQL_TEXT(v)    ((trygg_sql_val){.kind = TRYGG_SQLV_TEXT, .p = (v)})
#define TRYGG_SQL_INT(v)     ((trygg_sql_val){.kind = TRYGG_SQLV_INT, .i = (int64_t)(v)})
#define TRYGG_SQL_BLOB(v, n) ((trygg_sql_val){.kind = TRYGG_SQLV_BLOB, .p = (v), .i = (int64_t)(n)})
#define TRYGG_SQL_NULL       ((trygg_sql_val){.kind = TRYGG_SQLV_NULL})

/* The values of ?1, ?2, ... ?n, in order. */
typedef struct {
    const trygg_sql_val *v;
    int n;
} trygg_sql_args;

/* TRYGG_SQL_ARGS(TRYGG_SQL_TEXT(name), TRYGG_SQL_INT(id)): the list, which
 * lives until the end of the enclosing block. */
#define TRYGG_SQL_ARGS(...)                                                                        \
    ((trygg_sql_args){                                                                             \
        (const trygg_sql_val[]){__VA_ARGS__},                                                      \
        (int)(sizeof((const trygg_sql_val[]){__VA_ARGS__}) / sizeof(trygg_sql_val))})

#define TRYGG_SQL_NO_ARGS ((trygg_sql_args){NULL, 0})

/* One column: text into a char array, or an integer into an int-sized or
 * int64_t member (by the member's size). */
enum trygg_sql_ftype { TRYGG_SQLF_TEXT, TRYGG_SQLF_INT };
typedef struct {
    enum trygg_sql_ftype type;
    size_t off;  /* offsetof the member */
    size_t size; /* sizeof the member */
} trygg_sql_field;

#define TRYGG_SQL_FTEXT(T, m)                                                                      \
    {                                                                                              \
        TRYGG_SQLF_TEXT, offsetof(T, m), sizeof(((T *)0)->m)                                       \
    }
#define TRYGG_SQL_FINT(T, m)                                                                       \
    {                                                                                              \
        TRYGG_SQLF_INT, offsetof(T, m), sizeof(((T *)0)->m)                                        \
    }

/* The number of fields in the table f (an array). */
#define TRYGG_SQL_COUNT(f) ((int)(sizeof(f) / sizeof((f)[0])))
#endif
