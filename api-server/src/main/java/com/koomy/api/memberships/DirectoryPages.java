package com.koomy.api.memberships;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.koomy.api.http.LocalPages;
import com.koomy.api.http.LocalWeight;
import com.koomy.communities.Communities;
import com.koomy.memberships.MemberQuery;
import com.koomy.memberships.Memberships;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Member directory pages, serialized, kept in this API instance's memory for {@code localTtl} (1 s by
 * default; 0: off). A page depends only on the community and the query, not on which owner or admin
 * asks, so a busy directory is read from PostgreSQL once per second per instance; the caller's right is
 * still checked on every request ({@link DirectoryFastRoute}). A page holds the members' field values and may be
 * filtered on them (the query's {@code fields}, part of the key). A membership change, a member's field values
 * or the field definitions changed through this instance drop the community's pages at once
 * ({@link Communities#onChange}, told by {@code Memberships}, {@code MemberFields}, {@code MembershipRequests});
 * changes made elsewhere (another
 * instance, a payment extending dues, a renamed account) show within {@code localTtl}. Memory is bounded
 * by the pages' bytes ({@code maxBytes}, Caffeine's weight; the least used go first).
 */
public final class DirectoryPages {

    private record Key(UUID communityId, String status, String role, String dues, String text, int limit, String cursor,
                       Map<String, String> fields, Boolean missingRequired) {
    }

    private final Memberships memberships;
    private final ObjectMapper json;
    private final LocalPages<Key, byte[]> local;

    public DirectoryPages(Memberships memberships, Communities communities, ObjectMapper json, Duration localTtl,
                          long maxBytes, MetricRegistry metrics) {
        this.memberships = memberships;
        this.json = json;
        this.local = new LocalPages<>("directory", localTtl, maxBytes, (Key key, byte[] body) -> LocalWeight.of(body,
                key.text(), key.cursor(), key.fields().isEmpty() ? null : key.fields().toString()), metrics);
        communities.onChange(this::forget);
    }

    /**
     * The page as JSON, for a caller whose right to the directory was checked just before; the load
     * itself checks it again (and throws as {@link Memberships#directory} does).
     */
    public byte[] page(UUID communityId, UUID callerId, MemberQuery query) throws JsonProcessingException {
        Key key = new Key(communityId, query.status(), query.role(), query.dues(), query.text(), query.limit(),
                query.after() == null ? null : query.after().encode(), query.fields(), query.missingRequired());
        byte[] kept = local.get(key);
        if (kept != null) {
            return kept;
        }
        long before = local.epoch();
        byte[] body = json.writeValueAsBytes(memberships.directory(communityId, callerId, query));
        local.keep(key, body, before);
        return body;
    }

    void forget(UUID communityId) {
        local.forgetIf(key -> Objects.equals(key.communityId(), communityId));
    }
}
