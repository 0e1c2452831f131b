package com.koomy.api.newsletters;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.communities.Communities;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link NewslettersResource} alone, as {@link NewslettersRoutes} registers it: drafts created, read, changed, listed. */
class NewslettersResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(NewslettersResource.class,
            t -> NewslettersRoutes.register(t.app(), new PaymentsRoutes(t.app()).limits()));

    private static final Map<String, Object> ISSUE = Map.of("subject", "La lettre de mars", "body", "Bonjour à tous",
            "locale", "fr", "segment", "all");

    /** The newsletters path of a community of {@code owner} where {@code member} is an active member. */
    private static String lettersOf(ApiCalls.User owner, ApiCalls.User member) {
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Maison des jeunes", null, "public", "open", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE));
        return "/api/communities/" + id + "/newsletters";
    }

    @Test
    void aDraftIsCreated201AndReadBackAsItWasWritten() {
        ApiCalls.User owner = api.account("Editor");
        String letters = lettersOf(owner, api.account("Reader"));

        ApiReply created = api.as(owner).post(letters, ISSUE);

        assertThat(created.status()).isEqualTo(201);
        JsonNode draft = created.body();
        assertThat(draft.get("status").asText()).isEqualTo("draft");
        assertThat(draft.get("subject").asText()).isEqualTo("La lettre de mars");
        assertThat(draft.get("body").asText()).isEqualTo("Bonjour à tous");
        assertThat(draft.get("segment").asText()).isEqualTo("all");
        JsonNode read = api.as(owner).get(letters + "/" + draft.get("id").asText()).body();
        assertThat(read.get("id").asText()).isEqualTo(draft.get("id").asText());
        assertThat(read.get("subject").asText()).isEqualTo("La lettre de mars");
        JsonNode listed = api.as(owner).get(letters + "?limit=5").body().get("items");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(draft.get("id").asText());
    }

    @Test
    void aBadDraftIsRefusedNamingTheFieldAndNothingIsStored() {
        ApiCalls.User owner = api.account("Careless");
        String letters = lettersOf(owner, api.account("Anyone"));
        long newsletters = api.count("newsletters");

        assertFields(draft(owner, letters, "subject", "s".repeat(201)), "validation_failed", "subject");
        assertFields(draft(owner, letters, "subject", "nul\u0000"), "validation_failed", "subject");
        assertFields(draft(owner, letters, "locale", "de"), "validation_failed", "locale");
        assertFields(draft(owner, letters, "segment", "everyone"), "validation_failed", "segment");
        assertFields(draft(owner, letters, "eventId", "tomorrow"), "validation_failed", "eventId");
        assertFields(draft(owner, letters, "segment", 3), "validation_failed", "segment");
        assertFields(draft(owner, letters, "sendAt", "2030-01-01T00:00:00Z"), "unknown_field", "sendAt");
        assertFields(draft(owner, letters, "subject", null), "invalid_subject", "subject");
        api.as(owner).send("POST", letters, "null").assertError(400, "validation_failed");
        assertThat(api.count("newsletters")).isEqualTo(newsletters);
    }

    @Test
    void newslettersAreForManagersAndAnUnknownOneIs404() {
        ApiCalls.User owner = api.account("Publisher");
        ApiCalls.User member = api.account("Subscriber");
        String letters = lettersOf(owner, member);
        long newsletters = api.count("newsletters");

        api.anonymous().post(letters, ISSUE).assertError(401, "unauthorized");
        api.as(member).post(letters, ISSUE).assertError(403, "forbidden");
        api.as(member).get(letters).assertError(403, "forbidden");
        api.as(api.account("Stranger")).get(letters).assertError(404, "community_not_found");
        assertThat(api.count("newsletters")).isEqualTo(newsletters);
        api.as(owner).get(letters + "/" + UUID.randomUUID()).assertError(404, "newsletter_not_found");
        api.as(owner).patch(letters + "/" + UUID.randomUUID(), Map.of("subject", "x")).assertError(404, "newsletter_not_found");
        assertFields(api.as(owner).get(letters + "?limit=0"), "invalid_limit", "limit");
        assertFields(api.as(owner).get(letters + "?cursor=%25%25"), "invalid_cursor", "cursor");
    }

    @Test
    void aChangeKeepsTheFieldsNotSentAndIsValidatedLikeACreation() {
        ApiCalls.User owner = api.account("Reviser");
        String letters = lettersOf(owner, api.account("Audience"));
        String draft = letters + "/" + api.as(owner).post(letters, ISSUE).body().get("id").asText();

        assertFields(api.as(owner).patch(draft, Map.of("locale", "it")), "validation_failed", "locale");
        assertFields(api.as(owner).patch(draft, Map.of("status", "sent")), "unknown_field", "status");
        JsonNode changed = api.as(owner).patch(draft, Map.of("subject", "La lettre d'avril")).body();
        assertThat(changed.get("subject").asText()).isEqualTo("La lettre d'avril");
        assertThat(changed.get("body").asText()).isEqualTo("Bonjour à tous");
        assertThat(changed.get("locale").asText()).isEqualTo("fr");
    }

    private static ApiReply draft(ApiCalls.User owner, String letters, String field, Object value) {
        Map<String, Object> body = new HashMap<>(ISSUE);
        body.put(field, value);
        return api.as(owner).post(letters, body);
    }
}
