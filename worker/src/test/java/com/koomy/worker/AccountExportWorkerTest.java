package com.koomy.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.accounts.AccountExport;
import com.koomy.accounts.AccountExports;
import com.koomy.accounts.BuildAccountExport;
import com.koomy.accounts.BuildAccountExportJob;
import com.koomy.testing.TestDatabase;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The worker wiring of "export my data": the outbox kind {@code account_export} becomes the archive job. */
class AccountExportWorkerTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.on(db);

    @Test
    void anExportIsBuiltByTheWorkerAndDownloadsOnce() throws Exception {
        UUID me = UUID.randomUUID();
        UUID someoneElse = UUID.randomUUID();
        UUID community = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'Ada Export', 'x')", me, me + "@example.org");
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'Not Me', 'x')", someoneElse,
                    someoneElse + "@example.org");
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Chess Club', ?)", community, "club-" + community);
            h.execute("INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'member', 'active')", community, me);
            h.execute("INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'owner', 'active')", community,
                    someoneElse);
            h.execute("INSERT INTO newsletter_unsubscribes (community_id, email) VALUES (?, ?)", community, me + "@example.org");
        });
        // The API's side.
        AccountExports exports = new AccountExports(db.jdbi(), "https://app.koomy.test", Clock.systemUTC());
        AccountExport export = exports.request(me);
        assertThat(export.status()).isEqualTo("pending");

        await().atMost(Duration.ofSeconds(60)).until(() -> exports.status(me, export.id()).export().status().equals("ready"));
        // A second run of the job changes nothing.
        new BuildAccountExportJob(db.jdbi()).run(new BuildAccountExport(export.id()));

        AccountExports.Status first = exports.status(me, export.id());
        AccountExports.Status second = exports.status(me, export.id());
        assertThat(exports.download(export.id(), token(first.downloadUrl()))).as("replaced by a newer link").isEmpty();
        JsonNode archive = new ObjectMapper().readTree(exports.download(export.id(), token(second.downloadUrl())).orElseThrow());
        assertThat(archive.at("/profile/email").asText()).isEqualTo(me + "@example.org");
        assertThat(archive.at("/memberships/0/communityName").asText()).isEqualTo("Chess Club");
        assertThat(archive.get("memberships")).hasSize(1);
        assertThat(archive.at("/consents/newsletterUnsubscribes/0/communityId").asText()).isEqualTo(community.toString());
        assertThat(archive.toString()).doesNotContain(someoneElse.toString()).doesNotContain("password_hash").doesNotContain("\"x\"");
        assertThat(archive.has("payments") && archive.has("tickets") && archive.has("emailsSentToMe")).isTrue();

        assertThat(exports.download(export.id(), token(second.downloadUrl()))).as("downloaded once").isEmpty();
        assertThat(exports.status(me, export.id()).export().status()).isEqualTo("downloaded");
        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT archive::text FROM account_exports WHERE id = :id")
                .bind("id", export.id()).mapTo(String.class).one());
        assertThat(stored).as("erased once downloaded").isNull();
    }

    private static String token(String url) {
        return URLDecoder.decode(url.substring(url.indexOf("token=") + 6), StandardCharsets.UTF_8);
    }
}
