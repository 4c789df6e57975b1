/*
 * test_occlude.c — rectangle minus rectangles (kiosk/occlude.h, issue 16):
 * the pieces left of a box under opaque boxes are disjoint and cover
 * exactly the pixels no box covers, checked pixel by pixel on a small grid
 * against many random boxes; a fully covered box leaves nothing; too many
 * pieces are refused rather than cut short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "occlude.h"

#define G 48 /* the grid: G x G pixels */

static unsigned seed = 12345;

static int rnd(int n)
{
    seed = seed * 1103515245u + 12345u;
    return (int)((seed >> 16) % (unsigned)n);
}

static occ_rect random_rect(void)
{
    occ_rect r = {rnd(G) - 4, rnd(G) - 4, rnd(G / 2) + 1, rnd(G / 2) + 1};
    return r;
}

static int inside(const occ_rect *r, int x, int y)
{
    return x >= r->x && x < r->x + r->w && y >= r->y && y < r->y + r->h;
}

/* Every pixel of the grid: in exactly one piece when in r and under no
 * cover, in none otherwise. */
static void check(occ_rect r, const occ_rect *cover, int nc, const occ_rect *p, int n)
{
    for (int y = -8; y < G + 8; y++)
        for (int x = -8; x < G + 8; x++) {
            int want = inside(&r, x, y);
            for (int i = 0; i < nc && want; i++)
                want = !inside(&cover[i], x, y);
            int got = 0;
            for (int i = 0; i < n; i++)
                got += inside(&p[i], x, y);
            if (got != want)
                fail_msg("pixel %d,%d: in %d pieces, want %d", x, y, got, want);
        }
    for (int i = 0; i < n; i++)
        assert_true(p[i].w > 0 && p[i].h > 0);
}

static void test_random_boxes(void **state)
{
    (void)state;
    for (int round = 0; round < 400; round++) {
        occ_rect cover[12], p[256];
        int nc = rnd(12);
        for (int i = 0; i < nc; i++)
            cover[i] = random_rect();
        occ_rect r = round % 4 ? random_rect() : (occ_rect){0, 0, G, G};
        int n = occ_visible(r, cover, nc, p, 256);
        assert_true(n >= 0);
        check(r, cover, nc, p, n);
    }
}

static void test_cases(void **state)
{
    (void)state;
    occ_rect p[8];
    /* a box under a bigger one: nothing left */
    occ_rect big = {0, 0, 100, 100};
    assert_int_equal(occ_visible((occ_rect){10, 10, 20, 20}, &big, 1, p, 8), 0);
    /* a hole in the middle: four pieces around it */
    occ_rect hole = {10, 10, 10, 10};
    int n = occ_visible((occ_rect){0, 0, 30, 30}, &hole, 1, p, 8);
    assert_int_equal(n, 4);
    long area = 0;
    for (int i = 0; i < n; i++)
        area += (long)p[i].w * p[i].h;
    assert_int_equal(area, 900 - 100);
    /* a header and a footer over the screen: the band between */
    occ_rect hf[2] = {{0, 0, 1920, 120}, {0, 960, 1920, 120}};
    n = occ_visible((occ_rect){0, 0, 1920, 1080}, hf, 2, p, 8);
    assert_int_equal(n, 1);
    assert_memory_equal(&p[0], (&(occ_rect){0, 120, 1920, 840}), sizeof p[0]);
    /* empty covers change nothing; an empty box has nothing to show */
    occ_rect none = {5, 5, 0, 10};
    assert_int_equal(occ_visible((occ_rect){0, 0, 10, 10}, &none, 1, p, 8), 1);
    assert_int_equal(occ_visible((occ_rect){0, 0, 0, 10}, &hole, 1, p, 8), 0);
}

static void test_too_many_pieces(void **state)
{
    (void)state;
    occ_rect dots[20], p[8];
    for (int i = 0; i < 20; i++)
        dots[i] = (occ_rect){i * 5 + 1, 1, 2, 2};
    /* twenty holes in a row need more than eight pieces: refused */
    assert_int_equal(occ_visible((occ_rect){0, 0, 100, 4}, dots, 20, p, 8), -1);
}

/* The union of random boxes within a clip: every pixel of the grid in
 * exactly one piece when some box holds it inside the clip, else in none;
 * more pieces than the room: refused. */
static void test_union(void **state)
{
    (void)state;
    for (int round = 0; round < 400; round++) {
        occ_rect boxes[12], p[256];
        int nb = rnd(12);
        for (int i = 0; i < nb; i++)
            boxes[i] = random_rect();
        occ_rect clip = round % 3 ? random_rect() : (occ_rect){-8, -8, G + 16, G + 16};
        int n = occ_union(boxes, nb, clip, p, 256);
        assert_true(n >= 0);
        for (int y = -8; y < G + 8; y++)
            for (int x = -8; x < G + 8; x++) {
                int want = 0, got = 0;
                for (int i = 0; i < nb; i++)
                    want |= inside(&boxes[i], x, y);
                want &= inside(&clip, x, y);
                for (int i = 0; i < n; i++)
                    got += inside(&p[i], x, y);
                if (got != want)
                    fail_msg("round %d, pixel %d,%d: in %d pieces, want %d", round, x, y, got,
                             want);
            }
        for (int i = 0; i < n; i++)
            assert_true(p[i].w > 0 && p[i].h > 0);
    }
    occ_rect dots[20], p[8];
    for (int i = 0; i < 20; i++)
        dots[i] = (occ_rect){i * 5 + 1, 1, 2, 2};
    assert_int_equal(occ_union(dots, 20, (occ_rect){0, 0, 100, 4}, p, 8), -1);
    assert_int_equal(occ_union(dots, 20, (occ_rect){0, 0, 10, 4}, p, 8), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_boxes),
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_too_many_pieces),
        cmocka_unit_test(test_union),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
