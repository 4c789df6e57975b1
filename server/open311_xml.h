/*
 * open311_xml.h — the XML representation of the Open311 GeoReport v2
 * answers (server/open311.c). open311.c builds every answer once, as a
 * jansson document; open311_xml() writes the same document as XML with
 * libxml2's xmlTextWriter, following the mapping the specification names
 * (the "Spark convention"): an array under a name becomes an element of that
 * name holding one element per item, named by the singular of the list
 * (services/service, service_requests/request, errors/error, attributes/
 * attribute, values/value, endpoints/endpoint, formats/format); an object
 * becomes an element with one child per member; true/false are the words,
 * null an empty element.
 * Read first: open311_xml.
 */
#ifndef TRYGG_SERVER_OPEN311_XML_H
#define TRYGG_SERVER_OPEN311_XML_H

#include <jansson.h>
#include <stddef.h>

/* Writes `doc` (an array or an object) as an XML document whose root element
 * is `root`, with the declaration <?xml version="1.0" encoding="UTF-8"?>.
 * Characters XML 1.0 cannot carry (control characters other than tab, line
 * feed and carriage return; U+FFFE, U+FFFF) are written as U+FFFD. On success
 * *out is a malloc'd NUL-terminated document of *len bytes and 0 is returned;
 * -1 on failure (out of memory, or a writer error). Thread-safe. */
int open311_xml(const char *root, const json_t *doc, char **out, size_t *len);

#endif
