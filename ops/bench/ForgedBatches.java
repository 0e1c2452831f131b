import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The abuser of ops/bench/checkin --forged: posts forged 1,000-code offline batches to
 * {@code POST /api/events/{id}/checkins/batch} as fast as the API's limits allow (one connection, the next
 * batch as soon as an answer comes, waiting Retry-After after a 429), and reads the API process's CPU time
 * from /proc around the posting loop.
 *
 * <pre>
 *   java ops/bench/ForgedBatches.java API_URL EVENT_ID PUBLIC_KEY_HEX API_PID SECONDS [greedy] < token
 * </pre>
 *
 * The codes look like the community's (its key id, the event, a valid window) with well-formed Ed25519
 * signatures made by a throwaway key: the API parses each one and runs the full signature check, which fails.
 * {@code greedy}: ignore Retry-After (the next batch at once after a 429), as an abuser would.
 * Prints {@code BENCH key value} lines: requests, statuses, codes sent, API CPU seconds, wall seconds.
 */
public class ForgedBatches {

    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            throw new IllegalArgumentException("usage: ForgedBatches API_URL EVENT_ID PUBLIC_KEY_HEX API_PID SECONDS < token");
        }
        String api = args[0];
        String event = UUID.fromString(args[1]).toString();
        byte[] publicKey = HexFormat.of().parseHex(args[2]);
        Path apiStat = Path.of("/proc", args[3], "stat");
        long seconds = Long.parseLong(args[4]);
        boolean greedy = args.length == 6 && "greedy".equals(args[5]);
        String token = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
        long hz = Long.parseLong(System.getenv().getOrDefault("BENCH_HZ", "100"));

        String keyId = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(publicKey), 8));
        PrivateKey forger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
        Signature signer = Signature.getInstance("Ed25519");
        long from = Instant.now().minusSeconds(3600).getEpochSecond();
        long until = Instant.now().plusSeconds(86_400).getEpochSecond();
        String scannedAt = Instant.now().minusSeconds(60).toString();
        List<byte[]> bodies = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            StringBuilder json = new StringBuilder("{\"scans\":[");
            for (int i = 0; i < 1000; i++) {
                String payload = "koomy-ticket:v1:" + keyId + ":" + UUID.randomUUID() + ":" + event + ":1:" + from + ":" + until;
                signer.initSign(forger);
                signer.update(payload.getBytes(StandardCharsets.UTF_8));
                String qr = payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
                json.append(i == 0 ? "" : ",").append("{\"qr\":\"").append(qr).append("\",\"scanId\":\"forged-")
                        .append(b).append('-').append(i).append("\",\"gate\":\"gate-x\",\"scannedAt\":\"").append(scannedAt)
                        .append("\"}");
            }
            bodies.add(json.append("]}").toString().getBytes(StandardCharsets.UTF_8));
        }

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(api + "/api/events/" + event + "/checkins/batch");
        TreeMap<String, Integer> statuses = new TreeMap<>();
        long requests = 0;
        long waitedMs = 0;
        long cpuBefore = cpuTicks(apiStat);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get((int) (requests % bodies.size())))).build();
            HttpResponse<String> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException closed) {
                // A refusal before the body was read closes the connection (Jetty does not drain 300 KB): the
                // client learns it on its next send on that connection; count it and go on with a new one.
                requests++;
                statuses.merge("closed", 1, Integer::sum);
                continue;
            }
            requests++;
            String code = codeOf(response.body());
            statuses.merge(response.statusCode() + (code.isEmpty() ? "" : ":" + code), 1, Integer::sum);
            if (!greedy && (response.statusCode() == 429 || response.statusCode() == 503)) {
                long wait = 1000L * response.headers().firstValueAsLong("Retry-After").orElse(1);
                wait = Math.min(wait, Math.max(0, (end - System.nanoTime()) / 1_000_000));
                waitedMs += wait;
                Thread.sleep(wait);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        long cpuAfter = cpuTicks(apiStat);
        double cpu = (cpuAfter - cpuBefore) / (double) hz;
        System.out.printf("BENCH requests %d%n", requests);
        System.out.printf("BENCH statuses %s%n", statuses.toString().replace(" ", ""));
        System.out.printf("BENCH body_bytes %d%n", bodies.get(0).length);
        System.out.printf("BENCH waited_s %.1f%n", waitedMs / 1000.0);
        System.out.printf("BENCH wall_s %.2f%n", wall);
        System.out.printf("BENCH api_cpu_s %.2f%n", cpu);
        System.out.printf("BENCH api_core_pct %.1f%n", 100 * cpu / wall);
    }

    /** utime + stime of the process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(Path stat) throws Exception {
        String line = Files.readString(stat);
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    private static String codeOf(String body) {
        int i = body == null ? -1 : body.indexOf("\"code\":\"");
        if (i < 0) {
            return "";
        }
        int j = body.indexOf('"', i + 8);
        return j < 0 ? "" : body.substring(i + 8, j);
    }
}
