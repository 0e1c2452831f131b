package com.koomy.memberships;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * A line of the member directory: summary fields only. {@code sortName} is PostgreSQL's
 * {@code lower(name)}, the key the cursor carries (Java's lower-casing may differ from the database's).
 */
public record Member(UUID accountId, String name, String email, String role, String status, Instant joinedAt,
                     LocalDate duesPaidUntil, @JsonIgnore String sortName) {
}
