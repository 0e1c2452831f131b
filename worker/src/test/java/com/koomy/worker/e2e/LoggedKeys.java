package com.koomy.worker.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.koomy.testing.SendGridStub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The {@code custom_args.koomy_key} of each request a SendGrid stub logged (the email's idempotency key). */
final class LoggedKeys {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** custom_args.koomy_key by WireMock request id: newsletter bodies are large, parse each once. */
    private final Map<UUID, String> keys = new ConcurrentHashMap<>();

    String key(LoggedRequest request) {
        return keys.computeIfAbsent(request.getId(), id -> {
            try {
                return JSON.readTree(request.getBodyAsString()).at("/custom_args/koomy_key").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** How many requests the stub received for each koomy_key. */
    Map<String, Long> received(List<LoggedRequest> requests) {
        return requests.stream().collect(Collectors.groupingBy(this::key, TreeMap::new, Collectors.counting()));
    }

    /** The koomy_keys of the newsletter batches the stub received, in order. */
    List<String> newsletterRequests(SendGridStub sendgrid) {
        return sendgrid.requests().stream().map(this::key).filter(k -> k.startsWith("newsletter:")).toList();
    }

    /** The highest {@code custom_args.koomy_attempt} the stub received for each key. */
    Map<String, Integer> lastAttempts(List<LoggedRequest> requests) throws IOException {
        Map<String, Integer> last = new HashMap<>();
        for (LoggedRequest request : requests) {
            last.merge(key(request), JSON.readTree(request.getBodyAsString()).at("/custom_args/koomy_attempt").asInt(), Math::max);
        }
        return last;
    }

    /** When the stub logged the first request for {@code key}. */
    Instant firstArrival(List<LoggedRequest> requests, String key) {
        return requests.stream().filter(r -> key.equals(key(r))).map(r -> r.getLoggedDate().toInstant()).findFirst().orElseThrow();
    }
}
