package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.memberships.MemberFieldCalls.FIELDS;
import static com.koomy.api.memberships.MemberFieldCalls.field;
import static com.koomy.api.memberships.MemberFieldCalls.mapOf;
import static com.koomy.api.memberships.MemberFieldCalls.problems;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Member fields through the HTTP API (issue 21): definitions (GET, PUT) and values, given when joining and
 * through PATCH .../members/me. The directory and the export: {@link MemberFieldsDirectoryIntegrationTest}.
 */
class MemberFieldsIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = ApiTestApp.stack();

    private final ApiCalls api = new ApiCalls(() -> stack.app.getLocalPort()).checkingContract();
    private final MemberFieldCalls calls = new MemberFieldCalls(api, stack.db);

    /**
     * visibility: members are the values fellow members see where members see each other (GET .../members/fellows):
     * active members by name, no email, no admins-only value; the owners' and admins' directory shows every value;
     * the member reads and changes all of their own values.
     */
    @Test
    void fellowMembersSeeOnlyTheValuesVisibleToMembers() {
        User owner = api.user("Owner Fellows");
        User ann = api.user("Ann Fellows");
        User bob = api.user("Bob Fellows");
        User pat = api.user("Pat Fellows");
        UUID id = api.community(owner, "Fellows Club", "public", "open");
        assertThat(calls.put(id, owner, FIELDS).status()).isEqualTo(200);
        calls.join(id, ann, Map.of("licence", "A-1", "level", "Club", "emergency_phone", "+33612345678"));
        calls.join(id, bob, Map.of("licence", "B-2", "level", "Competition", "birth_date", "1990-01-31"));
        assertThat(api.call("PATCH", "/api/communities/" + id, owner.token(), Map.of("joinPolicy", "approval")).status())
                .isEqualTo(200);
        calls.join(id, pat, Map.of("licence", "P-3", "level", "Club"));

        String fellows = "/api/communities/" + id + "/members/fellows";
        ApiReply seen = api.get(fellows, bob.token());
        assertThat(seen.status()).isEqualTo(200);
        List<String> shown = new ArrayList<>();
        seen.body().get("items").forEach(i -> shown.add(i.get("name").asText() + " " + i.get("role").asText() + " "
                + i.get("fields")));
        assertThat(shown).as("active members only, members-visible values only").containsExactly(
                "Ann Fellows member {\"level\":\"Club\"}", "Bob Fellows member {\"level\":\"Competition\"}",
                "Owner Fellows owner {}");
        assertThat(seen.body().at("/items/0").has("email")).isFalse();
        assertThat(seen.body().toString()).doesNotContain("A-1", "+33612345678", "1990-01-31", ann.email());
        JsonNode directory = api.get("/api/communities/" + id + "/members?q=ann", owner.token()).body();
        assertThat(directory.at("/items/0/fields").toString()).as("owners and admins see every value")
                .isEqualTo("{\"level\":\"Club\",\"licence\":\"A-1\",\"emergency_phone\":\"+33612345678\"}");
        assertThat(api.get("/api/communities/" + id + "/members/me", ann.token()).body().get("fields").toString())
                .as("the member sees all of their own").isEqualTo("{\"level\":\"Club\",\"licence\":\"A-1\",\"emergency_phone\":\"+33612345678\"}");

        List<String> paged = new ArrayList<>();
        ApiReply first = api.get(fellows + "?limit=2", ann.token());
        first.body().get("items").forEach(i -> paged.add(i.get("name").asText()));
        api.get(fellows + "?limit=2&cursor=" + first.body().get("nextCursor").asText(), ann.token()).body().get("items")
                .forEach(i -> paged.add(i.get("name").asText()));
        assertThat(paged).containsExactly("Ann Fellows", "Bob Fellows", "Owner Fellows");
        assertThat(api.get(fellows + "?q=bob", ann.token()).body().at("/items/0/name").asText()).isEqualTo("Bob Fellows");
        assertThat(api.get(fellows + "?q=" + bob.email().substring(0, bob.email().indexOf('@')), ann.token())
                .body().get("items").size()).as("no search by email").isZero();

        // Making a field visible to members shows it to them at once; a pending member, a stranger and nobody see nothing.
        List<Map<String, Object>> shared = new ArrayList<>(FIELDS);
        shared.set(0, MemberFieldCalls.field("licence", "Licence number", "text", null, true, "members"));
        assertThat(calls.put(id, owner, shared).status()).isEqualTo(200);
        assertThat(api.get(fellows + "?q=ann", bob.token()).body().at("/items/0/fields").toString())
                .isEqualTo("{\"level\":\"Club\",\"licence\":\"A-1\"}");
        assertThat(api.get(fellows, pat.token()).status()).as("pending").isEqualTo(404);
        assertThat(api.get(fellows, api.user("Stranger Fellows").token()).status()).isEqualTo(404);
        assertThat(api.get(fellows, null).status()).isEqualTo(401);
        assertThat(api.get(fellows + "?limit=0", ann.token()).status()).isEqualTo(400);
    }

    @Test
    void ownersAndAdminsDefineTheFieldsEveryMemberReadsThem() {
        User owner = api.user("Owner Fields");
        User admin = api.user("Admin Fields");
        User member = api.user("Member Fields");
        User stranger = api.user("Stranger Fields");
        User otherOwner = api.user("Other Owner Fields");
        UUID id = api.community(owner, "Fields Club", "public", "open");
        UUID hidden = api.community(owner, "Hidden Fields Club", "private", "open");
        api.community(otherOwner, "Other Fields Club", "public", "open");
        calls.join(id, admin, null);
        calls.join(id, member, null);
        api.call("PATCH", "/api/communities/" + id + "/members/" + admin.id(), owner.token(), Map.of("role", "admin"));

        assertThat(calls.get(id, owner).body().get("fields").size()).isZero();
        ApiReply replaced = calls.put(id, admin, FIELDS);
        assertThat(replaced.status()).isEqualTo(200);
        JsonNode level = replaced.body().at("/fields/1");
        assertThat(level.get("key").asText()).isEqualTo("level");
        assertThat(level.get("choices").toString()).isEqualTo("[\"Beginner\",\"Club\",\"Competition\"]");
        assertThat(level.get("visibility").asText()).isEqualTo("members");
        assertThat(replaced.body().at("/fields/0/required").asBoolean()).isTrue();
        // Defaults: not required, visible to admins.
        assertThat(calls.put(hidden, owner, List.of(field("note", "  Note  ", "text", null, null, null))).body().at("/fields/0").toString())
                .isEqualTo("{\"key\":\"note\",\"label\":\"Note\",\"type\":\"text\",\"choices\":[],\"required\":false,\"visibility\":\"admins\"}");

        String definitions = calls.get(id, owner).body().toString();
        assertThat(calls.get(id, member).body().toString()).isEqualTo(definitions);
        assertThat(calls.get(id, stranger).status()).as("public community: to fill them when joining").isEqualTo(200);
        assertThat(calls.get(hidden, stranger).status()).isEqualTo(404);
        assertThat(calls.get(UUID.randomUUID(), owner).status()).isEqualTo(404);
        assertThat(calls.get(id, null).status()).isEqualTo(401);

        List<Map<String, Object>> one = List.of(field("x", "X", "text", null, false, null));
        assertThat(calls.put(id, member, one).status()).isEqualTo(403);
        assertThat(calls.put(id, stranger, one).status()).isEqualTo(404);
        assertThat(calls.put(id, otherOwner, one).status()).as("another community's owner").isEqualTo(404);
        assertThat(calls.put(id, null, one).status()).isEqualTo(401);
        assertThat(calls.get(id, owner).body().toString()).as("nothing changed by the refusals").isEqualTo(definitions);
    }

    @Test
    void everyBadDefinitionIsNamedAndNothingChanges() {
        User owner = api.user("Owner Bad Fields");
        UUID id = api.community(owner, "Bad Fields Club", "public", "open");
        assertThat(calls.put(id, owner, FIELDS).status()).isEqualTo(200);
        String before = calls.get(id, owner).body().toString();

        List<Map<String, Object>> bad = List.of(
                field("Bad Key", "Label", "text", null, false, null),
                field("dup", "", "text", null, false, null),
                field("dup", "x".repeat(101), "colour", null, false, null),
                field("pick", "Pick", "choice", List.of(), false, null),
                field("pick_twice", "Pick", "choice", List.of("A", "A"), false, null),
                field("note", "Note", "text", List.of("A"), false, "everyone"));
        assertThat(problems(calls.put(id, owner, bad))).containsExactlyInAnyOrder("fields[0].key", "fields[1].label", "fields[2].key",
                "fields[2].label", "fields[2].type", "fields[3].choices", "fields[4].choices", "fields[5].choices",
                "fields[5].visibility");
        List<Map<String, Object>> many = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            many.add(field("f" + i, "F" + i, "text", null, false, null));
        }
        assertThat(problems(calls.put(id, owner, many))).containsExactly("fields");
        assertThat(problems(calls.put(id, owner, "{\"fields\": [{\"key\": \"a\", \"label\": 5, \"type\": \"text\"}]}")))
                .containsExactly("fields[0].label");
        assertThat(problems(calls.put(id, owner, "{\"fields\": [{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"required\": \"yes\"}]}")))
                .containsExactly("fields[0].required");
        assertThat(problems(calls.put(id, owner, "{\"fields\": \"licence\"}"))).containsExactly("fields");
        assertThat(problems(calls.put(id, owner, "{\"fields\": null}"))).containsExactly("fields");
        ApiReply unknown = calls.put(id, owner, "{\"fields\": [], \"communityId\": \"" + UUID.randomUUID() + "\"}");
        assertThat(unknown.code()).isEqualTo("unknown_field");
        assertThat(calls.put(id, owner, "{\"fields\": [{\"key\": \"a\", \"label\": \"A\", \"type\": \"text\", \"secret\": 1}]}").code())
                .isEqualTo("unknown_field");
        assertThat(calls.put(id, owner, "{\"fields\": [").code()).isEqualTo("invalid_json");
        assertThat(calls.get(id, owner).body().toString()).isEqualTo(before);
    }

    @Test
    void membersFillTheirValuesWhenJoiningAndLater() {
        User owner = api.user("Owner Values");
        User ann = api.user("Ann Values");
        User bob = api.user("Bob Values");
        User stranger = api.user("Stranger Values");
        UUID id = api.community(owner, "Values Club", "public", "open");
        assertThat(calls.put(id, owner, FIELDS).status()).isEqualTo(200);

        assertThat(problems(calls.join(id, ann, null))).containsExactly("fields.licence");
        assertThat(problems(calls.join(id, ann, Map.of("licence", " ")))).containsExactly("fields.licence");
        assertThat(problems(calls.join(id, ann, Map.of("licence", "L-1", "level", "Expert", "birth_date", "2001-02-30",
                "emergency_phone", "06 12 34 56 78", "shoe_size", "42"))))
                .containsExactlyInAnyOrder("fields.level", "fields.birth_date", "fields.emergency_phone", "fields.shoe_size");
        assertThat(problems(calls.join(id, ann, Map.of("licence", "x".repeat(501))))).containsExactly("fields.licence");
        assertThat(problems(calls.join(id, ann, Map.of("licence", 42)))).containsExactly("fields.licence");
        assertThat(calls.stored(id, ann)).as("nothing created by a refused join").isEqualTo("none");

        ApiReply joined = calls.join(id, ann, Map.of("licence", " L-2026-17 ", "level", "Club", "birth_date", "2001-02-28",
                "emergency_phone", "+33 6 12-34.56 (78)"));
        assertThat(joined.status()).isEqualTo(201);
        assertThat(calls.stored(id, ann)).isEqualTo("active {\"level\": \"Club\", \"licence\": \"L-2026-17\", "
                + "\"birth_date\": \"2001-02-28\", \"emergency_phone\": \"+33612345678\"}");
        assertThat(calls.join(id, bob, Map.of("licence", "B-1")).status()).isEqualTo(201);

        ApiReply changed = calls.patchMe(id, ann, Map.of("level", "Competition", "birth_date", ""));
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.body().get("fields").toString())
                .isEqualTo("{\"level\":\"Competition\",\"licence\":\"L-2026-17\",\"emergency_phone\":\"+33612345678\"}");
        assertThat(changed.body().get("status").asText()).isEqualTo("active");
        String after = calls.stored(id, ann);
        assertThat(problems(calls.patchMe(id, ann, mapOf("licence", null)))).as("null is not text").containsExactly("fields.licence");
        assertThat(problems(calls.patchMe(id, ann, Map.of("licence", "")))).containsExactly("fields.licence");
        assertThat(problems(calls.patchMe(id, ann, Map.of("birth_date", "28/02/2001", "level", "club", "nope", "1"))))
                .containsExactlyInAnyOrder("fields.birth_date", "fields.level", "fields.nope");
        assertThat(problems(calls.patchMe(id, ann, Map.of("emergency_phone", "+0 12")))).containsExactly("fields.emergency_phone");
        assertThat(problems(calls.patchMe(id, ann, "{\"fields\": {\"level\": [\"Club\"]}}"))).containsExactly("fields.level");
        assertThat(calls.patchMe(id, ann, "{\"fields\": {}, \"role\": \"owner\"}").code()).isEqualTo("unknown_field");
        assertThat(calls.patchMe(id, stranger, Map.of("level", "Club")).status()).isEqualTo(404);
        assertThat(calls.patchMe(UUID.randomUUID(), ann, Map.of("level", "Club")).status()).isEqualTo(404);
        assertThat(calls.patchMe(id, null, Map.of("level", "Club")).status()).isEqualTo(401);
        assertThat(calls.stored(id, ann)).as("nothing changed by the refusals").isEqualTo(after);
        assertThat(calls.stored(id, stranger)).isEqualTo("none");

        // Replacing the definitions: kept keys keep their values (a relabelled one too), removed keys lose theirs.
        List<Map<String, Object>> next = List.of(
                field("licence", "Licence no.", "text", null, true, "admins"),
                field("level", "Level", "choice", List.of("Club", "Competition", "Veteran"), false, "members"),
                field("tshirt", "T-shirt", "choice", List.of("S", "M", "L"), false, "admins"));
        assertThat(calls.put(id, owner, next).status()).isEqualTo(200);
        assertThat(calls.stored(id, ann)).isEqualTo("active {\"level\": \"Competition\", \"licence\": \"L-2026-17\"}");
        assertThat(calls.stored(id, bob)).isEqualTo("active {\"licence\": \"B-1\"}");
        // A kept key changes its type only while nobody holds a value for it.
        List<Map<String, Object>> retyped = List.of(field("licence", "Licence", "date", null, true, null),
                field("tshirt", "T-shirt", "text", null, false, null));
        assertThat(problems(calls.put(id, owner, retyped))).containsExactly("fields[0].type");
        assertThat(calls.stored(id, ann)).isEqualTo("active {\"level\": \"Competition\", \"licence\": \"L-2026-17\"}");
        assertThat(calls.put(id, owner, List.of(next.get(0), next.get(1),
                field("tshirt", "T-shirt size", "text", null, false, null))).status()).isEqualTo(200);
    }
}
