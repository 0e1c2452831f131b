import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator of ops/bench/media (JDK only, run with the source launcher). Signs in (registering
 * the bench account once), creates a community and enough news posts (20 images each), makes N
 * distinct ~2 MiB photos (a phone-like JPEG with GPS EXIF, a different mark on each), fires them all
 * at once as news images (N concurrent HTTP/1.1 connections; a 503 media_busy is retried after its
 * Retry-After, and the latency counts from the first attempt), then polls the posts' image lists until
 * every image has its thumbnail. Prints key=value lines for the shell script.
 *
 *   java MediaBench.java BASE_URL UPLOADS PHOTO_BYTES LABEL
 */
public class MediaBench {

    static final String EMAIL = "bench-media-owner@bench.koomy.test";
    static final String PASSWORD = "bench-media-password-1";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int uploads = Integer.parseInt(args[1]);
        int photoBytes = Integer.parseInt(args[2]);
        String label = args.length > 3 ? args[3] : "run";

        String token = signIn(base);
        String community = field(call(base, "POST", "/api/communities", token,
                "{\"name\":\"Bench media " + label + " " + System.nanoTime() + "\",\"visibility\":\"public\",\"joinPolicy\":\"open\"}", 201), "id");
        int posts = (uploads + 19) / 20;
        List<String> postIds = new ArrayList<>();
        for (int p = 0; p < posts; p++) {
            postIds.add(field(call(base, "POST", "/api/communities/" + community + "/news", token,
                    "{\"title\":\"Bench post " + p + "\"}", 201), "id"));
        }

        long t0 = System.nanoTime();
        List<byte[]> photos = MediaPhotos.photos(uploads, photoBytes);
        long made = System.nanoTime();
        long total = photos.stream().mapToLong(b -> b.length).sum();
        System.out.printf("photos=%d avg_bytes=%d generate_s=%.1f%n", uploads, total / uploads, (made - t0) / 1e9);

        CountDownLatch start = new CountDownLatch(1);
        long[] latencyNanos = new long[uploads];
        int[] status = new int[uploads];
        String[] codes = new String[uploads];
        int[] retries = new int[uploads];
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long[] startedAt = new long[1];
        for (int i = 0; i < uploads; i++) {
            int n = i;
            String path = "/api/communities/" + community + "/news/" + postIds.get(n / 20) + "/images";
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(300))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(photos.get(n))).build();
            all.add(CompletableFuture.runAsync(() -> {
                try {
                    start.await();
                    long s = System.nanoTime();
                    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    // 503 media_busy is the API's backpressure: retry after Retry-After, as a client app would.
                    while (response.statusCode() == 503 && retries[n] < 30) {
                        retries[n]++;
                        Thread.sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("5")));
                        response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                    }
                    latencyNanos[n] = System.nanoTime() - s;
                    status[n] = response.statusCode();
                    if (response.statusCode() != 201) {
                        codes[n] = code(response.body());
                    }
                } catch (Throwable e) {
                    latencyNanos[n] = -1;
                    status[n] = -1;
                    codes[n] = e.getClass().getSimpleName();
                }
            }, java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "upload-" + n);
                t.setDaemon(true);
                return t;
            })));
        }
        Thread.sleep(500); // every thread parked on the latch
        startedAt[0] = System.nanoTime();
        start.countDown();
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).join();
        long uploaded = System.nanoTime();

        Map<String, Integer> outcomes = new TreeMap<>();
        int ok = 0;
        for (int i = 0; i < uploads; i++) {
            String key = status[i] == 201 ? "201" : status[i] + (codes[i] == null ? "" : ":" + codes[i]);
            outcomes.merge(key, 1, Integer::sum);
            if (status[i] == 201) {
                ok++;
            }
        }
        long[] sorted = Arrays.stream(latencyNanos).filter(l -> l >= 0).sorted().toArray();
        double seconds = (uploaded - startedAt[0]) / 1e9;
        int retried = (int) Arrays.stream(retries).filter(r -> r > 0).count();
        System.out.printf("uploads_ok=%d uploads_total=%d outcomes=%s retried_after_503=%d (retries %d)%n", ok, uploads,
                outcomes, retried, Arrays.stream(retries).sum());
        System.out.printf("upload_wall_s=%.2f uploads_per_s=%.1f mib_per_s=%.1f%n", seconds, ok / seconds,
                total / 1048576.0 / seconds);
        System.out.printf("latency_ms p50=%.0f p90=%.0f p99=%.0f max=%.0f%n", pct(sorted, 50), pct(sorted, 90),
                pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);

        // Until every stored image has its thumbnail (the worker's job), polled 4 times a second.
        long deadline = System.nanoTime() + Duration.ofSeconds(600).toNanos();
        int ready = 0;
        while (System.nanoTime() < deadline) {
            ready = 0;
            for (String post : postIds) {
                String list = call(base, "GET", "/api/communities/" + community + "/news/" + post + "/images", token, null, 200);
                ready += count(list, "\"thumb\":\\{");
            }
            if (ready >= ok) {
                break;
            }
            Thread.sleep(250);
        }
        long thumbs = System.nanoTime();
        System.out.printf("thumbnails_ready=%d of %d all_thumbnails_s=%.2f (from the first upload's start) after_last_upload_s=%.2f%n",
                ready, ok, (thumbs - startedAt[0]) / 1e9, (thumbs - uploaded) / 1e9);
        System.exit(ok == uploads && ready >= ok ? 0 : 3);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    static String signIn(String base) throws Exception {
        HttpResponse<String> registered = send(base, "POST", "/api/auth/register", null,
                "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\",\"name\":\"Bench Media\",\"locale\":\"en\"}");
        if (registered.statusCode() != 201 && registered.statusCode() != 409) {
            throw new IllegalStateException("register: " + registered.statusCode() + " " + registered.body());
        }
        return field(call(base, "POST", "/api/auth/login", null,
                "{\"email\":\"" + EMAIL + "\",\"password\":\"" + PASSWORD + "\"}", 200), "token");
    }

    static String call(String base, String method, String path, String token, String json, int expected) throws Exception {
        HttpResponse<String> response = send(base, method, path, token, json);
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    static HttpResponse<String> send(String base, String method, String path, String token, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    static String code(String json) {
        Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([^\"]+)\"").matcher(json == null ? "" : json);
        return m.find() ? m.group(1) : "?";
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
