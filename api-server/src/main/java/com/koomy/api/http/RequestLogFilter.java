package com.koomy.api.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One JSON line per {@code /api} request (R5): timestamp, level (INFO, WARN over 500 ms, SLOW over
 * 1,000 ms), method, path, status, duration, user agent cut to 50 characters, request id. The id is
 * the client's {@code X-Request-Id} when it is sane, else a new one; it is echoed back and put in the
 * MDC so every log line written during the request carries it.
 */
public class RequestLogFilter implements Filter {

    public static final String HEADER = "X-Request-Id";
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Logger LOG = LoggerFactory.getLogger("koomy.request");
    private static final JsonFactory JSON = new JsonFactory();

    private final long warnMillis;
    private final long slowMillis;

    public RequestLogFilter(Duration warnOver, Duration slowOver) {
        this.warnMillis = warnOver.toMillis();
        this.slowMillis = slowOver.toMillis();
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String given = request.getHeader(HEADER);
        String requestId = given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
        response.setHeader(HEADER, requestId);
        MDC.put("requestId", requestId);
        long start = System.nanoTime();
        int status = 500;
        try {
            chain.doFilter(req, res);
            status = response.getStatus();
        } finally {
            long millis = (System.nanoTime() - start) / 1_000_000;
            log(request, status, millis, requestId);
            MDC.remove("requestId");
        }
    }

    private void log(HttpServletRequest request, int status, long millis, String requestId) {
        String level = millis > slowMillis ? "SLOW" : millis > warnMillis ? "WARN" : "INFO";
        if ("INFO".equals(level) ? !LOG.isInfoEnabled() : !LOG.isWarnEnabled()) {
            return;
        }
        String userAgent = request.getHeader("User-Agent");
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("timestamp", Instant.now().toString());
            json.writeStringField("level", level);
            json.writeStringField("logger", "koomy.request");
            json.writeStringField("method", request.getMethod());
            json.writeStringField("path", request.getRequestURI());
            json.writeNumberField("status", status);
            json.writeNumberField("durationMs", millis);
            json.writeStringField("userAgent", userAgent == null ? null
                    : userAgent.substring(0, Math.min(50, userAgent.length())));
            json.writeStringField("requestId", requestId);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if ("INFO".equals(level)) {
            LOG.info(out.toString());
        } else {
            LOG.warn(out.toString());
        }
    }
}
