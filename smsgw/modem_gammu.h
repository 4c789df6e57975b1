/*
 * modem_gammu.h — what modem_gammu.c shows besides modem.h, for its tests
 * (tests/smsgw/test_gammu_encode.c). Includes gammu.h: nothing else in the
 * gateway does.
 */
#ifndef SMSGW_MODEM_GAMMU_H
#define SMSGW_MODEM_GAMMU_H

#include <gammu.h>
#include <stddef.h>
#include "trygg/err.h"

/* Encodes UTF-8 `text` into the parts of *msm as modem_send sends them:
 * GSM-7 when every character is in its alphabet, else UCS-2, concatenated
 * when longer than one part. gammu_detects = 1 lets Gammu choose the coding
 * (SMS_ConcatenatedAutoTextLong, as the gateway did before issue 13); 0
 * takes ucs2_sms_parts' choice (what modem_send does). err[errcap] says
 * why not. */
trygg_err modem_gammu_encode(const char *text, int gammu_detects, GSM_MultiSMSMessage *msm,
                             char *err, size_t errcap);

#endif
