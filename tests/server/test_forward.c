/*
 * test_forward.c — forwarding through the notification outbox against real
 * receivers: a local SMTP server (python3 -m aiosmtpd, Maildir) and a local
 * webhook receiver (webhook_receiver.py). Checks: full text to the security
 * department, scrubbed copy to the housing company, UTF-8 subject (RFC 2047),
 * on-call e-mail for urgent items, HMAC-SHA256 signature, retries while a
 * receiver is down then delivery, dead letter with its error, tips refused
 * for a company destination.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "config.h"
#include "server_fixture.h"
#include "trygg/copy.h"

#ifndef TRYGG_TEST_PYTHON
#define TRYGG_TEST_PYTHON "python3"
#endif

static sfx F;
static pid_t smtp_pid, hook_pid, late_pid, tls_pid;
static int smtp_port, hook_port, dead_port, late_port;
static char maildir[400], hookdir[400], latedir[400];

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t l = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &l) != 0)
        return -1;
    close(fd);
    return ntohs(a.sin_port);
}

static int port_open(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static pid_t spawn(char *const argv[], int port)
{
    pid_t pid = fork();
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    for (int i = 0; i < 200 && pid > 0; i++) {
        if (port_open(port))
            return pid;
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid)
            return -1;
        usleep(50 * 1000);
    }
    return -1;
}

static void stop(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
    }
}

static pid_t start_hook(int port, const char *dir)
{
    char p[16], script[600];
    snprintf(p, sizeof p, "%d", port);
    snprintf(script, sizeof script, "%s/webhook_receiver.py", TRYGG_TEST_SERVER_DIR);
    char *argv[] = {TRYGG_TEST_PYTHON, script, p, (char *)dir, NULL};
    return spawn(argv, port);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    smtp_port = free_port();
    hook_port = free_port();
    dead_port = free_port();
    late_port = free_port();
    char extra[512];
    snprintf(extra, sizeof extra,
             "[smtp]\nurl = smtp://127.0.0.1:%d\nstarttls = no\nfrom = trygg@kommun.example\n"
             "[forward]\nmax_attempts = 3\n[server]\npublic_url = https://trygg.kommun.example\n",
             smtp_port);
    if (sfx_prepare(&F, extra, "jour@kommun.example") != 0)
        return -1;
    snprintf(maildir, sizeof maildir, "%s/mail", F.dir);
    snprintf(hookdir, sizeof hookdir, "%s/hooks", F.dir);
    snprintf(latedir, sizeof latedir, "%s/late", F.dir);
    mkdir(hookdir, 0700);
    mkdir(latedir, 0700);
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", smtp_port);
    char *argv[] = {TRYGG_TEST_PYTHON,           "-m",    "aiosmtpd", "-n", "-l", listen, "-c",
                    "aiosmtpd.handlers.Mailbox", maildir, NULL};
    smtp_pid = spawn(argv, smtp_port);
    hook_pid = start_hook(hook_port, hookdir);
    if (smtp_pid < 0 || hook_pid < 0)
        return -1;

    /* Destinations with real channels. */
    char db[400];
    snprintf(db, sizeof db, "%s/trygg.db", F.dir);
    trygg_store *st;
    if (trygg_store_open(db, &st) != TRYGG_OK)
        return -1;
    trygg_destination d = {0};
    snprintf(d.name, sizeof d.name, "security");
    snprintf(d.label, sizeof d.label, "Säkerhetsavdelningen");
    snprintf(d.email, sizeof d.email, "sakerhet@kommun.example");
    snprintf(d.webhook_url, sizeof d.webhook_url, "http://127.0.0.1:%d/hook", hook_port);
    snprintf(d.webhook_secret, sizeof d.webhook_secret, "hemlig-nyckel");
    d.full_access = 1;
    trygg_err rc = trygg_store_dest_put(st, &d);
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "housing");
    snprintf(d.label, sizeof d.label, "Bostadsbolaget");
    snprintf(d.email, sizeof d.email, "bostad@bolaget.example");
    if (rc == TRYGG_OK)
        rc = trygg_store_dest_put(st, &d);
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "streets");
    snprintf(d.webhook_url, sizeof d.webhook_url, "http://127.0.0.1:%d/down", dead_port);
    snprintf(d.webhook_secret, sizeof d.webhook_secret, "x");
    if (rc == TRYGG_OK)
        rc = trygg_store_dest_put(st, &d);
    memset(&d, 0, sizeof d);
    snprintf(d.name, sizeof d.name, "walks");
    snprintf(d.webhook_url, sizeof d.webhook_url, "http://127.0.0.1:%d/late", late_port);
    snprintf(d.webhook_secret, sizeof d.webhook_secret, "y");
    if (rc == TRYGG_OK)
        rc = trygg_store_dest_put(st, &d);
    trygg_store_close(st);
    if (rc != TRYGG_OK)
        return -1;
    return sfx_serve(&F, 1);
}

