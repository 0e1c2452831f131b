package com.koomy.api.memberships;

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

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Without KOOMY_CARD_KEY_SECRET the card routes say what is missing; nothing else is affected. */
class MembershipCardNotConfiguredTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, ConfigOverride.config("cardKeySecret", ""));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    @Test
    void cardsAnswer503NamingTheVariable() {
        User owner = api.user("Owner Unconfigured");
        UUID id = api.community(owner, "Unconfigured Club", "public", "open");
        ApiReply card = api.get("/api/communities/" + id + "/members/me/card", owner.token());
        assertThat(card.status()).isEqualTo(503);
        assertThat(card.code()).isEqualTo("card_keys_not_configured");
        assertThat(card.error().message()).contains("KOOMY_CARD_KEY_SECRET");
        assertThat(api.get("/api/communities/" + id + "/public-key", null).status()).isEqualTo(503);
        assertThat(api.get("/api/communities/" + UUID.randomUUID() + "/public-key", null).status()).isEqualTo(404);
    }
}
