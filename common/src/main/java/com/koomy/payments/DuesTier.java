package com.koomy.payments;

import jakarta.annotation.Nullable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Set;
import java.util.UUID;

/** One dues amount a community asks: amount in the currency's minor unit, and the period it pays for. */
public record DuesTier(
        UUID id,
        UUID communityId,
        String name,
        long amount,
        String currency,
        String period,
        @Nullable LocalDate periodStart,
        @Nullable LocalDate periodEnd,
        boolean active,
        Instant createdAt) {

    public static final String YEARLY = "yearly";
    public static final String ROLLING_YEAR = "rolling_year";
    public static final String CUSTOM = "custom";
    public static final Set<String> PERIODS = Set.of(YEARLY, ROLLING_YEAR, CUSTOM);

    /**
     * The paid-until date a payment made on {@code paidOn} gives a membership paid until {@code before}
     * (null: never paid). Calendar year: to the end of the year the payment covers (the next one when this
     * one is already paid); rolling year: a year from the later of the payment day and the current end;
     * custom: the tier's end date (never earlier than what is already paid).
     */
    public LocalDate paidUntil(LocalDate before, LocalDate paidOn) {
        boolean ahead = before != null && !before.isBefore(paidOn);
        return switch (period) {
            case YEARLY -> LocalDate.of((ahead ? before.plusDays(1) : paidOn).getYear(), 12, 31);
            case ROLLING_YEAR -> (ahead ? before : paidOn).plusYears(1);
            case CUSTOM -> before != null && before.isAfter(periodEnd) ? before : periodEnd;
            default -> throw new IllegalStateException("unknown dues period " + period);
        };
    }
}
