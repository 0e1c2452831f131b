package com.koomy.payments;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

import java.util.Optional;
import java.util.UUID;

/** Receipts and their per-community, per-year counters ({@link Receipts} says how numbers are given). */
public interface ReceiptDao {

    record YearNumber(int year, int number) {
    }

    record Issued(UUID paymentId, UUID communityId, int year, int number) {
    }

    @SqlQuery("SELECT year, number FROM receipts WHERE payment_id = :id")
    @RegisterConstructorMapper(YearNumber.class)
    Optional<YearNumber> find(@Bind("id") UUID paymentId);

    /** The community's next number for the year; the counter row stays locked until the transaction ends. */
    @SqlQuery("""
            INSERT INTO receipt_counters (community_id, year, last_number) VALUES (:communityId, :year, 1)
            ON CONFLICT (community_id, year) DO UPDATE SET last_number = receipt_counters.last_number + 1
            RETURNING last_number
            """)
    int next(@Bind("communityId") UUID communityId, @Bind("year") int year);

    @SqlUpdate("""
            INSERT INTO receipts (payment_id, community_id, year, number)
            VALUES (:paymentId, :communityId, :year, :number)
            """)
    void insert(@BindMethods Issued receipt);

    @SqlUpdate("UPDATE receipts SET status = 'void', voided_at = now() WHERE payment_id = :id AND status = 'issued'")
    void voidFor(@Bind("id") UUID paymentId);
}
