package com.koomy.media.storage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class LocalBlobStoreTest extends BlobStoreContract {

    private Path root;
    private LocalBlobStore store;

    @BeforeEach
    void setUp() throws IOException {
        root = temp.resolve("media");
        store = new LocalBlobStore(root);
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void filesLiveInTwoLevelsOfFoldersAndNoTemporaryFileIsLeft() throws IOException {
        Path file = file(5_000, 9);
        String key = BlobKeys.of(file, "jpg");
        store.put(key, file, "image/jpeg");

        assertThat(root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key)).exists();
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .containsExactly(key);
        }
    }
}
