package com.koomy.memberships;

import com.koomy.db.KeysetCursor;
import org.jdbi.v3.core.Handle;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The member directory's statement for one {@link MemberQuery}: one page of the community's members with the
 * filters asked for, the caller's right to the directory checked in the same statement.
 */
record DirectoryStatement(String sql, Map<String, Object> values) {

    static DirectoryStatement of(Handle handle, UUID communityId, UUID callerId, MemberQuery query) {
        KeysetCursor after = query.after();
        // Only the filters asked for are in the statement: with "(:x IS NULL OR ...)" for each, PostgreSQL's
        // generic plan of the prepared statement (used after 5 executions on a connection) could not use
        // the (community_id, sort_name, account_id) index and sorted the whole community (~190 ms at
        // 10,000 members) or planned every call anew. The fragments are fixed text; values are bound.
        StringBuilder sql = new StringBuilder("""
                /* Memberships.directory */
                SELECT m.account_id, a.name, a.email, m.role, m.status, m.joined_at, m.dues_paid_until, m.sort_name,
                       m.fields::text AS fields
                  FROM memberships m JOIN accounts a ON a.id = m.account_id
                 WHERE m.community_id = :communityId
                   AND EXISTS (SELECT 1 FROM memberships c
                                WHERE c.community_id = :communityId AND c.account_id = :callerId
                                  AND c.status = 'active' AND c.role IN ('owner', 'admin'))""");
        Map<String, Object> values = new HashMap<>();
        values.put("communityId", communityId);
        values.put("callerId", callerId);
        query.appendFilters(sql, values);
        if (!query.fields().isEmpty()) {
            sql.append(" AND m.fields @> CAST(:fields AS jsonb)");
            values.put("fields", MemberFields.filter(handle, communityId, callerId, query.fields()));
        }
        if (after != null) {
            sql.append(" AND (m.sort_name, m.account_id) > (:afterName, :afterId)");
            values.put("afterName", after.text());
            values.put("afterId", after.id());
        }
        sql.append(" ORDER BY m.sort_name, m.account_id LIMIT :limit");
        values.put("limit", query.limit() + 1);
        return new DirectoryStatement(sql.toString(), values);
    }
}
