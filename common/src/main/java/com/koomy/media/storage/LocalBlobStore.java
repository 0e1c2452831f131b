package com.koomy.media.storage;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * Blobs as files under one directory, in two levels of folders named after the key's first hex
 * digits ({@code ab/cd/abcd….jpg}) so no folder grows too large. A blob is written to a temporary
 * name in its folder and moved into place atomically: a reader sees the whole file or none, and a
 * crash leaves only a {@code .tmp-*} file behind. Several processes may share the directory (an
 * NFS mount, say) since a key always names the same bytes.
 */
public class LocalBlobStore implements BlobStore {

    private final Path root;

    public LocalBlobStore(Path root) throws IOException {
        this.root = Files.createDirectories(root.toAbsolutePath().normalize());
    }

    Path pathOf(String key) {
        BlobKeys.require(key);
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    @Override
    public void put(String key, Path file, String contentType) throws IOException {
        Path target = pathOf(key);
        if (Files.exists(target)) {
            return;
        }
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling(".tmp-" + UUID.randomUUID());
        try {
            Files.copy(file, temporary);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public Optional<Blob> open(String key) throws IOException {
        Path path = pathOf(key);
        try {
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
            return Optional.of(new Blob(Channels.newInputStream(channel), channel.size(), BlobKeys.contentType(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(pathOf(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.exists(pathOf(key));
    }

    @Override
    public String describe() {
        return "local " + root;
    }
}
