package com.koomy.newsletters;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;
import java.util.UUID;

/** Addresses that get no more of a community's newsletters ({@link NewsletterSubscriptions}). */
public interface NewsletterUnsubscribeDao {

    /** An unsubscribe link's click; {@code newsletterId} kept only while that newsletter exists. */
    @SqlUpdate("""
            INSERT INTO newsletter_unsubscribes (community_id, email, newsletter_id)
            VALUES (:c, lower(:email), (SELECT id FROM newsletters WHERE id = CAST(:n AS uuid)))
            ON CONFLICT DO NOTHING
            """)
    void unsubscribeByLink(@Bind("c") UUID communityId, @Bind("email") String email, @Bind("n") UUID newsletterId);

    /** Whether the member gets the community's newsletters; empty when not a member. */
    @SqlQuery("""
            SELECT NOT EXISTS (SELECT 1 FROM newsletter_unsubscribes u
                                WHERE u.community_id = m.community_id AND u.email = a.email)
              FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.community_id = :c AND m.account_id = :a
            """)
    Optional<Boolean> subscribed(@Bind("c") UUID communityId, @Bind("a") UUID accountId);

    /** The member's address; empty when not a member. */
    @SqlQuery("""
            SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.community_id = :c AND m.account_id = :a
            """)
    Optional<String> memberEmail(@Bind("c") UUID communityId, @Bind("a") UUID accountId);

    @SqlUpdate("DELETE FROM newsletter_unsubscribes WHERE community_id = :c AND email = :e")
    void resubscribe(@Bind("c") UUID communityId, @Bind("e") String email);

    @SqlUpdate("INSERT INTO newsletter_unsubscribes (community_id, email) VALUES (:c, :e) ON CONFLICT DO NOTHING")
    void unsubscribe(@Bind("c") UUID communityId, @Bind("e") String email);
}
