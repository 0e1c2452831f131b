package com.koomy.events;

import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import org.jdbi.v3.core.Jdbi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** An account's own seats, as its tickets page lists them (read only; the seats change in {@link Registrations}). */
public class MyTickets {

    private final Jdbi jdbi;
    private final TicketKeys keys;

    public MyTickets(Jdbi jdbi, TicketKeys keys) {
        this.jdbi = jdbi;
        this.keys = keys;
    }

    /** The caller's seats (not cancelled), upcoming or past, with the QR content of confirmed ones. */
    public Page<MyTicketView> page(UUID callerId, boolean past, int limit, KeysetCursor after) {
        List<MyTicket> rows = jdbi.withExtension(TicketDao.class, dao -> {
            String afterAt = after == null ? null : after.text();
            UUID afterId = after == null ? null : after.id();
            return past ? dao.past(callerId, afterAt, afterId, limit + 1) : dao.upcoming(callerId, afterAt, afterId, limit + 1);
        });
        Page<MyTicket> page = Page.of(rows, limit, t -> new KeysetCursor(t.startsAt().toString(), t.id()).encode());
        Map<UUID, Function<TicketCode, String>> signers = new HashMap<>();
        List<MyTicketView> items = page.items().stream().map(t -> {
            String qr = null;
            if (Ticket.CONFIRMED.equals(t.status()) && keys.isConfigured()) {
                qr = signers.computeIfAbsent(t.communityId(), keys::signer).apply(new TicketCode(null, t.id(), t.eventId(),
                        t.serial(), t.startsAt().minus(Event.DOORS_MARGIN), t.endsAt().plus(Event.DOORS_MARGIN)));
            }
            return new MyTicketView(t, qr);
        }).toList();
        return new Page<>(items, page.nextCursor());
    }

    /** A seat of the caller's with its QR content (null unless confirmed and signing is configured). */
    public record MyTicketView(MyTicket ticket, String qr) {
    }
}