static int teardown(void **state)
{
    (void)state;
    stop(smtp_pid);
    stop(hook_pid);
    stop(late_pid);
    stop(tls_pid);
    sfx_stop(&F);
    return 0;
}

static void submit(const char *uuid, const char *kind, const char *cat, const char *area,
                   const char *text, const char *extra)
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"uuid\":\"%s\",\"kind\":\"%s\",\"category\":\"%s\",\"area\":\"%s\","
             "\"text\":\"%s\"%s}",
             uuid, kind, cat, area, text, extra ? extra : "");
    sfx_resp r;
    assert_int_equal(sfx_post_json(&F, "/api/v1/submissions", F.token, body, &r), 0);
    assert_int_equal(r.status, 201);
    sfx_resp_free(&r);
}

typedef struct mail {
    char rcpt[256];
    char subject[1100]; /* decoded */
    char *body;         /* decoded */
    char raw_subject[1024];
    char msgid[256]; /* Message-ID, with its <> */
} mail;

static void decode_words(const char *raw, char *out, size_t cap)
{
    size_t o = 0;
    out[0] = '\0';
    for (const char *p = raw; (p = strstr(p, "=?UTF-8?B?")) != NULL;) {
        p += 10;
        const char *e = strstr(p, "?=");
        assert_non_null(e);
        size_t bl;
        assert_int_equal(sodium_base642bin((unsigned char *)out + o, cap - o - 1, p,
                                           (size_t)(e - p), NULL, &bl, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        o += bl;
        out[o] = '\0';
        p = e + 2;
    }
    if (o == 0)
        snprintf(out, cap, "%s", raw);
}

/* Reads every mail in the Maildir (new/). Returns the count. */
static int read_mail(mail *out, int max)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s/new", maildir);
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n < max) {
        if (de->d_name[0] == '.')
            continue;
        char p[800];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        char *raw = sfx_slurp(p, NULL);
        assert_non_null(raw);
        mail *m = &out[n++];
        memset(m, 0, sizeof *m);
        char *to = strstr(raw, "\nTo: <");
        if (to == NULL)
            fail_msg("no To: header in %s", raw);
        assert_non_null(to);
        sscanf(to + 6, "%255[^>]", m->rcpt);
        char *s = strstr(raw, "\nSubject: ");
        assert_non_null(s);
        s += 10;
        size_t k = 0;
        /* Unfold continuation lines. */
        while (*s && k + 1 < sizeof m->raw_subject) {
            if (s[0] == '\n' && s[1] != ' ' && s[1] != '\t')
                break;
            if (*s != '\r' && *s != '\n')
                m->raw_subject[k++] = *s;
            s++;
        }
        decode_words(m->raw_subject, m->subject, sizeof m->subject);
        assert_non_null(strstr(raw, "Content-Type: text/plain; charset=UTF-8"));
        assert_non_null(strstr(raw, "Content-Transfer-Encoding: base64"));
        assert_true(strncmp(raw, "Date: ", 6) == 0 || strstr(raw, "\nDate: "));
        assert_true(strstr(raw, "\nMessage-ID: <") || strncmp(raw, "Message-ID: <", 13) == 0);
        const char *mid = strstr(raw, "\nMessage-ID: ");
        mid = mid ? mid + 13 : raw + 12;
        assert_int_equal(sscanf(mid, "%255[^\r\n]", m->msgid), 1);
        char *b = strstr(raw, "\n\n");
        if (b == NULL)
            b = strstr(raw, "\r\n\r\n");
        assert_non_null(b);
        size_t bl, in = strlen(b);
        m->body = calloc(1, in + 1);
        assert_int_equal(sodium_base642bin((unsigned char *)m->body, in, b, in, " \r\n", &bl, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        m->body[bl] = '\0';
        free(raw);
    }
    closedir(d);
    return n;
}

static const mail *find_mail(const mail *m, int n, const char *rcpt, const char *needle)
{
    for (int i = 0; i < n; i++)
        if (strcmp(m[i].rcpt, rcpt) == 0 && (!needle || strstr(m[i].subject, needle)))
            return &m[i];
    return NULL;
}

static void test_email_and_webhook(void **state)
{
    (void)state;
    /* A concern in the housing company's area: full text to security (mail +
     * webhook), scrubbed copy to the housing company (mail). */
    submit("fwd-0000-0001", "concern", "lighting", "centrum",
           "Mörkt vid gångtunneln. Ring mig 070-123 45 67 eller anna@example.se", NULL);
    int sent = forward_run_once(&F.ctx, (int64_t)time(NULL));
    assert_int_equal(sent, 3);

    mail m[8];
    int n = read_mail(m, 8);
    assert_int_equal(n, 2);
    const mail *sec = find_mail(m, n, "sakerhet@kommun.example", NULL);
    const mail *hou = find_mail(m, n, "bostad@bolaget.example", NULL);
    assert_non_null(sec);
    assert_non_null(hou);
    assert_non_null(strstr(sec->raw_subject, "=?UTF-8?B?"));
    assert_non_null(strstr(sec->subject, "Dålig belysning, Centrum"));
    assert_non_null(strstr(sec->body, "070-123 45 67"));
    assert_non_null(strstr(sec->body, "Mörkt vid gångtunneln"));
    assert_non_null(strstr(sec->body, "https://trygg.kommun.example/item/"));
    assert_null(strstr(hou->body, "070-123"));
    assert_null(strstr(hou->body, "anna@example.se"));
    assert_non_null(strstr(hou->body, "[telefonnummer]"));
    assert_non_null(strstr(hou->body, "[e-post]"));
    assert_non_null(strstr(hou->body, "Mörkt vid gångtunneln"));
    for (int i = 0; i < n; i++)
        free(m[i].body);

    /* The webhook: JSON with the item, signed with the destination's secret. */
    char p[600];
    snprintf(p, sizeof p, "%s/1.json", hookdir);
    size_t bl;
    char *body = sfx_slurp(p, &bl);
    assert_non_null(body);
    snprintf(p, sizeof p, "%s/1.headers", hookdir);
    char *hdrs = sfx_slurp(p, NULL);
    assert_non_null(hdrs);
    char sig[65], want[128];
    trygg_hmac_sha256_hex((const unsigned char *)"hemlig-nyckel", 13, body, bl, sig);
    snprintf(want, sizeof want, "X-Trygg-Signature: sha256=%s", sig);
    assert_non_null(strstr(hdrs, want));
    json_error_t je;
    json_t *o = json_loads(body, 0, &je);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "event")), "item.forwarded");
    json_t *item = json_object_get(o, "item");
    assert_string_equal(json_string_value(json_object_get(item, "category")), "lighting");
    assert_non_null(strstr(json_string_value(json_object_get(item, "text")), "070-123 45 67"));
    json_decref(o);
    free(body);
    free(hdrs);

    /* Nothing left to send; all marked sent. */
    assert_int_equal(forward_run_once(&F.ctx, (int64_t)time(NULL)), 0);
    trygg_notify *rows = calloc(16, sizeof *rows);
    int nr = 0;
    assert_int_equal(trygg_store_notify_list(server_store(&F.ctx), TRYGG_OUT_SENT, rows, 16, &nr),
                     TRYGG_OK);
    assert_int_equal(nr, 3);
    /* Each row's delivery key (stable: the row's id and queueing time) is the
     * mail's Message-ID or the webhook's Idempotency-Key; one hand-over each,
     * its marker cleared by the mark. */
    n = read_mail(m, 8);
    hdrs = sfx_slurp(p, NULL);
    assert_non_null(hdrs);
    for (int i = 0; i < nr; i++) {
        char key[64];
        snprintf(key, sizeof key, "trygg.%lld.%lld", (long long)rows[i].id,
                 (long long)rows[i].created);
        assert_int_equal(rows[i].handovers, 1);
        assert_int_equal(rows[i].handed_over, 0);
        if (strcmp(rows[i].channel, "webhook") == 0) {
            snprintf(want, sizeof want, "Idempotency-Key: %s\n", key);
            assert_non_null(strstr(hdrs, want));
            continue;
        }
        snprintf(want, sizeof want, "<%s@kommun.example>", key);
        int found = 0;
        for (int j = 0; j < n; j++)
            found += strcmp(m[j].msgid, want) == 0;
        assert_int_equal(found, 1);
    }
    for (int i = 0; i < n; i++)
        free(m[i].body);
    free(hdrs);
    free(rows);
}

