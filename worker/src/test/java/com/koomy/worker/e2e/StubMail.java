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
