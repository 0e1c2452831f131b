package com.koomy.payments;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.stripe.events.StripeEvent;
import com.koomy.stripe.events.StripeEventRefusedException;
import org.jdbi.v3.core.Handle;

import java.util.Optional;
import java.util.UUID;

/**
 * Which community a Connect event is about, decided by the account Stripe delivered it for (the
 * event's {@code account}), never by its metadata alone. Metadata that names another community, another
 * member or a checkout of another account is refused: such an event is never applied anywhere.
 */
public final class ConnectEventScope {

    /** The community, the member and our checkout a dues event belongs to. */
    public record Scope(UUID communityId, UUID accountId, UUID checkoutId, UUID tierId, String stripeAccount,
                        String description, long applicationFee) {
    }

    private ConnectEventScope() {
    }

    /** Empty for an object that is not a Koomy dues payment (the community's own sales): nothing to apply. */
    public static Optional<Scope> of(Handle handle, StripeEvent event, JsonNode metadata) {
        if (!"dues".equals(metadata.path(DuesCheckouts.META_KIND).asText())) {
            return Optional.empty();
        }
        if (event.account() == null) {
            throw new StripeEventRefusedException("a dues payment event must come from a connected account; this one has none");
        }
        ConnectAccount account = handle.attach(ConnectAccountDao.class).byAccount(event.account())
                .orElseThrow(() -> new StripeEventRefusedException("no community has the connected account " + event.account()));
        String claimed = metadata.path(DuesCheckouts.META_COMMUNITY).asText();
        if (!account.communityId().toString().equals(claimed)) {
            throw new StripeEventRefusedException("metadata names community " + claimed + " but account " + event.account()
                    + " belongs to community " + account.communityId());
        }
        UUID checkoutId = uuid(metadata.path(DuesCheckouts.META_CHECKOUT).asText());
        UUID memberId = uuid(metadata.path(DuesCheckouts.META_ACCOUNT).asText());
        Optional<Scope> scope = checkoutId == null || memberId == null ? Optional.empty() : handle.attach(DuesCheckoutDao.class)
                .scope(checkoutId, account.communityId(), memberId, event.account());
        if (scope.isEmpty()) {
            throw new StripeEventRefusedException("metadata names checkout " + checkoutId + " of member " + memberId
                    + ", which community " + account.communityId() + " never created on account " + event.account());
        }
        return scope;
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
