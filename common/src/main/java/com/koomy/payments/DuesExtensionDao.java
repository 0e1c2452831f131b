package com.koomy.payments;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.time.LocalDate;
import java.util.Optional;
import java.util.UUID;

/** dues_extensions and the membership's paid-until they move ({@link DuesExtensions} says in which order). */
public interface DuesExtensionDao {

    /** The membership's paid-until (null: never paid); a record, so that a member without one is still found. */
    record PaidUntil(LocalDate duesPaidUntil) {
    }

    record Extension(UUID paymentId, UUID communityId, UUID accountId, LocalDate before, LocalDate after) {
    }

    record RolledBack(LocalDate paidUntilBefore, LocalDate paidUntilAfter) {
    }

    @SqlQuery("""
            SELECT dues_paid_until FROM memberships
             WHERE community_id = :communityId AND account_id = :accountId FOR UPDATE
            """)
    @RegisterConstructorMapper(PaidUntil.class)
    Optional<PaidUntil> lockMembership(@Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);

    /** False when this payment has extended the membership already. */
    @SqlUpdate("""
            INSERT INTO dues_extensions (payment_id, community_id, account_id, paid_until_before, paid_until_after)
            VALUES (:paymentId, :communityId, :accountId, :before, :after)
            ON CONFLICT (payment_id) DO NOTHING
            """)
    boolean insert(@BindMethods Extension extension);

    @SqlUpdate("""
            UPDATE memberships
               SET dues_paid_until = :after,
                   status = CASE WHEN status = 'expired' THEN 'active' ELSE status END, updated_at = now()
             WHERE community_id = :communityId AND account_id = :accountId
            """)
    void extendMembership(@Bind("after") LocalDate after, @Bind("communityId") UUID communityId,
                          @Bind("accountId") UUID accountId);

    /** Empty when the payment extended nothing, or its extension was rolled back already. */
    @SqlQuery("""
            UPDATE dues_extensions SET rolled_back_at = now()
             WHERE payment_id = :paymentId AND rolled_back_at IS NULL
            RETURNING paid_until_before, paid_until_after
            """)
    @RegisterConstructorMapper(RolledBack.class)
    Optional<RolledBack> rollBack(@Bind("paymentId") UUID paymentId);

    /** Returns 0 when the paid-until has moved since the extension (a later payment). */
    @SqlUpdate("""
            UPDATE memberships SET dues_paid_until = :before, updated_at = now()
             WHERE community_id = :communityId AND account_id = :accountId AND dues_paid_until = :after
            """)
    int restoreMembership(@Bind("before") LocalDate before, @Bind("after") LocalDate after,
                          @Bind("communityId") UUID communityId, @Bind("accountId") UUID accountId);
}
