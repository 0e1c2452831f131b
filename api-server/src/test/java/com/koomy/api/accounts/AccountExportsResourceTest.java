package com.koomy.api.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.accounts.AccountExportDao;
import com.koomy.api.ApiCalls;
import com.koomy.api.ResourceTests;
import com.koomy.testing.ApiReply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link AccountExportsResource} alone, as {@link AccountsRoutes} registers it: ask, poll, download once. */
class AccountExportsResourceTest {

    @RegisterExtension
    static ResourceTests api = ResourceTests.registered(AccountExportsResource.class,
            t -> t.accounts().register(t.app(), t.limiter()));

    @Test
    void askingAndPollingNeedASession() {
        api.anonymous().post("/api/me/export", null).assertError(401, "unauthorized");
        api.anonymous().get("/api/me/export/" + UUID.randomUUID()).assertError(401, "unauthorized");
        api.operator().post("/api/me/export", null).assertError(401, "unauthorized");
    }

    @Test
    void askingAnswers202WithThePendingExportAndTheSameOneWhileItIsPending() {
        ApiCalls.User user = api.account("Exporter");

        ApiReply asked = api.as(user).post("/api/me/export", null);
        assertThat(asked.status()).isEqualTo(202);
        JsonNode export = asked.body();
        assertThat(export.get("status").asText()).isEqualTo("pending");
        assertThat(export.get("requestedAt").isTextual()).isTrue();
        assertThat(export.get("downloadUrl").isNull()).isTrue();
        assertThat(export.get("readyAt").isNull()).isTrue();

        assertThat(api.as(user).post("/api/me/export", null).body().get("id")).isEqualTo(export.get("id"));
        JsonNode polled = api.as(user).get("/api/me/export/" + export.get("id").asText()).body();
        assertThat(polled.get("status").asText()).isEqualTo("pending");
        assertThat(polled.get("downloadUrl").isNull()).isTrue();
    }

    @Test
    void anotherAccountsExportOrAnUnknownIdIs404() {
        ApiCalls.User owner = api.account("Owner");
        ApiCalls.User other = api.account("Other");
        String id = api.as(owner).post("/api/me/export", null).body().get("id").asText();

        api.as(other).get("/api/me/export/" + id).assertError(404, "export_not_found");
        api.as(owner).get("/api/me/export/" + UUID.randomUUID()).assertError(404, "export_not_found");
        api.as(owner).get("/api/me/export/not-a-uuid").assertError(404, "export_not_found");
    }

    @Test
    void aReadyExportIsDownloadedOnceWithItsLinkAsAnUncachedAttachment() {
        ApiCalls.User user = api.account("Downloader");
        UUID id = UUID.fromString(api.as(user).post("/api/me/export", null).body().get("id").asText());
        api.jdbi().useExtension(AccountExportDao.class, dao -> dao.build(id)); // the worker's step

        JsonNode ready = api.as(user).get("/api/me/export/" + id).body();
        assertThat(ready.get("status").asText()).isEqualTo("ready");
        assertThat(ready.get("readyAt").isTextual()).isTrue();
        assertThat(ready.get("linkExpiresAt").isTextual()).isTrue();
        URI link = URI.create(ready.get("downloadUrl").asText());
        assertThat(link.getPath()).isEqualTo("/api/account-exports/" + id + "/download");
        String path = link.getPath() + "?" + link.getRawQuery();

        ApiReply archive = api.anonymous().get(path);
        assertThat(archive.status()).isEqualTo(200);
        assertThat(archive.header("Content-Disposition")).hasValue("attachment; filename=\"koomy-export-" + id + ".json\"");
        assertThat(archive.header("Cache-Control")).hasValue("no-store");
        assertThat(archive.body().toString()).contains(user.email());

        api.anonymous().get(path).assertError(404, "export_link_invalid");
        assertThat(api.as(user).get("/api/me/export/" + id).body().get("status").asText()).isEqualTo("downloaded");
    }

    @Test
    void aWrongLinkIs404AlikeWhateverIsWrongInIt() {
        ApiCalls.User user = api.account("Guesser");
        UUID id = UUID.fromString(api.as(user).post("/api/me/export", null).body().get("id").asText());
        api.jdbi().useExtension(AccountExportDao.class, dao -> dao.build(id));
        api.as(user).get("/api/me/export/" + id); // mints a link whose token the guesses below do not know

        api.anonymous().get("/api/account-exports/" + id + "/download?token=guess").assertError(404, "export_link_invalid");
        api.anonymous().get("/api/account-exports/" + id + "/download").assertError(404, "export_link_invalid");
        api.anonymous().get("/api/account-exports/not-a-uuid/download?token=x").assertError(404, "export_link_invalid");
        api.anonymous().get("/api/account-exports/" + id + "/download?token=" + "t".repeat(101))
                .assertError(404, "export_link_invalid");
        assertThat(api.as(user).get("/api/me/export/" + id).body().get("status").asText()).isEqualTo("ready");
    }
}
