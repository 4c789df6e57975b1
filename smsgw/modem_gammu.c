/*
 * modem_gammu.c — the one file that talks to libGammu.
 *
 * Traps handled here (docs/smsgw.md, "libGammu's traps"): Gammu's text converters depend on
 * the C locale, so every UTF-16 string is converted by ucs2.c; callbacks are
 * set after GSM_InitConnection (which resets them) and the send-status
 * callback must be set or the dummy phone crashes in GSM_SendSMS; the
 * incoming-call callback fires again for any Gammu call made inside it, so
 * it only records the call; a dummy-phone file without Number reads as zero
 * parts and a truncated one as an error on every poll, so both are moved
 * aside by location instead of being retried.
 */
#include "modem.h"
#include "modem_gammu.h"

#include <dirent.h>
#include <errno.h>
#include <gammu.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "trygg/copy.h"
#include "trygg/log.h"
#include "trygg/ucs2.h"

#define DUMMY_MAX_FILE (64 * 1024) /* a real backup file of one SMS is < 2 KiB */
#define DUMMY_STRIDE   10000       /* dummy locations are folder * 10000 + N */
#define REPORTS_MAX    64          /* status reports read but not yet taken */

struct modem {
    modem_cfg cfg;
    int dummy;
    GSM_StateMachine *sm;
    int connected;
    GSM_MultiSMSMessage *in;  /* poll buffer (large: kept off the stack) */
    GSM_MultiSMSMessage *out; /* send buffer */
    GSM_SMSC smsc;
    int have_smsc;
    /* Written by the callbacks only. */
    volatile int send_done, send_status, send_ref;
    int ussd_done;
    char ussd[200];
    modem_report reports[REPORTS_MAX];
    int nreports;
    int call_pending, call_id, call_id_valid;
    char call_number[MODEM_NUMBER_MAX + 1];
    modem_status st;
    char err[256];
};

static void set_err(modem *m, const char *what, GSM_Error e)
{
    snprintf(m->err, sizeof m->err, "%s: %s (%d)", what, GSM_ErrorString(e), (int)e);
    snprintf(m->st.last_error, sizeof m->st.last_error, "%.127s", m->err);
    m->st.errors++;
}

/* Gammu's NUL-terminated big-endian "unicode" -> UTF-8. */
static void gammu_str(const unsigned char *be, size_t maxunits, char *out, size_t cap)
{
    uint16_t u[256];
    size_t n = 0;
    while (n < maxunits && n < 256 && (be[2 * n] || be[2 * n + 1]))
        n++;
    ucs2_from_be(be, n, u);
    if (ucs2_to_utf8(u, n, out, cap, NULL) != TRYGG_OK)
        out[0] = '\0';
}

/* ASCII/UTF-8 -> Gammu unicode string in out[cap bytes]. */
static int to_gammu_str(const char *s, unsigned char *out, size_t cap)
{
    uint16_t u[256];
    size_t n;
    if (ucs2_from_utf8(s, u, 256, &n) != TRYGG_OK || (n + 1) * 2 > cap)
        return -1;
    ucs2_to_be(u, n, out);
    out[2 * n] = out[2 * n + 1] = 0;
    return 0;
}

/* The dummy phone always reports +800123456. For trying the tip line, a
 * number written into <device>/incoming-call (tools/fake-sms --call DIR
 * NUMBER) is used instead. The file still exists while the callback runs;
 * reading it is no Gammu call, so it cannot re-enter. */
static void dummy_caller(modem *m)
{
    char path[600], buf[64];
    snprintf(path, sizeof path, "%s/incoming-call", m->cfg.device);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    if (n < 3 || n > 20)
        return;
    for (size_t i = 0; i < n; i++)
        if (!((buf[i] >= '0' && buf[i] <= '9') || (i == 0 && buf[i] == '+')))
            return;
    memcpy(m->call_number, buf, n + 1);
}

static void on_call(GSM_StateMachine *sm, GSM_Call *call, void *user)
{
    (void)sm;
    modem *m = user;
    /* Record only: any Gammu call from here would fire this callback again. */
    if (call->Status != GSM_CALL_IncomingCall)
        return;
    m->call_pending = 1;
    m->call_id_valid = call->CallIDAvailable ? 1 : 0;
    m->call_id = call->CallID;
    gammu_str(call->PhoneNumber, GSM_MAX_NUMBER_LENGTH, m->call_number, sizeof m->call_number);
    if (m->dummy)
        dummy_caller(m);
}

static void on_send_status(GSM_StateMachine *sm, int status, int ref, void *user)
{
    (void)sm;
    modem *m = user;
    m->send_status = status;
    m->send_ref = ref;
    m->send_done = 1;
}

