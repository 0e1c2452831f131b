package com.koomy.api.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Locale;
import com.koomy.errors.ApiError;

/**
 * JSON request bodies of the API are small (a news post's 50,000 characters is the largest field):
 * any JSON body over {@code maxBytes} is refused with 413 before Jackson buffers it. A declared
 * Content-Length over the limit is refused at once; a body without one (chunked) is read up to the
 * limit here and handed on from memory. Webhooks keep their own limits (they verify signatures over
 * the raw bytes) and non-JSON bodies (image uploads) are limited by the routes that take them.
 */
public class JsonBodyLimitFilter implements Filter {

    private final int maxBytes;
    private final byte[] tooLarge;

    public JsonBodyLimitFilter(int maxBytes, ObjectMapper json) throws IOException {
        this.maxBytes = maxBytes;
        this.tooLarge = json.writeValueAsBytes(new ApiError(413, "payload_too_large",
                "request body is larger than " + maxBytes + " bytes"));
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (!isJson(request.getContentType()) || request.getRequestURI().startsWith("/api/webhooks/")) {
            chain.doFilter(req, res);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            // An honest client slightly over the limit gets to finish sending and reads the 413; a
            // much larger body is not read at all (its connection closes).
            if (declared <= maxBytes + BodyLimit.drainBytes()) {
                BodyLimit.drain(request.getInputStream(), declared);
            }
            refuse(request, (HttpServletResponse) res);
            return;
        }
        if (declared >= 0) {
            chain.doFilter(req, res); // Jetty stops at the declared length: nothing more can be read
            return;
        }
        byte[] body = BodyLimit.read(request.getInputStream(), maxBytes);
        if (body == null) {
            refuse(request, (HttpServletResponse) res);
            return;
        }
        chain.doFilter(new BufferedBody(request, body), res);
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(413);
        response.setHeader("Connection", "close");
        response.setContentType("application/json");
        response.setContentLength(tooLarge.length);
        response.getOutputStream().write(tooLarge);
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.toLowerCase(Locale.ROOT);
        int semicolon = type.indexOf(';');
        type = (semicolon >= 0 ? type.substring(0, semicolon) : type).strip();
        return type.equals("application/json") || type.endsWith("+json");
    }

    /** A body read whole, replayed with its length now known. */
    private static final class BufferedBody extends BodyReplay {
        private final int length;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request, body);
            this.length = body.length;
        }

        @Override
        public int getContentLength() {
            return length;
        }

        @Override
        public long getContentLengthLong() {
            return length;
        }
    }
}
