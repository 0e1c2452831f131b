-- An archive and a write into the same community take turns (issue 21): refuse_when_archived() (V28) read
-- communities.archived_at without a lock, so a write whose check ran just before an archive committed landed
-- after it. The check now reads the community row FOR KEY SHARE, the weakest row lock, which conflicts only
-- with FOR UPDATE (and DELETE / key changes): CommunityLife's archive, unarchive and deletion lock the row
-- FOR UPDATE (CommunityLifeDao.lock) before they change it. So a write either
--   * locks first: the archive waits until the write commits (the write landed before the archive), or
--   * comes while the archive holds the row: it waits, then reads the archived row (READ COMMITTED reads the
--     newest version of a row it waited for) and is refused, KA409 community_archived.
-- Ordinary updates of the community (settings, renames: FOR NO KEY UPDATE) do not conflict with KEY SHARE, so
-- writes and those updates never wait for each other. The row's foreign keys already take KEY SHARE on insert,
-- after this BEFORE trigger: taking it here first only moves it earlier.
CREATE OR REPLACE FUNCTION refuse_when_archived() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    community uuid;
    archived  timestamptz;
BEGIN
    IF TG_TABLE_NAME = 'tickets' THEN
        SELECT e.community_id INTO community FROM koomy.events e WHERE e.id = NEW.event_id;
    ELSE
        community := NEW.community_id;
    END IF;
    SELECT c.archived_at INTO archived FROM koomy.communities c WHERE c.id = community FOR KEY SHARE;
    IF archived IS NOT NULL THEN
        RAISE EXCEPTION 'community % is archived: it is read-only', community
            USING ERRCODE = 'KA409', HINT = 'community_archived';
    END IF;
    RETURN NEW;
END;
$$;
