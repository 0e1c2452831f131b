-- Newsletters as a product (issue 20): drafts written by a community's owners and admins, sent now or at
-- a time to a segment resolved at send time, one-click unsubscribe per community, per-newsletter stats.
-- The audience is copied into newsletter_recipients by INSERT ... SELECT in pages (snapshot_after is the
-- keyset cursor over the community's memberships), then split into batch emails in pages (fanout_after,
-- the cursor over the snapshot's addresses): each page is one short transaction that moves its cursor
-- with what it wrote, so a worker killed in between resumes exactly where the last commit left it.

ALTER TABLE newsletters DROP CONSTRAINT newsletters_status_check;
ALTER TABLE newsletters ADD CONSTRAINT newsletters_status_check
    CHECK (status IN ('draft', 'scheduled', 'queued', 'sending', 'sent', 'cancelled'));

ALTER TABLE newsletters
    ADD COLUMN created_by            uuid        REFERENCES accounts (id) ON DELETE SET NULL,
    ADD COLUMN segment               text        NOT NULL DEFAULT 'all'
                                     CHECK (segment IN ('all', 'dues_paid', 'dues_overdue', 'event', 'admins')),
    ADD COLUMN event_id              uuid        REFERENCES events (id) ON DELETE SET NULL,
    ADD COLUMN news_post_id          uuid,
    -- when the send was asked for (plan limit: newsletters per month) and when it goes out
    ADD COLUMN queued_at             timestamptz,
    ADD COLUMN send_at               timestamptz,
    ADD COLUMN cancelled_at          timestamptz,
    ADD COLUMN sent_at               timestamptz,
    ADD COLUMN updated_at            timestamptz NOT NULL DEFAULT now(),
    -- Newsletters queued with their audience given (Newsletters.enqueue) have no snapshot to take.
    ADD COLUMN snapshot_done         boolean     NOT NULL DEFAULT true,
    ADD COLUMN snapshot_after        uuid,
    ADD COLUMN fanout_after          text,
    -- members of the segment left out at the snapshot: unsubscribed from this community or suppressed
    ADD COLUMN recipients_suppressed integer     NOT NULL DEFAULT 0,
    ADD CHECK (segment <> 'event' OR event_id IS NOT NULL OR status IN ('draft', 'cancelled'));

-- The list of a community's newsletters, newest first.
CREATE INDEX newsletters_community_idx ON newsletters (community_id, created_at DESC, id);

ALTER TABLE newsletter_recipients ADD COLUMN account_id uuid;

-- One-click unsubscribes (RFC 8058), per community and address: the snapshot and every batch leave these
-- addresses out of that community's newsletters; transactional mail does not look here. Deleted by a
-- resubscribe (PUT /api/me/communities/{id}/subscriptions).
CREATE TABLE newsletter_unsubscribes (
    community_id  uuid        NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    email         text        NOT NULL CHECK (email = lower(email)),
    -- the newsletter whose link was used (its "unsubscribed after it" figure)
    newsletter_id uuid        REFERENCES newsletters (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (community_id, email)
);

CREATE INDEX newsletter_unsubscribes_newsletter_idx ON newsletter_unsubscribes (newsletter_id) WHERE newsletter_id IS NOT NULL;
