package com.koomy.api.http;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.io.InputStream;
import com.koomy.errors.ApiError;

/**
 * Reads a request body up to a limit without trusting Content-Length. When the body is over the
 * limit, a bounded part of the rest is read and dropped before the 413 is sent: closing a connection
 * with unread bytes makes the kernel answer with a reset, and the client then fails on a broken pipe
 * instead of reading our 413 (seen in tests for a body barely over 1 MiB).
 */
public final class BodyLimit {

    /** How much of an oversized body we still read to let an honest client finish sending. */
    private static final long DRAIN_BYTES = 1024 * 1024;

    private BodyLimit() {
    }

    /** The body, or null when it is larger than {@code maxBytes} (the caller answers 413). */
    public static byte[] read(InputStream body, int maxBytes) throws IOException {
        byte[] raw = body.readNBytes(maxBytes + 1);
        if (raw.length <= maxBytes) {
            return raw;
        }
        drain(body, DRAIN_BYTES);
        return null;
    }

    /** Reads and drops up to {@code maxBytes} of what is left of a refused body (see the class comment). */
    public static void drain(InputStream body, long maxBytes) throws IOException {
        byte[] sink = new byte[16 * 1024];
        long drained = 0;
        int n;
        while (drained < maxBytes && (n = body.read(sink)) > 0) {
            drained += n;
        }
    }

    /** How much of a refused body {@link #drain} reads at most, past the limit that refused it. */
    public static long drainBytes() {
        return DRAIN_BYTES;
    }

    /** The 413 for a body {@link #read} refused; the rest of it is unread, so the connection closes. */
    public static Response tooLarge(int maxBytes) {
        return Response.status(413).header("Connection", "close").type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(413, "payload_too_large", "webhook body is larger than " + maxBytes + " bytes"))
                .build();
    }
}
