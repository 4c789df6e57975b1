/*
 * web_access.c — who may see and do what. Every view and every action of
 * the staff UI asks web_access_item()/web_access_action(); nothing else
 * decides access.
 *
 * Rules (docs/privacy.md, Roles; docs/server.md, routing):
 *   - roles "security" and "admin" see every item, unscrubbed;
 *   - role "destination" sees only items routed to its own destination, or
 *     copied to it by the routing rule's copy_to (to read only), as a
 *     scrubbed copy (no phone numbers, e-mail addresses or personal
 *     identity numbers in the text, no sender alias, no contact data);
 *   - tips and call-back requests never reach a destination user, whatever
 *     the routing says (a housing company may not process data on suspected
 *     crimes; call-backs carry a phone number);
 *   - anyone else (unknown role) sees nothing.
 */
#include "web.h"

#include <stdlib.h>
#include <string.h>

#include "trygg/copy.h"
#include "trygg/text.h"

int web_access_is_security(const web_user *u)
{
    return u && (strcmp(u->role, "security") == 0 || strcmp(u->role, "admin") == 0);
}

static int is_destination_role(const web_user *u)
{
    return u && strcmp(u->role, "destination") == 0 && u->destination[0] != '\0';
}

web_see web_access_item(const web_user *u, const trygg_item *it)
{
    if (!u || !it)
        return WEB_SEE_NONE;
    if (web_access_is_security(u))
        return WEB_SEE_FULL;
    if (!is_destination_role(u))
        return WEB_SEE_NONE;
    if (it->kind == TRYGG_KIND_TIP || it->kind == TRYGG_KIND_CALLBACK)
        return WEB_SEE_NONE;
    if (strcmp(it->destination, u->destination) != 0 && strcmp(it->copy_to, u->destination) != 0)
        return WEB_SEE_NONE;
    return WEB_SEE_SCRUBBED;
}

/* 1 when a destination user sees `it` only as the routing rule's copy. */
static int only_a_copy(const web_user *u, const trygg_item *it)
{
    return strcmp(it->destination, u->destination) != 0;
}

int web_access_action(const web_user *u, const trygg_item *it, web_action a)
{
    web_see see = web_access_item(u, it);
    if (see == WEB_SEE_NONE)
        return 0;
    if (see == WEB_SEE_FULL)
        return 1;
    if (only_a_copy(u, it)) /* a copy is to read; the case is the recipient's */
        return a == WEB_ACT_VIEW;
    /* Destination users work their own copy: note, progress, close as
     * resolved or not ours. Everything that changes routing, talks to the
     * citizen or reopens is the security department's. */
    switch (a) {
    case WEB_ACT_VIEW:
    case WEB_ACT_NOTE:
    case WEB_ACT_PROGRESS:
    case WEB_ACT_ASSIGN:
        return 1;
    case WEB_ACT_CLOSE:
        return it->status != TRYGG_STATUS_CLOSED;
    default:
        return 0;
    }
}

int web_access_assign(const web_user *u, const trygg_item *it, const trygg_user *target)
{
    if (!web_access_action(u, it, WEB_ACT_ASSIGN))
        return 0;
    if (!target)
        return 1;
    if (target->disabled)
        return 0;
    int target_dest = strcmp(target->role, "destination") == 0 &&
                      strcmp(target->destination, it->destination) == 0;
    if (!web_access_is_security(u)) /* within the user's own organisation */
        return target_dest && strcmp(target->destination, u->destination) == 0;
    return target_dest || strcmp(target->role, "security") == 0 ||
           strcmp(target->role, "admin") == 0;
}

int web_access_register(const web_user *u)
{
    return web_access_is_security(u);
}

int web_access_admin(const web_user *u)
{
    return web_access_is_security(u);
}

int web_access_filter(const web_user *u, trygg_filter *f)
{
    f->view = web_access_store_view(u);
    if (web_access_is_security(u))
        return 1;
    if (!is_destination_role(u))
        return 0;
    if (f->destination[0] && strcmp(f->destination, u->destination) != 0)
        return 0;
    if (f->kind == TRYGG_KIND_TIP || f->kind == TRYGG_KIND_CALLBACK)
        return 0;
    TRYGG_COPY_FIT(f->destination, u->destination);
    f->with_copies = 1;
    f->view = TRYGG_VIEW_SHARED;
    return 1;
}

trygg_view web_access_store_view(const web_user *u)
{
    return web_access_is_security(u) ? TRYGG_VIEW_FULL : TRYGG_VIEW_SHARED;
}

web_see web_access_get(const web_user *u, trygg_store *st, int64_t id, trygg_item *out)
{
    trygg_item *got = malloc(sizeof *got);
    web_see see = WEB_SEE_NONE;
    if (got && id > 0 && trygg_store_get_view(st, id, web_access_store_view(u), got) == TRYGG_OK)
        see = web_access_view(u, got, out);
    free(got);
    return see;
}

int web_access_callback_number(const web_user *u, const trygg_item *it)
{
    return web_access_item(u, it) == WEB_SEE_FULL && u->can_call_back &&
           it->kind == TRYGG_KIND_CALLBACK;
}

web_see web_access_view(const web_user *u, const trygg_item *in, trygg_item *out)
{
    web_see see = web_access_item(u, in);
    if (out != in)
        *out = *in;
    if (see == WEB_SEE_FULL) {
        if (!web_access_callback_number(u, in) && in->kind == TRYGG_KIND_CALLBACK)
            out->contact[0] = '\0';
        return see;
    }
    if (see == WEB_SEE_NONE) {
        out->text[0] = out->place[0] = out->contact[0] = '\0';
        out->sender[0] = out->alias[0] = '\0';
        return see;
    }
    char tmp[TRYGG_TEXT_MAX + 1];
    if (trygg_scrub(in->text, tmp, sizeof tmp, NULL) != TRYGG_OK)
        tmp[0] = '\0'; /* never show unscrubbed text */
    memcpy(out->text, tmp, sizeof out->text);
    if (trygg_scrub(in->place, tmp, sizeof out->place, NULL) != TRYGG_OK)
        tmp[0] = '\0';
    memcpy(out->place, tmp, sizeof out->place);
    out->contact[0] = '\0';
    out->sender[0] = '\0';
    out->alias[0] = '\0';
    return see;
}
