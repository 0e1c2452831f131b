package com.koomy.api.media;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.api.ApiConfiguration;
import com.koomy.api.ApiTestApp;
import com.koomy.testing.ApiReply;
import com.koomy.testing.S3ProxyServer;
import com.koomy.testing.TestDatabase;
import com.koomy.testing.TestImages;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The API with S3 storage (s3proxy, a real S3-protocol server): uploads land in the bucket and are served from it. */
class MediaS3IntegrationTest {

    private static final String BUCKET = "koomy-media-api";

    @RegisterExtension
    static S3ProxyServer s3 = new S3ProxyServer();

    @RegisterExtension
    static TestDatabase db = new TestDatabase();

    @RegisterExtension
    static DropwizardAppExtension<ApiConfiguration> app = ApiTestApp.on(db,
            ConfigOverride.config("media.storage.type", "s3"),
            ConfigOverride.config("media.storage.s3Endpoint", () -> s3.endpoint()),
            ConfigOverride.config("media.storage.s3Bucket", BUCKET),
            ConfigOverride.config("media.storage.s3Prefix", "media/"),
            ConfigOverride.config("media.storage.s3AccessKeyId", S3ProxyServer.ACCESS_KEY),
            ConfigOverride.config("media.storage.s3SecretAccessKey", S3ProxyServer.SECRET_KEY));

    @BeforeAll
    static void bucket() {
        try (S3Client client = app.getConfiguration().getMedia().getStorage().s3Client()) {
            client.createBucket(b -> b.bucket(BUCKET));
        }
    }

    @Test
    void anUploadIsStoredInTheBucketAndServedFromIt() throws Exception {
        ApiCalls api = new ApiCalls(app::getLocalPort);
        MediaCalls media = new MediaCalls(app::getLocalPort);
        User owner = api.user("Owner Olga");
        UUID club = api.community(owner, "S3 club", "public", "open");

        ApiReply reply = media.upload("PUT", "/api/communities/" + club + "/logo", owner.token(), "image/jpeg",
                TestImages.jpegWithGps(900, 600));
        assertThat(reply.status()).isEqualTo(201);
        String url = reply.body().get("url").asText();
        String key = url.substring(url.lastIndexOf('/') + 1);

        // In the bucket (s3proxy's filesystem backend keeps objects as files under <bucket>/<key>).
        byte[] inBucket = Files.readAllBytes(s3.dataDirectory().resolve(BUCKET).resolve("media").resolve(key));
        assertThat(TestImages.hasExif(inBucket)).isFalse();

        HttpResponse<byte[]> served = media.fetch(url, null);
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.body()).isEqualTo(inBucket);
        assertThat(served.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
    }
}
