package com.koomy.load;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import static com.koomy.load.MeasuredCalls.answered;
import static com.koomy.load.MeasuredCalls.call;
import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * What each kind of person does, one loop of it: a request, then the pause while the person reads
 * (the think time), and so on. A virtual user is one person in a session: it takes its identity once
 * (setup) and repeats its journey until the run ends, so N simultaneous users are N people each doing
 * one request every few seconds, not N requests in flight.
 */
final class Journeys {

    private final LoadConfig config;
    private final Data data;
    private final AtomicLong payments = new AtomicLong();
    private final AtomicLong bursts = new AtomicLong();

    Journeys(LoadConfig config, Data data) {
        this.config = config;
        this.data = data;
    }

    private ChainBuilder think() {
        return pause(config.thinkMin(), config.thinkMax());
    }

    private static String bearer(Session s) {
        return "Bearer " + s.getString("token");
    }

    private static HttpRequestActionBuilder get(String name, java.util.function.Function<Session, String> path) {
        return http(name).get(path);
    }

    private static HttpRequestActionBuilder signedGet(String name, java.util.function.Function<Session, String> path) {
        return http(name).get(path).header("Authorization", Journeys::bearer);
    }

    // ------------------------------------------------------------------------------------------
    // Identities (once per virtual user)

    ChainBuilder asVisitor() {
        return exec(s -> s);
    }

    ChainBuilder asMember() {
        return exec(s -> {
            Data.Member m = Data.any(data.members);
            return s.set("token", m.token()).set("community", m.communityId());
        });
    }

    ChainBuilder asAdmin() {
        return exec(s -> s.set("token", Data.any(data.admins).token()));
    }

    // ------------------------------------------------------------------------------------------
    // Reading

    /** Signed out: a community's public page, then a community's upcoming events, then one event. */
    ChainBuilder visitor() {
        return exec(s -> {
            String[] event = Data.any(data.publicEvents);
            return s.set("page", Data.any(data.communities)).set("community", event[0]).set("event", event[1]);
        })
                .exec(call("community page (signed out)", get("community page (signed out)", s -> "/api/communities/" + s.getString("page"))))
                .exec(think())
                .exec(call("events list", get("events list", s -> "/api/communities/" + s.getString("community") + "/events?when=upcoming&limit=20")))
                .exec(think())
                .exec(call("event page", get("event page", s -> "/api/events/" + s.getString("event"))))
                .exec(think());
    }

    /** Signed in: my communities, my community's page, its news feed and one post, its events, my tickets. */
    ChainBuilder member() {
        return exec(call("my communities", signedGet("my communities", s -> "/api/me/communities?limit=20")))
                .exec(think())
                .exec(call("community page (member)", signedGet("community page (member)", s -> "/api/communities/" + s.getString("community"))))
                .exec(think())
                .exec(call("news feed", signedGet("news feed", s -> "/api/communities/" + s.getString("community") + "/news?limit=20")))
                .exec(think())
                .exec(s -> s.set("post", Data.any(data.newsByCommunity.get(s.getString("community")))))
                .exec(call("news post", signedGet("news post", s -> "/api/communities/" + s.getString("community") + "/news/" + s.getString("post"))))
                .exec(think())
                .exec(call("events list (member)", signedGet("events list (member)",
                        s -> "/api/communities/" + s.getString("community") + "/events?when=upcoming&limit=20")))
                .exec(think())
                .exec(call("my tickets", signedGet("my tickets", s -> "/api/me/tickets?when=upcoming&limit=20")))
                .exec(think());
    }

    /** An owner or admin of the big community: the member directory, a search in it, the overdue filter. */
    ChainBuilder admin() {
        String directory = "/api/communities/" + data.home + "/members?limit=20";
        return exec(call("directory", signedGet("directory", s -> directory)))
                .exec(think())
                .exec(s -> s.set("q", "" + "abcdef".charAt(ThreadLocalRandom.current().nextInt(6))
                        + "abcdef".charAt(ThreadLocalRandom.current().nextInt(6))))
                .exec(call("directory search", signedGet("directory search", s -> directory + "&q=" + s.getString("q"))))
                .exec(think())
                .exec(call("directory overdue", signedGet("directory overdue", s -> directory + "&dues=overdue")))
                .exec(think());
    }

    // ------------------------------------------------------------------------------------------
    // Writing

