package com.koomy.events;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Events. Keyset timestamps are bound as ISO-8601 text (the cursor's text), as in NewsPostDao. */
@RegisterConstructorMapper(Event.class)
public interface EventDao {

    @SqlUpdate("""
            INSERT INTO events (id, community_id, title, description, place, starts_at, ends_at, time_zone, capacity,
                                visibility, tickets_per_account, created_by)
            VALUES (:id, :communityId, :e.title, :e.description, :e.place, :e.startsAt, :e.endsAt, :e.timeZone,
                    :e.capacity, :e.visibility, :e.ticketsPerAccount, :createdBy)
            """)
    void insert(@Bind("id") UUID id, @Bind("communityId") UUID communityId, @BindMethods("e") EventFields fields,
                @Bind("createdBy") UUID createdBy);

    @SqlQuery("SELECT * FROM events WHERE id = :id")
    Optional<Event> find(@Bind("id") UUID id);

    /** The event row locked until the transaction ends: every seat change of an event holds it. */
    @SqlQuery("SELECT * FROM events WHERE id = :id FOR UPDATE")
    Optional<Event> lock(@Bind("id") UUID id);

    /** Null fields stay as they are. */
    @SqlUpdate("""
            UPDATE events
               SET title = coalesce(:e.title, title), description = coalesce(:e.description, description),
                   place = coalesce(:e.place, place), starts_at = coalesce(:e.startsAt, starts_at),
                   ends_at = coalesce(:e.endsAt, ends_at), time_zone = coalesce(:e.timeZone, time_zone),
                   capacity = coalesce(:e.capacity, capacity), visibility = coalesce(:e.visibility, visibility),
                   tickets_per_account = coalesce(:e.ticketsPerAccount, tickets_per_account), updated_at = now()
             WHERE id = :id
            """)
    void update(@Bind("id") UUID id, @BindMethods("e") EventFields fields);

    @SqlUpdate("""
            UPDATE events SET status = 'cancelled', cancelled_at = now(), updated_at = now(),
                              confirmed_count = 0, waitlisted_count = 0
             WHERE id = :id AND status = 'scheduled'
            """)
    boolean cancel(@Bind("id") UUID id);

    @SqlUpdate("""
            UPDATE events SET confirmed_count = confirmed_count + :confirmed,
                              waitlisted_count = waitlisted_count + :waitlisted
             WHERE id = :id
            """)
    void count(@Bind("id") UUID id, @Bind("confirmed") int confirmed, @Bind("waitlisted") int waitlisted);

    /** Events not yet ended, soonest first, after the cursor's (starts_at, id). */
    @SqlQuery("""
            SELECT * FROM events
             WHERE community_id = :communityId AND ends_at >= now()
               AND (NOT :publicOnly OR visibility = 'public')
               AND (CAST(:afterAt AS timestamptz) IS NULL
                    OR starts_at > CAST(:afterAt AS timestamptz)
                    OR (starts_at = CAST(:afterAt AS timestamptz) AND id > CAST(:afterId AS uuid)))
             ORDER BY starts_at, id
             LIMIT :limit
            """)
    List<Event> upcoming(@Bind("communityId") UUID communityId, @Bind("publicOnly") boolean publicOnly,
                         @Bind("afterAt") String afterAt, @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    /** Ended events, latest start first, after the cursor's (starts_at, id). */
    @SqlQuery("""
            SELECT * FROM events
             WHERE community_id = :communityId AND ends_at < now()
               AND (NOT :publicOnly OR visibility = 'public')
               AND (CAST(:afterAt AS timestamptz) IS NULL
                    OR starts_at < CAST(:afterAt AS timestamptz)
                    OR (starts_at = CAST(:afterAt AS timestamptz) AND id < CAST(:afterId AS uuid)))
             ORDER BY starts_at DESC, id DESC
             LIMIT :limit
            """)
    List<Event> past(@Bind("communityId") UUID communityId, @Bind("publicOnly") boolean publicOnly,
                     @Bind("afterAt") String afterAt, @Bind("afterId") UUID afterId, @Bind("limit") int limit);

    @SqlQuery("SELECT EXISTS (SELECT 1 FROM events WHERE id = :id AND community_id = :c)")
    boolean exists(@Bind("c") UUID communityId, @Bind("id") UUID id);

    /** One more seat, for a waitlisted member a manager confirms into a full event. */
    @SqlUpdate("UPDATE events SET capacity = capacity + 1, updated_at = now() WHERE id = :id")
    void raiseCapacity(@Bind("id") UUID id);

    /** The event's visibility ({@code members} or {@code public}); empty when the community has no such event. */
    @SqlQuery("SELECT visibility FROM events WHERE community_id = :communityId AND id = :eventId")
    Optional<String> visibility(@Bind("communityId") UUID communityId, @Bind("eventId") UUID eventId);
}