static void test_urgent_oncall(void **state)
{
    (void)state;
    submit("fwd-urgent-001", "concern", "disturbance", "lodose",
           "Någon har en kniv vid busshållplatsen", NULL);
    trygg_item it;
    assert_int_equal(trygg_store_get_by_key(server_store(&F.ctx), "fwd-urgent-001", &it), TRYGG_OK);
    assert_int_equal(it.urgent, 1);
    forward_run_once(&F.ctx, (int64_t)time(NULL));
    mail m[8];
    int n = read_mail(m, 8);
    const mail *on = find_mail(m, n, "jour@kommun.example", NULL);
    assert_non_null(on);
    assert_non_null(strstr(on->subject, "!!!"));
    assert_non_null(strstr(on->subject, it.ref));
    assert_non_null(strstr(on->body, "kniv"));
    for (int i = 0; i < n; i++)
        free(m[i].body);
}

static void test_retry_then_delivered(void **state)
{
    (void)state;
    /* walk sign-ups go to "walks", whose receiver is not running yet. */
    trygg_store *st = server_store(&F.ctx);
    trygg_walk w = {0};
    w.starts = (int64_t)time(NULL) + 86400;
    snprintf(w.area, sizeof w.area, "gota");
    snprintf(w.place, sizeof w.place, "Göta");
    assert_int_equal(trygg_store_walk_put(st, &w), TRYGG_OK);
    char extra[128];
    snprintf(extra, sizeof extra,
             ",\"walk_id\":%lld,\"contact\":\"Bo 0701112233\",\"consent\":true", (long long)w.id);
    submit("fwd-walk-0001", "walk_signup", "", "gota", "", extra);
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(forward_run_once(&F.ctx, now), 1);
    trygg_notify *rows = calloc(16, sizeof *rows);
    int nr = 0;
    assert_int_equal(trygg_store_notify_list(st, TRYGG_OUT_FAILED, rows, 16, &nr), TRYGG_OK);
    assert_int_equal(nr, 1);
    assert_string_equal(rows[0].destination, "walks");
    assert_int_equal(rows[0].attempts, 1);
    assert_true(rows[0].next_attempt >= now + 30);
    assert_non_null(strstr(rows[0].error, "webhook"));
    /* Not due yet: nothing happens. */
    assert_int_equal(forward_run_once(&F.ctx, now + 1), 0);

    late_pid = start_hook(late_port, latedir);
    assert_true(late_pid > 0);
    assert_int_equal(forward_run_once(&F.ctx, now + 3600), 1);
    assert_int_equal(trygg_store_notify_list(st, TRYGG_OUT_SENT, rows, 16, &nr), TRYGG_OK);
    int found = 0;
    for (int i = 0; i < nr; i++)
        found |= strcmp(rows[i].destination, "walks") == 0;
    assert_true(found);
    char p[600];
    snprintf(p, sizeof p, "%s/1.json", latedir);
    char *body = sfx_slurp(p, NULL);
    assert_non_null(body);
    /* The coordinator gets the contact the person consented to give. */
    assert_non_null(strstr(body, "Bo 0701112233"));
    free(body);
    free(rows);
}

