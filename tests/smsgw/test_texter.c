/*
 * test_texter.c — the tip line as texters use it, through the gateway
 * in-process on the REAL Gammu dummy phone (tools/fake-sms), its own store,
 * and a real trygg-server in-process on its own data directory, spoken to
 * over loopback HTTP only (smsgw_testutil.h): alphanumeric and short-code senders, Swedish short
 * texts and a thread's language, urgent texts over the flood limit, STOP variants and START, blank
 * and badly encoded texts, a full database, and a corpus of realistic and hostile texts checked for
 * what each texter receives. Runs under LC_ALL=C (see CMakeLists.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "gateway.h"
#include "local_store.h"
#include "smsgw_testutil.h"
#include "trygg/secret.h"
#include "trygg/store.h"

typedef struct fx {
    tu_env t;
    gw *g;
    trygg_store *st;
    unsigned char pkey[TRYGG_PSEUDO_KEY_LEN];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    tu_env_init(&f->t);
    if (tu_serve(&f->t, NULL) != 0)
        return -1;
    char err[512] = "";
    if (gw_open(&f->t.cfg, NULL, &f->g, err, sizeof err) != TRYGG_OK) {
        fprintf(stderr, "gw_open: %s\n", err);
        return -1;
    }
    f->st = tu_server_store(&f->t);
    if (trygg_key_read(f->t.cfg.pseudonym_key, f->pkey, sizeof f->pkey) != TRYGG_OK) {
        fprintf(stderr, "cannot read the pseudonym key\n");
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    gw_close(f->g);
    tu_env_free(&f->t);
    free(f);
    return 0;
}

static void pseudo(fx *f, const char *number, char out[65])
{
    char norm[20];
    assert_int_equal(trygg_phone_normalise(number, norm), TRYGG_OK);
    assert_int_equal(trygg_pseudonym(f->pkey, norm, out), TRYGG_OK);
}

static trygg_item items[64];
static trygg_sms_out rows[64];

/* Items whose sender pseudonym is `p`, oldest first. */
static int items_by(fx *f, const char *p, trygg_item *out, int max)
{
    trygg_filter fl;
    trygg_filter_init(&fl);
    fl.view = TRYGG_VIEW_FULL;
    snprintf(fl.sender, sizeof fl.sender, "%s", p);
    int n = 0;
    assert_int_equal(trygg_store_list(f->st, &fl, NULL, out, max, &n, NULL), TRYGG_OK);
    for (int i = 0; i < n / 2; i++) {
        trygg_item tmp = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = tmp;
    }
    return n;
}

static int items_of(fx *f, const char *number, trygg_item *out, int max)
{
    char p[65];
    pseudo(f, number, p);
    return items_by(f, p, out, max);
}

/* Every item whose text is exactly `text` (any sender). */
static int items_with_text(fx *f, const char *text, trygg_item *out, int max)
{
    trygg_filter fl;
    trygg_filter_init(&fl);
    fl.view = TRYGG_VIEW_FULL;
    static trygg_item all[256];
    int n = 0, k = 0;
    assert_int_equal(trygg_store_list(f->st, &fl, NULL, all, 256, &n, NULL), TRYGG_OK);
    for (int i = 0; i < n && k < max; i++)
        if (!strcmp(all[i].text, text))
            out[k++] = all[i];
    return k;
}

/* Outbox rows to pseudonym `p`, oldest first. */
static int sms_to_p(fx *f, const char *p, trygg_sms_out *out, int max)
{
    static trygg_sms_out all[64];
    int k = 0;
    for (int64_t item = 0; item < 300; item++) {
        int n = 0;
        assert_int_equal(trygg_store_sms_list(f->st, item, all, 64, &n), TRYGG_OK);
        for (int i = 0; i < n && k < max; i++)
            if (!strcmp(all[i].recipient, p))
                out[k++] = all[i];
    }
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && out[j].id < out[j - 1].id; j--) {
            trygg_sms_out tmp = out[j];
            out[j] = out[j - 1];
            out[j - 1] = tmp;
        }
    return k;
}

static int sms_to(fx *f, const char *number, trygg_sms_out *out, int max)
{
    char p[65];
    pseudo(f, number, p);
    return sms_to_p(f, p, out, max);
}

/* The last text sent to `number` ("" if none). */
static const char *last_reply(fx *f, const char *number)
{
    static char buf[1600];
    int n = sms_to(f, number, rows, 64);
    snprintf(buf, sizeof buf, "%s", n ? rows[n - 1].text : "");
    return buf;
}