static void on_ussd(GSM_StateMachine *sm, GSM_USSDMessage *ussd, void *user)
{
    (void)sm;
    modem *m = user;
    /* Record only, like the call callback. */
    gammu_str(ussd->Text, GSM_MAX_USSD_LENGTH, m->ussd, sizeof m->ussd);
    m->ussd_done = ussd->Status == USSD_NoActionNeeded || ussd->Status == USSD_ActionNeeded ||
                           ussd->Status == USSD_Unknown
                       ? 1
                       : -1;
}

modem *modem_new(const modem_cfg *cfg)
{
    modem *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cfg = *cfg;
    m->dummy = strcmp(cfg->model, "dummy") == 0;
    m->in = calloc(1, sizeof *m->in);
    m->out = calloc(1, sizeof *m->out);
    if (!m->in || !m->out) {
        modem_free(m);
        return NULL;
    }
    m->st.signal_percent = m->st.battery_percent = -1;
    snprintf(m->st.network, sizeof m->st.network, "unknown");
    return m;
}

void modem_free(modem *m)
{
    if (!m)
        return;
    modem_disconnect(m);
    free(m->in);
    free(m->out);
    free(m);
}

const char *modem_last_error(const modem *m)
{
    return m->err;
}

int modem_connected(const modem *m)
{
    return m->connected;
}

