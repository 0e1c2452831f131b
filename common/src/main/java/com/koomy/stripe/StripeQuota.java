package com.koomy.stripe;

import java.util.UUID;

/**
 * What Stripe calls made on a user's behalf (Checkout, Connect accounts and links, the billing portal)
 * count against, per community and per account, so that one tenant cannot use up the platform's shared
 * Stripe budget. The API's implementation throws its 429 when over a limit.
 */
public interface StripeQuota {

    StripeQuota NONE = (communityId, accountId) -> {
    };

    /** Counts one call for {@code accountId} in {@code communityId}; throws when either is over its limit. */
    void take(UUID communityId, UUID accountId);
}
