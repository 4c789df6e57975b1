/*
 * web_item_suggest.c — the category suggested from an item's own words
 * (trygg_text_suggest_category, trygg/text.h) for an item that has none, such
 * as an SMS tip: shown above the edit form with one button that takes it
 * (the ordinary "edit" action, so it is audited like any edit). The item stays
 * with its receiver; only its kind and category change.
 */
#include <string.h>

#include "config.h"
#include "trygg/text.h"
#include "web.h"
#include "web_item.h"

void web_item_suggest_html(html_buf *b, web_ctx *w, const trygg_item *it)
{
    if (it->category[0] || !w->srv || !w->srv->cfg.catalog)
        return;
    char id[TRYGG_NAME_MAX + 1];
    if (trygg_text_suggest_category(trygg_keywords_default(), it->text, id, sizeof id) == 0)
        return;
    const config_category *c = config_category_find(&w->srv->cfg, -1, id);
    if (c == NULL)
        return; /* a keyword file names a category this server does not have */
    char key[64];
    const char *kn = trygg_kind_name(c->kind);
    html_lit(b, "<div class=\"suggest\" id=\"suggest\"><p>");
    html_t(b, w, "item.suggest");
    html_lit(b, " <strong>");
    html_t(b, w, web_enum_key("kind", kn, key));
    html_lit(b, " · ");
    html_text(b, web_cat_label(w, id));
    html_lit(b, "</strong></p>");
    web_item_form_open(b, w, it->id, "edit", "inline");
    html_lit(b, "<input type=\"hidden\" name=\"kind\" value=\"");
    html_attr(b, kn);
    html_lit(b, "\"><input type=\"hidden\" name=\"category\" value=\"");
    html_attr(b, id);
    html_lit(b, "\"><input type=\"hidden\" name=\"area\" value=\"");
    html_attr(b, it->area);
    html_lit(b, "\">");
    web_item_button(b, w, "act.use_suggestion", "");
    html_lit(b, "</form></div>");
}