trygg_err modem_connect(modem *m)
{
    if (m->connected)
        return TRYGG_OK;
    if (m->dummy) {
        struct stat sb;
        /* Gammu reports a missing directory as a misleading permission error. */
        if (mkdir(m->cfg.device, 0700) != 0 && errno != EEXIST) {
            snprintf(m->err, sizeof m->err, "cannot create dummy phone directory: %s",
                     strerror(errno));
            return TRYGG_ERR_IO;
        }
        if (stat(m->cfg.device, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            snprintf(m->err, sizeof m->err, "dummy phone device is not a directory");
            return TRYGG_ERR_IO;
        }
    }
    m->sm = GSM_AllocStateMachine();
    if (!m->sm) {
        snprintf(m->err, sizeof m->err, "out of memory");
        return TRYGG_ERR_NOMEM;
    }
    GSM_Config *c = GSM_GetConfig(m->sm, 0);
    TRYGG_COPY_FIT(c->Model, m->cfg.model);
    c->DebugLevel[0] = '\0';
    free(c->Device);
    free(c->Connection);
    c->Device = strdup(m->cfg.device);
    c->Connection = strdup(m->cfg.connection);
    c->LockDevice = FALSE;
    c->SyncTime = FALSE;
    c->StartInfo = FALSE;
    c->UseGlobalDebugFile = FALSE;
    if (!c->Device || !c->Connection) {
        GSM_FreeStateMachine(m->sm);
        m->sm = NULL;
        return TRYGG_ERR_NOMEM;
    }
    GSM_SetConfigNum(m->sm, 1);
    GSM_Error e = GSM_InitConnection(m->sm, 1);
    if (e != ERR_NONE) {
        set_err(m, "connect", e);
        GSM_FreeStateMachine(m->sm);
        m->sm = NULL;
        return TRYGG_ERR_IO;
    }
    /* Callbacks after InitConnection, which resets them. */
    GSM_SetSendSMSStatusCallback(m->sm, on_send_status, m);
    GSM_SetIncomingCallCallback(m->sm, on_call, m);
    GSM_SetIncomingUSSDCallback(m->sm, on_ussd, m);
    e = GSM_SetIncomingCall(m->sm, TRUE);
    if (e != ERR_NONE && e != ERR_NOTSUPPORTED && e != ERR_NOTIMPLEMENTED)
        TRYGG_WARN("modem: incoming call notification not enabled: %s", GSM_ErrorString(e));
    memset(&m->smsc, 0, sizeof m->smsc);
    m->smsc.Location = 1;
    m->have_smsc = GSM_GetSMSC(m->sm, &m->smsc) == ERR_NONE;
    m->connected = 1;
    m->err[0] = '\0';
    return TRYGG_OK;
}

void modem_disconnect(modem *m)
{
    if (!m->sm)
        return;
    /* Terminate even after a link error: it closes the device. */
    GSM_TerminateConnection(m->sm);
    GSM_FreeStateMachine(m->sm);
    m->sm = NULL;
    m->connected = 0;
}

/* Errors after which the connection is considered gone. */
static int is_link_error(GSM_Error e)
{
    switch (e) {
    case ERR_DEVICEOPENERROR:
    case ERR_DEVICELOCKED:
    case ERR_DEVICENOTEXIST:
    case ERR_DEVICEBUSY:
    case ERR_DEVICENOPERMISSION:
    case ERR_DEVICENODRIVER:
    case ERR_DEVICENOTWORK:
    case ERR_DEVICEREADERROR:
    case ERR_DEVICEWRITEERROR:
    case ERR_TIMEOUT:
    case ERR_NOTCONNECTED:
        return 1;
    default:
        return 0;
    }
}

static void ensure_quarantine(modem *m)
{
    if (mkdir(m->cfg.quarantine, 0700) != 0 && errno != EEXIST)
        TRYGG_WARN("modem: cannot create quarantine directory: %s", strerror(errno));
}

/* Moves dummy-phone file sms/<folder>/<n> into the quarantine directory. */
static void quarantine_dummy(modem *m, int folder, int n, const char *why)
{
    char src[1024], dst[1200];
    snprintf(src, sizeof src, "%s/sms/%d/%d", m->cfg.device, folder, n);
    ensure_quarantine(m);
    snprintf(dst, sizeof dst, "%s/sms-%lld-%d-%d", m->cfg.quarantine, (long long)time(NULL), folder,
             n);
    if (rename(src, dst) != 0 && unlink(src) != 0) {
        TRYGG_ERR("modem: cannot move poison entry %d/%d aside: %s", folder, n, strerror(errno));
        return;
    }
    m->st.quarantined++;
    TRYGG_WARN("modem: poison entry in folder %d at %d moved to quarantine (%s)", folder, n, why);
}

/* Real modem: save the readable fields (without the number) and delete. */
static void quarantine_real(modem *m, GSM_SMSMessage *sms, const char *why)
{
    char dst[1200];
    ensure_quarantine(m);
    snprintf(dst, sizeof dst, "%s/sms-%lld-%d-%d", m->cfg.quarantine, (long long)time(NULL),
             sms->Folder, sms->Location);
    FILE *f = fopen(dst, "w");
    if (f) {
        fprintf(f, "reason=%s\ncoding=%d\nlength=%d\nudh=", why, (int)sms->Coding, sms->Length);
        for (int i = 0; i < sms->UDH.Length && i < GSM_MAX_UDH_LENGTH; i++)
            fprintf(f, "%02X", sms->UDH.Text[i]);
        fprintf(f, "\ntext=");
        for (size_t i = 0; i < sizeof sms->Text && i < 400; i++)
            fprintf(f, "%02X", sms->Text[i]);
        fprintf(f, "\n");
        fclose(f);
    }
    GSM_Error e = GSM_DeleteSMS(m->sm, sms);
    if (e != ERR_NONE)
        set_err(m, "delete poison", e);
    m->st.quarantined++;
    TRYGG_WARN("modem: poison message at %d moved to quarantine (%s)", sms->Location, why);
}

/* 1 when a "UDH" or "TextNN" value of a dummy-phone file is not whole hex
 * bytes (an odd count of digits, or a non-hex digit): Gammu's backup reader then leaves the
 * undecoded bytes of its buffer uninitialised, which valgrind shows in the
 * part's UDH and text (and so in its keys). Such a file is poison. */
static int dummy_hex_damaged(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0; /* gone, or Gammu reports it */
    char line[DUMMY_MAX_FILE < 8192 ? DUMMY_MAX_FILE : 8192];
    int bad = 0;
    while (!bad && fgets(line, sizeof line, f)) {
        int text = strncmp(line, "Text", 4) == 0 && line[4] >= '0' && line[4] <= '9';
        if (!text && strncmp(line, "UDH", 3) != 0)
            continue;
        const char *v = strchr(line, '=');
        if (!v)
            continue;
        v += strspn(v + 1, " \t") + 1;
        size_t n = strspn(v, "0123456789abcdefABCDEF");
        size_t rest = strspn(v + n, " \t\r\n");
        bad = v[n + rest] != '\0' || n % 2 != 0;
    }
    fclose(f);
    return bad;
}

/* Dummy phone: moves files too big to be an SMS, or with damaged hex, aside
 * before Gammu reads them, and returns how many entries the inbox folders hold. Gammu's dummy
 * driver probes 10,000 file names per folder to find the next entry (about
 * 0.15 s per empty folder), so the poll stops once it has seen them all. */
static int prescan_dummy(modem *m)
{
    int count = 0;
    static const int inboxes[] = {1, 3};
    for (size_t k = 0; k < 2; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/sms/%d", m->cfg.device, inboxes[k]);
        DIR *d = opendir(path);
        if (!d)
            continue;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            char *end;
            long n = strtol(de->d_name, &end, 10);
            if (*end || end == de->d_name || n < 0 || n >= DUMMY_STRIDE)
                continue; /* temp files of writers, ".", ".." */
            char fp[1300];
            struct stat sb;
            snprintf(fp, sizeof fp, "%s/%s", path, de->d_name);
            if (lstat(fp, &sb) != 0)
                continue;
            if (!S_ISREG(sb.st_mode))
                quarantine_dummy(m, inboxes[k], (int)n, "not a regular file");
            else if (sb.st_size > DUMMY_MAX_FILE)
                quarantine_dummy(m, inboxes[k], (int)n, "file too large");
            else if (dummy_hex_damaged(fp))
                quarantine_dummy(m, inboxes[k], (int)n, "damaged hex data");
            else
                count++;
        }
        closedir(d);
    }
    return count;
}

