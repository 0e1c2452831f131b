package com.koomy.api.news;

import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.api.payments.PaymentsRoutes;
import com.koomy.communities.Communities;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link NewsDraftsResource} alone, as {@link NewsRoutes} registers it, without an OpenAI key: the request's
 * checks and access, and that nothing is stored when no model can write the draft.
 */
class NewsDraftsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(NewsDraftsResource.class,
            t -> NewsRoutes.register(t.app(), new PaymentsRoutes(t.app()).limits()));

    @Test
    void aDraftRequestIsCheckedThenRefused503WithoutAKeyAndNothingIsStored() {
        ApiCalls.User owner = api.account("Announcer");
        ApiCalls.User member = api.account("Listener");
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Radio associative", null, "public", "open", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE));
        String drafts = "/api/communities/" + id + "/news/drafts";
        long stored = api.count("content_drafts");

        api.anonymous().post(drafts, Map.of("brief", "la kermesse")).assertError(401, "unauthorized");
        api.as(member).post(drafts, Map.of("brief", "la kermesse")).assertError(403, "forbidden");
        api.as(api.account("Outsider")).post(drafts, Map.of("brief", "x")).assertError(404, "community_not_found");
        assertFields(api.as(owner).post(drafts, Map.of("language", "fr")), "validation_failed", "brief");
        assertFields(api.as(owner).post(drafts, Map.of("brief", 12)), "validation_failed", "brief");
        assertFields(api.as(owner).post(drafts, Map.of("brief", "la kermesse", "model", "gpt-5")), "unknown_field", "model");
        api.as(owner).send("POST", drafts, "null").assertError(400, "validation_failed");
        api.as(owner).post(drafts, Map.of("brief", "la kermesse", "language", "fr")).assertError(503, "ai_not_configured");
        assertThat(api.count("content_drafts")).isEqualTo(stored);

        api.as(owner).get(drafts + "/" + UUID.randomUUID()).assertError(404, "draft_not_found");
        api.as(member).get(drafts + "/" + UUID.randomUUID()).assertError(403, "forbidden");
        api.anonymous().get(drafts + "/" + UUID.randomUUID()).assertError(401, "unauthorized");
    }
}
