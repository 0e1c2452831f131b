package com.koomy.api.communities;

import com.codahale.metrics.annotation.Timed;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.auth.Access;
import com.koomy.api.http.ConditionalGet;
import com.koomy.api.http.ListParams;
import com.koomy.communities.CommunityDiscovery;
import com.koomy.errors.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import com.koomy.api.docs.Refusal;

/** Discovery (issue 21): public communities by name and city, the same answer for everyone. */
@Path("/api")
@Tag(name = "communities")
@Produces(MediaType.APPLICATION_JSON)
public class DiscoveryResource {

    /** Shorter than a page's 60 s: a new community should show up soon (and Redis keeps a page 30 s). */
    static final String CACHE_CONTROL = "public, max-age=30, stale-while-revalidate=60";

    private final PublicDiscovery discovery;
    private final ConditionalGet conditionalGet;

    public DiscoveryResource(PublicDiscovery discovery, ObjectMapper json) {
        this.discovery = discovery;
        this.conditionalGet = new ConditionalGet(json);
    }

    @Access(Access.Who.ANYONE)
    @GET
    @Path("/communities")
    @Timed
    @Refusal(status = 400, codes = {"invalid_city", "invalid_cursor", "invalid_limit", "invalid_query"})
    @Operation(operationId = "discoverCommunities", summary = "Find public communities by name and city",
            description = "200 {items: [{id, name, slug, city, joinPolicy, locale, activeMembers}], nextCursor}, public and "
                    + "not archived communities only, by name. q: words of the name or city, accents and case ignored, each "
                    + "a prefix (\"ecole mus\" finds \"École de Musique\"); city: the whole city, accents and case ignored. "
                    + "Strong ETag (If-None-Match: 304); Cache-Control public, max-age=30; a community change (new, renamed, archived) shows in the next search. "
                    + "400 invalid_query (q over 200 characters), invalid_city (over 100), invalid_limit (1-100), invalid_cursor.",
            responses = {
                    @ApiResponse(responseCode = "200", description = "a page", content = @Content(
                            schema = @Schema(implementation = PublicDiscovery.DiscoveryPage.class)),
                            headers = {@Header(name = "ETag", description = "hash of the body"),
                                    @Header(name = "Cache-Control", description = "public, max-age=30")}),
                    @ApiResponse(responseCode = "304", description = "If-None-Match matched the current ETag")})
    public Response discover(@QueryParam("q") String q, @QueryParam("city") String city,
                             @QueryParam("limit") String limit, @QueryParam("cursor") String cursor,
                             @Context Request request) {
        if (q != null && q.length() > 200) {
            throw ApiException.invalidField("invalid_query", "q", "must have at most 200 characters");
        }
        if (city != null && city.length() > 100) {
            throw ApiException.invalidField("invalid_city", "city", "must have at most 100 characters");
        }
        PublicDiscovery.Rendered page = discovery.page(new CommunityDiscovery.Query(q == null || q.isBlank() ? null : q,
                city == null || city.isBlank() ? null : city.strip(), ListParams.limit(limit), ListParams.cursor(cursor)));
        return conditionalGet.ok(request, page.body(), page.etag(), CACHE_CONTROL);
    }
}
