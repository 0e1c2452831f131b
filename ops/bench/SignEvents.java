import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pre-signs the Stripe webhook events of one benchmark run, so that the load generator (wrk) only
 * replays bytes and never computes anything per request.
 *
 * <pre>
 *   BENCH_SECRET=whsec_... java ops/bench/SignEvents.java FIXTURES RUN_ID COUNT PARTS OUT_DIR
 * </pre>
 *
 * Writes OUT_DIR/req.1 .. OUT_DIR/req.PARTS (one per wrk thread, contiguous slices of the run), one
 * event per line: {@code index TAB unix-seconds TAB v1-hex TAB body}. Event {@code n} has the id
 * {@code evt_bench_RUN_ID_n}; {@code data.object} is a real Stripe object from FIXTURES (Stripe's
 * fixtures3.json; its "resources" map) with an id of its own, so each body is a distinct, realistic
 * 1-3 KB event. The body is compact JSON without newlines, which the line format relies on.
 *
 * Single file, JDK only (the source launcher runs it): no build step and no dependency to fetch.
 * The secret comes from the environment so that it does not show in the process list.
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
            System.err.println("usage: BENCH_SECRET=... java SignEvents.java FIXTURES RUN_ID COUNT PARTS OUT_DIR");
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
        Object root = new Json(Files.readString(fixtures)).parse();
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
            copy.put("id", new Raw("\"\u0000\""));
            json = Json.write(copy);
        } else {
            json = FALLBACK_OBJECT.replace("\"id\":\"x\"", "\"id\":\"\u0000\"");
        }
        int at = json.indexOf('\u0000');
        return new String[] {json.substring(0, at), json.substring(at + 1)};
    }

    /** A JSON fragment kept as written (numbers keep their exact text this way). */
    private record Raw(String text) {}

    /** Just enough JSON: parses into Map/List/String/Raw/Boolean/null and writes compact JSON back. */
    private static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object value = value();
            skipSpace();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{': {
                    i++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    skipSpace();
                    if (peek('}')) {
                        return map;
                    }
                    do {
                        skipSpace();
                        String key = string();
                        skipSpace();
                        expect(':');
                        map.put(key, value());
                        skipSpace();
                    } while (peek(','));
                    expect('}');
                    return map;
                }
                case '[': {
                    i++;
                    List<Object> list = new ArrayList<>();
                    skipSpace();
                    if (peek(']')) {
                        return list;
                    }
                    do {
                        list.add(value());
                        skipSpace();
                    } while (peek(','));
                    expect(']');
                    return list;
                }
                case '"':
                    return string();
                default: {
                    int start = i;
                    while (i < s.length() && "{}[],: \t\r\n".indexOf(s.charAt(i)) < 0) {
                        i++;
                    }
                    String word = s.substring(start, i);
                    switch (word) {
                        case "true": return Boolean.TRUE;
                        case "false": return Boolean.FALSE;
                        case "null": return null;
                        default:
                            if (!word.matches("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
                                throw error("bad token " + word);
                            }
                            return new Raw(word);
                    }
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (i >= s.length()) {
                    throw error("unterminated string");
                }
                char c = s.charAt(i++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> out.append(e); // \" \\ \/
                }
            }
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("fixtures JSON: " + what + " at offset " + i);
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out);
            return out.toString();
        }

        private static void write(Object value, StringBuilder out) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof Raw raw) {
                out.append(raw.text());
            } else if (value instanceof Boolean b) {
                out.append(b);
            } else if (value instanceof String str) {
                out.append('"');
                for (int k = 0; k < str.length(); k++) {
                    char c = str.charAt(k);
                    switch (c) {
                        case '"' -> out.append("\\\"");
                        case '\\' -> out.append("\\\\");
                        default -> {
                            // Escaping every control character also keeps the body on one line.
                            if (c < 0x20) {
                                out.append(String.format("\\u%04x", (int) c));
                            } else {
                                out.append(c);
                            }
                        }
                    }
                }
                out.append('"');
            } else if (value instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(entry.getKey(), out);
                    out.append(':');
                    write(entry.getValue(), out);
                }
                out.append('}');
            } else if (value instanceof List<?> list) {
                out.append('[');
                for (int k = 0; k < list.size(); k++) {
                    if (k > 0) {
                        out.append(',');
                    }
                    write(list.get(k), out);
                }
                out.append(']');
            } else {
                throw new IllegalStateException("cannot write " + value.getClass());
            }
        }
    }
}
