package com.koomy.media.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link BlobStore} does, run against each implementation. */
abstract class BlobStoreContract {

    @TempDir
    Path temp;

    abstract BlobStore store();

    Path file(int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        Path file = Files.createTempFile(temp, "blob-", ".bin");
        return Files.write(file, bytes);
    }

    @Test
    void storesReadsAndDeletesByContentKey() throws IOException {
        Path file = file(300_000, 1);
        String key = BlobKeys.of(file, "jpg");

        assertThat(store().exists(key)).isFalse();
        assertThat(store().open(key)).isEmpty();
        store().put(key, file, "image/jpeg");

        assertThat(store().exists(key)).isTrue();
        Optional<BlobStore.Blob> blob = store().open(key);
        assertThat(blob).isPresent();
        try (BlobStore.Blob b = blob.get(); InputStream in = b.content()) {
            assertThat(b.length()).isEqualTo(300_000);
            assertThat(b.contentType()).isEqualTo("image/jpeg");
            assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(file));
        }

        store().delete(key);
        assertThat(store().exists(key)).isFalse();
        assertThat(store().open(key)).isEmpty();
        store().delete(key); // absent: no error
    }

    @Test
    void puttingTheSameKeyTwiceKeepsOneBlob() throws IOException {
        Path file = file(1_000, 2);
        String key = BlobKeys.of(file, "png");
        store().put(key, file, "image/png");
        store().put(key, file, "image/png");
        try (BlobStore.Blob b = store().open(key).orElseThrow()) {
            assertThat(b.content().readAllBytes()).isEqualTo(Files.readAllBytes(file));
            assertThat(b.contentType()).isEqualTo("image/png");
        }
    }

    @Test
    void refusesAnythingButAContentKey() throws IOException {
        Path file = file(10, 3);
        for (String key : new String[] {"../../etc/passwd", "abc.jpg", "x".repeat(64) + ".jpg",
                "a".repeat(64) + ".php", "A".repeat(64) + ".jpg", "a".repeat(64) + ".jpg/../b"}) {
            assertThatThrownBy(() -> store().put(key, file, "image/jpeg")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store().open(key)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