/* Parses the concatenation element of a UDH (IEI 0x00 or 0x08). */
static void parse_udh(const GSM_UDHHeader *udh, modem_part *p)
{
    p->concat_ref = -1;
    p->concat_total = p->concat_seq = 1;
    if (udh->Length < 2 || udh->Length > GSM_MAX_UDH_LENGTH)
        return;
    int udhl = udh->Text[0];
    if (udhl + 1 > udh->Length)
        return;
    int i = 1;
    while (i + 1 < udhl + 1) {
        int iei = udh->Text[i], iel = udh->Text[i + 1];
        const unsigned char *v = udh->Text + i + 2;
        if (i + 2 + iel > udhl + 1)
            return;
        if (iei == 0x00 && iel == 3 && v[1] >= 1 && v[2] >= 1 && v[2] <= v[1]) {
            p->concat_ref = v[0];
            p->concat_total = v[1];
            p->concat_seq = v[2];
        } else if (iei == 0x08 && iel == 4 && v[2] >= 1 && v[3] >= 1 && v[3] <= v[2]) {
            p->concat_ref = (v[0] << 8) | v[1];
            p->concat_total = v[2];
            p->concat_seq = v[3];
        }
        i += 2 + iel;
    }
}

/* GSM_SMSMessage -> modem_part. Returns NULL on success or why it is poison. */
static const char *convert_part(const GSM_SMSMessage *sms, modem_part *p)
{
    memset(p, 0, sizeof *p);
    p->location = sms->Location;
    p->folder = sms->Folder;
    gammu_str(sms->Number, GSM_MAX_NUMBER_LENGTH, p->number, sizeof p->number);
    if (p->number[0] == '\0')
        return "no sender number";
    const GSM_DateTime *t = &sms->DateTime;
    if (t->Year >= 1970 && t->Month >= 1 && t->Month <= 12 && t->Day >= 1 && t->Day <= 31) {
        struct tm tm = {0};
        tm.tm_year = t->Year - 1900;
        tm.tm_mon = t->Month - 1;
        tm.tm_mday = t->Day;
        tm.tm_hour = t->Hour;
        tm.tm_min = t->Minute;
        tm.tm_sec = t->Second;
        p->smsc_time = (int64_t)timegm(&tm) - t->Timezone;
        time_t tt = (time_t)p->smsc_time;
        struct tm u;
        /* A year past 9999 (a dummy file's date minus a negative zone)
         * does not fit: strftime then leaves the array unterminated. */
        if (gmtime_r(&tt, &u) == NULL ||
            strftime(p->stamp, sizeof p->stamp, "%Y%m%dT%H%M%S", &u) != 15)
            p->stamp[0] = '\0';
    }
    parse_udh(&sms->UDH, p);
    switch (sms->Coding) {
    case SMS_Coding_Default_No_Compression:
    case SMS_Coding_Unicode_No_Compression: {
        size_t n = 0;
        while (n < (sizeof sms->Text) / 2 && (sms->Text[2 * n] || sms->Text[2 * n + 1]))
            n++;
        if (n > MODEM_UNITS_MAX)
            return "text longer than one SMS part";
        ucs2_from_be(sms->Text, n, p->units);
        p->nunits = n;
        p->ucs2 = sms->Coding == SMS_Coding_Unicode_No_Compression;
        break;
    }
    case SMS_Coding_8bit: {
        /* Binary data is not a tip; accept it only if it is UTF-8 text. */
        char tmp[GSM_MAX_8BIT_SMS_LENGTH + 1];
        int len = sms->Length;
        if (len < 0 || len > GSM_MAX_8BIT_SMS_LENGTH)
            return "bad 8-bit length";
        memcpy(tmp, sms->Text, (size_t)len);
        tmp[len] = '\0';
        if (strlen(tmp) != (size_t)len ||
            ucs2_from_utf8(tmp, p->units, MODEM_UNITS_MAX, &p->nunits) != TRYGG_OK)
            return "undecodable 8-bit data";
        break;
    }
    default:
        return "unsupported coding";
    }
    return NULL;
}

