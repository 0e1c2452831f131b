package com.koomy.events;

import com.koomy.email.EmailMessage;
import com.koomy.email.EmailOutbox;
import com.koomy.email.EmailTemplate;
import com.koomy.email.Recipient;
import org.jdbi.v3.core.Handle;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.Locale;
import java.util.Map;

/**
 * The ticket email ({@code event_ticket}, QR code inline), queued in the caller's transaction: it
 * exists exactly when the seat it is about is confirmed. One email per ticket serial (idempotency key
 * {@code ticket:<id>:<serial>}): a reissue sends a new one, a retried transaction does not.
 */
public class TicketMail {

    public void send(Handle handle, Event event, Ticket ticket, String qr) {
        TicketHolder holder = handle.attach(TicketDao.class).holder(ticket.id());
        String locale = EmailMessage.LOCALES.contains(holder.locale()) ? holder.locale() : "fr";
        String start = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT)
                .withLocale(Locale.forLanguageTag(locale)).withZone(ZoneId.of(event.timeZone()))
                .format(event.startsAt());
        Map<String, Object> variables = Map.of(
                "eventTitle", event.title(),
                "eventStart", start,
                "location", event.place().isBlank() ? "—" : event.place(),
                "ticketCode", code(ticket),
                "qrPayload", qr);
        EmailOutbox.enqueue(handle, EmailMessage.to(new Recipient(holder.email(), holder.name()), EmailTemplate.EVENT_TICKET,
                locale, variables, event.communityId(), "ticket:" + ticket.id() + ":" + ticket.serial()));
    }

    /** What people read out at a desk: the first 8 characters of the ticket id and the serial. */
    public static String code(Ticket ticket) {
        return ticket.id().toString().substring(0, 8).toUpperCase(Locale.ROOT) + "-" + ticket.serial();
    }
}
