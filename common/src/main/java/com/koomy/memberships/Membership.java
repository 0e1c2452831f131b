package com.koomy.memberships;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;

public record Membership(
        UUID communityId,
        UUID accountId,
        String role,
        String status,
        LocalDate duesPaidUntil,
        Instant joinedAt,
        Instant updatedAt) {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";
    public static final Set<String> ROLES = Set.of(OWNER, ADMIN, MEMBER);

    public static final String PENDING = "pending";
    public static final String ACTIVE = "active";
    public static final String EXPIRED = "expired";
    public static final Set<String> STATUSES = Set.of(PENDING, ACTIVE, EXPIRED);

    public boolean isActive() {
        return ACTIVE.equals(status);
    }

    public boolean isOwner() {
        return isActive() && OWNER.equals(role);
    }

    /** Owners and admins manage the community: its settings and its members. */
    public boolean canManage() {
        return isActive() && (OWNER.equals(role) || ADMIN.equals(role));
    }
}
