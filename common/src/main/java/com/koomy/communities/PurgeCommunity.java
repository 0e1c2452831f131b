package com.koomy.communities;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.UUID;

/**
 * The recurring job "anonymise the communities whose deletion grace period ended" (stable id
 * {@value #RECURRING_ID}). Each community in its own transaction, on its locked row, and only if it is
 * still archived and due (an owner may have unarchived it meanwhile): its members, invitations, events
 * and seats, news, drafts, keys and lists go; its images are released (the media collector deletes them);
 * its row stays, renamed and private, because its payments, receipts and refunds must be kept ten years
 * (French accounting law, Code de commerce L123-22) and point to it (their foreign keys refuse its deletion, V35);
 * the name they were issued under stays in {@code name_before_purge}. The payments retention job removes them
 * after those ten years. Running it twice changes nothing.
 */
public record PurgeCommunity() implements JobRequest {

    public static final String RECURRING_ID = "community-purge";
    static final int BATCH = 100;
    /** What the row says once anonymised; the slug keeps the id (unique, and matches the slug rule). */
    static final String DELETED_NAME = "Deleted community";

    private static final List<String> CONTENT = List.of(
            "DELETE FROM memberships WHERE community_id = :id",
            "DELETE FROM invitations WHERE community_id = :id",
            "DELETE FROM events WHERE community_id = :id",
            "DELETE FROM news_posts WHERE community_id = :id",
            "DELETE FROM card_revocations WHERE community_id = :id",
            "DELETE FROM community_keys WHERE community_id = :id",
            "DELETE FROM newsletter_unsubscribes WHERE community_id = :id",
            "DELETE FROM dues_reminders WHERE community_id = :id",
            "DELETE FROM content_drafts WHERE community_id = :id",
            "DELETE FROM dues_checkouts d WHERE d.community_id = :id AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = d.id)",
            "UPDATE media SET released_at = now() WHERE community_id = :id AND released_at IS NULL",
            """
            UPDATE communities SET name_before_purge = coalesce(name_before_purge, name), name = :deleted,
                   description = '', city = NULL, visibility = 'private',
                   join_policy = 'approval', slug = 'deleted-' || replace(CAST(id AS text), '-', ''),
                   purged_at = now(), updated_at = now()
             WHERE id = :id""");

    @Override
    public Class<Handler> getJobRequestHandler() {
        return Handler.class;
    }

    public static class Handler implements JobRequestHandler<PurgeCommunity> {

        private static final Logger LOG = LoggerFactory.getLogger(PurgeCommunity.class);

        private final Jdbi jdbi;
        private final Consumer<UUID> purged;

        /** {@code purged}: told each purged id after its commit (the worker drops the page from the API's cache). */
        public Handler(Jdbi jdbi, Consumer<UUID> purged) {
            this.jdbi = jdbi;
            this.purged = purged;
        }

        @Override
        public void run(PurgeCommunity request) {
            int purged = purgeDue();
            LOG.info("Community purge: {} communities anonymised", purged);
        }

        /** Purges every community due now, a batch at a time; returns how many. */
        public int purgeDue() {
            int purged = 0;
            List<UUID> due;
            do {
                due = jdbi.withExtension(CommunityLifeDao.class, dao -> dao.dueForPurge(BATCH));
                for (UUID id : due) {
                    if (jdbi.inTransaction(handle -> purge(handle, id))) {
                        this.purged.accept(id);
                        purged++;
                    }
                }
            } while (due.size() == BATCH);
            return purged;
        }

        private static boolean purge(Handle handle, UUID id) {
            boolean due = handle.createQuery("""
                            SELECT id FROM communities WHERE id = :id AND archived_at IS NOT NULL
                               AND deletion_due_at <= now() AND purged_at IS NULL FOR UPDATE""")
                    .bind("id", id).mapTo(UUID.class).findOne().isPresent();
            if (!due) {
                return false; // unarchived, or purged by another worker, since the scan
            }
            for (String statement : CONTENT) {
                handle.createUpdate(statement).bind("id", id)
                        .bindMap(statement.contains(":deleted") ? Map.of("deleted", DELETED_NAME) : Map.of())
                        .execute();
            }
            LOG.info("Community {} anonymised after its deletion grace period; payments and receipts kept", id);
            return true;
        }
    }
}
