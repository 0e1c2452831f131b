package com.koomy.api.news;

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

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Without OPENAI_API_KEY, asking for a draft is 503 and stores nothing. */
class NewsDraftsNotConfiguredTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db, ConfigOverride.config("openai.apiKey", ""));

    private final ApiCalls api = new ApiCalls(() -> app.getLocalPort());

    private static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void askingForADraftIs503NamingTheKeyAndStoresNothing() {
        User owner = api.user("Owner Unconfigured");
        UUID club = api.community(owner, "Unconfigured Club", "public", "open");

        ApiReply refused = api.call("POST", "/api/communities/" + club + "/news/drafts", owner.token(), Map.of("brief", "Hello"));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("ai_not_configured");
        assertThat(refused.error().message()).contains("OPENAI_API_KEY");
        assertThat(count("SELECT count(*) FROM content_drafts")).isZero();
        assertThat(count("SELECT count(*) FROM outbox WHERE kind = 'content_draft'")).isZero();
        // A plain outsider learns nothing, configured or not.
        User outsider = api.user("Outsider Unconfigured");
        assertThat(api.call("POST", "/api/communities/" + club + "/news/drafts", outsider.token(), Map.of("brief", "Hello"))
                .status()).isEqualTo(404);
    }
}
