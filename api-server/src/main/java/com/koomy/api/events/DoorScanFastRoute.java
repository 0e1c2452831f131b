package com.koomy.api.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.fastpath.FastAnswer;
import com.koomy.api.fastpath.FastCall;
import com.koomy.api.fastpath.FastRoute;
import com.koomy.api.fastpath.ResourceRoute;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@link CheckinsResource#scan} before Jersey, the door's hot path: Jersey's routing, injection, filters and
 * bean validation were about half of a scan's cost in the API. A body that is exactly a valid scan (the
 * three fields, their types, sizes and patterns as {@link CheckinsResource.ScanRequest} declares them) is
 * scanned by the resource's own {@link CheckinsResource#admit}; any other body is handed to Jersey, whose
 * validation answers it (the request already passed the gate: not checked or counted again).
 */
final class DoorScanFastRoute extends FastRoute {

    private static final int MAX_BODY = 8192;
    private static final Set<String> FIELDS = Set.of("qr", "scanId", "gate");
    private static final Pattern SCAN_ID = Pattern.compile(CheckinsResource.SCAN_ID);
    private static final Pattern GATE = Pattern.compile(CheckinsResource.GATE);

    private final CheckinsResource resource;
    private final ObjectMapper json;

    DoorScanFastRoute(ResourceRoute route, CheckinsResource resource, ObjectMapper json) {
        super(route);
        this.resource = resource;
        this.json = json;
    }

    @Override
    public FastAnswer answer(FastCall call) throws IOException {
        byte[] body = call.bodyAtMost(MAX_BODY);
        CheckinsResource.ScanRequest scan = body == null ? null : parse(body);
        if (scan == null) {
            return null;
        }
        return FastAnswer.json(HttpServletResponse.SC_OK,
                json.writeValueAsBytes(resource.admit(call.parameter(0), call.accountId(), scan)));
    }

    /** The scan when the body is one Jersey would accept as is; null otherwise. */
    private CheckinsResource.ScanRequest parse(byte[] body) {
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
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
        return new CheckinsResource.ScanRequest(qr.asText(), scanId.asText(), gate.asText());
    }
}
