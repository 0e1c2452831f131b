import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pre-signs the Stripe webhook events of one benchmark run, so that the load generator (wrk) only
 * replays bytes and never computes anything per request.
 *
 * <pre>
 *   javac -d CLASSES -sourcepath ops/bench ops/bench/SignEvents.java    (ops/lib.sh's bench_compile)
 *   BENCH_SECRET=whsec_... java -cp CLASSES SignEvents FIXTURES RUN_ID COUNT PARTS OUT_DIR
 * </pre>
 *
 * Writes OUT_DIR/req.1 .. OUT_DIR/req.PARTS (one per wrk thread, contiguous slices of the run), one
 * event per line: {@code index TAB unix-seconds TAB v1-hex TAB body}. Event {@code n} has the id
 * {@code evt_bench_RUN_ID_n}; {@code data.object} is a real Stripe object from FIXTURES (Stripe's
 * fixtures3.json; its "resources" map) with an id of its own, so each body is a distinct, realistic
 * 1-3 KB event. The body is compact JSON without newlines, which the line format relies on.
 *
 * JDK only, with {@link BenchJson} beside it: no build tool and no dependency to fetch. The secret
 * comes from the environment so that it does not show in the process list.
 */
public class SignEvents {

    /** Event types sent in turn, with the fixture resource that becomes data.object and its id prefix. */
    private static final String[][] KINDS = {
            {"payment_intent.succeeded", "payment_intent", "pi"},
            {"customer.created", "customer", "cus"},
            {"payment_intent.created", "payment_intent", "pi"},
            {"checkout.session.completed", "checkout.session", "cs_test"},
    };

    /** Used only when the fixtures file is missing, so the benchmark still runs from a bare clone. */
    private static final String FALLBACK_OBJECT = "{\"id\":\"x\",\"object\":\"payment_intent\",\"amount\":1099,"
            + "\"amount_capturable\":0,\"amount_received\":1099,\"capture_method\":\"automatic\","
            + "\"client_secret\":\"pi_secret_bench\",\"confirmation_method\":\"automatic\",\"created\":1680800504,"
            + "\"currency\":\"eur\",\"customer\":null,\"description\":\"Koomy membership\",\"livemode\":false,"
            + "\"metadata\":{\"club\":\"bench\"},\"payment_method_types\":[\"card\"],\"status\":\"succeeded\"}";

    private static final String API_VERSION = "2024-06-20";

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: BENCH_SECRET=... java -cp CLASSES SignEvents FIXTURES RUN_ID COUNT PARTS OUT_DIR");
            System.exit(64);
        }
        Path fixtures = Path.of(args[0]);
        String runId = args[1];
        int count = Integer.parseInt(args[2]);
        int parts = Integer.parseInt(args[3]);
        Path outDir = Path.of(args[4]);
        String secret = System.getenv("BENCH_SECRET");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("BENCH_SECRET is not set");
        }
        if (!runId.matches("[A-Za-z0-9]+")) {
            throw new IllegalArgumentException("RUN_ID must be alphanumeric (it is parsed back out of event ids)");
        }
        if (count < 1 || parts < 1 || parts > count) {
            throw new IllegalArgumentException("need COUNT >= PARTS >= 1");
        }

        // Each object is serialized once with a placeholder id; per event only the id is spliced in.
        Map<String, String[]> templates = new LinkedHashMap<>();
        Map<String, Object> resources = loadResources(fixtures);
        for (String[] kind : KINDS) {
            templates.computeIfAbsent(kind[1], resource -> template(resources, resource));
        }

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        HexFormat hex = HexFormat.of();
        // One timestamp for the whole run: Stripe's tolerance (300 s) counts from here, so the caller
        // signs right before sending and bounds the send phase well below that.
        long t = System.currentTimeMillis() / 1000;
        long bytes = 0;
        Files.createDirectories(outDir);
        for (int part = 0; part < parts; part++) {
            int from = (int) ((long) count * part / parts);
            int to = (int) ((long) count * (part + 1) / parts);
            try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("req." + (part + 1)), StandardCharsets.UTF_8)) {
                for (int n = from; n < to; n++) {
                    String[] kind = KINDS[n % KINDS.length];
                    String[] object = templates.get(kind[1]);
                    String objectId = kind[2] + "_bench" + runId + "n" + n;
                    String body = "{\"id\":\"evt_bench_" + runId + "_" + n + "\",\"object\":\"event\","
                            + "\"api_version\":\"" + API_VERSION + "\",\"created\":" + t + ","
                            + "\"data\":{\"object\":" + object[0] + objectId + object[1] + "},"
                            + "\"livemode\":false,\"pending_webhooks\":1,"
                            + "\"request\":{\"id\":\"req_bench" + runId + "n" + n + "\",\"idempotency_key\":null},"
                            + "\"type\":\"" + kind[0] + "\"}";
                    byte[] signed = (t + "." + body).getBytes(StandardCharsets.UTF_8);
                    String v1 = hex.formatHex(mac.doFinal(signed));
                    out.write(n + "\t" + t + "\t" + v1 + "\t" + body);
                    out.newLine();
                    bytes += body.length();
                }
            }
        }
        System.out.printf("signed %d events in %d parts, t=%d, mean body %d bytes%n", count, parts, t, bytes / count);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> loadResources(Path fixtures) throws IOException {
        if (!Files.isReadable(fixtures)) {
            System.err.println("SignEvents: " + fixtures + " not found; using a small built-in payment_intent for every event");
            return Map.of();
        }
        Object root = new BenchJson(Files.readString(fixtures)).parse();
        Object resources = root instanceof Map<?, ?> map ? map.get("resources") : null;
        if (!(resources instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(fixtures + " has no \"resources\" object (expected Stripe's fixtures3.json)");
        }
        return (Map<String, Object>) resources;
    }

    /** The object as compact JSON split around its id value: [before, after]. */
    @SuppressWarnings("unchecked")
    private static String[] template(Map<String, Object> resources, String resource) {
        Object object = resources.get(resource);
        String json;
        if (object instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
            copy.put("id", new BenchJson.Raw("\"\u0000\""));
            json = BenchJson.write(copy);
        } else {
            json = FALLBACK_OBJECT.replace("\"id\":\"x\"", "\"id\":\"\u0000\"");
        }
        int at = json.indexOf('\u0000');
        return new String[] {json.substring(0, at), json.substring(at + 1)};
    }
}
