package com.koomy.memberships;

import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.UUID;

/**
 * A line of the member directory: summary fields only, and the member's field values ({@code fields}, by
 * key; only the keys the member filled). {@code sortName} is PostgreSQL's {@code lower(name)}, the key the
 * cursor carries (Java's lower-casing may differ from the database's).
 */
public record Member(UUID accountId, String name, String email, String role, String status, Instant joinedAt,
                     @Nullable LocalDate duesPaidUntil, Map<String, String> fields, @JsonIgnore String sortName) {
}
