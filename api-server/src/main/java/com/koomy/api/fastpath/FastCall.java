package com.koomy.api.fastpath;

import com.koomy.api.accounts.AccountPrincipal;
import jakarta.servlet.http.HttpServletRequest;

import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.UUID;

/** A request a fast path takes, after the gate: its path parameters, its caller and its body, read once. */
public final class FastCall {

    private final HttpServletRequest request;
    private final List<UUID> parameters;
    private final Principal principal;
    private byte[] body;

    FastCall(HttpServletRequest request, List<UUID> parameters, Principal principal) {
        this.request = request;
        this.parameters = parameters;
        this.principal = principal;
    }

    public HttpServletRequest request() {
        return request;
    }

    /** The {@code index}th path parameter of the route's template. */
    public UUID parameter(int index) {
        return parameters.get(index);
    }

    /** The signed-in account's id; the gate let only accounts through on routes whose access needs one. */
    public UUID accountId() {
        return ((AccountPrincipal) principal).accountId();
    }

    /**
     * The body's first {@code max} bytes (all of it, when shorter); Jersey reads it again from the start if
     * the request is handed on.
     */
    public byte[] body(int max) throws IOException {
        if (body == null) {
            body = request.getInputStream().readNBytes(max);
        }
        return body;
    }

    /** The whole body when it is at most {@code max} bytes; null when it is longer (Jersey answers it). */
    public byte[] bodyAtMost(int max) throws IOException {
        byte[] read = body(max + 1);
        return read.length > max ? null : read;
    }

    /** The bytes read so far, for a request handed to Jersey; null when none were. */
    byte[] read() {
        return body;
    }
}
