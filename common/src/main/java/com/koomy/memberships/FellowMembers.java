package com.koomy.memberships;

import com.koomy.communities.Communities;
import com.koomy.db.KeysetCursor;
import com.koomy.db.Page;
import com.koomy.db.ReadDatabase;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Where members see each other (issue 21, P3's member directory as a member reads it): the community's active
 * members by name, with only what a fellow member may see: name, role, since when, and the values of the fields
 * whose {@code visibility} is {@link MemberField#MEMBERS}. No email, no dues, no pending members, no
 * {@link MemberField#ADMINS} value: those stay in the owners' and admins' directory ({@link Memberships#directory})
 * and export. Active members only (404 to anyone else, as for any private data); read from the read database.
 */
public class FellowMembers {

    /** A fellow member as another member sees them. */
    public record Fellow(UUID accountId, String name, String role, Instant joinedAt, Map<String, String> fields) {
    }

    private record Row(Fellow fellow, String sortName) {
    }

    private final ReadDatabase reads;

    public FellowMembers(ReadDatabase reads) {
        this.reads = reads;
    }

    /** {@code name}: a part of the name (not the email: members do not see each other's), null for all. */
    public Page<Fellow> page(UUID communityId, UUID callerId, String name, int limit, KeysetCursor after) {
        return reads.withHandle(handle -> {
            handle.attach(MembershipDao.class).find(communityId, callerId).filter(Membership::isActive)
                    .orElseThrow(Communities::notFound);
            Set<String> shown = handle.attach(MemberFieldDao.class).list(communityId).stream()
                    .filter(f -> MemberField.MEMBERS.equals(f.visibility())).map(MemberField::key).collect(Collectors.toSet());
            StringBuilder sql = new StringBuilder("""
                    /* FellowMembers.page */
                    SELECT m.account_id, a.name, m.role, m.joined_at, m.sort_name, m.fields::text AS fields
                      FROM memberships m JOIN accounts a ON a.id = m.account_id
                     WHERE m.community_id = :communityId AND m.status = 'active'""");
            Map<String, Object> values = new HashMap<>();
            values.put("communityId", communityId);
            if (name != null && !name.isBlank()) {
                sql.append(" AND a.name ILIKE :pattern");
                values.put("pattern", "%" + MemberQuery.escapeLike(name.strip()) + "%");
            }
            if (after != null) {
                sql.append(" AND (m.sort_name, m.account_id) > (:afterName, :afterId)");
                values.put("afterName", after.text());
                values.put("afterId", after.id());
            }
            sql.append(" ORDER BY m.sort_name, m.account_id LIMIT :limit");
            values.put("limit", limit + 1);
            List<Row> rows = handle.createQuery(sql.toString()).bindMap(values).map((rs, ctx) -> {
                Map<String, String> fields = new java.util.LinkedHashMap<>(MemberFieldMapper.values(rs.getString("fields")));
                fields.keySet().retainAll(shown);
                return new Row(new Fellow(rs.getObject("account_id", UUID.class), rs.getString("name"), rs.getString("role"),
                        rs.getTimestamp("joined_at").toInstant(), fields), rs.getString("sort_name"));
            }).list();
            Page<Row> page = Page.of(rows, limit, r -> new KeysetCursor(r.sortName(), r.fellow().accountId()).encode());
            return new Page<>(page.items().stream().map(Row::fellow).toList(), page.nextCursor());
        });
    }
}