/* One round of the gateway at `now`, with the server's clock at `now` too. */
static void step(fx *f, int64_t now)
{
    tu_server_clock(now);
    gw_step(f->g, now);
}

static int inbox_files(fx *f)
{
    return tu_count_files(f->t.modem, "sms/1");
}

/* Defect 1: operators, banks and short codes are stored (never quarantined,
 * never lost), thread by sender name, and are never answered. */
static void test_alphanumeric_senders(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL);
    assert_int_equal(tu_fake_sms(&f->t, "", "Telia", "Telia: Ditt saldo är 0 kr"), 0);
    assert_int_equal(tu_fake_sms(&f->t, "", "72000", "Din kod är 4711"), 0);
    char longtext[600] = "";
    for (int i = 0; i < 25; i++)
        strcat(longtext, "Bank info ");
    assert_int_equal(tu_fake_sms(&f->t, "", "Bank", longtext), 0); /* multipart */
    step(f, now);
    assert_int_equal(inbox_files(f), 0);
    assert_int_equal(tu_count_files(f->t.dir, "quarantine"), 0);
    assert_int_equal(items_with_text(f, "Telia: Ditt saldo är 0 kr", items, 4), 1);
    char telia[65];
    snprintf(telia, sizeof telia, "%s", items[0].sender);
    assert_int_equal(strlen(telia), 64);
    assert_int_equal(items[0].kind, TRYGG_KIND_TIP);
    assert_int_equal(items_with_text(f, "Din kod är 4711", items, 4), 1);
    assert_int_equal(items_with_text(f, longtext, items, 4), 1);
    assert_int_equal(items[0].incomplete, 0);
    /* Never answered; the contact has no ciphertext and cannot be queued to. */
    assert_int_equal(sms_to_p(f, telia, rows, 64), 0);
    trygg_contact ct;
    assert_int_equal(trygg_store_contact_get(f->st, telia, &ct), TRYGG_OK);
    assert_int_equal(ct.cipher_len, 0);
    int64_t id;
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, telia, "anna", "Hej", &id), TRYGG_ERR_STATE);
    /* The same name again (any case) joins the thread. */
    assert_int_equal(tu_fake_sms(&f->t, "", "TELIA", "Telia: Faktura 99 kr"), 0);
    step(f, now + 1);
    assert_int_equal(items_by(f, telia, items, 8), 1);
    /* The sender's name is a namespace of its own: a number never collides. */
    char p72[65];
    pseudo(f, "+4672000", p72);
    assert_int_equal(items_by(f, p72, items, 8), 0);
}

/* Defect 2: short Swedish texts get Swedish; a thread's language does not
 * flip on one message. */
static void test_language(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL);
    tu_fake_sms(&f->t, "", "+46700000101", "Inbrott i förrådet");
    tu_fake_sms(&f->t, "", "+46700000102", "Klotter i tunneln");
    tu_fake_sms(&f->t, "", "+46700000103", "There is a fight outside the school");
    step(f, now);
    assert_non_null(strstr(last_reply(f, "+46700000101"), "Tack"));
    assert_non_null(strstr(last_reply(f, "+46700000102"), "Tack"));
    assert_non_null(strstr(last_reply(f, "+46700000103"), "Thank"));
    /* One short English-looking message in a Swedish thread: still Swedish. */
    tu_fake_sms(&f->t, "", "+46700000101", "ok thanks");
    step(f, now + 1);
    assert_non_null(strstr(last_reply(f, "+46700000101"), "Tack"));
    /* An English thread stays English on a Swedish word. */
    tu_fake_sms(&f->t, "", "+46700000103", "Tack");
    step(f, now + 2);
    assert_non_null(strstr(last_reply(f, "+46700000103"), "Thank"));
}

/* Defects 3 and 4: an urgent text over the flood limit still gets 112
 * first (bounded: one per 10 minutes), and urgent replies go out first. */
