import java.io.BufferedWriter;
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
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Sends Stripe events pre-signed by {@code ops/bench/SignEvents.java} to the webhook endpoint, the
 * way Stripe does: at a given rate, and (optionally) again later for every event that was not
 * answered 2xx, until a deadline. Every attempt is written down, so the chaos scenarios know exactly
 * which events the API said it accepted and can check the database for each of them.
 *
 * <pre>
 *   java ops/chaos-tools/Send.java URL REQ_DIR OUT_FILE RATE CONCURRENCY RETRY_EVERY_S RETRY_UNTIL_EPOCH_S
 * </pre>
 *
 * REQ_DIR holds SignEvents' req.N files ({@code index TAB t TAB v1 TAB body} per line). RATE is events
 * per second (0: as fast as CONCURRENCY allows). RETRY_EVERY_S 0 sends each event once. OUT_FILE gets
 * one line per attempt: {@code index TAB attempt TAB status TAB sent-epoch-ms TAB answered-epoch-ms},
 * status 0 for no answer (connection refused, reset, timeout after 10 s). Ends with a summary line on
 * stdout. Loopback only: the caller checks the URL. Single file, JDK only (the source launcher runs it).
 */
public class Send {

    record Event(int index, String signature, String body) {}

    public static void main(String[] args) throws Exception {
        if (args.length != 7) {
            System.err.println("usage: java Send.java URL REQ_DIR OUT_FILE RATE CONCURRENCY RETRY_EVERY_S RETRY_UNTIL_EPOCH_S");
            System.exit(64);
        }
        URI url = URI.create(args[0]);
        Path dir = Path.of(args[1]);
        Path outFile = Path.of(args[2]);
        double rate = Double.parseDouble(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        long retryEvery = Long.parseLong(args[5]);
        long retryUntilMs = Long.parseLong(args[6]) * 1000;

        List<Event> events = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(p -> p.getFileName().toString().startsWith("req.")).sorted().toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] f = line.split("\t", 4);
                    events.add(new Event(Integer.parseInt(f[0]), "t=" + f[1] + ",v1=" + f[2], f[3]));
                }
            }
        }
        events.sort((a, b) -> Integer.compare(a.index(), b.index()));

        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3))
                .build();
        Semaphore inFlight = new Semaphore(concurrency);
        ConcurrentHashMap<Integer, Integer> lastStatus = new ConcurrentHashMap<>();
        AtomicInteger attempts = new AtomicInteger();

        try (BufferedWriter out = Files.newBufferedWriter(outFile, StandardCharsets.UTF_8)) {
            List<Event> todo = events;
            int attempt = 1;
            while (true) {
                long start = System.nanoTime();
                int i = 0;
                for (Event event : todo) {
                    if (rate > 0) {
                        long due = start + (long) (i / rate * 1e9);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                    }
                    i++;
                    inFlight.acquire();
                    attempts.incrementAndGet();
                    long sent = System.currentTimeMillis();
                    int thisAttempt = attempt;
                    HttpRequest request = HttpRequest.newBuilder(url)
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks) koomy-chaos")
                            .header("Stripe-Signature", event.signature())
                            .POST(HttpRequest.BodyPublishers.ofString(event.body()))
                            .build();
                    client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                            .handle((response, error) -> {
                                int status = response == null ? 0 : response.statusCode();
                                lastStatus.put(event.index(), status);
                                String line = event.index() + "\t" + thisAttempt + "\t" + status + "\t" + sent + "\t"
                                        + System.currentTimeMillis();
                                synchronized (out) {
                                    try {
                                        out.write(line);
                                        out.newLine();
                                    } catch (IOException e) {
                                        throw new RuntimeException(e);
                                    }
                                }
                                inFlight.release();
                                return null;
                            });
                }
                inFlight.acquire(concurrency);
                inFlight.release(concurrency);
                synchronized (out) {
                    out.flush();
                }
                List<Event> failed = events.stream()
                        .filter(e -> { int s = lastStatus.getOrDefault(e.index(), 0); return s < 200 || s > 299; })
                        .toList();
                if (failed.isEmpty() || retryEvery <= 0
                        || System.currentTimeMillis() + retryEvery * 1000 > retryUntilMs) {
                    long ok = events.size() - failed.size();
                    System.out.printf("sent %d events in %d attempts: %d answered 2xx, %d not%n",
                            events.size(), attempts.get(), ok, failed.size());
                    return;
                }
                TimeUnit.SECONDS.sleep(retryEvery);
                todo = failed;
                attempt++;
            }
        }
    }
}