/* TP-Status (GSM 03.40 9.2.3.15) of a status report: 0x00..0x1F the
 * message was delivered (or replaced), 0x20..0x3F the network still tries,
 * the rest failed for good. */
static int report_state(unsigned char tp)
{
    if (tp < 0x20)
        return 1;
    if (tp < 0x40)
        return -1;
    return 0;
}

/* Queues a status report for modem_take_report and deletes it: a report
 * is read once (a full queue drops the oldest, which is logged). */
static void take_status_report(modem *m, GSM_SMSMessage *sms)
{
    if (m->nreports == REPORTS_MAX) {
        TRYGG_WARN("modem: status report queue full, oldest report dropped");
        memmove(m->reports, m->reports + 1, (REPORTS_MAX - 1) * sizeof m->reports[0]);
        m->nreports--;
    }
    modem_report *r = &m->reports[m->nreports];
    memset(r, 0, sizeof *r);
    gammu_str(sms->Number, GSM_MAX_NUMBER_LENGTH, r->number, sizeof r->number);
    r->ref = sms->MessageReference;
    r->delivered = report_state(sms->DeliveryStatus);
    if (r->number[0])
        m->nreports++;
    GSM_Error e = GSM_DeleteSMS(m->sm, sms);
    if (e != ERR_NONE)
        set_err(m, "delete status report", e);
}

int modem_take_report(modem *m, modem_report *r)
{
    if (m->nreports == 0)
        return 0;
    *r = m->reports[0];
    memmove(m->reports, m->reports + 1, (size_t)(m->nreports - 1) * sizeof m->reports[0]);
    m->nreports--;
    return 1;
}

trygg_err modem_poll(modem *m, modem_part *parts, int max, int *n)
{
    *n = 0;
    if (!m->connected)
        return TRYGG_ERR_IO;
    int expect = -1; /* entries to read; -1 = until Gammu says empty */
    if (m->dummy) {
        expect = prescan_dummy(m);
        if (expect == 0) {
            /* Nothing to read; one cheap call still lets the dummy phone
             * report an incoming call. */
            GSM_SignalQuality sig;
            GSM_Error e = GSM_GetSignalQuality(m->sm, &sig);
            if (is_link_error(e)) {
                set_err(m, "signal", e);
                m->connected = 0;
                return TRYGG_ERR_IO;
            }
            return TRYGG_OK;
        }
    }
    int seen = 0;
    GSM_MultiSMSMessage *msm = m->in;
    memset(msm, 0, sizeof *msm);
    gboolean start = TRUE;
    int prev_folder = -1, prev_loc = -1, errors_here = 0;
    for (int guard = 0; guard < 4 * DUMMY_STRIDE && *n < max; guard++) {
        if (expect >= 0 && seen >= expect)
            break; /* the rest will be seen by the next poll */
        msm->Number = 0;
        GSM_Error e = GSM_GetNextSMS(m->sm, msm, start);
        start = FALSE;
        if (e == ERR_EMPTY)
            break;
        int folder = msm->SMS[0].Folder, loc = msm->SMS[0].Location;
        if (folder == prev_folder && loc == prev_loc) {
            /* The iteration did not move: stop instead of spinning. */
            TRYGG_WARN("modem: inbox listing stuck at %d/%d, ending this poll", folder, loc);
            break;
        }
        prev_folder = folder, prev_loc = loc;
        if (folder == 1 || folder == 3)
            seen++;
        if (e != ERR_NONE) {
            if (is_link_error(e)) {
                set_err(m, "read inbox", e);
                m->connected = 0;
                return TRYGG_ERR_IO;
            }
            set_err(m, "read message", e);
            if (m->dummy) {
                quarantine_dummy(m, folder, loc % DUMMY_STRIDE, GSM_ErrorString(e));
                continue;
            }
            if (++errors_here > 20)
                break;
            continue;
        }
        if (msm->Number <= 0) {
            if (m->dummy)
                quarantine_dummy(m, folder, loc % DUMMY_STRIDE, "entry with zero parts");
            continue;
        }
        if (!msm->SMS[0].InboxFolder)
            continue; /* outbox, sent, templates: not ours */
        if (msm->SMS[0].PDU == SMS_Status_Report) {
            take_status_report(m, &msm->SMS[0]);
            continue;
        }
        /* Convert every part of this entry or none. */
        int base = *n;
        const char *why = NULL;
        for (int i = 0; i < msm->Number && !why; i++) {
            if (*n >= max) {
                *n = base; /* picked up whole on the next poll */
                return TRYGG_OK;
            }
            why = convert_part(&msm->SMS[i], &parts[*n]);
            if (!why)
                (*n)++;
        }
        if (why) {
            *n = base;
            if (m->dummy)
                quarantine_dummy(m, folder, (msm->SMS[0].Location % DUMMY_STRIDE), why);
            else
                quarantine_real(m, &msm->SMS[0], why);
        }
    }
    return TRYGG_OK;
}