static void test_urgent_over_flood(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL);
    const char *A = "+46700000110";
    for (int i = 0; i < 6; i++) {
        char t[64];
        snprintf(t, sizeof t, "Bullret fortsätter, meddelande %d", i);
        tu_fake_sms(&f->t, "", A, t);
        step(f, now + i);
    }
    assert_int_equal(sms_to(f, A, rows, 64), 5); /* the flood limit */
    tu_fake_sms(&f->t, "", A, "Nu har han en kniv och hotar grannen");
    step(f, now + 10);
    int n = sms_to(f, A, rows, 64);
    assert_int_equal(n, 6);
    assert_int_equal(strncmp(rows[n - 1].text, "112", 3), 0);
    assert_int_equal(rows[n - 1].status, TRYGG_OUT_SENT);
    /* Bounded: a second urgent text within 10 minutes gets nothing more. */
    tu_fake_sms(&f->t, "", A, "Det brinner i trapphuset nu");
    step(f, now + 60);
    assert_int_equal(sms_to(f, A, rows, 64), 6);
    /* After 10 minutes one more. */
    tu_fake_sms(&f->t, "", A, "Det brinner fortfarande, rök överallt");
    step(f, now + 700);
    assert_int_equal(sms_to(f, A, rows, 64), 7);

    /* Urgent replies are due first, even behind a queue of other replies. */
    const char *B = "+46700000111";
    tu_fake_sms(&f->t, "", B, "Trasig lampa vid skolan");
    step(f, now + 800);
    assert_int_equal(items_of(f, B, items, 8), 1);
    char pb[65];
    pseudo(f, B, pb);
    for (int i = 0; i < 20; i++)
        assert_int_equal(trygg_store_sms_enqueue(f->st, items[0].id, pb, "anna", "Svar", NULL),
                         TRYGG_OK);
    const char *C = "+46700000112";
    char pc[65];
    pseudo(f, C, pc);
    trygg_contact ct;
    unsigned char cipher[] = {1, 2, 3};
    assert_int_equal(trygg_store_contact_get_or_create(f->st, pc, cipher, 3, "Tipsare T-", &ct),
                     TRYGG_OK);
    int64_t uid;
    assert_int_equal(trygg_store_sms_enqueue(f->st, 0, pc, "smsgw-urgent", "112 ...", &uid),
                     TRYGG_OK);
    trygg_sms_out *due = calloc(16, sizeof *due);
    int nd = 0;
    assert_int_equal(trygg_store_sms_due(f->st, time(NULL) + 1, due, 16, &nd), TRYGG_OK);
    assert_int_equal(nd, 16);
    assert_int_equal(due[0].id, uid);
    free(due);
}

/* Defect 6: STOP variants stop, START/BÖRJA opts back in, the confirmation
 * is in the texter's language; a tip starting with "Stopp" stays a tip. */
/* STATUS <ref> (issue 14, "a way back in"): the texter who sent the item
 * gets its status in plain words, in the thread's language, as the public
 * status page says it; another number asking for the same reference learns
 * nothing (the same answer as for a reference that does not exist); STATUS
 * alone answers for the sender's latest item; no item is made. */
static void test_status_by_sms(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL) + 5000;
    const char *A = "+46700000301", *B = "+46700000302";
    tu_fake_sms(&f->t, "", A, "Det är mörkt och otryggt vid gångtunneln på kvällarna");
    step(f, now);
    assert_int_equal(items_of(f, A, items, 8), 1);
    char ref[16];
    snprintf(ref, sizeof ref, "%s", items[0].ref);
    /* New: received, not handled yet. Lower case and without the dash. */
    char ask[64], bare[16];
    size_t k = 0;
    for (const char *c = ref; *c; c++)
        if (*c != '-')
            bare[k++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    bare[k] = '\0';
    snprintf(ask, sizeof ask, "status %s", bare);
    tu_fake_sms(&f->t, "", A, ask);
    step(f, now + 60);
    const char *r = last_reply(f, A);
    if (!strstr(r, ref) || !strstr(r, "inte behandlats"))
        fail_msg("status reply: %s", r);
    assert_int_equal(items_of(f, A, items, 8), 1); /* no new item, no thread message */
    /* Closed as resolved by staff: the words say so. */
    assert_int_equal(trygg_store_set_status(f->st, items[0].id, "sakerhet", TRYGG_STATUS_CLOSED,
                                            TRYGG_CLOSE_RESOLVED, 0),
                     TRYGG_OK);
    tu_fake_sms(&f->t, "", A, "STATUS");
    step(f, now + 120);
    r = last_reply(f, A);
    if (!strstr(r, ref) || !strstr(r, "åtgärdat"))
        fail_msg("status reply after closing: %s", r);
    /* Another number, the same reference: told nothing about it. */
    snprintf(ask, sizeof ask, "STATUS %s", ref);
    tu_fake_sms(&f->t, "", B, ask);
    step(f, now + 180);
    char other[1600];
    snprintf(other, sizeof other, "%s", last_reply(f, B));
    assert_null(strstr(other, "åtgärdat"));
    assert_null(strstr(other, "behandlats"));
    tu_fake_sms(&f->t, "", B, "STATUS ZZ-ZZZZ");
    step(f, now + 240);
    /* the reference is echoed as asked; otherwise the same words */
    char unknown[1600];
    snprintf(unknown, sizeof unknown, "%s", last_reply(f, B));
    char *p = strstr(other, ref);
    assert_non_null(p);
    memcpy(p, "ZZ-ZZZZ", 7);
    assert_string_equal(other, unknown);
    assert_int_equal(items_of(f, B, items, 8), 0);
}

