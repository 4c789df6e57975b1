/*
 * wipe.h — "Kiosken sparar ingenting om dig": memory that held a resident's
 * words is wiped when it is freed. The libraries that see a report on its
 * way (jansson builds the upload body, SQLite queues it, libcurl sends it)
 * get an allocator that zeroes every block on free and on realloc.
 * Call wipe_install() first thing in main, before any of them is used.
 */
#ifndef TRYGG_KIOSK_WIPE_H
#define TRYGG_KIOSK_WIPE_H

/* Installs the wiping allocator in jansson, SQLite and libcurl. 0 on
 * success, -1 when a library refused it (too late: already initialised). */
int wipe_install(void);

/* Frees what json_dumps returned, with jansson's current free function
 * (the wiping one once installed, plain free before). */
void wipe_json_free(char *s);

#endif