trygg_err modem_delete(modem *m, const modem_part *p)
{
    if (!m->connected)
        return TRYGG_ERR_IO;
    GSM_SMSMessage sms;
    memset(&sms, 0, sizeof sms);
    sms.Location = p->location;
    sms.Folder = p->folder;
    GSM_Error e = GSM_DeleteSMS(m->sm, &sms);
    if (e == ERR_NONE || e == ERR_EMPTY)
        return TRYGG_OK;
    if (m->dummy && p->folder > 0) {
        /* Already gone (an earlier part of the same file) is success. */
        char path[1024];
        snprintf(path, sizeof path, "%s/sms/%d/%d", m->cfg.device, p->folder,
                 p->location % DUMMY_STRIDE);
        if (access(path, F_OK) != 0)
            return TRYGG_OK;
    }
    set_err(m, "delete", e);
    return is_link_error(e) ? TRYGG_ERR_IO : TRYGG_ERR_INVALID;
}

trygg_err modem_quarantine(modem *m, const modem_part *p, const char *why)
{
    if (!m->connected)
        return TRYGG_ERR_IO;
    if (m->dummy) {
        quarantine_dummy(m, p->folder, p->location % DUMMY_STRIDE, why);
        return TRYGG_OK;
    }
    GSM_SMSMessage sms;
    memset(&sms, 0, sizeof sms);
    sms.Location = p->location;
    sms.Folder = p->folder;
    quarantine_real(m, &sms, why);
    return TRYGG_OK;
}

trygg_err modem_gammu_encode(const char *text, int gammu_detects, GSM_MultiSMSMessage *msm,
                             char *err, size_t errcap)
{
    enum { MAXU = GSM_MAX_MULTI_SMS * 67 };
    static uint16_t u[MAXU];
    static unsigned char be[(MAXU + 1) * 2];
    size_t n;
    enum ucs2_coding coding = UCS2_CODING_GSM7;
    int parts = ucs2_sms_parts(text, &coding);
    if (parts < 1 || parts > GSM_MAX_MULTI_SMS || ucs2_from_utf8(text, u, MAXU, &n) != TRYGG_OK ||
        n == 0) {
        snprintf(err, errcap, "text empty, too long or not UTF-8");
        return TRYGG_ERR_INVALID;
    }
    ucs2_to_be(u, n, be);
    be[2 * n] = be[2 * n + 1] = 0;

    GSM_MultiPartSMSInfo info;
    GSM_ClearMultiPartSMSInfo(&info);
    info.EntriesNum = 1;
    info.Class = -1;
    info.Entries[0].Buffer = be;
    if (gammu_detects) {
        info.Entries[0].ID = SMS_ConcatenatedAutoTextLong;
        info.UnicodeCoding = FALSE;
    } else {
        /* The coding as ucs2_sms_parts chose it (the same alphabet: tested
         * against Gammu's own choice, test_gammu_encode): Gammu's automatic
         * choice compares the text with a GSM-7 round trip and measures the
         * text's length for every character (0.2 M instructions a reply). */
        info.Entries[0].ID = SMS_ConcatenatedTextLong;
        info.UnicodeCoding = coding == UCS2_CODING_UCS2 ? TRUE : FALSE;
    }
    /* Gammu sets up each part it fills (GSM_SetDefaultSMSData) and looks at
     * most one past the last: clearing all GSM_MAX_MULTI_SMS parts (260 KB)
     * cost more than the rest of the send. */
    int clear = parts + 1 < GSM_MAX_MULTI_SMS ? parts + 1 : GSM_MAX_MULTI_SMS;
    memset(msm->SMS, 0, (size_t)clear * sizeof msm->SMS[0]);
    msm->Number = 0;
    GSM_Error e = GSM_EncodeMultiPartSMS(GSM_GetGlobalDebug(), &info, msm);
    info.Entries[0].Buffer = NULL; /* ours, not Gammu's to free */
    if (e != ERR_NONE || msm->Number < 1) {
        snprintf(err, errcap, "encode: %s", GSM_ErrorString(e));
        return TRYGG_ERR_INVALID;
    }
    return TRYGG_OK;
}

