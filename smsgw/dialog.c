/*
 * dialog.c — sender identity, message and part keys; the dialog itself is
 * server/sms/sms_dialog.c.
 */
#include "dialog.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void dlg_message_key(const char *pseudonym, const char *stamp, const char *text, char out[69])
{
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)pseudonym, strlen(pseudonym) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)stamp, strlen(stamp) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)text, strlen(text));
    crypto_hash_sha256_final(&h, d);
    memcpy(out, "sms:", 4);
    sodium_bin2hex(out + 4, 65, d, sizeof d);
}

/* Pseudonym of a sender: of the normalised number (number[] gets it), or,
 * for an operator's name or a short code, of the name in its own namespace
 * (number[] = ""): such a sender threads but can never be answered. */
trygg_err dlg_sender_id(const unsigned char *pkey, const char *raw, char number[20],
                        char pseudo[65])
{
    if (trygg_phone_normalise(raw, number) == TRYGG_OK)
        return trygg_pseudonym(pkey, number, pseudo);
    number[0] = '\0';
    return trygg_sender_pseudonym(pkey, raw, pseudo);
}

static trygg_err sender_id(const dlg_ctx *c, const char *raw, char number[20], char pseudo[65])
{
    return dlg_sender_id(c->pkey, raw, number, pseudo);
}

/* "part:" + hex SHA-256 of the sender, reference, total, sequence, SMSC time
 * and code units of one part. */
void dlg_part_key(const unsigned char *pkey, const modem_part *p, char out[72])
{
    char pseudo[TRYGG_PSEUDO_HEX + 1] = "", norm[20];
    if (dlg_sender_id(pkey, p->number, norm, pseudo) != TRYGG_OK)
        pseudo[0] = '\0'; /* no sender at all: keyed by the part alone */
    crypto_hash_sha256_state h;
    unsigned char d[crypto_hash_sha256_BYTES];
    char head[128];
    int hl = snprintf(head, sizeof head, "%d/%d/%d/%s", p->concat_ref, p->concat_total,
                      p->concat_seq, p->stamp);
    crypto_hash_sha256_init(&h);
    crypto_hash_sha256_update(&h, (const unsigned char *)pseudo, strlen(pseudo) + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)head, (size_t)hl + 1);
    crypto_hash_sha256_update(&h, (const unsigned char *)p->units, p->nunits * sizeof p->units[0]);
    crypto_hash_sha256_final(&h, d);
    memcpy(out, "part:", 5);
    sodium_bin2hex(out + 5, 65, d, sizeof d);
}

static void part_key(dlg_ctx *c, const modem_part *p, char out[72])
{
    dlg_part_key(c->pkey, p, out);
}

int dlg_part_seen(dlg_ctx *c, const modem_part *p)
{
    if (p->concat_ref < 0 || p->concat_total <= 1)
        return 0;
    char key[72];
    part_key(c, p, key);
    return trygg_store_sms_inbound_get(c->st, key, NULL) == TRYGG_OK;
}

typedef struct who {
    char number[20]; /* normalised, "" if not a phone number */
    char pseudo[TRYGG_PSEUDO_HEX + 1];
    trygg_contact ct;
} who;

/* Pseudonym and ciphertext of a sender: a contact that said STOP gets no
 * new ciphertext (it is never answered); one that says START again does. */
static trygg_err identify(dlg_ctx *c, const char *raw, int restart, who *w)
{
    memset(w, 0, sizeof *w);
    trygg_err e = sender_id(c, raw, w->number, w->pseudo);
    if (e || !w->number[0])
        return e;
    unsigned char cipher[128];
    size_t clen = 0;
    e = trygg_number_encrypt(c->numkey, w->number, cipher, sizeof cipher, &clen);
    if (e)
        return e;
    if (!restart && trygg_store_contact_get(c->st, w->pseudo, &w->ct) == TRYGG_OK && w->ct.stopped)
        clen = 0;
    e = trygg_store_contact_get_or_create(c->st, w->pseudo, clen ? cipher : NULL, (int)clen,
                                          c->cfg->dlg.alias_prefix, &w->ct);
    sodium_memzero(cipher, sizeof cipher);
    return e;
}

static void server_dialog(dlg_ctx *c, sms_dialog *d)
{
    *d = (sms_dialog){.st = c->st, .cfg = &c->cfg->dlg, .rp = c->rp, .routes = c->routes};
}

/* Records the key of every part of a concatenated message. */
static trygg_err record_parts(dlg_ctx *c, const asm_msg *m, const modem_part *parts,
                              int64_t item_id, int64_t now)
{
    for (int i = 0; parts && i < m->nidx; i++) {
        const modem_part *p = &parts[m->idx[i]];
        if (p->concat_ref < 0 || p->concat_total <= 1)
            continue;
        char key[72];
        part_key(c, p, key);
        trygg_err e = trygg_store_sms_inbound_put(c->st, key, item_id, "", now);
        if (e && e != TRYGG_ERR_EXISTS)
            return e;
    }
    return TRYGG_OK;
}

static trygg_err handle(dlg_ctx *c, const asm_msg *m, const modem_part *parts, int64_t now,
                        dlg_result *r)
{
    /* START after STOP stores the number again, so the confirmation can go. */
    int start = !sms_undecodable(m->text) && sms_stop_start(&c->cfg->dlg, m->text) == 2;
    who w;
    trygg_err e = identify(c, m->number, start, &w);
    if (e)
        return e;
    char key[69];
    dlg_message_key(w.pseudo, m->stamp, m->text, key);
    sms_dialog d;
    server_dialog(c, &d);
    sms_in in = {.key = key,
                 .pseudonym = w.pseudo,
                 .text = m->text,
                 .reachable = w.number[0] && w.ct.cipher_len > 0,
                 .national = strncmp(w.number, "+46", 3) == 0,
                 .incomplete = m->incomplete,
                 .callback_number = w.number};
    e = sms_dialog_message(&d, &in, now, r);
    if (!e && m->total > 1)
        e = record_parts(c, m, parts, r->item_id, now);
    return e;
}

trygg_err dlg_handle_sms(dlg_ctx *c, const asm_msg *m, const modem_part *parts, int64_t now,
                         dlg_result *r)
{
    memset(r, 0, sizeof *r);
    trygg_err e = trygg_store_unit_begin(c->st);
    if (e)
        return e;
    e = handle(c, m, parts, now, r);
    e = trygg_store_unit_end(c->st, e);
    if (e)
        memset(r, 0, sizeof *r);
    return e;
}

trygg_err dlg_handle_call(dlg_ctx *c, const char *number, int64_t now, dlg_result *r)
{
    memset(r, 0, sizeof *r);
    trygg_err e = trygg_store_unit_begin(c->st);
    if (e)
        return e;
    who w = {0};
    if (number && number[0])
        e = identify(c, number, 0, &w);
    sms_dialog d;
    server_dialog(c, &d);
    if (!e)
        e = sms_dialog_call(&d, NULL, w.pseudo, w.number[0] && w.ct.cipher_len > 0, now, r);
    return trygg_store_unit_end(c->st, e);
}
