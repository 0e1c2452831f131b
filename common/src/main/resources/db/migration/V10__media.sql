-- Uploaded images (issue 8): community logos and covers, member avatars, news images (event images
-- are a target kind already, served once events exist). docs/architecture.md, "Media".
--
-- Blobs are content-addressed: the key is the SHA-256 of the stored (re-encoded) bytes plus the
-- extension, so a URL never changes meaning and can be cached for a year. A blob row is written
-- ("touched") before the bytes go to storage, so storage never holds a blob the database does not
-- know about; the orphan collector deletes blobs that no media variant references and that nobody
-- touched within the grace period.
CREATE TABLE media_blobs (
    key          text        PRIMARY KEY CHECK (key ~ '^[0-9a-f]{64}\.(jpg|png)$'),
    bytes        bigint      NOT NULL CHECK (bytes > 0),
    content_type text        NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    touched_at   timestamptz NOT NULL DEFAULT now()
);

-- The collector's scan: blobs not touched since the cutoff.
CREATE INDEX media_blobs_touched_idx ON media_blobs (touched_at);

-- One uploaded image and what it illustrates. released_at is set when the image is replaced or
-- deleted (or its target disappears); it keeps its variants, and so its URLs, for the grace period.
CREATE TABLE media (
    id            uuid        PRIMARY KEY,
    community_id  uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    target_kind   text        NOT NULL CHECK (target_kind IN
                  ('community_logo', 'community_cover', 'member_avatar', 'news_image', 'event_image')),
    -- The community (logo, cover), the member's account (avatar), the news post or the event.
    target_id     uuid        NOT NULL,
    uploaded_by   uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    -- processing: the original is stored, the worker is making the smaller sizes.
    status        text        NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'ready', 'failed')),
    source_format text        NOT NULL CHECK (source_format IN ('jpeg', 'png', 'webp')),
    format        text        NOT NULL CHECK (format IN ('jpeg', 'png')),
    width         integer     NOT NULL CHECK (width > 0),
    height        integer     NOT NULL CHECK (height > 0),
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    released_at   timestamptz
);

-- Logo, cover and avatar hold one current image each.
CREATE UNIQUE INDEX media_current_single_idx ON media (community_id, target_kind, target_id)
    WHERE released_at IS NULL AND target_kind IN ('community_logo', 'community_cover', 'member_avatar');
-- A target's current images (news images in upload order).
CREATE INDEX media_target_idx ON media (community_id, target_kind, target_id, created_at)
    WHERE released_at IS NULL;
-- The collector deletes media released before the cutoff.
CREATE INDEX media_released_idx ON media (released_at) WHERE released_at IS NOT NULL;

-- The stored sizes of an image: the re-encoded original (made by the API) and the medium and thumb
-- sizes (made by the worker). A size no smaller than the original points at the original's blob.
CREATE TABLE media_variants (
    media_id uuid    NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    variant  text    NOT NULL CHECK (variant IN ('original', 'medium', 'thumb')),
    blob_key text    NOT NULL REFERENCES media_blobs (key),
    width    integer NOT NULL CHECK (width > 0),
    height   integer NOT NULL CHECK (height > 0),
    PRIMARY KEY (media_id, variant)
);

-- "Is this blob still referenced?" for the collector.
CREATE INDEX media_variants_blob_idx ON media_variants (blob_key);