static void test_stop_variants(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL);
    static const char *const stops[] = {
        "Stopp tack", "Sluta skicka sms", "STOPP!!",       "stop please",
        "Stop",       "stopp.",           "Avsluta tack!", "STOP sending me texts"};
    for (size_t i = 0; i < sizeof stops / sizeof stops[0]; i++) {
        char num[20];
        snprintf(num, sizeof num, "+4670000012%zu", i);
        char p[65];
        pseudo(f, num, p);
        tu_fake_sms(&f->t, "", num, stops[i]);
        step(f, now + (int64_t)i);
        trygg_contact ct;
        assert_int_equal(trygg_store_contact_get(f->st, p, &ct), TRYGG_OK);
        if (!ct.stopped)
            fail_msg("not stopped by \"%s\"", stops[i]);
        int n = sms_to(f, num, rows, 64);
        assert_int_equal(n, 1);
        assert_string_equal(rows[0].author, "smsgw-stop");
        /* A Swedish number saying STOP/stop please gets Swedish. */
        assert_non_null(strstr(rows[0].text, "Du får inga fler sms"));
    }
    /* A foreign number saying "stop please" gets English. */
    tu_fake_sms(&f->t, "", "+447700900123", "stop please");
    step(f, now + 20);
    assert_non_null(strstr(last_reply(f, "+447700900123"), "no more texts"));
    /* A tip that starts with Stopp stays a tip. */
    tu_fake_sms(&f->t, "", "+46700000130", "Stopp vid busshållplatsen, bilarna kör för fort");
    step(f, now + 21);
    assert_int_equal(items_of(f, "+46700000130", items, 8), 1);
    assert_non_null(strstr(last_reply(f, "+46700000130"), "Tack"));
    /* START opts back in, confirmed in Swedish; replies flow again. */
    const char *S = "+46700000120";
    tu_fake_sms(&f->t, "", S, "START");
    step(f, now + 30);
    char ps[65];
    pseudo(f, S, ps);
    trygg_contact ct;
    assert_int_equal(trygg_store_contact_get(f->st, ps, &ct), TRYGG_OK);
    assert_int_equal(ct.stopped, 0);
    /* A fresh ciphertext, in the gateway's store (the server has none). */
    ls_number num;
    assert_int_equal(ls_number_get(gw_test_lstore(f->g), ps, &num), TRYGG_OK);
    assert_int_equal(num.stopped, 0);
    assert_true(num.cipher_len > 0);
    assert_int_equal(ct.cipher_len, 0);
    assert_non_null(strstr(last_reply(f, S), "igen"));
    tu_fake_sms(&f->t, "", "+46700000121", "Börja");
    step(f, now + 31);
    pseudo(f, "+46700000121", ps);
    assert_int_equal(trygg_store_contact_get(f->st, ps, &ct), TRYGG_OK);
    assert_int_equal(ct.stopped, 0);
}

/* Defect 7: a blank text is no tip (help text instead); a badly encoded
 * file is stored flagged, answered with the help text, and never changes
 * the contact's language. */
