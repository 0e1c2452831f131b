package com.koomy.accounts;

import java.time.Instant;
import java.util.UUID;

/** One "export my data" request and where it stands ({@code pending}, {@code ready}, {@code downloaded}, {@code expired}). */
public record AccountExport(UUID id, UUID accountId, String status, Instant requestedAt, Instant readyAt, Instant downloadedAt) {

    public static final String OUTBOX_KIND = "account_export";
}
