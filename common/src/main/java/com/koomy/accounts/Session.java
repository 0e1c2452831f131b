package com.koomy.accounts;

import java.time.Instant;
import java.util.UUID;

/** A signed-in client: whose, since when, and until when at the latest. */
public record Session(String tokenHash, UUID accountId, Instant createdAt, Instant absoluteExpiry) {
}
