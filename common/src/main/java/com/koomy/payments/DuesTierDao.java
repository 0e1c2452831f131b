package com.koomy.payments;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@RegisterConstructorMapper(DuesTier.class)
public interface DuesTierDao {

    @SqlUpdate("""
            INSERT INTO dues_tiers (id, community_id, name, amount, currency, period, period_start, period_end)
            VALUES (:id, :communityId, :name, :amount, :currency, :period, :periodStart, :periodEnd)
            """)
    void insert(@BindMethods DuesTier tier);

    @SqlQuery("SELECT * FROM dues_tiers WHERE community_id = :communityId AND id = :id")
    Optional<DuesTier> find(@Bind("communityId") UUID communityId, @Bind("id") UUID id);

    /** A community has a handful of tiers: no pagination. */
    @SqlQuery("SELECT * FROM dues_tiers WHERE community_id = :communityId AND active ORDER BY created_at, id LIMIT 100")
    List<DuesTier> active(@Bind("communityId") UUID communityId);

    @SqlUpdate("UPDATE dues_tiers SET active = false WHERE community_id = :communityId AND id = :id AND active")
    int deactivate(@Bind("communityId") UUID communityId, @Bind("id") UUID id);
}
