-- v25: searches at a region's scale (issue 17, docs/postgresql.md "What
-- the two slow searches do"). A search lists urgent items first; the 1 %
-- urgent items are spread over the whole items table, one row per page, so
-- finding the newest urgent matches read one page per urgent item looked
-- at (10,604 pages for `mörkt lampa` at 10M items) or per urgent match
-- (10,000 for a rare word). items_urgent is a narrow copy of only the
-- urgent items' order key and search columns: at 10M items 100,000 rows in
-- a few dozen MB, read in order of (created, id) or through its own GIN
-- indexes, whichever the planner picks: both read only this small table.
-- The listing takes the urgent part of a search from here and the rest
-- from items (shared/src/store_pg_search.c).
--
-- A trigger keeps it: a row for every item with urgent set, replaced when
-- the item's urgency, time or any text its search columns are made of
-- changes (a redaction or a purge rewrites the copy too), removed with the
-- item. It is derived data: `tryggctl move` does not copy it, the import's
-- inserts fill it.
CREATE TABLE items_urgent (
    id bigint PRIMARY KEY,
    created timestamptz NOT NULL,
    fts tsvector NOT NULL,
    shared_fts tsvector NOT NULL
);
CREATE INDEX items_urgent_order ON items_urgent(created, id);
CREATE INDEX items_urgent_fts ON items_urgent USING gin(fts);
CREATE INDEX items_urgent_shared_fts ON items_urgent USING gin(shared_fts);

CREATE FUNCTION items_urgent_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM items_urgent WHERE id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.urgent THEN
        INSERT INTO items_urgent(id, created, fts, shared_fts)
        VALUES (NEW.id, NEW.created, NEW.fts, NEW.shared_fts);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER items_urgent_item
    AFTER INSERT OR DELETE
       OR UPDATE OF id, urgent, created, text, place, ref, alias, shared_text, shared_place
    ON items FOR EACH ROW EXECUTE FUNCTION items_urgent_keep();

INSERT INTO items_urgent(id, created, fts, shared_fts)
SELECT id, created, fts, shared_fts FROM items WHERE urgent;
ANALYZE items_urgent;
