/*
 * dialog.c — sender identity, message and part keys (dialog.h); the dialog
 * itself is the server's, server/sms/sms_dialog.c.
 */
#include "dialog.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "trygg/item.h"
#include "trygg/secret.h"

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
