package com.koomy.communities;

import java.util.UUID;

/** A public community as discovery lists it; {@code sortName} is its keyset (cached with it; the API does not show it). */
public record PublicCommunity(UUID id, String name, String slug, String city, String joinPolicy, String locale,
                              long activeMembers, String sortName) {
}
