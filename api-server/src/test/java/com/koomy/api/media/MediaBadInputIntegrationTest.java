package com.koomy.api.media;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestImages;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken uploads: each gets a clear 4xx with a stable code, and nothing is stored (no
 * media row, no registered blob, no file in storage, no temporary file left). Never a 500, never an
 * out-of-memory: the 50 MiB bodies are produced as they are sent and refused as they stream in.
 */
class MediaBadInputIntegrationTest {

    private static final Path STORAGE = MediaCalls.temporaryDirectory("koomy-media-store-");
    private static final Path TEMP = MediaCalls.temporaryDirectory("koomy-media-tmp-");
    private static final long FIFTY_MIB = 50L * 1024 * 1024;

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("media.storage.localDir", STORAGE.toString()),
            ConfigOverride.config("media.tempDir", TEMP.toString()));

    private static ApiCalls api;
    private static MediaCalls media;
    private static ApiCalls.User owner;
    private static String logo;

    @BeforeAll
    static void setUp() {
        api = new ApiCalls(app::getLocalPort);
        media = new MediaCalls(app::getLocalPort);
        owner = api.user("Owner Olga");
        logo = "/api/communities/" + api.community(owner, "Photo club", "public", "open") + "/logo";
    }

    @AfterEach
    void nothingWasStored() {
        assertThat(count("SELECT count(*) FROM media")).isZero();
        assertThat(count("SELECT count(*) FROM media_blobs")).isZero();
        assertThat(count("SELECT count(*) FROM outbox WHERE kind = 'media'")).isZero();
        assertThat(MediaCalls.files(STORAGE)).isZero();
        assertThat(MediaCalls.files(TEMP)).isZero();
    }

    static long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void aPhpScriptNamedPngIsNotAnImage() {
        ApiReply reply = media.upload("PUT", logo, owner.token(), "image/png",
                "<?php echo shell_exec($_GET['cmd']); ?>\n".getBytes(StandardCharsets.UTF_8));
        assertThat(reply.status()).isEqualTo(415);
        assertThat(reply.code()).isEqualTo("unsupported_image_type");
    }

    @Test
    void aTruncatedJpegIsRefused() {
        ApiReply reply = media.upload("PUT", logo, owner.token(), "image/jpeg",
                TestImages.truncated(TestImages.jpeg(1200, 900), 0.5));
        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.code()).isEqualTo("invalid_image");
    }

    @Test
    void aThirtyThousandPixelSquarePngOfAFewKibIsRefusedBeforeDecoding() {
        byte[] bomb = TestImages.pngBomb(30_000, 30_000);
        assertThat(bomb.length).isLessThan(16 * 1024);
        ApiReply reply = media.upload("PUT", logo, owner.token(), "image/png", bomb);
        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.code()).isEqualTo("image_too_large");
    }

    @Test
    void aFiftyMebibyteBodyIsRefusedWhileItStreams() {
        // Declared length, the client does not wait: refused from Content-Length, the rest read and dropped.
        ApiReply declared = media.uploadStream(logo, owner.token(), "image/jpeg", FIFTY_MIB, true, false);
        assertThat(declared.status()).isEqualTo(413);
        assertThat(declared.code()).isEqualTo("payload_too_large");

        // Chunked, no length: counted as it comes, refused past 10 MiB.
        ApiReply chunked = media.uploadStream(logo, owner.token(), "image/jpeg", FIFTY_MIB, false, false);
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.code()).isEqualTo("payload_too_large");

        // Expect: 100-continue: refused before a byte of the body is sent.
        assertThat(media.expectContinue(logo, owner.token(), "image/jpeg", FIFTY_MIB)).startsWith("HTTP/1.1 413");
    }

    @Test
    void aWrongContentTypeIsRefused() {
        byte[] png = TestImages.png(50, 50, false);
        for (String type : new String[] {"text/plain", "application/json", "multipart/form-data; boundary=x", "image/gif"}) {
            ApiReply reply = media.upload("PUT", logo, owner.token(), type, png);
            assertThat(reply.status()).as(type).isEqualTo(415);
            assertThat(reply.code()).as(type).isEqualTo("unsupported_media_type");
        }
    }

    @Test
    void anEmptyBodyIsRefused() {
        ApiReply reply = media.upload("PUT", logo, owner.token(), "image/png", new byte[0]);
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.code()).isEqualTo("empty_body");
    }

    @Test
    void garbageAfterAValidSignatureIsRefused() {
        byte[] garbage = new byte[4096];
        new java.util.Random(3).nextBytes(garbage);
        byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(signature, 0, garbage, 0, signature.length);
        ApiReply reply = media.upload("PUT", logo, owner.token(), "image/png", garbage);
        assertThat(reply.status()).isEqualTo(422);
        assertThat(reply.code()).isEqualTo("invalid_image");
    }

    @Test
    void signedOutUploadsAre401() {
        ApiReply reply = media.upload("PUT", logo, null, "image/png", TestImages.png(20, 20, false));
        assertThat(reply.status()).isEqualTo(401);
        ApiReply unknown = media.upload("PUT", "/api/communities/" + UUID.randomUUID() + "/logo", owner.token(),
                "image/png", TestImages.png(20, 20, false));
        assertThat(unknown.status()).isEqualTo(404);
    }
}
