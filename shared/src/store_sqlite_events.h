/*
 * store_sqlite_events.h — the statements over partner events that the week
 * picture runs 13 times per build (store_sqlite_events.c), here so that
 * tests/shared/test_sqlite_event_plan.c can check their query plans: each
 * must read an index by day (events_day, or the covering events_week of
 * v24 for the totals) by a range (SEARCH ... USING INDEX), not scan every
 * event. A bound written "?1 IS NULL OR day >= ?1" defeats the
 * index (SQLite plans the statement once, for any ?1), so an open bound
 * is a coalesce to the smallest or largest day instead.
 */
#ifndef TRYGG_STORE_SQLITE_EVENTS_H
#define TRYGG_STORE_SQLITE_EVENTS_H

/* Partner events by type summed over days ?1..?2 (NULL: open). */
#define TRYGG_SQLITE_EVENT_TOTALS                                                                  \
    "SELECT type, SUM(count) FROM events WHERE day >= coalesce(?1, '') AND"                        \
    " day <= coalesce(?2, '9999-12-31') GROUP BY type"

/* Partner events at a place summed over days ?1..?2, by area and place. */
#define TRYGG_SQLITE_EVENT_PLACES                                                                  \
    "SELECT area, place, SUM(count) FROM events WHERE day >= ?1 AND day <= ?2 AND place <> ''"     \
    " GROUP BY area, place"

#endif
