package com.koomy.memberships;

import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A request to join a community that approves its members: who asked (name, email, the field values they
 * gave), when, and the decision ({@code status} pending, approved, refused or withdrawn; {@code message}
 * the admin's words to the member, if any).
 */
public record MembershipRequest(UUID id, UUID communityId, UUID accountId, String name, String email, String status,
                                Instant requestedAt, @Nullable Instant decidedAt, @Nullable String message, Map<String, String> fields,
                                @JsonIgnore String locale) {

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String REFUSED = "refused";
    public static final String WITHDRAWN = "withdrawn";
}
