package com.koomy.api.media;

import com.koomy.api.ResourceCaller;
import com.koomy.api.ResourceTests;
import com.koomy.testing.TestImages;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link MediaBlobResource} alone, as {@link MediaRoutes} registers it: stored blobs served to anyone, immutable. */
class MediaBlobResourceTest {

    private static final ResourceMedia media = new ResourceMedia();

    @RegisterExtension
    static ResourceTests api = media.registered(MediaBlobResource.class);

    @Test
    void aStoredBlobIsServedToAnyoneWithItsTypeLengthAndImmutableCaching() {
        byte[] png = TestImages.png(40, 30, true);
        byte[] jpeg = TestImages.jpeg(50, 40);
        String pngKey = media.blob(png, "png");
        String jpegKey = media.blob(jpeg, "jpg");

        for (ResourceCaller caller : List.of(api.anonymous(), api.as(api.account("Reader")))) {
            try (Response served = caller.raw("GET", "/media/" + pngKey, null)) {
                assertServed(served, 200, pngKey, "image/png");
                assertThat(served.getHeaderString("Content-Length")).isEqualTo(String.valueOf(png.length));
                assertThat(served.getHeaderString("Content-Security-Policy")).isEqualTo("default-src 'none'; sandbox");
                assertThat(served.readEntity(byte[].class)).isEqualTo(png);
            }
        }
        try (Response served = api.anonymous().raw("GET", "/media/" + jpegKey, null)) {
            assertServed(served, 200, jpegKey, "image/jpeg");
            assertThat(served.readEntity(byte[].class)).isEqualTo(jpeg);
        }
        // A session token that is no session is refused even here: 401 on every route.
        api.bearer("not-a-session").get("/media/" + pngKey).assertError(401, "invalid_session");
    }

    @Test
    void aMatchingIfNoneMatchIs304WithoutTheBody() {
        String key = media.blob(TestImages.png(20, 20, false), "png");
        String etag = etag(key);

        for (String ifNoneMatch : List.of(etag, "\"" + "0".repeat(64) + "\", " + etag, "W/" + etag, " * ")) {
            try (Response cached = api.anonymous().raw("GET", "/media/" + key, null, "If-None-Match", ifNoneMatch)) {
                assertThat(cached.getStatus()).as(ifNoneMatch).isEqualTo(304);
                assertThat(cached.getHeaderString("ETag")).isEqualTo(etag);
                assertThat(cached.getHeaderString("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
                assertThat(cached.readEntity(byte[].class)).isEmpty();
            }
        }
        try (Response other = api.anonymous().raw("GET", "/media/" + key, null, "If-None-Match", "\"" + "0".repeat(64) + "\"")) {
            assertServed(other, 200, key, "image/png");
            assertThat(other.readEntity(byte[].class)).isNotEmpty();
        }
    }

    @Test
    void headAnswersTheHeadersOfGetWithoutTheBody() {
        byte[] png = TestImages.png(30, 30, false);
        String key = media.blob(png, "png");

        try (Response head = api.anonymous().raw("HEAD", "/media/" + key, null)) {
            assertServed(head, 200, key, "image/png");
            // Content-Length: in memory it is the carried body's (0); MediaIntegrationTest reads the blob's over HTTP.
            assertThat(head.readEntity(byte[].class)).isEmpty();
        }
    }

    @Test
    void anUnknownOrMalformedKeyIs404ForGetAndHead() {
        String hash = media.blob(TestImages.png(25, 25, false), "png").substring(0, 64);
        List<String> keys = List.of(
                hash + ".jpg", // the bytes are stored as .png: a key names the bytes and their type
                "0".repeat(64) + ".png", hash.toUpperCase() + ".png", hash + ".gif", hash + ".jpeg", hash,
                hash.substring(1) + ".png", hash + "0.png", "..%2F..%2Fetc%2Fpasswd", hash + ".png.png");

        for (String key : keys) {
            api.anonymous().get("/media/" + key).assertError(404, "media_not_found");
            try (Response head = api.anonymous().raw("HEAD", "/media/" + key, null)) {
                assertThat(head.getStatus()).as(key).isEqualTo(404);
            }
        }
    }

    @Test
    void storageThatCannotBeReadIs503() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String key = HexFormat.of().formatHex(random) + ".png";
        media.breakStorageAt(key);

        api.anonymous().get("/media/" + key).assertError(503, "storage_unavailable");
        try (Response head = api.anonymous().raw("HEAD", "/media/" + key, null)) {
            assertThat(head.getStatus()).isEqualTo(503);
        }
    }

    @Test
    void theStatusesShownHereAreTheDocumentedOnes() {
        ResourceMedia.documented("getMediaBlob", 200, 304, 404);
        ResourceMedia.documented("headMediaBlob", 200, 404);
    }

    /** A blob's answer: status, its type, the ETag of its hash and the headers that make it immutable and inert. */
    private static void assertServed(Response served, int status, String key, String type) {
        assertThat(served.getStatus()).isEqualTo(status);
        assertThat(served.getHeaderString("Content-Type")).isEqualTo(type);
        assertThat(served.getHeaderString("ETag")).isEqualTo(etag(key));
        assertThat(served.getHeaderString("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
        assertThat(served.getHeaderString("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    private static String etag(String key) {
        return "\"" + key.substring(0, key.indexOf('.')) + "\"";
    }
}
