package com.koomy.api.memberships;

import com.koomy.api.ApiCalls;
import com.koomy.api.ApiCalls.User;
import com.koomy.testing.ApiReply;
import com.koomy.testing.TestDatabase;

import java.util.List;
import java.util.UUID;

/** The membership-request calls the tests of issue 21 make, and what they read back from the database. */
final class MembershipRequestCalls {

    private final ApiCalls api;
    private final TestDatabase db;

    MembershipRequestCalls(ApiCalls api, TestDatabase db) {
        this.api = api;
        this.db = db;
    }

    ApiReply list(UUID community, User caller, String query) {
        return api.get("/api/communities/" + community + "/membership-requests" + query, caller == null ? null : caller.token());
    }

    ApiReply decide(UUID community, User caller, UUID request, String decision, Object body) {
        return api.call("POST", "/api/communities/" + community + "/membership-requests/" + request + "/" + decision,
                caller == null ? null : caller.token(), body);
    }

    UUID requestOf(UUID community, User user) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT id FROM membership_requests WHERE community_id = :c AND account_id = :a
                         ORDER BY requested_at DESC LIMIT 1""")
                .bind("c", community).bind("a", user.id()).mapTo(UUID.class).one());
    }

    /** "request status / membership status", e.g. "pending/pending" or "refused/none". */
    String state(UUID community, User user) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT r.status || '/' || coalesce(m.status, 'none')
                          FROM membership_requests r
                          LEFT JOIN memberships m ON m.community_id = r.community_id AND m.account_id = r.account_id
                         WHERE r.community_id = :c AND r.account_id = :a ORDER BY r.requested_at DESC LIMIT 1""")
                .bind("c", community).bind("a", user.id()).mapTo(String.class).one());
    }

    /** The emails queued to the user with this template: "locale message communityName". */
    List<String> emails(String template, User user) {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        SELECT locale || ' ' || coalesce(variables ->> 'message', '-') || ' ' || (variables ->> 'communityName')
                          FROM emails WHERE template = :t AND recipients -> 0 ->> 'email' = :e ORDER BY created_at""")
                .bind("t", template).bind("e", user.email()).mapTo(String.class).list());
    }
}
