package com.koomy.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import com.koomy.errors.ApiError;

/**
 * HTTP Basic in front of the admin port ({@link AdminFactory}). The open pages are matched exactly
 * (no prefix, no path parameters), so anything else, including a spelling Jetty would route to another
 * servlet, asks for the credentials.
 */
final class AdminAuthFilter implements Filter {

    static final Set<String> OPEN = Set.of("/ping", "/healthcheck", com.koomy.health.Readiness.PATH);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final BasicCredentials credentials;

    private final byte[] refusal;

    AdminAuthFilter(BasicCredentials credentials) {
        this.credentials = credentials;
        try {
            this.refusal = JSON.writeValueAsBytes(new ApiError(401, "unauthorized", credentials.isConfigured()
                    ? "admin pages need their credentials (HTTP Basic)"
                    : "admin pages are off: set KOOMY_ADMIN_USER and KOOMY_ADMIN_PASSWORD"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if ((OPEN.contains(request.getRequestURI()) && "GET".equals(request.getMethod())) || authorized(request)) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Basic realm=\"koomy-admin\", charset=\"UTF-8\"");
        response.setContentType("application/json");
        response.getOutputStream().write(refusal);
    }

    private boolean authorized(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && credentials.matches(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
