package com.koomy.media;

import com.koomy.config.MediaFactory;
import com.koomy.media.image.ImagePipeline;
import com.koomy.media.storage.LocalBlobStore;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestImages;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads as recorded in PostgreSQL, the worker's sizes job and the orphan collector, on a real
 * database and the local store (the S3 store is exercised by S3BlobStoreTest and the API's S3 test).
 */
class MediaJobsTest {

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @TempDir
    Path temp;

    private final MediaFactory config = new MediaFactory();
    private LocalBlobStore store;
    private CommunityMedia media;
    private MakeMediaVariantsJob variants;
    private CollectOrphanMediaJob collector;
    private UUID owner;
    private UUID community;

    @BeforeEach
    void setUp() throws IOException {
        config.setTempDir(temp.resolve("tmp").toString());
        store = new LocalBlobStore(temp.resolve("blobs"));
        Jdbi jdbi = db.jdbi();
        MediaBlobs blobs = new MediaBlobs(jdbi, store);
        ImagePipeline images = new ImagePipeline(config);
        media = new CommunityMedia(jdbi, images, blobs, config);
        variants = new MakeMediaVariantsJob(jdbi, images, blobs, config);
        collector = new CollectOrphanMediaJob(jdbi, store, Duration.ofDays(1), Clock.systemUTC());
        owner = UUID.randomUUID();
        community = UUID.randomUUID();
        jdbi.useHandle(h -> {
            h.execute("INSERT INTO accounts (id, email, name, password_hash) VALUES (?, ?, 'Ada', 'x')", owner, owner + "@example.org");
            h.execute("INSERT INTO communities (id, name, slug) VALUES (?, 'Club', ?)", community, "club-" + community);
            h.execute("INSERT INTO memberships (community_id, account_id, role, status) VALUES (?, ?, 'owner', 'active')", community, owner);
        });
    }

    private Path upload(byte[] bytes) throws IOException {
        return Files.write(Files.createTempFile(temp, "upload-", ".bin"), bytes);
    }

    private static long count(String sql, Object... args) {
        return db.jdbi().withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.mapTo(Long.class).one();
        });
    }

    @Test
    void anUploadIsRecordedWithItsOutboxRowAndTheJobMakesTheSmallerSizesOnce() throws IOException {
        CommunityMedia.Item item = media.upload(MediaTarget.COMMUNITY_LOGO, community, owner, community,
                upload(TestImages.jpeg(3000, 2000)));
        UUID id = item.media().id();
        assertThat(item.media().status()).isEqualTo(Media.PROCESSING);
        assertThat(item.variants()).extracting(MediaVariant::variant).containsExactly(MediaVariant.ORIGINAL);
        assertThat(item.media().width()).isEqualTo(2048);
        assertThat(count("SELECT count(*) FROM outbox WHERE kind = 'media' AND ref = ?", id.toString())).isEqualTo(1);

        variants.make(id);
        variants.make(id); // a duplicate run changes nothing

        List<MediaVariant> made = db.jdbi().withExtension(MediaDao.class, dao -> dao.variants(List.of(id)));
        assertThat(made).extracting(MediaVariant::variant).containsExactlyInAnyOrder("original", "medium", "thumb");
        MediaVariant medium = made.stream().filter(v -> v.variant().equals("medium")).findFirst().orElseThrow();
        MediaVariant thumb = made.stream().filter(v -> v.variant().equals("thumb")).findFirst().orElseThrow();
        assertThat(medium.width()).isEqualTo(1024);
        assertThat(medium.height()).isEqualTo(683);
        assertThat(thumb.width()).isEqualTo(256);
        assertThat(store.exists(medium.blobKey())).isTrue();
        assertThat(store.exists(thumb.blobKey())).isTrue();
        assertThat(status(id)).isEqualTo(Media.READY);
        assertThat(count("SELECT count(*) FROM media_blobs")).isEqualTo(3);
        assertThat(temp.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void sizesNoSmallerThanTheOriginalReuseItsBlob() throws IOException {
        UUID id = media.upload(MediaTarget.COMMUNITY_COVER, community, owner, community,
                upload(TestImages.png(200, 150, true))).media().id();
        variants.make(id);
        List<MediaVariant> made = db.jdbi().withExtension(MediaDao.class, dao -> dao.variants(List.of(id)));
        assertThat(made).hasSize(3).extracting(MediaVariant::blobKey).containsOnly(made.get(0).blobKey());
        assertThat(status(id)).isEqualTo(Media.READY);
    }

    @Test
    void theCollectorWaitsForTheGracePeriodThenDeletesReleasedImagesAndTheirBlobs() throws IOException {
        UUID first = media.upload(MediaTarget.COMMUNITY_LOGO, community, owner, community,
                upload(TestImages.jpeg(1600, 1200))).media().id();
        variants.make(first);
        List<String> firstBlobs = blobKeys(first);
        UUID second = media.upload(MediaTarget.COMMUNITY_LOGO, community, owner, community,
                upload(TestImages.png(300, 300, false))).media().id();
        assertThat(released(first)).isTrue();

        // Replaced a moment ago: its URLs keep working.
        assertThat(collector.collect().blobsDeleted()).isZero();
        firstBlobs.forEach(key -> assertThat(exists(key)).isTrue());

        // An orphan blob (its upload died before the transaction) and a fresh one.
        Path orphanFile = upload(TestImages.png(20, 20, false));
        db.jdbi().useHandle(h -> {
            h.execute("INSERT INTO media_blobs (key, bytes, content_type, touched_at) VALUES (?, 10, 'image/png', now() - interval '3 days')",
                    "a".repeat(64) + ".png");
            h.execute("INSERT INTO media_blobs (key, bytes, content_type) VALUES (?, 10, 'image/png')", "b".repeat(64) + ".png");
            h.execute("UPDATE media SET released_at = now() - interval '2 days' WHERE id = ?", first);
            // Its blobs were uploaded before that; a blob someone uploaded again within the grace period stays.
            h.execute("UPDATE media_blobs SET touched_at = now() - interval '3 days' WHERE key IN "
                    + "(SELECT blob_key FROM media_variants WHERE media_id = ?)", first);
        });
        store.put("a".repeat(64) + ".png", orphanFile, "image/png");

        CollectOrphanMediaJob.Collected collected = collector.collect();

        assertThat(collected.mediaDeleted()).isEqualTo(1);
        assertThat(collected.blobsDeleted()).isEqualTo(firstBlobs.size() + 1);
        firstBlobs.forEach(key -> assertThat(exists(key)).isFalse());
        assertThat(exists("a".repeat(64) + ".png")).isFalse();
        assertThat(count("SELECT count(*) FROM media_blobs WHERE key = ?", "b".repeat(64) + ".png")).isEqualTo(1);
        blobKeys(second).forEach(key -> assertThat(exists(key)).isTrue());
        assertThat(count("SELECT count(*) FROM media WHERE id = ?", first)).isZero();
    }

    @Test
    void imagesOfADeletedNewsPostAreReleasedAndKeptForTheGracePeriod() throws IOException {
        UUID post = UUID.randomUUID();
        db.jdbi().useHandle(h -> h.execute(
                "INSERT INTO news_posts (id, community_id, author_id, title) VALUES (?, ?, ?, 'Fête')", post, community, owner));
        UUID image = media.upload(MediaTarget.NEWS_IMAGE, community, owner, post, upload(TestImages.jpeg(400, 300))).media().id();
        db.jdbi().useHandle(h -> h.execute("DELETE FROM news_posts WHERE id = ?", post));

        CollectOrphanMediaJob.Collected collected = collector.collect();

        assertThat(collected.released()).isEqualTo(1);
        assertThat(released(image)).isTrue();
        assertThat(collected.blobsDeleted()).isZero();
        blobKeys(image).forEach(key -> assertThat(exists(key)).isTrue());
    }

    private List<String> blobKeys(UUID id) {
        return db.jdbi().withExtension(MediaDao.class, dao -> dao.variants(List.of(id))).stream()
                .map(MediaVariant::blobKey).distinct().toList();
    }

    private String status(UUID id) {
        return db.jdbi().withExtension(MediaDao.class, dao -> dao.findById(id)).orElseThrow().status();
    }

    private boolean released(UUID id) {
        return db.jdbi().withExtension(MediaDao.class, dao -> dao.findById(id)).orElseThrow().releasedAt() != null;
    }

    private boolean exists(String key) {
        return store.exists(key);
    }
}
