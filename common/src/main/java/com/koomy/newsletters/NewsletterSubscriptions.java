package com.koomy.newsletters;

import com.koomy.communities.Communities;
import com.koomy.errors.ApiException;
import org.jdbi.v3.core.Jdbi;

import java.util.Optional;
import java.util.UUID;

/**
 * Whether an address gets a community's newsletters. Unsubscribing takes the signed token of the email's
 * link (no sign-in, RFC 8058 one click); resubscribing, or unsubscribing from the app, is the member's
 * own call. A row of {@code newsletter_unsubscribes} stops that community's newsletters from the next
 * batch on, and nothing else: receipts, tickets and resets do not look at it.
 */
public class NewsletterSubscriptions {

    /** The community an unsubscribe link was for, for the confirmation page. */
    public record Unsubscribed(UUID communityId, String communityName, String email) {
    }

    private final Jdbi jdbi;
    private final UnsubscribeTokens tokens;

    /** {@code tokens} null: no secret configured, every link is refused. */
    public NewsletterSubscriptions(Jdbi jdbi, UnsubscribeTokens tokens) {
        this.jdbi = jdbi;
        this.tokens = tokens;
    }

    /** The link's community and address, checked; 400 for a token that is not one of ours. */
    public Unsubscribed check(String token) {
        UnsubscribeTokens.Subject subject = Optional.ofNullable(tokens).flatMap(t -> t.verify(token))
                .orElseThrow(() -> ApiException.invalidField("invalid_token", "token",
                        "is not a valid unsubscribe link (copy the whole link from the email)"));
        String name = jdbi.withHandle(h -> h.createQuery("SELECT name FROM communities WHERE id = :id")
                .bind("id", subject.communityId()).mapTo(String.class).findOne())
                .orElseThrow(Communities::notFound);
        return new Unsubscribed(subject.communityId(), name, subject.email());
    }

    /** One-click unsubscribe; unsubscribing twice changes nothing. */
    public Unsubscribed unsubscribe(String token) {
        Unsubscribed who = check(token);
        UUID newsletterId = tokens.verify(token).orElseThrow().newsletterId();
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO newsletter_unsubscribes (community_id, email, newsletter_id)
                        VALUES (:c, lower(:email), (SELECT id FROM newsletters WHERE id = CAST(:n AS uuid)))
                        ON CONFLICT DO NOTHING
                        """)
                .bind("c", who.communityId()).bind("email", who.email()).bind("n", newsletterId).execute());
        return who;
    }

    /** Whether the caller, a member (active or not) of the community, gets its newsletters; 404 for others. */
    public boolean subscribed(UUID communityId, UUID accountId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT NOT EXISTS (SELECT 1 FROM newsletter_unsubscribes u
                                            WHERE u.community_id = m.community_id AND u.email = a.email)
                          FROM memberships m JOIN accounts a ON a.id = m.account_id
                         WHERE m.community_id = :c AND m.account_id = :a
                        """).bind("c", communityId).bind("a", accountId).mapTo(Boolean.class).findOne())
                .orElseThrow(Communities::notFound);
    }

    /** The member's own choice: resubscribe ({@code true}) or unsubscribe. */
    public boolean set(UUID communityId, UUID accountId, boolean newsletters) {
        return jdbi.inTransaction(h -> {
            String email = h.createQuery("""
                            SELECT a.email FROM memberships m JOIN accounts a ON a.id = m.account_id
                             WHERE m.community_id = :c AND m.account_id = :a
                            """).bind("c", communityId).bind("a", accountId).mapTo(String.class).findOne()
                    .orElseThrow(Communities::notFound);
            if (newsletters) {
                h.createUpdate("DELETE FROM newsletter_unsubscribes WHERE community_id = :c AND email = :e")
                        .bind("c", communityId).bind("e", email).execute();
            } else {
                h.createUpdate("INSERT INTO newsletter_unsubscribes (community_id, email) VALUES (:c, :e) ON CONFLICT DO NOTHING")
                        .bind("c", communityId).bind("e", email).execute();
            }
            return newsletters;
        });
    }
}