static void test_dead_letter(void **state)
{
    (void)state;
    /* Faults outside the company's areas go to "streets": its receiver is down. */
    submit("fwd-dead-0001", "fault", "pothole", "lodose", "Hål i vägen", NULL);
    int64_t now = (int64_t)time(NULL);
    trygg_store *st = server_store(&F.ctx);
    for (int i = 0; i < 3; i++)
        assert_int_equal(forward_run_once(&F.ctx, now + (int64_t)i * 100000), 1);
    trygg_notify *rows = calloc(16, sizeof *rows);
    int nr = 0;
    assert_int_equal(trygg_store_notify_list(st, TRYGG_OUT_DEAD, rows, 16, &nr), TRYGG_OK);
    assert_int_equal(nr, 1);
    assert_string_equal(rows[0].destination, "streets");
    assert_int_equal(rows[0].attempts, 3);
    assert_non_null(strstr(rows[0].error, "webhook"));
    /* Dead letters are never sent again. */
    assert_int_equal(forward_run_once(&F.ctx, now + 10000000), 0);
    free(rows);

    sfx_resp r;
    assert_int_equal(sfx_http(F.base, "GET", "/metrics", NULL, NULL, 0, &r), 0);
    assert_non_null(strstr(r.body, "trygg_forward_dead 1\n"));
    assert_non_null(strstr(r.body, "trygg_notify_outbox{status=\"dead\"} 1\n"));
    sfx_resp_free(&r);
}

