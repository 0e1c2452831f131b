package com.koomy.api.communities;

import jakarta.annotation.Nullable;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.http.ConditionalGet;
import com.koomy.api.http.LocalPages;
import com.koomy.api.http.LocalWeight;
import com.koomy.communities.Communities;
import com.koomy.communities.CommunityDiscovery;
import com.koomy.communities.PublicCommunity;
import com.koomy.db.Page;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Discovery pages, rendered once (JSON bytes and ETag) and kept in this process for {@code localTtl} in
 * front of the Redis cache of {@link CommunityDiscovery}, as {@link PublicPages} does for a community's
 * page: a busy search costs neither a Redis round trip nor a serialisation. A community change made through
 * this process ({@link Communities#onChange}, the listener {@link PublicPages} has too) drops every kept page
 * (any page may list it); a change of its listing ({@link Communities#onListingChange}: created, renamed,
 * archived...) also retires every query's page in Redis ({@link CommunityDiscovery#changed}), so it shows at
 * once here and within {@code localTtl} on the other instances. A member count shows within the Redis TTL.
 */
public final class PublicDiscovery {

    /** What a discovery item shows: public facts only (no keyset, no member list). */
    public record DiscoveredCommunity(UUID id, String name, String slug, @Nullable String city, String joinPolicy, String locale,
                                      long activeMembers) {
        static DiscoveredCommunity of(PublicCommunity c) {
            return new DiscoveredCommunity(c.id(), c.name(), c.slug(), c.city(), c.joinPolicy(), c.locale(), c.activeMembers());
        }
    }

    /** The answer's shape, for the OpenAPI document. */
    public record DiscoveryPage(List<DiscoveredCommunity> items, @Nullable String nextCursor) {
    }

    public record Rendered(byte[] body, String etag) {
    }

    private final CommunityDiscovery discovery;
    private final ObjectMapper json;
    private final LocalPages<CommunityDiscovery.Query, Rendered> local;

    public PublicDiscovery(CommunityDiscovery discovery, Communities communities, ObjectMapper json, Duration localTtl,
                           long maxBytes, MetricRegistry metrics) {
        this.discovery = discovery;
        this.json = json;
        this.local = new LocalPages<>("discovery", localTtl, maxBytes,
                (CommunityDiscovery.Query query, Rendered page) -> LocalWeight.of(page.body(), page.etag(),
                        query.text(), query.city()), metrics);
        communities.onChange(id -> local.forgetAll());
        communities.onListingChange(id -> discovery.changed());
    }

    public Rendered page(CommunityDiscovery.Query query) {
        Rendered kept = local.get(query);
        if (kept != null) {
            return kept;
        }
        long before = local.epoch();
        Page<PublicCommunity> found = discovery.search(query);
        Rendered rendered = render(new DiscoveryPage(found.items().stream().map(DiscoveredCommunity::of).toList(),
                found.nextCursor()));
        local.keep(query, rendered, before);
        return rendered;
    }

    private Rendered render(DiscoveryPage page) {
        try {
            byte[] body = json.writeValueAsBytes(page);
            return new Rendered(body, ConditionalGet.hash(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a discovery page", e);
        }
    }
}
