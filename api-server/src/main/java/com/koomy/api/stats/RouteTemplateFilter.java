package com.koomy.api.stats;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import org.glassfish.jersey.server.ExtendedUriInfo;
import org.glassfish.jersey.uri.UriTemplate;

import java.util.List;

/**
 * After Jersey matched a resource method, stores its route template ({@code GET /api/ops/emails/{id}/resend})
 * as a request attribute for {@link RequestStatsFilter}: statistics per route, not per raw path (whose
 * ids would make one series per email). A post-matching request filter, so the attribute is set even
 * when the method then throws.
 */
public class RouteTemplateFilter implements ContainerRequestFilter {

    public static final String ATTRIBUTE = "koomy.route";

    @Override
    public void filter(ContainerRequestContext request) {
        if (!(request.getUriInfo() instanceof ExtendedUriInfo info) || info.getMatchedResourceMethod() == null) {
            return;
        }
        List<UriTemplate> templates = info.getMatchedTemplates();
        StringBuilder path = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) {
            String part = templates.get(i).getTemplate();
            if (!part.startsWith("/")) {
                path.append('/');
            }
            path.append(part.endsWith("/") ? part.substring(0, part.length() - 1) : part);
        }
        request.setProperty(ATTRIBUTE, request.getMethod() + " " + path);
    }
}
