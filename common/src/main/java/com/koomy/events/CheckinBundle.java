package com.koomy.events;

import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * What a scanner needs to decide offline: the event, the community's verification keys (by key id,
 * as QR codes name them), the seats whose QR codes are revoked (cancelled) or only valid at their
 * current serial (reissued), and how many confirmed tickets exist. A scanner that holds it admits a
 * QR code when the signature verifies with the named key, the event id matches, the time is within the
 * code's window, the ticket is not revoked and its serial is current; it uploads its scans later
 * ({@code POST .../checkins/batch}), where the server decides again with every gate's scans.
 */
public record CheckinBundle(UUID eventId, UUID communityId, String title, Instant startsAt, Instant endsAt,
                            String status, List<Key> keys, List<UUID> revokedTickets, List<Reissued> reissuedTickets,
                            int ticketCount, Instant generatedAt) {

    public record Key(String keyId, String algorithm, String format, String publicKey) {
    }

    public record Reissued(UUID ticketId, int serial) {
    }

    /** Builds bundles for those who may scan. */
    public static class Builder {

        private final Jdbi jdbi;
        private final TicketKeys keys;
        private final ScannerAccess access;

        public Builder(Jdbi jdbi, TicketKeys keys, ScannerAccess access) {
            this.jdbi = jdbi;
            this.keys = keys;
            this.access = access;
        }

        public CheckinBundle bundle(UUID eventId, UUID callerId) {
            UUID communityId = access.require(eventId, callerId);
            TicketKeys.VerifyKey key = keys.verifyKey(communityId);
            return jdbi.inTransaction(org.jdbi.v3.core.transaction.TransactionIsolationLevel.REPEATABLE_READ, handle -> {
                Event event = handle.attach(EventDao.class).find(eventId).orElseThrow(EventErrors::notFound);
                TicketDao tickets = handle.attach(TicketDao.class);
                return new CheckinBundle(eventId, communityId, event.title(), event.startsAt(), event.endsAt(), event.status(),
                        List.of(new Key(key.keyId(), "Ed25519", "X.509", Base64.getEncoder().encodeToString(key.x509()))),
                        tickets.revoked(eventId), tickets.reissued(eventId), event.confirmedCount(), Instant.now());
            });
        }
    }
}
