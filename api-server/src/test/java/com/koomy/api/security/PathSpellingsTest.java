package com.koomy.api.security;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.security.OpenApiExamples.Operation;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every protected route of the served OpenAPI document (a new route is covered the day it is documented),
 * under every spelling of its path an attacker would try (a matrix parameter on each segment, {@code %3B},
 * {@code %2F}, {@code %2e}, {@code //}, {@code /./}, {@code /x/../}, trailing {@code ;} and {@code /}, upper-
 * and lower-case escapes of a letter, a {@code ?} in the middle), sent signed out, as a plain member and as a
 * member of another community: never a 2xx, only 400, 401, 403 or 404, and no table changes. What each caller
 * must be refused comes from the route's declared access ({@code x-koomy-access}), which the server enforces
 * after matching the route, whatever the spelling (issue 17: {@code GET /api/ops;x=1/outbox} answered 200).
 */
class PathSpellingsTest {

    private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 404);
    /** Levels above a plain member's, and above a member of another community's. */
    private static final Set<String> ABOVE_MEMBER = Set.of("door-staff", "manager", "owner", "operator");
    private static final Set<String> ABOVE_OUTSIDER = Set.of("member", "door-staff", "manager", "owner", "operator");

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = AuthorizationWorld.app(db,
            ConfigOverride.config("opsToken", "ops-token-spellings-" + UUID.randomUUID()));

    private static AuthorizationWorld world;
    private static List<Operation> operations;

    @BeforeAll
    static void world() {
        world = new AuthorizationWorld(new ApiCalls(() -> app.getLocalPort()), db.jdbi());
        operations = OpenApiExamples.operations(world.document);
    }

    /** The spellings of {@code path} that a server must not read as another, unchecked, route. */
    static List<String> spellings(String path) {
        Set<String> out = new LinkedHashSet<>();
        String[] segments = path.substring(1).split("/");
        for (int i = 0; i < segments.length; i++) {
            out.add(with(segments, i, segments[i] + ";x=1"));
            out.add(with(segments, i, segments[i] + ";"));
            out.add(with(segments, i, segments[i] + "%3Bx=1"));
            out.add(with(segments, i, segments[i] + "%3bx=1"));
            out.add(with(segments, i, segments[i] + "/"));            // an empty segment: //
            out.add(with(segments, i, segments[i] + "/."));           // /./
            out.add(with(segments, i, segments[i] + "/%2e"));
            out.add(with(segments, i, segments[i] + "/%2E"));
            out.add(with(segments, i, segments[i] + "/x/.."));        // /x/../
            out.add(with(segments, i, segments[i] + "/x/%2e%2e"));
            out.add(with(segments, i, ";x=1/" + segments[i]));
            if (i + 1 < segments.length) {
                out.add(join(segments, 0, i + 1) + "%2F" + join(segments, i + 1, segments.length).substring(1));
                out.add(join(segments, 0, i + 1) + "%2f" + join(segments, i + 1, segments.length).substring(1));
            }
            if (!segments[i].isEmpty() && Character.isLetter(segments[i].charAt(0))) {
                String hex = Integer.toHexString(segments[i].charAt(0));
                out.add(with(segments, i, "%" + hex.toUpperCase(Locale.ROOT) + segments[i].substring(1)));
                out.add(with(segments, i, "%" + hex + segments[i].substring(1)));
            }
        }
        out.add(path + "/");
        out.add(path + ";");
        out.add(path + ";x=1");
        out.add(path + "%3B");
        out.add(path + "/.");
        out.add("/" + path);
        out.remove(path);
        return new ArrayList<>(out);
    }

    /** {@code path} with a {@code ?} after each of its segments but the last: the rest becomes a query. */
    static List<String> questionMarks(String path) {
        List<String> out = new ArrayList<>();
        String[] segments = path.substring(1).split("/");
        for (int i = 1; i < segments.length; i++) {
            out.add(join(segments, 0, i) + "?" + join(segments, i, segments.length));
        }
        return out;
    }

    private static String with(String[] segments, int index, String replacement) {
        String[] copy = segments.clone();
        copy[index] = replacement;
        return join(copy, 0, copy.length);
    }

    private static String join(String[] segments, int from, int to) {
        StringBuilder out = new StringBuilder();
        for (int i = from; i < to; i++) {
            out.append('/').append(segments[i]);
        }
        return out.toString();
    }

    @Test
    void theSpellingsAreMany() {
        assertThat(spellings("/api/ops/outbox")).contains("/api;x=1/ops/outbox", "/api/ops;x=1/outbox",
                "/api/ops%3Bx=1/outbox", "/api%2Fops/outbox", "/api//ops/outbox", "/api/./ops/outbox",
                "/api/%2e/ops/outbox", "/api/ops/outbox;", "/api/ops/outbox/", "/api/%6Fps/outbox", "/api/%6fps/outbox",
                "/api/x/../ops/outbox");
        assertThat(questionMarks("/api/ops/outbox")).containsExactly("/api?/ops/outbox", "/api/ops?/outbox");
    }

    @Test
    void noSpellingOfAProtectedRouteIsServedToSomeoneItRefusesAndNothingChanges() {
        List<Operation> protectedOps = operations.stream()
                .filter(op -> !op.spec().path("x-koomy-access").asText().equals("anyone")).toList();
        assertThat(protectedOps).as("protected operations in the document").hasSizeGreaterThan(60);
        List<java.util.regex.Pattern> templates = operations.stream()
                .map(op -> java.util.regex.Pattern.compile(op.path().replaceAll("\\{\\w+}", "[^/]+"))).toList();
        Map<String, String> before = TableDigests.of(db.jdbi());
        List<String> served = new ArrayList<>();
        int requests = 0;
        for (Operation op : protectedOps) {
            String access = op.spec().path("x-koomy-access").asText();
            List<String> callers = new ArrayList<>();
            callers.add(null);
            if (ABOVE_MEMBER.contains(access)) {
                callers.add(world.member.token());
            }
            if (ABOVE_OUTSIDER.contains(access)) {
                callers.add(world.outsider.token());
            }
            String path = world.path(op);
            List<String> paths = new ArrayList<>(spellings(path));
            // With a "?" the rest is a query string: the request is for the route before it, if it is one.
            questionMarks(path).stream().filter(p -> templates.stream()
                    .noneMatch(t -> t.matcher(p.substring(0, p.indexOf('?'))).matches())).forEach(paths::add);
            paths.add(path);
            for (String caller : callers) {
                for (String spelled : paths) {
                    ApiReply reply = world.call(op, spelled, caller);
                    requests++;
                    if (!REFUSALS.contains(reply.status())) {
                        served.add(op.key() + " as " + who(caller) + " at " + spelled + " -> " + reply.status());
                    }
                }
            }
        }
        assertThat(requests).isGreaterThan(5_000);
        assertThat(served).as("spellings answered with something else than 400/401/403/404, of %d requests", requests)
                .isEmpty();
        assertThat(TableDigests.of(db.jdbi())).as("the database after every refused spelling").isEqualTo(before);
    }

    private static String who(String token) {
        return token == null ? "anonymous" : token.equals(world.member.token()) ? "plain member" : "member of another community";
    }
}
