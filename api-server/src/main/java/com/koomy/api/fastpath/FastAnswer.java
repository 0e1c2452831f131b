package com.koomy.api.fastpath;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A fast path's answer: a status, headers and a JSON body already serialized (none for a 304). */
public record FastAnswer(int status, Map<String, String> headers, byte[] body) {

    /** A JSON body with no other header. */
    public static FastAnswer json(int status, byte[] body) {
        return new FastAnswer(status, Map.of(), body);
    }

    /** Writes it as Jersey would: status, headers, {@code application/json} and its length, the bytes. */
    public void write(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        headers.forEach(response::setHeader);
        if (body != null) {
            writeJson(response, status, body);
        }
    }

    /** A JSON body already serialized: status, type, length, body. */
    public static void writeJson(HttpServletResponse response, int status, byte[] body) throws IOException {
        response.setStatus(status);
        response.setContentType(MediaType.APPLICATION_JSON);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /**
     * Writes a JAX-RS response made by Jersey's own filters or exception mappers (a refusal): its status,
     * headers and entity, serialized by {@code json} as Jersey's JSON provider does.
     */
    public static void write(HttpServletResponse response, Response answer, ObjectMapper json) throws IOException {
        response.setStatus(answer.getStatus());
        for (Map.Entry<String, List<String>> header : answer.getStringHeaders().entrySet()) {
            if (!header.getKey().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                header.getValue().forEach(value -> response.addHeader(header.getKey(), value));
            }
        }
        if (answer.hasEntity()) {
            writeJson(response, answer.getStatus(), json.writeValueAsBytes(answer.getEntity()));
        }
    }
}
