package com.koomy.events;

import java.util.UUID;

/** The account behind a ticket (and its guest's name, when the seat is a guest's). */
public record TicketHolder(UUID ticketId, UUID accountId, String name, String email, String locale, String guestName) {
}
