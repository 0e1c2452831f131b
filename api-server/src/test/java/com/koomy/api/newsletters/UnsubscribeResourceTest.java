package com.koomy.api.newsletters;

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

import java.util.Map;
import java.util.UUID;

import static com.koomy.api.ResourceTests.assertFields;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link UnsubscribeResource} alone, as {@link NewslettersRoutes} registers it: a member's newsletter setting. */
class UnsubscribeResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(UnsubscribeResource.class,
            t -> NewslettersRoutes.register(t.app(), new PaymentsRoutes(t.app()).limits()));

    @Test
    void aMemberTurnsNewslettersOffAndTheSettingIsReadBack() {
        ApiCalls.User owner = api.account("Sender");
        ApiCalls.User member = api.account("Recipient");
        UUID id = new CommunitiesRoutes(api.app()).communities().create(owner.id(),
                new Communities.NewCommunity("Club photo", null, "public", "open", "fr", null)).id();
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, member.id(), Membership.MEMBER, Membership.ACTIVE));
        String path = "/api/me/communities/" + id + "/subscriptions";

        ApiReply before = api.as(member).get(path);
        assertThat(before.status()).isEqualTo(200);
        assertThat(before.body().get("communityId").asText()).isEqualTo(id.toString());
        assertThat(before.body().get("newsletters").asBoolean()).isTrue();

        api.anonymous().put(path, Map.of("newsletters", false)).assertError(401, "unauthorized");
        assertFields(api.as(member).put(path, Map.of()), "validation_failed", "newsletters");
        assertFields(api.as(member).put(path, Map.of("newsletters", "nope")), "validation_failed", "newsletters");
        assertFields(api.as(member).put(path, Map.of("newsletters", false, "events", false)), "unknown_field", "events");
        assertThat(api.as(member).get(path).body().get("newsletters").asBoolean()).isTrue();

        assertThat(api.as(member).put(path, Map.of("newsletters", false)).body().get("newsletters").asBoolean()).isFalse();
        assertThat(api.as(member).get(path).body().get("newsletters").asBoolean()).isFalse();
        assertThat(api.as(owner).get(path).body().get("newsletters").asBoolean()).isTrue();
        api.anonymous().get(path).assertError(401, "unauthorized");
    }
}
