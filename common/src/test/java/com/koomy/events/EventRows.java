package com.koomy.events;

import org.jdbi.v3.core.Jdbi;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.UUID;

/**
 * Rows for the events DAO tests: accounts and communities in plain SQL (their DAOs are tested elsewhere),
 * events and tickets through EventDao and TicketDao. Times are whole seconds, as PostgreSQL returns them.
 */
final class EventRows {

    static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** PostgreSQL orders uuids by their bytes, as their text; Java's UUID.compareTo compares signed longs. */
    static final Comparator<UUID> PG_UUID_ORDER = Comparator.comparing(UUID::toString);

    final Jdbi jdbi;
    /** Who created the events. */
    final UUID manager;

    EventRows(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.manager = account("Manager");
    }

    UUID account(String name) {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, ?, 'x')",
                id, id + "@example.org", name));
        return id;
    }

    UUID community() {
        UUID id = UUID.randomUUID();
        jdbi.useHandle(h -> h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?)", id, "c-" + id));
        return id;
    }

    static EventFields fields(Instant startsAt, String visibility, Integer capacity) {
        return new EventFields("Event", "", "Hall", startsAt, startsAt.plus(Duration.ofHours(2)), "Europe/Paris",
                capacity, visibility, 2, 0);
    }

    /** An event of two hours starting {@code hoursFromNow} hours from now (negative: in the past). */
    UUID event(UUID community, int hoursFromNow, String visibility) {
        UUID id = UUID.randomUUID();
        jdbi.useExtension(EventDao.class, dao -> dao.insert(id, community,
                fields(NOW.plus(Duration.ofHours(hoursFromNow)), visibility, null), manager));
        return id;
    }

    Ticket ticket(UUID event, UUID account, String status) {
        return jdbi.withExtension(TicketDao.class, dao -> dao.insert(UUID.randomUUID(), event, account, null, status));
    }

    void sql(String statement, Object... args) {
        jdbi.useHandle(h -> h.execute(statement, args));
    }
}
