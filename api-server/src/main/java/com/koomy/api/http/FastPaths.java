package com.koomy.api.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.UUID;

/**
 * What the servlet filters that answer a hot route before Jersey (public pages, the directory, door
 * scans) need to recognise their request the way Jersey would.
 */
public final class FastPaths {

    private FastPaths() {
    }

    /**
     * The id in {@code prefix + <uuid> + suffix} when the request is {@code method} on exactly that path
     * (the canonical, lower-case UUID form); null for any other request.
     */
    public static UUID id(HttpServletRequest request, String method, String prefix, String suffix) {
        String uri = request.getRequestURI();
        if (!method.equals(request.getMethod()) || uri.length() != prefix.length() + 36 + suffix.length()
                || !uri.startsWith(prefix) || !uri.endsWith(suffix)) {
            return null;
        }
        String id = uri.substring(prefix.length(), prefix.length() + 36);
        try {
            UUID parsed = UUID.fromString(id);
            return parsed.toString().equalsIgnoreCase(id) ? parsed : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Answers with a JSON body already serialized, as Jersey would (status, type, length, body). */
    public static void writeJson(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