static void test_blank_and_mojibake(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL);
    const char *A = "+46700000140";
    tu_fake_sms(&f->t, "", A, "   ");
    step(f, now);
    assert_int_equal(inbox_files(f), 0);
    assert_int_equal(items_of(f, A, items, 8), 0);
    assert_non_null(strstr(last_reply(f, A), "FEL"));         /* the help text */
    assert_null(strstr(last_reply(f, A), "Tack för tipset")); /* not a tip */

    const char *B = "+46700000141";
    tu_fake_sms(&f->t, "", B, "Det är mörkt vid skolan och lampan är trasig");
    step(f, now + 1);
    char pb[65];
    pseudo(f, B, pb);
    trygg_contact ct;
    assert_int_equal(trygg_store_contact_get(f->st, pb, &ct), TRYGG_OK);
    assert_string_equal(ct.lang, "sv");
    /* Latin-1 bytes mislabelled as UCS-2, with an Arabic-range unit. */
    static const char bad[] = "[SMSBackup000]\nSMSC = \"+46700000000\"\nPDU = Deliver\n"
                              "DateTime = 20240315T220100\nState = UnRead\n"
                              "Number = \"+46700000141\"\n"
                              "Text00 = 4272E56B0645206B4E00D8003A200628FFFD\n"
                              "Coding = Unicode\nFolder = 1\nLength = 9\nClass = -1\n";
    tu_write_raw(&f->t, 50, bad, sizeof bad - 1);
    tu_fake_sms(&f->t, "", "+46700000142", "NYTT");
    step(f, now + 2);
    assert_int_equal(inbox_files(f), 0);
    assert_int_equal(trygg_store_contact_get(f->st, pb, &ct), TRYGG_OK);
    assert_string_equal(ct.lang, "sv");
    assert_non_null(strstr(last_reply(f, B), "FEL")); /* help, in Swedish */
    /* Stored, not lost: the thread has it. */
    assert_int_equal(items_of(f, B, items, 8), 1);
    trygg_message msgs[8];
    int nm = 0;
    assert_int_equal(trygg_store_list_messages(f->st, items[0].id, TRYGG_VIEW_FULL, msgs, 8, &nm),
                     TRYGG_OK);
    int in = 0;
    for (int i = 0; i < nm; i++)
        in += msgs[i].dir == TRYGG_MSG_IN;
    assert_true(in >= 1);
    /* A first message that is undecodable: a flagged item. */
    static const char bad2[] = "[SMSBackup000]\nSMSC = \"+46700000000\"\nPDU = Deliver\n"
                               "DateTime = 20240315T220200\nState = UnRead\n"
                               "Number = \"+46700000143\"\n"
                               "Text00 = 4272E56B0645206B4E00D8003A200628FFFD\n"
                               "Coding = Unicode\nFolder = 1\nLength = 9\nClass = -1\n";
    tu_write_raw(&f->t, 51, bad2, sizeof bad2 - 1);
    step(f, now + 3);
    assert_int_equal(items_of(f, "+46700000143", items, 8), 1);
    assert_int_equal(items[0].incomplete, 1);
    char pc[65];
    pseudo(f, "+46700000143", pc);
    assert_int_equal(trygg_store_contact_get(f->st, pc, &ct), TRYGG_OK);
    assert_string_not_equal(ct.lang, "ar");
    assert_non_null(strstr(last_reply(f, "+46700000143"), "FEL"));
}

/* Defect 10: a full disk under the gateway's store is reported once,
 * counted and shown in the health record the server keeps; nothing is lost
 * and everything is stored once it clears. */
static void test_store_full(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL);
    char json[4096];
    int64_t upd;
    step(f, now);
    assert_int_equal(trygg_store_health_get(f->st, "smsgw", json, sizeof json, &upd), TRYGG_OK);
    assert_non_null(strstr(json, "\"store_errors\":0"));
    assert_int_equal(ls_test_limit_pages(gw_test_lstore(f->g), 0), TRYGG_OK);
    for (int i = 0; i < 12; i++) {
        char num[20], t[600];
        snprintf(num, sizeof num, "+467000002%02d", i);
        /* Long enough that the batch needs pages the store cannot get. */
        snprintf(t, sizeof t,
                 "Tips %d under full disk: det lyser inte vid skolan sedan i fredags, "
                 "och det är mörkt på hela gångvägen ner mot ån %d. Lamporna vid "
                 "parkeringen är också släckta, och vid cykelstället bakom idrottshallen "
                 "har någon slagit sönder armaturen. Barnen går hem den vägen efter "
                 "träningen och föräldrarna är oroliga. Snälla laga belysningen snart.",
                 i, i * 7919);
        tu_fake_sms(&f->t, "", num, t);
    }
    for (int i = 1; i <= 3; i++)
        step(f, now + i * 10);
    assert_true(inbox_files(f) > 0); /* what did not fit waits on the modem */
    assert_int_equal(trygg_store_health_get(f->st, "smsgw", json, sizeof json, &upd), TRYGG_OK);
    assert_null(strstr(json, "\"store_errors\":0"));
    assert_non_null(strstr(json, "\"store\":\"failing\""));
    assert_non_null(strstr(json, "\"store_error\":\""));
    assert_int_equal(ls_test_limit_pages(gw_test_lstore(f->g), -1), TRYGG_OK);
    step(f, now + 100);
    step(f, now + 101);
    assert_int_equal(inbox_files(f), 0);
    for (int i = 0; i < 12; i++) { /* nothing lost, nothing twice */
        char num[20];
        snprintf(num, sizeof num, "+467000002%02d", i);
        assert_int_equal(items_of(f, num, items, 8), 1);
    }
    assert_int_equal(trygg_store_health_get(f->st, "smsgw", json, sizeof json, &upd), TRYGG_OK);
    assert_non_null(strstr(json, "\"store\":\"ok\""));
}

