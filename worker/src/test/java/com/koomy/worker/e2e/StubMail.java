package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.koomy.testing.SendGridStub;
import org.jdbi.v3.core.Jdbi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the SendGrid stub of a chaos scenario received, per email (the {@code custom_args.koomy_key} our mailer
 * puts in every request: the email's idempotency key), from its request journal; and what the database says
 * became of those emails.
 */
final class StubMail {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One mail/send: the email's key, when it reached the stub, what the stub answered (0: not yet) and, for a 429,
     * the X-RateLimit-Reset it gave (Unix seconds; else 0).
     */
    record Call(String key, long atMs, int status, long resetSecond) {
        boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    private StubMail() {
    }

    /** Every request, oldest first. */
    static List<Call> calls(SendGridStub stub) {
        return stub.answered().stream().map(StubMail::call).sorted(Comparator.comparingLong(Call::atMs)).toList();
    }

    /** How many times the stub accepted (2xx) each email, by key (absent: never). */
    static Map<String, Long> acceptedByKey(SendGridStub stub) {
        Map<String, Long> accepted = new HashMap<>();
        calls(stub).stream().filter(Call::accepted).forEach(c -> accepted.merge(c.key(), 1L, Long::sum));
        return accepted;
    }

    /**
     * The emails of {@code keys} by state: sent, held (sending without a lease, waiting for SendGrid's event or an
     * operator), pending (queued, or sending within a lease: not decided yet), failed, other.
     */
    static Map<String, Long> states(Jdbi db, List<String> keys) {
        return db.withHandle(h -> h.createQuery("""
                        SELECT CASE WHEN status = 'sent' THEN 'sent'
                                    WHEN status = 'sending' AND lease_until IS NULL THEN 'held'
                                    WHEN status = 'queued' OR status = 'sending' THEN 'pending'
                                    WHEN status = 'failed' THEN 'failed' ELSE 'other' END AS state, count(*) AS n
                          FROM emails WHERE idempotency_key = ANY(:keys) GROUP BY 1
                        """)
                .bindArray("keys", String.class, keys)
                .reduceRows(new HashMap<>(), (map, row) -> {
                    map.put(row.getColumn("state", String.class), row.getColumn("n", Long.class));
                    return map;
                }));
    }

    /** Each email's status by key, {@code +operator} when its last error asks for an operator. */
    static Map<String, String> statuses(Jdbi jdbi, List<String> keys) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT idempotency_key, status || CASE WHEN last_error ILIKE '%operator%' THEN '+operator' ELSE '' END AS s
                          FROM emails WHERE idempotency_key = ANY(:keys)
                        """)
                .bindArray("keys", String.class, keys)
                .reduceRows(new HashMap<>(), (map, row) -> {
                    map.put(row.getColumn("idempotency_key", String.class), row.getColumn("s", String.class));
                    return map;
                }));
    }

    /** How many of these emails are held in sending (no lease) until a SendGrid event or their resend. */
    static long held(Jdbi jdbi, Set<String> keys) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT count(*) FROM emails WHERE idempotency_key = ANY(:keys)
                           AND status = 'sending' AND lease_until IS NULL AND retry_at IS NOT NULL
                        """).bindArray("keys", String.class, List.copyOf(keys)).mapTo(Long.class).one());
    }

    static long countStatus(Jdbi jdbi, List<String> keys, String status) {
        return statuses(jdbi, keys).values().stream().filter(status::equals).count();
    }

    /** How many of these emails are in each status (as {@link #statuses} names it). */
    static Map<String, Long> statusCounts(Jdbi jdbi, List<String> keys) {
        return statuses(jdbi, keys).values().stream()
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
    }

    private static Call call(ServeEvent event) {
        try {
            String key = JSON.readTree(event.getRequest().getBodyAsString()).at("/custom_args/koomy_key").asText();
            int status = event.getResponse() == null ? 0 : event.getResponse().getStatus();
            long reset = 0;
            if (status == 429 && event.getResponse().getHeaders().getHeader("X-RateLimit-Reset").isPresent()) {
                reset = Long.parseLong(event.getResponse().getHeaders().getHeader("X-RateLimit-Reset").firstValue());
            }
            return new Call(key, event.getRequest().getLoggedDate().getTime(), status, reset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
