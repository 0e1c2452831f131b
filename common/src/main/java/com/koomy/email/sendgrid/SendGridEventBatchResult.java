package com.koomy.email.sendgrid;

/**
 * What one webhook batch changed: events received, events new to us (the rest were redeliveries),
 * suppressions added or strengthened, and group unsubscribes lifted.
 */
public record SendGridEventBatchResult(int received, int stored, int suppressed, int lifted) {

    public int duplicates() {
        return received - stored;
    }
}
