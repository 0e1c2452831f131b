package com.koomy.api.communities;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.communities.CommunitiesResource.CommunityResponse;
import com.koomy.api.http.ConditionalGet;
import com.koomy.api.http.LocalPages;
import com.koomy.api.http.LocalWeight;
import com.koomy.communities.Communities;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import com.koomy.errors.ApiException;

/**
 * The signed-out community page, rendered once (JSON bytes and ETag) and kept in this process for
 * {@code localTtl} in front of the Redis cache ({@link Communities#page}): the page every passive
 * visitor asks for then costs neither a Redis round trip nor a serialisation. A change made through
 * this process drops its copy at once ({@link Communities#onChange}); a change made on another
 * instance shows here within {@code localTtl} (1 s by default), while the page itself tells browsers
 * and CDNs they may keep it 60 s. A load that started before a change is not kept (epoch check).
 * Unknown and private communities are never kept: they always take the full path (404). Memory is
 * bounded by the pages' bytes ({@code maxBytes}, Caffeine's weight; the least used go first).
 */
public final class PublicPages {

    public record Rendered(byte[] body, String etag) {
    }

    private final Communities communities;
    private final ObjectMapper json;
    private final LocalPages<UUID, Rendered> local;

    public PublicPages(Communities communities, ObjectMapper json, Duration localTtl, long maxBytes, MetricRegistry metrics) {
        this.communities = communities;
        this.json = json;
        this.local = new LocalPages<>("communities", localTtl, maxBytes,
                (UUID id, Rendered page) -> LocalWeight.of(page.body(), page.etag()), metrics);
        communities.onChange(this::forget);
    }

    /** The page as a signed-out visitor sees it; empty for an unknown or private community. */
    public Optional<Rendered> anonymous(UUID id) {
        Rendered kept = local.get(id);
        if (kept != null) {
            return Optional.of(kept);
        }
        long before = local.epoch();
        Rendered rendered;
        try {
            rendered = render(CommunityResponse.of(communities.page(id, null)));
        } catch (ApiException e) {
            local.invalidate(id);
            return Optional.empty();
        }
        local.keep(id, rendered, before);
        return Optional.of(rendered);
    }

    /**
     * The page as a signed-out visitor sees it; 404 for an unknown or private community. What both
     * {@link CommunitiesResource#page} and its fast path answer a signed-out caller.
     */
    public Rendered anonymousPage(UUID id) {
        return anonymous(id).orElseThrow(Communities::notFound);
    }

    void forget(UUID id) {
        local.forget(id);
    }

    private Rendered render(CommunityResponse page) {
        try {
            byte[] body = json.writeValueAsBytes(page);
            return new Rendered(body, ConditionalGet.hash(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a community page", e);
        }
    }
}
