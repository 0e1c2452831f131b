package com.koomy.events;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Door staff of events: accounts that may scan tickets at one event. */
@RegisterConstructorMapper(EventStaffDao.StaffMember.class)
public interface EventStaffDao {

    record StaffMember(UUID accountId, String name, String email, UUID grantedBy, Instant grantedAt) {
    }

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM event_staff WHERE event_id = :eventId AND account_id = :accountId)")
    boolean isStaff(@Bind("eventId") UUID eventId, @Bind("accountId") UUID accountId);

    /** Returns false when the account already was door staff here. */
    @SqlUpdate("""
            INSERT INTO event_staff (event_id, account_id, granted_by) VALUES (:eventId, :accountId, :grantedBy)
            ON CONFLICT (event_id, account_id) DO NOTHING
            """)
    boolean grant(@Bind("eventId") UUID eventId, @Bind("accountId") UUID accountId, @Bind("grantedBy") UUID grantedBy);

    @SqlUpdate("DELETE FROM event_staff WHERE event_id = :eventId AND account_id = :accountId")
    boolean revoke(@Bind("eventId") UUID eventId, @Bind("accountId") UUID accountId);

    /** The account's door-staff grants at every event of the community (its membership ended). */
    @SqlUpdate("""
            DELETE FROM event_staff s USING events e
             WHERE e.id = s.event_id AND e.community_id = :communityId AND s.account_id = :accountId
            """)
    int revokeAll(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /** At most a few dozen per event: no pagination. */
    @SqlQuery("""
            SELECT s.account_id, a.name, a.email, s.granted_by, s.granted_at
              FROM event_staff s JOIN accounts a ON a.id = s.account_id
             WHERE s.event_id = :eventId
             ORDER BY lower(a.name), s.account_id
             LIMIT 500
            """)
    List<StaffMember> list(@Bind("eventId") UUID eventId);
}
