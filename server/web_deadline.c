/*
 * web_deadline.c — an item's response deadline and age in the staff UI (the
 * queue rows and the item page; server/deadline.h computes the dates).
 */
#include "web.h"

#include <stdio.h>

#include "deadline.h"
#include "trygg/workdays.h"

void web_due_html(html_buf *b, const web_ctx *w, const trygg_item *it)
{
    if (it->due_at <= 0 || it->status == TRYGG_STATUS_CLOSED)
        return;
    char day[16];
    deadline_day(it->due_at, day);
    int late = it->due_at <= web_now();
    if (late)
        html_lit(b, "<span class=\"due late\">");
    else
        html_lit(b, "<span class=\"due\">");
    html_t1(b, w, "item.due", "date", day);
    html_lit(b, "</span>");
    if (late) {
        html_lit(b, " <span class=\"badge bad\">");
        html_t(b, w, "item.late");
        html_lit(b, "</span>");
    }
}

void web_age_html(html_buf *b, const web_ctx *w, const trygg_item *it)
{
    int n = trygg_workdays_between(it->created, web_now());
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    html_t1(b, w, n == 1 ? "item.age_one" : "item.age", "n", num);
}
