package com.koomy.news;

import java.time.Instant;
import java.util.UUID;

/**
 * A page of a community's news: published posts (the feed) or, for owners and admins, drafts. Null
 * {@code afterAt}: the first page; otherwise the sort key of the last post of the previous page.
 */
public record NewsQuery(boolean drafts, int limit, Instant afterAt, UUID afterId) {
}