/* The corpus: realistic and hostile texts from many texters in one go, and
 * what each receives (the beginning of the last reply; "" = nothing). */
static void test_corpus(void **state)
{
    fx *f = *state;
    int64_t now = time(NULL) + 5000;
    static const struct {
        const char *from, *text, *expect;
    } c[] = {
        {"+46700000301", "Inbrott i förrådet", "Tack"},
        {"+46700000302", "Klotter i tunneln", "Tack"},
        {"+46700000303", "det ar morkt vid skolan", "Tack"},
        {"+46700000304", "Someone is dealing drugs behind the school", "Thank"},
        {"+46700000305", "الإضاءة مكسورة في الحديقة", "شكرا"},
        {"+46700000306", "Nalka wadada waa jaban yahay xaafadda", "Mahadsanid"},
        {"+46700000307", "Han har en kniv vid torget!!", "112"},
        {"+46700000308", "Stopp tack", "Du får inga fler sms"},
        {"+46700000309", "STOPP!!", "Du får inga fler sms"},
        {"+46700000310", "Sluta skicka sms", "Du får inga fler sms"},
        {"+46700000311", "hjälp", "Tipslinjen"},
        {"+46700000312", "FEL trasig gatlykta vid lekplatsen", "Tack"},
        {"+46700000313", "\t \n ", "Tipslinjen"},
        {"+46700000314", "Stopp vid Ica, bilar kör mot rött", "Tack"},
        {"Telia", "Telia: Ditt saldo är 0 kr. Ladda på!", ""},
        {"Bank", "Din engångskod: 123456", ""},
        {"72000", "Tack för ditt köp", ""},
        {"+46700000315", "Det brinner i soprummet, rök överallt", "112"},
        {"+46700000316", "Is på trottoaren vid skolan", "Tack"},
        {"+46700000317", "'; DROP TABLE items; --", "Tack"},
        {"+46700000318", "<script>alert(1)</script>", "Tack"},
    };
    size_t nc = sizeof c / sizeof c[0];
    for (size_t i = 0; i < nc; i++)
        assert_int_equal(tu_fake_sms(&f->t, "", c[i].from, c[i].text), 0);
    /* One texter floods, then texts something urgent. */
    const char *F = "+46700000319";
    for (int i = 0; i < 7; i++) {
        char t[64];
        snprintf(t, sizeof t, "Grannen spelar hög musik igen, nr %d", i);
        tu_fake_sms(&f->t, "", F, t);
    }
    step(f, now);
    step(f, now + 1);
    tu_fake_sms(&f->t, "", F, "Nu slåss de med kniv i trapphuset");
    step(f, now + 2);
    assert_int_equal(inbox_files(f), 0);
    assert_int_equal(tu_count_files(f->t.dir, "quarantine"), 0);
    int bad = 0;
    for (size_t i = 0; i < nc; i++) {
        const char *got = "";
        char norm[20];
        if (trygg_phone_normalise(c[i].from, norm) == TRYGG_OK)
            got = last_reply(f, c[i].from);
        int ok = c[i].expect[0] ? strncmp(got, c[i].expect, strlen(c[i].expect)) == 0 ||
                                      (strstr(got, c[i].expect) && c[i].expect[0] != '1')
                                : got[0] == '\0';
        printf("  %-4s %-14s %-42.42s -> %.50s\n", ok ? "ok" : "FAIL", c[i].from, c[i].text, got);
        bad += !ok;
    }
    const char *got = last_reply(f, F);
    printf("  %-4s %-14s %-42.42s -> %.50s\n", strncmp(got, "112", 3) ? "FAIL" : "ok", F,
           "(flood, then a knife)", got);
    bad += strncmp(got, "112", 3) != 0;
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(items_with_text(f, c[14 + i].text, items, 4), 1);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_alphanumeric_senders, setup, teardown),
        cmocka_unit_test_setup_teardown(test_language, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urgent_over_flood, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_variants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_by_sms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blank_and_mojibake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corpus, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
