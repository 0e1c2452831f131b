-- Newsletters to a segment write their batch emails in the same statement as each snapshot page (issue 20:
-- one pass over the audience instead of a snapshot, then a second pass over the snapshot sorted by address).
-- batched_in_snapshot says which pass batched a newsletter: true, its snapshot pages did; false, the
-- fan-out pass over newsletter_recipients does (audiences given to Newsletters.enqueue, and newsletters
-- whose snapshot was complete before this migration).
ALTER TABLE newsletters ADD COLUMN batched_in_snapshot boolean NOT NULL DEFAULT false;

-- A snapshot cut short by this release has no batch yet (batches came only after a whole snapshot): it
-- starts again from the first member, with batches.
DELETE FROM newsletter_recipients r USING newsletters n WHERE r.newsletter_id = n.id AND NOT n.snapshot_done;
UPDATE newsletters SET snapshot_after = NULL, recipients_suppressed = 0 WHERE NOT snapshot_done;