trygg_err modem_send(modem *m, const char *number, const char *text, int *parts, int *ref,
                     char *err, size_t errcap)
{
    *parts = 0;
    *ref = -1;
    err[0] = '\0';
    if (!m->connected) {
        snprintf(err, errcap, "modem not connected");
        return TRYGG_ERR_IO;
    }
    GSM_MultiSMSMessage *msm = m->out;
    if (modem_gammu_encode(text, 0, msm, err, errcap) != TRYGG_OK)
        return TRYGG_ERR_INVALID;
    for (int i = 0; i < msm->Number; i++) {
        GSM_SMSMessage *sms = &msm->SMS[i];
        /* Gammu asks for a status report (TP-SRR) when a submitted
         * message's PDU type says Status_Report. */
        sms->PDU = m->cfg.delivery_reports ? SMS_Status_Report : SMS_Submit;
        if (to_gammu_str(number, sms->Number, sizeof sms->Number) != 0) {
            snprintf(err, errcap, "bad recipient");
            return TRYGG_ERR_INVALID;
        }
        if (m->have_smsc) {
            sms->SMSC = m->smsc;
            sms->SMSC.Location = 0;
        } else {
            sms->SMSC.Location = 1;
        }
        m->send_done = 0;
        m->send_status = -1;
        m->send_ref = -1;
        GSM_Error e = GSM_SendSMS(m->sm, sms);
        if (e != ERR_NONE) {
            set_err(m, "send", e);
            if (is_link_error(e))
                m->connected = 0; /* the caller reconnects */
            snprintf(err, errcap, "part %d/%d: %s", i + 1, msm->Number, GSM_ErrorString(e));
            return TRYGG_ERR_IO;
        }
        time_t until = time(NULL) + (m->cfg.send_timeout > 0 ? m->cfg.send_timeout : 60);
        while (!m->send_done && time(NULL) < until)
            GSM_ReadDevice(m->sm, TRUE);
        if (!m->send_done) {
            snprintf(err, errcap, "part %d/%d: no send status from the modem", i + 1, msm->Number);
            return TRYGG_ERR_IO;
        }
        if (m->send_status != 0) {
            snprintf(err, errcap, "part %d/%d: network refused (status %d)", i + 1, msm->Number,
                     m->send_status);
            return TRYGG_ERR_IO;
        }
        (*parts)++;
        *ref = m->send_ref >= 0 && m->send_ref <= 255 ? m->send_ref : -1;
    }
    return TRYGG_OK;
}

int modem_take_call(modem *m, char *number, size_t cap)
{
    if (!m->call_pending)
        return 0;
    m->call_pending = 0;
    trygg_copy_trunc(number, cap, m->call_number);
    /* Outside the callback now: hanging up is safe. */
    if (m->connected) {
        GSM_Error e = GSM_CancelCall(m->sm, m->call_id_valid ? m->call_id : 0, TRUE);
        if (e != ERR_NONE && e != ERR_NOTSUPPORTED)
            TRYGG_WARN("modem: hang up failed: %s", GSM_ErrorString(e));
    }
    return 1;
}

trygg_err modem_status_get(modem *m, modem_status *st)
{
    if (!m->connected) {
        *st = m->st;
        return TRYGG_ERR_IO;
    }
    GSM_SignalQuality sig;
    GSM_Error e = GSM_GetSignalQuality(m->sm, &sig);
    if (e == ERR_NONE)
        m->st.signal_percent = sig.SignalPercent;
    else if (is_link_error(e)) {
        set_err(m, "signal", e);
        *st = m->st;
        return TRYGG_ERR_IO;
    }
    GSM_NetworkInfo net;
    memset(&net, 0, sizeof net);
    if (GSM_GetNetworkInfo(m->sm, &net) == ERR_NONE) {
        const char *s = "unknown";
        switch (net.State) {
        case GSM_HomeNetwork:
            s = "home";
            break;
        case GSM_RoamingNetwork:
            s = "roaming";
            break;
        case GSM_RequestingNetwork:
            s = "searching";
            break;
        case GSM_NoNetwork:
            s = "none";
            break;
        default:
            break;
        }
        TRYGG_COPY_TRUNC(m->st.network, s); /* status display */
        snprintf(m->st.network_code, sizeof m->st.network_code, "%.15s", net.NetworkCode);
    }
    GSM_BatteryCharge bat;
    memset(&bat, 0, sizeof bat);
    if (GSM_GetBatteryCharge(m->sm, &bat) == ERR_NONE)
        m->st.battery_percent = bat.BatteryPercent;
    *st = m->st;
    return TRYGG_OK;
}

