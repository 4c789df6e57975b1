/*
 * test_cfg.c — the shared INI helpers (cfg.h): file:line errors, long lines,
 * value parsers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "trygg/cfg.h"

static char tmpdir[256];
static char path[300];

static int setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR") != NULL ? getenv("TMPDIR") : P_tmpdir;
    snprintf(tmpdir, sizeof tmpdir, "%s/trygg-cfg-XXXXXX", tmp);
    if (mkdtemp(tmpdir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/test.ini", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    rmdir(tmpdir);
    return 0;
}

static void write_file(const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* A tiny config: [main] name = str (max 600 bytes), port = 1..65535. */
struct conf {
    char name[700];
    long port;
    int seen_lines[32];
    int nseen;
    int sections[8];
    int nsections;
};

static int handler(void *user, trygg_cfg_errors *e, const char *section, const char *name,
                   const char *value, int line)
{
    struct conf *c = user;
    if (name == NULL) {
        if (c->nsections < 8)
            c->sections[c->nsections++] = line;
        return 1;
    }
    if (c->nseen < 32)
        c->seen_lines[c->nseen++] = line;
    if (strcmp(section, "main") != 0)
        return trygg_cfg_fail(e, line, "unknown section [%s]", section);
    if (strcmp(name, "name") == 0) {
        if (!trygg_cfg_str(value, c->name, 601))
            return trygg_cfg_fail(e, line, "name: too long or not UTF-8");
        return 1;
    }
    if (strcmp(name, "port") == 0) {
        if (!trygg_cfg_int(value, 1, 65535, &c->port))
            return trygg_cfg_fail(e, line, "port: not a number in 1..65535: '%s'", value);
        return 1;
    }
    return trygg_cfg_fail(e, line, "unknown key '%s'", name);
}

static void test_ok_with_comments_bom_crlf(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF; comment\r\n"
                        "# another\r\n"
                        "[main]\r\n"
                        "  name = Lilla Edet ; inline comment\r\n"
                        "\tport=8080\r\n";
    write_file(text, sizeof text - 1);
    struct conf c = {0};
    trygg_cfg_error errs[4];
    trygg_cfg_errors e = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e), TRYGG_OK);
    assert_int_equal(e.n, 0);
    assert_string_equal(c.name, "Lilla Edet");
    assert_int_equal(c.port, 8080);
    assert_int_equal(c.nseen, 2);
    assert_int_equal(c.seen_lines[0], 4);
    assert_int_equal(c.seen_lines[1], 5);
}

static void test_errors_with_lines(void **state)
{
    (void)state;
    const char text[] = "[main]\n"       /* 1 */
                        "port = 99999\n" /* 2 */
                        "colour = red\n" /* 3 */
                        "\n"             /* 4 */
                        "just words\n"   /* 5 */
                        "[other]\n"      /* 6 */
                        "x = 1\n"        /* 7 */
                        "[main\n"        /* 8 */
                        "port = 80\n";   /* 9 */
    write_file(text, sizeof text - 1);
    struct conf c = {0};
    trygg_cfg_error errs[8];
    trygg_cfg_errors e = {.errs = errs, .max = 8};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e), TRYGG_ERR_CONFIG);
    assert_int_equal(e.n, 5);
    int want[] = {2, 3, 5, 7, 8};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(errs[i].line, want[i]);
        assert_string_equal(errs[i].file, path);
    }
    assert_non_null(strstr(errs[0].msg, "port"));
    assert_non_null(strstr(errs[1].msg, "colour"));
    assert_int_equal(e.total, 5);

    /* only one slot: still an error, and total counts them all */
    trygg_cfg_errors e1 = {.errs = errs, .max = 1};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e1), TRYGG_ERR_CONFIG);
    assert_int_equal(e1.n, 1);
    assert_int_equal(e1.total, 5);
    /* no slots at all */
    trygg_cfg_errors e0 = {0};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e0), TRYGG_ERR_CONFIG);
}

