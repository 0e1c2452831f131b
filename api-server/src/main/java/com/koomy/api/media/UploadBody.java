package com.koomy.api.media;


import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import com.koomy.errors.ApiException;

/**
 * Streams an upload's body into a temporary file, 64 KiB at a time, and refuses it with 413 as soon
 * as it passes the limit: memory never holds more than one buffer whatever the client sends, and
 * the disk at most the limit. Content-Length is not trusted (it is checked earlier when present,
 * see {@link MediaUploadResource}); a chunked body is counted as it comes.
 */
final class UploadBody {

    /**
     * After the limit, up to this much more is read and dropped before the 413 goes out, so an
     * ordinary client that does not wait for 100-continue gets to read the answer instead of a
     * connection reset (see BodyLimit for the same reason on webhooks). Dropped, never stored.
     */
    static final long DRAIN_BYTES = 64L * 1024 * 1024;

    private UploadBody() {
    }

    static Path receive(InputStream body, long maxBytes, Path directory) {
        Path file = null;
        boolean kept = false;
        try {
            Files.createDirectories(directory);
            file = Files.createTempFile(directory, "upload-", ".bin");
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            try (OutputStream out = Files.newOutputStream(file)) {
                int n;
                while ((n = read(body, buffer)) > 0) {
                    total += n;
                    if (total > maxBytes) {
                        drain(body, buffer);
                        throw tooLarge(maxBytes);
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (total == 0) {
                throw new ApiException(400, "empty_body", "send the image's bytes as the request body");
            }
            kept = true;
            return file;
        } catch (IOException e) {
            throw new ApiException(503, "upload_storage_unavailable", "the upload could not be written to disk");
        } finally {
            if (!kept && file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // A temporary file left behind is removed with the directory's other leftovers.
                }
            }
        }
    }

    /**
     * Reads and drops a body we refuse before storing it (the API is busy), up to {@code maxBytes} plus
     * {@link #DRAIN_BYTES}: a client that did not wait for 100-continue is sending it anyway, and would
     * otherwise get a connection reset instead of the answer.
     */
    static void discard(InputStream body, long maxBytes) {
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        try {
            int n;
            while (read <= maxBytes && (n = body.read(buffer)) > 0) {
                read += n;
            }
        } catch (IOException e) {
            return;
        }
        if (read > maxBytes) {
            drain(body, buffer);
        }
    }

    static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "payload_too_large", "images are limited to " + maxBytes + " bytes");
    }

    /** A client that stops sending mid-body is a bad request, not a server error. */
    private static int read(InputStream body, byte[] buffer) {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            throw new ApiException(400, "incomplete_body", "the request body ended early");
        }
    }

    private static void drain(InputStream body, byte[] buffer) {
        long drained = 0;
        try {
            int n;
            while (drained < DRAIN_BYTES && (n = body.read(buffer)) > 0) {
                drained += n;
            }
        } catch (IOException e) {
            // The client went away: the 413 will not be read anyway.
        }
    }
}
