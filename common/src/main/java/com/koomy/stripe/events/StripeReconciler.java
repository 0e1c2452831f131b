package com.koomy.stripe.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.payments.ConnectAccountDao;
import com.koomy.stripe.StripeGateway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Catches up Stripe events we never received (R1, "after an outage"), through the Events API: for the
 * platform and for every connected account ({@code Stripe-Account}), the events created since the last
 * one seen. Each is stored exactly as the webhook would have stored it (same statement, same dedupe on
 * the event id, same outbox row), so an event that arrives both ways is applied once. The recurring
 * reconciliation runs one job per scope ({@link ReconcileStripeScope}, queued by {@link StripeReconcileFanOut}) and
 * asks only for events Stripe has not delivered ({@code delivery_success=false}) since that scope's cursor; the
 * operator's range command asks for all of a time range, every scope in turn, and moves no cursor.
 */
public class StripeReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(StripeReconciler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String PLATFORM = "platform";

    private final Jdbi jdbi;
    private final StripeGateway stripe;
    private final Duration firstLookBack;

    public StripeReconciler(Jdbi jdbi, StripeGateway stripe, Duration firstLookBack) {
        this.jdbi = jdbi;
        this.stripe = stripe;
        this.firstLookBack = firstLookBack;
    }

    public record Result(int scopes, int seen, int ingested) {
    }

    /**
     * The recurring pass for one scope (one job per scope, {@link ReconcileStripeScope}): the undelivered events
     * since its cursor (at first, since now - firstLookBack).
     */
    public Result catchUp(String scope) {
        Instant since = jdbi.withExtension(StripeReconcileCursorDao.class, dao -> dao.lastCreated(scope))
                .orElse(Instant.now().minus(firstLookBack));
        int[] counts = pass(scope, since, null, true);
        return new Result(1, counts[0], counts[1]);
    }

    /** The operator's pass after an outage: every event created in [from, to], delivered or not, every scope in turn. */
    public Result range(Instant from, Instant to) {
        int seen = 0;
        int ingested = 0;
        List<String> scopes = scopes();
        for (String scope : scopes) {
            int[] counts = pass(scope, from, to, false);
            seen += counts[0];
            ingested += counts[1];
        }
        return new Result(scopes.size(), seen, ingested);
    }

    /** The platform, then every connected account. */
    public List<String> scopes() {
        List<String> scopes = new ArrayList<>();
        scopes.add(PLATFORM);
        scopes.addAll(jdbi.withExtension(ConnectAccountDao.class, ConnectAccountDao::accountIds));
        return scopes;
    }

    /** Returns {seen, ingested}. Moves the scope's cursor to the newest event seen (recurring pass only). */
    private int[] pass(String scope, Instant from, Instant to, boolean undeliveredOnly) {
        String account = PLATFORM.equals(scope) ? null : scope;
        int seen = 0;
        int ingested = 0;
        long newest = from.getEpochSecond();
        String after = null;
        while (true) {
            Map<String, String> query = new LinkedHashMap<>();
            // gte, not gt: several events share a second; the ones already stored are skipped by their id.
            query.put("created[gte]", Long.toString(from.getEpochSecond()));
            if (to != null) {
                query.put("created[lte]", Long.toString(to.getEpochSecond()));
            }
            if (undeliveredOnly) {
                query.put("delivery_success", "false");
            }
            query.put("limit", "100");
            if (after != null) {
                query.put("starting_after", after);
            }
            JsonNode page = stripe.get("/v1/events", query, account);
            for (JsonNode event : page.path("data")) {
                seen++;
                newest = Math.max(newest, event.path("created").asLong());
                if (store(event, account)) {
                    ingested++;
                }
                after = event.path("id").asText();
            }
            if (!page.path("has_more").asBoolean(false) || after == null) {
                break;
            }
        }
        if (undeliveredOnly) {
            Instant cursor = Instant.ofEpochSecond(newest);
            long n = ingested;
            jdbi.useExtension(StripeReconcileCursorDao.class, dao -> dao.advance(scope, cursor, n));
        }
        if (ingested > 0) {
            LOG.warn("Reconciliation ingested {} Stripe events we had not received (scope {}, {} listed)", ingested, scope, seen);
        }
        return new int[] {seen, ingested};
    }

    private boolean store(JsonNode event, String account) {
        String payload;
        try {
            payload = JSON.writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        IncomingStripeEvent incoming = new IncomingStripeEvent(event.path("id").asText(), event.path("type").asText(),
                event.path("livemode").asBoolean(), event.hasNonNull("account") ? event.get("account").asText() : account,
                event.path("api_version").asText(null), Instant.ofEpochSecond(event.path("created").asLong()), payload);
        try {
            return jdbi.inTransaction(h -> {
                boolean stored = StripeEventWrites.storeIfAbsent(h, incoming);
                if (stored) {
                    h.attach(StripeEventDao.class).markReconciled(incoming.eventId());
                }
                return stored;
            });
        } catch (RuntimeException e) {
            // The same slow path as the webhook's: kept as failed with its raw text, not retried forever.
            if (!StripeEventRefusals.refusedData(e)) {
                throw e;
            }
            LOG.warn("Reconciliation: Stripe event {} stored as failed, PostgreSQL refused its payload", incoming.eventId());
            return StripeEventRefusals.store(jdbi, incoming, "reconciliation", e);
        }
    }
}