    /**
     * A member pays the dues: the tiers, a Checkout (the API calls the Stripe stub), the time spent on
     * Stripe's page, then Stripe's two webhooks for the paid session (10 % of them delivered twice, as
     * Stripe does), then the member's own payments page. A new member each time.
     */
    ChainBuilder payer(Duration onStripeMin, Duration onStripeMax) {
        String community = "/api/communities/" + data.home;
        return exec(s -> {
            Data.Member m = data.nextPayer();
            return s.set("token", m.token()).set("account", m.accountId()).remove("checkoutId").remove("sessionId");
        })
                .exec(call("dues tiers", signedGet("dues tiers", s -> community + "/dues/tiers")))
                .exec(pause(Duration.ofSeconds(1), Duration.ofSeconds(3)))
                .exec(call("dues checkout", http("dues checkout").post(community + "/dues/checkout").header("Authorization", Journeys::bearer)
                        .body(StringBody("{\"tierId\":\"" + data.tier + "\"}")).asJson()
                        .check(jsonPath("$.checkoutId").optional().saveAs("checkoutId"),
                                jsonPath("$.sessionId").optional().saveAs("sessionId"))))
                .doIf(s -> s.contains("checkoutId") && s.contains("sessionId")).then(
                        pause(onStripeMin, onStripeMax)
                                .exec(s -> {
                                    long n = payments.incrementAndGet();
                                    String[] events = StripeEvents.paidCheckout(config.runId(), n, data.stripeAccount, data.home,
                                            s.getString("account"), s.getString("checkoutId"), s.getString("sessionId"));
                                    return s.set("hook0", events[0]).set("hook0Id", StripeEvents.eventId(config.runId(), "cs", n))
                                            .set("hook1", events[1]).set("hook1Id", StripeEvents.eventId(config.runId(), "pi", n))
                                            .set("redeliver", n % 10 == 0);
                                })
                                .exec(webhook("stripe webhook (payment)", "hook0"))
                                .exec(webhook("stripe webhook (payment)", "hook1"))
                                .exec(s -> {
                                    // Paid as far as Stripe is concerned once one of its events about it was accepted.
                                    if (s.getBoolean("hook0Ok") || s.getBoolean("hook1Ok")) {
                                        Recorder.count("payments.paid");
                                    }
                                    return s;
                                })
                                .doIf(s -> s.getBoolean("redeliver")).then(exec(webhook("stripe webhook (redelivery)", "hook1")))
                                .exec(call("my payments", signedGet("my payments", s -> community + "/payments/me?limit=20"))))
                .exec(think());
    }

    /** A member registers for one of the big community's events (the ticket is emailed), then looks at the tickets. */
    ChainBuilder registrant() {
        return exec(s -> {
            String[] r = data.nextRegistration(config.offset());
            return s.set("token", r[0]).set("event", r[1]);
        })
                .exec(call("event page (member)", signedGet("event page (member)", s -> "/api/events/" + s.getString("event"))))
                .exec(think())
                .exec(call("event registration", http("event registration").post(s -> "/api/events/" + s.getString("event") + "/registrations?qr=false")
                        .header("Authorization", Journeys::bearer).body(StringBody("{}")).asJson()))
                .exec(s -> {
                    Recorder.count("registrations." + (answered(s, 201) ? "created" : "refused"));
                    return s;
                })
                .exec(think())
                .exec(call("my tickets", signedGet("my tickets", s -> "/api/me/tickets?when=upcoming&limit=20")))
                .exec(think());
    }

    /** A gate at the door: scans the next ticket of the plan (10 % of tickets come twice at once, at two gates). */
    ChainBuilder door(boolean peak, Duration min, Duration max) {
        String event = peak ? data.peakEvent : data.doorEvent;
        String prefix = peak ? "peak" : "door";
        return exec(s -> s.set("scan", data.nextScan(peak, config.runId())).remove("scanResult"))
                .exec(call("door scan", http("door scan").post("/api/events/" + event + "/checkins").header("Authorization", Journeys::bearer)
                        .body(StringBody(s -> s.getString("scan"))).asJson()
                        .check(jsonPath("$.result").optional().saveAs("scanResult"))))
                .exec(s -> {
                    if (s.contains("scanResult")) {
                        Recorder.count(prefix + ".scan." + s.getString("scanResult"));
                    }
                    return s;
                })
                .exec(pause(min, max));
    }

    /** Stripe delivering one more event of a burst (webhook scenario and the peak's stream). */
    ChainBuilder stripeBurst() {
        return exec(s -> {
            long n = bursts.incrementAndGet();
            return s.set("hook", StripeEvents.burst(config.runId(), n)).set("hookId", StripeEvents.eventId(config.runId(), "b", n));
        }).exec(webhook("stripe webhook (burst)", "hook"));
    }

    /**
     * Posts the event stored under KEY (its id under KEY + "Id"), signed now. Counts the distinct ids
     * sent (before sending: an answer cut off by the end of the run still counts as sent) and accepted,
     * and leaves KEY + "Ok" in the session.
     */
    private ChainBuilder webhook(String name, String key) {
        return exec(s -> {
            Recorder.distinct("webhooks.sent", s.getString(key + "Id"));
            return s.set("hookBody", s.getString(key)).set("hookSig", StripeEvents.header(data.webhookSecret, s.getString(key)));
        })
                .exec(call(name, http(name).post("/api/webhooks/stripe").header("Stripe-Signature", s -> s.getString("hookSig"))
                        .body(StringBody(s -> s.getString("hookBody"))).asJson()))
                .exec(s -> {
                    boolean ok = answered(s, 200);
                    if (ok) {
                        Recorder.distinct("webhooks.accepted", s.getString(key + "Id"));
                    }
                    return s.set(key + "Ok", ok);
                });
    }
}
