package com.koomy.api.memberships;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.memberships.MemberFields;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link MemberFieldsResource} alone: its validation, its access rules and what it answers. */
class MemberFieldsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.of(t -> new MemberFieldsResource(
            new MemberFields(t.jdbi(), new CommunitiesRoutes(t.app()).communities())));

    private static Map<String, Object> field(String key, String type, Object... more) {
        Map<String, Object> field = new HashMap<>(Map.of("key", key, "label", "The " + key, "type", type));
        for (int i = 0; i + 1 < more.length; i += 2) {
            field.put((String) more[i], more[i + 1]);
        }
        return field;
    }

    private static ApiReply replace(ResourceCommunity club, ApiCalls.User caller, Object... fields) {
        return api.as(caller).put("/api/communities/" + club.id() + "/member-fields", Map.of("fields", List.of(fields)));
    }

    private static long fieldsOf(ResourceCommunity club) {
        return api.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM member_fields WHERE community_id = :c")
                .bind("c", club.id()).mapTo(Long.class).one());
    }

    @Test
    void replaceAnswersTheFieldsAsStoredInOrderWithTheirDefaults() {
        ResourceCommunity club = ResourceCommunity.create(api, "Profile club");

        ApiReply replaced = replace(club, club.owner(), field("phone", "phone", "required", true),
                field("size", "choice", "choices", List.of("S", "M"), "visibility", "members"));

        assertThat(replaced.status()).isEqualTo(200);
        JsonNode fields = replaced.body().get("fields");
        assertThat(fields).hasSize(2);
        assertThat(fields.get(0).get("key").asText()).isEqualTo("phone");
        assertThat(fields.get(0).get("label").asText()).isEqualTo("The phone");
        assertThat(fields.get(0).get("required").asBoolean()).isTrue();
        assertThat(fields.get(0).get("visibility").asText()).isEqualTo("admins");
        assertThat(fields.get(1).get("choices")).hasSize(2);
        assertThat(fields.get(1).get("required").asBoolean()).isFalse();
        assertThat(fieldsOf(club)).isEqualTo(2);
        assertThat(api.as(club.member("Reader")).get("/api/communities/" + club.id() + "/member-fields").body().get("fields"))
                .isEqualTo(fields);
    }

    @Test
    void replaceRefusesBadDefinitionsNamingEachAndStoresNothing() {
        ResourceCommunity club = ResourceCommunity.create(api, "Picky club");
        replace(club, club.owner(), field("kept", "text"));

        assertFields(replace(club, club.owner(), field("Bad Key", "text")), "validation_failed", "fields[0].key");
        assertFields(replace(club, club.owner(), field("a", "text"), field("a", "date")), "validation_failed", "fields[1].key");
        assertFields(replace(club, club.owner(), field("b", "colour")), "validation_failed", "fields[0].type");
        assertFields(replace(club, club.owner(), field("c", "text", "label", "l".repeat(101))), "validation_failed",
                "fields[0].label");
        assertFields(replace(club, club.owner(), field("d", "text", "visibility", "all")), "validation_failed",
                "fields[0].visibility");
        assertFields(replace(club, club.owner(), field("e", "text", "hint", "x")), "unknown_field", "fields[0].hint");
        assertFields(api.as(club.owner()).put("/api/communities/" + club.id() + "/member-fields", Map.of()),
                "validation_failed", "fields");
        assertFields(api.as(club.owner()).put("/api/communities/" + club.id() + "/member-fields", Map.of("fields", "all")),
                "validation_failed", "fields");

        assertThat(fieldsOf(club)).isEqualTo(1);
    }

    @Test
    void onlyManagersReplaceAndOnlyMembersReadTheirOwn() {
        ResourceCommunity club = ResourceCommunity.create(api, "Closed club", "private", "approval");
        ApiCalls.User member = club.member("Member");
        String fields = "/api/communities/" + club.id() + "/member-fields";

        api.anonymous().put(fields, Map.of("fields", List.of())).assertError(401, "unauthorized");
        replace(club, member, field("x", "text")).assertError(403, "forbidden");
        assertThat(replace(club, api.account("Stranger"), field("x", "text")).status()).isEqualTo(404);
        assertThat(api.as(api.account("Outsider")).get(fields).status()).isEqualTo(404);
        api.anonymous().get(fields).assertError(401, "unauthorized");
        api.anonymous().get("/api/communities/" + club.id() + "/members/me").assertError(401, "unauthorized");
        assertThat(api.as(api.account("Nobody")).get("/api/communities/" + club.id() + "/members/me").status()).isEqualTo(404);
        assertThat(fieldsOf(club)).isZero();
    }

    @Test
    void myFieldsAreWrittenKeyByKeyAndCheckedAgainstTheDefinitions() {
        ResourceCommunity club = ResourceCommunity.create(api, "Filling club");
        replace(club, club.owner(), field("phone", "phone", "required", true), field("size", "choice", "choices", List.of("S", "M")));
        ApiCalls.User member = club.member("Filler");
        String me = "/api/communities/" + club.id() + "/members/me";

        JsonNode before = api.as(member).get(me).body();
        assertThat(before.get("accountId").asText()).isEqualTo(member.id().toString());
        assertThat(before.get("role").asText()).isEqualTo("member");
        assertThat(before.get("status").asText()).isEqualTo("active");
        assertThat(before.get("missingFields")).hasSize(1);
        assertThat(before.get("missingFields").get(0).asText()).isEqualTo("phone");

        JsonNode after = api.as(member).patch(me, Map.of("fields", Map.of("phone", "+33 6 12 34 56 78"))).body();
        assertThat(after.get("fields").get("phone").asText()).isEqualTo("+33612345678");
        assertThat(after.get("missingFields")).isEmpty();

        assertFields(api.as(member).patch(me, Map.of("fields", Map.of("size", "XL"))), "validation_failed", "fields.size");
        assertFields(api.as(member).patch(me, Map.of("fields", Map.of("shoe", "42"))), "validation_failed", "fields.shoe");
        assertFields(api.as(member).patch(me, Map.of("fields", Map.of("phone", ""))), "validation_failed", "fields.phone");
        assertFields(api.as(member).patch(me, Map.of("fields", Map.of("size", 3))), "validation_failed", "fields.size");
        assertFields(api.as(member).patch(me, Map.of("values", Map.of())), "unknown_field", "values");
        JsonNode unchanged = api.as(member).get(me).body().get("fields");
        assertThat(unchanged.get("phone").asText()).isEqualTo("+33612345678");
        assertThat(unchanged.has("size")).isFalse();
        assertThat(api.as(member).get("/api/communities/" + UUID.randomUUID() + "/members/me").status()).isEqualTo(404);
    }
}
