package com.koomy.communities;

import com.koomy.cache.JsonCache;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.db.ReadDatabase;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Discovery (issue 21): public, unarchived communities by name and city, in (folded name, id) keyset
 * order ("École" beside "Ecole", whatever the database's collation). {@code q} is full-text on the name and city, accents and case folded ("ecole" finds "École"),
 * each word a prefix ("mus" finds "Musique"); {@code city} is the folded city, whole. Pages are cached
 * per query in Redis ({@link JsonCache}), in front of the read database, all under one generation
 * ({@value #ALL}): {@link #changed}, told of every listing change through {@link Communities#onListingChange}
 * (a new, renamed, archived or unarchived community), retires every query's page at once; a member count
 * shows within the TTL.
 */
public class CommunityDiscovery {

    /** Bump when {@link Found} or {@link PublicCommunity} changes shape. */
    public static final int CACHE_SCHEMA = 1;
    public static final int MAX_WORDS = 10;
    /** The one cache id whose generation every query's page is stored under. */
    static final String ALL = "all";

    /** {@code text}, {@code city}: null for none; {@code after}: null for the first page. */
    public record Query(String text, String city, int limit, KeysetCursor after) {
        /** The cache entry's id: a digest of every part of the query (the city is free text), nothing else. */
        String key() {
            String parts = String.join("\n", String.valueOf(tsQuery(text)), String.valueOf(city == null ? null
                    : city.strip().toLowerCase(java.util.Locale.ROOT)), Integer.toString(limit), after == null ? "-" : after.encode());
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(parts.getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** What the cache keeps: the rows of one page (one more than the limit when there is a next page). */
    public record Found(List<PublicCommunity> rows) {
    }

    private final ReadDatabase reads;
    private final JsonCache<Found> cache;

    public CommunityDiscovery(ReadDatabase reads, JsonCache<Found> cache) {
        this.reads = reads;
        this.cache = cache;
    }

    public Page<PublicCommunity> search(Query query) {
        Found found = cache.get(ALL, query.key(), () -> new Found(load(query)));
        return Page.of(found.rows(), query.limit(), c -> new KeysetCursor(c.sortName(), c.id()).encode());
    }

    /** After a committed change of any community: later searches read the database again. */
    public void changed() {
        cache.invalidate(ALL);
    }

    /** "École  d'Évry!" becomes "École:* & d:* & Évry:*" (folded in SQL); null without a word. */
    static String tsQuery(String text) {
        if (text == null) {
            return null;
        }
        String joined = Arrays.stream(text.split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isEmpty()).limit(MAX_WORDS)
                .map(w -> w + ":*").collect(Collectors.joining(" & "));
        return joined.isEmpty() ? null : joined;
    }

    private List<PublicCommunity> load(Query query) {
        // Only the filters asked for are in the statement, so each shape gets a plan that uses its index
        // (as Memberships.directory does). The fragments are fixed text; every value is bound.
        StringBuilder sql = new StringBuilder("""
                /* CommunityDiscovery.search */
                SELECT c.id, c.name, c.slug, c.city, c.join_policy, c.locale, search_fold(c.name) AS sort_name,
                       (SELECT count(*) FROM memberships m WHERE m.community_id = c.id AND m.status = 'active') AS active_members
                  FROM communities c
                 WHERE c.visibility = 'public' AND c.archived_at IS NULL""");
        Map<String, Object> values = new HashMap<>();
        String words = tsQuery(query.text());
        if (words != null) {
            sql.append(" AND c.search @@ to_tsquery('simple', search_fold(:words))");
            values.put("words", words);
        }
        if (query.city() != null && !query.city().isBlank()) {
            sql.append(" AND search_fold(c.city) = search_fold(:city)");
            values.put("city", query.city().strip());
        }
        if (query.after() != null) {
            sql.append(" AND (search_fold(c.name), c.id) > (:afterName, :afterId)");
            values.put("afterName", query.after().text());
            values.put("afterId", query.after().id());
        }
        sql.append(" ORDER BY search_fold(c.name), c.id LIMIT :limit");
        values.put("limit", query.limit() + 1);
        return reads.withHandle(handle -> handle.createQuery(sql.toString()).bindMap(values)
                .map((rs, ctx) -> new PublicCommunity(rs.getObject("id", UUID.class), rs.getString("name"),
                        rs.getString("slug"), rs.getString("city"), rs.getString("join_policy"), rs.getString("locale"),
                        rs.getLong("active_members"), rs.getString("sort_name")))
                .list());
    }
}
