import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ops/bench/payments' load generator: a wave of dues payments. JDK only, with {@link BenchSessions} beside it.
 *
 * For each member of MEMBERS_FILE (one account id per line) it signs the member in (a session written
 * straight into Redis, as SessionStore writes them: setup, not measured), then, paced so that the
 * whole wave arrives within WITHIN seconds, asks the API for a dues Checkout (POST
 * /api/communities/{id}/dues/checkout: the API calls the Stripe stub) and, as Stripe would once the
 * member has paid, sends the two webhooks Stripe sends for a paid Checkout on a connected account
 * (checkout.session.completed and payment_intent.succeeded, Connect events carrying "account", with
 * the metadata the API put on the session), signed as Stripe signs them. REDELIVER of the webhooks
 * are sent a second time (Stripe's redeliveries). Prints one line per figure, "key value".
 *
 *   javac -d CLASSES -sourcepath ops/bench ops/bench/PaymentsWave.java    (ops/lib.sh's bench_compile)
 *   BENCH_SECRET=whsec_... java -cp CLASSES PaymentsWave API_BASE REDIS_HOST REDIS_PORT MEMBERS_FILE COMMUNITY TIER
 *        STRIPE_ACCOUNT WITHIN_SECONDS CONCURRENCY REDELIVER_FRACTION RUN_ID
 *
 * The sessions go where the API reads them: REDIS_PASSWORD, REDIS_DATABASE (default 0) and the stack's
 * key prefix KOOMY_REDIS_PREFIX (default koomy:, as config/api.yml) from the environment.
 */
public class PaymentsWave {

    private static final Pattern CHECKOUT = Pattern.compile("\"checkoutId\":\"([0-9a-f-]+)\".*\"sessionId\":\"([^\"]+)\"");
    private static final HexFormat HEX = HexFormat.of();

    record Result(long checkoutNanos, boolean checkoutOk, int webhooks, int webhooksOk, long[] webhookNanos) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 11) {
            System.err.println("usage: see the class comment");
            System.exit(64);
        }
        String api = args[0];
        String redisHost = args[1];
        int redisPort = Integer.parseInt(args[2]);
        List<String> members = Files.readAllLines(Path.of(args[3])).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        String community = args[4];
        String tier = args[5];
        String account = args[6];
        double within = Double.parseDouble(args[7]);
        int concurrency = Integer.parseInt(args[8]);
        double redeliver = Double.parseDouble(args[9]);
        String runId = args[10];
        String secret = System.getenv("BENCH_SECRET");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("BENCH_SECRET is not set");
        }

        List<String> tokens = BenchSessions.write(redisHost, redisPort, members, runId);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newFixedThreadPool(concurrency)).build();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        Semaphore inFlight = new Semaphore(concurrency);
        List<java.util.concurrent.Future<Result>> futures = new ArrayList<>();
        AtomicInteger lateStarts = new AtomicInteger();
        long start = System.nanoTime();
        System.out.println("wave_start_epoch_ms " + System.currentTimeMillis());
        double interval = within * 1e9 / members.size();
        for (int n = 0; n < members.size(); n++) {
            long due = start + (long) (n * interval);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            inFlight.acquire();
            if (System.nanoTime() - due > 100_000_000L) {
                lateStarts.incrementAndGet();
            }
            int i = n;
            boolean again = (i % 1000) < redeliver * 1000;
            futures.add(pool.submit(() -> {
                try {
                    return pay(http, api, community, tier, account, members.get(i), tokens.get(i), secret, runId, i, again);
                } finally {
                    inFlight.release();
                }
            }));
        }
        List<Result> results = new ArrayList<>();
        for (var f : futures) {
            results.add(f.get());
        }
        long end = System.nanoTime();
        pool.shutdown();
        double seconds = (end - start) / 1e9;
        long checkoutsOk = results.stream().filter(Result::checkoutOk).count();
        long webhooks = results.stream().mapToLong(Result::webhooks).sum();
        long webhooksOk = results.stream().mapToLong(Result::webhooksOk).sum();
        long[] checkoutLat = results.stream().mapToLong(Result::checkoutNanos).sorted().toArray();
        long[] hookLat = results.stream().flatMapToLong(r -> Arrays.stream(r.webhookNanos())).sorted().toArray();
        System.out.println("wave_end_epoch_ms " + System.currentTimeMillis());
        System.out.printf("wave_seconds %.2f%n", seconds);
        System.out.println("checkouts " + results.size());
        System.out.println("checkouts_ok " + checkoutsOk);
        System.out.printf("checkouts_per_s %.1f%n", checkoutsOk / seconds);
        System.out.printf("checkout_ms_p50 %.1f%ncheckout_ms_p95 %.1f%ncheckout_ms_p99 %.1f%n",
                pct(checkoutLat, 0.50), pct(checkoutLat, 0.95), pct(checkoutLat, 0.99));
        System.out.println("webhooks_sent " + webhooks);
        System.out.println("webhooks_accepted " + webhooksOk);
        System.out.printf("webhooks_accepted_per_s %.1f%n", webhooksOk / seconds);
        System.out.printf("webhook_ms_p50 %.1f%nwebhook_ms_p95 %.1f%nwebhook_ms_p99 %.1f%n",
                pct(hookLat, 0.50), pct(hookLat, 0.95), pct(hookLat, 0.99));
        System.out.println("late_starts " + lateStarts.get());
        System.exit(0);
    }

    private static Result pay(HttpClient http, String api, String community, String tier, String account, String member,
                              String token, String secret, String runId, int n, boolean redeliver) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> checkout = send(http, HttpRequest.newBuilder(URI.create(api + "/api/communities/" + community + "/dues/checkout"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"tierId\":\"" + tier + "\"}")).build());
        long checkoutNanos = System.nanoTime() - t0;
        Matcher m = checkout == null ? null : CHECKOUT.matcher(checkout.body());
        if (checkout == null || checkout.statusCode() != 201 || !m.find()) {
            if (n < 5) {
                System.err.println("checkout " + n + " failed: " + (checkout == null ? "no answer" : checkout.statusCode() + " " + checkout.body()));
            }
            return new Result(checkoutNanos, false, 0, 0, new long[0]);
        }
        String checkoutId = m.group(1);
        String session = m.group(2);
        String pi = "pi_bench" + runId + "n" + n;
        long created = System.currentTimeMillis() / 1000;
        String metadata = "{\"koomy_kind\":\"dues\",\"koomy_community_id\":\"" + community + "\",\"koomy_account_id\":\""
                + member + "\",\"koomy_checkout_id\":\"" + checkoutId + "\"}";
        List<String> events = new ArrayList<>();
        events.add(event("evt_bench_" + runId + "_" + n + "_cs", "checkout.session.completed", account, created,
                sessionObject(session, pi, metadata, created)));
        events.add(event("evt_bench_" + runId + "_" + n + "_pi", "payment_intent.succeeded", account, created,
                intentObject(pi, metadata, created)));
        if (redeliver) {
            events.add(events.get(n % 2));
        }
        long[] nanos = new long[events.size()];
        int ok = 0;
        for (int i = 0; i < events.size(); i++) {
            String body = events.get(i);
            long t = System.currentTimeMillis() / 1000;
            long s = System.nanoTime();
            HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(api + "/api/webhooks/stripe"))
                    .header("Content-Type", "application/json")
                    .header("Stripe-Signature", "t=" + t + ",v1=" + sign(secret, t + "." + body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());
            nanos[i] = System.nanoTime() - s;
            if (r != null && r.statusCode() == 200) {
                ok++;
            }
        }
        return new Result(checkoutNanos, true, events.size(), ok, nanos);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String event(String id, String type, String account, long created, String object) {
        return "{\"id\":\"" + id + "\",\"object\":\"event\",\"account\":\"" + account + "\",\"api_version\":\"2024-06-20\","
                + "\"created\":" + created + ",\"data\":{\"object\":" + object + "},\"livemode\":false,\"pending_webhooks\":1,"
                + "\"request\":{\"id\":null,\"idempotency_key\":null},\"type\":\"" + type + "\"}";
    }

    /** A paid checkout.session shaped like Stripe's example object (fixtures3.json, trimmed to its main fields). */
    private static String sessionObject(String session, String pi, String metadata, long created) {
        return "{\"id\":\"" + session + "\",\"object\":\"checkout.session\",\"after_expiration\":null,\"allow_promotion_codes\":null,"
                + "\"amount_subtotal\":2500,\"amount_total\":2500,\"automatic_tax\":{\"enabled\":false,\"liability\":null,\"status\":null},"
                + "\"billing_address_collection\":null,\"cancel_url\":\"https://koomy.example/dues\",\"client_reference_id\":null,"
                + "\"created\":" + created + ",\"currency\":\"eur\",\"customer\":null,\"customer_creation\":\"if_required\","
                + "\"customer_details\":{\"address\":null,\"email\":\"member@example.org\",\"name\":\"Bench Member\",\"phone\":null,"
                + "\"tax_exempt\":\"none\",\"tax_ids\":[]},\"customer_email\":\"member@example.org\",\"expires_at\":" + (created + 86400) + ","
                + "\"invoice\":null,\"livemode\":false,\"locale\":null,\"metadata\":" + metadata + ",\"mode\":\"payment\","
                + "\"payment_intent\":\"" + pi + "\",\"payment_link\":null,\"payment_method_collection\":\"if_required\","
                + "\"payment_method_types\":[\"card\"],\"payment_status\":\"paid\",\"status\":\"complete\",\"submit_type\":null,"
                + "\"subscription\":null,\"success_url\":\"https://koomy.example/dues/paid\",\"total_details\":{\"amount_discount\":0,"
                + "\"amount_shipping\":0,\"amount_tax\":0},\"ui_mode\":\"hosted\",\"url\":null}";
    }

    /** A succeeded payment_intent shaped like Stripe's example object (fixtures3.json, trimmed), with our fee and metadata. */
    private static String intentObject(String pi, String metadata, long created) {
        return "{\"id\":\"" + pi + "\",\"object\":\"payment_intent\",\"amount\":2500,\"amount_capturable\":0,"
                + "\"amount_details\":{\"tip\":{}},\"amount_received\":2500,\"application\":null,\"application_fee_amount\":75,"
                + "\"automatic_payment_methods\":null,\"canceled_at\":null,\"cancellation_reason\":null,\"capture_method\":\"automatic\","
                + "\"client_secret\":\"" + pi + "_secret_bench\",\"confirmation_method\":\"automatic\",\"created\":" + created + ","
                + "\"currency\":\"eur\",\"customer\":null,\"description\":null,\"last_payment_error\":null,"
                + "\"latest_charge\":\"ch_" + pi.substring(3) + "\",\"livemode\":false,\"metadata\":" + metadata + ","
                + "\"next_action\":null,\"on_behalf_of\":null,\"payment_method\":\"pm_bench\",\"payment_method_types\":[\"card\"],"
                + "\"processing\":null,\"receipt_email\":null,\"review\":null,\"setup_future_usage\":null,\"shipping\":null,"
                + "\"statement_descriptor\":null,\"statement_descriptor_suffix\":null,\"status\":\"succeeded\","
                + "\"transfer_data\":null,\"transfer_group\":null}";
    }

    private static String sign(String secret, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HEX.formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
