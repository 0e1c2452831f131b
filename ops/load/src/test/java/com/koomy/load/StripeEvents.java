package com.koomy.load;

import com.stripe.net.Webhook;

import java.security.GeneralSecurityException;

/**
 * Stripe events as Stripe sends them to POST /api/webhooks/stripe, signed at the moment they are sent by
 * stripe-java's header generator, as the tests sign them (Stripe-Signature: t=..., v1=HMAC-SHA256 of "t.body"
 * with the endpoint secret). Two kinds:
 *
 * - the pair Stripe sends for a paid dues Checkout on the community's connected account
 *   (checkout.session.completed and payment_intent.succeeded, Connect events carrying "account" and the
 *   metadata the API put on the session): the worker turns them into one payment and one paid-until
 *   extension;
 * - a burst of other account events (customers, intents, charges of the platform), which the worker
 *   stores and settles without a payment: the webhook path's own cost.
 *
 * Every id carries the run id, so the database check afterwards finds exactly this run's events.
 */
final class StripeEvents {

    private static final String API_VERSION = "2024-06-20";
    private static final String[][] BURST = {
            {"customer.created", "customer", "cus"},
            {"payment_intent.created", "payment_intent", "pi"},
            {"customer.updated", "customer", "cus"},
            {"charge.succeeded", "charge", "ch"},
    };

    private StripeEvents() {
    }

    static String header(String secret, String body) {
        try {
            return Webhook.Signature.generateSignatureHeader(body, secret, System.currentTimeMillis() / 1000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String eventId(String runId, String kind, long n) {
        return "evt_load_" + runId + "_" + kind + n;
    }

    /** The two events of a paid dues checkout: [checkout.session.completed, payment_intent.succeeded]. */
    static String[] paidCheckout(String runId, long n, String account, String community, String member,
                                 String checkoutId, String sessionId) {
        long created = System.currentTimeMillis() / 1000;
        String pi = "pi_load" + runId + "n" + n;
        String metadata = "{\"koomy_kind\":\"dues\",\"koomy_community_id\":\"" + community + "\",\"koomy_account_id\":\"" + member
                + "\",\"koomy_checkout_id\":\"" + checkoutId + "\"}";
        String session = "{\"id\":\"" + sessionId + "\",\"object\":\"checkout.session\",\"amount_subtotal\":2500,\"amount_total\":2500,"
                + "\"created\":" + created + ",\"currency\":\"eur\",\"customer\":null,\"customer_email\":\"member@example.org\","
                + "\"livemode\":false,\"metadata\":" + metadata + ",\"mode\":\"payment\",\"payment_intent\":\"" + pi + "\","
                + "\"payment_status\":\"paid\",\"status\":\"complete\",\"url\":null}";
        String intent = "{\"id\":\"" + pi + "\",\"object\":\"payment_intent\",\"amount\":2500,\"amount_received\":2500,"
                + "\"application_fee_amount\":75,\"capture_method\":\"automatic\",\"created\":" + created + ",\"currency\":\"eur\","
                + "\"latest_charge\":\"ch_load" + runId + "n" + n + "\",\"livemode\":false,\"metadata\":" + metadata + ","
                + "\"payment_method_types\":[\"card\"],\"status\":\"succeeded\"}";
        return new String[] {
                event(eventId(runId, "cs", n), "checkout.session.completed", account, created, session),
                event(eventId(runId, "pi", n), "payment_intent.succeeded", account, created, intent)};
    }

    /** One event of the burst: platform events the worker records and settles (no payment). */
    static String burst(String runId, long n) {
        String[] kind = BURST[(int) (n % BURST.length)];
        long created = System.currentTimeMillis() / 1000;
        String object = "{\"id\":\"" + kind[2] + "_load" + runId + "n" + n + "\",\"object\":\"" + kind[1] + "\",\"created\":" + created
                + ",\"livemode\":false,\"metadata\":{\"source\":\"koomy-load\"},\"description\":\"load test event " + n + "\"}";
        return event(eventId(runId, "b", n), kind[0], null, created, object);
    }

    private static String event(String id, String type, String account, long created, String object) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\"," + (account == null ? "" : "\"account\":\"" + account + "\",")
                + "\"api_version\":\"" + API_VERSION + "\",\"created\":" + created + ",\"data\":{\"object\":" + object + "},"
                + "\"livemode\":false,\"pending_webhooks\":1,\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"" + type + "\"}";
    }
}
