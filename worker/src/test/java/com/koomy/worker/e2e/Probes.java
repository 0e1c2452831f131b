package com.koomy.worker.e2e;

import com.koomy.testing.ApiHttp;
import com.koomy.testing.ApiReply;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Requests asked again and again during a chaos scenario (a page, a health check, a signed-in call), each
 * answer recorded with when it was asked, its status (0: no answer) and how long it took: the scenarios'
 * verdicts count them per time window.
 */
final class Probes implements AutoCloseable {

    record Answer(long ms, String name, int status, long latencyMs) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(4);
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();

    /** Asks {@code call} every {@code period} (after the previous answer) until closed. */
    Probes every(String name, Duration period, IntSupplier call) {
        threads.scheduleWithFixedDelay(() -> {
            long start = System.currentTimeMillis();
            int status;
            try {
                status = call.getAsInt();
            } catch (RuntimeException noAnswer) {
                status = 0;
            }
            answers.add(new Answer(start, name, status, System.currentTimeMillis() - start));
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2)).build();

    /** The status of a GET of {@code url}, 0 when it did not answer within 5 s (as ops/chaos's curl probes). */
    static int get(String url) {
        try {
            return HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The status of an API call, 0 when it did not answer. */
    static int status(int apiPort, String method, String path, String token, Object body) {
        try {
            return ApiHttp.call(apiPort, method, path, token, body).status();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Answers of probe {@code name} asked in [fromMs, toMs). */
    List<Answer> of(String name, long fromMs, long toMs) {
        return answers.stream().filter(a -> a.name().equals(name) && a.ms() >= fromMs && a.ms() < toMs).toList();
    }

    /** When probe {@code name} was first answered 2xx at or after {@code fromMs}; 0: never. */
    long firstOk(String name, long fromMs) {
        return answers.stream().filter(a -> a.name().equals(name) && a.ms() >= fromMs && a.ok())
                .mapToLong(Answer::ms).min().orElse(0);
    }

    /** Non-2xx answers of any probe asked after {@code fromMs}. */
    long badAfter(long fromMs) {
        return answers.stream().filter(a -> a.ms() > fromMs && !a.ok()).count();
    }

    /** The non-2xx answers asked after {@code fromMs}, by probe and status ("health 503 x2, worker 0 x1"; "none"). */
    String badSummaryAfter(long fromMs) {
        java.util.Map<String, Long> byKind = answers.stream().filter(a -> a.ms() > fromMs && !a.ok())
                .collect(java.util.stream.Collectors.groupingBy(a -> a.name() + " " + a.status(), java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()));
        return byKind.isEmpty() ? "none" : byKind.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** "n: 2xx a, 503 b, 401 c, other d". */
    static String summary(List<Answer> answers) {
        long ok = answers.stream().filter(Answer::ok).count();
        long unavailable = answers.stream().filter(a -> a.status() == 503).count();
        long unauthorized = answers.stream().filter(a -> a.status() == 401).count();
        return answers.size() + ": 2xx " + ok + ", 503 " + unavailable + ", 401 " + unauthorized + ", other "
                + (answers.size() - ok - unavailable - unauthorized);
    }

    /** The median latency of the answers (0 for none). */
    static long median(List<Answer> answers) {
        List<Long> sorted = answers.stream().map(Answer::latencyMs).sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get((sorted.size() - 1) / 2);
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(20, TimeUnit.SECONDS);
    }
}
