package com.koomy.api;

import com.koomy.api.communities.CommunitiesRoutes;
import com.koomy.communities.Communities;
import com.koomy.memberships.Membership;
import com.koomy.memberships.MembershipDao;

import java.util.UUID;

/**
 * A community for an {@code XResourceTest}: its owner, created through {@link Communities#create} as the app does,
 * and accounts added with a role and status straight into memberships (the resource under test is not the one that
 * makes members). A fresh one per test keeps tests apart.
 */
public record ResourceCommunity(ResourceTests api, UUID id, ApiCalls.User owner) {

    /** A new public, open community owned by a new account. */
    public static ResourceCommunity create(ResourceTests api, String name) {
        return create(api, name, "public", "open");
    }

    public static ResourceCommunity create(ResourceTests api, String name, String visibility, String joinPolicy) {
        ApiCalls.User owner = api.account(name + " Owner");
        UUID id = new CommunitiesRoutes(api.app()).communities()
                .create(owner.id(), new Communities.NewCommunity(name, "", visibility, joinPolicy, "en", null)).id();
        return new ResourceCommunity(api, id, owner);
    }

    /** A new active member (role {@code member}). */
    public ApiCalls.User member(String name) {
        return member(name, Membership.MEMBER, Membership.ACTIVE);
    }

    /** A new active admin. */
    public ApiCalls.User admin(String name) {
        return member(name, Membership.ADMIN, Membership.ACTIVE);
    }

    public ApiCalls.User member(String name, String role, String status) {
        ApiCalls.User user = api.account(name);
        api.jdbi().useExtension(MembershipDao.class, dao -> dao.insert(id, user.id(), role, status));
        return user;
    }
}
