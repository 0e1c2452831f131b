package com.koomy.api.media;

import com.fasterxml.jackson.databind.JsonNode;
import com.koomy.api.ResourceCommunity;
import com.koomy.api.ResourceTests;
import com.koomy.config.MediaFactory;
import com.koomy.events.EventDao;
import com.koomy.events.EventFields;
import com.koomy.media.CommunityMedia;
import com.koomy.media.MediaBlobs;
import com.koomy.media.MediaDao;
import com.koomy.media.MediaTarget;
import com.koomy.media.MediaVariant;
import com.koomy.media.image.ImagePipeline;
import com.koomy.media.storage.BlobKeys;
import com.koomy.media.storage.BlobStore;
import com.koomy.news.NewsPostDao;
import com.koomy.testing.ApiHttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The media of a {@code Media*ResourceTest}: the resource as {@link MediaRoutes} registers it, on a local store and a
 * temporary directory of the class's own (as the media integration tests configure them); images put in place through
 * {@link CommunityMedia} as an upload puts them (the resource under test is not always the one that uploads), the news
 * posts and events they illustrate, and what a refused call must leave as it was.
 */
final class ResourceMedia {

    final Path storage = MediaCalls.temporaryDirectory("koomy-media-rt-");
    final Path temp = MediaCalls.temporaryDirectory("koomy-media-rt-tmp-");
    private ResourceTests api;
    private BlobStore store;
    private CommunityMedia media;

    /** The resource of {@code type} that MediaRoutes registers, on this storage. */
    ResourceTests registered(Class<?> type) {
        api = ResourceTests.registered(type, t -> MediaRoutes.register(t.app())).with(config -> {
            config.getMedia().getStorage().setLocalDir(storage.toString());
            config.getMedia().setTempDir(temp.toString());
        });
        return api;
    }

    /** The store the resource reads and writes (the configured one, built as MediaRoutes builds it). */
    BlobStore store() {
        if (store == null) {
            store = api.app().config().getMedia().getStorage().build(api.app().environment().lifecycle());
        }
        return store;
    }

    /** Whether storage holds the blob. */
    boolean inStorage(String key) {
        try {
            return store().exists(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code bytes} put in storage as a blob (no row: the blob route reads storage alone); returns its key. */
    String blob(byte[] bytes, String extension) {
        return withFile(bytes, file -> {
            String key = BlobKeys.of(file, extension);
            store().put(key, file, BlobKeys.contentType(key));
            return key;
        });
    }

    /** {@code image} stored as {@code target}'s image by {@code caller}, through CommunityMedia as an upload stores it. */
    CommunityMedia.Item upload(MediaTarget target, ResourceCommunity community, UUID caller, UUID targetId, byte[] image) {
        if (media == null) {
            MediaFactory config = api.app().config().getMedia();
            media = new CommunityMedia(api.jdbi(), new ImagePipeline(config), new MediaBlobs(api.jdbi(), store()), config);
        }
        return withFile(image, file -> media.upload(target, community.id(), caller, targetId, file));
    }

    private interface FileWork<T> {
        T run(Path file) throws IOException;
    }

    /** {@code work} done on a temporary file that holds {@code bytes}, deleted after. */
    private static <T> T withFile(byte[] bytes, FileWork<T> work) {
        try {
            Path file = Files.write(Files.createTempFile("koomy-media-rt-", ".bin"), bytes);
            try {
                return work.run(file);
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The medium and thumb sizes added as the worker adds them (both on the original's blob), status ready. */
    void ready(CommunityMedia.Item item) {
        MediaVariant original = item.variants().get(0);
        api.jdbi().useExtension(MediaDao.class, dao -> {
            dao.insertVariant(item.media().id(), MediaVariant.MEDIUM, original.blobKey(), 640, 480);
            dao.insertVariant(item.media().id(), MediaVariant.THUMB, original.blobKey(), 256, 192);
            dao.markReady(item.media().id());
        });
    }

    /** A news post of {@code community} by its owner: published, or a draft. */
    UUID post(ResourceCommunity community, boolean published) {
        UUID id = UUID.randomUUID();
        api.jdbi().useExtension(NewsPostDao.class, dao -> {
            dao.insert(id, community.id(), community.owner().id(), "Expo", "Photos");
            if (published) {
                dao.publish(community.id(), id);
            }
        });
        return id;
    }

    /** An event of {@code community} next week; {@code visibility} members or public. */
    UUID event(ResourceCommunity community, String visibility) {
        UUID id = UUID.randomUUID();
        Instant start = Instant.now().plus(Duration.ofDays(7));
        api.jdbi().useExtension(EventDao.class, dao -> dao.insert(id, community.id(), new EventFields("Vernissage", "",
                "Hall", start, start.plus(Duration.ofHours(2)), "Europe/Paris", null, visibility, 1, 0), community.owner().id()));
        return id;
    }

    /**
     * What a refused call leaves as it was: media rows, current ones, registered blobs, the worker's outbox rows, files
     * in storage and temporary files.
     */
    List<Long> state() {
        return List.of(api.count("media"), api.count("media WHERE released_at IS NULL"), api.count("media_blobs"),
                api.count("outbox WHERE kind = 'media'"), MediaCalls.files(storage), MediaCalls.files(temp));
    }

    /** Whether the image is current (not released); fails when there is no such row. */
    boolean current(UUID mediaId) {
        return api.jdbi().withHandle(h -> h.createQuery("SELECT released_at IS NULL FROM media WHERE id = :id")
                .bind("id", mediaId).mapTo(Boolean.class).one());
    }

    /** The blob key at the end of an image URL. */
    static String key(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    /** The URL the API gives out for a blob: {publicUrl}/media/{key} with the default configuration. */
    String url(String key) {
        return api.app().config().getPublicUrl() + "/media/" + key;
    }

    /** Makes storage fail at {@code key}: its folder becomes a file, so reading or writing it is an I/O error. */
    void breakStorageAt(String key) {
        Path folder = storage.resolve(key.substring(0, 2)).resolve(key.substring(2, 4));
        try {
            if (Files.exists(folder)) {
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
            Files.createDirectories(folder.getParent());
            Files.write(folder, new byte[] {1});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that the OpenAPI document (the copy beside the tests, which OpenApiContractTest proves equal to the served
     * one) declares exactly {@code statuses} for the operation, besides the 400, 429 and 503 every route may answer.
     */
    static void documented(String operationId, Integer... statuses) {
        JsonNode responses = operation(operationId).path("responses");
        Set<Integer> declared = new TreeSet<>();
        responses.fieldNames().forEachRemaining(status -> declared.add(Integer.parseInt(status)));
        declared.removeAll(Set.of(400, 429, 503));
        assertThat(declared).as("responses of %s", operationId).containsExactlyInAnyOrder(statuses);
    }

    private static JsonNode operation(String operationId) {
        try {
            JsonNode paths = ApiHttp.JSON.readTree(Files.readString(Path.of("src/test/resources/openapi/koomy-api.json")))
                    .path("paths");
            for (JsonNode path : paths) {
                for (JsonNode operation : path) {
                    if (operationId.equals(operation.path("operationId").asText())) {
                        return operation;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError("no operation " + operationId + " in the OpenAPI document");
    }
}
