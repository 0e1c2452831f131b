package com.koomy.communities;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.UUID;

/**
 * A line of "my communities": summary fields of the community and of my membership in it.
 * {@code sortName} is PostgreSQL's {@code lower(name)}, the key the cursor carries.
 */
public record MyCommunity(UUID id, String name, String slug, String visibility, String role, String status,
                          Instant joinedAt, @JsonIgnore String sortName) {
}