static void test_tip_never_to_company(void **state)
{
    (void)state;
    trygg_store *st = server_store(&F.ctx);
    trygg_item it;
    trygg_item_init(&it);
    it.kind = TRYGG_KIND_TIP;
    it.channel = TRYGG_CHANNEL_SMS;
    snprintf(it.client_key, sizeof it.client_key, "tip-0001");
    snprintf(it.source, sizeof it.source, "smsgw");
    snprintf(it.text, sizeof it.text, "Det langas i trapphuset");
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &it, &created), TRYGG_OK);
    assert_int_equal(trygg_store_begin(st), TRYGG_OK);
    assert_int_equal(forward_enqueue(&F.ctx, st, &it, "housing", "tester"), TRYGG_ERR_PERM);
    assert_int_equal(forward_enqueue(&F.ctx, st, &it, "security", "tester"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(st), TRYGG_OK);
    trygg_notify *rows = calloc(32, sizeof *rows);
    int nr = 0;
    assert_int_equal(trygg_store_notify_list(st, -1, rows, 32, &nr), TRYGG_OK);
    for (int i = 0; i < nr; i++)
        if (rows[i].item_id == it.id)
            assert_string_equal(rows[i].destination, "security");
    free(rows);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL)
        n += de->d_name[0] != '.';
    closedir(d);
    return n;
}

