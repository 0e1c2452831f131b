package com.koomy.worker;

import com.koomy.config.MediaFactory;
import com.koomy.media.CollectOrphanMedia;
import com.koomy.media.CommunityMedia;
import com.koomy.media.Media;
import com.koomy.media.MediaBlobs;
import com.koomy.media.MediaDao;
import com.koomy.media.MediaTarget;
import com.koomy.media.MediaVariant;
import com.koomy.media.image.ImagePipeline;
import com.koomy.media.storage.LocalBlobStore;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestImages;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker wiring of media: the outbox kind {@code media} becomes the sizes job, which reads the
 * original from the shared storage directory and stores the medium and thumb sizes; the orphan
 * collection is registered as a recurring job under its stable id.
 */
class MediaWorkerTest {

    private static final Path STORAGE = temporaryDirectory();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<WorkerConfiguration> app = WorkerTestApp.on(KoomyWorkerApplication.class, db,
            ConfigOverride.config("jobs.dashboardEnabled", "false"),
            ConfigOverride.config("media.storage.localDir", STORAGE.toString()));

    @Test
    void anUploadedImageGetsItsSizesFromTheWorker() throws IOException {
        UUID owner = UUID.randomUUID();
        UUID community = UUID.randomUUID();
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'Ada', 'x')", owner, owner + "@example.org");
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?)", community, "club-" + community);
            h.execute("INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'owner', 'active')", community, owner);
        });
        // The API's side, on the same storage directory.
        MediaFactory config = new MediaFactory();
        CommunityMedia media = new CommunityMedia(db.jdbi(), new ImagePipeline(config),
                new MediaBlobs(db.jdbi(), new LocalBlobStore(STORAGE)), config);
        Path upload = Files.write(Files.createTempFile("upload-", ".jpg"), TestImages.jpeg(1800, 1200));
        UUID id = media.upload(MediaTarget.COMMUNITY_COVER, community, owner, community, upload).media().id();
        Files.delete(upload);

        await().atMost(Duration.ofSeconds(60)).until(() -> Media.READY.equals(
                db.jdbi().withExtension(MediaDao.class, dao -> dao.findById(id)).orElseThrow().status()));

        List<MediaVariant> sizes = db.jdbi().withExtension(MediaDao.class, dao -> dao.variants(List.of(id)));
        assertThat(sizes).extracting(MediaVariant::variant).containsExactlyInAnyOrder("original", "medium", "thumb");
        LocalBlobStore store = new LocalBlobStore(STORAGE);
        sizes.forEach(v -> assertThat(store.exists(v.blobKey())).as(v.variant()).isTrue());
        assertThat(sizes.stream().filter(v -> v.variant().equals("thumb")).findFirst().orElseThrow().width()).isEqualTo(256);
    }

    @Test
    void theOrphanCollectionIsARecurringJob() {
        String name = db.jdbi().withHandle(h -> h.createQuery(
                "SELECT jobasjson FROM jobrunr.jobrunr_recurring_jobs WHERE id = :id")
                .bind("id", CollectOrphanMedia.RECURRING_ID).mapTo(String.class).findOne()).orElseThrow();
        assertThat(name).contains("Collect orphaned media");
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("koomy-media-worker-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
