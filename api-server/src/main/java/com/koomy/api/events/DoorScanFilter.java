package com.koomy.api.events;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.accounts.AccountPrincipal;
import com.koomy.api.auth.Access;
import com.koomy.api.auth.AccessGate;
import com.koomy.api.http.BodyReplay;
import com.koomy.api.http.FastPaths;
import com.koomy.api.http.ClientAddress;
import com.koomy.api.ratelimit.RateLimiter;
import com.koomy.api.ratelimit.RateLimitsFactory;
import com.koomy.api.stats.RouteTemplateFilter;
import com.koomy.events.CheckIns;
import com.koomy.events.ScanResult;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Answers {@code POST /api/events/{eventId}/checkins} before Jersey, the door's hot path: Jersey's
 * routing, injection, filters and bean validation were about half of a scan's cost in the API. It does
 * what {@link CheckinsResource#scan} does, with the same checks (the body's fields and patterns, the
 * session, the per-client and per-account rate limits) and the same answer; the request log and the
 * statistics still apply. Anything else steps aside to Jersey with the body untouched: no or an unknown
 * session, a body that is not a plain valid scan, an exceeded limit, and every refusal or error of the
 * scan itself (403, 404, 409, 503: nothing was written, and Jersey's mappers answer it).
 */
public class DoorScanFilter implements Filter {

    static final String PREFIX = "/api/events/";
    static final String SUFFIX = "/checkins";
    static final String ROUTE = "POST /api/events/{eventId}/checkins";
    private static final int MAX_BODY = 8192;
    private static final Set<String> FIELDS = Set.of("qr", "scanId", "gate");
    private static final Pattern SCAN_ID = Pattern.compile(CheckinsResource.SCAN_ID);
    private static final Pattern GATE = Pattern.compile(CheckinsResource.GATE);

    private final CheckIns checkIns;
    private final AccessGate gate;
    /** Who may scan: what {@link CheckinsResource#scan} declares. */
    private static final Access.Who WHO = AccessGate.declared(CheckinsResource.class, "scan");
    private final RateLimiter limiter;
    private final ClientAddress clientAddress;
    private final ObjectMapper json;
    private final Map<String, Meter> results = new HashMap<>();

    /** {@code limiter}: null when rate limits are off. */
    public DoorScanFilter(CheckIns checkIns, AccessGate gate, RateLimiter limiter, ClientAddress clientAddress,
                          ObjectMapper json, MetricRegistry metrics) {
        this.checkIns = checkIns;
        this.gate = gate;
        this.limiter = limiter;
        this.clientAddress = clientAddress;
        this.json = json;
        ScanResult.RESULTS.forEach(r -> results.put(r, metrics.meter("koomy.checkins.result." + r)));
    }

    private record Scan(UUID eventId, UUID accountId, String qr, String scanId, String gate) {
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        UUID eventId = eventId(request);
        if (eventId == null) {
            chain.doFilter(req, res);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
        HttpServletRequest replay = new BodyReplay(request, body);
        Optional<ScanResult> result = Optional.empty();
        if (body.length <= MAX_BODY) {
            result = scan(request, eventId, body);
        }
        if (result.isEmpty()) {
            chain.doFilter(replay, res);
            return;
        }
        results.get(result.get().result()).mark();
        request.setAttribute(RouteTemplateFilter.ATTRIBUTE, ROUTE);
        FastPaths.writeJson((HttpServletResponse) res, HttpServletResponse.SC_OK, json.writeValueAsBytes(result.get()));
    }

    private Optional<ScanResult> scan(HttpServletRequest request, UUID eventId, byte[] body) {
        try {
            Scan scan = parse(request, eventId, body);
            if (scan == null) {
                return Optional.empty();
            }
            return Optional.of(checkIns.scan(scan.eventId(), scan.accountId(), scan.qr(), scan.scanId(), scan.gate()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // Jersey answers: 400, 401, 403, 404, 409, 429 or 503, as for any request
        }
    }

    /** The scan, once body, session and limits are as Jersey would accept them; null otherwise. */
    private Scan parse(HttpServletRequest request, UUID eventId, byte[] body) throws IOException {
        String contentType = request.getContentType();
        String authorization = request.getHeader("Authorization");
        if (contentType == null || !contentType.regionMatches(true, 0, "application/json", 0, 16)
                || authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        JsonNode node = json.readTree(body);
        if (node == null || !node.isObject() || node.size() != FIELDS.size()) {
            return null;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            if (!FIELDS.contains(names.next())) {
                return null;
            }
        }
        JsonNode qr = node.get("qr");
        JsonNode scanId = node.get("scanId");
        JsonNode gate = node.get("gate");
        if (!qr.isTextual() || !scanId.isTextual() || !gate.isTextual() || qr.asText().length() > 4096
                || qr.asText().indexOf('\u0000') >= 0 || !SCAN_ID.matcher(scanId.asText()).matches()
                || !GATE.matcher(gate.asText()).matches()) {
            return null;
        }
        java.security.Principal principal = this.gate.authenticate(authorization).orElse(null);
        this.gate.require(WHO, principal);
        UUID caller = ((AccountPrincipal) principal).accountId();
        if (limiter != null) {
            limiter.check(RateLimitsFactory.DOOR, clientAddress.of(request));
            limiter.check(RateLimitsFactory.DOOR, caller.toString());
        }
        return new Scan(eventId, caller, qr.asText(), scanId.asText(), gate.asText());
    }

    /** The event id of {@code POST /api/events/{uuid}/checkins}; null for any other request. */
    static UUID eventId(HttpServletRequest request) {
        return FastPaths.id(request, "POST", PREFIX, SUFFIX);
    }
}
