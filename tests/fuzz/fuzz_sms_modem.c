/*
 * fuzz_sms_modem.c — libFuzzer target: what the gateway makes of an SMS
 * that libGammu hands over (smsgw/modem_gammu.c: convert_part, parse_udh,
 * gammu_str). libGammu itself reads the modem and the dummy phone's backup
 * files; this target fills a GSM_SMSMessage the way those readers can
 * (dates as 4 + 2-digit fields, a timezone within a day, any UDH bytes and
 * length, any sender and text code units, any coding and 8-bit length) and
 * runs the static converter, reached by including modem_gammu.c.
 *
 * Input: Year(2) Mon Day Hour Min Sec Tz(2) Coding Len8 UdhLen NumUnits
 * TextUnits(2), then the UDH bytes, the sender and the text (UTF-16BE for
 * the Unicode/default codings, raw bytes for 8-bit).
 * Checks: a part that is not poison has a non-empty sender that is valid
 * UTF-8 within MODEM_NUMBER_MAX, at most MODEM_UNITS_MAX units that convert
 * to UTF-8, a stamp that is "" or "YYYYMMDDTHHMMSS", and concatenation
 * fields of -1/1/1 or 0 <= ref <= 65535, 1 <= seq <= total <= 255.
 */
#include "../../smsgw/modem_gammu.c"

#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    trygg_log_set_level(TRYGG_LOG_ERR);
    return 0;
}

static GSM_SMSMessage sms;
static modem_part part;

static void check_stamp(const char *s)
{
    size_t n = strnlen(s, sizeof part.stamp);
    if (n == sizeof part.stamp)
        abort(); /* not terminated */
    if (n == 0)
        return;
    if (n != 15 || s[8] != 'T')
        abort();
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t size)
{
    enum { HDR = 16 };
    if (size < HDR)
        return 0;
    memset(&sms, 0, sizeof sms);
    sms.DateTime.Year = ((d[0] << 8) | d[1]) % 10000;
    sms.DateTime.Month = d[2] % 100;
    sms.DateTime.Day = d[3] % 100;
    sms.DateTime.Hour = d[4] % 100;
    sms.DateTime.Minute = d[5] % 100;
    sms.DateTime.Second = d[6] % 100;
    sms.DateTime.Timezone = (int16_t)((d[7] << 8) | d[8]) * 3 % 86400;
    static const GSM_Coding_Type codings[] = {SMS_Coding_Default_No_Compression,
                                              SMS_Coding_Unicode_No_Compression, SMS_Coding_8bit,
                                              SMS_Coding_Unicode_Compression};
    sms.Coding = codings[d[9] & 3];
    sms.Length = (int8_t)d[10] + (d[9] & 4 ? 128 : 0);
    sms.UDH.Length = d[11] % (GSM_MAX_UDH_LENGTH + 8);
    size_t nnum = d[12] % (GSM_MAX_NUMBER_LENGTH + 1);
    size_t ntext = ((d[13] << 8) | d[14]) % (GSM_MAX_SMS_LENGTH + 1);
    sms.Location = d[15];
    sms.Folder = 1;
    sms.InboxFolder = TRUE;
    size_t at = HDR;
    size_t k = sms.UDH.Length < GSM_MAX_UDH_LENGTH ? (size_t)sms.UDH.Length : GSM_MAX_UDH_LENGTH;
    for (size_t i = 0; i < k && at < size; i++)
        sms.UDH.Text[i] = d[at++];
    for (size_t i = 0; i < 2 * nnum && at < size; i++)
        sms.Number[i] = d[at++];
    size_t tb = sms.Coding == SMS_Coding_8bit ? ntext : 2 * ntext;
    for (size_t i = 0; i < tb && i < sizeof sms.Text - 2 && at < size; i++)
        sms.Text[i] = d[at++];

    const char *why = convert_part(&sms, &part);
    if (why != NULL)
        return 0;
    size_t nl = strnlen(part.number, sizeof part.number);
    if (nl == 0 || nl == sizeof part.number)
        abort();
    uint16_t u[MODEM_NUMBER_MAX + 1];
    size_t nu;
    if (ucs2_from_utf8(part.number, u, MODEM_NUMBER_MAX + 1, &nu) != TRYGG_OK)
        abort();
    check_stamp(part.stamp);
    if (part.nunits > MODEM_UNITS_MAX)
        abort();
    char text[4 * MODEM_UNITS_MAX + 1];
    if (ucs2_to_utf8(part.units, part.nunits, text, sizeof text, NULL) != TRYGG_OK)
        abort();
    if (part.concat_ref == -1) {
        if (part.concat_total != 1 || part.concat_seq != 1)
            abort();
    } else if (part.concat_ref < 0 || part.concat_ref > 65535 || part.concat_total < 1 ||
               part.concat_total > 255 || part.concat_seq < 1 ||
               part.concat_seq > part.concat_total) {
        abort();
    }
    if (part.location != sms.Location || part.folder != 1)
        abort();
    return 0;
}
