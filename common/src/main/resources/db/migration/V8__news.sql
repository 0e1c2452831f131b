-- News posts of a community (issue 4): written by its owners and admins, read by its active members.
-- A draft has no published_at; publishing stamps it, unpublishing clears it (a post published again
-- goes back to the top of the feed).
CREATE TABLE news_posts (
    id           uuid        PRIMARY KEY,
    community_id uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    author_id    uuid        NOT NULL REFERENCES accounts (id),
    title        text        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    -- Markdown as the author typed it; rendered (and escaped) by clients.
    body         text        NOT NULL DEFAULT '' CHECK (char_length(body) <= 50000),
    status       text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    published_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'published') = (published_at IS NOT NULL))
);

-- The members' feed: newest first, keyset (published_at DESC, id).
CREATE INDEX news_posts_feed_idx ON news_posts (community_id, published_at DESC, id) WHERE status = 'published';
-- The admins' list of drafts: newest first, keyset (created_at DESC, id).
CREATE INDEX news_posts_drafts_idx ON news_posts (community_id, created_at DESC, id) WHERE status = 'draft';
-- Deleting an account checks its posts.
CREATE INDEX news_posts_author_idx ON news_posts (author_id);
