package com.koomy.api.security;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.communities.CommunityKeys;
import com.koomy.events.CheckIns;
import com.koomy.events.ScanResult;
import com.koomy.events.ScannerAccess;
import com.koomy.events.TicketKeys;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * QR forgery at the door: 100,000 random and mutated ticket codes — bit flips of a valid ticket,
 * truncations, other events' tickets, codes signed with another community's key or a key of the
 * forger's own, re-encoded signatures (standard alphabet, padding, other unused bits, a malleated
 * signature), case and leading-zero variants, huge and random strings — go through {@link CheckIns#scan},
 * the very method the door's HTTP path ({@code CheckinsResource}, and its fast path) calls, and
 * thousands more through HTTP, single and batched: none is admitted and none is a server error.
 */
class QrForgeryTest {

    private static final String KEY_SECRET = secret();
    private static final long SEED = Long.getLong("koomy.qrForgery.seed", System.nanoTime());

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, ConfigOverride.config("cardKeySecret", KEY_SECRET));

    private static ApiCalls api;
    private static User owner;
    private static UUID eventId;
    /** An untouched valid ticket for the event: any variant of it that verified would be admitted. */
    private static String valid;
    /** A genuine ticket of the event, admitted once at the start. */
    private static String sanity;
    private static final List<String> OTHER_TICKETS = new ArrayList<>();
    private static CheckIns checkIns;

    private static String secret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    @BeforeAll
    static void door() {
        api = new ApiCalls(() -> app.getLocalPort());
        owner = api.user("Dora Door");
        UUID community = api.community(owner, "Door Forgery Club", "public", "open");
        eventId = event(community);
        UUID otherEvent = event(community);
        User holder = api.user("Hal Holder");
        User second = api.user("Sue Second");
        for (User u : List.of(holder, second)) {
            assertThat(api.call("POST", "/api/communities/" + community + "/join", u.token(), null).status()).isEqualTo(201);
        }
        valid = ticket(eventId, holder);
        sanity = ticket(eventId, second);
        OTHER_TICKETS.add(ticket(otherEvent, holder));
        UUID foreign = api.community(owner, "Foreign Door Club", "public", "open");
        OTHER_TICKETS.add(ticket(event(foreign), owner));

        checkIns = new CheckIns(db.jdbi(), new TicketKeys(new CommunityKeys(db.jdbi(), KEY_SECRET)), new ScannerAccess(db.jdbi()),
                Clock.systemUTC());
        // The harness admits a real ticket, so that a forgery that passed would show as admitted too.
        assertThat(checkIns.scan(eventId, owner.id(), sanity, "sanity", "main").result()).isEqualTo(ScanResult.ADMITTED);
        OTHER_TICKETS.add(sanity); // now already admitted: its variants must be invalid, not already_admitted
    }

    private static UUID event(UUID community) {
        Instant start = Instant.now().plus(1, ChronoUnit.HOURS);
        ApiReply event = api.call("POST", "/api/communities/" + community + "/events", owner.token(), Map.of("title", "Gala",
                "startsAt", start.toString(), "endsAt", start.plusSeconds(7200).toString(), "timeZone", "Europe/Paris", "capacity", 100));
        assertThat(event.status()).isEqualTo(201);
        return UUID.fromString(event.body().get("id").asText());
    }

    private static String ticket(UUID event, User user) {
        ApiReply ticket = api.call("POST", "/api/events/" + event + "/registrations?qr=false", user.token(), null);
        assertThat(ticket.status()).isEqualTo(201);
        return ticket.body().get("qr").asText();
    }

    @Test
    void aHundredThousandForgedCodesThroughTheDoorsVerificationAdmitNone() {
        QrForger forger = new QrForger(SEED, valid, OTHER_TICKETS, eventId);
        Map<String, Integer> results = new TreeMap<>();
        List<String> admitted = new ArrayList<>();
        int errors = 0;
        int skippedOriginals = 0;
        long start = System.nanoTime();
        int scanned = 0;
        for (int i = 0; scanned < 100_000; i++) {
            String qr = forger.next();
            if (qr.equals(valid) || OTHER_TICKETS.contains(qr)) {
                skippedOriginals++; // a mutation that changed nothing is not a forgery
                continue;
            }
            scanned++;
            try {
                ScanResult result = checkIns.scan(eventId, owner.id(), qr, "forgery-" + i, "main");
                results.merge(result.result(), 1, Integer::sum);
                if (!ScanResult.INVALID.equals(result.result()) && !ScanResult.WRONG_EVENT.equals(result.result())) {
                    admitted.add(result.result() + ": " + qr);
                }
            } catch (RuntimeException e) {
                errors++; // over HTTP this would be a 5xx
            }
        }
        System.out.printf("QR forgery in-process (seed %d): %s, %d errors, %d unchanged mutations skipped, %.1f s%n",
                SEED, results, errors, skippedOriginals, (System.nanoTime() - start) / 1e9);
        assertThat(admitted).as("forged codes that got past the signature check (seed %d)", SEED).isEmpty();
        assertThat(errors).isZero();
        assertThat(results.values().stream().mapToInt(Integer::intValue).sum() + errors).isEqualTo(100_000);
        assertThat(db.jdbi().<Integer, RuntimeException>withHandle(h -> h.createQuery("SELECT count(*) FROM checkins WHERE event_id = :e")
                .bind("e", eventId).mapTo(Integer.class).one())).as("admissions: the sanity ticket only").isEqualTo(1);
    }

    @Test
    void forgedCodesOverHttpSingleAndBatchedAdmitNoneAndNeverFailTheServer() {
        QrForger forger = new QrForger(SEED + 1, valid, OTHER_TICKETS, eventId);
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String qr = forger.next();
            if (qr.equals(valid) || OTHER_TICKETS.contains(qr)) {
                continue;
            }
            ApiReply reply = api.call("POST", "/api/events/" + eventId + "/checkins", owner.token(),
                    Map.of("qr", qr, "scanId", "http-" + i, "gate", "main"));
            String result = reply.body().path("result").asText("-");
            statuses.merge(reply.status() + " " + result, 1, Integer::sum);
            if (reply.status() >= 500 || (reply.status() == 200 && !result.equals("invalid") && !result.equals("wrong_event"))) {
                failures.add(reply.status() + " " + result + ": " + qr);
            }
        }
        int batched = 0;
        for (int b = 0; b < 5; b++) {
            List<Map<String, String>> scans = new ArrayList<>();
            // A genuine, already admitted ticket first: a batch whose first 50 codes all fail verification is
            // refused whole without checking the rest (422 forged_batch, below); this one has every code checked.
            scans.add(Map.of("qr", sanity, "scanId", "batch-" + b + "-genuine", "gate", "main",
                    "scannedAt", Instant.now().minusSeconds(60).toString()));
            while (scans.size() < 1000) {
                String qr = forger.next();
                if (qr.length() <= 4096 && qr.indexOf('\u0000') < 0 && !qr.equals(valid) && !OTHER_TICKETS.contains(qr)) {
                    scans.add(Map.of("qr", qr, "scanId", "batch-" + b + "-" + scans.size(), "gate", "main",
                            "scannedAt", Instant.now().minusSeconds(60).toString()));
                }
            }
            ApiReply reply = api.call("POST", "/api/events/" + eventId + "/checkins/batch", owner.token(), Map.of("scans", scans));
            assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
            boolean first = true;
            for (var answer : reply.body().get("results")) {
                batched++;
                String result = answer.get("result").asText();
                if (first) {
                    first = false;
                    // Genuine: admitted once (an offline scan earlier than the first admission supersedes it).
                    if (!result.equals(ScanResult.ALREADY_ADMITTED) && !result.equals(ScanResult.ADMITTED)) {
                        failures.add("the genuine ticket in a batch: " + answer);
                    }
                    continue;
                }
                statuses.merge("batch " + result, 1, Integer::sum);
                if (!result.equals("invalid") && !result.equals("wrong_event")) {
                    failures.add("batch " + result + ": " + answer);
                }
            }
        }
        // A batch of forged codes only stops after its first 50 and records nothing.
        List<Map<String, String>> forged = new ArrayList<>();
        while (forged.size() < 1000) {
            String qr = forger.next();
            if (qr.length() <= 4096 && qr.indexOf('\u0000') < 0 && !qr.equals(valid) && !OTHER_TICKETS.contains(qr)) {
                forged.add(Map.of("qr", qr, "scanId", "forged-" + forged.size(), "gate", "main",
                        "scannedAt", Instant.now().minusSeconds(60).toString()));
            }
        }
        ApiReply refused = api.call("POST", "/api/events/" + eventId + "/checkins/batch", owner.token(), Map.of("scans", forged));
        assertThat(refused.status()).as(refused.body().toString()).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("forged_batch");
        System.out.printf("QR forgery over HTTP (seed %d): %s%n", SEED + 1, statuses);
        assertThat(failures).as("forged codes admitted or server errors over HTTP").isEmpty();
        assertThat(batched).isEqualTo(5_000);
        assertThat(db.jdbi().<Integer, RuntimeException>withHandle(h -> h.createQuery("SELECT count(*) FROM checkins WHERE event_id = :e")
                .bind("e", eventId).mapTo(Integer.class).one())).isEqualTo(1);
    }
}
