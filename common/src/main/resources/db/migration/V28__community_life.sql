-- A community's life (issue 21): its city, archiving (read-only), deletion after a grace period, and
-- discovery of public communities by name and city. docs/architecture.md, "A community's life".

-- unaccent is a trusted extension (PostgreSQL 13+): the database's owner creates it without being a
-- superuser. Where the migrating role cannot, an operator creates it first (docs/operations.md).
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA koomy;

-- "École de Musique d'Évry" -> "ecole de musique d'evry". unaccent() is only STABLE (its dictionary could
-- change); naming the dictionary makes this wrapper safe to declare IMMUTABLE, which an index needs.
CREATE FUNCTION search_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN lower(koomy.unaccent('koomy.unaccent'::regdictionary, coalesce(value, '')));

ALTER TABLE communities ADD COLUMN city text CHECK (char_length(city) BETWEEN 1 AND 100);
-- Read-only since then: no new dues, events, seats, news, newsletters, members (trigger below).
ALTER TABLE communities ADD COLUMN archived_at timestamptz;
-- DELETE asked by an owner: the worker anonymises the community after this instant.
ALTER TABLE communities ADD COLUMN deletion_due_at timestamptz;
-- Anonymised: its content and members are gone; payments and receipts stay (10-year legal retention).
ALTER TABLE communities ADD COLUMN purged_at timestamptz;
ALTER TABLE communities ADD CONSTRAINT communities_deletion_archived_check
    CHECK (deletion_due_at IS NULL OR archived_at IS NOT NULL);

-- Discovery: full-text on the folded name (weight A) and city (weight B), 'simple' configuration (no
-- stemming: names are proper nouns, in French or not).
ALTER TABLE communities ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, koomy.search_fold(name)), 'A')
    || setweight(to_tsvector('simple'::regconfig, koomy.search_fold(city)), 'B')) STORED;
CREATE INDEX communities_search_idx ON communities USING gin (search)
    WHERE visibility = 'public' AND archived_at IS NULL;
-- Discovery lists by folded name ("École" beside "Ecole", whatever the database's collation), keyset
-- (search_fold(name), id); by city within that order.
CREATE INDEX communities_discovery_idx ON communities (search_fold(name), id)
    WHERE visibility = 'public' AND archived_at IS NULL;
CREATE INDEX communities_city_idx ON communities (search_fold(city), search_fold(name), id)
    WHERE visibility = 'public' AND archived_at IS NULL;
-- The purge job's scan.
CREATE INDEX communities_deletion_due_idx ON communities (deletion_due_at)
    WHERE deletion_due_at IS NOT NULL AND purged_at IS NULL;

-- The one guard of archived communities: every table a new dues payment, event, seat, news post,
-- newsletter, membership or invitation is written to refuses the row. SQLSTATE KA409 is answered
-- 409 community_archived by the API (FallbackExceptionMapper); the transaction rolls back whole.
-- Card payments are not refused: they complete a checkout opened before the archive (money taken).
CREATE FUNCTION refuse_when_archived() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    community uuid;
BEGIN
    IF TG_TABLE_NAME = 'tickets' THEN
        SELECT e.community_id INTO community FROM koomy.events e WHERE e.id = NEW.event_id;
    ELSE
        community := NEW.community_id;
    END IF;
    IF EXISTS (SELECT 1 FROM koomy.communities c WHERE c.id = community AND c.archived_at IS NOT NULL) THEN
        RAISE EXCEPTION 'community % is archived: it is read-only', community
            USING ERRCODE = 'KA409', HINT = 'community_archived';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER memberships_refuse_when_archived BEFORE INSERT ON memberships
    FOR EACH ROW EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER invitations_refuse_when_archived BEFORE INSERT ON invitations
    FOR EACH ROW EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER events_refuse_when_archived BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER tickets_refuse_when_archived BEFORE INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER news_posts_refuse_when_archived BEFORE INSERT ON news_posts
    FOR EACH ROW EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER newsletters_refuse_when_archived BEFORE INSERT ON newsletters
    FOR EACH ROW EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER dues_checkouts_refuse_when_archived BEFORE INSERT ON dues_checkouts
    FOR EACH ROW EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER payments_refuse_when_archived BEFORE INSERT ON payments
    FOR EACH ROW WHEN (NEW.method <> 'card') EXECUTE FUNCTION refuse_when_archived();
-- What turns an older row into something new is refused too: approving a pending member, publishing a
-- draft post, sending (or scheduling) a draft newsletter. A newsletter scheduled before the archive still goes.
CREATE TRIGGER memberships_approve_refuse_when_archived BEFORE UPDATE OF status ON memberships
    FOR EACH ROW WHEN (OLD.status = 'pending' AND NEW.status = 'active') EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER news_posts_publish_refuse_when_archived BEFORE UPDATE OF status ON news_posts
    FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status = 'published') EXECUTE FUNCTION refuse_when_archived();
CREATE TRIGGER newsletters_send_refuse_when_archived BEFORE UPDATE OF status ON newsletters
    FOR EACH ROW WHEN (OLD.status = 'draft' AND NEW.status IN ('scheduled', 'queued')) EXECUTE FUNCTION refuse_when_archived();
