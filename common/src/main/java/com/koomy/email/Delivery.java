package com.koomy.email;

import java.time.Duration;

/** What the provider said about one send. */
public sealed interface Delivery {

    /** Taken (SendGrid: 202); the provider's message id when it gave one. */
    record Accepted(String messageId) implements Delivery {
    }

    /** 429: try again once the provider's limit resets. */
    record RateLimited(Duration retryAfter, String detail) implements Delivery {
    }

    /** 5xx: the provider is in trouble; retry with backoff. */
    record Unavailable(int status, String detail) implements Delivery {
    }

    /** Any other 4xx: this request will never be accepted as it is. */
    record Rejected(int status, String detail) implements Delivery {
    }
}
