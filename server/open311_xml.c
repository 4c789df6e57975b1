/*
 * open311_xml.c — writes an Open311 answer (a jansson document) as XML with
 * libxml2's xmlTextWriter; the mapping is described in open311_xml.h.
 */
#include "open311_xml.h"

#include <libxml/parser.h>
#include <libxml/xmlwriter.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libxml(void)
{
    /* libxml2 wants its globals set up once before threads use it. */
    xmlInitParser();
}

/* The element name for one item of the list `name`. */
static const char *singular(const char *name)
{
    static const char *const map[][2] = {
        {"services", "service"}, {"service_requests", "request"},
        {"errors", "error"},     {"attributes", "attribute"},
        {"values", "value"},     {"endpoints", "endpoint"},
        {"formats", "format"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], name) == 0)
            return map[i][1];
    return "item";
}

/* A copy of UTF-8 `s` with what XML 1.0 cannot carry replaced by U+FFFD;
 * NULL when out of memory. */
static char *xml_safe(const char *s)
{
    size_t n = strlen(s);
    char *o = malloc(3 * n + 1);
    if (o == NULL)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int bad = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF)) {
            bad = 1;
            i += 2;
        }
        if (bad) {
            memcpy(o + j, "\xEF\xBF\xBD", 3);
            j += 3;
        } else {
            o[j++] = (char)c;
        }
    }
    o[j] = '\0';
    return o;
}

static int write_text(xmlTextWriterPtr w, const char *s)
{
    char *safe = xml_safe(s);
    if (safe == NULL)
        return -1;
    int rc = xmlTextWriterWriteString(w, BAD_CAST safe);
    free(safe);
    return rc < 0 ? -1 : 0;
}

static int write_value(xmlTextWriterPtr w, const char *name, const json_t *v, int depth);

static int write_children(xmlTextWriterPtr w, const char *name, const json_t *v, int depth)
{
    if (json_is_array(v)) {
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item) if (write_value(w, singular(name), item, depth + 1) !=
                                           0) return -1;
        return 0;
    }
    if (json_is_object(v)) {
        const char *key;
        const json_t *member;
        json_object_foreach((json_t *)v, key,
                            member) if (write_value(w, key, member, depth + 1) != 0) return -1;
        return 0;
    }
    char num[64];
    if (json_is_string(v))
        return write_text(w, json_string_value(v));
    if (json_is_integer(v))
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        snprintf(num, sizeof num, "%.10g", json_real_value(v));
    else if (json_is_boolean(v))
        TRYGG_COPY_TRUNC(num, json_is_true(v) ? "true" : "false"); /* "true" or "false": fits */
    else
        return 0; /* null: an empty element */
    return write_text(w, num);
}

static int write_value(xmlTextWriterPtr w, const char *name, const json_t *v, int depth)
{
    if (depth > 16)
        return -1;
    if (xmlTextWriterStartElement(w, BAD_CAST name) < 0)
        return -1;
    if (write_children(w, name, v, depth) != 0)
        return -1;
    return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

int open311_xml(const char *root, const json_t *doc, char **out, size_t *len)
{
    pthread_once(&init_once, init_libxml);
    *out = NULL;
    *len = 0;
    xmlBufferPtr buf = xmlBufferCreate();
    if (buf == NULL)
        return -1;
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    if (w == NULL) {
        xmlBufferFree(buf);
        return -1;
    }
    int rc = xmlTextWriterSetIndent(w, 1) < 0 ||
                     xmlTextWriterSetIndentString(w, BAD_CAST "  ") < 0 ||
                     xmlTextWriterStartDocument(w, "1.0", "utf-8", NULL) < 0 ||
                     write_value(w, root, doc, 0) != 0 || xmlTextWriterEndDocument(w) < 0
                 ? -1
                 : 0;
    xmlFreeTextWriter(w); /* flushes into buf */
    if (rc == 0) {
        size_t n = (size_t)xmlBufferLength(buf);
        *out = malloc(n + 1);
        if (*out == NULL) {
            rc = -1;
        } else {
            memcpy(*out, xmlBufferContent(buf), n);
            (*out)[n] = '\0';
            *len = n;
        }
    }
    xmlBufferFree(buf);
    return rc;
}
