package com.koomy.api.memberships;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.memberships.MemberFieldCalls.FIELDS;
import static com.koomy.api.memberships.MemberFieldCalls.problems;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Member field values in the directory (issue 21): shown to owners and admins, filtered by field.<key>, one
 * CSV column per field. Directory pages are kept 60 s in memory here, so a read that shows a change proves
 * the cached page was dropped, not that it aged out.
 */
class MemberFieldsDirectoryIntegrationTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("cache.directoryLocalTtl", "60s"));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort()).checkingContract();
    private final MemberFieldCalls calls = new MemberFieldCalls(api, db);

    /**
     * A field made required after members joined is asked of them: their own membership lists it in
     * missingFields, and owners and admins find them with missingRequired=true (the cached page is dropped when
     * the definitions or a value change).
     */
    @Test
    void aFieldMadeRequiredLaterIsAskedOfTheMembersWhoLackIt() {
        User owner = api.user("Owner Missing Fields");
        User ann = api.user("Ann Missing Fields");
        User bob = api.user("Bob Missing Fields");
        UUID id = api.community(owner, "Missing Fields Club", "public", "open");
        Map<String, Object> level = MemberFieldCalls.field("level", "Level", "choice", List.of("Club", "Competition"), false, "members");
        Map<String, Object> licence = MemberFieldCalls.field("licence", "Licence", "text", null, false, "admins");
        assertThat(calls.put(id, owner, List.of(level, licence)).status()).isEqualTo(200);
        calls.join(id, ann, Map.of("licence", "A-1"));
        calls.join(id, bob, Map.of("level", "Club", "licence", "B-1"));
        String directory = "/api/communities/" + id + "/members";
        assertThat(names(directory + "?missingRequired=true", owner)).as("nothing required yet").isEmpty();
        assertThat(api.get("/api/communities/" + id + "/members/me", ann.token()).body().get("missingFields").size()).isZero();

        Map<String, Object> requiredLevel = new java.util.LinkedHashMap<>(level);
        requiredLevel.put("required", true);
        assertThat(calls.put(id, owner, List.of(requiredLevel, licence)).status()).isEqualTo(200);
        ApiReply mine = api.get("/api/communities/" + id + "/members/me", ann.token());
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.body().get("missingFields").toString()).isEqualTo("[\"level\"]");
        assertThat(mine.body().get("fields").toString()).as("the member's own values, every one").isEqualTo("{\"licence\":\"A-1\"}");
        assertThat(api.get("/api/communities/" + id + "/members/me", bob.token()).body().get("missingFields").size()).isZero();
        assertThat(names(directory + "?missingRequired=true", owner))
                .containsExactly("Ann Missing Fields", "Owner Missing Fields");
        assertThat(names(directory + "?missingRequired=false", owner)).containsExactly("Bob Missing Fields");
        assertThat(names(directory + "?missingRequired=true&q=ann", owner)).containsExactly("Ann Missing Fields");
        assertThat(api.get(directory + "?missingRequired=yes", owner.token()).code()).isEqualTo("invalid_missing_required");
        assertThat(api.get(directory + "?missingRequired=true", ann.token()).status()).isEqualTo(403);

        ApiReply filled = calls.patchMe(id, ann, Map.of("level", "Competition"));
        assertThat(filled.body().get("missingFields").size()).isZero();
        assertThat(names(directory + "?missingRequired=true", owner)).containsExactly("Owner Missing Fields");
        assertThat(api.get("/api/communities/" + id + "/members/me", api.user("Outsider Missing Fields").token()).status())
                .isEqualTo(404);
        assertThat(api.get("/api/communities/" + id + "/members/me", null).status()).isEqualTo(401);
    }

    @Test
    void theDirectoryShowsFiltersAndExportsTheValuesAndItsCachedPagesFollowChanges() throws Exception {
        User owner = api.user("Owner Directory Fields");
        User admin = api.user("Admin Directory Fields");
        User ann = api.user("Ann Directory Fields");
        User bob = api.user("Bob Directory Fields");
        User otherOwner = api.user("Other Directory Fields");
        UUID id = api.community(owner, "Directory Fields Club", "public", "open");
        api.community(otherOwner, "Other Directory Fields Club", "public", "open");
        calls.join(id, admin, null);
        api.call("PATCH", "/api/communities/" + id + "/members/" + admin.id(), owner.token(), Map.of("role", "admin"));
        assertThat(calls.put(id, owner, FIELDS).status()).isEqualTo(200);
        calls.join(id, ann, Map.of("licence", "A-1", "level", "Club", "emergency_phone", "+33612345678"));
        calls.join(id, bob, Map.of("licence", "=B-2", "level", "Competition", "birth_date", "1990-01-31"));

        String directory = "/api/communities/" + id + "/members";
        JsonNode items = api.get(directory, admin.token()).body().get("items");
        assertThat(byName(items, "Ann Directory Fields").get("fields").toString())
                .isEqualTo("{\"level\":\"Club\",\"licence\":\"A-1\",\"emergency_phone\":\"+33612345678\"}");
        assertThat(byName(items, "Owner Directory Fields").get("fields").toString()).isEqualTo("{}");

        assertThat(names(directory + "?field.level=Club", owner)).containsExactly("Ann Directory Fields");
        assertThat(names(directory + "?field.level=Competition&field.birth_date=1990-01-31", owner))
                .containsExactly("Bob Directory Fields");
        assertThat(names(directory + "?field.emergency_phone=%2B33%206%2012%2034%2056%2078", owner))
                .containsExactly("Ann Directory Fields");
        assertThat(names(directory + "?field.level=Club&status=active&q=ann", owner)).containsExactly("Ann Directory Fields");
        assertThat(problems(api.get(directory + "?field.shoe=42", owner.token()))).containsExactly("field.shoe");
        assertThat(problems(api.get(directory + "?field.birth_date=yesterday", owner.token()))).containsExactly("field.birth_date");
        assertThat(problems(api.get(directory + "?field.level=Club&field.level=Competition", owner.token())))
                .containsExactly("field.level");
        assertThat(api.get(directory + "?field.level=Club", ann.token()).status()).isEqualTo(403);
        assertThat(api.get(directory + "?field.level=Club", otherOwner.token()).status()).isEqualTo(404);
        assertThat(api.get(directory + "?field.level=Club", null).status()).isEqualTo(401);

        // Cached pages (60 s here) are dropped when values or definitions change.
        api.get(directory, owner.token());
        long hits = hits();
        api.get(directory, owner.token());
        assertThat(hits()).as("the page is served from memory").isEqualTo(hits + 1);
        assertThat(calls.patchMe(id, ann, Map.of("level", "Competition")).status()).isEqualTo(200);
        assertThat(byName(api.get(directory, owner.token()).body().get("items"), "Ann Directory Fields").at("/fields/level").asText())
                .isEqualTo("Competition");
        assertThat(calls.put(id, owner, List.of(FIELDS.get(0), FIELDS.get(1))).status()).isEqualTo(200);
        assertThat(byName(api.get(directory, owner.token()).body().get("items"), "Ann Directory Fields").get("fields").toString())
                .isEqualTo("{\"level\":\"Competition\",\"licence\":\"A-1\"}");

        String[] lines = csv(directory + "/export.csv", owner).split("\r\n");
        assertThat(lines[0]).isEqualTo("\"name\",\"email\",\"role\",\"status\",\"dues_paid_until\",\"joined_at\",\"Licence number\",\"Level\"");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\"Bob Directory Fields\",\"" + bob.email() + "\",\"member\",\"active\",\"\",")
                .endsWith(",\"'=B-2\",\"Competition\""));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\"Owner Directory Fields\",").endsWith(",\"\",\"\""));
        assertThat(lines).hasSize(5);
    }

    private static JsonNode byName(JsonNode items, String name) {
        for (JsonNode item : items) {
            if (item.get("name").asText().equals(name)) {
                return item;
            }
        }
        throw new AssertionError(name + " not in " + items);
    }

    private List<String> names(String path, User caller) {
        ApiReply page = api.get(path, caller.token());
        assertThat(page.status()).as(path + " " + page.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        page.body().get("items").forEach(item -> names.add(item.get("name").asText()));
        return names;
    }

    private String csv(String path, User caller) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.getLocalPort() + path))
                .header("Authorization", "Bearer " + caller.token()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static long hits() {
        MetricRegistry metrics = app.getEnvironment().metrics();
        return metrics.meter("koomy.cache.directory-local.hits").getCount();
    }
}