/* STARTTLS: required (CURLUSESSL_ALL) and verified against our own CA file. */
static void test_starttls(void **state)
{
    (void)state;
    char cmd[1400], crt[400], key[400], tlsmail[400], newdir[420];
    snprintf(crt, sizeof crt, "%s/smtp.crt", F.dir);
    snprintf(key, sizeof key, "%s/smtp.key", F.dir);
    snprintf(tlsmail, sizeof tlsmail, "%s/tlsmail", F.dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 2 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1",
             key, crt);
    if (system(cmd) != 0)
        skip();
    int port = free_port();
    char listen[64];
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    char *argv[] = {TRYGG_TEST_PYTHON, "-m", "aiosmtpd", "-n", "-l", listen,
                    "--tlscert",       crt,  "--tlskey", key,  "-c", "aiosmtpd.handlers.Mailbox",
                    tlsmail,           NULL};
    tls_pid = spawn(argv, port);
    assert_true(tls_pid > 0);

    /* Send what earlier tests left pending, then require STARTTLS. */
    forward_run_once(&F.ctx, (int64_t)time(NULL));
    /* A plain server that offers no STARTTLS: refused, nothing delivered. */
    int plain_before;
    snprintf(newdir, sizeof newdir, "%s/new", maildir);
    plain_before = count_files(newdir);
    F.ctx.cfg.smtp_starttls = 1;
    trygg_store *st = server_store(&F.ctx);
    trygg_item it;
    trygg_item_init(&it);
    it.kind = TRYGG_KIND_FAULT;
    it.channel = TRYGG_CHANNEL_STAFF;
    snprintf(it.client_key, sizeof it.client_key, "tls-0001");
    snprintf(it.source, sizeof it.source, "tester");
    snprintf(it.category, sizeof it.category, "sign");
    snprintf(it.area, sizeof it.area, "gota");
    snprintf(it.text, sizeof it.text, "Skylten är borta");
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &it, &created), TRYGG_OK);
    assert_int_equal(trygg_store_begin(st), TRYGG_OK);
    assert_int_equal(forward_enqueue(&F.ctx, st, &it, "housing", "tester"), TRYGG_OK);
    assert_int_equal(trygg_store_commit(st), TRYGG_OK);
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(forward_run_once(&F.ctx, now), 1);
    assert_int_equal(count_files(newdir), plain_before);
    trygg_notify *rows = calloc(16, sizeof *rows);
    int nr = 0;
    assert_int_equal(trygg_store_notify_list(st, TRYGG_OUT_FAILED, rows, 16, &nr), TRYGG_OK);
    assert_int_equal(nr, 1);
    assert_non_null(strstr(rows[0].error, "smtp"));

    /* Without our CA the self-signed certificate is not trusted either. */
    snprintf(F.ctx.cfg.smtp_url, sizeof F.ctx.cfg.smtp_url, "smtp://127.0.0.1:%d", port);
    assert_int_equal(forward_run_once(&F.ctx, now + 3600), 1);
    snprintf(newdir, sizeof newdir, "%s/new", tlsmail);
    assert_int_equal(count_files(newdir), 0);

    /* STARTTLS with the CA file: delivered. */
    snprintf(F.ctx.cfg.catalog->smtp_ca_file, sizeof F.ctx.cfg.catalog->smtp_ca_file, "%s", crt);
    assert_int_equal(forward_run_once(&F.ctx, now + 7200), 1);
    assert_int_equal(count_files(newdir), 1);
    assert_int_equal(trygg_store_notify_list(st, TRYGG_OUT_FAILED, rows, 16, &nr), TRYGG_OK);
    assert_int_equal(nr, 0);
    free(rows);
}

/* The forward e-mail reads in words: the kind as the staff UI says it, and
 * nothing left of a field the item does not have (no "Trygg X: , ", no
 * "Typ: concern", no "Kategori:" line with nothing after it). */
static void test_email_in_words(void **state)
{
    (void)state;
    trygg_store *st = server_store(&F.ctx);
    trygg_item it, out;
    trygg_item_init(&it);
    TRYGG_COPY_FIT(it.client_key, "fwd-0000-0031");
    it.kind = TRYGG_KIND_CONCERN;
    it.channel = TRYGG_CHANNEL_SMS;
    TRYGG_COPY_FIT(it.source, "smsgw");
    TRYGG_COPY_FIT(it.destination, "security");
    TRYGG_COPY_FIT(it.text, "Det känns otryggt vid stationen");
    int created;
    assert_int_equal(trygg_store_submit(st, &it, &out, &created), TRYGG_OK);
    assert_int_equal(forward_enqueue(&F.ctx, st, &out, "security", "test"), TRYGG_OK);
    int sent = forward_run_once(&F.ctx, (int64_t)time(NULL));
    assert_true(sent >= 1);
    mail m[8];
    int n = read_mail(m, 8);
    const mail *sec = NULL;
    for (int i = 0; i < n; i++)
        if (strstr(m[i].body, "otryggt vid stationen"))
            sec = &m[i];
    assert_non_null(sec);
    if (strstr(sec->subject, ", ") || strstr(sec->subject, ": ,") ||
        sec->subject[strlen(sec->subject) - 1] == ' ')
        fail_msg("subject with holes: '%s'", sec->subject);
    assert_non_null(strstr(sec->subject, "Otrygghet"));
    assert_non_null(strstr(sec->body, "Typ: Otrygghet"));
    assert_null(strstr(sec->body, "concern"));
    assert_null(strstr(sec->body, "Kategori:"));
    assert_null(strstr(sec->body, "Område:"));
    for (int i = 0; i < n; i++)
        free(m[i].body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email_and_webhook), cmocka_unit_test(test_email_in_words),
        cmocka_unit_test(test_urgent_oncall),     cmocka_unit_test(test_retry_then_delivered),
        cmocka_unit_test(test_dead_letter),       cmocka_unit_test(test_tip_never_to_company),
        cmocka_unit_test(test_starttls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