void modem_status_cached(const modem *m, modem_status *st)
{
    *st = m->st;
}

trygg_err modem_reset(modem *m, int hard)
{
    if (!m->connected)
        return TRYGG_ERR_IO;
    GSM_Error e = GSM_Reset(m->sm, hard ? TRUE : FALSE);
    if (e != ERR_NONE)
        set_err(m, hard ? "hard reset" : "soft reset", e);
    modem_disconnect(m);
    return e == ERR_NONE ? TRYGG_OK : TRYGG_ERR_IO;
}

static const char *sim_state_name(GSM_SecurityCodeType t)
{
    switch (t) {
    case SEC_None:
        return "ready";
    case SEC_Pin:
        return "pin";
    case SEC_Puk:
        return "puk";
    case SEC_Pin2:
        return "pin2";
    case SEC_Puk2:
        return "puk2";
    case SEC_Phone:
    case SEC_SecurityCode:
    case SEC_Network:
        return "phone";
    default:
        return "unknown";
    }
}

trygg_err modem_sim_get(modem *m, modem_sim *s)
{
    TRYGG_COPY_FIT(s->state, "unknown");
    s->used = s->size = -1;
    if (!m->connected)
        return TRYGG_ERR_IO;
    GSM_SecurityCodeType t;
    GSM_Error e = GSM_GetSecurityStatus(m->sm, &t);
    if (is_link_error(e)) {
        set_err(m, "SIM state", e);
        return TRYGG_ERR_IO;
    }
    if (e == ERR_NONE)
        TRYGG_COPY_TRUNC(s->state, sim_state_name(t)); /* fits */
    GSM_SMSMemoryStatus ms;
    memset(&ms, 0, sizeof ms);
    e = GSM_GetSMSStatus(m->sm, &ms);
    if (is_link_error(e)) {
        set_err(m, "SMS memory", e);
        return TRYGG_ERR_IO;
    }
    if (e == ERR_NONE && ms.SIMSize + ms.PhoneSize > 0) {
        s->used = ms.SIMUsed + ms.PhoneUsed;
        s->size = ms.SIMSize + ms.PhoneSize;
    }
    return TRYGG_OK;
}

trygg_err modem_clear_memory(modem *m, int *n)
{
    *n = 0;
    if (!m->connected)
        return TRYGG_ERR_IO;
    GSM_MultiSMSMessage *msm = m->in;
    memset(msm, 0, sizeof *msm);
    gboolean start = TRUE;
    int prev_folder = -1, prev_loc = -1;
    for (int guard = 0; guard < 4 * DUMMY_STRIDE; guard++) {
        msm->Number = 0;
        GSM_Error e = GSM_GetNextSMS(m->sm, msm, start);
        start = FALSE;
        if (e == ERR_EMPTY)
            break;
        if (is_link_error(e)) {
            set_err(m, "clear memory", e);
            m->connected = 0;
            return TRYGG_ERR_IO;
        }
        int folder = msm->SMS[0].Folder, loc = msm->SMS[0].Location;
        if (folder == prev_folder && loc == prev_loc)
            break;
        prev_folder = folder, prev_loc = loc;
        if (e != ERR_NONE || msm->Number <= 0 || msm->SMS[0].InboxFolder)
            continue; /* the inbox is read and deleted by modem_poll alone */
        if (GSM_DeleteSMS(m->sm, &msm->SMS[0]) == ERR_NONE)
            (*n)++;
    }
    return TRYGG_OK;
}

trygg_err modem_ussd(modem *m, const char *code, int timeout, char *reply, size_t cap)
{
    reply[0] = '\0';
    if (!m->connected)
        return TRYGG_ERR_IO;
    m->ussd_done = 0;
    GSM_Error e = GSM_SetIncomingUSSD(m->sm, TRUE);
    if (e == ERR_NONE) {
        char buf[64];
        if (!TRYGG_COPY(buf, code))
            return TRYGG_ERR_INVALID;
        e = GSM_DialService(m->sm, buf);
    }
    if (e != ERR_NONE) {
        set_err(m, "USSD", e);
        if (is_link_error(e))
            m->connected = 0;
        return is_link_error(e) ? TRYGG_ERR_IO : TRYGG_ERR_NOTFOUND;
    }
    time_t until = time(NULL) + (timeout > 0 ? timeout : 30);
    while (!m->ussd_done && time(NULL) < until)
        if (GSM_ReadDevice(m->sm, TRUE) < 0)
            break;
    if (m->ussd_done != 1)
        return TRYGG_ERR_NOTFOUND;
    trygg_copy_trunc(reply, cap, m->ussd); /* display text */
    return TRYGG_OK;
}
