package com.koomy.newsletters;

import com.koomy.communities.Communities;
import com.koomy.communities.CommunityDao;
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
        String name = jdbi.withHandle(h -> h.attach(CommunityDao.class).name(subject.communityId()))
                .orElseThrow(Communities::notFound);
        return new Unsubscribed(subject.communityId(), name, subject.email());
    }

    /** One-click unsubscribe; unsubscribing twice changes nothing. */
    public Unsubscribed unsubscribe(String token) {
        Unsubscribed who = check(token);
        UUID newsletterId = tokens.verify(token).orElseThrow().newsletterId();
        jdbi.useHandle(h -> h.attach(NewsletterUnsubscribeDao.class)
                .unsubscribeByLink(who.communityId(), who.email(), newsletterId));
        return who;
    }

    /** Whether the caller, a member (active or not) of the community, gets its newsletters; 404 for others. */
    public boolean subscribed(UUID communityId, UUID accountId) {
        return jdbi.withHandle(h -> h.attach(NewsletterUnsubscribeDao.class).subscribed(communityId, accountId))
                .orElseThrow(Communities::notFound);
    }

    /** The member's own choice: resubscribe ({@code true}) or unsubscribe. */
    public boolean set(UUID communityId, UUID accountId, boolean newsletters) {
        return jdbi.inTransaction(h -> {
            NewsletterUnsubscribeDao unsubscribes = h.attach(NewsletterUnsubscribeDao.class);
            String email = unsubscribes.memberEmail(communityId, accountId).orElseThrow(Communities::notFound);
            if (newsletters) {
                unsubscribes.resubscribe(communityId, email);
            } else {
                unsubscribes.unsubscribe(communityId, email);
            }
            return newsletters;
        });
    }
}