static void test_long_lines(void **state)
{
    (void)state;
    /* 600-byte value: longer than inih's own line buffer, under our 1000 */
    char text[3000];
    char v[601];
    memset(v, 'a', 600);
    v[600] = '\0';
    v[0] = 'B';
    int n = snprintf(text, sizeof text, "[main]\nname = %s ; c\nport = 1\n", v);
    write_file(text, (size_t)n);
    struct conf c = {0};
    trygg_cfg_error errs[4];
    trygg_cfg_errors e = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e), TRYGG_OK);
    assert_string_equal(c.name, v);
    assert_int_equal(c.port, 1);
    assert_int_equal(c.seen_lines[1], 3);

    /* 1200 bytes: an error at its line, and the next line is still line 3 */
    char big[1201];
    memset(big, 'x', 1200);
    big[1200] = '\0';
    n = snprintf(text, sizeof text, "[main]\nname = %s\nport = 0\n", big);
    write_file(text, (size_t)n);
    memset(&c, 0, sizeof c);
    trygg_cfg_errors e2 = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e2), TRYGG_ERR_CONFIG);
    assert_int_equal(e2.n, 2);
    assert_int_equal(errs[0].line, 2);
    assert_non_null(strstr(errs[0].msg, "too long"));
    assert_int_equal(errs[1].line, 3);
}

static void test_bad_bytes(void **state)
{
    (void)state;
    const char text[] = "[main]\nname = caf\xe9\nport = 1\x01\n";
    write_file(text, sizeof text - 1);
    struct conf c = {0};
    trygg_cfg_error errs[4];
    trygg_cfg_errors e = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e), TRYGG_ERR_CONFIG);
    assert_int_equal(e.n, 2);
    assert_int_equal(errs[0].line, 2);
    assert_int_equal(errs[1].line, 3);
    /* a NUL byte inside a line */
    const char nul[] = "[main]\nname = a\0b\n";
    write_file(nul, sizeof nul - 1);
    trygg_cfg_errors e2 = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e2), TRYGG_ERR_CONFIG);
    assert_int_equal(errs[0].line, 2);
}

static void test_sections_callback(void **state)
{
    (void)state;
    const char text[] = "[main]\n[main]\nport = 2\n[empty]\n";
    write_file(text, sizeof text - 1);
    struct conf c = {0};
    trygg_cfg_error errs[4];
    trygg_cfg_errors e = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse_sections(path, handler, &c, &e), TRYGG_OK);
    assert_int_equal(c.nsections, 3);
    assert_int_equal(c.sections[0], 1);
    assert_int_equal(c.sections[1], 2);
    assert_int_equal(c.sections[2], 4);
    /* plain parse: no section calls */
    memset(&c, 0, sizeof c);
    trygg_cfg_errors e2 = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse(path, handler, &c, &e2), TRYGG_OK);
    assert_int_equal(c.nsections, 0);
}

static void test_missing_file(void **state)
{
    (void)state;
    struct conf c = {0};
    trygg_cfg_error errs[4];
    trygg_cfg_errors e = {.errs = errs, .max = 4};
    assert_int_equal(trygg_cfg_parse("no/such/dir/x.ini", handler, &c, &e), TRYGG_ERR_IO);
    assert_int_equal(e.n, 1);
    assert_int_equal(errs[0].line, 0);
    assert_string_equal(errs[0].file, "no/such/dir/x.ini");
}

static void test_value_parsers(void **state)
{
    (void)state;
    long l;
    int b;
    char s[4];
    assert_true(trygg_cfg_int("42", 0, 100, &l));
    assert_int_equal(l, 42);
    assert_true(trygg_cfg_int("-5", -10, 0, &l));
    assert_false(trygg_cfg_int("101", 0, 100, &l));
    assert_false(trygg_cfg_int("12abc", 0, 100, &l));
    assert_false(trygg_cfg_int("", 0, 100, &l));
    assert_false(trygg_cfg_int("99999999999999999999999", 0, 100, &l));
    assert_true(trygg_cfg_bool("Yes", &b));
    assert_int_equal(b, 1);
    assert_true(trygg_cfg_bool("off", &b));
    assert_int_equal(b, 0);
    assert_false(trygg_cfg_bool("maybe", &b));
    assert_true(trygg_cfg_str("abc", s, sizeof s));
    assert_false(trygg_cfg_str("abcd", s, sizeof s));
    assert_false(trygg_cfg_str("\xff", s, sizeof s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok_with_comments_bom_crlf),
        cmocka_unit_test(test_errors_with_lines),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_sections_callback),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_value_parsers),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
