package com.koomy.media.storage;

import com.koomy.config.MediaStorageFactory;
import com.koomy.testing.S3ProxyServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The S3 implementation against a real S3-protocol server (s3proxy, filesystem-backed), built from our config. */
class S3BlobStoreTest extends BlobStoreContract {

    @RegisterExtension
    static S3ProxyServer s3 = new S3ProxyServer();

    private static S3Client client;
    private static S3BlobStore store;

    @BeforeAll
    static void bucket() {
        MediaStorageFactory config = new MediaStorageFactory();
        config.setType("s3");
        config.setS3Endpoint(s3.endpoint());
        config.setS3Bucket("koomy-media-test");
        config.setS3Prefix("media/");
        config.setS3AccessKeyId(S3ProxyServer.ACCESS_KEY);
        config.setS3SecretAccessKey(S3ProxyServer.SECRET_KEY);
        client = config.s3Client();
        client.createBucket(b -> b.bucket("koomy-media-test"));
        store = new S3BlobStore(client, "koomy-media-test", "media/");
    }

    @AfterAll
    static void close() {
        client.close();
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void objectsCarryTheirTypeAndTheImmutableCacheControlUnderThePrefix() throws IOException {
        Path file = file(2_000, 5);
        String key = BlobKeys.of(file, "png");
        store.put(key, file, "image/png");

        HeadObjectResponse head = client.headObject(b -> b.bucket("koomy-media-test").key("media/" + key));
        assertThat(head.contentType()).isEqualTo("image/png");
        assertThat(head.cacheControl()).isEqualTo("public, max-age=31536000, immutable");
        assertThat(head.contentLength()).isEqualTo(2_000);
    }

    @Test
    void wrongCredentialsAreAnIOExceptionNotASilentMiss() throws IOException {
        MediaStorageFactory config = new MediaStorageFactory();
        config.setS3Endpoint(s3.endpoint());
        config.setS3AccessKeyId(S3ProxyServer.ACCESS_KEY);
        config.setS3SecretAccessKey("wrong-secret");
        try (S3Client wrong = config.s3Client()) {
            S3BlobStore refused = new S3BlobStore(wrong, "koomy-media-test", "media/");
            Path file = file(100, 6);
            assertThatThrownBy(() -> refused.put(BlobKeys.of(file, "jpg"), file, "image/jpeg"))
                    .isInstanceOf(IOException.class);
        }
    }
}
