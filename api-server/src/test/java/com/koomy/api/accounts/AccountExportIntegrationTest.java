package com.koomy.api.accounts;

import com.koomy.accounts.BuildAccountExport;
import com.koomy.accounts.BuildAccountExportJob;
import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestStack;
import io.dropwizard.testing.ConfigOverride;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** "Export my data" through the HTTP API; the archive is built by the worker's job (run here as the worker runs it). */
class AccountExportIntegrationTest {

    @RegisterExtension
    static TestStack<ApiConfiguration> stack = ApiTestApp.stack(ConfigOverride.config("publicUrl", "https://app.koomy.test"));

    private final ApiCalls api = new ApiCalls(() -> stack.app.getLocalPort());

    @Test
    void anExportIsAskedForPolledAndDownloadedOnceByItsOwnerOnly() {
        User ada = api.user("Ada Exporter");
        User eve = api.user("Eve Curious");
        UUID community = api.community(ada, "Ada's Chess Club", "public", "open");

        ApiReply asked = api.call("POST", "/api/me/export", ada.token(), null);
        assertThat(asked.status()).isEqualTo(202);
        assertThat(asked.body().get("status").asText()).isEqualTo("pending");
        String id = asked.body().get("id").asText();
        ApiReply pending = api.get("/api/me/export/" + id, ada.token());
        assertThat(pending.body().get("status").asText()).isEqualTo("pending");
        assertThat(pending.body().path("downloadUrl").isNull() || pending.body().path("downloadUrl").isMissingNode()).isTrue();
        // The outbox row the worker routes to BuildAccountExportJob.
        int outboxRows = stack.db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM outbox WHERE kind = 'account_export' AND ref = :id")
                .bind("id", id).mapTo(Integer.class).one());
        assertThat(outboxRows).isEqualTo(1);
        new BuildAccountExportJob(stack.db.jdbi()).run(new BuildAccountExport(UUID.fromString(id)));

        ApiReply foreign = api.get("/api/me/export/" + id, eve.token());
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.code()).isEqualTo("export_not_found");
        assertThat(api.get("/api/me/export/not-a-uuid", ada.token()).status()).isEqualTo(404);

        ApiReply ready = api.get("/api/me/export/" + id, ada.token());
        assertThat(ready.body().get("status").asText()).isEqualTo("ready");
        String url = ready.body().get("downloadUrl").asText();
        assertThat(url).startsWith("https://app.koomy.test/api/account-exports/" + id + "/download?token=");
        String path = url.substring("https://app.koomy.test".length());

        ApiReply wrong = api.get("/api/account-exports/" + id + "/download?token=guessed", null);
        assertThat(wrong.status()).isEqualTo(404);
        assertThat(wrong.code()).isEqualTo("export_link_invalid");
        ApiReply archive = api.get(path, null);
        assertThat(archive.status()).isEqualTo(200);
        assertThat(archive.header("Content-Disposition").orElseThrow()).startsWith("attachment;");
        assertThat(archive.header("Cache-Control").orElseThrow()).isEqualTo("no-store");
        assertThat(archive.body().at("/profile/email").asText()).isEqualTo(ada.email());
        assertThat(archive.body().at("/memberships/0/communityId").asText()).isEqualTo(community.toString());
        assertThat(archive.body().at("/memberships/0/role").asText()).isEqualTo("owner");
        assertThat(archive.body().at("/memberships/0/fields").isObject()).as("member field values (issue 21)").isTrue();
        assertThat(archive.body().at("/membershipRequests").isArray()).isTrue();
        assertThat(archive.body().get("emailsSentToMe").toString()).contains("email_verification");
        assertThat(archive.body().toString()).doesNotContain(eve.email()).doesNotContain("argon2");

        ApiReply again = api.get(path, null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(api.get("/api/me/export/" + id, ada.token()).body().get("status").asText()).isEqualTo("downloaded");
    }
}
